//! One input front door and one incident schema: every verb reads what
//! another wrote, and every writer types the columns the same way. Each
//! test is named after the bug it pins.

use std::sync::OnceLock;

use serde_json::Value;

use crate::util::{Dir, examples, fixture, incidentmap, read_json, s};

/// `map examples/reports -o DIR`, once for the whole module.
fn mapped() -> &'static Dir {
    static DIR: OnceLock<Dir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Dir::new();
        incidentmap(["map", s(&examples()), "-o", s(&dir.join("out"))]).run().assert_exit(0);
        dir
    })
}

/// `near ARGS... --format csv` rows as text, the header first.
fn near_csv(args: &[&str]) -> Vec<String> {
    let mut all = vec!["near"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "csv"]);
    let r = incidentmap(&all).run();
    r.assert_exit(0);
    r.stdout().lines().map(str::to_string).collect()
}

#[test]
fn near_cluster_and_export_read_the_geopackage_map_wrote() {
    let out = mapped().join("out");
    let gpkg = out.join("layers.gpkg");
    let geojson = out.join("incidents.geojson");
    // Same answers from the GeoPackage as from the GeoJSON beside it.
    let from_gpkg = near_csv(&["Khanaqin", "--within", "80km", s(&gpkg)]);
    let from_geojson = near_csv(&["Khanaqin", "--within", "80km", s(&geojson)]);
    assert!(from_gpkg.len() > 3, "{from_gpkg:?}");
    assert_eq!(from_gpkg, from_geojson);
    // export: the GeoPackage back to GeoJSON is byte for byte what map wrote.
    let dir = Dir::new();
    let back = dir.join("back.geojson");
    incidentmap(["export", s(&gpkg), "-o", s(&back)]).run().assert_exit(0);
    assert_eq!(std::fs::read(&back).unwrap(), std::fs::read(&geojson).unwrap());
    // cluster reads it too, and map takes it as an input.
    let cl = dir.join("cl");
    incidentmap(["cluster", s(&gpkg), "--eps-km", "30", "--min-points", "2", "-o", s(&cl)]).run().assert_exit(0);
    let v: Value = serde_json::from_slice(&std::fs::read(cl.join("incidents.geojson")).unwrap()).unwrap();
    let mapped_count = read_json(&geojson)["features"].as_array().unwrap().len();
    assert_eq!(v["features"].as_array().unwrap().len(), mapped_count);
    let again = dir.join("again");
    incidentmap(["map", s(&gpkg), "-o", s(&again)]).run().assert_exit(0);
    assert_eq!(
        std::fs::read(again.join("incidents.csv")).unwrap(),
        std::fs::read(out.join("incidents.csv")).unwrap(),
        "map over its own GeoPackage gives the same incidents"
    );
}

#[test]
fn near_geojson_types_confidence_as_a_real_and_keeps_cluster_id() {
    let gpkg = mapped().join("out/layers.gpkg");
    let r = incidentmap(["near", "Baghdad", "--within", "500km", s(&gpkg), "--format", "geojson"]).run();
    r.assert_exit(0);
    let v = r.stdout_json();
    let feats = v["features"].as_array().unwrap();
    assert!(!feats.is_empty());
    for f in feats {
        let p = &f["properties"];
        assert!(p["confidence"].is_f64(), "confidence must be a real: {p}");
        assert!(p.get("cluster_id").is_some(), "cluster_id column missing: {p}");
        assert!(p["distance_km"].is_f64() && p["bearing_deg"].is_f64(), "{p}");
    }
    assert!(feats.iter().any(|f| f["properties"]["cluster_id"].is_u64()), "the examples have a cluster");
    // The JSON lines form is the same record.
    let r = incidentmap(["near", "Baghdad", "--within", "500km", s(&gpkg), "--format", "json"]).run();
    let first = r.stdout_first_json();
    assert_eq!(first, feats[0]["properties"]);
}

#[test]
fn a_tsv_is_an_incident_layer_not_a_report() {
    let dir = Dir::new();
    let tsv = dir.create(
        "a.tsv",
        "event_date\tlatitude\tlongitude\tevent_type\tlocation\n2020-05-02\t34.3482\t45.39065\tBattles\tKhanaqin\n",
    );
    let rows = near_csv(&["34.35,45.39", "--within", "5km", s(&tsv)]);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[1].contains("Khanaqin"));
    // A .txt holding a lat/lon table is a layer too; one holding prose a report.
    let txt = dir.create("b.txt", std::fs::read(&tsv).unwrap());
    assert_eq!(near_csv(&["34.35,45.39", "--within", "5km", s(&txt)]).len(), 2);
}

#[test]
fn map_refuses_a_negative_radius_with_clusters_message() {
    let dir = Dir::new();
    let csv = fixture("export", "acled_iraq_syria.csv");
    let m = incidentmap(["map", s(&examples()), "--eps-km", "-5", "-o", s(&dir.join("m"))]).run();
    m.assert_exit(2);
    let c = incidentmap(["cluster", s(&csv), "--eps-km", "-5", "-o", s(&dir.join("c"))]).run();
    c.assert_exit(2);
    assert_eq!(m.stderr(), c.stderr());
    assert!(m.stderr().contains("invalid --eps-km \"-5\""), "{}", m.stderr());
    assert!(!dir.join("m").exists(), "nothing written");
    let m = incidentmap(["map", s(&examples()), "--min-points", "0", "-o", s(&dir.join("m"))]).run();
    m.assert_exit(2);
    assert!(m.stderr().contains("--min-points"), "{}", m.stderr());
}

#[test]
fn published_and_country_reach_near_cluster_and_export() {
    let dir = Dir::new();
    // A report without a Published header: undated without --published.
    let report = dir.create("undated.txt", "Gunmen killed two farmers near Khanaqin on Friday, local police said.\n");
    let r = incidentmap(["near", "Khanaqin", "--within", "30km", s(&report)]).run();
    r.assert_exit(2);
    assert!(r.stderr().contains("no publication date"), "{}", r.stderr());
    let rows = near_csv(&["Khanaqin", "--within", "30km", "--published", "2020-05-16", s(&report)]);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows[1].contains("2020-05-15"), "Friday before the publication day: {rows:?}");
    let cl = dir.join("cl");
    incidentmap(["cluster", s(&report), "--published", "2020-05-16", "--min-points", "1", "-o", s(&cl)])
        .run()
        .assert_exit(0);
    let out = dir.join("x.csv");
    incidentmap(["export", s(&report), "--published", "2020-05-16", "--country", "IQ", "-o", s(&out)])
        .run()
        .assert_exit(0);
    assert!(std::fs::read_to_string(&out).unwrap().contains("Khanaqin"));
}

#[test]
fn near_points_equals_one_near_per_point() {
    let gpkg = mapped().join("out/layers.gpkg");
    let dir = Dir::new();
    let sites = [("k", "34.3482", "45.39065"), ("b", "33.3152", "44.3661"), ("far", "-33.9", "18.4")];
    let mut text = String::from("site_id,lat,lon\n");
    for (id, lat, lon) in sites {
        text.push_str(&format!("{id},{lat},{lon}\n"));
    }
    let file = dir.create("sites.csv", text);
    for limits in [&["--within", "60km"][..], &["--nearest", "3"][..], &["--within", "100km", "--type", "Battles"][..]]
    {
        let mut args = vec!["--points", s(&file)];
        args.extend_from_slice(limits);
        args.push(s(&gpkg));
        let many = near_csv(&args);
        let header: Vec<&str> = many[0].split(',').collect();
        assert_eq!(header[header.len() - 4..], ["site_id", "site_name", "distance_km", "bearing_deg"]);
        let mut want = Vec::new();
        for (id, lat, lon) in sites {
            let at = format!("{lat},{lon}");
            let mut args = vec![at.as_str()];
            args.extend_from_slice(limits);
            args.push(s(&gpkg));
            let one = near_csv(&args);
            // The single-point rows with the site's id and (empty) name inserted.
            for row in &one[1..] {
                let cut = row.rfind(',').and_then(|i| row[..i].rfind(',')).unwrap();
                want.push(format!("{},{id},,{}", &row[..cut], &row[cut + 1..]));
            }
        }
        assert_eq!(many[1..], want[..], "{limits:?}");
    }
}

#[test]
fn json_lines_from_extract_read_back_as_a_layer() {
    let dir = Dir::new();
    let jsonl = dir.join("inc.jsonl");
    incidentmap(["extract", s(&examples()), "--format", "jsonl", "-o", s(&jsonl)]).run().assert_exit(0);
    let csv = dir.join("inc.csv");
    incidentmap(["export", s(&jsonl), "-o", s(&csv)]).run().assert_exit(0);
    let direct = dir.join("direct.csv");
    incidentmap(["extract", s(&examples()), "--format", "csv", "-o", s(&direct)]).run().assert_exit(0);
    assert_eq!(std::fs::read(&csv).unwrap(), std::fs::read(&direct).unwrap());
}

#[test]
fn a_geopackage_with_another_crs_or_many_layers_is_refused_clearly() {
    let dir = Dir::new();
    let gpkg = mapped().join("out/layers.gpkg");
    let copy = dir.join("c.gpkg");
    std::fs::copy(&gpkg, &copy).unwrap();
    let conn = rusqlite::Connection::open(&copy).unwrap();
    // Only the registry changes: the reader must decide from it alone.
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    conn.execute("UPDATE gpkg_contents SET table_name = 'events' WHERE table_name = 'incidents'", []).unwrap();
    drop(conn);
    let r = incidentmap(["near", "Khanaqin", "--within", "30km", s(&copy)]).run();
    r.assert_exit(2);
    assert!(r.stderr().contains("feature layers") && r.stderr().contains("none is called incidents"), "{}", r.stderr());
    let mercator = dir.join("m.gpkg");
    std::fs::copy(&gpkg, &mercator).unwrap();
    let conn = rusqlite::Connection::open(&mercator).unwrap();
    conn.execute_batch(
        "PRAGMA foreign_keys = OFF;
         INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 / Pseudo-Mercator', 3857, 'EPSG', 3857, 'undefined', '');
         UPDATE gpkg_geometry_columns SET srs_id = 3857 WHERE table_name = 'incidents';",
    )
    .unwrap();
    drop(conn);
    let r = incidentmap(["export", s(&mercator), "-o", s(&dir.join("m.geojson"))]).run();
    r.assert_exit(2);
    assert!(r.stderr().contains("EPSG:3857") && r.stderr().contains("reproject"), "{}", r.stderr());
    let garbage = dir.create("g.gpkg", "not a database");
    let r = incidentmap(["near", "Khanaqin", "--within", "30km", s(&garbage)]).run();
    r.assert_exit(2);
    assert!(r.stderr().contains("not a GeoPackage"), "{}", r.stderr());
}

/// Regression (issue 19): an undated report, or one that cannot be read,
/// exited 1 and replaced every existing layer with an empty one.
#[test]
fn a_run_where_every_input_failed_replaces_nothing() {
    let dir = Dir::new();
    let out = dir.join("out");
    incidentmap(["map", s(&examples()), "-o", s(&out)]).run().assert_exit(0);
    let before = std::fs::read(out.join("incidents.geojson")).unwrap();
    let undated = dir.create("undated.txt", "Gunmen killed two farmers near Khanaqin on Friday.\n");
    let r = incidentmap(["map", s(&undated), "-o", s(&out)]).run();
    r.assert_exit(2);
    assert!(
        r.stderr().contains("nothing written: 1 failure(s)") && r.stderr().contains("no publication date"),
        "{}",
        r.stderr()
    );
    let missing = dir.join("missing.txt");
    incidentmap(["map", s(&missing), "-o", s(&out)]).run().assert_exit(2);
    let x = dir.join("x.geojson");
    std::fs::write(&x, "old").unwrap();
    incidentmap(["extract", s(&undated), "-o", s(&x)]).run().assert_exit(2);
    assert_eq!(std::fs::read(&x).unwrap(), b"old");
    assert_eq!(std::fs::read(out.join("incidents.geojson")).unwrap(), before, "the old layers are untouched");
    // One good report beside the bad one: the run goes on and says so.
    let r = incidentmap(["map", s(&undated), s(&examples().join("05_diyala_police_post.txt")), "-o", s(&out)]).run();
    r.assert_exit(1);
    assert_ne!(std::fs::read(out.join("incidents.geojson")).unwrap(), before);
}

/// Regression (issue 19): `export --lenient` with every row bad replaced an
/// existing GeoPackage with an empty one.
#[test]
fn export_with_every_row_bad_keeps_the_old_output() {
    let dir = Dir::new();
    let bad = dir.create("bad.csv", "event_date,latitude,longitude\n2020-13-01,33,44\n2020-05-01,95,44\n");
    let gpkg = dir.join("x.gpkg");
    incidentmap(["export", s(&fixture("export", "acled_iraq_syria.csv")), "-o", s(&gpkg)]).run().assert_exit(0);
    let before = std::fs::read(&gpkg).unwrap();
    let r = incidentmap(["export", s(&bad), "--lenient", "-o", s(&gpkg)]).run();
    r.assert_exit(2);
    assert!(r.stderr().contains("nothing written: 2 failure(s)"), "{}", r.stderr());
    assert_eq!(std::fs::read(&gpkg).unwrap(), before);
    assert_eq!(dir.names().len(), 2, "no temporary file left: {:?}", dir.names());
}

/// Regression (issue 19): a report dated 2099, `--published 0000-01-01`
/// and an empty report were taken (the last as "no publication date").
#[test]
fn implausible_publication_dates_and_empty_reports_are_named() {
    let dir = Dir::new();
    let future = dir.create("future.txt", "Published: 2099-01-01\n\nGunmen killed two farmers near Khanaqin.\n");
    let r = incidentmap(["extract", s(&future)]).run();
    r.assert_exit(2);
    assert!(r.stderr().contains("publication date 2099-01-01 is outside 1900-01-01.."), "{}", r.stderr());
    let plain = dir.create("plain.txt", "Gunmen killed two farmers near Khanaqin.\n");
    let r = incidentmap(["extract", s(&plain), "--published", "0000-01-01"]).run();
    r.assert_exit(2);
    assert!(r.stderr().contains("publication date 0000-01-01 is outside"), "{}", r.stderr());
    let empty = dir.create("empty.txt", "Published: 2020-05-15\n\n \n");
    let r = incidentmap(["extract", s(&empty)]).run();
    r.assert_exit(2);
    assert!(r.stderr().contains("the report is empty"), "{}", r.stderr());
}

/// Regression (issue 19): reading `/dev/zero` or an endless standard input
/// grew until the kernel killed the process.
#[test]
fn a_runaway_input_stops_at_the_size_cap() {
    let r = incidentmap(["extract", "/dev/zero", "--max-input-mb", "1"]).run();
    r.assert_exit(2);
    assert!(r.stderr().contains("/dev/zero: is larger than 1 MiB"), "{}", r.stderr());
    let r = incidentmap(["near", "0,0", "-", "--max-input-mb", "1"]).stdin(vec![b' '; 3 << 20]).run();
    r.assert_exit(2);
    assert!(r.stderr().contains("-: is larger than 1 MiB") && r.stderr().contains("--max-input-mb"), "{}", r.stderr());
    assert_eq!(incidentmap(["extract", "/dev/null", "--max-input-mb", "0"]).run().code(), Some(2));
}

/// Regression (issue 19): Ctrl-C, SIGTERM and SIGKILL left `.tmp` files
/// behind, never cleaned up. SIGTERM now removes them and replaces nothing.
#[cfg(unix)]
#[test]
fn sigterm_removes_temporary_files_and_replaces_nothing() {
    let dir = Dir::new();
    let mut csv = String::from("event_date,latitude,longitude,notes\n");
    for i in 0..300_000 {
        csv.push_str(&format!("2020-05-{:02},{}.5,{}.25,row {i}\n", i % 28 + 1, i % 80, i % 170));
    }
    let big = dir.create("big.csv", csv);
    let out = dir.create("out.geojson", "old");
    let mut child = std::process::Command::new(crate::util::BIN)
        .args(["export", s(&big), "-o", s(&out)])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for its temporary file, then stop it.
    let t0 = std::time::Instant::now();
    let temp = || dir.names().into_iter().find(|n| n.starts_with(".out.geojson.") && n.ends_with(".tmp"));
    while temp().is_none() && t0.elapsed() < std::time::Duration::from_secs(20) {
        if child.try_wait().unwrap().is_some() {
            panic!("the export finished before it could be interrupted; make the input larger");
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(temp().is_some(), "no temporary file appeared");
    let killed = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read(&out).unwrap(), b"old");
    assert_eq!(temp(), None, "temporary file left: {:?}", dir.names());
}

/// Regression (issue 19): counts beyond any single event were dropped or
/// truncated without a word; now they are kept as the report gives them and
/// flagged in `notes`, and ordinary counts are not.
#[test]
fn implausible_counts_are_kept_and_flagged() {
    let dir = Dir::new();
    let report = dir.create(
        "toll.txt",
        "Published: 2020-05-15\n\nGunmen killed 250000 civilians in Khanaqin on Monday.\n\n\
         Gunmen killed 25 civilians in Kirkuk on Monday.\n",
    );
    let r = incidentmap(["extract", s(&report), "-o", "-"]).run();
    r.assert_exit(0);
    let fc = r.stdout_json();
    let feats = fc["features"].as_array().unwrap();
    let by_count = |n: u64| feats.iter().find(|f| f["properties"]["fatalities"] == n).unwrap_or_else(|| panic!("{fc}"));
    let notes = by_count(250_000)["properties"]["notes"].as_str().unwrap().to_string();
    assert!(notes.contains("[check: 250000 killed"), "{notes}");
    let notes = by_count(25)["properties"]["notes"].as_str().unwrap().to_string();
    assert!(!notes.contains("[check"), "{notes}");
}

/// Regression (issue 19): an OS error was printed twice ("...: No such
/// file or directory (os error 2): No such file or directory (os error 2)").
#[test]
fn an_os_error_is_said_once() {
    let dir = Dir::new();
    let r = incidentmap(["export", s(&dir.join("missing.csv")), "-o", s(&dir.join("x.geojson"))]).run();
    r.assert_exit(2);
    assert_eq!(r.stderr().matches("No such file or directory").count(), 1, "{}", r.stderr());
    assert!(r.stderr().contains("missing.csv"), "{}", r.stderr());
}

/// Issue 19: one flag name for skipping or stopping at bad records, on
/// every command; the older `--strict` and `--lenient` still work.
#[test]
fn on_error_is_one_flag_across_commands() {
    let dir = Dir::new();
    let bad = dir.create("rows.csv", "event_date,latitude,longitude\n2020-05-15,33.3,44.4\n2020-05-15,999,44.4\n");
    let out = dir.join("x.geojson");
    // export stops by default, skips with --on-error skip (or --lenient).
    incidentmap(["export", s(&bad), "-o", s(&out)]).run().assert_exit(2);
    for flag in [&["--on-error", "skip"][..], &["--lenient"]] {
        incidentmap(["export", s(&bad), "-o", s(&out)]).args(flag).run().assert_exit(1);
        assert_eq!(read_json(&out)["features"].as_array().unwrap().len(), 1);
    }
    // extract skips a bad report by default and stops with --on-error stop (or --strict).
    let good = dir.create("good.txt", "Published: 2020-05-15\n\nGunmen killed two farmers near Khanaqin on Friday.\n");
    let empty = dir.create("empty.txt", "");
    incidentmap(["extract", s(&good), s(&empty), "-o", s(&out)]).run().assert_exit(1);
    for flag in ["--strict", "--on-error=stop"] {
        incidentmap(["extract", s(&good), s(&empty), "-o", s(&out), flag]).run().assert_exit(2);
    }
    for cmd in ["map", "extract", "geoparse", "export", "near", "cluster"] {
        let help = incidentmap([cmd, "--help"]).run().stdout();
        assert!(help.contains("--on-error"), "{cmd} --help lacks --on-error");
        assert!(!help.contains("--strict") && !help.contains("--lenient"), "{cmd}: the old flags are hidden");
    }
    let r = incidentmap(["export", s(&bad), "-o", s(&out), "--strict", "--on-error", "skip"]).run();
    r.assert_exit(2);
}
