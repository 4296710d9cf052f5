//! The front door: every input of every command is classified here, once,
//! and opened by the reader for its kind.
//!
//! # Kinds
//! [`classify`] sorts an argument into an [`Input`]:
//! - `-` is standard input, whose first bytes decide (a GeoJSON or CSV
//!   layer, else a report);
//! - `http(s)://` and `file://` URLs are pages or RSS/Atom feeds (reports);
//! - a directory holds reports (its `.txt`/`.html`/`.htm` files);
//! - an incident layer by extension: `.geojson`/`.json` (a FeatureCollection,
//!   or a sequence when its first line is a whole Feature),
//!   `.geojsonl`/`.geojsons`/`.geojsonseq`/`.jsonl`/`.ndjson` (RFC 8142
//!   sequence), `.csv`/`.tsv` (CSV: ours, ACLED's, any lat/lon table),
//!   `.gpkg` (GeoPackage);
//! - `.html`/`.htm` are reports; `.txt` and files without a known extension
//!   are sniffed: SQLite's header is a GeoPackage, `{` or RS GeoJSON, a first
//!   line naming event_date, latitude and longitude columns a CSV layer, and
//!   anything else a report;
//! - a `postgresql://` or `postgres://` URL is a PostGIS table
//!   ([`postgis`](crate::postgis)).
//!
//! # Reading
//! [`for_each_incident`] streams one layer record by record (a million-row
//! CSV is never held whole); [`load`] takes a whole mix of inputs: layers
//! first, in order, then the incidents extracted from all the reports
//! together (so that reports of the same event merge). Ids are kept for a
//! single layer and numbered 1..n across several inputs.
//!
//! # Errors
//! A bad record is [`Error::BadRecord`] with the file, the 1-based physical
//! line (of a CSV record's start, a sequence's line, a FeatureCollection
//! feature's first line, a GeoPackage row) and what was wrong. With
//! [`ReadOptions::lenient`] it is collected and reading goes on; otherwise
//! the first one is the error.

mod csv;
mod geojson;
pub mod gpkg;
mod record;
pub mod sites;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::document::Document;
use crate::error::{Error, Result};
use crate::extract::ExtractOptions;
use crate::extract::incident::Incident;
use crate::gazetteer::Gazetteer;

/// How strictly to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// Skip bad records and unreadable inputs (collecting their errors)
    /// instead of failing on the first.
    pub lenient: bool,
}

/// The incident layer formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerFormat {
    /// GeoJSON: a FeatureCollection, or a sequence (sniffed).
    GeoJson,
    /// An RFC 8142 GeoJSON text sequence.
    GeoJsonSeq,
    /// CSV or TSV with a header row.
    Csv,
    /// A GeoPackage.
    Gpkg,
}

/// What one input argument is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// `-`: standard input (a layer or a report, decided by its first bytes).
    Stdin,
    /// An http(s) or file URL: a page or a feed of reports.
    Url(String),
    /// A directory of reports.
    Dir(PathBuf),
    /// A report file (.txt, .html).
    Report(PathBuf),
    /// An incident layer.
    Layer(PathBuf, LayerFormat),
    /// A PostGIS table: a `postgresql://` or `postgres://` URL.
    Postgis(String),
}

impl Input {
    /// True for inputs that hold reports to extract rather than incidents.
    pub fn is_report(&self) -> bool {
        matches!(self, Input::Url(_) | Input::Dir(_) | Input::Report(_))
    }
}

/// Classifies one argument (see the module documentation). A path that
/// cannot be opened is classified by its extension; opening it later gives
/// the error.
pub fn classify(arg: &str) -> Input {
    if arg == "-" {
        return Input::Stdin;
    }
    if crate::postgis::is_pg_url(arg) {
        return Input::Postgis(arg.trim().to_string());
    }
    if crate::fetch::is_url(arg) {
        return Input::Url(arg.trim().to_string());
    }
    let path = PathBuf::from(arg);
    if path.is_dir() {
        return Input::Dir(path);
    }
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    let format = match ext.as_str() {
        "geojson" | "json" => Some(LayerFormat::GeoJson),
        "geojsonl" | "geojsons" | "geojsonseq" | "jsonl" | "ndjson" => Some(LayerFormat::GeoJsonSeq),
        "csv" | "tsv" => Some(LayerFormat::Csv),
        "gpkg" => Some(LayerFormat::Gpkg),
        "html" | "htm" => return Input::Report(path),
        _ => None,
    };
    if let Some(f) = format {
        return Input::Layer(path, f);
    }
    // .txt and unknown extensions: look at the first bytes.
    let mut head = Vec::with_capacity(4096);
    if let Ok(f) = File::open(&path) {
        let _ = f.take(4096).read_to_end(&mut head);
    }
    match sniff(&head) {
        Some(f) => Input::Layer(path, f),
        None => Input::Report(path),
    }
}

/// The layer format the first bytes of an input show, or `None` for text
/// that is not a layer (a report).
pub fn sniff(bytes: &[u8]) -> Option<LayerFormat> {
    if bytes.starts_with(gpkg::SQLITE_MAGIC) {
        return Some(LayerFormat::Gpkg);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    match bytes[start] {
        0x1E => Some(LayerFormat::GeoJsonSeq),
        b'{' => Some(LayerFormat::GeoJson),
        _ => {
            let line = bytes[start..].split(|&b| b == b'\n').next().unwrap_or_default();
            let line = String::from_utf8_lossy(line);
            let sep = if !line.contains(',') && line.contains('\t') {
                '\t'
            } else if !line.contains(',') && line.contains(';') {
                ';'
            } else {
                ','
            };
            let fields = record::targets(line.split(sep).map(|h| h.trim().trim_matches('"')));
            use crate::schema::Column;
            let has = |c| fields.contains(&Some(record::Target::Column(c)));
            (has(Column::EventDate) && has(Column::Latitude) && has(Column::Longitude)).then_some(LayerFormat::Csv)
        }
    }
}

/// Whether a GeoJSON text starts with a whole Feature on its first line
/// (a sequence) rather than a FeatureCollection.
fn is_sequence(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Some(start) = bytes.iter().position(|b| !b.is_ascii_whitespace()) else {
        return false;
    };
    let rest = &bytes[start..];
    if rest[0] == 0x1E {
        return true;
    }
    let line = rest.split(|&b| b == b'\n').next().unwrap_or(rest);
    matches!(serde_json::from_slice::<geojson::RawFeature>(line), Ok(f) if f.ty.0 == "Feature")
        || geojson::is_flat_object(line)
}

/// The incidents read and the errors of the records skipped.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    /// Incidents in file order.
    pub incidents: Vec<Incident>,
    /// One [`Error::BadRecord`] per skipped record (only when lenient).
    pub skipped: Vec<Error>,
}

/// Reads every incident of one layer (`-` is stdin).
pub fn read_incidents(path: &Path, opts: &ReadOptions) -> Result<ReadOutcome> {
    let mut incidents = Vec::new();
    let skipped = for_each_incident(path, opts, &mut |inc| {
        incidents.push(inc);
        Ok(())
    })?;
    Ok(ReadOutcome { incidents, skipped })
}

/// Streams the incidents of one layer (`-` is stdin) into `f`, one at a
/// time; returns the errors of the skipped records. An error from `f` stops
/// reading and is returned. The format follows [`classify`]; a file that is
/// not a layer is read as CSV, whose header check then says what is missing.
pub fn for_each_incident(
    path: &Path,
    opts: &ReadOptions,
    f: &mut dyn FnMut(Incident) -> Result<()>,
) -> Result<Vec<Error>> {
    if path.as_os_str() == "-" {
        let bytes = read_stdin()?;
        return for_each_in_bytes(&bytes, sniff(&bytes).unwrap_or(LayerFormat::Csv), opts, f);
    }
    let format = match classify(&path.to_string_lossy()) {
        Input::Postgis(url) => return read_postgis(&url, None, opts.lenient, f),
        Input::Layer(_, f) => f,
        _ => LayerFormat::Csv,
    };
    read_layer(path, format, opts, f)
}

/// Streams the incidents of a layer file whose format [`classify`] found.
fn read_layer(
    path: &Path,
    format: LayerFormat,
    opts: &ReadOptions,
    f: &mut dyn FnMut(Incident) -> Result<()>,
) -> Result<Vec<Error>> {
    let mut sink = record::Sink { path, opts, skipped: Vec::new(), f };
    if format == LayerFormat::Gpkg {
        gpkg::read_gpkg(path, &mut sink)?;
        return Ok(sink.skipped);
    }
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut r = BufReader::with_capacity(1 << 20, file);
    let format = match format {
        // Sniffed from the first buffer (1 MiB: a sequence's first line,
        // one feature, fits).
        LayerFormat::GeoJson if is_sequence(r.fill_buf().map_err(|e| Error::io(path, e))?) => LayerFormat::GeoJsonSeq,
        f => f,
    };
    match format {
        LayerFormat::GeoJsonSeq => geojson::read_sequence(r, &mut sink)?,
        LayerFormat::GeoJson => geojson::read_collection(r, &mut sink)?,
        LayerFormat::Csv => csv::read_csv(r, &mut sink)?,
        LayerFormat::Gpkg => unreachable!("read above"),
    }
    Ok(sink.skipped)
}

/// Streams the incidents of a PostGIS table (candidates for `query`, when
/// given: see [`crate::postgis::read_incidents`]).
fn read_postgis(
    url: &str,
    query: Option<&crate::spatial::query::Query>,
    lenient: bool,
    f: &mut dyn FnMut(Incident) -> Result<()>,
) -> Result<Vec<Error>> {
    let target = crate::postgis::PgTarget::parse(url)?;
    crate::postgis::read_incidents(&target, query, lenient, f)
}

/// Reads a layer held in memory (standard input).
fn for_each_in_bytes(
    bytes: &[u8],
    format: LayerFormat,
    opts: &ReadOptions,
    f: &mut dyn FnMut(Incident) -> Result<()>,
) -> Result<Vec<Error>> {
    let path = Path::new("-");
    let mut sink = record::Sink { path, opts, skipped: Vec::new(), f };
    match format {
        LayerFormat::Gpkg => {
            return Err(Error::bad_input(path, "a GeoPackage cannot be read from standard input; give its path"));
        }
        LayerFormat::GeoJson | LayerFormat::GeoJsonSeq if is_sequence(bytes) => {
            geojson::read_sequence(bytes, &mut sink)?
        }
        LayerFormat::GeoJson | LayerFormat::GeoJsonSeq => geojson::read_collection(bytes, &mut sink)?,
        LayerFormat::Csv => csv::read_csv(bytes, &mut sink)?,
    }
    Ok(sink.skipped)
}

fn read_stdin() -> Result<Vec<u8>> {
    crate::document::read_capped(std::io::stdin().lock(), Path::new("-"))
}

/// A gazetteer opened on first use: reading layers needs none, extracting
/// reports does.
#[derive(Default)]
pub struct GazetteerSource {
    dir: Option<PathBuf>,
    cell: std::sync::OnceLock<Gazetteer>,
}

impl GazetteerSource {
    /// The gazetteer [`Gazetteer::load`] finds for `dir`.
    pub fn new(dir: Option<PathBuf>) -> GazetteerSource {
        GazetteerSource { dir, cell: std::sync::OnceLock::new() }
    }

    /// Opens it (once).
    pub fn get(&self) -> Result<&Gazetteer> {
        if let Some(g) = self.cell.get() {
            return Ok(g);
        }
        let g = Gazetteer::load(self.dir.as_deref())?;
        Ok(self.cell.get_or_init(|| g))
    }
}

impl std::fmt::Debug for GazetteerSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GazetteerSource").field("dir", &self.dir).field("open", &self.cell.get().is_some()).finish()
    }
}

/// How [`load`] reads a mix of inputs.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Skip bad records, unreadable inputs and reports that cannot be
    /// dated, collecting their errors, instead of failing on the first.
    pub lenient: bool,
    /// How reports are extracted (publication date, country focus).
    pub extract: ExtractOptions,
    /// How URLs are fetched.
    pub fetch: crate::fetch::http::FetchOptions,
    /// A query whose answer is all the caller keeps: PostGIS inputs send
    /// only its candidates (a superset; the caller still applies it).
    /// Files ignore it.
    pub pushdown: Option<crate::spatial::query::Query>,
    /// Only the incidents in this subset are passed on (before they are
    /// numbered), from every input; PostGIS inputs are asked for it in
    /// their `WHERE` clause when there is no `pushdown`.
    pub subset: crate::spatial::query::Subset,
}

/// What [`load`] read.
#[derive(Debug, Default)]
pub struct LoadReport {
    /// Incidents passed on.
    pub incidents: u64,
    /// Reports read (documents, after feeds were expanded).
    pub documents: usize,
    /// Inputs that gave something: layers read and reports extracted
    /// without an error (with or without incidents).
    pub inputs_ok: usize,
    /// Skipped records and failed inputs (only when lenient).
    pub problems: Vec<Error>,
}

/// Reads a mix of inputs (see the module documentation) into `f`: layers
/// record by record, then the incidents extracted from every report.
pub fn load(
    inputs: &[String],
    opts: &LoadOptions,
    gaz: &GazetteerSource,
    f: &mut dyn FnMut(Incident) -> Result<()>,
) -> Result<LoadReport> {
    let read_opts = ReadOptions { lenient: opts.lenient };
    let mut report = LoadReport::default();
    let renumber = inputs.len() > 1;
    let mut reports: Vec<String> = Vec::new();
    let mut stdin_doc: Option<Document> = None;
    let pushdown = opts.pushdown.clone().or_else(|| (!opts.subset.is_all()).then(|| opts.subset.query()));
    let mut pass = |report: &mut LoadReport, mut inc: Incident| -> Result<()> {
        if !opts.subset.contains(&inc) {
            return Ok(());
        }
        if renumber {
            inc.id = report.incidents + 1;
        }
        f(inc)?;
        report.incidents += 1;
        Ok(())
    };
    for arg in inputs {
        let input = classify(arg);
        // An error from `f` (the output) ends the run even when lenient:
        // only input errors are skipped.
        let mut sink_failed = false;
        let mut sink = |inc| pass(&mut report, inc).inspect_err(|_| sink_failed = true);
        let r = match &input {
            Input::Stdin => {
                let bytes = read_stdin()?;
                match sniff(&bytes) {
                    Some(format) => for_each_in_bytes(&bytes, format, &read_opts, &mut sink),
                    None => crate::document::utf8_text(Path::new("-"), bytes, "not UTF-8").map(|text| {
                        stdin_doc = Some(Document::from_text("stdin", "-", text));
                        Vec::new()
                    }),
                }
            }
            Input::Layer(path, format) => read_layer(path, *format, &read_opts, &mut sink),
            Input::Postgis(url) => read_postgis(url, pushdown.as_ref(), opts.lenient, &mut sink),
            Input::Url(_) | Input::Dir(_) | Input::Report(_) => {
                reports.push(arg.clone());
                Ok(Vec::new())
            }
        };
        let is_layer =
            matches!(input, Input::Layer(..) | Input::Postgis(_)) || (input == Input::Stdin && stdin_doc.is_none());
        match r {
            Ok(mut skipped) => {
                report.inputs_ok += usize::from(is_layer);
                report.problems.append(&mut skipped);
            }
            Err(e) if opts.lenient && !sink_failed => report.problems.push(e),
            Err(e) => return Err(e),
        }
    }
    if reports.is_empty() && stdin_doc.is_none() {
        return Ok(report);
    }
    let (mut docs, mut errors) = crate::fetch::load_inputs(&reports, &opts.fetch);
    if let Some(d) = stdin_doc {
        docs.insert(0, d);
    }
    report.documents = docs.len();
    let (found, mut extract_errors) = crate::extract::extract(gaz.get()?, &docs, &opts.extract);
    // extract() reports at most one error per document.
    report.inputs_ok += docs.len().saturating_sub(extract_errors.len());
    errors.append(&mut extract_errors);
    if !opts.lenient && !errors.is_empty() {
        return Err(errors.swap_remove(0));
    }
    report.problems.append(&mut errors);
    for inc in found {
        pass(&mut report, inc)?;
    }
    Ok(report)
}

/// [`load`] into memory: every incident of the inputs, and what was read.
///
/// # Errors
/// Those of [`load`], and an error when inputs were given but none gave
/// anything (every file, URL and report failed, lenient or not: an undated
/// report, say), so that a run never writes empty layers over earlier ones
/// on nothing but failures.
pub fn load_all(inputs: &[String], opts: &LoadOptions, gaz: &GazetteerSource) -> Result<(Vec<Incident>, LoadReport)> {
    let mut incidents = Vec::new();
    let report = load(inputs, opts, gaz, &mut |inc| {
        incidents.push(inc);
        Ok(())
    })?;
    if incidents.is_empty() && report.inputs_ok == 0 && !report.problems.is_empty() {
        return Err(Error::nothing_read(report.problems));
    }
    Ok((incidents, report))
}

/// Reads reports only (files, directories, `-`, URLs and feeds), for the
/// jobs that take texts rather than incidents. Each input that fails is
/// returned beside the documents of the others, or (not lenient) is the
/// error.
///
/// # Errors
/// The first failure when not lenient; [`Error::NothingRead`] when there were
/// inputs and none could be read.
pub fn load_documents(
    inputs: &[String],
    lenient: bool,
    fetch: &crate::fetch::http::FetchOptions,
) -> Result<(Vec<Document>, Vec<Error>)> {
    let (docs, mut errors) = crate::fetch::load_inputs(inputs, fetch);
    if !lenient && !errors.is_empty() {
        return Err(errors.swap_remove(0));
    }
    if docs.is_empty() && !errors.is_empty() {
        return Err(Error::nothing_read(errors));
    }
    Ok((docs, errors))
}

#[cfg(test)]
mod tests;
