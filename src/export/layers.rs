//! Every layer of a run into one directory: GeoJSON per layer with QML
//! sidecars, the incidents as CSV, one GeoPackage holding them all with
//! their styles embedded, and a QGIS project (`map.qgs`) that opens it.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::atomic::{io_err, stage, stage_bytes, write_set};
use super::geojson::{self, AreaStats};
use super::gpkg::{GpkgWriter, Layer};
use super::{csv, project, style};
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
pub const LAYER_FILES: [&str; 12] = [
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
    project::PROJECT_FILE,
];

/// The GeoJSON files (with their `.qml`) of `layers` that have no
/// features: [`write_layers`] leaves them out, because QGIS opens an empty
/// FeatureCollection as a table with no geometry type and no CRS, to which
/// no style applies; the GeoPackage still holds the layer, typed and styled.
pub fn empty_geojson_layers(layers: &Layers, admin: &[(&AdminArea, AreaStats)]) -> Vec<&'static str> {
    let mut out = Vec::new();
    if layers.incidents.is_empty() {
        out.extend(["incidents.geojson", "incidents.qml"]);
    }
    if layers.clusters.is_empty() {
        out.extend(["clusters.geojson", "clusters.qml"]);
    }
    if !layers.clusters.iter().any(geojson::has_area) {
        out.extend(["cluster_areas.geojson", "cluster_areas.qml"]);
    }
    if admin.is_empty() {
        out.extend(["admin1.geojson", "admin1.qml"]);
    }
    out
}

/// Removes the files of a set that a run left out, where a previous run
/// wrote them. The set's exchange already drops them; where it could not
/// be used the old files would otherwise stay beside the new set.
fn remove_left_out(dir: &Path, left_out: &[&str]) -> Result<()> {
    for name in left_out {
        let p = dir.join(name);
        match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(crate::error::Error::io(&p, e)),
            _ => {}
        }
    }
    Ok(())
}

/// Writes every layer into `dir` (created if needed) as one set
/// ([`write_set`]): the files are written and synced in a staging directory
/// that then replaces the old set in one step, so a run that fails or is
/// killed leaves the previous set whole, and other files in `dir` are kept.
/// Returns the paths written, in the order of [`LAYER_FILES`]. A layer with
/// no features has no GeoJSON file or `.qml` ([`empty_geojson_layers`]);
/// the GeoPackage always holds all four. What a killed earlier run left is
/// removed.
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
    let left_out = empty_geojson_layers(layers, &admin);
    let styles =
        [style::incidents_qml(), style::clusters_qml(), style::cluster_areas_qml(), style::admin1_qml(&counts)];
    let names: Vec<&str> = LAYER_FILES.iter().chain(extra_names).copied().collect();
    let all = write_set(dir, &names, |dir| {
        let mut staged = Vec::with_capacity(names.len());
        for name in LAYER_FILES.into_iter().filter(|n| !left_out.contains(n)) {
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
                    // The other layers' tables are created as they are
                    // written, typed by their largest sums.
                    g.create_layer(Layer::Incidents)?;
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
                project::PROJECT_FILE => stage_bytes(&p, project::qgis_project(layers.incidents, &counts).as_bytes())?,
                other => unreachable!("{other} is not in LAYER_FILES"),
            });
        }
        for (name, bytes) in extra {
            staged.push(stage_bytes(&dir.join(name), bytes)?);
        }
        Ok(staged)
    })?;
    remove_left_out(dir, &left_out)?;
    let mut written: Vec<PathBuf> =
        all.into_iter().zip(LAYER_FILES).filter(|(_, n)| !left_out.contains(n)).map(|(p, _)| p).collect();
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
/// as one set like [`write_layers`]. As there, a layer with no features is
/// left out (there is no GeoPackage here to hold it).
pub fn write_cluster_layers(dir: &Path, incidents: &[Incident], clusters: &[Cluster]) -> Result<Vec<PathBuf>> {
    let left_out = empty_geojson_layers(&Layers::new(incidents, clusters, &[]), &[]);
    let all = write_set(dir, &CLUSTER_FILES, |dir| {
        let mut staged = Vec::with_capacity(CLUSTER_FILES.len());
        for name in CLUSTER_FILES.into_iter().filter(|n| !left_out.contains(n)) {
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
    })?;
    remove_left_out(dir, &left_out)?;
    Ok(all.into_iter().zip(CLUSTER_FILES).filter(|(_, n)| !left_out.contains(n)).map(|(p, _)| p).collect())
}

/// Folds a name for matching incident `admin1` names to areas.
fn fold(s: &str) -> String {
    s.trim().to_lowercase()
}

/// The admin-1 areas with their incident statistics: the areas with
/// incidents (every area with `all_areas`), in the order given.
///
/// An incident is counted in the area whose outline contains its point,
/// which is what a spatial join in QGIS gives on this layer (issue 20:
/// Tarmiyah, coded Baghdad, lies inside the Salah ad Din outline and was
/// counted in Baghdad). Where outlines overlap, the one named by the
/// incident's `admin1` wins. An incident whose point is in no outline (a
/// coast the generalised outlines cut off) is counted in the area its
/// `admin1` names (and country, when both have one). The incident's own
/// `admin1` is left as coded.
pub fn admin_stats<'a>(layers: &Layers<'a>) -> Vec<(&'a AdminArea, AreaStats)> {
    use rstar::primitives::{GeomWithData, Rectangle};
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
    // The outlines' boxes in an R-tree: a million incidents against some
    // four thousand areas would otherwise be billions of box tests.
    let boxes = rstar::RTree::bulk_load(
        areas
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let (lo, hi) = (a.bbox.min(), a.bbox.max());
                GeomWithData::new(Rectangle::from_corners([lo.x, lo.y], [hi.x, hi.y]), i)
            })
            .collect(),
    );
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
        // Most incidents lie in the area they are coded in: one test.
        let idx = match by_admin1 {
            Some(named) if areas[named].contains(inc.position) => Some(named),
            named => boxes
                .locate_all_at_point(&[inc.position.lon, inc.position.lat])
                .map(|g| g.data)
                .filter(|&i| areas[i].contains(inc.position))
                .min()
                .or(named),
        };
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

    /// Issue 20: Tarmiyah is coded Baghdad (its GeoNames admin code) but
    /// lies inside the Salah ad Din outline; a spatial join in QGIS counts it
    /// there, and so does the admin-1 layer now. Its own `admin1` stays.
    #[test]
    fn admin_stats_count_an_incident_in_the_outline_it_falls_in() {
        let areas = [area("Salah ad Din", 43.5, 33.5), area("Baghdad", 44.2, 32.9)]; // overlapping boxes
        let mut tarmiyah = sample(1);
        tarmiyah.admin1 = "Baghdad".into();
        tarmiyah.position = crate::LonLat { lon: 44.0, lat: 33.7 }; // inside Salah ad Din only
        let mut both = sample(2);
        both.admin1 = "Baghdad".into();
        both.position = crate::LonLat { lon: 44.3, lat: 33.6 }; // inside both outlines
        let incs = [tarmiyah, both];
        let s = admin_stats(&Layers::new(&incs, &[], &areas));
        let got: Vec<(&str, u64)> = s.iter().map(|(a, st)| (a.name.as_str(), st.incident_count)).collect();
        assert_eq!(got, [("Salah ad Din", 1), ("Baghdad", 1)]);
        assert_eq!(incs[0].admin1, "Baghdad");
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

    /// Issue 20: an empty layer as GeoJSON opened in QGIS as a table with
    /// no geometry type or CRS, and its style failed to load. It is left out
    /// (the GeoPackage keeps it), also where an earlier run had written it.
    #[test]
    fn empty_layers_have_no_geojson_and_stale_ones_go() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("new/sub");
        let incs = [sample(1), sample(2)];
        let areas = [area("Diyala", 44.5, 33.5)];
        // A cluster without an area (fewer than 3 distinct points).
        let day = chrono::NaiveDate::from_ymd_opt(2020, 5, 15).unwrap();
        let c = Cluster {
            id: 1,
            count: 2,
            distinct_locations: 1,
            fatalities: 0,
            injured: 0,
            first_date: day,
            last_date: day,
            dominant_event_type: String::new(),
            dominant_actor: String::new(),
            centroid: crate::LonLat { lon: 45.0, lat: 34.0 },
            bbox: [45.0, 34.0, 45.0, 34.0],
            hull: None,
            member_ids: vec![1, 2],
        };
        let written = write_layers(&out, &Layers::new(&incs, std::slice::from_ref(&c), &areas)).unwrap();
        let names = |w: &[PathBuf]| -> Vec<String> {
            w.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect()
        };
        let left = ["cluster_areas.geojson", "cluster_areas.qml"];
        let want: Vec<&str> = LAYER_FILES.iter().copied().filter(|n| !left.contains(n)).collect();
        assert_eq!(names(&written), want);
        for n in left {
            assert!(!out.join(n).exists(), "{n}");
        }
        // An old set with every file, then a run with nothing: only the CSV,
        // the GeoPackage and the project remain, whatever the earlier run left.
        for n in LAYER_FILES {
            std::fs::write(out.join(n), "old").unwrap();
        }
        let written = write_layers(&out, &Layers::new(&[], &[], &[])).unwrap();
        assert_eq!(names(&written), ["incidents.csv", "incidents.csvt", "layers.gpkg", "map.qgs"]);
        let mut left: Vec<String> =
            std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        left.sort();
        assert_eq!(left, ["incidents.csv", "incidents.csvt", "layers.gpkg", "map.qgs"]);
        // remove_left_out also cleans up where the set was not exchanged.
        std::fs::write(out.join("clusters.geojson"), "old").unwrap();
        remove_left_out(&out, &["clusters.geojson", "clusters.qml"]).unwrap();
        assert!(!out.join("clusters.geojson").exists());
    }
}
