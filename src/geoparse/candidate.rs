//! Candidates as the resolver's scorer sees them (fields borrowed from the
//! index record, nothing allocated), and the per-thread cache of the places
//! chosen for them.

use std::cell::RefCell;
use std::collections::HashMap;

use foldhash::fast::FixedState;

use crate::gazetteer::store::{prominence, prominence_of};
use crate::gazetteer::{Gazetteer, Place, PlaceRef, SmolStr};
use crate::geodesy::{Located, LonLat};

/// Where a candidate comes from: an index record, or a county known only by
/// name and placed at its main town ([`Gazetteer::admin2_areas`]).
#[derive(Clone, Copy)]
pub(super) enum Source<'a> {
    Record(PlaceRef),
    Area(&'a Place),
}

/// A candidate as the scorer sees it: fields borrowed from the index record.
#[derive(Clone, Copy)]
pub(super) struct Cand<'a> {
    pub(super) source: Source<'a>,
    pub(super) geonameid: i64,
    /// The position, ready for distances.
    pub(super) at: Located,
    pub(super) feature_class: char,
    pub(super) feature_code: Code<'a>,
    pub(super) country: Code<'a>,
    pub(super) admin1_code: Code<'a>,
    pub(super) population: u64,
    /// [`prominence`], computed once.
    pub(super) prominence: f64,
    /// Distinct name keys in the gazetteer (0 when not known).
    pub(super) names: u16,
}

impl<'a> Cand<'a> {
    pub(super) fn from_record(gaz: &'a Gazetteer, r: PlaceRef) -> Cand<'a> {
        let rec = gaz.ranking_fields(r);
        let population = u64::from(rec.population);
        Cand {
            source: Source::Record(r),
            geonameid: rec.geonameid,
            at: Located::new(LonLat { lon: rec.lon, lat: rec.lat }),
            feature_class: rec.feature_class,
            feature_code: Code(rec.feature_code),
            country: Code(rec.country),
            admin1_code: Code(rec.admin1),
            population,
            prominence: prominence_of(rec.feature_class, rec.feature_code, population),
            names: rec.names,
        }
    }

    pub(super) fn from_place(p: &'a Place) -> Cand<'a> {
        Cand {
            source: Source::Area(p),
            geonameid: p.geonameid,
            at: Located::new(p.position),
            feature_class: p.feature_class,
            feature_code: Code(p.feature_code.as_bytes()),
            country: Code(p.country.as_bytes()),
            admin1_code: Code(p.admin1_code.as_bytes()),
            population: p.population,
            prominence: prominence(p),
            names: 0,
        }
    }

    pub(super) fn name(&self, gaz: &'a Gazetteer) -> &'a str {
        match self.source {
            Source::Record(r) => gaz.name_of(r),
            Source::Area(p) => &p.name,
        }
    }

    pub(super) fn is_area(&self) -> bool {
        self.feature_class == 'A'
    }

    pub(super) fn is_admin1(&self) -> bool {
        self.is_area() && self.feature_code.starts_with(b"ADM1")
    }

    pub(super) fn is_admin2(&self) -> bool {
        self.is_area() && self.feature_code.starts_with(b"ADM2")
    }

    pub(super) fn is_country(&self) -> bool {
        self.is_area() && self.feature_code.starts_with(b"PCL")
    }

    /// Administrative level: 3 country, 2 admin-1, 1 admin-2 or other area, 0 a site.
    pub(super) fn level(&self) -> u8 {
        if self.is_country() {
            3
        } else if self.is_admin1() {
            2
        } else if self.is_area() {
            1
        } else {
            0
        }
    }
}

/// A country, admin-1 or feature code of a candidate, as the bytes of a
/// `str` (see [`RankingFields`](crate::gazetteer::index::RankingFields)).
/// Scoring compares these pairwise over candidates and anchors; they are a
/// few bytes long, and comparing them inline costs less than a call to
/// `memcmp`.
#[derive(Clone, Copy, Debug, Eq)]
pub(super) struct Code<'a>(pub(super) &'a [u8]);

impl<'a> Code<'a> {
    pub(super) fn starts_with(&self, prefix: &[u8]) -> bool {
        self.0.starts_with(prefix)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The code as text, for the rule trail. The bytes are those of a
    /// `str`, so this never falls back to "".
    pub(super) fn as_str(&self) -> &'a str {
        std::str::from_utf8(self.0).unwrap_or_default()
    }
}

impl PartialEq for Code<'_> {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0, other.0);
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
    }
}

/// The order of the bytes (as `[u8]` orders them), compared inline.
impl Ord for Code<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        for (x, y) in self.0.iter().zip(other.0) {
            if x != y {
                return x.cmp(y);
            }
        }
        self.0.len().cmp(&other.0.len())
    }
}

impl PartialOrd for Code<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq<&str> for Code<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self == Code(other.as_bytes())
    }
}

/// Can `outer` contain `inner` ("Khanaqin, Diyala" yes; "Anbar, Kirkuk" no)?
pub(super) fn encloses(outer: &Cand, inner: &Cand) -> bool {
    outer.level() > inner.level()
}

/// Is the great-circle distance between `a` and `b` more than `km`? A
/// lower bound without trigonometry often settles it.
pub(super) fn farther_than(a: &Located, b: &Located, km: f64) -> bool {
    a.surely_beyond(b, km) || a.distance_km(b) > km
}

/// The places chosen in earlier documents, per thread, with their admin-1
/// names: the same places recur from document to document, and decoding a
/// record into a [`Place`] (five strings validated and copied, the admin-1
/// name looked up) costs about three times a clone.
#[derive(Default)]
pub(super) struct PlaceCache {
    /// Ids of the gazetteer's indexes the entries come from.
    layers: Vec<u64>,
    places: HashMap<PlaceRef, (Place, Option<SmolStr>), FixedState>,
}

/// Entries kept before [`PlaceCache`] starts over (a few MiB).
const MAX_CACHED_PLACES: usize = 1 << 16;

impl PlaceCache {
    pub(super) fn with<R>(gaz: &Gazetteer, f: impl FnOnce(&mut PlaceCache) -> R) -> R {
        thread_local! {
            static PLACES: RefCell<PlaceCache> = RefCell::default();
        }
        PLACES.with(|c| {
            let mut c = c.borrow_mut();
            if !gaz.has_layer_ids(&c.layers) || c.places.len() >= MAX_CACHED_PLACES {
                c.places.clear();
                c.layers.clear();
                c.layers.extend(gaz.layer_ids());
            }
            f(&mut c)
        })
    }

    /// The place of a candidate and its admin-1 name (its own name for an
    /// admin-1 area the tables lack).
    pub(super) fn get(&mut self, gaz: &Gazetteer, c: &Cand) -> (Place, Option<SmolStr>) {
        let build = |p: Place| {
            let name = gaz.admin1_name(&p.country, &p.admin1_code).map(SmolStr::from);
            let admin1 = if p.is_admin1() { name.or_else(|| Some(p.name.clone())) } else { name };
            (p, admin1)
        };
        match c.source {
            Source::Record(r) => self.places.entry(r).or_insert_with(|| build(gaz.place(r))).clone(),
            Source::Area(p) => build(p.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn codes_order_and_compare_as_their_bytes() {
        let codes: [&[u8]; 8] = [b"", b"A", b"AB", b"AC", b"B", b"IQ", b"IQA", b"iq"];
        for a in codes {
            for b in codes {
                assert_eq!(Code(a).cmp(&Code(b)), a.cmp(b), "{a:?} {b:?}");
                assert_eq!(Code(a) == Code(b), a == b, "{a:?} {b:?}");
            }
        }
    }
}
