//! DBSCAN at 10k / 100k (eps 5 km, min 5) and 1M (eps 1 km, min 5) on the
//! gen_peers.py files (see benches/common.rs), else seeded synthetic data.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use incidentmap::spatial::cluster::cluster;

mod common;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("dbscan");
    for (label, n, eps, samples) in [("10k", 10_000, 5.0, 30), ("100k", 100_000, 5.0, 10), ("1m", 1_000_000, 1.0, 10)] {
        let (pts, source) = common::incidents(label, n);
        let l = cluster(&pts, eps, 5);
        eprintln!("dbscan {label} eps {eps} km min 5 ({source}): {} clusters, {} noise", l.n_clusters, l.noise());
        g.sample_size(samples);
        g.bench_function(format!("{label}_eps{eps}km_min5"), |b| b.iter(|| cluster(black_box(&pts), eps, 5)));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
