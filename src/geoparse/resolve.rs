//! Resolution: one place per mention, evidence before priors.
//!
//! The evidence, strongest first, each recorded in the rule trail:
//! 1. explicit admin context in the text ("X in Diyala province", "X, Anbar");
//! 2. the document's country focus (and `--country`);
//! 3. nearness to the other places resolved in the same document;
//! 4. feature fit ("province" wants an admin area, "mountains" terrain);
//! 5. prominence: countries, capitals, admin areas, then population.
//!
//! Candidates are scored from the gazetteer's records as they lie in the
//! index (borrowed, nothing allocated); a [`Place`] is built and the rule
//! trail written only for the winner.

use std::sync::Arc;

use super::candidate::{Cand, Code, PlaceCache, encloses, farther_than};
use super::mention::{Mention, MentionKind, Relation};
use super::ranker::{Acc, Features, NF, Weights, f};
use super::spot::listed_together;
use crate::gazetteer::store::name_prior;
use crate::gazetteer::{Gazetteer, Place, SmolStr};
use crate::geodesy::haversine_h_to_km;

/// Knobs for [`resolve`].
#[derive(Debug, Clone, Default)]
pub struct ResolveOptions {
    /// Prefer places in this country (ISO alpha-2), as if the document said so.
    pub country: Option<String>,
    /// Ranker weights other than the shipped ones ([`Weights::shipped`]).
    pub weights: Option<Arc<Weights>>,
    /// Record every candidate's features in [`Resolution::candidates`]
    /// (for training the ranker).
    pub explain: bool,
}

impl ResolveOptions {
    fn weights(&self) -> &Weights {
        self.weights.as_deref().unwrap_or_else(|| Weights::shipped())
    }
}

/// One candidate of a mention and its ranker features (with
/// [`ResolveOptions::explain`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CandidateFeatures {
    pub geonameid: i64,
    pub lon: f64,
    pub lat: f64,
    /// The features the final choice saw.
    pub features: Features,
    /// The features in the first pass, before the other mentions were
    /// resolved (no nearness, no document areas).
    pub first_pass: Features,
}

/// A mention and the place chosen for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// What the spotter found.
    pub mention: Mention,
    /// The chosen place; `None` for names the gazetteer does not know.
    pub place: Option<Place>,
    /// Admin-1 name of the place (or of the enclosing area for unknown names).
    pub admin1: Option<SmolStr>,
    /// For unknown names: the enclosing place the text gives ("Diyala").
    pub within: Option<Place>,
    /// Confidence in 0..=1.
    pub score: f64,
    /// The rules that decided, `;`-separated ("admin-context:Diyala;population").
    pub rule: String,
    /// Every candidate with its features, in the order the gazetteer gave
    /// them; empty unless [`ResolveOptions::explain`].
    pub candidates: Vec<CandidateFeatures>,
}

/// Appends a rule, the concatenation of its parts, to the trail
/// (`;`-separated) when the trail is being written.
macro_rules! rule {
    ($rules:expr, $($part:expr),+) => {
        if let Some(r) = $rules.as_deref_mut() {
            if !r.is_empty() {
                r.push(';');
            }
            $(r.push_str($part);)+
        }
    };
}

/// A distance under 500 km in whole km, as `format!("{d:.0}")` writes it
/// (the exact value rounded, ties to even) but by integer formatting.
fn whole_km(d: f64) -> String {
    debug_assert!((0.0..500.0).contains(&d));
    (d.round_ties_even() as u32).to_string()
}

/// A candidate of one mention and its raw score.
#[derive(Clone, Copy)]
struct Scored {
    idx: usize,
    score: f64,
}

/// What the scorer knows about one mention, worked out once for all its
/// candidates.
struct MentionFacts<'c, 'a> {
    mi: usize,
    /// The enclosing area named by the text, as resolved so far.
    context: Option<&'c Cand<'a>>,
    /// Another mention names this one as its container ("X in Diyala").
    encloses_other: bool,
    /// The places chosen so far for the mentions listed before and after
    /// this one ("Armenia, Azerbaijan, Georgia and Iraq").
    listed_with: [Option<&'c Cand<'a>>; 2],
    /// Some, not all, candidates carry the name as their primary name.
    primary_differs: bool,
    /// Some candidate has no name spelled as the text spells it.
    spelled_differs: bool,
    /// Some candidate lies outside the focus country.
    outside_focus: bool,
    /// An admin-1 area of the focus country answers the name, and another
    /// country does too ("Georgia" in US news).
    focus_area_namesake: bool,
    /// The largest population among the candidates.
    max_population: u64,
    /// The largest [`name_prior`] among the candidates that are towns.
    max_town_names: f64,
}

/// The document-wide inputs of scoring.
struct Doc<'c, 'a> {
    gaz: &'a Gazetteer,
    mentions: &'c [Mention],
    cands: &'c [Vec<Cand<'a>>],
    focus: Option<&'c str>,
    option_country: Option<&'c str>,
    /// (mention, chosen candidate) of the other mentions, from the previous pass.
    anchors: &'c [(usize, Cand<'a>)],
    /// For each mention, the first mention with the same key.
    key_ids: &'c [usize],
    weights: &'c Weights,
}

impl Doc<'_, '_> {
    /// Do mentions `a` and `b` have the same key (the same name, repeated)?
    fn same_key(&self, a: usize, b: usize) -> bool {
        self.key_ids[a] == self.key_ids[b]
    }
}

/// The most mentions resolved together as one document. A news article
/// has tens; a "document" with more is a dump of many articles, where
/// document-wide evidence (country focus, nearness to the other places)
/// is noise, and comparing every mention with every other would make the
/// work grow with the square of the size. Longer texts are resolved in
/// sections that end at a line break.
pub const SECTION_MENTIONS: usize = 500;

/// Resolves spotted mentions (in text order) against the gazetteer, in
/// sections of at most about [`SECTION_MENTIONS`] (see there).
pub fn resolve(gaz: &Gazetteer, text: &str, mentions: Vec<Mention>, opts: &ResolveOptions) -> Vec<Resolution> {
    if mentions.len() <= SECTION_MENTIONS {
        return resolve_section(gaz, text, mentions, opts);
    }
    // Where sections start: after SECTION_MENTIONS mentions, at the next
    // line break between two mentions (or at 4x the size without one).
    let mut starts = vec![0];
    for k in 1..mentions.len() {
        let len = k - starts[starts.len() - 1];
        let at_break = text.get(mentions[k - 1].end..mentions[k].start).is_some_and(|gap| gap.contains('\n'));
        if (len >= SECTION_MENTIONS && at_break) || len >= 4 * SECTION_MENTIONS {
            starts.push(k);
        }
    }
    starts.push(mentions.len());
    let total = mentions.len();
    let mut rest = mentions.into_iter();
    let sections: Vec<Vec<Mention>> = starts
        .windows(2)
        .map(|w| {
            let (first, end) = (w[0], w[1]);
            rest.by_ref()
                .take(end - first)
                .map(|mut m| {
                    // Links stay within the section, renumbered from its start
                    // (one across a line break is dropped).
                    m.enclosing = m.enclosing.filter(|e| (first..end).contains(e)).map(|e| e - first);
                    m
                })
                .collect()
        })
        .collect();
    // Sections are independent: resolved in parallel, joined in order.
    use rayon::prelude::*;
    let resolved: Vec<Vec<Resolution>> =
        sections.into_par_iter().map(|section| resolve_section(gaz, text, section, opts)).collect();
    let mut out = Vec::with_capacity(total);
    for part in resolved {
        // Links in the output index the whole list again.
        let base = out.len();
        out.extend(part.into_iter().map(|mut r| {
            r.mention.enclosing = r.mention.enclosing.map(|e| e + base);
            r
        }));
    }
    out
}

/// Resolves one section's mentions as one document.
fn resolve_section(gaz: &Gazetteer, text: &str, mut mentions: Vec<Mention>, opts: &ResolveOptions) -> Vec<Resolution> {
    // "Laurel County": a county the gazetteer knows by name only is placed
    // at its main town.
    // Most documents have none: then no list at all (`areas` is empty).
    let wants_area = |m: &Mention| matches!(m.admin_noun.as_deref(), Some("county" | "district" | "parish"));
    let areas: Vec<Vec<Place>> = if mentions.iter().any(wants_area) {
        mentions
            .iter()
            .map(|m| {
                if wants_area(m) && !m.candidates.iter().any(|r| Cand::from_record(gaz, *r).is_admin2()) {
                    gaz.admin2_areas(&m.name)
                } else {
                    Vec::new()
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let cands: Vec<Vec<Cand>> = mentions
        .iter()
        .enumerate()
        .map(|(mi, m)| {
            let extra = areas.get(mi).map_or(&[][..], Vec::as_slice);
            let mut cs: Vec<Cand> = Vec::with_capacity(m.candidates.len() + extra.len());
            cs.extend(m.candidates.iter().map(|r| Cand::from_record(gaz, *r)));
            cs.extend(extra.iter().map(Cand::from_place));
            cs
        })
        .collect();

    // Country focus: each mention votes for the countries of its candidates,
    // an unambiguous mention with a full vote.
    // (Codes compare inline: a call to `memcmp` per pair of two-byte codes
    // cost more than the comparison.)
    // (country, votes, whether some mention named only that country)
    let mut votes: Vec<(Code, f64, bool)> = Vec::with_capacity(8);
    let mut countries: Vec<Code> = Vec::with_capacity(8);
    for cs in &cands {
        countries.clear();
        countries.extend(cs.iter().map(|p| p.country));
        countries.sort_unstable();
        countries.dedup();
        let sure = countries.len() == 1;
        for c in &countries {
            let share = 1.0 / countries.len() as f64;
            match votes.iter_mut().find(|(v, ..)| v == c) {
                Some(v) => {
                    v.1 += share;
                    v.2 |= sure;
                }
                None => votes.push((*c, share, sure)),
            }
        }
    }
    // The country with the most votes, at least one full vote. A tie
    // between countries that no mention named alone ("Springfield ...
    // Springfield": half a vote each time for Australia and for the United
    // States) is evidence for neither.
    let focus: Option<&str> = opts.country.as_deref().or_else(|| {
        let best = votes.iter().filter(|(_, v, _)| *v >= 1.0).max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))?;
        let tied = votes.iter().any(|(c, v, _)| *c != best.0 && (v - best.1).abs() < 1e-9);
        (!tied || best.2).then(|| best.0.as_str())
    });
    // The per-mention lists of plain indices and flags live in this
    // thread's scratch, kept from section to section.
    let mut scratch = SCRATCH.take();
    let Scratch { key_ids, encloses_other, listed, last, next, weak, new_index } = &mut scratch;
    key_ids.clear();
    key_ids.extend(
        mentions.iter().enumerate().map(|(mi, m)| mentions[..mi].iter().position(|o| o.key == m.key).unwrap_or(mi)),
    );
    encloses_other.clear();
    encloses_other.extend((0..mentions.len()).map(|mi| mentions.iter().any(|o| o.enclosing == Some(mi))));
    list_neighbours(text, &mentions, listed);

    // Pass 1 without nearness; pass 2 adds nearness to the pass-1 choices of
    // the other mentions.
    last.clear();
    last.resize(mentions.len(), None);
    let mut facts: Vec<MentionFacts> = Vec::with_capacity(mentions.len());
    let mut anchors: Vec<(usize, Cand)> = Vec::with_capacity(mentions.len());
    let option_country = opts.country.as_deref();
    // The document as every scoring sees it; each pass adds its anchors.
    let weights = opts.weights();
    let base = Doc { gaz, mentions: &mentions, cands: &cands, focus, option_country, anchors: &[], key_ids, weights };
    // With `explain`, every candidate's features in the first pass.
    let mut first_pass: Vec<Vec<Features>> = Vec::new();
    for pass in 0..2 {
        anchors.clear();
        if pass > 0 {
            anchors.extend(last.iter().enumerate().filter_map(|(m, c)| c.map(|i| (m, cands[m][i]))));
        }
        facts.clear();
        facts.extend(
            (0..mentions.len())
                .map(|mi| mention_facts(mi, &mentions[mi], &cands, last, focus, encloses_other[mi], listed[mi])),
        );
        let doc = Doc { anchors: &anchors, ..base };
        if opts.explain && pass == 0 {
            first_pass = explain(&doc, &facts);
        }
        next.clear();
        next.extend(facts.iter().map(|f| best_candidate(&doc, f)));
        std::mem::swap(last, next);
    }
    let chosen: Vec<Option<&Cand>> = last.iter().enumerate().map(|(mi, c)| c.map(|i| &cands[mi][i])).collect();

    // A bare capitalised word whose only readings are small places far
    // outside the document's focus ("Sunni" -> Suni, Sardinia) is not a place.
    weak.clear();
    weak.extend(mentions.iter().enumerate().map(|(mi, m)| is_weak(mi, m, &chosen, focus)));
    // The trail is written for the winners only: each is scored again,
    // explaining, with the last pass's facts and anchors (the score is the
    // one the last pass saw, and a lone candidate's first).
    let trails: Vec<Option<(f64, String)>> = {
        let doc = Doc { anchors: &anchors, ..base };
        last.iter()
            .enumerate()
            .map(|(mi, c)| {
                let idx = c.filter(|_| !weak[mi])?;
                let mut rules = String::with_capacity(64);
                let score = score_candidate(&doc, &facts[mi], idx, Some(&mut rules), None);
                Some((confidence(&cands[mi], Scored { idx, score }, weights), rules))
            })
            .collect()
    };
    // Every candidate's features, for training the ranker.
    let mut explained: Vec<Vec<CandidateFeatures>> = if opts.explain {
        let doc = Doc { anchors: &anchors, ..base };
        explain(&doc, &facts)
            .into_iter()
            .zip(first_pass)
            .enumerate()
            .map(|(mi, (last, first))| {
                last.into_iter()
                    .zip(first)
                    .zip(&cands[mi])
                    .map(|((features, first_pass), c)| CandidateFeatures {
                        geonameid: c.geonameid,
                        lon: c.at.position.lon,
                        lat: c.at.position.lat,
                        features,
                        first_pass,
                    })
                    .collect()
            })
            .collect()
    } else {
        Vec::new()
    };
    // Indices shift when weak mentions go: renumber the enclosing links.
    new_index.clear();
    let mut n = 0;
    for w in weak.iter() {
        new_index.push((!w).then(|| {
            n += 1;
            n - 1
        }));
    }
    let mut out = Vec::with_capacity(n);
    PlaceCache::with(gaz, |places| {
        for ((mi, mut m), trail) in mentions.drain(..).enumerate().zip(trails) {
            if weak[mi] {
                continue;
            }
            let winner = chosen[mi];
            let within = m
                .enclosing
                .and_then(|e| chosen[e])
                .filter(|w| match winner {
                    Some(c) => encloses(w, c),
                    None => w.level() > 0,
                })
                .map(|w| places.get(gaz, w));
            let place = winner.map(|c| places.get(gaz, c));
            m.enclosing = m.enclosing.and_then(|e| new_index[e]);
            let admin1 = place.as_ref().or(within.as_ref()).and_then(|(_, a)| a.clone());
            let (place, within) = (place.map(|(p, _)| p), within.map(|(p, _)| p));
            let (score, rule) = match trail {
                Some(t) => t,
                None if m.kind == MentionKind::Unknown => (
                    0.0,
                    match &within {
                        Some(w) => format!("unknown-name;within:{}", w.name),
                        None => "unknown-name".to_string(),
                    },
                ),
                None => (0.0, "no-candidate".to_string()),
            };
            let candidates = explained.get_mut(mi).map(std::mem::take).unwrap_or_default();
            out.push(Resolution { mention: m, place, admin1, within, score, rule, candidates });
        }
    });
    SCRATCH.set(scratch);
    // The emptied vector serves the spotter's next document.
    super::mention::give_back(mentions);
    out
}

/// Every candidate's features, mention by mention.
fn explain(doc: &Doc, facts: &[MentionFacts]) -> Vec<Vec<Features>> {
    facts
        .iter()
        .map(|fs| {
            (0..doc.cands[fs.mi].len())
                .map(|ci| {
                    let mut x = [0.0; NF];
                    score_candidate(doc, fs, ci, None, Some(&mut x));
                    x
                })
                .collect()
        })
        .collect()
}

fn mention_facts<'c, 'a>(
    mi: usize,
    m: &Mention,
    cands: &'c [Vec<Cand<'a>>],
    chosen: &[Option<usize>],
    focus: Option<&str>,
    encloses_other: bool,
    listed: [Option<usize>; 2],
) -> MentionFacts<'c, 'a> {
    let cs = &cands[mi];
    let listed_with = listed.map(|n| n.and_then(|n| chosen[n].map(|i| &cands[n][i])));
    let context = m
        .enclosing
        .and_then(|e| chosen[e].map(|i| &cands[e][i]))
        .or_else(|| m.enclosing.and_then(|e| cands[e].iter().find(|p| p.is_admin1() || p.is_country())));
    MentionFacts {
        mi,
        context,
        encloses_other,
        listed_with,
        primary_differs: cs.len() > 1 && !m.primary.iter().all(|p| *p),
        spelled_differs: m.spelled.iter().any(|s| !*s),
        outside_focus: focus.is_some_and(|f| cs.iter().any(|o| o.country != f)),
        focus_area_namesake: focus
            .is_some_and(|f| cs.iter().any(|o| o.is_admin1() && o.country == f) && cs.iter().any(|o| o.country != f)),
        max_population: cs.iter().map(|o| o.population).max().unwrap_or(0),
        // (Only weighed without a focus: see `score_candidate`.)
        max_town_names: if focus.is_none() {
            cs.iter().filter(|o| o.feature_class == 'P').map(|o| name_prior(o.names)).fold(0.0, f64::max)
        } else {
            0.0
        },
    }
}

/// The index of the best-scoring candidate. A lone candidate wins unscored.
fn best_candidate(doc: &Doc, facts: &MentionFacts) -> Option<usize> {
    let cs = &doc.cands[facts.mi];
    if cs.len() == 1 {
        return Some(0);
    }
    let mut best: Option<Scored> = None;
    for ci in 0..cs.len() {
        let score = score_only(doc, facts, ci);
        if best.is_none_or(|b| score > b.score + 1e-12) {
            best = Some(Scored { idx: ci, score });
        }
    }
    best.map(|b| b.idx)
}

/// For each mention, the mentions listed right before and after it
/// ([`listed_together`], as the spotter passes a locative down a list).
/// "Atlanta, Georgia" is a town in its state, not a list: the scorer only
/// counts neighbours of the same level.
fn list_neighbours(text: &str, mentions: &[Mention], out: &mut Vec<[Option<usize>; 2]>) {
    out.clear();
    out.resize(mentions.len(), [None, None]);
    for k in 1..mentions.len() {
        if listed_together(text, &mentions[k - 1], &mentions[k]) {
            out[k - 1][1] = Some(k);
            out[k][0] = Some(k - 1);
        }
    }
}

/// The per-mention lists of [`resolve_section`] that hold no borrows,
/// emptied and refilled for each section instead of allocated.
#[derive(Default)]
struct Scratch {
    /// For each mention, the first mention with the same key.
    key_ids: Vec<usize>,
    /// Another mention names this one as its container.
    encloses_other: Vec<bool>,
    /// The mentions listed right before and after ([`list_neighbours`]).
    listed: Vec<[Option<usize>; 2]>,
    /// The candidates chosen by the last pass, and by the current one.
    last: Vec<Option<usize>>,
    next: Vec<Option<usize>>,
    /// Mentions dropped as too weak ([`is_weak`]).
    weak: Vec<bool>,
    /// Each kept mention's index in the output.
    new_index: Vec<Option<usize>>,
}

thread_local! {
    /// This thread's [`Scratch`], taken by a section and given back (a
    /// section inside another, were there one, would start empty).
    static SCRATCH: std::cell::Cell<Scratch> = std::cell::Cell::default();
}

/// Is `town` a sizeable town inside the admin-1 area `area` (both readings
/// of one name: "Duhok", "Kirkuk", "Sulaimani")?
fn is_namesake_town(town: &Cand, area: &Cand) -> bool {
    town.feature_class == 'P'
        && town.population >= 10_000
        && area.is_admin1()
        && town.country == area.country
        && town.admin1_code == area.admin1_code
}

/// Is `p` a capital or a first-order admin area outside the document's focus
/// country whose rivals inside the focus are towns without evidence of their
/// own ("London" in a story about Ohio that names nothing near London, Ohio;
/// "California" in one about Brazil)? Such a name means the well-known place.
/// Not when the focus country has an area of that name too (Florida the
/// state, not the Uruguayan department).
fn major_beyond_focus(p: &Cand, focus: Option<&str>, cs: &[Cand], evidence: impl Fn(&Cand) -> bool) -> bool {
    let major = p.feature_code == "PPLC" || p.is_admin1() || p.feature_code == "ADMD";
    let Some(f) = focus.filter(|f| major && p.country != *f) else { return false };
    let focus_towns_only =
        cs.iter().any(|o| o.country == f) && cs.iter().all(|o| o.country != f || o.feature_class == 'P');
    // A country of that name wins on its own; a town the text supports,
    // wherever it is, keeps its chance.
    focus_towns_only && !cs.iter().any(|o| o.is_country() || (o.feature_class == 'P' && evidence(o)))
}

/// Does the text support this town beyond the country it is in: the area the
/// text puts it in, its state named in the document, a county of the
/// document that it lies in ("Paris and Henry County"), or another place of
/// the document within 200 km?
fn town_evidence(doc: &Doc, facts: &MentionFacts, o: &Cand) -> bool {
    let mi = facts.mi;
    if facts.context.is_some_and(|c| encloses(c, o) && c.country == o.country) {
        return true;
    }
    let county_around = doc.cands.iter().enumerate().any(|(k, ocs)| {
        k != mi
            && !doc.same_key(k, mi)
            && ocs.iter().any(|a| a.is_admin2() && a.country == o.country && !farther_than(&a.at, &o.at, 50.0))
    });
    if county_around {
        return true;
    }
    doc.anchors.iter().any(|(am, ap)| {
        *am != mi
            && !doc.same_key(*am, mi)
            && ap.geonameid != o.geonameid
            && !ap.is_country()
            && ((ap.is_admin1() && ap.country == o.country && ap.admin1_code == o.admin1_code)
                || !farther_than(&o.at, &ap.at, 200.0))
    })
}

/// Confidence: the winning score squashed into 0..1, higher when the
/// mention had no rival.
fn confidence(cs: &[Cand], best: Scored, w: &Weights) -> f64 {
    let rival = cs
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != best.idx)
        .map(|(_, p)| {
            let mut acc = Acc::new(w, None);
            prior(&mut acc, p);
            acc.score
        })
        .fold(0.0_f64, f64::max);
    let margin = (best.score - rival).max(0.0);
    let s = if cs.len() == 1 { (0.8 + best.score * 0.2).min(1.0) } else { (0.5 + margin).min(1.0) };
    (s * 1000.0).round() / 1000.0
}

/// The prior features of a candidate: what kind of place it is, and how
/// many live there ([`prominence_of`](crate::gazetteer::store::prominence_of)
/// split into its parts, so that each gets its own weight).
#[inline]
fn prior(acc: &mut Acc, p: &Cand) {
    let area = p.feature_class == 'A';
    if area && p.feature_code.starts_with(b"PCL") {
        acc.fire(f::PRIOR_COUNTRY);
    } else if p.feature_code == "PPLC" {
        acc.fire(f::PRIOR_CAPITAL);
    } else if area && p.feature_code.starts_with(b"ADM1") {
        acc.fire(f::PRIOR_ADMIN1);
    } else if area {
        acc.fire(f::PRIOR_AREA);
    } else {
        // The population part of `prominence_of`, worked out once per candidate.
        acc.add(f::PRIOR_POPULATION, p.prominence);
    }
}

/// The score of candidate `ci` of a mention: the ranker's weighted sum of
/// its features. With `rules`, the rule trail that produced it too; with
/// `x`, the feature vector.
fn score_candidate(
    doc: &Doc,
    facts: &MentionFacts,
    ci: usize,
    rules: Option<&mut String>,
    x: Option<&mut Features>,
) -> f64 {
    score(doc, facts, ci, rules, x)
}

/// [`score_candidate`] without a trail or a vector, as the passes ask it
/// of every candidate: compiled apart, with the recording left out.
fn score_only(doc: &Doc, facts: &MentionFacts, ci: usize) -> f64 {
    score(doc, facts, ci, None, None)
}

/// The body of [`score_candidate`] and [`score_only`], inlined into each.
#[inline(always)]
fn score(doc: &Doc, facts: &MentionFacts, ci: usize, mut rules: Option<&mut String>, x: Option<&mut Features>) -> f64 {
    let mi = facts.mi;
    let m = &doc.mentions[mi];
    let cs = &doc.cands[mi];
    let p = &cs[ci];
    let mut acc = Acc::new(doc.weights, x);
    prior(&mut acc, p);
    // A place's own name beats a place that merely lists it as an
    // alternate ("Egypt" the country, not a town once called Egypt).
    if facts.primary_differs && m.primary.get(ci).copied().unwrap_or(false) {
        acc.fire(f::PRIMARY_NAME);
        rule!(rules, "primary-name");
    }
    // A name spelled as the text spells it beats one that only shares its
    // key ("Samarra" is Sāmarrā’, Iraq; Samara, Russia is a variant).
    // (A county known by name only, beyond the mention's index candidates,
    // was found by the name as written.)
    if facts.spelled_differs && m.spelled.get(ci).copied().unwrap_or(true) {
        acc.fire(f::SPELLED);
        rule!(rules, "spelled");
    }
    if let Some(ctx) = facts.context.filter(|ctx| encloses(ctx, p)) {
        let inside = if ctx.is_country() {
            p.country == ctx.country
        } else if ctx.is_admin1() {
            p.country == ctx.country && p.admin1_code == ctx.admin1_code && p.geonameid != ctx.geonameid
        } else {
            p.at.distance_km(&ctx.at) < 50.0
        };
        if inside {
            acc.fire(f::ADMIN_CONTEXT);
            rule!(rules, "admin-context:", ctx.name(doc.gaz));
        }
    }
    // Is this mention itself the context of another ("X in Diyala")?
    if m.admin_noun.is_some() || facts.encloses_other {
        if p.is_admin1() || p.is_country() || p.is_admin2() {
            acc.fire(f::FEATURE_ADMIN);
            rule!(rules, "feature:", p.feature_code.as_str());
        }
    } else if matches!(m.relation, Relation::Part(_)) && p.feature_class == 'A' {
        // "eastern Deir ez-Zor": a direction qualifies an area.
        acc.fire(f::FEATURE_PART);
        rule!(rules, "feature:", p.feature_code.as_str());
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
            acc.fire(f::FEATURE_SITE);
            rule!(rules, "feature:", p.feature_code.as_str());
        }
    }
    if let Some(cc) = doc.option_country {
        if p.country.0.eq_ignore_ascii_case(cc.as_bytes()) {
            acc.fire(f::COUNTRY_OPTION);
            rule!(rules, "country-option:", cc);
        }
    } else if let Some(f) = doc.focus {
        if p.country == f && facts.outside_focus {
            acc.fire(f::COUNTRY_FOCUS);
            rule!(rules, "country-focus:", f);
        }
    }
    if doc.option_country.is_none()
        && m.admin_noun.is_none()
        && major_beyond_focus(p, doc.focus, cs, |o| town_evidence(doc, facts, o))
    {
        acc.fire(f::MAJOR_PLACE);
        rule!(rules, "major-place");
    }
    if cs.len() > 1 && p.population > 0 && p.population == facts.max_population {
        acc.fire(f::MOST_POPULOUS);
    }
    // How widely a town is known, against the best known town of the name:
    // the names the world has for it (Palmyra, Syria has many, Palmyra,
    // Pennsylvania a few). What a reader falls back on when the document
    // points nowhere: not with a country focus (or `--country`), which
    // is context. Towns only: the gazetteer's sources give areas and
    // countries few names, so a count says little about them.
    if cs.len() > 1 && p.feature_class == 'P' && doc.focus.is_none() {
        acc.add(f::PRIOR_NAMES, name_prior(p.names) - facts.max_town_names);
    }
    // How much of the rest of the document lies in this candidate's
    // country, and in its admin-1 area.
    if !doc.anchors.is_empty() && cs.len() > 1 && (acc.wants(f::DOC_COUNTRY_SHARE) || acc.wants(f::DOC_ADMIN1_SHARE)) {
        let (mut others, mut country, mut admin1) = (0u32, 0u32, 0u32);
        for (am, ap) in doc.anchors {
            if *am == mi || doc.same_key(*am, mi) {
                continue;
            }
            others += 1;
            if ap.country == p.country {
                country += 1;
                if !p.is_country() && !ap.is_country() && ap.admin1_code == p.admin1_code {
                    admin1 += 1;
                }
            }
        }
        if others > 0 {
            acc.add(f::DOC_COUNTRY_SHARE, f64::from(country) / f64::from(others));
            acc.add(f::DOC_ADMIN1_SHARE, f64::from(admin1) / f64::from(others));
        }
    }
    // A country is not near anything: its point is only a middle.
    if !doc.anchors.is_empty() && cs.len() > 1 && !p.is_country() {
        // Only an anchor within 500 km earns a bonus: farther ones are
        // skipped on a bound without trigonometry.
        // Nearest by haversine value; the distance only for the winner.
        let mut nearest: Option<(f64, &Cand)> = None;
        for (am, ap) in doc.anchors {
            if *am == mi
                || ap.geonameid == p.geonameid
                || ap.is_country()
                || p.at.surely_beyond(&ap.at, 500.0)
                || doc.same_key(*am, mi)
            {
                continue;
            }
            let h = p.at.haversine_h(&ap.at);
            if nearest.is_none_or(|(n, _)| h < n) {
                nearest = Some((h, ap));
            }
        }
        if let Some((h, name)) = nearest {
            let d = haversine_h_to_km(h);
            let tier = if d < 50.0 {
                Some(f::NEAR_50)
            } else if d < 200.0 {
                Some(f::NEAR_200)
            } else if d < 500.0 {
                Some(f::NEAR_500)
            } else {
                None
            };
            if let Some(tier) = tier {
                acc.fire(tier);
                if d < 5.0 {
                    acc.fire(f::NEAR_5);
                }
                rule!(rules, "near:", name.name(doc.gaz), "(", &whole_km(d), " km)");
            }
        }
    }
    // "Duhok", "Kirkuk", "Erbil": a sizeable town named like the province
    // it lies in is what a bare name means; "Kirkuk province" or
    // "northern Kirkuk" still mean the province.
    let bare = m.admin_noun.is_none() && !matches!(m.relation, Relation::Part(_)) && !facts.encloses_other;
    if bare && doc.focus.is_none_or(|f| p.country == f) && cs.iter().any(|o| is_namesake_town(p, o)) {
        acc.fire(f::NAMESAKE_TOWN);
        rule!(rules, "namesake-town");
    }
    // The document's own admin areas: a town inside a province (state)
    // the text names elsewhere ("Gainesville" in a story that says
    // "Florida"), or inside the province of a town with one reading.
    if !doc.anchors.is_empty() && cs.len() > 1 && p.feature_class != 'A' && !p.admin1_code.is_empty() {
        let mut support: Option<(u8, &Cand)> = None;
        for (am, ap) in doc.anchors {
            if *am == mi || ap.country != p.country || ap.admin1_code != p.admin1_code || doc.same_key(*am, mi) {
                continue;
            }
            // An admin-1 area named in the text is the stronger support.
            let w = if ap.is_admin1() {
                2
            } else if doc.cands[*am].len() == 1 && ap.feature_class == 'P' {
                1
            } else {
                0
            };
            if w > support.map_or(0, |s| s.0) {
                support = Some((w, ap));
            }
        }
        if let Some((w, name)) = support {
            acc.fire(if w == 2 { f::DOC_ADMIN_AREA } else { f::DOC_ADMIN_TOWN });
            rule!(rules, "doc-admin:", name.name(doc.gaz));
        }
    }
    // An admin-1 area the text treats as one: the document names two or
    // more of its sibling areas ("Georgia, Oklahoma, Wisconsin and
    // California"), or places inside it ("Toronto" for "Ontario"). Not
    // when a country, a capital or a sizeable town inside the area has the
    // name: that is what it means unless the text frames it ("Mexico",
    // "Kinshasa", "a prison in Sulaimani"); a list still can ("Bihar and
    // Uttar Pradesh", below).
    if !doc.anchors.is_empty()
        && cs.len() > 1
        && p.is_admin1()
        && facts.context.is_none()
        && !cs.iter().any(|o| o.is_country() || o.feature_code == "PPLC" || is_namesake_town(o, p))
    {
        // The first sibling area seen, whether a different one follows, and
        // the last one (named in the trail).
        let mut first_peer: Option<i64> = None;
        let mut two_peers = false;
        let mut peer: Option<&Cand> = None;
        let mut inside: Option<&Cand> = None;
        for (am, ap) in doc.anchors {
            if *am == mi
                || ap.country != p.country
                || doc.same_key(*am, mi)
                || cs.iter().any(|o| o.geonameid == ap.geonameid)
            {
                continue;
            }
            if ap.is_admin1() {
                match first_peer {
                    None => first_peer = Some(ap.geonameid),
                    Some(id) => two_peers |= id != ap.geonameid,
                }
                peer = Some(ap);
            } else if ap.feature_class == 'P' && ap.admin1_code == p.admin1_code && inside.is_none() {
                inside = Some(ap);
            }
        }
        if two_peers {
            acc.fire(f::PEER_AREAS);
            rule!(rules, "peer-areas:", peer.map_or("", |q| q.name(doc.gaz)));
        }
        if let Some(town) = inside {
            acc.fire(f::CONTAINS);
            rule!(rules, "contains:", town.name(doc.gaz));
        }
    }
    // A list names places of one kind: a country or an admin-1 area listed
    // with another one ("Armenia, Azerbaijan, Georgia, Iraq").
    if cs.len() > 1 && (p.is_country() || p.is_admin1()) {
        let peer = facts.listed_with.iter().flatten().find(|n| {
            n.level() == p.level() && (p.is_country() || n.country == p.country) && n.geonameid != p.geonameid
        });
        if let Some(n) = peer {
            acc.fire(f::LISTED_WITH);
            rule!(rules, "listed-with:", n.name(doc.gaz));
        }
    }
    // A country's name, not framed as a town, means the country.
    let focus_area_namesake = facts.focus_area_namesake && doc.focus.is_some_and(|f| p.country != f);
    if p.is_country() && cs.len() > 1 && m.site_noun.is_none() && m.admin_noun.is_none() && !focus_area_namesake {
        acc.fire(f::COUNTRY_BARE);
    }
    if rules.is_some() {
        if p.is_country() {
            rule!(rules, "country");
        } else if cs.len() == 1 {
            rule!(rules, "only-candidate");
        } else if p.population > 0 {
            rule!(rules, "population");
        } else {
            rule!(rules, "prominence");
        }
    }
    acc.score
}

/// Is mention `mi`'s reading too weak to keep: an acronym as a town, a
/// two-letter key, a small namesake across the world from everything else
/// the report names, a fragment of a longer name that is not prominent?
fn is_weak(mi: usize, m: &Mention, chosen: &[Option<&Cand>], focus: Option<&str>) -> bool {
    let Some(p) = chosen[mi] else { return false };
    let framed = m.locative || m.admin_noun.is_some() || m.site_noun.is_some() || m.relation != Relation::At;
    let letters = m.name.chars().filter(|c| c.is_alphabetic()).count();
    // (Not a dotted abbreviation from the news-style table: "D.C.", "S.C.".)
    let acronym = (2..=4).contains(&letters) && !m.name.chars().any(char::is_lowercase) && !m.name.contains('.');
    if acronym && !p.is_country() {
        return true; // "IS", "US" as a town: an acronym names a country or nothing
    }
    // Two letters ("Al-Bu", "Ur") are too little to name a town. The key
    // folds doubled letters ("Ibb" -> "ib"), so the name's last word counts
    // too: a town of three letters as written is one.
    let last_word_letters =
        || m.name.rsplit(|c: char| !c.is_alphabetic()).find(|w| !w.is_empty()).map_or(0, |w| w.chars().count());
    if m.key.chars().filter(|c| c.is_alphabetic()).count() < 3 && last_word_letters() < 3 && !p.is_country() {
        return true;
    }
    // Every other chosen place is a country or farther than `km`.
    let far_from_all = |km: f64| {
        chosen
            .iter()
            .enumerate()
            .all(|(o, c)| o == mi || c.is_none_or(|c| c.is_country() || farther_than(&c.at, &p.at, km)))
    };
    // A village across the world from everything else the report
    // names is a namesake, even in a locative frame; not one in a country
    // the report names ("the Trujillo prison in northern Honduras" beside a
    // stray foreign name).
    let country_named = || chosen.iter().any(|c| c.is_some_and(|c| c.is_country() && c.country == p.country));
    let outside_focus = focus.is_some_and(|f| p.country != f) && !country_named();
    if p.feature_class == 'P'
        && p.population < 20_000
        && outside_focus
        && chosen.iter().enumerate().any(|(o, c)| o != mi && c.is_some())
        && far_from_all(2000.0)
    {
        return true;
    }
    // Part of a longer capitalised name: only a prominent place survives.
    if m.in_name && p.prominence < 0.75 {
        return true;
    }
    !framed && p.feature_class == 'P' && p.population < 100_000 && outside_focus && far_from_all(1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::geonames::parse_row;
    use crate::gazetteer::index::IndexBuilder;

    /// A one-place gazetteer, opened from a file as a user's would be.
    fn one_place(dir: &std::path::Path, id: i64, lat: f64, lon: f64, cc: &str) -> Gazetteer {
        let mut b = IndexBuilder::new();
        let row =
            format!("{id}\tKhanaqin\tKhanaqin\t\t{lat}\t{lon}\tP\tPPL\t{cc}\t\t01\t\t\t\t1000\t\t\tUTC\t2024-01-01");
        b.add_row(parse_row(&row).unwrap());
        let path = dir.join(format!("{id}.idx"));
        std::fs::write(&path, b.finish().unwrap()).unwrap();
        Gazetteer::open(&path, false).unwrap()
    }

    #[test]
    fn places_cached_for_one_gazetteer_are_not_served_for_another() {
        let dir = tempfile::tempdir().unwrap();
        // The same record (layer 0, index 0) in two gazetteers, one thread.
        let a = one_place(dir.path(), 1, 34.35, 45.39, "IQ");
        let b = one_place(dir.path(), 2, 10.0, 20.0, "TD");
        for (gaz, id, cc) in [(&a, 1, "IQ"), (&b, 2, "TD"), (&a, 1, "IQ")] {
            let text = "Shelling hit Khanaqin on Monday.";
            let mentions = super::super::spot(gaz, text, 0);
            let r = resolve(gaz, text, mentions, &ResolveOptions::default());
            let p = r[0].place.as_ref().unwrap();
            assert_eq!((p.geonameid, p.country.as_str()), (id, cc));
        }
    }

    /// A text longer than a section is resolved section by section: every
    /// mention comes out once, in order, and each link to an enclosing
    /// place points at that place's mention in the whole list.
    #[test]
    fn a_long_text_is_resolved_in_sections_with_links_intact() {
        let gaz = Gazetteer::embedded().unwrap();
        let para = "Gunmen attacked Khanaqin, Diyala on Monday.\n";
        let text = para.repeat(SECTION_MENTIONS); // two mentions a line
        let mentions = super::super::spot(&gaz, &text, 0);
        assert_eq!(mentions.len(), 2 * SECTION_MENTIONS);
        let r = resolve(&gaz, &text, mentions, &ResolveOptions::default());
        assert_eq!(r.len(), 2 * SECTION_MENTIONS);
        assert!(r.windows(2).all(|w| w[0].mention.start < w[1].mention.start));
        for (k, pair) in r.chunks(2).enumerate() {
            let (town, area) = (&pair[0], &pair[1]);
            assert_eq!(town.mention.enclosing, Some(2 * k + 1), "line {k}");
            assert_eq!(area.mention.name, "Diyala");
            assert_eq!(town.admin1.as_deref(), Some("Diyala"), "line {k}: {}", town.rule);
            let first = r[0].place.as_ref().map(|p| p.geonameid);
            assert_eq!(town.place.as_ref().map(|p| p.geonameid), first, "line {k}");
        }
    }

    #[test]
    fn whole_km_writes_what_float_formatting_writes() {
        let mut d = 0.0f64;
        while d < 500.0 {
            for x in [d, d + 0.5, d + 0.4999999999, d + 0.5000000001, d + 0.123, d + 0.987] {
                if x < 500.0 {
                    assert_eq!(whole_km(x), format!("{x:.0}"), "{x}");
                }
            }
            d += 1.0;
        }
        assert_eq!(whole_km(2.5), "2");
        assert_eq!(whole_km(3.5), "4");
    }
}
