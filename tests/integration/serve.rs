//! `serve` as QGIS, GDAL and scripts see it: the real binary on
//! 127.0.0.1:0, its URL read from the first line it prints, queried over
//! HTTP. Answers are checked against `export` and `near` on the same file,
//! and GDAL's own OGC API - Features driver reads the examples' incidents.
//! Each test's server is killed when its guard drops.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use crate::util::{BIN, Dir, examples, fixture, incidentmap, s};

/// A running `incidentmap serve`, killed on drop.
pub struct Served {
    child: Child,
    /// Its URL, without the final `/`.
    pub url: String,
    http: reqwest::blocking::Client,
}

impl Served {
    /// Serves `inputs` titled `Test <incidents>` (a title that must be escaped).
    pub fn start(inputs: &[&str]) -> Served {
        Served::start_titled(inputs, "Test <incidents>")
    }

    pub fn start_titled(inputs: &[&str], title: &str) -> Served {
        let mut child = Command::new(BIN)
            .arg("serve")
            .args(inputs)
            .args(["--bind", "127.0.0.1:0", "--title", title])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start incidentmap serve");
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
        if first.is_empty() {
            let mut err = String::new();
            child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
            panic!("serve printed no URL; stderr:\n{err}");
        }
        let url = first.trim().trim_end_matches('/').to_string();
        assert!(url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"), "{url}");
        // reqwest is built without a default TLS provider; plain HTTP still
        // needs one installed to build a client.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::blocking::Client::builder().no_proxy().build().unwrap();
        Served { child, url, http }
    }

    pub fn get(&self, path: &str) -> reqwest::blocking::Response {
        self.http.get(format!("{}{path}", self.url)).send().unwrap()
    }

    pub fn json(&self, path: &str) -> Value {
        let r = self.get(path);
        assert_eq!(r.status(), 200, "{path}");
        body_json(r)
    }

    /// The feature ids of a page of items.
    fn ids(&self, path: &str) -> BTreeSet<u64> {
        ids(&self.json(path))
    }

    fn port(&self) -> &str {
        self.url.rsplit(':').next().unwrap()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn body_json(r: reqwest::blocking::Response) -> Value {
    serde_json::from_slice(&r.bytes().unwrap()).expect("a JSON body")
}

fn ids(fc: &Value) -> BTreeSet<u64> {
    fc["features"].as_array().unwrap().iter().map(|f| f["id"].as_u64().unwrap()).collect()
}

fn layer() -> String {
    s(&fixture("serve", "incidents.csv")).to_string()
}

/// What `near` gives on the fixture with these arguments (all incidents
/// measured from 0,0 that pass its filters), as ids.
fn near_ids(args: &[&str]) -> BTreeSet<u64> {
    let mut all = vec!["near", "0,0", layer().leak() as &str, "--format", "json"];
    all.extend_from_slice(args);
    let run = incidentmap(&all).run();
    run.assert_exit(0);
    run.stdout_json_lines().iter().map(|v| v["id"].as_u64().unwrap()).collect()
}

#[test]
fn items_equal_export_and_near_with_each_filter() {
    let srv = Served::start(&[&layer()]);
    let dir = Dir::new();
    let out = dir.join("all.geojson");
    incidentmap(["export", &layer(), "-o", s(&out)]).run().assert_exit(0);
    let exported = crate::util::read_json(&out);
    let all = srv.json("/collections/incidents/items?limit=10000");
    assert_eq!(all["numberMatched"], 12);
    assert_eq!(all["features"], exported["features"], "served features are the exported ones");
    // bbox across the antimeridian (minx > maxx), a plain bbox, dates, filters.
    let cases: [(&str, Vec<&str>); 7] = [
        ("bbox=170,-20,-170,-10", vec!["--bbox", "170,-20,-170,-10"]),
        ("bbox=44,33,46,35", vec!["--bbox", "44,33,46,35"]),
        ("datetime=2021-02-14", vec!["--from", "2021-02-14", "--to", "2021-02-14"]),
        ("datetime=2021-02-01/2021-04-02", vec!["--from", "2021-02-01", "--to", "2021-04-02"]),
        ("datetime=../2021-03-01", vec!["--to", "2021-03-01"]),
        ("datetime=2021-04-30T12:00:00Z/..", vec!["--from", "2021-04-30"]),
        ("event_type=battles&fatalities=4", vec!["--type", "Battles", "--min-fatalities", "4"]),
    ];
    for (q, args) in cases {
        let served = srv.ids(&format!("/collections/incidents/items?{q}"));
        let expected = near_ids(&args);
        assert!(!expected.is_empty(), "{q}: the case must select something");
        assert_eq!(served, expected, "{q}");
    }
    assert_eq!(srv.ids("/collections/incidents/items?bbox=170,-20,-170,-10").len(), 2);
    // Equality filters against the exported records.
    let by = |k: &str, v: &str| -> BTreeSet<u64> {
        exported["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["properties"][k].as_str().unwrap().eq_ignore_ascii_case(v))
            .map(|f| f["id"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(srv.ids("/collections/incidents/items?admin1=diyala"), by("admin1", "Diyala"));
    assert_eq!(by("admin1", "Diyala").len(), 3);
    assert_eq!(
        srv.ids("/collections/incidents/items?actor1=Islamic%20State%20(Iraq)"),
        by("actor1", "Islamic State (Iraq)")
    );
    // One feature by id, with its ETag honoured.
    let one = srv.get("/collections/incidents/items/5");
    assert_eq!(one.headers()["content-type"], "application/geo+json");
    let etag = one.headers()["etag"].to_str().unwrap().to_string();
    let f: Value = body_json(one);
    assert_eq!(f["properties"]["event_id"], "s05");
    let again = srv.http.get(format!("{}/collections/incidents/items/5", srv.url)).header("If-None-Match", &etag);
    assert_eq!(again.send().unwrap().status(), 304);
}

#[test]
fn paging_walks_next_links_to_every_item_once() {
    let srv = Served::start(&[&layer()]);
    let mut url = format!("{}/collections/incidents/items?limit=5&datetime=2021-01-01/..", srv.url);
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page: Value = body_json(srv.http.get(&url).send().unwrap());
        assert_eq!(page["numberMatched"], 12);
        assert_eq!(page["numberReturned"].as_u64().unwrap() as usize, page["features"].as_array().unwrap().len());
        let rels: Vec<&str> = page["links"].as_array().unwrap().iter().map(|l| l["rel"].as_str().unwrap()).collect();
        assert_eq!(rels.contains(&"prev"), pages > 0, "{rels:?}");
        seen.extend(ids(&page));
        pages += 1;
        match page["links"].as_array().unwrap().iter().find(|l| l["rel"] == "next") {
            Some(next) => url = next["href"].as_str().unwrap().to_string(),
            None => break,
        }
        assert!(url.contains("datetime=2021-01-01") && url.contains("limit=5"), "{url}");
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, (1..=12).collect::<Vec<u64>>());
    let past = srv.json("/collections/incidents/items?offset=50");
    assert_eq!((past["numberMatched"].as_u64(), past["numberReturned"].as_u64()), (Some(12), Some(0)));
}

#[test]
fn bad_parameters_get_400_naming_them_and_resources_are_negotiated() {
    let srv = Served::start(&[&layer()]);
    for (q, param) in [
        ("bbox=1,2,3", "bbox"),
        ("bbox=0,5,1,4", "bbox"),
        ("limit=0", "limit"),
        ("limit=ten", "limit"),
        ("offset=-1", "offset"),
        ("datetime=yesterday", "datetime"),
        ("datetime=2021-05-01/2021-04-01", "datetime"),
        ("fatalities=many", "fatalities"),
        ("colour=red", "colour"),
        ("f=xml", "f"),
        ("crs=EPSG:3857", "crs"),
    ] {
        let r = srv.get(&format!("/collections/incidents/items?{q}"));
        assert_eq!(r.status(), 400, "{q}");
        assert_eq!(r.headers()["content-type"], "application/json");
        let e: Value = body_json(r);
        assert_eq!(e["code"], "InvalidParameterValue", "{q}");
        assert!(e["description"].as_str().unwrap().contains(&format!("\"{param}\"")), "{q}: {e}");
    }
    assert_eq!(srv.get("/collections/nope/items").status(), 404);
    assert_eq!(srv.get("/collections/incidents/items/999").status(), 404);
    assert_eq!(srv.get("/../../etc/passwd").status(), 404);
    assert_eq!(srv.get("/collections/..%2F..%2FCargo.toml").status(), 404);
    let post = srv.http.post(format!("{}/collections", srv.url)).body("x").send().unwrap();
    assert_eq!(post.status(), 413);
    let del = srv.http.delete(format!("{}/collections", srv.url)).send().unwrap();
    assert_eq!(del.status(), 405);
    // Landing page, conformance, collections, queryables; JSON and HTML.
    let landing = srv.get("/");
    assert_eq!(landing.headers()["access-control-allow-origin"], "*");
    let landing: Value = body_json(landing);
    // QGIS opens no layer from a landing page without its API definition.
    let desc = landing["links"].as_array().unwrap().iter().find(|l| l["rel"] == "service-desc").expect("service-desc");
    assert_eq!(desc["href"], format!("{}/api", srv.url));
    assert_eq!(desc["type"], "application/vnd.oai.openapi+json;version=3.0");
    assert_eq!(landing["title"], "Test <incidents>");
    let api = srv.get("/api");
    assert_eq!(api.headers()["content-type"], "application/vnd.oai.openapi+json;version=3.0");
    let api: Value = body_json(api);
    assert_eq!(api["components"]["parameters"]["limit"]["schema"]["maximum"], 10_000);
    assert!(api["paths"]["/collections/{collectionId}/items"].is_object(), "{api}");
    let conf = srv.json("/conformance");
    assert!(conf["conformsTo"].as_array().unwrap().iter().any(|c| c.as_str().unwrap().ends_with("/conf/core")));
    let cols = srv.json("/collections");
    let names: Vec<&str> = cols["collections"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(names, ["incidents", "clusters", "admin1"]);
    let inc = srv.json("/collections/incidents");
    assert_eq!(inc["extent"]["temporal"]["interval"][0][0], "2021-01-03T00:00:00Z");
    let q = srv.json("/collections/incidents/queryables");
    assert_eq!(q["properties"]["fatalities"]["type"], "integer");
    let html = srv.http.get(format!("{}/collections/incidents/items?limit=2", srv.url)).header("Accept", "text/html");
    let html = html.send().unwrap();
    assert_eq!(html.headers()["content-type"], "text/html; charset=utf-8");
    let text = html.text().unwrap();
    assert!(text.contains("<table>") && text.contains("Muqdadiyah"), "{text}");
    let page = srv.get("/?f=html").text().unwrap();
    assert!(page.contains("Test &lt;incidents&gt;") && !page.contains("<incidents>"), "{page}");
}

/// Runs `ogrinfo` on the server; fails by name without GDAL.
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
    assert!(!stderr.contains("ERROR"), "ogrinfo {args:?} complained:\n{stderr}");
    stdout
}

/// The `name: Type (w.p)` field lines of an `ogrinfo -so` summary.
fn field_lines(summary: &str) -> Vec<String> {
    let start = summary.lines().position(|l| l.starts_with("id: ") || l.starts_with("FID Column")).unwrap_or(0);
    summary.lines().skip(start).filter(|l| l.contains(": ") && l.contains(" (")).map(str::to_string).collect()
}

#[test]
fn gdal_oapif_lists_the_collections_and_reads_every_example_incident() {
    let dir = Dir::new();
    incidentmap(["map", s(&examples()), "-o", s(dir.path())]).run().assert_exit(0);
    let file = dir.join("incidents.geojson");
    let expected = crate::util::read_json(&file)["features"].as_array().unwrap().len();
    assert!(expected >= 30, "the examples give {expected} incidents");
    let srv = Served::start(&[s(&examples())]);
    let conn = format!("OAPIF:{}", srv.url);
    let list = ogrinfo(&["-ro", "-q", &conn]);
    for name in ["incidents", "clusters", "admin1"] {
        assert!(list.lines().any(|l| l.contains(&format!(": {name} "))), "{name} not listed:\n{list}");
    }
    let summary = ogrinfo(&["-ro", "-al", "-so", &conn, "incidents"]);
    assert!(summary.contains("event_date: Date"), "{summary}");
    assert!(summary.contains("fatalities: Integer"), "{summary}");
    let from_file = ogrinfo(&["-ro", "-al", "-so", s(&file)]);
    assert_eq!(field_lines(&summary), field_lines(&from_file), "OAPIF and incidents.geojson field types");
    // Every feature, read through GDAL's own paging.
    let all = ogrinfo(&["-ro", "-al", &conn, "incidents"]);
    assert_eq!(all.matches("OGRFeature(incidents)").count(), expected, "port {}", srv.port());
}

/// Runs `tests/qgis/check_oapif.py` (QGIS's own OAPIF provider, through
/// PyQGIS) on the server with these expected counts; its exit status and
/// report.
fn check_oapif(srv: &Served, expect: &[(&str, usize)], extra: &[&str]) -> (bool, String) {
    let mut cmd = Command::new(crate::qgis::PYTHON);
    cmd.arg(crate::util::root().join("tests/qgis/check_oapif.py")).arg(&srv.url);
    for (name, n) in expect {
        cmd.args(["--expect", &format!("{name}={n}")]);
    }
    // Around Baghdad and Diyala: some incidents, clusters and provinces.
    cmd.args(["--bbox", "44,33,45,34.5"]).args(extra).env("QT_QPA_PLATFORM", "offscreen");
    let out = cmd.output().expect("run check_oapif.py");
    let report = format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), report)
}

/// QGIS desktop's OGC API - Features provider (the layer the Add WFS / OGC
/// API - Features Layer dialog adds) opens every collection valid, in
/// EPSG:4326, with the counts and field types of the files `map` writes
/// from the same reports, and asks the server for a box with the answer
/// `/items?bbox=` gives. Before the landing page linked an OpenAPI
/// definition (`service-desc`, `/api`), QGIS refused every layer.
#[test]
fn qgis_oapif_provider_opens_every_collection_with_the_counts_and_types_of_map() {
    let test = "qgis_oapif_provider_opens_every_collection_with_the_counts_and_types_of_map";
    if !crate::qgis::have_qgis(test) {
        return;
    }
    let dir = Dir::new();
    incidentmap(["map", s(&examples()), "-o", s(dir.path())]).run().assert_exit(0);
    let count =
        |name: &str| crate::util::read_json(&dir.join(format!("{name}.geojson")))["features"].as_array().unwrap().len();
    let expect = [("incidents", count("incidents")), ("clusters", count("clusters")), ("admin1", count("admin1"))];
    assert!(expect.iter().all(|(_, n)| *n > 1), "{expect:?}");
    let srv = Served::start(&[s(&examples())]);
    let (ok, report) = check_oapif(&srv, &expect, &["--same-as", s(dir.path()), "--page-size", "10"]);
    assert!(ok, "check_oapif.py failed:\n{report}");
    assert!(report.contains("qgis oapif: every collection opens with the expected counts and types"), "{report}");
    let n = expect[0].1;
    assert!(report.contains(&format!("ok: OAPIF incidents: featureCount {n} == {n}")), "{report}");
    assert!(report.contains("ok: OAPIF incidents: event_date is Date"), "{report}");
    assert!(report.contains("ok: OAPIF incidents: fatalities is Integer"), "{report}");
    assert!(report.contains("ok: OAPIF incidents pageSize=10: "), "{report}");
    for name in ["incidents", "clusters", "admin1"] {
        assert!(report.contains(&format!("ok: OAPIF {name}: fields and types equal {name}.geojson's")), "{report}");
        assert!(report.contains(&format!("ok: OAPIF {name}: setFilterRect(")), "{report}");
    }
    // The check can fail: one incident too many expected is caught.
    let (ok, report) = check_oapif(&srv, &[("incidents", n + 1)], &[]);
    assert!(!ok, "a wrong count passed:\n{report}");
    assert!(report.contains(&format!("FAIL: OAPIF incidents: featureCount {n} == {}", n + 1)), "{report}");
}

#[test]
fn zoom_clusters_hold_every_incident_once_and_split_into_incidents_when_zoomed_in() {
    let srv = Served::start(&[&layer()]);
    for zoom in [0, 3, 8, 16, 20] {
        let fc = srv.json(&format!("/collections/incidents/clusters?zoom={zoom}"));
        let feats = fc["features"].as_array().unwrap();
        let total: u64 = feats.iter().map(|f| f["properties"]["point_count"].as_u64().unwrap()).sum();
        assert_eq!(total, 12, "zoom {zoom}");
        let fatalities: u64 = feats.iter().map(|f| f["properties"]["fatalities"].as_u64().unwrap()).sum();
        assert_eq!(fatalities, 23, "zoom {zoom}");
        if zoom == 0 {
            assert!(feats.iter().any(|f| f["properties"]["cluster"] == true), "zoom 0 clusters: {fc}");
        }
    }
    // Zoomed in, across the antimeridian: the two Fiji incidents themselves.
    let fiji = srv.ids("/collections/incidents/clusters?zoom=20&bbox=170,-20,-170,-10");
    assert_eq!(fiji, near_ids(&["--bbox", "170,-20,-170,-10"]));
    for q in ["zoom=21", "zoom=-1", "", "zoom=3&bbox=1,2"] {
        let r = srv.get(&format!("/collections/incidents/clusters?{q}"));
        assert_eq!(r.status(), 400, "{q}");
    }
    assert_eq!(srv.get("/collections/clusters/clusters?zoom=1").status(), 404);
}

#[test]
fn zoom_clusters_filtered_by_dates_and_type_hold_exactly_what_near_selects() {
    let srv = Served::start(&[&layer()]);
    let all = srv.json("/collections/incidents/items?limit=10000");
    let fatalities = |ids: &BTreeSet<u64>| -> u64 {
        all["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| ids.contains(&f["id"].as_u64().unwrap()))
            .map(|f| f["properties"]["fatalities"].as_u64().unwrap())
            .sum()
    };
    let cases: [(&str, Vec<&str>); 5] = [
        ("datetime=2021-02-01/2021-04-02", vec!["--from", "2021-02-01", "--to", "2021-04-02"]),
        ("datetime=../2021-03-01", vec!["--to", "2021-03-01"]),
        ("datetime=2021-04-30/..", vec!["--from", "2021-04-30"]),
        ("event_type=battles", vec!["--type", "Battles"]),
        (
            "event_type=Battles&datetime=2021-01-01/2021-03-31",
            vec!["--type", "Battles", "--from", "2021-01-01", "--to", "2021-03-31"],
        ),
    ];
    for (q, args) in cases {
        let expected = near_ids(&args);
        assert!(!expected.is_empty() && expected.len() < 12, "{q}: the case must select some, not all");
        for zoom in [0, 4, 8, 16, 20] {
            let fc = srv.json(&format!("/collections/incidents/clusters?zoom={zoom}&{q}"));
            let feats = fc["features"].as_array().unwrap();
            let count: u64 = feats.iter().map(|f| f["properties"]["point_count"].as_u64().unwrap()).sum();
            assert_eq!(count, expected.len() as u64, "{q} zoom {zoom}");
            let fat: u64 = feats.iter().map(|f| f["properties"]["fatalities"].as_u64().unwrap()).sum();
            assert_eq!(fat, fatalities(&expected), "{q} zoom {zoom}");
            // Each single incident shown is one the filter selects.
            for f in feats.iter().filter(|f| f["properties"]["cluster"] == false) {
                assert!(expected.contains(&f["id"].as_u64().unwrap()), "{q} zoom {zoom}: {f}");
            }
        }
        // Zoomed in, the incidents themselves: exactly near's.
        assert_eq!(srv.ids(&format!("/collections/incidents/clusters?zoom=20&{q}")), expected, "{q}");
    }
    // The filter with a box across the antimeridian.
    let fiji = srv.ids("/collections/incidents/clusters?zoom=20&bbox=170,-20,-170,-10&datetime=2021-05-06/..");
    assert_eq!(fiji, near_ids(&["--bbox", "170,-20,-170,-10", "--from", "2021-05-06"]));
    let none = srv.json("/collections/incidents/clusters?zoom=3&event_type=Riots&datetime=1990-01-01");
    assert_eq!(none["numberMatched"], 0);
    for (q, param) in
        [("datetime=yesterday", "datetime"), ("datetime=2021-05-01/2021-04-01", "datetime"), ("actor1=x", "actor1")]
    {
        let r = srv.get(&format!("/collections/incidents/clusters?zoom=3&{q}"));
        assert_eq!(r.status(), 400, "{q}");
        let e: Value = body_json(r);
        assert!(e["description"].as_str().unwrap().contains(&format!("\"{param}\"")), "{q}: {e}");
    }
}
