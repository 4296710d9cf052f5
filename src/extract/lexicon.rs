//! The actor and event-type lexicons (data files in `src/extract/data/`).

use std::sync::OnceLock;

/// What kind of actor an alias names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    /// Non-state armed group.
    Armed,
    /// State forces of the country.
    State,
    /// Foreign state forces.
    Foreign,
    /// Civilians, prisoners.
    Civilian,
}

/// One actor alias.
#[derive(Debug, Clone)]
pub struct ActorAlias {
    /// Lower-case words of the alias.
    pub words: Vec<String>,
    /// The alias must be written in capitals ("IS", not "is").
    pub caps_only: bool,
    /// ACLED-style name.
    pub name: String,
    pub kind: ActorKind,
    /// The alias names aircraft ("Iraqi aircraft", "US warplanes"): who
    /// flies is who strikes from the air.
    pub air: bool,
}

/// One event trigger.
#[derive(Debug, Clone)]
pub struct Trigger {
    /// Lower-case words; the last may end with `*` (prefix).
    pub words: Vec<String>,
    pub event_type: String,
    pub sub_event_type: String,
    pub priority: u32,
    /// At least one of these words must be in the sentence (`*` ends a
    /// prefix; `@armed` and `@crowd` stand for the word classes
    /// [`ARMED_WORDS`] and [`CROWD_WORDS`]).
    pub needs: Vec<String>,
    /// Only as written in lower case ("march" the verb, not "March" the month).
    pub lower_only: bool,
    /// Only after a passive auxiliary ("was shot", "were captured").
    pub passive: bool,
    /// Not when the next word is this (`arrest` `warrant*`: a warrant is no arrest).
    pub not_next: Option<String>,
}

/// Words that say armed people are involved: what a trigger such as
/// "fighting", "battle" or "patrolled" needs to be about war, not sport or
/// politics.
pub const ARMED_WORDS: &[&str] = &[
    "fighters",
    "militants",
    "militant",
    "rebels",
    "rebel",
    "troops",
    "soldiers",
    "soldier",
    "army",
    "armed",
    "forces",
    "force",
    "insurgents",
    "insurgent",
    "gunmen",
    "gunman",
    "police",
    "policemen",
    "militia*",
    "jihadist*",
    "guerrilla*",
    "terrorist*",
    "military",
    "marines",
    "commandos",
    "paratroopers",
    "tanks",
    "regime",
    "isis",
    "isil",
    "daesh",
    "taliban",
    "hezbollah",
    "hamas",
    "brigade*",
    "battalion*",
    "division",
    "units",
    "army's",
    "warplanes",
    "aircraft",
    "jets",
    "helicopters",
    "gunboats",
    "extremists",
    "separatists",
    "peshmerga",
    "pmf",
    "sdf",
    "qaeda",
    "al-qaeda",
    "nusra",
    "shabaab",
    "al-shabaab",
    "boko",
    "maoists",
    "naxal*",
    "assailants",
    "attackers",
    "snipers",
    "sniper",
    "artillery",
    "mortars",
    "armoured",
    "armored",
    "convoy",
];

/// Words that say a crowd is meant: what "demonstrated" or "marched"
/// needs to be a protest rather than a proof or a parade of troops.
pub const CROWD_WORDS: &[&str] = &[
    "protesters",
    "protestors",
    "demonstrators",
    "marchers",
    "thousands",
    "hundreds",
    "dozens",
    "scores",
    "people",
    "residents",
    "students",
    "workers",
    "crowd*",
    "supporters",
    "villagers",
    "women",
    "youths",
    "youth",
    "activists",
    "teachers",
    "farmers",
    "employees",
    "families",
    "relatives",
    "tribesmen",
    "members",
    "unionists",
    "opponents",
    "mourners",
    "worshippers",
    "citizens",
    "locals",
    "traders",
    "shopkeepers",
    "doctors",
    "lawyers",
    "journalists",
    "refugees",
    "pensioners",
    "drivers",
    "fishermen",
    "muslims",
    "christians",
    "shiites",
    "sunnis",
    "kurds",
    "palestinians",
    "opposition",
    "protest*",
    "demonstration*",
];

static ACTORS: OnceLock<Vec<ActorAlias>> = OnceLock::new();
static TRIGGERS: OnceLock<Vec<Trigger>> = OnceLock::new();

fn data_lines(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).map(|l| l.split('\t').map(str::trim).collect())
}

/// The actor aliases, longest first.
pub fn actors() -> &'static [ActorAlias] {
    ACTORS.get_or_init(|| {
        let mut v: Vec<ActorAlias> = data_lines(include_str!("data/actors.tsv"))
            .filter(|c| c.len() >= 3)
            .map(|c| ActorAlias {
                words: c[0].split(' ').map(str::to_string).collect(),
                // "IS", "SDF": short names of groups only in capitals; "man", "boy" are words.
                caps_only: c[0].len() <= 3 && c[2] != "civilian",
                air: c[0].split([' ', '-']).any(|w| {
                    matches!(w, "aircraft" | "air" | "warplanes" | "jets" | "drone" | "drones" | "helicopters")
                }),
                name: c[1].to_string(),
                kind: match c[2] {
                    "state" => ActorKind::State,
                    "foreign" => ActorKind::Foreign,
                    "civilian" => ActorKind::Civilian,
                    _ => ActorKind::Armed,
                },
            })
            .collect();
        v.sort_by_key(|a| std::cmp::Reverse(a.words.len()));
        v
    })
}

static ACTORS_BY_FIRST_WORD: OnceLock<std::collections::HashMap<&'static str, Vec<&'static ActorAlias>>> =
    OnceLock::new();

/// The actor aliases that begin with `word`, longest first: a sentence's
/// words are looked up, not every alias tried at every word.
pub fn actors_starting_with(word: &str) -> &'static [&'static ActorAlias] {
    let index = ACTORS_BY_FIRST_WORD.get_or_init(|| {
        let mut m: std::collections::HashMap<&'static str, Vec<&'static ActorAlias>> = Default::default();
        for a in actors() {
            m.entry(a.words[0].as_str()).or_default().push(a);
        }
        m
    });
    index.get(word).map(Vec::as_slice).unwrap_or(&[])
}

/// The event triggers, highest priority first.
pub fn triggers() -> &'static [Trigger] {
    TRIGGERS.get_or_init(|| {
        let mut v: Vec<Trigger> = data_lines(include_str!("data/event_types.tsv"))
            .filter(|c| c.len() >= 4)
            .map(|c| Trigger {
                words: c[0].split(' ').map(str::to_string).collect(),
                event_type: c[1].to_string(),
                sub_event_type: c[2].to_string(),
                priority: c[3].parse().unwrap_or(0),
                needs: c
                    .get(4)
                    .filter(|n| !n.is_empty())
                    .map(|n| n.split('|').map(str::to_string).collect())
                    .unwrap_or_default(),
                lower_only: c.get(5).is_some_and(|f| f.split(',').any(|f| f == "lower")),
                passive: c.get(5).is_some_and(|f| f.split(',').any(|f| f == "passive")),
                not_next: c
                    .get(5)
                    .and_then(|f| f.split(',').find_map(|f| f.strip_prefix("notnext=")))
                    .map(str::to_string),
            })
            .collect();
        v.sort_by_key(|t| std::cmp::Reverse(t.priority));
        v
    })
}

/// The triggers by their first word, for looking a sentence's words up
/// rather than trying every trigger at every word.
pub struct TriggerIndex {
    exact: std::collections::HashMap<&'static str, Vec<usize>>,
    prefix: Vec<(&'static str, usize)>,
}

impl TriggerIndex {
    /// Adds to `out` the indices (into [`triggers`]) of the triggers whose
    /// first word matches `word`.
    pub fn candidates(&self, word: &str, out: &mut Vec<usize>) {
        if let Some(v) = self.exact.get(word) {
            out.extend_from_slice(v);
        }
        out.extend(self.prefix.iter().filter(|(p, _)| word.starts_with(p)).map(|(_, i)| *i));
    }
}

static TRIGGER_INDEX: OnceLock<TriggerIndex> = OnceLock::new();

pub fn trigger_index() -> &'static TriggerIndex {
    TRIGGER_INDEX.get_or_init(|| {
        let mut index = TriggerIndex { exact: Default::default(), prefix: Vec::new() };
        for (i, t) in triggers().iter().enumerate() {
            let first = t.words[0].as_str();
            match first.strip_suffix('*') {
                Some(p) => index.prefix.push((p, i)),
                None => index.exact.entry(first).or_default().push(i),
            }
        }
        index
    })
}

/// Whether any word of `lower` matches any pattern of `list` (see
/// [`word_matches`]).
pub(super) fn any_of(list: &[&str], lower: &[String]) -> bool {
    lower.iter().any(|w| list.iter().any(|p| word_matches(p, w)))
}

/// Does one pattern word (`*` ends a prefix) match one word?
pub fn word_matches(pattern: &str, word: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => pattern == word,
    }
}

/// Does the pattern (lower-case words) match at `words[i..]`?
pub fn matches_at(pattern: &[String], words: &[String], i: usize) -> bool {
    pattern.len() <= words.len() - i && pattern.iter().enumerate().all(|(k, p)| word_matches(p, &words[i + k]))
}

/// Like [`matches_at`], but the first word may also be `tail`, the last
/// part of a hyphenated `words[i]`: "counter-attack", "car-bomb".
pub fn matches_at_or_after_hyphen(pattern: &[String], words: &[String], i: usize, tail: &str) -> bool {
    if matches_at(pattern, words, i) {
        return true;
    }
    !tail.is_empty()
        && pattern.len() <= words.len() - i
        && word_matches(&pattern[0], tail)
        && pattern[1..].iter().enumerate().all(|(k, p)| word_matches(p, &words[i + 1 + k]))
}

/// The part of a hyphenated word after its last hyphen ("" for none).
pub fn hyphen_tail(word: &str) -> &str {
    word.rsplit_once('-').map(|(_, t)| t).unwrap_or("")
}

/// Is one of `needs` in the sentence? (`@armed`, `@crowd`: a word of that
/// class, as [`WordClasses`] found them.)
pub fn needs_met(needs: &[String], lower: &[String], classes: &WordClasses) -> bool {
    needs.is_empty()
        || needs.iter().any(|n| match n.as_str() {
            "@armed" => classes.armed,
            "@crowd" => classes.crowd,
            _ => lower.iter().any(|w| word_matches(n, w)),
        })
}

/// Which word classes a sentence has, worked out once per sentence.
#[derive(Debug, Clone, Copy)]
pub struct WordClasses {
    pub armed: bool,
    pub crowd: bool,
}

impl WordClasses {
    pub fn of(lower: &[String]) -> WordClasses {
        WordClasses { armed: any_of(ARMED_WORDS, lower), crowd: any_of(CROWD_WORDS, lower) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicons_load() {
        assert!(actors().iter().any(|a| a.name == "Islamic State (ISIS)" && a.words == ["daesh"]));
        assert!(actors().iter().any(|a| a.words == ["hashd", "al", "shaabi"]));
        assert!(triggers().iter().any(|t| t.sub_event_type == "Suicide bomb"));
        assert!(triggers().windows(2).all(|w| w[0].priority >= w[1].priority));
    }

    #[test]
    fn prefix_patterns() {
        let w: Vec<String> = ["roadside", "bombs"].iter().map(|s| s.to_string()).collect();
        let p: Vec<String> = ["roadside", "bomb*"].iter().map(|s| s.to_string()).collect();
        assert!(matches_at(&p, &w, 0));
        assert!(!matches_at(&p, &w, 1));
    }
}
