//! The frame of a capitalised name: the words around it that make it a
//! place ("in", "near", "north of", "province", "police station") or not (a
//! title before it, a longer capitalised name, an ordinary word), and the
//! names the gazetteer lacks that such a frame still makes places.

use super::mention::{Mention, MentionKind, Relation};
use super::tokens::{LowercaseWords, Token};
use super::words::flag;
use crate::gazetteer::PlaceRef;
use crate::gazetteer::fold::is_article;

/// Is token `i` followed by a capitalised word of the same name: joined to it,
/// not starting a sentence, and not a noun that says what `i` is ("Central
/// province")?
pub(super) fn begins_longer_name(toks: &[Token], i: usize) -> bool {
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

/// What surrounds tokens i..=j.
pub(super) struct Context<'t> {
    pub(super) locative: bool,
    pub(super) near: bool,
    pub(super) direction: Option<(usize, &'t str)>,
    pub(super) admin_noun: Option<&'t str>,
    pub(super) site_noun: Option<&'t str>,
    pub(super) noun_words: usize,
    pub(super) after_title: bool,
    /// A locative word directly before the name (no "the").
    pub(super) direct_locative: bool,
    /// A lower-case place noun and "of" before the name ("the town of").
    pub(super) noun_of: bool,
    /// A capitalised word follows that is not a place noun.
    pub(super) in_name: bool,
    /// The direction is capitalised mid-sentence ("East Bank"): maybe part of the name.
    pub(super) direction_in_name: bool,
}

impl<'t> Context<'t> {
    pub(super) fn at(toks: &[Token<'t>], i: usize, j: usize) -> Context<'t> {
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
        // "in the Akashat area", "in a Ramallah house": the article goes.
        let skip_the = matches!(w1, "the" | "a" | "an");
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
        // A title before a name makes it a person's: "Gen. Patton", and in
        // lower case the roles that are never ordinary adjectives
        // ("spokesman Zalmai Ayobi", "governor Osama al-Tounsi").
        let after_title = before(1).is_some_and(|t| t.is(flag::TITLES) && (t.cap || is_role(t.lower)));
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
        let mut noun_of = false;
        if admin_noun.is_none() && site_noun.is_none() && lw == "of" && noun_before_of {
            if lw_prev_f & flag::ADMIN_NOUNS != 0 {
                admin_noun = Some(lw_prev);
                noun_of = true;
            } else if lw_prev_f & flag::SITE_NOUNS != 0 {
                site_noun = Some(lw_prev);
                noun_of = true;
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
            noun_of,
            in_name,
            direction_in_name,
        }
    }

    pub(super) fn framed(&self) -> bool {
        self.locative || self.admin_noun.is_some() || self.site_noun.is_some() || self.direction.is_some()
    }
}

/// Lower-case titles that precede a person's name and are not also
/// ordinary adjectives or nouns before a place ("a major Baghdad
/// hospital", "the chief Kabul market").
fn is_role(w: &str) -> bool {
    matches!(
        w,
        "spokesman"
            | "spokeswoman"
            | "spokesperson"
            | "governor"
            | "commander"
            | "mayor"
            | "colonel"
            | "sergeant"
            | "ayatollah"
            | "senator"
            | "ambassador"
            | "emir"
            | "mullah"
    )
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

pub(super) fn accept(toks: &[Token], i: usize, j: usize, ctx: &Context, lowercase_words: &LowercaseWords) -> bool {
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
    // Not after a possessive: "Iraq's Mosul", "Baghdad's Rusafa district"
    // name the place the possessor holds.
    if let Some(p) = i.checked_sub(1).map(|k| &toks[k]).filter(|p| !p.possessive) {
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
    // right before it ("in Reading") or a place noun and "of" ("the town of
    // Hit", "the city of Mobile"); "at the University" is not a place.
    if single && first.is(flag::COMMON) && !ctx.direct_locative && !ctx.noun_of {
        return false;
    }
    // (A framed name needs no look for the word in lower case.)
    if single && !ctx.framed() && lowercase_words.contains(w0) {
        return false;
    }
    if single && first.sentence_initial && !ctx.framed() {
        // A sentence-initial capital says nothing; an ordinary English word
        // there is not a place ("Reading the report...", "Mobile phones").
        // (A word the document also writes in lower case was refused above.)
        if first.is(flag::COMMON) {
            return false;
        }
    }
    true
}

#[allow(clippy::too_many_arguments)]
pub(super) fn make_mention(
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
        spelled: Vec::new(),
        candidates,
        primary,
        in_name: ctx.in_name,
    }
}

/// Capitalised names the gazetteer does not know, in a frame that makes them
/// places: "in the Akashat area", "the village of Zaghniya", "on Zaghniya
/// police station in Diyala province".
pub(super) fn unknown_mentions(
    text: &str,
    toks: &[Token],
    known: &[Mention],
    lowercase_words: &LowercaseWords,
) -> Vec<Mention> {
    let known = super::mention::Spans::new(known.iter().map(|m| (m.start, m.end)));
    let covered = |t: &Token| known.overlaps(t.start, t.end);
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
        // A name that opens a sentence is never taken: no frame to read.
        if j - i >= 3 || toks[i].sentence_initial {
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
        if (of_frame || noun_frame) && !ctx.after_title {
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
                spelled: Vec::new(),
                in_name: false,
            });
        }
        i = j + 1;
    }
    out
}
