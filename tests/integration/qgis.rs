//! Every layer of `map`, opened in real QGIS (PyQGIS) by
//! `tests/qgis/check_layers.py`: valid, EPSG:4326, the style loads without
//! error and gives the renderer meant, counts typed Integer, temporal
//! properties active with exact one-day steps, in the GeoJSON files and in
//! the GeoPackage. Needs `/usr/bin/python3` with the `qgis` module (Debian:
//! `apt-get install python3-qgis qgis-providers`, which `.ci/run` does).
//! Without it a test prints `skipped: <name>` and passes, except under
//! `CI=true`, where it fails.

use std::process::Command;

use crate::util::{Dir, examples, incidentmap, root, s};

pub(crate) const PYTHON: &str = "/usr/bin/python3";

/// True when PyQGIS can be imported; otherwise says the test is skipped
/// (or fails it under CI=true).
pub(crate) fn have_qgis(test: &str) -> bool {
    let ok = Command::new(PYTHON).args(["-c", "import qgis.core"]).output().is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{test}: {PYTHON} cannot import qgis, and CI=true: CI must run the QGIS checks");
        }
        eprintln!("skipped: {test}: {PYTHON} cannot import qgis (apt-get install python3-qgis qgis-providers)");
    }
    ok
}

/// Runs the check script on `dir`; fails with its report unless every
/// check passed.
fn check_in_qgis(dir: &std::path::Path) -> String {
    let script = root().join("tests/qgis/check_layers.py");
    let out = Command::new(PYTHON)
        .arg(&script)
        .arg(dir)
        .env("QT_QPA_PLATFORM", "offscreen")
        .output()
        .expect("run check_layers.py");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "check_layers.py failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("qgis check: every layer opens styled"), "{stdout}");
    stdout
}

#[test]
fn every_layer_of_the_examples_opens_styled_in_qgis() {
    if !have_qgis("every_layer_of_the_examples_opens_styled_in_qgis") {
        return;
    }
    let dir = Dir::new();
    let out = dir.join("out");
    incidentmap(["map", s(&examples()), "-o", s(&out)]).run().assert_exit(0);
    let report = check_in_qgis(&out);
    // Several incidents share a spot in the examples: the displacement
    // renderer is what spreads them.
    assert!(report.contains("ok: layers.gpkg incidents + style: renderer pointDisplacement"), "{report}");
    assert!(report.contains("ok: incidents.geojson: one-day steps exact"), "{report}");
    assert!(report.contains("ok: layers.gpkg incidents: one-day steps exact"), "{report}");
    // Tarmiyah (coded Baghdad, inside the Salah ad Din outline) is counted
    // where a spatial join in QGIS puts it.
    assert!(report.contains("ok: layers.gpkg: admin-1 counts agree with a spatial join"), "{report}");
}

/// Issue 20: with no clusters, `clusters.geojson` was an empty collection
/// that QGIS opened with no geometry type and whose style failed to load.
#[test]
fn a_run_with_no_clusters_leaves_qgis_nothing_it_cannot_style() {
    if !have_qgis("a_run_with_no_clusters_leaves_qgis_nothing_it_cannot_style") {
        return;
    }
    let dir = Dir::new();
    let out = dir.join("out");
    let one = examples().join("03_tarmiyah_convoy_ied.txt");
    let r = incidentmap(["map", s(&one), "-o", s(&out)]).run();
    r.assert_exit(0);
    assert!(r.stderr().contains("clusters.geojson, cluster_areas.geojson not written"), "{}", r.stderr());
    assert!(!out.join("clusters.geojson").exists() && !out.join("clusters.qml").exists());
    let report = check_in_qgis(&out);
    assert!(report.contains("ok: layers.gpkg clusters + style: renderer singleSymbol"), "{report}");
}
