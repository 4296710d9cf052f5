//! Documents: the reports the pipeline reads.
//!
//! A report file is plain text (or HTML). It may start with a header block of
//! `Key: value` lines (`Title`, `Published`, `Source`, `URL`) ended by a blank
//! line; the header gives the publication date that relative dates ("on
//! Friday") are resolved against.
//!
//! An HTML report (a saved page, or one [`crate::fetch`] downloads) is reduced
//! to its article text by [`html`], after [`charset`] has decoded it.

pub mod charset;
pub mod html;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDate;

use crate::error::{Error, Result};

/// The most bytes one input that is read whole (a report file, standard
/// input) may hold: 2 GiB unless [`set_max_input_bytes`] says otherwise.
static MAX_INPUT_BYTES: AtomicU64 = AtomicU64::new(2 << 30);

/// Sets the cap on one input read whole (the command line's
/// `--max-input-mb`), so that a runaway input (`/dev/zero`, an endless
/// pipe) ends with a clear error instead of the kernel's OOM killer.
pub fn set_max_input_bytes(n: u64) {
    MAX_INPUT_BYTES.store(n, Ordering::Relaxed);
}

/// The cap set by [`set_max_input_bytes`].
pub fn max_input_bytes() -> u64 {
    MAX_INPUT_BYTES.load(Ordering::Relaxed)
}

/// Reads `r` whole, up to [`max_input_bytes`]; more is an error naming
/// `path` and the cap.
pub fn read_capped(r: impl Read, path: &Path) -> Result<Vec<u8>> {
    read_capped_sized(r, path, 0)
}

/// [`read_capped`] with the expected size (a file's length), so that the
/// buffer is allocated once rather than doubled and copied as it grows.
pub fn read_capped_sized(r: impl Read, path: &Path, size_hint: u64) -> Result<Vec<u8>> {
    let cap = max_input_bytes();
    let mut bytes = Vec::with_capacity(size_hint.min(cap) as usize + 1);
    r.take(cap.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > cap {
        return Err(too_large(path, cap));
    }
    Ok(bytes)
}

fn too_large(path: &Path, cap: u64) -> Error {
    Error::bad_input(
        path,
        format!("is larger than {} MiB, the most one input may hold (raise it with --max-input-mb)", cap >> 20),
    )
}

/// One report.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Short id: the file stem, or a URL-derived name.
    pub id: String,
    /// Where it came from: a path or URL, as given.
    pub source: String,
    /// Publication date, from the header, HTML metadata or the command line.
    pub published: Option<NaiveDate>,
    /// Title, when known.
    pub title: Option<String>,
    /// The full text. Byte offsets reported by the geoparser index into it.
    pub text: String,
    /// Byte offset where the body starts (after any header block).
    pub body_start: usize,
}

/// Header keys recognised at the top of a report.
const HEADER_KEYS: [&str; 6] = ["title", "published", "date", "source", "url", "author"];

impl Document {
    /// A document from text; parses an optional header block.
    pub fn from_text(id: impl Into<String>, source: impl Into<String>, text: String) -> Document {
        let mut doc =
            Document { id: id.into(), source: source.into(), published: None, title: None, text, body_start: 0 };
        doc.parse_header();
        doc
    }

    /// The body (text after the header).
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    fn parse_header(&mut self) {
        let mut offset = 0;
        let mut seen = 0;
        let mut published = None;
        let mut title = None;
        let mut source = None;
        for line in self.text.split_inclusive('\n') {
            let trimmed = line.trim();
            if trimmed.is_empty() {
                if seen > 0 {
                    offset += line.len();
                }
                break;
            }
            let Some((key, value)) = trimmed.split_once(':') else { break };
            let key = key.trim().to_ascii_lowercase();
            if !HEADER_KEYS.contains(&key.as_str()) {
                break;
            }
            let value = value.trim();
            match key.as_str() {
                "published" | "date" => published = crate::dates::date_in(value),
                "title" => title = Some(value.to_string()),
                // A saved web report names its URL: that is its source.
                "url" if !value.is_empty() => source = Some(value.to_string()),
                _ => {}
            }
            seen += 1;
            offset += line.len();
        }
        if seen > 0 {
            self.body_start = offset;
            if self.published.is_none() {
                self.published = published;
            }
            if self.title.is_none() {
                self.title = title;
            }
            if let Some(src) = source {
                self.source = src;
            }
        }
    }
}

/// Reads one report file. HTML files (`.html`, `.htm`) are reduced to their
/// article text.
pub fn read_file(path: &Path) -> Result<Document> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let len = file.metadata().map_or(0, |m| m.len());
    if len > max_input_bytes() {
        return Err(too_large(path, max_input_bytes()));
    }
    let bytes = read_capped_sized(file, path, len)?;
    let id = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "stdin".to_string());
    let is_html = matches!(
        path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref(),
        Some("html" | "htm")
    );
    if is_html {
        let page = html::extract_article(&bytes, None);
        let mut doc = Document::from_text(id, path.display().to_string(), page.text);
        doc.published = doc.published.or(page.published);
        doc.title = doc.title.or(page.title);
        return Ok(doc);
    }
    let text = utf8_text(path, bytes, "not UTF-8 (convert the file, or give it as .html with a charset)")?;
    Ok(Document::from_text(id, path.display().to_string(), text))
}

/// `bytes` read from `path` as text; otherwise [`Error::BadEncoding`] at
/// the first bad byte, with `message`.
pub fn utf8_text(path: &Path, bytes: Vec<u8>, message: &str) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| Error::BadEncoding {
        path: path.to_path_buf(),
        byte: e.utf8_error().valid_up_to() as u64,
        message: message.to_string(),
    })
}

/// Expands files and directories into report files, sorted for determinism.
/// Directories contribute their `.txt`, `.html` and `.htm` files (recursively);
/// a file named explicitly is always taken.
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|e| Error::io(input, e))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(input, &mut found)?;
            found.sort();
            out.extend(found);
        } else {
            out.push(input.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let ft = entry.file_type().map_err(|e| Error::io(&path, e))?;
        if ft.is_dir() {
            walk(&path, out)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref(),
            Some("txt" | "html" | "htm")
        ) {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_parsed_and_skipped() {
        let doc = Document::from_text("a", "a.txt", "Title: Attack\nPublished: 2020-05-15\n\nBody here.\n".to_string());
        assert_eq!(doc.published, NaiveDate::from_ymd_opt(2020, 5, 15));
        assert_eq!(doc.title.as_deref(), Some("Attack"));
        assert_eq!(doc.body(), "Body here.\n");
    }

    #[test]
    fn no_header_means_body_is_everything() {
        let doc = Document::from_text("a", "a.txt", "In Global: news\n\nText".to_string());
        assert_eq!(doc.body_start, 0);
        assert_eq!(doc.published, None);
    }
}
