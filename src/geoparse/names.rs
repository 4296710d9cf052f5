//! Place words that are not place names: demonyms ("Iraqi", "Syrians")
//! and news abbreviations ("U.S.", "W.Va."), from `data/*.tsv`.

use std::collections::HashMap;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};
use foldhash::fast::FixedState;

/// What an abbreviation or demonym stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referent {
    /// Full name as the gazetteer writes it ("West Virginia", "Iraq").
    pub name: String,
    /// ISO alpha-2 country code.
    pub country: String,
    /// True for a country, false for an admin-1 area.
    pub is_country: bool,
}

fn rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).map(|l| l.split('\t').map(str::trim).collect())
}

/// Demonyms by lower-case form ("iraqi", "sri lankan").
pub fn demonyms() -> &'static HashMap<String, Referent> {
    static D: OnceLock<HashMap<String, Referent>> = OnceLock::new();
    D.get_or_init(|| {
        rows(include_str!("data/demonyms.tsv"))
            .filter(|c| c.len() >= 3)
            .map(|c| {
                (c[0].to_lowercase(), Referent { name: c[1].to_string(), country: c[2].to_string(), is_country: true })
            })
            .collect()
    })
}

/// [`demonyms`] for the spotter: hashed (foldhash), and two-word demonyms ("sri
/// lankan") found by their words without building "a b" per word pair.
pub struct DemonymIndex {
    one: HashMap<&'static str, &'static Referent, FixedState>,
    /// First word -> (rest of the key, referent).
    two: HashMap<&'static str, Vec<(&'static str, &'static Referent)>, FixedState>,
}

impl DemonymIndex {
    /// The demonym `w` (lower case), as `demonyms().get(w)`.
    pub fn one(&self, w: &str) -> Option<&'static Referent> {
        self.one.get(w).copied()
    }

    /// The demonym "`a` `b`" (lower case words without spaces), as
    /// `demonyms().get(&format!("{a} {b}"))`.
    pub fn two(&self, a: &str, b: &str) -> Option<&'static Referent> {
        self.two.get(a)?.iter().find(|(rest, _)| *rest == b).map(|(_, r)| *r)
    }
}

/// The demonyms indexed for the spotter.
pub fn demonym_index() -> &'static DemonymIndex {
    static I: OnceLock<DemonymIndex> = OnceLock::new();
    I.get_or_init(|| {
        let mut ix = DemonymIndex { one: HashMap::default(), two: HashMap::default() };
        for (k, r) in demonyms() {
            ix.one.insert(k.as_str(), r);
            if let Some((a, rest)) = k.split_once(' ') {
                ix.two.entry(a).or_default().push((rest, r));
            }
        }
        ix
    })
}

/// The abbreviations and an automaton that finds them (case-sensitive,
/// anchored: it is asked only where a word starts with a capital).
pub struct Abbreviations {
    pub automaton: AhoCorasick,
    pub entries: Vec<(String, Referent)>,
    /// The first two bytes of every abbreviation, one bit per pair: most
    /// capitalised words ("The", "Baghdad") are ruled out without the automaton.
    openings: Box<[u64; 1024]>,
}

impl Abbreviations {
    /// Can an abbreviation start at the first two bytes of `s`?
    fn may_start(&self, s: &[u8]) -> bool {
        let pair = match s {
            [a, b, ..] => usize::from(*a) << 8 | usize::from(*b),
            _ => return false,
        };
        self.openings[pair / 64] & (1 << (pair % 64)) != 0
    }
}

/// News abbreviations of countries and states.
pub fn abbreviations() -> &'static Abbreviations {
    static A: OnceLock<Abbreviations> = OnceLock::new();
    A.get_or_init(|| {
        let entries: Vec<(String, Referent)> = rows(include_str!("data/abbreviations.tsv"))
            .filter(|c| c.len() >= 4)
            .map(|c| {
                (
                    c[0].to_string(),
                    Referent { name: c[1].to_string(), country: c[2].to_string(), is_country: c[3] == "country" },
                )
            })
            .collect();
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .build(entries.iter().map(|(a, _)| a.as_str()))
            .expect("abbreviation automaton");
        let mut openings = Box::new([0u64; 1024]);
        for (abbr, _) in &entries {
            let b = abbr.as_bytes();
            let pair = usize::from(b[0]) << 8 | usize::from(b[1]);
            openings[pair / 64] |= 1 << (pair % 64);
        }
        Abbreviations { automaton, entries, openings }
    })
}

/// Abbreviation matches in `text[from..]`: (start, end, referent). A
/// state abbreviation with one period that is also a word ("Miss.",
/// "Wash.") counts only after a comma, as in "Jackson, Miss.".
pub fn find_abbreviations(text: &str, from: usize) -> Vec<(usize, usize, &'static Referent)> {
    find_abbreviations_at(text, from..text.len())
}

/// [`find_abbreviations`], asking only at `starts` (ascending byte offsets,
/// such as the starts of a text's words): an abbreviation starts a word.
pub fn find_abbreviations_at(
    text: &str,
    starts: impl IntoIterator<Item = usize>,
) -> Vec<(usize, usize, &'static Referent)> {
    let a = abbreviations();
    debug_assert!(a.entries.iter().all(|(abbr, _)| abbr.as_bytes()[0].is_ascii_uppercase()));
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut next = 0;
    // Every abbreviation starts a word with an ASCII capital: the automaton
    // is asked only there, for the longest abbreviation starting at it.
    for i in starts {
        if i < next
            || !bytes[i].is_ascii_uppercase()
            || !a.may_start(&bytes[i..])
            || text[..i].chars().next_back().is_some_and(char::is_alphanumeric)
        {
            continue;
        }
        let Some(m) = a.automaton.find(Input::new(text).span(i..text.len()).anchored(Anchored::Yes)) else {
            continue;
        };
        let (s, e) = (m.start(), m.end());
        next = e;
        if text[e..].chars().next().is_some_and(char::is_alphanumeric) {
            continue;
        }
        let (abbr, r) = &a.entries[m.pattern().as_usize()];
        let periods = abbr.matches('.').count();
        if !r.is_country && periods < 2 && !text[..s].trim_end().ends_with(',') {
            continue;
        }
        out.push((s, e, r));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_loads() {
        assert_eq!(demonyms()["iraqi"].country, "IQ");
        assert_eq!(demonyms()["syrians"].country, "SY");
        assert!(abbreviations().entries.iter().any(|(a, r)| a == "W.Va." && r.name == "West Virginia"));
    }

    #[test]
    fn abbreviations_need_boundaries_and_context() {
        let t = "CHARLESTON, W.Va. -- The U.S. said. Miss. Smith, USAID. Jackson, Miss. Then";
        let found: Vec<&str> = find_abbreviations(t, 0).iter().map(|(s, e, _)| &t[*s..*e]).collect();
        assert_eq!(found, ["W.Va.", "U.S.", "Miss."]);
    }
}
