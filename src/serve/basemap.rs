//! The offline base map of the `/map` page: the gazetteer's Natural Earth
//! admin-1 outlines around the incidents, simplified, with each country's
//! outline (its provinces' edges that no other province of it shares) so
//! the page can draw national borders thicker than provincial ones.
//!
//! # Which areas
//! Every province of every country that has a province meeting the
//! incidents' extent widened by half its size (at least 5°) on each side:
//! the countries that hold incidents and their neighbours. Whole countries,
//! so that a country's dissolved outline never shows a border where the
//! selection was cut. With no incidents, the world.
//!
//! # Units
//! Degrees (CRS84). Outlines are simplified with Ramer-Douglas-Peucker at a
//! tolerance of a thousandth of the extent's larger side (0.002° to 0.05°:
//! 200 m to 5 km), a fraction of a pixel at the zoom that shows the extent,
//! and coordinates are written with 3 decimals (about 100 m).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

use geo::{Area, LineString, MultiLineString, MultiPolygon, Polygon, Simplify};

use crate::gazetteer::admin::AdminArea;

/// The smallest margin around the incidents, in degrees.
const MIN_MARGIN_DEG: f64 = 5.0;

/// The simplification tolerance for an extent `[w, s, e, n]`, in degrees.
pub fn tolerance(extent: [f64; 4]) -> f64 {
    let span = (extent[2] - extent[0]).abs().max((extent[3] - extent[1]).abs());
    (span / 1000.0).clamp(0.002, 0.05)
}

/// The box areas are chosen by: the extent widened by half its size on each
/// side, at least [`MIN_MARGIN_DEG`], clamped to the world.
fn view_box(extent: [f64; 4]) -> [f64; 4] {
    let mx = ((extent[2] - extent[0]) / 2.0).max(MIN_MARGIN_DEG);
    let my = ((extent[3] - extent[1]) / 2.0).max(MIN_MARGIN_DEG);
    [(extent[0] - mx).max(-180.0), (extent[1] - my).max(-90.0), (extent[2] + mx).min(180.0), (extent[3] + my).min(90.0)]
}

/// The countries (ISO codes) whose areas the base map of `extent` holds;
/// `None` for the world.
pub fn countries(areas: &[AdminArea], extent: Option<[f64; 4]>) -> Option<BTreeSet<String>> {
    let v = view_box(extent?);
    let meets = |a: &AdminArea| {
        let (lo, hi) = (a.bbox.min(), a.bbox.max());
        lo.x <= v[2] && hi.x >= v[0] && lo.y <= v[3] && hi.y >= v[1]
    };
    Some(areas.iter().filter(|a| meets(a)).map(|a| a.country.clone()).collect())
}

/// A polygon simplified, or `None` when nothing of it is left (a ring needs
/// four positions, the first repeated last, and some area).
fn simplified(p: &Polygon<f64>, eps: f64) -> Option<Polygon<f64>> {
    let s = p.simplify(eps);
    let ring_ok = |r: &LineString<f64>| r.0.len() >= 4;
    if !ring_ok(s.exterior()) || s.unsigned_area() == 0.0 {
        return None;
    }
    let holes: Vec<LineString<f64>> = s.interiors().iter().filter(|r| ring_ok(r)).cloned().collect();
    Some(Polygon::new(s.exterior().clone(), holes))
}

fn simplified_multi(mp: &MultiPolygon<f64>, eps: f64) -> MultiPolygon<f64> {
    MultiPolygon(mp.0.iter().filter_map(|p| simplified(p, eps)).collect())
}

/// Writes a MultiPolygon's coordinates (`[[[[x,y],...]]]`) with 3 decimals.
fn write_coords(out: &mut String, mp: &MultiPolygon<f64>) {
    out.push('[');
    for (i, p) in mp.0.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        for (j, ring) in std::iter::once(p.exterior()).chain(p.interiors()).enumerate() {
            if j > 0 {
                out.push(',');
            }
            push_line(out, &ring.0);
        }
        out.push(']');
    }
    out.push(']');
}

fn write_feature(out: &mut String, kind: &str, name: &str, country: &str, mp: &MultiPolygon<f64>) {
    if mp.0.is_empty() {
        return;
    }
    if !out.ends_with('[') {
        out.push(',');
    }
    out.push_str("\n{\"type\":\"Feature\",\"properties\":{\"kind\":");
    out.push_str(&serde_json::Value::from(kind).to_string());
    out.push_str(",\"name\":");
    out.push_str(&serde_json::Value::from(name).to_string());
    out.push_str(",\"country\":");
    out.push_str(&serde_json::Value::from(country).to_string());
    out.push_str("},\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":");
    write_coords(out, mp);
    out.push_str("}}");
}

/// A segment as an exact key: its ends in 1e-7 degrees, the lesser first.
type SegKey = ((i64, i64), (i64, i64));

/// A position as an exact key (1e-7 degrees).
fn key(c: geo::Coord<f64>) -> (i64, i64) {
    ((c.x * 1e7).round() as i64, (c.y * 1e7).round() as i64)
}

/// A segment's key, the same in either direction.
fn seg(a: geo::Coord<f64>, b: geo::Coord<f64>) -> SegKey {
    let (ka, kb) = (key(a), key(b));
    if ka <= kb { (ka, kb) } else { (kb, ka) }
}

/// A country's outline as lines: the edges of its provinces that no other
/// province of it shares (its borders and coasts), in runs along each
/// ring. Natural Earth's provinces share their borders vertex for vertex,
/// so an inner border is an edge met twice. (Dissolving the polygons with
/// a boolean union does the same job, but took minutes for the world in a
/// debug build.)
fn outline(provinces: &[&AdminArea]) -> MultiLineString<f64> {
    let rings = || {
        provinces
            .iter()
            .flat_map(|a| a.polygon.0.iter())
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
    };
    let mut count: HashMap<SegKey, u32> = HashMap::new();
    for r in rings() {
        for w in r.0.windows(2) {
            *count.entry(seg(w[0], w[1])).or_default() += 1;
        }
    }
    let mut lines = Vec::new();
    for r in rings() {
        let mut run: Vec<geo::Coord<f64>> = Vec::new();
        for w in r.0.windows(2) {
            if count[&seg(w[0], w[1])] == 1 {
                if run.is_empty() {
                    run.push(w[0]);
                }
                run.push(w[1]);
            } else if !run.is_empty() {
                lines.push(LineString(std::mem::take(&mut run)));
            }
        }
        if !run.is_empty() {
            lines.push(LineString(run));
        }
    }
    MultiLineString(lines)
}

fn write_lines(out: &mut String, country: &str, ml: &MultiLineString<f64>) {
    if ml.0.is_empty() {
        return;
    }
    if !out.ends_with('[') {
        out.push(',');
    }
    out.push_str("\n{\"type\":\"Feature\",\"properties\":{\"kind\":\"country\",\"name\":\"\",\"country\":");
    out.push_str(&serde_json::Value::from(country).to_string());
    out.push_str("},\"geometry\":{\"type\":\"MultiLineString\",\"coordinates\":[");
    for (i, l) in ml.0.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_line(out, &l.0);
    }
    out.push_str("]}}");
}

/// A GeoJSON position array `[[x,y],...]` to 0.001° (about 100 m).
fn push_line(out: &mut String, coords: &[geo::Coord<f64>]) {
    out.push('[');
    for (k, c) in coords.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        let _ = write!(out, "[{:.3},{:.3}]", c.x, c.y);
    }
    out.push(']');
}

/// The base map for incidents spanning `extent` (`None`: the world) as a
/// GeoJSON FeatureCollection: `kind: "province"` polygons (`name`,
/// `country`), then one `kind: "country"` MultiLineString per country, its
/// outline without the borders between its own provinces.
pub fn basemap_geojson(areas: &[AdminArea], extent: Option<[f64; 4]>) -> String {
    let keep = countries(areas, extent);
    let eps = tolerance(extent.unwrap_or([-180.0, -90.0, 180.0, 90.0]));
    let chosen: Vec<&AdminArea> =
        areas.iter().filter(|a| keep.as_ref().is_none_or(|k| k.contains(&a.country))).collect();
    let mut out = String::from("{\"type\":\"FeatureCollection\",\"features\":[");
    let mut by_country: BTreeMap<&str, Vec<&AdminArea>> = BTreeMap::new();
    for a in &chosen {
        write_feature(&mut out, "province", &a.name, &a.country, &simplified_multi(&a.polygon, eps));
        by_country.entry(a.country.as_str()).or_default().push(a);
    }
    for (country, provinces) in by_country {
        write_lines(&mut out, country, &outline(&provinces).simplify(eps));
    }
    out.push_str("\n]}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{BoundingRect, polygon};

    fn area(name: &str, country: &str, x0: f64, y0: f64, x1: f64, y1: f64) -> AdminArea {
        let p = polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1), (x: x0, y: y0)];
        let polygon = MultiPolygon(vec![p]);
        let bbox = polygon.bounding_rect().unwrap();
        AdminArea { code: String::new(), name: name.into(), country: country.into(), geonameid: 0, polygon, bbox }
    }

    #[test]
    fn neighbours_are_kept_and_far_countries_dropped() {
        let areas = [
            area("A1", "AA", 40.0, 30.0, 42.0, 32.0),
            area("A2", "AA", 42.0, 30.0, 44.0, 32.0),
            area("B1", "BB", 44.0, 30.0, 50.0, 32.0),
            area("Z1", "ZZ", -80.0, 10.0, -78.0, 12.0),
            // A far province of a kept country is kept: whole countries.
            area("B2", "BB", 100.0, 0.0, 101.0, 1.0),
        ];
        let kept = countries(&areas, Some([41.0, 31.0, 41.5, 31.5])).unwrap();
        assert_eq!(kept.into_iter().collect::<Vec<_>>(), ["AA", "BB"]);
        assert!(countries(&areas, None).is_none());
        let v: serde_json::Value =
            serde_json::from_str(&basemap_geojson(&areas, Some([41.0, 31.0, 41.5, 31.5]))).unwrap();
        let feats = v["features"].as_array().unwrap();
        let names: Vec<&str> = feats.iter().map(|f| f["properties"]["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["A1", "A2", "B1", "B2", "", ""]);
        assert_eq!(feats.iter().filter(|f| f["properties"]["kind"] == "country").count(), 2);
    }

    #[test]
    fn a_country_outline_leaves_out_its_inner_border() {
        let areas = [area("A1", "AA", 40.0, 30.0, 42.0, 32.0), area("A2", "AA", 42.0, 30.0, 44.0, 32.0)];
        let v: serde_json::Value = serde_json::from_str(&basemap_geojson(&areas, None)).unwrap();
        let country = v["features"].as_array().unwrap().iter().find(|f| f["properties"]["kind"] == "country").unwrap();
        assert_eq!(country["geometry"]["type"], "MultiLineString");
        // Every edge of the outline, none on the shared border x = 42
        // (from y 30 to 32), and the six outer edges all there.
        let mut edges = Vec::new();
        for line in country["geometry"]["coordinates"].as_array().unwrap() {
            let pts: Vec<(f64, f64)> =
                line.as_array().unwrap().iter().map(|c| (c[0].as_f64().unwrap(), c[1].as_f64().unwrap())).collect();
            edges.extend(pts.windows(2).map(|w| (w[0], w[1])));
        }
        assert!(!edges.iter().any(|(a, b)| a.0 == 42.0 && b.0 == 42.0), "{edges:?}");
        let length: f64 = edges.iter().map(|(a, b)| (b.0 - a.0).abs() + (b.1 - a.1).abs()).sum();
        assert_eq!(length, 2.0 * 4.0 + 2.0 * 2.0, "{edges:?}");
    }

    #[test]
    fn tolerance_follows_the_extent_within_bounds() {
        assert_eq!(tolerance([44.0, 33.0, 44.0, 33.0]), 0.002);
        assert!((tolerance([36.0, 30.0, 48.0, 38.0]) - 0.012).abs() < 1e-12);
        assert_eq!(tolerance([-180.0, -90.0, 180.0, 90.0]), 0.05);
        // Collinear points go; the ring stays a closed ring.
        let mut ring: Vec<(f64, f64)> = (0..=10).map(|i| (f64::from(i) / 10.0, 0.0)).collect();
        ring.extend([(1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]);
        let p = simplified(&Polygon::new(LineString::from(ring), vec![]), 0.01).unwrap();
        assert_eq!(p.exterior().0.len(), 5);
    }
}
