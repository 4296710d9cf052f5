//! Casualty counts: how many people a sentence says were killed or injured.

use super::words::Word;
use super::{dates, numbers};

pub(super) const KILL: &[&str] = &[
    "killed", "dead", "died", "slain", "killing", "kills", "deaths", "lives", "executed", "beheaded", "perished",
    "death",
];
pub(super) const INJURE: &[&str] =
    &["wounded", "injured", "hurt", "wounding", "injuring", "injuries", "treated", "struggling"];
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
    "protester",
    "protestor",
    "demonstrator",
    "lawyer",
    "pharmacist",
    "patient",
    "victim",
    "resident",
    "villager",
    "trader",
    "shopkeeper",
    "activist",
    "wife",
    "husband",
    "son",
    "daughter",
    "brother",
    "sister",
    "father",
    "mother",
    "relative",
    "guest",
    "passenger",
    "staff",
];

/// The count of people killed (or injured) in a sentence: the nearest count
/// before a casualty word ("four of its fighters were killed"), or right
/// after it ("killing three officers", "wounding 110").
pub(super) fn casualties(words: &[Word<'_>], lower: &[String], verbs: &[&str]) -> u32 {
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
        // "a patient who died in hospital": a person described, not a toll.
        if w == "died" && i >= 1 && lower[i - 1] == "who" {
            continue;
        }
        // "beat to death a man", "stabbed to death"; not "death toll".
        if w == "death" && !(i >= 1 && lower[i - 1] == "to") {
            continue;
        }
        // "were treated for breathing difficulties"; not "treated as".
        if w == "treated" && lower.get(i + 1).is_none_or(|n| n != "for") {
            continue;
        }
        // "left eleven people struggling to breathe"
        if w == "struggling"
            && !(lower.get(i + 1).is_some_and(|n| n == "to") && lower.get(i + 2).is_some_and(|n| n == "breathe"))
        {
            continue;
        }
        let forward_first = w.ends_with("ing") || w == "dead" || w == "death";
        let found = if forward_first {
            count_after(lower, i).or_else(|| count_before(lower, i))
        } else {
            count_before(lower, i).or_else(|| count_after(lower, i))
        };
        if let Some(n) = found {
            return n;
        }
        // "A politician opposed to the rebels was shot dead": one person,
        // named by an indefinite noun before a singular passive.
        if matches!(w.as_str(), "killed" | "dead" | "wounded" | "injured" | "slain")
            && i >= 2
            && lower[i.saturating_sub(3)..i].iter().any(|p| p == "was")
            && lower[i.saturating_sub(12)..i].iter().position(|p| matches!(p.as_str(), "a" | "an")).is_some_and(|k| {
                let start = i.saturating_sub(12) + k;
                !lower[start..i].iter().any(|p| is_casualty_word(p) || p == "and" || p == "were")
            })
        {
            return 1;
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
            | "death"
    ) {
        return None;
    }
    let k = i + 1;
    if k >= lower.len() {
        return None;
    }
    let refs: Vec<&str> = lower[k..(k + 5).min(lower.len())].iter().map(String::as_str).collect();
    if let Some(n) = coordinated_persons(&lower[k..]) {
        return Some(n);
    }
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

/// "his wife and son", "a policeman and a passer-by": single people
/// joined by "and", counted.
fn coordinated_persons(after: &[String]) -> Option<u32> {
    let det = |w: &str| matches!(w, "a" | "an" | "his" | "her" | "their" | "the" | "one");
    let person = |w: &str| PERSON_NOUNS.contains(&w);
    let mut n = 0;
    let mut k = 0;
    loop {
        if after.get(k).is_some_and(|w| det(w)) {
            k += 1;
        }
        if !after.get(k).is_some_and(|w| person(w)) {
            return None;
        }
        n += 1;
        k += 1;
        if after.get(k).is_some_and(|w| w == "and") {
            k += 1;
        } else {
            break;
        }
    }
    (n >= 2).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::words::lw;

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
}
