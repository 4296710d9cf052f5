//! PostGIS input and output against a real server: the connection URL is
//! `INCIDENTMAP_TEST_PG` (`.ci/run` starts PostgreSQL + PostGIS and sets
//! it). Without it a test prints `skipped: <name>: ...` and passes, except
//! under `CI=true`, where it fails: CI always runs these. Each test uses a
//! table of its own, so they run in parallel.

use std::fmt::Write as _;
use std::path::PathBuf;

use incidentmap::postgis::{Host, PgTarget};
use serde_json::Value;

use crate::util::{Dir, incidentmap, s};

/// The server's URL, or `None` (after saying so) when there is none here.
fn server(test: &str) -> Option<String> {
    match std::env::var("INCIDENTMAP_TEST_PG") {
        Ok(u) if !u.is_empty() => Some(u),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{test}: INCIDENTMAP_TEST_PG not set, and CI=true: CI must run the PostGIS tests")
        }
        _ => {
            eprintln!("skipped: {test}: INCIDENTMAP_TEST_PG not set");
            None
        }
    }
}

/// The server's URL naming `table`, which is dropped (with the tables
/// `map` writes beside it and their styles) so the test starts clean.
fn fresh_table(base: &str, table: &str) -> String {
    let url = format!("{base}{}table={table}", if base.contains('?') { '&' } else { '?' });
    let mut c = client(&url);
    c.batch_execute(&format!(
        "DROP TABLE IF EXISTS {table}, {table}_clusters, {table}_admin1; \
         DO $$ BEGIN IF to_regclass('layer_styles') IS NOT NULL THEN \
         DELETE FROM layer_styles WHERE f_table_name LIKE '{table}%'; END IF; END $$;"
    ))
    .unwrap();
    url
}

fn client(url: &str) -> postgres::Client {
    incidentmap::postgis::connect(&PgTarget::parse(url).unwrap()).unwrap()
}

fn count(url: &str, table: &str) -> i64 {
    client(url).query_one(&format!("SELECT count(*) FROM {table}"), &[]).unwrap().get(0)
}

/// Every row's key and a digest of the whole row, in key order.
fn rows(url: &str, table: &str) -> Vec<(String, String)> {
    client(url)
        .query(&format!("SELECT event_id, md5(t::text) FROM {table} t ORDER BY event_id"), &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

const HEADER: &str = "event_id,event_date,time_precision,event_type,sub_event_type,actor1,actor2,fatalities,injured,location,place_name,geonameid,admin1,admin2,country,latitude,longitude,geo_precision,location_type,source,source_date,notes,confidence,resolution,cluster_id";

/// Hand-written incidents with awkward values: quotes, a tab, a newline,
/// a backslash, non-ASCII text, empty and null cells, both sides of the
/// antimeridian, two incidents on one spot.
const ROWS: &[&str] = &[
    "K1,2024-05-01,1,Battles,Armed clash,Islamic State (Iraq),Military Forces of Iraq,3,2,Khanaqin,Khanaqin,99001,Diyala,Khanaqin,IQ,34.3482,45.39065,1,site,report-a.txt,2024-05-02,\"clash \"\"at night\"\", with\ttab\",0.9,exact,1",
    "K2,2024-05-03,2,Explosions/Remote violence,Remote explosive/landmine/IED,Unidentified Armed Group,Civilians,0,4,Jalawla road,Jalawla,,Diyala,,IQ,34.3982,45.39065,2,near,report-b.txt,,\"line one\nline two \\ backslash\",0.5,near-rule,",
    "K3,2024-04-20,1,Violence against civilians,Attack,Popular Mobilization Forces,Civilians,1,0,Qara Tapa,Qara Tapa,,Diyala,,IQ,34.3482,45.63,1,site,report-c.txt,,attack,1.0,,",
    "K4,2024-05-02,1,Battles,Armed clash,Islamic State (Iraq),Popular Mobilization Forces,0,0,Mandali,Mandali,,Diyala,Baladrooz,IQ,34.7482,45.39065,3,admin2,report-d.txt,,clash,0.25,,",
    "K5,2024-05-02,1,Riots,Violent demonstration,Rioters (Iraq),,0,0,Baghdad,Baghdad,98182,Baghdad,,IQ,33.3152,44.3661,1,site,report-e.txt,,riot,1.0,,",
    "K6,2024-05-02,1,Protests,Peaceful protest,Protesters (Fiji),,0,0,Labasa,Labasa,,Northern,,FJ,-16.43,179.99,1,site,report-f.txt,,protest,1.0,,",
    "K7,2024-05-02,1,Protests,Peaceful protest,Protesters (Fiji),,0,0,Other side,,,Northern,,FJ,-16.43,-179.99,1,site,report-g.txt,,protest,1.0,,",
    "K8,2024-05-04,1,Battles,Armed clash,Forces de Sécurité,Groupe armé,5,0,Kidal,Kidal,,Kidal,,ML,18.44,1.41,1,site,report-h.txt,,«combats» à Kidal,0.8,,",
    "K9,2024-05-04,1,Battles,Armed clash,Islamic State (Iraq),Military Forces of Iraq,2,0,Khanaqin,Khanaqin,99001,Diyala,Khanaqin,IQ,34.3482,45.39065,1,site,report-i.txt,,same spot as K1,0.9,,",
];

/// The fixture as CSV, then as GeoJSON (the source the tests compare with).
fn fixture(dir: &Dir) -> (PathBuf, PathBuf) {
    let mut text = String::from(HEADER);
    for r in ROWS {
        text.push('\n');
        text.push_str(r);
    }
    text.push('\n');
    let csv = dir.create("incidents.csv", text);
    let geojson = dir.join("incidents.geojson");
    incidentmap(["export", s(&csv), "-o", s(&geojson)]).run().assert_exit(0);
    (csv, geojson)
}

/// More incidents, seeded and deterministic: clusters of points (with
/// repeated spots, as when incidents sit on a town centre) around Iraq
/// and across the antimeridian.
fn many(dir: &Dir, n: usize) -> PathBuf {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let types = ["Battles", "Riots", "Protests", "Explosions/Remote violence"];
    let mut text = String::from("event_id,event_date,event_type,actor1,fatalities,geo_precision,latitude,longitude\n");
    for i in 0..n {
        let (lat, lon) = if i % 10 == 0 {
            (-16.0 + next() * 2.0, if next() < 0.5 { 179.0 + next() } else { -180.0 + next() })
        } else if i % 7 == 0 {
            (34.3482, 45.39065)
        } else {
            (32.0 + next() * 5.0, 42.0 + next() * 6.0)
        };
        let _ = writeln!(
            text,
            "R{i},2024-{:02}-{:02},{},Actor {},{},{},{lat:.6},{lon:.6}",
            1 + (next() * 12.0) as u32,
            1 + (next() * 28.0) as u32,
            types[i % types.len()],
            i % 5,
            (next() * 6.0) as u32,
            1 + (next() * 3.0) as u32
        );
    }
    dir.create("many.csv", text)
}

fn features(v: &Value) -> &Vec<Value> {
    v["features"].as_array().expect("features")
}

#[test]
fn round_trip_equals_the_geojson_source() {
    let Some(base) = server("round_trip_equals_the_geojson_source") else { return };
    let url = fresh_table(&base, "t_round_trip");
    let dir = Dir::new();
    let (_, geojson) = fixture(&dir);
    incidentmap(["export", s(&geojson), "-o", &url]).run().assert_exit(0);
    let indexes: Vec<String> = client(&url)
        .query("SELECT indexname::text FROM pg_indexes WHERE tablename = 't_round_trip' ORDER BY 1", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        indexes,
        ["t_round_trip_date_idx", "t_round_trip_geog_idx", "t_round_trip_geom_idx", "t_round_trip_pkey"]
    );
    let back = dir.join("back.geojson");
    incidentmap(["export", &url, "-o", s(&back)]).run().assert_exit(0);
    let (a, b) = (crate::util::read_json(&geojson), crate::util::read_json(&back));
    assert_eq!(features(&a).len(), ROWS.len());
    assert_eq!(features(&a).len(), features(&b).len());
    for (fa, fb) in features(&a).iter().zip(features(&b)) {
        assert_eq!(fa["geometry"], fb["geometry"], "{}", fa["properties"]["event_id"]);
        let (pa, pb) = (fa["properties"].as_object().unwrap(), fb["properties"].as_object().unwrap());
        for (k, v) in pa {
            assert_eq!(Some(v), pb.get(k), "{}: property {k}", pa["event_id"]);
        }
        assert_eq!(pa.len(), pb.len());
    }
}

#[test]
fn rerun_changes_no_row() {
    let Some(base) = server("rerun_changes_no_row") else { return };
    let url = fresh_table(&base, "t_rerun");
    let dir = Dir::new();
    let (csv, _) = fixture(&dir);
    incidentmap(["export", s(&csv), "-o", &url]).run().assert_exit(0);
    let xmins = |url: &str| -> Vec<(String, String)> {
        client(url)
            .query("SELECT event_id, xmin::text FROM t_rerun ORDER BY event_id", &[])
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect()
    };
    let (first, first_x) = (rows(&url, "t_rerun"), xmins(&url));
    assert_eq!(first.len(), ROWS.len());
    incidentmap(["export", s(&csv), "-o", &url]).run().assert_exit(0);
    assert_eq!(rows(&url, "t_rerun"), first, "same rows, same ids");
    assert_eq!(xmins(&url), first_x, "an unchanged incident is not even rewritten");
    // A changed incident (a merged event's new source) is updated in place.
    let changed = std::fs::read_to_string(&csv).unwrap().replace("report-e.txt", "report-e.txt; report-z.txt");
    let csv2 = dir.create("changed.csv", changed);
    incidentmap(["export", s(&csv2), "-o", &url]).run().assert_exit(0);
    assert_eq!(count(&url, "t_rerun"), ROWS.len() as i64);
    let src: String = client(&url).query_one("SELECT source FROM t_rerun WHERE event_id = 'K5'", &[]).unwrap().get(0);
    assert_eq!(src, "report-e.txt; report-z.txt");
}

#[test]
fn map_twice_gives_the_same_rows_and_summary_tables() {
    let Some(base) = server("map_twice_gives_the_same_rows_and_summary_tables") else { return };
    let url = fresh_table(&base, "t_map");
    let reports = crate::util::examples();
    incidentmap(["map", s(&reports), "-o", &url]).run().assert_exit(0);
    let first = rows(&url, "t_map");
    assert!(first.len() > 10, "{}", first.len());
    let clusters = count(&url, "t_map_clusters");
    let admin1 = count(&url, "t_map_admin1");
    assert!(clusters > 0 && admin1 > 0, "{clusters} clusters, {admin1} areas");
    let o = incidentmap(["map", s(&reports), "-o", &url]).run();
    o.assert_exit(0);
    assert!(o.stderr().contains("wrote tables t_map, t_map_clusters, t_map_admin1"), "{}", o.stderr());
    assert_eq!(rows(&url, "t_map"), first);
    assert_eq!((count(&url, "t_map_clusters"), count(&url, "t_map_admin1")), (clusters, admin1));
}

#[test]
fn a_failing_run_leaves_the_table_as_it_was() {
    let Some(base) = server("a_failing_run_leaves_the_table_as_it_was") else { return };
    let url = fresh_table(&base, "t_failing");
    let dir = Dir::new();
    let (csv, _) = fixture(&dir);
    incidentmap(["export", s(&csv), "-o", &url]).run().assert_exit(0);
    let before = rows(&url, "t_failing");
    // A changed incident and 40,000 more are sent (COPY, in several
    // statements) before the bad record stops the run.
    let changed = std::fs::read_to_string(&csv).unwrap().replace("report-e.txt", "report-z.txt");
    let changed = dir.create("changed.csv", changed);
    let more = many(&dir, 40_000);
    let bad = dir.create(
        "bad.csv",
        "event_id,event_date,event_type,actor1,fatalities,geo_precision,latitude,longitude
B1,2024-05-01,Battles,X,0,1,95.0,45.0
",
    );
    let o = incidentmap(["export", s(&changed), s(&more), s(&bad), "--on-error", "stop", "-o", &url]).run();
    o.assert_exit(2);
    assert!(o.stderr().contains("latitude"), "{}", o.stderr());
    assert_eq!(rows(&url, "t_failing"), before);
}

#[test]
fn near_on_postgis_equals_near_on_the_geopackage() {
    let Some(base) = server("near_on_postgis_equals_near_on_the_geopackage") else { return };
    let url = fresh_table(&base, "t_near");
    let dir = Dir::new();
    let csv = many(&dir, 3000);
    let gpkg = dir.join("many.gpkg");
    incidentmap(["export", s(&csv), "-o", s(&gpkg)]).run().assert_exit(0);
    incidentmap(["export", s(&csv), "-o", &url]).run().assert_exit(0);
    let questions: &[&[&str]] = &[
        &["34.3482,45.39065", "--within", "30km"],
        &["34.3482,45.39065", "--nearest", "25"],
        &["33.0,44.0", "--within", "120km", "--type", "riots", "--from", "2024-03-01", "--to", "2024-08-31"],
        &["35.0,46.0", "--nearest", "10", "--min-fatalities", "3", "--max-precision", "2"],
        &["34.0,45.0", "--within", "200km", "--actor", "actor 3", "--limit", "40"],
        &["-15.0,180.0", "--within", "150km"],
        &["-15.0,-179.5", "--nearest", "15"],
        &["-15.0,179.9", "--bbox", "179.5,-17,-179.5,-14"],
        &["0,0", "--nearest", "3"],
        &["34.3482,45.39065", "--within", "0km"],
    ];
    for q in questions {
        let run = |input: &str| {
            let mut args = vec!["near"];
            args.extend_from_slice(q);
            args.extend_from_slice(&[input, "--format", "csv"]);
            let o = incidentmap(&args).run();
            o.assert_exit(0);
            o.stdout()
        };
        let (from_file, from_db) = (run(s(&gpkg)), run(&url));
        assert!(from_file.lines().count() > 1 || q.contains(&"0km"), "{q:?} found nothing");
        assert_eq!(from_db, from_file, "{q:?}");
    }
}

#[test]
fn layer_styles_hold_the_qml_qgis_reads() {
    let Some(base) = server("layer_styles_hold_the_qml_qgis_reads") else { return };
    let url = fresh_table(&base, "t_styles");
    let dir = Dir::new();
    let (csv, _) = fixture(&dir);
    for _ in 0..2 {
        incidentmap(["export", s(&csv), "-o", &url]).run().assert_exit(0);
    }
    let rows = client(&url)
        .query(
            "SELECT f_table_catalog = current_database(), f_table_schema, f_geometry_column, stylename, \
             styleqml::text, useasdefault, type FROM layer_styles WHERE f_table_name = 't_styles'",
            &[],
        )
        .unwrap();
    assert_eq!(rows.len(), 1, "a rerun replaces its style");
    let r = &rows[0];
    assert!(r.get::<_, bool>(0));
    assert_eq!(r.get::<_, String>(1), "public");
    assert_eq!(r.get::<_, String>(2), "geom");
    assert_eq!(r.get::<_, String>(3), "t_styles");
    let qml: String = r.get(4);
    assert!(qml.starts_with("<!DOCTYPE qgis") && qml.trim_end().ends_with("</qgis>"), "{qml}");
    assert!(qml.contains("geo_precision") && qml.contains("<layerGeometryType>0</layerGeometryType>"));
    assert!(r.get::<_, bool>(5));
    // No type: QGIS then finds the style whatever geometry type a URI gives.
    assert_eq!(r.get::<_, Option<String>>(6), None);
    let parsed: bool = client(&url).query_one("SELECT xml_is_well_formed_document($1)", &[&qml]).unwrap().get(0);
    assert!(parsed);
}

#[test]
fn ogrinfo_reads_dates_and_integers() {
    let Some(base) = server("ogrinfo_reads_dates_and_integers") else { return };
    let url = fresh_table(&base, "t_ogr");
    let dir = Dir::new();
    let (csv, _) = fixture(&dir);
    incidentmap(["export", s(&csv), "-o", &url]).run().assert_exit(0);
    let t = PgTarget::parse(&url).unwrap();
    let host = match &t.host {
        Host::Tcp(h) | Host::Socket(h) => h.clone(),
    };
    let conn = format!(
        "PG:host={host} port={} dbname={} user={} password={}",
        t.port,
        t.dbname,
        t.user,
        t.password.clone().unwrap_or_default()
    );
    let out = std::process::Command::new("ogrinfo").args(["-ro", "-so", &conn, "t_ogr"]).output().expect("ogrinfo");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}\n{text}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains(&format!("Feature Count: {}", ROWS.len())), "{text}");
    assert!(text.contains("Geometry: Point"), "{text}");
    assert!(text.contains("event_date: Date"), "{text}");
    assert!(text.contains("fatalities: Integer "), "{text}");
    assert!(text.contains("id: Integer64"), "{text}");
}

#[test]
fn a_table_of_another_shape_is_refused_by_name() {
    let Some(base) = server("a_table_of_another_shape_is_refused_by_name") else { return };
    let url = fresh_table(&base, "t_shape");
    client(&url).batch_execute("CREATE TABLE t_shape (event_id text PRIMARY KEY, fatalities text)").unwrap();
    let dir = Dir::new();
    let (csv, _) = fixture(&dir);
    let o = incidentmap(["export", s(&csv), "-o", &url]).run();
    o.assert_exit(2);
    assert!(o.stderr().contains("table t_shape exists with another shape: column id is missing"), "{}", o.stderr());
    client(&url).batch_execute("DROP TABLE t_shape").unwrap();
}

/// The password must appear nowhere in what the command prints.
fn assert_fails_quietly(args: &[&str], secret: &str, needle: &str) {
    let o = incidentmap(args).run();
    o.assert_exit(2);
    let (err, out) = (o.stderr(), o.stdout());
    assert!(err.contains(needle), "{args:?}: {err}");
    assert!(!err.contains(secret) && !out.contains(secret), "{args:?} printed the password: {err}");
}

#[test]
fn bad_urls_and_refused_connections_never_print_the_password() {
    let dir = Dir::new();
    let (csv, _) = fixture(&dir);
    let secret = "s3cret-Passw0rd";
    let refused = format!("postgresql://ana:{secret}@127.0.0.1:1/db");
    assert_fails_quietly(&["export", s(&csv), "-o", &refused], secret, "Connection refused");
    assert_fails_quietly(&["near", "34,45", &refused], secret, "Connection refused");
    let bad_port = format!("postgresql://ana:{secret}@127.0.0.1:port/db");
    assert_fails_quietly(&["export", s(&csv), "-o", &bad_port], secret, "is not a port number");
    let bad_param = format!("postgres://ana@127.0.0.1/db?password={secret}&colour=red");
    assert_fails_quietly(&["export", s(&csv), "-o", &bad_param], secret, "unknown parameter");
}

#[test]
fn a_wrong_password_is_a_clear_error_without_the_password() {
    let Some(base) = server("a_wrong_password_is_a_clear_error_without_the_password") else { return };
    let t = PgTarget::parse(&base).unwrap();
    let secret = "not-the-Passw0rd";
    let host = match &t.host {
        Host::Tcp(h) => h.clone(),
        Host::Socket(_) => {
            eprintln!(
                "skipped: a_wrong_password_is_a_clear_error_without_the_password: socket connections need no password"
            );
            return;
        }
    };
    let url = format!("postgresql://{}:{secret}@{host}:{}/{}?table=t_password", t.user, t.port, t.dbname);
    let dir = Dir::new();
    let (csv, _) = fixture(&dir);
    assert_fails_quietly(&["export", s(&csv), "-o", &url], secret, "password authentication failed");
    assert_fails_quietly(&["near", "34,45", "--within", "5km", &url], secret, "password authentication failed");
}

#[test]
fn libpq_environment_and_pgpass_fill_the_url() {
    let Some(base) = server("libpq_environment_and_pgpass_fill_the_url") else { return };
    let url = fresh_table(&base, "t_env");
    let t = PgTarget::parse(&url).unwrap();
    let Host::Tcp(host) = &t.host else {
        eprintln!("skipped: libpq_environment_and_pgpass_fill_the_url: needs a TCP server");
        return;
    };
    let Some(password) = t.password.clone() else {
        eprintln!("skipped: libpq_environment_and_pgpass_fill_the_url: the server URL has no password");
        return;
    };
    let dir = Dir::new();
    let (csv, _) = fixture(&dir);
    let home = Dir::new();
    // Only the table in the URL: server, role and database from PG*
    // variables, the password from ~/.pgpass (which must be private).
    let pgpass = home.create(".pgpass", format!("{host}:{}:{}:{}:{password}\n", t.port, t.dbname, t.user));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&pgpass, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let mut cmd = incidentmap(["export", s(&csv), "-o", "postgresql:///?table=t_env"]);
    cmd.env("HOME", home.path())
        .env("PGHOST", host)
        .env("PGPORT", t.port.to_string())
        .env("PGUSER", &t.user)
        .env("PGDATABASE", &t.dbname)
        .env_remove("PGPASSWORD")
        .env_remove("PGPASSFILE");
    cmd.run().assert_exit(0);
    assert_eq!(count(&url, "t_env"), ROWS.len() as i64);
    // Without the file, the server asks for a password nobody gave.
    std::fs::remove_file(&pgpass).unwrap();
    let o = cmd.run();
    o.assert_exit(2);
    assert!(o.stderr().contains("password"), "{}", o.stderr());
}

/// Runs `tests/qgis/check_postgis.py` on the tables `map` wrote to `url`
/// (incidents, clusters, admin-1 areas, with their row counts); returns
/// whether every check passed, and the report.
fn check_in_qgis(url: &str, counts: [i64; 3]) -> (bool, String) {
    let t = PgTarget::parse(url).unwrap();
    let host = match &t.host {
        Host::Tcp(h) | Host::Socket(h) => h.clone(),
    };
    let mut cmd = std::process::Command::new(crate::qgis::PYTHON);
    cmd.arg(crate::util::root().join("tests/qgis/check_postgis.py"))
        .args([&host, &t.port.to_string(), &t.dbname, &t.user, &t.table])
        .args(counts.map(|n| n.to_string()))
        .env("QT_QPA_PLATFORM", "offscreen");
    // The password as libpq reads it, not on the command line.
    if let Some(p) = &t.password {
        cmd.env("PGPASSWORD", p);
    }
    let out = cmd.output().expect("run check_postgis.py");
    let report = format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), report)
}

#[test]
fn map_tables_open_styled_in_qgis() {
    const NAME: &str = "map_tables_open_styled_in_qgis";
    let Some(base) = server(NAME) else { return };
    if !crate::qgis::have_qgis(NAME) {
        return;
    }
    let url = fresh_table(&base, "t_qgis");
    incidentmap(["map", s(&crate::util::examples()), "-o", &url]).run().assert_exit(0);
    let counts = ["t_qgis", "t_qgis_clusters", "t_qgis_admin1"].map(|t| count(&url, t));
    assert!(counts.iter().all(|&n| n > 0), "{counts:?}");
    let (ok, report) = check_in_qgis(&url, counts);
    assert!(ok && report.contains("qgis postgis check: every table opens styled"), "{report}");
    assert!(report.contains("ok: t_qgis: renderer on opening is pointDisplacement"), "{report}");
    assert!(report.contains("ok: t_qgis_admin1: renderer on opening is graduatedSymbol"), "{report}");
    assert!(report.contains("ok: t_qgis: event_date is date"), "{report}");
    assert!(report.contains("ok: t_qgis: fatalities is int4"), "{report}");

    // Without their rows in layer_styles the same tables open with QGIS's
    // own plain symbol: the check must say so.
    client(&url).batch_execute("DELETE FROM layer_styles WHERE f_table_name LIKE 't\\_qgis%'").unwrap();
    let (ok, report) = check_in_qgis(&url, counts);
    assert!(!ok, "{report}");
    assert!(report.contains("FAIL: t_qgis: renderer on opening is singleSymbol"), "{report}");
    assert!(report.contains("FAIL: t_qgis_admin1: layer_styles lists []"), "{report}");
    assert!(report.contains("FAIL: t_qgis_clusters: labels on on opening"), "{report}");
}

/// The server process of the `incidentmap` session writing to `table`
/// (it holds the writer's advisory lock on the table's name for as long as
/// its transaction is open), its current or last statement, and when that
/// statement started.
fn writer_session(c: &mut postgres::Client, table: &str) -> Option<(i32, String, String)> {
    c.query_opt(
        "SELECT a.pid, a.query, a.query_start::text FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
         WHERE l.locktype = 'advisory' AND l.granted AND l.database = \
         (SELECT oid FROM pg_database WHERE datname = current_database()) \
         AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtext($1::text)::bigint",
        &[&table],
    )
    .unwrap()
    .map(|r| (r.get(0), r.get(1), r.get(2)))
}

/// Issue 22: a run killed (SIGKILL, no chance to roll back itself) while
/// it streams incidents into a table that already holds rows leaves
/// exactly those rows, and the next run completes.
#[cfg(unix)]
#[test]
fn a_run_killed_while_streaming_leaves_the_table_as_it_was() {
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    const NAME: &str = "a_run_killed_while_streaming_leaves_the_table_as_it_was";
    let Some(base) = server(NAME) else { return };
    let dir = Dir::new();
    let (csv, _) = fixture(&dir);
    let mut watcher = client(&base);
    // The kill must land after one COPY statement has been sent whole and
    // the next has begun (so a writer that committed batch by batch would
    // be caught), and before the upsert and commit. A run that gets past
    // its COPY statements before the watcher sees two did not test
    // anything: it is retried with an input twice as large.
    let mut n = 100_000;
    for attempt in 1..=4 {
        let url = fresh_table(&base, "t_killed");
        incidentmap(["export", s(&csv), "-o", &url]).run().assert_exit(0);
        let before = rows(&url, "t_killed");
        assert_eq!(before.len(), ROWS.len());
        let big = many(&dir, n);
        let mut child = Command::new(crate::util::BIN)
            .args(["export", s(&big), "-o", &url])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let t0 = Instant::now();
        let mut seen = None;
        let mut copies: Vec<String> = Vec::new();
        while t0.elapsed() < Duration::from_secs(120) {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            // Its transaction is open and its rows are being copied: the
            // upsert and commit are still ahead.
            if let Some((pid, query, start)) = writer_session(&mut watcher, "t_killed")
                && query.starts_with("COPY")
            {
                if !copies.contains(&start) {
                    copies.push(start);
                }
                if copies.len() >= 2 {
                    seen = Some((pid, t0.elapsed()));
                    break;
                }
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        let Some((pid, after)) = seen.filter(|_| status.signal() == Some(9)) else {
            eprintln!("{NAME}: attempt {attempt}: the run of {n} incidents ended ({status}) before the kill");
            n *= 2;
            continue;
        };
        assert_eq!(rows(&url, "t_killed"), before, "{n} incidents, killed {after:?} in, during the second COPY");
        // The server ends the dead client's session and rolls it back.
        let t1 = Instant::now();
        while writer_session(&mut watcher, "t_killed").is_some_and(|(p, _, _)| p == pid) {
            assert!(t1.elapsed() < Duration::from_secs(30), "the killed run's session stays open");
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(rows(&url, "t_killed"), before);
        // A complete rerun adds them all, the earlier rows unchanged.
        incidentmap(["export", s(&big), "-o", &url]).run().assert_exit(0);
        assert_eq!(count(&url, "t_killed"), (ROWS.len() + n) as i64);
        let kept: Vec<(String, String)> =
            rows(&url, "t_killed").into_iter().filter(|(id, _)| id.starts_with('K')).collect();
        assert_eq!(kept, before);
        eprintln!("{NAME}: {n} incidents, killed {after:?} in, during the second COPY");
        return;
    }
    panic!("{NAME}: every run ended before it could be killed during its second COPY");
}

#[test]
fn a_filtered_cluster_on_postgis_equals_it_on_the_geopackage() {
    let Some(base) = server("a_filtered_cluster_on_postgis_equals_it_on_the_geopackage") else { return };
    let url = fresh_table(&base, "t_cluster");
    let dir = Dir::new();
    let csv = many(&dir, 3000);
    let gpkg = dir.join("many.gpkg");
    incidentmap(["export", s(&csv), "-o", s(&gpkg)]).run().assert_exit(0);
    incidentmap(["export", s(&csv), "-o", &url]).run().assert_exit(0);
    let subsets: &[&[&str]] = &[
        &["--bbox", "44,33,46,35", "--from", "2024-04-01", "--to", "2024-09-30"],
        &["--bbox", "179.2,-16,-179.2,-14.5"],
        &["--from", "2024-11-15"],
        &["--to", "2024-01-31", "--max-days", "7"],
    ];
    let layers = |out: &std::path::Path| -> Vec<Option<Value>> {
        ["incidents.geojson", "clusters.geojson", "cluster_areas.geojson"]
            .iter()
            .map(|f| out.join(f))
            .map(|p| p.exists().then(|| crate::util::read_json(&p)))
            .collect()
    };
    for (i, extra) in subsets.iter().enumerate() {
        let run = |input: &str, out: &std::path::Path| {
            let mut args = vec!["cluster", input, "--eps-km", "15", "--min-points", "4"];
            args.extend_from_slice(extra);
            args.extend_from_slice(&["-o", s(out)]);
            incidentmap(&args).run().assert_exit(0);
            layers(out)
        };
        let (from_file, from_db) =
            (run(s(&gpkg), &dir.join(format!("gpkg{i}"))), run(&url, &dir.join(format!("pg{i}"))));
        let n = from_file[0].as_ref().map_or(0, |v| features(v).len());
        assert!(n > 30 && n < 1500, "{extra:?}: {n} incidents");
        assert!(from_file[1].is_some(), "{extra:?}: no clusters");
        assert_eq!(from_db, from_file, "{extra:?}");
    }
    // The subset is asked for in the WHERE clause: a row that is no
    // incident (a point off the globe) outside it never reaches the reader.
    client(&url)
        .batch_execute(
            "INSERT INTO t_cluster SELECT id + 100000, 'OFF', event_date, time_precision, event_type, \
             sub_event_type, actor1, actor2, fatalities, injured, location, place_name, geonameid, admin1, \
             admin2, country, geo_precision, location_type, source, source_date, notes, confidence, resolution, \
             cluster_id, ST_SetSRID(ST_MakePoint(45, 95), 4326) FROM t_cluster WHERE event_id = 'R1'",
        )
        .unwrap();
    let out = dir.join("pushed");
    let run = |extra: &[&str]| {
        let mut args = vec!["cluster", &url, "-o", s(&out)];
        args.extend_from_slice(extra);
        incidentmap(&args).run()
    };
    let o = run(&[]);
    o.assert_exit(2);
    assert!(o.stderr().contains("outside the globe"), "{}", o.stderr());
    run(subsets[0]).assert_exit(0);
}
