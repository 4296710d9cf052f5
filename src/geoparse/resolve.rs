//! Resolution: one place per mention, evidence before priors.
//!
//! The evidence, strongest first, each recorded in the rule trail:
//! 1. explicit admin context in the text ("X in Diyala province", "X, Anbar");
//! 2. the document's country focus (and `--country`);
//! 3. nearness to the other places resolved in the same document;
//! 4. feature fit ("province" wants an admin area, "mountains" terrain);
//! 5. prominence: countries, capitals, admin areas, then population.

use std::collections::HashMap;

use super::spot::{Mention, MentionKind};
use crate::gazetteer::store::prominence;
use crate::gazetteer::{Gazetteer, Place};
use crate::geodesy::haversine_km;

/// Knobs for [`resolve`].
#[derive(Debug, Clone, Default)]
pub struct ResolveOptions {
    /// Prefer places in this country (ISO alpha-2), as if the document said so.
    pub country: Option<String>,
}

/// A mention and the place chosen for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// What the spotter found.
    pub mention: Mention,
    /// The chosen place; `None` for names the gazetteer does not know.
    pub place: Option<Place>,
    /// Admin-1 name of the place (or of the enclosing area for unknown names).
    pub admin1: Option<String>,
    /// For unknown names: the enclosing place the text gives ("Diyala").
    pub within: Option<Place>,
    /// Confidence in 0..=1.
    pub score: f64,
    /// The rules that decided, `;`-separated ("admin-context:Diyala;population").
    pub rule: String,
}

/// Weight of the prominence prior (countries, capitals, admin areas,
/// population) against the evidence bonuses.
const PRIOR_WEIGHT: f64 = 0.5;

struct Scored {
    idx: usize,
    score: f64,
    rules: Vec<String>,
}

/// Resolves spotted mentions (in text order) against the gazetteer.
pub fn resolve(gaz: &Gazetteer, text: &str, mentions: Vec<Mention>, opts: &ResolveOptions) -> Vec<Resolution> {
    let _ = text;
    let cands: Vec<Vec<Place>> = mentions
        .iter()
        .map(|m| {
            let mut cs: Vec<Place> = m.candidates.iter().map(|r| gaz.place(*r)).collect();
            // "Laurel County": a county the gazetteer knows by name only is
            // placed at its main town.
            if matches!(m.admin_noun.as_deref(), Some("county" | "district" | "parish"))
                && !cs.iter().any(Place::is_admin2)
            {
                cs.extend(gaz.admin2_areas(&m.name));
            }
            cs
        })
        .collect();

    // Country focus: each mention votes for the countries of its candidates,
    // an unambiguous mention with a full vote.
    let mut votes: HashMap<String, f64> = HashMap::new();
    for cs in &cands {
        let mut countries: Vec<&str> = cs.iter().map(|p| p.country.as_str()).collect();
        countries.sort();
        countries.dedup();
        for c in &countries {
            *votes.entry((*c).to_string()).or_default() += 1.0 / countries.len() as f64;
        }
    }
    let focus: Option<String> = opts.country.clone().or_else(|| {
        votes
            .iter()
            .filter(|(_, v)| **v >= 1.0)
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(c, _)| c.clone())
    });

    // Pass 1 without nearness; pass 2 adds nearness to the pass-1 choices of
    // the other mentions.
    let mut chosen: Vec<Option<usize>> = vec![None; mentions.len()];
    let mut last: Vec<Option<Scored>> = Vec::new();
    for pass in 0..2 {
        let anchors: Vec<(usize, &Place)> = if pass == 0 {
            Vec::new()
        } else {
            chosen.iter().enumerate().filter_map(|(m, c)| c.map(|i| (m, &cands[m][i]))).collect()
        };
        last = mentions
            .iter()
            .enumerate()
            .map(|(mi, m)| best_candidate(gaz, mi, m, &mentions, &cands, &chosen, &anchors, focus.as_deref(), opts))
            .collect();
        chosen = last.iter().map(|s| s.as_ref().map(|s| s.idx)).collect();
    }

    // A bare capitalised word whose only readings are small places far
    // outside the document's focus ("Sunni" -> Suni, Sardinia) is not a place.
    let weak: Vec<bool> = mentions
        .iter()
        .enumerate()
        .map(|(mi, m)| {
            let Some(i) = chosen[mi] else { return false };
            let p = &cands[mi][i];
            let framed = m.locative
                || m.admin_noun.is_some()
                || m.site_noun.is_some()
                || m.relation != super::spot::Relation::At;
            let letters = m.name.chars().filter(|c| c.is_alphabetic()).count();
            let acronym = (2..=4).contains(&letters) && !m.name.chars().any(char::is_lowercase);
            if acronym && !p.is_country() {
                return true; // "IS", "US" as a town: an acronym names a country or nothing
            }
            let far_from_all = chosen.iter().enumerate().all(|(o, c)| {
                o == mi
                    || c.is_none_or(|ci| {
                        cands[o][ci].is_country() || haversine_km(cands[o][ci].position, p.position) > 1000.0
                    })
            });
            // Two letters ("Al-Bu", "Ur") are too little to name a town.
            if m.key.chars().filter(|c| c.is_alphabetic()).count() < 3 && !p.is_country() {
                return true;
            }
            // A village across the world from everything else the report
            // names is a namesake, even in a locative frame.
            let very_far = chosen.iter().enumerate().all(|(o, c)| {
                o == mi
                    || c.is_none_or(|ci| {
                        cands[o][ci].is_country() || haversine_km(cands[o][ci].position, p.position) > 2000.0
                    })
            });
            if p.feature_class == 'P'
                && p.population < 20_000
                && focus.as_deref().is_some_and(|f| p.country != f)
                && very_far
                && chosen.iter().enumerate().any(|(o, c)| o != mi && c.is_some())
            {
                return true;
            }
            // Part of a longer capitalised name: only a prominent place survives.
            if m.in_name && prominence(p) < 0.75 {
                return true;
            }
            !framed
                && p.feature_class == 'P'
                && p.population < 100_000
                && focus.as_deref().is_some_and(|f| p.country != f)
                && far_from_all
        })
        .collect();
    // Indices shift when weak mentions go: renumber the enclosing links.
    let mut new_index: Vec<Option<usize>> = Vec::with_capacity(weak.len());
    let mut n = 0;
    for w in &weak {
        new_index.push((!w).then(|| {
            n += 1;
            n - 1
        }));
    }
    mentions
        .into_iter()
        .enumerate()
        .filter(|(mi, _)| !weak[*mi])
        .map(|(mi, mut m)| {
            let original_enclosing = m.enclosing;
            m.enclosing = m.enclosing.and_then(|e| new_index[e]);
            let scored = last[mi].take();
            let place = scored.as_ref().map(|s| cands[mi][s.idx].clone());
            let within =
                original_enclosing.and_then(|e| chosen[e].map(|i| cands[e][i].clone())).filter(|w| {
                    match scored.as_ref() {
                        Some(s) => encloses(w, &cands[mi][s.idx]),
                        None => level(w) > 0,
                    }
                });
            let admin_src = place.as_ref().or(within.as_ref());
            let admin1 = admin_src.and_then(|p| {
                if p.is_admin1() {
                    Some(gaz.admin1_name(&p.country, &p.admin1_code).unwrap_or_else(|| p.name.clone()))
                } else {
                    gaz.admin1_name(&p.country, &p.admin1_code)
                }
            });
            let (score, rule) = match scored {
                Some(s) => (s.score, s.rules.join(";")),
                None if m.kind == MentionKind::Unknown => (
                    0.0,
                    match &within {
                        Some(w) => format!("unknown-name;within:{}", w.name),
                        None => "unknown-name".to_string(),
                    },
                ),
                None => (0.0, "no-candidate".to_string()),
            };
            Resolution { mention: m, place, admin1, within, score, rule }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn best_candidate(
    gaz: &Gazetteer,
    mi: usize,
    m: &Mention,
    mentions: &[Mention],
    cands: &[Vec<Place>],
    chosen: &[Option<usize>],
    anchors: &[(usize, &Place)],
    focus: Option<&str>,
    opts: &ResolveOptions,
) -> Option<Scored> {
    let cs = &cands[mi];
    if cs.is_empty() {
        return None;
    }
    // The enclosing area named by the text, as resolved so far.
    let context: Option<&Place> = m
        .enclosing
        .and_then(|e| chosen[e].map(|i| &cands[e][i]))
        .or_else(|| m.enclosing.and_then(|e| cands[e].iter().find(|p| p.is_admin1() || p.is_country())));
    let mut best: Option<Scored> = None;
    for (ci, p) in cs.iter().enumerate() {
        let mut score = PRIOR_WEIGHT * prominence(p);
        let mut rules: Vec<String> = Vec::new();
        // A place's own name beats a place that merely lists it as an
        // alternate ("Egypt" the country, not a town once called Egypt).
        if m.primary.get(ci).copied().unwrap_or(false) && cs.len() > 1 && !m.primary.iter().all(|p| *p) {
            score += 0.25;
            rules.push("primary-name".to_string());
        }
        if let Some(ctx) = context.filter(|ctx| encloses(ctx, p)) {
            let inside = if ctx.is_country() {
                p.country == ctx.country
            } else if ctx.is_admin1() {
                p.country == ctx.country && p.admin1_code == ctx.admin1_code && p.geonameid != ctx.geonameid
            } else {
                haversine_km(p.position, ctx.position) < 50.0
            };
            if inside {
                score += 0.6;
                rules.push(format!("admin-context:{}", ctx.name));
            }
        }
        // Is this mention itself the context of another ("X in Diyala")?
        let encloses_other = mentions.iter().any(|o| o.enclosing == Some(mi));
        if m.admin_noun.is_some() || encloses_other {
            if p.is_admin1() || p.is_country() || p.is_admin2() {
                score += 0.4;
                rules.push(format!("feature:{}", p.feature_code));
            }
        } else if matches!(m.relation, super::spot::Relation::Part(_)) && p.feature_class == 'A' {
            // "eastern Deir ez-Zor": a direction qualifies an area.
            score += 0.3;
            rules.push(format!("feature:{}", p.feature_code));
        } else if let Some(noun) = &m.site_noun {
            let fits = match noun.as_str() {
                "mountains" | "mountain" | "hills" | "range" | "valley" | "plain" | "plains" | "desert" => {
                    p.feature_class == 'T'
                }
                "river" | "lake" | "dam" => p.feature_class == 'H',
                "village" | "town" | "city" | "neighbourhood" | "neighborhood" | "quarter" | "suburb" => {
                    p.feature_class == 'P'
                }
                _ => false,
            };
            if fits {
                score += 0.3;
                rules.push(format!("feature:{}", p.feature_code));
            }
        }
        if let Some(cc) = &opts.country {
            if p.country.eq_ignore_ascii_case(cc) {
                score += 0.4;
                rules.push(format!("country-option:{cc}"));
            }
        } else if let Some(f) = focus {
            if p.country == f && cs.iter().any(|o| o.country != f) {
                score += 0.2;
                rules.push(format!("country-focus:{f}"));
            }
        }
        if opts.country.is_none()
            && m.admin_noun.is_none()
            && major_beyond_focus(p, focus, cs, |o| town_evidence(o, mi, m, mentions, cands, context, anchors))
        {
            score += MAJOR_BEYOND_FOCUS;
            rules.push("major-place".to_string());
        }
        if !anchors.is_empty() {
            let nearest = anchors
                .iter()
                .filter(|(am, ap)| {
                    *am != mi && mentions[*am].key != m.key && ap.geonameid != p.geonameid && !ap.is_country()
                })
                .map(|(_, ap)| (haversine_km(p.position, ap.position), ap.name.as_str()))
                .min_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((d, name)) = nearest {
                let bonus = if d < 50.0 {
                    0.25
                } else if d < 200.0 {
                    0.15
                } else if d < 500.0 {
                    0.05
                } else {
                    0.0
                };
                if bonus > 0.0 && cs.len() > 1 {
                    score += bonus;
                    rules.push(format!("near:{name}({d:.0} km)"));
                }
            }
        }
        // "Duhok", "Kirkuk", "Erbil": a sizeable town named like the province
        // it lies in is what a bare name means; "Kirkuk province" or
        // "northern Kirkuk" still mean the province.
        let encloses_other = mentions.iter().any(|o| o.enclosing == Some(mi));
        let bare = m.admin_noun.is_none() && !matches!(m.relation, super::spot::Relation::Part(_)) && !encloses_other;
        if bare
            && focus.is_none_or(|f| f == p.country)
            && p.feature_class == 'P'
            && p.population >= 10_000
            && cs.iter().any(|o| o.is_admin1() && o.country == p.country && o.admin1_code == p.admin1_code)
        {
            score += 0.3;
            rules.push("namesake-town".to_string());
        }
        // The document's own admin areas: a town inside a province (state)
        // the text names elsewhere ("Gainesville" in a story that says
        // "Florida"), or inside the province of a town with one reading.
        if !anchors.is_empty() && cs.len() > 1 && p.feature_class != 'A' && !p.admin1_code.is_empty() {
            let mut support: Option<(f64, &str)> = None;
            for (am, ap) in anchors {
                if *am == mi || mentions[*am].key == m.key || ap.country != p.country || ap.admin1_code != p.admin1_code
                {
                    continue;
                }
                let w = if ap.is_admin1() {
                    0.3
                } else if cands[*am].len() == 1 && ap.feature_class == 'P' {
                    0.15
                } else {
                    0.0
                };
                if w > support.map_or(0.0, |s| s.0) {
                    support = Some((w, ap.name.as_str()));
                }
            }
            if let Some((w, name)) = support {
                score += w;
                rules.push(format!("doc-admin:{name}"));
            }
        }
        // A country's name, not framed as a town, means the country.
        let focus_area_namesake =
            focus.is_some_and(|f| cs.iter().any(|o| o.is_admin1() && o.country == f && o.country != p.country));
        if p.is_country() && cs.len() > 1 && m.site_noun.is_none() && m.admin_noun.is_none() && !focus_area_namesake {
            score += 0.3;
        }
        if p.is_country() {
            rules.push("country".to_string());
        } else if cs.len() == 1 {
            rules.push("only-candidate".to_string());
        } else {
            rules.push(if p.population > 0 { "population".to_string() } else { "prominence".to_string() });
        }
        let better = best.as_ref().is_none_or(|b| score > b.score + 1e-12);
        if better {
            best = Some(Scored { idx: ci, score, rules });
        }
    }
    let _ = gaz;
    best.map(|mut b| {
        // Confidence: the winning score squashed into 0..1, higher when the
        // mention had no rival.
        let rival = cs
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != b.idx)
            .map(|(_, p)| PRIOR_WEIGHT * prominence(p))
            .fold(0.0_f64, f64::max);
        let margin = (b.score - rival).max(0.0);
        b.score = if cs.len() == 1 { (0.8 + b.score * 0.2).min(1.0) } else { (0.5 + margin).min(1.0) };
        b.score = (b.score * 1000.0).round() / 1000.0;
        b
    })
}

/// Bonus of a capital or first-order admin area over a town of the
/// document's country that shares its name: about the country-focus bonus
/// plus weak nearness, so that focus alone does not decide.
const MAJOR_BEYOND_FOCUS: f64 = 0.25;

/// Is `p` a capital or a first-order admin area outside the document's focus
/// country whose rivals inside the focus are towns without evidence of their
/// own ("London" in a story about Ohio that names nothing near London, Ohio;
/// "California" in one about Brazil)? Such a name means the well-known place.
/// Not when the focus country has an area of that name too (Florida the
/// state, not the Uruguayan department).
fn major_beyond_focus(p: &Place, focus: Option<&str>, cs: &[Place], evidence: impl Fn(&Place) -> bool) -> bool {
    let major = p.feature_code == "PPLC" || p.is_admin1() || p.feature_code == "ADMD";
    let Some(f) = focus.filter(|f| major && p.country != *f) else { return false };
    let focus_towns_only =
        cs.iter().any(|o| o.country == f) && cs.iter().all(|o| o.country != f || o.feature_class == 'P');
    // A country of that name wins on its own; a town the text supports, wherever it is, keeps its chance.
    focus_towns_only && !cs.iter().any(|o| o.is_country() || (o.feature_class == 'P' && evidence(o)))
}

/// Does the text support this town beyond the country it is in: the area the
/// text puts it in, its state named in the document, a county of the
/// document that it lies in ("Paris and Henry County"), or another place of
/// the document within 200 km?
fn town_evidence(
    o: &Place,
    mi: usize,
    m: &Mention,
    mentions: &[Mention],
    cands: &[Vec<Place>],
    context: Option<&Place>,
    anchors: &[(usize, &Place)],
) -> bool {
    if context.is_some_and(|c| encloses(c, o) && c.country == o.country) {
        return true;
    }
    let county_around = mentions.iter().zip(cands).enumerate().any(|(k, (om, ocs))| {
        k != mi
            && om.key != m.key
            && ocs
                .iter()
                .any(|a| a.is_admin2() && a.country == o.country && haversine_km(a.position, o.position) < 50.0)
    });
    if county_around {
        return true;
    }
    anchors.iter().any(|(am, ap)| {
        *am != mi
            && mentions[*am].key != m.key
            && ap.geonameid != o.geonameid
            && !ap.is_country()
            && ((ap.is_admin1() && ap.country == o.country && ap.admin1_code == o.admin1_code)
                || haversine_km(o.position, ap.position) < 200.0)
    })
}

/// Administrative level of a place: 3 country, 2 admin-1, 1 admin-2 or other
/// area, 0 a site.
fn level(p: &Place) -> u8 {
    if p.is_country() {
        3
    } else if p.is_admin1() {
        2
    } else if p.feature_class == 'A' {
        1
    } else {
        0
    }
}

/// Can `outer` contain `inner` ("Khanaqin, Diyala" yes; "Anbar, Kirkuk" no)?
fn encloses(outer: &Place, inner: &Place) -> bool {
    level(outer) > level(inner)
}
