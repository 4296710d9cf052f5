//! The spotter's word table: what it needs to know of each distinct
//! lower-case word (its word lists, its loose key, whether it is an article,
//! the demonym it is, where it leads in the first name index), worked out the
//! first time a thread meets the word. News repeats its words from document
//! to document, so a word costs one hash probe, however many rules ask
//! about it.

use std::cell::RefCell;
use std::collections::HashMap;

use foldhash::fast::FixedState;
use fst::raw::{CompiledAddr, Fst, Node, Output};

use super::names::{Referent, demonym_index};
use super::words::{flags, packed};
use crate::gazetteer::fold::{fold_name_into, fold_word, is_article, loose_word};
use crate::gazetteer::index::Bytes;
use crate::gazetteer::{Gazetteer, PlaceRef};

/// A word's place in the table.
pub(super) type WordId = u32;

/// Words kept before the table starts over (checked between documents).
const MAX_WORDS: usize = 1 << 16;

/// Word pairs kept before the table starts over.
const MAX_PAIRS: usize = 1 << 18;

/// What the spotter knows of one lower-case word.
pub(super) struct Word {
    /// Its loose key: the index's folding, then its loose spelling.
    pub key: Box<str>,
    /// An article ("al", "the"), which a name's key leaves out.
    pub article: bool,
    /// The word lists it is in ([`super::words::flag`] bits).
    pub flags: u8,
    /// The country it is the demonym of ("iraqi").
    pub demonym: Option<&'static Referent>,
    /// Where `key` leads from the root of the first layer's name index
    /// (`Some(None)`: no name starts with it), once walked. Only the first
    /// layer (the shipped index, or a user layer over it) is kept, which
    /// keeps an entry small enough for the cache; later layers walk each time.
    walk: Option<Option<Walk>>,
}

/// Where a walk of a name index stands after a whole word: what a name
/// ending here maps to, and where a space after it leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Walk {
    /// The output of the name that ends here, if one does.
    pub final_out: Option<u64>,
    /// Node address and output after a following space, when some name
    /// goes on with another word.
    pub space: Option<(CompiledAddr, u64)>,
}

impl Walk {
    /// The walk standing at `node` with output `out`.
    pub fn at(node: &Node, out: Output) -> Walk {
        Walk {
            final_out: node.is_final().then(|| out.cat(node.final_output()).value()),
            space: node.find_input(b' ').map(|i| {
                let t = node.transition(i);
                (t.addr, out.cat(t.out).value())
            }),
        }
    }

    /// Goes on with a space and then `word`.
    pub fn then(&self, fst: &Fst<Bytes>, word: &[u8]) -> Option<Walk> {
        let (addr, out) = self.space?;
        let (node, out) = step(fst, fst.node(addr), Output::new(out), word)?;
        Some(Walk::at(&node, out))
    }
}

/// This thread's word table, for one gazetteer at a time.
#[derive(Default)]
pub(super) struct Vocab {
    /// Ids of the name indexes the walks are for, one per layer.
    layers: Vec<u64>,
    /// Ids of words of up to 16 bytes, by [`packed`] key.
    short: HashMap<u128, WordId, FixedState>,
    /// Ids of longer words.
    long: HashMap<Box<str>, WordId, FixedState>,
    words: Vec<Word>,
    /// Two-word walks of the first layer ("sadr" then "city"), by the two
    /// word ids: news repeats its word pairs as it repeats its words.
    pairs: HashMap<u64, Option<Walk>, FixedState>,
    /// Scratch for folding.
    folded: String,
    /// The places with a name spelled so, by folded spelling, for the
    /// spellings that are not their loose key ([`Gazetteer::refs_spelled`]):
    /// news repeats its names too.
    spellings: HashMap<Box<str>, Box<[PlaceRef]>, FixedState>,
}

impl Vocab {
    /// Runs `f` with this thread's table, made ready for `gaz`.
    pub fn with<R>(gaz: &Gazetteer, f: impl FnOnce(&mut Vocab) -> R) -> R {
        thread_local! {
            static VOCAB: RefCell<Vocab> = RefCell::default();
        }
        VOCAB.with(|v| {
            let mut v = v.borrow_mut();
            v.prepare(gaz);
            f(&mut v)
        })
    }

    /// Starts over when the gazetteer changed or the table is full.
    fn prepare(&mut self, gaz: &Gazetteer) {
        if !gaz.has_layer_ids(&self.layers)
            || self.words.len() >= MAX_WORDS
            || self.pairs.len() >= MAX_PAIRS
            || self.spellings.len() >= MAX_WORDS
        {
            self.spellings.clear();
            self.short.clear();
            self.long.clear();
            self.words.clear();
            self.pairs.clear();
            self.layers.clear();
            self.layers.extend(gaz.layer_ids());
        }
    }

    /// The places that have a name spelled as `name` (case, diacritics and
    /// punctuation aside), whose loose key is `key`; `None` when that
    /// spelling is the key itself, which the postings' flags answer.
    pub fn spelled(&mut self, gaz: &Gazetteer, name: &str, key: &str) -> Option<&[PlaceRef]> {
        self.folded.clear();
        fold_name_into(name, &mut self.folded);
        if self.folded == key {
            return None;
        }
        if !self.spellings.contains_key(self.folded.as_str()) {
            let refs = gaz.refs_spelled(&self.folded).into_boxed_slice();
            self.spellings.insert(self.folded.as_str().into(), refs);
        }
        self.spellings.get(self.folded.as_str()).map(|r| &r[..])
    }

    /// The id of the lower-case word `lower`, added on first sight.
    pub fn id(&mut self, lower: &str) -> WordId {
        let key = packed(lower);
        let known = match key {
            Some(k) => self.short.get(&k),
            None => self.long.get(lower),
        };
        if let Some(&id) = known {
            return id;
        }
        self.folded.clear();
        fold_word(lower, &mut self.folded);
        let mut loose = String::with_capacity(self.folded.len());
        loose_word(&self.folded, &mut loose);
        let id = WordId::try_from(self.words.len()).expect("the table starts over long before u32::MAX words");
        self.words.push(Word {
            key: loose.into(),
            article: is_article(&self.folded),
            flags: flags(lower),
            demonym: demonym_index().one(lower),
            walk: None,
        });
        match key {
            Some(k) => self.short.insert(k, id),
            None => self.long.insert(lower.into(), id),
        };
        id
    }

    /// The word with id `id`.
    pub fn word(&self, id: WordId) -> &Word {
        &self.words[id as usize]
    }

    /// Where word `id`'s key leads from the root of `fst`, the name index
    /// of layer `layer`.
    pub fn first_walk(&mut self, id: WordId, layer: usize, fst: &Fst<Bytes>) -> Option<Walk> {
        let w = &mut self.words[id as usize];
        if let Some(walk) = w.walk.filter(|_| layer == 0) {
            return walk;
        }
        let walk = step(fst, fst.root(), Output::zero(), w.key.as_bytes()).map(|(n, o)| Walk::at(&n, o));
        if layer == 0 {
            w.walk = Some(walk);
        }
        walk
    }

    /// Goes on from `walk`, where word `first` led in layer `layer`, with
    /// word `second`.
    pub fn second_walk(
        &mut self,
        walk: &Walk,
        (first, second): (WordId, WordId),
        layer: usize,
        fst: &Fst<Bytes>,
    ) -> Option<Walk> {
        if layer != 0 {
            return walk.then(fst, self.word(second).key.as_bytes());
        }
        let pair = u64::from(first) << 32 | u64::from(second);
        if let Some(w) = self.pairs.get(&pair) {
            return *w;
        }
        let w = walk.then(fst, self.word(second).key.as_bytes());
        self.pairs.insert(pair, w);
        w
    }
}

/// Walks `input` from `node` (with output `out` so far).
pub(super) fn step<'f>(
    fst: &'f Fst<Bytes>,
    mut node: Node<'f>,
    mut out: Output,
    input: &[u8],
) -> Option<(Node<'f>, Output)> {
    for &b in input {
        let i = node.find_input(b)?;
        let t = node.transition(i);
        out = out.cat(t.out);
        node = fst.node(t.addr);
    }
    Some((node, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_worked_out_once_and_walks_match_a_fresh_walk() {
        let gaz = Gazetteer::embedded().unwrap();
        Vocab::with(&gaz, |v| {
            let a = v.id("baghdad");
            let n = v.words.len();
            assert_eq!(v.id("baghdad"), a);
            assert_eq!(v.words.len(), n, "a known word is not added again");
            assert_eq!(&*v.word(a).key, "baghdad");
            // Words past 16 bytes are kept by their text.
            let long = v.id("internationalisation");
            assert_eq!(v.id("internationalisation"), long);
            assert_ne!(v.id("internationalisations"), long);
            assert_ne!(v.id("baghdadi"), a);
            let (al, iraqi, province) = (v.id("al"), v.id("iraqi"), v.id("province"));
            assert!(v.word(al).article);
            assert!(!v.word(a).article);
            assert_eq!(v.word(iraqi).demonym.map(|r| r.country.as_str()), Some("IQ"));
            assert!(v.word(a).demonym.is_none());
            assert_ne!(v.word(province).flags, 0);
            let (_, ix) = gaz.layers().next().unwrap();
            let fst = ix.map().as_fst();
            for _ in 0..2 {
                let walk = v.first_walk(a, 0, fst);
                let fresh = step(fst, fst.root(), Output::zero(), b"baghdad").map(|(n, o)| Walk::at(&n, o));
                assert!(walk.is_some_and(|w| w.final_out.is_some()));
                assert_eq!(walk, fresh);
            }
            // "Sadr City": a walk goes on word by word, as over the whole key.
            let sadr = v.id("sadr");
            let two = v.first_walk(sadr, 0, fst).and_then(|w| w.then(fst, b"city"));
            let whole = step(fst, fst.root(), Output::zero(), b"sadr city").map(|(n, o)| Walk::at(&n, o));
            assert!(two.is_some_and(|w| w.final_out.is_some()));
            assert_eq!(two, whole);
            let city = v.id("city");
            let first = v.first_walk(sadr, 0, fst).unwrap();
            for _ in 0..2 {
                assert_eq!(v.second_walk(&first, (sadr, city), 0, fst), whole, "the same, kept or not");
            }
            let town = v.id("town");
            let whole = step(fst, fst.root(), Output::zero(), b"sadr town").map(|(n, o)| Walk::at(&n, o));
            assert_eq!(v.second_walk(&first, (sadr, town), 0, fst), whole);
            let none = v.id("zzqxv");
            assert!(v.first_walk(none, 0, fst).is_none());
        });
    }
}
