//! `incidentmap geocode NAME`: look a place up in the gazetteer.

use incidentmap::export::places::{PlaceFormat, write_candidates};
use incidentmap::gazetteer::LookupOptions;

use super::Outcome;
use super::common::GazetteerArgs;

/// Output format of `geocode`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Geojson,
}

/// Arguments of `geocode`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The place name ("Khanaqin", "Diyala Governorate", "Slemani").
    #[arg(required = true, num_args = 1..)]
    name: Vec<String>,
    /// Only places in this country (ISO 3166-1 alpha-2, e.g. IQ).
    #[arg(long, value_name = "CC")]
    country: Option<String>,
    /// Only this feature class (P populated place, A admin area, H water, T terrain ...).
    #[arg(long, value_name = "CLASS")]
    feature_class: Option<char>,
    /// Only feature codes starting with this (ADM1, PPL, PCLI ...).
    #[arg(long, value_name = "CODE")]
    feature_code: Option<String>,
    /// Only places in this admin-1 area (name or GeoNames code).
    #[arg(long, value_name = "AREA")]
    admin1: Option<String>,
    /// How many candidates to show.
    #[arg(long, default_value_t = 5)]
    limit: usize,
    /// Do not try edit-distance matches.
    #[arg(long)]
    no_fuzzy: bool,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    #[command(flatten)]
    gaz: GazetteerArgs,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let gaz = args.gaz.open()?;
    let name = args.name.join(" ");
    let opts = LookupOptions {
        country: args.country.clone(),
        feature_class: args.feature_class,
        feature_code: args.feature_code.clone(),
        admin1: args.admin1.clone(),
        fuzzy: !args.no_fuzzy,
        limit: args.limit,
    };
    let cands = gaz.lookup(&name, &opts);
    if cands.is_empty() {
        anyhow::bail!("{}", not_found(&gaz, &name, &opts));
    }
    let format = match args.format {
        Format::Table => PlaceFormat::Table,
        Format::Json => PlaceFormat::Json,
        Format::Geojson => PlaceFormat::GeoJson,
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    write_candidates(&mut out, &gaz, &cands, format)?;
    Ok(Outcome::Done)
}

/// Why nothing was found, with the filters that applied and what to try.
fn not_found(gaz: &incidentmap::gazetteer::Gazetteer, name: &str, opts: &LookupOptions) -> String {
    if gaz.is_empty() {
        return format!(
            "no place called {name:?}: the gazetteer is empty (import one with `incidentmap gazetteer import` or `download`)"
        );
    }
    let mut filters: Vec<String> = Vec::new();
    if let Some(c) = &opts.country {
        filters.push(format!("country {c}"));
    }
    if let Some(c) = opts.feature_class {
        filters.push(format!("feature class {c}"));
    }
    if let Some(c) = &opts.feature_code {
        filters.push(format!("feature code {c}"));
    }
    if let Some(a) = &opts.admin1 {
        filters.push(format!("admin1 {a}"));
    }
    let mut msg = format!("no place called {name:?} in the gazetteer");
    if !filters.is_empty() {
        msg.push_str(&format!(" with {}", filters.join(", ")));
    }
    if !opts.fuzzy {
        msg.push_str(" (fuzzy matching is off)");
    }
    msg
}
