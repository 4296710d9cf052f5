//! Queries near a place with filters.
//!
//! A [`Query`] is a centre plus any of: a radius, a number of nearest
//! incidents, a bounding box, and a [`Filter`] on the incident attributes.
//! [`near`] answers it with an [`IncidentIndex`]; results are [`Hit`]s with
//! haversine distance (km) and initial bearing (degrees) from the centre.

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::extract::incident::Incident;
use crate::geodesy::{LonLat, bearing_deg, haversine_km};
use crate::spatial::index::{IncidentIndex, in_bbox};

/// Attribute filter; every field that is set must match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Earliest event date, inclusive.
    pub from: Option<NaiveDate>,
    /// Latest event date, inclusive.
    pub to: Option<NaiveDate>,
    /// Event type or sub-event type, compared case-insensitively.
    pub event_type: Option<String>,
    /// Case-insensitive substring of actor1 or actor2.
    pub actor: Option<String>,
    /// Minimum fatalities.
    pub min_fatalities: Option<u32>,
    /// Largest accepted geo precision (1 = named site ... 3 = admin centroid).
    pub max_geo_precision: Option<u8>,
}

impl Filter {
    /// True when the incident passes every set condition.
    pub fn matches(&self, inc: &Incident) -> bool {
        if self.from.is_some_and(|d| inc.event_date < d) || self.to.is_some_and(|d| inc.event_date > d) {
            return false;
        }
        if let Some(t) = &self.event_type {
            let t = t.trim();
            if !(inc.event_type.eq_ignore_ascii_case(t) || inc.sub_event_type.eq_ignore_ascii_case(t)) {
                return false;
            }
        }
        if let Some(a) = &self.actor {
            let a = a.trim().to_lowercase();
            if !(inc.actor1.to_lowercase().contains(&a) || inc.actor2.to_lowercase().contains(&a)) {
                return false;
            }
        }
        if self.min_fatalities.is_some_and(|m| inc.fatalities < m) {
            return false;
        }
        if self.max_geo_precision.is_some_and(|p| inc.geo_precision > p) {
            return false;
        }
        true
    }

    /// True when no condition is set.
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }
}

/// A query around a centre. With neither `radius_km`, `nearest` nor `bbox`
/// set, every incident that passes the filter is returned (sorted by
/// distance).
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The point distances and bearings are measured from.
    pub center: LonLat,
    /// Only incidents within this great-circle distance (km, inclusive).
    pub radius_km: Option<f64>,
    /// Only the `k` nearest incidents (after the filter and the other limits).
    pub nearest: Option<usize>,
    /// Only incidents inside `[west, south, east, north]` (`west > east`
    /// crosses the antimeridian).
    pub bbox: Option<[f64; 4]>,
    /// Attribute filter.
    pub filter: Filter,
    /// At most this many hits (the nearest ones).
    pub limit: Option<usize>,
}

impl Query {
    /// A query around `center` with no limits yet.
    pub fn around(center: LonLat) -> Query {
        Query { center, radius_km: None, nearest: None, bbox: None, filter: Filter::default(), limit: None }
    }
}

/// A part of the incidents chosen by place and time, read instead of all
/// of them (`cluster --bbox --from --to`): from files it is a filter applied
/// after reading, from PostGIS the same conditions in the `WHERE` clause.
///
/// ```
/// use chrono::NaiveDate;
/// use incidentmap::{Incident, LonLat};
/// use incidentmap::spatial::query::Subset;
///
/// let day = |d| NaiveDate::from_ymd_opt(2024, 5, d);
/// // Fiji, across the antimeridian, in the first week of May.
/// let s = Subset::new(Some([179.0, -20.0, -179.0, -15.0]), day(1), day(7)).unwrap();
/// assert!(s.contains(&Incident::new(day(3).unwrap(), LonLat { lon: -179.5, lat: -16.4 })));
/// assert!(!s.contains(&Incident::new(day(9).unwrap(), LonLat { lon: -179.5, lat: -16.4 })));
/// assert!(!s.contains(&Incident::new(day(3).unwrap(), LonLat { lon: 178.0, lat: -16.4 })));
/// assert!(Subset::new(None, day(7), day(1)).is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Subset {
    bbox: Option<[f64; 4]>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

impl Subset {
    /// The incidents inside `bbox` (`[west, south, east, north]`, degrees;
    /// `west > east` crosses the antimeridian) dated `from` to `to`
    /// (inclusive); each limit is optional.
    ///
    /// # Errors
    /// A box outside the globe or with south above north; `from` after `to`.
    pub fn new(bbox: Option<[f64; 4]>, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<Subset> {
        check_bbox_option(bbox)?;
        check_date_range(from, to)?;
        Ok(Subset { bbox, from, to })
    }

    /// True when no limit is set (every incident is in the subset).
    pub fn is_all(&self) -> bool {
        *self == Subset::default()
    }

    /// True when the incident is in the subset.
    pub fn contains(&self, inc: &Incident) -> bool {
        self.from.is_none_or(|d| inc.event_date >= d)
            && self.to.is_none_or(|d| inc.event_date <= d)
            && self.bbox.is_none_or(|b| in_bbox(inc.position, b))
    }

    /// The subset as a query (around no particular centre), for pushing
    /// down into a database.
    pub fn query(&self) -> Query {
        let filter = Filter { from: self.from, to: self.to, ..Filter::default() };
        Query { bbox: self.bbox, filter, ..Query::around(LonLat { lon: 0.0, lat: 0.0 }) }
    }
}

/// One answer: the incident's position in the input slice, distance and
/// bearing from the query centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Index into the incident slice.
    pub idx: usize,
    /// Great-circle (haversine) distance from the centre, km.
    pub distance_km: f64,
    /// Initial bearing from the centre, degrees clockwise from north in [0, 360).
    pub bearing_deg: f64,
}

/// Answers `query` over `incidents`, which `index` was built from. Hits are
/// sorted by distance, then by incident `id`.
///
/// # Examples
/// ```
/// use chrono::NaiveDate;
/// use incidentmap::{Incident, LonLat};
/// use incidentmap::spatial::{index::IncidentIndex, query::{near, Query}};
///
/// let d = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
/// let incidents = vec![
///     Incident::new(d, LonLat { lon: 45.39, lat: 34.35 }),
///     Incident::new(d, LonLat { lon: 44.40, lat: 33.34 }),
/// ];
/// let index = IncidentIndex::from_incidents(&incidents);
/// let mut q = Query::around(LonLat { lon: 45.39065, lat: 34.3482 });
/// q.radius_km = Some(30.0);
/// let hits = near(&index, &incidents, &q);
/// assert_eq!(hits.len(), 1);
/// assert!(hits[0].distance_km < 1.0);
/// ```
pub fn near(index: &IncidentIndex, incidents: &[Incident], query: &Query) -> Vec<Hit> {
    let positions: Vec<LonLat> = incidents.iter().map(|i| i.position).collect();
    near_with_positions(index, incidents, &positions, query)
}

/// Like [`near`] with the positions already extracted (saves a copy when
/// answering many queries).
pub fn near_with_positions(
    index: &IncidentIndex,
    incidents: &[Incident],
    positions: &[LonLat],
    query: &Query,
) -> Vec<Hit> {
    let c = query.center;
    let keep = |i: usize| -> bool {
        let inc = &incidents[i];
        query.filter.matches(inc)
            && query.bbox.is_none_or(|b| in_bbox(inc.position, b))
            && query.radius_km.is_none_or(|r| haversine_km(c, inc.position) <= r)
    };
    let mut hits: Vec<(usize, f64)> = if let Some(k) = query.nearest {
        index.nearest_km(positions, c, k, |i| keep(i as usize)).into_iter().map(|(i, d)| (i as usize, d)).collect()
    } else if let Some(r) = query.radius_km {
        let mut v = Vec::new();
        index.for_each_within_km(positions, c, r, |i, d| {
            if keep(i as usize) {
                v.push((i as usize, d));
            }
        });
        v
    } else if let Some(b) = query.bbox {
        index
            .in_bbox(positions, b)
            .into_iter()
            .filter(|&i| keep(i as usize))
            .map(|i| (i as usize, haversine_km(c, positions[i as usize])))
            .collect()
    } else {
        (0..incidents.len()).filter(|&i| keep(i)).map(|i| (i, haversine_km(c, positions[i]))).collect()
    };
    hits.sort_by(|a, b| a.1.total_cmp(&b.1).then(incidents[a.0].id.cmp(&incidents[b.0].id)).then(a.0.cmp(&b.0)));
    if let Some(l) = query.limit {
        hits.truncate(l);
    }
    hits.into_iter()
        .map(|(idx, distance_km)| Hit { idx, distance_km, bearing_deg: bearing_deg(c, positions[idx]) })
        .collect()
}

/// Answers one [`Query`] over incidents that arrive one at a time, keeping
/// only what can still be an answer: the hits of a radius or box query, the
/// `k` best so far of a nearest query. Reading a million-row file for one
/// question then needs memory for the answers, not for the file. Gives the
/// same hits, in the same order, as [`near`] over the same incidents (ties
/// at the `k`-th distance go to the lower `id`).
///
/// # Examples
/// ```
/// use chrono::NaiveDate;
/// use incidentmap::{Incident, LonLat};
/// use incidentmap::spatial::query::{Collector, Query};
///
/// let d = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
/// let mut q = Query::around(LonLat { lon: 45.39065, lat: 34.3482 });
/// q.radius_km = Some(30.0);
/// let mut c = Collector::new(q);
/// c.push(Incident::new(d, LonLat { lon: 45.39, lat: 34.35 }));
/// c.push(Incident::new(d, LonLat { lon: 44.40, lat: 33.34 }));
/// let (kept, hits) = c.finish();
/// assert_eq!((kept.len(), hits.len()), (1, 1));
/// assert!(hits[0].distance_km < 1.0);
/// ```
#[derive(Debug)]
pub struct Collector {
    query: Query,
    /// (distance, incident, arrival order) of the candidates kept.
    kept: Vec<(f64, Incident, usize)>,
    seen: usize,
}

impl Collector {
    /// A collector for `query`.
    pub fn new(query: Query) -> Collector {
        Collector { query, kept: Vec::new(), seen: 0 }
    }

    /// Considers one incident.
    pub fn push(&mut self, inc: Incident) {
        let order = self.seen;
        self.seen += 1;
        let q = &self.query;
        if !q.filter.matches(&inc) || q.bbox.is_some_and(|b| !in_bbox(inc.position, b)) {
            return;
        }
        let d = haversine_km(q.center, inc.position);
        if q.radius_km.is_some_and(|r| d > r) {
            return;
        }
        self.kept.push((d, inc, order));
        // A nearest (or limited) query needs only its best `k`: trim now and
        // then, so the kept set stays within twice that.
        let cap = self.cap();
        if cap < usize::MAX && self.kept.len() >= 2 * cap.max(1024) {
            self.trim(cap);
        }
    }

    /// How many hits the query can return: the smaller of `nearest` and
    /// `limit`, unbounded without either.
    fn cap(&self) -> usize {
        self.query.nearest.unwrap_or(usize::MAX).min(self.query.limit.unwrap_or(usize::MAX))
    }

    fn trim(&mut self, cap: usize) {
        self.kept.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.id.cmp(&b.1.id)).then(a.2.cmp(&b.2)));
        self.kept.truncate(cap);
    }

    /// The hits, nearest first (then by `id`), with the incidents they index.
    pub fn finish(mut self) -> (Vec<Incident>, Vec<Hit>) {
        self.trim(self.cap());
        let c = self.query.center;
        let hits = self
            .kept
            .iter()
            .enumerate()
            .map(|(idx, (d, inc, _))| Hit { idx, distance_km: *d, bearing_deg: bearing_deg(c, inc.position) })
            .collect();
        (self.kept.into_iter().map(|(_, inc, _)| inc).collect(), hits)
    }
}

/// Parses a distance with an optional unit into kilometres: `30km`, `30 km`,
/// `500m`, `20mi`, `5nmi`, or a bare number of kilometres (`30`).
///
/// # Errors
/// [`Error::InvalidArgument`] for an unknown unit, a negative, infinite or
/// NaN value.
///
/// # Examples
/// ```
/// use incidentmap::spatial::query::parse_distance_km;
/// assert_eq!(parse_distance_km("500m").unwrap(), 0.5);
/// assert!(parse_distance_km("-3km").is_err());
/// ```
pub fn parse_distance_km(s: &str) -> Result<f64> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
        .unwrap_or(t.len());
    // Exponents ("1e3km") stay in the number part; no unit starts with 'e'.
    let (num, unit) = t.split_at(split);
    let bad = |m: &str| Error::invalid("distance", s, m);
    let v: f64 = num.trim().parse().map_err(|_| bad("expected a number with an optional unit (km, m, mi, nmi)"))?;
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "km" | "kms" | "kilometre" | "kilometres" | "kilometer" | "kilometers" => 1.0,
        "m" | "metre" | "metres" | "meter" | "meters" => 0.001,
        "mi" | "mile" | "miles" => 1.609_344,
        "nmi" | "nm" => 1.852,
        _ => return Err(bad("unknown unit (use km, m, mi or nmi)")),
    };
    if !v.is_finite() || v < 0.0 {
        return Err(bad("must be a finite, non-negative number"));
    }
    Ok(v * factor)
}

/// `LAT,LON` (latitude first, decimal degrees) as a position; `Ok(None)`
/// when `s` does not look like two numbers (then it is a place name); an
/// error when it does but a value is out of range.
///
/// ```
/// use incidentmap::spatial::query::parse_lat_lon;
/// assert_eq!(parse_lat_lon("34.3482,45.39065").unwrap().unwrap().lon, 45.39065);
/// assert_eq!(parse_lat_lon("Khanaqin").unwrap(), None);
/// assert!(parse_lat_lon("95,10").is_err());
/// ```
pub fn parse_lat_lon(s: &str) -> Result<Option<LonLat>> {
    let Some((a, b)) = s.split_once(',') else {
        return Ok(None);
    };
    let (Ok(lat), Ok(lon)) = (a.trim().parse::<f64>(), b.trim().parse::<f64>()) else {
        return Ok(None);
    };
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        return Err(Error::invalid("LAT,LON", s, "latitude (the first number) must be in -90..90"));
    }
    if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
        return Err(Error::invalid("LAT,LON", s, "longitude (the second number) must be in -180..180"));
    }
    Ok(LonLat::new(lon, lat))
}

/// `WEST,SOUTH,EAST,NORTH` in degrees (`WEST > EAST` crosses the antimeridian).
pub fn parse_bbox(s: &str) -> Result<[f64; 4]> {
    let bad = |m: &str| Error::invalid("bounding box", s, m);
    let v: Vec<f64> = s
        .split(',')
        .map(|t| t.trim().parse::<f64>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| bad("expected four numbers WEST,SOUTH,EAST,NORTH"))?;
    let b: [f64; 4] = v.try_into().map_err(|_| bad("expected four numbers WEST,SOUTH,EAST,NORTH"))?;
    check_bbox(b).map_err(bad)
}

/// [`check_bbox`] for a `--bbox` option: the error names the option.
pub fn check_bbox_option(bbox: Option<[f64; 4]>) -> Result<()> {
    if let Some(b @ [w, s, e, n]) = bbox {
        check_bbox(b).map_err(|m| Error::invalid("--bbox", format!("{w},{s},{e},{n}"), m))?;
    }
    Ok(())
}

/// `--from` on or before `--to`, where both are set.
pub fn check_date_range(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<()> {
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(Error::invalid("--from", f.to_string(), format!("is after --to {t}")));
    }
    Ok(())
}

/// Checks a box `[west, south, east, north]` in degrees (`west > east`
/// crosses the antimeridian); the error says what is wrong.
pub fn check_bbox(b: [f64; 4]) -> std::result::Result<[f64; 4], &'static str> {
    let [w, so, e, n] = b;
    if ![w, e].iter().all(|x| (-180.0..=180.0).contains(x)) {
        return Err("longitudes must be in -180..180");
    }
    if ![so, n].iter().all(|x| (-90.0..=90.0).contains(x)) || so > n {
        return Err("latitudes must be in -90..90 with SOUTH <= NORTH");
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lat_lon_positional() {
        assert_eq!(parse_lat_lon("34.3482,45.39065").unwrap(), LonLat::new(45.39065, 34.3482));
        assert_eq!(parse_lat_lon("33.3,-44.1").unwrap(), LonLat::new(-44.1, 33.3));
        assert_eq!(parse_lat_lon("-33.9, 18.4").unwrap(), LonLat::new(18.4, -33.9));
        assert_eq!(parse_lat_lon("Khanaqin").unwrap(), None);
        assert_eq!(parse_lat_lon("Khanaqin, Diyala").unwrap(), None);
        assert!(parse_lat_lon("95,10").is_err());
        assert!(parse_lat_lon("10,190").is_err());
    }

    #[test]
    fn bbox_argument() {
        assert_eq!(parse_bbox("-10,-5,10,5").unwrap(), [-10.0, -5.0, 10.0, 5.0]);
        assert_eq!(parse_bbox("170,-5,-170,5").unwrap(), [170.0, -5.0, -170.0, 5.0]);
        assert!(parse_bbox("1,2,3").is_err());
        assert!(parse_bbox("0,5,1,4").is_err());
        assert!(parse_bbox("0,0,200,1").is_err());
    }

    fn inc(id: u64, lon: f64, lat: f64) -> Incident {
        let mut i = Incident::new(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(), LonLat { lon, lat });
        i.id = id;
        i
    }

    #[test]
    fn distances_parse() {
        assert_eq!(parse_distance_km("30km").unwrap(), 30.0);
        assert_eq!(parse_distance_km("30").unwrap(), 30.0);
        assert_eq!(parse_distance_km("500m").unwrap(), 0.5);
        assert!((parse_distance_km("20mi").unwrap() - 32.18688).abs() < 1e-9);
        assert_eq!(parse_distance_km("2.5 km").unwrap(), 2.5);
        assert_eq!(parse_distance_km("0").unwrap(), 0.0);
        for bad in ["-1km", "NaN", "nan", "inf", "abc", "30furlongs", "", "km"] {
            assert!(matches!(parse_distance_km(bad), Err(Error::InvalidArgument { .. })), "{bad}");
        }
    }

    #[test]
    fn filter_fields() {
        let mut i = inc(1, 45.0, 34.0);
        i.event_type = "Battles".into();
        i.sub_event_type = "Armed clash".into();
        i.actor1 = "Islamic State (Iraq)".into();
        i.actor2 = "Popular Mobilization Forces".into();
        i.fatalities = 3;
        i.geo_precision = 2;
        let yes = |f: Filter| assert!(f.matches(&i), "{f:?}");
        let no = |f: Filter| assert!(!f.matches(&i), "{f:?}");
        yes(Filter::default());
        yes(Filter { event_type: Some("battles".into()), ..Default::default() });
        yes(Filter { event_type: Some("ARMED CLASH".into()), ..Default::default() });
        no(Filter { event_type: Some("Riots".into()), ..Default::default() });
        yes(Filter { actor: Some("mobilization".into()), ..Default::default() });
        no(Filter { actor: Some("police".into()), ..Default::default() });
        yes(Filter { min_fatalities: Some(3), ..Default::default() });
        no(Filter { min_fatalities: Some(4), ..Default::default() });
        no(Filter { max_geo_precision: Some(1), ..Default::default() });
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        yes(Filter { from: d("2024-01-01"), to: d("2024-01-01"), ..Default::default() });
        no(Filter { from: d("2024-01-02"), ..Default::default() });
        no(Filter { to: d("2023-12-31"), ..Default::default() });
    }

    #[test]
    fn near_sorts_by_distance_then_id_and_limits() {
        let incs = vec![inc(5, 45.1, 34.0), inc(2, 45.1, 34.0), inc(1, 45.5, 34.0), inc(9, 50.0, 34.0)];
        let idx = IncidentIndex::from_incidents(&incs);
        let mut q = Query::around(LonLat { lon: 45.0, lat: 34.0 });
        q.radius_km = Some(100.0);
        let hits = near(&idx, &incs, &q);
        assert_eq!(hits.iter().map(|h| incs[h.idx].id).collect::<Vec<_>>(), vec![2, 5, 1]);
        assert!((hits[0].bearing_deg - 90.0).abs() < 0.1);
        q.limit = Some(1);
        assert_eq!(near(&idx, &incs, &q).len(), 1);
        q.limit = None;
        q.radius_km = None;
        q.nearest = Some(3);
        q.filter.min_fatalities = Some(0);
        assert_eq!(near(&idx, &incs, &q).iter().map(|h| incs[h.idx].id).collect::<Vec<_>>(), vec![2, 5, 1]);
        q.nearest = None;
        q.bbox = Some([45.2, 33.0, 51.0, 35.0]);
        assert_eq!(near(&idx, &incs, &q).iter().map(|h| incs[h.idx].id).collect::<Vec<_>>(), vec![1, 9]);
    }

    #[test]
    fn zero_radius_finds_exact_duplicates_only() {
        let incs = vec![inc(1, 45.0, 34.0), inc(2, 45.0, 34.0), inc(3, 45.00001, 34.0)];
        let idx = IncidentIndex::from_incidents(&incs);
        let mut q = Query::around(LonLat { lon: 45.0, lat: 34.0 });
        q.radius_km = Some(0.0);
        assert_eq!(near(&idx, &incs, &q).len(), 2);
    }
}
