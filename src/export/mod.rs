//! Layers out: GeoJSON, GeoJSONSeq, JSON lines, CSV (+ `.csvt`) and
//! GeoPackage with QGIS styles, every incident writer driven by the columns
//! of [`schema::COLUMNS`](crate::schema::COLUMNS), so that a layer written
//! in one format reads back unchanged from any other (see
//! [`input`](crate::input)).

pub use crate::atomic;
pub mod csv;
pub mod geojson;
pub mod gpkg;
mod gpkg_rtree;
pub mod layers;
pub mod mentions;
pub mod output;
pub mod palette;
pub mod places;
pub mod project;
pub mod style;
pub mod table;

use chrono::{Datelike, NaiveDate};

/// The output formats for incidents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 7946 FeatureCollection.
    GeoJson,
    /// RFC 8142 GeoJSON text sequence (RS-framed, one feature per line).
    GeoJsonSeq,
    /// CSV with ACLED column names.
    Csv,
    /// JSON lines: one flat object per incident.
    Jsonl,
    /// OGC GeoPackage (SQLite).
    Gpkg,
    /// A PostGIS table (the output is a `postgresql://` URL).
    Postgis,
}

impl Format {
    /// The format a file name's extension names, if any (`.jsonl` and
    /// `.ndjson` are GeoJSON sequences, which every GIS reads).
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        if crate::postgis::is_pg_url(&path.to_string_lossy()) {
            return Some(Format::Postgis);
        }
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "geojson" | "json" => Format::GeoJson,
            "geojsonl" | "geojsons" | "geojsonseq" | "jsonl" | "ndjson" => Format::GeoJsonSeq,
            "csv" => Format::Csv,
            "gpkg" => Format::Gpkg,
            _ => return None,
        })
    }

    /// Parses a `--format` value.
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s.to_ascii_lowercase().as_str() {
            "geojson" => Format::GeoJson,
            "geojsonseq" | "geojsonl" | "geojsons" => Format::GeoJsonSeq,
            "csv" => Format::Csv,
            "jsonl" | "json" => Format::Jsonl,
            "gpkg" | "geopackage" => Format::Gpkg,
            "postgis" => Format::Postgis,
            _ => return None,
        })
    }
}

/// Appends `x` rounded to 6 decimals (about 0.1 m), in plain decimal
/// notation: never an exponent, always a decimal point, so every JSON reader
/// types it as a real number. Non-finite values, which no valid record holds,
/// are written as `0.0` rather than producing invalid JSON.
pub(crate) fn push_fixed6(out: &mut Vec<u8>, x: f64) {
    if !x.is_finite() {
        out.extend_from_slice(b"0.0");
        return;
    }
    let scaled = (x * 1e6).round();
    if scaled.abs() >= 9.0e15 {
        // Beyond exact integer range: no coordinate or score gets here; ryu
        // keeps such values readable without an exponent only up to 1e16.
        out.extend_from_slice(format!("{x:.6}").as_bytes());
        return;
    }
    let n = scaled as i64;
    if n < 0 {
        out.push(b'-');
    }
    let n = n.unsigned_abs();
    push_u64(out, n / 1_000_000);
    out.push(b'.');
    let mut frac = n % 1_000_000;
    if frac == 0 {
        out.push(b'0');
        return;
    }
    let mut digits = 6;
    while frac % 10 == 0 {
        frac /= 10;
        digits -= 1;
    }
    let mut buf = [b'0'; 6];
    for i in (0..digits).rev() {
        buf[i] = b'0' + (frac % 10) as u8;
        frac /= 10;
    }
    out.extend_from_slice(&buf[..digits]);
}

/// Appends an unsigned integer in decimal.
pub(crate) fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Appends a signed integer in decimal.
pub(crate) fn push_i64(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    push_u64(out, n.unsigned_abs());
}

/// Appends a date as `YYYY-MM-DD` (years outside 0..=9999 keep their sign
/// and digits, which chrono also parses).
pub(crate) fn push_date(out: &mut Vec<u8>, d: NaiveDate) {
    let y = d.year();
    if (0..=9999).contains(&y) {
        let y = y as u32;
        out.extend_from_slice(&[
            b'0' + (y / 1000) as u8,
            b'0' + (y / 100 % 10) as u8,
            b'0' + (y / 10 % 10) as u8,
            b'0' + (y % 10) as u8,
        ]);
    } else {
        out.extend_from_slice(format!("{y:+05}").as_bytes());
    }
    let (m, dd) = (d.month(), d.day());
    out.extend_from_slice(&[
        b'-',
        b'0' + (m / 10) as u8,
        b'0' + (m % 10) as u8,
        b'-',
        b'0' + (dd / 10) as u8,
        b'0' + (dd % 10) as u8,
    ]);
}

/// A date as `YYYY-MM-DD`.
pub(crate) fn date_string(d: NaiveDate) -> String {
    let mut v = Vec::with_capacity(10);
    push_date(&mut v, d);
    String::from_utf8(v).expect("ASCII")
}

/// A number with at most 6 decimals, as text.
#[cfg(test)]
pub(crate) fn fixed6_string(x: f64) -> String {
    let mut v = Vec::with_capacity(16);
    push_fixed6(&mut v, x);
    String::from_utf8(v).expect("ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f6(x: f64) -> String {
        fixed6_string(x)
    }

    #[test]
    fn fixed6_never_uses_exponents() {
        assert_eq!(f6(1e-7), "0.0");
        assert_eq!(f6(-1e-7), "0.0");
        assert_eq!(f6(0.0), "0.0");
        assert_eq!(f6(44.3661), "44.3661");
        assert_eq!(f6(-0.000_001), "-0.000001");
        assert_eq!(f6(33.123_456_7), "33.123457");
        assert_eq!(f6(-179.999_999_9), "-180.0");
        assert_eq!(f6(45.05), "45.05");
        assert_eq!(f6(f64::NAN), "0.0");
        assert_eq!(f6(1e20), "100000000000000000000.000000");
    }

    #[test]
    fn dates_are_iso() {
        let d = NaiveDate::from_ymd_opt(2020, 5, 7).unwrap();
        assert_eq!(date_string(d), "2020-05-07");
        assert_eq!(date_string(NaiveDate::from_ymd_opt(99, 12, 31).unwrap()), "0099-12-31");
    }
}
