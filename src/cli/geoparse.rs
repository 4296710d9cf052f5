//! `incidentmap geoparse FILES...`: the places in texts, one JSON line per
//! document (or one GeoJSON point per resolved mention).

use std::io::Write;
use std::path::PathBuf;

use incidentmap::document::Document;
use incidentmap::export::atomic::write_atomic;
use incidentmap::gazetteer::Gazetteer;
use incidentmap::geoparse::{self, Relation, Resolution, ResolveOptions};

use rayon::prelude::*;
use serde_json::ser::Formatter;

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
    let (docs, failures) = super::common::read_documents(&args.inputs, args.strict)?;
    // Lines are borrowed from their documents, not copied out of them.
    let units: Vec<Unit> = if args.doc_per_line {
        docs.iter().flat_map(Unit::lines).collect()
    } else {
        docs.iter().map(Unit::whole).collect()
    };
    let write = |w: &mut dyn Write| -> std::io::Result<()> {
        match args.format {
            Format::Jsonl => {
                // Geoparse and serialise in parallel, a chunk of documents at
                // a time, and write each chunk in input order: no document's
                // results outlive its line, and the writer never waits for
                // the whole corpus.
                for chunk in units.chunks(CHUNK_DOCS) {
                    let lines: Vec<Vec<u8>> = chunk
                        .par_iter()
                        .map(|u| {
                            let rs = u.geoparse(&gaz, &opts);
                            let mut buf = Vec::with_capacity(64 + 256 * rs.len());
                            write_jsonl_line(&mut buf, u, &rs);
                            buf
                        })
                        .collect();
                    for line in &lines {
                        w.write_all(line)?;
                    }
                }
            }
            Format::Geojson => {
                let results: Vec<(&Unit, Vec<Resolution>)> =
                    units.par_iter().map(|u| (u, u.geoparse(&gaz, &opts))).collect();
                let mut features = Vec::new();
                for (u, rs) in &results {
                    for r in rs {
                        let Some(p) = &r.place else { continue };
                        let mut props = toponym_json(r);
                        props["doc_id"] = serde_json::json!(u.id());
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
            super::common::to_stdout(write)?;
        }
    }
    Ok(if failures == 0 { Outcome::Done } else { Outcome::Partial })
}

/// What is geoparsed: a whole document, or (with `--doc-per-line`) one
/// non-blank line of it.
struct Unit<'a> {
    doc: &'a Document,
    /// 1-based line number, for a line.
    line: Option<usize>,
    text: &'a str,
    body_start: usize,
}

impl<'a> Unit<'a> {
    fn whole(doc: &'a Document) -> Unit<'a> {
        Unit { doc, line: None, text: &doc.text, body_start: doc.body_start }
    }

    /// One unit per line of `doc` (blank lines skipped); offsets are within the line.
    fn lines(doc: &'a Document) -> impl Iterator<Item = Unit<'a>> {
        doc.text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).map(move |(n, text)| Unit {
            doc,
            line: Some(n + 1),
            text,
            body_start: 0,
        })
    }

    /// `<doc id>`, or `<doc id>:<line number>` for a line.
    fn id(&self) -> String {
        match self.line {
            Some(n) => format!("{}:{n}", self.doc.id),
            None => self.doc.id.clone(),
        }
    }

    fn geoparse(&self, gaz: &Gazetteer, opts: &ResolveOptions) -> Vec<Resolution> {
        let mentions = geoparse::spot(gaz, self.text, self.body_start);
        geoparse::resolve(gaz, self.text, mentions, opts)
    }
}

/// Documents geoparsed (in parallel) and written per chunk.
const CHUNK_DOCS: usize = 4096;

/// Writes one unit's JSONL line (newline included): byte for byte what
/// `serde_json` writes for `{"doc_id": ..., "toponyms": [toponym_json(r), ...]}`
/// (keys in the sorted order of its maps, compact, its number formatting),
/// without building the `Value`s.
fn write_jsonl_line(w: &mut Vec<u8>, u: &Unit, rs: &[Resolution]) {
    w.extend_from_slice(b"{\"doc_id\":\"");
    escape_into(w, &u.doc.id);
    if let Some(n) = u.line {
        w.push(b':');
        number(w, n as u64);
    }
    w.extend_from_slice(b"\",\"toponyms\":[");
    for (i, r) in rs.iter().enumerate() {
        if i > 0 {
            w.push(b',');
        }
        write_toponym(w, r);
    }
    w.extend_from_slice(b"]}\n");
}

/// One mention's object, the fields of [`toponym_json`] in key order.
fn write_toponym(w: &mut Vec<u8>, r: &Resolution) {
    let m = &r.mention;
    let p = r.place.as_ref();
    w.extend_from_slice(b"{\"admin1\":");
    opt_str(w, r.admin1.as_deref());
    w.extend_from_slice(b",\"country\":");
    opt_str(w, p.or(r.within.as_ref()).map(|p| p.country.as_str()));
    w.extend_from_slice(b",\"end\":");
    number(w, m.name_end as u64);
    w.extend_from_slice(b",\"feature_code\":");
    opt_str(w, p.map(|p| p.feature_code.as_str()));
    w.extend_from_slice(b",\"geonameid\":");
    match p {
        Some(p) => serde_json::ser::CompactFormatter.write_i64(w, p.geonameid).expect("writing JSON to memory"),
        None => w.extend_from_slice(b"null"),
    }
    w.extend_from_slice(b",\"lat\":");
    opt_f64(w, p.map(|p| round6(p.position.lat)));
    w.extend_from_slice(b",\"lon\":");
    opt_f64(w, p.map(|p| round6(p.position.lon)));
    w.extend_from_slice(b",\"name\":");
    string(w, &m.name);
    w.extend_from_slice(b",\"place_name\":");
    opt_str(w, p.map(|p| p.name.as_str()));
    w.extend_from_slice(b",\"relation\":");
    string(
        w,
        match &m.relation {
            Relation::At => "at",
            Relation::Near => "near",
            Relation::Part(d) => d,
        },
    );
    w.extend_from_slice(b",\"rule\":");
    string(w, &r.rule);
    w.extend_from_slice(b",\"score\":");
    opt_f64(w, Some(r.score));
    w.extend_from_slice(b",\"start\":");
    number(w, m.name_start as u64);
    w.extend_from_slice(b",\"within\":");
    opt_str(w, r.within.as_ref().map(|w| w.name.as_str()));
    w.push(b'}');
}

fn number(w: &mut Vec<u8>, n: u64) {
    serde_json::ser::CompactFormatter.write_u64(w, n).expect("writing JSON to memory");
}

/// A float as `serde_json` writes it: shortest round-trip form, `null` when
/// not finite.
fn opt_f64(w: &mut Vec<u8>, x: Option<f64>) {
    match x {
        Some(x) if x.is_finite() => serde_json::ser::CompactFormatter.write_f64(w, x).expect("writing JSON to memory"),
        _ => w.extend_from_slice(b"null"),
    }
}

fn opt_str(w: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => string(w, s),
        None => w.extend_from_slice(b"null"),
    }
}

fn string(w: &mut Vec<u8>, s: &str) {
    w.push(b'"');
    escape_into(w, s);
    w.push(b'"');
}

/// The contents of a JSON string, escaped as `serde_json` escapes them:
/// `\"`, `\\`, the short forms of backspace, tab, newline, form feed and
/// carriage return, `\u00xx` for the other control characters.
fn escape_into(w: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    // Most strings (names, codes, rule trails) need no escape: found eight
    // bytes at a time, they are copied whole.
    let mut chunks = bytes.chunks_exact(8);
    let clean = chunks.all(|c| !needs_escape8(u64::from_le_bytes(c.try_into().expect("eight bytes"))))
        && chunks.remainder().iter().all(|&b| b >= 0x20 && b != b'"' && b != b'\\');
    if clean {
        w.extend_from_slice(bytes);
        return;
    }
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        w.extend_from_slice(&bytes[run..i]);
        run = i + 1;
        let short = match b {
            0x08 => b'b',
            b'\t' => b't',
            b'\n' => b'n',
            0x0c => b'f',
            b'\r' => b'r',
            0x00..=0x1f => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                w.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
                continue;
            }
            _ => b, // '"' and '\\' escape as themselves
        };
        w.extend_from_slice(&[b'\\', short]);
    }
    w.extend_from_slice(&bytes[run..]);
}

/// Does any byte of `x` need escaping in a JSON string: a control byte
/// (below 0x20), `"` or `\\`? (The "has a byte less than n" and "has a zero
/// byte" word tricks: exact for the question "any byte?".)
fn needs_escape8(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |v: u64, n: u64| v.wrapping_sub(ONES * n) & !v & HIGH != 0;
    below(x, 0x20) || below(x ^ (ONES * u64::from(b'"')), 1) || below(x ^ (ONES * u64::from(b'\\')), 1)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What the output was before it was written by hand: `toponym_json`
    /// values through `serde_json`.
    fn via_serde(u: &Unit, rs: &[Resolution]) -> String {
        let toponyms: Vec<serde_json::Value> = rs.iter().map(toponym_json).collect();
        serde_json::json!({"doc_id": u.id(), "toponyms": toponyms}).to_string() + "\n"
    }

    #[test]
    fn strings_escape_as_serde_json_does() {
        let all_ascii: String = (0u8..0x80).map(char::from).collect();
        for s in [all_ascii.as_str(), "", "plain", "Ḩalab \"quoted\" \\ back", "\u{7f}\u{80}\u{2028}é"] {
            let mut w = Vec::new();
            string(&mut w, s);
            assert_eq!(String::from_utf8(w).unwrap(), serde_json::to_string(s).unwrap());
        }
    }

    #[test]
    fn eight_byte_check_agrees_with_a_byte_by_byte_one() {
        let needs = |x: u64| x.to_le_bytes().iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\');
        for v in 0..=255u8 {
            for k in 0..8 {
                for fill in [b'a', b' ', 0x80, 0xff, 0x21, b'"'] {
                    let mut b = [fill; 8];
                    b[k] = v;
                    let x = u64::from_le_bytes(b);
                    assert_eq!(needs_escape8(x), needs(x), "{b:?}");
                }
            }
        }
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            assert_eq!(needs_escape8(x), needs(x), "{x:#x}");
        }
        // Each special byte at each place of a string, in a chunk or the rest.
        for v in [0u8, 0x08, b'\t', b'\n', 0x1f, b'"', b'\\'] {
            for k in 0..20 {
                let mut b = vec![b'a'; 20];
                b[k] = v;
                let s = String::from_utf8(b).unwrap();
                let mut w = Vec::new();
                string(&mut w, &s);
                assert_eq!(String::from_utf8(w).unwrap(), serde_json::to_string(&s).unwrap());
            }
        }
    }

    #[test]
    fn numbers_format_as_serde_json_does() {
        for x in
            [0.0, -0.0, 34.5624, 0.867, 44.40088, 1.0, 1e-7, 123456.789, -179.999999, 1e21, f64::NAN, f64::INFINITY]
        {
            let mut w = Vec::new();
            opt_f64(&mut w, Some(x));
            assert_eq!(String::from_utf8(w).unwrap(), serde_json::to_string(&x).unwrap(), "{x}");
        }
        let mut w = Vec::new();
        number(&mut w, u64::MAX);
        assert_eq!(String::from_utf8(w).unwrap(), u64::MAX.to_string());
    }

    #[test]
    fn lines_match_the_serde_json_values() {
        let gaz = Gazetteer::embedded().unwrap();
        let text = "Clashes in Khanaqin, Diyala province, and near \"Baghdad\".\n\n\
                    Shelling of eastern Deir ez-Zor and the Zaghniya area in Diyala.\tLaurel County, Kentucky.\r\n\
                    Nothing here.\n";
        let doc = Document::from_text("a\"b\\c", "mem", text.to_string());
        let units: Vec<Unit> = Unit::lines(&doc).chain([Unit::whole(&doc)]).collect();
        assert_eq!(units.len(), 4);
        let opts = ResolveOptions::default();
        let mut places = 0;
        for u in &units {
            let rs = u.geoparse(&gaz, &opts);
            places += rs.iter().filter(|r| r.place.is_some()).count();
            let mut w = Vec::new();
            write_jsonl_line(&mut w, u, &rs);
            assert_eq!(String::from_utf8(w).unwrap(), via_serde(u, &rs));
        }
        assert!(places >= 6, "{places}");
    }
}
