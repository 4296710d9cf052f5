//! The incident table in PostgreSQL: its columns from the one incident
//! schema, created when missing, checked when present, and the QGIS
//! `layer_styles` rows that open it styled.
//!
//! The table has every column of [`COLUMNS`] except `latitude` and
//! `longitude`, which are the point `geom geometry(Point, 4326)`. The
//! primary key is `event_id`, the incident's stable id (see
//! [`stable_event_id`]). Two GiST indexes: on `geom` (bounding boxes, QGIS)
//! and on `geom::geography` (radius and nearest queries in metres).

use postgres::Client;

use super::{PgTarget, pg_error};
use crate::error::{Error, Result};
use crate::extract::incident::Incident;
use crate::schema::{COLUMNS, Column, ColumnDef, ColumnType};

/// The geometry column.
pub const GEOM: &str = "geom";

/// The PostgreSQL type of a schema column, as `format_type` spells it.
pub fn pg_type(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::BigInt => "bigint",
        ColumnType::Int => "integer",
        ColumnType::SmallInt => "smallint",
        ColumnType::Real => "double precision",
        ColumnType::Text => "text",
        ColumnType::Date => "date",
    }
}

/// The schema columns the table stores as columns (all but the
/// coordinates, which are `geom`), in order.
pub fn stored_columns() -> impl Iterator<Item = &'static ColumnDef> + Clone {
    COLUMNS.iter().filter(|c| !matches!(c.column, Column::Latitude | Column::Longitude))
}

/// The incident's key: its `event_id` when it has one (our extraction's
/// hash of source, sentence and place; ACLED's `event_id_cnty`), else a
/// hash of date, type, place and sources, so the same event read from the
/// same layer always gets the same key.
pub fn stable_event_id(inc: &Incident) -> std::borrow::Cow<'_, str> {
    if !inc.event_id.is_empty() {
        return inc.event_id.as_str().into();
    }
    let mut h = crate::hash::Fnv1a64::default();
    let date = crate::export::date_string(inc.event_date);
    let (lon, lat) = (format!("{:.6}", inc.position.lon), format!("{:.6}", inc.position.lat));
    for part in [&date, &inc.event_type, &inc.sub_event_type, &inc.location, &inc.place_name, &lon, &lat, &inc.source] {
        h.write(part.as_bytes());
        h.write(&[0xff]);
    }
    format!("IMK{:016x}", h.finish()).into()
}

/// `"schema"."table"` or `"table"` (names are checked identifiers).
pub(crate) fn quoted(table: &str) -> String {
    table.split('.').map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(".")
}

/// `CREATE TABLE IF NOT EXISTS` for the incident table (its indexes are
/// [`index_sql`]).
pub(crate) fn create_sql(target: &PgTarget) -> String {
    let t = quoted(&target.table);
    let name = target.table_name();
    let mut cols: Vec<String> = stored_columns()
        .map(|c| {
            let not_null = if c.nullable { "" } else { " NOT NULL" };
            format!("  {} {}{not_null}", c.name, pg_type(c.ty))
        })
        .collect();
    cols.push(format!("  {GEOM} geometry(Point, 4326) NOT NULL"));
    cols.push(format!("  CONSTRAINT {name}_pkey PRIMARY KEY (event_id)"));
    format!("CREATE TABLE IF NOT EXISTS {t} (\n{}\n);\n", cols.join(",\n"))
}

/// The incident table's indexes: built after the first load of a new
/// table (one bulk build is several times faster than growing them row by
/// row).
pub(crate) fn index_sql(target: &PgTarget) -> String {
    let t = quoted(&target.table);
    let name = target.table_name();
    format!(
        "CREATE INDEX IF NOT EXISTS {name}_geom_idx ON {t} USING gist ({GEOM});\n\
         CREATE INDEX IF NOT EXISTS {name}_geog_idx ON {t} USING gist (({GEOM}::geography));\n\
         CREATE INDEX IF NOT EXISTS {name}_date_idx ON {t} (event_date);\n"
    )
}

/// Whether the table exists.
pub(crate) fn exists(client: &mut Client, target: &PgTarget) -> Result<bool> {
    let row = client
        .query_one("SELECT to_regclass($1::text) IS NOT NULL", &[&quoted(&target.table)])
        .map_err(|e| pg_error(target, &e))?;
    Ok(row.get(0))
}

/// What is wrong with a table's columns (name, type as `format_type`
/// spells it) and primary key for holding incidents, if anything.
pub(crate) fn shape_problem(columns: &[(String, String)], primary_key: &[String]) -> Option<String> {
    let expected = stored_columns().map(|c| (c.name, pg_type(c.ty))).chain([(GEOM, "geometry(Point,4326)")]);
    for (name, ty) in expected {
        match columns.iter().find(|(n, _)| n == name) {
            None => return Some(format!("column {name} is missing (expected {ty})")),
            Some((_, found)) if found != ty => {
                return Some(format!("column {name} is {found}, expected {ty}"));
            }
            Some(_) => {}
        }
    }
    if primary_key != ["event_id"] {
        return Some(format!("the primary key is ({}), expected (event_id)", primary_key.join(", ")));
    }
    None
}

/// Checks an existing table's shape.
///
/// # Errors
/// [`Error::Postgres`] naming the table and the first column that differs.
pub(crate) fn check_shape(client: &mut Client, target: &PgTarget) -> Result<()> {
    let t = quoted(&target.table);
    let columns: Vec<(String, String)> = client
        .query(
            "SELECT attname::text, format_type(atttypid, atttypmod) FROM pg_attribute \
             WHERE attrelid = $1::text::regclass AND attnum > 0 AND NOT attisdropped",
            &[&t],
        )
        .map_err(|e| pg_error(target, &e))?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let pk: Vec<String> = client
        .query(
            "SELECT a.attname::text FROM pg_index i \
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
             WHERE i.indrelid = $1::text::regclass AND i.indisprimary ORDER BY a.attnum",
            &[&t],
        )
        .map_err(|e| pg_error(target, &e))?
        .iter()
        .map(|r| r.get(0))
        .collect();
    match shape_problem(&columns, &pk) {
        None => Ok(()),
        Some(p) => Err(Error::Postgres {
            target: target.to_string(),
            message: format!(
                "table {} exists with another shape: {p}; write to another table (?table=name)",
                target.table
            ),
        }),
    }
}

/// Refuses a database without PostGIS, saying how to add it.
pub(crate) fn check_postgis(client: &mut Client, target: &PgTarget) -> Result<()> {
    let row = client.query_one("SELECT to_regtype('geometry') IS NOT NULL", &[]).map_err(|e| pg_error(target, &e))?;
    if row.get(0) {
        Ok(())
    } else {
        Err(Error::Postgres {
            target: target.to_string(),
            message: format!("PostGIS is not installed in database {}: run CREATE EXTENSION postgis", target.dbname),
        })
    }
}

/// QGIS's own `layer_styles` table (as its PostGIS provider creates it).
const LAYER_STYLES_SQL: &str = "CREATE TABLE IF NOT EXISTS layer_styles (\
    id serial PRIMARY KEY, f_table_catalog varchar, f_table_schema varchar, f_table_name varchar, \
    f_geometry_column varchar, stylename text, styleqml xml, stylesld xml, useasdefault boolean, \
    description text, owner varchar(63) DEFAULT CURRENT_USER, ui xml, \
    update_time timestamp DEFAULT CURRENT_TIMESTAMP);\n\
    ALTER TABLE layer_styles ADD COLUMN IF NOT EXISTS type varchar;";

/// Makes `qml` the default QGIS style of the layer `target.table` (in the
/// schema of the table, or the first of the search path), replacing an
/// earlier style of the same name. The row's `type` (QGIS's name for the
/// geometry) is left NULL: QGIS 3.22 finds a style whose type matches the
/// geometry type in the layer's URI or is NULL, and a URI a script builds
/// may have no type (then only a NULL-typed style is found).
pub(crate) fn save_style(client: &mut Client, target: &PgTarget, style_name: &str, qml: &str) -> Result<()> {
    let err = |e: postgres::Error| pg_error(target, &e);
    let styles = match target.schema() {
        Some(s) => format!("\"{s}\".layer_styles"),
        None => "layer_styles".to_string(),
    };
    client.batch_execute(&LAYER_STYLES_SQL.replace("layer_styles", &styles)).map_err(err)?;
    let schema = match target.schema() {
        Some(s) => s.to_string(),
        None => client.query_one("SELECT current_schema()::text", &[]).map_err(err)?.get(0),
    };
    let name = target.table_name();
    let layer = "f_table_catalog = current_database() AND f_table_schema = $1 AND f_table_name = $2 \
                 AND f_geometry_column = $3";
    client
        .execute(
            &format!("DELETE FROM {styles} WHERE {layer} AND stylename = $4"),
            &[&schema, &name, &GEOM, &style_name],
        )
        .map_err(err)?;
    client
        .execute(&format!("UPDATE {styles} SET useasdefault = false WHERE {layer}"), &[&schema, &name, &GEOM])
        .map_err(err)?;
    client
        .execute(
            &format!(
                "INSERT INTO {styles} (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, \
                 stylename, styleqml, stylesld, useasdefault, description, ui, type) \
                 VALUES (current_database(), $1, $2, $3, $4, $5::text::xml, NULL, true, $6, NULL, NULL)"
            ),
            &[&schema, &name, &GEOM, &style_name, &qml, &"written by incidentmap"],
        )
        .map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> Vec<(String, String)> {
        stored_columns()
            .map(|c| (c.name.to_string(), pg_type(c.ty).to_string()))
            .chain([(GEOM.to_string(), "geometry(Point,4326)".to_string())])
            .collect()
    }

    #[test]
    fn the_table_it_creates_passes_its_check() {
        assert_eq!(shape_problem(&good(), &["event_id".into()]), None);
        let mut extra = good();
        extra.push(("analyst_note".into(), "text".into()));
        assert_eq!(shape_problem(&extra, &["event_id".into()]), None, "extra columns are allowed");
    }

    #[test]
    fn mismatches_name_the_column() {
        let mut cols = good();
        cols.iter_mut().find(|(n, _)| n == "fatalities").unwrap().1 = "text".into();
        assert_eq!(shape_problem(&cols, &["event_id".into()]).unwrap(), "column fatalities is text, expected integer");
        let cols: Vec<_> = good().into_iter().filter(|(n, _)| n != "geom").collect();
        assert!(shape_problem(&cols, &["event_id".into()]).unwrap().starts_with("column geom is missing"));
        assert!(shape_problem(&good(), &["id".into()]).unwrap().contains("primary key is (id)"));
    }

    #[test]
    fn ddl_has_typed_columns_and_both_indexes() {
        let t = PgTarget::parse("postgresql://u@h/db?table=iq.events").unwrap();
        let sql = create_sql(&t) + &index_sql(&t);
        assert!(sql.contains("CREATE TABLE IF NOT EXISTS \"iq\".\"events\""), "{sql}");
        assert!(sql.contains("event_date date NOT NULL") && sql.contains("fatalities integer NOT NULL"), "{sql}");
        assert!(sql.contains("geonameid bigint,"), "{sql}");
        assert!(!sql.contains("latitude"), "{sql}");
        assert!(sql.contains("USING gist ((geom::geography))") && sql.contains("events_pkey PRIMARY KEY (event_id)"));
    }

    #[test]
    fn stable_ids_reuse_event_id_else_hash_the_event() {
        let day = chrono::NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        let mut a = Incident::new(day, crate::LonLat { lon: 45.0, lat: 34.0 });
        a.event_type = "Battles".into();
        let b = a.clone();
        assert_eq!(stable_event_id(&a), stable_event_id(&b));
        assert!(stable_event_id(&a).starts_with("IMK"));
        let mut c = a.clone();
        c.source = "another report".into();
        assert_ne!(stable_event_id(&a), stable_event_id(&c));
        a.event_id = "IRQ123".into();
        assert_eq!(stable_event_id(&a), "IRQ123");
    }
}
