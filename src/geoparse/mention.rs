//! Mentions: the place names the spotter finds, as the resolver and the
//! extractor read them.

use crate::gazetteer::PlaceRef;

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
    /// For each candidate: the text spells one of its names (case,
    /// diacritics and punctuation aside), not only a variant that shares its
    /// lookup key ("Samarra" spells Sāmarrā’ of Iraq, not Samara of Russia).
    /// Empty when every candidate counts as spelled so (a lone candidate,
    /// a demonym).
    pub spelled: Vec<bool>,
    /// A capitalised word follows, so the name may be part of a longer one
    /// ("Georgia Bureau of Investigation", "Jordan Peterson"): the resolver
    /// keeps it only for a prominent place.
    pub in_name: bool,
}

thread_local! {
    /// An emptied vector of mentions that the resolver gave back, for the
    /// spotter's next document: a document's mentions take a few KB, a
    /// size the allocator serves on its slow path.
    static SPARE: std::cell::Cell<Vec<Mention>> = std::cell::Cell::default();
}

/// An empty vector for a document's mentions: this thread's spare one, or
/// a new one.
pub(super) fn mention_vec() -> Vec<Mention> {
    let v = SPARE.take();
    if v.capacity() == 0 { Vec::with_capacity(8) } else { v }
}

/// Gives a vector of mentions back to this thread for [`mention_vec`]
/// (emptied; not a huge one).
pub(super) fn give_back(mut v: Vec<Mention>) {
    v.clear();
    if v.capacity() <= 64 {
        SPARE.set(v);
    }
}

/// Byte spans of text already taken by mentions, asked "does `start..end`
/// overlap any?" in logarithmic time, so that spotting stays linear in the
/// length of a document (a scan of every span per word made it quadratic).
#[derive(Debug, Default)]
pub(super) struct Spans {
    /// Sorted by start.
    spans: Vec<(usize, usize)>,
    /// `max_end[k]`: the largest end among `spans[..=k]`.
    max_end: Vec<usize>,
}

impl Spans {
    /// The spans, in any order; they may overlap.
    pub(super) fn new(spans: impl IntoIterator<Item = (usize, usize)>) -> Spans {
        let mut spans: Vec<(usize, usize)> = spans.into_iter().collect();
        spans.sort_unstable();
        let mut max_end = Vec::with_capacity(spans.len());
        let mut m = 0;
        for &(_, e) in &spans {
            m = m.max(e);
            max_end.push(m);
        }
        Spans { spans, max_end }
    }

    /// Does `start..end` overlap a span (share at least one byte)?
    pub(super) fn overlaps(&self, start: usize, end: usize) -> bool {
        // The spans that start before `end`; one of them overlaps iff the
        // largest end among them lies after `start`.
        let k = self.spans.partition_point(|&(s, _)| s < end);
        k > 0 && self.max_end[k - 1] > start
    }
}

#[cfg(test)]
mod tests {
    use super::Spans;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn spans_agree_with_a_scan(
            spans in proptest::collection::vec((0usize..200, 0usize..20), 0..30),
            q in (0usize..220, 0usize..20),
        ) {
            let spans: Vec<(usize, usize)> = spans.into_iter().map(|(s, l)| (s, s + l)).collect();
            let (qs, qe) = (q.0, q.0 + q.1);
            let scan = spans.iter().any(|&(s, e)| qs < e && s < qe);
            prop_assert_eq!(Spans::new(spans.iter().copied()).overlaps(qs, qe), scan);
        }
    }
}
