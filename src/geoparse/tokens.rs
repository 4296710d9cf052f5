//! Tokens: the words of a text, each with its lower-case form, its case,
//! and how it stands to the word before (same sentence, joined by blanks or
//! one hyphen), read in one pass over the bytes.

use std::collections::HashSet;

use foldhash::fast::FixedState;

use super::vocab::{Vocab, WordId};
use super::words::flags;

/// [`Token::flags`] before the lookup.
const UNKNOWN_FLAGS: u16 = 0x100;

/// [`Token::word`] before the lookup.
const NO_WORD: WordId = WordId::MAX;

#[derive(Debug, Clone)]
pub(super) struct Token<'t> {
    pub start: usize,
    pub end: usize,
    /// Lower-cased text: a slice of the document's ASCII-lower-cased copy
    /// ([`LowerText`]), of the text itself for a non-ASCII word without
    /// capitals, else of the buffer of other lower-case forms.
    pub lower: &'t str,
    /// The word lists `lower` is in ([`flag`] bits), looked up once.
    /// Looked up on first use (most words are never asked about);
    /// [`UNKNOWN_FLAGS`] until then.
    pub flags: std::cell::Cell<u16>,
    /// Its entry in the word table; [`NO_WORD`] until first asked.
    pub word: std::cell::Cell<WordId>,
    pub cap: bool,
    pub all_caps: bool,
    pub sentence_initial: bool,
    /// Only spaces (or one hyphen) separate it from the previous token.
    pub joined: bool,
    /// It was written with a possessive "'s" (not part of the token).
    pub possessive: bool,
}

impl<'t> Token<'t> {
    /// The word at byte range `at`, its flags and word table entry not yet
    /// looked up.
    fn new(
        at: std::ops::Range<usize>,
        lower: &'t str,
        cap: bool,
        all_caps: bool,
        sentence_initial: bool,
        joined: bool,
    ) -> Self {
        Token {
            start: at.start,
            end: at.end,
            lower,
            flags: std::cell::Cell::new(UNKNOWN_FLAGS),
            word: std::cell::Cell::new(NO_WORD),
            cap,
            all_caps,
            sentence_initial,
            joined,
            possessive: false,
        }
    }

    pub fn is(&self, f: u8) -> bool {
        self.word_flags() & f != 0
    }

    pub fn word_flags(&self) -> u8 {
        let f = self.flags.get();
        if f != UNKNOWN_FLAGS {
            return f as u8;
        }
        let f = flags(self.lower);
        self.flags.set(u16::from(f));
        f
    }

    /// The token's entry in the word table (its flags come with it).
    pub fn word_id(&self, vocab: &mut Vocab) -> WordId {
        let id = self.word.get();
        if id != NO_WORD {
            return id;
        }
        let id = vocab.id(self.lower);
        self.word.set(id);
        self.flags.set(u16::from(vocab.word(id).flags));
        id
    }
}

/// Is the character at byte `pos` of `text` alphabetic?
fn alphabetic_at(text: &str, pos: usize) -> bool {
    match text.as_bytes().get(pos) {
        None => false,
        Some(&b) if b < 0x80 => b.is_ascii_alphabetic(),
        Some(_) => text[pos..].chars().next().is_some_and(char::is_alphabetic),
    }
}

/// Byte classes of the tokenizer's ASCII fast path.
mod class {
    /// An ASCII letter or digit.
    pub const WORD: u8 = 1;
    /// Ends a sentence in a gap: `.`, `!`, `?`, `"`, `:`.
    pub const BREAK: u8 = 2;
    /// Space, tab or hyphen: a gap of these joins two words.
    pub const BLANK: u8 = 4;
    pub const HYPHEN: u8 = 8;
    pub const NEWLINE: u8 = 16;
    /// With [`WORD`]: an ASCII capital.
    pub const UPPER: u8 = 32;
    /// With [`WORD`]: an ASCII lower-case letter.
    pub const LOWER: u8 = 64;

    pub static OF: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut b = 0;
        while b < 128 {
            let c = b as u8;
            t[b] = if c.is_ascii_uppercase() {
                WORD | UPPER
            } else if c.is_ascii_lowercase() {
                WORD | LOWER
            } else if c.is_ascii_digit() {
                WORD
            } else {
                match c {
                    b'.' | b'!' | b'?' | b'"' | b':' => BREAK,
                    b' ' | b'\t' => BLANK,
                    b'-' => BLANK | HYPHEN,
                    b'\n' => NEWLINE,
                    _ => 0,
                }
            };
            b += 1;
        }
        t
    };
}

/// An ASCII word in all capitals: two or more, and no lower-case letter.
fn ascii_all_caps(word: &[u8]) -> bool {
    word.iter().filter(|b| b.is_ascii_uppercase()).count() >= 2 && !word.iter().any(u8::is_ascii_lowercase)
}

/// "St", "Mt", "Ft" (lower-cased): a period after them does not end the
/// sentence ("St. Louis").
fn opens_abbreviation(lower: &str) -> bool {
    matches!(lower, "st" | "mt" | "ft")
}

/// Is the last token a middle initial: one capital letter after a
/// capitalised word of three or more letters ("Tyrise M. Bell", not the
/// "S" of "U.S.")? Its period does not end the sentence.
fn middle_initial(toks: &[Token]) -> bool {
    let [.., given, initial] = toks else { return false };
    initial.cap
        && initial.lower.len() == 1
        && initial.joined
        && given.cap
        && !given.all_caps
        && given.lower.chars().count() > 2
}

/// The buffers a document's tokens borrow their lower-case forms from.
#[derive(Default)]
pub(super) struct LowerText {
    /// The text from the start offset on, ASCII letters lower-cased: the
    /// lower-case form of every ASCII word, at the word's own offsets.
    ascii: String,
    /// Lower-case forms of the other words that have capitals.
    other: String,
}

impl LowerText {
    /// Bytes held.
    pub(super) fn capacity(&self) -> usize {
        self.ascii.capacity() + self.other.capacity()
    }
}

/// The tokens of `text[from..]`, in `toks` (emptied first, its allocation reused).
pub(super) fn tokenize<'a>(
    text: &'a str,
    from: usize,
    bufs: &'a mut LowerText,
    toks: Vec<Token<'a>>,
) -> Vec<Token<'a>> {
    tokenize_with::<true>(text, from, bufs, toks)
}

/// [`tokenize`], with its fast paths for the common cases (a one-space gap,
/// a plain ASCII word) or, when `FAST` is false, only the general path that
/// handles every case: the tests hold the two to the same tokens.
fn tokenize_with<'a, const FAST: bool>(
    text: &'a str,
    from: usize,
    bufs: &'a mut LowerText,
    mut toks: Vec<Token<'a>>,
) -> Vec<Token<'a>> {
    let LowerText { ascii: lower, other } = bufs;
    lower.clear();
    lower.push_str(&text[from..]);
    lower.make_ascii_lowercase();
    let lower: &'a String = lower;
    other.clear();
    // Tokens whose lower-case form is in `other`: (token, range in `other`).
    let mut in_other: Vec<(usize, usize, usize)> = Vec::new();
    let bytes = text.as_bytes();
    let n = bytes.len();
    toks.clear();
    toks.reserve((n - from) / 4 + 4);
    let mut i = from;
    let mut prev_abbrev = false;
    loop {
        // The gap before the next word, read as it is skipped: a sentence
        // break in it (". ", "!", a quote, a colon, a blank line), or only
        // blanks and at most one hyphen (the words are joined).
        let gap_start = i;
        let mut breaks = false;
        let mut blank = true;
        let mut hyphens = 0;
        let mut newline = false;
        // Most gaps are one space before an ASCII word.
        if FAST
            && bytes.get(i) == Some(&b' ')
            && bytes.get(i + 1).is_some_and(|&b| class::OF[usize::from(b)] & class::WORD != 0)
        {
            i += 1;
        }
        while i < n {
            let b = bytes[i];
            let c = class::OF[usize::from(b)];
            if c & class::WORD != 0 {
                break;
            }
            if b < 0x80 {
                breaks |= c & class::BREAK != 0 || (newline && c & class::NEWLINE != 0);
                blank &= c & class::BLANK != 0 || (b == b'\'' && alphabetic_at(text, i + 1));
                hyphens += usize::from(c & class::HYPHEN != 0);
                newline = c & class::NEWLINE != 0;
                i += 1;
            } else {
                let c = text[i..].chars().next().unwrap_or(' ');
                if c.is_alphanumeric() {
                    break;
                }
                breaks |= c == '\u{201C}';
                // An ayn written as an apostrophe opens a word without
                // parting it from the one before ("Tall ‘Afar", as GeoNames
                // writes it).
                blank &= matches!(c, '\u{2018}' | '\u{2019}' | '\u{02BC}') && alphabetic_at(text, i + c.len_utf8());
                newline = false;
                i += c.len_utf8();
            }
        }
        if i >= n {
            break;
        }
        // A word: letters, digits, marks, and apostrophes between letters.
        let start = i;
        let after_abbrev = prev_abbrev && &bytes[gap_start..start] == b". ";
        let joined = after_abbrev || (start > gap_start && blank && hyphens <= 1);
        let sentence_initial = (toks.is_empty() || breaks) && !after_abbrev;
        // The ASCII letters and digits first, with the classes seen; most
        // words are only these.
        let mut seen = 0;
        let run = bytes[start..]
            .iter()
            .position(|&b| {
                let c = class::OF[usize::from(b)];
                seen |= c;
                c & class::WORD == 0
            })
            .unwrap_or(n - start);
        let mut k = start + run;
        if FAST && bytes.get(k).is_none_or(|&b| b < 0x80 && b != b'\'') && run > 0 {
            i = k;
            let first = class::OF[usize::from(bytes[start])];
            let cap = first & class::UPPER != 0;
            // The classes seen settle most words without counting capitals.
            let all_caps = seen & class::LOWER == 0 && seen & class::UPPER != 0 && ascii_all_caps(&bytes[start..k]);
            let lower = &lower[start - from..k - from];
            prev_abbrev = opens_abbreviation(lower);
            toks.push(Token::new(start..k, lower, cap, all_caps, sentence_initial, joined));
            prev_abbrev |= middle_initial(&toks);
            continue;
        }
        k = start;
        let mut ascii = true;
        let mut apostrophe = false;
        loop {
            while k < n && class::OF[usize::from(bytes[k])] & class::WORD != 0 {
                k += 1;
            }
            let Some(&b) = bytes.get(k) else { break };
            if b == b'\'' && alphabetic_at(text, k + 1) {
                apostrophe = true;
                k += 1;
                continue;
            }
            if b < 0x80 {
                break;
            }
            let ch = text[k..].chars().next().unwrap_or(' ');
            let letter = ch.is_alphanumeric() || matches!(ch as u32, 0x0300..=0x036F | 0x064B..=0x065F | 0x0670);
            let inner_apostrophe = matches!(ch, '\u{2019}' | '\u{2018}' | '\u{02BF}' | '\u{02BE}' | '\u{02BC}')
                && alphabetic_at(text, k + ch.len_utf8());
            if !(letter || inner_apostrophe) {
                break;
            }
            ascii = false;
            apostrophe |= inner_apostrophe;
            k += ch.len_utf8();
        }
        let end = k;
        i = end;
        let mut wend = end;
        if apostrophe {
            // Possessive: "Iraq's" is "Iraq".
            for suffix in ["'s", "\u{2019}s"] {
                if text[start..wend].len() > suffix.len() + 1 && text[start..wend].ends_with(suffix) {
                    wend -= suffix.len();
                }
            }
        }
        let word = &text[start..wend];
        let (cap, all_caps, lower) = if ascii {
            let wb = word.as_bytes();
            (wb[0].is_ascii_uppercase(), ascii_all_caps(wb), &lower[start - from..wend - from])
        } else {
            let first = word.chars().next().unwrap_or(' ');
            let cap = first.is_uppercase() || (first.is_alphabetic() && !first.is_lowercase() && !first.is_uppercase());
            let all_caps =
                word.chars().filter(|c| c.is_alphabetic()).count() >= 2 && word.chars().all(|c| !c.is_lowercase());
            if word.chars().any(char::is_uppercase) {
                let lo = other.len();
                other.push_str(&word.to_lowercase());
                in_other.push((toks.len(), lo, other.len()));
                (cap, all_caps, "")
            } else {
                (cap, all_caps, word)
            }
        };
        prev_abbrev = opens_abbreviation(lower);
        let mut tok = Token::new(start..wend, lower, cap, all_caps, sentence_initial, joined);
        tok.possessive = wend != end;
        toks.push(tok);
        prev_abbrev |= middle_initial(&toks);
    }
    let other: &'a String = other;
    for (t, lo, hi) in in_other {
        toks[t].lower = &other[lo..hi];
    }
    toks
}

/// Which capitalised words of a document (lower-cased) it also writes in
/// lower case. Asked a few times per document, mostly about names it never
/// writes in lower case: a bit filter on (length, first and last byte) of
/// its lower-case words answers those; the rest scan a short document or
/// ask a set built, for a long one, on the first such question.
pub(super) struct LowercaseWords<'a, 't> {
    toks: &'a [Token<'t>],
    filter: [u64; 16],
    set: std::cell::OnceCell<HashSet<&'t str, FixedState>>,
}

/// Up to this many tokens, [`LowercaseWords`] scans instead of hashing.
const SCAN_TOKENS: usize = 256;

impl<'a, 't> LowercaseWords<'a, 't> {
    pub(super) fn new(toks: &'a [Token<'t>]) -> Self {
        let mut filter = [0u64; 16];
        for t in toks.iter().filter(|t| !t.cap) {
            let b = Self::bit(t.lower);
            filter[b / 64] |= 1 << (b % 64);
        }
        LowercaseWords { toks, filter, set: std::cell::OnceCell::new() }
    }

    fn bit(w: &str) -> usize {
        let b = w.as_bytes();
        let (first, last) = (b.first().copied().unwrap_or(0), b.last().copied().unwrap_or(0));
        (b.len().wrapping_mul(31) + usize::from(first) * 7 + usize::from(last)) % 1024
    }

    /// Does the document write `w` (lower case, a word it capitalises) in
    /// lower case too?
    pub(super) fn contains(&self, w: &str) -> bool {
        let b = Self::bit(w);
        if self.filter[b / 64] & (1 << (b % 64)) == 0 {
            return false;
        }
        if self.toks.len() <= SCAN_TOKENS {
            return self.toks.iter().any(|t| !t.cap && t.lower == w);
        }
        self.set.get_or_init(|| self.toks.iter().filter(|t| !t.cap).map(|t| t.lower).collect()).contains(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizer_offsets_possessives_and_sentences() {
        let text = "Iraq's army. Then Tal-Afar, Ba'qubah";
        let mut buf = LowerText::default();
        let t = tokenize(text, 0, &mut buf, Vec::new());
        let words: Vec<&str> = t.iter().map(|t| &text[t.start..t.end]).collect();
        assert_eq!(words, ["Iraq", "army", "Then", "Tal", "Afar", "Ba'qubah"]);
        assert!(t[0].sentence_initial && t[2].sentence_initial && !t[1].sentence_initial);
        assert!(t[4].joined && !t[5].joined);
        assert!(t[0].possessive && !t[1].possessive && !t[5].possessive);
        // A middle initial's period does not end the sentence; "U.S." does.
        let text = "Tyrise M. Bell left the U.S. Kabul";
        let mut buf = LowerText::default();
        let t = tokenize(text, 0, &mut buf, Vec::new());
        assert!(t[2].joined && !t[2].sentence_initial, "Bell");
        assert!(t[6].sentence_initial, "Kabul");
    }

    #[test]
    fn an_apostrophe_opening_a_word_does_not_part_it_from_the_one_before() {
        for text in ["Tal \u{2018}Afar", "Tal 'Afar", "Tal \u{2019}Afar", "Tal \u{02BC}Afar"] {
            let mut buf = LowerText::default();
            let t = tokenize(text, 0, &mut buf, Vec::new());
            assert_eq!(t.len(), 2, "{text}");
            assert!(t[1].joined, "{text}");
            assert!(text[t[1].start..t[1].end].ends_with("Afar"), "{text}");
        }
        // A quote before a space, or alone, still parts the words.
        for text in ["Tal\u{2019} Afar", "Tal \u{2018} Afar", "Tal '' Afar"] {
            let mut buf = LowerText::default();
            let t = tokenize(text, 0, &mut buf, Vec::new());
            assert!(!t[1].joined, "{text}");
        }
    }

    #[test]
    fn tokenizer_reads_the_gaps_and_cases() {
        let text = "ISIS's men\n\nin St. Louis -- near Tal - - Afar: \u{201C}Mosul\u{201D} QAIM";
        let mut buf = LowerText::default();
        let t = tokenize(text, 0, &mut buf, Vec::new());
        let words: Vec<&str> = t.iter().map(|t| &text[t.start..t.end]).collect();
        assert_eq!(words, ["ISIS", "men", "in", "St", "Louis", "near", "Tal", "Afar", "Mosul", "QAIM"]);
        assert!(t[0].all_caps && t[0].cap, "the possessive is not counted as a lower-case letter");
        assert_eq!(t[0].lower, "isis");
        assert!(t[2].sentence_initial, "a blank line starts a sentence");
        assert!(t[4].joined && !t[4].sentence_initial, "St. Louis is one name");
        assert!(!t[5].joined, "two hyphens separate");
        assert!(!t[7].joined, "so do two single hyphens");
        assert!(t[8].sentence_initial, "after a colon and an opening quote");
        assert!(t[9].all_caps && !t[9].joined);
        assert_eq!(t[9].lower, "qaim");
    }

    fn same(text: &str, from: usize) {
        let (mut a, mut b) = (LowerText::default(), LowerText::default());
        let new = tokenize(text, from, &mut a, Vec::new());
        let old = tokenize_with::<false>(text, from, &mut b, Vec::new());
        let key = |t: &Token| {
            (t.start, t.end, t.lower.to_string(), t.cap, t.all_caps, t.sentence_initial, t.joined, t.possessive)
        };
        let new: Vec<_> = new.iter().map(key).collect();
        let old: Vec<_> = old.iter().map(key).collect();
        assert_eq!(new, old, "{text:?} from {from}");
    }

    #[test]
    fn tokenizer_matches_the_reference_on_edge_cases() {
        for text in [
            "",
            " ",
            "a",
            "A",
            "AB",
            "Ab",
            "aB",
            "A1",
            "1A",
            "1AB",
            "12",
            "word",
            "word ",
            " word",
            "Iraq's army",
            "Iraq\u{2019}s army",
            "ISIS's men",
            "ISIS\u{2019}S men",
            "a's",
            "A'S",
            "'s Iraq",
            "rock 'n' roll",
            "O'Brien's",
            "Ba'qubah Ba\u{2019}qubah Ba\u{02BF}qubah Ba\u{02BE}qubah Ba\u{02BC}qubah Ba\u{2018}qubah",
            "Ba'1 Ba' qubah Ba''qubah Ba'\u{00C9}cole",
            "St. Louis Mt. Hood Ft. Worth st. louis ST. LOUIS St.  Louis St.Louis St, Louis",
            "Tal-Afar Tal - Afar Tal--Afar Tal - - Afar Tal\t-\tAfar",
            "one\n\ntwo one\ntwo one\n \ntwo one\r\n\r\ntwo",
            "Afar: \u{201C}Mosul\u{201D} QAIM \"Erbil\" Kirkuk! Basra? Najaf.",
            "\u{00C9}cole \u{00E9}cole ECOLE \u{00C9}COLE \u{00C9}\u{00C9} Z\u{00FC}rich M\u{00DC}NCHEN",
            "caf\u{00E9} Caf\u{00E9}s na\u{0308}ive \u{0627}\u{0644}\u{0645}\u{0648}\u{0635}\u{0644} \u{0628}\u{064E}",
            "\u{01C5}ungla \u{1F600} x\u{1F600}y \u{00A0}Mosul\u{00A0}Erbil \u{2014}Kirkuk\u{2014}",
            "\u{0130}stanbul \u{03A3}\u{039F}\u{03A3} \u{1E9E}X",
            "e.g. U.S. W.Va. A.B.C. 3.5 1,000 20km 20-km",
        ] {
            for from in 0..=text.len() {
                if text.is_char_boundary(from) {
                    same(text, from);
                }
            }
        }
    }

    #[test]
    fn tokenizer_matches_the_reference_on_random_text() {
        let pieces = [
            "a",
            "b",
            "Z",
            "Q",
            "7",
            " ",
            " ",
            "  ",
            "\t",
            "-",
            "--",
            ".",
            ". ",
            "!",
            "?",
            ":",
            "\"",
            ",",
            "'",
            "'s",
            "\u{2019}",
            "\u{2019}s",
            "\u{02BF}",
            "\n",
            "\n\n",
            "\u{201C}",
            "\u{00E9}",
            "\u{00C9}",
            "\u{0301}",
            "\u{0645}",
            "\u{064B}",
            "\u{00A0}",
            "\u{1F600}",
            "St",
            "st",
            "Mt",
            "ft",
            "\r",
        ];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..(x % 40) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                text.push_str(pieces[(x % pieces.len() as u64) as usize]);
            }
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            same(&text, 0);
        }
    }
}
