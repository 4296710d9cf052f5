//! The gazetteer as the rest of the library sees it: one or more indexes
//! (a user's imported one over the embedded default), name lookup with
//! ranking, admin names and admin-1 polygons.
//!
//! This file opens the layers and reads places out of them; name lookup and
//! ranking are in `lookup`, the admin and country name tables and the
//! admin-1 polygons in `tables`.

mod lookup;
mod tables;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

pub use self::lookup::{Candidate, LookupOptions, MatchKind, has_admin_suffix, name_prior, prominence, prominence_of};
use self::tables::{Admin2Seats, Admin2Table, Tables};
use super::Place;
use super::admin::AdminArea;
pub use super::fuzzy::edit_distance;
use super::index::{Bytes, FLAG_BITS, FLAGS, Index, Record};
use super::layout::NO_DEFAULT_FILE;
pub use super::layout::{INDEX_FILE, user_dir};
use crate::error::{Error, Result};
use crate::geodesy::LonLat;

static EMBEDDED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/gazetteer.idx"));

/// Identifies a place inside a [`Gazetteer`]: which index, which record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlaceRef {
    pub layer: u8,
    pub idx: u32,
}

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
        let with_default = |d: &Path| !d.join(NO_DEFAULT_FILE).exists();
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
    /// first, with their posting flags ([`PRIMARY`](super::index::PRIMARY),
    /// [`SPELLED`](super::index::SPELLED)); a geonameid already seen in an
    /// earlier layer is skipped.
    pub fn refs_for_key(&self, key: &str) -> Vec<(PlaceRef, u32)> {
        let mut out: Vec<(PlaceRef, u32)> = Vec::new();
        let mut seen_ids: Vec<i64> = Vec::new();
        // With one layer there is nothing to deduplicate: no ids to read.
        let layered = self.layers.len() > 1;
        for (layer, ix) in self.layers() {
            let Some(off) = ix.map().get(key) else { continue };
            for p in ix.postings(off) {
                let idx = p >> FLAG_BITS;
                if layered {
                    let id = ix.geonameid(idx);
                    if layer > 0 && seen_ids.contains(&id) {
                        continue;
                    }
                    seen_ids.push(id);
                }
                out.push((PlaceRef { layer, idx }, p & FLAGS));
            }
        }
        out
    }

    /// The places that have a name spelled `folded` (a [`fold_name`](super::fold::fold_name)
    /// result) where that spelling is not the name's loose key: the
    /// [`SPELLING`](super::index::SPELLING) entries.
    pub fn refs_spelled(&self, folded: &str) -> Vec<PlaceRef> {
        let mut key = String::with_capacity(folded.len() + 1);
        key.push(super::index::SPELLING);
        key.push_str(folded);
        self.refs_for_key(&key).into_iter().map(|(r, _)| r).collect()
    }

    /// The place references of the postings at `off` in `layer` (an output
    /// of that layer's name map), with their posting flags.
    pub(crate) fn refs_at(&self, layer: u8, off: u64) -> impl Iterator<Item = (PlaceRef, u32)> + '_ {
        self.layers[layer as usize].1.postings(off).map(move |p| (PlaceRef { layer, idx: p >> FLAG_BITS }, p & FLAGS))
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
