//! The gazetteer as the rest of the library sees it: one or more indexes
//! (a user's imported one over the embedded default), name lookup with
//! ranking, admin names and admin-1 polygons.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::admin::{AdminArea, parse_admin_geojson};
use super::fold::{fold_name, loose_key};
use super::index::{Bytes, Index, PRIMARY, Record};
use super::{Place, SmolStr};
use crate::error::{Error, Result};
use crate::geodesy::{LonLat, haversine_km};

static EMBEDDED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/gazetteer.idx"));

/// File name of an index inside a gazetteer directory.
pub const INDEX_FILE: &str = "gazetteer.idx";

/// How a name matched a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchKind {
    /// The query folds to the place's primary name.
    Exact,
    /// The query matches the place's ASCII or an alternate name (up to transliteration).
    Alternate,
    /// Within the given number of edits of a name.
    Fuzzy(u8),
}

impl MatchKind {
    /// Short label used in reasons and output.
    pub fn label(self) -> String {
        match self {
            MatchKind::Exact => "exact name".to_string(),
            MatchKind::Alternate => "alternate name".to_string(),
            MatchKind::Fuzzy(d) => format!("fuzzy ({d} edit{})", if d == 1 { "" } else { "s" }),
        }
    }
}

/// Filters and knobs for [`Gazetteer::lookup`].
#[derive(Debug, Clone)]
pub struct LookupOptions {
    /// Only places in this country (ISO alpha-2).
    pub country: Option<String>,
    /// Only this feature class (`P`, `A`, ...).
    pub feature_class: Option<char>,
    /// Only feature codes starting with this (`ADM1`, `PPL`).
    pub feature_code: Option<String>,
    /// Only places in this admin-1 code (GeoNames code, "10") or name ("Diyala").
    pub admin1: Option<String>,
    /// Try edit-distance matches when nothing matches exactly.
    pub fuzzy: bool,
    /// At most this many candidates (0: no limit).
    pub limit: usize,
}

impl Default for LookupOptions {
    fn default() -> Self {
        LookupOptions { country: None, feature_class: None, feature_code: None, admin1: None, fuzzy: true, limit: 10 }
    }
}

/// A ranked answer to a lookup.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The place.
    pub place: Place,
    /// The name (key) that matched.
    pub matched: String,
    /// How it matched.
    pub kind: MatchKind,
    /// Rank score in 0..=1 (higher is better).
    pub score: f64,
    /// Why it ranks where it does, in order of weight.
    pub reasons: Vec<String>,
}

/// Identifies a place inside a [`Gazetteer`]: which index, which record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlaceRef {
    pub layer: u8,
    pub idx: u32,
}

struct Tables {
    /// "CC.code" (its bytes) -> name: looked up once per resolved mention.
    admin1: HashMap<Vec<u8>, String, foldhash::fast::FixedState>,
    countries: HashMap<String, (String, i64)>,
    capitals: HashMap<String, String>,
}

/// Admin-2 areas by name key: (code, name, most populous place in it).
type Admin2Seats = HashMap<String, Vec<(String, String, PlaceRef)>>;

/// Admin-2 names are many (tens of thousands) and rarely needed: parsed apart.
struct Admin2Table(HashMap<String, String>);

/// A gazetteer: indexes searched in order (a user's first, the default last).
pub struct Gazetteer {
    layers: Vec<(String, Index)>,
    tables: OnceLock<Tables>,
    admin2: OnceLock<Admin2Table>,
    admin2_seats: OnceLock<Admin2Seats>,
    admin: OnceLock<Vec<AdminArea>>,
}

impl Gazetteer {
    /// The shipped default, embedded in the binary. Opening it costs nothing.
    pub fn embedded() -> Result<Gazetteer> {
        let index = Index::open(Bytes::Static(EMBEDDED))
            .map_err(|message| Error::Gazetteer { path: PathBuf::from("<embedded>"), message })?;
        Ok(Gazetteer::from_layers(vec![("default".to_string(), index)]))
    }

    /// An index file or a directory holding `gazetteer.idx`, searched before
    /// the embedded default (unless `with_default` is false).
    pub fn open(path: &Path, with_default: bool) -> Result<Gazetteer> {
        let file = if path.is_dir() { path.join(INDEX_FILE) } else { path.to_path_buf() };
        let bytes = std::fs::read(&file).map_err(|e| Error::io(&file, e))?;
        let n = bytes.len();
        let index = Index::open(Bytes::Shared(Arc::new(bytes), 0..n))
            .map_err(|message| Error::Gazetteer { path: file.clone(), message })?;
        let mut layers = vec![(file.display().to_string(), index)];
        if with_default {
            layers.extend(Gazetteer::embedded()?.layers);
        }
        Ok(Gazetteer::from_layers(layers))
    }

    /// The gazetteer a command should use: `dir` when given; else the user's
    /// imported gazetteer (`INCIDENTMAP_GAZETTEER` or the data directory) when
    /// one exists; else the embedded default.
    pub fn load(dir: Option<&Path>) -> Result<Gazetteer> {
        // A gazetteer imported with --no-default stands alone.
        let with_default = |d: &Path| !d.join(super::import::NO_DEFAULT_FILE).exists();
        if let Some(d) = dir {
            return Gazetteer::open(d, with_default(d));
        }
        if let Some(d) = user_dir() {
            if d.join(INDEX_FILE).is_file() {
                return Gazetteer::open(&d, with_default(&d));
            }
        }
        Gazetteer::embedded()
    }

    fn from_layers(layers: Vec<(String, Index)>) -> Gazetteer {
        Gazetteer {
            layers,
            tables: OnceLock::new(),
            admin2: OnceLock::new(),
            admin2_seats: OnceLock::new(),
            admin: OnceLock::new(),
        }
    }

    /// Number of places over all layers (a place in two layers counts twice).
    pub fn len(&self) -> usize {
        self.layers.iter().map(|(_, i)| i.len()).sum()
    }

    /// True when no layer has any place.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Names of the layers, most specific first.
    pub fn layer_names(&self) -> Vec<&str> {
        self.layers.iter().map(|(n, _)| n.as_str()).collect()
    }

    pub(crate) fn layers(&self) -> impl Iterator<Item = (u8, &Index)> {
        self.layers.iter().enumerate().map(|(i, (_, idx))| (i as u8, idx))
    }

    /// The process-unique ids of this gazetteer's indexes, in layer order:
    /// what a per-thread cache records to know whose entries it holds.
    pub(crate) fn layer_ids(&self) -> impl Iterator<Item = u64> + '_ {
        self.layers.iter().map(|(_, ix)| ix.id())
    }

    /// Are `ids` this gazetteer's [`layer_ids`](Self::layer_ids)?
    pub(crate) fn has_layer_ids(&self, ids: &[u64]) -> bool {
        self.layer_ids().eq(ids.iter().copied())
    }

    /// The index record behind a reference (borrowed, nothing allocated).
    pub(crate) fn record(&self, r: PlaceRef) -> Record<'_> {
        self.layers[r.layer as usize].1.record(r.idx)
    }

    /// The ranking fields of the record behind a reference (no name decoded).
    pub(crate) fn ranking_fields(&self, r: PlaceRef) -> super::index::RankingFields<'_> {
        self.layers[r.layer as usize].1.ranking_fields(r.idx)
    }

    /// The primary name of the place behind a reference.
    pub(crate) fn name_of(&self, r: PlaceRef) -> &str {
        self.layers[r.layer as usize].1.name(r.idx)
    }

    /// The place behind a reference.
    pub fn place(&self, r: PlaceRef) -> Place {
        to_place(&self.record(r))
    }

    /// The place with this geonameid, searching layers in order.
    pub fn by_id(&self, geonameid: i64) -> Option<Place> {
        self.layers.iter().find_map(|(_, ix)| ix.find_id(geonameid).map(|i| to_place(&ix.record(i))))
    }

    /// Place references whose names have exactly this loose key, first layer
    /// first; a geonameid already seen in an earlier layer is skipped.
    pub fn refs_for_key(&self, key: &str) -> Vec<(PlaceRef, bool)> {
        let mut out: Vec<(PlaceRef, bool)> = Vec::new();
        let mut seen_ids: Vec<i64> = Vec::new();
        // With one layer there is nothing to deduplicate: no ids to read.
        let layered = self.layers.len() > 1;
        for (layer, ix) in self.layers() {
            let Some(off) = ix.map().get(key) else { continue };
            for p in ix.postings(off) {
                let idx = p >> 1;
                if layered {
                    let id = ix.geonameid(idx);
                    if layer > 0 && seen_ids.contains(&id) {
                        continue;
                    }
                    seen_ids.push(id);
                }
                out.push((PlaceRef { layer, idx }, p & PRIMARY != 0));
            }
        }
        out
    }

    /// The place references of the postings at `off` in `layer` (an output
    /// of that layer's name map), with their primary-name flags.
    pub(crate) fn refs_at(&self, layer: u8, off: u64) -> impl Iterator<Item = (PlaceRef, bool)> + '_ {
        self.layers[layer as usize].1.postings(off).map(move |p| (PlaceRef { layer, idx: p >> 1 }, p & PRIMARY != 0))
    }

    /// Looks a name up: exact and alternate names first, then (when allowed
    /// and nothing matched) names within a bounded edit distance: one edit
    /// from 5 letters, two from 9.
    pub fn lookup(&self, name: &str, opts: &LookupOptions) -> Vec<Candidate> {
        let key = loose_key(name);
        if key.is_empty() {
            return Vec::new();
        }
        let wants_admin = has_admin_suffix(name);
        let mut cands: Vec<Candidate> = Vec::new();
        for (r, primary) in self.refs_for_key(&key) {
            let rec = self.record(r);
            let kind =
                if fold_name(name) == fold_name(rec.name) || primary { MatchKind::Exact } else { MatchKind::Alternate };
            if let Some(c) = self.candidate(&rec, &key, kind, wants_admin, opts) {
                cands.push(c);
            }
        }
        if cands.is_empty() && opts.fuzzy {
            let n = key.chars().count();
            let dist = if n >= 9 {
                2
            } else if n >= 5 {
                1
            } else {
                0
            };
            if dist > 0 {
                for (_, ix) in self.layers() {
                    for (k, off) in super::fuzzy::keys_within(ix.map(), &key, dist as u8) {
                        let d = edit_distance(&key, &k).min(dist) as u8;
                        for p in ix.postings(off) {
                            let rec = ix.record(p >> 1);
                            if let Some(c) = self.candidate(&rec, &k, MatchKind::Fuzzy(d), wants_admin, opts) {
                                if !cands.iter().any(|x| x.place.geonameid == c.place.geonameid) {
                                    cands.push(c);
                                }
                            }
                        }
                    }
                }
            }
        }
        if !wants_admin {
            prefer_namesake_town(&mut cands);
        }
        cands.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(b.place.population.cmp(&a.place.population))
                .then(a.place.geonameid.cmp(&b.place.geonameid))
        });
        if opts.limit > 0 {
            cands.truncate(opts.limit);
        }
        cands
    }

    fn candidate(
        &self,
        rec: &Record<'_>,
        key: &str,
        kind: MatchKind,
        wants_admin: bool,
        opts: &LookupOptions,
    ) -> Option<Candidate> {
        if let Some(cc) = &opts.country {
            if !rec.country.eq_ignore_ascii_case(cc) {
                return None;
            }
        }
        if let Some(fc) = opts.feature_class {
            if rec.feature_class != fc.to_ascii_uppercase() {
                return None;
            }
        }
        if let Some(code) = &opts.feature_code {
            if !rec.feature_code.starts_with(&code.to_ascii_uppercase()) {
                return None;
            }
        }
        if let Some(a1) = &opts.admin1 {
            let name = self.admin1_name(rec.country, rec.admin1).unwrap_or_default();
            if rec.admin1 != a1.as_str() && loose_key(&name) != loose_key(a1) {
                return None;
            }
        }
        let place = to_place(rec);
        let (score, reasons) = rank(&place, kind, wants_admin);
        Some(Candidate { place, matched: key.to_string(), kind, score, reasons })
    }

    fn tables(&self) -> &Tables {
        self.tables.get_or_init(|| {
            let mut t = Tables { admin1: HashMap::default(), countries: HashMap::new(), capitals: HashMap::new() };
            let mut cols: Vec<&str> = Vec::new();
            // Later layers are the defaults: insert them first so earlier
            // (user) layers override.
            for (_, ix) in self.layers.iter().rev() {
                for line in lines(ix.tables()).filter(|l| !l.starts_with("A2\t")) {
                    cols.clear();
                    cols.extend(line.split('\t'));
                    match cols.as_slice() {
                        ["A1", code, name] => {
                            t.admin1.insert(code.as_bytes().to_vec(), name.to_string());
                        }
                        ["A2", ..] => {}
                        ["K", iso, capital] => {
                            t.capitals.insert(iso.to_string(), capital.to_string());
                        }
                        ["C", iso, name, id] => {
                            t.countries.insert(iso.to_string(), (name.to_string(), id.parse().unwrap_or(0)));
                        }
                        _ => {}
                    }
                }
            }
            t
        })
    }

    /// Admin-1 name for a country and GeoNames admin-1 code ("IQ", "10" -> "Diyala").
    pub fn admin1_name(&self, country: &str, code: &str) -> Option<String> {
        if code.is_empty() {
            return None;
        }
        // The key "CC.code" on the stack: this runs once per resolved mention.
        let mut buf = [0u8; 64];
        let n = country.len() + 1 + code.len();
        if n > buf.len() {
            return self.tables().admin1.get(format!("{country}.{code}").as_bytes()).cloned();
        }
        buf[..country.len()].copy_from_slice(country.as_bytes());
        buf[country.len()] = b'.';
        buf[country.len() + 1..n].copy_from_slice(code.as_bytes());
        self.tables().admin1.get(&buf[..n]).cloned()
    }

    /// Admin-2 name for a country, admin-1 and admin-2 code.
    pub fn admin2_name(&self, country: &str, admin1: &str, admin2: &str) -> Option<String> {
        if admin2.is_empty() {
            return None;
        }
        let table = self.admin2.get_or_init(|| {
            let mut m = HashMap::new();
            for (_, ix) in self.layers.iter().rev() {
                for line in lines(ix.tables()).filter(|l| l.starts_with("A2\t")) {
                    let mut cols = line.split('\t').skip(1);
                    if let (Some(code), Some(name)) = (cols.next(), cols.next()) {
                        m.insert(code.to_string(), name.to_string());
                    }
                }
            }
            Admin2Table(m)
        });
        table.0.get(&format!("{country}.{admin1}.{admin2}")).cloned()
    }

    /// Second-level areas (counties, districts) whose name matches `name`
    /// ("Laurel", "Laurel County"), each as a place at its most populous
    /// town: the gazetteer has the areas' names but not their outlines, and
    /// the main town is within a county's reach. Feature code `ADM2`.
    pub fn admin2_areas(&self, name: &str) -> Vec<Place> {
        let key = loose_key(name);
        if key.is_empty() {
            return Vec::new();
        }
        let seats = self.admin2_seats.get_or_init(|| {
            self.admin2_name("", "", "x"); // make sure the name table is parsed
            let names = &self.admin2.get().expect("admin2 names parsed").0;
            let mut best: HashMap<String, (u32, PlaceRef)> = HashMap::new();
            for (layer, ix) in self.layers() {
                for idx in 0..ix.len() as u32 {
                    let r = ix.record(idx);
                    if r.admin2.is_empty() || r.feature_class != 'P' {
                        continue;
                    }
                    let code = format!("{}.{}.{}", r.country, r.admin1, r.admin2);
                    let entry = best.entry(code).or_insert((0, PlaceRef { layer, idx }));
                    if r.population > entry.0 {
                        *entry = (r.population, PlaceRef { layer, idx });
                    }
                }
            }
            let mut by_key: Admin2Seats = HashMap::new();
            for (code, area_name) in names {
                if let Some((_, r)) = best.get(code) {
                    for k in [loose_key(area_name), loose_key(&format!("{area_name} district"))] {
                        let list = by_key.entry(k).or_default();
                        if !list.iter().any(|(c, _, _)| c == code) {
                            list.push((code.clone(), area_name.clone(), *r));
                        }
                    }
                }
            }
            // HashMap order is random per process: sort so that equal
            // candidates come out in the same order on every run (the most
            // populous main town first).
            for list in by_key.values_mut() {
                list.sort_by(|a, b| {
                    let pop = |r: &PlaceRef| self.layers[r.layer as usize].1.record(r.idx).population;
                    pop(&b.2).cmp(&pop(&a.2)).then(a.0.cmp(&b.0))
                });
            }
            by_key
        });
        // "Laurel County" and "Laurel" both find the county named "Laurel County".
        let mut keys = vec![key.clone(), loose_key(&format!("{name} county"))];
        keys.dedup();
        let mut out = Vec::new();
        for k in keys {
            for (code, area_name, r) in seats.get(&k).into_iter().flatten() {
                let seat = self.place(*r);
                let mut parts = code.split('.');
                let (country, a1, a2) =
                    (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                if out.iter().any(|p: &Place| p.country == country && p.admin1_code == a1 && p.admin2_code == a2) {
                    continue;
                }
                out.push(Place {
                    geonameid: -seat.geonameid,
                    name: area_name.into(),
                    position: seat.position,
                    feature_class: 'A',
                    feature_code: "ADM2".into(),
                    country: country.into(),
                    admin1_code: a1.into(),
                    admin2_code: a2.into(),
                    population: 0,
                });
            }
        }
        out
    }

    /// Country name for an ISO alpha-2 code.
    pub fn country_name(&self, iso: &str) -> Option<String> {
        self.tables().countries.get(&iso.to_ascii_uppercase()).map(|(n, _)| n.clone())
    }

    /// The capital city of a country, when the gazetteer knows it.
    pub fn capital(&self, iso: &str) -> Option<Place> {
        let name = self.tables().capitals.get(iso)?;
        let opts = LookupOptions {
            country: Some(iso.to_string()),
            feature_class: Some('P'),
            fuzzy: false,
            limit: 5,
            ..LookupOptions::default()
        };
        let cands = self.lookup(name, &opts);
        cands.iter().find(|c| c.place.feature_code == "PPLC").or(cands.first()).map(|c| c.place.clone())
    }

    /// The ADM1 place for a country and admin-1 code, when the gazetteer has one.
    pub fn admin1_place(&self, country: &str, code: &str) -> Option<Place> {
        let name = self.admin1_name(country, code)?;
        self.refs_for_key(&loose_key(&name))
            .into_iter()
            .map(|(r, _)| self.place(r))
            .find(|p| p.is_admin1() && p.country == country && p.admin1_code == code)
    }

    /// Every admin-1 area with its polygon (parsed on first use).
    pub fn admin_areas(&self) -> &[AdminArea] {
        self.admin.get_or_init(|| {
            let mut all = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for (name, ix) in &self.layers {
                let text = ix.admin_geojson();
                if text.trim().is_empty() {
                    continue;
                }
                // A broken polygon file leaves admin1 assignment to the codes.
                if let Ok(areas) = parse_admin_geojson(text, name) {
                    for a in areas {
                        if a.code.is_empty() || seen.insert(a.code.clone()) {
                            all.push(a);
                        }
                    }
                }
            }
            all
        })
    }

    /// The admin-1 area containing a point.
    pub fn admin1_at(&self, p: LonLat) -> Option<&AdminArea> {
        self.admin_areas().iter().find(|a| a.contains(p))
    }

    /// Resolves a name to one place for a command-line query, or explains why
    /// it cannot: nothing matched, or several distinct places matched equally
    /// well (the error lists them; `country` or a longer name settles it).
    pub fn geocode_unique(&self, name: &str, country: Option<&str>) -> Result<Candidate> {
        let opts = LookupOptions { country: country.map(str::to_string), limit: 8, ..LookupOptions::default() };
        let cands = self.lookup(name, &opts);
        let Some(top) = cands.first() else {
            return Err(Error::Place(format!(
                "no place called {name:?} in the gazetteer{}",
                country.map(|c| format!(" in {c}")).unwrap_or_default()
            )));
        };
        let rivals: Vec<&Candidate> = cands
            .iter()
            .skip(1)
            .filter(|c| {
                c.kind <= MatchKind::Alternate
                    && top.score - c.score < 0.05
                    && haversine_km(top.place.position, c.place.position) > 50.0
                    && !(top.place.is_admin1() || c.place.is_admin1()) // a town and its province are not rivals
            })
            .collect();
        if rivals.is_empty() {
            return Ok(top.clone());
        }
        let mut msg = format!("{name:?} is ambiguous; candidates:\n");
        for c in std::iter::once(top).chain(rivals) {
            msg.push_str(&format!("  {}\n", self.describe(&c.place)));
        }
        msg.push_str("use --country CC or a more specific name (or LAT,LON)");
        Err(Error::Place(msg))
    }

    /// One-line description: "Khanaqin (Diyala, IQ) PPLA2 34.34820,45.39065 geonameid 94591".
    pub fn describe(&self, p: &Place) -> String {
        let a1 = self.admin1_name(&p.country, &p.admin1_code).unwrap_or_default();
        format!(
            "{} ({}{}{}) {} {:.5},{:.5} geonameid {}",
            p.name,
            a1,
            if a1.is_empty() { "" } else { ", " },
            p.country,
            p.feature_code,
            p.position.lat,
            p.position.lon,
            p.geonameid
        )
    }
}

/// The user's gazetteer directory: `INCIDENTMAP_GAZETTEER`, else
/// `<data dir>/incidentmap/gazetteer`.
pub fn user_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("INCIDENTMAP_GAZETTEER") {
        return Some(PathBuf::from(d));
    }
    dirs::data_dir().map(|d| d.join("incidentmap").join("gazetteer"))
}

fn to_place(r: &Record<'_>) -> Place {
    Place {
        geonameid: r.geonameid,
        name: r.name.into(),
        position: LonLat { lon: r.lon, lat: r.lat },
        feature_class: r.feature_class,
        feature_code: r.feature_code.into(),
        country: r.country.into(),
        admin1_code: r.admin1.into(),
        admin2_code: r.admin2.into(),
        population: u64::from(r.population),
    }
}

/// The lines of `text` as [`str::lines`] splits them, found with a
/// vectorised newline search: the index tables are tens of thousands of
/// short lines, most of them skipped.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let line = match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(i) => {
                let line = &rest[..i];
                rest = &rest[i + 1..];
                line.strip_suffix('\r').unwrap_or(line)
            }
            None => std::mem::take(&mut rest),
        };
        Some(line)
    })
}

/// True when the name ends with an admin word ("Diyala Governorate").
pub fn has_admin_suffix(name: &str) -> bool {
    let folded = fold_name(name);
    folded.rsplit(' ').next().is_some_and(|w| super::fold::ADMIN_SUFFIXES.contains(&w))
}

/// Prominence of a place in 0..=1: countries and capitals high, admin-1 areas
/// high, towns by population (10 million people is 1).
pub fn prominence(p: &Place) -> f64 {
    prominence_of(p.feature_class, p.feature_code.as_bytes(), p.population)
}

/// [`prominence`] from a place's feature class, feature code (its bytes)
/// and population (for callers that score index records without building a
/// [`Place`]).
pub fn prominence_of(feature_class: char, feature_code: &[u8], population: u64) -> f64 {
    let area = feature_class == 'A';
    if area && feature_code.starts_with(b"PCL") {
        1.0
    } else if feature_code == b"PPLC" {
        0.95
    } else if area && feature_code.starts_with(b"ADM1") {
        0.75
    } else if area {
        0.6
    } else {
        ((population as f64 + 1.0).log10() / 7.0).clamp(0.0, 1.0)
    }
}

fn rank(p: &Place, kind: MatchKind, wants_admin: bool) -> (f64, Vec<String>) {
    let match_w = match kind {
        MatchKind::Exact => 1.0,
        MatchKind::Alternate => 0.9,
        MatchKind::Fuzzy(d) => 0.8 - 0.1 * f64::from(d),
    };
    let prom = prominence(p);
    let mut score = 0.6 * match_w + 0.4 * prom;
    let mut reasons = vec![kind.label()];
    if wants_admin && p.feature_class == 'A' {
        score += 0.2;
        reasons.push("admin word fits an area".to_string());
    }
    if p.is_country() {
        reasons.push("country".to_string());
    } else if p.feature_class == 'A' {
        reasons.push(format!("area {}", p.feature_code));
    } else if p.population > 0 {
        reasons.push(format!("population {}", p.population));
    }
    (score.min(1.0), reasons)
}

/// A province and a sizeable town inside it that answer the same name
/// ("Duhok": the governorate and its capital Dihok): a bare name in the news
/// means the town, so the town moves just above the area. A query that says
/// "province" or "governorate" never gets here, and the area keeps its rank
/// when the town is small or only a fuzzy match.
fn prefer_namesake_town(cands: &mut [Candidate]) {
    const MIN_POPULATION: u64 = 10_000;
    let areas: Vec<(SmolStr, SmolStr, f64)> = cands
        .iter()
        .filter(|c| c.place.is_admin1() && !matches!(c.kind, MatchKind::Fuzzy(_)))
        .map(|c| (c.place.country.clone(), c.place.admin1_code.clone(), c.score))
        .collect();
    if areas.is_empty() {
        return;
    }
    for c in cands.iter_mut() {
        if c.place.feature_class != 'P' || c.place.population < MIN_POPULATION || matches!(c.kind, MatchKind::Fuzzy(_))
        {
            continue;
        }
        let area = areas
            .iter()
            .filter(|(cc, a1, _)| *cc == c.place.country && !a1.is_empty() && *a1 == c.place.admin1_code)
            .map(|&(_, _, s)| s)
            .fold(f64::NAN, f64::max);
        if area > c.score {
            c.score = (area + 0.001).min(1.0);
            c.reasons.push("town named like its province (say \"province\" for the area)".to_string());
        }
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
    use super::super::geonames::parse_row;
    use super::super::index::IndexBuilder;
    use super::*;

    #[test]
    fn lines_split_as_str_lines_does() {
        for text in ["", "\n", "a", "a\n", "a\r\nb", "a\n\nb\r", "\r\n\r\n", "A1\tIQ.10\tDiyala\nA2\tx\ty\r\nC"] {
            assert_eq!(lines(text).collect::<Vec<_>>(), text.lines().collect::<Vec<_>>(), "{text:?}");
        }
    }

    /// A GeoNames row: id, name, alternates, lat, lon, class, code, country, admin1, population.
    #[expect(clippy::too_many_arguments, reason = "mirrors the GeoNames columns a test needs")]
    fn row(
        id: i64,
        name: &str,
        alts: &str,
        lat: f64,
        lon: f64,
        fc: &str,
        code: &str,
        cc: &str,
        a1: &str,
        pop: u64,
    ) -> String {
        format!(
            "{id}\t{name}\t{name}\t{alts}\t{lat}\t{lon}\t{fc}\t{code}\t{cc}\t\t{a1}\t\t\t\t{pop}\t\t\tAsia/Baghdad\t2024-01-01"
        )
    }

    /// Real GeoNames facts for a few places, plus look-alikes that make
    /// ranking and filters matter.
    fn gazetteer() -> Gazetteer {
        let rows = [
            row(94591, "Khānaqīn", "Khanaqin,Xaneqin,خانقين", 34.3482, 45.39065, "P", "PPL", "IQ", "10", 175000),
            row(97990, "Baqubah", "Ba'qubah,Baquba,بعقوبة", 33.75403, 44.60518, "P", "PPLA", "IQ", "10", 152550),
            row(
                900005313,
                "Diyala",
                "Muhafazat Diyala,Diyala Governorate",
                34.04164,
                44.86943,
                "A",
                "ADM1",
                "IQ",
                "10",
                0,
            ),
            row(98176, "Diyālá", "Diyala River,Sirwan", 33.2167, 44.5167, "H", "STM", "IQ", "", 0),
            row(94787, "Kirkuk", "Karkuk,Kerkuk", 35.46806, 44.39222, "P", "PPLA", "IQ", "13", 1031000),
            row(900007977, "Kirkuk", "At-Ta'mim,Kirkuk Governorate", 35.29339, 44.0502, "A", "ADM1", "IQ", "13", 0),
            row(448149, "Sinjār", "Sinjar,Shingal", 36.3209, 41.87656, "P", "PPL", "IQ", "15", 38294),
            row(164094, "Sinjār", "Sinjar", 35.59011, 37.00472, "P", "PPL", "SY", "12", 0),
            row(96994, "Dihok", "Dohuk,Duhok,Dahuk", 36.86608, 42.9879, "P", "PPLA", "IQ", "08", 340900),
            row(900005076, "Duhok", "Dahuk,Dohuk,Muhafazat Dahuk", 37.02954, 43.01942, "A", "ADM1", "IQ", "08", 0),
            row(93818, "Mexmur", "Makhmur", 35.77622, 43.57974, "P", "PPL", "IQ", "11", 0),
            row(91597, "Sāmarrā’", "Samarra", 34.1959, 43.88568, "P", "PPL", "IQ", "18", 158508),
            row(98463, "Sulaymaniyah", "Slemani,Sulaimani", 35.56496, 45.4329, "P", "PPLA", "IQ", "05", 878146),
            row(910000001, "Jurf al-Nasr", "Jurf al-Sakhar", 32.86667, 44.21389, "P", "PPL", "IQ", "06", 0),
        ];
        let mut b = IndexBuilder::new();
        for r in &rows {
            b.add_row(parse_row(r).unwrap());
        }
        for (code, name) in [
            ("IQ.08", "Duhok"),
            ("IQ.10", "Diyala"),
            ("IQ.13", "Kirkuk"),
            ("IQ.15", "Nineveh"),
            ("IQ.11", "Erbil"),
            ("SY.12", "Idlib"),
        ] {
            b.add_admin1(code.into(), name.into());
        }
        let bytes = b.finish().unwrap();
        let n = bytes.len();
        let ix = Index::open(Bytes::Shared(Arc::new(bytes), 0..n)).unwrap();
        Gazetteer::from_layers(vec![("test".into(), ix)])
    }

    fn top(g: &Gazetteer, name: &str, opts: &LookupOptions) -> Option<Candidate> {
        g.lookup(name, opts).into_iter().next()
    }

    fn top_id(g: &Gazetteer, name: &str) -> Option<i64> {
        top(g, name, &LookupOptions::default()).map(|c| c.place.geonameid)
    }

    #[test]
    fn exact_alternate_and_folded_matches() {
        let g = gazetteer();
        let c = top(&g, "khanaqin", &LookupOptions::default()).unwrap();
        assert_eq!((c.place.geonameid, c.kind), (94591, MatchKind::Exact));
        let c = top(&g, "Xaneqîn", &LookupOptions::default()).unwrap();
        assert_eq!((c.place.geonameid, c.kind), (94591, MatchKind::Alternate));
        assert_eq!(top_id(&g, "خانقين"), Some(94591));
        assert_eq!(top_id(&g, "Ba‘qūbah"), Some(97990));
        assert_eq!(top_id(&g, "BAQOUBA"), Some(97990));
        assert_eq!(top_id(&g, "Makhmour"), Some(93818));
        assert_eq!(top_id(&g, "Jurf as-Sakhar"), Some(910000001));
        assert_eq!(top_id(&g, "Samarra'"), Some(91597));
    }

    #[test]
    fn fuzzy_is_bounded_by_length() {
        let g = gazetteer();
        // 5+ letters: one edit.
        let c = top(&g, "Samirra", &LookupOptions::default()).unwrap();
        assert_eq!(c.place.geonameid, 91597);
        assert!(matches!(c.kind, MatchKind::Fuzzy(1)), "{:?}", c.kind);
        assert!(c.reasons[0].contains("fuzzy"), "{:?}", c.reasons);
        assert!(top(&g, "Sumurra", &LookupOptions::default()).is_none(), "two edits on a 6-letter key");
        // 9+ letters: two edits.
        let c = top(&g, "Sulaymanyya", &LookupOptions::default()).unwrap();
        assert_eq!(c.place.geonameid, 98463);
        // Arabic script too (fst's own automaton found nothing here).
        assert_eq!(top_id(&g, "خانقبن"), Some(94591));
        // Under 5 letters: exact only.
        assert!(g.lookup("Sinj", &LookupOptions::default()).is_empty());
        // And fuzzy can be switched off.
        let strict = LookupOptions { fuzzy: false, ..LookupOptions::default() };
        assert!(g.lookup("Samirra", &strict).is_empty());
    }

    #[test]
    fn filters_country_class_code_admin1() {
        let g = gazetteer();
        let sy = LookupOptions { country: Some("sy".into()), ..LookupOptions::default() };
        assert_eq!(top(&g, "Sinjar", &sy).unwrap().place.geonameid, 164094);
        let water = LookupOptions { feature_class: Some('h'), ..LookupOptions::default() };
        assert_eq!(top(&g, "Diyala", &water).unwrap().place.geonameid, 98176);
        let adm1 = LookupOptions { feature_code: Some("adm1".into()), ..LookupOptions::default() };
        assert_eq!(top(&g, "Kirkuk", &adm1).unwrap().place.geonameid, 900007977);
        let by_name = LookupOptions { admin1: Some("Idlib".into()), ..LookupOptions::default() };
        assert_eq!(top(&g, "Sinjar", &by_name).unwrap().place.geonameid, 164094);
        let by_code = LookupOptions { admin1: Some("15".into()), ..LookupOptions::default() };
        assert_eq!(top(&g, "Sinjar", &by_code).unwrap().place.geonameid, 448149);
        let nowhere = LookupOptions { country: Some("FR".into()), ..LookupOptions::default() };
        assert!(g.lookup("Khanaqin", &nowhere).is_empty());
    }

    #[test]
    fn ranking_prefers_evidence_then_prominence_and_says_why() {
        let g = gazetteer();
        // Bare "Diyala": the governorate before the river.
        let cands = g.lookup("Diyala", &LookupOptions::default());
        assert_eq!(cands[0].place.geonameid, 900005313);
        assert!(cands[0].reasons.iter().any(|r| r.contains("ADM1")), "{:?}", cands[0].reasons);
        assert_eq!(cands[1].place.geonameid, 98176);
        // Bare "Kirkuk": the city of a million before the province ...
        assert_eq!(top_id(&g, "Kirkuk"), Some(94787));
        // ... but "Kirkuk Governorate" / "Muhafazat Kirkuk" is the province.
        let c = top(&g, "Kirkuk Governorate", &LookupOptions::default()).unwrap();
        assert_eq!(c.place.geonameid, 900007977);
        assert!(c.reasons.iter().any(|r| r.contains("admin word")), "{:?}", c.reasons);
        // Regression: bare "Duhok" gave the governorate, 19 km from the city
        // most news means; the town named like its province comes first.
        let c = top(&g, "Duhok", &LookupOptions::default()).unwrap();
        assert_eq!(c.place.geonameid, 96994);
        assert!(c.reasons.iter().any(|r| r.contains("named like its province")), "{:?}", c.reasons);
        assert_eq!(top_id(&g, "Duhok Governorate"), Some(900005076));
        // Sinjar: the Iraqi town (population known) before the Syrian village.
        let cands = g.lookup("Sinjar", &LookupOptions::default());
        assert_eq!(cands[0].place.geonameid, 448149);
        assert!(cands[0].reasons.iter().any(|r| r.starts_with("population")));
        assert!(cands[0].score > cands[1].score);
        // Scores are in 0..=1 and sorted.
        for w in cands.windows(2) {
            assert!(w[0].score >= w[1].score);
        }
        assert!(cands.iter().all(|c| (0.0..=1.0).contains(&c.score)));
    }

    #[test]
    fn geocode_unique_explains_ambiguity() {
        let g = gazetteer();
        assert_eq!(g.geocode_unique("Khanaqin", None).unwrap().place.geonameid, 94591);
        assert_eq!(g.geocode_unique("Sinjar", Some("SY")).unwrap().place.geonameid, 164094);
        let err = g.geocode_unique("Nowhere-on-earth", None).unwrap_err().to_string();
        assert!(err.contains("no place called"), "{err}");
    }

    #[test]
    fn limit_caps_candidates() {
        let g = gazetteer();
        let one = LookupOptions { limit: 1, ..LookupOptions::default() };
        assert_eq!(g.lookup("Sinjar", &one).len(), 1);
        assert!(g.lookup("", &LookupOptions::default()).is_empty());
        assert!(g.lookup("--", &LookupOptions::default()).is_empty());
    }

    #[test]
    fn edit_distance_counts_chars() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("kirkuk", "kerkuk"), 1);
        assert_eq!(edit_distance("çay", "cay"), 1);
        assert_eq!(edit_distance("abc", ""), 3);
    }
}
