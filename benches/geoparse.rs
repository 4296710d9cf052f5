//! Geoparsing throughput (spotting + resolution, one thread) on news-like
//! text with the shipped default gazetteer.
//!
//! Corpus: `$INCIDENTMAP_BENCH_CORPUS` (one document per line, e.g.
//! `corpus_1mb.txt` from `../shared/bench/gen_peers.py`), else
//! `../shared/bench`'s generator output in `/tmp/peers`, else the example
//! reports repeated to about 1 MB (said on stderr).

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use incidentmap::document::Document;
use incidentmap::gazetteer::Gazetteer;
use incidentmap::geoparse::{ResolveOptions, geoparse};

/// The allocator the `incidentmap` binary runs with.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn corpus() -> (String, Vec<String>) {
    let candidates = [
        std::env::var("INCIDENTMAP_BENCH_CORPUS").ok().map(PathBuf::from),
        Some(PathBuf::from("/tmp/peers/corpus_1mb.txt")),
    ];
    for p in candidates.into_iter().flatten() {
        if let Ok(text) = std::fs::read_to_string(&p) {
            return (p.display().to_string(), text.lines().map(str::to_string).collect());
        }
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/reports");
    let mut docs = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let texts: Vec<String> = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let mut size = 0;
    while size < 1_000_000 {
        for t in &texts {
            size += t.len();
            docs.push(t.clone());
        }
    }
    ("examples/reports repeated (no gen_peers corpus found)".to_string(), docs)
}

fn bench(c: &mut Criterion) {
    let gaz = Gazetteer::embedded().unwrap();
    let (name, docs) = corpus();
    let bytes: usize = docs.iter().map(String::len).sum();
    eprintln!("geoparse bench corpus: {name}, {} documents, {bytes} bytes", docs.len());
    let docs: Vec<Document> = docs
        .into_iter()
        .enumerate()
        .map(|(i, t)| Document {
            id: i.to_string(),
            source: String::new(),
            published: None,
            title: None,
            text: t,
            body_start: 0,
        })
        .collect();
    let opts = ResolveOptions::default();
    let mut g = c.benchmark_group("geoparse");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    g.bench_function("spot+resolve", |b| b.iter(|| docs.iter().map(|d| geoparse(&gaz, d, &opts).len()).sum::<usize>()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
