//! `incidentmap map REPORTS... -o DIR`: the main job.

use std::path::PathBuf;

use incidentmap::pipeline::{MapOptions, run_map};

use super::Outcome;
use super::common::{GazetteerArgs, ReportArgs};

/// Arguments of `map`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Reports: .txt/.html files, directories of them, http(s) URLs, RSS/Atom
    /// feeds, or `-` for standard input.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Output directory for the layers (created if missing).
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,
    /// Clustering radius in km.
    #[arg(long, default_value_t = 25.0, value_name = "KM")]
    eps_km: f64,
    /// Incidents a cluster core needs within the radius (itself included).
    #[arg(long, default_value_t = 3, value_name = "N")]
    min_points: usize,
    /// Space-time clustering: neighbours must also be within this many days.
    #[arg(long, value_name = "DAYS")]
    max_days: Option<u32>,
    #[command(flatten)]
    reports: ReportArgs,
    #[command(flatten)]
    gaz: GazetteerArgs,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let gaz = args.gaz.open()?;
    let (docs, mut failures) = super::common::read_documents(&args.inputs, args.reports.strict)?;
    let opts = MapOptions {
        extract: args.reports.extract_options(),
        eps_km: args.eps_km,
        min_points: args.min_points,
        max_days: args.max_days,
        strict: args.reports.strict,
    };
    let summary = run_map(&gaz, &docs, &opts, &args.output)?;
    for e in &summary.errors {
        eprintln!("incidentmap: {e}");
        failures += 1;
    }
    eprintln!(
        "incidentmap: {} reports -> {} incidents, {} clusters; wrote {} files to {}",
        docs.len(),
        summary.incidents,
        summary.clusters,
        summary.files.len(),
        args.output.display()
    );
    Ok(if failures == 0 { Outcome::Done } else { Outcome::Partial })
}
