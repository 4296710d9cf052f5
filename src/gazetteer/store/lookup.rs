//! Name lookup: the candidates for a name, filtered and ranked (match kind,
//! prominence, admin words), and the one answer a command-line query needs.

use super::{Gazetteer, to_place};
use crate::error::{Error, Result};
use crate::gazetteer::fold::{fold_name, loose_key};
use crate::gazetteer::fuzzy::{edit_distance, keys_within};
use crate::gazetteer::index::{FLAG_BITS, Record, SPELLED};
use crate::gazetteer::{Place, SmolStr};
use crate::geodesy::haversine_km;

/// How a name matched a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchKind {
    /// The query folds to the place's primary name.
    Exact,
    /// The query is spelled as the place's ASCII or an alternate name.
    Alternate,
    /// The query shares a name's loose key only: a transliteration variant
    /// ("Samarra" of Samara), or a spelling not known to be one of the
    /// place's names.
    Variant,
    /// Within the given number of edits of a name.
    Fuzzy(u8),
}

impl MatchKind {
    /// Short label used in reasons and output.
    pub fn label(self) -> String {
        match self {
            MatchKind::Exact => "exact name".to_string(),
            MatchKind::Alternate => "alternate name".to_string(),
            MatchKind::Variant => "name variant".to_string(),
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

impl Gazetteer {
    /// Looks a name up: exact and alternate names first, then (when allowed
    /// and nothing matched) names within a bounded edit distance: one edit
    /// from 5 letters, two from 9. A name the gazetteer does not hold whole
    /// that ends in ", Area" ("Palmyra, Pennsylvania") is the places of that
    /// name inside the area (an admin-1 area or a country).
    pub fn lookup(&self, name: &str, opts: &LookupOptions) -> Vec<Candidate> {
        let key = loose_key(name);
        if key.is_empty() {
            return Vec::new();
        }
        let refs = self.refs_for_key(&key);
        if let Some((head, area)) = name.rsplit_once(',') {
            if refs.is_empty() {
                let within = self.lookup_within(head, area, opts);
                if !within.is_empty() {
                    return within;
                }
            }
        }
        let wants_admin = has_admin_suffix(name);
        let mut cands: Vec<Candidate> = Vec::new();
        // "Samarra" shares its loose key with "Samara", but is exactly
        // "Sāmarrā’": only the spelling itself (diacritics and case aside) is
        // an exact match.
        let folded = fold_name(name);
        // Which places have a name spelled as the query: the index flags
        // them when that spelling is the key itself, and lists them apart
        // for another spelling.
        let spelled_key = folded == key;
        let spelled = if spelled_key { Vec::new() } else { self.refs_spelled(&folded) };
        for (r, flags) in refs {
            let rec = self.record(r);
            let kind = if folded == fold_name(rec.name) {
                MatchKind::Exact
            } else if if spelled_key { flags & SPELLED != 0 } else { spelled.contains(&r) } {
                MatchKind::Alternate
            } else {
                MatchKind::Variant
            };
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
                    for (k, off) in keys_within(ix.map(), &key, dist as u8) {
                        let d = edit_distance(&key, &k).min(dist) as u8;
                        for p in ix.postings(off) {
                            let rec = ix.record(p >> FLAG_BITS);
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

    /// The places called `head` inside the area `area` names (an admin-1
    /// area or a country, as the text's "Palmyra, Pennsylvania" does), the
    /// area given as the reason; none when no such area is known.
    fn lookup_within(&self, head: &str, area: &str, opts: &LookupOptions) -> Vec<Candidate> {
        let areas = LookupOptions { fuzzy: false, limit: 0, ..LookupOptions::default() };
        let areas: Vec<Place> = self
            .lookup(area, &areas)
            .into_iter()
            .filter(|c| c.kind <= MatchKind::Variant && (c.place.is_admin1() || c.place.is_country()))
            .map(|c| c.place)
            .collect();
        if areas.is_empty() {
            return Vec::new();
        }
        let all = LookupOptions { limit: 0, ..opts.clone() };
        let mut cands: Vec<Candidate> = self
            .lookup(head, &all)
            .into_iter()
            .filter_map(|mut c| {
                let within = areas.iter().find(|a| {
                    a.geonameid != c.place.geonameid
                        && a.country == c.place.country
                        && (a.is_country() || a.admin1_code == c.place.admin1_code)
                })?;
                c.reasons.push(format!("in {}", within.name));
                Some(c)
            })
            .collect();
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
        let (score, reasons) = rank(&place, kind, wants_admin, rec.names);
        Some(Candidate { place, matched: key.to_string(), kind, score, reasons })
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
                c.kind <= MatchKind::Variant
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
}

/// True when the name ends with an admin word ("Diyala Governorate").
pub fn has_admin_suffix(name: &str) -> bool {
    let folded = fold_name(name);
    folded.rsplit(' ').next().is_some_and(|w| crate::gazetteer::fold::ADMIN_SUFFIXES.contains(&w))
}

/// How widely a place is known, in 0..=1, from the number of distinct names
/// (keys) the gazetteer has for it: 255 or more is 1.
pub fn name_prior(names: u16) -> f64 {
    ((f64::from(names) + 1.0).log2() / 8.0).min(1.0)
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

/// A candidate's score: how the name matched, then the place's prominence
/// prior (its kind and population, and how many names the world has for
/// it: Palmyra the Syrian city has many, the Pennsylvania borough a few).
fn rank(p: &Place, kind: MatchKind, wants_admin: bool, names: u16) -> (f64, Vec<String>) {
    let match_w = match kind {
        MatchKind::Exact => 1.0,
        MatchKind::Alternate => 0.95,
        MatchKind::Variant => 0.85,
        MatchKind::Fuzzy(d) => 0.8 - 0.1 * f64::from(d),
    };
    let prom = 0.7 * prominence(p) + 0.3 * name_prior(names);
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
    if names > 1 {
        reasons.push(format!("{names} names"));
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::gazetteer::geonames::parse_row;
    use crate::gazetteer::index::{Bytes, Index, IndexBuilder};

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
        gazetteer_with(&rows)
    }

    /// A gazetteer of these rows and the admin-1 names of the rows above.
    fn gazetteer_with(rows: &[String]) -> Gazetteer {
        let mut b = IndexBuilder::new();
        for r in rows {
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

    /// A name spelled as a place's own beats one that only shares its key;
    /// among places spelled so, the better known wins; an area after a
    /// comma narrows the name to the places inside it.
    #[test]
    fn spelling_then_prominence_then_the_area_after_a_comma() {
        let g = gazetteer_with(&[
            row(94591, "Khānaqīn", "Khanaqin,Xaneqin,خانقين", 34.3482, 45.39065, "P", "PPL", "IQ", "10", 175000),
            row(900005313, "Diyala", "Diyala Governorate", 34.04164, 44.86943, "A", "ADM1", "IQ", "10", 0),
            row(91597, "Sāmarrā’", "Samarra", 34.1959, 43.88568, "P", "PPL", "IQ", "18", 158508),
            // Samara shares Samarra's loose key, and is larger.
            row(499099, "Samara", "Kuybyshev,Samar", 53.20767, 50.13553, "P", "PPL", "RU", "65", 1163399),
            // Palmyra: the Syrian city has it as an alternate name, a small
            // town as its own; the city is larger and has more names.
            row(
                163808,
                "Tadmur",
                "Palmyra,Palmyre,Tadmor,Palmira,Tdmr",
                34.5624,
                38.28402,
                "P",
                "PPL",
                "SY",
                "11",
                51015,
            ),
            row(5204964, "Palmyra", "Palmstown", 40.30898, -76.5933, "P", "PPL", "US", "PA", 7451),
            row(6254927, "Pennsylvania", "PA", 40.27245, -76.90567, "A", "ADM1", "US", "PA", 0),
        ]);
        let cands = g.lookup("Samarra", &LookupOptions::default());
        assert_eq!((cands[0].place.geonameid, cands[0].kind), (91597, MatchKind::Exact));
        let samara = cands.iter().find(|c| c.place.geonameid == 499099).unwrap();
        assert_eq!(samara.kind, MatchKind::Variant);
        assert_eq!(samara.reasons[0], "name variant");
        // The other way round, Samara is the one spelled so.
        assert_eq!(top_id(&g, "Samara"), Some(499099));
        // "Samarrah" is an alternate spelling of no place here, only a variant.
        assert!(g.lookup("Samarrah", &LookupOptions::default()).iter().all(|c| c.kind == MatchKind::Variant));
        // Palmyra: spelled as both places' names, the better known city wins.
        let cands = g.lookup("Palmyra", &LookupOptions::default());
        assert_eq!((cands[0].place.geonameid, cands[0].kind), (163808, MatchKind::Alternate));
        assert!(cands[0].reasons.iter().any(|r| r == "6 names"), "{:?}", cands[0].reasons);
        assert_eq!((cands[1].place.geonameid, cands[1].kind), (5204964, MatchKind::Exact));
        // ... and "Palmyra, Pennsylvania" is the town there.
        let cands = g.lookup("Palmyra, Pennsylvania", &LookupOptions::default());
        assert_eq!(cands.len(), 1);
        assert_eq!(cands[0].place.geonameid, 5204964);
        assert!(cands[0].reasons.iter().any(|r| r == "in Pennsylvania"), "{:?}", cands[0].reasons);
        assert_eq!(top_id(&g, "Khanaqin, Diyala"), Some(94591));
        assert!(g.lookup("Khanaqin, Pennsylvania", &LookupOptions::default()).is_empty());
        assert!(g.lookup("Khanaqin, Nowhere", &LookupOptions::default()).is_empty());
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
}
