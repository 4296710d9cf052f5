//! Incident extraction: ACLED-style incidents from reports.
//!
//! Per sentence: a trigger word or phrase makes it an incident candidate
//! (`data/event_types.tsv`); quotes, threats, plans, statistics and claim
//! totals are not incidents; casualties, the date (resolved against the
//! publication date), the actors (`data/actors.tsv`) and the places where
//! it happened (from the geoparser) are read from the sentence, one incident
//! per place. Reports of the same event are merged afterwards.

pub mod dates;
pub mod incident;
pub mod lexicon;
pub mod numbers;
pub mod sentences;

use chrono::NaiveDate;

use crate::document::Document;
use crate::error::{Error, Result};
use crate::gazetteer::{Gazetteer, Place};
use crate::geodesy::haversine_km;
use crate::geoparse::{self, MentionKind, Relation, Resolution, ResolveOptions};
use dates::DateRef;
pub use incident::{Incident, LocationType};
use lexicon::{ActorKind, actors, matches_at, triggers};

/// Knobs for extraction.
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    /// Publication date to use when a report has none (`--published`).
    pub published: Option<NaiveDate>,
    /// Prefer places in this country.
    pub country: Option<String>,
}

/// Words that make a clause a plan, threat or possibility rather than an event.
const MODAL: &[&str] = &[
    "will",
    "would",
    "could",
    "might",
    "should",
    "vowed",
    "vows",
    "threatened",
    "threatens",
    "plans",
    "planning",
    "intends",
    "intend",
    "aims",
    "expected",
    "warned",
    "warns",
    "feared",
    "fears",
    "may",
];

/// Plural nouns that, after a number, make a sentence a statistic ("42 attacks").
const STAT_NOUNS: &[&str] = &[
    "attacks",
    "operations",
    "incidents",
    "kidnappings",
    "bombings",
    "assaults",
    "killings",
    "strikes",
    "raids",
    "ambushes",
    "explosions",
    "arrests",
];

const KILL: &[&str] =
    &["killed", "dead", "died", "slain", "killing", "kills", "deaths", "lives", "executed", "beheaded", "perished"];
const INJURE: &[&str] = &["wounded", "injured", "hurt", "wounding", "injuring", "injuries"];
const PERSON_NOUNS: &[&str] = &[
    "soldier",
    "civilian",
    "policeman",
    "officer",
    "fighter",
    "member",
    "man",
    "woman",
    "child",
    "boy",
    "girl",
    "shepherd",
    "farmer",
    "person",
    "guard",
    "commander",
    "militant",
    "inmate",
    "prisoner",
    "headman",
    "teacher",
    "driver",
    "elder",
    "contractor",
    "leader",
    "official",
    "employee",
    "worker",
    "student",
    "doctor",
    "journalist",
    "mukhtar",
    "sheikh",
    "imam",
    "cleric",
    "judge",
    "candidate",
    "engineer",
    "nurse",
    "pilgrim",
];

/// Phrases that make a sentence background or habit rather than an event.
const BACKGROUND: &[&[&str]] = &[
    &["in", "previous"],
    &["in", "past"],
    &["over", "the", "years"],
    &["in", "recent", "years"],
    &["has", "long"],
    &["have", "long"],
    &["for", "years"],
    &["cycles", "of"],
    &["tactics"],
];

/// Natural and accidental causes of death: with nothing but a casualty word
/// ("killed", "died") for a trigger, a sentence naming one reports a
/// disaster or an accident, not political violence.
const NON_VIOLENT_CAUSES: &[&str] = &[
    "landslide",
    "landslides",
    "mudslide",
    "mudslides",
    "flood",
    "floods",
    "flooding",
    "earthquake",
    "earthquakes",
    "quake",
    "storm",
    "storms",
    "cyclone",
    "typhoon",
    "hurricane",
    "tornado",
    "avalanche",
    "lightning",
    "tsunami",
    "heatwave",
    "drowned",
    "drowning",
    "accident",
    "accidents",
    "crash",
    "collision",
    "derailed",
    "capsized",
    "epidemic",
    "cholera",
];

/// A word of a sentence with its byte offset in the document.
#[derive(Debug, Clone)]
struct Word<'a> {
    start: usize,
    text: &'a str,
    lower: String,
    quoted: bool,
}

fn words_of(doc: &str, start: usize, end: usize) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut i = start;
    let s = &doc[..end];
    while i < end {
        let c = s[i..].chars().next().unwrap_or(' ');
        if matches!(c, '\u{201C}' | '\u{201D}' | '"') {
            quoted = match c {
                '\u{201C}' => true,
                '\u{201D}' => false,
                _ => !quoted,
            };
            i += c.len_utf8();
            continue;
        }
        if !c.is_alphanumeric() {
            i += c.len_utf8();
            continue;
        }
        let w_start = i;
        let mut j = i;
        for (off, ch) in s[i..].char_indices() {
            if ch.is_alphanumeric()
                || ((ch == '-' || ch == '\'' || ch == '\u{2019}' || ch == ',' || ch == '.')
                    && s[i + off + ch.len_utf8()..].chars().next().is_some_and(|n| n.is_alphanumeric())
                    && (ch != ',' && ch != '.' || s[i..i + off].chars().last().is_some_and(|p| p.is_ascii_digit())))
            {
                j = i + off + ch.len_utf8();
            } else {
                break;
            }
        }
        let text = &s[w_start..j];
        out.push(Word { start: w_start, text, lower: text.to_lowercase(), quoted });
        i = j.max(i + 1);
    }
    out
}

/// Extracts the incidents of several reports, merges reports of the same
/// event, and numbers them. Documents that cannot be processed are returned
/// as errors beside the incidents of the others.
pub fn extract(gaz: &Gazetteer, docs: &[Document], opts: &ExtractOptions) -> (Vec<Incident>, Vec<Error>) {
    let mut all = Vec::new();
    let mut errors = Vec::new();
    for d in docs {
        match extract_document(gaz, d, opts) {
            Ok(v) => all.extend(v),
            Err(e) => errors.push(e),
        }
    }
    let mut merged = merge_duplicates(all);
    for (i, inc) in merged.iter_mut().enumerate() {
        inc.id = i as u64 + 1;
    }
    (merged, errors)
}

/// Extracts the incidents of one report (not merged, ids 0).
pub fn extract_document(gaz: &Gazetteer, doc: &Document, opts: &ExtractOptions) -> Result<Vec<Incident>> {
    let Some(published) = doc.published.or(opts.published) else {
        return Err(Error::bad_input(
            &doc.source,
            "no publication date: add a `Published: YYYY-MM-DD` header line or give --published",
        ));
    };
    let resolutions = geoparse::geoparse(gaz, doc, &ResolveOptions { country: opts.country.clone() });
    let mut out: Vec<Incident> = Vec::new();
    let mut last_date: Option<(NaiveDate, u8)> = None;
    // The perpetrator across sentences: the armed group the previous
    // sentence named, and the incidents the last incident sentence produced.
    let mut previous: Option<PreviousSentence> = None;
    let mut last_incidents: Option<(usize, std::ops::Range<usize>)> = None;
    for (si, (s, e)) in sentences::split(&doc.text, doc.body_start).into_iter().enumerate() {
        let sentence = &doc.text[s..e];
        let words = words_of(&doc.text, s, e);
        if words.is_empty() || words.iter().all(|w| w.quoted) {
            continue;
        }
        let lower: Vec<String> = words.iter().map(|w| w.lower.clone()).collect();
        // "ISIS militants torched fields. The group claimed ...": an
        // anaphoric "the group" in the same paragraph is the group the
        // previous sentence named.
        let continues = previous.as_ref().filter(|p| p.index + 1 == si && !paragraph_break(&doc.text[p.end..s]));
        let carried_group = continues.and_then(|p| p.group.clone()).filter(|_| is_anaphoric_group(&lower));
        let group_here = named_armed_group(&words, &lower).or_else(|| carried_group.clone());
        let before = out.len();
        'incidents: {
            let Some((trigger_at, trigger)) = find_trigger(&words, &lower) else { break 'incidents };
            if is_modal(&words, trigger_at) || is_statistic(&lower) || is_background(&lower) {
                break 'incidents;
            }
            let killed = casualties(&words, &lower, KILL);
            let injured = casualties(&words, &lower, INJURE);
            // "the blast", "the attack" without casualties points back at an
            // event already reported; a bare casualty word needs a count ("the
            // wounded were taken to hospital" is not a new event).
            let definite = trigger_at > 0 && matches!(lower[trigger_at - 1].as_str(), "the" | "this" | "that");
            // A plural generic noun ("other attacks were reported") without
            // casualties summarises, it does not report one event.
            let plural_generic = trigger.priority <= 40
                && matches!(lower[trigger_at].as_str(), "attacks" | "clashes" | "assaults" | "ambushes");
            if killed + injured == 0 && (definite || trigger.priority <= 35 || plural_generic) {
                break 'incidents;
            }
            // "12 people were killed when a landslide buried homes": a bare
            // casualty word with a natural or accidental cause.
            if trigger.priority <= 35 && lower.iter().any(|w| NON_VIOLENT_CAUSES.contains(&w.as_str())) {
                break 'incidents;
            }
            // Date: explicit, "the same day", or carried from the previous incident.
            let word_refs: Vec<(usize, &str)> = words.iter().map(|w| (w.start, w.text)).collect();
            let date_refs = dates::find_dates(&word_refs, published);
            let explicit_date = !date_refs.is_empty();
            let carried = last_date.unwrap_or((published, 2));
            // Each place takes the date expression nearest to it ("arson in Diyala
            // last week and fires in Makhmour on Tuesday").
            let date_for = |at: usize| -> (NaiveDate, u8) {
                match date_refs.iter().min_by_key(|d| d.start().abs_diff(at)) {
                    Some(DateRef::Date(d)) => (d.date, d.precision),
                    Some(DateRef::SameDay(_)) | None => carried,
                }
            };
            let places = incident_places(&doc.text, &resolutions, s, e);
            if places.is_empty() {
                break 'incidents;
            }
            let (date, precision) = date_for(places[0].mention.start);
            last_date = Some((date, precision));
            let (mut actor1, actor2) = find_actors(&words, &lower, trigger, trigger_at);
            if actor1.as_ref().is_none_or(|a| a.0 == "Unidentified Armed Group") && carried_group.is_some() {
                actor1 = carried_group.clone();
            }
            for (k, r) in places.iter().enumerate() {
                let (date, precision) = date_for(r.mention.start);
                let Some(mut inc) = code_location(gaz, r, &resolutions, date) else { continue };
                // A whole country is too coarse to map an event without casualties.
                if inc.location_type == LocationType::Country && killed + injured == 0 {
                    continue;
                }
                inc.time_precision = precision;
                inc.event_type = trigger.event_type.clone();
                inc.sub_event_type = trigger.sub_event_type.clone();
                // A civilian target turns a clash into violence against civilians.
                if inc.event_type == "Battles" && actor2.as_ref().is_some_and(|a| a.1 == ActorKind::Civilian) {
                    inc.event_type = "Violence against civilians".to_string();
                    inc.sub_event_type = "Attack".to_string();
                }
                let country = gaz.country_name(&inc.country).unwrap_or_else(|| inc.country.clone());
                inc.actor1 = actor_name(actor1.as_ref(), &country, "Unidentified Armed Group");
                inc.actor2 = actor2.as_ref().map(|a| actor_name(Some(a), &country, "")).unwrap_or_default();
                // Casualties belong to the first place of a clause that names
                // several, so that totals are not multiplied.
                if k == 0 {
                    inc.fatalities = killed;
                    inc.injured = injured;
                }
                inc.source = doc.source.clone();
                inc.source_date = Some(published);
                inc.notes = sentence.split_whitespace().collect::<Vec<_>>().join(" ");
                inc.event_id = event_id(&doc.source, &inc.notes, &inc.location, &inc.place_name);
                // Without a date of its own, a sentence about a place this report
                // already has an incident for on that day tells more of the same
                // event ("Security officials blamed IS for the Ramadi bombing").
                if !explicit_date {
                    if let Some(prev) = out.iter_mut().find(|o| {
                        o.geonameid == inc.geonameid && o.location == inc.location && o.event_date == inc.event_date
                    }) {
                        prev.fatalities = prev.fatalities.max(inc.fatalities);
                        prev.injured = prev.injured.max(inc.injured);
                        continue;
                    }
                }
                out.push(inc);
            }
        }
        let follows_incident = last_incidents.as_ref().is_some_and(|(k, _)| k + 1 == si) && continues.is_some();
        if out.len() > before {
            last_incidents = Some((si, before..out.len()));
        } else if let Some((killed, injured)) =
            follows_incident.then(|| trailing_toll(&resolutions, s, e, &words, &lower, published)).flatten()
        {
            // "Gunmen opened fire on a checkpoint in Hawija. Two policemen
            // died.": a count with no place or date of its own, right after
            // a sentence with one incident, belongs to that incident.
            if let Some((_, range)) = last_incidents.as_mut().filter(|(_, r)| r.len() == 1) {
                let inc = &mut out[range.start];
                inc.fatalities = inc.fatalities.max(killed);
                inc.injured = inc.injured.max(injured);
                last_incidents = last_incidents.map(|(_, r)| (si, r));
            }
        } else if is_claim(&lower) {
            // "ISIS later claimed responsibility for the blast": the claim
            // names the perpetrator of the incidents of the sentence before.
            if let (Some(g), Some((k, range)), Some(_)) = (&group_here, &last_incidents, continues) {
                if k + 1 == si {
                    for inc in &mut out[range.clone()] {
                        if inc.actor1.starts_with("Unidentified Armed Group") {
                            inc.actor1 = g.0.clone();
                        }
                    }
                }
            }
        }
        previous = Some(PreviousSentence { index: si, end: e, group: group_here });
    }
    Ok(out)
}

/// The (killed, injured) of a sentence that is not an incident of its own
/// but reports casualties of the incident before it: a count, no place and
/// no date of its own, and no word that makes it another event or a tally.
fn trailing_toll(
    res: &[Resolution],
    s: usize,
    e: usize,
    words: &[Word<'_>],
    lower: &[String],
    published: NaiveDate,
) -> Option<(u32, u32)> {
    let (killed, injured) = (casualties(words, lower, KILL), casualties(words, lower, INJURE));
    if killed + injured == 0
        || is_statistic(lower)
        || is_background(lower)
        || lower.iter().any(|w| {
            matches!(
                w.as_str(),
                "separate" | "separately" | "another" | "elsewhere" | "meanwhile" | "earlier" | "also" | "since"
            )
        })
        || res.iter().any(|r| r.mention.start >= s && r.mention.start < e && r.mention.kind != MentionKind::Demonym)
    {
        return None;
    }
    let refs: Vec<(usize, &str)> = words.iter().map(|w| (w.start, w.text)).collect();
    dates::find_dates(&refs, published).is_empty().then_some((killed, injured))
}

/// What the next sentence needs to know about the one before it.
struct PreviousSentence {
    index: usize,
    end: usize,
    /// The armed group it named (or carried).
    group: Option<Actor>,
}

/// A blank line between two sentences starts a new paragraph.
fn paragraph_break(gap: &str) -> bool {
    gap.split('\n').skip(1).any(|line| line.trim().is_empty()) && gap.matches('\n').count() >= 2
}

/// "the group", "the militants", "its fighters": a reference back to an
/// armed group.
fn is_anaphoric_group(lower: &[String]) -> bool {
    lower.windows(2).any(|w| {
        (w[0] == "its" && matches!(w[1].as_str(), "fighters" | "militants" | "members" | "gunmen" | "jihadists"))
            || w[0] == "the"
                && matches!(
                    w[1].as_str(),
                    "group"
                        | "militants"
                        | "jihadists"
                        | "insurgents"
                        | "extremists"
                        | "militant"
                        | "extremist"
                        | "terrorist"
                )
    })
}

/// "claimed responsibility", "claimed the attack": a perpetrator owns an
/// event ("has not claimed", "no group claimed" do not).
fn is_claim(lower: &[String]) -> bool {
    (0..lower.len().saturating_sub(1)).any(|i| {
        matches!(lower[i].as_str(), "claimed" | "claims" | "claiming")
            && matches!(lower[i + 1].as_str(), "responsibility" | "credit" | "the" | "it")
            && !lower[i.saturating_sub(3)..i].iter().any(|w| {
                matches!(w.as_str(), "not" | "no" | "never" | "yet" | "denied" | "denies" | "nobody" | "none")
                    || w.ends_with("n't")
            })
    })
}

/// The first named armed group (not "gunmen") a sentence mentions.
fn named_armed_group(words: &[Word<'_>], lower: &[String]) -> Option<Actor> {
    actor_mentions(words, lower)
        .into_iter()
        .find(|(_, a)| a.kind == ActorKind::Armed && a.name != "Unidentified Armed Group")
        .map(|(_, a)| (a.name.clone(), a.kind))
}

/// The actor aliases a sentence mentions, in order, longest alias first at
/// each word: (word index, alias).
fn actor_mentions(words: &[Word<'_>], lower: &[String]) -> Vec<(usize, &'static lexicon::ActorAlias)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lower.len() {
        let mut step = 1;
        for a in actors() {
            if matches_at(&a.words, lower, i) {
                if a.caps_only && !words[i].text.chars().all(|c| c.is_uppercase() || !c.is_alphabetic()) {
                    continue;
                }
                out.push((i, a));
                step = a.words.len();
                break;
            }
        }
        i += step;
    }
    out
}

fn actor_name(a: Option<&(String, ActorKind)>, country: &str, default: &str) -> String {
    match a {
        Some((name, _)) if name == "Unidentified Armed Group" || name == "Civilians" || name == "Prisoners" => {
            format!("{name} ({country})")
        }
        Some((name, _)) => name.clone(),
        None if default.is_empty() => String::new(),
        None => format!("{default} ({country})"),
    }
}

fn find_trigger<'a>(words: &[Word<'_>], lower: &[String]) -> Option<(usize, &'a lexicon::Trigger)> {
    for t in triggers() {
        if !t.needs.is_empty() && !t.needs.iter().any(|n| lower.iter().any(|w| w == n)) {
            continue;
        }
        if let Some(i) = (0..lower.len()).find(|&i| !words[i].quoted && matches_at(&t.words, lower, i)) {
            return Some((i, t));
        }
    }
    None
}

fn is_modal(words: &[Word<'_>], trigger_at: usize) -> bool {
    let from = trigger_at.saturating_sub(8);
    // "May" the month is not "may" the modal.
    words[from..trigger_at].iter().any(|w| MODAL.contains(&w.lower.as_str()) && w.text != "May")
}

fn is_background(lower: &[String]) -> bool {
    BACKGROUND
        .iter()
        .any(|p| (0..lower.len()).any(|i| lower[i..].starts_with(&p.iter().map(|w| w.to_string()).collect::<Vec<_>>())))
        || lower.windows(2).any(|w| {
            w[0] == "since" && w[1].len() == 4 && w[1].starts_with("20") && w[1].chars().all(|c| c.is_ascii_digit())
        })
}

fn is_statistic(lower: &[String]) -> bool {
    for i in 0..lower.len() {
        let is_num = numbers::parse_word(&lower[i]).is_some_and(|n| n >= 2);
        if is_num {
            // "42 attacks", "80 of the 250 total"
            let next = lower.get(i + 1).map(String::as_str).unwrap_or("");
            let next2 = lower.get(i + 2).map(String::as_str).unwrap_or("");
            if STAT_NOUNS.contains(&next) || (STAT_NOUNS.contains(&next2) && !KILL.contains(&next)) {
                return true;
            }
            if next == "of" && next2 == "the" && lower.get(i + 3).is_some_and(|w| numbers::parse_word(w).is_some()) {
                return true;
            }
        }
        if matches!(lower[i].as_str(), "percent" | "per" | "frequency" | "statistics" | "average") {
            return true;
        }
    }
    false
}

/// The count of people killed (or injured) in a sentence: the nearest count
/// before a casualty word ("four of its fighters were killed"), or right
/// after it ("killing three officers", "wounding 110").
fn casualties(words: &[Word<'_>], lower: &[String], verbs: &[&str]) -> u32 {
    for (i, w) in lower.iter().enumerate() {
        if !verbs.contains(&w.as_str()) || words[i].quoted {
            continue;
        }
        if w == "lives" && !(i >= 1 && matches!(lower[i - 1].as_str(), "their" | "his" | "her")) {
            continue;
        }
        if w == "dead" && !(i >= 1 && matches!(lower[i - 1].as_str(), "shot" | "were" | "was" | "left" | "found")) {
            continue;
        }
        let forward_first = w.ends_with("ing") || w == "dead";
        let found = if forward_first {
            count_after(lower, i).or_else(|| count_before(lower, i))
        } else {
            count_before(lower, i).or_else(|| count_after(lower, i))
        };
        if let Some(n) = found {
            return n;
        }
    }
    0
}

fn is_casualty_word(w: &str) -> bool {
    KILL.contains(&w) || INJURE.contains(&w)
}

/// A person noun within the next three words ("a village headman").
fn person_follows(lower: &[String], at: usize) -> bool {
    lower[at..(at + 3).min(lower.len())].iter().any(|w| PERSON_NOUNS.iter().any(|p| w.starts_with(p)))
}

fn plausible(lower: &[String], k: usize, c: numbers::Count) -> bool {
    let article = matches!(lower[k].as_str(), "a" | "an" | "one" | "the");
    let next = lower.get(k + c.words).map(String::as_str).unwrap_or("");
    let yearish = (1900..=2100).contains(&c.value);
    let after_month = k > 0 && dates_month(&lower[k - 1]);
    let unit = matches!(
        next,
        "km" | "kilometres"
            | "kilometers"
            | "miles"
            | "years"
            | "days"
            | "hours"
            | "weeks"
            | "months"
            | "percent"
            | "minutes"
            | "metres"
            | "meters"
            | "sheep"
            | "houses"
            | "vehicles"
            | "cars"
    );
    !(yearish || after_month || unit || (article && !person_follows(lower, k + 1)))
}

fn dates_month(w: &str) -> bool {
    dates::MONTHS.contains(&w)
}

fn count_before(lower: &[String], i: usize) -> Option<u32> {
    let mut k = i;
    while k > 0 && i - k < 10 {
        k -= 1;
        if is_casualty_word(&lower[k]) {
            return None;
        }
        let refs: Vec<&str> = lower[k..i].iter().map(String::as_str).collect();
        if let Some(c) = numbers::parse_count(&refs) {
            if lower[k] == "the" {
                continue;
            }
            // "killed three officers and wounded two": a count right after
            // another casualty word is that word's object.
            if k > 0 && is_casualty_word(&lower[k - 1]) {
                return None;
            }
            if plausible(lower, k, c) {
                return Some(c.value);
            }
        }
    }
    None
}

fn count_after(lower: &[String], i: usize) -> Option<u32> {
    if !matches!(
        lower[i].as_str(),
        "killing"
            | "killed"
            | "wounding"
            | "wounded"
            | "injuring"
            | "injured"
            | "kills"
            | "dead"
            | "executed"
            | "beheaded"
    ) {
        return None;
    }
    let k = i + 1;
    if k >= lower.len() {
        return None;
    }
    let refs: Vec<&str> = lower[k..(k + 5).min(lower.len())].iter().map(String::as_str).collect();
    let c = numbers::parse_count(&refs).or_else(|| {
        // "killing the driver": one person.
        (refs.first() == Some(&"the")
            && person_follows(lower, k + 1)
            && !lower.get(k + 2).is_some_and(|w| {
                w.ends_with('s') && PERSON_NOUNS.iter().any(|p| w.starts_with(p) && w.len() > p.len())
            }))
        .then_some(numbers::Count { value: 1, words: 1 })
    })?;
    if lower[k] == "the" && c.value == 1 {
        return Some(1);
    }
    plausible(lower, k, c).then_some(c.value)
}

/// A normalised actor name and its kind.
type Actor = (String, ActorKind);

/// Perpetrator and target: armed groups (or foreign forces for air and
/// artillery strikes) act; state forces, civilians and prisoners are acted on.
fn find_actors(
    words: &[Word<'_>],
    lower: &[String],
    trigger: &lexicon::Trigger,
    trigger_at: usize,
) -> (Option<Actor>, Option<Actor>) {
    let mentioned = actor_mentions(words, lower);
    // Aircraft named in an air strike ("Iraqi aircraft struck ...") fly it.
    let flier: Option<Actor> = (trigger.sub_event_type == "Air/drone strike")
        .then(|| mentioned.iter().find(|(_, a)| a.air).map(|(_, a)| (a.name.clone(), a.kind)))
        .flatten();
    let found: Vec<(usize, String, ActorKind)> = mentioned.iter().map(|(i, a)| (*i, a.name.clone(), a.kind)).collect();
    let remote =
        trigger.event_type == "Explosions/Remote violence" && trigger.sub_event_type != "Remote explosive/landmine/IED";
    let perp_rank = |k: ActorKind, name: &str| -> u8 {
        match k {
            ActorKind::Foreign if remote => 4,
            ActorKind::Armed if name != "Unidentified Armed Group" => 3,
            ActorKind::Armed => 2,
            ActorKind::Foreign => 1,
            _ => 0,
        }
    };
    // "Regime forces shelled villages": the subject of a shelling or strike
    // is its perpetrator even when it is a state force; the subject is the
    // sentence's first actor, before the trigger, with no "said" or "by"
    // in between.
    let subject = found.first().filter(|(pos, _, k)| {
        *pos < trigger_at
            && matches!(k, ActorKind::State | ActorKind::Foreign)
            && !lower[*pos..trigger_at].iter().any(|w| matches!(w.as_str(), "said" | "says" | "by" | "told"))
    });
    let striking = remote || trigger.sub_event_type == "Shelling/artillery/missile attack";
    let actor1 = flier.or_else(|| subject.filter(|_| striking).map(|(_, n, k)| (n.clone(), *k))).or_else(|| {
        found
            .iter()
            .filter(|(_, n, k)| perp_rank(*k, n) > 0)
            .max_by_key(|(pos, n, k)| (perp_rank(*k, n), std::cmp::Reverse(*pos)))
            .map(|(_, n, k)| (n.clone(), *k))
    });
    let actor2 = found
        .iter()
        .filter(|(_, n, k)| {
            actor1.as_ref().is_none_or(|a| &a.0 != n)
                && matches!(k, ActorKind::State | ActorKind::Civilian | ActorKind::Armed | ActorKind::Foreign)
        })
        .min_by_key(|(pos, _, k)| (matches!(k, ActorKind::Armed | ActorKind::Foreign), *pos))
        .map(|(_, n, k)| (n.clone(), *k));
    (actor1, actor2)
}

/// The places a sentence's event happened at: the innermost places named
/// in it (an area that only says where another place lies is context, not a
/// second event), countries only when nothing finer is named, and locative
/// mentions ("in X", "near X") before bare ones.
fn incident_places<'r>(text: &str, res: &'r [Resolution], s: usize, e: usize) -> Vec<&'r Resolution> {
    let in_sentence: Vec<(usize, &Resolution)> = res
        .iter()
        .enumerate()
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
fn code_location(gaz: &Gazetteer, r: &Resolution, all: &[Resolution], date: NaiveDate) -> Option<Incident> {
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

/// A stable id from source, sentence and place (FNV-1a, 64 bits).
pub fn event_id(source: &str, sentence: &str, location: &str, place: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [source, sentence, location, place] {
        for b in part.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("IM{h:016x}")
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
    use crate::document::Document;

    fn lw(s: &str) -> (Vec<Word<'_>>, Vec<String>) {
        let w = words_of(s, 0, s.len());
        let l = w.iter().map(|w| w.lower.clone()).collect();
        (w, l)
    }

    #[test]
    fn casualties_in_words_and_digits() {
        let s = "the PMF said four of its fighters were killed and six injured in an attack";
        let (w, l) = lw(s);
        assert_eq!(casualties(&w, &l, KILL), 4);
        assert_eq!(casualties(&w, &l, INJURE), 6);
        let s = "militants killed three federal police officers and wounded two others";
        let (w, l) = lw(s);
        assert_eq!(casualties(&w, &l, KILL), 3);
        assert_eq!(casualties(&w, &l, INJURE), 2);
        let s = "In December 2018, 21 prisoners escaped";
        let (w, l) = lw(s);
        assert_eq!(casualties(&w, &l, KILL), 0);
        let s = "at least 10 were wounded and twenty-one died";
        let (w, l) = lw(s);
        assert_eq!(casualties(&w, &l, INJURE), 10);
        assert_eq!(casualties(&w, &l, KILL), 21);
        let s = "a soldier was killed in a blast";
        let (w, l) = lw(s);
        assert_eq!(casualties(&w, &l, KILL), 1);
        let s = "he was killed in a blast";
        let (w, l) = lw(s);
        assert_eq!(casualties(&w, &l, KILL), 0);
    }

    #[test]
    fn statistics_and_threats_are_not_incidents() {
        let (_, l) = lw("ISIS claimed 42 attacks in Iraq between May 7 and 13");
        assert!(is_statistic(&l));
        let (_, l) = lw("Diyala saw 80 of the 250 total");
        assert!(is_statistic(&l));
        let (w, l) = lw("the group will stage mass prison breaks");
        let at = l.iter().position(|w| w == "prison").unwrap();
        assert!(is_modal(&w, at));
        let (w, l) = lw("In early May, militants killed two shepherds");
        let at = l.iter().position(|w| w == "killed").unwrap();
        assert!(!is_modal(&w, at));
        let (_, l) = lw("two soldiers were killed when their convoy hit an IED");
        assert!(!is_statistic(&l));
    }

    #[test]
    fn actors_are_normalised_and_ordered() {
        let (w, l) = lw("four PMF fighters were killed in an ISIS attack");
        let t = find_trigger(&w, &l).unwrap().1;
        let (a1, a2) = find_actors(&w, &l, t, l.iter().position(|x| x == "attack").unwrap());
        assert_eq!(a1.unwrap().0, "Islamic State (ISIS)");
        assert_eq!(a2.unwrap().0, "Popular Mobilization Forces");
        let (w, l) = lw("this is a Daesh attack on Hashd al-Shaabi units");
        let t = find_trigger(&w, &l).unwrap().1;
        let (a1, a2) = find_actors(&w, &l, t, l.iter().position(|x| x == "attack").unwrap());
        assert_eq!(a1.unwrap().0, "Islamic State (ISIS)");
        assert_eq!(a2.unwrap().0, "Popular Mobilization Forces");
    }

    #[test]
    fn triggers_pick_the_most_specific_type() {
        let (w, l) = lw("two soldiers were killed when their convoy hit an IED");
        assert_eq!(find_trigger(&w, &l).unwrap().1.sub_event_type, "Remote explosive/landmine/IED");
        let (w, l) = lw("21 prisoners escaped from a detention facility");
        assert_eq!(find_trigger(&w, &l).unwrap().1.event_type, "Strategic developments");
        let (w, l) = lw("the attackers escaped into the orchards");
        assert!(find_trigger(&w, &l).is_none());
    }

    #[test]
    fn event_ids_are_stable() {
        assert_eq!(event_id("a", "b", "c", "d"), event_id("a", "b", "c", "d"));
        assert_ne!(event_id("a", "b", "c", "d"), event_id("a", "b", "c", "e"));
    }

    fn one(text: &str) -> Vec<Incident> {
        let gaz = Gazetteer::embedded().unwrap();
        let doc = Document::from_text("t", "t.txt", format!("Published: 2020-05-15\n\n{text}\n"));
        extract_document(&gaz, &doc, &ExtractOptions::default()).unwrap()
    }

    #[test]
    fn perpetrators_carry_to_the_next_sentence_of_a_paragraph() {
        // A later claim names the perpetrator of the incident before it.
        let v = one("Three policemen were wounded when a bomb went off in Tikrit on Monday. Daesh claimed the attack.");
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].actor1, "Islamic State (ISIS)");
        // "The group" in the next sentence is the group just named.
        let v =
            one("ISIS fighters have been burning wheat fields. The group set fire to crops in Makhmour on Tuesday.");
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].actor1, "Islamic State (ISIS)");
        // Not across a paragraph break, and not without a reference back.
        let v =
            one("ISIS fighters have been burning wheat fields.\n\nThe group set fire to crops in Makhmour on Tuesday.");
        assert!(v[0].actor1.starts_with("Unidentified Armed Group"), "{}", v[0].actor1);
        let v = one("ISIS fighters have been burning wheat fields. Gunmen set fire to crops in Makhmour on Tuesday.");
        assert!(v[0].actor1.starts_with("Unidentified Armed Group"), "{}", v[0].actor1);
        // A claim two sentences later, or one that does not follow an
        // incident, changes nothing.
        let v = one("Three policemen were wounded when a bomb went off in Tikrit on Monday. The road was closed. \
             Daesh claimed the attack.");
        assert!(v[0].actor1.starts_with("Unidentified Armed Group"), "{}", v[0].actor1);
        // A perpetrator the sentence names itself is kept.
        let v =
            one("ISIS was blamed for many raids. Peshmerga troops clashed with SDF fighters near Sinjar on Sunday.");
        assert!(!v.is_empty());
        assert_ne!(v[0].actor1, "Islamic State (ISIS)");
    }

    #[test]
    fn air_strikes_belong_to_who_flies_and_counts_carry_to_the_event_before() {
        let v = one("Iraqi aircraft struck ISIS hideouts near Tuz Khurmatu on Thursday, killing six militants.");
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].sub_event_type, "Air/drone strike");
        assert_eq!((v[0].actor1.as_str(), v[0].actor2.as_str()), ("Military Forces of Iraq", "Islamic State (ISIS)"));
        // A placeless, dateless count right after an incident is its toll;
        // a claim after that still names the perpetrator.
        let v = one("Gunmen opened fire on an army post in Tarmiyah on Tuesday. Three soldiers died. \
             ISIS claimed responsibility.");
        assert_eq!(v.len(), 1);
        assert_eq!((v[0].fatalities, v[0].actor1.as_str()), (3, "Islamic State (ISIS)"));
        // Not a separate event, and not a denial.
        let v = one(
            "Gunmen opened fire on an army post in Tarmiyah on Tuesday. In a separate incident two soldiers died. \
             ISIS has not claimed the attack.",
        );
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].fatalities, 0);
        assert!(v[0].actor1.starts_with("Unidentified Armed Group"), "{}", v[0].actor1);
    }

    #[test]
    fn shelling_subjects_province_frames_and_group_references() {
        // A state force that shells is the perpetrator.
        let v = one("Regime forces shelled villages in southern Idlib throughout the week.");
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].actor1, "Military Forces of Syria");
        assert_eq!((v[0].event_date.to_string().as_str(), v[0].time_precision), ("2020-05-15", 2));
        // ... but not when it is only the one that reports it.
        let v = one("The army said ISIS shelled Tuz Khurmatu on Monday, wounding three civilians.");
        assert_eq!(v[0].actor1, "Islamic State (ISIS)");
        // "X province, ... in <town in X>": one event, at the town.
        let v = one("In Diyala province, gunmen shot dead a tribal elder in Khanaqin on Monday.");
        assert_eq!(v.len(), 1);
        assert_eq!((v[0].location.as_str(), v[0].fatalities), ("Khanaqin", 1));
        assert_eq!(v[0].event_type, "Violence against civilians");
        // "Its fighters" is the group the sentence before named.
        let v = one("ISIS is regrouping in the desert. Its fighters ambushed an army patrol near Rutba on Monday.");
        assert_eq!(v[0].actor1, "Islamic State (ISIS)");
    }

    #[test]
    fn location_coding_region_site_near_and_unknown_village() {
        // A part of a province is a region, never an exact site.
        let v = one("Four fighters were killed in an attack in northern Diyala on Friday.");
        assert_eq!(v.len(), 1);
        assert_eq!((v[0].location_type, v[0].geo_precision, v[0].admin1.as_str()), (LocationType::Region, 2, "Diyala"));
        assert_eq!(v[0].location, "northern Diyala");
        // A named town is the site itself.
        let v = one("Two soldiers were killed when a roadside bomb exploded in Khanaqin on Thursday.");
        assert_eq!((v[0].location_type, v[0].geo_precision), (LocationType::Site, 1));
        assert_eq!(v[0].event_date.to_string(), "2020-05-14");
        // Near a town is precision 2.
        let v = one("Gunmen killed three shepherds near Baqubah on Tuesday.");
        assert_eq!((v[0].location_type, v[0].geo_precision), (LocationType::Near, 2));
        // A village the gazetteer lacks is placed at the province the text
        // names, keeping its own name.
        let v = one(
            "Militants killed two policemen in an attack on a checkpoint in the village of Qaryat Zubaydat in Diyala province on May 2.",
        );
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].location, "Qaryat Zubaydat");
        assert_eq!((v[0].location_type, v[0].geo_precision, v[0].admin1.as_str()), (LocationType::Admin1, 3, "Diyala"));
        assert_eq!(v[0].fatalities, 2);
    }

    #[test]
    fn several_places_in_one_clause_are_several_incidents_and_casualties_are_not_multiplied() {
        let v = one(
            "On Thursday, PMF units came under attack in Khanaqin, Tuz Khurmatu and near Baiji, and five fighters were wounded.",
        );
        let places: Vec<&str> = v.iter().map(|i| i.location.as_str()).collect();
        assert_eq!(places, ["Khanaqin", "Tuz Khurmatu", "Baiji"], "{v:?}");
        assert_eq!(v.iter().map(|i| i.injured).sum::<u32>(), 5);
    }

    #[test]
    fn statistics_threats_and_quotes_give_nothing() {
        assert!(one("The group said it carried out 42 attacks in Diyala between May 7 and 13.").is_empty());
        assert!(one("Militants will attack prisons in Baghdad, the group warned.").is_empty());
        assert!(one("\u{201C}We will kill you all in Kirkuk,\u{201D} the spokesman said.").is_empty());
    }

    #[test]
    fn disasters_and_accidents_are_not_political_violence() {
        for text in [
            "At least 12 people were killed in Erbil when a landslide buried homes after heavy rain.",
            "Five people were killed in Mosul as floods swept through low-lying streets.",
            "Two soldiers were killed in a traffic accident near Kirkuk on Monday.",
        ] {
            assert!(one(text).is_empty(), "{text}");
        }
        // A named attack is still one, whatever else the sentence says.
        let v = one("Gunmen attacked a checkpoint in Kirkuk during the storm, and two policemen were killed.");
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].fatalities, 2);
        // A bare casualty word with no such cause still reports an incident.
        assert_eq!(one("Two policemen were killed in Kirkuk on Monday.").len(), 1);
    }
}
