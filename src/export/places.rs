//! Gazetteer look-ups out: ranked candidates as a table, JSON lines or
//! GeoJSON (what `geocode` prints).

use std::io::{self, Write};

use super::mentions::round6;
use crate::gazetteer::{Candidate, Gazetteer};

/// How candidates are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceFormat {
    /// A readable table, best first, with the reasons for each rank.
    Table,
    /// One JSON object per candidate.
    Json,
    /// A FeatureCollection of points.
    GeoJson,
}

/// Writes the candidates of a look-up, best first.
pub fn write_candidates<W: Write>(
    out: &mut W,
    gaz: &Gazetteer,
    cands: &[Candidate],
    format: PlaceFormat,
) -> io::Result<()> {
    match format {
        PlaceFormat::Table => {
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
                    super::table::cut(&p.name, 28),
                    super::table::cut(&a1, 18),
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
        PlaceFormat::Json => {
            for c in cands {
                serde_json::to_writer(&mut *out, &candidate_json(gaz, c))?;
                writeln!(out)?;
            }
        }
        PlaceFormat::GeoJson => {
            let features: Vec<serde_json::Value> = cands
                .iter()
                .map(|c| {
                    serde_json::json!({
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [round6(c.place.position.lon), round6(c.place.position.lat)]},
                        "properties": candidate_json(gaz, c),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(
                &mut *out,
                &serde_json::json!({"type": "FeatureCollection", "features": features}),
            )?;
            writeln!(out)?;
        }
    }
    out.flush()
}

/// The JSON record of one candidate.
pub fn candidate_json(gaz: &Gazetteer, c: &Candidate) -> serde_json::Value {
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
