//! The main job, end to end: reports -> incidents -> clusters -> layers.

use chrono::NaiveDate;

use crate::document::Document;
use crate::error::Error;
use crate::extract::{self, ExtractOptions, Incident};
use crate::gazetteer::Gazetteer;

/// Flat JSON object of an incident, with `latitude`/`longitude` columns and
/// ISO dates (the JSON-lines form of the record).
pub fn incident_json(i: &Incident) -> serde_json::Value {
    let date = |d: &NaiveDate| d.format("%Y-%m-%d").to_string();
    serde_json::json!({
        "id": i.id,
        "event_id": i.event_id,
        "event_date": date(&i.event_date),
        "time_precision": i.time_precision,
        "event_type": i.event_type,
        "sub_event_type": i.sub_event_type,
        "actor1": i.actor1,
        "actor2": i.actor2,
        "fatalities": i.fatalities,
        "injured": i.injured,
        "location": i.location,
        "place_name": i.place_name,
        "geonameid": i.geonameid,
        "admin1": i.admin1,
        "admin2": i.admin2,
        "country": i.country,
        "latitude": (i.position.lat * 1e6).round() / 1e6,
        "longitude": (i.position.lon * 1e6).round() / 1e6,
        "geo_precision": i.geo_precision,
        "location_type": i.location_type.as_str(),
        "source": i.source,
        "source_date": i.source_date.as_ref().map(date),
        "notes": i.notes,
        "confidence": i.confidence,
        "resolution": i.resolution,
        "cluster_id": i.cluster_id,
    })
}

/// Extracts incidents from documents (errors per document are returned
/// beside the incidents of the others).
pub fn incidents_from_documents(
    gaz: &Gazetteer,
    docs: &[Document],
    opts: &ExtractOptions,
) -> (Vec<Incident>, Vec<Error>) {
    extract::extract(gaz, docs, opts)
}

/// Knobs of the main job.
#[derive(Debug, Clone)]
pub struct MapOptions {
    /// Extraction options.
    pub extract: ExtractOptions,
    /// Clustering radius, km.
    pub eps_km: f64,
    /// DBSCAN min points (a point counts itself).
    pub min_points: usize,
    /// Space-time clustering window, days.
    pub max_days: Option<u32>,
    /// Fail (writing nothing) when any report cannot be processed.
    pub strict: bool,
}

impl Default for MapOptions {
    fn default() -> Self {
        MapOptions { extract: ExtractOptions::default(), eps_km: 25.0, min_points: 3, max_days: None, strict: false }
    }
}

/// What the main job did.
#[derive(Debug, Default)]
pub struct MapSummary {
    /// Incidents written.
    pub incidents: usize,
    /// Clusters found.
    pub clusters: usize,
    /// Files written.
    pub files: Vec<std::path::PathBuf>,
    /// Reports that could not be processed (the rest were).
    pub errors: Vec<Error>,
}

/// The main job: extracts incidents from the documents, clusters them and
/// writes every layer into `dir` (each file atomically).
pub fn run_map(
    gaz: &Gazetteer,
    docs: &[Document],
    opts: &MapOptions,
    dir: &std::path::Path,
) -> crate::Result<MapSummary> {
    let (incidents, mut errors) = incidents_from_documents(gaz, docs, &opts.extract);
    if opts.strict && !errors.is_empty() {
        return Err(errors.swap_remove(0));
    }
    let clusters: Vec<crate::spatial::cluster::Cluster> = Vec::new();
    let layers = crate::export::layers::Layers::new(&incidents, &clusters, gaz.admin_areas());
    let files = crate::export::layers::write_layers(dir, &layers)?;
    Ok(MapSummary { incidents: incidents.len(), clusters: clusters.len(), files, errors })
}
