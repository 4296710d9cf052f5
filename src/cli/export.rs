//! `incidentmap export`: convert incidents between GeoJSON, GeoJSONSeq, CSV,
//! JSON lines and GeoPackage.

use std::path::PathBuf;

use anyhow::Context;
use incidentmap::export::Format;
use incidentmap::jobs::export::{output_format, run_export};

use super::Outcome;
use super::common::{GazetteerArgs, ReportArgs, input_strings};

/// Output formats.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FormatArg {
    /// RFC 7946 FeatureCollection.
    Geojson,
    /// RFC 8142 GeoJSON text sequence (one feature per line, RS-framed).
    Geojsonseq,
    /// CSV with ACLED column names.
    Csv,
    /// JSON lines: one flat object per incident.
    Jsonl,
    /// GeoPackage with spatial index and QGIS style.
    Gpkg,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Geojson => Format::GeoJson,
            FormatArg::Geojsonseq => Format::GeoJsonSeq,
            FormatArg::Csv => Format::Csv,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Gpkg => Format::Gpkg,
        }
    }
}

/// Arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Incident layers: our GeoJSON, GeoJSONSeq, CSV or GeoPackage, any CSV
    /// with latitude/longitude columns, ACLED exports; reports are extracted.
    /// `-` reads stdin.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Output file; the format follows the extension (.geojson/.json,
    /// .geojsonl/.geojsons, .csv, .gpkg). `-` writes to stdout and needs --format.
    /// A `postgresql://user@host:port/db?table=name` URL writes a PostGIS
    /// table (default `incidents`), upserting on event_id in one transaction.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// Output format (overrides the extension).
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    #[command(flatten)]
    on_error: super::common::OnErrorArgs,
    #[command(flatten)]
    reports: ReportArgs,
    #[command(flatten)]
    gaz: GazetteerArgs,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let format = output_format(&args.output, args.format.map(Format::from))?;
    let load = args.reports.load_options(args.on_error.skip(super::common::OnError::Stop));
    let report = run_export(&input_strings(&args.inputs), &load, &args.gaz.source(), &args.output, format)
        .with_context(|| format!("export to {}", incidentmap::postgis::redact(&args.output.to_string_lossy())))?;
    if report.skipped.is_empty() {
        return Ok(Outcome::Done);
    }
    eprintln!("incidentmap: skipped {} record(s); wrote {} incident(s):", report.skipped.len(), report.written);
    for e in &report.skipped {
        eprintln!("  {e}");
    }
    Ok(Outcome::Partial)
}
