//! The R-tree incident index.
//!
//! Points are stored as 3-D unit vectors with the position of their record.
//! Straight-line (chord) distance between unit vectors grows monotonically
//! with great-circle distance, so a chord query is exact for great-circle
//! radius and k-nearest queries everywhere on the sphere: across the
//! antimeridian and at the poles, with no special cases. Distances reported
//! to callers are haversine kilometres on the original longitude/latitude.
//!
//! # Units
//! Radii in kilometres, positions in decimal degrees, bounding boxes
//! `[west, south, east, north]` in degrees (`west > east` crosses the
//! antimeridian).

use std::collections::BinaryHeap;

use rstar::{AABB, ParentNode, PointDistance, RStarInsertionStrategy, RTree, RTreeNode, RTreeObject, RTreeParams};

use crate::geodesy::{LonLat, chord_to_km, haversine_km, km_to_chord};

/// One point in the tree: its unit vector and the position of its record.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndexedPoint {
    /// The point as a unit vector (see [`LonLat::to_unit_vector`]).
    pub v: [f64; 3],
    /// Index of the record in the slice the index was built from.
    pub idx: u32,
}

impl RTreeObject for IndexedPoint {
    type Envelope = AABB<[f64; 3]>;

    fn envelope(&self) -> Self::Envelope {
        AABB::from_point(self.v)
    }
}

impl PointDistance for IndexedPoint {
    fn distance_2(&self, p: &[f64; 3]) -> f64 {
        chord2(self.v, *p)
    }
}

/// Squared chord length between two unit vectors.
#[inline]
pub(crate) fn chord2(a: [f64; 3], b: [f64; 3]) -> f64 {
    let (dx, dy, dz) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    dx * dx + dy * dy + dz * dz
}

/// Relative slack on squared chords: the tree is asked for slightly more than
/// the radius, and candidates in the thin band around the boundary are
/// decided by haversine on the original coordinates, so rounding in the
/// unit vectors never changes an answer.
const BAND: f64 = 1e-9;

/// Node sizes of the index: wider than rstar's default (6) so that a query
/// follows fewer pointers and the tree has fewer inner nodes.
#[derive(Debug, Clone, Copy)]
pub struct IndexParams;

impl RTreeParams for IndexParams {
    const MIN_SIZE: usize = 4;
    const MAX_SIZE: usize = 12;
    const REINSERTION_COUNT: usize = 3;
    type DefaultInsertionStrategy = RStarInsertionStrategy;
}

/// An R-tree over incident positions, bulk loaded.
///
/// The index holds only the tree (about 81 bytes per point); queries take the
/// positions the index was built from, so that boundary decisions use the
/// exact input coordinates.
///
/// # Examples
/// ```
/// use incidentmap::geodesy::LonLat;
/// use incidentmap::spatial::index::IncidentIndex;
///
/// let pts = [LonLat { lon: 179.95, lat: 0.0 }, LonLat { lon: -179.95, lat: 0.0 }, LonLat { lon: 0.0, lat: 0.0 }];
/// let index = IncidentIndex::new(&pts);
/// // 11 km across the antimeridian, both sides found by one query.
/// let hits = index.within_km(&pts, pts[0], 20.0);
/// assert_eq!(hits.len(), 2);
/// ```
#[derive(Debug, Clone)]
pub struct IncidentIndex {
    tree: RTree<IndexedPoint, IndexParams>,
}

impl IncidentIndex {
    /// Bulk loads the positions (record `i` is `points[i]`).
    ///
    /// # Panics
    /// When there are more than `u32::MAX` points.
    pub fn new(points: &[LonLat]) -> IncidentIndex {
        assert!(u32::try_from(points.len()).is_ok(), "too many points for the index");
        let items =
            points.iter().enumerate().map(|(i, p)| IndexedPoint { v: p.to_unit_vector(), idx: i as u32 }).collect();
        IncidentIndex { tree: RTree::bulk_load_with_params(items) }
    }

    /// Bulk loads the positions of incidents.
    pub fn from_incidents(incidents: &[crate::Incident]) -> IncidentIndex {
        let pts: Vec<LonLat> = incidents.iter().map(|i| i.position).collect();
        IncidentIndex::new(&pts)
    }

    /// Number of indexed points.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    /// True when the index holds no points.
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// The underlying tree, for algorithms that walk it directly.
    pub fn tree(&self) -> &RTree<IndexedPoint, IndexParams> {
        &self.tree
    }

    /// Indices and great-circle distances (km) of all points within
    /// `radius_km` of `center` (boundary included), in no particular order.
    pub fn within_km(&self, points: &[LonLat], center: LonLat, radius_km: f64) -> Vec<(u32, f64)> {
        let mut out = Vec::new();
        self.for_each_within_km(points, center, radius_km, |i, d| out.push((i, d)));
        out
    }

    /// Calls `f(index, distance_km)` for every point within `radius_km` of
    /// `center` (boundary included), in no particular order. The distance is
    /// the great-circle distance from the chord (equal to haversine to
    /// within 1e-9 km).
    pub fn for_each_within_km(&self, points: &[LonLat], center: LonLat, radius_km: f64, mut f: impl FnMut(u32, f64)) {
        let q = center.to_unit_vector();
        self.for_each_within(points, center, radius_km, |p| f(p.idx, chord_to_km(chord2(p.v, q).sqrt())));
    }

    /// Calls `f(point)` for every point within `radius_km` of `center`
    /// (boundary included, decided by haversine on the input coordinates),
    /// in no particular order. The fastest radius query: no distances.
    pub fn for_each_within(&self, points: &[LonLat], center: LonLat, radius_km: f64, mut f: impl FnMut(&IndexedPoint)) {
        if radius_km.is_nan() || radius_km < 0.0 || self.tree.size() == 0 {
            return;
        }
        let c = km_to_chord(radius_km);
        let c2 = c * c;
        let q = Ball { q: center.to_unit_vector(), lo: c2 * (1.0 - BAND), hi: c2 * (1.0 + BAND) + 1e-18 };
        // A hand-written walk instead of `locate_within_distance`: subtrees
        // whose box lies inside the ball are emitted without a test per
        // point, which is where a 25 km query on dense data spends its time.
        let exact = |p: &IndexedPoint| haversine_km(center, points[p.idx as usize]) <= radius_km;
        walk(self.tree.root(), &q, &exact, &mut f);
    }

    /// The points in increasing great-circle distance from `center` that
    /// `keep` accepts, at most `k` of them, with great-circle distances (km).
    /// Equal distances are ordered by index (and the lower indices win a
    /// tie for the last place).
    pub fn nearest_km(
        &self,
        points: &[LonLat],
        center: LonLat,
        k: usize,
        mut keep: impl FnMut(u32) -> bool,
    ) -> Vec<(u32, f64)> {
        if k == 0 || self.tree.size() == 0 {
            return Vec::new();
        }
        let q = center.to_unit_vector();
        // Depth-first branch and bound with the k best so far in a max-heap
        // keyed by (squared chord, index): nearest children first, subtrees
        // farther than the current k-th skipped. (rstar's
        // nearest_neighbor_iter pushes every visited point through a heap,
        // about 4x slower for k = 10.)
        let mut heap: BinaryHeap<(u64, u32)> = BinaryHeap::with_capacity(k + 1);
        knn_walk(self.tree.root(), q, k, &mut keep, &mut heap);
        let mut out: Vec<(u32, f64)> =
            heap.into_iter().map(|(_, i)| (i, haversine_km(center, points[i as usize]))).collect();
        out.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        out
    }

    /// Indices of the points inside the box `[west, south, east, north]`
    /// (edges included); `west > east` means the box crosses the
    /// antimeridian. Longitudes of the box are taken modulo 360 only in the
    /// sense that `west`/`east` must lie in [-180, 180].
    pub fn in_bbox(&self, points: &[LonLat], bbox: [f64; 4]) -> Vec<u32> {
        let mut out = Vec::new();
        let Some(env) = bbox_envelope(bbox) else {
            return out;
        };
        for p in self.tree.locate_in_envelope(&env) {
            if in_bbox(points[p.idx as usize], bbox) {
                out.push(p.idx);
            }
        }
        out
    }
}

/// A query ball in unit-vector space, with the squared chord radius below
/// which a point is surely inside (`lo`) and above which surely outside (`hi`).
struct Ball {
    q: [f64; 3],
    lo: f64,
    hi: f64,
}

/// One step of [`IncidentIndex::nearest_km`]. Squared chords are
/// non-negative, so their bit patterns order like the numbers.
fn knn_walk(
    node: &ParentNode<IndexedPoint>,
    q: [f64; 3],
    k: usize,
    keep: &mut impl FnMut(u32) -> bool,
    heap: &mut BinaryHeap<(u64, u32)>,
) {
    let children = node.children();
    let mut order: Vec<(f64, usize)> = Vec::new();
    for (i, child) in children.iter().enumerate() {
        match child {
            RTreeNode::Leaf(p) => {
                let key = (chord2(p.v, q).to_bits(), p.idx);
                if (heap.len() < k || heap.peek().is_some_and(|top| key < *top)) && keep(p.idx) {
                    heap.push(key);
                    if heap.len() > k {
                        heap.pop();
                    }
                }
            }
            RTreeNode::Parent(pn) => order.push((pn.envelope().distance_2(&q), i)),
        }
    }
    order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    for (d2, i) in order {
        if heap.len() >= k && heap.peek().is_some_and(|top| d2 > f64::from_bits(top.0)) {
            break;
        }
        if let RTreeNode::Parent(pn) = &children[i] {
            knn_walk(pn, q, k, keep, heap);
        }
    }
}

/// Squared distance from `q` to the farthest corner of a box.
fn max_dist2(env: &AABB<[f64; 3]>, q: [f64; 3]) -> f64 {
    let (lo, hi) = (env.lower(), env.upper());
    (0..3)
        .map(|i| {
            let d = (q[i] - lo[i]).abs().max((q[i] - hi[i]).abs());
            d * d
        })
        .sum()
}

fn walk(
    node: &ParentNode<IndexedPoint>,
    b: &Ball,
    exact: &impl Fn(&IndexedPoint) -> bool,
    f: &mut impl FnMut(&IndexedPoint),
) {
    for child in node.children() {
        match child {
            RTreeNode::Leaf(p) => {
                let d2 = chord2(p.v, b.q);
                if d2 <= b.lo || (d2 <= b.hi && exact(p)) {
                    f(p);
                }
            }
            RTreeNode::Parent(pn) => {
                let env = pn.envelope();
                if env.distance_2(&b.q) > b.hi {
                    continue;
                }
                if max_dist2(&env, b.q) <= b.lo {
                    emit_all(pn, f);
                } else {
                    walk(pn, b, exact, f);
                }
            }
        }
    }
}

fn emit_all(node: &ParentNode<IndexedPoint>, f: &mut impl FnMut(&IndexedPoint)) {
    for child in node.children() {
        match child {
            RTreeNode::Leaf(p) => f(p),
            RTreeNode::Parent(pn) => emit_all(pn, f),
        }
    }
}

/// True when `p` lies in the box `[west, south, east, north]` (edges
/// included; `west > east` crosses the antimeridian).
pub fn in_bbox(p: LonLat, bbox: [f64; 4]) -> bool {
    let [w, s, e, n] = bbox;
    if !(s <= p.lat && p.lat <= n) {
        return false;
    }
    if w <= e { w <= p.lon && p.lon <= e } else { p.lon >= w || p.lon <= e }
}

/// An axis-aligned 3-D box that contains every unit vector of the lon/lat box
/// (with a little slack for rounding), or `None` for an empty box.
fn bbox_envelope(bbox: [f64; 4]) -> Option<AABB<[f64; 3]>> {
    let [w, s, e, n] = bbox;
    if bbox.iter().any(|v| !v.is_finite()) || s > n {
        return None;
    }
    let (s, n) = (s.max(-90.0), n.min(90.0));
    // Range of cos(lat) and sin(lat) over [s, n].
    let (cs, cn) = (s.to_radians().cos(), n.to_radians().cos());
    let rmin = cs.min(cn).max(0.0);
    let rmax = if s <= 0.0 && n >= 0.0 { 1.0 } else { cs.max(cn) };
    let (zmin, zmax) = (s.to_radians().sin(), n.to_radians().sin());
    // Longitude interval as a continuous range [w, e'] with e' >= w.
    let e2 = if w <= e { e } else { e + 360.0 };
    let contains = |deg: f64| {
        // Is some multiple of 360 plus `deg` inside [w, e2]?
        let k = ((w - deg) / 360.0).ceil();
        deg + k * 360.0 <= e2
    };
    let (cw, ce) = (w.to_radians().cos(), e.to_radians().cos());
    let (sw, se) = (w.to_radians().sin(), e.to_radians().sin());
    let cmax = if contains(0.0) { 1.0 } else { cw.max(ce) };
    let cmin = if contains(180.0) { -1.0 } else { cw.min(ce) };
    let smax = if contains(90.0) { 1.0 } else { sw.max(se) };
    let smin = if contains(-90.0) { -1.0 } else { sw.min(se) };
    let span = |lo: f64, hi: f64| {
        let c = [rmin * lo, rmin * hi, rmax * lo, rmax * hi];
        let mn = c.iter().copied().fold(f64::INFINITY, f64::min);
        let mx = c.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (mn, mx)
    };
    let (xmin, xmax) = span(cmin, cmax);
    let (ymin, ymax) = span(smin, smax);
    const SLACK: f64 = 1e-9;
    Some(AABB::from_corners([xmin - SLACK, ymin - SLACK, zmin - SLACK], [xmax + SLACK, ymax + SLACK, zmax + SLACK]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ll(lon: f64, lat: f64) -> LonLat {
        LonLat::new(lon, lat).unwrap()
    }

    #[test]
    fn empty_index_answers_nothing() {
        let idx = IncidentIndex::new(&[]);
        assert!(idx.is_empty());
        assert!(idx.within_km(&[], ll(0.0, 0.0), 100.0).is_empty());
        assert!(idx.nearest_km(&[], ll(0.0, 0.0), 3, |_| true).is_empty());
        assert!(idx.in_bbox(&[], [-180.0, -90.0, 180.0, 90.0]).is_empty());
    }

    #[test]
    fn radius_includes_boundary_and_crosses_the_pole() {
        let pts = [ll(0.0, 89.9), ll(180.0, 89.9), ll(90.0, 80.0)];
        let idx = IncidentIndex::new(&pts);
        let d = haversine_km(pts[0], pts[1]);
        let mut hits = idx.within_km(&pts, pts[0], d);
        hits.sort_by_key(|h| h.0);
        assert_eq!(hits.iter().map(|h| h.0).collect::<Vec<_>>(), vec![0, 1]);
    }

    #[test]
    fn nearest_across_antimeridian_with_filter() {
        let pts = [ll(179.99, 10.0), ll(-179.99, 10.0), ll(179.0, 10.0), ll(-178.0, 10.0)];
        let idx = IncidentIndex::new(&pts);
        let near = idx.nearest_km(&pts, ll(-179.995, 10.0), 2, |i| i != 1);
        assert_eq!(near.iter().map(|h| h.0).collect::<Vec<_>>(), vec![0, 2]);
    }

    #[test]
    fn bbox_crossing_antimeridian() {
        let pts = [ll(179.5, 0.0), ll(-179.5, 0.0), ll(0.0, 0.0), ll(170.0, 0.0), ll(-179.5, 6.0)];
        let idx = IncidentIndex::new(&pts);
        let mut hits = idx.in_bbox(&pts, [175.0, -5.0, -175.0, 5.0]);
        hits.sort();
        assert_eq!(hits, vec![0, 1]);
        let mut all = idx.in_bbox(&pts, [-180.0, -90.0, 180.0, 90.0]);
        all.sort();
        assert_eq!(all, vec![0, 1, 2, 3, 4]);
    }
}
