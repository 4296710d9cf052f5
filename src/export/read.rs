//! Incident files in: our own GeoJSON / GeoJSONSeq / CSV, any CSV with
//! latitude and longitude columns, and ACLED CSV exports.
//!
//! # Formats
//! The format is chosen by extension (`.geojson`/`.json` a FeatureCollection,
//! `.geojsonl`/`.geojsons`/`.jsonl`/`.ndjson` a GeoJSON text sequence,
//! `.csv`/`.tsv`/`.txt` CSV) and otherwise, and for stdin (`-`), sniffed from
//! the first bytes: RS or a first line holding a whole Feature is a sequence,
//! another `{` a FeatureCollection, anything else CSV (comma, or tab when the
//! header has tabs and no commas). In a sequence the RS before each text is
//! optional, and each text must sit on one line.
//!
//! # Columns
//! Names are matched case-insensitively: ours (see
//! [`INCIDENT_COLUMNS`](super::INCIDENT_COLUMNS)), ACLED's (`event_id_cnty`,
//! `iso` numeric, `country` as a name) and the usual coordinate names
//! (`lat`/`lon`/`lng`/`long`/`y`/`x`). Unknown columns are ignored; missing
//! optional columns get the defaults of [`Incident::new`]; `id` defaults to
//! the 1-based record number. ACLED country names and ISO numeric/alpha-3
//! codes of the countries in [`COUNTRIES`] become alpha-2 codes; other names
//! are kept as written.
//!
//! # Dates
//! `event_date` and `source_date` accept `YYYY-MM-DD` (optionally followed by
//! a time), `YYYY/MM/DD`, ACLED's `15 May 2020` and `15-May-2020` (full or
//! abbreviated month names) and `May 15, 2020`. `15/05/2020` is refused: in
//! real exports both day-first and month-first orders occur, and guessing per
//! row would silently swap days and months for the first twelve days of each
//! month.
//!
//! # Errors
//! A bad record is [`Error::BadRecord`] with the file, the 1-based physical
//! line (of a CSV record's start, a sequence's line, or a FeatureCollection
//! feature's first line; the message then also names the feature number) and
//! what was wrong. With [`ReadOptions::lenient`] it is collected in
//! [`ReadOutcome::skipped`] and reading goes on; otherwise the first one is
//! returned as the error.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;

use crate::error::{Error, Result};
use crate::extract::incident::{Incident, LocationType};
use crate::geodesy::LonLat;

/// How strictly to read.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    /// Skip bad records (collecting their errors) instead of failing on the first.
    pub lenient: bool,
}

/// The incidents read and the errors of the records skipped.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    /// Incidents in file order.
    pub incidents: Vec<Incident>,
    /// One [`Error::BadRecord`] per skipped record (only when lenient).
    pub skipped: Vec<Error>,
}

/// Reads every incident of one file (`-` is stdin).
pub fn read_incidents(path: &Path, opts: &ReadOptions) -> Result<ReadOutcome> {
    let mut incidents = Vec::new();
    let skipped = for_each_incident(path, opts, &mut |inc| {
        incidents.push(inc);
        Ok(())
    })?;
    Ok(ReadOutcome { incidents, skipped })
}

/// Reads several files in order. With more than one file the ids are
/// renumbered 1..n across all of them, since feature ids must be unique
/// within a layer.
pub fn read_many<P: AsRef<Path>>(paths: &[P], opts: &ReadOptions) -> Result<ReadOutcome> {
    let mut out = ReadOutcome::default();
    for p in paths {
        let mut o = read_incidents(p.as_ref(), opts)?;
        out.incidents.append(&mut o.incidents);
        out.skipped.append(&mut o.skipped);
    }
    if paths.len() > 1 {
        for (i, inc) in out.incidents.iter_mut().enumerate() {
            inc.id = i as u64 + 1;
        }
    }
    Ok(out)
}

/// Streams the incidents of one file (`-` is stdin) into `f`, one at a
/// time; returns the errors of the skipped records. An error from `f` stops
/// reading and is returned.
pub fn for_each_incident(
    path: &Path,
    opts: &ReadOptions,
    f: &mut dyn FnMut(Incident) -> Result<()>,
) -> Result<Vec<Error>> {
    let mut sink = Sink { path, opts, skipped: Vec::new(), f };
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().lock().read_to_end(&mut bytes).map_err(|e| Error::io("-", e))?;
        match sniff(&bytes) {
            Kind::Collection => read_collection(&bytes[..], &mut sink)?,
            Kind::Sequence => read_sequence(&bytes[..], &mut sink)?,
            Kind::Csv => read_csv(&bytes[..], &mut sink)?,
        }
        return Ok(sink.skipped);
    }
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut r = BufReader::with_capacity(1 << 20, file);
    let kind = match ext.as_str() {
        "geojsonl" | "geojsons" | "geojsonseq" | "jsonl" | "ndjson" => Kind::Sequence,
        "csv" | "tsv" | "txt" => Kind::Csv,
        _ => {
            // Sniff from the first buffer (1 MiB: a sequence's first line,
            // one feature, fits).
            sniff(r.fill_buf().map_err(|e| Error::io(path, e))?)
        }
    };
    match kind {
        Kind::Sequence => read_sequence(r, &mut sink)?,
        Kind::Collection => read_collection(r, &mut sink)?,
        Kind::Csv => read_csv(r, &mut sink)?,
    }
    Ok(sink.skipped)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Collection,
    Sequence,
    Csv,
}

/// Guesses the format from the first bytes.
fn sniff(bytes: &[u8]) -> Kind {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace());
    match start.map(|i| &bytes[i..]) {
        Some([0x1E, ..]) => Kind::Sequence,
        Some(rest @ [b'{', ..]) => {
            let line = rest.split(|&b| b == b'\n').next().unwrap_or(rest);
            match serde_json::from_slice::<RawFeature>(line) {
                Ok(f) if f.ty.0 == "Feature" => Kind::Sequence,
                _ => Kind::Collection,
            }
        }
        _ => Kind::Csv,
    }
}

/// Where records go: the callback, or (lenient) the skipped list.
struct Sink<'a> {
    path: &'a Path,
    opts: &'a ReadOptions,
    skipped: Vec<Error>,
    f: &'a mut dyn FnMut(Incident) -> Result<()>,
}

impl Sink<'_> {
    fn bad(&mut self, line: u64, message: String) -> Result<()> {
        let e = Error::bad_record(self.path, line, message);
        if self.opts.lenient {
            self.skipped.push(e);
            Ok(())
        } else {
            Err(e)
        }
    }

    fn take(&mut self, line: u64, r: std::result::Result<Incident, String>) -> Result<()> {
        match r {
            Ok(inc) => (self.f)(inc),
            Err(m) => self.bad(line, m),
        }
    }

    fn path(&self) -> PathBuf {
        self.path.to_path_buf()
    }
}

// ---------------------------------------------------------------------------
// Fields

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Id,
    EventId,
    EventDate,
    TimePrecision,
    EventType,
    SubEventType,
    Actor1,
    Actor2,
    Fatalities,
    Injured,
    Location,
    PlaceName,
    Geonameid,
    Admin1,
    Admin2,
    Country,
    Iso,
    Latitude,
    Longitude,
    GeoPrecision,
    LocationType,
    Source,
    SourceDate,
    Notes,
    Confidence,
    Resolution,
    ClusterId,
}

fn field_for(name: &str) -> Option<Field> {
    let name = name.trim().trim_start_matches('\u{feff}');
    let lower;
    let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
        lower = name.to_ascii_lowercase();
        lower.as_str()
    } else {
        name
    };
    Some(match name {
        "id" => Field::Id,
        "event_id" | "event_id_cnty" => Field::EventId,
        "event_date" | "date" => Field::EventDate,
        "time_precision" => Field::TimePrecision,
        "event_type" => Field::EventType,
        "sub_event_type" => Field::SubEventType,
        "actor1" => Field::Actor1,
        "actor2" => Field::Actor2,
        "fatalities" => Field::Fatalities,
        "injured" => Field::Injured,
        "location" => Field::Location,
        "place_name" => Field::PlaceName,
        "geonameid" => Field::Geonameid,
        "admin1" => Field::Admin1,
        "admin2" => Field::Admin2,
        "country" => Field::Country,
        "iso" | "iso3" => Field::Iso,
        "latitude" | "lat" | "y" => Field::Latitude,
        "longitude" | "lon" | "lng" | "long" | "x" => Field::Longitude,
        "geo_precision" => Field::GeoPrecision,
        "location_type" => Field::LocationType,
        "source" => Field::Source,
        "source_date" => Field::SourceDate,
        "notes" => Field::Notes,
        "confidence" => Field::Confidence,
        "resolution" => Field::Resolution,
        "cluster_id" => Field::ClusterId,
        _ => return None,
    })
}

/// Countries whose ACLED names and ISO codes are turned into alpha-2:
/// (alpha-2, alpha-3, numeric, name).
pub const COUNTRIES: &[(&str, &str, u16, &str)] = &[
    ("AF", "AFG", 4, "Afghanistan"),
    ("EG", "EGY", 818, "Egypt"),
    ("IL", "ISR", 376, "Israel"),
    ("IQ", "IRQ", 368, "Iraq"),
    ("IR", "IRN", 364, "Iran"),
    ("JO", "JOR", 400, "Jordan"),
    ("KW", "KWT", 414, "Kuwait"),
    ("LB", "LBN", 422, "Lebanon"),
    ("LY", "LBY", 434, "Libya"),
    ("ML", "MLI", 466, "Mali"),
    ("NG", "NGA", 566, "Nigeria"),
    ("PK", "PAK", 586, "Pakistan"),
    ("PS", "PSE", 275, "Palestine"),
    ("RU", "RUS", 643, "Russia"),
    ("SA", "SAU", 682, "Saudi Arabia"),
    ("SD", "SDN", 729, "Sudan"),
    ("SO", "SOM", 706, "Somalia"),
    ("SY", "SYR", 760, "Syria"),
    ("TR", "TUR", 792, "Turkey"),
    ("UA", "UKR", 804, "Ukraine"),
    ("YE", "YEM", 887, "Yemen"),
];

/// The alpha-2 code of a country name, alpha-3 or numeric code in
/// [`COUNTRIES`].
fn alpha2(v: &str) -> Option<&'static str> {
    let v = v.trim();
    if let Ok(n) = v.parse::<u16>() {
        return COUNTRIES.iter().find(|c| c.2 == n).map(|c| c.0);
    }
    if v.eq_ignore_ascii_case("Türkiye") {
        return Some("TR");
    }
    COUNTRIES.iter().find(|c| c.1.eq_ignore_ascii_case(v) || c.3.eq_ignore_ascii_case(v)).map(|c| c.0)
}

/// One record being assembled.
struct Row {
    inc: Incident,
    lat: Option<f64>,
    lon: Option<f64>,
    date: bool,
    id: bool,
    iso: Option<String>,
}

impl Row {
    fn new() -> Row {
        Row {
            inc: Incident::new(NaiveDate::MIN, LonLat { lon: 0.0, lat: 0.0 }),
            lat: None,
            lon: None,
            date: false,
            id: false,
            iso: None,
        }
    }

    /// Sets one field from its text; `v` is never empty.
    fn set(&mut self, f: Field, name: &str, v: &str) -> std::result::Result<(), String> {
        let inc = &mut self.inc;
        let s = || v.to_string();
        match f {
            Field::Id => {
                inc.id = parse_uint(name, v)?;
                self.id = true;
            }
            Field::EventId => inc.event_id = s(),
            Field::EventDate => {
                inc.event_date = parse_date(name, v)?;
                self.date = true;
            }
            Field::TimePrecision => inc.time_precision = parse_precision(name, v)?,
            Field::EventType => inc.event_type = s(),
            Field::SubEventType => inc.sub_event_type = s(),
            Field::Actor1 => inc.actor1 = s(),
            Field::Actor2 => inc.actor2 = s(),
            Field::Fatalities => inc.fatalities = to_u32(name, v, parse_uint(name, v)?)?,
            Field::Injured => inc.injured = to_u32(name, v, parse_uint(name, v)?)?,
            Field::Location => inc.location = s(),
            Field::PlaceName => inc.place_name = s(),
            Field::Geonameid => {
                inc.geonameid = Some(v.trim().parse().map_err(|_| format!("{name} {v:?} is not an integer"))?)
            }
            Field::Admin1 => inc.admin1 = s(),
            Field::Admin2 => inc.admin2 = s(),
            Field::Country => {
                let t = v.trim();
                inc.country = if t.len() == 2 && t.bytes().all(|b| b.is_ascii_alphabetic()) {
                    t.to_ascii_uppercase()
                } else {
                    alpha2(t).map_or_else(|| t.to_string(), str::to_string)
                };
            }
            Field::Iso => self.iso = Some(s()),
            Field::Latitude => self.lat = Some(parse_coord(name, v, 90.0)?),
            Field::Longitude => self.lon = Some(parse_coord(name, v, 180.0)?),
            Field::GeoPrecision => inc.geo_precision = parse_precision(name, v)?,
            Field::LocationType => {
                inc.location_type = LocationType::parse(v)
                    .ok_or_else(|| format!("{name} {v:?} is not one of site, near, admin2, admin1, region, country"))?
            }
            Field::Source => inc.source = s(),
            Field::SourceDate => inc.source_date = Some(parse_date(name, v)?),
            Field::Notes => inc.notes = s(),
            Field::Confidence => {
                inc.confidence = v
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|c| c.is_finite())
                    .ok_or_else(|| format!("{name} {v:?} is not a number"))?
            }
            Field::Resolution => inc.resolution = s(),
            Field::ClusterId => inc.cluster_id = Some(to_u32(name, v, parse_uint(name, v)?)?),
        }
        Ok(())
    }

    /// Checks the required fields and returns the incident; `record` is the
    /// 1-based record number, the default id.
    fn finish(mut self, record: u64) -> std::result::Result<Incident, String> {
        if !self.date {
            return Err("event_date is missing or empty".into());
        }
        let lat = self.lat.ok_or("latitude is missing or empty")?;
        let lon = self.lon.ok_or("longitude is missing or empty")?;
        self.inc.position = LonLat { lon, lat };
        if !self.id {
            self.inc.id = record;
        }
        if let Some(iso) = self.iso
            && self.inc.country.len() != 2
            && let Some(a2) = alpha2(&iso)
        {
            self.inc.country = a2.to_string();
        }
        Ok(self.inc)
    }
}

fn parse_uint(name: &str, v: &str) -> std::result::Result<u64, String> {
    let t = v.trim();
    if let Ok(n) = t.parse::<u64>() {
        return Ok(n);
    }
    // Some tools write integer columns as reals ("3.0").
    match t.parse::<f64>() {
        Ok(x) if x < 0.0 => Err(format!("{name} {t} is negative")),
        Ok(x) if x.fract() == 0.0 && x < 1e15 => Ok(x as u64),
        _ => Err(format!("{name} {v:?} is not a whole number")),
    }
}

fn to_u32(name: &str, v: &str, n: u64) -> std::result::Result<u32, String> {
    u32::try_from(n).map_err(|_| format!("{name} {v} is too large"))
}

fn parse_precision(name: &str, v: &str) -> std::result::Result<u8, String> {
    match parse_uint(name, v)? {
        n @ 1..=3 => Ok(n as u8),
        n => Err(format!("{name} {n} is outside 1..3")),
    }
}

fn check_coord(name: &str, x: f64, limit: f64) -> std::result::Result<f64, String> {
    if !x.is_finite() || x < -limit || x > limit {
        return Err(format!("{name} {x} is outside -{limit}..{limit}"));
    }
    Ok(x)
}

fn parse_coord(name: &str, v: &str, limit: f64) -> std::result::Result<f64, String> {
    let t = v.trim();
    let x: f64 = t.parse().map_err(|_| format!("{name} {t:?} is not a number"))?;
    if !x.is_finite() || x < -limit || x > limit {
        return Err(format!("{name} {t} is outside -{limit}..{limit}"));
    }
    Ok(x)
}

/// Parses the date forms listed in the module documentation.
pub fn parse_date(name: &str, v: &str) -> std::result::Result<NaiveDate, String> {
    let t = v.trim();
    let b = t.as_bytes();
    let bad = || format!("{name} {t:?} is not a date (expected YYYY-MM-DD or \"15 May 2020\")");
    if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && (b.len() == 10 || matches!(b[10], b'T' | b' ')) {
        // By hand: chrono's format parser is a visible cost at a million rows.
        let num = |r: std::ops::Range<usize>| {
            b[r].iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
        };
        return match (num(0..4), num(5..7), num(8..10)) {
            (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(bad),
            _ => Err(bad()),
        };
    }
    if b.len() == 10 && b[4] == b'/' && b[7] == b'/' {
        return NaiveDate::parse_from_str(t, "%Y/%m/%d").map_err(|_| bad());
    }
    let parts: Vec<&str> = t.split('/').collect();
    if parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit())) {
        return Err(format!("{name} {t:?} is ambiguous (day/month order differs between exports): use YYYY-MM-DD"));
    }
    let t = t.trim_end_matches(|c: char| c.is_whitespace());
    for fmt in ["%d %B %Y", "%d-%B-%Y", "%B %d, %Y", "%B %d %Y", "%d %B, %Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, fmt) {
            return Ok(d);
        }
    }
    Err(bad())
}

// ---------------------------------------------------------------------------
// CSV

fn read_csv<R: Read>(mut r: R, sink: &mut Sink) -> Result<()> {
    // Decide the delimiter from the header line, without losing bytes.
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        match r.read(&mut byte) {
            Ok(0) => break,
            Ok(_) => {
                head.push(byte[0]);
                if byte[0] == b'\n' {
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io(sink.path(), e)),
        }
    }
    let delimiter = if !head.contains(&b',') && head.contains(&b'\t') {
        b'\t'
    } else if !head.contains(&b',') && head.contains(&b';') {
        b';'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(std::io::Cursor::new(head).chain(r));
    let headers = rdr.headers().map_err(|e| Error::bad_input(sink.path(), format!("CSV header: {e}")))?.clone();
    let fields: Vec<Option<Field>> = {
        let mut seen = Vec::new();
        headers
            .iter()
            .map(|h| {
                // The first column of a kind wins (an ACLED `event_id_cnty`
                // next to our `event_id` is ignored).
                let f = field_for(h).filter(|f| !seen.contains(f));
                if let Some(f) = f {
                    seen.push(f);
                }
                f
            })
            .collect()
    };
    for (need, what) in [
        (Field::Latitude, "a latitude column (latitude, lat or y)"),
        (Field::Longitude, "a longitude column (longitude, lon, lng or x)"),
        (Field::EventDate, "an event_date column"),
    ] {
        if !fields.contains(&Some(need)) {
            return Err(Error::bad_input(sink.path(), format!("CSV has no {what}")));
        }
    }
    let names: Vec<&str> = headers.iter().collect();
    let mut rec = csv::StringRecord::new();
    let mut n = 0u64;
    loop {
        let line_before = rdr.position().line();
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line_before, |p| p.line());
                n += 1;
                sink.bad(line, format!("unreadable CSV record: {e}"))?;
                continue;
            }
        }
        n += 1;
        let line = rec.position().map_or(line_before, |p| p.line());
        if rec.len() != fields.len() && !(rec.len() == 1 && rec[0].is_empty()) {
            sink.bad(line, format!("record has {} fields, the header has {}", rec.len(), fields.len()))?;
            continue;
        }
        if rec.len() != fields.len() {
            continue; // blank line
        }
        let mut row = Row::new();
        let mut err = None;
        for ((f, v), name) in fields.iter().zip(rec.iter()).zip(&names) {
            if let Some(f) = f
                && !v.is_empty()
                && let Err(m) = row.set(*f, name.trim(), v)
            {
                err = Some(m);
                break;
            }
        }
        let r = match err {
            Some(m) => Err(m),
            None => row.finish(n),
        };
        sink.take(line, r)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// GeoJSON

/// A Feature as read: only what an incident needs, borrowing strings from
/// the input where they have no escapes. Reading through
/// `serde_json::Value` maps cost twice the time at a million features.
#[derive(Deserialize)]
struct RawFeature<'a> {
    #[serde(rename = "type", borrow)]
    ty: Text<'a>,
    #[serde(default)]
    id: Option<Value>,
    #[serde(default, borrow)]
    geometry: Option<RawGeometry<'a>>,
    #[serde(default, borrow)]
    properties: Option<Props<'a>>,
}

#[derive(Deserialize)]
struct RawGeometry<'a> {
    #[serde(rename = "type", borrow)]
    ty: Text<'a>,
    #[serde(default)]
    coordinates: Option<Value>,
}

/// A string, borrowed when the JSON text has no escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Text<'a>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

/// A property value.
enum Scalar<'a> {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(Cow<'a, str>),
    /// An array or object, which no incident column holds.
    Nested,
}

impl<'de: 'a, 'a> Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = Scalar<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> std::result::Result<Scalar<'a>, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E>(self) -> std::result::Result<Scalar<'a>, E> {
                Ok(Scalar::Null)
            }
            fn visit_bool<E>(self, v: bool) -> std::result::Result<Scalar<'a>, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_u64<E>(self, v: u64) -> std::result::Result<Scalar<'a>, E> {
                Ok(Scalar::U64(v))
            }
            fn visit_i64<E>(self, v: i64) -> std::result::Result<Scalar<'a>, E> {
                Ok(Scalar::I64(v))
            }
            fn visit_f64<E>(self, v: f64) -> std::result::Result<Scalar<'a>, E> {
                Ok(Scalar::F64(v))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Scalar<'a>, E> {
                Ok(Scalar::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Scalar<'a>, E> {
                Ok(Scalar::Str(Cow::Owned(v.to_string())))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> std::result::Result<Scalar<'a>, A::Error> {
                while a.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Scalar::Nested)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> std::result::Result<Scalar<'a>, A::Error> {
                while a.next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?.is_some() {}
                Ok(Scalar::Nested)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// Properties in document order.
struct Props<'a>(Vec<(Text<'a>, Scalar<'a>)>);

impl<'de: 'a, 'a> Deserialize<'de> for Props<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = Props<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_unit<E>(self) -> std::result::Result<Props<'a>, E> {
                Ok(Props(Vec::new()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> std::result::Result<Props<'a>, A::Error> {
                let mut v = Vec::with_capacity(32);
                while let Some(e) = a.next_entry()? {
                    v.push(e);
                }
                Ok(Props(v))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

fn feature_to_incident(f: RawFeature, record: u64) -> std::result::Result<Incident, String> {
    if f.ty.0 != "Feature" {
        return Err(format!("type is {:?}, not \"Feature\"", f.ty.0));
    }
    let mut row = Row::new();
    let mut num = Vec::with_capacity(24);
    let mut ryu = ryu::Buffer::new();
    if let Some(props) = &f.properties {
        let mut seen = Vec::new();
        for (k, v) in &props.0 {
            let k = &*k.0;
            let Some(field) = field_for(k).filter(|f| !seen.contains(f)) else {
                continue;
            };
            seen.push(field);
            num.clear();
            let text: &str = match v {
                Scalar::Null => continue,
                Scalar::Str(s) if s.is_empty() => continue,
                Scalar::Str(s) => s,
                Scalar::U64(n) => {
                    super::push_u64(&mut num, *n);
                    std::str::from_utf8(&num).unwrap_or_default()
                }
                Scalar::I64(n) => {
                    super::push_i64(&mut num, *n);
                    std::str::from_utf8(&num).unwrap_or_default()
                }
                // ryu's shortest form reads back as the same f64.
                Scalar::F64(x) => ryu.format(*x),
                Scalar::Bool(b) => {
                    if *b {
                        "true"
                    } else {
                        "false"
                    }
                }
                Scalar::Nested => return Err(format!("property {k} is an array or object")),
            };
            row.set(field, k, text)?;
        }
    }
    if !row.id
        && let Some(id) = f.id.as_ref().and_then(Value::as_u64)
    {
        row.inc.id = id;
        row.id = true;
    }
    if let Some(g) = &f.geometry {
        let ty = &*g.ty.0;
        if ty != "Point" {
            return Err(format!("geometry is a {ty:?}, not a Point"));
        }
        let c = g.coordinates.as_ref().and_then(Value::as_array);
        let (lon, lat) = match c.map(|c| (c.first().and_then(Value::as_f64), c.get(1).and_then(Value::as_f64))) {
            Some((Some(lon), Some(lat))) => (lon, lat),
            _ => return Err("Point coordinates are not [longitude, latitude]".into()),
        };
        row.lat = Some(check_coord("latitude", lat, 90.0)?);
        row.lon = Some(check_coord("longitude", lon, 180.0)?);
    }
    row.finish(record)
}

fn read_sequence<R: BufRead>(mut r: R, sink: &mut Sink) -> Result<()> {
    let mut buf = Vec::new();
    let mut line = 0u64;
    let mut n = 0u64;
    loop {
        buf.clear();
        let got = r.read_until(b'\n', &mut buf).map_err(|e| Error::io(sink.path(), e))?;
        if got == 0 {
            break;
        }
        line += 1;
        let text = buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&buf).trim_ascii().trim_start_matches(&[0x1E]);
        if text.trim_ascii().is_empty() {
            continue;
        }
        n += 1;
        let r = serde_json::from_slice::<RawFeature>(text)
            .map_err(|e| format!("not a GeoJSON Feature: {e}"))
            .and_then(|f| feature_to_incident(f, n));
        sink.take(line, r)?;
    }
    Ok(())
}

trait TrimRs {
    fn trim_start_matches(&self, b: &[u8]) -> &Self;
}

impl TrimRs for [u8] {
    fn trim_start_matches(&self, set: &[u8]) -> &[u8] {
        let i = self.iter().position(|c| !set.contains(c)).unwrap_or(self.len());
        &self[i..]
    }
}

/// A minimal streaming scanner over a FeatureCollection's top level: it
/// finds each feature's text and hands it to serde_json, so that a bad
/// feature is reported with its line, the others still read, and the file is
/// never held in memory whole (only the feature being read).
struct Scanner<R: Read> {
    r: R,
    b: Vec<u8>,
    pos: usize,
    eof: bool,
    err: Option<std::io::Error>,
    /// Line number at `b[counted]`.
    line: u64,
    counted: usize,
}

impl<R: Read> Scanner<R> {
    fn new(r: R) -> Self {
        Scanner { r, b: Vec::with_capacity(1 << 20), pos: 0, eof: false, err: None, line: 1, counted: 0 }
    }

    /// The byte at `pos`, reading more input when the buffer is used up.
    fn peek(&mut self) -> Option<u8> {
        while self.pos >= self.b.len() && !self.eof {
            let old = self.b.len();
            self.b.resize(old + (1 << 20), 0);
            match self.r.read(&mut self.b[old..]) {
                Ok(0) => {
                    self.b.truncate(old);
                    self.eof = true;
                }
                Ok(k) => self.b.truncate(old + k),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => self.b.truncate(old),
                Err(e) => {
                    self.b.truncate(old);
                    self.err = Some(e);
                    self.eof = true;
                }
            }
        }
        self.b.get(self.pos).copied()
    }

    /// The line of `pos` (1-based).
    fn line_here(&mut self) -> u64 {
        let to = self.pos.min(self.b.len());
        self.line += memchr::memchr_iter(b'\n', &self.b[self.counted..to]).count() as u64;
        self.counted = to;
        self.line
    }

    /// Forgets the bytes before `pos` (only between features: the slices
    /// of the feature being read index into `b`).
    fn compact(&mut self) {
        self.line_here();
        self.b.drain(..self.pos);
        self.pos = 0;
        self.counted = 0;
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, c: u8) -> std::result::Result<(), String> {
        self.ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!("expected '{}'", c as char))
        }
    }

    fn skip_string(&mut self) -> std::result::Result<(), String> {
        self.pos += 1; // opening quote
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'\\' => {
                    self.peek();
                    self.pos += 1;
                }
                b'"' => return Ok(()),
                _ => {}
            }
        }
        Err("unterminated string".into())
    }

    fn skip_value(&mut self) -> std::result::Result<(), String> {
        self.ws();
        match self.peek() {
            Some(b'"') => self.skip_string(),
            Some(b'{' | b'[') => {
                let mut depth = 0usize;
                while let Some(c) = self.peek() {
                    match c {
                        b'"' => {
                            self.skip_string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                return Ok(());
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
                Err("unterminated object or array".into())
            }
            Some(_) => {
                while let Some(c) = self.peek() {
                    if c == b',' || c == b'}' || c == b']' || c.is_ascii_whitespace() {
                        break;
                    }
                    self.pos += 1;
                }
                Ok(())
            }
            None => Err("unexpected end".into()),
        }
    }
}

fn read_collection<R: Read>(r: R, sink: &mut Sink) -> Result<()> {
    read_collection_with(r, sink, 1 << 20)
}

/// `compact_at`: consumed bytes are dropped once more than this many.
fn read_collection_with<R: Read>(r: R, sink: &mut Sink, compact_at: usize) -> Result<()> {
    let mut s = Scanner::new(r);
    if s.peek() == Some(0xEF) && s.b.starts_with(b"\xEF\xBB\xBF") {
        s.pos = 3;
    }
    let path = sink.path();
    let bad_input = |s: &mut Scanner<R>, m: String| {
        if let Some(e) = s.err.take() {
            return Error::io(&path, e);
        }
        let line = s.line_here();
        Error::bad_input(&path, format!("not a GeoJSON FeatureCollection (line {line}): {m}"))
    };
    if let Err(m) = s.expect(b'{') {
        return Err(bad_input(&mut s, m));
    }
    let mut is_fc = false;
    let mut n = 0u64;
    loop {
        s.ws();
        match s.peek() {
            Some(b'}') => break,
            Some(b'"') => {}
            _ => return Err(bad_input(&mut s, "expected a member name".into())),
        }
        let k0 = s.pos;
        if let Err(m) = s.skip_string() {
            return Err(bad_input(&mut s, m));
        }
        let key: String = match serde_json::from_slice(&s.b[k0..s.pos]) {
            Ok(k) => k,
            Err(e) => return Err(bad_input(&mut s, e.to_string())),
        };
        if let Err(m) = s.expect(b':') {
            return Err(bad_input(&mut s, m));
        }
        s.ws();
        if key == "features" {
            if let Err(m) = s.expect(b'[') {
                return Err(bad_input(&mut s, m));
            }
            loop {
                s.ws();
                if s.peek() == Some(b']') {
                    s.pos += 1;
                    break;
                }
                // Drop consumed bytes only now and then: draining the
                // buffer before every feature would move it a million times.
                if s.pos > compact_at {
                    s.compact();
                }
                let start = s.pos;
                let line = s.line_here();
                if let Err(m) = s.skip_value() {
                    return Err(bad_input(&mut s, m));
                }
                n += 1;
                let r = serde_json::from_slice::<RawFeature>(&s.b[start..s.pos])
                    .map_err(|e| format!("not a GeoJSON Feature: {e}"))
                    .and_then(|f| feature_to_incident(f, n))
                    .map_err(|m| format!("feature {n}: {m}"));
                sink.take(line, r)?;
                s.ws();
                match s.peek() {
                    Some(b',') => s.pos += 1,
                    Some(b']') => {}
                    _ => {
                        return Err(bad_input(&mut s, "expected ',' or ']' after a feature".into()));
                    }
                }
            }
        } else {
            let v0 = s.pos;
            if let Err(m) = s.skip_value() {
                return Err(bad_input(&mut s, m));
            }
            if key == "type" {
                let ty: String = serde_json::from_slice(&s.b[v0..s.pos]).unwrap_or_default();
                if ty != "FeatureCollection" {
                    return Err(bad_input(&mut s, format!("type is {ty:?}")));
                }
                is_fc = true;
            }
        }
        s.ws();
        match s.peek() {
            Some(b',') => s.pos += 1,
            Some(b'}') => {}
            _ => return Err(bad_input(&mut s, "expected ',' or '}'".into())),
        }
    }
    if !is_fc {
        return Err(bad_input(&mut s, "no \"type\": \"FeatureCollection\"".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::geojson::tests::sample;

    fn write_tmp(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    fn bare(id: u64) -> Incident {
        let mut i = Incident::new(NaiveDate::from_ymd_opt(2019, 8, 1).unwrap(), LonLat::new(38.5, 36.2).unwrap());
        i.id = id;
        i
    }

    #[test]
    fn csv_round_trip_is_exact() {
        let dir = tempfile::tempdir().unwrap();
        let incs = vec![sample(1), bare(2), sample(3)];
        let bytes = crate::export::csv::write_incidents(Vec::new(), &incs).unwrap();
        let p = write_tmp(dir.path(), "a.csv", &bytes);
        let out = read_incidents(&p, &ReadOptions::default()).unwrap();
        assert!(out.skipped.is_empty());
        assert_eq!(out.incidents, incs);
    }

    #[test]
    fn geojson_and_seq_round_trip_is_exact() {
        let dir = tempfile::tempdir().unwrap();
        let incs = vec![sample(1), bare(2)];
        let bytes = crate::export::geojson::write_incidents(Vec::new(), &incs).unwrap();
        let p = write_tmp(dir.path(), "a.geojson", &bytes);
        assert_eq!(read_incidents(&p, &ReadOptions::default()).unwrap().incidents, incs);
        let mut w = crate::export::geojson::IncidentGeoJsonWriter::new_seq(Vec::new()).unwrap();
        for i in &incs {
            w.write(i).unwrap();
        }
        let p = write_tmp(dir.path(), "a.geojsonl", &w.finish().unwrap());
        assert_eq!(read_incidents(&p, &ReadOptions::default()).unwrap().incidents, incs);
        // Sniffed without an extension too.
        let p2 = dir.path().join("noext");
        std::fs::copy(&p, &p2).unwrap();
        assert_eq!(read_incidents(&p2, &ReadOptions::default()).unwrap().incidents, incs);
    }

    #[test]
    fn bad_csv_rows_name_file_line_and_problem() {
        let dir = tempfile::tempdir().unwrap();
        let text = "event_date,latitude,longitude,notes\n\
                    2020-05-01,33.1,44.2,ok\n\
                    2020-05-02,123.0,44.2,bad lat\n\
                    2020-05-03,33.1,44.2,\"two\nlines\"\n\
                    2020-13-01,33.1,44.2,bad date\n\
                    2020-05-04,33.1,44.2,ok\n";
        let p = write_tmp(dir.path(), "bad.csv", text.as_bytes());
        let e = read_incidents(&p, &ReadOptions::default()).unwrap_err();
        assert_eq!(e.to_string(), format!("{}:3: latitude 123.0 is outside -90..90", p.display()));
        let out = read_incidents(&p, &ReadOptions { lenient: true }).unwrap();
        assert_eq!(out.incidents.len(), 3);
        assert_eq!(out.incidents[2].id, 5, "ids count records, skipped ones too");
        let msgs: Vec<String> = out.skipped.iter().map(|e| e.to_string()).collect();
        assert_eq!(msgs.len(), 2);
        assert!(
            msgs[1].ends_with(":6: event_date \"2020-13-01\" is not a date (expected YYYY-MM-DD or \"15 May 2020\")"),
            "{msgs:?}"
        );
    }

    #[test]
    fn bad_feature_in_collection_names_line_and_index() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = bare(1);
        a.notes = "x".into();
        let bytes = crate::export::geojson::write_incidents(Vec::new(), &[a.clone(), a.clone(), a]).unwrap();
        let text = String::from_utf8(bytes).unwrap().replacen("\"2019-08-01\"", "\"2019-02-30\"", 2);
        let text = text.replacen("\"2019-02-30\"", "\"2019-08-01\"", 1);
        let p = write_tmp(dir.path(), "c.geojson", text.as_bytes());
        let e = read_incidents(&p, &ReadOptions::default()).unwrap_err().to_string();
        assert!(e.contains("c.geojson:3: feature 2: event_date \"2019-02-30\" is not a date"), "{e}");
        let out = read_incidents(&p, &ReadOptions { lenient: true }).unwrap();
        assert_eq!((out.incidents.len(), out.skipped.len()), (2, 1));
    }

    #[test]
    fn acled_export_reads() {
        let dir = tempfile::tempdir().unwrap();
        let text = "event_id_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,actor2,iso,country,admin1,admin2,location,latitude,longitude,geo_precision,source,notes,fatalities,timestamp\n\
                    IRQ1,15 May 2020,2020,1,Battles,Armed clash,Islamic State (Iraq),Military Forces of Iraq (2020-),368,Iraq,Diyala,Khanaqin,Jalawla,34.2711,45.1581,1,Shafaq News,\"Clash, 2 killed\",2,1700000000\n\
                    SYR2,2020-05-16,2020,2,Protests,Peaceful protest,Protesters (Syria),,760,Syria,Aleppo,,Aleppo,36.2,37.15,2,SOHR,,0,1700000000\n";
        let p = write_tmp(dir.path(), "acled.csv", text.as_bytes());
        let out = read_incidents(&p, &ReadOptions::default()).unwrap();
        let a = &out.incidents[0];
        assert_eq!(a.event_id, "IRQ1");
        assert_eq!(a.event_date, NaiveDate::from_ymd_opt(2020, 5, 15).unwrap());
        assert_eq!(a.country, "IQ");
        assert_eq!(a.fatalities, 2);
        assert_eq!(a.id, 1);
        assert_eq!(out.incidents[1].country, "SY");
        assert_eq!(out.incidents[1].time_precision, 2);
    }

    #[test]
    fn plain_lat_lon_csv_with_other_names() {
        let dir = tempfile::tempdir().unwrap();
        let p = write_tmp(dir.path(), "p.csv", b"date,lat,lng,what\n2021-01-02,33.3,44.4,x\n");
        let out = read_incidents(&p, &ReadOptions::default()).unwrap();
        assert_eq!(out.incidents[0].position, LonLat { lon: 44.4, lat: 33.3 });
        let p = write_tmp(dir.path(), "q.csv", b"name,x\nfoo,1\n");
        let e = read_incidents(&p, &ReadOptions::default()).unwrap_err().to_string();
        assert!(e.contains("no a latitude column"), "{e}");
    }

    #[test]
    fn date_forms() {
        let d = |s| parse_date("event_date", s);
        let want = NaiveDate::from_ymd_opt(2020, 5, 15).unwrap();
        for s in [
            "2020-05-15",
            "2020-05-15T10:00:00Z",
            "2020/05/15",
            "15 May 2020",
            "15 may 2020",
            "15-May-2020",
            "May 15, 2020",
            "15 Sep 2020",
        ] {
            if s.contains("Sep") {
                assert_eq!(d(s).unwrap(), NaiveDate::from_ymd_opt(2020, 9, 15).unwrap());
            } else {
                assert_eq!(d(s).unwrap(), want, "{s}");
            }
        }
        assert!(d("15/05/2020").unwrap_err().contains("ambiguous"));
        assert!(d("2020-13-01").is_err());
        assert!(d("yesterday").is_err());
    }

    #[test]
    fn sniffs_collection_sequence_and_csv() {
        let fc = crate::export::geojson::write_incidents(Vec::new(), &[bare(1)]).unwrap();
        assert_eq!(sniff(&fc), Kind::Collection);
        let one_line = String::from_utf8(fc.clone()).unwrap().replace('\n', "");
        assert_eq!(sniff(one_line.as_bytes()), Kind::Collection);
        let mut w = crate::export::geojson::IncidentGeoJsonWriter::new_seq(Vec::new()).unwrap();
        w.write(&bare(1)).unwrap();
        let seq = w.finish().unwrap();
        assert_eq!(sniff(&seq), Kind::Sequence);
        assert_eq!(sniff(&seq[1..]), Kind::Sequence, "RS is optional");
        assert_eq!(sniff(b"\xEF\xBB\xBFevent_date,lat,lon\n"), Kind::Csv);
        let dir = tempfile::tempdir().unwrap();
        let p = write_tmp(dir.path(), "noext", &fc);
        assert_eq!(read_incidents(&p, &ReadOptions::default()).unwrap().incidents, [bare(1)]);
    }

    /// Hands out at most 7 bytes per read, so features and strings
    /// straddle buffer refills.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let k = self.0.len().min(out.len()).min(7);
            out[..k].copy_from_slice(&self.0[..k]);
            self.0 = &self.0[k..];
            Ok(k)
        }
    }

    #[test]
    fn collection_streams_across_refills_with_right_lines() {
        let mut bad = sample(2);
        bad.notes = "escaped \\ \"quote\" and ] } [ {".into();
        let bytes = crate::export::geojson::write_incidents(Vec::new(), &[sample(1), bad.clone(), sample(3)]).unwrap();
        let text = String::from_utf8(bytes).unwrap().replacen("\"time_precision\":2", "\"time_precision\":9", 3);
        let text = text.replacen("\"time_precision\":9", "\"time_precision\":2", 1);
        let p = PathBuf::from("t.geojson");
        let opts = ReadOptions { lenient: true };
        let mut got = Vec::new();
        let mut f = |i: Incident| {
            got.push(i);
            Ok(())
        };
        let mut sink = Sink { path: &p, opts: &opts, skipped: Vec::new(), f: &mut f };
        // Compacting before every feature and never.
        for compact_at in [0, usize::MAX] {
            read_collection_with(Trickle(text.as_bytes()), &mut sink, compact_at).unwrap();
        }
        let msgs: Vec<String> = sink.skipped.iter().map(|e| e.to_string()).collect();
        let want = [
            "t.geojson:3: feature 2: time_precision 9 is outside 1..3",
            "t.geojson:4: feature 3: time_precision 9 is outside 1..3",
        ];
        assert_eq!(msgs, [want, want].concat());
        assert_eq!(got, [sample(1), sample(1)]);
    }

    #[test]
    fn read_many_renumbers() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = crate::export::csv::write_incidents(Vec::new(), &[bare(1), bare(2)]).unwrap();
        let a = write_tmp(dir.path(), "a.csv", &bytes);
        let b = write_tmp(dir.path(), "b.csv", &bytes);
        let out = read_many(&[a, b], &ReadOptions::default()).unwrap();
        let ids: Vec<u64> = out.incidents.iter().map(|i| i.id).collect();
        assert_eq!(ids, [1, 2, 3, 4]);
    }
}
