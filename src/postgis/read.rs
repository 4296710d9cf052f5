//! Reading incidents from a PostGIS table, with a query pushed down.
//!
//! The `WHERE` clause built from a [`Query`] is a superset of its answer:
//! `ST_DWithin` on geography with a small margin over the radius, `&&` on
//! the box (two boxes across the antimeridian), the date, fatalities and
//! precision limits, and the type and actor tests when they are ASCII (so
//! that SQL's case folding cannot differ from ours). The caller still
//! applies the exact test (great-circle km from [`geodesy`](crate::geodesy)),
//! so answers equal those from any file. A nearest (or limited) query first
//! asks the index for candidates in `<->` order to learn how far the `k`-th
//! match lies, then fetches everything within that distance.

use chrono::NaiveDate;
use postgres::Client;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{FromSql, ToSql, Type};

use super::table::{self, GEOM, quoted, stored_columns};
use super::{PgTarget, connect, pg_error, wkb};
use crate::error::{Error, Result};
use crate::extract::incident::Incident;
use crate::geodesy::{LonLat, haversine_km};
use crate::schema::{Column, ColumnType};
use crate::spatial::index::in_bbox;
use crate::spatial::query::Query;

/// A `geometry` point as PostGIS sends it (EWKB).
struct GeomPoint(f64, f64);

impl<'a> FromSql<'a> for GeomPoint {
    fn from_sql(_: &Type, raw: &'a [u8]) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        let (x, y, srid) = wkb::parse_point(raw)?;
        if srid.is_some_and(|s| s != wkb::SRID_WGS84) {
            return Err(format!("SRID {} is not 4326", srid.unwrap_or_default()).into());
        }
        Ok(GeomPoint(x, y))
    }

    fn accepts(ty: &Type) -> bool {
        ty.name() == "geometry"
    }
}

/// Conditions and their parameters.
#[derive(Default)]
struct Where {
    conds: Vec<String>,
    params: Vec<Box<dyn ToSql + Sync>>,
}

impl Where {
    fn param(&mut self, v: impl ToSql + Sync + 'static) -> String {
        self.params.push(Box::new(v));
        format!("${}", self.params.len())
    }

    fn sql(&self) -> String {
        if self.conds.is_empty() { String::new() } else { format!(" WHERE {}", self.conds.join(" AND ")) }
    }

    fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.params.iter().map(|p| p.as_ref()).collect()
    }

    /// `ST_DWithin` on geography, a little wider than `km` (PostGIS's
    /// sphere and ours differ by rounding only; the exact test follows).
    fn within(&mut self, center: LonLat, km: f64) {
        let p = self.point(center);
        let m = self.param(km * 1000.0 * 1.000_01 + 1.0);
        self.conds.push(format!("ST_DWithin({GEOM}::geography, {p}, {m}, false)"));
    }

    fn point(&mut self, c: LonLat) -> String {
        let (x, y) = (self.param(c.lon), self.param(c.lat));
        format!("ST_SetSRID(ST_MakePoint({x}, {y}), 4326)::geography")
    }
}

/// The pushed-down conditions of a query, less its radius.
fn conditions(q: &Query) -> Where {
    let mut w = Where::default();
    let f = &q.filter;
    if let Some(d) = f.from {
        let p = w.param(d);
        w.conds.push(format!("event_date >= {p}"));
    }
    if let Some(d) = f.to {
        let p = w.param(d);
        w.conds.push(format!("event_date <= {p}"));
    }
    if let Some(n) = f.min_fatalities {
        let p = w.param(i32::try_from(n).unwrap_or(i32::MAX));
        w.conds.push(format!("fatalities >= {p}"));
    }
    if let Some(n) = f.max_geo_precision {
        let p = w.param(i16::from(n));
        w.conds.push(format!("geo_precision <= {p}"));
    }
    if let Some(t) = f.event_type.as_deref().map(str::trim).filter(|t| t.is_ascii()) {
        let p = w.param(t.to_string());
        w.conds.push(format!("(lower(event_type) = lower({p}) OR lower(sub_event_type) = lower({p}))"));
    }
    if let Some(a) = f.actor.as_deref().map(str::trim).filter(|a| a.is_ascii()) {
        let mut pat = String::from("%");
        for c in a.chars() {
            if matches!(c, '%' | '_' | '\\') {
                pat.push('\\');
            }
            pat.push(c);
        }
        pat.push('%');
        let p = w.param(pat);
        w.conds.push(format!("(actor1 ILIKE {p} OR actor2 ILIKE {p})"));
    }
    if let Some([west, s, e, n]) = q.bbox {
        let mut env = |w0: f64, e0: f64| {
            let (a, b, c, d) = (w.param(w0), w.param(s), w.param(e0), w.param(n));
            format!("{GEOM} && ST_MakeEnvelope({a}, {b}, {c}, {d}, 4326)")
        };
        let cond = if west <= e {
            env(west, e)
        } else {
            // Across the antimeridian: two boxes.
            let (left, right) = (env(west, 180.0), env(-180.0, e));
            format!("({left} OR {right})")
        };
        w.conds.push(cond);
    }
    w
}

/// The `SELECT` list: the stored columns, then the point.
fn select_list() -> String {
    stored_columns().map(|c| c.name).chain([GEOM]).collect::<Vec<_>>().join(", ")
}

/// One row as an incident.
fn incident(row: &postgres::Row) -> std::result::Result<Incident, String> {
    let n = stored_columns().count();
    let GeomPoint(lon, lat) = row.try_get(n).map_err(|e| format!("geom: {e}"))?;
    let position = LonLat::new(lon, lat).ok_or_else(|| format!("geom POINT({lon} {lat}) is outside the globe"))?;
    let mut inc = Incident::new(NaiveDate::default(), position);
    for (i, c) in stored_columns().enumerate() {
        let bad = |e: postgres::Error| format!("{}: {e}", c.name);
        let text: Option<String> = match c.ty {
            ColumnType::BigInt => row.try_get::<_, Option<i64>>(i).map_err(bad)?.map(|v| v.to_string()),
            ColumnType::Int => row.try_get::<_, Option<i32>>(i).map_err(bad)?.map(|v| v.to_string()),
            ColumnType::SmallInt => row.try_get::<_, Option<i16>>(i).map_err(bad)?.map(|v| v.to_string()),
            ColumnType::Real => row.try_get::<_, Option<f64>>(i).map_err(bad)?.map(|v| v.to_string()),
            ColumnType::Text => row.try_get::<_, Option<String>>(i).map_err(bad)?,
            ColumnType::Date => row.try_get::<_, Option<NaiveDate>>(i).map_err(bad)?.map(crate::export::date_string),
        };
        match text {
            Some(t) if !t.is_empty() => c.column.set(&mut inc, &t)?,
            None if c.column == Column::EventDate => return Err("event_date is null".into()),
            _ => {}
        }
    }
    Ok(inc)
}

/// Whether an incident passes the query's exact tests (not its limits).
fn passes(q: &Query, inc: &Incident) -> bool {
    q.filter.matches(inc)
        && q.bbox.is_none_or(|b| in_bbox(inc.position, b))
        && q.radius_km.is_none_or(|r| haversine_km(q.center, inc.position) <= r)
}

/// How far the `k`-th nearest match lies (great-circle km), found by
/// asking the index for candidates in `<->` order; `None` when fewer than
/// `k` rows match at all.
fn kth_distance(client: &mut Client, target: &PgTarget, q: &Query, k: usize) -> Result<Option<f64>> {
    let mut w = conditions(q);
    if let Some(r) = q.radius_km {
        w.within(q.center, r);
    }
    let p = w.point(q.center);
    let mut n = (2 * k).max(64);
    loop {
        let sql = format!(
            "SELECT {} FROM {}{} ORDER BY {GEOM}::geography <-> {p} LIMIT {n}",
            select_list(),
            quoted(&target.table),
            w.sql()
        );
        let rows = client.query(&sql, &w.refs()).map_err(|e| pg_error(target, &e))?;
        let mut d: Vec<f64> = rows
            .iter()
            .filter_map(|r| incident(r).ok())
            .filter(|inc| passes(q, inc))
            .map(|inc| haversine_km(q.center, inc.position))
            .collect();
        if d.len() >= k {
            d.sort_by(f64::total_cmp);
            return Ok(Some(d[k - 1]));
        }
        if rows.len() < n {
            return Ok(None);
        }
        n = n.saturating_mul(4);
    }
}

/// Streams the incidents of the table `target` names into `f`, in `id`
/// order; with `query`, only candidates for it (a superset of its answer:
/// see the module documentation). Returns the errors of the rows skipped
/// (only when `lenient`; otherwise the first bad row is the error).
///
/// # Errors
/// [`Error::Postgres`]: no connection, no such table, a table of another
/// shape; [`Error::BadRecord`] for a row that is not an incident.
pub fn read_incidents(
    target: &PgTarget,
    query: Option<&Query>,
    lenient: bool,
    f: &mut dyn FnMut(Incident) -> Result<()>,
) -> Result<Vec<Error>> {
    let mut client = connect(target)?;
    if !table::exists(&mut client, target)? {
        return Err(Error::Postgres {
            target: target.to_string(),
            message: format!("table {} does not exist", target.table),
        });
    }
    table::check_shape(&mut client, target)?;
    let mut w = Where::default();
    if let Some(q) = query {
        w = conditions(q);
        let cap = q.nearest.unwrap_or(usize::MAX).min(q.limit.unwrap_or(usize::MAX));
        let bound = if cap < usize::MAX { kth_distance(&mut client, target, q, cap)? } else { None };
        let radius = match (q.radius_km, bound) {
            (Some(r), Some(b)) => Some(r.min(b)),
            (r, b) => r.or(b),
        };
        if let Some(r) = radius {
            w.within(q.center, r);
        }
    }
    let sql = format!("SELECT {} FROM {}{} ORDER BY id, event_id", select_list(), quoted(&target.table), w.sql());
    let mut rows = client.query_raw(&sql, w.refs()).map_err(|e| pg_error(target, &e))?;
    let mut skipped = Vec::new();
    let mut line = 0u64;
    while let Some(row) = rows.next().map_err(|e| pg_error(target, &e))? {
        line += 1;
        match incident(&row) {
            Ok(inc) => f(inc)?,
            Err(m) => {
                let e = Error::bad_record(target.to_string(), line, m);
                if !lenient {
                    return Err(e);
                }
                skipped.push(e);
            }
        }
    }
    Ok(skipped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spatial::query::Filter;

    #[test]
    fn filters_become_conditions() {
        let day = |d| NaiveDate::from_ymd_opt(2024, 5, d);
        let mut q = Query::around(LonLat { lon: 45.0, lat: 34.0 });
        q.filter = Filter {
            from: day(1),
            to: day(9),
            event_type: Some(" Battles ".into()),
            actor: Some("50%_men".into()),
            min_fatalities: Some(2),
            max_geo_precision: Some(2),
        };
        q.bbox = Some([170.0, -20.0, -170.0, -10.0]);
        let w = conditions(&q);
        let sql = w.sql();
        assert!(sql.contains("event_date >= $1 AND event_date <= $2 AND fatalities >= $3"), "{sql}");
        assert!(sql.contains("lower(sub_event_type) = lower($5)") && sql.contains("actor2 ILIKE $6"), "{sql}");
        assert!(sql.contains("(geom && ST_MakeEnvelope($7") && sql.contains(" OR geom && ST_MakeEnvelope($11"));
        assert_eq!(w.params.len(), 14);
        assert_eq!(format!("{:?}", w.params[5]), "\"%50\\\\%\\\\_men%\"");
    }

    #[test]
    fn a_subset_becomes_dates_and_boxes() {
        let day = |d| NaiveDate::from_ymd_opt(2024, 5, d);
        let q =
            crate::spatial::query::Subset::new(Some([179.0, -20.0, -179.0, -15.0]), day(1), day(7)).unwrap().query();
        let w = conditions(&q);
        let sql = w.sql();
        assert!(
            sql.starts_with(" WHERE event_date >= $1 AND event_date <= $2 AND (geom && ST_MakeEnvelope($3"),
            "{sql}"
        );
        assert!(sql.contains(" OR geom && ST_MakeEnvelope($7"), "{sql}");
        assert!(!sql.contains("ST_DWithin"), "{sql}");
        assert_eq!(w.params.len(), 10);
    }

    #[test]
    fn non_ascii_text_tests_stay_with_the_exact_filter() {
        let mut q = Query::around(LonLat { lon: 45.0, lat: 34.0 });
        q.filter.actor = Some("Straße".into());
        assert!(conditions(&q).conds.is_empty());
    }
}
