//! `incidentmap cluster INPUT... -o DIR`: DBSCAN in km, optionally space-time.

use std::io::Write;
use std::path::{Path, PathBuf};

use incidentmap::Error;
use incidentmap::export::atomic::write_atomic;
use incidentmap::spatial::cluster::{Cluster, ClusterParams, cluster_incidents, summarize_with};
use rayon::prelude::*;

use super::Outcome;
use super::near::{fmt6, load_inputs, write_feature};

/// Arguments of `cluster`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Writes DIR/clusters.geojson (a point per cluster at its centre), \
    DIR/cluster_areas.geojson (the hull of every cluster with 3+ distinct locations) and \
    DIR/incidents.geojson (the incidents with their cluster_id, null for noise)."
)]
pub struct Args {
    /// Incident files: CSV with event_date, latitude, longitude, ... (our
    /// own CSV or an ACLED export); `-` reads standard input.
    #[arg(value_name = "INPUT", required = true)]
    inputs: Vec<PathBuf>,
    /// Neighbourhood radius, great-circle km.
    #[arg(long, value_name = "KM", default_value_t = 10.0)]
    eps_km: f64,
    /// Incidents within the radius (itself included) that make a core incident.
    #[arg(long, value_name = "N", default_value_t = 3)]
    min_points: usize,
    /// Space-time clustering: neighbours must also be at most this many days apart.
    #[arg(long, value_name = "DAYS")]
    max_days: Option<u32>,
    /// Cluster incidents placed at an admin-area centre (geo precision 3) too.
    #[arg(long)]
    all: bool,
    /// Concave hulls for cluster areas instead of convex ones.
    #[arg(long)]
    concave: bool,
    /// Output directory (created if missing).
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
    /// Skip malformed rows (reported on stderr, exit code 1) instead of stopping.
    #[arg(long)]
    lenient: bool,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    if !(args.eps_km.is_finite() && args.eps_km >= 0.0) {
        return Err(Error::invalid(
            "--eps-km",
            args.eps_km.to_string(),
            "must be a finite, non-negative number",
        )
        .into());
    }
    if args.min_points == 0 {
        return Err(Error::invalid("--min-points", "0", "must be at least 1").into());
    }
    let params = ClusterParams {
        eps_km: args.eps_km,
        min_points: args.min_points,
        max_days: args.max_days,
        include_admin_centroids: args.all,
    };
    let mut loaded = load_inputs(&args.inputs, args.lenient)?;
    let labels = cluster_incidents(&loaded.incidents, &params);
    for (inc, c) in loaded.incidents.iter_mut().zip(&labels.cluster) {
        inc.cluster_id = *c;
    }
    let clusters = summarize_with(&loaded.incidents, &labels, args.concave);
    std::fs::create_dir_all(&args.output).map_err(|e| Error::io(&args.output, e))?;
    write_clusters(&args.output.join("clusters.geojson"), &clusters, false)?;
    write_clusters(&args.output.join("cluster_areas.geojson"), &clusters, true)?;
    let path = args.output.join("incidents.geojson");
    write_atomic(&path, |w| {
        let io = |e| Error::io(&path, e);
        w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")
            .map_err(io)?;
        // Formatting dominates writing a large layer: format blocks of
        // features on all cores, write them in order, a batch at a time so
        // that memory stays bounded.
        for (b, batch) in loaded.incidents.chunks(1 << 16).enumerate() {
            let bufs: Vec<Vec<u8>> = batch
                .par_chunks(4096)
                .enumerate()
                .map(|(j, chunk)| {
                    let mut buf = Vec::with_capacity(chunk.len() * 640);
                    for (k, inc) in chunk.iter().enumerate() {
                        buf.extend_from_slice(if b == 0 && j == 0 && k == 0 {
                            b"\n"
                        } else {
                            b",\n"
                        });
                        write_feature(&mut buf, inc, None, Some(inc.cluster_id))
                            .expect("writing to memory cannot fail");
                    }
                    buf
                })
                .collect();
            for buf in bufs {
                w.write_all(&buf).map_err(io)?;
            }
        }
        w.write_all(b"\n]}\n").map_err(io)
    })?;
    let left_out = if args.all {
        0
    } else {
        loaded
            .incidents
            .iter()
            .filter(|i| i.geo_precision >= 3)
            .count()
    };
    eprintln!(
        "{} incidents: {} clusters, {} noise{}; written to {}",
        loaded.incidents.len(),
        labels.n_clusters,
        labels.noise() - left_out,
        if left_out > 0 {
            format!(", {left_out} at admin-area centres left out (use --all)")
        } else {
            String::new()
        },
        args.output.display()
    );
    let outcome = if loaded.skipped > 0 {
        Outcome::Partial
    } else {
        Outcome::Done
    };
    // The process ends now: freeing a million records string by string
    // would only delay the exit.
    std::mem::forget(loaded);
    Ok(outcome)
}

/// Writes the cluster layer: points at the centroids, or (`areas`) hull
/// polygons for the clusters that have one.
fn write_clusters(path: &Path, clusters: &[Cluster], areas: bool) -> incidentmap::Result<()> {
    write_atomic(path, |w| {
        let io = |e| Error::io(path, e);
        w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")
            .map_err(io)?;
        let mut first = true;
        for c in clusters {
            let geometry = if areas {
                let Some(ring) = &c.hull else { continue };
                let coords: Vec<String> = ring
                    .iter()
                    .map(|p| format!("[{},{}]", fmt6(p.lon), fmt6(p.lat)))
                    .collect();
                format!(
                    "{{\"type\":\"Polygon\",\"coordinates\":[[{}]]}}",
                    coords.join(",")
                )
            } else {
                format!(
                    "{{\"type\":\"Point\",\"coordinates\":[{},{}]}}",
                    fmt6(c.centroid.lon),
                    fmt6(c.centroid.lat)
                )
            };
            w.write_all(if first { b"\n" } else { b",\n" })
                .map_err(io)?;
            first = false;
            let [west, south, east, north] = c.bbox.map(fmt6);
            write!(
                w,
                "{{\"type\":\"Feature\",\"id\":{id},\"bbox\":[{west},{south},{east},{north}],\"geometry\":{geometry},\
                 \"properties\":{{\"cluster_id\":{id},\"count\":{},\"distinct_locations\":{},\"fatalities\":{},\
                 \"injured\":{},\"first_date\":\"{}\",\"last_date\":\"{}\",\"event_type\":{},\"actor\":{},\
                 \"west\":{west},\"south\":{south},\"east\":{east},\"north\":{north}}}}}",
                c.count,
                c.distinct_locations,
                c.fatalities,
                c.injured,
                c.first_date.format("%Y-%m-%d"),
                c.last_date.format("%Y-%m-%d"),
                serde_json::to_string(&c.dominant_event_type).expect("a string serialises"),
                serde_json::to_string(&c.dominant_actor).expect("a string serialises"),
                id = c.id,
            )
            .map_err(io)?;
        }
        w.write_all(b"\n]}\n").map_err(io)
    })
}
