//! The name tables of the indexes (admin-1 and admin-2 names, countries,
//! capitals), the admin-2 areas by name, and the admin-1 polygons: each
//! parsed from the layers on first use.

use std::collections::HashMap;

use super::{Gazetteer, LookupOptions, PlaceRef};
use crate::gazetteer::Place;
use crate::gazetteer::admin::{AdminArea, parse_admin_geojson};
use crate::gazetteer::fold::loose_key;
use crate::geodesy::LonLat;

pub(super) struct Tables {
    /// "CC.code" (its bytes) -> name: looked up once per resolved mention.
    admin1: HashMap<Vec<u8>, String, foldhash::fast::FixedState>,
    countries: HashMap<String, (String, i64)>,
    capitals: HashMap<String, String>,
}

/// Admin-2 areas by name key: (code, name, most populous place in it).
pub(super) type Admin2Seats = HashMap<String, Vec<(String, String, PlaceRef)>>;

/// Admin-2 names are many (tens of thousands) and rarely needed: parsed apart.
pub(super) struct Admin2Table(HashMap<String, String>);

impl Gazetteer {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_as_str_lines_does() {
        for text in ["", "\n", "a", "a\n", "a\r\nb", "a\n\nb\r", "\r\n\r\n", "A1\tIQ.10\tDiyala\nA2\tx\ty\r\nC"] {
            assert_eq!(lines(text).collect::<Vec<_>>(), text.lines().collect::<Vec<_>>(), "{text:?}");
        }
    }
}
