//! RFC 7946 GeoJSON and RFC 8142 GeoJSON text sequences, written by hand
//! and streamed.
//!
//! Why not the `geojson` crate's writer: it has no precision option, writes
//! NaN as null and would need every property boxed in a `serde_json::Value`.
//! Here each feature is formatted straight into a reused buffer, with
//! coordinates at 6 decimals and every property the same JSON type in every
//! feature (strings always strings, `""` when empty; the nullable integers
//! `geonameid` and `cluster_id` and the date `source_date` are `null` or their
//! type, never anything else), so that GDAL and QGIS type the fields the same
//! whatever the first feature holds.
//!
//! One limit no writer can get around: GeoJSON carries no schema, so when a
//! nullable column is `null` in every feature of a file (no incident has a
//! `geonameid`, say), GDAL has nothing to infer from and types it String.
//! The GeoPackage and the CSV (with its `.csvt`) declare their types.

use std::io::{self, Write};

use chrono::NaiveDate;
use geo::MultiPolygon;

use super::{push_date, push_fixed6, push_i64, push_u64};
use crate::extract::incident::Incident;
use crate::gazetteer::admin::AdminArea;
use crate::geodesy::LonLat;
use crate::schema::{COLUMNS, Extra, Value};
use crate::spatial::cluster::Cluster;

/// RS, the record separator that starts each text of an RFC 8142 sequence.
pub const RS: u8 = 0x1E;

/// Formats one feature's JSON into a buffer: `{"type":"Feature","id":..,
/// "geometry":..,"properties":{..}}`.
pub(crate) struct FeatureBuf {
    pub(crate) buf: Vec<u8>,
    first_prop: bool,
    /// Formatting a flat JSON object (a JSON line) rather than a Feature.
    object: bool,
}

impl FeatureBuf {
    pub(crate) fn new() -> FeatureBuf {
        FeatureBuf { buf: Vec::with_capacity(1024), first_prop: true, object: false }
    }

    /// Starts a feature with an integer id; the geometry comes next.
    fn begin(&mut self, id: u64) {
        self.buf.clear();
        self.first_prop = true;
        self.object = false;
        self.buf.extend_from_slice(b"{\"type\":\"Feature\",\"id\":");
        push_u64(&mut self.buf, id);
        self.buf.extend_from_slice(b",\"geometry\":");
    }

    /// Starts a flat JSON object; its members come next.
    fn begin_object(&mut self) {
        self.buf.clear();
        self.first_prop = true;
        self.object = true;
    }

    fn props_open(&self) -> &'static [u8] {
        if self.object { b"{" } else { b",\"properties\":{" }
    }

    fn point(&mut self, p: LonLat) {
        self.buf.extend_from_slice(b"{\"type\":\"Point\",\"coordinates\":");
        self.position(p.lon, p.lat);
        self.buf.push(b'}');
    }

    fn position(&mut self, lon: f64, lat: f64) {
        self.buf.push(b'[');
        push_fixed6(&mut self.buf, lon);
        self.buf.push(b',');
        push_fixed6(&mut self.buf, lat);
        self.buf.push(b']');
    }

    fn ring(&mut self, ring: impl Iterator<Item = (f64, f64)>) {
        self.buf.push(b'[');
        for (i, (x, y)) in ring.enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            self.position(x, y);
        }
        self.buf.push(b']');
    }

    fn polygon_ring(&mut self, ring: &[LonLat]) {
        self.buf.extend_from_slice(b"{\"type\":\"Polygon\",\"coordinates\":[");
        let ccw = ring_signed_area(ring.iter().map(|p| (p.lon, p.lat))) >= 0.0;
        let pts = ring.iter().map(|p| (p.lon, p.lat));
        // RFC 7946 §3.1.6: exterior rings counterclockwise.
        if ccw {
            self.ring(pts);
        } else {
            self.ring(pts.rev());
        }
        self.buf.extend_from_slice(b"]}");
    }

    fn multipolygon(&mut self, mp: &MultiPolygon<f64>) {
        self.buf.extend_from_slice(b"{\"type\":\"MultiPolygon\",\"coordinates\":[");
        for (i, poly) in mp.0.iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            self.buf.push(b'[');
            let rings = std::iter::once(poly.exterior()).chain(poly.interiors().iter());
            for (j, ring) in rings.enumerate() {
                if j > 0 {
                    self.buf.push(b',');
                }
                let pts = || ring.0.iter().map(|c| (c.x, c.y));
                // Exterior counterclockwise, holes clockwise (RFC 7946 §3.1.6).
                let want_ccw = j == 0;
                if (ring_signed_area(pts()) >= 0.0) == want_ccw {
                    self.ring(pts());
                } else {
                    self.ring(pts().rev());
                }
            }
            self.buf.push(b']');
        }
        self.buf.extend_from_slice(b"]}");
    }

    fn key(&mut self, k: &str) {
        if self.first_prop {
            self.buf.extend_from_slice(self.props_open());
            self.buf.push(b'"');
            self.first_prop = false;
        } else {
            self.buf.extend_from_slice(b",\"");
        }
        self.buf.extend_from_slice(k.as_bytes());
        self.buf.extend_from_slice(b"\":");
    }

    fn str(&mut self, k: &str, v: &str) {
        self.key(k);
        crate::json::push_str(&mut self.buf, v);
    }

    fn uint(&mut self, k: &str, v: u64) {
        self.key(k);
        push_u64(&mut self.buf, v);
    }

    fn num(&mut self, k: &str, v: f64) {
        self.key(k);
        push_fixed6(&mut self.buf, v);
    }

    fn date(&mut self, k: &str, d: NaiveDate) {
        self.key(k);
        self.buf.push(b'"');
        push_date(&mut self.buf, d);
        self.buf.push(b'"');
    }

    fn opt_date(&mut self, k: &str, d: Option<NaiveDate>) {
        match d {
            Some(d) => self.date(k, d),
            None => {
                self.key(k);
                self.buf.extend_from_slice(b"null");
            }
        }
    }

    fn end(&mut self) {
        if self.first_prop {
            self.buf.extend_from_slice(self.props_open());
        }
        self.buf.extend_from_slice(if self.object { b"}" } else { b"}}" });
    }

    /// One typed value under key `k`.
    fn value(&mut self, k: &str, v: Value) {
        self.key(k);
        match v {
            Value::UInt(n) => push_u64(&mut self.buf, n),
            Value::Int(n) => push_i64(&mut self.buf, n),
            Value::Real(x) => push_fixed6(&mut self.buf, x),
            Value::Text(s) => crate::json::push_str(&mut self.buf, s),
            Value::Date(d) => {
                self.buf.push(b'"');
                push_date(&mut self.buf, d);
                self.buf.push(b'"');
            }
            Value::Null => self.buf.extend_from_slice(b"null"),
        }
    }

    /// The incident's columns (in [`COLUMNS`] order), then the extra ones.
    fn record_props(&mut self, inc: &Incident, extras: &[Extra], values: &[Value]) {
        for c in &COLUMNS {
            self.value(c.name, c.column.value(inc));
        }
        for (e, v) in extras.iter().zip(values) {
            self.value(e.name, *v);
        }
        self.end();
    }

    /// Formats an incident as a flat JSON object (a JSON line): the
    /// properties of its feature, extra columns after them.
    pub(crate) fn incident_object(&mut self, inc: &Incident, extras: &[Extra], values: &[Value]) {
        self.begin_object();
        self.record_props(inc, extras, values);
    }

    /// Formats an incident feature: a Point, the properties of [`COLUMNS`]
    /// in order, then the extra columns.
    pub(crate) fn incident(&mut self, inc: &Incident, extras: &[Extra], values: &[Value]) {
        self.begin(inc.id);
        self.point(inc.position);
        self.record_props(inc, extras, values);
    }

    fn cluster_props(&mut self, c: &Cluster) {
        self.uint("cluster_id", c.id.into());
        self.uint("count", c.count as u64);
        self.uint("distinct_locations", c.distinct_locations as u64);
        self.uint("fatalities", c.fatalities);
        self.uint("injured", c.injured);
        self.date("first_date", c.first_date);
        self.date("last_date", c.last_date);
        self.str("event_type", &c.dominant_event_type);
        self.str("actor", &c.dominant_actor);
        self.num("bbox_west", c.bbox[0]);
        self.num("bbox_south", c.bbox[1]);
        self.num("bbox_east", c.bbox[2]);
        self.num("bbox_north", c.bbox[3]);
        self.end();
    }

    /// Formats a cluster as a Point at its centroid.
    pub(crate) fn cluster_point(&mut self, c: &Cluster) {
        self.begin(c.id.into());
        self.point(c.centroid);
        self.cluster_props(c);
    }

    /// Formats a cluster as its hull Polygon (a MultiPolygon of the two
    /// sides when it crosses the antimeridian); false (nothing formatted)
    /// when it has no hull.
    pub(crate) fn cluster_area(&mut self, c: &Cluster) -> bool {
        let Some(hull) = c.hull.as_deref().filter(|_| has_area(c)) else {
            return false;
        };
        self.begin(c.id.into());
        let parts = crate::spatial::hull::split_at_antimeridian(hull);
        if parts.len() == 1 {
            self.polygon_ring(hull);
        } else {
            // Across the antimeridian: the two parts, cut at ±180 (RFC 7946 §3.1.9).
            self.multipolygon(&hull_parts(&parts));
        }
        self.cluster_props(c);
        true
    }

    /// Formats an admin-1 area with its incident statistics.
    pub(crate) fn admin_area(&mut self, fid: u64, a: &AdminArea, s: &AreaStats) {
        self.begin(fid);
        self.multipolygon(&a.polygon);
        self.str("code", &a.code);
        self.str("name", &a.name);
        self.str("country", &a.country);
        self.uint("incident_count", s.incident_count);
        self.uint("fatalities", s.fatalities);
        self.uint("injured", s.injured);
        self.opt_date("first_date", s.first_date);
        self.opt_date("last_date", s.last_date);
        self.end();
    }
}

/// Incident statistics of one admin-1 area.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AreaStats {
    /// Incidents in the area.
    pub incident_count: u64,
    /// Sum of their fatalities.
    pub fatalities: u64,
    /// Sum of their injured.
    pub injured: u64,
    /// Earliest event date, `None` without incidents.
    pub first_date: Option<NaiveDate>,
    /// Latest event date, `None` without incidents.
    pub last_date: Option<NaiveDate>,
}

impl AreaStats {
    /// Counts one incident.
    pub fn add(&mut self, inc: &Incident) {
        self.incident_count += 1;
        self.fatalities += u64::from(inc.fatalities);
        self.injured += u64::from(inc.injured);
        let d = inc.event_date;
        self.first_date = Some(self.first_date.map_or(d, |f| f.min(d)));
        self.last_date = Some(self.last_date.map_or(d, |l| l.max(d)));
    }
}

/// Twice the signed area of a ring (positive when counterclockwise), in
/// coordinate units; only its sign is used.
/// Hull rings as a MultiPolygon (one polygon per ring, no holes).
pub(crate) fn hull_parts(parts: &[Vec<LonLat>]) -> MultiPolygon<f64> {
    MultiPolygon(
        parts
            .iter()
            .map(|r| {
                geo::Polygon::new(geo::LineString(r.iter().map(|p| geo::coord! {x: p.lon, y: p.lat}).collect()), vec![])
            })
            .collect(),
    )
}

pub(crate) fn ring_signed_area(pts: impl Iterator<Item = (f64, f64)> + Clone) -> f64 {
    let mut next = pts.clone().cycle().skip(1);
    pts.map(|(x0, y0)| {
        let (x1, y1) = next.next().unwrap_or((x0, y0));
        x0 * y1 - x1 * y0
    })
    .sum()
}

/// Whether features go into a FeatureCollection or an RFC 8142 sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    Collection,
    Sequence,
}

/// Streams features into a FeatureCollection (or a GeoJSON text sequence)
/// one at a time, so a million incidents never sit in memory as JSON.
pub(crate) struct FeatureStream<W: Write> {
    w: W,
    framing: Framing,
    count: u64,
    pub(crate) feature: FeatureBuf,
}

impl<W: Write> FeatureStream<W> {
    fn new(mut w: W, framing: Framing) -> io::Result<Self> {
        if framing == Framing::Collection {
            w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")?;
        }
        Ok(FeatureStream { w, framing, count: 0, feature: FeatureBuf::new() })
    }

    /// Writes the feature held in `self.feature`.
    pub(crate) fn emit(&mut self) -> io::Result<()> {
        match self.framing {
            Framing::Collection => {
                // One feature per line: readable, diffable, and lets the
                // reader name the line of a bad feature.
                self.w.write_all(if self.count == 0 { b"\n" } else { b",\n" })?;
                self.w.write_all(&self.feature.buf)?;
            }
            Framing::Sequence => {
                self.w.write_all(&[RS])?;
                self.w.write_all(&self.feature.buf)?;
                self.w.write_all(b"\n")?;
            }
        }
        self.count += 1;
        Ok(())
    }

    fn finish(mut self) -> io::Result<W> {
        if self.framing == Framing::Collection {
            self.w.write_all(if self.count == 0 { b"]}\n" } else { b"\n]}\n" })?;
        }
        self.w.flush()?;
        Ok(self.w)
    }
}

/// Streams incidents as GeoJSON Point features.
///
/// ```
/// use incidentmap::export::geojson::IncidentGeoJsonWriter;
/// use incidentmap::{Incident, LonLat};
/// let day = chrono::NaiveDate::from_ymd_opt(2020, 5, 15).unwrap();
/// let mut inc = Incident::new(day, LonLat::new(44.6436, 33.7466).unwrap());
/// inc.id = 1;
/// let mut w = IncidentGeoJsonWriter::new(Vec::new()).unwrap();
/// w.write(&inc).unwrap();
/// let bytes = w.finish().unwrap();
/// let text = String::from_utf8(bytes).unwrap();
/// assert!(text.contains(r#""coordinates":[44.6436,33.7466]"#));
/// assert!(text.contains(r#""event_date":"2020-05-15""#));
/// ```
pub struct IncidentGeoJsonWriter<W: Write> {
    inner: FeatureStream<W>,
    extras: Vec<Extra>,
}

impl<W: Write> IncidentGeoJsonWriter<W> {
    /// A FeatureCollection writer (RFC 7946).
    pub fn new(w: W) -> io::Result<Self> {
        Ok(IncidentGeoJsonWriter { inner: FeatureStream::new(w, Framing::Collection)?, extras: Vec::new() })
    }

    /// A GeoJSON text sequence writer (RFC 8142: RS before, newline after
    /// each feature), for pipes.
    pub fn new_seq(w: W) -> io::Result<Self> {
        Ok(IncidentGeoJsonWriter { inner: FeatureStream::new(w, Framing::Sequence)?, extras: Vec::new() })
    }

    /// Adds columns after the record's own (query results); their values
    /// go to [`IncidentGeoJsonWriter::write_with`].
    pub fn with_extras(mut self, extras: &[Extra]) -> Self {
        self.extras = extras.to_vec();
        self
    }

    /// Writes one incident.
    pub fn write(&mut self, inc: &Incident) -> io::Result<()> {
        self.write_with(inc, &[])
    }

    /// Writes one incident with the values of the extra columns.
    pub fn write_with(&mut self, inc: &Incident, values: &[Value]) -> io::Result<()> {
        self.inner.feature.incident(inc, &self.extras, values);
        self.inner.emit()
    }

    /// Number of features written so far.
    pub fn count(&self) -> u64 {
        self.inner.count
    }

    /// Closes the collection and flushes; returns the inner writer. Not
    /// calling it leaves an unterminated collection.
    pub fn finish(self) -> io::Result<W> {
        self.inner.finish()
    }
}

/// Writes all incidents as a FeatureCollection.
pub fn write_incidents<W: Write>(w: W, incidents: &[Incident]) -> io::Result<W> {
    let mut gw = IncidentGeoJsonWriter::new(w)?;
    for inc in incidents {
        gw.write(inc)?;
    }
    gw.finish()
}

/// Writes the clusters layer: one Point per cluster at its centroid.
pub fn write_clusters<W: Write>(w: W, clusters: &[Cluster]) -> io::Result<W> {
    let mut s = FeatureStream::new(w, Framing::Collection)?;
    for c in clusters {
        s.feature.cluster_point(c);
        s.emit()?;
    }
    s.finish()
}

/// Writes the cluster areas layer: the hull Polygon of each cluster that has
/// one (3 or more distinct locations).
pub fn write_cluster_areas<W: Write>(w: W, clusters: &[Cluster]) -> io::Result<W> {
    let mut s = FeatureStream::new(w, Framing::Collection)?;
    for c in clusters {
        if s.feature.cluster_area(c) {
            s.emit()?;
        }
    }
    s.finish()
}

/// True when `c` has an area (a hull of three or more distinct points): the
/// clusters [`write_cluster_areas`] writes.
pub fn has_area(c: &Cluster) -> bool {
    c.hull.as_deref().is_some_and(|h| h.len() >= 4)
}

/// Writes the admin-1 layer: one MultiPolygon per area with its statistics
/// (feature ids 1-based in the order given).
pub fn write_admin1<W: Write>(w: W, areas: &[(&AdminArea, AreaStats)]) -> io::Result<W> {
    let mut s = FeatureStream::new(w, Framing::Collection)?;
    for (i, (a, st)) in areas.iter().enumerate() {
        s.feature.admin_area(i as u64 + 1, a, st);
        s.emit()?;
    }
    s.finish()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::Value;

    /// A full incident with every field set, for round-trip tests.
    pub(crate) fn sample(id: u64) -> Incident {
        let day = NaiveDate::from_ymd_opt(2020, 5, 15).unwrap();
        let mut inc = Incident::new(day, LonLat::new(45.158_123, 34.271_1).unwrap());
        inc.id = id;
        inc.event_id = format!("ev{id:04}");
        inc.time_precision = 2;
        inc.event_type = "Explosions/Remote violence".into();
        inc.sub_event_type = "Remote explosive/landmine/IED".into();
        inc.actor1 = "Islamic State (ISIS)".into();
        inc.actor2 = "Civilians (Iraq)".into();
        inc.fatalities = 3;
        inc.injured = 7;
        inc.location = "Zaghniya, \"police\" station".into();
        inc.place_name = "Jalawla".into();
        inc.geonameid = Some(98_463);
        inc.admin1 = "Diyala".into();
        inc.admin2 = "Khanaqin".into();
        inc.country = "IQ".into();
        inc.geo_precision = 2;
        inc.location_type = crate::LocationType::Near;
        inc.source = "reports/a.txt; https://example.org/x?a=1,2".into();
        inc.source_date = NaiveDate::from_ymd_opt(2020, 5, 16);
        inc.notes = "A roadside bomb\nexploded; 3 killed.\ttab".into();
        inc.confidence = 0.875;
        inc.resolution = "admin-context:Diyala".into();
        inc.cluster_id = Some(4);
        inc
    }

    fn to_value(incs: &[Incident]) -> Value {
        let bytes = write_incidents(Vec::new(), incs).unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn empty_collection_is_valid() {
        let v = to_value(&[]);
        assert_eq!(v["type"], "FeatureCollection");
        assert_eq!(v["features"].as_array().unwrap().len(), 0);
        assert!(v.get("crs").is_none());
    }

    #[test]
    fn property_types_are_stable_across_features() {
        let full = sample(1);
        let mut bare = Incident::new(full.event_date, LonLat::new(-0.000_000_1, 1e-7).unwrap());
        bare.id = 2;
        bare.confidence = 1e-9;
        let v = to_value(&[full, bare]);
        let feats = v["features"].as_array().unwrap();
        let kind = |v: &Value| match v {
            Value::Null => "null",
            Value::String(_) => "string",
            Value::Number(n) if n.is_u64() || n.is_i64() => "int",
            Value::Number(_) => "real",
            _ => "other",
        };
        let p0 = feats[0]["properties"].as_object().unwrap();
        let p1 = feats[1]["properties"].as_object().unwrap();
        // serde_json's map sorts keys, so check the written order on the text.
        let text = String::from_utf8(write_incidents(Vec::new(), &[sample(1)]).unwrap()).unwrap();
        let props = &text[text.find("\"properties\"").unwrap()..];
        let at: Vec<usize> = crate::schema::names().map(|k| props.find(&format!("\"{k}\":")).unwrap()).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{props}");
        assert_eq!(p0.len(), crate::schema::COLUMNS.len());
        for k in crate::schema::names() {
            let (a, b) = (kind(&p0[k]), kind(&p1[k]));
            if a != b {
                assert!(["geonameid", "cluster_id", "source_date"].contains(&k) && b == "null", "{k}: {a} vs {b}");
            }
        }
        assert_eq!(kind(&p1["confidence"]), "real");
        assert_eq!(kind(&p1["latitude"]), "real");
        assert_eq!(p1["actor2"], "");
        assert_eq!(feats[1]["id"], 2);
        assert_eq!(p0["notes"], "A roadside bomb\nexploded; 3 killed.\ttab");
    }

    #[test]
    fn coordinates_have_six_decimals_and_no_exponent() {
        let mut inc = sample(1);
        inc.position = LonLat::new(44.123_456_789, -1e-7).unwrap();
        let text = String::from_utf8(write_incidents(Vec::new(), &[inc]).unwrap()).unwrap();
        assert!(text.contains(r#""coordinates":[44.123457,0.0]"#), "{text}");
        assert!(!text.contains("e-"), "{text}");
        assert!(!text.contains("NaN"));
    }

    #[test]
    fn sequence_frames_each_feature_with_rs_and_newline() {
        let mut w = IncidentGeoJsonWriter::new_seq(Vec::new()).unwrap();
        w.write(&sample(1)).unwrap();
        w.write(&sample(2)).unwrap();
        let bytes = w.finish().unwrap();
        let texts: Vec<&[u8]> = bytes.split(|&b| b == RS).collect();
        assert_eq!(texts.len(), 3);
        assert!(texts[0].is_empty());
        for t in &texts[1..] {
            assert_eq!(*t.last().unwrap(), b'\n');
            assert_eq!(t.iter().filter(|&&b| b == b'\n').count(), 1);
            let v: Value = serde_json::from_slice(t).unwrap();
            assert_eq!(v["type"], "Feature");
        }
    }

    #[test]
    fn rings_are_counterclockwise() {
        let cw = [(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (0.0, 0.0)];
        assert!(ring_signed_area(cw.iter().copied()) < 0.0);
        let ring: Vec<LonLat> = cw.iter().map(|&(x, y)| LonLat { lon: x, lat: y }).collect();
        let mut f = FeatureBuf::new();
        f.begin(1);
        f.polygon_ring(&ring);
        let s = String::from_utf8(f.buf).unwrap();
        assert!(s.contains("[[[0.0,0.0],[1.0,1.0],[0.0,1.0],[0.0,0.0]]]"), "{s}");
    }
}
