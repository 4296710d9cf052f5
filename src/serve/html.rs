//! The HTML view of each resource: plain pages for people browsing the
//! API, every text escaped.

use serde_json::Value;

use super::catalog::{Catalog, CollectionId};
use crate::export::geojson::FeatureBuf;
pub use crate::markup::html as escape;

fn shell(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <style>body{{font-family:sans-serif;margin:1.5em;max-width:70em}}table{{border-collapse:collapse}}\
         td,th{{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}}\
         pre{{background:#f6f6f6;padding:1em;overflow:auto}}</style></head>\n<body><h1>{t}</h1>\n{body}\n</body></html>\n",
        t = escape(title)
    )
}

/// A JSON resource as HTML: its links as a list, then the document itself.
pub fn page(title: &str, v: &Value) -> String {
    let mut body = String::new();
    let links = v.get("links").and_then(Value::as_array).into_iter().flatten();
    let collection_links = v
        .get("collections")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|c| c.get("links").and_then(Value::as_array).into_iter().flatten());
    body.push_str("<ul>\n");
    for l in links.chain(collection_links) {
        let href = l.get("href").and_then(Value::as_str).unwrap_or("");
        let text = l.get("title").and_then(Value::as_str).unwrap_or(href);
        let rel = l.get("rel").and_then(Value::as_str).unwrap_or("");
        if href.ends_with("/map") {
            // The web map is a page of its own, not a view of this resource.
            body.push_str(&format!("<li><a href=\"{}\">{}</a> ({})</li>\n", escape(href), escape(text), escape(rel)));
            continue;
        }
        if l.get("type").and_then(Value::as_str) == Some("text/html") {
            continue;
        }
        let sep = if href.contains('?') { '&' } else { '?' };
        let html_href =
            if href.contains("f=json") { href.replace("f=json", "f=html") } else { format!("{href}{sep}f=html") };
        body.push_str(&format!("<li><a href=\"{}\">{}</a> ({})</li>\n", escape(&html_href), escape(text), escape(rel)));
    }
    body.push_str("</ul>\n<pre>");
    body.push_str(&escape(&serde_json::to_string_pretty(v).unwrap_or_default()));
    body.push_str("</pre>");
    shell(title, &body)
}

/// A page of features as a table of their properties.
pub fn items_page(
    cat: &Catalog,
    c: CollectionId,
    page: &[usize],
    matched: usize,
    offset: usize,
    items_url: &str,
) -> String {
    let mut body = format!(
        "<p>{} of {matched} features from {}; <a href=\"{}?f=json\">GeoJSON</a></p>\n<table>\n",
        page.len(),
        offset + 1,
        escape(items_url)
    );
    let mut buf = FeatureBuf::new();
    for (n, &pos) in page.iter().enumerate() {
        cat.feature_json(c, pos, &mut buf);
        let feature: Value = serde_json::from_slice(&buf.buf).unwrap_or_default();
        let props = feature.get("properties").and_then(Value::as_object).cloned().unwrap_or_default();
        if n == 0 {
            body.push_str("<tr><th>id</th>");
            for k in props.keys() {
                body.push_str(&format!("<th>{}</th>", escape(k)));
            }
            body.push_str("</tr>\n");
        }
        let fid = cat.feature_id(c, pos);
        body.push_str(&format!("<tr><td><a href=\"{}/{fid}?f=html\">{fid}</a></td>", escape(items_url)));
        for v in props.values() {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            body.push_str(&format!("<td>{}</td>", escape(&text)));
        }
        body.push_str("</tr>\n");
    }
    body.push_str("</table>");
    shell(c.title(), &body)
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(super::escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
