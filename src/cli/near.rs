//! `incidentmap near PLACE|LAT,LON INPUT...` and
//! `incidentmap near --points SITES INPUT...`: incidents near a place, a
//! point, or every site of a file.

use std::path::PathBuf;

use incidentmap::export::Format;
use incidentmap::jobs::near::{NearAt, NearFormat, NearOptions, run_near};
use incidentmap::spatial::query::{Filter, parse_distance_km};

use super::Outcome;
use super::common::{GazetteerArgs, ReportArgs, SpaceTimeArgs, report_problems};

/// Output format of `near`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// A readable table, nearest first.
    Table,
    /// GeoJSON FeatureCollection of points (RFC 7946).
    Geojson,
    /// CSV with ACLED column names plus distance_km and bearing_deg.
    Csv,
    /// One JSON object per line.
    Json,
}

/// Arguments of `near`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  incidentmap near Khanaqin --within 30km acled.csv\n  \
    incidentmap near 34.3482,45.39065 --within 30km --from 2024-01-01 acled.csv\n  \
    incidentmap near 33.3,-44.1 --nearest 10 incidents.csv\n  \
    incidentmap near 0,180 --bbox 170,-10,-170,10 incidents.csv\n  \
    incidentmap near --points checkpoints.csv --within 10km out/layers.gpkg --format csv")]
pub struct Args {
    /// Without --points: the place name from the gazetteer, or a point as
    /// LAT,LON (latitude first, decimal degrees, e.g. 34.3482,45.39065),
    /// then the inputs. With --points: the inputs only. Inputs are incident
    /// layers (our GeoJSON/CSV/GeoPackage, ACLED exports; `-` is standard
    /// input) or reports, which are extracted on the fly.
    #[arg(value_name = "PLACE|LAT,LON", required = true, allow_hyphen_values = true)]
    at: String,
    /// The inputs (with --points, they follow the first one given above).
    #[arg(value_name = "INPUT")]
    inputs: Vec<String>,
    /// Answer for every site of this CSV (latitude/longitude or place name
    /// columns, plus an id) or GeoJSON file of points: one output row per
    /// (site, incident) pair, with site_id and site_name.
    #[arg(long, value_name = "FILE")]
    points: Option<PathBuf>,
    /// Only incidents within this great-circle distance: 30km, 500m, 20mi
    /// (a bare number is km).
    #[arg(long, value_name = "DIST", allow_hyphen_values = true)]
    within: Option<String>,
    /// Only the K nearest incidents (after the other conditions), per point.
    #[arg(long, value_name = "K")]
    nearest: Option<usize>,
    #[command(flatten)]
    space_time: SpaceTimeArgs,
    /// Only this event type or sub-event type (case-insensitive), e.g. Battles.
    #[arg(long = "type", value_name = "TYPE")]
    event_type: Option<String>,
    /// Only incidents whose actor1 or actor2 contains this (case-insensitive).
    #[arg(long, value_name = "ACTOR")]
    actor: Option<String>,
    /// Only incidents with at least N fatalities.
    #[arg(long, value_name = "N")]
    min_fatalities: Option<u32>,
    /// Only incidents with geo precision at most P (1 site, 2 near, 3 admin area).
    #[arg(long, value_name = "P", value_parser = clap::value_parser!(u8).range(1..=3))]
    max_precision: Option<u8>,
    /// Show at most N incidents per point (the nearest).
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: FormatArg,
    /// Write the results to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    on_error: super::common::OnErrorArgs,
    #[command(flatten)]
    reports: ReportArgs,
    #[command(flatten)]
    gaz: GazetteerArgs,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let gaz = args.gaz.source();
    let country = args.reports.country.as_deref();
    let all_inputs: Vec<String> = std::iter::once(args.at.clone()).chain(args.inputs.iter().cloned()).collect();
    let (at, label, inputs) = match &args.points {
        Some(path) => {
            let (at, label) = NearAt::sites(path, &gaz, country)?;
            (at, label, &all_inputs[..])
        }
        None => {
            if args.inputs.is_empty() {
                anyhow::bail!("no INPUT after {:?}: give incident files or reports to search", args.at);
            }
            let (at, label) = NearAt::place(&args.at, &gaz, country)?;
            (at, label, &args.inputs[..])
        }
    };
    let opts = NearOptions::new(
        args.within.as_deref().map(parse_distance_km).transpose()?,
        args.nearest,
        args.space_time.bbox()?,
        args.limit,
    )?
    .filter(Filter {
        from: args.space_time.from,
        to: args.space_time.to,
        event_type: args.event_type.clone(),
        actor: args.actor.clone(),
        min_fatalities: args.min_fatalities,
        max_geo_precision: args.max_precision,
    })?;
    let format = match args.format {
        FormatArg::Table => NearFormat::Table,
        FormatArg::Geojson => NearFormat::Records(Format::GeoJson),
        FormatArg::Csv => NearFormat::Records(Format::Csv),
        FormatArg::Json => NearFormat::Records(Format::Jsonl),
    };
    let output = args.output.clone().unwrap_or_else(|| PathBuf::from("-"));
    let load = args.reports.load_options(args.on_error.skip(super::common::OnError::Stop));
    let s = run_near(inputs, &load, &gaz, &at, &opts, format, &output)?;
    let skipped = report_problems(&s.problems, "skipped: ", 20);
    if s.hits == 0 && format == NearFormat::Table {
        eprintln!("no incidents {} {label}", opts.describe());
    }
    Ok(if skipped > 0 { Outcome::Partial } else { Outcome::Done })
}
