//! `incidentmap extract FILES...`: incidents from reports.

use std::io::Write;
use std::path::PathBuf;

use incidentmap::export::atomic::write_atomic;
use incidentmap::pipeline::{incident_json, incidents_from_documents};

use super::Outcome;
use super::common::{GazetteerArgs, ReportArgs};

/// Output format of `extract`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Geojson,
    Jsonl,
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
    format: Format,
    #[command(flatten)]
    reports: ReportArgs,
    #[command(flatten)]
    gaz: GazetteerArgs,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let gaz = args.gaz.open()?;
    let (docs, mut failures) = super::common::read_documents(&args.inputs, args.reports.strict)?;
    let opts = args.reports.extract_options();
    let (incidents, errors) = incidents_from_documents(&gaz, &docs, &opts);
    for e in &errors {
        if args.reports.strict {
            anyhow::bail!("{e}");
        }
        eprintln!("incidentmap: {e}");
        failures += 1;
    }
    let write = |w: &mut dyn Write| -> anyhow::Result<()> {
        match args.format {
            Format::Jsonl => {
                for i in &incidents {
                    serde_json::to_writer(&mut *w, &incident_json(i))?;
                    writeln!(w)?;
                }
            }
            Format::Geojson => {
                incidentmap::export::geojson::write_incidents(&mut *w, &incidents)?;
            }
            Format::Csv => {
                incidentmap::export::csv::write_incidents(&mut *w, &incidents)?;
            }
        }
        Ok(())
    };
    match &args.output {
        Some(path) if path.as_os_str() != "-" => {
            write_atomic(path, |w| write(w).map_err(|e| incidentmap::Error::bad_input(path, e.to_string())))?;
        }
        _ => {
            super::common::to_stdout(write)?;
        }
    }
    eprintln!("incidentmap: {} incidents from {} reports", incidents.len(), docs.len());
    Ok(if failures == 0 { Outcome::Done } else { Outcome::Partial })
}
