//! RSS 2.0, RSS 1.0 and Atom feeds (parsed with feed-rs) into items to fetch
//! or to use as they are.

use chrono::{DateTime, NaiveDate, Utc};
use reqwest::Url;

use crate::document::html::{Page, extract_article_str};
use crate::error::{Error, Result};

/// A feed item whose content has at least this many characters of text is
/// taken as full text, and its link is not fetched. Shorter content is a
/// teaser ("Gunmen attacked ... Read more").
pub const FULL_TEXT_CHARS: usize = 500;

/// One feed item.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedItem {
    /// The item's title.
    pub title: Option<String>,
    /// The item's page, made absolute against the feed URL.
    pub link: Option<String>,
    /// `published`, else `updated` (RSS `pubDate`), as a UTC date.
    pub published: Option<NaiveDate>,
    /// The item's own text when the feed carries the full article
    /// (`content:encoded`, Atom `content`, or a long description).
    pub full_text: Option<String>,
    /// The item's id (guid), for naming an item without a link.
    pub id: String,
}

/// True when the body looks like an RSS or Atom feed: by a feed media type,
/// else by its root element (`rss`, `feed`, `rdf:RDF`), which also catches
/// feeds served as `text/xml` or `text/plain`.
pub fn is_feed(body: &[u8], content_type: Option<&str>) -> bool {
    let essence =
        content_type.and_then(|c| c.split(';').next()).map(|c| c.trim().to_ascii_lowercase()).unwrap_or_default();
    if matches!(essence.as_str(), "application/rss+xml" | "application/atom+xml" | "application/rdf+xml") {
        return true;
    }
    matches!(root_element(body).as_deref(), Some("rss" | "feed" | "rdf"))
}

/// The local name (lowercased, prefix dropped) of the first element, after
/// skipping a BOM, whitespace, the XML declaration, processing
/// instructions, comments and a doctype.
fn root_element(body: &[u8]) -> Option<String> {
    let mut s = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    loop {
        s = &s[s.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
        if s.starts_with(b"<?") {
            s = &s[memchr::memmem::find(s, b"?>")? + 2..];
        } else if s.starts_with(b"<!--") {
            s = &s[memchr::memmem::find(s, b"-->")? + 3..];
        } else if s.starts_with(b"<!") {
            s = &s[memchr::memchr(b'>', s)? + 1..];
        } else {
            break;
        }
    }
    let s = s.strip_prefix(b"<")?;
    let len = s.iter().position(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/')).unwrap_or(s.len());
    let name = std::str::from_utf8(&s[..len]).ok()?;
    let local = name.rsplit(':').next().unwrap_or(name);
    Some(local.to_ascii_lowercase())
}

/// Parses a feed fetched from `feed_url` into its items, in feed order.
pub fn parse_feed(body: &[u8], feed_url: &str) -> Result<Vec<FeedItem>> {
    let feed = feed_rs::parser::parse(body).map_err(|e| Error::Network {
        url: feed_url.to_string(),
        message: format!("not a readable RSS/Atom feed: {e}"),
    })?;
    // feed-rs turns every timestamp into UTC, which moves an item published
    // at 01:00 +03:00 to the previous day. A second parse whose timestamp
    // parser keeps the publisher's wall-clock time gives the date as the
    // publisher wrote it (as for HTML pages); feed-rs's own lenient parse
    // stays the fallback for the malformed dates feeds are full of.
    let local_dates: Vec<Option<NaiveDate>> = feed_rs::parser::Builder::new()
        .timestamp_parser(publisher_wall_clock)
        .build()
        .parse(body)
        .map(|f| f.entries.iter().map(|e| e.published.or(e.updated).map(|d| d.date_naive())).collect())
        .unwrap_or_default();
    let base = Url::parse(feed_url).ok();
    let items = feed
        .entries
        .into_iter()
        .enumerate()
        .map(|(i, entry)| {
            let link = entry
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .or_else(|| entry.links.first())
                .map(|l| absolute(base.as_ref(), l.href.trim()));
            let published = local_dates
                .get(i)
                .copied()
                .flatten()
                .or_else(|| entry.published.or(entry.updated).map(|d| d.date_naive()));
            let title = entry
                .title
                .as_ref()
                .map(|t| text_of(&t.content, t.content_type.as_ref()))
                .filter(|t| !t.is_empty())
                .map(|t| t.replace("\n\n", " "));
            let content = entry.content.as_ref().and_then(|c| Some((c.body.as_deref()?, c.content_type.to_string())));
            let summary = entry.summary.as_ref().map(|s| (s.content.as_str(), s.content_type.to_string()));
            let full_text = content
                .into_iter()
                .chain(summary)
                .map(|(body, ty)| text_of(body, &ty))
                .find(|t| t.chars().count() >= FULL_TEXT_CHARS);
            FeedItem { title, link, published, full_text, id: entry.id }
        })
        .collect();
    Ok(items)
}

/// A feed timestamp as the publisher's wall-clock time labelled UTC, so
/// that its `date_naive()` is the publisher's date. Only for dates.
fn publisher_wall_clock(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    chrono::DateTime::parse_from_rfc3339(s)
        .or_else(|_| chrono::DateTime::parse_from_rfc2822(s))
        .ok()
        .map(|d| d.naive_local().and_utc())
        .or_else(|| crate::dates::date_in(s).map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc()))
}

fn absolute(base: Option<&Url>, href: &str) -> String {
    base.and_then(|b| b.join(href).ok()).map_or_else(|| href.to_string(), |u| u.to_string())
}

/// Text of a feed text construct: HTML is reduced like a page (blocks
/// separated by blank lines); plain text keeps its paragraph breaks.
fn text_of(body: &str, media_type: &str) -> String {
    if media_type.contains("plain") && !body.contains('<') {
        let paragraphs: Vec<String> = body
            .split("\n\n")
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .collect();
        return paragraphs.join("\n\n");
    }
    let Page { text, .. } = extract_article_str(body);
    text.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: &str = "Security forces said the attackers fired on a checkpoint near the village before dawn, \
        and that reinforcements arrived within the hour. ";

    fn rss(items: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Desk</title><link>http://news.test/</link><description>d</description>
{items}</channel></rss>"#
        )
    }

    #[test]
    fn sniffs_feeds_by_type_and_root() {
        assert!(is_feed(b"", Some("application/rss+xml; charset=utf-8")));
        assert!(is_feed(b"\xEF\xBB\xBF<?xml version='1.0'?>\n<!-- c --><rss version='2.0'>", Some("text/xml")));
        assert!(is_feed(b"<feed xmlns='http://www.w3.org/2005/Atom'>", None));
        assert!(is_feed(b"<rdf:RDF xmlns:rdf='x'>", Some("application/xml")));
        assert!(!is_feed(b"<!DOCTYPE html><html><body>rss</body></html>", Some("text/html")));
        assert!(!is_feed(b"", None));
        assert!(!is_feed(b"plain text", Some("text/plain")));
    }

    #[test]
    fn rss_items_with_links_dates_and_teasers() {
        let xml = rss(r#"<item><title>Clash near Hit</title><link>/2020/05/clash.html</link>
            <pubDate>Fri, 15 May 2020 08:00:00 +0000</pubDate><description>Short teaser.</description>
            <guid>a1</guid></item>"#);
        let items = parse_feed(xml.as_bytes(), "http://news.test/feed.xml").unwrap();
        assert_eq!(items.len(), 1);
        let it = &items[0];
        assert_eq!(it.title.as_deref(), Some("Clash near Hit"));
        assert_eq!(it.link.as_deref(), Some("http://news.test/2020/05/clash.html"));
        assert_eq!(it.published, NaiveDate::from_ymd_opt(2020, 5, 15));
        assert_eq!(it.full_text, None);
    }

    #[test]
    fn rss_content_encoded_is_full_text() {
        let body = format!("<p>{}</p><p>{}</p>", LONG.repeat(2), LONG.repeat(2));
        let xml = rss(&format!(
            "<item><title>t</title><link>http://news.test/b</link>\
             <content:encoded><![CDATA[{body}<script>x()</script>]]></content:encoded></item>"
        ));
        let items = parse_feed(xml.as_bytes(), "http://news.test/feed.xml").unwrap();
        let text = items[0].full_text.as_deref().expect("full text");
        assert!(text.starts_with("Security forces said"), "{text}");
        assert_eq!(text.matches("\n\n").count(), 1, "two paragraphs: {text}");
        assert!(!text.contains("x()"));
    }

    #[test]
    fn atom_entries_use_published_then_updated() {
        let xml = format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Desk</title><id>urn:d</id><updated>2021-01-02T00:00:00Z</updated>
<entry><title type="html">Raid in &lt;b&gt;Hawija&lt;/b&gt;</title><id>urn:1</id>
 <link rel="alternate" href="http://news.test/raid"/><updated>2021-01-02T10:00:00Z</updated>
 <published>2021-01-01T10:00:00Z</published><summary>teaser</summary></entry>
<entry><title>Full</title><id>urn:2</id><updated>2021-01-03T10:00:00Z</updated>
 <content type="html">&lt;p&gt;{LONG}{LONG}{LONG}{LONG}&lt;/p&gt;</content></entry>
</feed>"#
        );
        let items = parse_feed(xml.as_bytes(), "http://news.test/atom.xml").unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].title.as_deref(), Some("Raid in Hawija"));
        assert_eq!(items[0].published, NaiveDate::from_ymd_opt(2021, 1, 1));
        assert_eq!(items[0].link.as_deref(), Some("http://news.test/raid"));
        assert!(items[0].full_text.is_none());
        assert_eq!(items[1].published, NaiveDate::from_ymd_opt(2021, 1, 3));
        assert_eq!(items[1].link, None);
        assert_eq!(items[1].id, "urn:2");
        assert!(items[1].full_text.as_deref().unwrap().starts_with("Security forces"));
    }

    #[test]
    fn windows_1256_feed_decodes_by_its_xml_declaration() {
        let title = "انفجار قرب سوق في بعقوبة";
        let xml = format!(
            "<?xml version=\"1.0\" encoding=\"windows-1256\"?><rss version=\"2.0\"><channel><title>t</title>\
             <item><title>{title}</title><link>http://x.test/a</link></item></channel></rss>"
        );
        let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode(&xml);
        let items = parse_feed(&bytes, "http://x.test/f").unwrap();
        assert_eq!(items[0].title.as_deref(), Some(title));
    }

    #[test]
    fn item_dates_are_the_publishers_dates() {
        let xml = rss("<item><title>a</title><link>http://n.test/a</link>\
             <pubDate>Sun, 14 Mar 2021 01:30:00 +0300</pubDate></item>\
             <item><title>b</title><link>http://n.test/b</link>\
             <pubDate>2021-03-14T23:30:00-05:00</pubDate></item>\
             <item><title>c</title><link>http://n.test/c</link>\
             <pubDate>Mon, 14 Mar 2021 10:00:00 GMT</pubDate></item>\
             <item><title>d</title><link>http://n.test/d</link>\
             <pubDate>2021-03-14 10:00</pubDate></item>");
        let items = parse_feed(xml.as_bytes(), "http://n.test/f").unwrap();
        let dates: Vec<_> = items.iter().map(|i| i.published).collect();
        let d14 = NaiveDate::from_ymd_opt(2021, 3, 14);
        assert_eq!(dates[..2], [d14, d14], "not moved by the UTC conversion");
        // A form only feed-rs's lenient parser reads still gets its date.
        assert_eq!(dates[2], d14);
        // Neither RFC: the ISO date prefix is still a date.
        assert_eq!(dates[3], d14);
    }

    #[test]
    fn garbage_is_a_clear_error() {
        let e = parse_feed(b"<html>nope</html>", "http://x/f").unwrap_err().to_string();
        assert!(e.starts_with("http://x/f: not a readable RSS/Atom feed"), "{e}");
    }
}
