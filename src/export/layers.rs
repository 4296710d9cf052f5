//! Every layer of a run into one directory: GeoJSON per layer with QML
//! sidecars, the incidents as CSV, and one GeoPackage holding them all with
//! their styles embedded.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::atomic::{io_err, stage, stage_bytes, write_set};
use super::geojson::{self, AreaStats};
use super::gpkg::{GpkgWriter, Layer};
use super::{csv, style};
use crate::error::Result;
use crate::extract::incident::Incident;
use crate::gazetteer::admin::AdminArea;
use crate::spatial::cluster::Cluster;

/// What a run produced.
#[derive(Debug, Clone, Copy)]
pub struct Layers<'a> {
    /// Incidents, in output order (their `id`s are the feature ids).
    pub incidents: &'a [Incident],
    /// Clusters (points at centroids; hulls for the areas layer).
    pub clusters: &'a [Cluster],
    /// Admin-1 areas to summarise the incidents by.
    pub admin_areas: &'a [AdminArea],
    /// Write every area in `admin_areas`, not only those with incidents.
    pub all_areas: bool,
}

impl<'a> Layers<'a> {
    /// The layers of a run; only areas with incidents go in the admin-1 layer.
    pub fn new(incidents: &'a [Incident], clusters: &'a [Cluster], admin_areas: &'a [AdminArea]) -> Self {
        Layers { incidents, clusters, admin_areas, all_areas: false }
    }
}

/// The file names [`write_layers`] writes, in order.
pub const LAYER_FILES: [&str; 11] = [
    "incidents.geojson",
    "incidents.qml",
    "clusters.geojson",
    "clusters.qml",
    "cluster_areas.geojson",
    "cluster_areas.qml",
    "admin1.geojson",
    "admin1.qml",
    "incidents.csv",
    "incidents.csvt",
    "layers.gpkg",
];

/// Writes every layer into `dir` (created if needed) as one set
/// ([`write_set`]): the files are written and synced in a staging directory
/// that then replaces the old set in one step, so a run that fails or is
/// killed leaves the previous set whole, and other files in `dir` are kept.
/// Returns the paths written, in the order of [`LAYER_FILES`]. Empty layers
/// are still valid files. What a killed earlier run left is removed.
pub fn write_layers(dir: &Path, layers: &Layers) -> Result<Vec<PathBuf>> {
    write_layers_with(dir, layers, &[], &[])
}

/// [`write_layers`] with more files in the same set: `extra_names` are
/// further names the set owns and `extra` the files (name, bytes) written
/// under some of them; an owned name not written is removed with the old
/// set (the `map.pgw` of an earlier run when a run has no incidents).
/// Returns the layers' paths, then those of `extra`.
pub fn write_layers_with(
    dir: &Path,
    layers: &Layers,
    extra_names: &[&str],
    extra: &[(&str, Vec<u8>)],
) -> Result<Vec<PathBuf>> {
    let admin = admin_stats(layers);
    let counts: Vec<u64> = admin.iter().map(|(_, s)| s.incident_count).collect();
    let styles =
        [style::incidents_qml(), style::clusters_qml(), style::cluster_areas_qml(), style::admin1_qml(&counts)];
    let names: Vec<&str> = LAYER_FILES.iter().chain(extra_names).copied().collect();
    let mut written = write_set(dir, &names, |dir| {
        let mut staged = Vec::with_capacity(names.len());
        for name in LAYER_FILES {
            let p = dir.join(name);
            let io = io_err(&p);
            staged.push(match name {
                "incidents.geojson" => {
                    stage(&p, |w| geojson::write_incidents(w, layers.incidents).map(drop).map_err(&io))?
                }
                "clusters.geojson" => {
                    stage(&p, |w| geojson::write_clusters(w, layers.clusters).map(drop).map_err(&io))?
                }
                "cluster_areas.geojson" => {
                    stage(&p, |w| geojson::write_cluster_areas(w, layers.clusters).map(drop).map_err(&io))?
                }
                "admin1.geojson" => stage(&p, |w| geojson::write_admin1(w, &admin).map(drop).map_err(&io))?,
                "incidents.qml" => stage_bytes(&p, styles[0].as_bytes())?,
                "clusters.qml" => stage_bytes(&p, styles[1].as_bytes())?,
                "cluster_areas.qml" => stage_bytes(&p, styles[2].as_bytes())?,
                "admin1.qml" => stage_bytes(&p, styles[3].as_bytes())?,
                "incidents.csv" => {
                    stage(&p, |w| csv::write_incidents(w, layers.incidents).and_then(|w| w.flush()).map_err(&io))?
                }
                "incidents.csvt" => stage_bytes(&p, csv::csvt().as_bytes())?,
                "layers.gpkg" => {
                    let mut g = GpkgWriter::create(&p)?;
                    for layer in [Layer::Incidents, Layer::Clusters, Layer::ClusterAreas, Layer::Admin1] {
                        g.create_layer(layer)?;
                    }
                    for inc in layers.incidents {
                        g.add_incident(inc)?;
                    }
                    g.write_clusters(layers.clusters)?;
                    g.write_admin1(&admin)?;
                    let all = [Layer::Incidents, Layer::Clusters, Layer::ClusterAreas, Layer::Admin1];
                    for (layer, qml) in all.into_iter().zip(&styles) {
                        g.add_style(layer, layer.table(), qml)?;
                    }
                    g.finish_staged()?
                }
                other => unreachable!("{other} is not in LAYER_FILES"),
            });
        }
        for (name, bytes) in extra {
            staged.push(stage_bytes(&dir.join(name), bytes)?);
        }
        Ok(staged)
    })?;
    written.truncate(LAYER_FILES.len());
    for name in extra_names.iter().filter(|n| !extra.iter().any(|(e, _)| e == *n)) {
        // Gone with the old set where the set was exchanged; else removed here.
        let p = dir.join(name);
        if p.exists() {
            std::fs::remove_file(&p).map_err(|e| crate::error::Error::io(&p, e))?;
        }
    }
    written.extend(extra.iter().map(|(name, _)| dir.join(name)));
    Ok(written)
}

/// The file names [`write_cluster_layers`] writes, in order.
pub const CLUSTER_FILES: [&str; 6] = [
    "clusters.geojson",
    "clusters.qml",
    "cluster_areas.geojson",
    "cluster_areas.qml",
    "incidents.geojson",
    "incidents.qml",
];

/// Writes the layers of a clustering into `dir` (created if needed), each
/// file atomically: cluster centres, cluster hulls and the incidents with
/// their `cluster_id`, each GeoJSON with its QGIS style beside it; replaced
/// as one set like [`write_layers`].
pub fn write_cluster_layers(dir: &Path, incidents: &[Incident], clusters: &[Cluster]) -> Result<Vec<PathBuf>> {
    write_set(dir, &CLUSTER_FILES, |dir| {
        let mut staged = Vec::with_capacity(CLUSTER_FILES.len());
        for name in CLUSTER_FILES {
            let p = dir.join(name);
            let io = io_err(&p);
            staged.push(match name {
                "clusters.geojson" => stage(&p, |w| geojson::write_clusters(w, clusters).map(drop).map_err(&io))?,
                "cluster_areas.geojson" => {
                    stage(&p, |w| geojson::write_cluster_areas(w, clusters).map(drop).map_err(&io))?
                }
                "incidents.geojson" => stage(&p, |w| geojson::write_incidents(w, incidents).map(drop).map_err(&io))?,
                "clusters.qml" => stage_bytes(&p, style::clusters_qml().as_bytes())?,
                "cluster_areas.qml" => stage_bytes(&p, style::cluster_areas_qml().as_bytes())?,
                "incidents.qml" => stage_bytes(&p, style::incidents_qml().as_bytes())?,
                other => unreachable!("{other} is not in CLUSTER_FILES"),
            });
        }
        Ok(staged)
    })
}

/// Folds a name for matching incident `admin1` names to areas.
fn fold(s: &str) -> String {
    s.trim().to_lowercase()
}

/// The admin-1 areas with their incident statistics: the areas with
/// incidents (every area with `all_areas`), in the order given.
///
/// An incident belongs to the area whose name (and country, when both have
/// one) equals its `admin1`; when it has no `admin1` or the name matches no
/// area, to the area that contains its point.
pub fn admin_stats<'a>(layers: &Layers<'a>) -> Vec<(&'a AdminArea, AreaStats)> {
    let areas = layers.admin_areas;
    let mut by_name: HashMap<(String, String), usize> = HashMap::new();
    let mut by_bare_name: HashMap<String, Option<usize>> = HashMap::new();
    for (i, a) in areas.iter().enumerate() {
        by_name.entry((a.country.to_ascii_uppercase(), fold(&a.name))).or_insert(i);
        by_bare_name
            .entry(fold(&a.name))
            .and_modify(|e| *e = None) // ambiguous without a country
            .or_insert(Some(i));
    }
    let mut stats = vec![AreaStats::default(); areas.len()];
    for inc in layers.incidents {
        let by_admin1 = (!inc.admin1.is_empty())
            .then(|| {
                let name = fold(&inc.admin1);
                if inc.country.is_empty() {
                    by_bare_name.get(&name).copied().flatten()
                } else {
                    by_name.get(&(inc.country.to_ascii_uppercase(), name)).copied()
                }
            })
            .flatten();
        let idx = by_admin1.or_else(|| areas.iter().position(|a| a.contains(inc.position)));
        if let Some(i) = idx {
            stats[i].add(inc);
        }
    }
    areas.iter().zip(stats).filter(|(_, s)| layers.all_areas || s.incident_count > 0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::geojson::tests::sample;
    use geo::{BoundingRect, polygon};

    pub(crate) fn area(name: &str, x0: f64, y0: f64) -> AdminArea {
        let p = polygon![(x: x0, y: y0), (x: x0 + 1.0, y: y0), (x: x0 + 1.0, y: y0 + 1.0), (x: x0, y: y0 + 1.0), (x: x0, y: y0)];
        let mp = geo::MultiPolygon(vec![p]);
        AdminArea {
            code: format!("IQ.{name}"),
            name: name.into(),
            country: "IQ".into(),
            geonameid: 1,
            bbox: mp.bounding_rect().unwrap(),
            polygon: mp,
        }
    }

    #[test]
    fn admin_stats_by_name_then_point() {
        let areas = [area("Diyala", 44.5, 33.5), area("Kirkuk", 43.5, 35.0), area("Anbar", 40.0, 33.0)];
        let mut a = sample(1); // admin1 Diyala by name, point elsewhere
        a.position = crate::LonLat { lon: 10.0, lat: 10.0 };
        let mut b = sample(2);
        b.admin1 = String::new();
        b.position = crate::LonLat { lon: 44.0, lat: 35.5 }; // inside Kirkuk
        let incs = [a, b];
        let l = Layers::new(&incs, &[], &areas);
        let s = admin_stats(&l);
        let names: Vec<&str> = s.iter().map(|(a, _)| a.name.as_str()).collect();
        assert_eq!(names, ["Diyala", "Kirkuk"]);
        assert_eq!(s[0].1.fatalities, 3);
        let all = admin_stats(&Layers { all_areas: true, ..l });
        assert_eq!(all.len(), 3);
        assert_eq!(all[2].1.first_date, None);
    }

    #[test]
    fn empty_run_writes_every_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("new/sub");
        let written = write_layers(&out, &Layers::new(&[], &[], &[])).unwrap();
        let names: Vec<String> =
            written.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, LAYER_FILES);
        let fc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("admin1.geojson")).unwrap()).unwrap();
        assert_eq!(fc["features"].as_array().unwrap().len(), 0);
    }
}
