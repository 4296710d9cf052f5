//! One incident assembled from named values (a CSV row, a Feature's
//! properties, a GeoPackage row), and where finished records go.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::extract::incident::Incident;
use crate::geodesy::LonLat;
use crate::schema::Column;

use super::ReadOptions;

/// What a header or property name feeds: an incident column, or ACLED's
/// `iso` country code (used only when `country` is not already a code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Column(Column),
    Iso,
}

/// The target of a header name, if any (names are matched
/// case-insensitively; unknown ones are ignored by the readers).
pub(crate) fn target(name: &str) -> Option<Target> {
    if let Some(c) = Column::by_name(name) {
        return Some(Target::Column(c));
    }
    let n = name.trim();
    (n.eq_ignore_ascii_case("iso") || n.eq_ignore_ascii_case("iso3")).then_some(Target::Iso)
}

/// Targets for a header row: the first column of a kind wins (an ACLED
/// `event_id_cnty` next to our `event_id` is ignored).
pub(crate) fn targets<'a>(names: impl Iterator<Item = &'a str>) -> Vec<Option<Target>> {
    let mut seen = Vec::new();
    names
        .map(|h| {
            let t = target(h).filter(|t| !seen.contains(t));
            if let Some(t) = t {
                seen.push(t);
            }
            t
        })
        .collect()
}

/// One record being assembled.
pub(crate) struct Record {
    pub(crate) inc: Incident,
    lat: bool,
    lon: bool,
    date: bool,
    pub(crate) id: bool,
    iso: Option<String>,
}

impl Record {
    pub(crate) fn new() -> Record {
        Record {
            inc: Incident::new(NaiveDate::MIN, LonLat { lon: 0.0, lat: 0.0 }),
            lat: false,
            lon: false,
            date: false,
            id: false,
            iso: None,
        }
    }

    /// Sets one value from its text (`v` is never empty); `name` is the
    /// header as written, for messages.
    pub(crate) fn set(&mut self, t: Target, name: &str, v: &str) -> std::result::Result<(), String> {
        let c = match t {
            Target::Iso => {
                self.iso = Some(v.to_string());
                return Ok(());
            }
            Target::Column(c) => c,
        };
        c.set_named(&mut self.inc, name, v)?;
        match c {
            Column::Id => self.id = true,
            Column::EventDate => self.date = true,
            Column::Latitude => self.lat = true,
            Column::Longitude => self.lon = true,
            _ => {}
        }
        Ok(())
    }

    /// Sets the position from a geometry.
    pub(crate) fn set_position(&mut self, p: LonLat) {
        self.inc.position = p;
        self.lat = true;
        self.lon = true;
    }

    /// Checks the required columns and returns the incident; `record` is
    /// the 1-based record number, the default id.
    pub(crate) fn finish(mut self, record: u64) -> std::result::Result<Incident, String> {
        if !self.date {
            return Err("event_date is missing or empty".into());
        }
        if !self.lat {
            return Err("latitude is missing or empty".into());
        }
        if !self.lon {
            return Err("longitude is missing or empty".into());
        }
        if !self.id {
            self.inc.id = record;
        }
        if let Some(iso) = self.iso
            && self.inc.country.len() != 2
            && let Some(a2) = crate::countries::alpha2(&iso)
        {
            self.inc.country = a2.to_string();
        }
        Ok(self.inc)
    }
}

/// Where records go: the callback, or (lenient) the skipped list.
pub(crate) struct Sink<'a> {
    pub(crate) path: &'a Path,
    pub(crate) opts: &'a ReadOptions,
    pub(crate) skipped: Vec<Error>,
    pub(crate) f: &'a mut dyn FnMut(Incident) -> Result<()>,
}

impl Sink<'_> {
    /// A bad record at a 1-based line: the error, or (lenient) counted.
    pub(crate) fn bad(&mut self, line: u64, message: String) -> Result<()> {
        let e = Error::bad_record(self.path, line, message);
        if self.opts.lenient {
            self.skipped.push(e);
            Ok(())
        } else {
            Err(e)
        }
    }

    pub(crate) fn take(&mut self, line: u64, r: std::result::Result<Incident, String>) -> Result<()> {
        match r {
            Ok(inc) => (self.f)(inc),
            Err(m) => self.bad(line, m),
        }
    }

    pub(crate) fn path(&self) -> PathBuf {
        self.path.to_path_buf()
    }
}
