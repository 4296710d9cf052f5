//! Hulls and bounding boxes of point sets on the sphere.
//!
//! Hulls are computed in a gnomonic (central) projection centred on the
//! points' spherical mean: it maps great circles to straight lines, so the
//! planar convex hull there is the spherical convex hull, and it has no seam
//! at the antimeridian. Hull vertices are always input points, returned with
//! their original coordinates.

use std::collections::HashMap;

use foldhash::fast::FixedState;
use geo::{Area, ConcaveHull, ConvexHull, Coord, MultiPoint, Point};

use crate::geodesy::LonLat;

/// Normalised mean of the unit vectors of `points` (the spherical mean);
/// `None` for an empty slice or when the vectors cancel out.
pub fn spherical_mean(points: impl IntoIterator<Item = LonLat>) -> Option<LonLat> {
    let mut s = [0.0f64; 3];
    let mut n = 0usize;
    for p in points {
        let v = p.to_unit_vector();
        s[0] += v[0];
        s[1] += v[1];
        s[2] += v[2];
        n += 1;
    }
    let norm = (s[0] * s[0] + s[1] * s[1] + s[2] * s[2]).sqrt();
    if n == 0 || norm < 1e-12 * n as f64 {
        return None;
    }
    Some(LonLat::from_vector([s[0] / norm, s[1] / norm, s[2] / norm]))
}

/// The extent `[west, south, east, north]` of `points` as GIS software
/// takes one: plain minima and maxima, never across the antimeridian (a
/// QGIS project's view, an OGC collection's extent). `None` for no points.
pub fn extent(points: impl IntoIterator<Item = LonLat>) -> Option<[f64; 4]> {
    let mut b = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    for p in points {
        b = [b[0].min(p.lon), b[1].min(p.lat), b[2].max(p.lon), b[3].max(p.lat)];
    }
    b[0].is_finite().then_some(b)
}

/// The bounding box `[west, south, east, north]` of `points` with the
/// smallest longitude span: when the widest gap between consecutive
/// longitudes spans the antimeridian the box crosses it and `west > east`.
/// `None` for no points.
pub fn bbox(points: impl IntoIterator<Item = LonLat>) -> Option<[f64; 4]> {
    let mut lons = Vec::new();
    let (mut s, mut n) = (f64::INFINITY, f64::NEG_INFINITY);
    for p in points {
        lons.push(p.lon);
        s = s.min(p.lat);
        n = n.max(p.lat);
    }
    if lons.is_empty() {
        return None;
    }
    lons.sort_by(f64::total_cmp);
    lons.dedup();
    let (first, last) = (lons[0], lons[lons.len() - 1]);
    // The gap "around the back" from the largest longitude to the smallest.
    let mut best_gap = first + 360.0 - last;
    let (mut w, mut e) = (first, last);
    for pair in lons.windows(2) {
        let gap = pair[1] - pair[0];
        if gap > best_gap {
            best_gap = gap;
            w = pair[1];
            e = pair[0];
        }
    }
    Some([w, s, e, n])
}

/// The hull ring of `points` (closed, counter-clockwise, original
/// coordinates), convex or, with `concave`, a concave hull (concaveman with
/// concavity 2). `None` when there are fewer than 3 distinct points, all
/// points are collinear, or they do not fit in one hemisphere.
pub fn hull_ring(points: &[LonLat], concave: bool) -> Option<Vec<LonLat>> {
    let mut distinct: Vec<LonLat> = points.to_vec();
    distinct.sort_by(|a, b| a.lon.total_cmp(&b.lon).then(a.lat.total_cmp(&b.lat)));
    distinct.dedup_by(|a, b| a.lon == b.lon && a.lat == b.lat);
    if distinct.len() < 3 {
        return None;
    }
    let c = spherical_mean(distinct.iter().copied())?.to_unit_vector();
    let clon = c[1].atan2(c[0]);
    let clat = c[2].atan2((c[0] * c[0] + c[1] * c[1]).sqrt());
    let east = [-clon.sin(), clon.cos(), 0.0];
    let north = [-clat.sin() * clon.cos(), -clat.sin() * clon.sin(), clat.cos()];
    let dot = |a: [f64; 3], b: [f64; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    let mut back: HashMap<(u64, u64), LonLat, FixedState> =
        HashMap::with_capacity_and_hasher(distinct.len(), FixedState::default());
    let mut plane = Vec::with_capacity(distinct.len());
    for p in &distinct {
        let v = p.to_unit_vector();
        let h = dot(v, c);
        if h <= 1e-9 {
            return None;
        }
        let q = Coord { x: dot(v, east) / h, y: dot(v, north) / h };
        back.insert((q.x.to_bits(), q.y.to_bits()), *p);
        plane.push(Point(q));
    }
    let mp = MultiPoint(plane);
    let poly = if concave { mp.concave_hull() } else { mp.convex_hull() };
    let area = poly.signed_area();
    // Relative to the spread of the points, a (near) zero area means collinear.
    let scale = poly.exterior().0.iter().map(|q| q.x.abs().max(q.y.abs())).fold(0.0f64, f64::max);
    if area.abs() <= 1e-12 * scale * scale || scale == 0.0 {
        return None;
    }
    let mut ring: Vec<LonLat> = Vec::with_capacity(poly.exterior().0.len());
    for q in &poly.exterior().0 {
        ring.push(*back.get(&(q.x.to_bits(), q.y.to_bits()))?);
    }
    if ring.first() != ring.last() {
        ring.push(ring[0]);
    }
    let mut distinct_vertices = ring[..ring.len() - 1].to_vec();
    distinct_vertices.sort_by(|a, b| a.lon.total_cmp(&b.lon).then(a.lat.total_cmp(&b.lat)));
    distinct_vertices.dedup();
    if distinct_vertices.len() < 3 {
        return None;
    }
    if area < 0.0 {
        ring.reverse();
    }
    Some(ring)
}

/// The hull `ring` (closed) as drawn on a lon/lat map: one ring, or, when it
/// crosses the antimeridian, its two parts cut at longitude ±180 (RFC 7946
/// §3.1.9: geometries that cross the antimeridian are split there). Edges
/// are straight in lon/lat, as GeoJSON draws them.
pub fn split_at_antimeridian(ring: &[LonLat]) -> Vec<Vec<LonLat>> {
    if ring.len() < 4 || !ring.windows(2).any(|w| (w[1].lon - w[0].lon).abs() > 180.0) {
        return vec![ring.to_vec()];
    }
    // Unwrap: each longitude within 180 of the one before.
    let mut xy: Vec<(f64, f64)> = Vec::with_capacity(ring.len());
    for p in ring {
        let x = match xy.last() {
            None => p.lon,
            Some(&(prev, _)) => p.lon + 360.0 * ((prev - p.lon) / 360.0).round(),
        };
        xy.push((x, p.lat));
    }
    // The seam crossed: +180 when the unwrapped ring reaches east of it.
    let seam = if xy.iter().any(|&(x, _)| x > 180.0) { 180.0 } else { -180.0 };
    let west = clip_half(&xy, seam, true);
    let east = clip_half(&xy, seam, false);
    let mut out = Vec::new();
    for (part, shift) in [(west, if seam > 0.0 { 0.0 } else { 360.0 }), (east, if seam > 0.0 { -360.0 } else { 0.0 })] {
        if part.len() >= 4 {
            out.push(part.into_iter().map(|(x, y)| LonLat { lon: (x + shift).clamp(-180.0, 180.0), lat: y }).collect());
        }
    }
    out
}

/// Sutherland-Hodgman clip of the closed ring `xy` to `x <= seam` (`keep_west`)
/// or `x >= seam`; the result is closed.
fn clip_half(xy: &[(f64, f64)], seam: f64, keep_west: bool) -> Vec<(f64, f64)> {
    let inside = |x: f64| if keep_west { x <= seam } else { x >= seam };
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(xy.len() + 2);
    for w in xy.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        let (in0, in1) = (inside(x0), inside(x1));
        if in0 {
            out.push((x0, y0));
        }
        if in0 != in1 {
            let t = (seam - x0) / (x1 - x0);
            out.push((seam, y0 + t * (y1 - y0)));
        }
    }
    if let Some(&first) = out.first() {
        if out.last() != Some(&first) {
            out.push(first);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hulls_across_the_antimeridian_are_cut_there() {
        // A square from 179 E to 179 W, counter-clockwise.
        let ring = [ll(179.0, -1.0), ll(-179.0, -1.0), ll(-179.0, 1.0), ll(179.0, 1.0), ll(179.0, -1.0)];
        let parts = split_at_antimeridian(&ring);
        assert_eq!(parts.len(), 2);
        for p in &parts {
            assert_eq!(p.first(), p.last());
            // Each part stays on one side, touching the seam.
            let east = p.iter().all(|q| q.lon >= 179.0 - 1e-9);
            let west = p.iter().all(|q| q.lon <= -179.0 + 1e-9);
            assert!(east || west, "{p:?}");
            assert!(p.iter().any(|q| q.lon.abs() == 180.0));
        }
        // Areas: each half of the 2 x 2 degree square.
        let area =
            |p: &Vec<LonLat>| p.windows(2).map(|w| w[0].lon * w[1].lat - w[1].lon * w[0].lat).sum::<f64>().abs() / 2.0;
        for p in &parts {
            assert!((area(p) - 2.0).abs() < 1e-9, "{}", area(p));
        }
        // Starting on the west side, crossing westward, is the same cut.
        let ring = [ll(-179.5, 0.0), ll(179.5, 0.5), ll(179.5, -0.5), ll(-179.5, 0.0)];
        assert_eq!(split_at_antimeridian(&ring).len(), 2);
        // A ring that does not cross stays whole.
        let ring = [ll(44.0, 33.0), ll(45.0, 33.0), ll(45.0, 34.0), ll(44.0, 33.0)];
        assert_eq!(split_at_antimeridian(&ring), vec![ring.to_vec()]);
    }

    fn ll(lon: f64, lat: f64) -> LonLat {
        LonLat { lon, lat }
    }

    #[test]
    fn bbox_picks_the_smaller_span() {
        assert_eq!(bbox([ll(10.0, 1.0), ll(20.0, -1.0)]), Some([10.0, -1.0, 20.0, 1.0]));
        assert_eq!(bbox([ll(179.0, 1.0), ll(-179.0, 2.0), ll(178.5, 0.0)]), Some([178.5, 0.0, -179.0, 2.0]));
        assert_eq!(bbox([ll(5.0, 5.0)]), Some([5.0, 5.0, 5.0, 5.0]));
        assert_eq!(bbox(std::iter::empty()), None);
    }

    #[test]
    fn mean_across_antimeridian() {
        let m = spherical_mean([ll(179.0, 0.0), ll(-179.0, 0.0)]).unwrap();
        assert!((m.lon.abs() - 180.0).abs() < 1e-9 && m.lat.abs() < 1e-9, "{m:?}");
        assert!(spherical_mean([ll(0.0, 0.0), ll(180.0, 0.0)]).is_none());
    }

    #[test]
    fn hull_of_square_with_inner_point_across_antimeridian() {
        let pts = [ll(179.0, -1.0), ll(-179.0, -1.0), ll(-179.0, 1.0), ll(179.0, 1.0), ll(180.0, 0.0), ll(179.0, 1.0)];
        let ring = hull_ring(&pts, false).unwrap();
        assert_eq!(ring.len(), 5);
        assert_eq!(ring.first(), ring.last());
        assert!(!ring.contains(&ll(180.0, 0.0)));
        // Counter-clockwise in a local east/north frame: the signed area of
        // the ring with longitudes unwrapped around 180 is positive.
        let xy: Vec<(f64, f64)> = ring.iter().map(|p| (p.lon.rem_euclid(360.0), p.lat)).collect();
        let a: f64 = xy.windows(2).map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1).sum();
        assert!(a > 0.0);
    }

    #[test]
    fn degenerate_hulls_are_none() {
        assert!(hull_ring(&[ll(1.0, 1.0), ll(2.0, 2.0)], false).is_none());
        assert!(hull_ring(&[ll(1.0, 1.0), ll(1.0, 1.0), ll(1.0, 1.0), ll(2.0, 2.0)], false).is_none());
        assert!(hull_ring(&[ll(0.0, 0.0), ll(1.0, 0.0), ll(2.0, 0.0)], false).is_none());
        assert!(hull_ring(&[ll(0.0, 0.0), ll(1.0, 0.0), ll(2.0, 0.0)], true).is_none());
        assert!(hull_ring(&[ll(0.0, 0.0), ll(1.0, 0.0), ll(0.0, 1.0)], true).is_some());
    }
}
