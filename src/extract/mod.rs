//! Incident extraction: ACLED-style incidents from reports.
//!
//! Per sentence: a trigger word or phrase makes it an incident candidate
//! (`data/event_types.tsv`); quotes, threats, plans, statistics and claim
//! totals are not incidents; casualties, the date (resolved against the
//! publication date), the actors (`data/actors.tsv`) and the places where
//! it happened (from the geoparser) are read from the sentence, one incident
//! per place. Reports of the same event are merged afterwards.
//!
//! This module runs the sentences; the rules live in rooms of their own:
//! `filters` (is it an incident), `casualties`, `actors`, `places`
//! (where it happened) and `merge` (reports of the same event).

mod actors;
mod casualties;
mod coding;
pub mod dates;
mod filters;
pub mod incident;
pub mod lexicon;
mod merge;
pub mod numbers;
mod places;
pub mod sentences;
mod words;

use chrono::NaiveDate;
use std::collections::HashMap;

use crate::document::Document;
use crate::error::{Error, Result};
use crate::gazetteer::Gazetteer;
use crate::geoparse::{self, MentionKind, Resolution, ResolveOptions};
use actors::{Actor, actor_name, is_anaphoric_group, is_claim, named_armed_group};
use casualties::{INJURE, KILL, casualties};
use coding::{Side, code_event};
use dates::DateRef;
use filters::{NON_VIOLENT_CAUSES, find_trigger, is_background, is_modal, is_statistic};
pub use incident::{Incident, LocationType};
pub use merge::{event_id, merge_duplicates};
use places::{code_location, incident_places};
use words::{Word, words_of};

/// Knobs for extraction.
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    /// Publication date to use when a report has none (`--published`).
    pub published: Option<NaiveDate>,
    /// Prefer places in this country.
    pub country: Option<String>,
}

/// Extracts the incidents of several reports, merges reports of the same
/// event, and numbers them. Documents that cannot be processed are returned
/// as errors beside the incidents of the others.
pub fn extract(gaz: &Gazetteer, docs: &[Document], opts: &ExtractOptions) -> (Vec<Incident>, Vec<Error>) {
    let mut all = Vec::new();
    let mut errors = Vec::new();
    for d in docs {
        // A bug that panics on one report costs that report, not the batch:
        // it is reported as the report's error and the rest go on.
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| extract_document(gaz, d, opts)));
        match r {
            Ok(Ok(v)) => all.extend(v),
            Ok(Err(e)) => errors.push(e),
            Err(panic) => errors.push(Error::bad_input(
                &d.source,
                format!(
                    "internal error while extracting (a bug; please report it with this report): {}",
                    panic_message(&*panic)
                ),
            )),
        }
    }
    let mut merged = merge_duplicates(all);
    for (i, inc) in merged.iter_mut().enumerate() {
        inc.id = i as u64 + 1;
    }
    (merged, errors)
}

/// The message a panic carried.
fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

/// Extracts the incidents of one report (not merged, ids 0).
pub fn extract_document(gaz: &Gazetteer, doc: &Document, opts: &ExtractOptions) -> Result<Vec<Incident>> {
    if doc.body().trim().is_empty() {
        return Err(Error::bad_input(&doc.source, "the report is empty"));
    }
    let Some(published) = doc.published.or(opts.published) else {
        return Err(Error::bad_input(
            &doc.source,
            "no publication date: add a `Published: YYYY-MM-DD` header line or give --published",
        ));
    };
    let published = crate::dates::check_publication(published)
        .map_err(|m| Error::bad_input(&doc.source, format!("{m}: check its Published header or --published")))?;
    let resolutions =
        geoparse::geoparse(gaz, doc, &ResolveOptions { country: opts.country.clone(), ..Default::default() });
    let mut out: Vec<Incident> = Vec::new();
    // The first incident of each (place, day), for the sentences that add
    // to it: a lookup, not a scan of every incident so far.
    let mut first_at: HashMap<(Option<i64>, String, NaiveDate), usize> = HashMap::new();
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
        let mentions = actors::actor_mentions(&words, &lower);
        let group_here = named_armed_group(&mentions).or_else(|| carried_group.clone());
        let before = out.len();
        'incidents: {
            let Some((trigger_at, trigger)) = find_trigger(&words, &lower, &mentions) else { break 'incidents };
            if is_modal(&words, trigger_at) || is_statistic(&lower) || is_background(&lower) {
                break 'incidents;
            }
            let killed = casualties(&words, &lower, KILL);
            let injured = casualties(&words, &lower, INJURE);
            // "the blast", "the attack" without casualties points back at an
            // event already reported; a bare casualty word needs a count ("the
            // wounded were taken to hospital" is not a new event).
            // The first event of a report is not a reference back ("The attack
            // took place at Cubal"): only once the report has one.
            let definite =
                trigger_at > 0 && matches!(lower[trigger_at - 1].as_str(), "the" | "this" | "that") && !out.is_empty();
            // A plural generic noun ("other attacks were reported") without
            // casualties summarises, it does not report one event.
            let plural_generic = trigger.priority <= 40
                && matches!(lower[trigger_at].as_str(), "attacks" | "clashes" | "assaults" | "ambushes");
            // "a policeman was killed", "gunmen killed him": a casualty verb
            // with no count is still an event (fatalities unknown, coded 0);
            // "the dead", "many wounded" are not.
            let bare = trigger.priority <= BARE_CASUALTY_PRIORITY && trigger.event_type == "Battles";
            if killed + injured == 0 && (definite || plural_generic || (bare && !casualty_verb(&lower, trigger_at))) {
                break 'incidents;
            }
            // "12 people were killed when a landslide buried homes": a bare
            // casualty word with a natural or accidental cause.
            if trigger.priority <= 36 && lower.iter().any(|w| NON_VIOLENT_CAUSES.contains(&w.as_str())) {
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
            // Places inside an organisation's name ("Islamic State of Iraq and
            // al-Sham", "Kurdistan Workers Party") are not where it happened.
            let blocked: Vec<std::ops::Range<usize>> = mentions
                .iter()
                .filter(|(_, a)| a.words.len() > 1)
                .map(|(i, a)| {
                    let last = &words[(i + a.words.len() - 1).min(words.len() - 1)];
                    words[*i].start..last.start + last.text.len()
                })
                .collect();
            let places = incident_places(&doc.text, &resolutions, s, e, words[trigger_at].start, &blocked);
            if places.is_empty() {
                break 'incidents;
            }
            let (date, precision) = date_for(places[0].mention.start);
            // "was captured in Afghanistan in 2001", in a report of 2004:
            // history the report recalls, not news it reports.
            if published.signed_duration_since(date).num_days() > HISTORY_DAYS || dated_long_ago(&lower, published) {
                break 'incidents;
            }
            last_date = Some((date, precision));
            let mut coded = code_event(&words, &lower, &mentions, trigger, trigger_at, killed, injured);
            // "Turkey and Russia agreed to a ceasefire": states named as
            // countries are the parties to an agreement.
            if coded.sub_event_type == "Agreement" {
                let trigger_byte = words[trigger_at].start;
                // Resolutions are in text order: only this sentence's are read.
                let lo = resolutions.partition_point(|r| r.mention.start < s);
                let hi = resolutions.partition_point(|r| r.mention.start < trigger_byte).max(lo);
                let mut parties = resolutions[lo..hi]
                    .iter()
                    .filter(|r| r.mention.kind != MentionKind::Demonym)
                    .filter_map(|r| r.place.as_ref().filter(|p| p.is_country()))
                    .map(|p| gaz.country_name(&p.country).unwrap_or_else(|| p.name.to_string()));
                if let Some(first) = parties.next() {
                    coded.actor1 = Side::Named((format!("Government of {first}"), lexicon::ActorKind::State));
                    coded.actor2 = parties
                        .next()
                        .map(|n| Side::Named((format!("Government of {n}"), lexicon::ActorKind::State)))
                        .unwrap_or(Side::Nobody);
                }
            }
            let unidentified = match &coded.actor1 {
                Side::Named(a) => a.0 == "Unidentified Armed Group",
                Side::Generic(g) => g.starts_with("Unidentified Armed Group"),
                Side::Nobody => true,
            };
            if unidentified && let Some(g) = carried_group.clone() {
                coded.actor1 = Side::Named(g);
            }
            for (k, r) in places.iter().enumerate() {
                let (date, precision) = date_for(r.mention.start);
                let Some(mut inc) = code_location(gaz, &doc.text, r, &resolutions, date) else { continue };
                // A whole country is too coarse to map an event without
                // casualties, and is the event's place only when the text puts
                // the event in it ("in Somalia"), not when it only names it.
                if inc.location_type == LocationType::Country && !r.mention.locative {
                    continue;
                }
                inc.time_precision = precision;
                inc.event_type = coded.event_type.to_string();
                inc.sub_event_type = coded.sub_event_type.clone();
                let country = gaz.country_name(&inc.country).unwrap_or_else(|| inc.country.clone());
                let name = |side: &Side| match side {
                    Side::Named(a) => actor_name(Some(a), &country, ""),
                    Side::Generic(g) => g.replace("{country}", &country),
                    Side::Nobody => String::new(),
                };
                inc.actor1 = name(&coded.actor1);
                inc.actor2 = name(&coded.actor2);
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
                let key = (inc.geonameid, inc.location.clone(), inc.event_date);
                if !explicit_date && let Some(&i) = first_at.get(&key) {
                    let prev = &mut out[i];
                    prev.fatalities = prev.fatalities.max(inc.fatalities);
                    prev.injured = prev.injured.max(inc.injured);
                    continue;
                }
                if k == 0 && killed == 0 && lower.iter().any(|w| KILL.contains(&w.as_str())) {
                    inc.notes.push_str(" [fatalities: not stated as a number; coded 0]");
                }
                if implausible(inc.fatalities) || implausible(inc.injured) {
                    // Kept, as the report says it, but flagged for the analyst
                    // (after the event id, which stays that of the sentence).
                    inc.notes.push_str(&format!(
                        " [check: {} killed, {} injured is more than any one event; a figure the report gives for \
                         something else?]",
                        inc.fatalities, inc.injured
                    ));
                }
                first_at.entry(key).or_insert(out.len());
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
                recode_protest(gaz, inc, &lower);
                last_incidents = last_incidents.map(|(_, r)| (si, r));
            }
        } else if let Some((_, range)) = last_incidents
            .as_ref()
            .filter(|(_, r)| follows_incident && r.len() == 1 && out[r.start].event_type == "Protests")
            .filter(|_| !names_a_place(&resolutions, s, e))
        {
            // "Police used tear gas to disperse them.": what forces did to
            // the protest of the sentence before.
            let inc = &mut out[range.start];
            recode_protest(gaz, inc, &lower);
        } else if let (Some(g), Some((k, range))) = (victim_group(&lower, &mentions), &last_incidents)
            && k + 1 == si
        {
            // "The Pentagon said the targets belonged to Kataib Hezbollah":
            // the sentence after an incident names who was hit.
            for inc in &mut out[range.clone()] {
                if inc.actor2.is_empty() || inc.actor2.starts_with("Unidentified Armed Group") {
                    inc.actor2 = g.0.clone();
                }
            }
        } else if is_claim(&lower) {
            // "ISIS later claimed responsibility for the blast": the claim
            // names the perpetrator of the incidents of the sentence before.
            if let (Some(g), Some((k, range))) = (&group_here, &last_incidents) {
                if k + 1 == si {
                    for inc in &mut out[range.clone()] {
                        if inc.actor1.starts_with("Unidentified Armed Group") {
                            inc.actor1 = g.0.clone();
                        }
                    }
                }
            }
            // "The Islamic State group claimed the blast", paragraphs later:
            // a claim that names the kind of event points back at the last
            // incident of that kind in the report.
            if let (Some(g), Some(kind)) = (&group_here, claimed_kind(&lower)) {
                if let Some(inc) = out[..before].iter_mut().rev().find(|i| kind.contains(&i.event_type.as_str())) {
                    if inc.actor1.starts_with("Unidentified Armed Group") {
                        inc.actor1 = g.0.clone();
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
        || names_a_place(res, s, e)
    {
        return None;
    }
    let refs: Vec<(usize, &str)> = words.iter().map(|w| (w.start, w.text)).collect();
    dates::find_dates(&refs, published).is_empty().then_some((killed, injured))
}

/// Does the sentence at `s..e` name a place of its own (a demonym, "Iraqi
/// police", is none)? Resolutions are in text order.
fn names_a_place(res: &[Resolution], s: usize, e: usize) -> bool {
    let lo = res.partition_point(|r| r.mention.start < s);
    res[lo..].iter().take_while(|r| r.mention.start < e).any(|r| r.mention.kind != MentionKind::Demonym)
}

/// Recodes a protest by what the sentence after it says forces did
/// ([`coding::protest_follow_up`]): the police become its second actor
/// where it had none.
fn recode_protest(gaz: &Gazetteer, inc: &mut Incident, lower: &[String]) {
    if inc.event_type != "Protests" || inc.sub_event_type == "Excessive force against protesters" {
        return;
    }
    let Some(sub) = coding::protest_follow_up(lower, inc.fatalities + inc.injured) else { return };
    inc.sub_event_type = sub.to_string();
    if inc.actor2.is_empty() {
        let country = gaz.country_name(&inc.country).unwrap_or_else(|| inc.country.clone());
        inc.actor2 = coding::POLICE.replace("{country}", &country);
    }
}

/// The event types a claim names by its noun ("claimed the blast"): a
/// claim of "the attack" or of nothing in particular names none.
fn claimed_kind(lower: &[String]) -> Option<&'static [&'static str]> {
    let at = lower.iter().position(|w| matches!(w.as_str(), "claimed" | "blamed" | "claims" | "blames"))?;
    lower[at..].iter().take(8).find_map(|w| match w.as_str() {
        "blast" | "bombing" | "explosion" | "bomb" | "bombings" | "blasts" => Some(&["Explosions/Remote violence"][..]),
        "shooting" | "ambush" | "killing" | "assassination" => Some(&["Battles", "Violence against civilians"][..]),
        "kidnapping" | "abduction" => Some(&["Violence against civilians"][..]),
        "fires" | "arson" => Some(&["Strategic developments"][..]),
        _ => None,
    })
}

/// "the targets belonged to X", "the dead were members of X": the armed
/// group an incident hit, named in the sentence after it.
fn victim_group(lower: &[String], mentions: &[actors::Mention]) -> Option<Actor> {
    let at = lower.windows(2).position(|w| {
        matches!((w[0].as_str(), w[1].as_str()), ("belonged", "to") | ("belonging", "to") | ("members", "of"))
    })?;
    let after = mentions.partition_point(|(i, _)| *i < at);
    named_armed_group(&mentions[after..])
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

/// An event dated more than this many days (three years) before its
/// report's publication is history the report recalls, not an event it
/// reports; the prison breaks of the past two years a report lists are news.
const HISTORY_DAYS: i64 = 3 * 365 + 1;

/// "in 1572", "in May 1995": a year the sentence puts its event in, more
/// than three years before the report (years the date reader does not
/// resolve, such as those before 1900, too).
fn dated_long_ago(lower: &[String], published: NaiveDate) -> bool {
    use chrono::Datelike;
    lower.windows(2).any(|w| {
        (w[0] == "in" || dates::MONTHS.contains(&w[0].as_str()))
            && w[1].len() == 4
            && w[1].chars().all(|c| c.is_ascii_digit())
            && w[1].parse::<i32>().is_ok_and(|y| y + 3 < published.year())
    })
}

/// Triggers at or below this priority are bare casualty words ("killed",
/// "wounded", "died"): they need a count or a verb use.
const BARE_CASUALTY_PRIORITY: u32 = 30;

/// "was killed", "were reportedly wounded", "killing him", "killed them":
/// the casualty word is a verb of this sentence, not a noun ("the dead")
/// or an adjective ("wounded soldiers").
fn casualty_verb(lower: &[String], at: usize) -> bool {
    let adverb = |w: &str| {
        matches!(w, "reportedly" | "allegedly" | "also" | "later" | "all" | "both" | "apparently" | "subsequently")
    };
    let prev = lower[..at].iter().rev().find(|w| !adverb(w)).map(String::as_str).unwrap_or("");
    let next = lower.get(at + 1).map(String::as_str).unwrap_or("");
    matches!(prev, "was" | "were" | "been" | "being" | "is" | "are" | "be" | "got")
        || (lower[at].ends_with("ing") || lower[at] == "killed")
            && matches!(next, "him" | "her" | "them" | "his" | "their")
}

/// A count no single event reaches: the deadliest single attacks and
/// massacres of the datasets ACLED and UCDP code are in the thousands, so
/// 100,000 or more is a figure for something else (a war's toll, a
/// population), or a misreading.
pub const IMPLAUSIBLE_COUNT: u32 = 100_000;

fn implausible(n: u32) -> bool {
    n >= IMPLAUSIBLE_COUNT
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

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

    fn coded(text: &str) -> (String, String, String, String) {
        let v = one(text);
        assert_eq!(v.len(), 1, "{text}: {v:?}");
        (v[0].event_type.clone(), v[0].sub_event_type.clone(), v[0].actor1.clone(), v[0].actor2.clone())
    }

    #[test]
    fn protests_are_peaceful_met_with_force_or_riots_by_what_happened() {
        let (t, s, a1, a2) = coded("Hundreds of teachers protested outside the governor's office in Kirkuk on Monday.");
        assert_eq!(
            (t.as_str(), s.as_str(), a1.as_str(), a2.as_str()),
            ("Protests", "Peaceful protest", "Protesters (Iraq)", "")
        );
        let (t, s, _, a2) = coded("Police fired tear gas to disperse demonstrators in Basra on Monday.");
        assert_eq!(
            (t.as_str(), s.as_str(), a2.as_str()),
            ("Protests", "Protest with intervention", "Police Forces of Iraq")
        );
        let (t, s, _, _) =
            coded("Two protesters were killed when security forces opened fire on a march in Nasiriyah on Monday.");
        assert_eq!((t.as_str(), s.as_str()), ("Protests", "Excessive force against protesters"));
        let (t, s, a1, _) =
            coded("Demonstrators torched a party office and threw stones at police in Amarah on Monday.");
        assert_eq!((t.as_str(), s.as_str(), a1.as_str()), ("Riots", "Violent demonstration", "Rioters (Iraq)"));
        // A place after "in" is where the crowd protested, not a government
        // protesting ("Washington protested").
        assert_eq!(one("About 400 people in Basra protested on Monday.").len(), 1);
        // A protest called for is not one held.
        assert!(one("Activists called for a protest in Basra on Friday.").is_empty());
    }

    #[test]
    fn arrests_abductions_and_territory_depend_on_who_acts() {
        let (t, s, a1, _) = coded("Police arrested three suspects in Kirkuk on Monday.");
        assert_eq!(
            (t.as_str(), s.as_str(), a1.as_str()),
            ("Strategic developments", "Arrests", "Police Forces of Iraq")
        );
        let (t, s, a1, _) = coded("ISIS militants captured two shepherds near Rutba on Monday.");
        assert_eq!(
            (t.as_str(), s.as_str(), a1.as_str()),
            ("Violence against civilians", "Abduction/forced disappearance", "Islamic State (ISIS)")
        );
        let (_, s, a1, _) = coded("Iraqi forces recaptured the village of Albu Ajil near Tikrit on Monday.");
        assert_eq!((s.as_str(), a1.as_str()), ("Government regains territory", "Military Forces of Iraq"));
        let (_, s, _, _) = coded("ISIS militants seized control of a village near Rutba on Monday.");
        assert_eq!(s, "Non-state actor overtakes territory");
        // A force that only reports is not a side; one that reports on its
        // own units is.
        let (_, _, _, a2) = coded("Two civilians were killed in a blast in Kirkuk on Monday, police said.");
        assert_eq!(a2, "Civilians (Iraq)");
        let (_, _, _, a2) = coded("The PMF said its units came under attack in Khanaqin on Thursday.");
        assert_eq!(a2, "Popular Mobilization Forces");
        // A warrant is not an arrest.
        assert!(one("A court in Kirkuk issued an arrest warrant for the governor on Monday.").is_empty());
    }

    #[test]
    fn victims_without_a_number_and_the_event_place() {
        // Unnumbered deaths are an incident with fatalities 0, and say so.
        let v = one("Policemen were killed in an attack in Kirkuk on Monday.");
        assert_eq!((v.len(), v[0].fatalities), (1, 0));
        assert!(v[0].notes.contains("not stated"), "{}", v[0].notes);
        // One person shot dead is one fatality, and violence against a civilian.
        let v = one("A man was shot dead in Mosul on Monday.");
        assert_eq!((v[0].fatalities, v[0].event_type.as_str()), (1, "Violence against civilians"));
        // The event's place, not the distance reference or the route.
        let v = one("Two soldiers were killed by a roadside bomb in Mosul, 370 kilometres from Baghdad, on Monday.");
        assert_eq!(v.iter().map(|i| i.location.as_str()).collect::<Vec<_>>(), ["Mosul"]);
        let v =
            one("Government forces recaptured Saraqib on Monday, reopening the highway between Damascus and Aleppo.");
        assert_eq!(v.iter().map(|i| i.location.as_str()).collect::<Vec<_>>(), ["Saraqib"]);
        // A country the text puts the event in is its place, at country
        // precision; a country that only owns or speaks is none.
        let v = one("Thousands of students demonstrated in Iraq on Friday.");
        assert_eq!((v.len(), v[0].location_type, v[0].geo_precision), (1, LocationType::Country, 3));
        assert!(one("Syria's government said two soldiers were killed on Friday.").is_empty());
        // History the report recalls is not news.
        assert!(one("Militants captured the town of Hit in 2014.").is_empty());
    }

    #[test]
    fn what_forces_do_to_a_protest_in_the_next_sentence_codes_it() {
        let coded = |text: &str| {
            let incs = one(text);
            assert_eq!(incs.len(), 1, "{text}: {incs:?}");
            (incs[0].sub_event_type.clone(), incs[0].actor2.clone(), incs[0].injured)
        };
        let protest = "Hundreds of teachers protested outside the council building in Nasiriyah on Monday.";
        assert_eq!(
            coded(&format!("{protest} Police fired tear gas to disperse them, injuring four.")),
            ("Excessive force against protesters".to_string(), "Police Forces of Iraq".to_string(), 4)
        );
        assert_eq!(
            coded(&format!("{protest} Police dispersed them with water cannon.")).0,
            "Protest with intervention"
        );
        // A demonym is no place of the sentence's own.
        assert_eq!(
            coded(&format!("{protest} Iraqi police dispersed them with water cannon.")).0,
            "Protest with intervention"
        );
        assert_eq!(coded(&format!("{protest} The march ended and no one was arrested.")).0, "Peaceful protest");
        assert_eq!(coded(protest).0, "Peaceful protest");
    }

    #[test]
    fn names_that_stand_for_people_groups_and_governments_are_not_the_event_place() {
        // People: the subject of a verb only people undergo, a kunya's
        // "al-" name, a title with initials.
        assert!(one("Two days after the raid, Fatima was killed by a sniper.").is_empty());
        assert!(one("Abu Ibrahim al-Tounsi, a commander, was killed in an air strike.").is_empty());
        assert!(one("Allied forces led by Gen. George S. Patton killed 40 soldiers on Monday.").is_empty());
        // The same words after a preposition or an article are the place.
        assert_eq!(locations("A settler driving through the West Bank was shot dead on Monday."), ["West Bank"]);
        assert_eq!(locations("Gunmen killed two guards in Baghdad al-Jadida on Monday.").len(), 1);
        // A news agency spoken to or quoting, a group that speaks.
        assert!(one("Two soldiers were killed on Monday, a source told Xinhua.").is_empty());
        assert!(one("The state news service, Sana, said three soldiers were killed on Monday.").is_empty());
        // A group or a machine named after a place; an office held there.
        assert!(one("Fighters of the Raqqa Rebels Brigade killed three soldiers on Monday.").is_empty());
        assert!(one("Insurgents shot down a Chinook transport helicopter on Monday, killing 16 soldiers.").is_empty());
        assert!(one("The former Kirkuk mayor was shot dead on Monday.").is_empty());
        // A government criticised.
        assert!(one("Protesters marched on Monday, slamming Washington for its sanctions.").is_empty());
        // An event at a site named for its town is still in the town.
        assert_eq!(locations("A bomb killed two guards outside a Kirkuk court on Monday."), ["Kirkuk"]);
    }

    fn locations(text: &str) -> Vec<String> {
        one(text).into_iter().map(|i| i.location).collect()
    }

    #[test]
    fn non_event_mentions_are_not_the_event_place() {
        // An apposition's place only locates the place before it.
        assert_eq!(locations("Gunmen killed two farmers in Hawija, a town near Kirkuk, on Monday."), ["Hawija"]);
        // A person's home after an age, or as an adjective of a person.
        assert_eq!(
            locations("Ali Hassan, 34, of the village of Hawija was shot dead in Tikrit on Monday."),
            ["Tikrit"]
        );
        assert!(one("Police said a Mosul man was shot dead on Monday.").is_empty());
        assert!(one("Two officials from the town of Hawija were shot dead on Monday.").is_empty());
        // An office's seat, a correspondent's city, a named war.
        assert!(
            one("A bomb exploded in a crowded market on Monday, killing three people, a spokesman for the governor \
                 of Kirkuk told reporters.")
            .is_empty()
        );
        assert!(one("Three people were killed in a blast on Monday, a correspondent in Baghdad reported.").is_empty());
        assert!(one("A veteran of the Gulf War was shot dead on Monday.").is_empty());
        // A site in a city's district known only as an admin-2 area is
        // coded at the city.
        let i = one("A car bomb killed two guards at Tahrir Square in Baghdad's Rusafa district on Monday.");
        assert_eq!(i.len(), 1);
        assert_eq!((i[0].place_name.as_str(), i[0].geo_precision), ("Baghdad", 1));
        // Where a victim was born.
        assert_eq!(locations("A teacher born in Kirkuk was shot dead in Tikrit on Monday."), ["Tikrit"]);
        // Where a victim was taken afterwards.
        assert!(one("A policeman was shot dead on Monday and his body was taken to a hospital in Kirkuk.").is_empty());
        // A possessor that owns a part of itself is the place.
        assert_eq!(
            locations("Gunmen attacked Kirkuk's southern outskirts on Monday, a day after they fled Tikrit.")[0],
            "Kirkuk"
        );
        // A place in a relative clause after the verb is that clause's.
        assert_eq!(
            locations(
                "In central Kirkuk on Monday, hundreds of students from several colleges protested a ruling which \
                 shut a school in Tikrit."
            )[0],
            "central Kirkuk"
        );
    }
}
