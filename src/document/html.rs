//! HTML pages to article text and metadata.
//!
//! The page is parsed with html5ever (through `scraper`), so broken markup and
//! character entities are handled as a browser would. Boilerplate (scripts,
//! styles, navigation, page headers and footers, asides, forms, captions) is
//! dropped; the article is the `<article>` element when the page has one that
//! holds most of the paragraph text, else the element whose paragraphs hold
//! the most text. Paragraphs and headings come out as blocks separated by a
//! blank line, because the sentence splitter downstream treats a blank line
//! as a hard break (a headline has no full stop).

use crate::dates::date_in;
use std::collections::HashMap;

use chrono::NaiveDate;
use ego_tree::NodeId;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node, Selector};

use super::charset;

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

/// Elements whose whole subtree is boilerplate or not text at all.
const DROP: &[&str] = &[
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "figcaption",
    "button",
    "select",
    "textarea",
    "iframe",
    "svg",
    "canvas",
    "object",
    "embed",
    "head",
    "title",
    "menu",
    "dialog",
];

/// Elements that start and end a block of text.
const BLOCK: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "section",
    "article",
    "main",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "figure",
    "address",
    "hr",
    "br",
    "body",
    "center",
    "details",
    "summary",
];

/// Words in a `class` or `id` that mark a container as page furniture
/// rather than article text (share bars, related links, cookie banners).
const FURNITURE: &[&str] = &[
    "cookie",
    "newsletter",
    "share",
    "social",
    "related",
    "advert",
    "promo",
    "breadcrumb",
    "subscribe",
    "comments",
    "sidebar",
    "paywall",
];

/// An `<article>` is taken as the article only when it holds at least this
/// share of the page's paragraph text; a page of teaser cards each wrapped in
/// `<article>` otherwise loses its real story.
const ARTICLE_SHARE: f64 = 0.25;

/// Extracts the article text, title and publication date from HTML bytes.
/// `content_type` is the HTTP Content-Type header, when known (for its charset).
///
/// ```
/// use incidentmap::document::html::extract_article;
/// let page = extract_article(
///     b"<title>Clash</title><nav>Home | World</nav><p>Gunmen attacked a checkpoint.</p>",
///     None,
/// );
/// assert_eq!(page.title.as_deref(), Some("Clash"));
/// assert_eq!(page.text, "Gunmen attacked a checkpoint.\n");
/// ```
pub fn extract_article(bytes: &[u8], content_type: Option<&str>) -> Page {
    let html = charset::decode(bytes, content_type);
    extract_article_str(&html)
}

/// [`extract_article`] on text that is already decoded.
pub fn extract_article_str(html: &str) -> Page {
    let doc = Html::parse_document(html);
    let root = article_root(&doc);
    let mut blocks = Vec::new();
    let mut current = String::new();
    collect_blocks(root, &mut blocks, &mut current);
    flush(&mut blocks, &mut current);
    let mut text = blocks.join("\n\n");
    if !text.is_empty() {
        text.push('\n');
    }
    Page { text, title: title(&doc), published: published(&doc) }
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("static selector")
}

/// True when this element and its subtree are left out of the text.
fn is_dropped(el: ElementRef<'_>) -> bool {
    let v = el.value();
    if DROP.contains(&v.name()) {
        return true;
    }
    if v.attr("hidden").is_some()
        || v.attr("aria-hidden") == Some("true")
        || v.attr("role").is_some_and(|r| matches!(r, "navigation" | "banner" | "contentinfo" | "complementary"))
    {
        return true;
    }
    let style = v.attr("style").unwrap_or("").to_ascii_lowercase().replace(' ', "");
    if style.contains("display:none") {
        return true;
    }
    // Furniture words only count on containers; a paragraph is never dropped
    // for its class name.
    if matches!(v.name(), "div" | "section" | "ul" | "ol" | "span" | "aside") {
        let names = format!("{} {}", v.attr("class").unwrap_or(""), v.attr("id").unwrap_or("")).to_ascii_lowercase();
        if FURNITURE.iter().any(|w| names.contains(w)) {
            return true;
        }
    }
    false
}

/// What one pass over the tree learns of every element (issue 19: the
/// per-paragraph walks up to the root and down each candidate's subtree
/// were quadratic in the nesting depth, 13 s for 1,000 unclosed tags).
#[derive(Default)]
struct Measures {
    /// Paragraph text under each element (its own `<p>` descendants, or
    /// itself, that are not dropped).
    para_len: HashMap<NodeId, usize>,
    /// Score of each element as the article's container: twice the text of
    /// its child paragraphs plus that of its grandchild ones.
    scores: HashMap<NodeId, usize>,
    /// `<article>` elements not dropped, in document order.
    articles: Vec<NodeId>,
}

/// An element open during [`measure`]'s walk.
struct Frame {
    id: NodeId,
    is_p: bool,
    /// The element itself is boilerplate.
    self_dropped: bool,
    /// It or an ancestor is.
    dropped: bool,
    /// Visible text of its subtree (dropped children left out).
    visible: usize,
    /// Paragraph text in its subtree.
    para: usize,
}

/// Walks the tree once, without recursion (a page may nest tags deeper
/// than a thread's stack allows).
fn measure(doc: &Html) -> Measures {
    let mut m = Measures::default();
    let mut stack: Vec<Frame> = Vec::new();
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) => {
                    let el = ElementRef::wrap(node).expect("an element node");
                    let self_dropped = is_dropped(el);
                    let dropped = self_dropped || stack.last().is_some_and(|f| f.dropped);
                    if e.name() == "article" && !dropped {
                        m.articles.push(node.id());
                    }
                    stack.push(Frame {
                        id: node.id(),
                        is_p: e.name() == "p",
                        self_dropped,
                        dropped,
                        visible: 0,
                        para: 0,
                    });
                }
                Node::Text(t) => {
                    if let Some(f) = stack.last_mut() {
                        f.visible += t.trim().chars().count();
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if !node.value().is_element() {
                    continue;
                }
                let Some(mut f) = stack.pop() else { continue };
                if f.is_p && !f.dropped {
                    f.para += f.visible;
                    // Its parent and grandparent elements score it.
                    let n = stack.len();
                    if n >= 1 {
                        *m.scores.entry(stack[n - 1].id).or_default() += 2 * f.visible;
                    }
                    if n >= 2 {
                        *m.scores.entry(stack[n - 2].id).or_default() += f.visible;
                    }
                }
                m.para_len.insert(f.id, f.para);
                if let Some(parent) = stack.last_mut() {
                    if !f.self_dropped {
                        parent.visible += f.visible;
                    }
                    parent.para += f.para;
                }
            }
        }
    }
    m
}

/// The element to take text from: the best `<article>`, else the element
/// whose paragraphs (counting grandchildren at half weight) hold the most
/// text, else `<body>`.
fn article_root(doc: &Html) -> ElementRef<'_> {
    let m = measure(doc);
    let len = |id: NodeId| m.para_len.get(&id).copied().unwrap_or(0);
    let body = doc.select(&sel("body")).next().unwrap_or_else(|| doc.root_element());
    let total = len(body.id());
    let best_article = m.articles.iter().map(|&a| (len(a), a)).max_by_key(|(n, _)| *n);
    if let Some((n, a)) = best_article
        && n > 0
        && n as f64 >= ARTICLE_SHARE * total as f64
        && let Some(el) = doc.tree.get(a).and_then(ElementRef::wrap)
    {
        return el;
    }
    m.scores
        .into_iter()
        .max_by_key(|(id, score)| (*score, std::cmp::Reverse(*id)))
        .and_then(|(id, _)| doc.tree.get(id).and_then(ElementRef::wrap))
        .unwrap_or(body)
}

fn flush(blocks: &mut Vec<String>, current: &mut String) {
    let block = current.split_whitespace().collect::<Vec<_>>().join(" ");
    if !block.is_empty() {
        blocks.push(block);
    }
    current.clear();
}

/// The text under `el` as blocks: block elements end a block; dropped
/// elements are left out but still separate words. One walk, no recursion.
fn collect_blocks(el: ElementRef<'_>, blocks: &mut Vec<String>, current: &mut String) {
    // The dropped element being skipped, if any.
    let mut skipping: Option<NodeId> = None;
    for edge in el.traverse() {
        match edge {
            Edge::Open(node) if node.id() == el.id() => {}
            Edge::Close(node) if node.id() == el.id() => {}
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => current.push_str(t),
                    Node::Element(e) => {
                        let Some(child) = ElementRef::wrap(node) else { continue };
                        if is_dropped(child) {
                            // A dropped inline element still separates words.
                            current.push(' ');
                            skipping = Some(node.id());
                        } else if BLOCK.contains(&e.name()) {
                            flush(blocks, current);
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skipping == Some(node.id()) {
                    skipping = None;
                } else if skipping.is_none()
                    && let Node::Element(e) = node.value()
                    && BLOCK.contains(&e.name())
                {
                    flush(blocks, current);
                }
            }
        }
    }
}

fn collapse(s: &str) -> Option<String> {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

/// `og:title`, else `<title>`.
fn title(doc: &Html) -> Option<String> {
    meta_content(doc, |key| key == "og:title")
        .and_then(|t| collapse(&t))
        .or_else(|| doc.select(&sel("title")).next().and_then(|t| collapse(&t.text().collect::<String>())))
}

/// The `content` of the first `<meta>` whose `property`, `name` or
/// `itemprop` (lowercased) satisfies `want`.
fn meta_content(doc: &Html, want: impl Fn(&str) -> bool) -> Option<String> {
    doc.select(&sel("meta")).find_map(|m| {
        let v = m.value();
        let hit = ["property", "name", "itemprop"]
            .iter()
            .filter_map(|a| v.attr(a))
            .any(|k| want(&k.trim().to_ascii_lowercase()));
        hit.then(|| v.attr("content")).flatten().map(str::to_string)
    })
}

/// Publication date: `article:published_time`, JSON-LD `datePublished`,
/// `<time datetime>`, then `meta name=date|pubdate|dc.date.issued`.
fn published(doc: &Html) -> Option<NaiveDate> {
    if let Some(d) = meta_content(doc, |k| k == "article:published_time").and_then(|s| date_in(&s)) {
        return Some(d);
    }
    for script in doc.select(&sel("script")) {
        let ty = script.value().attr("type").unwrap_or("").trim().to_ascii_lowercase();
        if ty != "application/ld+json" {
            continue;
        }
        let raw: String = script.text().collect();
        let raw = raw.trim().trim_start_matches("<!--").trim_end_matches("-->");
        if let Ok(json) = serde_json::from_str::<serde_json::Value>(raw) {
            if let Some(d) = json_ld_date(&json) {
                return Some(d);
            }
        }
    }
    let time = sel("time[datetime]");
    if let Some(d) = doc.select(&time).filter_map(|t| t.value().attr("datetime")).find_map(date_in) {
        return Some(d);
    }
    meta_content(doc, |k| {
        matches!(k, "date" | "pubdate" | "dc.date.issued" | "dc.date" | "datepublished" | "publishdate")
    })
    .and_then(|s| date_in(&s))
}

/// The first `datePublished` in a JSON-LD value, searching `@graph`, arrays
/// and nested objects depth-first.
fn json_ld_date(v: &serde_json::Value) -> Option<NaiveDate> {
    match v {
        serde_json::Value::Object(map) => {
            if let Some(d) = map.get("datePublished").and_then(|d| d.as_str()).and_then(date_in) {
                return Some(d);
            }
            map.values().find_map(json_ld_date)
        }
        serde_json::Value::Array(items) => items.iter().find_map(json_ld_date),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(html: &str) -> Page {
        extract_article(html.as_bytes(), None)
    }

    #[test]
    fn empty_and_textless_pages() {
        assert_eq!(page(""), Page::default());
        let p = page("<html><head><script>var x = 1;</script></head><body></body></html>");
        assert_eq!(p.text, "");
    }

    #[test]
    fn boilerplate_is_dropped_and_blocks_are_separated() {
        let p = page(
            r#"<html><head><title>T</title><style>p{color:red}</style></head><body>
            <header><a href="/">Home</a> <a href="/world">World</a></header>
            <nav><ul><li>Iraq</li><li>Syria</li></ul></nav>
            <main><h2>Blast near market</h2>
            <p>A bomb  exploded   near a market in <b>Baqubah</b> on Friday.</p>
            <figure><img src="x.jpg"><figcaption>Photo: the market</figcaption></figure>
            <p>Police said two people were hurt &amp; a car burned.</p>
            <div class="share-bar">Share on social media</div>
            <script>trackPage();</script></main>
            <aside>Most read: unrelated story</aside>
            <form><input name=q> Search</form>
            <footer>Copyright</footer></body></html>"#,
        );
        assert_eq!(
            p.text,
            "Blast near market\n\nA bomb exploded near a market in Baqubah on Friday.\n\n\
             Police said two people were hurt & a car burned.\n"
        );
    }

    #[test]
    fn article_element_is_preferred() {
        let p = page(
            "<body><div><p>Sign up for our newsletter to get the news every day.</p></div>\
             <article><h1>Clash in Tuz</h1><p>Fighters clashed near Tuz Khurmatu.</p></article></body>",
        );
        assert_eq!(p.text, "Clash in Tuz\n\nFighters clashed near Tuz Khurmatu.\n");
    }

    #[test]
    fn teaser_articles_lose_to_the_main_story() {
        let story = "The governor said a curfew was imposed across the district after the attack. ".repeat(5);
        let html = format!(
            "<body><article><p>Teaser one.</p></article><div id=story><p>{story}</p><p>{story}</p></div></body>"
        );
        let p = page(&html);
        assert!(p.text.starts_with("The governor said"), "{}", p.text);
        assert!(!p.text.contains("Teaser"));
    }

    #[test]
    fn densest_paragraph_container_wins_without_article() {
        let p = page(
            "<body><div class=menu-links><p>Home</p></div>\
             <div id=content><p>First paragraph about Mosul.</p><p>Second paragraph about Erbil.</p></div></body>",
        );
        assert_eq!(p.text, "First paragraph about Mosul.\n\nSecond paragraph about Erbil.\n");
    }

    #[test]
    fn br_separates_blocks_and_entities_decode() {
        let p = page("<article><p>Line one&nbsp;here<br>Line&#160;two &eacute;t&eacute;</p></article>");
        assert_eq!(p.text, "Line one here\n\nLine two été\n");
    }

    #[test]
    fn title_prefers_og_title() {
        let p = page(r#"<head><title> Site | Story </title><meta property="og:title" content="Story"></head>"#);
        assert_eq!(p.title.as_deref(), Some("Story"));
        let p = page("<head><title>\n  Site |\n Story </title></head>");
        assert_eq!(p.title.as_deref(), Some("Site | Story"));
    }

    #[test]
    fn date_from_article_published_time() {
        let p = page(
            r#"<meta property="article:published_time" content="2021-03-04T22:10:00+03:00">
               <time datetime="2020-01-01">old</time>"#,
        );
        assert_eq!(p.published, NaiveDate::from_ymd_opt(2021, 3, 4));
    }

    #[test]
    fn date_from_json_ld_graph() {
        let p = page(
            r#"<script type="application/ld+json">
               {"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"x"},
                 [{"@type":"NewsArticle","headline":"h","datePublished":"2019-08-17T09:00:00Z"}]]}
               </script><time datetime="2020-01-01">old</time>"#,
        );
        assert_eq!(p.published, NaiveDate::from_ymd_opt(2019, 8, 17));
    }

    #[test]
    fn broken_json_ld_falls_through_to_time() {
        let p = page(
            r#"<script type="application/ld+json">{"datePublished": </script>
               <article><time datetime="2018-11-02T10:00">2 Nov</time><p>x</p></article>"#,
        );
        assert_eq!(p.published, NaiveDate::from_ymd_opt(2018, 11, 2));
    }

    #[test]
    fn date_from_meta_names() {
        let p = page(r#"<meta name="DC.date.issued" content="2017/06/30">"#);
        assert_eq!(p.published, NaiveDate::from_ymd_opt(2017, 6, 30));
        let p = page(r#"<meta name="pubdate" content="Tue, 15 Nov 2016 08:12:31 GMT">"#);
        assert_eq!(p.published, NaiveDate::from_ymd_opt(2016, 11, 15));
        assert_eq!(page("<p>x</p>").published, None);
    }

    #[test]
    fn windows_1256_page_decodes_from_meta() {
        let sentence = "اشتباكات بين مسلحين والجيش قرب الرمادي.";
        let html = format!("<html><head><meta charset=\"windows-1256\"></head><body><p>{sentence}</p></body></html>");
        let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode(&html);
        let p = extract_article(&bytes, None);
        assert_eq!(p.text, format!("{sentence}\n"));
        let p = extract_article(&bytes, Some("text/html; charset=windows-1256"));
        assert_eq!(p.text, format!("{sentence}\n"));
    }
}
