//! The gazetteer: places, their names, and lookup.
//!
//! The shipped default (built from `gazetteer/` at compile time and embedded
//! in the binary) covers every GeoNames place of 1,000+ people worldwide,
//! 500+ in Iraq, Syria and their neighbours, the world's admin-1 areas with
//! their polygons, countries, and a hand-curated supplement. `gazetteer import`
//! builds the same kind of index from GeoNames' own files into a directory.

pub mod admin;
pub mod download;
pub mod fold;
pub mod fuzzy;
pub mod geonames;
pub mod import;
pub mod index;
pub mod layout;

pub use admin::AdminArea;

use crate::geodesy::LonLat;

/// One gazetteer entry. Its strings are [`SmolStr`]s: short ones live inline and
/// long ones are shared, so a clone allocates nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// GeoNames id (synthetic ids for supplement places are >= 900,000,000).
    pub geonameid: i64,
    /// Primary name.
    pub name: SmolStr,
    /// Position (for areas: a point inside the area; for a country of islands or far-flung
    /// parts, its conventional centre, which may lie at sea).
    pub position: LonLat,
    /// GeoNames feature class (`P` populated place, `A` admin area, `H`, `T`, ...).
    pub feature_class: char,
    /// GeoNames feature code (`PPL`, `PPLC`, `ADM1`, `PCLI`, ...).
    pub feature_code: SmolStr,
    /// ISO 3166-1 alpha-2 country code.
    pub country: SmolStr,
    /// GeoNames admin1 code within the country ("10" for Diyala).
    pub admin1_code: SmolStr,
    /// GeoNames admin2 code, or empty.
    pub admin2_code: SmolStr,
    /// Population (0 when unknown).
    pub population: u64,
}

impl Place {
    /// True for first-level administrative areas.
    pub fn is_admin1(&self) -> bool {
        self.feature_class == 'A' && self.feature_code.starts_with("ADM1")
    }

    /// True for second-level administrative areas.
    pub fn is_admin2(&self) -> bool {
        self.feature_class == 'A' && self.feature_code.starts_with("ADM2")
    }

    /// True for countries.
    pub fn is_country(&self) -> bool {
        self.feature_class == 'A' && self.feature_code.starts_with("PCL")
    }
}

pub use smol_str::SmolStr;

pub mod store;
pub use store::{Candidate, Gazetteer, LookupOptions, MatchKind, PlaceRef};
