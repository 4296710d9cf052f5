//! `incidentmap geocode` against the shipped default gazetteer, run as the
//! real binary. Every name must land within 10 km of the true place (for an
//! admin area: inside it). Truths are GeoNames coordinates.
//!
//! These need the shipped data in `gazetteer/`; without it the embedded
//! gazetteer is empty and they fail with "the gazetteer is empty".

use incidentmap::LonLat;
use incidentmap::geodesy::haversine_km;

use crate::util::{Dir, Run, incidentmap};

fn geocode(args: &[&str]) -> Run {
    // An empty directory as the user gazetteer location keeps a developer's
    // own imported gazetteer out of these tests.
    let empty = Dir::new();
    incidentmap(["geocode"]).args(args).env("INCIDENTMAP_GAZETTEER", empty.path()).run()
}

/// The top candidate as JSON.
fn top(name: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![name, "--format", "json"];
    args.extend_from_slice(extra);
    geocode(&args).assert_exit(0).stdout_first_json()
}

fn position(v: &serde_json::Value) -> LonLat {
    LonLat { lon: v["longitude"].as_f64().unwrap(), lat: v["latitude"].as_f64().unwrap() }
}

fn assert_near(name: &str, lat: f64, lon: f64) {
    let v = top(name, &[]);
    let d = haversine_km(position(&v), LonLat { lon, lat });
    assert!(d <= 10.0, "{name}: got {} at {d:.1} km from the truth", v["name"]);
}

/// An admin area: the point must be inside its (rough) bounding box.
fn assert_inside(name: &str, (s, w, n, e): (f64, f64, f64, f64), admin1: &str) {
    let v = top(name, &[]);
    let p = position(&v);
    assert!(
        (s..=n).contains(&p.lat) && (w..=e).contains(&p.lon),
        "{name}: {} at {:.4},{:.4} is outside {admin1}",
        v["name"],
        p.lat,
        p.lon
    );
    assert_eq!(v["admin1"], admin1, "{name}");
}

#[test]
fn iraqi_towns_in_news_spellings() {
    for name in ["Khanaqin", "Khanaqeen", "Xaneqîn"] {
        assert_near(name, 34.3482, 45.39065);
    }
    for name in ["Baqubah", "Baquba", "Ba'qubah"] {
        assert_near(name, 33.75403, 44.60518);
    }
    for name in ["Sulaimani", "Slemani", "Sulaymaniyah"] {
        assert_near(name, 35.56496, 45.4329);
    }
    for name in ["Duhok", "Dohuk", "Dihok"] {
        assert_near(name, 36.86608, 42.9879);
    }
    for name in ["Makhmour", "Makhmur"] {
        assert_near(name, 35.77622, 43.57974);
    }
    assert_near("Kirkuk", 35.46806, 44.39222);
    for name in ["Jurf al-Nasr", "Jurf al-Sakhar", "Jurf al Sakhar"] {
        assert_near(name, 32.86667, 44.21389);
    }
    // Rusafa, the east-bank district of Baghdad.
    assert_near("Rusafa", 33.34, 44.42);
}

#[test]
fn iraqi_governorates_land_inside() {
    assert_inside("Diyala", (33.2, 44.3, 35.1, 46.0), "Diyala");
    assert_inside("Diyala Governorate", (33.2, 44.3, 35.1, 46.0), "Diyala");
    assert_inside("Saladin", (33.4, 42.5, 35.6, 45.0), "Salah ad Din");
    assert_inside("Salahuddin", (33.4, 42.5, 35.6, 45.0), "Salah ad Din");
    assert_inside("Anbar", (30.8, 38.8, 34.6, 44.0), "Anbar");
    assert_inside("Nineveh", (35.0, 41.0, 37.1, 44.0), "Nineveh");
    assert_inside("Ninawa", (35.0, 41.0, 37.1, 44.0), "Nineveh");
    assert_inside("Kirkuk province", (34.6, 43.3, 36.0, 44.9), "Kirkuk");
}

#[test]
fn towns_elsewhere() {
    assert_near("Lyon", 45.74846, 4.84671);
    assert_near("Mombasa", -4.05466, 39.66359);
    assert_near("Cusco", -13.52264, -71.96734);
    assert_near("Danang", 16.06778, 108.22083);
    assert_near("Da Nang", 16.06778, 108.22083);
    assert_near("Deir ez-Zor", 35.33588, 40.14084);
}

#[test]
fn country_filter_picks_the_other_sinjar() {
    let iq = top("Sinjar", &["--country", "IQ"]);
    assert_eq!(iq["country"], "IQ");
    let sy = top("Sinjar", &["--country", "sy"]);
    assert_eq!(sy["country"], "SY");
    assert!(haversine_km(position(&iq), position(&sy)) > 100.0);
}

#[test]
fn geojson_output_is_a_feature_collection() {
    let v = geocode(&["Khanaqin", "--format", "geojson", "--limit", "3"]).assert_exit(0).stdout_json();
    assert_eq!(v["type"], "FeatureCollection");
    let f = &v["features"][0];
    assert_eq!(f["geometry"]["type"], "Point");
    let c = f["geometry"]["coordinates"].as_array().unwrap();
    // RFC 7946: longitude first.
    assert!((c[0].as_f64().unwrap() - 45.39065).abs() < 0.01, "{c:?}");
    assert!((c[1].as_f64().unwrap() - 34.3482).abs() < 0.01, "{c:?}");
    assert!(f["properties"]["reasons"].is_array());
    assert!(v["features"].as_array().unwrap().len() <= 3);
}

#[test]
fn table_output_has_reasons() {
    let out = geocode(&["Khanaqin"]).assert_exit(0).stdout();
    assert!(out.lines().next().unwrap().starts_with("rank"), "{out}");
    assert!(out.contains("exact name"), "{out}");
}

#[test]
fn unknown_name_exits_2_with_a_clear_message() {
    let o = geocode(&["Qqxzyville"]);
    o.assert_exit(2);
    let err = o.stderr();
    assert!(err.contains("no place called \"Qqxzyville\""), "{err}");
    assert!(o.stdout_bytes().is_empty());

    let err = geocode(&["Khanaqin", "--country", "FR"]).assert_exit(2).stderr();
    assert!(err.contains("with country FR"), "{err}");
}

/// A spelling that only shares a loose key with a bigger place ("Samarra"
/// and Samara, Russia; "Deraa" and Dera, Ethiopia) is not an exact match:
/// the place whose name is that spelling, or lists it, wins.
#[test]
fn a_loose_spelling_match_is_not_an_exact_one() {
    assert_near("Samarra", 34.1959, 43.88568);
    assert_near("Deraa", 32.61889, 36.10213);
    let v = top("Samara", &[]);
    assert_eq!(v["country"], "RU", "{v}");
}

/// Bare names give the place a reader means (issue 18): the name spelled as
/// a place's own beats a bigger place whose name only shares its key
/// (Samarra, not Samara), the better known of the places spelled so wins
/// (Palmyra the Syrian city), and an area after a comma still overrides.
#[test]
fn bare_names_give_the_place_a_reader_means_and_an_area_after_a_comma_overrides() {
    assert_near("Samarra", 34.1959, 43.88568);
    assert_near("Palmyra", 34.5624, 38.28402);
    assert_near("Deraa", 32.61889, 36.10213);
    assert_near("Toronto", 43.70643, -79.39864);
    assert_near("Washington", 38.89511, -77.03637);
    assert_near("Samara", 53.20767, 50.13553);
    assert_near("Palmyra, Pennsylvania", 40.30898, -76.5933);
    assert_near("Palmyra, Missouri", 39.79421, -91.52321);
    let v = top("Palmyra, Pennsylvania", &[]);
    assert_eq!(v["admin1"], "Pennsylvania");
}
