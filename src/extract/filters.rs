//! Whether a sentence reports an incident at all: its trigger, and the
//! plans, threats, statistics and background that are not incidents.

use super::actors::Mention;
use super::casualties::KILL;
use super::lexicon::{self, matches_at_or_after_hyphen, triggers};
use super::numbers;
use super::words::Word;

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
    "planned",
    "plan",
    "urged",
    "urges",
    "demanded",
    "demands",
    "sought",
    "seeks",
    "threat",
    "threatening",
    "ordered",
    "warrant",
    "discussed",
    "discussing",
    "proposed",
    "considering",
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
    // Habit, not an event: "clashes often erupt", "still break out".
    &["often"],
    &["regularly"],
    &["frequently"],
    &["usually"],
    &["routinely"],
    &["still", "break"],
    &["still", "erupt"],
    &["still", "occur"],
];

/// Natural and accidental causes of death: with nothing but a casualty word
/// ("killed", "died") for a trigger, a sentence naming one reports a
/// disaster or an accident, not political violence.
pub(super) const NON_VIOLENT_CAUSES: &[&str] = &[
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

pub(super) fn find_trigger<'a>(
    words: &[Word<'_>],
    lower: &[String],
    mentions: &[Mention],
) -> Option<(usize, &'a lexicon::Trigger)> {
    let classes = lexicon::WordClasses::of(lower);
    let tails: Vec<&str> = lower.iter().map(|w| lexicon::hyphen_tail(w)).collect();
    // A trigger word inside an actor's name ("riot police") is not one.
    let blocked: Vec<usize> = mentions
        .iter()
        .filter(|(_, a)| a.words.len() > 1 && !a.air && a.words.last().is_none_or(|w| w != "artillery"))
        .flat_map(|(i, a)| *i..i + a.words.len())
        .collect();
    let fits = |t: &lexicon::Trigger, i: usize| {
        !words[i].quoted
            && matches_at_or_after_hyphen(&t.words, lower, i, tails[i])
            && (!t.lower_only || !words[i].text.chars().any(char::is_uppercase))
            && (!t.passive || after_passive_auxiliary(lower, i))
            && !negated(lower, i)
            && !t
                .not_next
                .as_ref()
                .is_some_and(|n| lower.get(i + t.words.len()).is_some_and(|w| lexicon::word_matches(n, w)))
            && !blocked.contains(&i)
            && lexicon::needs_met(&t.needs, lower, &classes)
    };
    // The highest-priority trigger (the first in `triggers()`), at its
    // first word: each word looks up the triggers it can begin.
    let all = triggers();
    let index = lexicon::trigger_index();
    let mut best: Option<(usize, usize)> = None;
    let mut candidates = Vec::new();
    for i in 0..lower.len() {
        candidates.clear();
        index.candidates(&lower[i], &mut candidates);
        if !tails[i].is_empty() {
            index.candidates(tails[i], &mut candidates);
        }
        for &ti in &candidates {
            if best.is_none_or(|(bt, _)| ti < bt) && fits(&all[ti], i) {
                best = Some((ti, i));
            }
        }
    }
    best.map(|(ti, i)| (i, &all[ti]))
}

/// "was shot", "were reportedly captured", "had been detained".
fn after_passive_auxiliary(lower: &[String], i: usize) -> bool {
    lower[i.saturating_sub(3)..i]
        .iter()
        .any(|w| matches!(w.as_str(), "was" | "were" | "been" | "being" | "is" | "are" | "be" | "got" | "get"))
}

/// "no one was killed", "did not attack": a trigger its clause denies.
fn negated(lower: &[String], i: usize) -> bool {
    lower[i.saturating_sub(3)..i].iter().any(|w| {
        matches!(w.as_str(), "not" | "never" | "no" | "denied" | "without" | "nobody" | "none" | "neither" | "nor")
            || w.ends_with("n't")
    })
}

pub(super) fn is_modal(words: &[Word<'_>], trigger_at: usize) -> bool {
    let from = trigger_at.saturating_sub(8);
    // "May" the month is not "may" the modal.
    words[from..trigger_at].iter().any(|w| MODAL.contains(&w.lower.as_str()) && w.text != "May")
        // "called for a protest", "a call for the arrest of ..."
        || words[from..trigger_at].windows(2).any(|p| {
            matches!(p[0].lower.as_str(), "called" | "calls" | "call" | "calling") && p[1].lower == "for"
        })
}

pub(super) fn is_background(lower: &[String]) -> bool {
    BACKGROUND.iter().any(|p| lower.windows(p.len()).any(|w| w.iter().zip(p.iter()).all(|(a, b)| a == b)))
        || lower.iter().any(|w| matches!(w.as_str(), "have" | "has"))
            && lower.windows(2).any(|w| {
                w[0] == "since"
                    && (w[1].len() == 4 && w[1].starts_with("20") && w[1].chars().all(|c| c.is_ascii_digit())
                        || super::dates::MONTHS.contains(&w[1].as_str()))
            })
        || is_war_tally(lower)
}

/// "more than 40,000 fighters have been killed during the conflict": a
/// war's running toll, in the perfect tense, not one event.
fn is_war_tally(lower: &[String]) -> bool {
    let perfect =
        lower.windows(2).any(|w| matches!(w[0].as_str(), "have" | "has") && matches!(w[1].as_str(), "been" | "become"));
    perfect
        && lower.iter().any(|w| {
            matches!(
                w.as_str(),
                "war"
                    | "conflict"
                    | "insurgency"
                    | "uprising"
                    | "revolution"
                    | "crisis"
                    | "fighting"
                    | "since"
                    | "across"
                    | "total"
                    | "overall"
                    | "common"
            )
        })
}

pub(super) fn is_statistic(lower: &[String]) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::words::lw;

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
    fn triggers_pick_the_most_specific_type() {
        let (w, l) = lw("two soldiers were killed when their convoy hit an IED");
        assert_eq!(
            find_trigger(&w, &l, &crate::extract::actors::actor_mentions(&w, &l)).unwrap().1.sub_event_type,
            "Remote explosive/landmine/IED"
        );
        let (w, l) = lw("21 prisoners escaped from a detention facility");
        assert_eq!(
            find_trigger(&w, &l, &crate::extract::actors::actor_mentions(&w, &l)).unwrap().1.event_type,
            "Strategic developments"
        );
        let (w, l) = lw("the attackers escaped into the orchards");
        assert!(find_trigger(&w, &l, &crate::extract::actors::actor_mentions(&w, &l)).is_none());
    }
}
