//! PostGIS as an incident store: a `postgresql://` URL is accepted wherever
//! an output file or an input layer is.
//!
//! - [`PgTarget`]: the URL (`postgresql://user@host:port/db?table=name`,
//!   default table `incidents`), completed from `PGHOST`, `PGPORT`,
//!   `PGUSER`, `PGPASSWORD`, `PGDATABASE` and `~/.pgpass`.
//! - [`PgWriter`]: writes incidents in one transaction: `COPY` into a
//!   staging table, then an upsert on the stable `event_id`, so that a
//!   rerun gives the same rows and a failed run leaves the table as it was.
//! - [`read_incidents`]: reads a table, with a [`Query`] pushed down into
//!   the `WHERE` clause (`ST_DWithin` on geography, `&&` boxes split at the
//!   antimeridian, `<->` nearest, dates and types) so that only candidate
//!   rows cross the wire; the caller's exact filter then decides, so
//!   answers equal those from a file.
//!
//! The table's shape is in [`table`]; points are written as EWKB by
//! [`wkb`]. Messages name the URL without its password.

pub mod layers;
mod pgpass;
mod read;
pub mod table;
mod url;
pub mod wkb;
mod write;

pub use layers::{MapTables, write_map};
pub use read::read_incidents;
pub use url::{DEFAULT_TABLE, Host, PgTarget, is_pg_url, redact};
pub use write::{PgWriter, WriteReport};

use crate::error::Error;

#[cfg(doc)]
use crate::spatial::query::Query;

/// An error from the server or the connection, naming the target without
/// its password: the server's own message (with its detail and hint) when
/// it sent one, else what went wrong with the connection.
pub(crate) fn pg_error(target: &PgTarget, e: &postgres::Error) -> Error {
    let message = match e.as_db_error() {
        Some(db) => {
            let mut m = format!("{}: {}", db.severity(), db.message());
            if let Some(d) = db.detail() {
                m.push_str(&format!(" ({d})"));
            }
            if let Some(h) = db.hint() {
                m.push_str(&format!("; hint: {h}"));
            }
            m
        }
        None => {
            let mut m = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                let text = s.to_string();
                if !m.contains(&text) {
                    m.push_str(&format!(": {text}"));
                }
                source = s.source();
            }
            m
        }
    };
    Error::Postgres { target: target.to_string(), message }
}

/// Opens a connection (no TLS).
///
/// # Errors
/// [`Error::Postgres`]: a refused connection, a wrong password, a missing
/// database; the message never holds the password.
pub fn connect(target: &PgTarget) -> crate::Result<postgres::Client> {
    let mut c = postgres::Config::new();
    match &target.host {
        Host::Tcp(h) => c.host(h),
        Host::Socket(dir) => c.host_path(dir),
    };
    c.port(target.port).user(&target.user).dbname(&target.dbname).application_name("incidentmap");
    if let Some(p) = &target.password {
        c.password(p);
    }
    c.connect_timeout(std::time::Duration::from_secs(target.connect_timeout.unwrap_or(10)));
    c.connect(postgres::NoTls).map_err(|e| pg_error(target, &e))
}
