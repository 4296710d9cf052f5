//! Spatial queries and DBSCAN checked against brute-force scans on random
//! points, with points near the poles and on both sides of the antimeridian.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use incidentmap::Incident;
use incidentmap::geodesy::{LonLat, haversine_km};
use incidentmap::spatial::cluster::{ClusterParams, Labels, cluster, cluster_with};
use incidentmap::spatial::index::IncidentIndex;
use incidentmap::spatial::query::{Collector, Query};
use incidentmap::spatial::zoom::{ZoomIndex, ZoomItem};
use proptest::prelude::*;

/// Centres that clustered points gather around: Iraq, both sides of the
/// antimeridian, near both poles.
const CENTRES: [(f64, f64); 5] = [(44.4, 33.3), (179.99, 0.0), (-179.98, 0.02), (20.0, 89.95), (-60.0, -89.9)];

fn point() -> impl Strategy<Value = LonLat> {
    prop_oneof![
        // Anywhere.
        (-180.0..=180.0f64, -90.0..=90.0f64).prop_map(|(lon, lat)| LonLat { lon, lat }),
        // Near a pole.
        (-180.0..=180.0f64, 88.0..=90.0f64, any::<bool>())
            .prop_map(|(lon, lat, south)| LonLat { lon, lat: if south { -lat } else { lat } }),
        // Either side of the antimeridian.
        (-1.0..=1.0f64, -5.0..=5.0f64)
            .prop_map(|(d, lat)| LonLat { lon: if d >= 0.0 { 180.0 - d } else { -180.0 - d }, lat }),
        // Around a centre, on a 0.001 degree grid so that duplicates occur.
        (0..CENTRES.len(), -60i32..=60, -60i32..=60).prop_map(|(c, dx, dy)| {
            let (lon, lat) = CENTRES[c];
            let lon = lon + f64::from(dx) * 0.001;
            let lon = if lon > 180.0 {
                lon - 360.0
            } else if lon < -180.0 {
                lon + 360.0
            } else {
                lon
            };
            LonLat { lon, lat: (lat + f64::from(dy) * 0.001).clamp(-90.0, 90.0) }
        }),
    ]
}

fn points(max: usize) -> impl Strategy<Value = Vec<LonLat>> {
    prop::collection::vec(point(), 0..max)
}

/// Independent lon/lat box test (edges included; west > east wraps).
fn brute_in_box(p: LonLat, [w, s, e, n]: [f64; 4]) -> bool {
    let lat_ok = p.lat >= s && p.lat <= n;
    let lon_ok = if w <= e { p.lon >= w && p.lon <= e } else { !(p.lon > e && p.lon < w) };
    lat_ok && lon_ok
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn radius_matches_brute_force(pts in points(300), c in point(), r in 0.0..3000.0f64) {
        let index = IncidentIndex::new(&pts);
        let got: BTreeSet<u32> = index.within_km(&pts, c, r).into_iter().map(|h| h.0).collect();
        let want: BTreeSet<u32> = (0..pts.len() as u32).filter(|&i| haversine_km(c, pts[i as usize]) <= r).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn radius_from_an_indexed_point(pts in points(300), k in any::<prop::sample::Index>(), r in 0.0..50.0f64) {
        prop_assume!(!pts.is_empty());
        let c = pts[k.index(pts.len())];
        let index = IncidentIndex::new(&pts);
        let got: BTreeSet<u32> = index.within_km(&pts, c, r).into_iter().map(|h| h.0).collect();
        let want: BTreeSet<u32> = (0..pts.len() as u32).filter(|&i| haversine_km(c, pts[i as usize]) <= r).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn nearest_matches_brute_force(pts in points(300), c in point(), k in 0usize..20) {
        let index = IncidentIndex::new(&pts);
        let got: Vec<f64> = index.nearest_km(&pts, c, k, |_| true).into_iter().map(|h| h.1).collect();
        let mut all: Vec<f64> = pts.iter().map(|p| haversine_km(c, *p)).collect();
        all.sort_by(f64::total_cmp);
        all.truncate(k);
        prop_assert_eq!(got.len(), all.len());
        for (g, w) in got.iter().zip(&all) {
            prop_assert!((g - w).abs() <= 1e-9 * w.max(1.0), "{} vs {}", g, w);
        }
    }

    #[test]
    fn nearest_with_filter(pts in points(200), c in point(), k in 1usize..10) {
        let index = IncidentIndex::new(&pts);
        let got: Vec<(u32, f64)> = index.nearest_km(&pts, c, k, |i| i % 3 == 0);
        prop_assert!(got.iter().all(|h| h.0 % 3 == 0));
        let mut all: Vec<f64> = (0..pts.len()).filter(|i| i % 3 == 0).map(|i| haversine_km(c, pts[i])).collect();
        all.sort_by(f64::total_cmp);
        all.truncate(k);
        let got: Vec<f64> = got.into_iter().map(|h| h.1).collect();
        prop_assert_eq!(got.len(), all.len());
        for (g, w) in got.iter().zip(&all) {
            prop_assert!((g - w).abs() <= 1e-9 * w.max(1.0));
        }
    }

    #[test]
    fn streaming_collector_matches_brute_force(
        pts in prop::collection::vec(point(), 0..5000),
        c in point(),
        r in prop::option::of(0.0..5000.0f64),
        k in prop::option::of(0usize..1500),
        limit in prop::option::of(0usize..1500),
        boxed in any::<bool>(),
    ) {
        // Thousands of points with a small k make the collector trim on the way.
        let d = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        let bbox = boxed.then_some([170.0, -10.0, -170.0, 10.0]);
        let mut q = Query::around(c);
        q.radius_km = r;
        q.nearest = k;
        q.limit = limit;
        q.bbox = bbox;
        q.filter.min_fatalities = Some(1);
        let incidents: Vec<Incident> = pts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut inc = Incident::new(d, *p);
                inc.id = i as u64 + 1;
                inc.fatalities = (i % 4) as u32; // a quarter fail the filter
                inc
            })
            .collect();
        let mut collector = Collector::new(q);
        for inc in incidents.iter().cloned() {
            collector.push(inc);
        }
        let (kept, hits) = collector.finish();
        let got: Vec<(u64, f64)> = hits.iter().map(|h| (kept[h.idx].id, h.distance_km)).collect();
        let mut want: Vec<(u64, f64)> = incidents
            .iter()
            .filter(|inc| inc.fatalities >= 1 && bbox.is_none_or(|b| brute_in_box(inc.position, b)))
            .map(|inc| (inc.id, haversine_km(c, inc.position)))
            .filter(|(_, dist)| r.is_none_or(|r| *dist <= r))
            .collect();
        want.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        want.truncate(k.unwrap_or(usize::MAX).min(limit.unwrap_or(usize::MAX)));
        prop_assert_eq!(got, want);
    }

    #[test]
    fn bbox_matches_brute_force(
        pts in points(300),
        w in -180.0..=180.0f64, e in -180.0..=180.0f64,
        s in -90.0..=90.0f64, h in 0.0..=40.0f64,
    ) {
        // w > e is as likely as not: half the boxes cross the antimeridian.
        let bbox = [w, s, e, (s + h).min(90.0)];
        let index = IncidentIndex::new(&pts);
        let got: BTreeSet<u32> = index.in_bbox(&pts, bbox).into_iter().collect();
        let want: BTreeSet<u32> = (0..pts.len() as u32).filter(|&i| brute_in_box(pts[i as usize], bbox)).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn narrow_antimeridian_and_polar_boxes(pts in points(300), d in 0.0..3.0f64, lat in 80.0..90.0f64) {
        let index = IncidentIndex::new(&pts);
        for bbox in [[180.0 - d, -5.0, -180.0 + d, 5.0], [-180.0, lat, 180.0, 90.0], [170.0, lat, -170.0, 90.0]] {
            let got: BTreeSet<u32> = index.in_bbox(&pts, bbox).into_iter().collect();
            let want: BTreeSet<u32> = (0..pts.len() as u32).filter(|&i| brute_in_box(pts[i as usize], bbox)).collect();
            prop_assert_eq!(got, want);
        }
    }
}

/// Brute-force DBSCAN: neighbourhoods by haversine (and days), core points,
/// connected components of core points.
struct Brute {
    core: Vec<bool>,
    /// Component (0-based, arbitrary numbering) of each core point.
    comp: Vec<Option<usize>>,
    neighbours: Vec<Vec<usize>>,
}

fn brute(pts: &[LonLat], days: Option<&[i32]>, eps: f64, min_points: usize, max_days: Option<i32>) -> Brute {
    let n = pts.len();
    let near = |i: usize, j: usize| {
        haversine_km(pts[i], pts[j]) <= eps
            && match (days, max_days) {
                (Some(d), Some(t)) => (d[i] - d[j]).abs() <= t,
                _ => true,
            }
    };
    let neighbours: Vec<Vec<usize>> = (0..n).map(|i| (0..n).filter(|&j| near(i, j)).collect()).collect();
    let core: Vec<bool> = neighbours.iter().map(|v| v.len() >= min_points).collect();
    let mut comp = vec![None; n];
    let mut next = 0;
    for s in 0..n {
        if !core[s] || comp[s].is_some() {
            continue;
        }
        let mut stack = vec![s];
        comp[s] = Some(next);
        while let Some(i) = stack.pop() {
            for &j in &neighbours[i] {
                if core[j] && comp[j].is_none() {
                    comp[j] = Some(next);
                    stack.push(j);
                }
            }
        }
        next += 1;
    }
    Brute { core, comp, neighbours }
}

/// Checks labels against the brute force: same core points, same core
/// partition (a bijection between ids and components), same noise, border
/// points in the cluster of their nearest core neighbour (ties: lower id),
/// and ids numbered by each cluster's first core point in (lat, lon, day) order.
fn check(pts: &[LonLat], days: Option<&[i32]>, labels: &Labels, b: &Brute) -> Result<(), TestCaseError> {
    prop_assert_eq!(&labels.core, &b.core);
    let mut to_comp: HashMap<u32, usize> = HashMap::new();
    let mut to_id: HashMap<usize, u32> = HashMap::new();
    for i in 0..pts.len() {
        if let Some(c) = b.comp[i] {
            let id = labels.cluster[i].ok_or_else(|| TestCaseError::fail(format!("core point {i} unlabelled")))?;
            prop_assert_eq!(*to_comp.entry(id).or_insert(c), c, "cluster {} spans components", id);
            prop_assert_eq!(*to_id.entry(c).or_insert(id), id, "component {} split", c);
        }
    }
    prop_assert_eq!(labels.n_clusters as usize, to_id.len());
    for i in 0..pts.len() {
        if b.core[i] {
            continue;
        }
        let cores: Vec<usize> = b.neighbours[i].iter().copied().filter(|&j| b.core[j]).collect();
        if cores.is_empty() {
            prop_assert_eq!(labels.cluster[i], None, "point {} should be noise", i);
            continue;
        }
        let dmin = cores.iter().map(|&j| haversine_km(pts[i], pts[j])).fold(f64::INFINITY, f64::min);
        let want =
            cores.iter().filter(|&&j| haversine_km(pts[i], pts[j]) == dmin).map(|&j| labels.cluster[j].unwrap()).min();
        prop_assert_eq!(labels.cluster[i], want, "border point {}", i);
    }
    // Numbering: id k's first core point (lat, lon, day) precedes id k+1's.
    let mut first: HashMap<u32, (f64, f64, i32)> = HashMap::new();
    for i in (0..pts.len()).filter(|&i| b.core[i]) {
        let key = (pts[i].lat, pts[i].lon, days.map_or(0, |d| d[i]));
        let e = first.entry(labels.cluster[i].unwrap()).or_insert(key);
        if key.partial_cmp(e) == Some(std::cmp::Ordering::Less) {
            *e = key;
        }
    }
    for id in 1..labels.n_clusters {
        prop_assert!(first[&id] < first[&(id + 1)], "ids {} and {} out of order", id, id + 1);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn dbscan_matches_brute_force(pts in points(250), eps in 0.5..15.0f64, min_points in 1usize..8) {
        let labels = cluster(&pts, eps, min_points);
        let b = brute(&pts, None, eps, min_points, None);
        check(&pts, None, &labels, &b)?;
    }

    #[test]
    fn dbscan_tiny_eps_uses_exact_duplicates(pts in points(150), min_points in 1usize..4) {
        // eps far below the coordinate grid: only identical points are neighbours.
        for eps in [0.0, 1e-7] {
            let labels = cluster(&pts, eps, min_points);
            let b = brute(&pts, None, eps, min_points, None);
            check(&pts, None, &labels, &b)?;
        }
    }

    #[test]
    fn dbscan_is_independent_of_input_order(pts in points(200), eps in 0.5..10.0f64, min_points in 1usize..6) {
        let a = cluster(&pts, eps, min_points);
        let mut rev = pts.clone();
        rev.reverse();
        let mut b = cluster(&rev, eps, min_points);
        b.cluster.reverse();
        b.core.reverse();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn space_time_dbscan_matches_brute_force(
        pts_days in prop::collection::vec((point(), 0i32..60), 0..200),
        eps in 0.5..15.0f64, min_points in 1usize..6, t in 0u32..20,
    ) {
        let (pts, days): (Vec<LonLat>, Vec<i32>) = pts_days.into_iter().unzip();
        let params = ClusterParams { max_days: Some(t), ..ClusterParams::new(eps, min_points) };
        let labels = cluster_with(&pts, Some(&days), &params);
        let b = brute(&pts, Some(&days), eps, min_points, Some(t as i32));
        check(&pts, Some(&days), &labels, &b)?;
    }
}

#[test]
fn dbscan_edge_cases() {
    let l = cluster(&[], 5.0, 3);
    assert_eq!((l.cluster.len(), l.n_clusters), (0, 0));
    let one = [LonLat { lon: 180.0, lat: 90.0 }];
    assert_eq!(cluster(&one, 5.0, 1).cluster, vec![Some(1)]);
    assert_eq!(cluster(&one, 5.0, 2).cluster, vec![None]);
    // Both sides of the antimeridian, 2.2 km apart, plus -180 == 180.
    let pts = [
        LonLat { lon: 179.99, lat: 0.0 },
        LonLat { lon: -179.99, lat: 0.0 },
        LonLat { lon: -180.0, lat: 0.0 },
        LonLat { lon: 180.0, lat: 0.0 },
    ];
    let l = cluster(&pts, 2.5, 4);
    assert_eq!(l.cluster, vec![Some(1); 4]);
    // All noise.
    let spread: Vec<LonLat> = (0..50).map(|i| LonLat { lon: f64::from(i) * 3.0 - 75.0, lat: 10.0 }).collect();
    assert_eq!(cluster(&spread, 5.0, 2).noise(), 50);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// At every zoom the clusters in a box hold exactly the incidents whose
    /// cluster at that zoom (followed down the tree, brute force) lies in
    /// the box; over the world they hold every incident once, with its
    /// fatalities; past max_zoom they are the incidents in the box.
    #[test]
    fn zoom_cluster_counts_sum_to_the_incidents_in_the_box(
        pts in points(300),
        fat in prop::collection::vec(0u32..50, 300),
        w in -180.0..180.0f64, e in -180.0..180.0f64, s in -90.0..90.0f64, h in 0.0..90.0f64,
        zoom in 0u8..=20,
    ) {
        let bbox = [w, s, e, (s + h).min(90.0)];
        let index = ZoomIndex::new(&pts, &fat[..pts.len()]);
        let world = index.clusters([-180.0, -90.0, 180.0, 90.0], zoom);
        prop_assert_eq!(world.iter().map(|c| c.count).sum::<u64>(), pts.len() as u64);
        let fat_total: u64 = fat[..pts.len()].iter().map(|&f| u64::from(f)).sum();
        prop_assert_eq!(world.iter().map(|c| c.fatalities).sum::<u64>(), fat_total);
        // Brute force: each incident's cluster at this zoom, then the box.
        let mut members = vec![0u64; world.len()];
        for i in 0..pts.len() {
            members[index.ancestor_at(i, zoom)] += 1;
        }
        for (c, &m) in world.iter().zip(&members) {
            prop_assert_eq!(c.count, m);
        }
        let expected: u64 = (0..pts.len())
            .filter(|&i| brute_in_box(world[index.ancestor_at(i, zoom)].position, bbox))
            .count() as u64;
        let boxed = index.clusters(bbox, zoom);
        prop_assert_eq!(boxed.iter().map(|c| c.count).sum::<u64>(), expected);
        if zoom > index.params().max_zoom {
            let got: BTreeSet<usize> = boxed.iter().map(|c| match c.item {
                ZoomItem::Incident(i) => i,
                ZoomItem::Cluster(_) => usize::MAX,
            }).collect();
            let want: BTreeSet<usize> = (0..pts.len()).filter(|&i| brute_in_box(pts[i], bbox)).collect();
            prop_assert_eq!(got, want);
        }
    }
}
