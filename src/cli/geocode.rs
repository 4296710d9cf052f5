//! `incidentmap geocode NAME`: look a place up in the gazetteer.

use std::io::Write;

use incidentmap::gazetteer::{Candidate, LookupOptions};

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
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        Format::Table => {
            writeln!(
                out,
                "{:<4} {:<28} {:<18} {:<3} {:<6} {:>10} {:>10} {:>11} {:>6}  why",
                "rank", "name", "admin1", "cc", "code", "lat", "lon", "population", "score"
            )?;
            for (i, c) in cands.iter().enumerate() {
                let p = &c.place;
                let a1 = gaz.admin1_name(&p.country, &p.admin1_code).unwrap_or_default();
                writeln!(
                    out,
                    "{:<4} {:<28} {:<18} {:<3} {:<6} {:>10.5} {:>10.5} {:>11} {:>6.3}  {}",
                    i + 1,
                    truncate(&p.name, 28),
                    truncate(&a1, 18),
                    p.country,
                    p.feature_code,
                    p.position.lat,
                    p.position.lon,
                    p.population,
                    c.score,
                    c.reasons.join("; ")
                )?;
            }
        }
        Format::Json => {
            for c in &cands {
                serde_json::to_writer(&mut out, &candidate_json(&gaz, c))?;
                writeln!(out)?;
            }
        }
        Format::Geojson => {
            let features: Vec<serde_json::Value> = cands
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [round6(c.place.position.lon), round6(c.place.position.lat)]},
                        "properties": candidate_json(&gaz, c),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(
                &mut out,
                &serde_json::json!({"type": "FeatureCollection", "features": features}),
            )?;
            writeln!(out)?;
        }
    }
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

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

fn candidate_json(gaz: &incidentmap::gazetteer::Gazetteer, c: &Candidate) -> serde_json::Value {
    let p = &c.place;
    serde_json::json!({
        "name": p.name,
        "geonameid": p.geonameid,
        "latitude": round6(p.position.lat),
        "longitude": round6(p.position.lon),
        "feature_class": p.feature_class.to_string(),
        "feature_code": p.feature_code,
        "country": p.country,
        "admin1": gaz.admin1_name(&p.country, &p.admin1_code).unwrap_or_default(),
        "admin1_code": p.admin1_code,
        "admin2": gaz.admin2_name(&p.country, &p.admin1_code, &p.admin2_code).unwrap_or_default(),
        "population": p.population,
        "match": c.kind.label(),
        "score": (c.score * 1000.0).round() / 1000.0,
        "reasons": c.reasons,
    })
}
