//! `gazetteer import`: GeoNames' own published files, unchanged, into a
//! gazetteer index.
//!
//! Accepted inputs (recognised by file name, or named with [`FileKind`]):
//! the 19-column place dumps (`allCountries.txt`, `XX.txt`, `citiesN.txt`),
//! `alternateNamesV2.txt` (and the per-country `alternatenames/XX.txt`, saved
//! under a name starting with `alternateNames`), `admin1CodesASCII.txt`,
//! `admin2Codes.txt`, `countryInfo.txt`, an admin-1 polygons GeoJSON, each as
//! plain text, `.gz` or `.zip` (the `.txt` member is decompressed as a
//! stream). Files are read line by line, never whole, so `allCountries`
//! (1.6 GB) costs the memory of the index being built, not of the text.
//!
//! The index keeps only what lookups use: a name's loose key. So names whose
//! keys repeat an earlier name of the same place are dropped while reading,
//! and (unless [`ImportParams::all_scripts`]) so are alternate names written
//! in scripts other than Latin and Arabic, which news in those languages
//! would need but which make up a third of GeoNames' names.
//!
//! # Examples
//!
//! ```no_run
//! use incidentmap::gazetteer::import::{import, ImportParams, Input};
//!
//! let params = ImportParams::new("/tmp/gaz", vec![Input::detect("IQ.zip")?]);
//! let report = import(&params)?;
//! println!("{} places", report.places);
//! # Ok::<(), incidentmap::Error>(())
//! ```

use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::admin::parse_admin_geojson;
use super::geonames::{Row, parse_alternate_row, parse_code_row, parse_country_row, parse_row};
use super::index::IndexBuilder;
use super::layout::INDEX_FILE;
use crate::atomic::write_atomic;
use crate::error::{Error, Result};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    /// A 19-column place dump (allCountries, XX, citiesN, an overlay).
    Places,
    /// alternateNamesV2.txt rows (`id, geonameid, lang, name, ...`).
    AlternateNames,
    /// admin1CodesASCII.txt (`CC.code, name, asciiname, geonameid`).
    Admin1Codes,
    /// admin2Codes.txt (`CC.a1.a2, name, asciiname, geonameid`).
    Admin2Codes,
    /// countryInfo.txt.
    CountryInfo,
    /// Admin-1 polygons, a GeoJSON FeatureCollection with properties
    /// `code`, `name`, `country`, `geonameid`.
    AdminPolygons,
}

impl FileKind {
    /// Every kind with its `--kind` name.
    pub const NAMES: [(&'static str, FileKind); 6] = [
        ("places", FileKind::Places),
        ("alternates", FileKind::AlternateNames),
        ("admin1", FileKind::Admin1Codes),
        ("admin2", FileKind::Admin2Codes),
        ("countries", FileKind::CountryInfo),
        ("polygons", FileKind::AdminPolygons),
    ];

    /// The kind for a `--kind` name.
    pub fn from_name(name: &str) -> Option<FileKind> {
        Self::NAMES.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|&(_, k)| k)
    }

    /// The `--kind` name.
    pub fn name(self) -> &'static str {
        Self::NAMES.iter().find(|&&(_, k)| k == self).map_or("?", |&(n, _)| n)
    }

    /// The kind a GeoNames file name stands for; `Ok(None)` when the name says
    /// nothing (an analyst's `my_places.txt` is then read as places), an error
    /// for GeoNames files this importer does not use.
    fn from_file_name(name: &str) -> std::result::Result<Option<FileKind>, String> {
        let lower = name.to_ascii_lowercase();
        let stem = lower.trim_end_matches(".gz").trim_end_matches(".zip").trim_end_matches(".txt");
        if lower.ends_with(".geojson") || lower.ends_with(".json") {
            return Ok(Some(FileKind::AdminPolygons));
        }
        let kind = if stem.starts_with("alternatenames") {
            FileKind::AlternateNames
        } else if stem.starts_with("admin1codes") {
            FileKind::Admin1Codes
        } else if stem.starts_with("admin2codes") {
            FileKind::Admin2Codes
        } else if stem.starts_with("countryinfo") {
            FileKind::CountryInfo
        } else if [
            "readme",
            "iso-languagecodes",
            "featurecodes",
            "timezones",
            "hierarchy",
            "adminCode5",
            "shapes",
            "userTags",
            "no-country",
        ]
        .iter()
        .any(|p| stem.starts_with(&p.to_ascii_lowercase()))
        {
            return Err(format!(
                "{name} is a GeoNames file this importer does not use; pass --kind to read it as one of: {}",
                Self::NAMES.map(|(n, _)| n).join(", ")
            ));
        } else if stem.starts_with("allcountries")
            || stem.starts_with("cities")
            || (stem.len() == 2 && stem.bytes().all(|b| b.is_ascii_alphabetic()))
        {
            FileKind::Places
        } else {
            return Ok(None);
        };
        Ok(Some(kind))
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One input file and what it holds.
#[derive(Debug, Clone)]
pub struct Input {
    /// The file (`.txt`, `.gz`, `.zip` or `.geojson`).
    pub path: PathBuf,
    /// Its kind; `None` to recognise it by name (for a zip, the member's name
    /// decides when the archive's does not).
    pub kind: Option<FileKind>,
}

impl Input {
    /// An input recognised by its name; fails for GeoNames files the
    /// importer does not use (`readme.txt`, `hierarchy.txt`, ...).
    pub fn detect(path: impl Into<PathBuf>) -> Result<Input> {
        let path = path.into();
        let name = file_name(&path);
        FileKind::from_file_name(&name).map_err(|m| Error::bad_input(&path, m))?;
        Ok(Input { path, kind: None })
    }

    /// An input of a given kind, whatever its name.
    pub fn with_kind(path: impl Into<PathBuf>, kind: FileKind) -> Input {
        Input { path: path.into(), kind: Some(kind) }
    }
}

/// What to import and where to.
#[derive(Debug, Clone)]
pub struct ImportParams {
    /// The gazetteer directory; the index goes to `dir/gazetteer.idx`.
    pub dir: PathBuf,
    /// GeoNames files, in any order (places are read before alternate names).
    pub inputs: Vec<Input>,
    /// The analyst's own places (19 columns), merged last: a row with the
    /// geonameid of an imported place replaces it.
    pub overlay: Option<PathBuf>,
    /// Skip malformed rows (counted and reported) instead of stopping at the
    /// first one.
    pub lenient: bool,
    /// Keep alternate names in every script (default: Latin and Arabic only).
    pub all_scripts: bool,
    /// Show a progress bar on stderr when it is a terminal.
    pub progress: bool,
}

impl ImportParams {
    /// Strict, Latin and Arabic names, no overlay, no progress bar.
    pub fn new(dir: impl Into<PathBuf>, inputs: Vec<Input>) -> ImportParams {
        ImportParams { dir: dir.into(), inputs, overlay: None, lenient: false, all_scripts: false, progress: false }
    }
}

/// What happened to one file.
#[derive(Debug, Clone)]
pub struct FileSummary {
    /// The file as named in messages (`IQ.zip!IQ.txt` for a zip member).
    pub name: String,
    /// How it was read.
    pub kind: FileKind,
    /// Data rows read (comments and blank lines not counted).
    pub rows: u64,
    /// Malformed rows skipped (with `lenient`).
    pub bad: u64,
    /// Well-formed rows not used: alternate names that are links, postcodes
    /// or airport codes, or that belong to places not imported.
    pub ignored: u64,
}

/// The outcome of an import.
#[derive(Debug)]
pub struct ImportReport {
    /// Per input file, in reading order (the overlay last).
    pub files: Vec<FileSummary>,
    /// Places in the index.
    pub places: usize,
    /// Name keys in the index (distinct per place, summed over places).
    pub names: u64,
    /// Alternate names dropped for their script (see `all_scripts`).
    pub other_script_names: u64,
    /// The first malformed rows skipped (at most [`MAX_LISTED`]).
    pub bad_rows: Vec<Error>,
    /// All malformed rows skipped.
    pub bad_count: u64,
    /// The index written.
    pub index_path: PathBuf,
    /// Its size in bytes.
    pub index_bytes: u64,
    /// Wall time of the whole import.
    pub elapsed: Duration,
}

/// How many skipped rows a report lists one by one.
pub const MAX_LISTED: usize = 10;

/// Imports the inputs and writes `dir/gazetteer.idx` atomically: on any
/// error (a malformed row when not lenient, an unreadable file) no index is
/// written and an existing one is left as it was.
pub fn import(params: &ImportParams) -> Result<ImportReport> {
    let start = Instant::now();
    let mut st = State {
        params,
        builder: IndexBuilder::new(),
        files: Vec::new(),
        other_script: 0,
        bad_rows: Vec::new(),
        bad_count: 0,
        polygons: None,
    };
    // Places first so that alternate names can be kept for known places only.
    let mut inputs: Vec<(&Input, usize)> = params.inputs.iter().zip(0..).collect();
    inputs.sort_by_key(|(i, n)| {
        let alternates = i.kind == Some(FileKind::AlternateNames) || (i.kind.is_none() && is_alternates_name(&i.path));
        (alternates, *n)
    });
    for (input, _) in inputs {
        st.read_input(&input.path, input.kind)?;
    }
    if let Some(overlay) = &params.overlay {
        st.read_input(overlay, Some(FileKind::Places))?;
    }
    if let Some(text) = st.polygons.take() {
        st.builder.set_admin_geojson(text);
    }
    let names = st.builder.key_count() as u64;
    if names == 0 {
        // An empty or wrong file must not replace an imported index with
        // an empty one (issue 19: 2 places -> 0, silently).
        let files: Vec<&str> = st.files.iter().map(|f| f.name.as_str()).collect();
        return Err(Error::bad_input(
            &params.dir,
            format!("the inputs ({}) hold no place names; the gazetteer was left as it was", files.join(", ")),
        ));
    }
    std::fs::create_dir_all(&params.dir).map_err(|e| Error::io(&params.dir, e))?;
    let index_path = params.dir.join(INDEX_FILE);
    // Straight into the temporary file: no second copy of the index in memory.
    let mut places = 0;
    let builder = st.builder;
    write_atomic(&index_path, |w| {
        places = builder.write_to(w).map_err(|m| Error::bad_input(&index_path, format!("building the index: {m}")))?;
        Ok(())
    })?;
    let index_bytes = std::fs::metadata(&index_path).map_err(|e| Error::io(&index_path, e))?.len();
    Ok(ImportReport {
        files: st.files,
        places,
        names,
        other_script_names: st.other_script,
        bad_rows: st.bad_rows,
        bad_count: st.bad_count,
        index_path,
        index_bytes,
        elapsed: start.elapsed(),
    })
}

fn is_alternates_name(path: &Path) -> bool {
    matches!(FileKind::from_file_name(&file_name(path)), Ok(Some(FileKind::AlternateNames)))
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

struct State<'a> {
    params: &'a ImportParams,
    builder: IndexBuilder,
    files: Vec<FileSummary>,
    other_script: u64,
    bad_rows: Vec<Error>,
    bad_count: u64,
    polygons: Option<String>,
}

impl State<'_> {
    fn read_input(&mut self, path: &Path, kind: Option<FileKind>) -> Result<()> {
        let name = file_name(path);
        let outer = match kind {
            Some(k) => Some(k),
            None => FileKind::from_file_name(&name).map_err(|m| Error::bad_input(path, m))?,
        };
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let len = file.metadata().map(|m| m.len()).ok();
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".zip") {
            let mut zip = zip::ZipArchive::new(BufReader::new(file))
                .map_err(|e| Error::bad_input(path, format!("not a readable zip archive: {e}")))?;
            let member = pick_member(&mut zip, &name).map_err(|m| Error::bad_input(path, m))?;
            let mut entry =
                zip.by_index(member).map_err(|e| Error::bad_input(path, format!("zip member {member}: {e}")))?;
            let member_name = entry.name().to_string();
            let kind = match outer {
                Some(k) => k,
                None => FileKind::from_file_name(&member_name)
                    .map_err(|m| Error::bad_input(path, m))?
                    .unwrap_or(FileKind::Places),
            };
            let size = entry.size();
            let origin = format!("{}!{member_name}", path.display());
            let pb = self.progress(Some(size), &format!("{name}!{member_name}"));
            let r = BufReader::with_capacity(1 << 20, pb.wrap_read(&mut entry));
            let res = self.read_text(r, &origin, kind);
            pb.finish_and_clear();
            res
        } else if lower.ends_with(".gz") {
            let kind = outer.unwrap_or(FileKind::Places);
            let pb = self.progress(len, &name);
            let r = BufReader::with_capacity(1 << 20, flate2::read::MultiGzDecoder::new(pb.wrap_read(file)));
            let res = self.read_text(r, &path.display().to_string(), kind);
            pb.finish_and_clear();
            res
        } else {
            let kind = outer.unwrap_or(FileKind::Places);
            let pb = self.progress(len, &name);
            let r = BufReader::with_capacity(1 << 20, pb.wrap_read(file));
            let res = self.read_text(r, &path.display().to_string(), kind);
            pb.finish_and_clear();
            res
        }
    }

    fn progress(&self, len: Option<u64>, name: &str) -> ProgressBar {
        progress_bar(self.params.progress, len, &format!("importing {name}"))
    }

    fn read_text<R: BufRead>(&mut self, r: R, origin: &str, kind: FileKind) -> Result<()> {
        let mut summary = FileSummary { name: origin.to_string(), kind, rows: 0, bad: 0, ignored: 0 };
        if kind == FileKind::AdminPolygons {
            let mut text = String::new();
            let mut r = r;
            r.read_to_string(&mut text).map_err(|e| Error::io(origin, e))?;
            // Validate now so a broken file names itself here rather than
            // silently leaving the gazetteer without polygons later.
            let areas = parse_admin_geojson(&text, origin)?;
            summary.rows = areas.len() as u64;
            self.polygons = Some(text);
            self.files.push(summary);
            return Ok(());
        }
        let lenient = self.params.lenient;
        let mut bad_rows = std::mem::take(&mut self.bad_rows);
        let mut bad_count = self.bad_count;
        let res = for_each_line(r, origin, |line_no, line| {
            summary.rows += 1;
            let outcome = line.and_then(|l| self.use_line(kind, l));
            match outcome {
                Ok(true) => {}
                Ok(false) => summary.ignored += 1,
                Err(message) => {
                    let e = Error::bad_record(origin, line_no, message);
                    if !lenient {
                        return Err(e);
                    }
                    summary.bad += 1;
                    bad_count += 1;
                    if bad_rows.len() < MAX_LISTED {
                        bad_rows.push(e);
                    }
                }
            }
            Ok(())
        });
        self.bad_rows = bad_rows;
        self.bad_count = bad_count;
        self.files.push(summary);
        res
    }

    /// Uses one data line: `Ok(false)` when the row is fine but not wanted.
    fn use_line(&mut self, kind: FileKind, line: &str) -> std::result::Result<bool, String> {
        match kind {
            FileKind::Places => {
                let mut row = parse_row(line)?;
                self.other_script += reduce_names(&mut row, self.params.all_scripts);
                self.builder.add_row(row);
                Ok(true)
            }
            FileKind::AlternateNames => {
                let Some((id, _lang, name)) = parse_alternate_row(line)? else {
                    return Ok(false);
                };
                if name.is_empty() {
                    return Ok(false);
                }
                if !self.params.all_scripts && !latin_or_arabic(&name) {
                    self.other_script += 1;
                    return Ok(false);
                }
                // Straight into the builder: alternateNamesV2 has 16 M rows,
                // too many to hold as strings.
                Ok(self.builder.add_alternate(id, &name))
            }
            FileKind::Admin1Codes => {
                let (code, name) = parse_code_row(line)?;
                self.builder.add_admin1(code, name);
                Ok(true)
            }
            FileKind::Admin2Codes => {
                let (code, name) = parse_code_row(line)?;
                self.builder.add_admin2(code, name);
                Ok(true)
            }
            FileKind::CountryInfo => {
                let (iso, name, id) = parse_country_row(line)?;
                self.builder.add_country(iso, name, id);
                Ok(true)
            }
            FileKind::AdminPolygons => unreachable!("polygons are read whole"),
        }
    }
}

/// Calls `f(line_number, line)` for every data line of a text stream:
/// blank lines and `#` comments are skipped, `\r\n` is accepted. A line that
/// is not UTF-8 is handed over as `Err` naming the byte offset in the stream,
/// so the caller treats it like any other malformed row.
fn for_each_line<R: BufRead>(
    mut r: R,
    origin: &str,
    mut f: impl FnMut(u64, std::result::Result<&str, String>) -> Result<()>,
) -> Result<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut line_no: u64 = 0;
    let mut offset: u64 = 0;
    loop {
        buf.clear();
        let n = r.read_until(b'\n', &mut buf).map_err(|e| Error::io(origin, e))?;
        if n == 0 {
            return Ok(());
        }
        line_no += 1;
        let line_start = offset;
        offset += n as u64;
        let mut bytes = &buf[..];
        if let Some(b) = bytes.strip_suffix(b"\n") {
            bytes = b;
        }
        if let Some(b) = bytes.strip_suffix(b"\r") {
            bytes = b;
        }
        if line_no == 1 {
            // A byte-order mark, as spreadsheet programs write on an overlay.
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        if bytes.is_empty() || bytes[0] == b'#' {
            continue;
        }
        match std::str::from_utf8(bytes) {
            Ok(line) => f(line_no, Ok(line))?,
            Err(e) => {
                let at = line_start + e.valid_up_to() as u64;
                f(line_no, Err(format!("invalid UTF-8 at byte {at} of the file")))?;
            }
        }
    }
}

/// Trims a place's names to what the index can use: the ASCII name when it
/// is the name itself, and (unless `all_scripts`) alternate names in scripts
/// other than Latin and Arabic. Names that fold to a key the place already
/// has are dropped by the builder. Returns the names dropped for their script.
fn reduce_names(row: &mut Row, all_scripts: bool) -> u64 {
    if row.asciiname == row.name {
        row.asciiname = String::new();
    }
    let mut other = 0;
    if !all_scripts {
        row.alternatenames.retain(|n| {
            let keep = latin_or_arabic(n);
            other += u64::from(!keep);
            keep
        });
    }
    other
}

/// True when every letter of the name is Latin or Arabic script (digits,
/// punctuation and combining marks do not count).
pub fn latin_or_arabic(name: &str) -> bool {
    name.chars().all(|c| {
        !c.is_alphabetic()
            || matches!(c as u32,
                0x0000..=0x024F      // Basic Latin .. Latin Extended-B
                | 0x0250..=0x02FF    // IPA extensions, modifier letters (ʿ ʾ)
                | 0x0300..=0x036F    // combining diacritics
                | 0x1E00..=0x1EFF    // Latin Extended Additional (ḑ ẖ ţ)
                | 0x2C60..=0x2C7F    // Latin Extended-C
                | 0xA720..=0xA7FF    // Latin Extended-D
                | 0x0600..=0x06FF    // Arabic (Kurdish and Persian letters too)
                | 0x0750..=0x077F    // Arabic Supplement
                | 0x08A0..=0x08FF    // Arabic Extended-A
                | 0xFB50..=0xFDFF    // Arabic presentation forms A
                | 0xFE70..=0xFEFF) // Arabic presentation forms B
    })
}

/// Picks the data member of a GeoNames zip: the `.txt` named like the
/// archive (`IQ.zip` -> `IQ.txt`), else the only `.txt` that is not a readme.
fn pick_member<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    archive_name: &str,
) -> std::result::Result<usize, String> {
    let stem = archive_name.rsplit_once('.').map_or(archive_name, |(s, _)| s).to_ascii_lowercase();
    let mut candidates: Vec<(usize, String)> = Vec::new();
    for i in 0..zip.len() {
        let Some(name) = zip.name_for_index(i) else {
            continue;
        };
        let lower = name.to_ascii_lowercase();
        let base = lower.rsplit('/').next().unwrap_or(&lower).to_string();
        if lower.ends_with('/') {
            continue;
        }
        if base.strip_suffix(".txt") == Some(stem.as_str()) {
            return Ok(i);
        }
        if (base.ends_with(".txt") || base.ends_with(".geojson"))
            && !base.starts_with("readme")
            && !base.starts_with("iso-languagecodes")
        {
            candidates.push((i, name.to_string()));
        }
    }
    match candidates.as_slice() {
        [(i, _)] => Ok(*i),
        [] => Err("the archive holds no .txt data file".to_string()),
        many => Err(format!(
            "the archive holds several data files ({}); unzip it and import the one you want",
            many.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// A progress bar on stderr when it is a terminal and `enabled`; hidden
/// otherwise, so logs and pipes stay clean.
pub(crate) fn progress_bar(enabled: bool, len: Option<u64>, message: &str) -> ProgressBar {
    if !enabled || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr());
    let style = match len {
        Some(_) => ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})"),
        None => ProgressStyle::with_template("{spinner} {msg} {bytes} ({bytes_per_sec})"),
    };
    if let Ok(style) = style {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(message.to_string());
    pb
}

/// Re-exported from [`layout`](super::layout), where the store finds it too.
pub use super::layout::NO_DEFAULT_FILE;

/// What one layer of a gazetteer holds (for `gazetteer info`).
#[derive(Debug, Clone)]
pub struct LayerStats {
    /// `default` for the embedded index, else the index file.
    pub name: String,
    /// Index size in bytes.
    pub bytes: u64,
    /// Places.
    pub places: usize,
    /// Distinct name keys.
    pub name_keys: u64,
    /// Rows of the admin-1 and admin-2 code tables, and countries.
    pub admin1_codes: usize,
    pub admin2_codes: usize,
    pub countries: usize,
    /// Admin-1 polygons (features in the embedded GeoJSON).
    pub admin_polygons: usize,
}

/// The map's [`SPELLING`](super::index::SPELLING) entries (they sort
/// before every key), which are spellings of names, not keys.
fn spelling_entries(map: &fst::Map<super::index::Bytes>) -> usize {
    use fst::{IntoStreamer, Streamer};
    let first = super::index::SPELLING as u8;
    let mut stream = map.range().ge([first]).lt([first + 1]).into_stream();
    let mut n = 0;
    while stream.next().is_some() {
        n += 1;
    }
    n
}

/// Counts what every layer holds, cheaply: nothing is parsed but the code
/// tables' line prefixes.
pub fn layer_stats(g: &super::Gazetteer) -> Vec<LayerStats> {
    g.layer_names()
        .into_iter()
        .zip(g.layers())
        .map(|(name, (_, ix))| {
            let tables = ix.tables();
            let count = |p: &str| tables.lines().filter(|l| l.starts_with(p)).count();
            LayerStats {
                name: name.to_string(),
                bytes: ix.byte_len() as u64,
                places: ix.len(),
                name_keys: (ix.map().len() - spelling_entries(ix.map())) as u64,
                admin1_codes: count("A1\t"),
                admin2_codes: count("A2\t"),
                countries: count("C\t"),
                admin_polygons: ix.admin_geojson().matches("\"Feature\"").count(),
            }
        })
        .collect()
}

/// Marks a gazetteer directory to be used without the shipped default
/// (or removes the mark): the file [`NO_DEFAULT_FILE`] in it.
pub fn set_no_default(dir: &Path, no_default: bool) -> Result<()> {
    let marker = dir.join(NO_DEFAULT_FILE);
    if no_default {
        std::fs::write(&marker, "This gazetteer is used without the shipped default.\n")
            .map_err(|e| Error::io(&marker, e))?;
    } else if marker.exists() {
        std::fs::remove_file(&marker).map_err(|e| Error::io(&marker, e))?;
    }
    Ok(())
}
