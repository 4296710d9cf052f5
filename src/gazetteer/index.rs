//! The compact on-disk (and embedded) gazetteer index.
//!
//! One byte buffer holds fixed-size place records, a string pool, an `fst`
//! map from [`loose_key`] to posting lists, the admin-code tables and the
//! admin-1 polygons. Opening it parses nothing but a 64-byte header, so the
//! first lookup is ready in microseconds; the shipped default is built by
//! `build.rs` from `gazetteer/` and embedded in the binary.
//!
//! This file is also compiled into `build.rs`: it uses `std`, `fst` and the
//! sibling `fold` and `geonames` modules only, and reports errors as strings.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::Arc;

use super::fold::{fold_name, loose_key};
use super::geonames::Row;

/// File magic: "IMGAZ" + format version. Bump the version whenever the
/// layout or the key folding changes, so stale user indexes are rebuilt.
pub const MAGIC: &[u8; 8] = b"IMGAZ007";
/// Magic, place count, then offset and length (u64 each) of the six sections.
const HEADER_LEN: usize = 8 + 4 + SECTIONS * 16;
const SECTIONS: usize = 6;
/// geonameid i64, lat f64, lon f64, population u32, name/admin1/admin2 pool
/// offsets u32, feature class u8, feature code [u8; 5], country [u8; 2],
/// distinct name keys u16 (all little-endian).
const RECORD_LEN: usize = 50;

/// Posting flag: the key comes from the place's primary or ASCII name.
pub const PRIMARY: u32 = 1;
/// Posting flag: one of the place's names is spelled as the key itself
/// (folded: case, diacritics and punctuation aside), so a text spelling the
/// name that way spells this place's name, not a transliteration variant of
/// it ("Samara" is a spelling of Samara, "Samarra" only shares its key).
pub const SPELLED: u32 = 2;
/// The posting flags; the place index is the posting shifted right by
/// [`FLAG_BITS`].
pub const FLAGS: u32 = PRIMARY | SPELLED;
/// Bits of a posting taken by flags.
pub const FLAG_BITS: u32 = 2;
/// Opens the map's spelling entries: a name whose folded spelling is not its
/// loose key ("samarra", key "samara") is also stored as this byte and the
/// spelling, pointing at the places with a name so spelled (flags unset).
/// No loose key starts with it, so walks and lookups of keys never meet one.
pub const SPELLING: char = '\u{1}';

/// Builds an index from GeoNames rows and tables.
///
/// Rows are not kept: each is packed on arrival into its 50-byte record, its
/// primary name into the string pool and its names' loose keys into one
/// arena, which is what the index needs and about a quarter of what the rows
/// take (allCountries, 13 M rows, would need ~10 GB as `Row`s).
#[derive(Default)]
pub struct IndexBuilder {
    /// Records in arrival order; `name`, `admin1` and `admin2` point into `pool`.
    recs: Vec<Rec>,
    pool: Vec<u8>,
    /// Short strings that repeat (admin codes) -> pool offset.
    interned: HashMap<String, u32>,
    /// Loose keys, concatenated.
    key_bytes: Vec<u8>,
    keys: Vec<KeyRef>,
    /// The [`SPELLING`] entries (in `key_bytes` too), apart from `keys` so
    /// that a key's position in `keys` stays known while a row is added.
    spellings: Vec<KeyRef>,
    /// (geonameid, arrival index), sorted, for `add_alternate`; rebuilt when
    /// rows were added since.
    by_id: Vec<(i64, u32)>,
    /// The first error (a name too long, a pool over 4 GiB), reported by `finish`.
    error: Option<String>,
    admin1: BTreeMap<String, String>,
    admin2: BTreeMap<String, String>,
    countries: BTreeMap<String, (String, i64)>,
    capitals: BTreeMap<String, String>,
    admin_geojson: String,
}

/// A record as it will be written (see [`Index::record`] for the layout).
#[derive(Clone, Copy)]
struct Rec {
    geonameid: i64,
    lat: f64,
    lon: f64,
    population: u32,
    name: u32,
    admin1: u32,
    admin2: u32,
    class: u8,
    code: [u8; 5],
    cc: [u8; 2],
}

/// One name key of one record: `key_bytes[off..off + len]`, the record's
/// arrival index shifted left by [`FLAG_BITS`], and the [`FLAGS`].
#[derive(Clone, Copy)]
struct KeyRef {
    off: u32,
    len: u16,
    posting: u32,
}

impl IndexBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    fn fail(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(message);
        }
    }

    fn push_pool(&mut self, s: &str) -> u32 {
        let Ok(off) = u32::try_from(self.pool.len()) else {
            self.fail("string pool over 4 GiB".to_string());
            return 0;
        };
        let Ok(len) = u16::try_from(s.len()) else {
            self.fail(format!("name too long: {s:.40}"));
            return 0;
        };
        self.pool.extend_from_slice(&len.to_le_bytes());
        self.pool.extend_from_slice(s.as_bytes());
        off
    }

    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&off) = self.interned.get(s) {
            return off;
        }
        let off = self.push_pool(s);
        self.interned.insert(s.to_string(), off);
        off
    }

    /// Adds the loose keys of `names` for arrival index `rec`, one posting
    /// per distinct key with the flags of every name that gave it.
    fn add_keys<'a>(&mut self, rec: usize, names: impl Iterator<Item = (&'a str, bool)>) {
        let Some(rec) = u32::try_from(rec).ok().filter(|r| r >> (32 - FLAG_BITS) == 0).map(|r| r << FLAG_BITS) else {
            self.fail("too many places".to_string());
            return;
        };
        let first = self.keys.len();
        let mut seen: Vec<String> = Vec::new();
        for (n, primary) in names {
            let k = loose_key(n);
            if k.is_empty() {
                continue;
            }
            let folded = fold_name(n);
            let flags = if primary { PRIMARY } else { 0 } | if folded == k { SPELLED } else { 0 };
            if folded != k {
                // Duplicates (two names, one spelling) are merged in `finish`.
                let spelling = format!("{SPELLING}{folded}");
                let (Ok(off), Ok(len)) = (u32::try_from(self.key_bytes.len()), u16::try_from(spelling.len())) else {
                    self.fail("name keys over 4 GiB".to_string());
                    return;
                };
                self.key_bytes.extend_from_slice(spelling.as_bytes());
                self.spellings.push(KeyRef { off, len, posting: rec });
            }
            if let Some(i) = seen.iter().position(|s| *s == k) {
                // This call's keys follow `first` in `seen`'s order (keys of
                // earlier calls for the place are merged in `finish`).
                self.keys[first + i].posting |= flags;
                continue;
            }
            let (Ok(off), Ok(len)) = (u32::try_from(self.key_bytes.len()), u16::try_from(k.len())) else {
                self.fail("name keys over 4 GiB".to_string());
                return;
            };
            self.key_bytes.extend_from_slice(k.as_bytes());
            self.keys.push(KeyRef { off, len, posting: rec | flags });
            seen.push(k);
        }
    }

    /// Adds (or replaces, by geonameid) a place.
    pub fn add_row(&mut self, row: Row) {
        let mut code = [b' '; 5];
        for (i, b) in row.feature_code.bytes().take(5).enumerate() {
            code[i] = b;
        }
        let mut cc = [b' '; 2];
        for (i, b) in row.country.bytes().take(2).enumerate() {
            cc[i] = b;
        }
        let rec = Rec {
            geonameid: row.geonameid,
            lat: row.lat,
            lon: row.lon,
            population: row.population.min(u64::from(u32::MAX)) as u32,
            name: self.push_pool(&row.name),
            admin1: self.intern(&row.admin1),
            admin2: self.intern(&row.admin2),
            class: if row.feature_class.is_ascii() { row.feature_class as u8 } else { b' ' },
            code,
            cc,
        };
        let idx = self.recs.len();
        self.recs.push(rec);
        let primary = [row.name.as_str(), row.asciiname.as_str()].into_iter().map(|n| (n, true));
        let alternates = row.alternatenames.iter().map(|n| (n.as_str(), false));
        self.add_keys(idx, primary.chain(alternates));
    }

    /// Adds alternate names to an already added place; unknown ids are ignored
    /// and counted in the return value.
    pub fn add_alternates(&mut self, names: &BTreeMap<i64, Vec<String>>) -> usize {
        // The latest row of an id is the one that counts (see `finish`).
        let mut by_id: HashMap<i64, usize> = HashMap::with_capacity(self.recs.len());
        for (i, r) in self.recs.iter().enumerate() {
            by_id.insert(r.geonameid, i);
        }
        let mut unknown = 0;
        for (id, list) in names {
            match by_id.get(id) {
                // Keys repeating the place's own names are merged in `finish`.
                Some(&i) => self.add_keys(i, list.iter().map(|n| (n.as_str(), false))),
                None => unknown += 1,
            }
        }
        unknown
    }

    /// Adds one alternate name to the latest place with this geonameid, as
    /// alternate-name rows stream in; false when no such place was added.
    /// Adding a row afterwards is allowed (the id lookup is rebuilt).
    pub fn add_alternate(&mut self, geonameid: i64, name: &str) -> bool {
        if self.by_id.len() != self.recs.len() {
            // Sorted (id, arrival) pairs; the last pair of an id is its latest row.
            self.by_id = self.recs.iter().enumerate().map(|(i, r)| (r.geonameid, i as u32)).collect();
            self.by_id.sort_unstable();
        }
        let end = self.by_id.partition_point(|&(id, _)| id <= geonameid);
        match end.checked_sub(1).map(|i| self.by_id[i]) {
            Some((id, i)) if id == geonameid => {
                self.add_keys(i as usize, std::iter::once((name, false)));
                true
            }
            _ => false,
        }
    }

    /// `CC.code` -> name for admin-1 areas.
    pub fn add_admin1(&mut self, code: String, name: String) {
        self.admin1.insert(code, name);
    }

    /// `CC.a1.a2` -> name for admin-2 areas.
    pub fn add_admin2(&mut self, code: String, name: String) {
        self.admin2.insert(code, name);
    }

    /// ISO code -> (name, geonameid).
    pub fn add_country(&mut self, iso: String, name: String, geonameid: i64) {
        self.countries.insert(iso, (name, geonameid));
    }

    /// ISO code -> name of the capital.
    pub fn set_capital(&mut self, iso: String, capital: String) {
        self.capitals.insert(iso, capital);
    }

    /// Admin-1 polygons as a GeoJSON FeatureCollection text.
    pub fn set_admin_geojson(&mut self, text: String) {
        self.admin_geojson = text;
    }

    /// Number of places added so far.
    pub fn len(&self) -> usize {
        self.recs.len()
    }

    /// True when no place was added.
    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }

    /// Name keys so far: distinct keys per place, summed over places.
    pub fn key_count(&self) -> usize {
        self.keys.len()
    }

    /// Serialises the index. Later rows with the same geonameid replace
    /// earlier ones (that is how an overlay overrides the base).
    pub fn finish(self) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        self.write_to(&mut out)?;
        Ok(out)
    }

    /// Serialises the index into `w` as [`finish`](Self::finish) does, without
    /// a second copy of it in memory; returns the number of places.
    pub fn write_to<W: std::io::Write>(mut self, w: &mut W) -> Result<usize, String> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        // Last row wins for a geonameid; records in geonameid order.
        let mut order: Vec<u32> = (0..self.recs.len() as u32).collect();
        order.sort_unstable_by_key(|&i| (self.recs[i as usize].geonameid, std::cmp::Reverse(i)));
        order.dedup_by_key(|i| self.recs[*i as usize].geonameid);
        let places = u32::try_from(order.len()).map_err(|_| "too many places".to_string())?;
        let mut final_idx: Vec<u32> = vec![u32::MAX; self.recs.len()];
        for (n, &i) in order.iter().enumerate() {
            final_idx[i as usize] = n as u32;
        }
        self.by_id = Vec::new();

        // Keys of replaced rows go; the rest point at final indexes.
        let mut keys = std::mem::take(&mut self.keys);
        keys.append(&mut self.spellings);
        keys.retain_mut(|k| {
            let n = final_idx[(k.posting >> FLAG_BITS) as usize];
            k.posting = (n << FLAG_BITS) | (k.posting & FLAGS);
            n != u32::MAX
        });
        drop(final_idx);
        let kb = std::mem::take(&mut self.key_bytes);
        let key = |k: &KeyRef| &kb[k.off as usize..k.off as usize + k.len as usize];
        keys.sort_unstable_by(|a, b| key(a).cmp(key(b)).then(a.posting.cmp(&b.posting)));
        // One posting per key and place, with the flags of all of them: a
        // key that is also a primary name stays primary.
        keys.dedup_by(|later, first| {
            let same = key(later) == key(first) && later.posting >> FLAG_BITS == first.posting >> FLAG_BITS;
            if same {
                first.posting |= later.posting & FLAGS;
            }
            same
        });

        let mut postings: Vec<u8> = Vec::new();
        let mut map = fst::MapBuilder::memory();
        let mut i = 0;
        while i < keys.len() {
            let mut j = i;
            while j < keys.len() && key(&keys[j]) == key(&keys[i]) {
                j += 1;
            }
            let off = postings.len() as u64;
            postings.extend_from_slice(&((j - i) as u32).to_le_bytes());
            for k in &keys[i..j] {
                postings.extend_from_slice(&k.posting.to_le_bytes());
            }
            map.insert(key(&keys[i]), off).map_err(|e| e.to_string())?;
            i = j;
        }
        // How many distinct name keys each place has: how widely it is
        // known (the ranker's prominence prior).
        let mut names: Vec<u16> = vec![0; order.len()];
        for k in keys.iter().filter(|k| !key(k).starts_with(&[SPELLING as u8])) {
            let n = &mut names[(k.posting >> FLAG_BITS) as usize];
            *n = n.saturating_add(1);
        }
        drop(keys);
        drop(kb);
        let fst_bytes = map.into_inner().map_err(|e| e.to_string())?;

        let mut tables = String::new();
        for (code, name) in &self.admin1 {
            tables.push_str(&format!("A1\t{code}\t{name}\n"));
        }
        for (code, name) in &self.admin2 {
            tables.push_str(&format!("A2\t{code}\t{name}\n"));
        }
        for (iso, (name, id)) in &self.countries {
            tables.push_str(&format!("C\t{iso}\t{name}\t{id}\n"));
        }
        for (iso, capital) in &self.capitals {
            tables.push_str(&format!("K\t{iso}\t{capital}\n"));
        }

        let io = |e: std::io::Error| format!("writing the index: {e}");
        let records_len = order.len() * RECORD_LEN;
        let lens =
            [records_len, self.pool.len(), fst_bytes.len(), postings.len(), tables.len(), self.admin_geojson.len()];
        let mut header = Vec::with_capacity(HEADER_LEN);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&places.to_le_bytes());
        let mut off = HEADER_LEN as u64;
        for len in lens {
            header.extend_from_slice(&off.to_le_bytes());
            header.extend_from_slice(&(len as u64).to_le_bytes());
            off += len as u64;
        }
        w.write_all(&header).map_err(io)?;
        // Records straight from the packed rows, in geonameid order.
        let mut buf: Vec<u8> = Vec::with_capacity(RECORD_LEN * 1024);
        for (c, chunk) in order.chunks(1024).enumerate() {
            let buf_start = c * 1024;
            buf.clear();
            for (&i, n) in chunk.iter().zip(&names[buf_start..]) {
                let r = &self.recs[i as usize];
                buf.extend_from_slice(&r.geonameid.to_le_bytes());
                buf.extend_from_slice(&r.lat.to_le_bytes());
                buf.extend_from_slice(&r.lon.to_le_bytes());
                buf.extend_from_slice(&r.population.to_le_bytes());
                buf.extend_from_slice(&r.name.to_le_bytes());
                buf.extend_from_slice(&r.admin1.to_le_bytes());
                buf.extend_from_slice(&r.admin2.to_le_bytes());
                buf.push(r.class);
                buf.extend_from_slice(&r.code);
                buf.extend_from_slice(&r.cc);
                buf.extend_from_slice(&n.to_le_bytes());
            }
            w.write_all(&buf).map_err(io)?;
        }
        for s in [&self.pool[..], &fst_bytes, &postings, tables.as_bytes(), self.admin_geojson.as_bytes()] {
            w.write_all(s).map_err(io)?;
        }
        Ok(places as usize)
    }
}

/// Bytes of an index: embedded in the binary, or read from a file.
#[derive(Clone)]
pub enum Bytes {
    Static(&'static [u8]),
    Shared(Arc<Vec<u8>>, Range<usize>),
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            Bytes::Static(b) => b,
            Bytes::Shared(v, r) => &v[r.clone()],
        }
    }
}

impl Bytes {
    fn slice(&self, r: Range<usize>) -> Bytes {
        match self {
            Bytes::Static(b) => Bytes::Static(&b[r]),
            Bytes::Shared(v, base) => Bytes::Shared(v.clone(), base.start + r.start..base.start + r.end),
        }
    }
}

/// One decoded place record.
#[derive(Debug, Clone, PartialEq)]
pub struct Record<'a> {
    pub geonameid: i64,
    pub lat: f64,
    pub lon: f64,
    pub population: u32,
    pub name: &'a str,
    pub admin1: &'a str,
    pub admin2: &'a str,
    pub feature_class: char,
    pub feature_code: &'a str,
    pub country: &'a str,
    /// Distinct name keys (primary, ASCII and alternate names, folded).
    pub names: u16,
}

/// The part of a [`Record`] that ranking reads, the codes as the bytes of
/// the record's strings: ranking only compares them, and ASCII (as codes
/// are) needs no call to the UTF-8 validator.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RankingFields<'a> {
    pub geonameid: i64,
    pub lat: f64,
    pub lon: f64,
    pub population: u32,
    pub admin1: &'a [u8],
    pub feature_class: char,
    pub feature_code: &'a [u8],
    pub country: &'a [u8],
    /// Distinct name keys (primary, ASCII and alternate names, folded).
    pub names: u16,
}

/// A read-only view of an index.
pub struct Index {
    records: Bytes,
    pool: Bytes,
    postings: Bytes,
    tables: Bytes,
    admin_geojson: Bytes,
    map: fst::Map<Bytes>,
    len: usize,
    /// Unique for the process's lifetime (never reused, unlike an
    /// address), so caches of walks over `map` can key on it.
    id: u64,
}

impl Index {
    /// Opens an index; checks the magic and the section bounds.
    pub fn open(bytes: Bytes) -> Result<Index, String> {
        let b = bytes.as_ref();
        if b.len() < HEADER_LEN || &b[..8] != MAGIC {
            let found = b.get(..8).map(|m| String::from_utf8_lossy(m).into_owned()).unwrap_or_default();
            return Err(format!(
                "not an incidentmap gazetteer index of this version (magic {found:?}, expected {:?}); rebuild it with `incidentmap gazetteer import`",
                String::from_utf8_lossy(MAGIC)
            ));
        }
        let len = u32::from_le_bytes(b[8..12].try_into().unwrap()) as usize;
        let mut ranges = Vec::with_capacity(SECTIONS);
        for i in 0..SECTIONS {
            let at = 12 + i * 16;
            let off = u64::from_le_bytes(b[at..at + 8].try_into().unwrap()) as usize;
            let n = u64::from_le_bytes(b[at + 8..at + 16].try_into().unwrap()) as usize;
            if off.checked_add(n).is_none_or(|end| end > b.len()) {
                return Err(format!("section {i} out of bounds: the index is truncated or corrupt"));
            }
            ranges.push(off..off + n);
        }
        if ranges[0].len() != len * RECORD_LEN {
            return Err("record section size does not match the place count".to_string());
        }
        let map = fst::Map::new(bytes.slice(ranges[2].clone())).map_err(|e| format!("name index: {e:?}"))?;
        Ok(Index {
            records: bytes.slice(ranges[0].clone()),
            pool: bytes.slice(ranges[1].clone()),
            postings: bytes.slice(ranges[3].clone()),
            tables: bytes.slice(ranges[4].clone()),
            admin_geojson: bytes.slice(ranges[5].clone()),
            map,
            len,
            id: {
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
        })
    }

    /// This index's process-unique id.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Number of places.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the index holds no place.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Size of the whole index in bytes (header and every section).
    pub fn byte_len(&self) -> usize {
        let sections = [&self.records, &self.pool, &self.postings, &self.tables, &self.admin_geojson];
        HEADER_LEN + sections.iter().map(|b| b.as_ref().len()).sum::<usize>() + self.map.as_fst().as_bytes().len()
    }

    /// The name map (loose key -> posting offset).
    pub fn map(&self) -> &fst::Map<Bytes> {
        &self.map
    }

    fn pool_str(&self, off: u32) -> &str {
        let p = self.pool.as_ref();
        let off = off as usize;
        let n = u16::from_le_bytes([p[off], p[off + 1]]) as usize;
        // The builder only writes valid UTF-8; a corrupt file shows as "?".
        std::str::from_utf8(&p[off + 2..off + 2 + n]).unwrap_or("?")
    }

    /// The bytes of [`pool_str`](Self::pool_str) at `off`, validated only
    /// when not ASCII.
    fn pool_bytes(&self, off: u32) -> &[u8] {
        let p = self.pool.as_ref();
        let at = off as usize;
        let n = u16::from_le_bytes([p[at], p[at + 1]]) as usize;
        let b = &p[at + 2..at + 2 + n];
        if b.is_ascii() { b } else { self.pool_str(off).as_bytes() }
    }

    /// The geonameid of the record at `idx` (< len), without decoding the rest.
    pub(crate) fn geonameid(&self, idx: u32) -> i64 {
        i64::from_le_bytes(self.record_bytes(idx)[0..8].try_into().unwrap())
    }

    /// The bytes of the record at `idx` (< len).
    fn record_bytes(&self, idx: u32) -> &[u8] {
        &self.records.as_ref()[idx as usize * RECORD_LEN..(idx as usize + 1) * RECORD_LEN]
    }

    /// The pool string whose offset is stored at byte `o` of record `r`.
    fn pool_field(&self, r: &[u8], o: usize) -> &str {
        self.pool_str(u32::from_le_bytes(r[o..o + 4].try_into().unwrap()))
    }

    /// The record at `idx` (< len).
    pub fn record(&self, idx: u32) -> Record<'_> {
        let r = self.record_bytes(idx);
        let f = Fixed::of(r);
        Record {
            geonameid: f.geonameid,
            lat: f.lat,
            lon: f.lon,
            population: f.population,
            name: self.pool_field(r, 28),
            admin1: self.pool_field(r, 32),
            admin2: self.pool_field(r, 36),
            feature_class: f.feature_class,
            feature_code: padded_field(f.feature_code),
            country: padded_field(f.country),
            names: u16::from_le_bytes(r[48..50].try_into().unwrap()),
        }
    }

    /// The primary name of the record at `idx` (< len), decoding nothing else.
    pub(crate) fn name(&self, idx: u32) -> &str {
        self.pool_field(self.record_bytes(idx), 28)
    }

    /// The fields of the record at `idx` (< len) that ranking reads, without
    /// decoding its name and admin-2 code.
    pub(crate) fn ranking_fields(&self, idx: u32) -> RankingFields<'_> {
        let r = self.record_bytes(idx);
        let f = Fixed::of(r);
        RankingFields {
            geonameid: f.geonameid,
            lat: f.lat,
            lon: f.lon,
            population: f.population,
            admin1: self.pool_bytes(u32::from_le_bytes(r[32..36].try_into().unwrap())),
            feature_class: f.feature_class,
            feature_code: padded_bytes(f.feature_code),
            country: padded_bytes(f.country),
            names: u16::from_le_bytes(r[48..50].try_into().unwrap()),
        }
    }

    /// Postings (place index << [`FLAG_BITS`] | [`FLAGS`]) stored at an offset from the map.
    pub fn postings(&self, off: u64) -> impl Iterator<Item = u32> + '_ {
        let p = self.postings.as_ref();
        let off = off as usize;
        let n = u32::from_le_bytes(p[off..off + 4].try_into().unwrap()) as usize;
        (0..n).map(move |i| {
            let at = off + 4 + i * 4;
            u32::from_le_bytes(p[at..at + 4].try_into().unwrap())
        })
    }

    /// Postings for an exact loose key.
    pub fn get(&self, key: &str) -> Vec<u32> {
        match self.map.get(key) {
            Some(off) => self.postings(off).collect(),
            None => Vec::new(),
        }
    }

    /// The admin-code and country tables as text (`A1`, `A2`, `C` lines).
    pub fn tables(&self) -> &str {
        std::str::from_utf8(self.tables.as_ref()).unwrap_or("")
    }

    /// The admin-1 polygons GeoJSON text.
    pub fn admin_geojson(&self) -> &str {
        std::str::from_utf8(self.admin_geojson.as_ref()).unwrap_or("")
    }

    /// Index of the place with this geonameid (records are sorted by id).
    pub fn find_id(&self, geonameid: i64) -> Option<u32> {
        let (mut lo, mut hi) = (0usize, self.len);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let id = self.record(mid as u32).geonameid;
            match id.cmp(&geonameid) {
                std::cmp::Ordering::Equal => return Some(mid as u32),
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        None
    }
}

/// The fixed-width fields of a record, as stored (codes still padded).
struct Fixed<'a> {
    geonameid: i64,
    lat: f64,
    lon: f64,
    population: u32,
    feature_class: char,
    feature_code: &'a [u8],
    country: &'a [u8],
}

impl<'a> Fixed<'a> {
    fn of(r: &'a [u8]) -> Self {
        Fixed {
            geonameid: i64::from_le_bytes(r[0..8].try_into().unwrap()),
            lat: f64::from_le_bytes(r[8..16].try_into().unwrap()),
            lon: f64::from_le_bytes(r[16..24].try_into().unwrap()),
            population: u32::from_le_bytes(r[24..28].try_into().unwrap()),
            feature_class: r[40] as char,
            feature_code: &r[41..46],
            country: &r[46..48],
        }
    }
}

/// A space-padded fixed-width record field (feature code, country code) as
/// text, with trailing whitespace trimmed as `str::trim_end` trims it; an
/// ASCII field, the usual case, without decoding it char by char.
fn padded_field(b: &[u8]) -> &str {
    let s = std::str::from_utf8(b).unwrap_or("");
    if !s.is_ascii() {
        return s.trim_end();
    }
    let len = s.bytes().rposition(|c| !char::from(c).is_whitespace()).map_or(0, |i| i + 1);
    &s[..len]
}

/// The bytes of [`padded_field`]: an ASCII field trimmed bytewise, without
/// a call to the UTF-8 validator.
fn padded_bytes(b: &[u8]) -> &[u8] {
    if !b.is_ascii() {
        return padded_field(b).as_bytes();
    }
    let len = b.iter().rposition(|&c| !char::from(c).is_whitespace()).map_or(0, |i| i + 1);
    &b[..len]
}

/// True when `query` folds to the same text as `name` (an exact match up to
/// case, diacritics and punctuation).
pub fn same_folded(query: &str, name: &str) -> bool {
    fold_name(query) == fold_name(name)
}

#[cfg(test)]
mod tests {
    use super::super::geonames::parse_row;
    use super::*;

    const KHANAQIN: &str = "94591\tKhānaqīn\tKhanaqin\tKhanaqin,Xaneqin\t34.3482\t45.39065\tP\tPPL\tIQ\t\t10\t94590\t\t\t175000\t\t\tAsia/Baghdad\t2020-02-02";

    // Regression: the header is 12 + 6 * 16 bytes but the builder placed the
    // first section at 92, so every index (the embedded one too) failed to
    // open with "FST error".
    #[test]
    fn header_len_matches_written_header() {
        let mut b = IndexBuilder::new();
        b.add_row(parse_row(KHANAQIN).unwrap());
        b.add_admin1("IQ.10".into(), "Diyala".into());
        let bytes = b.finish().unwrap();
        let first = u64::from_le_bytes(bytes[12..20].try_into().unwrap());
        assert_eq!(first as usize, HEADER_LEN);
        let n = bytes.len();
        let ix = Index::open(Bytes::Shared(Arc::new(bytes), 0..n)).unwrap();
        assert_eq!(ix.len(), 1);
        assert_eq!(ix.record(0).name, "Khānaqīn");
        assert_eq!(ix.record(0).admin2, "94590");
        assert_eq!(ix.get("xanekin").len(), 1);
        assert!(ix.tables().contains("A1\tIQ.10\tDiyala"));
    }

    fn open(b: IndexBuilder) -> Index {
        let bytes = b.finish().unwrap();
        let n = bytes.len();
        Index::open(Bytes::Shared(Arc::new(bytes), 0..n)).unwrap()
    }

    #[test]
    fn later_row_replaces_and_takes_its_keys_along() {
        let mut b = IndexBuilder::new();
        b.add_row(parse_row(KHANAQIN).unwrap());
        b.add_row(parse_row(&KHANAQIN.replace("Khanaqin,Xaneqin", "Khaneqin")).unwrap());
        let ix = open(b);
        assert_eq!(ix.len(), 1);
        assert!(ix.get("xanekin").is_empty(), "keys of the replaced row are gone");
        assert_eq!(ix.get("khanekin"), vec![0]);
        assert_eq!(ix.get("khanakin"), vec![PRIMARY]);
    }

    #[test]
    fn alternates_merge_and_primary_wins() {
        let mut b = IndexBuilder::new();
        b.add_row(parse_row(KHANAQIN).unwrap());
        let mut alts = BTreeMap::new();
        alts.insert(94591, vec!["Khānaqīn".to_string(), "Kanaqin".to_string()]);
        alts.insert(1, vec!["Nowhere".to_string()]);
        assert_eq!(b.add_alternates(&alts), 1);
        let ix = open(b);
        // The same key from the name and an alternate: one posting, primary.
        assert_eq!(ix.get("khanakin"), vec![PRIMARY]);
        assert_eq!(ix.get("kanakin"), vec![0]);
        assert!(ix.get("nowhere").is_empty());
    }

    #[test]
    fn streamed_alternates_find_the_latest_row() {
        let mut b = IndexBuilder::new();
        b.add_row(parse_row(&KHANAQIN.replace("94591", "5")).unwrap());
        b.add_row(parse_row(KHANAQIN).unwrap());
        assert!(b.add_alternate(94591, "Kanaqin"));
        assert!(!b.add_alternate(6, "Nowhere"));
        // A row added later (an overlay) is found too, and replaces.
        b.add_row(parse_row(&KHANAQIN.replace("Khanaqin,Xaneqin", "")).unwrap());
        assert!(b.add_alternate(94591, "Khaneqin"));
        let ix = open(b);
        assert_eq!(ix.len(), 2);
        assert!(ix.get("kanakin").is_empty(), "belonged to the replaced row");
        assert_eq!(ix.get("khanekin"), vec![1 << FLAG_BITS]);
    }

    /// The flags say which places have a name spelled as the key itself, and
    /// other spellings are listed apart; neither counts as a name of its own.
    #[test]
    fn spellings_are_flagged_and_listed_apart_from_the_keys() {
        const SAMARRA: &str = "91597\tSāmarrā’\tSamarra\tSamara,Samarrah\t34.1959\t43.88568\tP\tPPL\tIQ\t\t18\t\t\t\t158508\t\t\tAsia/Baghdad\t2020-02-02";
        const SAMARA: &str = "499099\tSamara\tSamara\tKuybyshev\t53.20767\t50.13553\tP\tPPL\tRU\t\t65\t\t\t\t1163399\t\t\tEurope/Samara\t2020-02-02";
        let mut b = IndexBuilder::new();
        b.add_row(parse_row(SAMARRA).unwrap());
        b.add_row(parse_row(SAMARA).unwrap());
        let ix = open(b);
        // Both have a name spelled "samara", the key; both names are primary.
        assert_eq!(ix.get("samara"), vec![PRIMARY | SPELLED, (1 << FLAG_BITS) | PRIMARY | SPELLED]);
        // Only Samarra is spelled "samarra" (and "samarrah"), which share the key.
        assert_eq!(ix.get(&format!("{SPELLING}samarra")), vec![0]);
        assert_eq!(ix.get(&format!("{SPELLING}samarrah")), vec![0]);
        assert!(ix.get(&format!("{SPELLING}samara")).is_empty(), "a spelling that is its key is a flag");
        // Names: Samarra has one key (samara); Samara two (samara, kuybyshev).
        assert_eq!((ix.record(0).names, ix.record(1).names), (1, 2));
    }

    #[test]
    fn records_are_sorted_by_geonameid() {
        let mut b = IndexBuilder::new();
        b.add_row(parse_row(&KHANAQIN.replace("94591", "7")).unwrap());
        b.add_row(parse_row(KHANAQIN).unwrap());
        b.add_row(parse_row(&KHANAQIN.replace("94591", "3")).unwrap());
        let ix = open(b);
        let ids: Vec<i64> = (0..3).map(|i| ix.record(i).geonameid).collect();
        assert_eq!(ids, [3, 7, 94591]);
        assert_eq!(ix.find_id(7), Some(1));
        assert_eq!(ix.get("khanakin").len(), 3);
    }

    #[test]
    fn padded_fields_trim_as_trim_end_does() {
        for field in [&b"PPL  "[..], b"ADM1H", b"IQ", b"A ", b"  ", b"P\t\x0b ", b"X\xc2\xa0", b"\xff "] {
            let expected = std::str::from_utf8(field).unwrap_or("").trim_end();
            assert_eq!(padded_field(field), expected, "{field:?}");
            assert_eq!(padded_bytes(field), expected.as_bytes(), "{field:?}");
        }
    }

    #[test]
    fn empty_index_opens() {
        let bytes = IndexBuilder::new().finish().unwrap();
        let n = bytes.len();
        let ix = Index::open(Bytes::Shared(Arc::new(bytes), 0..n)).unwrap();
        assert!(ix.is_empty());
    }
}
