//! Arbitrary bytes into every reader: an error is fine, a panic is not
//! (issue 19). Stable-Rust property tests that run on every push; the
//! byte strings are biased towards the shapes each reader expects so that
//! the tests get past the first check.

use incidentmap::document::Document;
use incidentmap::gazetteer::Gazetteer;
use incidentmap::input::{GazetteerSource, ReadOptions, read_incidents};
use proptest::prelude::*;

/// Bytes that look a bit like text, CSV and JSON.
fn texty() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"event_date,latitude,longitude\n".to_vec()),
        Just(b"2020-05-15,33.3,44.4\n".to_vec()),
        Just(b"{\"type\":\"FeatureCollection\",\"features\":[".to_vec()),
        Just(b"{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[44.4,33.3]},\"properties\":{\"event_date\":\"2020-05-15\"}}".to_vec()),
        Just(b"\x1e".to_vec()),
        Just("\u{a0}\u{2028}\u{3000}é\"\\,;\t\n\r".as_bytes().to_vec()),
        Just(b"Two soldiers were killed near Khanaqin on Friday. ".to_vec()),
        Just(b"Published: 2020-05-15\n\n".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..24),
        "[ -~]{0,24}".prop_map(String::into_bytes),
    ];
    proptest::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

fn read_as(name: &str, bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    for lenient in [false, true] {
        let _ = read_incidents(&p, &ReadOptions { lenient });
    }
    let _ = incidentmap::input::sites::read_sites(&p, &GazetteerSource::new(None), None);
}

fn gazetteer() -> &'static Gazetteer {
    static G: std::sync::OnceLock<Gazetteer> = std::sync::OnceLock::new();
    G.get_or_init(|| Gazetteer::embedded().unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn layer_readers_never_panic(bytes in texty()) {
        for name in ["a.csv", "a.tsv", "a.geojson", "a.geojsonl", "a.txt", "noext"] {
            read_as(name, &bytes);
        }
    }

    #[test]
    fn geopackage_blobs_and_dates_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..80), s in "\\PC{0,30}") {
        let mut blob = b"GP".to_vec();
        blob.extend_from_slice(&bytes);
        let _ = incidentmap::input::gpkg::point_from_blob(&blob);
        let _ = incidentmap::input::gpkg::point_from_blob(&bytes);
        let _ = incidentmap::dates::parse_date(&s);
        let _ = incidentmap::dates::date_in(&s);
        let _ = incidentmap::spatial::query::parse_lat_lon(&s);
        let _ = incidentmap::spatial::query::parse_bbox(&s);
        let _ = incidentmap::spatial::query::parse_distance_km(&s);
    }

    #[test]
    fn extraction_never_panics(bytes in texty()) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let doc = Document::from_text("p", "p.txt", text);
        let opts = incidentmap::extract::ExtractOptions {
            published: chrono::NaiveDate::from_ymd_opt(2020, 5, 15),
            country: None,
        };
        let _ = incidentmap::extract::extract(gazetteer(), std::slice::from_ref(&doc), &opts);
        let _ = incidentmap::document::html::extract_article(&bytes, None);
    }

    #[test]
    fn feeds_and_geonames_rows_never_panic(bytes in texty(), xml in feedish()) {
        let _ = incidentmap::fetch::feed::is_feed(&xml, None);
        let _ = incidentmap::fetch::feed::parse_feed(&xml, "http://127.0.0.1/feed.xml");
        let text = String::from_utf8_lossy(&bytes);
        for line in text.lines() {
            let _ = incidentmap::gazetteer::geonames::parse_row(line);
            let _ = incidentmap::gazetteer::geonames::parse_code_row(line);
            let _ = incidentmap::gazetteer::geonames::parse_country_row(line);
            let _ = incidentmap::gazetteer::geonames::parse_country_capital(line);
            let _ = incidentmap::gazetteer::geonames::parse_alternate_row(line);
        }
    }
}

/// Bytes that look a bit like an RSS or Atom feed.
fn feedish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"<?xml version=\"1.0\"?>".to_vec()),
        Just(b"<rss version=\"2.0\"><channel><title>t</title>".to_vec()),
        Just(b"<item><title>Attack</title><link>http://127.0.0.1/a</link><pubDate>Fri, 15 May 2020 10:00:00 GMT</pubDate></item>".to_vec()),
        Just(b"<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><updated>2020-05-15T00:00:00Z</updated>".to_vec()),
        Just(b"</entry></feed></channel></rss>".to_vec()),
        Just(b"<![CDATA[x]]>&amp;&#x1F600;&bogus;".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..16),
    ];
    proptest::collection::vec(piece, 0..10).prop_map(|v| v.concat())
}
