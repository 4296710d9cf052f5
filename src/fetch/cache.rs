//! On-disk HTTP cache for `--cache DIR`.
//!
//! One entry per requested URL: `<hash>.body` holds the body as received
//! (after content decoding) and `<hash>.json` the metadata needed to
//! revalidate it (`ETag`, `Last-Modified`) and to use it again (final URL,
//! content type). The body is written before the metadata, each atomically,
//! so an entry is only ever seen whole: a metadata file always describes a
//! complete body.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::atomic::write_bytes_atomic;
use crate::error::{Error, Result};

/// What is known about a cached response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// The URL as requested (the cache key; checked on read against hash collisions).
    pub url: String,
    /// The URL after redirects.
    pub final_url: String,
    /// HTTP status of the stored response.
    pub status: u16,
    /// Content-Type header, when sent.
    pub content_type: Option<String>,
    /// ETag header, when sent.
    pub etag: Option<String>,
    /// Last-Modified header, when sent.
    pub last_modified: Option<String>,
    /// When the body was downloaded (RFC 3339, UTC).
    pub fetched: String,
}

/// A cache directory.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// Opens (creating if needed) a cache directory.
    pub fn open(dir: &Path) -> Result<Cache> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        Ok(Cache { dir: dir.to_path_buf() })
    }

    fn paths(&self, url: &str) -> (PathBuf, PathBuf) {
        let key = format!("{:016x}", super::fnv1a64(url.as_bytes()));
        (self.dir.join(format!("{key}.json")), self.dir.join(format!("{key}.body")))
    }

    /// The cached entry for `url`, if there is a whole, readable one. A
    /// damaged entry is treated as absent: the cache is only an optimisation.
    pub fn get(&self, url: &str) -> Option<(Meta, Vec<u8>)> {
        let (meta_path, body_path) = self.paths(url);
        let meta: Meta = serde_json::from_slice(&std::fs::read(meta_path).ok()?).ok()?;
        if meta.url != url {
            return None;
        }
        let body = std::fs::read(body_path).ok()?;
        Some((meta, body))
    }

    /// Stores a response for `url`.
    pub fn put(&self, meta: &Meta, body: &[u8]) -> Result<()> {
        let (meta_path, body_path) = self.paths(&meta.url);
        write_bytes_atomic(&body_path, body)?;
        let json = serde_json::to_vec_pretty(meta).expect("metadata serialises");
        write_bytes_atomic(&meta_path, &json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(url: &str) -> Meta {
        Meta {
            url: url.to_string(),
            final_url: url.to_string(),
            status: 200,
            content_type: Some("text/html".into()),
            etag: Some("\"v1\"".into()),
            last_modified: None,
            fetched: "2024-01-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn round_trip_and_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(&dir.path().join("c")).unwrap();
        assert!(cache.get("http://a/").is_none());
        cache.put(&meta("http://a/"), b"body").unwrap();
        let (m, body) = cache.get("http://a/").unwrap();
        assert_eq!(m, meta("http://a/"));
        assert_eq!(body, b"body");
        assert!(cache.get("http://b/").is_none());
    }

    #[test]
    fn damaged_entry_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        cache.put(&meta("http://a/"), b"body").unwrap();
        let (meta_path, _) = cache.paths("http://a/");
        std::fs::write(meta_path, b"{not json").unwrap();
        assert!(cache.get("http://a/").is_none());
    }
}
