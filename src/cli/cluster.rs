//! `incidentmap cluster INPUT... -o DIR`: DBSCAN in km, optionally space-time.

use std::path::PathBuf;

use incidentmap::Error;
use incidentmap::export::atomic::{write_atomic, write_bytes_atomic};
use incidentmap::export::{geojson, style};
use incidentmap::spatial::cluster::{ClusterParams, cluster_incidents, summarize_with};

use super::Outcome;
use super::common::GazetteerArgs;
use super::near::load_inputs;

/// Arguments of `cluster`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Writes DIR/clusters.geojson (a point per cluster at its centre), \
    DIR/cluster_areas.geojson (the hull of every cluster with 3+ distinct locations) and \
    DIR/incidents.geojson (the incidents with their cluster_id, null for noise).")]
pub struct Args {
    /// Incident files (our GeoJSON/GeoJSONSeq/CSV, any CSV with latitude and
    /// longitude, ACLED exports; `-` is standard input), or reports, which
    /// are extracted on the fly.
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
    #[command(flatten)]
    gaz: GazetteerArgs,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    if !(args.eps_km.is_finite() && args.eps_km >= 0.0) {
        return Err(Error::invalid("--eps-km", args.eps_km.to_string(), "must be a finite, non-negative number").into());
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
    let mut loaded = load_inputs(&args.inputs, args.lenient, &args.gaz)?;
    let labels = cluster_incidents(&loaded.incidents, &params);
    for (inc, c) in loaded.incidents.iter_mut().zip(&labels.cluster) {
        inc.cluster_id = *c;
    }
    let clusters = summarize_with(&loaded.incidents, &labels, args.concave);
    std::fs::create_dir_all(&args.output).map_err(|e| Error::io(&args.output, e))?;
    let path = args.output.join("clusters.geojson");
    write_atomic(&path, |w| geojson::write_clusters(w, &clusters).map(drop).map_err(|e| Error::io(&path, e)))?;
    let path = args.output.join("cluster_areas.geojson");
    write_atomic(&path, |w| geojson::write_cluster_areas(w, &clusters).map(drop).map_err(|e| Error::io(&path, e)))?;
    let path = args.output.join("incidents.geojson");
    write_atomic(&path, |w| geojson::write_incidents(w, &loaded.incidents).map(drop).map_err(|e| Error::io(&path, e)))?;
    for (name, qml) in [
        ("clusters.qml", style::clusters_qml()),
        ("cluster_areas.qml", style::cluster_areas_qml()),
        ("incidents.qml", style::incidents_qml()),
    ] {
        write_bytes_atomic(&args.output.join(name), qml.as_bytes())?;
    }
    let left_out = if args.all { 0 } else { loaded.incidents.iter().filter(|i| i.geo_precision >= 3).count() };
    eprintln!(
        "{} incidents: {} clusters, {} noise{}; written to {}",
        loaded.incidents.len(),
        labels.n_clusters,
        labels.noise() - left_out,
        if left_out > 0 { format!(", {left_out} at admin-area centres left out (use --all)") } else { String::new() },
        args.output.display()
    );
    let outcome = if loaded.skipped > 0 { Outcome::Partial } else { Outcome::Done };
    // The process ends now: freeing a million records string by string
    // would only delay the exit.
    std::mem::forget(loaded);
    Ok(outcome)
}
