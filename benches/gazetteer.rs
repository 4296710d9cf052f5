//! Gazetteer hot paths: lookups on the embedded default (exact and fuzzy),
//! and import throughput on a generated file shaped like allCountries.txt.
//!
//! `cargo bench --bench gazetteer`. The whole-process figures (a full
//! import's peak memory, `geocode` wall time) are in bench/*.sh.

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use incidentmap::gazetteer::import::{ImportParams, Input, import};
use incidentmap::gazetteer::{Gazetteer, LookupOptions};

const EXACT: [&str; 10] =
    ["Khanaqin", "Baquba", "Kirkuk", "Slemani", "Diyala", "Jurf al-Sakhar", "Lyon", "Mombasa", "Danang", "Cusco"];
/// Misspellings that match nothing exactly, so the edit-distance search runs
/// (doubled letters would not do: keys collapse them).
const FUZZY: [&str; 6] = ["Khanaqim", "Sulaimanyya", "Mombasda", "Kirkak", "Fallujax", "Tikrid"];

fn lookups(c: &mut Criterion) {
    let g = Gazetteer::embedded().unwrap();
    let opts = LookupOptions::default();
    let mut group = c.benchmark_group("lookup");
    group.throughput(Throughput::Elements(EXACT.len() as u64));
    group.bench_function("exact", |b| {
        b.iter(|| {
            for n in EXACT {
                black_box(g.lookup(black_box(n), &opts));
            }
        })
    });
    group.throughput(Throughput::Elements(FUZZY.len() as u64));
    group.bench_function("fuzzy", |b| {
        b.iter(|| {
            for n in FUZZY {
                black_box(g.lookup(black_box(n), &opts));
            }
        })
    });
    group.finish();
}

/// Deterministic rows in the shape of allCountries (see bench/gen_geonames.py):
/// most rows without alternate names, some with a few, a few with dozens.
fn generate(rows: usize) -> String {
    const SYL: [&str; 16] =
        ["ba", "qu", "kha", "na", "qin", "al", "dir", "zor", "mah", "mur", "sul", "ay", "tal", "ki", "ruk", "ja"];
    let mut state: u64 = 42;
    let mut next = move |n: u64| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) % n
    };
    let mut out = String::with_capacity(rows * 120);
    for i in 0..rows {
        let mut name = String::new();
        for _ in 0..2 + next(3) {
            name.push_str(SYL[next(16) as usize]);
        }
        let k = match next(100) {
            0..65 => 0,
            65..85 => 1 + next(3),
            85..96 => 4 + next(7),
            _ => 10 + next(30),
        };
        let mut alts = String::new();
        for j in 0..k {
            if j > 0 {
                alts.push(',');
            }
            alts.push_str(&name);
            alts.push_str(SYL[next(16) as usize]);
            if next(5) == 0 {
                alts.push_str(" мост");
            }
        }
        let lat = next(12000) as f64 / 100.0 - 60.0;
        let lon = next(36000) as f64 / 100.0 - 180.0;
        let _ = writeln!(
            out,
            "{}\t{name}\t{name}\t{alts}\t{lat:.5}\t{lon:.5}\tP\tPPL\tIQ\t\t{:02}\t{}\t\t\t{}\t\t\tEtc/UTC\t2024-01-01",
            1_000_000 + i * 7,
            1 + next(18),
            next(300),
            next(100_000)
        );
    }
    out
}

fn import_rows(c: &mut Criterion) {
    const ROWS: usize = 100_000;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("allCountries.txt");
    std::fs::write(&file, generate(ROWS)).unwrap();
    let out = dir.path().join("gaz");
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS as u64));
    group.bench_function("100k rows", |b| {
        b.iter(|| {
            let params = ImportParams::new(&out, vec![Input::detect(&file).unwrap()]);
            black_box(import(&params).unwrap())
        })
    });
    group.finish();
}

criterion_group!(benches, lookups, import_rows);
criterion_main!(benches);
