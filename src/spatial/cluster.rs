//! DBSCAN in kilometres (optionally space-time) and cluster summaries.

use chrono::NaiveDate;
use serde::Serialize;

use crate::geodesy::LonLat;

/// One cluster of incidents, summarised for the cluster layers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cluster {
    /// Cluster id, 1-based, ordered by a stable rule (see [`cluster`]).
    pub id: u32,
    /// Number of member incidents.
    pub count: usize,
    /// Number of distinct member coordinates.
    pub distinct_locations: usize,
    /// Sum of member fatalities.
    pub fatalities: u64,
    /// Sum of member injured.
    pub injured: u64,
    /// Earliest member event date.
    pub first_date: NaiveDate,
    /// Latest member event date.
    pub last_date: NaiveDate,
    /// Most frequent event type (ties broken alphabetically).
    pub dominant_event_type: String,
    /// Most frequent actor1 (ties broken alphabetically; empty actors ignored).
    pub dominant_actor: String,
    /// Spherical mean of the member positions.
    pub centroid: LonLat,
    /// Bounding box `[west, south, east, north]`; `west > east` when it crosses the antimeridian.
    pub bbox: [f64; 4],
    /// Hull ring (closed: first point repeated last) when the cluster has 3 or
    /// more distinct locations; `None` otherwise.
    pub hull: Option<Vec<LonLat>>,
    /// `id`s of the member incidents, ascending.
    pub member_ids: Vec<u64>,
}
