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

/// Seeded incidents with explicit ids, in groups around Diyala and across
/// the antimeridian in Fiji, spread over 2024: (id, date, lat, lon).
fn seeded(n: usize) -> Vec<(usize, String, f64, f64)> {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    (1..=n)
        .map(|id| {
            let (lat, lon) = if id % 3 == 0 {
                let lon = 179.6 + next() * 0.8;
                (-16.6 + next() * 0.6, if lon > 180.0 { lon - 360.0 } else { lon })
            } else {
                (33.6 + next() * 1.2, 44.6 + next() * 1.4)
            };
            let date = format!("2024-{:02}-{:02}", 1 + (next() * 12.0) as u32, 1 + (next() * 28.0) as u32);
            (id, date, lat, lon)
        })
        .collect()
}

fn seeded_csv(dir: &Dir, name: &str, rows: &[&(usize, String, f64, f64)]) -> PathBuf {
    let mut s = String::from("id,event_date,event_type,latitude,longitude,geo_precision\n");
    for (id, d, lat, lon) in rows {
        writeln!(s, "{id},{d},Battles,{lat:.5},{lon:.5},1").unwrap();
    }
    dir.create(name, s)
}

/// The three layers of a `cluster` output, `None` for one not written.
fn layers(out: &Path) -> Vec<Option<serde_json::Value>> {
    ["incidents.geojson", "clusters.geojson", "cluster_areas.geojson"]
        .iter()
        .map(|f| out.join(f))
        .map(|p| p.exists().then(|| read_json(&p)))
        .collect()
}

#[test]
fn a_filtered_cluster_equals_clustering_the_prefiltered_file() {
    let dir = Dir::new();
    let rows = seeded(3000);
    let all: Vec<_> = rows.iter().collect();
    let f = seeded_csv(&dir, "all.csv", &all);
    let args = |out: &Path, input: &Path, extra: &[&str]| {
        let mut a = vec!["cluster", s(input), "--eps-km", "4", "--min-points", "4"];
        a.extend_from_slice(extra);
        a.extend_from_slice(&["-o", s(out)]);
        incidentmap(a).run().assert_exit(0);
        layers(out)
    };
    let unfiltered = args(&dir.join("unfiltered"), &f, &[]);
    type Keep = fn(&str, f64, f64) -> bool;
    let cases: [(&[&str], Keep); 4] = [
        (&["--bbox", "44.8,33.7,45.6,34.5", "--from", "2024-03-01", "--to", "2024-08-31"], |d, lat, lon| {
            (33.7..=34.5).contains(&lat) && (44.8..=45.6).contains(&lon) && ("2024-03-01"..="2024-08-31").contains(&d)
        }),
        // Across the antimeridian: 179.8 to 180 and -180 to -179.9.
        (&["--bbox", "179.8,-16.5,-179.9,-16.1"], |_, lat, lon| {
            (-16.5..=-16.1).contains(&lat) && (lon >= 179.8 || lon <= -179.9)
        }),
        (&["--from", "2024-10-01"], |d, _, _| d >= "2024-10-01"),
        (&["--to", "2024-02-15"], |d, _, _| d <= "2024-02-15"),
    ];
    for (i, (extra, keep)) in cases.iter().enumerate() {
        let subset: Vec<_> = rows.iter().filter(|(_, d, lat, lon)| keep(d, *lat, *lon)).collect();
        assert!(subset.len() > 50 && subset.len() < rows.len() / 2, "{extra:?}: {} incidents", subset.len());
        let pre = seeded_csv(&dir, &format!("subset{i}.csv"), &subset);
        let filtered = args(&dir.join(format!("filtered{i}")), &f, extra);
        let expected = args(&dir.join(format!("expected{i}")), &pre, &[]);
        let n = |l: &[Option<serde_json::Value>], k: usize| {
            l[k].as_ref().map_or(0, |v| v["features"].as_array().unwrap().len())
        };
        assert_eq!(n(&filtered, 0), subset.len(), "{extra:?}");
        assert!(n(&filtered, 1) > 0, "{extra:?}: no clusters");
        assert_eq!(filtered, expected, "{extra:?}");
        assert_ne!(filtered, unfiltered, "{extra:?}");
    }
}

#[test]
fn bad_subset_arguments_are_refused_by_name() {
    let dir = Dir::new();
    let f = fixture(&dir);
    let out = dir.join("out");
    let o = cluster(&f, &out, &["--from", "2024-05-02", "--to", "2024-05-01"]);
    o.assert_exit(2);
    assert!(o.stderr().contains("--from") && o.stderr().contains("is after --to 2024-05-01"), "{}", o.stderr());
    let o = cluster(&f, &out, &["--bbox", "44,35,46,34"]);
    o.assert_exit(2);
    assert!(o.stderr().contains("SOUTH <= NORTH"), "{}", o.stderr());
    let o = cluster(&f, &out, &["--from", "May"]);
    o.assert_exit(2);
    assert!(o.stderr().contains("is not a date"), "{}", o.stderr());
    assert!(!out.exists(), "nothing written");
}
