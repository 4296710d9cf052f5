//! Reports of the same event: stable event ids, and merging the incidents
//! several reports give of one event.

use super::incident::{Incident, LocationType};
use crate::geodesy::haversine_km;

/// A stable id from source, sentence and place (FNV-1a, 64 bits).
pub fn event_id(source: &str, sentence: &str, location: &str, place: &str) -> String {
    let mut h = crate::hash::Fnv1a64::default();
    for part in [source, sentence, location, place] {
        h.write(part.as_bytes());
        h.write(&[0xff]);
    }
    format!("IM{:016x}", h.finish())
}

/// Merges reports of the same event: same place (same gazetteer entry, or
/// within 5 km), dates within a day, same event type. The merged incident
/// lists every source, keeps the largest casualty counts and the finest date.
///
/// Each incident merges into the first earlier one (in input order) that
/// matches. Candidates are found through an index by type, day and place
/// (a 5 km grid on the sphere, and the gazetteer entry), so the work grows
/// with the number of incidents, not its square.
pub fn merge_duplicates(incidents: Vec<Incident>) -> Vec<Incident> {
    let mut out: Vec<Incident> = Vec::with_capacity(incidents.len());
    let mut index = DupIndex::default();
    for inc in incidents {
        match index.find(&out, &inc) {
            Some(i) => {
                let o = &mut out[i];
                let date = o.event_date;
                o.fatalities = o.fatalities.max(inc.fatalities);
                o.injured = o.injured.max(inc.injured);
                if inc.time_precision < o.time_precision {
                    o.event_date = inc.event_date;
                    o.time_precision = inc.time_precision;
                }
                let mut merged = false;
                if !o.source.split("; ").any(|s| s == inc.source) {
                    o.source = format!("{}; {}", o.source, inc.source);
                    merged = true;
                }
                if o.actor2.is_empty() {
                    o.actor2 = inc.actor2;
                }
                if merged || o.event_date != date {
                    // Under its new day, and no longer of one source only.
                    index.insert(i, &out[i], MERGED);
                }
            }
            None => {
                let src = index.source_id(&inc.source);
                index.insert(out.len(), &inc, src);
                out.push(inc);
            }
        }
    }
    out
}

/// Do `o` (kept) and `inc` (new) report the same event?
fn same_event(o: &Incident, inc: &Incident) -> bool {
    let same_place = o.geonameid == inc.geonameid && o.location == inc.location
        || (o.location_type == inc.location_type
            && o.location_type != LocationType::Admin1
            && haversine_km(o.position, inc.position) < 5.0);
    same_place
        && (o.event_date - inc.event_date).num_days().abs() <= 1
        && o.event_type == inc.event_type
        && o.source != inc.source
}

/// The source id of kept incidents that have merged several sources: their
/// `source` equals no single report's.
const MERGED: u32 = u32::MAX;

/// Grid cell edge, km: two points less than 5 km apart have a chord shorter
/// than that, so their cells differ by at most one on each axis.
const CELL_KM: f64 = 5.01;

/// Kept incidents by (type, day, place), each list split into runs of one
/// source so that a report's own incidents are skipped at once.
#[derive(Default)]
struct DupIndex {
    buckets: std::collections::HashMap<u64, Vec<(u32, Vec<usize>)>>,
    sources: std::collections::HashMap<String, u32>,
}

impl DupIndex {
    fn source_id(&mut self, source: &str) -> u32 {
        let n = self.sources.len() as u32;
        *self.sources.entry(source.to_string()).or_insert(n)
    }

    /// The keys an incident is filed under on `day`: its grid cell and its
    /// gazetteer entry.
    fn keys(inc: &Incident, day: chrono::NaiveDate) -> [u64; 2] {
        let c = cell(inc);
        [cell_key(inc, day, c), place_key(inc, day)]
    }

    fn insert(&mut self, i: usize, inc: &Incident, src: u32) {
        for k in Self::keys(inc, inc.event_date) {
            let runs = self.buckets.entry(k).or_default();
            match runs.last_mut() {
                Some((s, v)) if *s == src => v.push(i),
                _ => runs.push((src, vec![i])),
            }
        }
    }

    /// The first kept incident `inc` merges into.
    fn find(&self, out: &[Incident], inc: &Incident) -> Option<usize> {
        let src = self.sources.get(inc.source.as_str()).copied();
        let (x, y, z) = cell(inc);
        let mut best: Option<usize> = None;
        let mut look = |k: u64| {
            for (s, idxs) in self.buckets.get(&k).into_iter().flatten() {
                if Some(*s) == src {
                    continue; // the same report
                }
                // A report's run is in input order; the merged run is not.
                let ordered = *s != MERGED;
                for &i in idxs {
                    if best.is_some_and(|b| i >= b) {
                        if ordered {
                            break;
                        }
                    } else if same_event(&out[i], inc) {
                        best = Some(i);
                        if ordered {
                            break;
                        }
                    }
                }
            }
        };
        for d in -1..=1 {
            let Some(day) = inc.event_date.checked_add_signed(chrono::Duration::days(d)) else { continue };
            look(place_key(inc, day));
            for dx in -1..=1 {
                for dy in -1..=1 {
                    for dz in -1..=1 {
                        look(cell_key(inc, day, (x + dx, y + dy, z + dz)));
                    }
                }
            }
        }
        best
    }
}

/// The incident's 5 km cell of 3-D space (the point on the unit sphere
/// scaled to the Earth's radius): exact near the poles and across the
/// antimeridian, unlike a longitude/latitude grid.
fn cell(inc: &Incident) -> (i32, i32, i32) {
    let (lat, lon) = (inc.position.lat.to_radians(), inc.position.lon.to_radians());
    let r = crate::geodesy::EARTH_RADIUS_KM / CELL_KM;
    let f = |v: f64| (v * r).floor() as i32;
    (f(lat.cos() * lon.cos()), f(lat.cos() * lon.sin()), f(lat.sin()))
}

/// A bucket key from type, day and more; collisions only add candidates,
/// which [`same_event`] then rejects.
fn key(inc: &Incident, day: chrono::NaiveDate, more: impl FnOnce(&mut crate::hash::Fnv1a64)) -> u64 {
    let mut h = crate::hash::Fnv1a64::default();
    h.write(inc.event_type.as_bytes());
    h.write(&[0xff]);
    h.write(&chrono::Datelike::num_days_from_ce(&day).to_le_bytes());
    more(&mut h);
    h.finish()
}

fn cell_key(inc: &Incident, day: chrono::NaiveDate, c: (i32, i32, i32)) -> u64 {
    key(inc, day, |h| {
        h.write(&[0]);
        for v in [c.0, c.1, c.2] {
            h.write(&v.to_le_bytes());
        }
    })
}

fn place_key(inc: &Incident, day: chrono::NaiveDate) -> u64 {
    key(inc, day, |h| {
        h.write(&[1]);
        h.write(&inc.geonameid.unwrap_or(-1).to_le_bytes());
        h.write(inc.location.as_bytes());
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_are_stable() {
        assert_eq!(event_id("a", "b", "c", "d"), event_id("a", "b", "c", "d"));
        assert_ne!(event_id("a", "b", "c", "d"), event_id("a", "b", "c", "e"));
    }

    /// The definition: each incident merges into the first kept one that
    /// reports the same event (what the index must reproduce).
    fn merge_by_scan(incidents: Vec<Incident>) -> Vec<Incident> {
        let mut out: Vec<Incident> = Vec::new();
        for inc in incidents {
            match out.iter_mut().find(|o| same_event(o, &inc)) {
                Some(o) => {
                    o.fatalities = o.fatalities.max(inc.fatalities);
                    o.injured = o.injured.max(inc.injured);
                    if inc.time_precision < o.time_precision {
                        o.event_date = inc.event_date;
                        o.time_precision = inc.time_precision;
                    }
                    if !o.source.split("; ").any(|s| s == inc.source) {
                        o.source = format!("{}; {}", o.source, inc.source);
                    }
                    if o.actor2.is_empty() {
                        o.actor2 = inc.actor2;
                    }
                }
                None => out.push(inc),
            }
        }
        out
    }

    use proptest::prelude::*;

    /// Incidents crowded into a few places (near the pole and on both sides
    /// of the antimeridian among them), days, types and sources.
    fn incident() -> impl Strategy<Value = Incident> {
        let centre =
            prop_oneof![Just((44.4, 33.3)), Just((179.99, -16.0)), Just((-179.99, -16.0)), Just((10.0, 89.99))];
        (centre, -0.08f64..0.08, -0.05f64..0.05, 0i64..4, 0usize..2, 0usize..3, 0u8..3, 0usize..3, 0u32..9, 0usize..2)
            .prop_map(|((lon, lat), dx, dy, day, ty, src, prec, gid, fat, lt)| {
                let mut i = crate::export::geojson::tests::sample(1);
                i.position =
                    crate::LonLat { lon: (lon + dx + 540.0) % 360.0 - 180.0, lat: (lat + dy).clamp(-90.0, 90.0) };
                i.event_date = chrono::NaiveDate::from_ymd_opt(2020, 5, 10).unwrap() + chrono::Duration::days(day);
                i.event_type = ["Battles", "Explosions/Remote violence"][ty].into();
                i.source = ["a.txt", "b.txt", "c.txt"][src].into();
                i.time_precision = prec + 1;
                i.geonameid = [None, Some(1), Some(2)][gid];
                i.location = ["Khanaqin", "Jalawla", "Khanaqin"][gid].into();
                i.fatalities = fat;
                i.actor2 = if fat % 2 == 0 { String::new() } else { format!("actor {fat}") };
                i.location_type = [LocationType::Site, LocationType::Admin1][lt];
                i
            })
    }

    proptest! {
        #[test]
        fn the_index_merges_as_the_scan_does(incs in proptest::collection::vec(incident(), 0..60)) {
            let fast = merge_duplicates(incs.clone());
            let slow = merge_by_scan(incs);
            prop_assert_eq!(fast, slow);
        }
    }
}
