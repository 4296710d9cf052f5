//! DBSCAN in kilometres (optionally space-time): the labels of a clustering run.
//!
//! Ester, Kriegel, Sander, Xu (1996), "A density-based algorithm for
//! discovering clusters in large spatial databases with noise", with exact
//! great-circle neighbourhoods.
//!
//! # Units
//! `eps_km` is a great-circle (haversine) distance in kilometres; `max_days`
//! a difference of event dates in whole days. Both bounds are inclusive.
//!
//! # Definitions
//! - The neighbourhood of a point is every point within `eps_km` (and, for
//!   space-time clustering, within `max_days`), the point itself included.
//! - A point is *core* when its neighbourhood holds at least `min_points`
//!   points (as scikit-learn's `min_samples`).
//! - Core points that are neighbours are in the same cluster.
//! - A non-core point with a core neighbour is a *border* point. It joins the
//!   cluster of its nearest core neighbour (great-circle distance); when
//!   several core neighbours of different clusters are equally near, the
//!   lower cluster id wins. Other points are noise.
//! - Cluster ids are 1-based, numbered by each cluster's first core point in
//!   (latitude, longitude) order, south to north then west to east (then by
//!   day, for space-time clusters at the same place). The labels therefore
//!   do not depend on the input order.
//!
//! # Speed
//! Points at identical coordinates are grouped and the neighbourhood of a
//! coordinate is looked up once (incident data has many exact duplicates:
//! events geocoded to a town centre). Neighbourhood counts stop as soon as a
//! point is known to be core, and both counts and cluster unions run in
//! parallel with rayon.

use std::collections::HashMap;

use chrono::NaiveDate;
use foldhash::fast::FixedState;
use rayon::prelude::*;
use rstar::RTree;

use crate::extract::incident::Incident;
use crate::geodesy::{LonLat, haversine_km, km_to_chord};
use crate::spatial::index::{IndexedPoint, chord2};

/// DBSCAN parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClusterParams {
    /// Neighbourhood radius, great-circle km (inclusive).
    pub eps_km: f64,
    /// Points (the point itself included) a neighbourhood needs for a core point.
    pub min_points: usize,
    /// With a value, space-time DBSCAN: neighbours must also be at most this
    /// many days apart.
    pub max_days: Option<u32>,
    /// Cluster incidents placed at an admin-area centroid (geo precision 3)
    /// too; by default they are left out (their point is not where it happened).
    pub include_admin_centroids: bool,
}

impl ClusterParams {
    /// Spatial DBSCAN with the given radius and minimum points.
    pub fn new(eps_km: f64, min_points: usize) -> ClusterParams {
        ClusterParams { eps_km, min_points, max_days: None, include_admin_centroids: false }
    }
}

/// The result of a clustering run, one entry per input point.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Labels {
    /// Cluster id (1-based) of each point; `None` for noise or a point left
    /// out of clustering.
    pub cluster: Vec<Option<u32>>,
    /// Whether each point is a core point.
    pub core: Vec<bool>,
    /// Number of clusters (ids run from 1 to this).
    pub n_clusters: u32,
}

impl Labels {
    /// Number of points in no cluster.
    pub fn noise(&self) -> usize {
        self.cluster.iter().filter(|c| c.is_none()).count()
    }
}

/// Spatial DBSCAN over positions. See the [module documentation](self) for
/// the definitions, the border rule and the cluster numbering.
///
/// # Examples
/// ```
/// use incidentmap::LonLat;
/// use incidentmap::spatial::cluster::cluster;
///
/// let p = |lon, lat| LonLat { lon, lat };
/// let pts = [p(44.0, 33.0), p(44.01, 33.0), p(44.02, 33.0), p(50.0, 30.0)];
/// let labels = cluster(&pts, 2.0, 2);
/// assert_eq!(labels.cluster, vec![Some(1), Some(1), Some(1), None]);
/// ```
pub fn cluster(points: &[LonLat], eps_km: f64, min_points: usize) -> Labels {
    cluster_with(points, None, &ClusterParams::new(eps_km, min_points))
}

/// DBSCAN with all options. `days` (one per point, e.g. days since an epoch)
/// is needed when `params.max_days` is set and ignored otherwise;
/// `params.include_admin_centroids` is not used here (see
/// [`cluster_incidents`]).
///
/// # Panics
/// When `params.max_days` is set and `days` is missing or of another length.
pub fn cluster_with(points: &[LonLat], days: Option<&[i32]>, params: &ClusterParams) -> Labels {
    let min_points = params.min_points.max(1);
    if let Some(t) = params.max_days {
        let days = days.expect("space-time clustering needs one day per point");
        assert_eq!(days.len(), points.len(), "one day per point");
        let groups = Groups::new(points, Some(days), true);
        return space_time(points, &groups, params.eps_km, min_points, i64::from(t));
    }
    let eps = Eps::new(params.eps_km);
    // The grid needs cells of a sensible size (eps of a few centimetres or
    // more); below that the R-tree does the work.
    let grid = eps.c2 >= 1e-18;
    let groups = Groups::new(points, None, !grid);
    if grid {
        spatial_grid(points, &groups, &eps, min_points)
    } else {
        spatial(points, &groups, params.eps_km, min_points)
    }
}

/// DBSCAN over incidents: positions and, with `max_days`, event dates. Unless
/// `include_admin_centroids` is set, incidents with geo precision 3 are not
/// clustered (label `None`, not core) and do not count towards neighbourhoods.
pub fn cluster_incidents(incidents: &[Incident], params: &ClusterParams) -> Labels {
    let used: Vec<usize> =
        (0..incidents.len()).filter(|&i| params.include_admin_centroids || incidents[i].geo_precision < 3).collect();
    let pts: Vec<LonLat> = used.iter().map(|&i| incidents[i].position).collect();
    let days: Vec<i32> = used.iter().map(|&i| day_number(incidents[i].event_date)).collect();
    let sub = cluster_with(&pts, Some(&days), params);
    let mut labels =
        Labels { cluster: vec![None; incidents.len()], core: vec![false; incidents.len()], n_clusters: sub.n_clusters };
    for (k, &i) in used.iter().enumerate() {
        labels.cluster[i] = sub.cluster[k];
        labels.core[i] = sub.core[k];
    }
    labels
}

/// Days since 1970-01-01 (proleptic Gregorian).
pub fn day_number(d: NaiveDate) -> i32 {
    const EPOCH_CE: i32 = 719_163;
    chrono::Datelike::num_days_from_ce(&d) - EPOCH_CE
}

/// Points grouped by identical coordinates (and sorted by day inside a group
/// when days are given).
struct Groups {
    /// Representative position of each group.
    pos: Vec<LonLat>,
    /// Members of group `g`: `members[start[g]..start[g + 1]]`.
    start: Vec<u32>,
    members: Vec<u32>,
    /// Days of `members` (same order), when given.
    days: Vec<i32>,
    /// Unit vectors of the groups in an R-tree (`idx` = group), when built.
    tree: RTree<IndexedPoint>,
}

impl Groups {
    fn new(points: &[LonLat], days: Option<&[i32]>, with_tree: bool) -> Groups {
        // +0.0 folds -0.0 into 0.0 so that the two spellings group together.
        let key = |i: u32| {
            let p = points[i as usize];
            ((p.lat + 0.0).to_bits(), (p.lon + 0.0).to_bits())
        };
        let mut order: Vec<u32> = (0..points.len() as u32).collect();
        order.par_sort_unstable_by(|&a, &b| {
            let (ka, kb) = (key(a), key(b));
            ka.cmp(&kb)
                .then_with(|| days.map_or(std::cmp::Ordering::Equal, |d| d[a as usize].cmp(&d[b as usize])))
                .then(a.cmp(&b))
        });
        let mut pos = Vec::new();
        let mut start = Vec::new();
        let mut last = None;
        for (k, &i) in order.iter().enumerate() {
            let kk = key(i);
            if last != Some(kk) {
                last = Some(kk);
                pos.push(points[i as usize]);
                start.push(k as u32);
            }
        }
        start.push(order.len() as u32);
        let day_list = days.map(|d| order.iter().map(|&i| d[i as usize]).collect()).unwrap_or_default();
        let items: Vec<IndexedPoint> = pos
            .iter()
            .take(if with_tree { usize::MAX } else { 0 })
            .enumerate()
            .map(|(g, p)| IndexedPoint { v: p.to_unit_vector(), idx: g as u32 })
            .collect();
        Groups { pos, start, members: order, days: day_list, tree: RTree::bulk_load(items) }
    }

    fn len(&self) -> usize {
        self.pos.len()
    }

    fn range(&self, g: usize) -> std::ops::Range<usize> {
        self.start[g] as usize..self.start[g + 1] as usize
    }

    fn weight(&self, g: usize) -> usize {
        self.range(g).len()
    }
}

/// Exact great-circle neighbourhood test around one group, using chords for
/// the clear cases and haversine only in a thin band around `eps`.
struct Eps {
    km: f64,
    c2: f64,
    lo: f64,
    hi: f64,
}

impl Eps {
    fn new(km: f64) -> Eps {
        let km = if km.is_nan() { -1.0 } else { km };
        let c = km_to_chord(km.max(0.0));
        let c2 = c * c;
        Eps { km, c2, lo: c2 * (1.0 - 1e-9), hi: c2 * (1.0 + 1e-9) + 1e-18 }
    }

    /// True when the groups at unit vectors `a` and `b` (positions `pa`,
    /// `pb`) are within eps.
    #[inline]
    fn close(&self, a: [f64; 3], b: [f64; 3], pa: LonLat, pb: LonLat) -> bool {
        let d2 = chord2(a, b);
        d2 <= self.lo || (d2 <= self.hi && haversine_km(pa, pb) <= self.km)
    }

    /// Calls `f(h, distance²)` for every group `h` within eps of group `g`
    /// (g itself included) until `f` returns false.
    fn for_each(&self, groups: &Groups, g: usize, mut f: impl FnMut(usize, f64) -> bool) {
        if self.km < 0.0 {
            return;
        }
        let p = groups.pos[g];
        let v = p.to_unit_vector();
        for q in groups.tree.locate_within_distance(v, self.hi) {
            let d2 = chord2(q.v, v);
            let h = q.idx as usize;
            if (d2 <= self.lo || haversine_km(p, groups.pos[h]) <= self.km) && !f(h, d2) {
                return;
            }
        }
    }
}

/// Union-find with path halving.
#[derive(Clone)]
struct UnionFind(Vec<u32>);

impl UnionFind {
    fn new(n: usize) -> UnionFind {
        UnionFind((0..n as u32).collect())
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.0[x as usize] != x {
            let gp = self.0[self.0[x as usize] as usize];
            self.0[x as usize] = gp;
            x = gp;
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // The smaller root wins, which keeps merges order-independent.
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.0[hi as usize] = lo;
        }
    }

    /// Adds every connection of `other` to `self`.
    fn merge(mut self, mut other: UnionFind) -> UnionFind {
        for x in 0..self.0.len() as u32 {
            let r = other.find(x);
            if r != x {
                self.union(x, r);
            }
        }
        self
    }
}

/// Runs `work(item, uf)` over `items` in parallel, each worker with its own
/// union-find over `n` elements, and merges the results.
fn parallel_unions<T: Sync>(n: usize, items: &[T], work: impl Fn(&T, &mut UnionFind) + Sync) -> UnionFind {
    let chunks = (rayon::current_num_threads() * 4).max(1);
    let size = items.len().div_ceil(chunks).max(1024);
    items
        .par_chunks(size)
        .map(|chunk| {
            let mut uf = UnionFind::new(n);
            for it in chunk {
                work(it, &mut uf);
            }
            uf
        })
        .reduce_with(UnionFind::merge)
        .unwrap_or_else(|| UnionFind::new(n))
}

/// Numbers the clusters: the roots of core elements, ordered by the
/// smallest (lat, lon, day) of their core members (day 0 for spatial
/// clustering: there two clusters never share a core coordinate, and in
/// space-time clustering never a core coordinate and day). Returns the
/// cluster id of each root.
fn number_clusters(core_roots: impl Iterator<Item = (u32, LonLat, i32)>) -> HashMap<u32, u32, FixedState> {
    let cmp = |a: &(LonLat, i32), b: &(LonLat, i32)| {
        a.0.lat.total_cmp(&b.0.lat).then(a.0.lon.total_cmp(&b.0.lon)).then(a.1.cmp(&b.1))
    };
    let mut first: HashMap<u32, (LonLat, i32), FixedState> = HashMap::default();
    for (r, p, d) in core_roots {
        first
            .entry(r)
            .and_modify(|q| {
                if cmp(&(p, d), q).is_lt() {
                    *q = (p, d);
                }
            })
            .or_insert((p, d));
    }
    let mut roots: Vec<(u32, (LonLat, i32))> = first.into_iter().collect();
    roots.sort_by(|a, b| cmp(&a.1, &b.1));
    roots.into_iter().enumerate().map(|(i, (r, _))| (r, i as u32 + 1)).collect()
}

/// Groups bucketed in a 3-D grid over their unit vectors. The cell side is
/// the eps chord / sqrt(3) (a hair less), so any two points in one cell are
/// within eps, and every point within eps of a cell lies in the 5x5x5 block
/// of cells around it.
struct Grid {
    /// Cell of each slot range: `slots[start[c]..start[c + 1]]` are the groups of cell `c`.
    start: Vec<u32>,
    /// Group ids, by cell.
    slots: Vec<u32>,
    /// Unit vectors of `slots`, same order.
    vecs: Vec<[f64; 3]>,
    /// Neighbour cells (the cell itself included) of cell `c`: `nb[nb_start[c]..nb_start[c + 1]]`.
    nb_start: Vec<u32>,
    nb: Vec<u32>,
}

impl Grid {
    fn new(groups: &Groups, eps: &Eps) -> Grid {
        let side = eps.c2.sqrt() / 3f64.sqrt() * (1.0 - 1e-9);
        let key = |v: [f64; 3]| v.map(|x| (x / side).floor() as i64);
        let vecs: Vec<[f64; 3]> = groups.pos.par_iter().map(|p| p.to_unit_vector()).collect();
        let mut keyed: Vec<([i64; 3], u32)> = vecs.par_iter().enumerate().map(|(g, v)| (key(*v), g as u32)).collect();
        keyed.par_sort_unstable();
        let mut start = Vec::new();
        let mut keys: Vec<[i64; 3]> = Vec::new();
        for (k, (kk, _)) in keyed.iter().enumerate() {
            if keys.last() != Some(kk) {
                keys.push(*kk);
                start.push(k as u32);
            }
        }
        start.push(keyed.len() as u32);
        // Cells sharing (x, y) are consecutive in `keys` (sorted by x, y, z):
        // one lookup per column of the 5x5 block, then the z range in it,
        // instead of 125 lookups per cell. The lists come out in ascending
        // cell order, as the block scan gave them.
        let mut columns: HashMap<[i64; 2], (u32, u32), FixedState> = HashMap::default();
        for (c, k) in keys.iter().enumerate() {
            columns.entry([k[0], k[1]]).and_modify(|r| r.1 = c as u32 + 1).or_insert((c as u32, c as u32 + 1));
        }
        let lists: Vec<Vec<u32>> = keys
            .par_iter()
            .map(|k| {
                let mut v = Vec::new();
                for dx in -2..=2 {
                    for dy in -2..=2 {
                        if let Some(&(s, e)) = columns.get(&[k[0] + dx, k[1] + dy]) {
                            let col = &keys[s as usize..e as usize];
                            let first = col.partition_point(|c| c[2] < k[2] - 2);
                            for (c, ck) in col.iter().enumerate().skip(first) {
                                if ck[2] > k[2] + 2 {
                                    break;
                                }
                                v.push(s + c as u32);
                            }
                        }
                    }
                }
                v
            })
            .collect();
        let mut nb_start = Vec::with_capacity(lists.len() + 1);
        let mut nb = Vec::new();
        for l in &lists {
            nb_start.push(nb.len() as u32);
            nb.extend_from_slice(l);
        }
        nb_start.push(nb.len() as u32);
        let slots: Vec<u32> = keyed.iter().map(|&(_, g)| g).collect();
        let vecs = slots.iter().map(|&g| vecs[g as usize]).collect();
        Grid { start, slots, vecs, nb_start, nb }
    }

    fn cells(&self) -> usize {
        self.start.len() - 1
    }

    fn range(&self, c: usize) -> std::ops::Range<usize> {
        self.start[c] as usize..self.start[c + 1] as usize
    }

    fn neighbours(&self, c: usize) -> &[u32] {
        &self.nb[self.nb_start[c] as usize..self.nb_start[c + 1] as usize]
    }
}

/// Spatial DBSCAN on the grid (Gunawan 2013, "A faster algorithm for DBSCAN",
/// on the unit sphere): core points of one cell are all connected, so the
/// union-find runs over cells, and two neighbouring cells need only one close
/// pair of core points to be joined.
fn spatial_grid(points: &[LonLat], groups: &Groups, eps: &Eps, min_points: usize) -> Labels {
    let grid = Grid::new(groups, eps);
    let nc = grid.cells();
    let w = |slot: usize| groups.weight(grid.slots[slot] as usize);
    let pos = |slot: usize| groups.pos[grid.slots[slot] as usize];
    // 1. Core slots. A cell holding min_points is all core.
    let core: Vec<bool> = (0..nc)
        .into_par_iter()
        .flat_map_iter(|c| {
            let r = grid.range(c);
            let cell_weight: usize = r.clone().map(w).sum();
            let grid = &grid;
            r.map(move |a| {
                if cell_weight >= min_points {
                    return true;
                }
                let mut count = 0;
                for &b in grid.neighbours(c) {
                    for s in grid.range(b as usize) {
                        if eps.close(grid.vecs[a], grid.vecs[s], pos(a), pos(s)) {
                            count += w(s);
                            if count >= min_points {
                                return true;
                            }
                        }
                    }
                }
                false
            })
        })
        .collect();
    let core_slots = |c: usize| grid.range(c).filter(|&s| core[s]);
    let core_cell: Vec<bool> = (0..nc).map(|c| core_slots(c).next().is_some()).collect();
    // 2. Join neighbouring core cells with a close pair of core points. The
    // pair tests run in parallel; the union-find skips pairs already joined.
    let pairs: Vec<(u32, u32)> = (0..nc as u32)
        .filter(|&c| core_cell[c as usize])
        .flat_map(|c| grid.neighbours(c as usize).iter().filter(move |&&b| b > c).map(move |&b| (c, b)))
        .filter(|&(_, b)| core_cell[b as usize])
        .collect();
    let mut uf = UnionFind::new(nc);
    let connected = |a: u32, b: u32| {
        core_slots(a as usize)
            .any(|s| core_slots(b as usize).any(|t| eps.close(grid.vecs[s], grid.vecs[t], pos(s), pos(t))))
    };
    for chunk in pairs.chunks(1 << 14) {
        // Skip pairs already joined, test the rest in parallel, then join.
        let todo: Vec<(u32, u32)> = chunk.iter().copied().filter(|&(a, b)| uf.find(a) != uf.find(b)).collect();
        let joined: Vec<(u32, u32)> = todo.into_par_iter().filter(|&(a, b)| connected(a, b)).collect();
        for (a, b) in joined {
            uf.union(a, b);
        }
    }
    let roots: Vec<u32> = (0..nc as u32).map(|c| uf.find(c)).collect();
    let ids = number_clusters(
        (0..nc)
            .filter(|&c| core_cell[c])
            .flat_map(|c| core_slots(c).map(move |s| (c, s)))
            .map(|(c, s)| (roots[c], pos(s), 0)),
    );
    // Cluster id of each core cell (0 for others), for cheap lookups.
    let cell_id: Vec<u32> = (0..nc).map(|c| if core_cell[c] { ids[&roots[c]] } else { 0 }).collect();
    // 3. Labels of slots: core by their cell's root; border by the nearest
    // core neighbour, ties to the lower cluster id.
    let slot_label: Vec<Option<u32>> = (0..nc)
        .into_par_iter()
        .flat_map_iter(|c| {
            let (grid, core, cell_id) = (&grid, &core, &cell_id);
            grid.range(c).map(move |a| {
                if core[a] {
                    return Some(cell_id[c]);
                }
                let mut best: Option<(f64, u32)> = None;
                for &b in grid.neighbours(c) {
                    for s in grid.range(b as usize) {
                        if core[s] && eps.close(grid.vecs[a], grid.vecs[s], pos(a), pos(s)) {
                            let cand = (haversine_km(pos(a), pos(s)), cell_id[b as usize]);
                            if best.is_none_or(|b| cand.0 < b.0 || (cand.0 == b.0 && cand.1 < b.1)) {
                                best = Some(cand);
                            }
                        }
                    }
                }
                best.map(|b| b.1)
            })
        })
        .collect();
    let mut labels =
        Labels { cluster: vec![None; points.len()], core: vec![false; points.len()], n_clusters: ids.len() as u32 };
    for (s, &g) in grid.slots.iter().enumerate() {
        for &m in &groups.members[groups.range(g as usize)] {
            labels.cluster[m as usize] = slot_label[s];
            labels.core[m as usize] = core[s];
        }
    }
    labels
}

fn spatial(points: &[LonLat], groups: &Groups, eps_km: f64, min_points: usize) -> Labels {
    let ng = groups.len();
    let eps = Eps::new(eps_km);
    // 1. Core groups: weighted neighbourhood count, stopping at min_points.
    let core: Vec<bool> = (0..ng)
        .into_par_iter()
        .map(|g| {
            if groups.weight(g) >= min_points {
                return true;
            }
            let mut count = 0;
            eps.for_each(groups, g, |h, _| {
                count += groups.weight(h);
                count < min_points
            });
            count >= min_points
        })
        .collect();
    // 2. Connect core groups that are neighbours.
    let core_groups: Vec<u32> = (0..ng as u32).filter(|&g| core[g as usize]).collect();
    let mut uf = parallel_unions(ng, &core_groups, |&g, uf| {
        eps.for_each(groups, g as usize, |h, _| {
            if core[h] && h as u32 > g {
                uf.union(g, h as u32);
            }
            true
        });
    });
    let roots: Vec<u32> = (0..ng as u32).map(|g| if core[g as usize] { uf.find(g) } else { u32::MAX }).collect();
    let ids = number_clusters(core_groups.iter().map(|&g| (roots[g as usize], groups.pos[g as usize], 0)));
    // 3. Labels of groups: core by their root; border by nearest core group.
    let group_label: Vec<Option<u32>> = (0..ng)
        .into_par_iter()
        .map(|g| {
            if core[g] {
                return Some(ids[&roots[g]]);
            }
            let mut best: Option<(f64, u32)> = None;
            eps.for_each(groups, g, |h, _| {
                if core[h] {
                    let cand = (haversine_km(groups.pos[g], groups.pos[h]), ids[&roots[h]]);
                    if best.is_none_or(|b| cand.0 < b.0 || (cand.0 == b.0 && cand.1 < b.1)) {
                        best = Some(cand);
                    }
                }
                true
            });
            best.map(|b| b.1)
        })
        .collect();
    let mut labels =
        Labels { cluster: vec![None; points.len()], core: vec![false; points.len()], n_clusters: ids.len() as u32 };
    for g in 0..ng {
        for &m in &groups.members[groups.range(g)] {
            labels.cluster[m as usize] = group_label[g];
            labels.core[m as usize] = core[g];
        }
    }
    labels
}

fn space_time(points: &[LonLat], groups: &Groups, eps_km: f64, min_points: usize, t: i64) -> Labels {
    let ng = groups.len();
    let eps = Eps::new(eps_km);
    let n = points.len();
    // Positions in `groups.members` order: element k is member
    // `groups.members[k]` with day `groups.days[k]`.
    let window = |h: usize, day: i32| -> std::ops::Range<usize> {
        let r = groups.range(h);
        let ds = &groups.days[r.clone()];
        let lo = ds.partition_point(|&d| i64::from(d) < i64::from(day) - t);
        let hi = ds.partition_point(|&d| i64::from(d) <= i64::from(day) + t);
        r.start + lo..r.start + hi
    };
    let neighbours = |g: usize| {
        let mut v = Vec::new();
        eps.for_each(groups, g, |h, _| {
            v.push(h);
            true
        });
        v
    };
    // 1. Core status per member slot.
    let core: Vec<bool> = (0..ng)
        .into_par_iter()
        .flat_map_iter(|g| {
            let nb = neighbours(g);
            groups.range(g).map(move |k| {
                let day = groups.days[k];
                let mut count = 0;
                for &h in &nb {
                    count += window(h, day).len();
                    if count >= min_points {
                        return true;
                    }
                }
                false
            })
        })
        .collect();
    // 2. Connect core slots that are neighbours in space and time.
    let core_groups: Vec<u32> = (0..ng as u32).filter(|&g| groups.range(g as usize).any(|k| core[k])).collect();
    let mut uf = parallel_unions(n, &core_groups, |&g, uf| {
        let nb = neighbours(g as usize);
        for k in groups.range(g as usize) {
            if !core[k] {
                continue;
            }
            for &h in &nb {
                for j in window(h, groups.days[k]) {
                    if core[j] && j > k {
                        uf.union(k as u32, j as u32);
                    }
                }
            }
        }
    });
    let slot_group: Vec<u32> = (0..ng as u32).flat_map(|g| groups.range(g as usize).map(move |_| g)).collect();
    let roots: Vec<u32> = (0..n as u32).map(|k| if core[k as usize] { uf.find(k) } else { u32::MAX }).collect();
    let ids = number_clusters(
        (0..n).filter(|&k| core[k]).map(|k| (roots[k], groups.pos[slot_group[k] as usize], groups.days[k])),
    );
    // 3. Border slots: nearest core neighbour, ties by lower cluster id.
    let slot_label: Vec<Option<u32>> = (0..ng)
        .into_par_iter()
        .flat_map_iter(|g| {
            let nb = if groups.range(g).all(|k| core[k]) { Vec::new() } else { neighbours(g) };
            let (roots, ids) = (&roots, &ids);
            let core = &core;
            groups.range(g).map(move |k| {
                if core[k] {
                    return Some(ids[&roots[k]]);
                }
                let mut best: Option<(f64, u32)> = None;
                for &h in &nb {
                    let d = haversine_km(groups.pos[g], groups.pos[h]);
                    for j in window(h, groups.days[k]) {
                        if core[j] {
                            let cand = (d, ids[&roots[j]]);
                            if best.is_none_or(|b| cand.0 < b.0 || (cand.0 == b.0 && cand.1 < b.1)) {
                                best = Some(cand);
                            }
                        }
                    }
                }
                best.map(|b| b.1)
            })
        })
        .collect();
    let mut labels = Labels { cluster: vec![None; n], core: vec![false; n], n_clusters: ids.len() as u32 };
    for (k, &m) in groups.members.iter().enumerate() {
        labels.cluster[m as usize] = slot_label[k];
        labels.core[m as usize] = core[k];
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ll(lon: f64, lat: f64) -> LonLat {
        LonLat { lon, lat }
    }

    #[test]
    fn empty_and_single() {
        let l = cluster(&[], 5.0, 2);
        assert_eq!(l, Labels::default());
        let l = cluster(&[ll(0.0, 0.0)], 5.0, 2);
        assert_eq!(l.cluster, vec![None]);
        let l = cluster(&[ll(0.0, 0.0)], 5.0, 1);
        assert_eq!((l.cluster, l.n_clusters), (vec![Some(1)], 1));
    }

    #[test]
    fn all_noise() {
        let pts: Vec<LonLat> = (0..10).map(|i| ll(f64::from(i), 0.0)).collect();
        let l = cluster(&pts, 5.0, 2);
        assert_eq!(l.noise(), 10);
        assert_eq!(l.n_clusters, 0);
    }

    #[test]
    fn duplicates_make_a_core() {
        let pts = [ll(10.0, 10.0), ll(10.0, 10.0), ll(10.0, 10.0), ll(10.01, 10.0), ll(-0.0, 0.0), ll(0.0, 0.0)];
        let l = cluster(&pts, 2.0, 3);
        assert_eq!(l.cluster, vec![Some(1), Some(1), Some(1), Some(1), None, None]);
        assert_eq!(l.core, vec![true, true, true, true, false, false]);
        let l = cluster(&pts, 2.0, 2);
        assert_eq!(l.cluster[4], Some(1), "-0.0 and 0.0 are the same place");
        assert_eq!(l.cluster[0], Some(2));
    }

    #[test]
    fn antimeridian_cluster() {
        let pts = [ll(179.99, 0.0), ll(-179.99, 0.0), ll(180.0, 0.0)];
        let l = cluster(&pts, 3.0, 3);
        assert_eq!(l.cluster, vec![Some(1); 3]);
    }

    /// The border rule: a point within eps of core points of two clusters
    /// joins the nearer one, and on a tie the lower cluster id.
    #[test]
    fn border_goes_to_nearest_core_then_lower_id() {
        // Along the equator in units of u = 2^-5 degrees (3.475 km, exact in
        // binary so that mirrored distances are bit-identical): cluster A at
        // 0, -0.5, -1, -1.5 u; cluster B at 2, 2.5, 3, 3.5 u; eps 4 km, min 4.
        // A border point at 1 u sees A0 and B0 at the same distance; one at
        // 1.125 u is nearer B0.
        let u = 0.03125;
        let line = |xs: &[f64]| xs.iter().map(|x| ll(x * u, 0.0)).collect::<Vec<_>>();
        let cores = [0.0, -0.5, -1.0, -1.5, 2.0, 2.5, 3.0, 3.5];
        for (border, want) in [(1.0, 1), (1.125, 2)] {
            let mut xs = cores.to_vec();
            xs.push(border);
            let l = cluster(&line(&xs), 4.0, 4);
            assert_eq!(l.n_clusters, 2);
            assert_eq!(l.cluster[..8], [Some(1), Some(1), Some(1), Some(1), Some(2), Some(2), Some(2), Some(2)]);
            assert!(l.core[0] && l.core[4] && !l.core[3] && !l.core[7], "{:?}", l.core);
            assert!(!l.core[8]);
            assert_eq!(l.cluster[8], Some(want), "border at {border} u");
        }
    }

    #[test]
    fn labels_do_not_depend_on_input_order() {
        let mut pts: Vec<LonLat> = Vec::new();
        let mut s = 12345u64;
        let mut rnd = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..500 {
            pts.push(ll(44.0 + rnd(), 33.0 + rnd()));
        }
        let a = cluster(&pts, 5.0, 4);
        let mut rev = pts.clone();
        rev.reverse();
        let mut b = cluster(&rev, 5.0, 4);
        b.cluster.reverse();
        b.core.reverse();
        assert_eq!(a, b);
        assert!(a.n_clusters > 1);
    }

    #[test]
    fn space_time_splits_by_days() {
        let pts = [ll(0.0, 0.0); 6];
        let days = [0, 1, 2, 100, 101, 102];
        let mut p = ClusterParams::new(1.0, 3);
        p.max_days = Some(1);
        let l = cluster_with(&pts, Some(&days), &p);
        assert_eq!(l.cluster, vec![Some(1), Some(1), Some(1), Some(2), Some(2), Some(2)]);
        assert_eq!(l.core, vec![false, true, false, false, true, false]);
        p.max_days = Some(0);
        assert_eq!(cluster_with(&pts, Some(&days), &p).n_clusters, 0);
        p.max_days = Some(2);
        let l = cluster_with(&pts, Some(&days), &p);
        assert_eq!((l.n_clusters, l.core), (2, vec![true; 6]));
    }

    #[test]
    fn admin_centroids_left_out_by_default() {
        let d = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let mut incs: Vec<Incident> = (0..3).map(|_| Incident::new(d, ll(44.0, 33.0))).collect();
        incs[2].geo_precision = 3;
        let p = ClusterParams::new(1.0, 3);
        assert_eq!(cluster_incidents(&incs, &p).n_clusters, 0);
        let p = ClusterParams { include_admin_centroids: true, ..p };
        assert_eq!(cluster_incidents(&incs, &p).cluster, vec![Some(1); 3]);
    }
}
