//! The incident record's columns: one typed table that every reader and
//! writer iterates.
//!
//! [`COLUMNS`] lists each column of an [`Incident`] once, in output order:
//! its name (ACLED's where ACLED has one), its [`ColumnType`], whether it may
//! be null, the other header names readers accept for it, and how to get its
//! [`Value`] from an incident and set it from text. GeoJSON, GeoJSONSeq,
//! JSON lines, CSV (and its `.csvt`), the GeoPackage table and the readers of
//! all of them are driven by this table, so adding a column is one line here
//! (plus the field on [`Incident`]).
//!
//! Query results add columns after the record's own ([`Extra`]):
//! `distance_km`, `bearing_deg`, a query site's id. They are typed the same
//! way and written by the same writers.
//!
//! ```
//! use incidentmap::schema::{COLUMNS, Column, Value};
//! use incidentmap::{Incident, LonLat};
//! let day = chrono::NaiveDate::from_ymd_opt(2020, 5, 15).unwrap();
//! let mut inc = Incident::new(day, LonLat::new(45.39, 34.35).unwrap());
//! Column::Fatalities.set(&mut inc, "4").unwrap();
//! assert_eq!(Column::Fatalities.value(&inc), Value::UInt(4));
//! assert_eq!(COLUMNS[2].name, "event_date");
//! assert_eq!(Column::by_name("LAT"), Some(Column::Latitude));
//! ```

use chrono::NaiveDate;

use crate::extract::incident::{Incident, LocationType};

/// How a column is typed in every format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// A 64-bit integer (ids).
    BigInt,
    /// A 32-bit count (fatalities, cluster ids).
    Int,
    /// A small code (precision 1..3).
    SmallInt,
    /// A real number, written with at most 6 decimals.
    Real,
    /// Text.
    Text,
    /// A calendar day, `YYYY-MM-DD`.
    Date,
}

impl ColumnType {
    /// The GDAL/QGIS `.csvt` type name.
    pub fn csvt(self) -> &'static str {
        match self {
            ColumnType::BigInt => "Integer64",
            ColumnType::Int | ColumnType::SmallInt => "Integer",
            ColumnType::Real => "Real",
            ColumnType::Text => "String",
            ColumnType::Date => "Date",
        }
    }

    /// The GeoPackage (SQLite) column type. GDAL (and so QGIS) reads a
    /// column declared `INTEGER` as Integer64 and one declared `MEDIUMINT`
    /// as Integer (32-bit), which is what the counts are, the same type
    /// GDAL gives them in our GeoJSON.
    pub fn sql(self) -> &'static str {
        match self {
            ColumnType::BigInt => "INTEGER",
            ColumnType::Int | ColumnType::SmallInt => "MEDIUMINT",
            ColumnType::Real => "REAL",
            ColumnType::Text => "TEXT",
            ColumnType::Date => "DATE",
        }
    }
}

/// One column's value in one record.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// A non-negative integer.
    UInt(u64),
    /// A signed integer.
    Int(i64),
    /// A real number.
    Real(f64),
    /// Text (empty when absent: text columns are never null).
    Text(&'a str),
    /// A day.
    Date(NaiveDate),
    /// No value (only in nullable columns).
    Null,
}

/// The columns of the incident record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[expect(missing_docs, reason = "each variant is documented by its row in COLUMNS and its field on Incident")]
pub enum Column {
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

/// A column's description.
#[derive(Debug, Clone, Copy)]
pub struct ColumnDef {
    /// The column.
    pub column: Column,
    /// Its name in every output (ACLED's name where ACLED has the column).
    pub name: &'static str,
    /// Its type.
    pub ty: ColumnType,
    /// May be null (otherwise text is `""` and numbers have a default).
    pub nullable: bool,
    /// A record without it cannot be read.
    pub required: bool,
    /// Other header names that readers take for it (lower case).
    pub aliases: &'static [&'static str],
}

const fn col(
    column: Column,
    name: &'static str,
    ty: ColumnType,
    nullable: bool,
    required: bool,
    aliases: &'static [&'static str],
) -> ColumnDef {
    ColumnDef { column, name, ty, nullable, required, aliases }
}

use ColumnType::{BigInt, Date, Int, Real, SmallInt, Text};

/// Every column of the incident record, in output order: the one place the
/// record's columns are listed.
pub const COLUMNS: [ColumnDef; 26] = [
    col(Column::Id, "id", BigInt, false, false, &[]),
    col(Column::EventId, "event_id", Text, false, false, &["event_id_cnty"]),
    col(Column::EventDate, "event_date", Date, false, true, &["date"]),
    col(Column::TimePrecision, "time_precision", SmallInt, false, false, &[]),
    col(Column::EventType, "event_type", Text, false, false, &[]),
    col(Column::SubEventType, "sub_event_type", Text, false, false, &[]),
    col(Column::Actor1, "actor1", Text, false, false, &[]),
    col(Column::Actor2, "actor2", Text, false, false, &[]),
    col(Column::Fatalities, "fatalities", Int, false, false, &[]),
    col(Column::Injured, "injured", Int, false, false, &[]),
    col(Column::Location, "location", Text, false, false, &[]),
    col(Column::PlaceName, "place_name", Text, false, false, &[]),
    col(Column::Geonameid, "geonameid", BigInt, true, false, &[]),
    col(Column::Admin1, "admin1", Text, false, false, &[]),
    col(Column::Admin2, "admin2", Text, false, false, &[]),
    col(Column::Country, "country", Text, false, false, &[]),
    col(Column::Latitude, "latitude", Real, false, true, &["lat", "y"]),
    col(Column::Longitude, "longitude", Real, false, true, &["lon", "lng", "long", "x"]),
    col(Column::GeoPrecision, "geo_precision", SmallInt, false, false, &[]),
    col(Column::LocationType, "location_type", Text, false, false, &[]),
    col(Column::Source, "source", Text, false, false, &[]),
    col(Column::SourceDate, "source_date", Date, true, false, &[]),
    col(Column::Notes, "notes", Text, false, false, &[]),
    col(Column::Confidence, "confidence", Real, false, false, &[]),
    col(Column::Resolution, "resolution", Text, false, false, &[]),
    col(Column::ClusterId, "cluster_id", Int, true, false, &[]),
];

/// The column names in output order.
pub fn names() -> impl ExactSizeIterator<Item = &'static str> + Clone {
    COLUMNS.iter().map(|c| c.name)
}

impl Column {
    /// This column's row in [`COLUMNS`].
    pub fn def(self) -> &'static ColumnDef {
        &COLUMNS[self as usize]
    }

    /// The column a header name stands for: our names and their aliases
    /// (ACLED's `event_id_cnty`, `lat`/`lon`/`lng`/`x`/`y`, ...), matched
    /// case-insensitively, a byte-order mark and spaces ignored.
    pub fn by_name(name: &str) -> Option<Column> {
        // A map built once from COLUMNS: readers ask for every property of
        // every feature, a million times per layer.
        static BY_NAME: std::sync::OnceLock<foldhash::HashMap<&'static str, Column>> = std::sync::OnceLock::new();
        let map = BY_NAME.get_or_init(|| {
            let mut m = foldhash::HashMap::default();
            for c in &COLUMNS {
                m.insert(c.name, c.column);
                for a in c.aliases {
                    m.insert(*a, c.column);
                }
            }
            m
        });
        let name = name.trim().trim_start_matches('\u{feff}');
        if let Some(c) = map.get(name) {
            return Some(*c);
        }
        if name.bytes().any(|b| b.is_ascii_uppercase()) {
            return map.get(name.to_ascii_lowercase().as_str()).copied();
        }
        None
    }

    /// The column's value in an incident.
    pub fn value(self, i: &Incident) -> Value<'_> {
        use Value::{Null, Real, Text, UInt};
        match self {
            Column::Id => UInt(i.id),
            Column::EventId => Text(&i.event_id),
            Column::EventDate => Value::Date(i.event_date),
            Column::TimePrecision => UInt(i.time_precision.into()),
            Column::EventType => Text(&i.event_type),
            Column::SubEventType => Text(&i.sub_event_type),
            Column::Actor1 => Text(&i.actor1),
            Column::Actor2 => Text(&i.actor2),
            Column::Fatalities => UInt(i.fatalities.into()),
            Column::Injured => UInt(i.injured.into()),
            Column::Location => Text(&i.location),
            Column::PlaceName => Text(&i.place_name),
            Column::Geonameid => i.geonameid.map_or(Null, Value::Int),
            Column::Admin1 => Text(&i.admin1),
            Column::Admin2 => Text(&i.admin2),
            Column::Country => Text(&i.country),
            Column::Latitude => Real(i.position.lat),
            Column::Longitude => Real(i.position.lon),
            Column::GeoPrecision => UInt(i.geo_precision.into()),
            Column::LocationType => Text(i.location_type.as_str()),
            Column::Source => Text(&i.source),
            Column::SourceDate => i.source_date.map_or(Null, Value::Date),
            Column::Notes => Text(&i.notes),
            Column::Confidence => Real(i.confidence),
            Column::Resolution => Text(&i.resolution),
            Column::ClusterId => i.cluster_id.map_or(Null, |c| UInt(c.into())),
        }
    }

    /// Sets the column from its text form (`v` non-empty; an empty cell is
    /// the default and never reaches here). The error says what was wrong,
    /// naming the column as `name` (the header the reader saw).
    pub fn set_named(self, i: &mut Incident, name: &str, v: &str) -> Result<(), String> {
        let s = || v.to_string();
        match self {
            Column::Id => i.id = parse_uint(name, v)?,
            Column::EventId => i.event_id = s(),
            Column::EventDate => i.event_date = crate::dates::parse_date(v).map_err(|m| format!("{name} {m}"))?,
            Column::TimePrecision => i.time_precision = parse_precision(name, v)?,
            Column::EventType => i.event_type = s(),
            Column::SubEventType => i.sub_event_type = s(),
            Column::Actor1 => i.actor1 = s(),
            Column::Actor2 => i.actor2 = s(),
            Column::Fatalities => i.fatalities = parse_u32(name, v)?,
            Column::Injured => i.injured = parse_u32(name, v)?,
            Column::Location => i.location = s(),
            Column::PlaceName => i.place_name = s(),
            Column::Geonameid => {
                i.geonameid = Some(v.trim().parse().map_err(|_| format!("{name} {v:?} is not an integer"))?)
            }
            Column::Admin1 => i.admin1 = s(),
            Column::Admin2 => i.admin2 = s(),
            Column::Country => i.country = crate::countries::normalize(v),
            Column::Latitude => i.position.lat = parse_coord(name, v, 90.0)?,
            Column::Longitude => i.position.lon = parse_coord(name, v, 180.0)?,
            Column::GeoPrecision => i.geo_precision = parse_precision(name, v)?,
            Column::LocationType => {
                i.location_type = LocationType::parse(v)
                    .ok_or_else(|| format!("{name} {v:?} is not one of site, near, admin2, admin1, region, country"))?
            }
            Column::Source => i.source = s(),
            Column::SourceDate => i.source_date = Some(crate::dates::parse_date(v).map_err(|m| format!("{name} {m}"))?),
            Column::Notes => i.notes = s(),
            Column::Confidence => {
                i.confidence = v
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|c| c.is_finite())
                    .ok_or_else(|| format!("{name} {v:?} is not a number"))?
            }
            Column::Resolution => i.resolution = s(),
            Column::ClusterId => i.cluster_id = Some(parse_u32(name, v)?),
        }
        Ok(())
    }

    /// [`Column::set_named`] under the column's own name.
    pub fn set(self, i: &mut Incident, v: &str) -> Result<(), String> {
        self.set_named(i, self.def().name, v)
    }
}

/// A column a query adds after the record's own (`distance_km`, a site id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extra {
    /// Column name.
    pub name: &'static str,
    /// Its type.
    pub ty: ColumnType,
}

/// `distance_km` of a query hit, in great-circle km.
pub const DISTANCE_KM: Extra = Extra { name: "distance_km", ty: ColumnType::Real };
/// `bearing_deg` of a query hit, from the query point, degrees clockwise from north.
pub const BEARING_DEG: Extra = Extra { name: "bearing_deg", ty: ColumnType::Real };
/// `site_id` of the query site a hit answers (`near --points`).
pub const SITE_ID: Extra = Extra { name: "site_id", ty: ColumnType::Text };
/// `site_name` of the query site a hit answers (`near --points`).
pub const SITE_NAME: Extra = Extra { name: "site_name", ty: ColumnType::Text };

fn parse_uint(name: &str, v: &str) -> Result<u64, String> {
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

/// The largest count (fatalities, injured) a record holds: every format
/// types counts as a 32-bit Integer (GDAL and QGIS read a larger value in
/// such a GeoPackage column as a wrong, negative one).
pub const MAX_COUNT: u32 = i32::MAX as u32;

fn parse_u32(name: &str, v: &str) -> Result<u32, String> {
    let n = parse_uint(name, v)?;
    u32::try_from(n)
        .ok()
        .filter(|&n| n <= MAX_COUNT)
        .ok_or_else(|| format!("{name} {v} is too large (counts stop at {MAX_COUNT}, a 32-bit Integer)"))
}

fn parse_precision(name: &str, v: &str) -> Result<u8, String> {
    match parse_uint(name, v)? {
        n @ 1..=3 => Ok(n as u8),
        n => Err(format!("{name} {n} is outside 1..3")),
    }
}

/// Checks a coordinate against ±`limit` degrees.
pub(crate) fn check_coord(name: &str, x: f64, limit: f64) -> Result<f64, String> {
    if !x.is_finite() || x < -limit || x > limit {
        return Err(format!("{name} {x} is outside -{limit}..{limit}"));
    }
    Ok(x)
}

fn parse_coord(name: &str, v: &str, limit: f64) -> Result<f64, String> {
    let t = v.trim();
    let x: f64 = t.parse().map_err(|_| format!("{name} {t:?} is not a number"))?;
    if !x.is_finite() || x < -limit || x > limit {
        return Err(format!("{name} {t} is outside -{limit}..{limit}"));
    }
    Ok(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_order_matches_the_enum() {
        for (i, c) in COLUMNS.iter().enumerate() {
            assert_eq!(c.column as usize, i, "{}", c.name);
        }
        let mut names: Vec<&str> = names().collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), COLUMNS.len(), "names are unique");
    }

    /// A count beyond a 32-bit Integer would be read back wrong from the
    /// GeoPackage (GDAL gave 4294967295 as -1): it is refused by name.
    #[test]
    fn counts_stop_at_the_largest_32_bit_integer() {
        let mut inc =
            Incident::new(NaiveDate::from_ymd_opt(2020, 5, 15).unwrap(), crate::LonLat::new(45.0, 34.0).unwrap());
        Column::Fatalities.set(&mut inc, "2147483647").unwrap();
        assert_eq!(inc.fatalities, MAX_COUNT);
        let e = Column::Injured.set(&mut inc, "2147483648").unwrap_err();
        assert!(e.to_string().contains("injured 2147483648 is too large"), "{e}");
        assert!(Column::Fatalities.set(&mut inc, "4294967295").is_err());
    }

    #[test]
    fn only_nullable_columns_give_null() {
        let day = NaiveDate::from_ymd_opt(2020, 5, 15).unwrap();
        let bare = Incident::new(day, crate::LonLat::new(1.0, 2.0).unwrap());
        for c in &COLUMNS {
            assert_eq!(c.column.value(&bare) == Value::Null, c.nullable, "{}", c.name);
        }
    }

    #[test]
    fn every_column_sets_from_the_text_it_is_written_as() {
        let day = NaiveDate::from_ymd_opt(2020, 5, 15).unwrap();
        let mut inc = Incident::new(day, crate::LonLat::new(1.0, 2.0).unwrap());
        for c in &COLUMNS {
            let text = match c.column.value(&inc) {
                Value::UInt(n) => n.to_string(),
                Value::Int(n) => n.to_string(),
                Value::Real(x) => x.to_string(),
                Value::Text("") => continue,
                Value::Text(s) => s.to_string(),
                Value::Date(d) => d.to_string(),
                Value::Null => continue,
            };
            let before = inc.clone();
            c.column.set(&mut inc, &text).unwrap();
            assert_eq!(inc, before, "{}", c.name);
        }
        assert_eq!(Column::by_name(" Event_Date "), Some(Column::EventDate));
        assert_eq!(Column::by_name("\u{feff}lng"), Some(Column::Longitude));
        assert_eq!(Column::by_name("iso"), None);
        assert!(Column::GeoPrecision.set(&mut inc, "4").unwrap_err().contains("outside 1..3"));
    }
}
