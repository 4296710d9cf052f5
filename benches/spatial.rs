//! Index build and queries on 1M points: bulk load, 10,000 radius queries of
//! 25 km, 10,000 k-nearest (k = 10). Uses the gen_peers.py files (see
//! benches/common.rs), else seeded synthetic data, and says which.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{Criterion, criterion_group, criterion_main};
use incidentmap::spatial::index::IncidentIndex;

mod common;

/// Counts live heap bytes, to report the index size per point.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size(), Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        LIVE.fetch_add(n, Ordering::Relaxed);
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn bench(c: &mut Criterion) {
    let (pts, source) = common::incidents("1m", 1_000_000);
    let queries = common::queries();
    eprintln!("spatial bench: {} points, {} queries, from {source}", pts.len(), queries.len());

    let before = LIVE.load(Ordering::Relaxed);
    let index = IncidentIndex::new(&pts);
    let bytes = LIVE.load(Ordering::Relaxed) - before;
    eprintln!("index: {bytes} bytes, {:.1} bytes per point", bytes as f64 / pts.len() as f64);

    let hits: usize = queries.iter().map(|q| index.within_km(&pts, *q, 25.0).len()).sum();
    eprintln!("25 km hits summed over {} queries: {hits} (gen_peers 1M reference: 38924747)", queries.len());
    let mean10: f64 =
        queries.iter().map(|q| index.nearest_km(&pts, *q, 10, |_| true).last().map_or(0.0, |h| h.1)).sum::<f64>()
            / queries.len() as f64;
    eprintln!("mean distance to the 10th nearest: {mean10:.4} km (gen_peers 1M reference: 2.3807)");

    let mut g = c.benchmark_group("index_1m");
    g.sample_size(10);
    g.bench_function("bulk_load_1m", |b| b.iter(|| IncidentIndex::new(black_box(&pts))));
    // Indices only, as the peers' bulk radius APIs return them.
    g.bench_function("radius_25km_x10k", |b| {
        b.iter(|| {
            let mut n = 0u32;
            for q in &queries {
                index.for_each_within(&pts, *q, 25.0, |p| n = n.wrapping_add(p.idx));
            }
            black_box(n)
        })
    });
    // With the great-circle distance of every hit.
    g.bench_function("radius_25km_with_km_x10k", |b| {
        b.iter(|| {
            let mut s = 0.0;
            for q in &queries {
                index.for_each_within_km(&pts, *q, 25.0, |_, d| s += d);
            }
            black_box(s)
        })
    });
    // Indices only, without building an IndexedPoint per hit.
    g.bench_function("radius_25km_ids_x10k", |b| {
        b.iter(|| {
            let mut n = 0u32;
            for q in &queries {
                index.for_each_index_within(&pts, *q, 25.0, |i| n = n.wrapping_add(i));
            }
            black_box(n)
        })
    });
    g.bench_function("knn_10_x10k", |b| {
        b.iter(|| {
            let mut n = 0;
            for q in &queries {
                n += index.nearest_km(&pts, *q, 10, |_| true).len();
            }
            black_box(n)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
