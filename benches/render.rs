//! The quick-look pictures of `map` (render): the map (base map, 1k/100k/1M
//! incident symbols, cluster rings, labels) to PNG, and everything `map`
//! draws (map PNG + SVG + world file and the timeline PNG, in parallel), on
//! the gen_peers.py points (see benches/common) or seeded synthetic ones,
//! with event types, fatalities and dates spread over them and DBSCAN
//! clusters (25 km, 10 points) as `map` computes them.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use incidentmap::Incident;
use incidentmap::jobs::cluster::{ClusterOptions, assign_clusters};
use incidentmap::render::{self, PictureInput, map::map_scene, raster};

mod common;

const TYPES: [&str; 6] = [
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
];

fn incidents(label: &str, n: usize) -> Vec<Incident> {
    let (pts, source) = common::incidents(label, n);
    eprintln!("render {label}: {source}");
    let day0 = chrono::NaiveDate::from_ymd_opt(2018, 1, 1).unwrap();
    pts.into_iter()
        .enumerate()
        .map(|(i, p)| {
            let mut inc = Incident::new(day0 + chrono::Days::new((i * 7919 % 1500) as u64), p);
            inc.id = i as u64 + 1;
            inc.event_type = TYPES[i * 31 % 6].to_string();
            inc.fatalities = [0, 0, 0, 1, 2, 5, 12, 40][i * 13 % 8];
            inc.geo_precision = [1, 1, 1, 2, 3][i * 17 % 5];
            inc.location = format!("Town {}", i % 300);
            inc
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let gaz = incidentmap::jobs::GazetteerSource::new(None);
    let areas = gaz.get().expect("the shipped gazetteer").admin_areas();
    let tmp = std::env::temp_dir();
    let mut g = c.benchmark_group("render");
    for (label, n, samples) in [("1k", 1_000, 20), ("100k", 100_000, 10), ("1m", 1_000_000, 10)] {
        let mut incs = incidents(label, n);
        let (_, clusters) = assign_clusters(&mut incs, &ClusterOptions::new(25.0, 10).unwrap());
        let layers = incidentmap::export::layers::Layers::new(&incs, &clusters, areas);
        let counts = render::area_counts(&layers);
        let input = PictureInput { incidents: &incs, clusters: &clusters, areas, area_counts: &counts };
        let files = render::render(&input, &tmp).unwrap();
        let sizes: Vec<String> = files.iter().map(|(name, b)| format!("{name} {} KB", b.len() / 1024)).collect();
        eprintln!("render {label}: {} clusters; {}", clusters.len(), sizes.join(", "));
        g.sample_size(samples);
        g.bench_function(format!("{label}_map_png"), |b| {
            b.iter(|| raster::png(&map_scene(black_box(&input)).0).unwrap().len())
        });
        g.bench_function(format!("{label}_all_pictures"), |b| {
            b.iter(|| render::render(black_box(&input), &tmp).unwrap().len())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
