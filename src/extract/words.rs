//! The words of a sentence as extraction reads them: byte offset, text,
//! lower case, and whether they are inside a quotation.

/// A word of a sentence with its byte offset in the document.
#[derive(Debug, Clone)]
pub(super) struct Word<'a> {
    pub(super) start: usize,
    pub(super) text: &'a str,
    pub(super) lower: String,
    pub(super) quoted: bool,
}

pub(super) fn words_of(doc: &str, start: usize, end: usize) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut i = start;
    let s = &doc[..end];
    while i < end {
        let c = s[i..].chars().next().unwrap_or(' ');
        if matches!(c, '\u{201C}' | '\u{201D}' | '"') {
            quoted = match c {
                '\u{201C}' => true,
                '\u{201D}' => false,
                _ => !quoted,
            };
            i += c.len_utf8();
            continue;
        }
        if !c.is_alphanumeric() {
            i += c.len_utf8();
            continue;
        }
        let w_start = i;
        let mut j = i;
        for (off, ch) in s[i..].char_indices() {
            if ch.is_alphanumeric()
                || ((ch == '-' || ch == '\'' || ch == '\u{2019}' || ch == ',' || ch == '.')
                    && s[i + off + ch.len_utf8()..].chars().next().is_some_and(|n| n.is_alphanumeric())
                    && (ch != ',' && ch != '.' || s[i..i + off].chars().last().is_some_and(|p| p.is_ascii_digit())))
            {
                j = i + off + ch.len_utf8();
            } else {
                break;
            }
        }
        let text = &s[w_start..j];
        // Curly apostrophes read as straight ones ("army’s" is "army's").
        let lower = text.to_lowercase().replace('\u{2019}', "'");
        out.push(Word { start: w_start, text, lower, quoted });
        i = j.max(i + 1);
    }
    // A quotation the sentence opens and never closes ("AFP reported
    // \"At least 38 people were killed ...") quotes a report of the event,
    // not a speaker's words within the sentence: its words count.
    if quoted {
        for w in out.iter_mut().rev().take_while(|w| w.quoted) {
            w.quoted = false;
        }
    }
    out
}

/// The words of `s` and their lower-case forms (for tests).
#[cfg(test)]
pub(super) fn lw(s: &str) -> (Vec<Word<'_>>, Vec<String>) {
    let w = words_of(s, 0, s.len());
    let l = w.iter().map(|w| w.lower.clone()).collect();
    (w, l)
}
