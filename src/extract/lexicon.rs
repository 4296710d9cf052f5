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
    /// At least one of these words must be in the sentence.
    pub needs: Vec<String>,
}

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
                words: c[0].split([' ', '-']).map(str::to_string).collect(),
                caps_only: c[0].len() <= 3,
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
                needs: c.get(4).map(|n| n.split('|').map(str::to_string).collect()).unwrap_or_default(),
            })
            .collect();
        v.sort_by_key(|t| std::cmp::Reverse(t.priority));
        v
    })
}

fn word_matches(pattern: &str, word: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => pattern == word,
    }
}

/// Does the pattern (lower-case words) match at `words[i..]`?
pub fn matches_at(pattern: &[String], words: &[String], i: usize) -> bool {
    pattern.len() <= words.len() - i && pattern.iter().enumerate().all(|(k, p)| word_matches(p, &words[i + k]))
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
