//! Zoom-level clusters of an incident file, as one process: reads the file
//! through the front door (any layer `near` reads), builds the index for
//! zooms 0-16 and asks for the world at zoom 5 and 10. Prints one JSON line
//! with the phase times, like the supercluster harness, for
//! `bench/zoom.sh`.
//!
//! ```sh
//! cargo run --release --example zoom_clusters -- incidents.csv
//! ```

use std::time::Instant;

use incidentmap::input::{ReadOptions, read_incidents};
use incidentmap::spatial::zoom::{ZoomIndex, ZoomItem};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args_os().nth(1).ok_or("usage: zoom_clusters INCIDENTS")?;
    let t0 = Instant::now();
    let incidents = read_incidents(path.as_ref(), &ReadOptions::default())?.incidents;
    let t1 = Instant::now();
    let index = ZoomIndex::from_incidents(&incidents);
    let t2 = Instant::now();
    let world = [-180.0, -85.0, 180.0, 85.0];
    let z5 = index.clusters(world, 5);
    let t3 = Instant::now();
    let z10 = index.clusters(world, 10);
    let t4 = Instant::now();
    let clusters = |cs: &[incidentmap::spatial::zoom::ZoomCluster]| {
        cs.iter().filter(|c| matches!(c.item, ZoomItem::Cluster(_))).count()
    };
    let points = |cs: &[incidentmap::spatial::zoom::ZoomCluster]| cs.iter().map(|c| c.count).sum::<u64>();
    let s = |a: Instant, b: Instant| (b - a).as_secs_f64();
    println!(
        "{{\"n\":{},\"load_s\":{:.4},\"index_s\":{:.4},\"z5_s\":{:.4},\"z10_s\":{:.4},\"total_s\":{:.4},\
         \"z5_items\":{},\"z5_clusters\":{},\"z5_points\":{},\"z10_items\":{},\"z10_clusters\":{},\"z10_points\":{}}}",
        incidents.len(),
        s(t0, t1),
        s(t1, t2),
        s(t2, t3),
        s(t3, t4),
        s(t0, t4),
        z5.len(),
        clusters(&z5),
        points(&z5),
        z10.len(),
        clusters(&z10),
        points(&z10)
    );
    Ok(())
}
