//! Spotting: find the place names in a text.
//!
//! One pass over the words: at each word that can start a name, the
//! gazetteer's name index (an `fst`) is walked word by word with the same
//! folding the index was built with, and the longest name that ends on a
//! word boundary wins. Context rules then separate places from other
//! capitalised words (people, organisations, months, common words that are
//! also town names), and capitalised names the gazetteer does not know are
//! still reported when the text frames them as places ("an attack on the
//! Zaghniya police station in Diyala province").
//!
//! The mention types are in `mention`, the context rules and the unknown
//! names in `frame`; this file walks the names and assembles the mentions.

use std::collections::HashSet;

use foldhash::fast::FixedState;

use super::frame::{Context, accept, begins_longer_name, make_mention, unknown_mentions};
pub use super::mention::{Mention, MentionKind, Relation};
use super::tokens::{LowerText, LowercaseWords, Token, tokenize};
use super::vocab::{Vocab, Walk, WordId};
use super::words::{flag, is_given_name, is_in};
use crate::gazetteer::index::{PRIMARY, SPELLED};
use crate::gazetteer::{Gazetteer, PlaceRef};

/// Longest name, in words, that the spotter tries.
const MAX_WORDS: usize = 6;

/// Buffers `longest_match` reuses from word to word.
#[derive(Default)]
struct Scratch {
    /// Loose keys of the words of the current walk, back to back.
    pieces: String,
    /// (token index, range in `pieces`, word id) of each word of the walk.
    spans: Vec<(usize, usize, usize, WordId)>,
    /// The posting flags of the current mention's candidates.
    flags: Vec<u32>,
}

/// The longest gazetteer name starting at token `i`.
struct Match {
    /// Index of its last token.
    last: usize,
    /// Its lookup key.
    key: String,
    /// Where the walk ended: the key's postings in the first layer, when
    /// that is the only layer (saves a second walk for the candidates).
    postings: Option<u64>,
}

fn longest_match(gaz: &Gazetteer, vocab: &mut Vocab, toks: &[Token], i: usize, sc: &mut Scratch) -> Option<Match> {
    // (last token, words of the key, postings) of the longest name so far.
    let mut best: Option<(usize, usize, Option<u64>)> = None;
    let single_layer = gaz.layers().count() == 1;
    let limit = (i + MAX_WORDS).min(toks.len());
    // The words' keys are the same for every layer: folded once, lazily.
    sc.pieces.clear();
    sc.spans.clear();
    let mut next_j = i;
    for (layer, (_, ix)) in gaz.layers().enumerate() {
        let fst = ix.map().as_fst();
        let mut walk: Option<Walk> = None;
        let mut words = 0;
        loop {
            if words == sc.spans.len() {
                // Key of the next word of the name, skipping inner articles.
                let mut added = false;
                while next_j < limit {
                    let j = next_j;
                    let t = &toks[j];
                    if j > i && !t.joined {
                        next_j = limit;
                        break;
                    }
                    next_j += 1;
                    let have = sc.spans.len();
                    let id = t.word_id(vocab);
                    let w = vocab.word(id);
                    // An article inside a name is not part of its key ("Jurf
                    // al-Nasr"), nor one that opens it ("Al Anbar", "Al-Qaim").
                    if w.article && j + 1 < toks.len() && toks[j + 1].joined && (have > 0 || t.cap) {
                        continue;
                    }
                    let lo = sc.pieces.len();
                    sc.pieces.push_str(&w.key);
                    sc.spans.push((j, lo, sc.pieces.len(), id));
                    added = true;
                    break;
                }
                if !added {
                    break;
                }
            }
            let (j, lo, hi, id) = sc.spans[words];
            let piece = &sc.pieces[lo..hi];
            let stepped = match walk {
                Some(w) if words == 1 => vocab.second_walk(&w, (sc.spans[0].3, id), layer, fst),
                Some(w) => w.then(fst, piece.as_bytes()),
                None => vocab.first_walk(id, layer, fst),
            };
            let Some(w) = stepped else { break };
            walk = Some(w);
            words += 1;
            // A multi-word name must end on a capitalised word ("Sadr City",
            // not "Sadr city"); one word must be capitalised itself.
            if let Some(out) = w.final_out.filter(|_| toks[j].cap && best.is_none_or(|(last, ..)| j > last)) {
                best = Some((j, words, single_layer.then_some(out)));
            }
            if w.space.is_none() {
                break;
            }
        }
    }
    let (last, words, postings) = best?;
    let spans = &sc.spans[..words];
    let mut key = String::with_capacity(sc.pieces.len() + words);
    for (k, &(_, lo, hi, _)) in spans.iter().enumerate() {
        if k > 0 {
            key.push(' ');
        }
        key.push_str(&sc.pieces[lo..hi]);
    }
    Some(Match { last, key, postings })
}

/// Finds the place mentions in `text[from..]`, in text order.
pub fn spot(gaz: &Gazetteer, text: &str, from: usize) -> Vec<Mention> {
    Vocab::with(gaz, |vocab| spot_with(gaz, vocab, text, from))
}

/// Buffers up to this size are kept for the next document.
const KEEP_BUFFER_BYTES: usize = 1 << 20;

/// The buffers one document's spotting fills, reused by the next one.
#[derive(Default)]
struct Buffers {
    lower_text: LowerText,
    scratch: Scratch,
    /// The tokens' vector, emptied ([`recycle`]).
    tokens: Vec<Token<'static>>,
}

thread_local! {
    /// This thread's spotting buffers, kept for its next document (beside
    /// its word table, which knows nothing of them).
    static BUFFERS: std::cell::Cell<Buffers> = std::cell::Cell::default();
}

fn spot_with(gaz: &Gazetteer, vocab: &mut Vocab, text: &str, from: usize) -> Vec<Mention> {
    let Buffers { mut lower_text, mut scratch, mut tokens } = BUFFERS.take();
    let mentions = spot_into(gaz, vocab, text, from, &mut lower_text, &mut scratch, &mut tokens);
    // A huge document's copy is not kept for the thread's lifetime.
    let bytes = lower_text.capacity() + tokens.capacity() * std::mem::size_of::<Token>();
    if bytes <= KEEP_BUFFER_BYTES {
        BUFFERS.set(Buffers { lower_text, scratch, tokens });
    }
    mentions
}

/// `v`'s allocation, emptied, as a vector of tokens of another lifetime:
/// the next document's tokens reuse it instead of allocating (the
/// standard library collects a mapped `into_iter` in place when the
/// element layouts agree, as they do here).
fn recycle<'b>(mut v: Vec<Token<'_>>) -> Vec<Token<'b>> {
    v.clear();
    v.into_iter().map(|_| unreachable!("the vector is empty")).collect()
}

fn spot_into(
    gaz: &Gazetteer,
    vocab: &mut Vocab,
    text: &str,
    from: usize,
    lower_text: &mut LowerText,
    scratch: &mut Scratch,
    tokens: &mut Vec<Token<'static>>,
) -> Vec<Mention> {
    let toks = tokenize(text, from, lower_text, std::mem::take(tokens));
    let lowercase_words = LowercaseWords::new(&toks);
    let mut mentions: Vec<Mention> = super::mention::mention_vec();
    let mut persons: HashSet<String, FixedState> = HashSet::default();
    // Abbreviations first ("U.S.", "W.Va."): their letters are not words.
    for (s, e, r) in super::names::find_abbreviations_at(text, toks.iter().filter(|t| t.cap).map(|t| t.start)) {
        let candidates = referent_refs(gaz, r);
        if candidates.is_empty() {
            continue;
        }
        mentions.push(referent_mention(text, s, e, r, candidates, MentionKind::Gazetteer));
    }
    let covered = super::mention::Spans::new(mentions.iter().map(|m| (m.start, m.end)));
    let demonyms = super::names::demonym_index();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if covered.overlaps(t.start, t.end) {
            i += 1;
            continue;
        }
        // A multi-word gazetteer name wins over a demonym ("British Columbia").
        let found = if t.cap { longest_match(gaz, vocab, &toks, i, scratch) } else { None };
        let multi = found.as_ref().is_some_and(|f| f.last > i);
        if t.cap && !t.all_caps && !multi {
            // "Iraqi", "Sri Lankan": a demonym stands for its country.
            let two = toks.get(i + 1).filter(|n| n.joined && n.cap).and_then(|n| demonyms.two(t.lower, n.lower));
            let (r, last) = match two {
                Some(r) => (Some(r), i + 1),
                None => {
                    let id = t.word_id(vocab);
                    (vocab.word(id).demonym, i)
                }
            };
            if let Some(r) = r {
                let candidates = referent_refs(gaz, r);
                if !candidates.is_empty() {
                    let (s, e) = (t.start, toks[last].end);
                    mentions.push(referent_mention(text, s, e, r, candidates, MentionKind::Demonym));
                    i = last + 1;
                    continue;
                }
            }
        }
        if !t.cap || t.is(flag::CALENDAR) || t.is(flag::NEVER) {
            i += 1;
            continue;
        }
        let Some(Match { last: j, key, postings }) = found else {
            i += 1;
            continue;
        };
        let ctx = Context::at(&toks, i, j);
        if i == j && t.is(flag::DIRECTIONS) && begins_longer_name(&toks, i) {
            // "Eastern Creek", "West Prince": a direction word that some admin
            // area is named (Fiji's Eastern Division) opens a longer name.
            // A known name after it takes it as a qualifier ("Eastern
            // Ukraine"); else, or when that name is an ordinary word ("East
            // Bank"), the whole name is one the gazetteer lacks.
            let next = longest_match(gaz, vocab, &toks, i + 1, scratch);
            let n = &toks[i + 1];
            let ordinary = n.is(flag::COMMON) || lowercase_words.contains(n.lower);
            if next.is_none_or(|n| n.last == i + 1 && ordinary) {
                let k = capitalised_run_end(&toks, i + 1);
                let whole = Context::at(&toks, i, k);
                // Not when the run itself continues an earlier capitalised word.
                let continues = toks[i].joined && i > 0 && toks[i - 1].cap && !toks[i - 1].sentence_initial;
                if !ctx.after_title && !continues {
                    let mut m = make_mention(
                        text,
                        &toks,
                        i,
                        k,
                        String::new(),
                        MentionKind::Unknown,
                        Default::default(),
                        &whole,
                    );
                    m.key = crate::gazetteer::fold::loose_key(&m.name);
                    m.in_name = false;
                    mentions.push(m);
                }
                i = k + 1 + whole.noun_words;
            } else {
                i += 1;
            }
            continue;
        }
        // (Whether the word is ordinary is asked last: the least often.)
        let ordinary = || i == j && (t.is(flag::COMMON) || lowercase_words.contains(t.lower));
        if ctx.direction_in_name && !ctx.after_title && ordinary() {
            // "East Bank", "Eastern Creek": a capitalised direction before an
            // ordinary word that some town is named is a name the gazetteer
            // lacks, not a part of that town ("East Oxford", "West Africa"
            // are parts).
            let mut m = make_mention(text, &toks, i, j, key, MentionKind::Unknown, Default::default(), &ctx);
            m.relation = Relation::At;
            m.name_start = m.start;
            m.name = text[m.start..m.end].to_string();
            m.key = crate::gazetteer::fold::loose_key(&m.name);
            mentions.push(m);
            i = j + 1 + ctx.noun_words;
            continue;
        }
        // "Samra, 46, who was born near New Delhi": a name with an age is a
        // person's, here and in the rest of the document; so is a common
        // given name ("Mary Lodge", "Kristina and Tim") outside "in", "near".
        if i == j && !ctx.locative && (followed_by_an_age(text, toks[j].end) || is_given_name(t.lower)) {
            if !persons.contains(toks[i].lower) {
                persons.insert(toks[i].lower.to_string());
            }
            i = j + 1;
            continue;
        }
        // "West Nile virus", "Marburg fever": a disease named after a place.
        let disease = toks.get(j + 1).is_some_and(|n| {
            n.joined && matches!(n.lower, "virus" | "viruses" | "fever" | "flu" | "disease" | "syndrome")
        });
        // "Stevens & Wilkinson", "Procter & Gamble": a firm's name.
        if disease || (i == j && beside_an_ampersand(text, &toks, i)) {
            i = j + 1;
            continue;
        }
        if accept(&toks, i, j, &ctx, &lowercase_words) {
            // The candidates in a vector of their size, their flags in
            // scratch (the mention keeps what they say).
            let flags = &mut scratch.flags;
            flags.clear();
            let candidates: Vec<PlaceRef> = match postings {
                Some(off) => {
                    let refs = gaz.refs_at(0, off);
                    let mut candidates = Vec::with_capacity(refs.size_hint().0);
                    for (r, f) in refs {
                        candidates.push(r);
                        flags.push(f);
                    }
                    candidates
                }
                None => gaz
                    .refs_for_key(&key)
                    .into_iter()
                    .map(|(r, f)| {
                        flags.push(f);
                        r
                    })
                    .collect(),
            };
            let primary = flags.iter().map(|f| f & PRIMARY != 0).collect();
            let mut m = make_mention(text, &toks, i, j, key, MentionKind::Gazetteer, (candidates, primary), &ctx);
            m.spelled = spelled(gaz, vocab, &m, &scratch.flags);
            mentions.push(m);
            i = j + 1 + ctx.noun_words;
        } else {
            if i == j && (ctx.after_title || follows_given_name(&toks, i)) {
                persons.insert(toks[i].lower.to_string());
            }
            i = j + 1;
        }
    }
    // A word this document uses as a person's name ("Mr. Jones", "Bob
    // Jones") is a name everywhere in it, unless a locative frames it or
    // it names a country (a headline's "Rethinking Egypt" is no person).
    mentions.retain(|m| {
        if persons.is_empty() {
            return true;
        }
        let single = !m.name.contains(|c: char| c.is_whitespace() || c == '-');
        !(single
            && m.kind == MentionKind::Gazetteer
            && !m.locative
            && persons.contains(&m.name.to_lowercase())
            && !m.candidates.iter().any(|r| gaz.place(*r).is_country()))
    });
    mentions.extend(unknown_mentions(text, &toks, &mentions, &lowercase_words));
    mentions.sort_by_key(|m| m.start);
    link_enclosing(text, &mut mentions);
    inherit_locative(text, &mut mentions);
    *tokens = recycle(toks);
    mentions
}

/// Last token of the run of joined capitalised words from token `i` (at most
/// four words, stopping before place nouns).
fn capitalised_run_end(toks: &[Token], i: usize) -> usize {
    let mut k = i;
    while k + 1 < toks.len() && k + 1 < i + 3 {
        let n = &toks[k + 1];
        if n.joined && n.cap && !n.is(flag::ADMIN_NOUNS) && !n.is(flag::SITE_NOUNS) && !n.is(flag::COMMON) {
            k += 1;
        } else {
            break;
        }
    }
    k
}

/// "in Khanaqin, Jurf al-Nasr and Baiji": every item of a list after a
/// locative word is locative too.
fn inherit_locative(text: &str, mentions: &mut [Mention]) {
    for b in 1..mentions.len() {
        let a = b - 1;
        if !mentions[a].locative || mentions[b].locative {
            continue;
        }
        if listed_together(text, &mentions[a], &mentions[b]) {
            mentions[b].locative = true;
        }
    }
}

/// Are mentions `a` and `b` (in text order) items of one list: only a
/// comma, "and" or "or" (or a comma and one of them) between them?
pub(super) fn listed_together(text: &str, a: &Mention, b: &Mention) -> bool {
    let between = text.get(a.end..b.start).unwrap_or("").trim();
    matches!(between, "," | "and" | ", and" | "or" | ", or")
}

/// For each candidate of `m` (whose posting flags are `flags`): does the
/// text spell one of its names, rather than a variant that only shares its
/// key? The index flags the places with a name spelled as the key itself,
/// and lists those with a name spelled otherwise under that spelling. One
/// candidate needs no answer (empty).
fn spelled(gaz: &Gazetteer, vocab: &mut Vocab, m: &Mention, flags: &[u32]) -> Vec<bool> {
    if m.candidates.len() < 2 {
        return Vec::new();
    }
    match vocab.spelled(gaz, &m.name, &m.key) {
        None => flags.iter().map(|f| f & SPELLED != 0).collect(),
        Some(spelled) => m.candidates.iter().map(|r| spelled.contains(r)).collect(),
    }
}

/// The mention of an abbreviation ("W.Va.") or demonym ("Iraqi") at
/// `text[s..e]`, standing for the referent's entries.
fn referent_mention(
    text: &str,
    s: usize,
    e: usize,
    r: &super::names::Referent,
    candidates: Vec<PlaceRef>,
    kind: MentionKind,
) -> Mention {
    Mention {
        start: s,
        end: e,
        name_start: s,
        name_end: e,
        name: text[s..e].to_string(),
        key: crate::gazetteer::fold::loose_key(&r.name),
        kind,
        relation: Relation::At,
        admin_noun: None,
        site_noun: None,
        locative: false,
        enclosing: None,
        primary: vec![true; candidates.len()],
        spelled: Vec::new(),
        candidates,
        in_name: false,
    }
}

/// The country or admin-1 entries an abbreviation or demonym stands for.
fn referent_refs(gaz: &Gazetteer, r: &super::names::Referent) -> Vec<PlaceRef> {
    gaz.refs_for_key(&crate::gazetteer::fold::loose_key(&r.name))
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| {
            let place = gaz.place(*p);
            place.country == r.country && if r.is_country { place.is_country() } else { place.is_admin1() }
        })
        .collect()
}

/// "Bob Jones", "Tyrise M. Bell": a capitalised word that is not a place
/// word right before, or such a word and a middle initial.
fn follows_given_name(toks: &[Token], i: usize) -> bool {
    let given = |p: &Token| {
        p.cap
            && !p.all_caps
            && !p.is(flag::COMMON)
            && !p.is(flag::DIRECTIONS)
            && !p.is(flag::LOCATIVE)
            && p.lower.chars().count() > 2
    };
    let initial = |p: &Token| p.cap && p.lower.chars().count() == 1;
    i > 0
        && toks[i].joined
        && (given(&toks[i - 1]) || (i > 1 && initial(&toks[i - 1]) && toks[i - 1].joined && given(&toks[i - 2])))
}

/// Is token `i` one side of "X & Y", both capitalised?
fn beside_an_ampersand(text: &str, toks: &[Token], i: usize) -> bool {
    let amp = |a: &Token, b: &Token| a.cap && b.cap && text.get(a.end..b.start) == Some(" & ");
    toks.get(i + 1).is_some_and(|n| amp(&toks[i], n)) || (i > 0 && amp(&toks[i - 1], &toks[i]))
}

/// ", 46,": an age in apposition right after a name.
fn followed_by_an_age(text: &str, end: usize) -> bool {
    let Some(rest) = text.get(end..).and_then(|r| r.strip_prefix(", ")) else { return false };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    (1..=3).contains(&digits) && rest.as_bytes().get(digits) == Some(&b',')
}

/// Links "X in Y", "X, Y", "X area of Y", "X police station in Y province":
/// Y encloses X when only connecting words stand between them.
fn link_enclosing(text: &str, mentions: &mut [Mention]) {
    let mut lower = String::new();
    for a in 0..mentions.len() {
        let Some(b) = (a + 1 < mentions.len()).then_some(a + 1) else { continue };
        let Some(between) = text.get(mentions[a].end..mentions[b].start) else { continue };
        let breaks = |b: &u8| matches!(b, b'.' | b';' | b'\n' | b'(' | b')' | b'"');
        if between.len() > 60 || between.as_bytes().iter().any(breaks) || between.contains('\u{201C}') {
            continue;
        }
        // "Baghdad's Rusafa district": the possessor encloses the possessed.
        if matches!(between, "'s " | "\u{2019}s ") {
            mentions[b].enclosing = Some(a);
            // "a market in Baghdad's Rusafa district": what lay in the
            // possessor lies in the possessed part of it.
            for m in mentions[..a].iter_mut().filter(|m| m.enclosing == Some(a)) {
                m.enclosing = Some(b);
            }
            continue;
        }
        // "Khanaqin, Diyala"; but ", in Jurf al-Nasr" is a list, not a container.
        let comma_only = between.trim() == ",";
        let via_in = !between.contains(',') && {
            // "X in Diyala province", "the Zaghniya police station in
            // Diyala": an "in" or "of", and only words that can stand
            // between a place and its container.
            let mut in_or_of = false;
            let mut connective = true;
            for w in between.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
                lower.clear();
                if w.is_ascii() {
                    lower.push_str(w);
                    lower.make_ascii_lowercase();
                } else {
                    lower.push_str(&w.to_lowercase());
                }
                let w = lower.as_str();
                in_or_of |= matches!(w, "in" | "of");
                connective = matches!(w, "in" | "of" | "the" | "near" | "inside" | "within")
                    || is_in(flag::SITE_NOUNS, w)
                    || is_in(flag::ADMIN_NOUNS, w)
                    || matches!(w, "police" | "army" | "security" | "local" | "small" | "nearby");
                if !connective {
                    break;
                }
            }
            in_or_of && connective
        };
        if comma_only || via_in {
            mentions[a].enclosing = Some(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recycled_tokens_keep_their_allocation() {
        let mut buf = LowerText::default();
        let toks = tokenize("Gunmen attacked Khanaqin, Diyala", 0, &mut buf, Vec::new());
        assert_eq!(toks.len(), 4);
        let (at, capacity) = (toks.as_ptr() as usize, toks.capacity());
        let v: Vec<Token<'static>> = recycle(toks);
        assert_eq!((v.as_ptr() as usize, v.capacity(), v.len()), (at, capacity, 0));
    }
}
