//! What `map` writes to PostGIS: the incidents (upserted, see
//! [`PgWriter`]) and, beside them, the summaries of the run: clusters
//! (`<table>_clusters`, points at their centroids) and admin-1 areas
//! (`<table>_admin1`, multipolygons with incident counts), each with its
//! QGIS style, all in one transaction.
//!
//! The summary tables describe the last run: their rows are replaced,
//! while the incident table keeps incidents from earlier runs.

use std::fmt::Write as _;

use postgres::Client;

use super::table::{GEOM, quoted, save_style};
use super::{PgTarget, PgWriter, WriteReport, pg_error, wkb};
use crate::error::Result;
use crate::export::geojson::AreaStats;
use crate::export::style;
use crate::extract::incident::Incident;
use crate::gazetteer::admin::AdminArea;
use crate::spatial::cluster::Cluster;

/// What [`write_map`] wrote.
#[derive(Debug, Clone, Default)]
pub struct MapTables {
    /// The incident table's write.
    pub incidents: WriteReport,
    /// The tables written, `schema.`-qualified when the URL named a schema.
    pub tables: Vec<String>,
}

/// Writes a run's incidents, clusters and admin-1 summaries (see the
/// module documentation), committing all or nothing.
///
/// # Errors
/// [`Error::Postgres`](crate::Error::Postgres); nothing is then changed.
pub fn write_map(
    target: &PgTarget,
    incidents: &[Incident],
    clusters: &[Cluster],
    admin: &[(&AdminArea, AreaStats)],
) -> Result<MapTables> {
    let mut w = PgWriter::create(target)?;
    for inc in incidents {
        w.add(inc)?;
    }
    let clusters_t = target.with_table(&format!("{}_clusters", target.table_name()));
    let admin_t = target.with_table(&format!("{}_admin1", target.table_name()));
    write_clusters(w.client(), &clusters_t, clusters)?;
    write_admin1(w.client(), &admin_t, admin)?;
    let report = w.finish(Some(&style::incidents_qml()))?;
    Ok(MapTables { incidents: report, tables: vec![target.table.clone(), clusters_t.table, admin_t.table] })
}

fn write_clusters(client: &mut Client, t: &PgTarget, clusters: &[Cluster]) -> Result<()> {
    let err = |e: postgres::Error| pg_error(t, &e);
    let q = quoted(&t.table);
    client
        .batch_execute(&format!(
            "CREATE TABLE IF NOT EXISTS {q} (cluster_id integer PRIMARY KEY, count integer NOT NULL, \
             distinct_locations integer NOT NULL, fatalities bigint NOT NULL, injured bigint NOT NULL, \
             first_date date NOT NULL, last_date date NOT NULL, dominant_event_type text NOT NULL, \
             dominant_actor text NOT NULL, {GEOM} geometry(Point, 4326) NOT NULL);\n\
             CREATE INDEX IF NOT EXISTS {name}_geom_idx ON {q} USING gist ({GEOM});\n\
             DELETE FROM {q};",
            name = t.table_name()
        ))
        .map_err(err)?;
    let insert = client
        .prepare(&format!("INSERT INTO {q} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, ST_GeomFromEWKB($10))"))
        .map_err(err)?;
    for c in clusters {
        let to_i32 = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        let to_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        client
            .execute(
                &insert,
                &[
                    &(c.id as i32),
                    &to_i32(c.count),
                    &to_i32(c.distinct_locations),
                    &to_i64(c.fatalities),
                    &to_i64(c.injured),
                    &c.first_date,
                    &c.last_date,
                    &c.dominant_event_type,
                    &c.dominant_actor,
                    &&wkb::ewkb_point(c.centroid)[..],
                ],
            )
            .map_err(err)?;
    }
    save_style(client, t, t.table_name(), &style::clusters_qml())
}

/// An area's outline as WKT.
fn multipolygon_wkt(a: &AdminArea) -> String {
    let mut s = String::from("MULTIPOLYGON(");
    for (i, p) in a.polygon.0.iter().enumerate() {
        s.push_str(if i == 0 { "(" } else { ",(" });
        for (j, ring) in std::iter::once(p.exterior()).chain(p.interiors()).enumerate() {
            s.push_str(if j == 0 { "(" } else { ",(" });
            for (k, c) in ring.0.iter().enumerate() {
                let _ = write!(s, "{}{} {}", if k == 0 { "" } else { "," }, c.x, c.y);
            }
            s.push(')');
        }
        s.push(')');
    }
    s.push(')');
    s
}

fn write_admin1(client: &mut Client, t: &PgTarget, areas: &[(&AdminArea, AreaStats)]) -> Result<()> {
    let err = |e: postgres::Error| pg_error(t, &e);
    let q = quoted(&t.table);
    client
        .batch_execute(&format!(
            "CREATE TABLE IF NOT EXISTS {q} (code text PRIMARY KEY, name text NOT NULL, country text NOT NULL, \
             geonameid bigint NOT NULL, incident_count bigint NOT NULL, fatalities bigint NOT NULL, \
             injured bigint NOT NULL, first_date date, last_date date, \
             {GEOM} geometry(MultiPolygon, 4326) NOT NULL);\n\
             CREATE INDEX IF NOT EXISTS {name}_geom_idx ON {q} USING gist ({GEOM});\n\
             DELETE FROM {q};",
            name = t.table_name()
        ))
        .map_err(err)?;
    let insert = client
        .prepare(&format!(
            "INSERT INTO {q} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
             ST_Multi(ST_GeomFromText($10, 4326))) ON CONFLICT (code) DO NOTHING"
        ))
        .map_err(err)?;
    for (a, s) in areas {
        let to_i64 = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let code = if a.code.is_empty() { format!("{}:{}", a.country, a.name) } else { a.code.clone() };
        client
            .execute(
                &insert,
                &[
                    &code,
                    &a.name,
                    &a.country,
                    &a.geonameid,
                    &to_i64(s.incident_count),
                    &to_i64(s.fatalities),
                    &to_i64(s.injured),
                    &s.first_date,
                    &s.last_date,
                    &multipolygon_wkt(a),
                ],
            )
            .map_err(err)?;
    }
    let counts: Vec<u64> = areas.iter().map(|(_, s)| s.incident_count).collect();
    save_style(client, t, t.table_name(), &style::admin1_qml(&counts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{BoundingRect, polygon};

    #[test]
    fn outlines_as_wkt() {
        let p = polygon![(x: 44.5, y: 33.5), (x: 45.5, y: 33.5), (x: 45.5, y: 34.5), (x: 44.5, y: 33.5)];
        let mp = geo::MultiPolygon(vec![p]);
        let a = AdminArea {
            code: "IQ.10".into(),
            name: "Diyala".into(),
            country: "IQ".into(),
            geonameid: 1,
            bbox: mp.bounding_rect().unwrap(),
            polygon: mp,
        };
        assert_eq!(multipolygon_wkt(&a), "MULTIPOLYGON(((44.5 33.5,45.5 33.5,45.5 34.5,44.5 33.5)))");
    }
}
