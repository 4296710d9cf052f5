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
pub fn merge_duplicates(incidents: Vec<Incident>) -> Vec<Incident> {
    let mut out: Vec<Incident> = Vec::with_capacity(incidents.len());
    for inc in incidents {
        let dup = out.iter_mut().find(|o| {
            let same_place = o.geonameid == inc.geonameid && o.location == inc.location
                || (o.location_type == inc.location_type
                    && haversine_km(o.position, inc.position) < 5.0
                    && o.location_type != LocationType::Admin1);
            same_place
                && (o.event_date - inc.event_date).num_days().abs() <= 1
                && o.event_type == inc.event_type
                && o.source != inc.source
        });
        match dup {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_are_stable() {
        assert_eq!(event_id("a", "b", "c", "d"), event_id("a", "b", "c", "d"));
        assert_ne!(event_id("a", "b", "c", "d"), event_id("a", "b", "c", "e"));
    }
}
