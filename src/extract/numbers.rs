//! Casualty numbers: digits and number words ("four", "twenty-one",
//! "dozens", "at least 10", "more than 20").

use crate::schema::MAX_COUNT;

/// A parsed count and how many words it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    /// The count (a lower bound for "at least" / "more than" / "dozens").
    pub value: u32,
    /// Number of words consumed.
    pub words: usize,
}

fn unit(w: &str) -> Option<u32> {
    Some(match w {
        "zero" | "no" => 0,
        "one" | "a" | "an" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        _ => return None,
    })
}

fn tens(w: &str) -> Option<u32> {
    Some(match w {
        "twenty" => 20,
        "thirty" => 30,
        "forty" => 40,
        "fifty" => 50,
        "sixty" => 60,
        "seventy" => 70,
        "eighty" => 80,
        "ninety" => 90,
        _ => return None,
    })
}

/// Vague quantities, coded as ACLED does: the lowest number they imply.
fn vague(w: &str) -> Option<u32> {
    Some(match w {
        "dozens" => 12,
        "dozen" => 12,
        "scores" => 20,
        "hundreds" => 100,
        "several" => 3,
        "a few" => 3,
        "few" => 3,
        "some" => 3,
        "many" => 10,
        _ => return None,
    })
}

/// Parses one number word or digit string ("four", "twenty-one", "10", "1,200").
pub fn parse_word(w: &str) -> Option<u32> {
    let w = w.trim().to_ascii_lowercase();
    if !w.is_empty()
        && w.chars().all(|c| c.is_ascii_digit() || c == ',')
        && w.chars().next().is_some_and(|c| c.is_ascii_digit())
    {
        // Beyond two billion is no count a report means literally: keep
        // the largest a record holds (a 32-bit Integer in every format)
        // rather than lose the number.
        let digits = w.replace(',', "");
        return Some(digits.parse::<u64>().map_or(MAX_COUNT, |n| u32::try_from(n).unwrap_or(MAX_COUNT).min(MAX_COUNT)));
    }
    if let Some(v) = unit(&w).or_else(|| tens(&w)) {
        return Some(v);
    }
    if let Some((t, u)) = w.split_once('-') {
        if let (Some(t), Some(u)) = (tens(t), unit(u)) {
            if u < 10 {
                return Some(t + u);
            }
        }
    }
    None
}

/// Parses a count at the start of `words` (lower-case words): optional
/// qualifier ("at least", "more than", "about", "some", "nearly", "up to"),
/// then digits, number words ("twenty one", "twenty-one", "a hundred"), or a
/// vague quantity ("dozens", "several").
pub fn parse_count(words: &[&str]) -> Option<Count> {
    let mut i = 0;
    let lw = |k: usize| words.get(k).map(|w| w.to_ascii_lowercase());
    // Qualifiers.
    loop {
        match (lw(i).as_deref(), lw(i + 1).as_deref()) {
            (Some("at"), Some("least"))
            | (Some("more"), Some("than"))
            | (Some("up"), Some("to"))
            | (Some("as"), Some("many")) => i += 2,
            (
                Some("about" | "around" | "nearly" | "almost" | "roughly" | "approximately" | "over" | "some"),
                Some(n),
            ) if parse_word(n).is_some() => i += 1,
            _ => break,
        }
        if i > 4 {
            break;
        }
    }
    let w0 = lw(i)?;
    if let Some(v) = vague(&w0) {
        // "dozens of", "several"
        let mut n = i + 1;
        if lw(n).as_deref() == Some("of") {
            n += 1;
        }
        return Some(Count { value: v, words: n });
    }
    let mut value = parse_word(&w0)?;
    let mut n = i + 1;
    // "twenty one"
    if value >= 20 && value % 10 == 0 && value < 100 {
        if let Some(u) = lw(n).as_deref().and_then(unit) {
            if u < 10 && u > 0 {
                value += u;
                n += 1;
            }
        }
    }
    // "a hundred", "two hundred"
    if lw(n).as_deref() == Some("hundred") {
        value = value.saturating_mul(100);
        n += 1;
    }
    // "two thousand", "a million", "1.2 million" is not parsed (the digits
    // before the point are taken), "a billion".
    let scale = match lw(n).as_deref() {
        Some("thousand") => 1_000,
        Some("million") => 1_000_000,
        Some("billion") => 1_000_000_000,
        _ => 1,
    };
    if scale > 1 {
        value = value.saturating_mul(scale);
        n += 1;
    }
    // "a" alone is not a count unless a unit word follows ("a soldier").
    Some(Count { value: value.min(MAX_COUNT), words: n })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Option<u32> {
        let w: Vec<&str> = s.split_whitespace().collect();
        parse_count(&w).map(|c| c.value)
    }

    #[test]
    fn words_and_digits() {
        assert_eq!(c("four fighters"), Some(4));
        assert_eq!(c("twenty-one people"), Some(21));
        assert_eq!(c("twenty one people"), Some(21));
        assert_eq!(c("10 soldiers"), Some(10));
        assert_eq!(c("1,200 people"), Some(1200));
        assert_eq!(c("eleven"), Some(11));
    }

    #[test]
    fn qualifiers_and_vague() {
        assert_eq!(c("at least 10 wounded"), Some(10));
        assert_eq!(c("more than 20"), Some(20));
        assert_eq!(c("dozens of people"), Some(12));
        assert_eq!(c("nearly forty"), Some(40));
        assert_eq!(c("two hundred"), Some(200));
    }

    #[test]
    fn thousands_millions_billions_and_huge_digits() {
        // Regression (issue 19): "a billion killed" was 1; 2^32 and more
        // lost the count.
        assert_eq!(c("a billion"), Some(1_000_000_000));
        assert_eq!(c("two thousand"), Some(2_000));
        assert_eq!(c("three million"), Some(3_000_000));
        // Issue 20: counts stop at the largest 32-bit Integer, which every
        // output format (and QGIS) holds.
        assert_eq!(c("five billion"), Some(MAX_COUNT));
        assert_eq!(c("4294967296"), Some(MAX_COUNT));
        assert_eq!(c("3000000000"), Some(MAX_COUNT));
        assert_eq!(c("12,000"), Some(12_000));
    }

    #[test]
    fn non_numbers() {
        assert_eq!(c("the soldiers"), None);
        assert_eq!(c(""), None);
        assert_eq!(parse_word("twenty-ten"), None);
    }
}
