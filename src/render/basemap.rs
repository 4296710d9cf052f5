//! The offline base map: the gazetteer's Natural Earth admin-1 polygons in
//! view, each shaded by its incident count, with thin edges between
//! provinces of one country and thicker ones along coasts and borders
//! between countries. The sea is the picture's background.
//!
//! Natural Earth's provinces share their boundary vertices with their
//! neighbours, so a boundary segment met in two provinces of different
//! countries is a national border, in two of one country an internal edge,
//! and in one only a coast (or the edge of the data).

use std::collections::HashMap;

use super::palette::{COUNTRY_EDGE, PROVINCE_EDGE, province_shade};
use super::projection::{Frame, View};
use super::scene::{Paint, Rgba, Shape};
use crate::gazetteer::admin::AdminArea;

/// Width of the edges between provinces, pixels.
const PROVINCE_EDGE_PX: f32 = 0.7;
/// Width of coasts and national borders, pixels.
const COUNTRY_EDGE_PX: f32 = 1.3;
/// Points closer than this to the last one kept are dropped, pixels.
const MIN_STEP_PX: f64 = 0.6;

/// A boundary segment's two ends, quantised to 1e-7 degree, in order.
type SegKey = [i64; 4];

/// Who has a boundary segment.
#[derive(Clone, Copy)]
struct Owners {
    /// The first province (in input order) that has it; it draws it.
    first: u32,
    /// Met in another province too.
    shared: bool,
    /// Met in provinces of two different countries.
    cross_border: bool,
}

fn q(v: f64) -> i64 {
    (v * 1e7).round() as i64
}

fn seg_key(a: [f64; 2], b: [f64; 2]) -> SegKey {
    let (a, b) = ([q(a[0]), q(a[1])], [q(b[0]), q(b[1])]);
    if a <= b { [a[0], a[1], b[0], b[1]] } else { [b[0], b[1], a[0], a[1]] }
}

/// One ring in view, with the shift that puts it on the view's side of
/// the antimeridian.
struct Ring<'a> {
    area: u32,
    points: &'a [geo::Coord<f64>],
    shift: f64,
}

/// The base-map shapes for `areas` (with `counts[i]` incidents in
/// `areas[i]`) seen through `view` in `frame`: the province fills, then
/// the internal edges, then the coasts and borders.
pub fn basemap(areas: &[AdminArea], counts: &[u64], view: &View, frame: Frame) -> Vec<Shape> {
    let (west, east, south, north) = view.bounds(frame);
    let mut rings = Vec::new();
    for (i, a) in areas.iter().enumerate() {
        if a.bbox.min().y > north || a.bbox.max().y < south {
            continue;
        }
        for poly in &a.polygon.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                let pts = &ring.0[..];
                let Some(first) = pts.first() else { continue };
                let shift = view.ring_shift(first.x);
                let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
                for p in pts {
                    lo = lo.min(p.x + shift);
                    hi = hi.max(p.x + shift);
                }
                if hi >= west && lo <= east {
                    rings.push(Ring { area: i as u32, points: pts, shift });
                }
            }
        }
    }

    // Who shares each boundary segment.
    let mut owners: HashMap<SegKey, Owners> = HashMap::new();
    for r in &rings {
        for w in r.points.windows(2) {
            let key = seg_key([w[0].x, w[0].y], [w[1].x, w[1].y]);
            owners
                .entry(key)
                .and_modify(|o| {
                    if o.first != r.area {
                        o.shared = true;
                        o.cross_border |= areas[o.first as usize].country != areas[r.area as usize].country;
                    }
                })
                .or_insert(Owners { first: r.area, shared: false, cross_border: false });
        }
    }

    // Where neighbours' outlines do not share vertices (provinces of one
    // country drawn from different sources), a segment met once may still
    // be an internal edge: when zoomed in far enough for that to show, the
    // far side of each such segment is looked at.
    let probe = view.k >= PROBE_MIN_PX_PER_DEG;
    let mut in_view: Vec<u32> = rings.iter().map(|r| r.area).collect();
    in_view.dedup();

    let max = counts.iter().copied().max().unwrap_or(0);
    let mut fills: Vec<(Rgba, Vec<Vec<[f32; 2]>>)> = Vec::new();
    let mut inner: Vec<Vec<[f32; 2]>> = Vec::new();
    let mut outer: Vec<Vec<[f32; 2]>> = Vec::new();
    for r in &rings {
        let px: Vec<[f32; 2]> = r
            .points
            .iter()
            .map(|p| {
                let (x, y) = view.project_unwrapped(p.x + r.shift, p.y);
                [x as f32, y as f32]
            })
            .collect();
        let shade = province_shade(counts.get(r.area as usize).copied().unwrap_or(0), max);
        let ring = decimate(&px, true);
        if ring.len() >= 3 {
            match fills.iter_mut().find(|(c, _)| *c == shade) {
                Some((_, v)) => v.push(ring),
                None => fills.push((shade, vec![ring])),
            }
        }
        // Edges: runs of segments of one kind that this ring draws.
        let mut run: Vec<[f32; 2]> = Vec::new();
        let mut run_inner = false;
        for (j, w) in r.points.windows(2).enumerate() {
            let o = owners[&seg_key([w[0].x, w[0].y], [w[1].x, w[1].y])];
            let draws = o.first == r.area;
            let is_inner = if o.shared {
                !o.cross_border
            } else {
                probe && same_country_beyond(areas, &in_view, r.area, px[j], px[j + 1], view, frame)
            };
            if !draws || (is_inner != run_inner && !run.is_empty()) {
                flush(&mut run, if run_inner { &mut inner } else { &mut outer });
            }
            if draws {
                if run.is_empty() {
                    run.push(px[j]);
                    run_inner = is_inner;
                }
                run.push(px[j + 1]);
            }
        }
        flush(&mut run, if run_inner { &mut inner } else { &mut outer });
    }

    let mut shapes: Vec<Shape> =
        fills.into_iter().map(|(c, rings)| Shape::Path { rings, closed: true, paint: Paint::fill(c) }).collect();
    for (lines, colour, width) in [(inner, PROVINCE_EDGE, PROVINCE_EDGE_PX), (outer, COUNTRY_EDGE, COUNTRY_EDGE_PX)] {
        if !lines.is_empty() {
            shapes.push(Shape::Path { rings: lines, closed: false, paint: Paint::stroke(colour, width) });
        }
    }
    shapes
}

/// Below this scale (pixels per degree) an internal edge drawn as a border
/// is too short to see, and looking is too dear (the whole world in view).
const PROBE_MIN_PX_PER_DEG: f64 = 20.0;
/// How far beyond a segment to look for the neighbour, pixels.
const PROBE_PX: f32 = 4.0;

/// Whether the land just beyond the boundary segment `a`-`b` (pixels) of
/// `own` belongs to another province of the same country. Segments outside
/// `frame` are not looked at (false).
fn same_country_beyond(
    areas: &[AdminArea],
    in_view: &[u32],
    own: u32,
    a: [f32; 2],
    b: [f32; 2],
    view: &View,
    frame: Frame,
) -> bool {
    let (mx, my) = ((a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0);
    let inside = f64::from(mx) >= frame.x
        && f64::from(mx) <= frame.x + frame.w
        && f64::from(my) >= frame.y
        && f64::from(my) <= frame.y + frame.h;
    let len = (b[0] - a[0]).hypot(b[1] - a[1]);
    if !inside || len == 0.0 {
        return false;
    }
    let (nx, ny) = (-(b[1] - a[1]) / len * PROBE_PX, (b[0] - a[0]) / len * PROBE_PX);
    let own_area = &areas[own as usize];
    let at = |x: f32, y: f32| {
        let (lon, lat) = view.unproject(f64::from(x), f64::from(y));
        crate::LonLat { lon: super::projection::wrap(lon), lat }
    };
    let (p, q) = (at(mx + nx, my + ny), at(mx - nx, my - ny));
    let beyond = if own_area.contains(p) { q } else { p };
    in_view
        .iter()
        .map(|&i| &areas[i as usize])
        .find(|a| !std::ptr::eq(*a, own_area) && a.contains(beyond))
        .is_some_and(|a| a.country == own_area.country)
}

fn flush(run: &mut Vec<[f32; 2]>, into: &mut Vec<Vec<[f32; 2]>>) {
    if run.len() >= 2 {
        let line = decimate(run, false);
        if line.len() >= 2 {
            into.push(line);
        }
    }
    run.clear();
}

/// `points` without those closer than [`MIN_STEP_PX`] to the last kept
/// (the last point is always kept, so lines still meet).
fn decimate(points: &[[f32; 2]], closed: bool) -> Vec<[f32; 2]> {
    let mut out: Vec<[f32; 2]> = Vec::with_capacity(points.len().min(1024));
    for (i, p) in points.iter().enumerate() {
        let last = i + 1 == points.len();
        match out.last() {
            Some(l) if !last => {
                let (dx, dy) = (f64::from(p[0] - l[0]), f64::from(p[1] - l[1]));
                if dx * dx + dy * dy >= MIN_STEP_PX * MIN_STEP_PX {
                    out.push(*p);
                }
            }
            _ => out.push(*p),
        }
    }
    if closed && out.len() < 3 {
        out.clear();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{BoundingRect, MultiPolygon, polygon};

    fn square(name: &str, country: &str, x0: f64, y0: f64) -> AdminArea {
        let p = polygon![(x: x0, y: y0), (x: x0 + 1.0, y: y0), (x: x0 + 1.0, y: y0 + 1.0), (x: x0, y: y0 + 1.0), (x: x0, y: y0)];
        let mp = MultiPolygon(vec![p]);
        AdminArea {
            code: String::new(),
            name: name.into(),
            country: country.into(),
            geonameid: 0,
            bbox: mp.bounding_rect().unwrap(),
            polygon: mp,
        }
    }

    fn total_len(s: &Shape) -> f64 {
        let Shape::Path { rings, .. } = s else { panic!("not a path") };
        rings.iter().flat_map(|r| r.windows(2)).map(|w| f64::from((w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1]))).sum()
    }

    #[test]
    fn shared_edges_are_drawn_once_and_borders_are_told_from_internal_edges() {
        // A and B (one country) side by side, C (another) above A.
        let areas = [square("A", "IQ", 0.0, 0.0), square("B", "IQ", 1.0, 0.0), square("C", "SY", 0.0, 1.0)];
        let frame = Frame { x: 0.0, y: 0.0, w: 400.0, h: 400.0 };
        let view = View::fit(0.0, 2.0, 0.0, 2.0, frame, 0.0, 0.1);
        let shapes = basemap(&areas, &[5, 0, 1], &view, frame);
        // Fills: three shades (5, 0 and 1 incidents).
        let fills: Vec<&Shape> = shapes.iter().filter(|s| matches!(s, Shape::Path { closed: true, .. })).collect();
        assert_eq!(fills.len(), 3);
        let lines: Vec<&Shape> = shapes.iter().filter(|s| matches!(s, Shape::Path { closed: false, .. })).collect();
        assert_eq!(lines.len(), 2);
        let Shape::Path { paint: inner_paint, .. } = lines[0] else { unreachable!() };
        assert_eq!(inner_paint.stroke.unwrap().0, PROVINCE_EDGE);
        // The one internal edge (A|B, 1 degree) and the outer boundary
        // plus the A|C border (8 degrees), in pixels.
        let deg_px = view.k * view.cos0; // x scale; y is view.k
        assert!((total_len(lines[0]) - view.k).abs() < 1.0, "{} vs {}", total_len(lines[0]), view.k);
        // Horizontal: bottoms of A and B, tops of B and C, A|C; vertical:
        // right of B, left of A, both sides of C.
        let expect_outer = 5.0 * deg_px + 4.0 * view.k;
        assert!((total_len(lines[1]) - expect_outer).abs() < 2.0, "{} vs {expect_outer}", total_len(lines[1]));
    }

    #[test]
    fn a_gap_between_provinces_of_one_country_is_still_an_internal_edge() {
        let frame = Frame { x: 0.0, y: 0.0, w: 400.0, h: 400.0 };
        let view = View::fit(0.0, 2.01, 0.0, 1.0, frame, 0.0, 0.1);
        assert!(view.k > 150.0);
        let widths = |country_b: &str| -> (f64, f64) {
            // B starts 0.01 degrees (about 2 pixels) east of A's edge: no
            // shared vertices.
            let areas = [square("A", "IQ", 0.0, 0.0), square("B", country_b, 1.01, 0.0)];
            let shapes = basemap(&areas, &[1, 1], &view, frame);
            let len = |c| {
                shapes
                    .iter()
                    .filter(|s| matches!(s, Shape::Path { closed: false, paint, .. } if paint.stroke.unwrap().0 == c))
                    .map(total_len)
                    .sum::<f64>()
            };
            (len(PROVINCE_EDGE), len(COUNTRY_EDGE))
        };
        // Same country: both facing edges are thin (1 degree each).
        let (inner, _) = widths("IQ");
        assert!((inner - 2.0 * view.k).abs() < 2.0, "{inner} vs {}", 2.0 * view.k);
        // Different countries: a border.
        let (inner, _) = widths("IR");
        assert_eq!(inner, 0.0);
    }

    #[test]
    fn areas_out_of_view_are_left_out() {
        let areas = [square("A", "IQ", 0.0, 0.0), square("Far", "US", -100.0, 40.0)];
        let frame = Frame { x: 0.0, y: 0.0, w: 200.0, h: 200.0 };
        let view = View::fit(0.0, 1.0, 0.0, 1.0, frame, 10.0, 0.1);
        let shapes = basemap(&areas, &[1, 1], &view, frame);
        let rings: usize =
            shapes.iter().map(|s| if let Shape::Path { rings, closed: true, .. } = s { rings.len() } else { 0 }).sum();
        assert_eq!(rings, 1);
    }
}
