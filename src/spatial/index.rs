//! The incident index: a packed bounding-volume tree over unit vectors.
//!
//! Points are stored as 3-D unit vectors with the position of their record,
//! in tree order, as three coordinate arrays (struct of arrays).
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

use std::ops::Range;

use crate::geodesy::{EARTH_RADIUS_KM, LonLat, haversine_km, km_to_chord};

/// One point of the index: its unit vector and the position of its record.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IndexedPoint {
    /// The point as a unit vector (see [`LonLat::to_unit_vector`]).
    pub v: [f64; 3],
    /// Index of the record in the slice the index was built from.
    pub idx: u32,
}

impl rstar::RTreeObject for IndexedPoint {
    type Envelope = rstar::AABB<[f64; 3]>;

    fn envelope(&self) -> Self::Envelope {
        rstar::AABB::from_point(self.v)
    }
}

impl rstar::PointDistance for IndexedPoint {
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

/// Relative slack on squared chords: points are accepted on the chord alone
/// below `c² (1 - BAND)`, and candidates in the thin band around the
/// boundary are decided by haversine on the original coordinates, so
/// rounding in the unit vectors never changes an answer.
const BAND: f64 = 1e-9;

/// Points per leaf of the tree.
const LEAF: usize = 32;

/// Half-chords up to this use the series for asin in [`chord2_to_km`].
const SERIES_MAX_HALF_CHORD: f64 = 0.05;

/// Great-circle distance (km) for a squared chord on the unit sphere: the
/// same value as [`crate::geodesy::chord_to_km`] of the chord (to within an
/// ulp or two). Short chords, the common case, use the Taylor series of
/// asin, whose terms past x^11 are below 5e-18 relative for x <= 0.05;
/// longer ones call asin.
#[inline]
pub(crate) fn chord2_to_km(d2: f64) -> f64 {
    let x = 0.5 * d2.sqrt();
    if x <= SERIES_MAX_HALF_CHORD { asin_series_km(x) } else { 2.0 * EARTH_RADIUS_KM * x.min(1.0).asin() }
}

/// `2 R asin(x)` for `0 <= x <= SERIES_MAX_HALF_CHORD`, branch free.
#[inline(always)]
fn asin_series_km(x: f64) -> f64 {
    const C3: f64 = 1.0 / 6.0;
    const C5: f64 = 3.0 / 40.0;
    const C7: f64 = 5.0 / 112.0;
    const C9: f64 = 35.0 / 1152.0;
    const C11: f64 = 63.0 / 2816.0;
    let x2 = x * x;
    let s = x2 * (C3 + x2 * (C5 + x2 * (C7 + x2 * (C9 + x2 * C11))));
    (2.0 * EARTH_RADIUS_KM) * (x + x * s)
}

/// Kept for callers that name the old tree parameters; the index no longer
/// uses an R-tree (see [`IncidentIndex`]).
#[derive(Debug, Clone, Copy)]
pub struct IndexParams;

impl rstar::RTreeParams for IndexParams {
    const MIN_SIZE: usize = 4;
    const MAX_SIZE: usize = 12;
    const REINSERTION_COUNT: usize = 3;
    type DefaultInsertionStrategy = rstar::RStarInsertionStrategy;
}

/// A node of the tree: the box of its points `start..end` (in tree order)
/// and the index of the first node after its subtree. Nodes are stored in
/// pre-order, so the first child of an inner node `i` is `i + 1` and a leaf
/// is a node with `skip == i + 1`.
#[derive(Debug, Clone, Copy)]
struct Node {
    lo: [f64; 3],
    hi: [f64; 3],
    start: u32,
    end: u32,
    skip: u32,
}

impl Node {
    /// Squared distances from `q` to the nearest and the farthest point of
    /// the box.
    #[inline(always)]
    fn dist2_range(&self, q: [f64; 3]) -> (f64, f64) {
        let (mut near, mut far) = (0.0, 0.0);
        for (i, &qi) in q.iter().enumerate() {
            let a = self.lo[i] - qi;
            let b = qi - self.hi[i];
            let n = a.max(b).max(0.0);
            let f = a.abs().max(b.abs());
            near += n * n;
            far += f * f;
        }
        (near, far)
    }

    #[inline(always)]
    fn min_dist2(&self, q: [f64; 3]) -> f64 {
        let mut near = 0.0;
        for (i, &qi) in q.iter().enumerate() {
            let n = (self.lo[i] - qi).max(qi - self.hi[i]).max(0.0);
            near += n * n;
        }
        near
    }

    fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A spatial index over incident positions, bulk loaded: a binary tree of
/// boxes over the unit vectors (split at the median of the widest axis,
/// leaves of 32 points), flattened in pre-order, with the points stored in
/// tree order as coordinate arrays.
///
/// The index holds the tree and the unit vectors (about 32 bytes per point);
/// queries take the positions the index was built from, so that boundary
/// decisions use the exact input coordinates.
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
    nodes: Vec<Node>,
    xs: Vec<f64>,
    ys: Vec<f64>,
    zs: Vec<f64>,
    ids: Vec<u32>,
}

impl IncidentIndex {
    /// Bulk loads the positions (record `i` is `points[i]`).
    ///
    /// # Panics
    /// When there are more than `u32::MAX` points.
    pub fn new(points: &[LonLat]) -> IncidentIndex {
        assert!(u32::try_from(points.len()).is_ok(), "too many points for the index");
        let mut items: Vec<IndexedPoint> =
            points.iter().enumerate().map(|(i, p)| IndexedPoint { v: p.to_unit_vector(), idx: i as u32 }).collect();
        let mut nodes = Vec::with_capacity(2 * points.len().div_ceil(LEAF) + 1);
        if !items.is_empty() {
            build(&mut items, 0, &mut nodes);
        }
        IncidentIndex {
            nodes,
            xs: items.iter().map(|p| p.v[0]).collect(),
            ys: items.iter().map(|p| p.v[1]).collect(),
            zs: items.iter().map(|p| p.v[2]).collect(),
            ids: items.iter().map(|p| p.idx).collect(),
        }
    }

    /// Bulk loads the positions of incidents.
    pub fn from_incidents(incidents: &[crate::Incident]) -> IncidentIndex {
        let pts: Vec<LonLat> = incidents.iter().map(|i| i.position).collect();
        IncidentIndex::new(&pts)
    }

    /// Number of indexed points.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when the index holds no points.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Heap bytes held by the index.
    pub fn heap_bytes(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<Node>()
            + (self.xs.capacity() + self.ys.capacity() + self.zs.capacity()) * 8
            + self.ids.capacity() * 4
    }

    #[inline(always)]
    fn v(&self, j: usize) -> [f64; 3] {
        [self.xs[j], self.ys[j], self.zs[j]]
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
        // When every hit is a short chord, whole subtrees get their
        // distances from the branch-free series, a loop the compiler
        // vectorises.
        let short = km_to_chord(radius_km.max(0.0)) * 0.5 <= SERIES_MAX_HALF_CHORD * (1.0 - 1e-6);
        for found in self.walk(points, center, radius_km) {
            match found {
                Found::All(r) => {
                    if short {
                        let mut km = [0.0f64; LEAF];
                        let mut s = r.start;
                        while s < r.end {
                            let e = (s + LEAF).min(r.end);
                            let (xs, ys, zs) = (&self.xs[s..e], &self.ys[s..e], &self.zs[s..e]);
                            for (((k, &x), &y), &z) in km.iter_mut().zip(xs).zip(ys).zip(zs) {
                                let d2 = chord2([x, y, z], q);
                                *k = asin_series_km(0.5 * d2.sqrt());
                            }
                            for (&id, &k) in self.ids[s..e].iter().zip(&km) {
                                f(id, k);
                            }
                            s = e;
                        }
                    } else {
                        for j in r {
                            f(self.ids[j], chord2_to_km(chord2(self.v(j), q)));
                        }
                    }
                }
                Found::One(j, d2) => f(self.ids[j], chord2_to_km(d2)),
            }
        }
    }

    /// Calls `f(point)` for every point within `radius_km` of `center`
    /// (boundary included, decided by haversine on the input coordinates),
    /// in no particular order. The fastest radius query: no distances.
    pub fn for_each_within(&self, points: &[LonLat], center: LonLat, radius_km: f64, mut f: impl FnMut(&IndexedPoint)) {
        for found in self.walk(points, center, radius_km) {
            match found {
                Found::All(r) => {
                    for j in r {
                        f(&IndexedPoint { v: self.v(j), idx: self.ids[j] });
                    }
                }
                Found::One(j, _) => f(&IndexedPoint { v: self.v(j), idx: self.ids[j] }),
            }
        }
    }

    /// Calls `f(index)` for every point within `radius_km` of `center`
    /// (boundary included), in no particular order.
    pub fn for_each_index_within(&self, points: &[LonLat], center: LonLat, radius_km: f64, mut f: impl FnMut(u32)) {
        for found in self.walk(points, center, radius_km) {
            match found {
                Found::All(r) => {
                    for &id in &self.ids[r] {
                        f(id);
                    }
                }
                Found::One(j, _) => f(self.ids[j]),
            }
        }
    }

    /// The radius walk, as an iterator over runs of points (tree order)
    /// that are all inside and single points found inside.
    #[inline(always)]
    fn walk<'a>(&'a self, points: &'a [LonLat], center: LonLat, radius_km: f64) -> Walk<'a> {
        let c = km_to_chord(radius_km);
        let c2 = c * c;
        let done = radius_km.is_nan() || radius_km < 0.0 || self.ids.is_empty();
        Walk {
            index: self,
            points,
            center,
            radius_km,
            q: center.to_unit_vector(),
            lo: c2 * (1.0 - BAND),
            hi: c2 * (1.0 + BAND) + 1e-18,
            i: if done { self.nodes.len() } else { 0 },
            j: 0,
            jend: 0,
        }
    }

    /// The points in increasing great-circle distance from `center` that
    /// `keep` accepts, at most `k` of them, with great-circle distances (km).
    /// Equal distances are ordered by index (and the lower indices win a
    /// tie for the last place). Distances come from the chord, like those of
    /// [`IncidentIndex::for_each_within_km`]; `_points` (the positions the
    /// index was built from) is not needed.
    pub fn nearest_km(
        &self,
        _points: &[LonLat],
        center: LonLat,
        k: usize,
        mut keep: impl FnMut(u32) -> bool,
    ) -> Vec<(u32, f64)> {
        if k == 0 || self.ids.is_empty() {
            return Vec::new();
        }
        let q = center.to_unit_vector();
        // Depth-first branch and bound with the k best so far, sorted by
        // (squared chord, index): nearer child first, subtrees farther than
        // the current k-th skipped.
        let mut best = Best { items: Vec::with_capacity(k + 1), k };
        self.knn_walk(0, q, &mut keep, &mut best);
        // Distances from the chord, as the radius queries report them (equal
        // to haversine to within 1e-9 km); the order by (chord, index) is
        // already the order by (distance, index) up to ties that the
        // rounding of asin creates, which the sort settles.
        let mut out: Vec<(u32, f64)> =
            best.items.into_iter().map(|(b, i)| (i, chord2_to_km(f64::from_bits(b)))).collect();
        out.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        out
    }

    /// One step of [`IncidentIndex::nearest_km`]. Squared chords are
    /// non-negative, so their bit patterns order like the numbers.
    fn knn_walk(&self, i: usize, q: [f64; 3], keep: &mut impl FnMut(u32) -> bool, best: &mut Best) {
        let nd = &self.nodes[i];
        if nd.skip as usize == i + 1 {
            let mut worst = best.worst();
            for j in nd.range() {
                let key = (chord2(self.v(j), q).to_bits(), self.ids[j]);
                if key < worst && keep(key.1) {
                    best.insert(key);
                    worst = best.worst();
                }
            }
            return;
        }
        let l = i + 1;
        let r = self.nodes[l].skip as usize;
        let (dl, dr) = (self.nodes[l].min_dist2(q), self.nodes[r].min_dist2(q));
        let order = if dl <= dr { [(l, dl), (r, dr)] } else { [(r, dr), (l, dl)] };
        for (c, d2) in order {
            if d2 > f64::from_bits(best.worst().0) {
                return;
            }
            self.knn_walk(c, q, keep, best);
        }
    }

    /// Indices of the points inside the box `[west, south, east, north]`
    /// (edges included); `west > east` means the box crosses the
    /// antimeridian. Longitudes of the box are taken modulo 360 only in the
    /// sense that `west`/`east` must lie in [-180, 180].
    pub fn in_bbox(&self, points: &[LonLat], bbox: [f64; 4]) -> Vec<u32> {
        let mut out = Vec::new();
        let Some((elo, ehi)) = bbox_envelope(bbox) else {
            return out;
        };
        let nodes = &self.nodes[..];
        let mut i = 0;
        while i < nodes.len() {
            let nd = &nodes[i];
            if (0..3).any(|a| nd.lo[a] > ehi[a] || nd.hi[a] < elo[a]) {
                i = nd.skip as usize;
                continue;
            }
            if nd.skip as usize == i + 1 {
                for &id in &self.ids[nd.range()] {
                    if in_bbox(points[id as usize], bbox) {
                        out.push(id);
                    }
                }
            }
            i += 1;
        }
        out
    }
}

/// The k best candidates of a nearest-neighbour search, ascending by
/// (squared chord bits, index).
struct Best {
    items: Vec<(u64, u32)>,
    k: usize,
}

impl Best {
    /// The key a candidate must beat: the k-th best, or the largest key
    /// (an infinite chord) while fewer than k are known.
    #[inline(always)]
    fn worst(&self) -> (u64, u32) {
        if self.items.len() < self.k { (f64::INFINITY.to_bits(), u32::MAX) } else { self.items[self.k - 1] }
    }

    #[inline]
    fn insert(&mut self, key: (u64, u32)) {
        let mut at = self.items.len();
        while at > 0 && self.items[at - 1] > key {
            at -= 1;
        }
        self.items.insert(at, key);
        self.items.truncate(self.k);
    }
}

/// What the radius walk found: a run of points (positions in tree order)
/// all inside, or one point inside with its squared chord.
enum Found {
    All(Range<usize>),
    One(usize, f64),
}

/// The state of a radius walk (see [`IncidentIndex::walk`]): the next node,
/// and the points of a leaf on the boundary still to test.
struct Walk<'a> {
    index: &'a IncidentIndex,
    points: &'a [LonLat],
    center: LonLat,
    radius_km: f64,
    q: [f64; 3],
    /// Squared chords surely inside (`<= lo`) and surely outside (`> hi`).
    lo: f64,
    hi: f64,
    i: usize,
    j: usize,
    jend: usize,
}

impl Iterator for Walk<'_> {
    type Item = Found;

    #[inline(always)]
    fn next(&mut self) -> Option<Found> {
        let ix = self.index;
        loop {
            while self.j < self.jend {
                let j = self.j;
                self.j += 1;
                let d2 = chord2(ix.v(j), self.q);
                if d2 <= self.lo
                    || (d2 <= self.hi && haversine_km(self.center, self.points[ix.ids[j] as usize]) <= self.radius_km)
                {
                    return Some(Found::One(j, d2));
                }
            }
            loop {
                let nd = ix.nodes.get(self.i)?;
                let (near, far) = nd.dist2_range(self.q);
                if near > self.hi {
                    self.i = nd.skip as usize;
                } else if far <= self.lo {
                    self.i = nd.skip as usize;
                    return Some(Found::All(nd.range()));
                } else if nd.skip as usize == self.i + 1 {
                    self.i += 1;
                    self.j = nd.start as usize;
                    self.jend = nd.end as usize;
                    break;
                } else {
                    self.i += 1;
                }
            }
        }
    }
}

/// Builds the subtree over `items` (which start at `offset` in tree order),
/// appending its nodes to `nodes` in pre-order.
fn build(items: &mut [IndexedPoint], offset: usize, nodes: &mut Vec<Node>) {
    let mut lo = [f64::INFINITY; 3];
    let mut hi = [f64::NEG_INFINITY; 3];
    for p in items.iter() {
        for a in 0..3 {
            lo[a] = lo[a].min(p.v[a]);
            hi[a] = hi[a].max(p.v[a]);
        }
    }
    let me = nodes.len();
    nodes.push(Node { lo, hi, start: offset as u32, end: (offset + items.len()) as u32, skip: 0 });
    if items.len() > LEAF {
        let axis = (0..3).max_by(|&a, &b| (hi[a] - lo[a]).total_cmp(&(hi[b] - lo[b]))).unwrap_or(0);
        // Full leaves on the left: the split is a multiple of LEAF.
        let mid = items.len().div_ceil(LEAF) / 2 * LEAF;
        items.select_nth_unstable_by(mid, |a, b| a.v[axis].total_cmp(&b.v[axis]));
        let (l, r) = items.split_at_mut(mid);
        build(l, offset, nodes);
        build(r, offset + mid, nodes);
    }
    nodes[me].skip = nodes.len() as u32;
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
fn bbox_envelope(bbox: [f64; 4]) -> Option<([f64; 3], [f64; 3])> {
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
    Some(([xmin - SLACK, ymin - SLACK, zmin - SLACK], [xmax + SLACK, ymax + SLACK, zmax + SLACK]))
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
    fn series_distance_matches_asin() {
        use crate::geodesy::chord_to_km;
        for i in 0..=20_000 {
            let c = 0.12 * f64::from(i) / 20_000.0;
            let (a, b) = (chord2_to_km(c * c), chord_to_km(c));
            assert!((a - b).abs() <= 4.0 * f64::EPSILON * b.max(1e-300), "{c}: {a} vs {b}");
        }
        assert_eq!(chord2_to_km(4.0), chord_to_km(2.0));
        assert_eq!(chord2_to_km(0.0), 0.0);
    }

    #[test]
    fn tree_of_many_points_matches_brute_force() {
        let pts: Vec<LonLat> =
            (0..5000).map(|i| ll(44.0 + f64::from(i % 71) * 0.013, 33.0 + f64::from(i % 53) * 0.011)).collect();
        let idx = IncidentIndex::new(&pts);
        let c = ll(44.4, 33.3);
        for r in [0.0, 1.0, 10.0, 25.0, 200.0] {
            let mut got: Vec<u32> = idx.within_km(&pts, c, r).into_iter().map(|h| h.0).collect();
            got.sort();
            let want: Vec<u32> = (0..5000).filter(|&i| haversine_km(c, pts[i as usize]) <= r).collect();
            assert_eq!(got, want, "{r}");
            let mut ids = Vec::new();
            idx.for_each_index_within(&pts, c, r, |i| ids.push(i));
            ids.sort();
            assert_eq!(ids, want);
        }
        let near = idx.nearest_km(&pts, c, 7, |_| true);
        let mut all: Vec<(u32, f64)> = (0..5000).map(|i| (i, haversine_km(c, pts[i as usize]))).collect();
        all.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        assert_eq!(near.len(), 7);
        for (g, w) in near.iter().zip(&all) {
            assert!((g.1 - w.1).abs() < 1e-9);
        }
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
