//! The ACLED rules that decide between event types once a trigger has been
//! found: a protest that the police break up, that forces fire on, or whose
//! crowd turns violent; a town captured by the state or from it, or a
//! person captured; arrests by a state or by an armed group; a clash whose
//! victims are civilians.

use super::actors::{Actor, Mention, find_actors};
use super::lexicon::{ActorKind, Trigger, any_of, word_matches};
use super::words::Word;

/// Who an actor slot names; crowds and defaults are named per country.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Side {
    /// A normalised actor from `data/actors.tsv`.
    Named(Actor),
    /// "Protesters (Iraq)", "Rioters (Syria)", "Police Forces of Iraq": a
    /// name with `{country}` in it.
    Generic(&'static str),
    /// Nobody.
    Nobody,
}

/// The coding of one sentence's event.
#[derive(Debug, Clone)]
pub(super) struct Coding {
    pub(super) event_type: &'static str,
    pub(super) sub_event_type: String,
    pub(super) actor1: Side,
    pub(super) actor2: Side,
}

const PROTEST_WORDS: &[&str] =
    &["protest*", "demonstrator*", "demonstration*", "marchers", "sit-in*", "rally", "rallies"];
/// What a crowd does that makes it a riot.
const CROWD_VIOLENCE: &[&str] = &[
    "torched",
    "torching",
    "threw",
    "throwing",
    "hurled",
    "hurling",
    "pelted",
    "pelting",
    "stone*",
    "rocks",
    "stormed",
    "storming",
    "smashed",
    "smashing",
    "looted",
    "looting",
    "ransacked",
    "clashed",
    "clashes",
    "clashing",
    "vandalised",
    "vandalized",
    "rioted",
    "rioting",
    "rioters",
    "molotov*",
    "firebomb*",
    "petrol",
    "arson",
    "set",
    "attacked",
    "beat",
];
/// What forces do to a protest short of killing or maiming.
const INTERVENTION: &[&str] = &[
    "dispersed",
    "disperse",
    "dispersing",
    "tear",
    "teargas",
    "tear-gas",
    "cannon*",
    "rubber",
    "arrested",
    "detained",
    "batons",
    "truncheons",
    "stun",
    "broke",
    "cracked",
    "crackdown",
    "crack",
    "intervened",
    "blocked",
    "prevented",
    "forced",
    "pepper",
];
/// What forces use that can kill: fire on a crowd.
const FORCE: &[&str] = &["fired", "fire", "shot", "shooting", "live", "bullets", "gunfire", "opened"];
const WEAPON_OBJECTS: &[&str] = &[
    "weapon*",
    "arms",
    "ammunition",
    "explosive*",
    "cache*",
    "rockets",
    "missiles",
    "mortars",
    "mines",
    "landmines",
    "bombs",
    "ieds",
    "rifles",
    "guns",
    "grenades",
    "drugs",
    "depot",
    "stockpile*",
];
const PERSON_OBJECTS: &[&str] = &[
    "him",
    "her",
    "them",
    "suspect*",
    "member*",
    "militant*",
    "fighter*",
    "leader*",
    "commander*",
    "soldier*",
    "officer*",
    "policem*",
    "civilian*",
    "people",
    "men",
    "man",
    "women",
    "woman",
    "journalist*",
    "activist*",
    "worker*",
    "prisoner*",
    "hostage*",
    "insurgent*",
    "rebel*",
    "gunm*",
    "pilot*",
    "official*",
    "student*",
    "son",
    "brother",
    "emir",
    "operative*",
    "terrorist*",
    "jihadist*",
    "troops",
    "guard*",
    "smuggler*",
    "individuals",
    "persons",
    "shepherd*",
    "farmer*",
    "villager*",
    "child*",
    "boy*",
    "girl*",
    "resident*",
    "driver*",
    "trader*",
    "truckers",
    "fishermen",
    "tourist*",
    "foreigner*",
    "aid",
    "engineer*",
    "spy",
    "spies",
];
/// Nouns of ground: what a place that is captured is called.
const GROUND: &[&str] = &[
    "town",
    "city",
    "village*",
    "district",
    "area*",
    "base*",
    "airport",
    "airbase",
    "hill*",
    "neighbo*",
    "region",
    "province",
    "positions",
    "position",
    "checkpoint*",
    "bridge",
    "road",
    "highway",
    "border",
    "crossing",
    "territory",
    "mountain*",
    "farms",
    "suburb*",
    "quarter",
    "oilfield*",
    "field*",
    "dam",
    "plant",
    "stronghold",
    "capital",
    "outpost*",
    "roundabout",
    "points",
];

fn is_protest_sentence(lower: &[String]) -> bool {
    any_of(PROTEST_WORDS, lower)
}

/// The words of the object right after the trigger (up to the clause's end).
fn object_after<'a>(words: &[Word<'_>], lower: &'a [String], trigger: &Trigger, at: usize) -> &'a [String] {
    let from = (at + trigger.words.len()).min(lower.len());
    let mut to = (from + 6).min(lower.len());
    for (k, w) in words.iter().enumerate().take(to).skip(from) {
        if matches!(lower[k].as_str(), "and" | "while" | "after" | "when" | "as" | "but") || w.text.ends_with(',') {
            to = k;
            break;
        }
    }
    &lower[from..to]
}

/// Was a person captured (an arrest or an abduction) rather than ground?
fn captures_a_person(words: &[Word<'_>], lower: &[String], trigger: &Trigger, at: usize) -> bool {
    let object = object_after(words, lower, trigger, at);
    if any_of(GROUND, object) {
        return false;
    }
    // "captured two shepherds", "seized three of them": a count is people
    // unless it counts ground.
    if any_of(PERSON_OBJECTS, object) || object.first().is_some_and(|w| super::numbers::parse_word(w).is_some()) {
        return true;
    }
    // "Karadzic was captured in Belgrade": a passive whose subject is not ground.
    let passive =
        lower[at.saturating_sub(3)..at].iter().any(|w| matches!(w.as_str(), "was" | "were" | "been" | "being"));
    passive && !any_of(GROUND, &lower[at.saturating_sub(6)..at])
}

fn captures_weapons(words: &[Word<'_>], lower: &[String], trigger: &Trigger, at: usize) -> bool {
    any_of(WEAPON_OBJECTS, object_after(words, lower, trigger, at))
}

fn state_actor(mentions: &[(usize, Actor)]) -> Option<Actor> {
    mentions.iter().find(|(_, a)| matches!(a.1, ActorKind::State | ActorKind::Foreign)).map(|(_, a)| a.clone())
}

fn named_or(a: Option<Actor>, default: Side) -> Side {
    a.map(Side::Named).unwrap_or(default)
}

/// ACLED's name for a country's police, with `{country}` in it.
pub(super) const POLICE: &str = "Police Forces of {country}";

/// The protest sub-event a sentence right after a protest's gives it, when
/// the sentence tells what forces did to the crowd ("Police fired tear gas
/// to disperse them, injuring four."): excessive force when someone was
/// killed or hurt, intervention otherwise. `None` when it tells no such
/// thing, or when the crowd itself turned violent (a riot is coded from
/// its own sentence).
pub(super) fn protest_follow_up(lower: &[String], casualties: u32) -> Option<&'static str> {
    // "No one was arrested", "without intervention".
    let negated = lower.iter().any(|w| matches!(w.as_str(), "no" | "not" | "without" | "never" | "nobody"));
    if negated || any_of(CROWD_VIOLENCE, lower) && !burns_only_symbols(lower) {
        return None;
    }
    let force = any_of(FORCE, lower);
    if casualties > 0 && (force || any_of(INTERVENTION, lower)) {
        Some("Excessive force against protesters")
    } else if any_of(INTERVENTION, lower) || force {
        Some("Protest with intervention")
    } else {
        None
    }
}

/// The event type, sub-event type and actors of a sentence's event.
pub(super) fn code_event(
    words: &[Word<'_>],
    lower: &[String],
    mentioned: &[Mention],
    trigger: &Trigger,
    at: usize,
    killed: u32,
    injured: u32,
) -> Coding {
    let mentions: Vec<(usize, Actor)> = mentioned.iter().map(|(i, a)| (*i, (a.name.clone(), a.kind))).collect();
    let (actor1, actor2) = find_actors(lower, mentioned, trigger, at);
    let coding = |t: &'static str, s: &str, a1: Side, a2: Side| Coding {
        event_type: t,
        sub_event_type: s.to_string(),
        actor1: a1,
        actor2: a2,
    };
    let police = || Side::Generic(POLICE);
    let violent_kinds = matches!(trigger.event_type.as_str(), "Battles" | "Violence against civilians" | "Riots")
        || trigger.sub_event_type == "Looting/property destruction";
    // A protest, or violence in a sentence about one.
    // Arrests at a protest are the police's intervention in it.
    let arrests_at_protest = trigger.sub_event_type == "Arrests" && is_protest_sentence(lower);
    if trigger.event_type == "Protests"
        || arrests_at_protest
        || (violent_kinds && is_protest_sentence(lower) && !is_territory(trigger))
    {
        let forces = state_actor(&mentions);
        let crowd_violent =
            any_of(CROWD_VIOLENCE, lower) && !burns_only_symbols(lower) || trigger.event_type == "Riots";
        if killed + injured > 0 && (forces.is_some() || any_of(FORCE, lower)) && !crowd_violent {
            return coding(
                "Protests",
                "Excessive force against protesters",
                Side::Generic("Protesters ({country})"),
                named_or(forces, police()),
            );
        }
        if crowd_violent {
            return coding(
                "Riots",
                "Violent demonstration",
                Side::Generic("Rioters ({country})"),
                named_or(forces, Side::Nobody),
            );
        }
        if any_of(INTERVENTION, lower) || any_of(FORCE, lower) {
            return coding(
                "Protests",
                "Protest with intervention",
                Side::Generic("Protesters ({country})"),
                named_or(forces, police()),
            );
        }
        return coding("Protests", "Peaceful protest", Side::Generic("Protesters ({country})"), Side::Nobody);
    }
    // "a crowd beat to death a man", "relatives ... stormed the ward and
    // beat up staff": violence by a crowd that is no armed group.
    let crowd_subject = lower[..at].iter().any(|w| {
        matches!(
            w.as_str(),
            "crowd" | "crowds" | "mob" | "mobs" | "relatives" | "residents" | "villagers" | "locals" | "tribesmen"
        )
    }) && !mentions
        .iter()
        .any(|(i, a)| *i < at && matches!(a.1, ActorKind::Armed | ActorKind::State | ActorKind::Foreign));
    if crowd_subject && violent_kinds && !is_territory(trigger) {
        let victim = mentions
            .iter()
            .filter(|(i, a)| *i > at && a.1 != ActorKind::Armed)
            .min_by_key(|(i, a)| (a.1 != ActorKind::Civilian, *i))
            .map(|(_, a)| a.clone());
        return coding(
            "Riots",
            "Mob violence",
            Side::Generic("Rioters ({country})"),
            named_or(victim, Side::Generic("Civilians ({country})")),
        );
    }
    if trigger.event_type == "Riots" {
        let victim = mentions
            .iter()
            .find(|(_, a)| matches!(a.1, ActorKind::State | ActorKind::Civilian))
            .map(|(_, a)| a.clone());
        let default2 = if trigger.sub_event_type == "Mob violence" {
            Side::Generic("Civilians ({country})")
        } else {
            Side::Nobody
        };
        return coding(
            "Riots",
            &trigger.sub_event_type,
            Side::Generic("Rioters ({country})"),
            named_or(victim, default2),
        );
    }
    let arrest = trigger.sub_event_type == "Arrests"
        || (is_territory(trigger)
            && trigger.words[0].starts_with("captur")
            && captures_a_person(words, lower, trigger, at));
    if is_territory(trigger) && captures_weapons(words, lower, trigger, at) && !arrest {
        return coding(
            "Strategic developments",
            "Disrupted weapons use",
            named_or(state_actor(&mentions).or(actor1), Side::Generic("Military Forces of {country}")),
            Side::Nobody,
        );
    }
    if arrest {
        // By a state: an arrest; by an armed group: an abduction.
        let armed = mentions
            .iter()
            .find(|(i, a)| *i < at && a.1 == ActorKind::Armed)
            .filter(|_| !passive_by_state(lower, at, &mentions));
        if let Some((_, group)) = armed {
            let victim = mentions.iter().find(|(_, a)| a.0 != group.0).map(|(_, a)| a.clone());
            return coding(
                "Violence against civilians",
                "Abduction/forced disappearance",
                Side::Named(group.clone()),
                named_or(victim, Side::Generic("Civilians ({country})")),
            );
        }
        let by = state_actor(&mentions);
        // Who was held: a named group before anyone ("a man described as
        // the Islamic State group's governor"), then civilians or others.
        let held = mentions
            .iter()
            .filter(|(_, a)| by.as_ref().is_none_or(|b| b.0 != a.0))
            .min_by_key(|(i, a)| (!(a.1 == ActorKind::Armed && a.0 != "Unidentified Armed Group"), *i))
            .map(|(_, a)| a.clone());
        return coding("Strategic developments", "Arrests", named_or(by, police()), named_or(held, Side::Nobody));
    }
    if is_territory(trigger) {
        // The side that took it: the sentence's subject when it is an actor
        // ("Iraqi forces recaptured ..."), "by X" in a passive.
        let taker = mentions
            .iter()
            .find(|(i, _)| *i < at)
            .or_else(|| by_agent(lower, at, &mentions))
            .map(|(_, a)| a.clone())
            .or(actor1.clone());
        let other = mentions.iter().find(|(_, a)| taker.as_ref().is_none_or(|t| t.0 != a.0)).map(|(_, a)| a.clone());
        let state = taker.as_ref().is_some_and(|t| matches!(t.1, ActorKind::State | ActorKind::Foreign));
        let sub = if state { "Government regains territory" } else { "Non-state actor overtakes territory" };
        return coding(
            "Battles",
            sub,
            named_or(taker, Side::Generic("Unidentified Armed Group ({country})")),
            named_or(other, Side::Nobody),
        );
    }
    if trigger.event_type == "Strategic developments" && trigger.sub_event_type == "Other" && is_prison(lower) {
        // A prison break: the group among the prisoners, against those
        // who hold the prison.
        let group = mentions
            .iter()
            .find(|(_, a)| a.1 == ActorKind::Armed && a.0 != "Unidentified Armed Group")
            .map(|(_, a)| a.clone());
        let first = group.or_else(|| mentions.iter().find(|(_, a)| a.0 == "Prisoners").map(|(_, a)| a.clone()));
        let holder = mentions
            .iter()
            .find(|(_, a)| a.0 != "Prisoners" && first.as_ref().is_none_or(|f| f.0 != a.0))
            .map(|(_, a)| a.clone());
        return coding(
            "Strategic developments",
            "Other",
            named_or(first, Side::Generic("Prisoners ({country})")),
            named_or(holder, Side::Generic("Police Forces of {country}")),
        );
    }
    if trigger.event_type == "Strategic developments" {
        let first = mentions.first().map(|(_, a)| a.clone());
        // Only an agreement or a handover has a second party; a base set up,
        // a change of activity or weapons seized have none.
        let two_sided = matches!(trigger.sub_event_type.as_str(), "Agreement" | "Non-violent transfer of territory");
        let second = mentions
            .iter()
            .find(|(_, a)| first.as_ref().is_none_or(|f| f.0 != a.0) && a.1 != ActorKind::Civilian)
            .map(|(_, a)| a.clone())
            .filter(|_| two_sided);
        let default1 = match trigger.sub_event_type.as_str() {
            "Disrupted weapons use" | "Other" => Side::Generic("Military Forces of {country}"),
            "Looting/property destruction" => Side::Generic("Unidentified Armed Group ({country})"),
            _ => Side::Nobody,
        };
        // Looting and destruction keep the perpetrator/victim reading.
        if trigger.sub_event_type == "Looting/property destruction" {
            return coding(
                "Strategic developments",
                &trigger.sub_event_type,
                named_or(actor1, default1),
                named_or(actor2, Side::Generic("Civilians ({country})")),
            );
        }
        return coding(
            "Strategic developments",
            &trigger.sub_event_type,
            named_or(first, default1),
            named_or(second, Side::Nobody),
        );
    }
    let mut event_type: &'static str = match trigger.event_type.as_str() {
        "Explosions/Remote violence" => "Explosions/Remote violence",
        "Violence against civilians" => "Violence against civilians",
        _ => "Battles",
    };
    let mut sub = trigger.sub_event_type.clone();
    // A clash whose other side is civilians is violence against them; one
    // without any other side named, but a single victim killed or shot, too.
    if event_type == "Battles" && actor2.as_ref().is_some_and(|a| a.1 == ActorKind::Civilian) {
        event_type = "Violence against civilians";
        sub = "Attack".to_string();
    }
    // "gunmen shot dead a former militia member": a killing or shooting
    // with no armed other side named is one-sided violence, not a battle.
    if event_type == "Battles" && actor2.is_none() && is_one_sided_harm(trigger) {
        event_type = "Violence against civilians";
        sub = "Attack".to_string();
    }
    let default1 = Side::Generic("Unidentified Armed Group ({country})");
    let a2 = match (event_type, actor2) {
        (_, Some(a)) => Side::Named(a),
        ("Violence against civilians", None) => Side::Generic("Civilians ({country})"),
        _ => Side::Nobody,
    };
    coding(event_type, &sub, named_or(actor1, default1), a2)
}

/// Triggers that say someone was shot or killed, not that two sides fought.
fn is_one_sided_harm(t: &Trigger) -> bool {
    t.words.iter().any(|w| {
        matches!(
            w.as_str(),
            "shot"
                | "gunned"
                | "shooting"
                | "shootings"
                | "killed"
                | "killing"
                | "wounded"
                | "wounding"
                | "injured"
                | "injuring"
                | "died"
        )
    })
}

fn is_prison(lower: &[String]) -> bool {
    lower.iter().any(|w| matches!(w.as_str(), "prison" | "jail" | "prisoners" | "inmates" | "detainees" | "detention"))
}

fn is_territory(t: &Trigger) -> bool {
    matches!(t.sub_event_type.as_str(), "Non-state actor overtakes territory" | "Government regains territory")
}

/// "burned the American flag", "burning tyres": symbols, not violence.
fn burns_only_symbols(lower: &[String]) -> bool {
    let burns = lower.iter().any(|w| matches!(w.as_str(), "burned" | "burnt" | "burning" | "set"));
    burns
        && lower.iter().any(|w| {
            word_matches("flag*", w)
                || word_matches("effig*", w)
                || word_matches("tyre*", w)
                || word_matches("tire*", w)
        })
        && !any_of(
            &["torched", "threw", "hurled", "pelted", "stormed", "smashed", "looted", "clashed", "attacked", "stone*"],
            lower,
        )
}

/// "was captured by Turkish agents": the agent of a passive.
fn by_agent<'m>(lower: &[String], at: usize, mentions: &'m [(usize, Actor)]) -> Option<&'m (usize, Actor)> {
    let by = (at..lower.len().min(at + 5)).find(|&k| lower[k] == "by")?;
    mentions.iter().find(|(i, _)| *i > by && *i <= by + 4)
}

fn passive_by_state(lower: &[String], at: usize, mentions: &[(usize, Actor)]) -> bool {
    by_agent(lower, at, mentions).is_some_and(|(_, a)| matches!(a.1, ActorKind::State | ActorKind::Foreign))
}
