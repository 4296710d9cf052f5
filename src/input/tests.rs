//! Tests of the layer readers.

use super::*;
use crate::export::geojson::tests::sample;
use crate::geodesy::LonLat;
use chrono::NaiveDate;

fn write_tmp(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn bare(id: u64) -> Incident {
    let mut i = Incident::new(NaiveDate::from_ymd_opt(2019, 8, 1).unwrap(), LonLat::new(38.5, 36.2).unwrap());
    i.id = id;
    i
}

#[test]
fn csv_round_trip_is_exact() {
    let dir = tempfile::tempdir().unwrap();
    let incs = vec![sample(1), bare(2), sample(3)];
    let bytes = crate::export::csv::write_incidents(Vec::new(), &incs).unwrap();
    let p = write_tmp(dir.path(), "a.csv", &bytes);
    let out = read_incidents(&p, &ReadOptions::default()).unwrap();
    assert!(out.skipped.is_empty());
    assert_eq!(out.incidents, incs);
}

#[test]
fn geojson_and_seq_round_trip_is_exact() {
    let dir = tempfile::tempdir().unwrap();
    let incs = vec![sample(1), bare(2)];
    let bytes = crate::export::geojson::write_incidents(Vec::new(), &incs).unwrap();
    let p = write_tmp(dir.path(), "a.geojson", &bytes);
    assert_eq!(read_incidents(&p, &ReadOptions::default()).unwrap().incidents, incs);
    let mut w = crate::export::geojson::IncidentGeoJsonWriter::new_seq(Vec::new()).unwrap();
    for i in &incs {
        w.write(i).unwrap();
    }
    let p = write_tmp(dir.path(), "a.geojsonl", &w.finish().unwrap());
    assert_eq!(read_incidents(&p, &ReadOptions::default()).unwrap().incidents, incs);
    // Sniffed without an extension too.
    let p2 = dir.path().join("noext");
    std::fs::copy(&p, &p2).unwrap();
    assert_eq!(read_incidents(&p2, &ReadOptions::default()).unwrap().incidents, incs);
}

#[test]
fn bad_csv_rows_name_file_line_and_problem() {
    let dir = tempfile::tempdir().unwrap();
    let text = "event_date,latitude,longitude,notes\n\
                2020-05-01,33.1,44.2,ok\n\
                2020-05-02,123.0,44.2,bad lat\n\
                2020-05-03,33.1,44.2,\"two\nlines\"\n\
                2020-13-01,33.1,44.2,bad date\n\
                2020-05-04,33.1,44.2,ok\n";
    let p = write_tmp(dir.path(), "bad.csv", text.as_bytes());
    let e = read_incidents(&p, &ReadOptions::default()).unwrap_err();
    assert_eq!(e.to_string(), format!("{}:3: latitude 123.0 is outside -90..90", p.display()));
    let out = read_incidents(&p, &ReadOptions { lenient: true }).unwrap();
    assert_eq!(out.incidents.len(), 3);
    assert_eq!(out.incidents[2].id, 5, "ids count records, skipped ones too");
    let msgs: Vec<String> = out.skipped.iter().map(|e| e.to_string()).collect();
    assert_eq!(msgs.len(), 2);
    assert!(
        msgs[1].ends_with(":6: event_date \"2020-13-01\" is not a date (expected YYYY-MM-DD or \"15 May 2020\")"),
        "{msgs:?}"
    );
}

#[test]
fn bad_feature_in_collection_names_line_and_index() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = bare(1);
    a.notes = "x".into();
    let bytes = crate::export::geojson::write_incidents(Vec::new(), &[a.clone(), a.clone(), a]).unwrap();
    let text = String::from_utf8(bytes).unwrap().replacen("\"2019-08-01\"", "\"2019-02-30\"", 2);
    let text = text.replacen("\"2019-02-30\"", "\"2019-08-01\"", 1);
    let p = write_tmp(dir.path(), "c.geojson", text.as_bytes());
    let e = read_incidents(&p, &ReadOptions::default()).unwrap_err().to_string();
    assert!(e.contains("c.geojson:3: feature 2: event_date \"2019-02-30\" is not a date"), "{e}");
    let out = read_incidents(&p, &ReadOptions { lenient: true }).unwrap();
    assert_eq!((out.incidents.len(), out.skipped.len()), (2, 1));
}

#[test]
fn acled_export_reads() {
    let dir = tempfile::tempdir().unwrap();
    let text = "event_id_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,actor2,iso,country,admin1,admin2,location,latitude,longitude,geo_precision,source,notes,fatalities,timestamp\n\
                IRQ1,15 May 2020,2020,1,Battles,Armed clash,Islamic State (Iraq),Military Forces of Iraq (2020-),368,Iraq,Diyala,Khanaqin,Jalawla,34.2711,45.1581,1,Shafaq News,\"Clash, 2 killed\",2,1700000000\n\
                SYR2,2020-05-16,2020,2,Protests,Peaceful protest,Protesters (Syria),,760,Syria,Aleppo,,Aleppo,36.2,37.15,2,SOHR,,0,1700000000\n";
    let p = write_tmp(dir.path(), "acled.csv", text.as_bytes());
    let out = read_incidents(&p, &ReadOptions::default()).unwrap();
    let a = &out.incidents[0];
    assert_eq!(a.event_id, "IRQ1");
    assert_eq!(a.event_date, NaiveDate::from_ymd_opt(2020, 5, 15).unwrap());
    assert_eq!(a.country, "IQ");
    assert_eq!(a.fatalities, 2);
    assert_eq!(a.id, 1);
    assert_eq!(out.incidents[1].country, "SY");
    assert_eq!(out.incidents[1].time_precision, 2);
}

#[test]
fn plain_lat_lon_csv_with_other_names() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_tmp(dir.path(), "p.csv", b"date,lat,lng,what\n2021-01-02,33.3,44.4,x\n");
    let out = read_incidents(&p, &ReadOptions::default()).unwrap();
    assert_eq!(out.incidents[0].position, LonLat { lon: 44.4, lat: 33.3 });
    let p = write_tmp(dir.path(), "q.csv", b"name,x\nfoo,1\n");
    let e = read_incidents(&p, &ReadOptions::default()).unwrap_err().to_string();
    assert!(e.contains("CSV has no latitude column"), "{e}");
    let p = write_tmp(dir.path(), "e.csv", b"\n");
    assert!(
        read_incidents(&p, &ReadOptions::default())
            .unwrap_err()
            .to_string()
            .ends_with("e.csv: is empty: no CSV header line")
    );
    let p = write_tmp(dir.path(), "g.csv", b"SQLite format 3\0rest");
    assert!(read_incidents(&p, &ReadOptions::default()).unwrap_err().to_string().contains("looks like a GeoPackage"));
    let p = write_tmp(dir.path(), "b.csv", b"\xff\xfe\x00x,y\n");
    assert!(read_incidents(&p, &ReadOptions::default()).unwrap_err().to_string().contains("not UTF-8 text"));
}

#[test]
fn sniffs_collection_sequence_and_csv() {
    let fc = crate::export::geojson::write_incidents(Vec::new(), &[bare(1)]).unwrap();
    assert_eq!(sniff(&fc), Some(LayerFormat::GeoJson));
    assert!(!is_sequence(&fc));
    let one_line = String::from_utf8(fc.clone()).unwrap().replace('\n', "");
    assert!(!is_sequence(one_line.as_bytes()));
    let mut w = crate::export::geojson::IncidentGeoJsonWriter::new_seq(Vec::new()).unwrap();
    w.write(&bare(1)).unwrap();
    let seq = w.finish().unwrap();
    assert_eq!(sniff(&seq), Some(LayerFormat::GeoJsonSeq));
    assert!(is_sequence(&seq[1..]), "RS is optional");
    assert_eq!(sniff(b"\xEF\xBB\xBFevent_date,lat,lon\n"), Some(LayerFormat::Csv));
    assert_eq!(sniff(b"Title: x\nPublished: 2020-01-01\n\nA bomb."), None);
    assert_eq!(sniff(b"SQLite format 3\0...."), Some(LayerFormat::Gpkg));
    let dir = tempfile::tempdir().unwrap();
    let p = write_tmp(dir.path(), "noext", &fc);
    assert_eq!(read_incidents(&p, &ReadOptions::default()).unwrap().incidents, [bare(1)]);
}

/// Hands out at most 7 bytes per read, so features and strings
/// straddle buffer refills.
struct Trickle<'a>(&'a [u8]);

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let k = self.0.len().min(out.len()).min(7);
        out[..k].copy_from_slice(&self.0[..k]);
        self.0 = &self.0[k..];
        Ok(k)
    }
}

#[test]
fn collection_streams_across_refills_with_right_lines() {
    let mut bad = sample(2);
    bad.notes = "escaped \\ \"quote\" and ] } [ {".into();
    let bytes = crate::export::geojson::write_incidents(Vec::new(), &[sample(1), bad.clone(), sample(3)]).unwrap();
    let text = String::from_utf8(bytes).unwrap().replacen("\"time_precision\":2", "\"time_precision\":9", 3);
    let text = text.replacen("\"time_precision\":9", "\"time_precision\":2", 1);
    let p = PathBuf::from("t.geojson");
    let opts = ReadOptions { lenient: true };
    let mut got = Vec::new();
    let mut f = |i: Incident| {
        got.push(i);
        Ok(())
    };
    let mut sink = record::Sink { path: &p, opts: &opts, skipped: Vec::new(), f: &mut f };
    // Compacting before every feature and never.
    for compact_at in [0, usize::MAX] {
        geojson::read_collection_with(Trickle(text.as_bytes()), &mut sink, compact_at).unwrap();
    }
    let msgs: Vec<String> = sink.skipped.iter().map(|e| e.to_string()).collect();
    let want = [
        "t.geojson:3: feature 2: time_precision 9 is outside 1..3",
        "t.geojson:4: feature 3: time_precision 9 is outside 1..3",
    ];
    assert_eq!(msgs, [want, want].concat());
    assert_eq!(got, [sample(1), sample(1)]);
}

#[test]
fn load_keeps_one_layers_ids_and_renumbers_several() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = crate::export::csv::write_incidents(Vec::new(), &[bare(5), bare(9)]).unwrap();
    let a = write_tmp(dir.path(), "a.csv", &bytes).to_string_lossy().into_owned();
    let b = write_tmp(dir.path(), "b.csv", &bytes).to_string_lossy().into_owned();
    let gaz = GazetteerSource::new(None);
    let ids = |inputs: &[String]| {
        let (incs, report) = load_all(inputs, &LoadOptions::default(), &gaz).unwrap();
        assert_eq!((report.incidents, report.documents), (incs.len() as u64, 0));
        incs.iter().map(|i| i.id).collect::<Vec<u64>>()
    };
    assert_eq!(ids(std::slice::from_ref(&a)), [5, 9]);
    assert_eq!(ids(&[a, b]), [1, 2, 3, 4]);
}

mod round_trip {
    //! Any incident written in each format and read back is equal to the
    //! original: the schema drives both sides, so a column one side forgets
    //! or types differently fails here.

    use super::*;
    use crate::export::Format;
    use crate::export::output::IncidentOutput;
    use crate::extract::incident::LocationType;
    use proptest::prelude::*;

    /// Text as records hold it: any characters (control characters, quotes,
    /// commas, newlines, non-ASCII included).
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![Just(String::new()), "\\PC{1,12}", ".{0,20}", "[a-z ,\"\\n\\r\\t\\\\]{1,10}"]
    }

    fn incident() -> impl Strategy<Value = Incident> {
        let strings = proptest::collection::vec(text(), 12);
        let numbers = (
            1u64..i64::MAX as u64,
            (1000i32..=2100, 1u32..=12, 1u32..=28),
            1u8..=3,
            // Counts are 32-bit Integers in every format (schema::MAX_COUNT).
            0..=crate::schema::MAX_COUNT,
            0..=crate::schema::MAX_COUNT,
            proptest::option::of(any::<i64>()),
            (-90_000_000i64..=90_000_000, -180_000_000i64..=180_000_000),
            1u8..=3,
            0usize..6,
            proptest::option::of((1000i32..=2100, 1u32..=12, 1u32..=28)),
            0u32..=1_000_000,
            proptest::option::of(0..=crate::schema::MAX_COUNT),
        );
        let country = prop_oneof![Just(String::new()), "[A-Z]{2}"];
        (strings, numbers, country).prop_map(|(s, n, country)| {
            let day = |(y, m, d): (i32, u32, u32)| NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let (id, date, tp, fat, inj, gid, (lat, lon), gp, lt, sdate, conf, cid) = n;
            let position = LonLat { lon: lon as f64 / 1e6, lat: lat as f64 / 1e6 };
            let mut i = Incident::new(day(date), position);
            i.id = id;
            i.event_id = s[0].clone();
            i.time_precision = tp;
            i.event_type = s[1].clone();
            i.sub_event_type = s[2].clone();
            i.actor1 = s[3].clone();
            i.actor2 = s[4].clone();
            i.fatalities = fat;
            i.injured = inj;
            i.location = s[5].clone();
            i.place_name = s[6].clone();
            i.geonameid = gid;
            i.admin1 = s[7].clone();
            i.admin2 = s[8].clone();
            i.country = country;
            i.geo_precision = gp;
            i.location_type = [
                LocationType::Site,
                LocationType::Near,
                LocationType::Admin2,
                LocationType::Admin1,
                LocationType::Region,
                LocationType::Country,
            ][lt];
            i.source = s[9].clone();
            i.source_date = sdate.map(day);
            i.notes = s[10].clone();
            i.confidence = conf as f64 / 1e6;
            i.resolution = s[11].clone();
            i.cluster_id = cid;
            i
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
        #[test]
        fn every_format_reads_back_what_it_wrote(incs in proptest::collection::vec(incident(), 1..4)) {
            let dir = tempfile::tempdir().unwrap();
            for (format, name) in [
                (Format::GeoJson, "a.geojson"),
                (Format::GeoJsonSeq, "a.geojsonl"),
                (Format::Csv, "a.csv"),
                (Format::Jsonl, "a.jsonl"),
                (Format::Gpkg, "a.gpkg"),
            ] {
                let p = dir.path().join(name);
                let mut out = IncidentOutput::create(&p, format, &[]).unwrap();
                for i in &incs {
                    out.write(i, &[]).unwrap();
                }
                out.finish().unwrap();
                let back = read_incidents(&p, &ReadOptions::default());
                prop_assert!(back.is_ok(), "{format:?}: {}", back.unwrap_err());
                prop_assert_eq!(&back.unwrap().incidents, &incs, "{:?}", format);
            }
        }
    }
}
