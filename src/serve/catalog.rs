//! What the server serves: the three collections, held in memory, with
//! each feature formatted by the same code that writes the `map` layers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;

use super::params::DateRange;
use crate::export::geojson::{AreaStats, FeatureBuf};
use crate::extract::incident::Incident;
use crate::gazetteer::admin::AdminArea;
use crate::geodesy::LonLat;
use crate::spatial::cluster::Cluster;
use crate::spatial::hull;
use crate::spatial::index::in_bbox;
use crate::spatial::zoom::{ZoomCluster, ZoomIndex, ZoomItem};

/// The collections a server offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CollectionId {
    /// Incident points.
    Incidents,
    /// DBSCAN cluster centroids (as `map` writes them).
    Clusters,
    /// Admin-1 areas with incident statistics (as `map` writes them).
    Admin1,
}

impl CollectionId {
    /// Every collection, in the order listed.
    pub const ALL: [CollectionId; 3] = [CollectionId::Incidents, CollectionId::Clusters, CollectionId::Admin1];

    /// The id in URLs.
    pub fn id(self) -> &'static str {
        match self {
            CollectionId::Incidents => "incidents",
            CollectionId::Clusters => "clusters",
            CollectionId::Admin1 => "admin1",
        }
    }

    /// The collection an URL id names.
    pub fn parse(s: &str) -> Option<CollectionId> {
        CollectionId::ALL.into_iter().find(|c| c.id() == s)
    }

    /// A title for people.
    pub fn title(self) -> &'static str {
        match self {
            CollectionId::Incidents => "Incidents",
            CollectionId::Clusters => "Incident clusters (DBSCAN centroids)",
            CollectionId::Admin1 => "Admin-1 areas with incident counts",
        }
    }

    /// The queryable properties: name, JSON type, and how a query
    /// parameter on it compares.
    pub fn queryables(self) -> &'static [(&'static str, &'static str, &'static str)] {
        match self {
            CollectionId::Incidents => &[
                ("event_type", "string", "equals event_type or sub_event_type (case-insensitive)"),
                ("admin1", "string", "equals (case-insensitive)"),
                ("actor1", "string", "equals (case-insensitive)"),
                ("fatalities", "integer", "at least this many"),
            ],
            CollectionId::Clusters => &[
                ("event_type", "string", "equals the dominant event type (case-insensitive)"),
                ("fatalities", "integer", "at least this many"),
            ],
            CollectionId::Admin1 => {
                &[("name", "string", "equals (case-insensitive)"), ("fatalities", "integer", "at least this many")]
            }
        }
    }
}

/// Which features of a collection a request selects.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    /// Only features in (or, for areas, meeting) this box.
    pub bbox: Option<[f64; 4]>,
    /// Only features whose date (span) meets this range.
    pub dates: DateRange,
    /// Property equalities (case-insensitive), by queryable name.
    pub equals: Vec<(String, String)>,
    /// At least this many fatalities.
    pub min_fatalities: Option<u64>,
}

fn eq(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

impl Selection {
    fn incident(&self, i: &Incident) -> bool {
        self.bbox.is_none_or(|b| in_bbox(i.position, b))
            && self.dates.contains(i.event_date)
            && self.min_fatalities.is_none_or(|m| u64::from(i.fatalities) >= m)
            && self.equals.iter().all(|(k, v)| match k.as_str() {
                "event_type" => eq(&i.event_type, v) || eq(&i.sub_event_type, v),
                "admin1" => eq(&i.admin1, v),
                "actor1" => eq(&i.actor1, v),
                _ => false,
            })
    }

    fn cluster(&self, c: &Cluster) -> bool {
        self.bbox.is_none_or(|b| in_bbox(c.centroid, b))
            && self.dates.overlaps(c.first_date, c.last_date)
            && self.min_fatalities.is_none_or(|m| c.fatalities >= m)
            && self.equals.iter().all(|(k, v)| k == "event_type" && eq(&c.dominant_event_type, v))
    }

    fn area(&self, a: &AdminArea, s: &AreaStats) -> bool {
        let bbox_ok = self.bbox.is_none_or(|b| {
            let r = a.bbox;
            let lat_ok = r.min().y <= b[3] && r.max().y >= b[1];
            let lon_ok = if b[0] <= b[2] {
                r.min().x <= b[2] && r.max().x >= b[0]
            } else {
                r.max().x >= b[0] || r.min().x <= b[2]
            };
            lat_ok && lon_ok
        });
        let dates_ok = match (s.first_date, s.last_date) {
            (Some(f), Some(l)) => self.dates.overlaps(f, l),
            _ => self.dates == DateRange::default(),
        };
        bbox_ok
            && dates_ok
            && self.min_fatalities.is_none_or(|m| s.fatalities >= m)
            && self.equals.iter().all(|(k, v)| k == "name" && eq(&a.name, v))
    }
}

/// Which incidents zoom-level clusters are built from: those of a date
/// range and (when given) an event type, as the same parameters select
/// items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ZoomFilter {
    /// Only incidents on these days.
    pub dates: DateRange,
    /// Only incidents whose `event_type` or `sub_event_type` equals this
    /// (case-insensitive).
    pub event_type: Option<String>,
}

impl ZoomFilter {
    fn is_all(&self) -> bool {
        *self == ZoomFilter::default()
    }

    fn selection(&self) -> Selection {
        Selection {
            dates: self.dates,
            equals: self.event_type.iter().map(|t| ("event_type".to_string(), t.clone())).collect(),
            ..Selection::default()
        }
    }
}

/// The zoom index of the incidents one filter selects.
#[derive(Debug)]
struct FilteredZoom {
    /// Catalog positions of the incidents indexed, in index order.
    positions: Vec<usize>,
    index: ZoomIndex,
}

/// Filtered zoom indexes kept for reuse: a map's slider and type menu ask
/// for the same few subsets over and over as it pans and zooms. Each is
/// about as large as the whole index at worst, so only a few are kept.
const FILTERED_ZOOM_CACHE: usize = 3;

/// The data a server answers from, built once.
#[derive(Debug)]
pub struct Catalog {
    title: String,
    incidents: Vec<Incident>,
    clusters: Vec<Cluster>,
    areas: Vec<(AdminArea, AreaStats)>,
    by_id: HashMap<u64, usize>,
    zoom: ZoomIndex,
    /// Filtered zoom indexes, the most recently used first.
    filtered_zoom: Mutex<Vec<(ZoomFilter, Arc<FilteredZoom>)>>,
    /// The `/map` page's base map (GeoJSON), when one was set.
    basemap: String,
}

impl Catalog {
    /// A catalog of the incidents, their clusters and the admin-1 areas
    /// with their statistics (the layers `map` writes). Incidents keep
    /// their order and ids; a repeated id is reachable by its first
    /// incident only.
    pub fn new(
        title: impl Into<String>,
        incidents: Vec<Incident>,
        clusters: Vec<Cluster>,
        areas: Vec<(AdminArea, AreaStats)>,
    ) -> Catalog {
        let mut by_id = HashMap::with_capacity(incidents.len());
        for (i, inc) in incidents.iter().enumerate() {
            by_id.entry(inc.id).or_insert(i);
        }
        let zoom = ZoomIndex::from_incidents(&incidents);
        Catalog {
            title: title.into(),
            incidents,
            clusters,
            areas,
            by_id,
            zoom,
            filtered_zoom: Mutex::new(Vec::new()),
            basemap: String::new(),
        }
    }

    /// Sets the base map the `/map` page draws (a GeoJSON
    /// FeatureCollection, see [`basemap_geojson`](super::basemap::basemap_geojson)).
    pub fn set_basemap(&mut self, geojson: String) {
        self.basemap = geojson;
    }

    /// The base map of the `/map` page (empty when none was set).
    pub fn basemap(&self) -> &str {
        &self.basemap
    }

    /// The zoom-level clusters (see [`ZoomIndex::clusters`]) of the
    /// incidents `filter` selects; incident positions in the answer
    /// (`ZoomItem::Incident`, `representative`) are catalog positions.
    /// Cluster ids are unique within one filter's answers only.
    pub fn zoom_clusters(&self, filter: &ZoomFilter, bbox: [f64; 4], zoom: u8) -> Vec<ZoomCluster> {
        if filter.is_all() {
            return self.zoom.clusters(bbox, zoom);
        }
        let fz = {
            // Built while holding the lock, so that the requests of one map
            // that arrive together build one index, not one each.
            let mut cache = self.filtered_zoom.lock().unwrap_or_else(|e| e.into_inner());
            let found = cache.iter().position(|(f, _)| f == filter);
            let entry = match found {
                Some(i) => cache.remove(i),
                None => {
                    let positions = self.select(CollectionId::Incidents, &filter.selection());
                    let points: Vec<_> = positions.iter().map(|&p| self.incidents[p].position).collect();
                    let fat: Vec<u32> = positions.iter().map(|&p| self.incidents[p].fatalities).collect();
                    let index = ZoomIndex::new(&points, &fat);
                    (filter.clone(), Arc::new(FilteredZoom { positions, index }))
                }
            };
            let fz = entry.1.clone();
            cache.insert(0, entry);
            cache.truncate(FILTERED_ZOOM_CACHE);
            fz
        };
        let mut out = fz.index.clusters(bbox, zoom);
        for c in &mut out {
            c.representative = fz.positions[c.representative];
            if let ZoomItem::Incident(i) = c.item {
                c.item = ZoomItem::Incident(fz.positions[i]);
            }
        }
        out
    }

    /// The title of the landing page.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The incidents, in the order given.
    pub fn incidents(&self) -> &[Incident] {
        &self.incidents
    }

    /// The zoom-level clusters of the incidents (built with the catalog).
    pub fn zoom(&self) -> &ZoomIndex {
        &self.zoom
    }

    /// The number of features of a collection.
    pub fn len(&self, c: CollectionId) -> usize {
        match c {
            CollectionId::Incidents => self.incidents.len(),
            CollectionId::Clusters => self.clusters.len(),
            CollectionId::Admin1 => self.areas.len(),
        }
    }

    /// True when the catalog holds no incident.
    pub fn is_empty(&self) -> bool {
        self.incidents.is_empty()
    }

    /// The spatial extent `[w, s, e, n]` of a collection, when it has features.
    pub fn extent(&self, c: CollectionId) -> Option<[f64; 4]> {
        let corners = |a: &AdminArea| {
            let (lo, hi) = (a.bbox.min(), a.bbox.max());
            [LonLat { lon: lo.x, lat: lo.y }, LonLat { lon: hi.x, lat: hi.y }]
        };
        match c {
            CollectionId::Incidents => hull::extent(self.incidents.iter().map(|i| i.position)),
            CollectionId::Clusters => hull::extent(self.clusters.iter().map(|k| k.centroid)),
            CollectionId::Admin1 => hull::extent(self.areas.iter().flat_map(|(a, _)| corners(a))),
        }
    }

    /// The first and last day of a collection's features.
    pub fn time_extent(&self, c: CollectionId) -> Option<(NaiveDate, NaiveDate)> {
        let spans: Box<dyn Iterator<Item = (NaiveDate, NaiveDate)>> = match c {
            CollectionId::Incidents => Box::new(self.incidents.iter().map(|i| (i.event_date, i.event_date))),
            CollectionId::Clusters => Box::new(self.clusters.iter().map(|k| (k.first_date, k.last_date))),
            CollectionId::Admin1 => {
                Box::new(self.areas.iter().filter_map(|(_, s)| Some((s.first_date?, s.last_date?))))
            }
        };
        spans.reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))
    }

    /// The positions (in collection order) of the features `sel` selects.
    pub fn select(&self, c: CollectionId, sel: &Selection) -> Vec<usize> {
        match c {
            CollectionId::Incidents => {
                self.incidents.iter().enumerate().filter(|(_, i)| sel.incident(i)).map(|(n, _)| n).collect()
            }
            CollectionId::Clusters => {
                self.clusters.iter().enumerate().filter(|(_, k)| sel.cluster(k)).map(|(n, _)| n).collect()
            }
            CollectionId::Admin1 => {
                self.areas.iter().enumerate().filter(|(_, (a, s))| sel.area(a, s)).map(|(n, _)| n).collect()
            }
        }
    }

    /// The position of the feature with this feature id.
    pub fn find(&self, c: CollectionId, fid: u64) -> Option<usize> {
        match c {
            CollectionId::Incidents => self.by_id.get(&fid).copied(),
            CollectionId::Clusters => self.clusters.iter().position(|k| u64::from(k.id) == fid),
            CollectionId::Admin1 => (fid >= 1 && fid as usize <= self.areas.len()).then(|| fid as usize - 1),
        }
    }

    /// The feature at a position as GeoJSON text (what the `map` layer
    /// writes for it), into `buf`.
    pub(crate) fn feature_json(&self, c: CollectionId, pos: usize, buf: &mut FeatureBuf) {
        match c {
            CollectionId::Incidents => buf.incident(&self.incidents[pos], &[], &[]),
            CollectionId::Clusters => buf.cluster_point(&self.clusters[pos]),
            CollectionId::Admin1 => {
                let (a, s) = &self.areas[pos];
                buf.admin_area(pos as u64 + 1, a, s);
            }
        }
    }

    /// The feature id of the feature at a position.
    pub fn feature_id(&self, c: CollectionId, pos: usize) -> u64 {
        match c {
            CollectionId::Incidents => self.incidents[pos].id,
            CollectionId::Clusters => self.clusters[pos].id.into(),
            CollectionId::Admin1 => pos as u64 + 1,
        }
    }
}
