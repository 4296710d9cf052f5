//! Runs `incidentmap cluster` on small CSV files and checks the three layers.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::util::{Dir, Run, incidentmap, read_json, s};

/// Two groups of incidents: five around Khanaqin (one at an admin-area
/// centre, precision 3), four on the antimeridian in Fiji; plus a lone
/// incident in Baghdad.
fn fixture(dir: &Dir) -> PathBuf {
    let mut s = String::from(
        "event_id_cnty,event_date,event_type,actor1,latitude,longitude,geo_precision,fatalities,admin1,location\n",
    );
    let rows = [
        ("IRQ1", "2024-05-01", "Battles", "Islamic State (Iraq)", 34.3482, 45.39065, 1, 3),
        ("IRQ2", "2024-05-03", "Battles", "Islamic State (Iraq)", 34.3482, 45.39065, 1, 0),
        ("IRQ3", "2024-05-20", "Riots", "Rioters (Iraq)", 34.36, 45.40, 1, 1),
        ("IRQ4", "2024-05-21", "Battles", "Popular Mobilization Forces", 34.34, 45.41, 2, 0),
        ("IRQ5", "2024-05-21", "Battles", "", 34.35, 45.38, 3, 0),
        ("FJI1", "2024-01-01", "Protests", "Protesters (Fiji)", -16.43, 179.99, 1, 0),
        ("FJI2", "2024-01-02", "Protests", "Protesters (Fiji)", -16.44, -179.99, 1, 0),
        ("FJI3", "2024-01-03", "Protests", "Protesters (Fiji)", -16.42, -179.995, 1, 0),
        ("FJI4", "2024-01-04", "Protests", "Protesters (Fiji)", -16.43, 179.995, 1, 2),
        ("BGD1", "2024-01-04", "Protests", "Protesters (Iraq)", 33.3152, 44.3661, 1, 0),
    ];
    for (id, d, t, a, lat, lon, prec, f) in rows {
        writeln!(s, "{id},{d},{t},{a},{lat},{lon},{prec},{f},Somewhere,{id} town").unwrap();
    }
    dir.create("incidents.csv", s)
}

/// `incidentmap cluster FILE --eps-km 5 --min-points 3 EXTRA... -o OUT`.
fn cluster(f: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["cluster", s(f), "--eps-km", "5", "--min-points", "3"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["-o", s(out)]);
    incidentmap(args).run()
}

#[test]
fn writes_three_layers() {
    let dir = Dir::new();
    let f = fixture(&dir);
    let out = dir.join("out");
    cluster(&f, &out, &[]).assert_exit(0);

    let clusters = read_json(&out.join("clusters.geojson"));
    assert_eq!(clusters["type"], "FeatureCollection");
    let cs = clusters["features"].as_array().unwrap();
    assert_eq!(cs.len(), 2);
    // Numbered south to north: Fiji first.
    let fiji = &cs[0]["properties"];
    assert_eq!(fiji["cluster_id"], 1);
    assert_eq!(fiji["count"], 4);
    assert_eq!(fiji["distinct_locations"], 4);
    assert_eq!(fiji["fatalities"], 2);
    assert_eq!(fiji["first_date"], "2024-01-01");
    assert_eq!(fiji["last_date"], "2024-01-04");
    assert_eq!(fiji["event_type"], "Protests");
    assert_eq!(fiji["actor"], "Protesters (Fiji)");
    // The box crosses the antimeridian: west > east.
    let (w, e) = (fiji["bbox_west"].as_f64().unwrap(), fiji["bbox_east"].as_f64().unwrap());
    assert_eq!((w, e), (179.99, -179.99));
    let c = cs[0]["geometry"]["coordinates"].as_array().unwrap();
    assert!(c[0].as_f64().unwrap().abs() > 179.9, "centroid on the antimeridian, lon first");
    assert!((c[1].as_f64().unwrap() + 16.43).abs() < 0.01);

    let iraq = &cs[1]["properties"];
    // IRQ5 (precision 3, admin-area centre) is left out by default.
    assert_eq!(iraq["count"], 4);
    assert_eq!(iraq["distinct_locations"], 3);
    assert_eq!(iraq["fatalities"], 4);
    assert_eq!(iraq["event_type"], "Battles");
    assert_eq!(iraq["actor"], "Islamic State (Iraq)");

    let areas = read_json(&out.join("cluster_areas.geojson"));
    let polys = areas["features"].as_array().unwrap();
    assert_eq!(polys.len(), 2);
    // Fiji's hull crosses the antimeridian: two parts cut at ±180 (RFC 7946
    // §3.1.9), one on each side; Iraq's is one Polygon.
    assert_eq!(polys[0]["geometry"]["type"], "MultiPolygon");
    let parts = polys[0]["geometry"]["coordinates"].as_array().unwrap();
    assert_eq!(parts.len(), 2);
    let mut sides = Vec::new();
    for part in parts {
        let ring = part[0].as_array().unwrap();
        assert!(ring.len() >= 4);
        assert_eq!(ring.first(), ring.last(), "closed ring");
        let lons: Vec<f64> = ring.iter().map(|c| c[0].as_f64().unwrap()).collect();
        assert!(lons.iter().all(|l| *l >= 179.9) || lons.iter().all(|l| *l <= -179.9), "{lons:?}");
        assert!(lons.iter().any(|l| l.abs() == 180.0), "touches the seam: {lons:?}");
        sides.push(lons[0] > 0.0);
    }
    assert_ne!(sides[0], sides[1]);
    assert_eq!(polys[1]["geometry"]["type"], "Polygon");
    let ring = polys[1]["geometry"]["coordinates"][0].as_array().unwrap();
    assert!(ring.len() >= 4);
    assert_eq!(ring.first(), ring.last(), "closed ring");

    let incs = read_json(&out.join("incidents.geojson"));
    let fs = incs["features"].as_array().unwrap();
    assert_eq!(fs.len(), 10);
    let by_id = |id: &str| fs.iter().find(|f| f["properties"]["event_id"] == id).unwrap()["properties"].clone();
    assert_eq!(by_id("FJI2")["cluster_id"], 1);
    assert_eq!(by_id("IRQ1")["cluster_id"], 2);
    assert!(by_id("IRQ5")["cluster_id"].is_null());
    assert!(by_id("BGD1")["cluster_id"].is_null());
    assert_eq!(by_id("IRQ1")["event_date"], "2024-05-01");
}

#[test]
fn all_includes_admin_centroids_and_max_days_splits() {
    let dir = Dir::new();
    let f = fixture(&dir);
    let out = dir.join("all");
    cluster(&f, &out, &["--all"]).assert_exit(0);
    let cs = read_json(&out.join("clusters.geojson"));
    assert_eq!(cs["features"][1]["properties"]["count"], 5);

    // Within 3 days: IRQ1/IRQ2 (2 days apart) are only 2, IRQ3/4 only 2:
    // with min 3 nothing in Iraq clusters; Fiji's daily events still do.
    let out = dir.join("st");
    cluster(&f, &out, &["--max-days", "3"]).assert_exit(0);
    let cs = read_json(&out.join("clusters.geojson"));
    let feats = cs["features"].as_array().unwrap();
    assert_eq!(feats.len(), 1);
    assert_eq!(feats[0]["properties"]["count"], 4);
}

#[test]
fn concave_flag_and_bad_parameters() {
    let dir = Dir::new();
    let f = fixture(&dir);
    let out = dir.join("cc");
    cluster(&f, &out, &["--concave"]).assert_exit(0);
    assert_eq!(read_json(&out.join("cluster_areas.geojson"))["features"].as_array().unwrap().len(), 2);
    for bad in [["--eps-km", "-1"], ["--min-points", "0"]] {
        incidentmap(["cluster", s(&f), "-o", s(&out)]).args(bad).run().assert_exit(2);
    }
}
