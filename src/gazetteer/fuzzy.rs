//! Bounded edit-distance search over the name index.
//!
//! `fst`'s own `Levenshtein` automaton builds a full DFA for every query,
//! which costs about a millisecond per lookup on the shipped index, and
//! (fst 0.4) finds nothing at all for non-ASCII queries such as Arabic
//! names. Here the automaton state is a dynamic-programming row over the
//! query's characters instead: nothing to build, and the search stops
//! descending as soon as every cell exceeds the bound. Queries over 31
//! characters fall back to `fst`'s automaton.

use fst::automaton::{Automaton, Levenshtein};
use fst::{IntoStreamer, Streamer};

use super::index::Bytes;

/// Longest query the row automaton takes, in characters (the row lives
/// on the stack).
const MAX_QUERY: usize = 31;

/// Keys within `max` edits of a query, by Levenshtein distance over
/// characters. Key bytes are decoded as UTF-8 on the way down the index.
#[derive(Debug, Clone)]
pub struct BoundedEdits {
    query: Vec<char>,
    max: u8,
}

/// Automaton state: the edit-distance row for the key prefix read so far,
/// and a character being decoded (`need` continuation bytes still to come).
#[derive(Debug, Clone, Copy)]
pub struct Row {
    cells: [u8; MAX_QUERY + 1],
    pending: u32,
    need: u8,
}

impl BoundedEdits {
    /// `None` when the query is longer than 31 characters.
    pub fn new(query: &str, max: u8) -> Option<BoundedEdits> {
        let query: Vec<char> = query.chars().collect();
        (query.len() <= MAX_QUERY).then_some(BoundedEdits { query, max })
    }

    /// The row after one more key character; `None` when every cell is over
    /// the bound, so no longer key can match.
    fn step(&self, row: &Row, c: u32) -> Option<Row> {
        let n = self.query.len();
        let mut next = Row { cells: [0; MAX_QUERY + 1], pending: 0, need: 0 };
        next.cells[0] = row.cells[0].saturating_add(1);
        let mut best = next.cells[0];
        for j in 1..=n {
            let differs = u8::from(self.query[j - 1] as u32 != c);
            next.cells[j] = row.cells[j - 1]
                .saturating_add(differs)
                .min(row.cells[j].saturating_add(1))
                .min(next.cells[j - 1].saturating_add(1));
            best = best.min(next.cells[j]);
        }
        (best <= self.max).then_some(next)
    }
}

impl Automaton for BoundedEdits {
    type State = Option<Row>;

    fn start(&self) -> Self::State {
        let mut row = Row { cells: [0; MAX_QUERY + 1], pending: 0, need: 0 };
        for (j, cell) in row.cells.iter_mut().enumerate().take(self.query.len() + 1) {
            *cell = j as u8;
        }
        Some(row)
    }

    fn is_match(&self, state: &Self::State) -> bool {
        state.is_some_and(|row| row.need == 0 && row.cells[self.query.len()] <= self.max)
    }

    fn can_match(&self, state: &Self::State) -> bool {
        state.is_some()
    }

    fn accept(&self, state: &Self::State, byte: u8) -> Self::State {
        let mut row = (*state)?;
        if row.need > 0 {
            row.pending = (row.pending << 6) | u32::from(byte & 0x3F);
            row.need -= 1;
            return if row.need == 0 { self.step(&row, row.pending) } else { Some(row) };
        }
        match byte {
            0x00..=0x7F => self.step(&row, u32::from(byte)),
            0xC0..=0xDF => {
                row.pending = u32::from(byte & 0x1F);
                row.need = 1;
                Some(row)
            }
            0xE0..=0xEF => {
                row.pending = u32::from(byte & 0x0F);
                row.need = 2;
                Some(row)
            }
            // 0xF0.. (a stray continuation byte cannot start a key character).
            _ => {
                row.pending = u32::from(byte & 0x07);
                row.need = 3;
                Some(row)
            }
        }
    }
}

/// Every key of `map` within `max` edits of `key`, with its value.
pub fn keys_within(map: &fst::Map<Bytes>, key: &str, max: u8) -> Vec<(String, u64)> {
    fn collect<A: Automaton>(map: &fst::Map<Bytes>, a: A) -> Vec<(String, u64)> {
        let mut out = Vec::new();
        let mut stream = map.search(a).into_stream();
        while let Some((k, v)) = stream.next() {
            if k.first() == Some(&(super::index::SPELLING as u8)) {
                continue; // a spelling, not a key
            }
            out.push((String::from_utf8_lossy(k).into_owned(), v));
        }
        out
    }
    if let Some(a) = BoundedEdits::new(key, max) {
        collect(map, a)
    } else if let Ok(lev) = Levenshtein::new(key, u32::from(max)) {
        collect(map, lev)
    } else {
        Vec::new()
    }
}

/// Levenshtein distance over chars (small strings).
pub fn edit_distance(a: &str, b: &str) -> u32 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<u32> = (0..=b.len() as u32).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i as u32;
        for j in 1..=b.len() {
            let cost = u32::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn map(keys: &[&str]) -> fst::Map<Bytes> {
        let mut sorted: Vec<&str> = keys.to_vec();
        sorted.sort();
        sorted.dedup();
        let mut b = fst::MapBuilder::memory();
        for (i, k) in sorted.iter().enumerate() {
            b.insert(k, i as u64).unwrap();
        }
        let bytes = b.into_inner().unwrap();
        let n = bytes.len();
        fst::Map::new(Bytes::Shared(Arc::new(bytes), 0..n)).unwrap()
    }

    #[test]
    fn agrees_with_brute_force_on_seeded_keys() {
        // Keys from a small alphabet so that near misses are common, plus a
        // few non-ASCII keys.
        let mut state: u64 = 7;
        let mut next = move |n: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let letters = ["a", "b", "k", "u", "r", " ", "ə", "ş", "ك", "𝔸"];
        let keys: Vec<String> =
            (0..2000).map(|_| (0..1 + next(9)).map(|_| letters[next(10) as usize]).collect()).collect();
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let m = map(&refs);
        for q in ["kurkuk", "abba", "", "r", "kak ruba", "bukar", "kəşa", "ككب𝔸", "əə"] {
            for max in 0..=2u8 {
                let mut got: Vec<String> = keys_within(&m, q, max).into_iter().map(|(k, _)| k).collect();
                got.sort();
                let mut want: Vec<String> =
                    refs.iter().filter(|k| edit_distance(q, k) <= u32::from(max)).map(|k| k.to_string()).collect();
                want.sort();
                want.dedup();
                assert_eq!(got, want, "query {q:?} max {max}");
            }
        }
    }

    // Regression: fst's Levenshtein found nothing, not even the exact key,
    // for an Arabic query with a bound of 1.
    #[test]
    fn arabic_queries_match() {
        let m = map(&["كركوك", "كركوق", "kirkuk"]);
        let got: Vec<String> = keys_within(&m, "كركوك", 1).into_iter().map(|(k, _)| k).collect();
        assert_eq!(got, ["كركوق", "كركوك"]);
    }

    #[test]
    fn long_queries_fall_back() {
        assert!(BoundedEdits::new(&"a".repeat(40), 1).is_none());
        let long = "abcdefghijklmnopqrstuvwxyzabcdefgh";
        let m = map(&[long, "abc"]);
        let got: Vec<String> = keys_within(&m, &long.replace('k', "x"), 1).into_iter().map(|(k, _)| k).collect();
        assert_eq!(got, [long]);
    }

    #[test]
    fn edit_distance_counts_chars() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("kirkuk", "kerkuk"), 1);
        assert_eq!(edit_distance("çay", "cay"), 1);
        assert_eq!(edit_distance("abc", ""), 3);
    }
}
