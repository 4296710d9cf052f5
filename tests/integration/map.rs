//! The main job through the real binary: output shape, failure safety,
//! running outside the source tree.

use std::path::PathBuf;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_incidentmap"))
}

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/reports")
}

#[test]
fn map_writes_an_rfc7946_feature_collection_from_any_directory() {
    let out = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let status =
        bin().current_dir(elsewhere.path()).args(["map"]).arg(examples()).arg("-o").arg(out.path()).output().unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let text = std::fs::read_to_string(out.path().join("incidents.geojson")).unwrap();
    let gj: geojson::GeoJson = text.parse().expect("valid GeoJSON");
    let geojson::GeoJson::FeatureCollection(fc) = gj else { panic!("not a FeatureCollection") };
    assert!(fc.foreign_members.as_ref().is_none_or(|m| !m.contains_key("crs")), "RFC 7946 has no crs member");
    assert!(fc.features.len() >= 25, "{} incidents", fc.features.len());
    for f in &fc.features {
        assert!(matches!(f.id, Some(geojson::feature::Id::Number(_))), "integer feature ids");
        let geojson::Value::Point(p) = &f.geometry.as_ref().unwrap().value else { panic!("points only") };
        // lon/lat order: Iraq and Syria lie at 35-49 E, 29-38 N.
        assert!((35.0..49.0).contains(&p[0]) && (29.0..38.0).contains(&p[1]), "{p:?}");
        let date = f.property("event_date").unwrap().as_str().unwrap();
        assert!(chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(), "{date}");
        assert!(f.property("fatalities").unwrap().is_u64());
    }
}

#[test]
fn a_failed_run_leaves_existing_output_untouched_and_names_the_file() {
    let out = tempfile::tempdir().unwrap();
    let layer = out.path().join("incidents.geojson");
    std::fs::write(&layer, b"{\"previous\": true}").unwrap();
    let before = std::fs::read(&layer).unwrap();

    // Unreadable input.
    let missing = out.path().join("no_such_report.txt");
    let r = bin().args(["map"]).arg(&missing).arg("-o").arg(out.path()).output().unwrap();
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("no_such_report.txt"), "{err}");
    assert_eq!(std::fs::read(&layer).unwrap(), before);

    // A bad flag.
    let r = bin().args(["map", "--eps-km", "ten"]).arg(examples()).arg("-o").arg(out.path()).output().unwrap();
    assert_eq!(r.status.code(), Some(2));
    assert_eq!(std::fs::read(&layer).unwrap(), before);

    // --strict stops at an undated report before writing anything.
    let undated = out.path().join("undated.txt");
    std::fs::write(&undated, "Two soldiers were killed in Kirkuk on Friday.\n").unwrap();
    let r = bin().args(["map", "--strict"]).arg(examples()).arg(&undated).arg("-o").arg(out.path()).output().unwrap();
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("undated.txt"));
    assert_eq!(std::fs::read(&layer).unwrap(), before);
    // No temporary files are left behind.
    let names: Vec<String> =
        std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn one_bad_report_is_reported_and_the_rest_mapped() {
    let out = tempfile::tempdir().unwrap();
    let undated = out.path().join("undated.txt");
    std::fs::write(&undated, "Two soldiers were killed in Kirkuk on Friday.\n").unwrap();
    let r = bin().args(["map"]).arg(examples()).arg(&undated).arg("-o").arg(out.path()).output().unwrap();
    assert_eq!(r.status.code(), Some(1), "partial success exits 1");
    assert!(String::from_utf8_lossy(&r.stderr).contains("undated.txt"));
    assert!(out.path().join("incidents.geojson").exists());
    // With --published the same report is dated and mapped.
    let r = bin().args(["extract", "--format", "jsonl", "--published", "2020-05-15"]).arg(&undated).output().unwrap();
    assert!(r.status.success());
    let line = String::from_utf8(r.stdout).unwrap();
    let v: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    assert_eq!(v["event_date"], "2020-05-15");
    assert_eq!(v["fatalities"], 2);
    assert_eq!(v["admin1"], "Kirkuk");
}
