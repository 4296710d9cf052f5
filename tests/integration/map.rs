//! The main job through the real binary: output shape, failure safety,
//! running outside the source tree.

use crate::util::{Dir, examples, incidentmap};

#[test]
fn map_writes_an_rfc7946_feature_collection_from_any_directory() {
    let out = Dir::new();
    let elsewhere = Dir::new();
    incidentmap(["map"]).current_dir(elsewhere.path()).arg(examples()).arg("-o").arg(out.path()).run().assert_exit(0);
    let text = std::fs::read_to_string(out.join("incidents.geojson")).unwrap();
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
    let out = Dir::new();
    let layer = out.create("incidents.geojson", b"{\"previous\": true}");
    let before = std::fs::read(&layer).unwrap();

    // Unreadable input.
    let missing = out.join("no_such_report.txt");
    let err = incidentmap(["map"]).arg(&missing).arg("-o").arg(out.path()).run().assert_exit(2).stderr();
    assert!(err.contains("no_such_report.txt"), "{err}");
    assert_eq!(std::fs::read(&layer).unwrap(), before);

    // A bad flag.
    incidentmap(["map", "--eps-km", "ten"]).arg(examples()).arg("-o").arg(out.path()).run().assert_exit(2);
    assert_eq!(std::fs::read(&layer).unwrap(), before);

    // --strict stops at an undated report before writing anything.
    let undated = out.create("undated.txt", "Two soldiers were killed in Kirkuk on Friday.\n");
    let r = incidentmap(["map", "--strict"]).arg(examples()).arg(&undated).arg("-o").arg(out.path()).run();
    r.assert_exit(2);
    assert!(r.stderr().contains("undated.txt"));
    assert_eq!(std::fs::read(&layer).unwrap(), before);
    // No temporary files are left behind.
    let names = out.names();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn one_bad_report_is_reported_and_the_rest_mapped() {
    let out = Dir::new();
    let undated = out.create("undated.txt", "Two soldiers were killed in Kirkuk on Friday.\n");
    let r = incidentmap(["map"]).arg(examples()).arg(&undated).arg("-o").arg(out.path()).run();
    // Partial success exits 1.
    r.assert_exit(1);
    assert!(r.stderr().contains("undated.txt"));
    assert!(out.join("incidents.geojson").exists());
    // With --published the same report is dated and mapped.
    let r = incidentmap(["extract", "--format", "jsonl", "--published", "2020-05-15"]).arg(&undated).run();
    let line = r.assert_exit(0).stdout();
    let v: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    assert_eq!(v["event_date"], "2020-05-15");
    assert_eq!(v["fatalities"], 2);
    assert_eq!(v["admin1"], "Kirkuk");
}
