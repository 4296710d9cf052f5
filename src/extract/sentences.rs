//! Sentence splitting that survives abbreviations, initials, decimals and
//! quotations.

/// Words that end with a period without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "cpl", "st", "no", "vs", "etc", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "ltd", "co", "corp", "gov",
    "sen", "rep", "rev", "fr", "jr", "sr", "approx", "est", "km", "u.s", "u.k", "u.n", "a.m", "p.m", "e.g", "i.e",
    "al",
];

/// Byte ranges `[start, end)` of the sentences of `text[from..]`, trimmed.
pub fn split(text: &str, from: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = from;
    let mut i = from;
    let push = |out: &mut Vec<(usize, usize)>, s: usize, e: usize| {
        let seg = &text[s..e];
        let lead = seg.len() - seg.trim_start().len();
        let trail = seg.len() - seg.trim_end().len();
        if e - trail > s + lead {
            out.push((s + lead, e - trail));
        }
    };
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            // A blank line, or a line that ends a sentence or is a headline.
            let next_blank =
                text[i + 1..].starts_with('\n') || text[i + 1..].trim_start_matches([' ', '\t']).starts_with('\n');
            let line = text[start..i].trim_end();
            let ends = line.ends_with(['.', '!', '?', ':', '"', '\u{201D}']);
            // A soft-wrapped line goes on in lower case; a headline or a
            // line of its own is followed by a capital.
            let next_lower = text[i + 1..].trim_start().chars().next().is_some_and(char::is_lowercase);
            if next_blank || ends || (!next_lower && !line.ends_with(',')) {
                push(&mut out, start, i);
                start = i + 1;
            }
            i += 1;
            continue;
        }
        if matches!(b, b'.' | b'!' | b'?') {
            // Skip closing quotes and brackets after the mark.
            let mut j = i + 1;
            while j < bytes.len() {
                let rest = &text[j..];
                if let Some(c) = rest.chars().next().filter(|c| matches!(c, '"' | '\'' | ')' | '\u{201D}' | '\u{2019}'))
                {
                    j += c.len_utf8();
                } else {
                    break;
                }
            }
            let at_space = j >= bytes.len() || bytes[j] == b' ' || bytes[j] == b'\n' || bytes[j] == b'\t';
            if b == b'.' && at_space {
                // The word before the period.
                // After the separator's last byte: it may be a multi-byte
                // space (U+00A0, U+2028, U+3000), and `p + 1` would split it.
                let word_start = text[..i]
                    .char_indices()
                    .rev()
                    .find(|&(_, c)| c.is_whitespace() || c == '(' || c == '"')
                    .map_or(0, |(p, c)| p + c.len_utf8());
                let word =
                    text[word_start.max(start)..i].trim_start_matches(['"', '\u{201C}', '(']).to_ascii_lowercase();
                let is_initial = word.chars().count() == 1 && word.chars().all(|c| c.is_alphabetic());
                let next_lower = text[j..].trim_start().chars().next().is_some_and(|c| c.is_lowercase());
                if ABBREVIATIONS.contains(&word.as_str()) || is_initial || next_lower {
                    i = j;
                    continue;
                }
            }
            if at_space {
                push(&mut out, start, j);
                start = j;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    push(&mut out, start, bytes.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (issue 19): a non-breaking, line-separator or ideographic
    /// space before a sentence's last word panicked on a char boundary and
    /// aborted a whole `map`.
    #[test]
    fn multibyte_spaces_before_the_last_word_do_not_panic() {
        for sp in ['\u{a0}', '\u{2028}', '\u{3000}', '\u{2009}'] {
            let text = format!("Two soldiers were killed near{sp}Hit. Dr.{sp}Ali said so.{sp}Then{sp}quiet.");
            let out = split(&text, 0);
            assert!(!out.is_empty(), "{sp:?}");
        }
    }

    fn sents(t: &str) -> Vec<&str> {
        split(t, 0).into_iter().map(|(s, e)| &t[s..e]).collect()
    }

    #[test]
    fn abbreviations_and_initials_do_not_split() {
        let t = "Lt. Gen. Ali said the U.S. army left. Mr. X agreed at 5 p.m. on Friday. Next one.";
        assert_eq!(
            sents(t),
            ["Lt. Gen. Ali said the U.S. army left.", "Mr. X agreed at 5 p.m. on Friday.", "Next one."]
        );
    }

    #[test]
    fn quotes_close_sentences() {
        let t = "\u{201C}We will win.\u{201D} He left. \"No,\" she said. Then 3.5 km away.";
        assert_eq!(sents(t), ["\u{201C}We will win.\u{201D}", "He left.", "\"No,\" she said.", "Then 3.5 km away."]);
    }

    #[test]
    fn headlines_and_paragraphs() {
        let t = "A headline\n\nFirst para. Second\nline wraps here.\n\nLast";
        assert_eq!(sents(t), ["A headline", "First para.", "Second\nline wraps here.", "Last"]);
    }
}
