//! Saving web pages and feed items as report files.

use std::path::{Path, PathBuf};

use crate::atomic::write_bytes_atomic;
use crate::error::{Error, Result};
use crate::fetch::{FetchOptions, fetch_documents};

/// What [`run_fetch`] did.
#[derive(Debug, Default)]
pub struct FetchSummary {
    /// Report files written, `<document id>.txt` in the directory.
    pub saved: Vec<PathBuf>,
    /// URLs that failed and files that could not be written (the rest were saved).
    pub errors: Vec<Error>,
}

/// Fetches `urls` (pages, or feeds expanded into their items) and `feeds`
/// (each must be a feed) and saves every document as a report file in
/// `dir` (created if missing), each atomically, with its `Title:`,
/// `Published:` and `URL:` header.
///
/// # Errors
/// When `dir` cannot be created; failed URLs are in the summary.
pub fn run_fetch(urls: &[String], feeds: &[String], opts: &FetchOptions, dir: &Path) -> Result<FetchSummary> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let (docs, mut errors) = fetch_documents(urls, feeds, opts);
    let mut saved = Vec::with_capacity(docs.len());
    for doc in &docs {
        let path = dir.join(format!("{}.txt", doc.id));
        match write_bytes_atomic(&path, doc.text.as_bytes()) {
            Ok(()) => saved.push(path),
            Err(e) => errors.push(e),
        }
    }
    Ok(FetchSummary { saved, errors })
}
