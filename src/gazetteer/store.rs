//! The gazetteer as the rest of the library sees it: one or more indexes
//! (a user's imported one over the embedded default), name lookup with
//! ranking, admin names and admin-1 polygons.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use fst::{IntoStreamer, Streamer};

use super::admin::{AdminArea, parse_admin_geojson};
use super::fold::{fold_name, loose_key};
use super::index::{Bytes, Index, PRIMARY, Record};
use super::Place;
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
        LookupOptions {
            country: None,
            feature_class: None,
            feature_code: None,
            admin1: None,
            fuzzy: true,
            limit: 10,
        }
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
    admin1: HashMap<String, String>,
    admin2: HashMap<String, String>,
    countries: HashMap<String, (String, i64)>,
}

/// A gazetteer: indexes searched in order (a user's first, the default last).
pub struct Gazetteer {
    layers: Vec<(String, Index)>,
    tables: OnceLock<Tables>,
    admin: OnceLock<Vec<AdminArea>>,
}

impl Gazetteer {
    /// The shipped default, embedded in the binary. Opening it costs nothing.
    pub fn embedded() -> Result<Gazetteer> {
        let index = Index::open(Bytes::Static(EMBEDDED)).map_err(|message| Error::Gazetteer {
            path: PathBuf::from("<embedded>"),
            message,
        })?;
        Ok(Gazetteer::from_layers(vec![("default".to_string(), index)]))
    }

    /// An index file or a directory holding `gazetteer.idx`, searched before
    /// the embedded default (unless `with_default` is false).
    pub fn open(path: &Path, with_default: bool) -> Result<Gazetteer> {
        let file = if path.is_dir() { path.join(INDEX_FILE) } else { path.to_path_buf() };
        let bytes = std::fs::read(&file).map_err(|e| Error::io(&file, e))?;
        let n = bytes.len();
        let index = Index::open(Bytes::Shared(Arc::new(bytes), 0..n)).map_err(|message| Error::Gazetteer {
            path: file.clone(),
            message,
        })?;
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

    fn record(&self, r: PlaceRef) -> Record<'_> {
        self.layers[r.layer as usize].1.record(r.idx)
    }

    /// The place behind a reference.
    pub fn place(&self, r: PlaceRef) -> Place {
        to_place(&self.record(r))
    }

    /// The place with this geonameid, searching layers in order.
    pub fn by_id(&self, geonameid: i64) -> Option<Place> {
        self.layers
            .iter()
            .find_map(|(_, ix)| ix.find_id(geonameid).map(|i| to_place(&ix.record(i))))
    }

    /// Place references whose names have exactly this loose key, first layer
    /// first; a geonameid already seen in an earlier layer is skipped.
    pub fn refs_for_key(&self, key: &str) -> Vec<(PlaceRef, bool)> {
        let mut out: Vec<(PlaceRef, bool)> = Vec::new();
        let mut seen_ids: Vec<i64> = Vec::new();
        for (layer, ix) in self.layers() {
            for p in ix.get(key) {
                let idx = p >> 1;
                let id = ix.record(idx).geonameid;
                if layer > 0 && seen_ids.contains(&id) {
                    continue;
                }
                seen_ids.push(id);
                out.push((PlaceRef { layer, idx }, p & PRIMARY != 0));
            }
        }
        out
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
            let kind = if fold_name(name) == fold_name(rec.name) || primary {
                MatchKind::Exact
            } else {
                MatchKind::Alternate
            };
            if let Some(c) = self.candidate(&rec, &key, kind, wants_admin, opts) {
                cands.push(c);
            }
        }
        if cands.is_empty() && opts.fuzzy {
            let n = key.chars().count();
            let dist = if n >= 9 { 2 } else if n >= 5 { 1 } else { 0 };
            if dist > 0 {
                for (layer, ix) in self.layers() {
                    let Ok(lev) = fst::automaton::Levenshtein::new(&key, dist) else { continue };
                    let mut stream = ix.map().search(lev).into_stream();
                    while let Some((k, off)) = stream.next() {
                        let k = String::from_utf8_lossy(k).into_owned();
                        let d = edit_distance(&key, &k).min(dist) as u8;
                        for p in ix.postings(off) {
                            let rec = ix.record(p >> 1);
                            let _ = layer;
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

    fn candidate(&self, rec: &Record<'_>, key: &str, kind: MatchKind, wants_admin: bool, opts: &LookupOptions) -> Option<Candidate> {
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
        Some(Candidate {
            place,
            matched: key.to_string(),
            kind,
            score,
            reasons,
        })
    }

    fn tables(&self) -> &Tables {
        self.tables.get_or_init(|| {
            let mut t = Tables {
                admin1: HashMap::new(),
                admin2: HashMap::new(),
                countries: HashMap::new(),
            };
            // Later layers are the defaults: insert them first so earlier
            // (user) layers override.
            for (_, ix) in self.layers.iter().rev() {
                for line in ix.tables().lines() {
                    let cols: Vec<&str> = line.split('\t').collect();
                    match cols.as_slice() {
                        ["A1", code, name] => {
                            t.admin1.insert(code.to_string(), name.to_string());
                        }
                        ["A2", code, name] => {
                            t.admin2.insert(code.to_string(), name.to_string());
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
        self.tables().admin1.get(&format!("{country}.{code}")).cloned()
    }

    /// Admin-2 name for a country, admin-1 and admin-2 code.
    pub fn admin2_name(&self, country: &str, admin1: &str, admin2: &str) -> Option<String> {
        if admin2.is_empty() {
            return None;
        }
        self.tables().admin2.get(&format!("{country}.{admin1}.{admin2}")).cloned()
    }

    /// Country name for an ISO alpha-2 code.
    pub fn country_name(&self, iso: &str) -> Option<String> {
        self.tables().countries.get(&iso.to_ascii_uppercase()).map(|(n, _)| n.clone())
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
        let opts = LookupOptions {
            country: country.map(str::to_string),
            limit: 8,
            ..LookupOptions::default()
        };
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
        name: r.name.to_string(),
        position: LonLat { lon: r.lon, lat: r.lat },
        feature_class: r.feature_class,
        feature_code: r.feature_code.to_string(),
        country: r.country.to_string(),
        admin1_code: r.admin1.to_string(),
        admin2_code: r.admin2.to_string(),
        population: u64::from(r.population),
    }
}

/// True when the name ends with an admin word ("Diyala Governorate").
pub fn has_admin_suffix(name: &str) -> bool {
    let folded = fold_name(name);
    folded
        .rsplit(' ')
        .next()
        .is_some_and(|w| super::fold::ADMIN_SUFFIXES.contains(&w))
}

/// Prominence of a place in 0..=1: countries and capitals high, admin-1 areas
/// high, towns by population (10 million people is 1).
pub fn prominence(p: &Place) -> f64 {
    if p.is_country() {
        1.0
    } else if p.feature_code == "PPLC" {
        0.95
    } else if p.is_admin1() {
        0.75
    } else if p.feature_class == 'A' {
        0.6
    } else {
        ((p.population as f64 + 1.0).log10() / 7.0).clamp(0.0, 1.0)
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
