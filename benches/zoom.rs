//! Zoom-level clusters (spatial::zoom): building the index for zooms 0-16
//! and answering the world at zoom 5 and 10, on the gen_peers.py files
//! (see benches/common) or seeded synthetic data; the same work the
//! supercluster harness times (bench/zoom.sh compares whole processes).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use incidentmap::spatial::zoom::ZoomIndex;

mod common;

const WORLD: [f64; 4] = [-180.0, -85.0, 180.0, 85.0];

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("zoom");
    for (label, n, samples) in [("100k", 100_000, 20), ("1m", 1_000_000, 10)] {
        let (pts, source) = common::incidents(label, n);
        let fat = vec![1u32; pts.len()];
        let idx = ZoomIndex::new(&pts, &fat);
        eprintln!(
            "zoom {label} ({source}): {} clusters+points at z5, {} at z10",
            idx.clusters(WORLD, 5).len(),
            idx.clusters(WORLD, 10).len()
        );
        g.sample_size(samples);
        g.bench_function(format!("{label}_index_z0-16"), |b| b.iter(|| ZoomIndex::new(black_box(&pts), &fat)));
        g.bench_function(format!("{label}_world_z5_z10"), |b| {
            b.iter(|| (idx.clusters(black_box(WORLD), 5).len(), idx.clusters(black_box(WORLD), 10).len()))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
