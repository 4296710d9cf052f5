//! `incidentmap geoparse FILES...`: the places in texts, one JSON line per
//! document (or one GeoJSON point per resolved mention).

use std::io::Write;
use std::path::PathBuf;

use incidentmap::document::Document;
use incidentmap::export::atomic::write_atomic;
use incidentmap::geoparse::{self, Relation, Resolution, ResolveOptions};

use rayon::prelude::*;

use super::Outcome;
use super::common::GazetteerArgs;

/// Output format of `geoparse`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per document: {"doc_id", "toponyms": [...]}.
    Jsonl,
    /// A FeatureCollection with one point per resolved mention.
    Geojson,
}

/// Arguments of `geoparse`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Text or HTML files, or directories of them; `-` reads standard input.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "jsonl")]
    format: Format,
    /// Output file (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Prefer places in this country (ISO alpha-2).
    #[arg(long, value_name = "CC")]
    country: Option<String>,
    /// Treat every line of an input as its own document (a corpus with one
    /// document per line); doc_id is `<file stem>:<line number>` and offsets
    /// are within the line.
    #[arg(long)]
    doc_per_line: bool,
    /// Stop at the first unreadable input instead of reporting it and going on.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    gaz: GazetteerArgs,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let gaz = args.gaz.open()?;
    let opts = ResolveOptions { country: args.country.clone() };
    let (mut docs, failures) = super::common::read_documents(&args.inputs, args.strict)?;
    if args.doc_per_line {
        docs = docs.iter().flat_map(split_lines).collect();
    }
    let results: Vec<(Document, Vec<Resolution>)> = docs
        .into_par_iter()
        .map(|d| {
            let r = geoparse::geoparse(&gaz, &d, &opts);
            (d, r)
        })
        .collect();
    let write = |w: &mut dyn Write| -> std::io::Result<()> {
        match args.format {
            Format::Jsonl => {
                for (d, rs) in &results {
                    let line = serde_json::json!({
                        "doc_id": d.id,
                        "toponyms": rs.iter().map(toponym_json).collect::<Vec<_>>(),
                    });
                    serde_json::to_writer(&mut *w, &line)?;
                    writeln!(w)?;
                }
            }
            Format::Geojson => {
                let mut features = Vec::new();
                for (d, rs) in &results {
                    for r in rs {
                        let Some(p) = &r.place else { continue };
                        let mut props = toponym_json(r);
                        props["doc_id"] = serde_json::json!(d.id);
                        features.push(serde_json::json!({
                            "type": "Feature",
                            "geometry": {"type": "Point", "coordinates": [round6(p.position.lon), round6(p.position.lat)]},
                            "properties": props,
                        }));
                    }
                }
                serde_json::to_writer(
                    &mut *w,
                    &serde_json::json!({"type": "FeatureCollection", "features": features}),
                )?;
                writeln!(w)?;
            }
        }
        Ok(())
    };
    match &args.output {
        Some(path) if path.as_os_str() != "-" => {
            write_atomic(path, |w| write(w).map_err(|e| incidentmap::Error::io(path, e)))?;
        }
        _ => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            write(&mut lock)?;
            lock.flush()?;
        }
    }
    Ok(if failures == 0 { Outcome::Done } else { Outcome::Partial })
}

/// One document per line of `doc` (empty lines skipped).
fn split_lines(doc: &Document) -> Vec<Document> {
    doc.text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| Document {
            id: format!("{}:{}", doc.id, n + 1),
            source: doc.source.clone(),
            published: doc.published,
            title: None,
            text: l.to_string(),
            body_start: 0,
        })
        .collect()
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The JSON record of one mention, in the shape `bench/eval_geoparse.sh` scores.
pub fn toponym_json(r: &Resolution) -> serde_json::Value {
    let m = &r.mention;
    let p = r.place.as_ref();
    serde_json::json!({
        "start": m.name_start,
        "end": m.name_end,
        "name": m.name,
        "relation": match &m.relation {
            Relation::At => "at".to_string(),
            Relation::Near => "near".to_string(),
            Relation::Part(d) => d.clone(),
        },
        "lat": p.map(|p| round6(p.position.lat)),
        "lon": p.map(|p| round6(p.position.lon)),
        "geonameid": p.map(|p| p.geonameid),
        "place_name": p.map(|p| p.name.clone()),
        "feature_code": p.map(|p| p.feature_code.clone()),
        "country": p.or(r.within.as_ref()).map(|p| p.country.clone()),
        "admin1": r.admin1,
        "within": r.within.as_ref().map(|w| w.name.clone()),
        "score": r.score,
        "rule": r.rule,
    })
}
