//! Criterion benchmarks for the export hot paths on seeded synthetic
//! incidents (1k and 100k; the 1M whole-process comparison with ogr2ogr is
//! bench/export.sh).

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use incidentmap::export::{csv, geojson, gpkg};
use incidentmap::input::{ReadOptions, read_incidents};
use incidentmap::{Incident, LonLat};

/// Deterministic incidents in the Iraq/Syria box (xorshift; no RNG crate).
fn incidents(n: usize) -> Vec<Incident> {
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let day0 = NaiveDate::from_ymd_opt(2018, 1, 1).unwrap();
    (0..n)
        .map(|i| {
            let pos = LonLat::new(38.0 + 11.0 * next(), 29.0 + 9.0 * next()).unwrap();
            let mut inc = Incident::new(day0 + chrono::Days::new((next() * 2000.0) as u64), pos);
            inc.id = i as u64 + 1;
            inc.event_id = format!("IRQ{i}");
            inc.event_type = "Battles".into();
            inc.fatalities = (next() * 10.0) as u32;
            inc.admin1 = "Diyala".into();
            inc.location = format!("Loc{}", i % 5000);
            inc
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("export");
    g.sample_size(10);
    for n in [1_000usize, 100_000] {
        let incs = incidents(n);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("geojson", n), &incs, |b, incs| {
            b.iter(|| geojson::write_incidents(std::io::sink(), black_box(incs)).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("csv", n), &incs, |b, incs| {
            b.iter(|| csv::write_incidents(std::io::sink(), black_box(incs)).unwrap())
        });
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.gpkg");
        g.bench_with_input(BenchmarkId::new("gpkg", n), &incs, |b, incs| {
            b.iter(|| gpkg::write_incidents(&path, black_box(incs)).unwrap())
        });
        let csv_path = dir.path().join("b.csv");
        std::fs::write(&csv_path, csv::write_incidents(Vec::new(), &incs).unwrap()).unwrap();
        g.bench_with_input(BenchmarkId::new("read_csv", n), &csv_path, |b, p| {
            b.iter(|| read_incidents(p, &ReadOptions::default()).unwrap().incidents.len())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
