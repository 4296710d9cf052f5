//! Name folding: the keys under which names are indexed and looked up.
//!
//! This file is also compiled into `build.rs` (which indexes the shipped
//! gazetteer), so it depends on `std` and `unicode-normalization` only.
//!
//! Two levels:
//! - [`fold_name`]: case, diacritics, apostrophes, hyphens and spaces folded;
//!   "Tall ‘Afar" and "tall afar" are equal.
//! - [`loose_key`]: additionally drops Arabic articles (al-, el-, as-, ...),
//!   admin suffixes (Governorate, Province, ...) and folds common
//!   transliteration variants (ou/u, ee/i, q/k, dh/d, doubled letters, a
//!   final -ah/-eh) so that "Baquba", "Baqubah" and "Ba'qubah" share a key.
//!
//! Both work token by token (a token is a run of letters and digits), so the
//! key of a multi-word name is the keys of its words joined by one space; the
//! spotter relies on that to walk the index word by word.

use unicode_normalization::UnicodeNormalization;

/// Characters removed inside words: apostrophes, ayn/hamza letters, backtick.
fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}'
            | '\u{2018}'
            | '\u{02BF}'
            | '\u{02BE}'
            | '\u{02BB}'
            | '\u{02BC}'
            | '`'
            | '\u{00B4}'
            | '\u{2032}'
    )
}

/// Splits a name into words: runs of alphanumeric characters, with
/// apostrophes inside a word dropped ("Ba'qubah" is one word).
pub fn words(name: &str) -> impl Iterator<Item = &str> {
    name.split(|c: char| !(c.is_alphanumeric() || is_apostrophe(c) || is_mark(c)))
        .filter(|w| w.chars().any(char::is_alphanumeric))
}

fn is_mark(c: char) -> bool {
    // Combining marks (diacritics written separately, Arabic harakat).
    matches!(c as u32, 0x0300..=0x036F | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED)
}

/// Folds one word: lower case, diacritics stripped, apostrophes removed,
/// Arabic letter variants unified.
pub fn fold_word(word: &str, out: &mut String) {
    // Plain ASCII (most words in English news) needs no decomposition.
    if word.is_ascii() {
        out.extend(word.bytes().filter(|&b| b != b'\'' && b != b'`').map(|b| b.to_ascii_lowercase() as char));
        return;
    }
    for c in word.nfkd() {
        if is_apostrophe(c) || is_mark(c) || c == '\u{0640}' {
            continue;
        }
        let c = match c {
            // Arabic alef variants, teh marbuta, alef maksura.
            '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' => '\u{0627}',
            '\u{0629}' => '\u{0647}',
            '\u{0649}' => '\u{064A}',
            'ı' => 'i',
            'ß' => 's',
            'ø' => 'o',
            'đ' => 'd',
            'ł' => 'l',
            'æ' => 'a',
            'œ' => 'o',
            _ => c,
        };
        for l in c.to_lowercase() {
            out.push(l);
        }
    }
}

/// Case-, diacritic- and punctuation-folded name: words folded and joined by
/// one space.
pub fn fold_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    fold_name_into(name, &mut out);
    out
}

/// [`fold_name`] appended to `out` (a buffer a hot loop reuses).
pub fn fold_name_into(name: &str, out: &mut String) {
    let start = out.len();
    for w in words(name) {
        if out.len() > start {
            out.push(' ');
        }
        fold_word(w, out);
    }
}

/// Arabic definite articles as separate words or hyphenated prefixes.
const ARTICLES: [&str; 12] = ["al", "el", "as", "ad", "an", "ar", "at", "az", "ash", "adh", "ul", "il"];

/// Words that name the kind of area rather than the area ("Diyala Governorate").
pub const ADMIN_SUFFIXES: [&str; 10] = [
    "governorate",
    "governate",
    "province",
    "muhafazat",
    "muhafazah",
    "district",
    "qadha",
    "qada",
    "subdistrict",
    "nahiya",
];

/// Arabic words that name the kind of area before the area's name
/// ("Muhafazat Diyala", "Qada' Khanaqin", "Nahiyat Jalawla").
pub const ADMIN_PREFIXES: [&str; 6] = ["muhafazat", "muhafazah", "qada", "qadha", "nahiyat", "nahiyah"];

/// True when a folded word is an Arabic article.
pub fn is_article(folded: &str) -> bool {
    ARTICLES.contains(&folded) || folded == "\u{0627}\u{0644}"
}

/// Applies the transliteration folds to one folded word.
pub fn loose_word(folded: &str, out: &mut String) {
    // Strip an attached Arabic-script article (ال...) on longer words.
    if folded.is_ascii() {
        loose_ascii(folded.as_bytes(), out);
        return;
    }
    let w = folded.strip_prefix("\u{0627}\u{0644}").filter(|rest| rest.chars().count() >= 2).unwrap_or(folded);
    let chars: Vec<char> = w.chars().collect();
    let start = out.len();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let (emit, skip) = match (c, next) {
            ('o', Some('u')) | ('o', Some('o')) => ('u', 2),
            ('e', Some('e')) => ('i', 2),
            ('d', Some('h')) => ('d', 2),
            ('q', _) => ('k', 1),
            _ => (c, 1),
        };
        // Collapse doubled letters ("Tall" -> "tal", "Muqdadiyyah" -> "mukdadiyah").
        if !out[start..].ends_with(emit) || !emit.is_alphabetic() {
            out.push(emit);
        }
        i += skip;
    }
    // A final "h" after a vowel is silent in transliteration: -ah, -eh, -iyah.
    let tail = &out[start..];
    if tail.chars().count() > 3 && (tail.ends_with("ah") || tail.ends_with("eh")) {
        out.pop();
        if out.ends_with('e') {
            out.pop();
            out.push('a');
        }
    }
}

/// [`loose_word`] for an ASCII word, byte by byte (no `Vec<char>`): the
/// same folds, so the same keys.
fn loose_ascii(w: &[u8], out: &mut String) {
    let mut buf = [0u8; 64];
    let mut tmp: Vec<u8>;
    let dst: &mut [u8] = if w.len() <= buf.len() {
        &mut buf[..]
    } else {
        tmp = vec![0u8; w.len()];
        &mut tmp[..]
    };
    let mut n = 0;
    let mut i = 0;
    while i < w.len() {
        let c = w[i];
        let next = w.get(i + 1).copied();
        let (emit, skip) = match (c, next) {
            (b'o', Some(b'u')) | (b'o', Some(b'o')) => (b'u', 2),
            (b'e', Some(b'e')) => (b'i', 2),
            (b'd', Some(b'h')) => (b'd', 2),
            (b'q', _) => (b'k', 1),
            _ => (c, 1),
        };
        if n == 0 || dst[n - 1] != emit || !emit.is_ascii_alphabetic() {
            dst[n] = emit;
            n += 1;
        }
        i += skip;
    }
    let tail = &dst[..n];
    if n > 3 && (tail.ends_with(b"ah") || tail.ends_with(b"eh")) {
        n -= 1;
        if dst[n - 1] == b'e' {
            dst[n - 1] = b'a';
        }
    }
    // ASCII in, ASCII out.
    out.push_str(std::str::from_utf8(&dst[..n]).unwrap_or_default());
}

/// The lookup key of a name: folded, articles and admin suffixes dropped,
/// transliteration variants folded. Empty when nothing is left.
pub fn loose_key(name: &str) -> String {
    let mut folded: Vec<String> = Vec::new();
    for w in words(name) {
        let mut f = String::new();
        fold_word(w, &mut f);
        folded.push(f);
    }
    // Admin suffixes only at the end, and never the whole name.
    while folded.len() > 1 && folded.last().is_some_and(|w| ADMIN_SUFFIXES.contains(&w.as_str())) {
        folded.pop();
    }
    // Admin prefixes only at the start, and never the whole name.
    while folded.len() > 1 && ADMIN_PREFIXES.contains(&folded[0].as_str()) {
        folded.remove(0);
    }
    let mut out = String::with_capacity(name.len());
    let n = folded.len();
    for (i, w) in folded.iter().enumerate() {
        // Drop an article word unless it is the last word ("Al" alone stays).
        if i + 1 < n && is_article(w) {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        loose_word(w, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_diacritics_apostrophes() {
        assert_eq!(fold_name("Tall ‘Afar"), "tall afar");
        assert_eq!(fold_name("Ţūz  Khūrmātū"), "tuz khurmatu");
        assert_eq!(fold_name("Ba'qūbah"), "baqubah");
        assert_eq!(fold_name("Deir ez-Zor"), "deir ez zor");
    }

    #[test]
    fn loose_keys_unify_news_spellings() {
        assert_eq!(loose_key("Baquba"), loose_key("Baqubah"));
        assert_eq!(loose_key("Ba‘qūbah"), loose_key("Baqubah"));
        assert_eq!(loose_key("Makhmour"), loose_key("Makhmur"));
        assert_eq!(loose_key("Tal Afar"), loose_key("Tall ‘Afar"));
        assert_eq!(loose_key("Tal-Afar"), loose_key("Tal Afar"));
        assert_eq!(loose_key("Al-Khalis"), loose_key("Khalis"));
        assert_eq!(loose_key("al Anbar"), "anbar");
        assert_eq!(loose_key("Diyala Governorate"), "diyala");
        assert_eq!(loose_key("Anbar Province"), "anbar");
        assert_eq!(loose_key("Dhi Qar"), "di kar");
        assert_eq!(loose_key("Muqdadiyah"), loose_key("Muqdadiyyah"));
    }

    #[test]
    fn lone_words_survive() {
        assert_eq!(loose_key("Province"), "province");
        assert_eq!(loose_key("Al"), "al");
        assert_eq!(loose_key(""), "");
    }

    #[test]
    fn arabic_script_variants() {
        // بعقوبة vs بعقوبه (teh marbuta vs heh).
        assert_eq!(loose_key("بعقوبة"), loose_key("بعقوبه"));
        // The attached article is dropped: الأنبار ~ انبار.
        assert_eq!(loose_key("الأنبار"), loose_key("انبار"));
    }

    #[test]
    fn key_is_wordwise() {
        let whole = loose_key("Jurf al-Nasr");
        let parts: Vec<String> = ["Jurf", "Nasr"].iter().map(|w| loose_key(w)).collect();
        assert_eq!(whole, parts.join(" "));
    }

    #[test]
    fn every_apostrophe_folds_away() {
        for a in ["'", "\u{2019}", "\u{2018}", "\u{02BF}", "\u{02BE}", "`"] {
            assert_eq!(fold_name(&format!("Ba{a}qubah")), "baqubah", "{a:?}");
            assert_eq!(loose_key(&format!("Jalawla{a}")), loose_key("Jalawla"), "{a:?}");
        }
    }

    #[test]
    fn hyphens_and_spaces_are_one_separator() {
        assert_eq!(fold_name("Deir-ez-Zor"), fold_name("Deir ez  Zor"));
        assert_eq!(loose_key("Tuz-Khurmatu"), loose_key("Tuz Khurmatu"));
    }

    #[test]
    fn every_arabic_article_drops() {
        for art in ["al", "el", "as", "ad", "an", "ar", "at", "az", "Al", "EL"] {
            assert_eq!(loose_key(&format!("{art}-Zawra")), "zawra", "{art}");
            assert_eq!(loose_key(&format!("Jurf {art}-Nasr")), "jurf nasr", "{art}");
        }
    }

    #[test]
    fn admin_words_drop_at_either_end() {
        assert_eq!(loose_key("Muhafazat Diyala"), "diyala");
        assert_eq!(loose_key("Muhafazat al Anbar"), "anbar");
        assert_eq!(loose_key("Qada' Khanaqin"), loose_key("Khanaqin"));
        assert_eq!(loose_key("Khanaqin District"), loose_key("Khanaqin"));
        assert_eq!(loose_key("Diyala Governate"), "diyala");
        assert_eq!(loose_key("Anbar province"), "anbar");
        assert_eq!(loose_key("Muhafazat"), "muhafazat");
    }

    #[test]
    fn transliteration_variants_share_keys() {
        let same = [
            ("Makhmour", "Makhmur"),
            ("Makhmoor", "Makhmur"),
            ("Khanaqeen", "Khanaqin"),
            ("Iraq", "Irak"),
            ("Dhuluiya", "Duluiya"),
            ("Tall Afar", "Tal Afar"),
            ("Muqdadiyyah", "Muqdadiya"),
            ("Baqubeh", "Baquba"),
        ];
        for (a, b) in same {
            assert_eq!(loose_key(a), loose_key(b), "{a} ~ {b}");
        }
        // Different places stay apart.
        assert_ne!(loose_key("Mosul"), loose_key("Musayyib"));
        assert_ne!(loose_key("Tikrit"), loose_key("Tarmiyah"));
    }
}
