//! Where gazetteers live on disk: the files of a gazetteer directory and the
//! user's own directory. The store opens what the importer writes; both
//! take the names from here.

use std::path::PathBuf;

/// File name of an index inside a gazetteer directory.
pub const INDEX_FILE: &str = "gazetteer.idx";

/// Marker file: a gazetteer imported with `--no-default` is used without the
/// shipped default behind it.
pub const NO_DEFAULT_FILE: &str = "no-default";

/// The user's gazetteer directory: `INCIDENTMAP_GAZETTEER`, else
/// `<data dir>/incidentmap/gazetteer`.
pub fn user_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("INCIDENTMAP_GAZETTEER") {
        return Some(PathBuf::from(d));
    }
    dirs::data_dir().map(|d| d.join("incidentmap").join("gazetteer"))
}
