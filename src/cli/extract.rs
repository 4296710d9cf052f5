//! `incidentmap extract FILES...`: incidents from reports.

use std::path::PathBuf;

use incidentmap::export::Format;
use incidentmap::jobs::extract::run_extract;

use super::Outcome;
use super::common::{GazetteerArgs, ReportArgs, input_strings, report_problems};

/// Output format of `extract`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// RFC 7946 FeatureCollection.
    Geojson,
    /// One flat JSON object per incident.
    Jsonl,
    /// CSV with ACLED column names.
    Csv,
}

/// Arguments of `extract`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Report files (.txt, .html) or directories of them; `-` reads standard input.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Output file (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "geojson")]
    format: FormatArg,
    #[command(flatten)]
    on_error: super::common::OnErrorArgs,
    #[command(flatten)]
    reports: ReportArgs,
    #[command(flatten)]
    gaz: GazetteerArgs,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let format = match args.format {
        FormatArg::Geojson => Format::GeoJson,
        FormatArg::Jsonl => Format::Jsonl,
        FormatArg::Csv => Format::Csv,
    };
    let output = args.output.clone().unwrap_or_else(|| PathBuf::from("-"));
    let load = args.reports.load_options(args.on_error.skip(super::common::OnError::Skip));
    let s = run_extract(&input_strings(&args.inputs), &load, &args.gaz.source(), &output, format)?;
    let failures = report_problems(&s.errors, "", usize::MAX);
    eprintln!("incidentmap: {} incidents from {} reports", s.incidents, s.documents);
    Ok(if failures == 0 { Outcome::Done } else { Outcome::Partial })
}
