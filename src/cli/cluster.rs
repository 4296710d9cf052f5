//! `incidentmap cluster INPUT... -o DIR`: DBSCAN in km, optionally space-time.

use std::path::PathBuf;

use incidentmap::jobs::cluster::{ClusterOptions, run_cluster};
use incidentmap::spatial::query::Subset;

use super::Outcome;
use super::common::{GazetteerArgs, ReportArgs, SpaceTimeArgs, input_strings, report_problems};

/// Arguments of `cluster`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Writes DIR/clusters.geojson (a point per cluster at its centre), \
    DIR/cluster_areas.geojson (the hull of every cluster with 3+ distinct locations) and \
    DIR/incidents.geojson (the incidents with their cluster_id, null for noise).")]
pub struct Args {
    /// Incident layers (our GeoJSON/GeoJSONSeq/CSV/GeoPackage, any CSV with
    /// latitude and longitude, ACLED exports; `-` is standard input), or
    /// reports, which are extracted on the fly.
    #[arg(value_name = "INPUT", required = true)]
    inputs: Vec<PathBuf>,
    /// Neighbourhood radius, great-circle km.
    #[arg(long, value_name = "KM", default_value_t = 10.0, allow_hyphen_values = true)]
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
    #[command(flatten)]
    subset: SpaceTimeArgs,
    /// Output directory (created if missing).
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
    #[command(flatten)]
    on_error: super::common::OnErrorArgs,
    #[command(flatten)]
    reports: ReportArgs,
    #[command(flatten)]
    gaz: GazetteerArgs,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let opts = ClusterOptions::new(args.eps_km, args.min_points)?
        .max_days(args.max_days)
        .include_admin_centroids(args.all)
        .concave(args.concave)
        .subset(Subset::new(args.subset.bbox()?, args.subset.from, args.subset.to)?);
    let load = args.reports.load_options(args.on_error.skip(super::common::OnError::Stop));
    let s = run_cluster(&input_strings(&args.inputs), &load, &args.gaz.source(), &opts, &args.output)?;
    let skipped = report_problems(&s.problems, "skipped: ", 20);
    eprintln!(
        "{} incidents: {} clusters, {} noise{}; written to {}",
        s.incidents,
        s.clusters,
        s.noise,
        if s.left_out > 0 {
            format!(", {} at admin-area centres left out (use --all)", s.left_out)
        } else {
            String::new()
        },
        args.output.display()
    );
    let left_out = super::common::geojson_left_out(&incidentmap::export::layers::CLUSTER_FILES, &s.files);
    if !left_out.is_empty() {
        eprintln!(
            "{} not written: no features (QGIS cannot type or style an empty GeoJSON layer)",
            left_out.join(", ")
        );
    }
    Ok(if skipped > 0 { Outcome::Partial } else { Outcome::Done })
}
