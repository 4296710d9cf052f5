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

use std::collections::HashSet;

use foldhash::fast::FixedState;

use super::tokens::{LowerText, Token, tokenize};
use super::vocab::{Vocab, Walk, WordId};
use super::words::{flag, is_in};
use crate::gazetteer::fold::is_article;
use crate::gazetteer::{Gazetteer, PlaceRef};

/// Longest name, in words, that the spotter tries.
const MAX_WORDS: usize = 6;

/// What kind of mention this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MentionKind {
    /// A name the gazetteer knows.
    Gazetteer,
    /// A capitalised name in a locative frame that the gazetteer does not know.
    Unknown,
    /// A demonym standing for its country ("Iraqi", "Syrians"): a place
    /// reference, never where an event happened.
    Demonym,
}

/// How the text relates the event to the place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relation {
    /// In or at the place.
    At,
    /// Near it: "near X", "outside X", "north of X", "20 km from X".
    Near,
    /// A part of it: "northern Diyala", "western Anbar".
    Part(String),
}

/// One place name found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// Byte offset of the whole mention, qualifier included ("northern Diyala").
    pub start: usize,
    /// Byte offset just past the mention.
    pub end: usize,
    /// Byte offset of the name itself ("Diyala").
    pub name_start: usize,
    /// Byte offset just past the name.
    pub name_end: usize,
    /// The name as written.
    pub name: String,
    /// Its lookup key.
    pub key: String,
    /// Known to the gazetteer or not.
    pub kind: MentionKind,
    /// At, near, or a part of the place.
    pub relation: Relation,
    /// An admin noun right after the name ("province", "governorate").
    pub admin_noun: Option<String>,
    /// A site noun right after the name ("area", "police station", "border").
    pub site_noun: Option<String>,
    /// A locative word precedes it ("in", "near", "outside").
    pub locative: bool,
    /// Index (in the returned list) of the mention the text places this one
    /// in: "Zaghniya ... in Diyala province", "Khanaqin, Diyala".
    pub enclosing: Option<usize>,
    /// Gazetteer entries with this name, most specific layer first.
    pub candidates: Vec<PlaceRef>,
    /// For each candidate: the name is its primary (or ASCII) name, not an alternate.
    pub primary: Vec<bool>,
    /// A capitalised word follows, so the name may be part of a longer one
    /// ("Georgia Bureau of Investigation", "Jordan Peterson"): the resolver
    /// keeps it only for a prominent place.
    pub in_name: bool,
}

/// Buffers `longest_match` reuses from word to word.
#[derive(Default)]
struct Scratch {
    /// Loose keys of the words of the current walk, back to back.
    pieces: String,
    /// (token index, range in `pieces`, word id) of each word of the walk.
    spans: Vec<(usize, usize, usize, WordId)>,
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

/// Which capitalised words of a document (lower-cased) it also writes in
/// lower case. Asked a few times per document, mostly about names it never
/// writes in lower case: a bit filter on (length, first and last byte) of
/// its lower-case words answers those; the rest scan a short document or
/// ask a set built, for a long one, on the first such question.
struct LowercaseWords<'a, 't> {
    toks: &'a [Token<'t>],
    filter: [u64; 16],
    set: std::cell::OnceCell<HashSet<&'t str, FixedState>>,
}

/// Up to this many tokens, [`LowercaseWords`] scans instead of hashing.
const SCAN_TOKENS: usize = 256;

impl<'a, 't> LowercaseWords<'a, 't> {
    fn new(toks: &'a [Token<'t>]) -> Self {
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
    fn contains(&self, w: &str) -> bool {
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
}

thread_local! {
    /// This thread's spotting buffers, kept for its next document (beside
    /// its word table, which knows nothing of them).
    static BUFFERS: std::cell::Cell<Buffers> = std::cell::Cell::default();
}

fn spot_with(gaz: &Gazetteer, vocab: &mut Vocab, text: &str, from: usize) -> Vec<Mention> {
    let Buffers { mut lower_text, mut scratch } = BUFFERS.take();
    let mentions = spot_into(gaz, vocab, text, from, &mut lower_text, &mut scratch);
    // A huge document's copy is not kept for the thread's lifetime.
    if lower_text.capacity() <= KEEP_BUFFER_BYTES {
        BUFFERS.set(Buffers { lower_text, scratch });
    }
    mentions
}

fn spot_into(
    gaz: &Gazetteer,
    vocab: &mut Vocab,
    text: &str,
    from: usize,
    lower_text: &mut LowerText,
    scratch: &mut Scratch,
) -> Vec<Mention> {
    let toks = tokenize(text, from, lower_text);
    let lowercase_words = LowercaseWords::new(&toks);
    let mut mentions: Vec<Mention> = Vec::with_capacity(8);
    let mut persons: HashSet<String, FixedState> = HashSet::default();
    // Abbreviations first ("U.S.", "W.Va."): their letters are not words.
    for (s, e, r) in super::names::find_abbreviations_at(text, toks.iter().filter(|t| t.cap).map(|t| t.start)) {
        let candidates = referent_refs(gaz, r);
        if candidates.is_empty() {
            continue;
        }
        mentions.push(referent_mention(text, s, e, r, candidates, MentionKind::Gazetteer));
    }
    let covered: Vec<(usize, usize)> = mentions.iter().map(|m| (m.start, m.end)).collect();
    let demonyms = super::names::demonym_index();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if covered.iter().any(|(s, e)| t.start < *e && *s < t.end) {
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
        let ordinary = i == j && (t.is(flag::COMMON) || lowercase_words.contains(t.lower));
        if ctx.direction_in_name && ordinary && !ctx.after_title {
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
        if accept(&toks, i, j, &ctx, &lowercase_words) {
            let (candidates, primary) = match postings {
                Some(off) => gaz.refs_at(0, off).unzip(),
                None => gaz.refs_for_key(&key).into_iter().unzip(),
            };
            mentions.push(make_mention(text, &toks, i, j, key, MentionKind::Gazetteer, (candidates, primary), &ctx));
            i = j + 1 + ctx.noun_words;
        } else {
            if i == j && (ctx.after_title || follows_given_name(&toks, i)) {
                persons.insert(toks[i].lower.to_string());
            }
            i = j + 1;
        }
    }
    // A word this document uses as a person's name ("Mr. Jones", "Bob
    // Jones") is a name everywhere in it, unless a locative frames it.
    mentions.retain(|m| {
        if persons.is_empty() {
            return true;
        }
        let single = !m.name.contains(|c: char| c.is_whitespace() || c == '-');
        !(single && m.kind == MentionKind::Gazetteer && persons.contains(&m.name.to_lowercase()) && !m.locative)
    });
    mentions.extend(unknown_mentions(text, &toks, &mentions, &lowercase_words));
    mentions.sort_by_key(|m| m.start);
    link_enclosing(text, &mut mentions);
    inherit_locative(text, &mut mentions);
    mentions
}

/// Is token `i` followed by a capitalised word of the same name: joined to it,
/// not starting a sentence, and not a noun that says what `i` is ("Central
/// province")?
fn begins_longer_name(toks: &[Token], i: usize) -> bool {
    toks.get(i + 1).is_some_and(|n| {
        n.joined
            && n.cap
            && !n.sentence_initial
            && !n.is(flag::ADMIN_NOUNS)
            && !n.is(flag::SITE_NOUNS)
            && !n.is(flag::DIRECTIONS)
            && !n.is(flag::CALENDAR)
    })
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

/// "Bob Jones": a capitalised word that is not a place word right before.
fn follows_given_name(toks: &[Token], i: usize) -> bool {
    i > 0 && toks[i].joined && {
        let p = &toks[i - 1];
        p.cap
            && !p.all_caps
            && !p.is(flag::COMMON)
            && !p.is(flag::DIRECTIONS)
            && !p.is(flag::LOCATIVE)
            && p.lower.chars().count() > 2
    }
}

/// What surrounds tokens i..=j.
struct Context<'t> {
    locative: bool,
    near: bool,
    direction: Option<(usize, &'t str)>,
    admin_noun: Option<&'t str>,
    site_noun: Option<&'t str>,
    noun_words: usize,
    after_title: bool,
    /// A locative word directly before the name (no "the").
    direct_locative: bool,
    /// A capitalised word follows that is not a place noun.
    in_name: bool,
    /// The direction is capitalised mid-sentence ("East Bank"): maybe part of the name.
    direction_in_name: bool,
}

impl<'t> Context<'t> {
    fn at(toks: &[Token<'t>], i: usize, j: usize) -> Context<'t> {
        let prev = |k: usize| -> Option<&Token> { i.checked_sub(k).map(|x| &toks[x]) };
        let mut direction = None;
        let mut direction_in_name = false;
        let mut lead = i;
        if let Some(p) = prev(1) {
            if p.is(flag::DIRECTIONS) && toks[i].joined {
                direction = Some((p.start, p.lower));
                direction_in_name = p.cap && !p.sentence_initial;
                lead = i - 1;
            }
        }
        let before = |k: usize| -> Option<&Token> { lead.checked_sub(k).map(|x| &toks[x]) };
        // "in", "in the", "near the", "north of", "outskirts of".
        let word = |k: usize| before(k).map_or(("", 0), |t| (t.lower, t.word_flags()));
        let (w1, f1) = word(1);
        let skip_the = w1 == "the";
        let ((lw, lw_f), (lw_prev, lw_prev_f)) = if skip_the { (word(2), word(3)) } else { ((w1, f1), word(2)) };
        let near = matches!(lw, "near" | "outside" | "outskirts" | "around")
            || (lw == "of"
                && (lw_prev_f & flag::DIRECTIONS != 0
                    || matches!(lw_prev, "outskirts" | "north" | "south" | "east" | "west")))
            || (lw == "from" && matches!(lw_prev, "km" | "kilometres" | "kilometers" | "miles"));
        let locative = near
            || lw_f & flag::LOCATIVE != 0
            || (lw == "of"
                && (lw_prev_f & flag::SITE_NOUNS != 0
                    || lw_prev_f & flag::ADMIN_NOUNS != 0
                    || matches!(lw_prev, "provinces" | "towns" | "villages" | "countryside" | "parts")));
        let after_title = before(1).is_some_and(|t| t.is(flag::TITLES) && t.cap);
        // Nouns after the name: "Diyala province", "Zaghniya police station".
        let mut admin_noun = None;
        let mut site_noun = None;
        let mut noun_words = 0;
        for k in 1..=2 {
            let Some(n) = toks.get(j + k) else { break };
            if !n.joined {
                break;
            }
            if k == 1 && n.is(flag::ADMIN_NOUNS) {
                admin_noun = Some(n.lower);
                noun_words = 1;
                break;
            }
            if n.is(flag::SITE_NOUNS) {
                site_noun = Some(n.lower);
                break;
            }
            if n.cap {
                break;
            }
        }
        // "the province of Ontario", "the state of Washington", "the city
        // of Mosul": the noun before "of" frames the name as it would after
        // ("Department of Agriculture", capitalised, names an office).
        let noun_before_of = before(if skip_the { 3 } else { 2 }).is_some_and(|t| !t.cap);
        if admin_noun.is_none() && site_noun.is_none() && lw == "of" && noun_before_of {
            if lw_prev_f & flag::ADMIN_NOUNS != 0 {
                admin_noun = Some(lw_prev);
            } else if lw_prev_f & flag::SITE_NOUNS != 0 {
                site_noun = Some(lw_prev);
            }
        }
        let direct_locative = !skip_the && (f1 & flag::LOCATIVE != 0 || near);
        let in_name = begins_longer_name(toks, j) && admin_noun.is_none() && site_noun.is_none() && !locative;
        Context {
            locative,
            near,
            direction,
            admin_noun,
            site_noun,
            noun_words,
            after_title,
            direct_locative,
            in_name,
            direction_in_name,
        }
    }

    fn framed(&self) -> bool {
        self.locative || self.admin_noun.is_some() || self.site_noun.is_some() || self.direction.is_some()
    }
}

/// Context rules for a gazetteer match over tokens i..=j.
fn is_contraction(w: &str) -> bool {
    [
        "'ve",
        "'re",
        "'ll",
        "'d",
        "'m",
        "'t",
        "\u{2019}ve",
        "\u{2019}re",
        "\u{2019}ll",
        "\u{2019}d",
        "\u{2019}m",
        "\u{2019}t",
    ]
    .iter()
    .any(|c| w.ends_with(c))
}

fn accept(toks: &[Token], i: usize, j: usize, ctx: &Context, lowercase_words: &LowercaseWords) -> bool {
    let first = &toks[i];
    let single = i == j;
    if ctx.after_title {
        return false;
    }
    // Acronyms (ISIS, PMF, HRW) are organisations, not places, unless framed.
    // A dateline ("CHARLESTON, W.Va. --") opens a paragraph in capitals.
    let dateline = first.all_caps && first.sentence_initial && first.lower.chars().count() >= 4;
    if single && first.all_caps && first.lower.len() > 2 && !ctx.framed() && !dateline {
        return false;
    }
    if single && first.lower.chars().count() < 3 && !first.all_caps {
        return false;
    }
    // Part of a longer capitalised name: "Human Rights Watch", "Abu Hamza".
    if let Some(p) = i.checked_sub(1).map(|k| &toks[k]) {
        if toks[i].joined && p.cap && !p.sentence_initial && !p.is(flag::DIRECTIONS) {
            return false;
        }
        if toks[i].joined
            && p.cap
            && p.sentence_initial
            && !p.is(flag::COMMON)
            && !p.is(flag::DIRECTIONS)
            && !p.is(flag::LOCATIVE)
        {
            return false;
        }
    }
    // "Hammam al-Alil": an article and a capitalised word continue the name.
    if let (Some(a), Some(b)) = (toks.get(j + 1), toks.get(j + 2)) {
        if a.joined && b.joined && is_article(a.lower) && b.cap {
            return false;
        }
    }
    let w0 = first.lower;
    if single && (first.is(flag::TITLES) || is_contraction(w0)) {
        return false;
    }
    // An ordinary word that is also some town's name needs a locative word
    // right before it ("in Reading"); "at the University" is not a place.
    if single && first.is(flag::COMMON) && !ctx.direct_locative {
        return false;
    }
    let common = single && lowercase_words.contains(w0);
    if common && !ctx.framed() {
        return false;
    }
    if single && first.sentence_initial && !ctx.framed() {
        // A sentence-initial capital says nothing; an ordinary English word
        // there is not a place ("Reading the report...", "Mobile phones").
        if first.is(flag::COMMON) || lowercase_words.contains(w0) {
            return false;
        }
    }
    true
}

#[allow(clippy::too_many_arguments)]
fn make_mention(
    text: &str,
    toks: &[Token],
    i: usize,
    j: usize,
    key: String,
    kind: MentionKind,
    (candidates, primary): (Vec<PlaceRef>, Vec<bool>),
    ctx: &Context,
) -> Mention {
    let name_start = toks[i].start;
    let name_end = toks[j].end;
    let (start, relation) = match &ctx.direction {
        Some((s, dir)) => (*s, Relation::Part(dir.to_string())),
        None if ctx.near => (name_start, Relation::Near),
        None => (name_start, Relation::At),
    };
    Mention {
        start,
        end: name_end,
        name_start,
        name_end,
        name: text[name_start..name_end].to_string(),
        key,
        kind,
        relation,
        admin_noun: ctx.admin_noun.map(str::to_string),
        site_noun: ctx.site_noun.map(str::to_string),
        locative: ctx.locative,
        enclosing: None,
        candidates,
        primary,
        in_name: ctx.in_name,
    }
}

/// Capitalised names the gazetteer does not know, in a frame that makes them
/// places: "in the Akashat area", "the village of Zaghniya", "on Zaghniya
/// police station in Diyala province".
fn unknown_mentions(text: &str, toks: &[Token], known: &[Mention], lowercase_words: &LowercaseWords) -> Vec<Mention> {
    let covered = |t: &Token| known.iter().any(|m| t.start < m.end && m.start < t.end);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let startable = t.cap
            && !t.all_caps
            && !covered(t)
            && !t.is(flag::CALENDAR)
            && !t.is(flag::TITLES)
            && !t.is(flag::COMMON)
            && !t.is(flag::DIRECTIONS)
            && !lowercase_words.contains(t.lower)
            && !t.lower.chars().all(|c| c.is_ascii_digit());
        if !startable {
            i += 1;
            continue;
        }
        // Extend over joined capitalised words (and inner articles).
        let mut j = i;
        while j + 1 < toks.len() && toks[j + 1].joined && !covered(&toks[j + 1]) {
            let n = &toks[j + 1];
            let article_then_cap = is_article(n.lower) && toks.get(j + 2).is_some_and(|m| m.joined && m.cap);
            if (n.cap && !n.is(flag::COMMON) && !n.is(flag::SITE_NOUNS) && !n.is(flag::ADMIN_NOUNS)) || article_then_cap
            {
                j += if article_then_cap { 2 } else { 1 };
            } else {
                break;
            }
        }
        if j - i >= 3 {
            i = j + 1;
            continue;
        }
        let ctx = Context::at(toks, i, j);
        // "the village of X", "the town of X".
        let of_frame = i >= 2
            && toks[i - 1].lower == "of"
            && matches!(
                toks[i - 2].lower,
                "village"
                    | "town"
                    | "city"
                    | "area"
                    | "district"
                    | "neighbourhood"
                    | "neighborhood"
                    | "region"
                    | "outskirts"
            );
        let noun_frame = ctx.locative && (ctx.site_noun.is_some() || ctx.admin_noun.is_some());
        if (of_frame || noun_frame) && !ctx.after_title && !toks[i].sentence_initial {
            let name_start = toks[i].start;
            let name_end = toks[j].end;
            let key = crate::gazetteer::fold::loose_key(&text[name_start..name_end]);
            out.push(Mention {
                start: name_start,
                end: name_end,
                name_start,
                name_end,
                name: text[name_start..name_end].to_string(),
                key,
                kind: MentionKind::Unknown,
                relation: if ctx.near { Relation::Near } else { Relation::At },
                admin_noun: ctx.admin_noun.map(str::to_string),
                site_noun: ctx.site_noun.map(str::to_string),
                locative: true,
                enclosing: None,
                candidates: Vec::new(),
                primary: Vec::new(),
                in_name: false,
            });
        }
        i = j + 1;
    }
    out
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
