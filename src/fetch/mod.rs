//! Reports from the web: HTTP(S) URLs, RSS/Atom feeds and HTML pages.
//!
//! A URL becomes a [`Document`] whose text is a report with a header block
//! (`Title:`, `Published:`, `URL:`, blank line, article text): exactly the
//! text that `incidentmap fetch` saves and [`crate::document::read_file`]
//! reads back, so a pipeline run on URLs and one on the saved files see the
//! same text, dates and titles.
//!
//! ```no_run
//! use incidentmap::fetch::{FetchOptions, load_inputs};
//! let inputs = vec!["reports/".to_string(), "https://example.org/feed.xml".to_string()];
//! let (docs, errors) = load_inputs(&inputs, &FetchOptions::default());
//! for e in &errors {
//!     eprintln!("incidentmap: {e}");
//! }
//! println!("{} reports", docs.len());
//! ```

pub mod cache;
pub mod feed;
pub mod http;

/// Decoding and article extraction belong to documents (a saved page is read
/// as one); re-exported here where they used to live.
pub use crate::document::{charset, html};

use std::collections::HashSet;
use std::path::PathBuf;

use chrono::NaiveDate;

pub use self::http::{FetchOptions, Fetcher, Response};
use crate::document::{Document, expand_inputs, read_file};
use crate::error::{Error, Result};

pub(crate) use crate::hash::fnv1a64;

/// True when `s` is written as a URL (`scheme://...`). Only `http` and
/// `https` are fetched; other schemes are refused with a clear error rather
/// than being taken for a file name.
pub fn is_url(s: &str) -> bool {
    let Some((scheme, _)) = s.split_once("://") else {
        return false;
    };
    scheme.len() >= 2
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Longest slug part of a URL id, before the hash suffix.
const MAX_SLUG: usize = 60;

/// A stable, filesystem-safe id for a URL: a slug of host and path plus 8
/// hex digits of a hash of the whole URL, so URLs that slug alike (query
/// strings, punctuation, long paths cut short) still get distinct ids.
///
/// ```
/// use incidentmap::fetch::url_id;
/// let id = url_id("https://www.news.test/2020/05/Clash_near-Hit.html?x=1");
/// assert!(id.starts_with("news-test-2020-05-clash-near-hit-html-"));
/// assert_eq!(id.len(), "news-test-2020-05-clash-near-hit-html-".len() + 8);
/// ```
pub fn url_id(url: &str) -> String {
    let url = url.trim();
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    let mut slug = String::new();
    for c in rest.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= MAX_SLUG {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug = if slug.is_empty() { "url" } else { slug };
    format!("{slug}-{:08x}", fnv1a64(url.as_bytes()) >> 32)
}

/// The report text for a web page: a header block that
/// [`Document::from_text`] parses, then the article text.
pub fn render_report(title: Option<&str>, published: Option<NaiveDate>, url: &str, body: &str) -> String {
    let mut out = String::new();
    if let Some(t) = title.map(|t| t.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|t| !t.is_empty()) {
        out.push_str(&format!("Title: {t}\n"));
    }
    if let Some(d) = published {
        out.push_str(&format!("Published: {}\n", d.format("%Y-%m-%d")));
    }
    out.push_str(&format!("URL: {}\n\n", url.split_whitespace().collect::<String>()));
    let body = body.trim();
    out.push_str(body);
    if !body.is_empty() {
        out.push('\n');
    }
    out
}

fn web_document(url: &str, title: Option<&str>, published: Option<NaiveDate>, body: &str) -> Document {
    Document::from_text(url_id(url), url, render_report(title, published, url, body))
}

fn net(url: &str, message: impl Into<String>) -> Error {
    Error::Network { url: url.to_string(), message: message.into() }
}

/// A fetched page (not a feed) as a document.
fn page_document(resp: &Response, title: Option<&str>, published: Option<NaiveDate>) -> Result<Document> {
    let ct = resp.content_type.as_deref();
    let essence = ct.and_then(|c| c.split(';').next()).map(|c| c.trim().to_ascii_lowercase()).unwrap_or_default();
    let looks_plain = essence == "text/plain" || (essence.is_empty() && !resp.body.contains(&b'<'));
    let looks_html = essence.is_empty() || essence.contains("html") || essence.ends_with("/xml");
    let (text, page_title, page_date) = if looks_plain {
        let text = charset::decode(&resp.body, ct).replace("\r\n", "\n");
        (text, None, None)
    } else if looks_html {
        let page = html::extract_article(&resp.body, ct);
        (page.text, page.title, page.published)
    } else {
        return Err(net(&resp.url, format!("unsupported content type {essence} (expected an HTML page or a feed)")));
    };
    if text.trim().is_empty() {
        return Err(net(&resp.url, "no article text found on the page"));
    }
    let title = title.map(str::to_string).or(page_title);
    Ok(web_document(&resp.url, title.as_deref(), published.or(page_date), &text))
}

/// Fetches one URL into `docs`: a page is one document, a feed (forced, or
/// sniffed from the response) one per item. Failures go to `errors`.
fn fetch_one(
    fetcher: &Fetcher,
    url: &str,
    force_feed: bool,
    seen: &mut HashSet<String>,
    docs: &mut Vec<Document>,
    errors: &mut Vec<Error>,
) {
    let resp = match fetcher.get(url) {
        Ok(r) => r,
        Err(e) => return errors.push(e),
    };
    if !(force_feed || feed::is_feed(&resp.body, resp.content_type.as_deref())) {
        match page_document(&resp, None, None) {
            Ok(doc) => push_unique(doc, seen, docs),
            Err(e) => errors.push(e),
        }
        return;
    }
    let items = match feed::parse_feed(&resp.body, &resp.final_url) {
        Ok(items) => items,
        Err(_) if !force_feed => {
            // Sniffed as a feed but unreadable: an error naming the URL as given.
            return errors.push(net(url, "looks like a feed but could not be parsed"));
        }
        Err(e) => return errors.push(e),
    };
    for item in items {
        let title = item.title.as_deref();
        if let Some(text) = &item.full_text {
            let source = item.link.clone().unwrap_or_else(|| format!("{url}#{}", item.id));
            push_unique(web_document(&source, title, item.published, text), seen, docs);
            continue;
        }
        let Some(link) = &item.link else {
            errors.push(net(url, format!("feed item {:?} has neither a link nor its full text", item.id)));
            continue;
        };
        if seen.contains(&url_id(link)) {
            continue;
        }
        match fetcher.get(link).and_then(|r| page_document(&r, title, item.published)) {
            Ok(doc) => push_unique(doc, seen, docs),
            Err(e) => errors.push(e),
        }
    }
}

/// Adds `doc` unless a document with its id is already there (the same
/// article linked from two feeds, or a URL given twice).
fn push_unique(doc: Document, seen: &mut HashSet<String>, docs: &mut Vec<Document>) {
    if seen.insert(doc.id.clone()) {
        docs.push(doc);
    }
}

/// Fetches pages and feeds. Each URL that fails adds an error and the rest
/// go on; a URL whose response is a feed is expanded into its items, and
/// each of `feeds` must be one.
pub fn fetch_documents(urls: &[String], feeds: &[String], opts: &FetchOptions) -> (Vec<Document>, Vec<Error>) {
    let fetcher = match Fetcher::new(opts.clone()) {
        Ok(f) => f,
        Err(e) => return (Vec::new(), vec![e]),
    };
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for url in urls {
        fetch_one(&fetcher, url.trim(), false, &mut seen, &mut docs, &mut errors);
    }
    for url in feeds {
        fetch_one(&fetcher, url.trim(), true, &mut seen, &mut docs, &mut errors);
    }
    (docs, errors)
}

/// Reads reports from a mix of inputs, in order: files, directories (their
/// `.txt`/`.html`/`.htm` files), `-` for stdin, and http(s) URLs (pages, or
/// feeds expanded into their items). Each input that fails adds an error
/// and the rest go on.
pub fn load_inputs(inputs: &[String], opts: &FetchOptions) -> (Vec<Document>, Vec<Error>) {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    let mut seen_urls = HashSet::new();
    let mut fetcher: Option<Fetcher> = None;
    for input in inputs {
        if input == "-" {
            let stdin = std::path::Path::new("-");
            match crate::document::read_capped(std::io::stdin().lock(), stdin)
                .and_then(|b| crate::document::utf8_text(stdin, b, "not UTF-8"))
            {
                Ok(text) => docs.push(Document::from_text("stdin", "-", text)),
                Err(e) => errors.push(e),
            }
        } else if is_url(input) {
            if fetcher.is_none() {
                match Fetcher::new(opts.clone()) {
                    Ok(f) => fetcher = Some(f),
                    Err(e) => {
                        errors.push(e);
                        continue;
                    }
                }
            }
            let f = fetcher.as_ref().expect("set above");
            fetch_one(f, input.trim(), false, &mut seen_urls, &mut docs, &mut errors);
        } else {
            match expand_inputs(&[PathBuf::from(input)]) {
                Ok(paths) => {
                    for path in paths {
                        match read_file(&path) {
                            Ok(doc) => docs.push(doc),
                            Err(e) => errors.push(e),
                        }
                    }
                }
                Err(e) => errors.push(e),
            }
        }
    }
    (docs, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_detection() {
        assert!(is_url("http://a.test/x"));
        assert!(is_url("HTTPS://a.test"));
        assert!(is_url("file:///etc/hosts"));
        assert!(!is_url("reports/a.txt"));
        assert!(!is_url("-"));
        assert!(!is_url("C:\\reports"));
        assert!(!is_url("://x"));
    }

    #[test]
    fn url_ids_are_stable_safe_and_distinct() {
        let a = url_id("http://news.test/a_b");
        let b = url_id("http://news.test/a-b");
        assert_ne!(a, b);
        assert_eq!(a, url_id("http://news.test/a_b"));
        assert!(a.starts_with("news-test-a-b-"));
        assert_ne!(url_id("http://x.test/p?id=1"), url_id("http://x.test/p?id=2"));
        let long = format!("http://x.test/{}", "segment/".repeat(40));
        let id = url_id(&long);
        assert!(id.len() <= MAX_SLUG + 9, "{id}");
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        assert!(url_id("http://").starts_with("url-"));
        // Pinned so that saved files keep their names across versions.
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
    }

    #[test]
    fn rendered_report_round_trips_through_document() {
        let d = NaiveDate::from_ymd_opt(2020, 5, 15);
        let text = render_report(Some("Clash:\n near Hit"), d, "http://n.test/a", "Para one.\n\nPara two.\n\n");
        assert_eq!(
            text,
            "Title: Clash: near Hit\nPublished: 2020-05-15\nURL: http://n.test/a\n\nPara one.\n\nPara two.\n"
        );
        let doc = Document::from_text("x", "s", text);
        assert_eq!(doc.title.as_deref(), Some("Clash: near Hit"));
        assert_eq!(doc.published, d);
        assert_eq!(doc.body(), "Para one.\n\nPara two.\n");
        let bare = Document::from_text("x", "s", render_report(None, None, "http://n.test/b", "Body"));
        assert_eq!(bare.body(), "Body\n");
        assert_eq!(bare.published, None);
    }
}
