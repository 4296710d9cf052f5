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
    let write = |w: &mut dyn Write| -> std::io::Result<()> {
        match args.format {
            Format::Jsonl => {
                // Geoparse and serialise in parallel, a chunk of documents at
                // a time, and write each chunk in input order: no document's
                // results outlive its line, and the writer never waits for
                // the whole corpus.
                for chunk in docs.chunks(CHUNK_DOCS) {
                    let lines: Vec<Vec<u8>> = chunk
                        .par_iter()
                        .map(|d| {
                            let rs = geoparse::geoparse(&gaz, d, &opts);
                            let mut buf = Vec::with_capacity(64 + 256 * rs.len());
                            write_jsonl_line(&mut buf, d, &rs).expect("writing JSON to memory");
                            buf
                        })
                        .collect();
                    for line in &lines {
                        w.write_all(line)?;
                    }
                }
            }
            Format::Geojson => {
                let results: Vec<(&Document, Vec<Resolution>)> =
                    docs.par_iter().map(|d| (d, geoparse::geoparse(&gaz, d, &opts))).collect();
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

/// Documents geoparsed (in parallel) and written per chunk.
const CHUNK_DOCS: usize = 4096;

/// One JSONL record, with the keys in the order `serde_json::Value` (a
/// `BTreeMap`) writes them: byte-identical to `toponym_json` output.
#[derive(serde::Serialize)]
struct DocLine<'a> {
    doc_id: &'a str,
    toponyms: Vec<ToponymLine<'a>>,
}

#[derive(serde::Serialize)]
struct ToponymLine<'a> {
    admin1: Option<&'a str>,
    country: Option<&'a str>,
    end: usize,
    feature_code: Option<&'a str>,
    geonameid: Option<i64>,
    lat: Option<f64>,
    lon: Option<f64>,
    name: &'a str,
    place_name: Option<&'a str>,
    relation: &'a str,
    rule: &'a str,
    score: f64,
    start: usize,
    within: Option<&'a str>,
}

fn toponym_line(r: &Resolution) -> ToponymLine<'_> {
    let m = &r.mention;
    let p = r.place.as_ref();
    ToponymLine {
        admin1: r.admin1.as_deref(),
        country: p.or(r.within.as_ref()).map(|p| p.country.as_str()),
        end: m.name_end,
        feature_code: p.map(|p| p.feature_code.as_str()),
        geonameid: p.map(|p| p.geonameid),
        lat: p.map(|p| round6(p.position.lat)),
        lon: p.map(|p| round6(p.position.lon)),
        name: &m.name,
        place_name: p.map(|p| p.name.as_str()),
        relation: match &m.relation {
            Relation::At => "at",
            Relation::Near => "near",
            Relation::Part(d) => d,
        },
        rule: &r.rule,
        score: r.score,
        start: m.name_start,
        within: r.within.as_ref().map(|w| w.name.as_str()),
    }
}

/// Writes one document's JSONL line (newline included).
fn write_jsonl_line(w: &mut Vec<u8>, d: &Document, rs: &[Resolution]) -> serde_json::Result<()> {
    let line = DocLine { doc_id: &d.id, toponyms: rs.iter().map(toponym_line).collect() };
    serde_json::to_writer(&mut *w, &line)?;
    w.push(b'\n');
    Ok(())
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
