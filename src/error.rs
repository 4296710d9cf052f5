//! The library's error type.
//!
//! Every variant that concerns input names where the problem is (file, line or
//! byte) and what was wrong, so that the command line can print one clear
//! message without guessing.

use std::path::PathBuf;

/// Result alias used across the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A record in an input file is malformed.
    #[error("{path}:{line}: {message}")]
    BadRecord { path: PathBuf, line: u64, message: String },

    /// A file is not valid UTF-8 (or its declared encoding) at a byte offset.
    #[error("{path}: invalid text at byte {byte}: {message}")]
    BadEncoding { path: PathBuf, byte: u64, message: String },

    /// A whole input could not be understood (wrong format, bad JSON, ...).
    #[error("{path}: {message}")]
    BadInput { path: PathBuf, message: String },

    /// A value given by the user is out of range or malformed.
    #[error("invalid {what} {value:?}: {message}")]
    InvalidArgument { what: &'static str, value: String, message: String },

    /// A place name matched nothing, or more than one place equally well.
    #[error("{0}")]
    Place(String),

    /// The gazetteer index is missing, stale or corrupt.
    #[error("gazetteer {path}: {message}")]
    Gazetteer { path: PathBuf, message: String },

    /// A network request failed.
    #[error("{url}: {message}")]
    Network { url: String, message: String },

    /// Every input (file, URL, report or record) failed, so nothing was
    /// written; the first failure says why.
    #[error("nothing written: {count} failure(s) and nothing read; the first: {first}")]
    NothingRead { count: usize, first: Box<Error> },

    /// A server could not listen on an address (or stopped accepting).
    #[error("cannot serve on {addr}: {message}")]
    Bind { addr: String, message: String },

    /// PostgreSQL or PostGIS failed: connecting, a query, or a table that
    /// exists with another shape. `target` is the connection URL with its
    /// password left out, and never holds it.
    #[error("{target}: {message}")]
    Postgres { target: String, message: String },

    /// SQLite reported an error while writing a GeoPackage.
    #[error("{path}: sqlite: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }

    /// A malformed record at `path:line`.
    pub fn bad_record(path: impl Into<PathBuf>, line: u64, message: impl Into<String>) -> Self {
        Error::BadRecord { path: path.into(), line, message: message.into() }
    }

    /// A malformed input file as a whole.
    pub fn bad_input(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::BadInput { path: path.into(), message: message.into() }
    }

    /// A user-supplied value that cannot be used.
    pub fn invalid(what: &'static str, value: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidArgument { what, value: value.into(), message: message.into() }
    }

    /// Every input failed: `problems` (not empty) is what went wrong.
    pub fn nothing_read(mut problems: Vec<Error>) -> Self {
        let count = problems.len();
        Error::NothingRead { count, first: Box::new(problems.swap_remove(0)) }
    }

    /// True when this error is a closed pipe on output (the reader went away),
    /// which the command line treats as a quiet, successful end.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}
