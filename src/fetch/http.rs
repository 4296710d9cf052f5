//! A careful HTTP client: timeouts, redirect limit, size cap, politeness
//! delay per host and an optional revalidating on-disk cache.
//!
//! Built on reqwest's blocking client, so it must not be used from inside a
//! Tokio runtime (reqwest panics there); the crate creates none.

use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::header::{CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use reqwest::{StatusCode, Url};

use super::cache::{Cache, Meta};
use crate::error::{Error, Result};

/// Default cap on a response body: 20 MB, far above any news page.
pub const DEFAULT_MAX_BYTES: u64 = 20_000_000;

/// Knobs for fetching.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Time allowed to establish a connection.
    pub connect_timeout: Duration,
    /// Time allowed for a whole request, body included.
    pub timeout: Duration,
    /// Largest body accepted, in bytes (after content decoding).
    pub max_bytes: u64,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// The User-Agent header.
    pub user_agent: String,
    /// Least time between two requests to the same host (politeness).
    pub delay_per_host: Duration,
    /// Directory of the on-disk cache; `None` disables caching.
    pub cache_dir: Option<PathBuf>,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_bytes: DEFAULT_MAX_BYTES,
            max_redirects: 5,
            user_agent: format!(
                "incidentmap/{} (+https://github.com/incidentmap/incidentmap)",
                env!("CARGO_PKG_VERSION")
            ),
            delay_per_host: Duration::from_secs(1),
            cache_dir: None,
        }
    }
}

/// A successful response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The URL as requested.
    pub url: String,
    /// The URL after redirects.
    pub final_url: String,
    /// HTTP status of the body (200 also for a body reused after a 304).
    pub status: u16,
    /// The Content-Type header, when sent.
    pub content_type: Option<String>,
    /// The body, content-decoded (gzip, deflate, brotli).
    pub body: Vec<u8>,
    /// True when the server answered 304 and the cached body was reused.
    pub from_cache: bool,
}

/// Fetches URLs one at a time with the limits of its [`FetchOptions`].
pub struct Fetcher {
    client: reqwest::blocking::Client,
    opts: FetchOptions,
    cache: Option<Cache>,
    last_request: Mutex<HashMap<String, Instant>>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher").field("opts", &self.opts).finish_non_exhaustive()
    }
}

/// Parses `url` and accepts only `http` and `https`, so that `file:` and
/// other schemes are refused before any request is made.
pub fn check_url(url: &str) -> Result<Url> {
    let parsed = Url::parse(url).map_err(|e| net(url, format!("invalid URL: {e}")))?;
    match parsed.scheme() {
        "http" | "https" if parsed.host_str().is_some_and(|h| !h.is_empty()) => Ok(parsed),
        "http" | "https" => Err(net(url, "invalid URL: no host")),
        other => Err(net(url, format!("unsupported URL scheme \"{other}\" (only http and https)"))),
    }
}

fn net(url: &str, message: impl Into<String>) -> Error {
    Error::Network { url: url.to_string(), message: message.into() }
}

/// Seconds for messages: "2", "1.5".
fn secs(d: Duration) -> String {
    format!("{}", (d.as_secs_f64() * 1000.0).round() / 1000.0)
}

impl Fetcher {
    /// A fetcher; fails only when the TLS backend or cache directory cannot
    /// be set up.
    pub fn new(opts: FetchOptions) -> Result<Fetcher> {
        // reqwest is built with `rustls-no-provider`: the process must pick a
        // crypto provider once. A second install fails harmlessly.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let max = opts.max_redirects;
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            let scheme = attempt.url().scheme().to_string();
            if scheme != "http" && scheme != "https" {
                let msg = format!("redirect to unsupported URL scheme \"{scheme}\"");
                attempt.error(msg)
            } else if attempt.previous().contains(attempt.url()) {
                let msg = format!("redirect loop (back to {})", attempt.url());
                attempt.error(msg)
            } else if attempt.previous().len() > max {
                attempt.error(format!("too many redirects (more than {max})"))
            } else {
                attempt.follow()
            }
        });
        let client = reqwest::blocking::Client::builder()
            .user_agent(opts.user_agent.clone())
            .connect_timeout(opts.connect_timeout.min(opts.timeout))
            .timeout(opts.timeout)
            .redirect(policy)
            .gzip(true)
            .deflate(true)
            .brotli(true)
            .build()
            .map_err(|e| net("(client)", format!("cannot set up the HTTP client: {}", chain(&e))))?;
        let cache = opts.cache_dir.as_deref().map(Cache::open).transpose()?;
        Ok(Fetcher { client, opts, cache, last_request: Mutex::new(HashMap::new()) })
    }

    /// The options this fetcher was built with.
    pub fn options(&self) -> &FetchOptions {
        &self.opts
    }

    /// Waits until `delay_per_host` has passed since the last request to
    /// this host, then records this one.
    fn be_polite(&self, url: &Url) {
        let key = format!("{}:{}", url.host_str().unwrap_or(""), url.port_or_known_default().unwrap_or(0));
        let mut last = self.last_request.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(prev) = last.get(&key) {
            let since = prev.elapsed();
            if since < self.opts.delay_per_host {
                std::thread::sleep(self.opts.delay_per_host - since);
            }
        }
        last.insert(key, Instant::now());
    }

    /// GETs `url`. Non-2xx statuses, timeouts, connection failures, too many
    /// redirects and oversized bodies are [`Error::Network`] naming the URL.
    pub fn get(&self, url: &str) -> Result<Response> {
        let parsed = check_url(url)?;
        let cached = self.cache.as_ref().and_then(|c| c.get(url));
        let mut req = self.client.get(parsed.clone());
        if let Some((meta, _)) = &cached {
            if let Some(etag) = &meta.etag {
                req = req.header(IF_NONE_MATCH, etag);
            }
            if let Some(lm) = &meta.last_modified {
                req = req.header(IF_MODIFIED_SINCE, lm);
            }
        }
        self.be_polite(&parsed);
        let started = Instant::now();
        let resp = req.send().map_err(|e| self.error(url, &e))?;
        let status = resp.status();
        let final_url = resp.url().to_string();

        if status == StatusCode::NOT_MODIFIED {
            if let Some((meta, body)) = cached {
                return Ok(Response {
                    url: url.to_string(),
                    final_url: meta.final_url,
                    status: meta.status,
                    content_type: meta.content_type,
                    body,
                    from_cache: true,
                });
            }
        }
        if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
            // reqwest hands back, unfollowed, a redirect it cannot take
            // (a Location with another scheme, or none at all).
            let target = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|loc| resp.url().join(loc).ok());
            return Err(net(
                url,
                match target {
                    Some(t) if !matches!(t.scheme(), "http" | "https") => {
                        format!("redirect to unsupported URL scheme \"{}\"", t.scheme())
                    }
                    Some(t) => format!("HTTP {} redirect to {t} not followed", status.as_u16()),
                    None => format!("HTTP {} redirect without a usable Location", status.as_u16()),
                },
            ));
        }
        if !status.is_success() {
            let reason = status.canonical_reason().unwrap_or("");
            return Err(net(url, format!("HTTP {} {reason}", status.as_u16()).trim_end().to_string()));
        }

        let header = |name| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let content_type = header(CONTENT_TYPE);
        let etag = header(ETAG);
        let last_modified = header(LAST_MODIFIED);
        let too_large = || net(url, format!("body larger than {} bytes", self.opts.max_bytes));
        if resp.content_length().is_some_and(|n| n > self.opts.max_bytes) {
            return Err(too_large());
        }
        let body = self.read_body(url, resp, started)?.ok_or_else(too_large)?;

        if let Some(cache) = &self.cache {
            let meta = Meta {
                url: url.to_string(),
                final_url: final_url.clone(),
                status: status.as_u16(),
                content_type: content_type.clone(),
                etag,
                last_modified,
                fetched: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            };
            cache.put(&meta, &body)?;
        }
        Ok(Response { url: url.to_string(), final_url, status: status.as_u16(), content_type, body, from_cache: false })
    }

    /// Reads the body in chunks, counting bytes as they arrive (a server may
    /// send no Content-Length, or a compressed body that inflates), and
    /// keeping the total deadline. `Ok(None)` means the cap was exceeded.
    fn read_body(&self, url: &str, mut resp: reqwest::blocking::Response, started: Instant) -> Result<Option<Vec<u8>>> {
        let mut body = Vec::new();
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            if started.elapsed() > self.opts.timeout {
                return Err(net(url, format!("timed out after {} s", secs(self.opts.timeout))));
            }
            let n = match resp.read(&mut chunk) {
                Ok(0) => return Ok(Some(body)),
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.io_error(url, &e)),
            };
            if body.len() as u64 + n as u64 > self.opts.max_bytes {
                return Ok(None);
            }
            body.extend_from_slice(&chunk[..n]);
        }
    }

    fn io_error(&self, url: &str, e: &std::io::Error) -> Error {
        if let Some(re) = e.get_ref().and_then(|i| i.downcast_ref::<reqwest::Error>()) {
            return self.error(url, re);
        }
        if e.kind() == std::io::ErrorKind::TimedOut {
            return net(url, format!("timed out after {} s", secs(self.opts.timeout)));
        }
        net(url, format!("reading the body failed: {}", chain(e)))
    }

    /// A clear message for a reqwest error.
    fn error(&self, url: &str, e: &reqwest::Error) -> Error {
        if e.is_timeout() {
            return net(url, format!("timed out after {} s", secs(self.opts.timeout)));
        }
        if e.is_redirect() {
            return net(url, innermost(e));
        }
        if e.is_connect() {
            return net(url, format!("could not connect: {} (offline?)", innermost(e)));
        }
        net(url, chain(e))
    }
}

/// The message of the deepest source: the one that says what happened,
/// without reqwest's "error sending request for url (...)" wrapping.
fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// All messages in the chain, outermost first, joined by ": ".
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e;
    while let Some(next) = cur.source() {
        let s = next.to_string();
        if !parts.last().is_some_and(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = next;
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_are_accepted() {
        assert!(check_url("http://example.org/a").is_ok());
        assert!(check_url("HTTPS://Example.org/").is_ok());
        let e = check_url("file:///etc/passwd").unwrap_err().to_string();
        assert_eq!(e, "file:///etc/passwd: unsupported URL scheme \"file\" (only http and https)");
        assert!(check_url("ftp://x/y").unwrap_err().to_string().contains("\"ftp\""));
        assert!(check_url("not a url").unwrap_err().to_string().contains("invalid URL"));
    }

    #[test]
    fn seconds_are_printed_plainly() {
        assert_eq!(secs(Duration::from_secs(2)), "2");
        assert_eq!(secs(Duration::from_millis(1500)), "1.5");
    }

    #[test]
    fn default_user_agent_names_the_version() {
        let ua = FetchOptions::default().user_agent;
        assert!(ua.starts_with(&format!("incidentmap/{} (+https://", env!("CARGO_PKG_VERSION"))));
    }
}
