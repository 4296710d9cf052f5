//! Actors: who did it and to whom, normalised with `data/actors.tsv`, and
//! the references back to an armed group across sentences.

use super::lexicon::{self, ActorKind, matches_at};
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
        (matches!(lower[i].as_str(), "claimed" | "claims" | "claiming")
            && matches!(lower[i + 1].as_str(), "responsibility" | "credit" | "the" | "it")
            || matches!(lower[i].as_str(), "blamed" | "blames" | "blaming" | "hallmarks" | "hallmark"))
            && !lower[i.saturating_sub(3)..i].iter().any(|w| {
                matches!(w.as_str(), "not" | "no" | "never" | "yet" | "denied" | "denies" | "nobody" | "none")
                    || w.ends_with("n't")
            })
    })
}

/// The first named armed group (not "gunmen") among a sentence's actor
/// mentions.
pub(super) fn named_armed_group(mentions: &[Mention]) -> Option<Actor> {
    mentions
        .iter()
        .find(|(_, a)| a.kind == ActorKind::Armed && a.name != "Unidentified Armed Group")
        .map(|(_, a)| (a.name.clone(), a.kind))
}

/// An actor alias a sentence mentions: (word index, alias).
pub(super) type Mention = (usize, &'static lexicon::ActorAlias);

/// The actor aliases a sentence mentions, in order, longest alias first at
/// each word. Worked out once per sentence; the rules take the list.
pub(super) fn actor_mentions(words: &[Word<'_>], lower: &[String]) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lower.len() {
        let mut step = 1;
        for a in lexicon::actors_starting_with(&lower[i]) {
            if matches_at(&a.words, lower, i) {
                if a.caps_only && !words[i].text.chars().all(|c| c.is_uppercase() || !c.is_alphabetic()) {
                    continue;
                }
                step = a.words.len();
                // "Islamic State militants": the generic noun after a named
                // group is that group, not a second actor.
                let same_group = a.name == "Unidentified Armed Group"
                    && out.last().is_some_and(|(j, b): &(usize, &lexicon::ActorAlias)| {
                        j + b.words.len() == i && b.kind == ActorKind::Armed
                    });
                let source = a.kind != ActorKind::Armed && is_source(lower, i, i + step);
                if !(same_group || source) {
                    out.push((i, a));
                }
                break;
            }
        }
        i += step;
    }
    out
}

/// "police said", "the defence ministry said", "according to the army":
/// a state's or a witness's report of the event, not a side in it.
fn is_source(lower: &[String], from: usize, to: usize) -> bool {
    let said = |w: &str| {
        matches!(w, "said" | "says" | "say" | "told" | "reported" | "stated" | "announced" | "confirmed" | "added")
    };
    let next = |k: usize| lower.get(to + k).map(String::as_str).unwrap_or("");
    // "the PMF said its units came under attack": the speaker is a side.
    let own_side = (1..5).any(|k| matches!(next(k), "its" | "their"));
    !own_side
        && (said(next(0))
            || matches!(next(0), "has" | "have" | "had" | "also" | "later" | "officials" | "sources" | "spokesman")
                && said(next(1)))
        || (from >= 2 && lower[from - 2] == "according" && lower[from - 1] == "to")
        || (from >= 3 && lower[from - 3] == "according" && lower[from - 2] == "to")
}

pub(super) fn actor_name(a: Option<&(String, ActorKind)>, country: &str, default: &str) -> String {
    match a {
        Some((name, _))
            if matches!(
                name.as_str(),
                "Unidentified Armed Group" | "Civilians" | "Prisoners" | "Protesters" | "Rioters" | "Opposition Rebels"
            ) =>
        {
            format!("{name} ({country})")
        }
        Some((name, _)) => name.replace("{country}", country),
        None if default.is_empty() => String::new(),
        None if default.contains("{country}") => default.replace("{country}", country),
        None => format!("{default} ({country})"),
    }
}

/// Is the actor at word `pos` the object or subject of a casualty word:
/// "killing three SDF fighters", "two soldiers were wounded"?
fn is_victim(lower: &[String], pos: usize) -> bool {
    let harm = |w: &str| {
        matches!(
            w,
            "killed"
                | "killing"
                | "wounded"
                | "wounding"
                | "injured"
                | "injuring"
                | "kills"
                | "kill"
                | "wound"
                | "shot"
                | "kidnapped"
                | "abducted"
                | "executed"
                | "beheaded"
                | "targeting"
                | "targeted"
        )
    };
    // Back over the count and determiners to the word before them.
    let filler = |w: &str| {
        super::numbers::parse_word(w).is_some()
            || matches!(
                w,
                "the"
                    | "a"
                    | "an"
                    | "at"
                    | "least"
                    | "several"
                    | "some"
                    | "dozens"
                    | "of"
                    | "more"
                    | "than"
                    | "his"
                    | "their"
                    | "its"
                    | "two"
                    | "other"
                    | "others"
            )
    };
    let mut k = pos;
    while k > 0 && pos - k < 4 && filler(&lower[k - 1]) {
        k -= 1;
    }
    let before = k > 0 && harm(&lower[k - 1]);
    let after = lower
        .get(pos + 1..(pos + 5).min(lower.len()))
        .is_some_and(|ws| ws.windows(2).any(|p| matches!(p[0].as_str(), "were" | "was") && harm(&p[1])));
    before || after
}

/// Perpetrator and target: armed groups (or foreign forces for air and
/// artillery strikes) act; state forces, civilians and prisoners are acted on.
pub(super) fn find_actors(
    lower: &[String],
    mentioned: &[Mention],
    trigger: &lexicon::Trigger,
    trigger_at: usize,
) -> (Option<Actor>, Option<Actor>) {
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
    let subject = found.iter().rev().find(|(pos, _, _)| *pos < trigger_at).filter(|(pos, _, k)| {
        *pos < trigger_at
            && matches!(k, ActorKind::State | ActorKind::Foreign)
            && !lower[*pos..trigger_at].iter().any(|w| matches!(w.as_str(), "said" | "says" | "by" | "told"))
    });
    let striking = remote || trigger.sub_event_type == "Shelling/artillery/missile attack";
    // "a bomb planted by suspected IS militants", "shot by police": the
    // agent of a passive did it.
    let agent = found
        .iter()
        .find(|(pos, _, k)| {
            *k != ActorKind::Civilian
                && (pos.saturating_sub(3)..*pos).any(|b| {
                    matches!(lower[b].as_str(), "by" | "blamed" | "blaming")
                        && !(b > 0
                            && matches!(
                                lower[b - 1].as_str(),
                                "backed" | "supported" | "led" | "aided" | "assisted" | "joined" | "accompanied"
                            ))
                })
        })
        .map(|(_, n, k)| (n.clone(), *k));
    // "wounded two SDF fighters", "three SDF fighters were killed": a
    // victim is not the perpetrator.
    let victim = |pos: usize| is_victim(lower, pos);
    let actor1 =
        flier.or(agent).or_else(|| subject.filter(|_| striking).map(|(_, n, k)| (n.clone(), *k))).or_else(|| {
            found
                .iter()
                .filter(|(pos, n, k)| perp_rank(*k, n) > 0 && !victim(*pos))
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
        let m = actor_mentions(&w, &l);
        let t = find_trigger(&w, &l, &m).unwrap().1;
        let (a1, a2) = find_actors(&l, &m, t, l.iter().position(|x| x == "attack").unwrap());
        assert_eq!(a1.unwrap().0, "Islamic State (ISIS)");
        assert_eq!(a2.unwrap().0, "Popular Mobilization Forces");
        let (w, l) = lw("this is a Daesh attack on Hashd al-Shaabi units");
        let m = actor_mentions(&w, &l);
        let t = find_trigger(&w, &l, &m).unwrap().1;
        let (a1, a2) = find_actors(&l, &m, t, l.iter().position(|x| x == "attack").unwrap());
        assert_eq!(a1.unwrap().0, "Islamic State (ISIS)");
        assert_eq!(a2.unwrap().0, "Popular Mobilization Forces");
    }
}
