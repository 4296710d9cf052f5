//! Actors: who did it and to whom, normalised with `data/actors.tsv`, and
//! the references back to an armed group across sentences.

use super::lexicon::{self, ActorKind, actors, matches_at};
use super::words::Word;

/// A normalised actor name and its kind.
pub(super) type Actor = (String, ActorKind);

/// "the group", "the militants", "its fighters": a reference back to an
/// armed group.
pub(super) fn is_anaphoric_group(lower: &[String]) -> bool {
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
pub(super) fn is_claim(lower: &[String]) -> bool {
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
pub(super) fn named_armed_group(words: &[Word<'_>], lower: &[String]) -> Option<Actor> {
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

pub(super) fn actor_name(a: Option<&(String, ActorKind)>, country: &str, default: &str) -> String {
    match a {
        Some((name, _)) if name == "Unidentified Armed Group" || name == "Civilians" || name == "Prisoners" => {
            format!("{name} ({country})")
        }
        Some((name, _)) => name.clone(),
        None if default.is_empty() => String::new(),
        None => format!("{default} ({country})"),
    }
}

/// Perpetrator and target: armed groups (or foreign forces for air and
/// artillery strikes) act; state forces, civilians and prisoners are acted on.
pub(super) fn find_actors(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::filters::find_trigger;
    use crate::extract::words::lw;

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
}
