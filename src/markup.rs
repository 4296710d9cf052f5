//! Escaping text for markup: XML (QGIS styles, SVG pictures) and HTML (the
//! server's pages).

/// Text for XML content and attribute values. Control characters that XML
/// 1.0 forbids become spaces.
pub fn xml(s: &str) -> String {
    escape(s, "&apos;", true)
}

/// Text for HTML content and attribute values.
pub fn html(s: &str) -> String {
    escape(s, "&#39;", false)
}

fn escape(s: &str, apos: &str, controls_to_space: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str(apos),
            c if controls_to_space && (c as u32) < 0x20 && c != '\t' && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn xml_and_html_differ_only_in_the_apostrophe_and_controls() {
        assert_eq!(super::xml("a<b & 'c' \"d\"\u{1}"), "a&lt;b &amp; &apos;c&apos; &quot;d&quot; ");
        assert_eq!(super::html("a<b & 'c' \"d\"\u{1}"), "a&lt;b &amp; &#39;c&#39; &quot;d&quot;\u{1}");
    }
}
