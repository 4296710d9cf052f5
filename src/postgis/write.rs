//! Writing incidents into a PostGIS table in one transaction: `COPY` (text
//! format) into a temporary staging table, then one upsert on `event_id`.
//!
//! Nothing is visible to others until [`PgWriter::finish`] commits; a
//! writer dropped unfinished (an error, a killed process) closes its
//! connection and the server rolls everything back, so the table is left
//! as it was. Rerunning on the same input changes no row: an incident with
//! the same key is updated only where it differs (a merged event's new
//! sources, say).

use std::io::Write;

use postgres::Client;

use super::table::{self, GEOM, quoted, stable_event_id, stored_columns};
use super::{PgTarget, connect, pg_error, wkb};
use crate::error::{Error, Result};
use crate::export::{push_date, push_i64, push_u64};
use crate::extract::incident::Incident;
use crate::schema::{Column, Value};

/// Bytes of `COPY` text buffered before they are sent.
const FLUSH_BYTES: usize = 4 << 20;

/// The staging table (temporary: each session has its own).
const STAGE: &str = "incidentmap_stage";

/// What a finished write did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Incidents sent.
    pub sent: u64,
    /// Rows inserted or changed (a rerun on the same input changes none).
    pub changed: u64,
    /// Rows in the table after the write.
    pub rows: u64,
}

/// Incidents going into one PostGIS table, in one transaction.
pub struct PgWriter {
    client: Client,
    target: PgTarget,
    buf: Vec<u8>,
    sent: u64,
    /// The table was created by this transaction: its indexes are built
    /// after the load.
    created: bool,
}

impl std::fmt::Debug for PgWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgWriter").field("target", &self.target).field("sent", &self.sent).finish()
    }
}

impl PgWriter {
    /// Connects, opens the transaction, creates the table if it is missing
    /// (checks it if not) and the staging table.
    ///
    /// # Errors
    /// [`Error::Postgres`]: no connection, no PostGIS, or a table of
    /// another shape (naming the column).
    pub fn create(target: &PgTarget) -> Result<PgWriter> {
        let mut client = connect(target)?;
        let err = |e: postgres::Error| pg_error(target, &e);
        client.batch_execute("BEGIN").map_err(err)?;
        // Two writers creating the same table at once would race; the lock
        // lasts until this transaction ends.
        client.execute("SELECT pg_advisory_xact_lock(hashtext($1::text))", &[&target.table]).map_err(err)?;
        table::check_postgis(&mut client, target)?;
        let created = !table::exists(&mut client, target)?;
        if created {
            client.batch_execute(&table::create_sql(target)).map_err(err)?;
        }
        table::check_shape(&mut client, target)?;
        let cols: Vec<String> = stored_columns().map(|c| format!("{} {}", c.name, table::pg_type(c.ty))).collect();
        client
            .batch_execute(&format!(
                "CREATE TEMP TABLE {STAGE} ({}, {GEOM} geometry(Point, 4326), im_ord bigint) ON COMMIT DROP",
                cols.join(", ")
            ))
            .map_err(err)?;
        Ok(PgWriter { client, target: target.clone(), buf: Vec::with_capacity(FLUSH_BYTES + 4096), sent: 0, created })
    }

    /// Stages one incident.
    ///
    /// # Errors
    /// When sending a full buffer fails.
    pub fn add(&mut self, inc: &Incident) -> Result<()> {
        self.sent += 1;
        copy_row(&mut self.buf, inc, self.sent);
        if self.buf.len() >= FLUSH_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    /// Incidents staged so far.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// Sends the buffered rows (one `COPY` statement).
    fn flush(&mut self) -> Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let target = &self.target;
        let err = |e: std::io::Error| Error::Postgres { target: target.to_string(), message: format!("COPY: {e}") };
        let cols = copy_columns().join(", ");
        let mut w =
            self.client.copy_in(&format!("COPY {STAGE} ({cols}) FROM STDIN")).map_err(|e| pg_error(target, &e))?;
        w.write_all(&self.buf).map_err(err)?;
        w.finish().map_err(|e| pg_error(target, &e))?;
        self.buf.clear();
        Ok(())
    }

    /// Sends the rest, upserts the staged incidents into the table, saves
    /// `style` (QML) as the layer's default QGIS style when given, and
    /// commits.
    ///
    /// # Errors
    /// [`Error::Postgres`]; the table is then left as it was.
    pub fn finish(mut self, style: Option<&str>) -> Result<WriteReport> {
        self.flush()?;
        let target = &self.target;
        let err = |e: postgres::Error| pg_error(target, &e);
        let changed = self.client.execute(&upsert_sql(target), &[]).map_err(err)?;
        if self.created {
            self.client.batch_execute(&table::index_sql(target)).map_err(err)?;
        }
        if let Some(qml) = style {
            table::save_style(&mut self.client, target, target.table_name(), qml)?;
        }
        let rows: i64 =
            self.client.query_one(&format!("SELECT count(*) FROM {}", quoted(&target.table)), &[]).map_err(err)?.get(0);
        self.client.batch_execute("COMMIT").map_err(err)?;
        // Fresh statistics, so that the first queries use the indexes.
        self.client.batch_execute(&format!("ANALYZE {}", quoted(&target.table))).map_err(err)?;
        Ok(WriteReport { sent: self.sent, changed, rows: rows as u64 })
    }

    /// The connection, inside the open transaction (for tables written
    /// beside the incidents).
    pub(crate) fn client(&mut self) -> &mut Client {
        &mut self.client
    }
}

/// The staging table's columns in `COPY` order.
fn copy_columns() -> Vec<&'static str> {
    stored_columns().map(|c| c.name).chain([GEOM, "im_ord"]).collect()
}

/// `INSERT ... ON CONFLICT (event_id) DO UPDATE`, from the staging table,
/// the last of several staged rows with one key winning; rows that would
/// not change are not touched.
fn upsert_sql(target: &PgTarget) -> String {
    let names: Vec<&str> = stored_columns().map(|c| c.name).chain([GEOM]).collect();
    let cols = names.join(", ");
    let updated: Vec<&str> = names.iter().copied().filter(|n| *n != "event_id").collect();
    let set: Vec<String> = updated.iter().map(|n| format!("{n} = EXCLUDED.{n}")).collect();
    let old: Vec<String> = updated.iter().map(|n| format!("old.{n}")).collect();
    let new: Vec<String> = updated.iter().map(|n| format!("EXCLUDED.{n}")).collect();
    format!(
        "INSERT INTO {t} AS old ({cols}) SELECT DISTINCT ON (event_id) {cols} FROM {STAGE} \
         ORDER BY event_id, im_ord DESC \
         ON CONFLICT (event_id) DO UPDATE SET {set} WHERE ({old}) IS DISTINCT FROM ({new})",
        t = quoted(&target.table),
        set = set.join(", "),
        old = old.join(", "),
        new = new.join(", "),
    )
}

/// Appends text escaped for `COPY` text format.
fn push_text(out: &mut Vec<u8>, s: &str) {
    for &b in s.as_bytes() {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

/// Appends one incident as a `COPY` text row.
pub(crate) fn copy_row(out: &mut Vec<u8>, inc: &Incident, ord: u64) {
    for c in stored_columns() {
        if c.column == Column::EventId {
            push_text(out, &stable_event_id(inc));
        } else {
            match c.column.value(inc) {
                Value::UInt(n) => push_u64(out, n),
                Value::Int(n) => push_i64(out, n),
                Value::Real(x) if x.is_finite() => {
                    out.extend_from_slice(ryu::Buffer::new().format_finite(x).as_bytes())
                }
                Value::Real(_) => out.extend_from_slice(b"NaN"),
                Value::Text(s) => push_text(out, s),
                Value::Date(d) => push_date(out, d),
                Value::Null => out.extend_from_slice(b"\\N"),
            }
        }
        out.push(b'\t');
    }
    wkb::push_hex(out, &wkb::ewkb_point(inc.position));
    out.push(b'\t');
    push_u64(out, ord);
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_rows_escape_text_and_write_nulls() {
        let day = chrono::NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        let mut inc = Incident::new(day, crate::LonLat { lon: 1.0, lat: 2.0 });
        inc.event_id = "E1".into();
        inc.notes = "tab\there\nnew \\ line".into();
        let mut out = Vec::new();
        copy_row(&mut out, &inc, 7);
        let line = String::from_utf8(out).unwrap();
        let fields: Vec<&str> = line.trim_end_matches('\n').split('\t').collect();
        assert_eq!(fields.len(), copy_columns().len(), "{line}");
        let at = |name: &str| fields[copy_columns().iter().position(|c| *c == name).unwrap()];
        assert_eq!(at("event_id"), "E1");
        assert_eq!(at("event_date"), "2024-05-01");
        assert_eq!(at("notes"), "tab\\there\\nnew \\\\ line");
        assert_eq!(at("geonameid"), "\\N");
        assert_eq!(at("geom"), "0101000020E6100000000000000000F03F0000000000000040");
        assert_eq!(at("im_ord"), "7");
    }

    #[test]
    fn upsert_keys_on_event_id_and_skips_unchanged_rows() {
        let t = PgTarget::parse("postgresql://u@h/db?table=ev").unwrap();
        let sql = upsert_sql(&t);
        assert!(sql.contains("ON CONFLICT (event_id) DO UPDATE SET id = EXCLUDED.id"), "{sql}");
        assert!(sql.contains("IS DISTINCT FROM"), "{sql}");
        assert!(!sql.contains("event_id = EXCLUDED.event_id"), "{sql}");
    }
}
