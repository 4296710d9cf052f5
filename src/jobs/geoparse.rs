//! Every place name in texts, resolved: the geoparser as a job.

use std::io::Write;
use std::path::Path;

use rayon::prelude::*;

use crate::document::Document;
use crate::error::{Error, Result};
use crate::export::mentions::{write_geojson, write_jsonl_line};
use crate::gazetteer::Gazetteer;
use crate::geoparse::{self, Resolution, ResolveOptions};

/// Output format of [`run_geoparse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeoparseFormat {
    /// One JSON object per document: {"doc_id", "toponyms": [...]}.
    Jsonl,
    /// A FeatureCollection with one point per resolved mention.
    GeoJson,
}

/// What is geoparsed: a whole document, or (with `--doc-per-line`) one
/// non-blank line of it.
pub struct Unit<'a> {
    doc: &'a Document,
    /// 1-based line number, for a line.
    line: Option<usize>,
    text: &'a str,
    body_start: usize,
}

impl<'a> Unit<'a> {
    pub fn whole(doc: &'a Document) -> Unit<'a> {
        Unit { doc, line: None, text: &doc.text, body_start: doc.body_start }
    }

    /// One unit per line of `doc` (blank lines skipped); offsets are within the line.
    pub fn lines(doc: &'a Document) -> impl Iterator<Item = Unit<'a>> {
        doc.text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).map(move |(n, text)| Unit {
            doc,
            line: Some(n + 1),
            text,
            body_start: 0,
        })
    }

    /// `<doc id>`, or `<doc id>:<line number>` for a line.
    pub fn id(&self) -> String {
        match self.line {
            Some(n) => format!("{}:{n}", self.doc.id),
            None => self.doc.id.clone(),
        }
    }

    pub fn geoparse(&self, gaz: &Gazetteer, opts: &ResolveOptions) -> Vec<Resolution> {
        let mentions = geoparse::spot(gaz, self.text, self.body_start);
        geoparse::resolve(gaz, self.text, mentions, opts)
    }
}

/// Documents geoparsed (in parallel) and written per chunk.
const CHUNK_DOCS: usize = 4096;

/// Documents serialised into one buffer (a unit of parallel work within a
/// chunk): enough for a buffer past the 64 KiB of the output's own buffer,
/// which then takes it without a copy.
const GROUP_DOCS: usize = 128;

/// Room made in a group's buffer per byte of its texts: news lines come
/// out about 2.6 times their size, so the buffer rarely grows.
const JSON_PER_TEXT_BYTE: usize = 3;

/// Reads the reports of `inputs` (see
/// [`load_documents`](crate::input::load_documents)), geoparses them and
/// writes the results; returns the inputs that failed (when lenient).
pub fn run_geoparse(
    inputs: &[String],
    lenient: bool,
    gaz: &Gazetteer,
    opts: &ResolveOptions,
    doc_per_line: bool,
    format: GeoparseFormat,
    output: &Path,
) -> Result<Vec<Error>> {
    let (docs, errors) = crate::input::load_documents(inputs, lenient, &Default::default())?;
    geoparse_documents(gaz, &docs, opts, doc_per_line, format, output)?;
    Ok(errors)
}

/// Geoparses documents (whole, or each non-blank line as its own document
/// with `doc_per_line`) and writes the results to `output` (`-` is standard
/// output, a file is written atomically).
pub fn geoparse_documents(
    gaz: &Gazetteer,
    docs: &[Document],
    opts: &ResolveOptions,
    doc_per_line: bool,
    format: GeoparseFormat,
    output: &Path,
) -> Result<()> {
    // Lines are borrowed from their documents, not copied out of them.
    let units: Vec<Unit> =
        if doc_per_line { docs.iter().flat_map(Unit::lines).collect() } else { docs.iter().map(Unit::whole).collect() };
    let write = |w: &mut dyn Write| -> std::io::Result<()> {
        match format {
            GeoparseFormat::Jsonl => {
                // Geoparse and serialise in parallel, a chunk of documents at
                // a time, and write each chunk in input order: no document's
                // results outlive its line, and the writer never waits for
                // the whole corpus.
                // A task serialises a group of documents into one buffer:
                // one allocation and one write per group, not per line.
                for chunk in units.chunks(CHUNK_DOCS) {
                    let groups: Vec<Vec<u8>> = chunk
                        .par_chunks(GROUP_DOCS)
                        .map(|group| {
                            let text: usize = group.iter().map(|u| u.text.len()).sum();
                            let mut buf = Vec::with_capacity(JSON_PER_TEXT_BYTE * text + 4096);
                            for u in group {
                                let rs = u.geoparse(gaz, opts);
                                write_jsonl_line(&mut buf, &u.doc.id, u.line, &rs);
                            }
                            buf
                        })
                        .collect();
                    for group in &groups {
                        w.write_all(group)?;
                    }
                }
                Ok(())
            }
            GeoparseFormat::GeoJson => {
                let results: Vec<(&Unit, Vec<Resolution>)> =
                    units.par_iter().map(|u| (u, u.geoparse(gaz, opts))).collect();
                let mut w = w;
                write_geojson(&mut w, results.iter().map(|(u, rs)| (u.id(), rs.as_slice())))
            }
        }
    };
    if output.as_os_str() == "-" {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        write(&mut out).and_then(|()| out.flush()).map_err(|e| Error::io(output, e))
    } else {
        crate::atomic::write_atomic(output, |w| write(w).map_err(|e| Error::io(output, e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::mentions::toponym_json;
    use crate::geoparse::ResolveOptions;

    /// What the output was before it was written by hand: `toponym_json`
    /// values through `serde_json`.
    fn via_serde(u: &Unit, rs: &[Resolution]) -> String {
        let toponyms: Vec<serde_json::Value> = rs.iter().map(toponym_json).collect();
        serde_json::json!({"doc_id": u.id(), "toponyms": toponyms}).to_string() + "\n"
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
            write_jsonl_line(&mut w, &u.doc.id, u.line, &rs);
            assert_eq!(String::from_utf8(w).unwrap(), via_serde(u, &rs));
        }
        assert!(places >= 6, "{places}");
    }
}
