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
    let mut incidents = incidents;
    let params = crate::spatial::cluster::ClusterParams {
        eps_km: opts.eps_km,
        min_points: opts.min_points,
        max_days: opts.max_days,
        include_admin_centroids: false,
    };
    let labels = crate::spatial::cluster::cluster_incidents(&incidents, &params);
    for (inc, c) in incidents.iter_mut().zip(&labels.cluster) {
        inc.cluster_id = *c;
    }
    let clusters = crate::spatial::cluster::summarize_with(&incidents, &labels, false);
    let layers = crate::export::layers::Layers::new(&incidents, &clusters, gaz.admin_areas());
    let files = crate::export::layers::write_layers(dir, &layers)?;
    Ok(MapSummary { incidents: incidents.len(), clusters: clusters.len(), files, errors })
}

/// Extensions of incident files (as opposed to report texts).
const INCIDENT_EXTENSIONS: [&str; 9] =
    ["geojson", "json", "geojsonl", "geojsons", "geojsonseq", "jsonl", "ndjson", "csv", "gpkg"];

/// True when a path names an incident file (GeoJSON, GeoJSONSeq, CSV) rather
/// than a report.
pub fn is_incident_file(path: &str) -> bool {
    std::path::Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| INCIDENT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Incidents from a mix of inputs: incident files an analyst already has
/// (our GeoJSON/GeoJSONSeq/CSV, any lat/lon CSV, ACLED exports) are read;
/// report texts, directories and URLs are extracted on the fly. Ids are
/// renumbered 1..n in input order.
///
/// Without `lenient` the first bad record or unreadable input is the error;
/// with it they are returned beside the incidents and the rest is read.
pub fn load_incidents(
    gaz: &Gazetteer,
    inputs: &[String],
    lenient: bool,
    extract_opts: &ExtractOptions,
) -> crate::Result<(Vec<Incident>, Vec<Error>)> {
    let mut incidents = Vec::new();
    let problems = for_each_loaded_incident(gaz, inputs, lenient, extract_opts, &mut |inc| incidents.push(inc))?;
    Ok((incidents, problems))
}

/// [`load_incidents`], one incident at a time: incident files are streamed
/// record by record (a million-row CSV is never held whole), then the
/// incidents extracted from the reports follow. Ids are 1..n in that order,
/// as [`load_incidents`] gives them. Returns the problems met (when lenient).
pub fn for_each_loaded_incident(
    gaz: &Gazetteer,
    inputs: &[String],
    lenient: bool,
    extract_opts: &ExtractOptions,
    f: &mut dyn FnMut(Incident),
) -> crate::Result<Vec<Error>> {
    let read_opts = crate::export::read::ReadOptions { lenient };
    let mut problems = Vec::new();
    let mut reports = Vec::new();
    let mut next_id = 1u64;
    let mut number = |mut inc: Incident| {
        inc.id = next_id;
        next_id += 1;
        f(inc);
    };
    for input in inputs {
        if is_incident_file(input) || input == "-" {
            let path = std::path::Path::new(input);
            match crate::export::read::for_each_incident(path, &read_opts, &mut |inc| {
                number(inc);
                Ok(())
            }) {
                Ok(mut skipped) => problems.append(&mut skipped),
                Err(e) if lenient => problems.push(e),
                Err(e) => return Err(e),
            }
        } else {
            reports.push(input.clone());
        }
    }
    if !reports.is_empty() {
        let (docs, mut errors) = crate::fetch::load_inputs(&reports, &crate::fetch::http::FetchOptions::default());
        let (found, mut extract_errors) = incidents_from_documents(gaz, &docs, extract_opts);
        errors.append(&mut extract_errors);
        if !lenient {
            if let Some(e) = errors.into_iter().next() {
                return Err(e);
            }
        } else {
            problems.append(&mut errors);
        }
        found.into_iter().for_each(&mut number);
    }
    Ok(problems)
}
