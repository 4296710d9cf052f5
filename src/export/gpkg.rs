//! OGC GeoPackage output (SQLite, written with rusqlite's bundled library):
//! every layer of a run in one file, with the R-tree spatial index extension
//! and QGIS styles in `layer_styles`.
//!
//! The file is built under a temporary name in the target directory and
//! renamed over the target only when complete, so a failed run leaves an
//! existing file untouched (the pattern of
//! [`write_atomic`](super::atomic::write_atomic), which cannot be used
//! directly because SQLite needs a path, not a stream).
//!
//! Layout (GeoPackage 1.3, `application_id` 'GPKG', `user_version` 10300):
//! `gpkg_spatial_ref_sys` (EPSG:4326 and the required -1/0 rows),
//! `gpkg_contents` with each layer's bounds, `gpkg_geometry_columns`,
//! `gpkg_extensions` (`gpkg_rtree_index` per layer), one feature table per
//! layer with typed columns (`DATE`, `INTEGER`, `MEDIUMINT`, `REAL`, `TEXT`),
//! geometry blobs in GeoPackage binary format (header with envelope, then
//! little-endian WKB), and an `rtree_<table>_geom` virtual table per layer.
//!
//! Why the index is built at the end and by hand: inserting a million
//! points one by one through SQLite's R-tree virtual table took about 5 s of
//! our 9 s at a million rows (ogr2ogr spends about 11 of its 14 s on its
//! index on the same data).
//! Instead the envelopes are kept while rows go in, sorted along a Hilbert
//! curve, and packed bottom-up straight into the R-tree's shadow tables
//! (see `bulk_load_rtree`), which SQLite's `rtreecheck()` accepts.

use std::path::{Path, PathBuf};

use geo::{MultiPolygon, Polygon};
use rusqlite::{Connection, params};

use super::date_string;
use super::geojson::{AreaStats, hull_parts, ring_signed_area};
use super::gpkg_rtree::{bulk_load_rtree, rtree_triggers, sort_hilbert};
use crate::error::{Error, Result};
use crate::extract::incident::Incident;
use crate::gazetteer::admin::AdminArea;
use crate::geodesy::LonLat;
use crate::spatial::cluster::Cluster;

/// 'GPKG' as the SQLite `application_id`.
pub const APPLICATION_ID: i32 = 0x4750_4B47;
/// GeoPackage 1.3.
pub const USER_VERSION: i32 = 10300;

const WGS84_WKT: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]"#;

const SCHEMA: &str = r#"
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_extensions (
  table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
  scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
CREATE TABLE gpkg_tile_matrix_set (
  table_name TEXT NOT NULL PRIMARY KEY, srs_id INTEGER NOT NULL, min_x DOUBLE NOT NULL,
  min_y DOUBLE NOT NULL, max_x DOUBLE NOT NULL, max_y DOUBLE NOT NULL,
  CONSTRAINT fk_gtms_table_name FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gtms_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_tile_matrix (
  table_name TEXT NOT NULL, zoom_level INTEGER NOT NULL, matrix_width INTEGER NOT NULL,
  matrix_height INTEGER NOT NULL, tile_width INTEGER NOT NULL, tile_height INTEGER NOT NULL,
  pixel_x_size DOUBLE NOT NULL, pixel_y_size DOUBLE NOT NULL,
  CONSTRAINT pk_ttm PRIMARY KEY (table_name, zoom_level),
  CONSTRAINT fk_tmm_table_name FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name));
CREATE TABLE layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
  f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,
  styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
  update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));
INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
  VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles');
"#;

/// The layers of a run and their geometry types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// `incidents`, POINT.
    Incidents,
    /// `clusters`, POINT at the centroid.
    Clusters,
    /// `cluster_areas`, MULTIPOLYGON hull (two parts across the antimeridian).
    ClusterAreas,
    /// `admin1`, MULTIPOLYGON.
    Admin1,
}

impl Layer {
    /// Table (and GeoJSON file) name.
    pub fn table(self) -> &'static str {
        match self {
            Layer::Incidents => "incidents",
            Layer::Clusters => "clusters",
            Layer::ClusterAreas => "cluster_areas",
            Layer::Admin1 => "admin1",
        }
    }

    fn geometry_type(self) -> &'static str {
        match self {
            Layer::Incidents | Layer::Clusters => "POINT",
            Layer::ClusterAreas => "MULTIPOLYGON",
            Layer::Admin1 => "MULTIPOLYGON",
        }
    }

    /// The attribute columns. `wide`: the counts of a cluster or admin-1
    /// layer are declared `INTEGER` (Integer64 in GDAL) because some sum
    /// exceeds a 32-bit Integer; otherwise `MEDIUMINT` (Integer).
    fn columns(self, wide: bool) -> std::borrow::Cow<'static, str> {
        let n = if wide { "INTEGER" } else { "MEDIUMINT" };
        match self {
            Layer::Incidents => crate::schema::COLUMNS
                .iter()
                .map(|c| format!("{} {}", c.name, c.ty.sql()))
                .collect::<Vec<_>>()
                .join(", ")
                .into(),
            Layer::Clusters | Layer::ClusterAreas => format!(
                "cluster_id MEDIUMINT, count {n}, distinct_locations {n}, fatalities {n}, \
                 injured {n}, first_date DATE, last_date DATE, event_type TEXT, actor TEXT, \
                 bbox_west REAL, bbox_south REAL, bbox_east REAL, bbox_north REAL"
            )
            .into(),
            Layer::Admin1 => format!(
                "code TEXT, name TEXT, country TEXT, incident_count {n}, fatalities {n}, \
                 injured {n}, first_date DATE, last_date DATE"
            )
            .into(),
        }
    }

    fn column_count(self) -> usize {
        self.columns(false).split(',').count()
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A schema value as an SQLite value: dates as `YYYY-MM-DD` text.
struct SqlValue<'a>(crate::schema::Value<'a>);

impl rusqlite::ToSql for SqlValue<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use crate::schema::Value;
        use rusqlite::types::{ToSqlOutput, Value as Sql, ValueRef};
        Ok(match self.0 {
            Value::UInt(n) => ToSqlOutput::Owned(Sql::Integer(n as i64)),
            Value::Int(n) => ToSqlOutput::Owned(Sql::Integer(n)),
            Value::Real(x) => ToSqlOutput::Owned(Sql::Real(x)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Date(d) => ToSqlOutput::Owned(Sql::Text(date_string(d))),
            Value::Null => ToSqlOutput::Owned(Sql::Null),
        })
    }
}

/// Per-layer state: the envelopes for the R-tree and the bounds.
#[derive(Default)]
struct LayerState {
    created: bool,
    next_fid: i64,
    /// (fid, minx, maxx, miny, maxy)
    envelopes: Vec<(i64, [f64; 4])>,
    insert_sql: String,
}

/// A GeoPackage being written; nothing appears at the target path until
/// [`GpkgWriter::finish`] succeeds.
pub struct GpkgWriter {
    conn: Connection,
    tmp: tempfile::TempPath,
    path: PathBuf,
    layers: [LayerState; 4],
    blob: Vec<u8>,
}

impl GpkgWriter {
    /// Starts a GeoPackage that will replace `path` when finished.
    pub fn create(path: &Path) -> Result<GpkgWriter> {
        let tmp = super::atomic::temp_beside(path)?.into_temp_path();
        let sql = |e| Error::Sqlite { path: path.to_path_buf(), source: e };
        let conn = Connection::open(&tmp).map_err(sql)?;
        // No journal and no syncs while building: the file is private until
        // the rename, and it is synced once before that.
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE;
             PRAGMA cache_size = -32768; PRAGMA secure_delete = {secure}; PRAGMA application_id = {APPLICATION_ID};
             PRAGMA user_version = {USER_VERSION}; BEGIN; {SCHEMA}",
            // Zeroed free space, so the time stamps replaced at the end leave
            // no trace and the bytes are reproducible.
            secure = if source_date_epoch().is_some() { "ON" } else { "OFF" }
        ))
        .map_err(sql)?;
        conn.execute(
            "INSERT INTO gpkg_spatial_ref_sys VALUES
               ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
               ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
               ('WGS 84 geodetic', 4326, 'EPSG', 4326, ?1, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')",
            [WGS84_WKT],
        )
        .map_err(sql)?;
        Ok(GpkgWriter {
            conn,
            tmp,
            path: path.to_path_buf(),
            layers: Default::default(),
            blob: Vec::with_capacity(256),
        })
    }

    fn sql(&self) -> impl Fn(rusqlite::Error) -> Error + '_ {
        |e| Error::Sqlite { path: self.path.clone(), source: e }
    }

    /// Creates a layer's table (empty layers are still registered), its
    /// counts typed 32-bit.
    pub fn create_layer(&mut self, layer: Layer) -> Result<()> {
        self.create_layer_with(layer, false)
    }

    /// Creates a layer's table; `wide` types its counts 64-bit.
    fn create_layer_with(&mut self, layer: Layer, wide: bool) -> Result<()> {
        if self.layers[layer.index()].created {
            return Ok(());
        }
        let t = layer.table();
        let g = layer.geometry_type();
        self.conn
            .execute_batch(&format!(
                "CREATE TABLE \"{t}\" (fid INTEGER PRIMARY KEY NOT NULL, geom {g}, {cols});
                 INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
                   VALUES ('{t}', 'features', '{t}', '', 4326);
                 INSERT INTO gpkg_geometry_columns VALUES ('{t}', 'geom', '{g}', 4326, 0, 0);
                 CREATE VIRTUAL TABLE \"rtree_{t}_geom\" USING rtree(id, minx, maxx, miny, maxy);
                 INSERT INTO gpkg_extensions VALUES ('{t}', 'geom', 'gpkg_rtree_index',
                   'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');",
                cols = layer.columns(wide)
            ))
            .map_err(self.sql())?;
        let st = &mut self.layers[layer.index()];
        st.created = true;
        st.next_fid = 1;
        Ok(())
    }

    /// Inserts one row: the geometry blob is in `self.blob`; `values` are
    /// the attribute columns in table order.
    fn insert(&mut self, layer: Layer, env: [f64; 4], values: &[&dyn rusqlite::ToSql]) -> Result<()> {
        self.create_layer(layer)?;
        let n = layer.column_count();
        debug_assert_eq!(values.len(), n);
        let t = layer.table();
        let st = &mut self.layers[layer.index()];
        let fid = st.next_fid;
        st.next_fid += 1;
        st.envelopes.push((fid, env));
        if st.insert_sql.is_empty() {
            let placeholders = vec!["?"; n].join(",");
            // SQLite assigns the rowid (1, 2, ... in a fresh table, as counted
            // in `next_fid`): its append path is cheaper than checking an
            // explicit one.
            st.insert_sql = format!("INSERT INTO \"{t}\" VALUES (NULL,?,{placeholders})");
        }
        let mut stmt = self
            .conn
            .prepare_cached(&st.insert_sql)
            .map_err(|e| Error::Sqlite { path: self.path.clone(), source: e })?;
        let mut all: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(n + 2);
        all.push(&self.blob);
        all.extend_from_slice(values);
        stmt.execute(&all[..]).map_err(|e| Error::Sqlite { path: self.path.clone(), source: e })?;
        drop(stmt);
        debug_assert_eq!(self.conn.last_insert_rowid(), fid);
        Ok(())
    }

    /// Adds one incident to the `incidents` layer.
    pub fn add_incident(&mut self, inc: &Incident) -> Result<()> {
        let env = point_blob(&mut self.blob, inc.position);
        let values: [SqlValue; crate::schema::COLUMNS.len()] =
            std::array::from_fn(|k| SqlValue(crate::schema::COLUMNS[k].column.value(inc)));
        let refs: [&dyn rusqlite::ToSql; crate::schema::COLUMNS.len()] = std::array::from_fn(|k| &values[k] as _);
        self.insert(Layer::Incidents, env, &refs)
    }

    fn add_cluster(&mut self, layer: Layer, c: &Cluster, env: [f64; 4]) -> Result<()> {
        let (first, last) = (date_string(c.first_date), date_string(c.last_date));
        self.insert(
            layer,
            env,
            params![
                c.id,
                c.count as i64,
                c.distinct_locations as i64,
                c.fatalities as i64,
                c.injured as i64,
                first,
                last,
                c.dominant_event_type,
                c.dominant_actor,
                c.bbox[0],
                c.bbox[1],
                c.bbox[2],
                c.bbox[3],
            ],
        )
    }

    /// Writes the `clusters` (centroid points) and `cluster_areas` (hull
    /// polygons, only clusters with a hull) layers.
    pub fn write_clusters(&mut self, clusters: &[Cluster]) -> Result<()> {
        let big = |n: u64| n > u64::from(crate::schema::MAX_COUNT);
        let wide = clusters.iter().any(|c| big(c.count as u64) || big(c.fatalities) || big(c.injured));
        self.create_layer_with(Layer::Clusters, wide)?;
        self.create_layer_with(Layer::ClusterAreas, wide)?;
        for c in clusters {
            let env = point_blob(&mut self.blob, c.centroid);
            self.add_cluster(Layer::Clusters, c, env)?;
        }
        for c in clusters {
            let Some(hull) = c.hull.as_deref().filter(|h| h.len() >= 4) else {
                continue;
            };
            // Always a MultiPolygon: two parts when the hull crosses the antimeridian.
            let parts = crate::spatial::hull::split_at_antimeridian(hull);
            let env = multipolygon_blob(&mut self.blob, &hull_parts(&parts));
            self.add_cluster(Layer::ClusterAreas, c, env)?;
        }
        Ok(())
    }

    /// Writes the `admin1` layer (MULTIPOLYGON).
    pub fn write_admin1(&mut self, areas: &[(&AdminArea, AreaStats)]) -> Result<()> {
        let big = |n: u64| n > u64::from(crate::schema::MAX_COUNT);
        let wide = areas.iter().any(|(_, s)| big(s.incident_count) || big(s.fatalities) || big(s.injured));
        self.create_layer_with(Layer::Admin1, wide)?;
        for (a, s) in areas {
            let env = multipolygon_blob(&mut self.blob, &a.polygon);
            let (first, last) = (s.first_date.map(date_string), s.last_date.map(date_string));
            self.insert(
                Layer::Admin1,
                env,
                params![
                    a.code,
                    a.name,
                    a.country,
                    s.incident_count as i64,
                    s.fatalities as i64,
                    s.injured as i64,
                    first,
                    last
                ],
            )?;
        }
        Ok(())
    }

    /// Stores a QGIS style (QML) as the default style of a layer.
    pub fn add_style(&mut self, layer: Layer, style_name: &str, qml: &str) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column,
                   styleName, styleQML, styleSLD, useAsDefault, description, owner, ui)
                 VALUES ('', '', ?1, 'geom', ?2, ?3, '', 1, ?4, '', NULL)",
                params![layer.table(), style_name, qml, format!("incidentmap style for {}", layer.table())],
            )
            .map_err(self.sql())?;
        Ok(())
    }

    /// Fills the spatial indexes, records the bounds, commits, syncs and
    /// renames the file into place.
    pub fn finish(self) -> Result<()> {
        self.finish_staged()?.commit()
    }

    /// Completes the file like [`GpkgWriter::finish`] but leaves it staged
    /// under its temporary name, to be renamed with the rest of a set.
    ///
    /// When `SOURCE_DATE_EPOCH` is set (the reproducible-builds convention,
    /// seconds since 1970), the file's time stamps are that time instead of
    /// now, so the same inputs give byte-identical GeoPackages.
    pub fn finish_staged(mut self) -> Result<super::atomic::Staged> {
        for layer in [Layer::Incidents, Layer::Clusters, Layer::ClusterAreas, Layer::Admin1] {
            let st = &mut self.layers[layer.index()];
            if !st.created {
                continue;
            }
            let mut envs = std::mem::take(&mut st.envelopes);
            let t = layer.table();
            if let Some(b) = bounds(&envs) {
                self.conn
                    .execute(
                        "UPDATE gpkg_contents SET min_x = ?1, min_y = ?2, max_x = ?3, max_y = ?4 WHERE table_name = ?5",
                        params![b[0], b[2], b[1], b[3], t],
                    )
                    .map_err(self.sql())?;
            }
            sort_hilbert(&mut envs);
            bulk_load_rtree(&self.conn, &format!("rtree_{t}_geom"), &envs).map_err(self.sql())?;
            self.conn.execute_batch(&rtree_triggers(t, "geom", "fid")).map_err(self.sql())?;
        }
        if let Some(stamp) = source_date_epoch() {
            // Reproducible output: the same inputs give the same bytes.
            self.conn
                .execute_batch(&format!(
                    "UPDATE gpkg_contents SET last_change = '{stamp}'; UPDATE layer_styles SET update_time = '{stamp}';"
                ))
                .map_err(self.sql())?;
        }
        self.conn.execute_batch("COMMIT").map_err(self.sql())?;
        let GpkgWriter { conn, tmp, path, .. } = self;
        conn.close().map_err(|(_, e)| Error::Sqlite { path: path.clone(), source: e })?;
        let f = std::fs::File::open(&tmp).map_err(|e| Error::io(&path, e))?;
        f.sync_all().map_err(|e| Error::io(&path, e))?;
        Ok(super::atomic::Staged::new(tmp, &path))
    }
}

/// Writes every incident of `incidents` into a GeoPackage at `path` with
/// its QGIS style.
pub fn write_incidents(path: &Path, incidents: &[Incident]) -> Result<()> {
    let mut g = GpkgWriter::create(path)?;
    g.create_layer(Layer::Incidents)?;
    for inc in incidents {
        g.add_incident(inc)?;
    }
    g.add_style(Layer::Incidents, "incidents", &super::style::incidents_qml())?;
    g.finish()
}

fn bounds(envs: &[(i64, [f64; 4])]) -> Option<[f64; 4]> {
    let mut it = envs.iter().map(|e| e.1);
    let first = it.next()?;
    Some(it.fold(first, |a, e| [a[0].min(e[0]), a[1].max(e[1]), a[2].min(e[2]), a[3].max(e[3])]))
}

/// The GeoPackage binary header: magic, version 0, flags (little-endian,
/// envelope [minx, maxx, miny, maxy]), srs_id 4326, envelope.
fn gp_header(buf: &mut Vec<u8>, env: [f64; 4]) {
    buf.clear();
    buf.extend_from_slice(b"GP");
    buf.push(0); // version 1 of the spec is encoded as 0
    buf.push(0b0000_0011); // envelope kind 1 (xy), little-endian
    buf.extend_from_slice(&4326i32.to_le_bytes());
    for v in env {
        buf.extend_from_slice(&v.to_le_bytes());
    }
}

fn point_blob(buf: &mut Vec<u8>, p: LonLat) -> [f64; 4] {
    let env = [p.lon, p.lon, p.lat, p.lat];
    gp_header(buf, env);
    buf.push(1);
    buf.extend_from_slice(&1u32.to_le_bytes());
    buf.extend_from_slice(&p.lon.to_le_bytes());
    buf.extend_from_slice(&p.lat.to_le_bytes());
    env
}

fn envelope<'a>(coords: impl Iterator<Item = &'a geo::Coord<f64>>) -> [f64; 4] {
    coords.fold([f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY], |e, c| {
        [e[0].min(c.x), e[1].max(c.x), e[2].min(c.y), e[3].max(c.y)]
    })
}

fn wkb_polygon(buf: &mut Vec<u8>, poly: &Polygon<f64>) {
    buf.push(1);
    buf.extend_from_slice(&3u32.to_le_bytes());
    let rings = std::iter::once(poly.exterior()).chain(poly.interiors());
    buf.extend_from_slice(&(1 + poly.interiors().len() as u32).to_le_bytes());
    for (j, ring) in rings.enumerate() {
        buf.extend_from_slice(&(ring.0.len() as u32).to_le_bytes());
        // Same orientation as the GeoJSON: exterior counterclockwise.
        let ccw = ring_signed_area(ring.0.iter().map(|c| (c.x, c.y))) >= 0.0;
        let mut put = |c: &geo::Coord<f64>| {
            buf.extend_from_slice(&c.x.to_le_bytes());
            buf.extend_from_slice(&c.y.to_le_bytes());
        };
        if ccw == (j == 0) {
            ring.0.iter().for_each(&mut put);
        } else {
            ring.0.iter().rev().for_each(&mut put);
        }
    }
}

fn multipolygon_blob(buf: &mut Vec<u8>, mp: &MultiPolygon<f64>) -> [f64; 4] {
    let env = envelope(mp.0.iter().flat_map(|p| p.exterior().0.iter()));
    gp_header(buf, env);
    buf.push(1);
    buf.extend_from_slice(&6u32.to_le_bytes());
    buf.extend_from_slice(&(mp.0.len() as u32).to_le_bytes());
    for p in &mp.0 {
        wkb_polygon(buf, p);
    }
    env
}

/// `SOURCE_DATE_EPOCH` as a GeoPackage time stamp (`2020-05-15T00:00:00.000Z`),
/// when it is set to a valid time.
fn source_date_epoch() -> Option<String> {
    let secs: i64 = std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()?;
    let t = chrono::DateTime::from_timestamp(secs, 0)?;
    Some(t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::geojson::tests::sample;
    use crate::export::gpkg_rtree::{f32_down, f32_up, hilbert_d};

    #[test]
    fn point_blob_header_bytes() {
        let mut b = Vec::new();
        point_blob(&mut b, LonLat { lon: 44.5, lat: 33.25 });
        assert_eq!(&b[..4], b"GP\x00\x03");
        assert_eq!(i32::from_le_bytes(b[4..8].try_into().unwrap()), 4326);
        let f = |i: usize| f64::from_le_bytes(b[i..i + 8].try_into().unwrap());
        assert_eq!([f(8), f(16), f(24), f(32)], [44.5, 44.5, 33.25, 33.25]);
        assert_eq!(b[40], 1, "little-endian WKB");
        assert_eq!(u32::from_le_bytes(b[41..45].try_into().unwrap()), 1, "wkbPoint");
        assert_eq!([f(45), f(53)], [44.5, 33.25]);
        assert_eq!(b.len(), 61);
    }

    #[test]
    fn bulk_loaded_rtree_passes_rtreecheck_and_answers_like_a_scan() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.gpkg");
        let mut s: u64 = 42;
        let mut rnd = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut incs = Vec::new();
        for i in 0..20_000 {
            let mut inc = sample(i + 1);
            inc.position = LonLat::new(38.0 + 11.0 * rnd(), 29.0 + 9.0 * rnd()).unwrap();
            incs.push(inc);
        }
        write_incidents(&p, &incs).unwrap();
        let c = Connection::open(&p).unwrap();
        let check: String = c.query_row("SELECT rtreecheck('rtree_incidents_geom')", [], |r| r.get(0)).unwrap();
        assert_eq!(check, "ok");
        let depth: Vec<u8> =
            c.query_row("SELECT data FROM rtree_incidents_geom_node WHERE nodeno = 1", [], |r| r.get(0)).unwrap();
        assert_eq!(u16::from_be_bytes([depth[0], depth[1]]), 2, "20k points: 3 levels of 51");
        for _ in 0..50 {
            let (x, y) = (38.0 + 11.0 * rnd(), 29.0 + 9.0 * rnd());
            let (w, h) = (rnd(), rnd());
            let want = incs
                .iter()
                .filter(|i| {
                    let p = i.position;
                    p.lon >= x && p.lon <= x + w && p.lat >= y && p.lat <= y + h
                })
                .count() as i64;
            // The index is a filter (f32 bounds rounded outwards); the exact
            // test on the stored coordinates follows.
            let got: i64 = c
                .query_row(
                    "SELECT count(*) FROM incidents i JOIN rtree_incidents_geom r ON r.id = i.fid
                     WHERE r.maxx >= ?1 AND r.minx <= ?2 AND r.maxy >= ?3 AND r.miny <= ?4
                       AND i.longitude BETWEEN ?1 AND ?2 AND i.latitude BETWEEN ?3 AND ?4",
                    params![x, x + w, y, y + h],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn f32_bounds_round_outwards() {
        for x in [44.123_456_789, -33.987_654_321, 0.0, 1e-30, -1e-30, 179.999_999_9] {
            assert!(f64::from(f32_down(x)) <= x && f64::from(f32_up(x)) >= x, "{x}");
        }
    }

    #[test]
    fn hilbert_is_a_bijection_on_a_small_grid() {
        let mut seen = std::collections::HashSet::new();
        for x in 0..64 {
            for y in 0..64 {
                seen.insert(hilbert_d(x << 10, y << 10));
            }
        }
        assert_eq!(seen.len(), 64 * 64);
    }

    /// Issue 20: counts declared INTEGER came out of GDAL as Integer64;
    /// MEDIUMINT is Integer. A sum too large for it keeps 64 bits rather
    /// than being read back wrong.
    #[test]
    fn counts_are_32_bit_unless_a_sum_needs_64() {
        let declared = |c: &Connection, t: &str, col: &str| -> String {
            c.query_row(&format!("SELECT type FROM pragma_table_info('{t}') WHERE name = '{col}'"), [], |r| r.get(0))
                .unwrap()
        };
        let day = chrono::NaiveDate::from_ymd_opt(2020, 5, 15).unwrap();
        let cluster = |fatalities: u64| Cluster {
            id: 1,
            count: 2,
            distinct_locations: 1,
            fatalities,
            injured: 0,
            first_date: day,
            last_date: day,
            dominant_event_type: String::new(),
            dominant_actor: String::new(),
            centroid: LonLat { lon: 45.0, lat: 34.0 },
            bbox: [45.0, 34.0, 45.0, 34.0],
            hull: None,
            member_ids: vec![1, 2],
        };
        let dir = tempfile::tempdir().unwrap();
        for (fatalities, want) in [(7, "MEDIUMINT"), (u64::from(crate::schema::MAX_COUNT) + 1, "INTEGER")] {
            let p = dir.path().join(format!("{fatalities}.gpkg"));
            let mut g = GpkgWriter::create(&p).unwrap();
            g.create_layer(Layer::Incidents).unwrap();
            g.add_incident(&sample(1)).unwrap();
            g.write_clusters(&[cluster(fatalities)]).unwrap();
            g.write_admin1(&[]).unwrap();
            g.finish().unwrap();
            let c = Connection::open(&p).unwrap();
            assert_eq!(declared(&c, "incidents", "fatalities"), "MEDIUMINT");
            assert_eq!(declared(&c, "incidents", "geonameid"), "INTEGER");
            assert_eq!(declared(&c, "clusters", "fatalities"), want);
            assert_eq!(declared(&c, "cluster_areas", "count"), want);
            assert_eq!(declared(&c, "admin1", "incident_count"), "MEDIUMINT");
            let back: i64 = c.query_row("SELECT fatalities FROM clusters", [], |r| r.get(0)).unwrap();
            assert_eq!(back as u64, fatalities);
        }
    }

    #[test]
    fn geopackage_has_ids_tables_and_index() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.gpkg");
        write_incidents(&p, &[sample(1), sample(2)]).unwrap();
        let c = Connection::open(&p).unwrap();
        let q = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(q("PRAGMA application_id"), 0x4750_4B47);
        assert_eq!(q("PRAGMA user_version"), 10300);
        assert_eq!(q("SELECT count(*) FROM incidents"), 2);
        assert_eq!(q("SELECT count(*) FROM rtree_incidents_geom"), 2);
        assert_eq!(q("SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id IN (-1, 0, 4326)"), 3);
        let ok: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(ok, "ok");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["t.gpkg"], "no temporary file left behind");
    }
}
