//! Geoparsing results out: one JSON line per document (the shape
//! `bench/eval_geoparse.sh` scores) or one GeoJSON point per resolved
//! mention.

use std::io::{self, Write};

use serde_json::ser::Formatter;

use crate::geoparse::{Relation, Resolution};

/// Writes one document's (or line's) JSONL line (newline included): byte for byte what
/// `serde_json` writes for `{"doc_id": ..., "toponyms": [toponym_json(r), ...]}`
/// (keys in the sorted order of its maps, compact, its number formatting),
/// without building the `Value`s.
pub fn write_jsonl_line(w: &mut Vec<u8>, doc_id: &str, line: Option<usize>, rs: &[Resolution]) {
    w.extend_from_slice(b"{\"doc_id\":\"");
    crate::json::escape_into(w, doc_id);
    if let Some(n) = line {
        w.push(b':');
        number(w, n as u64);
    }
    w.extend_from_slice(b"\",\"toponyms\":[");
    for (i, r) in rs.iter().enumerate() {
        if i > 0 {
            w.push(b',');
        }
        write_toponym(w, r);
    }
    w.extend_from_slice(b"]}\n");
}

/// `,"candidates":[{"geonameid","lat","lon","x":{feature: value},"x1":{..}}]`:
/// every candidate with its non-zero ranker features in the final pass (`x`)
/// and the first (`x1`) (`geoparse --ranker-features`).
fn write_candidates(w: &mut Vec<u8>, r: &Resolution) {
    w.extend_from_slice(b",\"candidates\":[");
    for (i, c) in r.candidates.iter().enumerate() {
        if i > 0 {
            w.push(b',');
        }
        w.extend_from_slice(b"{\"geonameid\":");
        serde_json::ser::CompactFormatter.write_i64(w, c.geonameid).expect("writing JSON to memory");
        w.extend_from_slice(b",\"lat\":");
        opt_f64(w, Some(round6(c.lat)));
        w.extend_from_slice(b",\"lon\":");
        opt_f64(w, Some(round6(c.lon)));
        w.extend_from_slice(b",\"x\":");
        sparse_features(w, &c.features);
        w.extend_from_slice(b",\"x1\":");
        sparse_features(w, &c.first_pass);
        w.push(b'}');
    }
    w.push(b']');
}

/// `{feature: value}` for the non-zero features.
fn sparse_features(w: &mut Vec<u8>, x: &crate::geoparse::ranker::Features) {
    w.push(b'{');
    let mut first = true;
    for (name, v) in crate::geoparse::ranker::FEATURES.iter().zip(x) {
        if *v != 0.0 {
            if !first {
                w.push(b',');
            }
            first = false;
            string(w, name);
            w.push(b':');
            opt_f64(w, Some(*v));
        }
    }
    w.push(b'}');
}

/// One mention's object, the fields of [`toponym_json`] in key order.
fn write_toponym(w: &mut Vec<u8>, r: &Resolution) {
    let m = &r.mention;
    let p = r.place.as_ref();
    w.extend_from_slice(b"{\"admin1\":");
    opt_str(w, r.admin1.as_deref());
    if !r.candidates.is_empty() {
        write_candidates(w, r);
    }
    w.extend_from_slice(b",\"country\":");
    opt_str(w, p.or(r.within.as_ref()).map(|p| p.country.as_str()));
    w.extend_from_slice(b",\"end\":");
    number(w, m.name_end as u64);
    w.extend_from_slice(b",\"feature_code\":");
    opt_str(w, p.map(|p| p.feature_code.as_str()));
    w.extend_from_slice(b",\"geonameid\":");
    match p {
        Some(p) => serde_json::ser::CompactFormatter.write_i64(w, p.geonameid).expect("writing JSON to memory"),
        None => w.extend_from_slice(b"null"),
    }
    w.extend_from_slice(b",\"lat\":");
    remembered_f64(w, p.map(|p| round6(p.position.lat)));
    w.extend_from_slice(b",\"lon\":");
    remembered_f64(w, p.map(|p| round6(p.position.lon)));
    w.extend_from_slice(b",\"name\":");
    string(w, &m.name);
    w.extend_from_slice(b",\"place_name\":");
    opt_str(w, p.map(|p| p.name.as_str()));
    w.extend_from_slice(b",\"relation\":");
    string(
        w,
        match &m.relation {
            Relation::At => "at",
            Relation::Near => "near",
            Relation::Part(d) => d,
        },
    );
    w.extend_from_slice(b",\"rule\":");
    string(w, &r.rule);
    w.extend_from_slice(b",\"score\":");
    remembered_f64(w, Some(r.score));
    w.extend_from_slice(b",\"start\":");
    number(w, m.name_start as u64);
    w.extend_from_slice(b",\"within\":");
    opt_str(w, r.within.as_ref().map(|w| w.name.as_str()));
    w.push(b'}');
}

fn number(w: &mut Vec<u8>, n: u64) {
    serde_json::ser::CompactFormatter.write_u64(w, n).expect("writing JSON to memory");
}

/// A float as `serde_json` writes it: shortest round-trip form, `null` when
/// not finite.
fn opt_f64(w: &mut Vec<u8>, x: Option<f64>) {
    match x {
        Some(x) if x.is_finite() => serde_json::ser::CompactFormatter.write_f64(w, x).expect("writing JSON to memory"),
        _ => w.extend_from_slice(b"null"),
    }
}

/// [`opt_f64`], remembered per thread by the number's bits: the lines
/// repeat their places' coordinates and a few scores, and the shortest
/// round-trip form costs several times a lookup to work out.
fn remembered_f64(w: &mut Vec<u8>, x: Option<f64>) {
    use std::cell::RefCell;
    use std::collections::HashMap;

    use foldhash::fast::FixedState;

    /// Longest form kept: `-1.2345678901234567e-308` has 24 bytes.
    const LONGEST: usize = 24;
    /// Numbers kept before the table starts over.
    const MAX_NUMBERS: usize = 1 << 16;
    thread_local! {
        static WRITTEN: RefCell<HashMap<u64, ([u8; LONGEST], u8), FixedState>> = RefCell::default();
    }
    let Some(x) = x else {
        w.extend_from_slice(b"null");
        return;
    };
    WRITTEN.with(|written| {
        let mut written = written.borrow_mut();
        if let Some((form, n)) = written.get(&x.to_bits()) {
            w.extend_from_slice(&form[..usize::from(*n)]);
            return;
        }
        let start = w.len();
        opt_f64(w, Some(x));
        let new = &w[start..];
        if new.len() <= LONGEST {
            if written.len() >= MAX_NUMBERS {
                written.clear();
            }
            let mut form = [0; LONGEST];
            form[..new.len()].copy_from_slice(new);
            written.insert(x.to_bits(), (form, new.len() as u8));
        }
    })
}

fn opt_str(w: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => string(w, s),
        None => w.extend_from_slice(b"null"),
    }
}

fn string(w: &mut Vec<u8>, s: &str) {
    crate::json::push_str(w, s);
}

/// Rounds to 6 decimals (about 0.1 m), the precision every output uses.
pub(crate) fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The JSON record of one mention, in the shape `bench/eval_geoparse.sh` scores.
pub fn toponym_json(r: &Resolution) -> serde_json::Value {
    let m = &r.mention;
    let p = r.place.as_ref();
    serde_json::json!({
        "start": m.name_start,
        "end": m.name_end,
        "name": m.name,
        "relation": match &m.relation {
            Relation::At => "at".to_string(),
            Relation::Near => "near".to_string(),
            Relation::Part(d) => d.clone(),
        },
        "lat": p.map(|p| round6(p.position.lat)),
        "lon": p.map(|p| round6(p.position.lon)),
        "geonameid": p.map(|p| p.geonameid),
        "place_name": p.map(|p| p.name.clone()),
        "feature_code": p.map(|p| p.feature_code.clone()),
        "country": p.or(r.within.as_ref()).map(|p| p.country.clone()),
        "admin1": r.admin1,
        "within": r.within.as_ref().map(|w| w.name.clone()),
        "score": r.score,
        "rule": r.rule,
    })
}

/// Writes a FeatureCollection with one Point per resolved mention, each
/// with the properties of [`toponym_json`] and its `doc_id`.
pub fn write_geojson<'a, W: Write>(
    w: &mut W,
    docs: impl Iterator<Item = (String, &'a [Resolution])>,
) -> io::Result<()> {
    let mut features = Vec::new();
    for (id, rs) in docs {
        for r in rs {
            let Some(p) = &r.place else { continue };
            let mut props = toponym_json(r);
            props["doc_id"] = serde_json::json!(id);
            features.push(serde_json::json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round6(p.position.lon), round6(p.position.lat)]},
                "properties": props,
            }));
        }
    }
    serde_json::to_writer(&mut *w, &serde_json::json!({"type": "FeatureCollection", "features": features}))?;
    writeln!(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_format_as_serde_json_does() {
        for x in
            [0.0, -0.0, 34.5624, 0.867, 44.40088, 1.0, 1e-7, 123456.789, -179.999999, 1e21, f64::NAN, f64::INFINITY]
        {
            let mut w = Vec::new();
            opt_f64(&mut w, Some(x));
            assert_eq!(String::from_utf8(w).unwrap(), serde_json::to_string(&x).unwrap(), "{x}");
        }
        // Remembered or not, the same text.
        for x in [0.0, -0.0, 34.5624, 1e21, f64::NAN, f64::NEG_INFINITY, -1.2345678901234567e-308] {
            for _ in 0..2 {
                let (mut a, mut b) = (Vec::new(), Vec::new());
                opt_f64(&mut a, Some(x));
                remembered_f64(&mut b, Some(x));
                assert_eq!(a, b, "{x}");
            }
        }
        let mut w = Vec::new();
        remembered_f64(&mut w, None);
        assert_eq!(w, b"null");
        let mut w = Vec::new();
        number(&mut w, u64::MAX);
        assert_eq!(String::from_utf8(w).unwrap(), u64::MAX.to_string());
    }
}
