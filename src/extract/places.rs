//! Where an incident happened: the places of a sentence (from the
//! geoparser's resolved mentions) that are incident sites, and their coding.

use chrono::NaiveDate;

use super::incident::{Incident, LocationType};
use crate::gazetteer::{Gazetteer, Place};
use crate::geoparse::{MentionKind, Relation, Resolution};

/// The places a sentence's event happened at: the innermost places named
/// in it (an area that only says where another place lies is context, not a
/// second event), countries only when nothing finer is named, and locative
/// mentions ("in X", "near X") before bare ones.
pub(super) fn incident_places<'r>(text: &str, res: &'r [Resolution], s: usize, e: usize) -> Vec<&'r Resolution> {
    // Resolutions are in text order: only the sentence's own are looked at,
    // so a long document is not scanned once per sentence.
    debug_assert!(res.windows(2).all(|w| w[0].mention.start <= w[1].mention.start));
    let lo = res.partition_point(|r| r.mention.start < s);
    let hi = res.partition_point(|r| r.mention.start < e);
    let in_sentence: Vec<(usize, &Resolution)> = res[lo..hi]
        .iter()
        .enumerate()
        .map(|(i, r)| (lo + i, r))
        .filter(|(_, r)| r.mention.start >= s && r.mention.end <= e)
        .filter(|(_, r)| r.mention.kind != MentionKind::Demonym)
        .filter(|(_, r)| r.place.is_some() || (r.mention.kind == MentionKind::Unknown && r.within.is_some()))
        .filter(|(_, r)| !is_attribution(&text[s..r.mention.start]))
        .collect();
    let is_context = |i: usize| {
        in_sentence.iter().any(|(_, r)| {
            r.mention.enclosing == Some(i) && (r.within.is_some() || r.mention.kind == MentionKind::Unknown)
        })
    };
    let mut leaves: Vec<&Resolution> = in_sentence.iter().filter(|(i, _)| !is_context(*i)).map(|(_, r)| *r).collect();
    let is_country = |r: &Resolution| r.place.as_ref().is_some_and(Place::is_country);
    if leaves.iter().any(|r| !is_country(r)) {
        leaves.retain(|r| !is_country(r));
    }
    // "In Deir ez-Zor province, gunmen killed an elder in Al-Busayrah": a
    // province named as such beside a place inside it frames the sentence.
    let inside = |area: &Place, r: &Resolution| {
        r.place.as_ref().or(r.within.as_ref()).is_some_and(|p| {
            p.geonameid != area.geonameid
                && !p.is_admin1()
                && !p.is_country()
                && p.country == area.country
                && p.admin1_code == area.admin1_code
        })
    };
    let frames: Vec<bool> = leaves
        .iter()
        .map(|r| {
            r.mention.admin_noun.is_some()
                && r.mention.relation == Relation::At
                && r.place.as_ref().is_some_and(|a| a.is_admin1() && leaves.iter().any(|o| inside(a, o)))
        })
        .collect();
    let mut k = 0;
    leaves.retain(|_| {
        k += 1;
        !frames[k - 1]
    });
    if leaves.iter().any(|r| r.mention.locative) {
        leaves.retain(|r| r.mention.locative);
    }
    // "near Tarmiyah, about 40 kilometres north of Baghdad": the second
    // place only locates the first.
    let mut k = 1;
    while k < leaves.len() {
        let between = text.get(leaves[k - 1].mention.end..leaves[k].mention.start).unwrap_or("");
        if leaves[k].mention.relation == Relation::Near
            && between.trim_start().starts_with(',')
            && between.contains(" of ")
            && between.len() < 50
        {
            leaves.remove(k);
        } else {
            k += 1;
        }
    }
    let mut seen: Vec<(Option<i64>, String)> = Vec::new();
    leaves.retain(|r| {
        let key = (r.place.as_ref().map(|p| p.geonameid), r.mention.key.clone());
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
    leaves
}

/// "officials in Salah ad Din province said", "according to the Anbar
/// police": the place of the speaker, not of the event.
fn is_attribution(before: &str) -> bool {
    let tail = before.trim_end().to_lowercase();
    if tail.ends_with("according to") || tail.ends_with("according to the") {
        return true;
    }
    let words: Vec<String> = before
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev()
        .take(2)
        .map(str::to_lowercase)
        .collect();
    words.len() == 2
        && words[0] == "in"
        && matches!(
            words[1].as_str(),
            "sources"
                | "source"
                | "officials"
                | "official"
                | "authorities"
                | "medics"
                | "doctors"
                | "witnesses"
                | "commanders"
                | "spokesman"
                | "residents"
                | "officers"
        )
}

/// Codes where an incident happened from one resolution.
pub(super) fn code_location(gaz: &Gazetteer, r: &Resolution, all: &[Resolution], date: NaiveDate) -> Option<Incident> {
    let m = &r.mention;
    let (place, via_area) = match (&r.place, &r.within) {
        (Some(p), _) => (p.clone(), false),
        (None, Some(w)) => (w.clone(), true),
        _ => return None,
    };
    // For an unknown name placed at its area, the area's own qualifier
    // ("the Akashat area of western Anbar") still applies.
    let area_relation =
        if via_area { m.enclosing.and_then(|i| all.get(i)).map(|o| o.mention.relation.clone()) } else { None };
    let relation = area_relation.unwrap_or_else(|| m.relation.clone());
    let (location_type, precision) = if place.is_country() {
        (LocationType::Country, 3)
    } else if place.is_admin1() {
        match relation {
            Relation::Part(_) => (LocationType::Region, 2),
            _ => (LocationType::Admin1, 3),
        }
    } else if place.feature_class == 'A' {
        match relation {
            Relation::Part(_) => (LocationType::Region, 2),
            _ => (LocationType::Admin2, 2),
        }
    } else if via_area {
        (LocationType::Near, 2)
    } else {
        match relation {
            Relation::Near => (LocationType::Near, 2),
            _ => (LocationType::Site, 1),
        }
    };
    let mut inc = Incident::new(date, place.position);
    inc.location = if via_area {
        m.name.clone()
    } else {
        match &m.relation {
            Relation::Part(dir) => format!("{dir} {}", m.name),
            _ => m.name.clone(),
        }
    };
    inc.place_name = place.name.to_string();
    inc.geonameid = Some(place.geonameid);
    inc.country = place.country.to_string();
    inc.admin1 = gaz
        .admin1_name(&place.country, &place.admin1_code)
        .or_else(|| gaz.admin1_at(place.position).map(|a| a.name.clone()))
        .unwrap_or_default();
    inc.admin2 = gaz.admin2_name(&place.country, &place.admin1_code, &place.admin2_code).unwrap_or_default();
    inc.geo_precision = precision;
    inc.location_type = location_type;
    inc.confidence = if via_area { 0.5 } else { r.score };
    inc.resolution = r.rule.clone();
    Some(inc)
}
