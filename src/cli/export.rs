//! `incidentmap export`: convert incidents between GeoJSON, GeoJSONSeq, CSV
//! and GeoPackage.

use std::path::PathBuf;

use anyhow::{Context, bail};
use incidentmap::export::read::ReadOptions;
use incidentmap::export::{Format, convert};

use super::Outcome;

/// Output formats.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    /// RFC 7946 FeatureCollection.
    Geojson,
    /// RFC 8142 GeoJSON text sequence (one feature per line, RS-framed).
    Geojsonseq,
    /// CSV with ACLED column names.
    Csv,
    /// GeoPackage with spatial index and QGIS style.
    Gpkg,
}

/// Arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Incident files: our GeoJSON, GeoJSONSeq or CSV, any CSV with
    /// latitude/longitude columns, ACLED exports. `-` reads stdin.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Output file; the format follows the extension (.geojson/.json,
    /// .geojsonl/.geojsons, .csv, .gpkg). `-` writes to stdout and needs --format.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// Output format (overrides the extension).
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Skip bad records (and unreadable inputs), report them, and exit 1;
    /// without it the first bad record stops the run and nothing is written.
    #[arg(long)]
    lenient: bool,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let format = match args.format {
        Some(FormatArg::Geojson) => Format::GeoJson,
        Some(FormatArg::Geojsonseq) => Format::GeoJsonSeq,
        Some(FormatArg::Csv) => Format::Csv,
        Some(FormatArg::Gpkg) => Format::Gpkg,
        None if args.output.as_os_str() == "-" => bail!("writing to stdout (-o -) needs --format"),
        None => match Format::from_path(&args.output) {
            Some(f) => f,
            None => bail!(
                "cannot tell the output format from {:?}; use .geojson, .geojsonl, .csv or .gpkg, or --format",
                args.output
            ),
        },
    };
    let opts = ReadOptions { lenient: args.lenient };
    let report = convert(&args.inputs, &args.output, format, &opts)
        .with_context(|| format!("export to {}", args.output.display()))?;
    if report.skipped.is_empty() {
        return Ok(Outcome::Done);
    }
    eprintln!("incidentmap: skipped {} record(s); wrote {} incident(s):", report.skipped.len(), report.written);
    for e in &report.skipped {
        eprintln!("  {e}");
    }
    Ok(Outcome::Partial)
}
