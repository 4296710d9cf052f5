//! The web map at `/map`: a MapLibre GL JS page that draws the incidents
//! as zoom-level clusters over an offline base map, with a date-range
//! slider, an event-type filter and popups.
//!
//! Everything the page needs is in the binary: MapLibre GL JS (vendored in
//! `assets/maplibre-gl/`, see its README), the page's own HTML, script and
//! style (`assets/map/`), and the base map, computed at start from the
//! gazetteer's Natural Earth outlines ([`super::basemap`]). The page asks
//! the server for the clusters of its current zoom and view
//! (`collections/incidents/clusters`) each time the view or a filter
//! changes, so the browser only ever holds what it shows. Its URLs are
//! relative, so it works under whatever host name the server is reached
//! by, and its Content-Security-Policy lets it connect to this server only.
//!
//! | path | what |
//! |---|---|
//! | `/map` | the page |
//! | `/map/map.js`, `/map/map.css` | its script and style |
//! | `/map/maplibre-gl-VERSION.js`, `.css` | MapLibre GL JS, cached for good (the version is in the URL) |
//! | `/map/basemap.geojson` | provinces and dissolved country outlines |

use serde_json::json;

use super::catalog::{Catalog, CollectionId};
use super::http::Response;

/// The vendored MapLibre GL JS release.
pub const MAPLIBRE_VERSION: &str = "5.24.1";

static MAPLIBRE_JS: &[u8] = include_bytes!("../../assets/maplibre-gl/maplibre-gl.js");
static MAPLIBRE_CSS: &[u8] = include_bytes!("../../assets/maplibre-gl/maplibre-gl.css");
static PAGE_HTML: &str = include_str!("../../assets/map/map.html");
static PAGE_JS: &[u8] = include_bytes!("../../assets/map/map.js");
static PAGE_CSS: &[u8] = include_bytes!("../../assets/map/map.css");

use crate::export::palette::{EVENT_TYPE_COLOURS, FALLBACK_COLOUR};

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";
/// The vendored library never changes under its versioned URL.
const FOREVER: &str = "public, max-age=31536000, immutable";
/// The page and its data change when the server is restarted on other
/// inputs: revalidate every time (cheap, with the ETag).
const REVALIDATE: &str = "no-cache";
/// What the page may load: its own server's resources, MapLibre's worker
/// (started from a blob URL) and the data URLs of its control icons.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
                   worker-src blob:; child-src blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
                   frame-ancestors 'none'; form-action 'none'";

fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// What the page starts from, as JSON: title, colours, the incidents'
/// extent and days, and the URLs of the library files.
fn config(cat: &Catalog) -> serde_json::Value {
    let time = cat.time_extent(CollectionId::Incidents);
    json!({
        "title": cat.title(),
        "incidents": cat.len(CollectionId::Incidents),
        "extent": cat.extent(CollectionId::Incidents),
        "first_date": time.map(|(a, _)| a.to_string()),
        "last_date": time.map(|(_, b)| b.to_string()),
        "event_types": EVENT_TYPE_COLOURS.iter().map(|(t, c)| json!([t, hex(*c)])).collect::<Vec<_>>(),
        "fallback_colour": hex(FALLBACK_COLOUR),
    })
}

/// The page, with its configuration inlined as a JSON data block. `<` is
/// escaped inside it, so no title can close the block.
fn page(cat: &Catalog) -> String {
    let config = config(cat).to_string().replace('<', "\\u003c");
    PAGE_HTML
        .replace("{{TITLE}}", &super::html::escape(cat.title()))
        .replace("{{MAPLIBRE_VERSION}}", MAPLIBRE_VERSION)
        .replace("{{CONFIG}}", &config)
}

/// Answers a path under `/map/` (`rest`: its segments after `map`; `slash`:
/// whether the path ended in `/`). Only these fixed names are answered;
/// nothing is read from disk.
pub fn route(cat: &Catalog, rest: &[&str], slash: bool, if_none_match: Option<&str>) -> Response {
    let js = format!("maplibre-gl-{MAPLIBRE_VERSION}.js");
    let css = format!("maplibre-gl-{MAPLIBRE_VERSION}.css");
    let fresh = |ty: &str, body: Vec<u8>| {
        super::ogc::etag(if_none_match, Response::new(200, ty, body).with("Cache-Control", REVALIDATE))
    };
    match rest {
        // `/map/` would resolve the page's relative URLs under `/map/map/`.
        [] if slash => Response::new(308, HTML, Vec::new()).with("Location", "../map"),
        [] => fresh(HTML, page(cat).into_bytes())
            .with("Content-Security-Policy", CSP)
            .with("X-Content-Type-Options", "nosniff"),
        ["map.js"] => fresh(JS, PAGE_JS.to_vec()),
        ["map.css"] => fresh(CSS, PAGE_CSS.to_vec()),
        ["basemap.geojson"] => fresh("application/geo+json", cat.basemap().as_bytes().to_vec()),
        [name] if *name == js => Response::new(200, JS, MAPLIBRE_JS.to_vec()).with("Cache-Control", FOREVER),
        [name] if *name == css => Response::new(200, CSS, MAPLIBRE_CSS.to_vec()).with("Cache-Control", FOREVER),
        _ => super::ogc::exception(404, "NotFound", "path", "no such resource"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::geojson::tests::sample;

    fn catalog(title: &str) -> Catalog {
        Catalog::new(title, (1..=3).map(sample).collect(), Vec::new(), Vec::new())
    }

    fn config_of(html: &str) -> serde_json::Value {
        let start = html.find("<script id=\"config\" type=\"application/json\">").expect("config block");
        let rest = &html[start..];
        let body = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
        serde_json::from_str(body).unwrap()
    }

    #[test]
    fn the_page_carries_its_config_and_a_title_cannot_escape_it() {
        let title = "</script><script>alert(1)</script>";
        let cat = catalog(title);
        let r = route(&cat, &[], false, None);
        assert_eq!((r.status, r.header("Content-Type")), (200, Some(HTML)));
        assert!(r.header("Content-Security-Policy").unwrap().contains("connect-src 'self'"));
        let html = String::from_utf8(r.body).unwrap();
        assert!(!html.contains("<script>alert"), "{html}");
        let c = config_of(&html);
        assert_eq!(c["title"], title);
        assert_eq!(c["incidents"], 3);
        assert_eq!(c["event_types"].as_array().unwrap().len(), 6);
        assert_eq!(c["event_types"][0], json!(["Battles", "#d55e00"]));
        assert!(html.contains(&format!("maplibre-gl-{MAPLIBRE_VERSION}.js")));
        // Relative URLs only: the page works under any host name.
        assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("src=\"/"), "{html}");
    }

    #[test]
    fn assets_have_their_types_and_caching() {
        let cat = catalog("t");
        let js = format!("maplibre-gl-{MAPLIBRE_VERSION}.js");
        let r = route(&cat, &[&js], false, None);
        assert_eq!((r.status, r.header("Content-Type"), r.header("Cache-Control")), (200, Some(JS), Some(FOREVER)));
        assert!(r.body.starts_with(b"/**\n * MapLibre GL JS"));
        let css = format!("maplibre-gl-{MAPLIBRE_VERSION}.css");
        assert_eq!(route(&cat, &[&css], false, None).header("Content-Type"), Some(CSS));
        let page_js = route(&cat, &["map.js"], false, None);
        assert_eq!((page_js.header("Content-Type"), page_js.header("Cache-Control")), (Some(JS), Some(REVALIDATE)));
        let tag = page_js.header("ETag").unwrap().to_string();
        assert_eq!(route(&cat, &["map.js"], false, Some(&tag)).status, 304);
        // An older version's URL, other names and paths: not found.
        for bad in [&["maplibre-gl-1.0.0.js"][..], &["..", "Cargo.toml"], &["map.js", "x"], &["index.html"]] {
            assert_eq!(route(&cat, bad, false, None).status, 404, "{bad:?}");
        }
        let slash = route(&cat, &[], true, None);
        assert_eq!((slash.status, slash.header("Location")), (308, Some("../map")));
    }
}
