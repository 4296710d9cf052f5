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

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use super::fold::{fold_name, loose_key};
use super::geonames::Row;

/// File magic: "IMGAZ" + format version. Bump the version whenever the
/// layout or the key folding changes, so stale user indexes are rebuilt.
pub const MAGIC: &[u8; 8] = b"IMGAZ005";
/// Magic, place count, then offset and length (u64 each) of the six sections.
const HEADER_LEN: usize = 8 + 4 + SECTIONS * 16;
const SECTIONS: usize = 6;
const RECORD_LEN: usize = 48;

/// Posting flag: the key comes from the place's primary or ASCII name.
pub const PRIMARY: u32 = 1;

/// Builds an index from GeoNames rows and tables.
#[derive(Default)]
pub struct IndexBuilder {
    rows: Vec<Row>,
    admin1: BTreeMap<String, String>,
    admin2: BTreeMap<String, String>,
    countries: BTreeMap<String, (String, i64)>,
    admin_geojson: String,
}

impl IndexBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces, by geonameid) a place.
    pub fn add_row(&mut self, row: Row) {
        self.rows.push(row);
    }

    /// Adds alternate names to an already added place; unknown ids are ignored
    /// and counted in the return value.
    pub fn add_alternates(&mut self, names: &BTreeMap<i64, Vec<String>>) -> usize {
        let mut by_id: BTreeMap<i64, usize> = BTreeMap::new();
        for (i, r) in self.rows.iter().enumerate() {
            by_id.insert(r.geonameid, i);
        }
        let mut unknown = 0;
        for (id, list) in names {
            match by_id.get(id) {
                Some(&i) => {
                    let alts = &mut self.rows[i].alternatenames;
                    for n in list {
                        if !alts.contains(n) {
                            alts.push(n.clone());
                        }
                    }
                }
                None => unknown += 1,
            }
        }
        unknown
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

    /// Admin-1 polygons as a GeoJSON FeatureCollection text.
    pub fn set_admin_geojson(&mut self, text: String) {
        self.admin_geojson = text;
    }

    /// Number of places added so far.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when no place was added.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Serialises the index. Later rows with the same geonameid replace
    /// earlier ones (that is how an overlay overrides the base).
    pub fn finish(mut self) -> Result<Vec<u8>, String> {
        // Last row wins for a geonameid; keep stable geonameid order.
        let mut last: BTreeMap<i64, usize> = BTreeMap::new();
        for (i, r) in self.rows.iter().enumerate() {
            last.insert(r.geonameid, i);
        }
        let keep: Vec<usize> = last.into_values().collect();
        let mut rows: Vec<Row> = Vec::with_capacity(keep.len());
        let mut taken = std::mem::take(&mut self.rows);
        for i in keep {
            rows.push(std::mem::replace(&mut taken[i], empty_row()));
        }
        drop(taken);

        let mut pool: Vec<u8> = Vec::new();
        let mut pool_index: BTreeMap<String, u32> = BTreeMap::new();
        let mut intern = |s: &str, pool: &mut Vec<u8>| -> Result<u32, String> {
            if let Some(&off) = pool_index.get(s) {
                return Ok(off);
            }
            let off = u32::try_from(pool.len()).map_err(|_| "string pool over 4 GiB".to_string())?;
            let len = u16::try_from(s.len()).map_err(|_| format!("name too long: {s:.40}"))?;
            pool.extend_from_slice(&len.to_le_bytes());
            pool.extend_from_slice(s.as_bytes());
            pool_index.insert(s.to_string(), off);
            Ok(off)
        };

        let mut records: Vec<u8> = Vec::with_capacity(rows.len() * RECORD_LEN);
        let mut keys: Vec<(String, u32)> = Vec::new();
        for (idx, r) in rows.iter().enumerate() {
            let idx = u32::try_from(idx).map_err(|_| "too many places".to_string())?;
            records.extend_from_slice(&r.geonameid.to_le_bytes());
            records.extend_from_slice(&r.lat.to_le_bytes());
            records.extend_from_slice(&r.lon.to_le_bytes());
            records.extend_from_slice(&(r.population.min(u32::MAX as u64) as u32).to_le_bytes());
            records.extend_from_slice(&intern(&r.name, &mut pool)?.to_le_bytes());
            records.extend_from_slice(&intern(&r.admin1, &mut pool)?.to_le_bytes());
            records.extend_from_slice(&intern(&r.admin2, &mut pool)?.to_le_bytes());
            let mut code = [b' '; 5];
            for (i, b) in r.feature_code.bytes().take(5).enumerate() {
                code[i] = b;
            }
            records.push(if r.feature_class.is_ascii() { r.feature_class as u8 } else { b' ' });
            records.extend_from_slice(&code);
            let mut cc = [b' '; 2];
            for (i, b) in r.country.bytes().take(2).enumerate() {
                cc[i] = b;
            }
            records.extend_from_slice(&cc);
            debug_assert_eq!(records.len(), (idx as usize + 1) * RECORD_LEN);

            let mut seen: Vec<String> = Vec::new();
            let primary = [&r.name, &r.asciiname];
            for (i, n) in primary.iter().copied().chain(r.alternatenames.iter()).enumerate() {
                let k = loose_key(n);
                if k.is_empty() || seen.contains(&k) {
                    continue;
                }
                let flag = if i < 2 { PRIMARY } else { 0 };
                keys.push((k.clone(), (idx << 1) | flag));
                seen.push(k);
            }
        }
        keys.sort();
        let mut postings: Vec<u8> = Vec::new();
        let mut map = fst::MapBuilder::memory();
        let mut i = 0;
        while i < keys.len() {
            let mut j = i;
            while j < keys.len() && keys[j].0 == keys[i].0 {
                j += 1;
            }
            let off = postings.len() as u64;
            postings.extend_from_slice(&((j - i) as u32).to_le_bytes());
            for (_, p) in &keys[i..j] {
                postings.extend_from_slice(&p.to_le_bytes());
            }
            map.insert(&keys[i].0, off).map_err(|e| e.to_string())?;
            i = j;
        }
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

        let sections: [&[u8]; 5] = [&records, &pool, &fst_bytes, &postings, tables.as_bytes()];
        let mut out = Vec::with_capacity(HEADER_LEN + sections.iter().map(|s| s.len()).sum::<usize>() + self.admin_geojson.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(rows.len() as u32).to_le_bytes());
        let mut off = HEADER_LEN as u64;
        for s in sections.iter().copied().chain(std::iter::once(self.admin_geojson.as_bytes())) {
            out.extend_from_slice(&off.to_le_bytes());
            out.extend_from_slice(&(s.len() as u64).to_le_bytes());
            off += s.len() as u64;
        }
        for s in sections {
            out.extend_from_slice(s);
        }
        out.extend_from_slice(self.admin_geojson.as_bytes());
        Ok(out)
    }
}

fn empty_row() -> Row {
    Row {
        geonameid: 0,
        name: String::new(),
        asciiname: String::new(),
        alternatenames: Vec::new(),
        lat: 0.0,
        lon: 0.0,
        feature_class: ' ',
        feature_code: String::new(),
        country: String::new(),
        admin1: String::new(),
        admin2: String::new(),
        population: 0,
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
        let map = fst::Map::new(bytes.slice(ranges[2].clone())).map_err(|e| format!("name index: {e}"))?;
        Ok(Index {
            records: bytes.slice(ranges[0].clone()),
            pool: bytes.slice(ranges[1].clone()),
            postings: bytes.slice(ranges[3].clone()),
            tables: bytes.slice(ranges[4].clone()),
            admin_geojson: bytes.slice(ranges[5].clone()),
            map,
            len,
        })
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

    /// The record at `idx` (< len).
    pub fn record(&self, idx: u32) -> Record<'_> {
        let r = &self.records.as_ref()[idx as usize * RECORD_LEN..(idx as usize + 1) * RECORD_LEN];
        let u32_at = |o: usize| u32::from_le_bytes(r[o..o + 4].try_into().unwrap());
        let code = std::str::from_utf8(&r[41..46]).unwrap_or("").trim_end();
        let cc = std::str::from_utf8(&r[46..48]).unwrap_or("").trim_end();
        Record {
            geonameid: i64::from_le_bytes(r[0..8].try_into().unwrap()),
            lat: f64::from_le_bytes(r[8..16].try_into().unwrap()),
            lon: f64::from_le_bytes(r[16..24].try_into().unwrap()),
            population: u32_at(24),
            name: self.pool_str(u32_at(28)),
            admin1: self.pool_str(u32_at(32)),
            admin2: self.pool_str(u32_at(36)),
            feature_class: r[40] as char,
            feature_code: code,
            country: cc,
        }
    }

    /// Postings (place index << 1 | flags) stored at an offset from the map.
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

    #[test]
    fn empty_index_opens() {
        let bytes = IndexBuilder::new().finish().unwrap();
        let n = bytes.len();
        let ix = Index::open(Bytes::Shared(Arc::new(bytes), 0..n)).unwrap();
        assert!(ix.is_empty());
    }
}
