//! `postgresql://user@host:port/db?table=name` parsed the way libpq reads
//! it, then completed from the libpq environment (`PGHOST`, `PGPORT`,
//! `PGUSER`, `PGPASSWORD`, `PGDATABASE`) and `~/.pgpass`.
//!
//! The password is kept out of every text this module makes: [`PgTarget`]'s
//! `Display` and `Debug`, and [`redact`] for a URL that did not parse.

use std::fmt;
use std::path::Path;

use super::pgpass;
use crate::error::{Error, Result};

/// The table written and read when the URL names none.
pub const DEFAULT_TABLE: &str = "incidents";

/// True when `s` is a PostgreSQL connection URL (`postgresql://` or
/// `postgres://`, any case).
pub fn is_pg_url(s: &str) -> bool {
    let s = s.trim_start();
    let lower = |n: usize| s.get(..n).map(str::to_ascii_lowercase);
    lower(13).as_deref() == Some("postgresql://") || lower(11).as_deref() == Some("postgres://")
}

/// `s` with any password in it replaced by `***`, for messages about a URL
/// that could not be used.
pub fn redact(s: &str) -> String {
    let Some((scheme, rest)) = s.split_once("://") else {
        return s.to_string();
    };
    // Split exactly as `parse_url` does, so whatever it takes for a
    // password is hidden here.
    let (before_query, query) = match rest.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (rest, None),
    };
    let mut out = format!("{scheme}://");
    match before_query.rsplit_once('@') {
        Some((userinfo, after)) => {
            match userinfo.split_once(':') {
                Some((u, _)) => out.push_str(&format!("{u}:***@")),
                None => out.push_str(&format!("{userinfo}@")),
            }
            out.push_str(after);
        }
        None => out.push_str(before_query),
    }
    if let Some(query) = query {
        let params: Vec<String> = query
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => kv.to_string(),
            })
            .collect();
        out.push('?');
        out.push_str(&params.join("&"));
    }
    out
}

/// Where the server is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// A host name or IP address (TCP).
    Tcp(String),
    /// The directory of a Unix-domain socket.
    Socket(String),
}

/// A parsed, completed connection: server, database, user, password and
/// the table to write or read.
#[derive(Clone, PartialEq, Eq)]
pub struct PgTarget {
    /// The server.
    pub host: Host,
    /// Its port.
    pub port: u16,
    /// The database.
    pub dbname: String,
    /// The role.
    pub user: String,
    /// The password, if the URL, `PGPASSWORD` or `~/.pgpass` gave one.
    pub password: Option<String>,
    /// The table, `name` or `schema.name` (lower-case identifiers).
    pub table: String,
    /// Seconds to wait for the connection (`connect_timeout`), if set.
    pub connect_timeout: Option<u64>,
}

/// What the URL itself gave, before the environment fills the gaps.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct UrlParts {
    pub(crate) user: Option<String>,
    pub(crate) password: Option<String>,
    pub(crate) host: Option<String>,
    pub(crate) port: Option<String>,
    pub(crate) dbname: Option<String>,
    pub(crate) table: Option<String>,
    pub(crate) connect_timeout: Option<String>,
}

/// The environment a URL is completed from (a seam for tests).
pub(crate) trait Env {
    fn var(&self, name: &str) -> Option<String>;
    /// The `.pgpass` file's text, when there is one libpq would read.
    fn pgpass(&self) -> Option<String>;
}

/// The process environment and the user's `~/.pgpass` (or `PGPASSFILE`).
struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }

    fn pgpass(&self) -> Option<String> {
        let path = match self.var("PGPASSFILE") {
            Some(p) => std::path::PathBuf::from(p),
            None => dirs::home_dir()?.join(".pgpass"),
        };
        pgpass::read_file(&path)
    }
}

impl PgTarget {
    /// Parses a connection URL and completes it from the libpq environment
    /// variables and `~/.pgpass`, as psql would.
    ///
    /// ```
    /// use incidentmap::postgis::PgTarget;
    /// let t = PgTarget::parse("postgresql://ana@db.example:5433/conflict?table=iraq_2024").unwrap();
    /// assert_eq!((t.port, t.dbname.as_str(), t.table.as_str()), (5433, "conflict", "iraq_2024"));
    /// assert_eq!(t.to_string(), "postgresql://ana@db.example:5433/conflict?table=iraq_2024");
    /// ```
    ///
    /// # Errors
    /// A URL that is not `postgresql://` or `postgres://`, a bad port, an
    /// unknown parameter, or a table name that is not a plain identifier.
    /// The message never holds the password.
    pub fn parse(url: &str) -> Result<PgTarget> {
        Self::parse_with(url, &ProcessEnv)
    }

    pub(crate) fn parse_with(url: &str, env: &dyn Env) -> Result<PgTarget> {
        let bad = |m: String| Error::invalid("PostgreSQL URL", redact(url), m);
        let parts = parse_url(url).map_err(bad)?;
        let host = parts.host.or_else(|| env.var("PGHOST")).unwrap_or_else(|| {
            if Path::new("/var/run/postgresql").is_dir() { "/var/run/postgresql".into() } else { "localhost".into() }
        });
        let host = if host.starts_with('/') { Host::Socket(host) } else { Host::Tcp(host) };
        let port = match parts.port.or_else(|| env.var("PGPORT")) {
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| bad(format!("port {p:?} is not a port number")))?,
            None => 5432,
        };
        let user = parts
            .user
            .or_else(|| env.var("PGUSER"))
            .or_else(|| env.var("USER"))
            .or_else(|| env.var("LOGNAME"))
            .ok_or_else(|| bad("no user: give one in the URL (postgresql://USER@...) or PGUSER".into()))?;
        let dbname = parts.dbname.or_else(|| env.var("PGDATABASE")).unwrap_or_else(|| user.clone());
        let table = parts.table.unwrap_or_else(|| DEFAULT_TABLE.to_string());
        check_table_name(&table).map_err(bad)?;
        let connect_timeout = match parts.connect_timeout {
            Some(t) => Some(t.parse().map_err(|_| bad(format!("connect_timeout {t:?} is not a number of seconds")))?),
            None => None,
        };
        let password = parts.password.or_else(|| env.var("PGPASSWORD")).or_else(|| {
            let host_name = match &host {
                Host::Tcp(h) => h.as_str(),
                // libpq matches socket connections against "localhost".
                Host::Socket(_) => "localhost",
            };
            pgpass::lookup(&env.pgpass()?, host_name, port, &dbname, &user)
        });
        Ok(PgTarget { host, port, dbname, user, password, table, connect_timeout })
    }

    /// The table name without its schema.
    pub fn table_name(&self) -> &str {
        self.table.rsplit_once('.').map_or(&self.table, |(_, t)| t)
    }

    /// The schema the URL names (`schema.table`), if any.
    pub fn schema(&self) -> Option<&str> {
        self.table.split_once('.').map(|(s, _)| s)
    }

    /// The same server and database with another table.
    pub fn with_table(&self, table: &str) -> PgTarget {
        let table = match self.schema() {
            Some(s) => format!("{s}.{table}"),
            None => table.to_string(),
        };
        PgTarget { table, ..self.clone() }
    }
}

/// The URL without its password.
impl fmt::Display for PgTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = match &self.host {
            Host::Tcp(h) if h.contains(':') => format!("[{h}]"),
            Host::Tcp(h) => h.clone(),
            Host::Socket(dir) => dir.replace('/', "%2F"),
        };
        write!(f, "postgresql://{}@{host}:{}/{}?table={}", self.user, self.port, self.dbname, self.table)
    }
}

/// Like `Display`: the password never appears.
impl fmt::Debug for PgTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PgTarget({self}, password: {})", if self.password.is_some() { "set" } else { "none" })
    }
}

/// A table name is `name` or `schema.name`, each a lower-case SQL
/// identifier short enough for the index names derived from it.
fn check_table_name(t: &str) -> std::result::Result<(), String> {
    let ident = |s: &str| {
        !s.is_empty()
            && s.len() <= 48
            && s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    let ok = match t.split_once('.') {
        Some((s, n)) => ident(s) && ident(n),
        None => ident(t),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "table {t:?} must be a lower-case identifier (letters, digits, _; at most 48), optionally schema.table"
        ))
    }
}

/// Percent-decodes one URL component.
fn decode(s: &str) -> std::result::Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
            out.push(hex.ok_or("a % escape is not followed by two hex digits")?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "a % escape is not UTF-8".to_string())
}

/// Splits a URL into its parts (libpq's URI syntax).
pub(crate) fn parse_url(url: &str) -> std::result::Result<UrlParts, String> {
    let url = url.trim();
    if !is_pg_url(url) {
        return Err("must start with postgresql:// or postgres://".into());
    }
    let rest = &url[url.find("://").expect("checked") + 3..];
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    // The user part ends at the last @ (a password may hold / unescaped).
    let (userinfo, after) = match before_query.rsplit_once('@') {
        Some((u, a)) => (Some(u), a),
        None => (None, before_query),
    };
    let (hostport, path) = after.split_once('/').unwrap_or((after, ""));
    let mut p = UrlParts::default();
    let some = |s: String| (!s.is_empty()).then_some(s);
    if let Some(userinfo) = userinfo {
        let (u, pw) = match userinfo.split_once(':') {
            Some((u, pw)) => (u, Some(pw)),
            None => (userinfo, None),
        };
        p.user = some(decode(u)?);
        p.password = pw.map(decode).transpose()?;
    }
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        let (h, after) = v6.split_once(']').ok_or("an IPv6 host misses its ]")?;
        (h.to_string(), after.strip_prefix(':'))
    } else {
        match hostport.rsplit_once(':') {
            Some((h, port)) => (decode(h)?, Some(port)),
            None => (decode(hostport)?, None),
        }
    };
    if host.contains(',') {
        return Err("several hosts are not supported; give one".into());
    }
    p.host = some(host);
    p.port = port.filter(|s| !s.is_empty()).map(str::to_string);
    p.dbname = some(decode(path)?);
    for kv in query.split('&').filter(|s| !s.is_empty()) {
        let (k, v) = kv.split_once('=').ok_or_else(|| format!("parameter {kv:?} has no ="))?;
        let v = decode(v)?;
        match k {
            "table" => p.table = Some(v),
            "host" => p.host = some(v),
            "port" => p.port = some(v),
            "user" => p.user = some(v),
            "password" => p.password = Some(v),
            "dbname" => p.dbname = some(v),
            "connect_timeout" => p.connect_timeout = some(v),
            "sslmode" if matches!(v.as_str(), "disable" | "allow" | "prefer") => {}
            "sslmode" => {
                return Err(format!("sslmode={v} needs TLS, which this build does not have; use sslmode=disable"));
            }
            "application_name" => {}
            _ => {
                return Err(format!(
                    "unknown parameter {k:?} (known: table, host, port, user, password, dbname, sslmode, connect_timeout)"
                ));
            }
        }
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct FakeEnv(Vec<(&'static str, &'static str)>, Option<&'static str>);

    impl Env for FakeEnv {
        fn var(&self, name: &str) -> Option<String> {
            self.0.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
        }
        fn pgpass(&self) -> Option<String> {
            self.1.map(str::to_string)
        }
    }

    fn none() -> FakeEnv {
        FakeEnv(vec![("USER", "osuser")], None)
    }

    #[test]
    fn recognises_both_schemes() {
        assert!(is_pg_url("postgresql://h/db"));
        assert!(is_pg_url("POSTGRES://h/db"));
        assert!(!is_pg_url("http://h/db"));
        assert!(!is_pg_url("postgis.gpkg"));
        assert!(!is_pg_url("postgres:/x"));
    }

    #[test]
    fn full_url() {
        let t =
            PgTarget::parse_with("postgresql://ana:s%40cret@10.0.0.5:5433/conflict?table=iq.events", &none()).unwrap();
        assert_eq!(t.host, Host::Tcp("10.0.0.5".into()));
        assert_eq!((t.port, t.user.as_str(), t.dbname.as_str()), (5433, "ana", "conflict"));
        assert_eq!(t.password.as_deref(), Some("s@cret"));
        assert_eq!((t.schema(), t.table_name()), (Some("iq"), "events"));
        let shown = format!("{t} {t:?}");
        assert!(!shown.contains("s@cret") && !shown.contains("s%40cret"), "{shown}");
        assert_eq!(t.with_table("clusters").table, "iq.clusters");
    }

    #[test]
    fn gaps_come_from_the_environment_then_defaults() {
        let env = FakeEnv(
            vec![("PGHOST", "dbhost"), ("PGPORT", "6000"), ("PGUSER", "u"), ("PGPASSWORD", "pw"), ("PGDATABASE", "d")],
            None,
        );
        let t = PgTarget::parse_with("postgres://", &env).unwrap();
        assert_eq!((t.host, t.port, t.user.as_str(), t.dbname.as_str()), (Host::Tcp("dbhost".into()), 6000, "u", "d"));
        assert_eq!(t.password.as_deref(), Some("pw"));
        assert_eq!(t.table, DEFAULT_TABLE);
        // The URL wins over the environment; the database defaults to the user.
        let t = PgTarget::parse_with("postgresql://x@h", &none()).unwrap();
        assert_eq!((t.port, t.dbname.as_str(), t.password), (5432, "x", None));
        let t = PgTarget::parse_with("postgresql://%2Ftmp%2Fsock/db", &none()).unwrap();
        assert_eq!((t.host, t.user.as_str()), (Host::Socket("/tmp/sock".into()), "osuser"));
        let t = PgTarget::parse_with("postgresql://[::1]:7000/db", &none()).unwrap();
        assert_eq!((t.host, t.port), (Host::Tcp("::1".into()), 7000));
    }

    #[test]
    fn password_from_pgpass_when_nothing_else_gives_one() {
        let env = FakeEnv(vec![("USER", "ana")], Some("other:*:*:*:no\nh:5432:db:ana:from-file\n"));
        let t = PgTarget::parse_with("postgresql://h/db", &env).unwrap();
        assert_eq!(t.password.as_deref(), Some("from-file"));
        let t = PgTarget::parse_with("postgresql://ana:given@h/db", &env).unwrap();
        assert_eq!(t.password.as_deref(), Some("given"));
    }

    #[test]
    fn bad_urls_are_refused_without_their_password() {
        for (url, needle) in [
            ("postgresql://u:hunter2@h:99999/db", "port"),
            ("postgresql://u:hunter2@h/db?table=Bad-Name", "lower-case identifier"),
            ("postgresql://u:hunter2@h/db?colour=red", "unknown parameter"),
            ("postgresql://u:hunter2@h/db?sslmode=require", "TLS"),
            ("postgresql://u@h/db?password=hunter2&table=a.b.c", "identifier"),
        ] {
            let e = PgTarget::parse_with(url, &none()).unwrap_err().to_string();
            assert!(e.contains(needle), "{url}: {e}");
            assert!(!e.contains("hunter2"), "{e}");
        }
    }

    #[test]
    fn redact_hides_passwords() {
        assert_eq!(redact("postgresql://u:pw@h:1/db?table=t"), "postgresql://u:***@h:1/db?table=t");
        assert_eq!(redact("postgres://u@h/db?password=pw&x=1"), "postgres://u@h/db?password=***&x=1");
        assert_eq!(redact("postgres://h"), "postgres://h");
        assert_eq!(redact("postgresql://u:p/w@h/db"), "postgresql://u:***@h/db");
        let t = PgTarget::parse_with("postgresql://u:p/w@h/db", &FakeEnv(vec![], None)).unwrap();
        assert_eq!((t.password.as_deref(), t.dbname.as_str()), (Some("p/w"), "db"));
    }
}
