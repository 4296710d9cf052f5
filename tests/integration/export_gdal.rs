//! Every layer written by `export::layers::write_layers`, read back by GDAL's
//! `ogrinfo` (the reader QGIS uses). CI installs gdal-bin; without it these
//! tests fail and say so rather than pass vacuously.

use std::path::PathBuf;
use std::process::Command;

use chrono::NaiveDate;
use geo::{BoundingRect, MultiPolygon};
use incidentmap::export::layers::{Layers, write_layers};
use incidentmap::gazetteer::admin::AdminArea;
use incidentmap::input::{ReadOptions, read_incidents};
use incidentmap::spatial::cluster::Cluster;
use incidentmap::{Incident, LonLat};

use crate::util::Dir;

fn fixture(name: &str) -> PathBuf {
    crate::util::fixture("export", name)
}

/// Runs `ogrinfo` and returns stdout; fails the test when GDAL is missing
/// or ogrinfo reports an error or warning.
fn ogrinfo(args: &[&str]) -> String {
    let out = match Command::new("ogrinfo").args(args).output() {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!("ogrinfo is not on PATH: install gdal-bin (apt-get install gdal-bin) to run these tests")
        }
        Err(e) => panic!("running ogrinfo: {e}"),
    };
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "ogrinfo {args:?} failed:\n{stderr}\n{stdout}");
    assert!(!stderr.contains("ERROR") && !stderr.contains("Warning"), "ogrinfo {args:?} complained:\n{stderr}");
    stdout
}

fn area(code: &str, name: &str, ring: &[(f64, f64)]) -> AdminArea {
    let poly = geo::Polygon::new(ring.iter().map(|&(x, y)| geo::coord! {x: x, y: y}).collect(), vec![]);
    let mp = MultiPolygon(vec![poly]);
    AdminArea {
        code: code.into(),
        name: name.into(),
        country: "IQ".into(),
        geonameid: 0,
        bbox: mp.bounding_rect().unwrap(),
        polygon: mp,
    }
}

fn clusters() -> Vec<Cluster> {
    let d = |m, d| NaiveDate::from_ymd_opt(2021, m, d).unwrap();
    let hull: Vec<LonLat> = [(44.9, 33.9), (45.2, 34.0), (45.2, 34.3), (44.9, 33.9)]
        .iter()
        .map(|&(lon, lat)| LonLat { lon, lat })
        .collect();
    vec![
        Cluster {
            id: 1,
            count: 3,
            distinct_locations: 3,
            fatalities: 6,
            injured: 0,
            first_date: d(3, 2),
            last_date: d(3, 11),
            dominant_event_type: "Battles".into(),
            dominant_actor: "Islamic State (Iraq)".into(),
            centroid: LonLat { lon: 45.05, lat: 34.1 },
            bbox: [44.9, 33.9, 45.2, 34.3],
            hull: Some(hull),
            member_ids: vec![1, 2, 4],
        },
        Cluster {
            id: 2,
            count: 2,
            distinct_locations: 1,
            fatalities: 1,
            injured: 2,
            first_date: d(3, 16),
            last_date: d(3, 17),
            dominant_event_type: "Explosions/Remote violence".into(),
            dominant_actor: String::new(),
            centroid: LonLat { lon: 36.6097, lat: 35.8128 },
            bbox: [36.6097, 35.8128, 36.6097, 35.8128],
            hull: None,
            member_ids: vec![6, 7],
        },
    ]
}

fn admin_areas() -> Vec<AdminArea> {
    vec![
        area("IQ.10", "Diyala", &[(44.3, 33.2), (46.0, 33.2), (46.0, 35.1), (44.3, 35.1), (44.3, 33.2)]),
        area("IQ.13", "Kirkuk", &[(43.3, 34.9), (44.9, 34.9), (44.9, 35.9), (43.3, 35.9), (43.3, 34.9)]),
        area("IQ.07", "Najaf", &[(42.0, 29.5), (44.5, 29.5), (44.5, 32.2), (42.0, 32.2), (42.0, 29.5)]),
    ]
}

fn incidents() -> Vec<Incident> {
    read_incidents(&fixture("acled_iraq_syria.csv"), &ReadOptions::default()).unwrap().incidents
}

fn field_type<'a>(info: &'a str, field: &str) -> &'a str {
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}: ")))
        .unwrap_or_else(|| panic!("no field {field} in:\n{info}"))
}

fn check_layer(info: &str, geometry: &str, count: usize) {
    assert!(info.contains(&format!("Geometry: {geometry}\n")), "{info}");
    assert!(info.contains(&format!("Feature Count: {count}\n")), "{info}");
    assert!(info.contains("ID[\"EPSG\",4326]"), "{info}");
}

#[test]
fn geojson_layers_open_in_gdal_with_types() {
    let dir = Dir::new();
    let (incs, cl, areas) = (incidents(), clusters(), admin_areas());
    let written = write_layers(dir.path(), &Layers::new(&incs, &cl, &areas)).unwrap();
    assert!(written.iter().all(|p| p.exists()));
    let p = |n: &str| dir.join(n).to_str().unwrap().to_string();

    let info = ogrinfo(&["-al", "-so", &p("incidents.geojson")]);
    check_layer(&info, "Point", 8);
    assert!(info.contains("Layer name: incidents\n"), "{info}");
    assert_eq!(field_type(&info, "event_date"), "Date (0.0)");
    assert_eq!(field_type(&info, "fatalities"), "Integer (0.0)");
    assert_eq!(field_type(&info, "confidence"), "Real (0.0)");
    assert_eq!(field_type(&info, "notes"), "String (0.0)");

    let info = ogrinfo(&["-al", "-so", &p("clusters.geojson")]);
    check_layer(&info, "Point", 2);
    assert_eq!(field_type(&info, "first_date"), "Date (0.0)");
    assert_eq!(field_type(&info, "count"), "Integer (0.0)");
    assert_eq!(field_type(&info, "bbox_west"), "Real (0.0)");

    let info = ogrinfo(&["-al", "-so", &p("cluster_areas.geojson")]);
    check_layer(&info, "Polygon", 1);

    // Diyala (2 by name, Baghdad by point) and Kirkuk (Hawija by name, the
    // Makhmour mountains by point); Najaf has none and is left out.
    let info = ogrinfo(&["-al", "-so", &p("admin1.geojson")]);
    check_layer(&info, "Multi Polygon", 2);
    assert_eq!(field_type(&info, "incident_count"), "Integer (0.0)");
    assert_eq!(field_type(&info, "last_date"), "Date (0.0)");
    let feats = ogrinfo(&["-al", "-q", &p("admin1.geojson")]);
    assert!(feats.contains("name (String) = Diyala") && feats.contains("incident_count (Integer) = 3"), "{feats}");
    assert!(feats.contains("name (String) = Kirkuk") && feats.contains("incident_count (Integer) = 2"), "{feats}");

    let info = ogrinfo(&[
        "-al",
        "-so",
        "-oo",
        "X_POSSIBLE_NAMES=longitude",
        "-oo",
        "Y_POSSIBLE_NAMES=latitude",
        &p("incidents.csv"),
    ]);
    // Typed by the incidents.csvt sidecar, without AUTODETECT_TYPE.
    assert!(info.contains("Feature Count: 8"), "{info}");
    assert_eq!(field_type(&info, "event_date"), "Date (0.0)");
    assert_eq!(field_type(&info, "fatalities"), "Integer (0.0)");
    assert_eq!(field_type(&info, "geonameid"), "Integer64 (0.0)");
    assert_eq!(field_type(&info, "latitude"), "Real (0.0)");
}

#[test]
fn geopackage_is_valid_and_every_layer_opens() {
    let dir = Dir::new();
    let (incs, cl, areas) = (incidents(), clusters(), admin_areas());
    write_layers(dir.path(), &Layers::new(&incs, &cl, &areas)).unwrap();
    let gpkg = dir.join("layers.gpkg");

    let c = rusqlite::Connection::open(&gpkg).unwrap();
    let ok: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    let app: i64 = c.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
    assert_eq!(app, 0x4750_4B47);
    let styles: i64 = c.query_row("SELECT count(*) FROM layer_styles WHERE useAsDefault", [], |r| r.get(0)).unwrap();
    assert_eq!(styles, 4);
    for (t, n) in [("incidents", 8), ("clusters", 2), ("cluster_areas", 1), ("admin1", 2)] {
        let rtree: i64 = c.query_row(&format!("SELECT count(*) FROM rtree_{t}_geom"), [], |r| r.get(0)).unwrap();
        assert_eq!(rtree, n, "{t}");
        let check: String = c.query_row(&format!("SELECT rtreecheck('rtree_{t}_geom')"), [], |r| r.get(0)).unwrap();
        assert_eq!(check, "ok", "{t}");
    }
    drop(c);

    let g = gpkg.to_str().unwrap();
    let list = ogrinfo(&["-q", g]);
    for l in ["incidents (Point)", "clusters (Point)", "cluster_areas (Multi Polygon)", "admin1 (Multi Polygon)"] {
        assert!(list.contains(l), "{l} missing:\n{list}");
    }
    for (t, geom, n) in [
        ("incidents", "Point", 8),
        ("clusters", "Point", 2),
        ("cluster_areas", "Multi Polygon", 1),
        ("admin1", "Multi Polygon", 2),
    ] {
        let info = ogrinfo(&["-so", g, t]);
        check_layer(&info, geom, n);
    }
    let info = ogrinfo(&["-so", g, "incidents"]);
    assert_eq!(field_type(&info, "event_date"), "Date (0.0)");
    // Counts are 32-bit Integer, as GDAL types them in the GeoJSON (issue 20).
    assert_eq!(field_type(&info, "fatalities"), "Integer (0.0)");
    assert_eq!(field_type(&info, "cluster_id"), "Integer (0.0)");
    assert_eq!(field_type(&info, "source_date"), "Date (0.0)");
    assert_eq!(field_type(&info, "geonameid"), "Integer64 (0.0)");
    for (t, f) in [("clusters", "count"), ("cluster_areas", "fatalities"), ("admin1", "incident_count")] {
        assert_eq!(field_type(&ogrinfo(&["-so", g, t]), f), "Integer (0.0)", "{t}.{f}");
    }
    // A spatial filter goes through the R-tree: the Diyala box holds
    // Jalawla, Muqdadiyah and Baghdad.
    let hits = ogrinfo(&["-q", "-spat", "44.3", "33.2", "46.0", "35.1", g, "incidents"]);
    assert_eq!(hits.matches("OGRFeature(incidents)").count(), 3, "{hits}");
}

/// Issue 20: empty layers are not written as GeoJSON (QGIS opened them
/// untyped, without a CRS, and could not style them); the GeoPackage holds
/// them with their geometry type, CRS and style.
#[test]
fn empty_layers_are_typed_layers_of_the_geopackage_only() {
    let dir = Dir::new();
    write_layers(dir.path(), &Layers::new(&[], &[], &[])).unwrap();
    let p = |n: &str| dir.join(n).to_str().unwrap().to_string();
    for f in ["incidents", "clusters", "cluster_areas", "admin1"] {
        assert!(!dir.join(format!("{f}.geojson")).exists() && !dir.join(format!("{f}.qml")).exists(), "{f}");
        let info = ogrinfo(&["-so", &p("layers.gpkg"), f]);
        assert!(info.contains("Feature Count: 0") && info.contains("EPSG") && info.contains("4326"), "{f}: {info}");
    }
    let list = ogrinfo(&["-q", &p("layers.gpkg")]);
    for l in ["incidents (Point)", "clusters (Point)", "cluster_areas (Multi Polygon)", "admin1 (Multi Polygon)"] {
        assert!(list.contains(l), "{l} missing:\n{list}");
    }
    let c = rusqlite::Connection::open(p("layers.gpkg")).unwrap();
    let ok: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
}

#[test]
fn qml_sidecars_are_well_formed_xml() {
    let dir = Dir::new();
    let (incs, cl, areas) = (incidents(), clusters(), admin_areas());
    write_layers(dir.path(), &Layers::new(&incs, &cl, &areas)).unwrap();
    let files: Vec<String> = ["incidents", "clusters", "cluster_areas", "admin1"]
        .iter()
        .map(|n| dir.join(format!("{n}.qml")).to_str().unwrap().to_string())
        .collect();
    let script = "import sys, xml.dom.minidom as m\nfor f in sys.argv[1:]:\n    d = m.parse(f)\n    assert d.documentElement.tagName == 'qgis', f\n    assert d.getElementsByTagName('renderer-v2'), f\n";
    match Command::new("python3").arg("-c").arg(script).args(&files).output() {
        Ok(o) => assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => eprintln!("python3 not available ({e}); XML well-formedness not checked"),
    }
}

#[test]
fn geojson_text_sequence_opens_in_gdal() {
    use incidentmap::export::Format;
    use incidentmap::jobs::export::run_export;
    let dir = Dir::new();
    let out = dir.join("incidents.geojsonl");
    let input = fixture("acled_iraq_syria.csv").to_string_lossy().into_owned();
    let gaz = incidentmap::input::GazetteerSource::new(None);
    let r = run_export(&[input], &Default::default(), &gaz, &out, Format::GeoJsonSeq).unwrap();
    assert_eq!((r.written, r.skipped.len()), (8, 0));
    let info = ogrinfo(&["-al", "-so", out.to_str().unwrap()]);
    assert!(info.contains("GeoJSONSeq"), "{info}");
    check_layer(&info, "Point", 8);
    assert_eq!(field_type(&info, "event_date"), "Date (0.0)");
}
