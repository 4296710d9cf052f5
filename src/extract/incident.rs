//! The incident record: flat, stable columns with ACLED-compatible names.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::geodesy::LonLat;

/// How the point of an incident relates to where it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LocationType {
    /// The named town, village or site itself.
    #[default]
    Site,
    /// Near a named place ("outside Khanaqin", "20 km north of Kirkuk").
    Near,
    /// A second-level administrative area (district), placed at its centre.
    Admin2,
    /// A province/governorate, placed at its centre.
    Admin1,
    /// Part of an area ("northern Diyala", "western Anbar"), placed at the area.
    Region,
    /// A whole country.
    Country,
}

impl LocationType {
    /// The lower-case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            LocationType::Site => "site",
            LocationType::Near => "near",
            LocationType::Admin2 => "admin2",
            LocationType::Admin1 => "admin1",
            LocationType::Region => "region",
            LocationType::Country => "country",
        }
    }

    /// Parses the names written by [`LocationType::as_str`].
    pub fn parse(s: &str) -> Option<LocationType> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "site" => LocationType::Site,
            "near" => LocationType::Near,
            "admin2" => LocationType::Admin2,
            "admin1" => LocationType::Admin1,
            "region" => LocationType::Region,
            "country" => LocationType::Country,
            _ => return None,
        })
    }
}

/// One coded incident.
///
/// Field names follow ACLED's export where one exists (`event_date`,
/// `event_type`, `actor1`, `geo_precision`, ...) so that layers and CSVs line
/// up with ACLED data an analyst already has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    /// Feature id, stable within one layer (1-based, in output order).
    pub id: u64,
    /// Stable hash of source + sentence + place: the same across reruns.
    pub event_id: String,
    /// Best day; for "in August 2019" the first day, with `time_precision` 3.
    pub event_date: NaiveDate,
    /// ACLED time precision: 1 day known, 2 week or part of a month, 3 month or coarser.
    pub time_precision: u8,
    /// ACLED event type ("Battles", "Explosions/Remote violence", ...).
    pub event_type: String,
    /// ACLED sub-event type ("Armed clash", "Remote explosive/landmine/IED", ...).
    pub sub_event_type: String,
    /// Normalised name of the first actor (the perpetrator where known).
    pub actor1: String,
    /// Normalised name of the second actor (the target), or empty.
    pub actor2: String,
    /// Deaths stated in the text; 0 when none stated.
    pub fatalities: u32,
    /// Injured stated in the text; 0 when none stated.
    pub injured: u32,
    /// The place as written in the text ("Zaghniya", "northern Diyala").
    pub location: String,
    /// The gazetteer entry the point comes from (may be the enclosing area).
    pub place_name: String,
    /// GeoNames id of that entry, when it has one.
    pub geonameid: Option<i64>,
    /// First-level administrative area (governorate/province) name.
    pub admin1: String,
    /// Second-level administrative area (district) name, or empty.
    pub admin2: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// WGS84 point.
    pub position: LonLat,
    /// ACLED geo precision: 1 the named site, 2 near it or part of a region, 3 admin-area centroid.
    pub geo_precision: u8,
    /// How the point relates to the place.
    pub location_type: LocationType,
    /// Where the incident was read: file paths or URLs, `; `-separated when
    /// several reports told the same event.
    pub source: String,
    /// Publication date of the (first) source.
    pub source_date: Option<NaiveDate>,
    /// The sentence the incident came from, for audit.
    pub notes: String,
    /// Resolver score for the place, 0..=1.
    pub confidence: f64,
    /// The rules that decided the place (e.g. `admin-context:Diyala`).
    pub resolution: String,
    /// Cluster the incident belongs to, when clustering ran and it is not noise.
    pub cluster_id: Option<u32>,
}

impl Incident {
    /// A blank record at a position and date, for readers and tests to fill in.
    pub fn new(event_date: NaiveDate, position: LonLat) -> Incident {
        Incident {
            id: 0,
            event_id: String::new(),
            event_date,
            time_precision: 1,
            event_type: String::new(),
            sub_event_type: String::new(),
            actor1: String::new(),
            actor2: String::new(),
            fatalities: 0,
            injured: 0,
            location: String::new(),
            place_name: String::new(),
            geonameid: None,
            admin1: String::new(),
            admin2: String::new(),
            country: String::new(),
            position,
            geo_precision: 1,
            location_type: LocationType::Site,
            source: String::new(),
            source_date: None,
            notes: String::new(),
            confidence: 0.0,
            resolution: String::new(),
            cluster_id: None,
        }
    }
}
