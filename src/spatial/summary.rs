//! Cluster summaries: counts, dates, dominant event type and actor, centroid,
//! bounding box and hull of each cluster of a [DBSCAN run](super::dbscan).

use std::collections::HashMap;

use chrono::NaiveDate;
use foldhash::fast::FixedState;
use rayon::prelude::*;
use serde::Serialize;

use super::dbscan::Labels;
use crate::extract::incident::Incident;
use crate::geodesy::LonLat;
use crate::spatial::hull;

/// One cluster of incidents, summarised for the cluster layers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cluster {
    /// Cluster id, 1-based, ordered by a stable rule (see [`cluster`](super::dbscan::cluster)).
    pub id: u32,
    /// Number of member incidents.
    pub count: usize,
    /// Number of distinct member coordinates.
    pub distinct_locations: usize,
    /// Sum of member fatalities.
    pub fatalities: u64,
    /// Sum of member injured.
    pub injured: u64,
    /// Earliest member event date.
    pub first_date: NaiveDate,
    /// Latest member event date.
    pub last_date: NaiveDate,
    /// Most frequent event type (ties broken alphabetically).
    pub dominant_event_type: String,
    /// Most frequent actor1 (ties broken alphabetically; empty actors ignored).
    pub dominant_actor: String,
    /// Spherical mean of the member positions.
    pub centroid: LonLat,
    /// Bounding box `[west, south, east, north]`; `west > east` when it crosses the antimeridian.
    pub bbox: [f64; 4],
    /// Hull ring (closed: first point repeated last) when the cluster has 3 or
    /// more distinct locations; `None` otherwise.
    pub hull: Option<Vec<LonLat>>,
    /// `id`s of the member incidents, ascending.
    pub member_ids: Vec<u64>,
}

/// Summaries of the clusters in `labels` (from a run over `incidents`),
/// ordered by cluster id, with convex hulls.
pub fn summarize(incidents: &[Incident], labels: &Labels) -> Vec<Cluster> {
    summarize_with(incidents, labels, false)
}

/// Like [`summarize`]; with `concave`, hulls are concave (concaveman,
/// concavity 2) instead of convex.
pub fn summarize_with(incidents: &[Incident], labels: &Labels, concave: bool) -> Vec<Cluster> {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); labels.n_clusters as usize];
    for (i, c) in labels.cluster.iter().enumerate() {
        if let Some(c) = c {
            members[*c as usize - 1].push(i);
        }
    }
    members
        .par_iter()
        .enumerate()
        .filter(|(_, m)| !m.is_empty())
        .map(|(k, m)| summarize_one(k as u32 + 1, incidents, m, concave))
        .collect()
}

fn dominant<'a>(values: impl Iterator<Item = &'a str>) -> String {
    let mut counts: HashMap<&str, usize, FixedState> = HashMap::default();
    for v in values.filter(|v| !v.is_empty()) {
        *counts.entry(v).or_default() += 1;
    }
    counts.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0))).map(|(v, _)| v.to_string()).unwrap_or_default()
}

fn summarize_one(id: u32, incidents: &[Incident], m: &[usize], concave: bool) -> Cluster {
    let incs = || m.iter().map(|&i| &incidents[i]);
    let positions: Vec<LonLat> = incs().map(|i| i.position).collect();
    let mut distinct: Vec<(u64, u64)> = positions.iter().map(|p| (p.lon.to_bits(), p.lat.to_bits())).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let mut member_ids: Vec<u64> = incs().map(|i| i.id).collect();
    member_ids.sort_unstable();
    let centroid = hull::spherical_mean(positions.iter().copied()).unwrap_or(positions[0]);
    Cluster {
        id,
        count: m.len(),
        distinct_locations: distinct.len(),
        fatalities: incs().map(|i| u64::from(i.fatalities)).sum(),
        injured: incs().map(|i| u64::from(i.injured)).sum(),
        first_date: incs().map(|i| i.event_date).min().expect("non-empty cluster"),
        last_date: incs().map(|i| i.event_date).max().expect("non-empty cluster"),
        dominant_event_type: dominant(incs().map(|i| i.event_type.as_str())),
        dominant_actor: dominant(incs().map(|i| i.actor1.as_str())),
        centroid,
        bbox: hull::bbox(positions.iter().copied()).expect("non-empty cluster"),
        hull: if distinct.len() >= 3 { hull::hull_ring(&positions, concave) } else { None },
        member_ids,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spatial::dbscan::{ClusterParams, cluster_incidents};

    fn ll(lon: f64, lat: f64) -> LonLat {
        LonLat { lon, lat }
    }

    #[test]
    fn summary_fields() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let mk = |id: u64, lon: f64, lat: f64, date: &str, ty: &str, actor: &str, f: u32| {
            let mut i = Incident::new(d(date), ll(lon, lat));
            i.id = id;
            i.event_type = ty.into();
            i.actor1 = actor.into();
            i.fatalities = f;
            i.injured = 1;
            i
        };
        let incs = vec![
            mk(4, 179.99, 0.0, "2024-01-03", "Battles", "B", 1),
            mk(2, -179.99, 0.0, "2024-01-01", "Riots", "A", 2),
            mk(3, 179.995, 0.01, "2024-01-05", "Battles", "", 0),
            mk(1, 179.995, 0.01, "2024-01-02", "Riots", "", 0),
            mk(9, 10.0, 10.0, "2024-01-02", "Riots", "", 0),
        ];
        let labels = cluster_incidents(&incs, &ClusterParams::new(5.0, 2));
        let cs = summarize(&incs, &labels);
        assert_eq!(cs.len(), 1);
        let c = &cs[0];
        assert_eq!((c.id, c.count, c.distinct_locations), (1, 4, 3));
        assert_eq!((c.fatalities, c.injured), (3, 4));
        assert_eq!((c.first_date, c.last_date), (d("2024-01-01"), d("2024-01-05")));
        assert_eq!(c.dominant_event_type, "Battles");
        assert_eq!(c.dominant_actor, "A");
        assert_eq!(c.bbox, [179.99, 0.0, -179.99, 0.01]);
        assert!(c.centroid.lon.abs() > 179.9);
        assert_eq!(c.member_ids, vec![1, 2, 3, 4]);
        let hull = c.hull.as_ref().unwrap();
        assert_eq!(hull.len(), 4);
    }
}
