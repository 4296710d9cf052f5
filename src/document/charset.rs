//! Which character encoding a web page is in, and decoding it to UTF-8.
//!
//! The order follows the HTML encoding-sniffing rules in their simple form:
//! a byte-order mark, then the `charset` of the HTTP `Content-Type` header,
//! then a `<meta charset>` or `<meta http-equiv=Content-Type>` declaration in
//! the first 1024 bytes, else UTF-8. The BOM comes first because it is
//! evidence from the bytes themselves; a server header is often a default
//! that nobody set for this page.

use encoding_rs::{Encoding, UTF_8};

/// How far into a page a `<meta>` charset declaration is looked for.
const META_SCAN_BYTES: usize = 1024;

/// Where the encoding decision came from (for tests and diagnostics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// A byte-order mark at the start of the body.
    Bom,
    /// The `charset` parameter of the Content-Type header.
    Header,
    /// A `<meta>` declaration near the top of the page.
    Meta,
    /// Nothing said anything: UTF-8.
    Default,
}

/// Picks the encoding of `bytes` given the HTTP Content-Type, when known.
pub fn detect(bytes: &[u8], content_type: Option<&str>) -> (&'static Encoding, Evidence) {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        return (enc, Evidence::Bom);
    }
    if let Some(enc) = content_type.and_then(charset_param).and_then(label) {
        return (enc, Evidence::Header);
    }
    if let Some(enc) = meta_charset(&bytes[..bytes.len().min(META_SCAN_BYTES)]) {
        return (enc, Evidence::Meta);
    }
    (UTF_8, Evidence::Default)
}

/// Decodes `bytes` to text with the detected encoding; malformed sequences
/// become U+FFFD rather than failing the page.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> String {
    let (enc, _) = detect(bytes, content_type);
    let (text, _, _) = enc.decode(bytes);
    text.into_owned()
}

/// The `charset=` parameter of a Content-Type value.
pub fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim().eq_ignore_ascii_case("charset").then(|| value.trim().trim_matches(|c| c == '"' || c == '\''))
    })
}

/// An encoding from its label; a page that declares UTF-16 in ASCII-compatible
/// bytes is really UTF-8 (the HTML rule), since a true UTF-16 page has a BOM.
fn label(name: &str) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(name.trim().as_bytes())?;
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE { Some(UTF_8) } else { Some(enc) }
}

/// Finds `charset=...` inside a `<meta ...>` tag in `head`.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = memchr::memmem::find(&lower[from..], b"<meta") {
        let start = from + pos + 5;
        let end = memchr::memchr(b'>', &lower[start..]).map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(cs) = memchr::memmem::find(tag, b"charset") {
            let rest = &tag[cs + 7..];
            let rest = trim_ascii_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_ascii_start(rest);
                let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
                let len = rest
                    .iter()
                    .position(|&b| matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>' | b'\t' | b'\n' | b'\r'))
                    .unwrap_or(rest.len());
                if let Some(enc) = std::str::from_utf8(&rest[..len]).ok().and_then(label) {
                    return Some(enc);
                }
            }
        }
        from = end;
    }
    None
}

fn trim_ascii_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{WINDOWS_1252, WINDOWS_1256};

    #[test]
    fn empty_body_is_utf8() {
        assert_eq!(detect(b"", None), (UTF_8, Evidence::Default));
    }

    #[test]
    fn header_charset_wins_over_meta() {
        let html = b"<meta charset=utf-8><p>x</p>";
        let (enc, ev) = detect(html, Some("text/html; charset=\"windows-1256\""));
        assert_eq!((enc, ev), (WINDOWS_1256, Evidence::Header));
    }

    #[test]
    fn bom_wins_over_header() {
        let mut body = vec![0xEF, 0xBB, 0xBF];
        body.extend_from_slice("<p>نص</p>".as_bytes());
        assert_eq!(detect(&body, Some("text/html; charset=windows-1256")).0, UTF_8);
        assert_eq!(decode(&body, Some("text/html; charset=windows-1256")), "<p>نص</p>");
    }

    #[test]
    fn meta_charset_and_http_equiv_are_found() {
        let a = b"<html><head><meta charset='windows-1256'></head>";
        assert_eq!(detect(a, None), (WINDOWS_1256, Evidence::Meta));
        let b = b"<HTML><HEAD><META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=ISO-8859-1\">";
        // ISO-8859-1 is an alias of windows-1252 in the Encoding Standard.
        assert_eq!(detect(b, None), (WINDOWS_1252, Evidence::Meta));
    }

    #[test]
    fn meta_after_1024_bytes_is_ignored() {
        let mut html = b"<html><head>".to_vec();
        html.extend(std::iter::repeat_n(b' ', 1100));
        html.extend_from_slice(b"<meta charset=windows-1256>");
        assert_eq!(detect(&html, None), (UTF_8, Evidence::Default));
    }

    #[test]
    fn declared_utf16_without_bom_means_utf8() {
        assert_eq!(detect(b"<meta charset=utf-16>", None).0, UTF_8);
    }

    #[test]
    fn unknown_label_falls_through() {
        let (enc, ev) = detect(b"<meta charset=klingon><meta charset=windows-1256>", Some("text/html; charset=bogus"));
        assert_eq!((enc, ev), (WINDOWS_1256, Evidence::Meta));
    }

    #[test]
    fn windows_1256_arabic_round_trips() {
        let sentence = "قالت الشرطة إن انفجاراً وقع قرب سوق في بعقوبة.";
        let (bytes, _, unmappable) = WINDOWS_1256.encode(sentence);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err(), "fixture must not be UTF-8");
        assert_eq!(decode(&bytes, Some("text/html; charset=windows-1256")), sentence);
    }
}
