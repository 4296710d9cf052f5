//! Zoom-level clusters for web maps (the job supercluster does): an index
//! built once that answers, for a zoom 0-20 and a box, the clusters a map
//! at that zoom shows (count, fatalities, a representative point) and the
//! incidents themselves once zoomed in past [`ZoomParams::max_zoom`].
//!
//! # How
//! Points are projected to Web Mercator in `[0, 1]²`. From `max_zoom` down
//! to 0, the points of the level above are merged greedily: a point not yet
//! taken gathers every untaken point within `radius / (extent · 2^z)` of it
//! and, with at least `min_points` among them (counting weights), becomes
//! one cluster at their weighted mean. Neighbours are found in a grid of
//! that cell size: the points are sorted by cell once per level and walked
//! in that order, so the three rows a point's neighbours can be in are
//! read through cursors that only move forward (linear time per level after
//! the sort).
//!
//! # Units
//! `radius` in pixels of a tile `extent` pixels wide (40 of 512, as
//! supercluster's defaults); positions in degrees (CRS84).
//!
//! # Examples
//! ```
//! use incidentmap::LonLat;
//! use incidentmap::spatial::zoom::{ZoomIndex, ZoomItem};
//! let p = |lon, lat| LonLat::new(lon, lat).unwrap();
//! let points = [p(44.0, 33.0), p(44.0001, 33.0001), p(10.0, 10.0)];
//! let index = ZoomIndex::new(&points, &[1, 2, 0]);
//! let world = [-180.0, -90.0, 180.0, 90.0];
//! let at0 = index.clusters(world, 0);
//! assert_eq!(at0.len(), 2);
//! assert_eq!(at0.iter().map(|c| c.count).sum::<u64>(), 3);
//! let near = at0.iter().find(|c| c.count == 2).unwrap();
//! assert_eq!(near.fatalities, 3);
//! // Zoomed in past max_zoom, every incident is itself.
//! assert!(index.clusters(world, 20).iter().all(|c| matches!(c.item, ZoomItem::Incident(_))));
//! ```

use crate::geodesy::LonLat;

/// Knobs of the zoom-level clustering.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZoomParams {
    /// Cluster radius in pixels.
    pub radius: f64,
    /// Tile width in pixels.
    pub extent: f64,
    /// The highest zoom that clusters; above it every incident is shown.
    pub max_zoom: u8,
    /// Weight a cluster needs (a point counts its incidents).
    pub min_points: u32,
}

impl Default for ZoomParams {
    /// supercluster's defaults with `maxZoom` 16: radius 40 of 512, 2 points.
    fn default() -> Self {
        ZoomParams { radius: 40.0, extent: 512.0, max_zoom: 16, min_points: 2 }
    }
}

/// The highest zoom asked for; higher zooms are answered as this one.
pub const MAX_QUERY_ZOOM: u8 = 20;

/// What one answer stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZoomItem {
    /// A cluster of several incidents (a unique id within the index).
    Cluster(u64),
    /// One incident: its position in the slice the index was built from.
    Incident(usize),
}

/// One cluster or incident at a zoom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZoomCluster {
    /// A cluster or a single incident.
    pub item: ZoomItem,
    /// The weighted mean position of the members (Web Mercator), or the
    /// incident's own.
    pub position: LonLat,
    /// Incidents in it.
    pub count: u64,
    /// Their fatalities.
    pub fatalities: u64,
    /// One member incident (its position in the slice): the first one.
    pub representative: usize,
}

/// One zoom level: points (clusters or incidents), in projected units.
#[derive(Debug, Default)]
struct Level {
    x: Vec<f64>,
    y: Vec<f64>,
    count: Vec<u32>,
    fatalities: Vec<u64>,
    /// The first member incident.
    first: Vec<u32>,
    /// The point of the level below (coarser) this one went into.
    parent: Vec<u32>,
}

impl Level {
    fn len(&self) -> usize {
        self.x.len()
    }

    fn push(&mut self, x: f64, y: f64, count: u32, fatalities: u64, first: u32) {
        self.x.push(x);
        self.y.push(y);
        self.count.push(count);
        self.fatalities.push(fatalities);
        self.first.push(first);
    }
}

/// The zoom-level cluster index.
#[derive(Debug)]
pub struct ZoomIndex {
    params: ZoomParams,
    /// `levels[z]` for z in `0..=max_zoom + 1`; the last holds the incidents.
    levels: Vec<Level>,
    /// The incidents' own positions: a single incident is shown where it
    /// is, not where the projection (clamped at ±85.05°) would put it.
    points: Vec<LonLat>,
}

fn project(p: LonLat) -> (f64, f64) {
    let x = p.lon / 360.0 + 0.5;
    let s = p.lat.to_radians().sin();
    let y = 0.5 - 0.25 * ((1.0 + s) / (1.0 - s)).ln() / std::f64::consts::PI;
    (x, y.clamp(0.0, 1.0))
}

fn unproject(x: f64, y: f64) -> LonLat {
    let lon = (x - 0.5) * 360.0;
    let y2 = (180.0 - y * 360.0).to_radians();
    let lat = 360.0 * y2.exp().atan() / std::f64::consts::PI - 90.0;
    LonLat { lon: lon.clamp(-180.0, 180.0), lat: lat.clamp(-90.0, 90.0) }
}

/// Cell coordinates fit 20 bits each at every zoom the parameters allow.
const CELL_BITS: u32 = 20;

impl ZoomIndex {
    /// The index of `points` with default parameters; `fatalities[i]`
    /// belongs to `points[i]` (missing ones count 0).
    pub fn new(points: &[LonLat], fatalities: &[u32]) -> ZoomIndex {
        ZoomIndex::with_params(points, fatalities, ZoomParams::default())
    }

    /// The index of a slice of incidents.
    pub fn from_incidents(incidents: &[crate::Incident]) -> ZoomIndex {
        let points: Vec<LonLat> = incidents.iter().map(|i| i.position).collect();
        let fat: Vec<u32> = incidents.iter().map(|i| i.fatalities).collect();
        ZoomIndex::new(&points, &fat)
    }

    /// The index with these parameters. A `max_zoom` whose grid would not
    /// fit 20-bit cell numbers is lowered until it does.
    pub fn with_params(points: &[LonLat], fatalities: &[u32], mut params: ZoomParams) -> ZoomIndex {
        params.radius = if params.radius.is_finite() && params.radius > 0.0 { params.radius } else { 40.0 };
        params.extent = if params.extent.is_finite() && params.extent > 0.0 { params.extent } else { 512.0 };
        params.max_zoom = params.max_zoom.min(MAX_QUERY_ZOOM - 1);
        while params.max_zoom > 0
            && params.extent / params.radius * f64::from(1u32 << params.max_zoom) >= f64::from(1u32 << CELL_BITS) - 2.0
        {
            params.max_zoom -= 1;
        }
        let mut leaf = Level::default();
        for (i, &p) in points.iter().enumerate() {
            let (x, y) = project(p);
            leaf.push(x, y, 1, u64::from(fatalities.get(i).copied().unwrap_or(0)), i as u32);
        }
        let mut levels = vec![leaf];
        for z in (0..=params.max_zoom).rev() {
            let r = params.radius / (params.extent * f64::from(1u32 << z));
            let above = levels.last_mut().expect("the leaf level");
            let below = merge(above, r, params.min_points);
            levels.push(below);
        }
        levels.reverse();
        ZoomIndex { params, levels, points: points.to_vec() }
    }

    /// The parameters in force.
    pub fn params(&self) -> ZoomParams {
        self.params
    }

    /// The incidents indexed.
    pub fn len(&self) -> usize {
        self.levels.last().map_or(0, Level::len)
    }

    /// True when nothing was indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn level(&self, zoom: u8) -> (usize, &Level) {
        let z = usize::from(zoom).min(self.levels.len() - 1);
        (z, &self.levels[z])
    }

    fn position(&self, l: &Level, i: usize) -> LonLat {
        if l.count[i] == 1 { self.points[l.first[i] as usize] } else { unproject(l.x[i], l.y[i]) }
    }

    fn item(&self, z: usize, i: usize) -> ZoomCluster {
        let l = &self.levels[z];
        let item = if l.count[i] == 1 {
            ZoomItem::Incident(l.first[i] as usize)
        } else {
            ZoomItem::Cluster(((i as u64) << 5) | z as u64)
        };
        ZoomCluster {
            item,
            position: self.position(l, i),
            count: u64::from(l.count[i]),
            fatalities: l.fatalities[i],
            representative: l.first[i] as usize,
        }
    }

    /// The clusters and single incidents a map at `zoom` (0-20; zooms past
    /// `max_zoom` show every incident) shows inside `bbox`
    /// `[west, south, east, north]` (`west > east` crosses the
    /// antimeridian); a cluster is inside when its position is.
    pub fn clusters(&self, bbox: [f64; 4], zoom: u8) -> Vec<ZoomCluster> {
        let (z, l) = self.level(zoom);
        (0..l.len())
            .filter(|&i| crate::spatial::index::in_bbox(self.position(l, i), bbox))
            .map(|i| self.item(z, i))
            .collect()
    }

    /// For each indexed incident, the position (in `clusters(world, zoom)`
    /// order, which is level order) of what holds it at `zoom`: the oracle
    /// the property tests compare with.
    pub fn ancestor_at(&self, incident: usize, zoom: u8) -> usize {
        let (z, _) = self.level(zoom);
        let mut i = incident;
        for lz in (z + 1..self.levels.len()).rev() {
            i = self.levels[lz].parent[i] as usize;
        }
        i
    }
}

/// Merges the points of `above` within `r` of each other into the next
/// level down; sets `above.parent`.
fn merge(above: &mut Level, r: f64, min_points: u32) -> Level {
    let n = above.len();
    let mut below = Level::default();
    above.parent = vec![u32::MAX; n];
    if n == 0 {
        return below;
    }
    let cell = |v: f64| ((v / r).floor().max(0.0) as u64).min((1 << CELL_BITS) - 1);
    // Sorted by cell (x major): the key packs cell x, cell y and the index
    // when the index fits 24 bits, else pairs are sorted.
    let mut order: Vec<(u64, u32)> = (0..n)
        .map(|i| {
            let key = (cell(above.x[i]) << CELL_BITS) | cell(above.y[i]);
            (key, i as u32)
        })
        .collect();
    if n < (1 << 24) {
        let mut packed: Vec<u64> = order.iter().map(|&(k, i)| (k << 24) | u64::from(i)).collect();
        packed.sort_unstable();
        for (o, p) in order.iter_mut().zip(&packed) {
            *o = (p >> 24, (p & 0xFF_FFFF) as u32);
        }
    } else {
        order.sort_unstable();
    }
    let r2 = r * r;
    let mut taken = vec![false; n];
    let mut cursors = [0usize; 3];
    let mut members: Vec<usize> = Vec::new();
    for p in 0..n {
        let (key, i) = order[p];
        let i = i as usize;
        if taken[i] {
            continue;
        }
        taken[i] = true;
        let (cx, cy) = (key >> CELL_BITS, key & ((1 << CELL_BITS) - 1));
        let (xi, yi) = (above.x[i], above.y[i]);
        members.clear();
        let mut weight = above.count[i];
        for (d, cur) in cursors.iter_mut().enumerate() {
            let Some(row) = (cx + d as u64).checked_sub(1) else { continue };
            let lo = (row << CELL_BITS) | cy.saturating_sub(1);
            let hi = (row << CELL_BITS) | (cy + 1).min((1 << CELL_BITS) - 1);
            // Keys seen at p only grow, so each cursor only moves forward.
            while *cur < n && order[*cur].0 < lo {
                *cur += 1;
            }
            let mut q = *cur;
            while q < n && order[q].0 <= hi {
                let j = order[q].1 as usize;
                if !taken[j] {
                    let (dx, dy) = (above.x[j] - xi, above.y[j] - yi);
                    if dx * dx + dy * dy <= r2 {
                        members.push(j);
                        weight += above.count[j];
                    }
                }
                q += 1;
            }
        }
        let at = below.len() as u32;
        above.parent[i] = at;
        if members.is_empty() || weight < min_points {
            below.push(xi, yi, above.count[i], above.fatalities[i], above.first[i]);
            continue;
        }
        let w0 = f64::from(above.count[i]);
        let (mut sx, mut sy, mut fat, mut first) = (xi * w0, yi * w0, above.fatalities[i], above.first[i]);
        for &j in &members {
            taken[j] = true;
            above.parent[j] = at;
            let w = f64::from(above.count[j]);
            sx += above.x[j] * w;
            sy += above.y[j] * w;
            fat += above.fatalities[j];
            first = first.min(above.first[j]);
        }
        let total = f64::from(weight);
        below.push(sx / total, sy / total, weight, fat, first);
    }
    below
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORLD: [f64; 4] = [-180.0, -90.0, 180.0, 90.0];

    #[test]
    fn empty_and_one_point() {
        let idx = ZoomIndex::new(&[], &[]);
        assert!(idx.is_empty() && idx.clusters(WORLD, 3).is_empty());
        let one = ZoomIndex::new(&[LonLat { lon: 179.9, lat: -16.0 }], &[4]);
        for z in 0..=MAX_QUERY_ZOOM {
            let c = one.clusters(WORLD, z);
            assert_eq!(c.len(), 1);
            assert_eq!(c[0].item, ZoomItem::Incident(0));
            assert!((c[0].position.lon - 179.9).abs() < 1e-9 && (c[0].position.lat + 16.0).abs() < 1e-9);
        }
    }

    #[test]
    fn projection_round_trips() {
        for (lon, lat) in [(0.0, 0.0), (44.4, 33.3), (-179.5, -60.0), (179.99, 84.0)] {
            let (x, y) = project(LonLat { lon, lat });
            let p = unproject(x, y);
            assert!((p.lon - lon).abs() < 1e-9 && (p.lat - lat).abs() < 1e-9, "{lon},{lat}");
        }
    }

    #[test]
    fn town_duplicates_merge_at_every_zoom_and_split_apart_when_far() {
        let p = |lon, lat| LonLat { lon, lat };
        let points = [p(44.4, 33.3), p(44.4, 33.3), p(44.4, 33.3), p(45.4, 34.3)];
        let idx = ZoomIndex::new(&points, &[1, 1, 1, 5]);
        let z16 = idx.clusters(WORLD, 16);
        assert_eq!(z16.len(), 2);
        assert_eq!(z16.iter().map(|c| c.count).max(), Some(3));
        assert_eq!(idx.clusters(WORLD, 0).len(), 1);
        assert_eq!(idx.clusters(WORLD, 0)[0].fatalities, 8);
        assert_eq!(idx.clusters(WORLD, 17).len(), 4);
    }
}
