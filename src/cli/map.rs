//! `incidentmap map INPUT... -o DIR`: the main job.

use std::path::PathBuf;

use incidentmap::jobs::cluster::ClusterOptions;
use incidentmap::jobs::map::{MapOptions, run_map};

use super::Outcome;
use super::common::{GazetteerArgs, ReportArgs, input_strings, report_problems};

/// Arguments of `map`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Reports (.txt/.html files, directories of them, http(s) URLs, RSS/Atom
    /// feeds, `-` for standard input) and incident layers (GeoJSON, CSV,
    /// GeoPackage) to add to them.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Output directory for the layers (created if missing), or a PostGIS
    /// database: `postgresql://user@host:port/db?table=name` writes the
    /// incidents (upserted) and `name_clusters`, `name_admin1` beside them.
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
    /// Clustering radius in km.
    #[arg(long, default_value_t = 25.0, value_name = "KM", allow_hyphen_values = true)]
    eps_km: f64,
    /// Incidents a cluster core needs within the radius (itself included).
    #[arg(long, default_value_t = 3, value_name = "N")]
    min_points: usize,
    /// Space-time clustering: neighbours must also be within this many days.
    #[arg(long, value_name = "DAYS")]
    max_days: Option<u32>,
    /// Do not draw the quick-look pictures (map.png, map.svg, map.pgw,
    /// timeline.png). They are never drawn for a PostGIS output.
    #[arg(long)]
    no_pictures: bool,
    #[command(flatten)]
    on_error: super::common::OnErrorArgs,
    #[command(flatten)]
    reports: ReportArgs,
    #[command(flatten)]
    gaz: GazetteerArgs,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let opts = MapOptions {
        load: args.reports.load_options(args.on_error.skip(super::common::OnError::Skip)),
        cluster: ClusterOptions::new(args.eps_km, args.min_points)?.max_days(args.max_days),
        pictures: !args.no_pictures,
    };
    let summary = run_map(&input_strings(&args.inputs), &opts, &args.gaz.source(), &args.output)?;
    let failures = report_problems(&summary.errors, "", usize::MAX);
    let written = if summary.tables.is_empty() {
        format!("wrote {} files to {}", summary.files.len(), args.output.display())
    } else {
        let target = incidentmap::postgis::redact(&args.output.to_string_lossy());
        format!("wrote tables {} to {target}", summary.tables.join(", "))
    };
    eprintln!(
        "incidentmap: {} reports -> {} incidents, {} clusters; {written}",
        summary.documents, summary.incidents, summary.clusters
    );
    if summary.tables.is_empty() {
        let left_out = super::common::geojson_left_out(&incidentmap::export::layers::LAYER_FILES, &summary.files);
        if !left_out.is_empty() {
            eprintln!(
                "incidentmap: {} not written: no features (QGIS cannot type or style an empty GeoJSON layer); \
                 layers.gpkg holds every layer, typed and styled",
                left_out.join(", ")
            );
        }
    }
    Ok(if failures == 0 { Outcome::Done } else { Outcome::Partial })
}
