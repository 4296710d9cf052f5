//! `incidentmap export` run as a real process on fixture files.

use std::path::PathBuf;

use incidentmap::input::{ReadOptions, read_incidents};

use crate::util::{Dir, Run, incidentmap, s};

fn fixture(name: &str) -> PathBuf {
    crate::util::fixture("export", name)
}

fn run(args: &[&str]) -> Run {
    incidentmap(args).run()
}

#[test]
fn converts_through_every_format_without_loss() {
    let dir = Dir::new();
    let src = fixture("acled_iraq_syria.csv");
    let want = read_incidents(&src, &ReadOptions::default()).unwrap().incidents;
    assert_eq!(want.len(), 8);
    let mut prev = src;
    // CSV -> GeoJSON -> GeoJSONSeq -> CSV, each read back equal.
    for name in ["a.geojson", "b.geojsonl", "c.csv", "d.json", "e.geojsons"] {
        let out = dir.join(name);
        run(&["export", s(&prev), "-o", s(&out)]).assert_exit(0);
        let got = read_incidents(&out, &ReadOptions::default()).unwrap().incidents;
        assert_eq!(got, want, "{name}");
        prev = out;
    }
    let gpkg = dir.join("f.gpkg");
    run(&["export", s(&prev), "-o", s(&gpkg)]).assert_exit(0);
    let c = rusqlite::Connection::open(&gpkg).unwrap();
    let n: i64 = c.query_row("SELECT count(*) FROM incidents", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 8);
}

#[test]
fn bad_row_fails_and_leaves_existing_output_byte_for_byte() {
    let dir = Dir::new();
    let bad = fixture("bad_rows.csv");
    for name in ["out.geojson", "out.csv", "out.gpkg"] {
        let out = dir.create(name, b"previous contents\n");
        let o = run(&["export", s(&bad), "-o", s(&out)]);
        o.assert_exit(2);
        let err = o.stderr();
        assert!(err.contains("bad_rows.csv:3: latitude 133.7466 is outside -90..90"), "{err}");
        assert_eq!(std::fs::read(&out).unwrap(), b"previous contents\n", "{name}");
    }
    assert_eq!(dir.names().len(), 3, "no temporary files left behind");
}

#[test]
fn lenient_skips_reports_and_exits_1() {
    let dir = Dir::new();
    let out = dir.join("out.csv");
    let o = run(&["export", s(&fixture("bad_rows.csv")), "-o", s(&out), "--lenient"]);
    o.assert_exit(1);
    let err = o.stderr();
    assert!(err.contains("skipped 3 record(s)"), "{err}");
    assert!(err.contains("bad_rows.csv:4: event_date \"2021-13-02\" is not a date"), "{err}");
    assert!(err.contains("bad_rows.csv:6: fatalities -2 is negative"), "{err}");
    let got = read_incidents(&out, &ReadOptions::default()).unwrap().incidents;
    let ids: Vec<&str> = got.iter().map(|i| i.event_id.as_str()).collect();
    assert_eq!(ids, ["ok1", "ok2"]);
}

#[test]
fn stdin_to_stdout_as_geojson_text_sequence() {
    let csv = std::fs::read(fixture("acled_iraq_syria.csv")).unwrap();
    let o = incidentmap(["export", "-", "-o", "-", "--format", "geojsonseq"]).stdin(csv).run();
    o.assert_exit(0);
    let texts: Vec<&[u8]> = o.stdout_bytes().split(|&b| b == 0x1E).skip(1).collect();
    assert_eq!(texts.len(), 8);
    for t in texts {
        let v: serde_json::Value = serde_json::from_slice(t).unwrap();
        assert_eq!(v["geometry"]["type"], "Point");
    }
}

#[test]
fn stdout_needs_a_format_and_gpkg_needs_a_file() {
    let src = fixture("acled_iraq_syria.csv");
    let o = run(&["export", s(&src), "-o", "-"]);
    o.assert_exit(2);
    assert!(o.stderr().contains("needs --format"));
    run(&["export", s(&src), "-o", "-", "--format", "gpkg"]).assert_exit(2);
    let o = run(&["export", s(&src), "-o", "out.xyz"]);
    o.assert_exit(2);
    assert!(o.stderr().contains("cannot tell the output format"));
}

#[test]
fn several_inputs_are_renumbered() {
    let dir = Dir::new();
    let out = dir.join("all.geojson");
    let src = fixture("acled_iraq_syria.csv");
    let gj = fixture("incidents_iraq_syria.geojson");
    run(&["export", s(&src), s(&gj), "-o", s(&out)]).assert_exit(0);
    let got = read_incidents(&out, &ReadOptions::default()).unwrap().incidents;
    let ids: Vec<u64> = got.iter().map(|i| i.id).collect();
    assert_eq!(ids, (1..=16).collect::<Vec<u64>>());
}

#[test]
fn lenient_reports_an_unreadable_input_and_converts_the_rest() {
    let dir = Dir::new();
    let out = dir.join("out.geojson");
    let missing = dir.join("missing.csv");
    let src = fixture("acled_iraq_syria.csv");
    let o = run(&["export", s(&missing), s(&src), "-o", s(&out), "--lenient"]);
    o.assert_exit(1);
    assert!(o.stderr().contains("missing.csv"));
    let got = read_incidents(&out, &ReadOptions::default()).unwrap().incidents;
    assert_eq!(got.len(), 8);
    // Strict: the same run is an error and writes nothing.
    let out2 = dir.join("strict.geojson");
    run(&["export", s(&missing), s(&src), "-o", s(&out2)]).assert_exit(2);
    assert!(!out2.exists());
}

/// Found by fuzzing (fuzz/ target `gpkg`): a damaged GeoPackage whose
/// column name is not UTF-8 made rusqlite panic inside the reader.
#[test]
fn a_geopackage_column_name_that_is_not_utf8_is_an_error_not_a_panic() {
    let dir = Dir::new();
    let out = dir.create("out.geojson", b"previous contents\n");
    let o = run(&["export", s(&fixture("non_utf8_column.gpkg")), "-o", s(&out)]);
    o.assert_exit(2);
    let err = o.stderr();
    assert!(err.contains("non_utf8_column.gpkg: layer incidents: column 6 has a name that is not UTF-8"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), b"previous contents\n");
}
