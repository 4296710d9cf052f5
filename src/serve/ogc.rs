//! OGC API - Features Part 1 Core (OGC 17-069r4) over a [`Catalog`]:
//! routing, format negotiation, paging links and the exception format.
//! Every answer is built from the catalog in memory; no path of the URL is
//! ever looked up on disk.

use serde_json::{Value, json};

use super::catalog::{Catalog, CollectionId, Selection, ZoomFilter};
use super::html;
use super::http::{Request, Response};
use super::openapi::{self, OPENAPI_JSON};
use super::params::{self, BadParam, DEFAULT_LIMIT};
use crate::export::geojson::FeatureBuf;

const GEOJSON: &str = "application/geo+json";
const JSON: &str = "application/json";
const HTML: &str = "text/html; charset=utf-8";
const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

/// The conformance classes this server implements.
pub const CONFORMANCE: [&str; 6] = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
];

/// An OGC exception response: `{"code": ..., "description": ...}`, the
/// description naming the parameter (or part of the request) at fault.
pub fn exception(status: u16, code: &str, what: &str, message: &str) -> Response {
    let body = json!({ "code": code, "description": format!("{what}: {message}") });
    Response::new(status, JSON, body.to_string().into_bytes()).with("Access-Control-Allow-Origin", "*")
}

fn bad(e: BadParam) -> Response {
    exception(400, "InvalidParameterValue", &format!("parameter {:?}", e.param), &e.message)
}

fn not_found(what: &str) -> Response {
    exception(404, "NotFound", what, "no such resource")
}

/// How a response is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Html,
}

/// `f=json|html` first, else the Accept header: HTML when it asks for
/// text/html before any JSON type (a browser), JSON otherwise.
fn negotiate(f: Option<&str>, accept: Option<&str>) -> Result<Format, BadParam> {
    match f.map(str::to_ascii_lowercase).as_deref() {
        Some("json" | "geojson") => return Ok(Format::Json),
        Some("html") => return Ok(Format::Html),
        Some(_) => return Err(BadParam::new("f", "expected json or html")),
        None => {}
    }
    let accept = accept.unwrap_or("").to_ascii_lowercase();
    let html = accept.find("text/html");
    let json = accept.find("json");
    Ok(match (html, json) {
        (Some(h), Some(j)) if h < j => Format::Html,
        (Some(_), None) => Format::Html,
        _ => Format::Json,
    })
}

/// A request, split and decoded.
struct Ctx<'a> {
    base: String,
    path: &'a str,
    query: Vec<(String, String)>,
    format: Format,
    if_none_match: Option<&'a str>,
}

impl Ctx<'_> {
    fn param(&self, k: &str) -> Option<&str> {
        self.query.iter().find(|(q, _)| q == k).map(|(_, v)| v.as_str())
    }

    /// 400 for a parameter this resource does not take.
    fn only(&self, allowed: &[&str]) -> Result<(), BadParam> {
        match self.query.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
            Some((k, _)) => Err(BadParam::new(k, "unknown parameter for this resource")),
            None => Ok(()),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn link(&self, path: &str, rel: &str, ty: &str, title: &str) -> Value {
        json!({ "href": self.url(path), "rel": rel, "type": ty, "title": title })
    }

    /// `self` and `alternate` links for a resource at `path` (no query).
    fn self_links(&self, path: &str, json_type: &str) -> Vec<Value> {
        let (json_rel, html_rel) = match self.format {
            Format::Json => ("self", "alternate"),
            Format::Html => ("alternate", "self"),
        };
        vec![
            self.link(&format!("{path}?f=json"), json_rel, json_type, "this document as JSON"),
            self.link(&format!("{path}?f=html"), html_rel, "text/html", "this document as HTML"),
        ]
    }
}

/// The scheme and host links are written with: the request's Host header
/// when it is a plain host\[:port\], else the address bound.
fn base_url(req: &Request, bound: &str) -> String {
    let ok = |h: &&str| {
        !h.is_empty() && h.len() <= 255 && h.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
    };
    match req.header("host").filter(ok) {
        Some(h) => format!("http://{h}"),
        None => bound.trim_end_matches('/').to_string(),
    }
}

/// Answers one request. `bound` is the server's own URL, used for links
/// when the request names no usable host.
pub fn handle(cat: &Catalog, req: &Request, bound: &str) -> Response {
    let resp = match req.method.as_str() {
        "GET" | "HEAD" => route(cat, req, bound),
        "OPTIONS" => Response { status: 204, headers: Vec::new(), body: Vec::new() }
            .with("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
            .with("Access-Control-Allow-Headers", "*")
            .with("Access-Control-Max-Age", "86400"),
        _ => exception(405, "MethodNotAllowed", "method", "only GET, HEAD and OPTIONS: this server is read-only")
            .with("Allow", "GET, HEAD, OPTIONS"),
    };
    if resp.header("Access-Control-Allow-Origin").is_some() {
        resp
    } else {
        resp.with("Access-Control-Allow-Origin", "*")
    }
}

fn route(cat: &Catalog, req: &Request, bound: &str) -> Response {
    if req.target.len() > 8 * 1024 {
        return exception(414, "InvalidParameterValue", "request target", "longer than 8 KiB");
    }
    let (raw_path, raw_query) = req.target.split_once('?').unwrap_or((&req.target, ""));
    let query = match params::parse_query(raw_query) {
        Ok(q) => q,
        Err(e) => return bad(e),
    };
    let path = match params::percent_decode(raw_path, "path") {
        Ok(p) => p,
        Err(_) => return not_found("path"),
    };
    let path = if path.len() > 1 { path.trim_end_matches('/') } else { path.as_str() };
    let f = query.iter().find(|(k, _)| k == "f").map(|(_, v)| v.as_str());
    let format = match negotiate(f, req.header("accept")) {
        Ok(f) => f,
        Err(e) => return bad(e),
    };
    let ctx = Ctx {
        base: base_url(req, bound),
        path,
        query: query.clone(),
        format,
        if_none_match: req.header("if-none-match"),
    };
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let result = match segs[..] {
        [""] => ctx.only(&["f"]).map(|_| landing(cat, &ctx)),
        ["map", ref rest @ ..] => Ok(super::map::route(cat, rest, raw_path.ends_with('/'), ctx.if_none_match)),
        ["api"] => ctx.only(&["f"]).map(|_| api(cat, &ctx)),
        ["conformance"] => ctx.only(&["f"]).map(|_| conformance(&ctx)),
        ["collections"] => ctx.only(&["f"]).map(|_| collections(cat, &ctx)),
        ["collections", id, ref rest @ ..] => match CollectionId::parse(id) {
            None => Ok(not_found(&format!("collection {id:?}"))),
            Some(c) => match rest {
                [] => ctx.only(&["f"]).map(|_| collection(cat, &ctx, c)),
                ["queryables"] => ctx.only(&["f"]).map(|_| queryables(&ctx, c)),
                ["items"] => items(cat, &ctx, c),
                ["clusters"] if c == CollectionId::Incidents => zoom_clusters(cat, &ctx),
                ["items", fid] => ctx.only(&["f"]).map(|_| item(cat, &ctx, c, fid)),
                _ => Ok(not_found("path")),
            },
        },
        _ => Ok(not_found("path")),
    };
    result.unwrap_or_else(bad)
}

fn json_response(ctx: &Ctx, ty: &str, v: &Value, title: &str) -> Response {
    match ctx.format {
        Format::Json => Response::new(200, ty, serde_json::to_vec(v).expect("JSON values serialise")),
        Format::Html => Response::new(200, HTML, html::page(title, v).into_bytes()),
    }
}

fn landing(cat: &Catalog, ctx: &Ctx) -> Response {
    let mut links = ctx.self_links("/", JSON);
    // QGIS's OAPIF provider refuses a landing page without `service-desc`.
    links.push(ctx.link("/api", "service-desc", OPENAPI_JSON, "the API definition (OpenAPI 3.0)"));
    links.push(ctx.link("/api?f=html", "service-doc", "text/html", "the API definition as HTML"));
    links.push(ctx.link("/conformance", "conformance", JSON, "OGC API conformance classes"));
    links.push(ctx.link("/collections", "data", JSON, "the collections"));
    links.push(ctx.link("/map", "alternate", "text/html", "web map of the incidents"));
    let v = json!({
        "title": cat.title(),
        "description": format!("{} incidents served by incidentmap (OGC API - Features)", cat.len(CollectionId::Incidents)),
        "links": links,
    });
    json_response(ctx, JSON, &v, cat.title())
}

fn api(cat: &Catalog, ctx: &Ctx) -> Response {
    json_response(ctx, OPENAPI_JSON, &openapi::definition(cat.title(), &ctx.base), "API definition")
}

fn conformance(ctx: &Ctx) -> Response {
    json_response(ctx, JSON, &json!({ "conformsTo": CONFORMANCE }), "Conformance")
}

fn collection_json(cat: &Catalog, ctx: &Ctx, c: CollectionId) -> Value {
    let path = format!("/collections/{}", c.id());
    let mut links = ctx.self_links(&path, JSON);
    links.push(ctx.link(&format!("{path}/items?f=json"), "items", GEOJSON, "the features as GeoJSON"));
    links.push(ctx.link(&format!("{path}/items?f=html"), "items", "text/html", "the features as HTML"));
    links.push(ctx.link(
        &format!("{path}/queryables"),
        "http://www.opengis.net/def/rel/ogc/1.0/queryables",
        "application/schema+json",
        "the queryable properties",
    ));
    let bbox = cat.extent(c).unwrap_or([-180.0, -90.0, 180.0, 90.0]);
    let interval = match cat.time_extent(c) {
        Some((a, b)) => json!([[format!("{a}T00:00:00Z"), format!("{b}T23:59:59Z")]]),
        None => json!([[null, null]]),
    };
    json!({
        "id": c.id(),
        "title": c.title(),
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": CRS84,
        "extent": {
            "spatial": { "bbox": [bbox], "crs": CRS84 },
            "temporal": { "interval": interval, "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian" },
        },
        "links": links,
    })
}

fn collections(cat: &Catalog, ctx: &Ctx) -> Response {
    let list: Vec<Value> = CollectionId::ALL.iter().map(|&c| collection_json(cat, ctx, c)).collect();
    let v = json!({ "links": ctx.self_links("/collections", JSON), "collections": list });
    json_response(ctx, JSON, &v, "Collections")
}

fn collection(cat: &Catalog, ctx: &Ctx, c: CollectionId) -> Response {
    json_response(ctx, JSON, &collection_json(cat, ctx, c), c.title())
}

fn queryables(ctx: &Ctx, c: CollectionId) -> Response {
    let path = format!("/collections/{}/queryables", c.id());
    let props: serde_json::Map<String, Value> = c
        .queryables()
        .iter()
        .map(|(name, ty, how)| (name.to_string(), json!({ "title": name, "type": ty, "description": how })))
        .collect();
    let v = json!({
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": ctx.url(&path),
        "type": "object",
        "title": c.title(),
        "properties": props,
        "additionalProperties": false,
    });
    json_response(ctx, "application/schema+json", &v, &format!("Queryables of {}", c.id()))
}

/// The query parameters the items of a collection take.
fn item_params(c: CollectionId) -> Vec<&'static str> {
    let mut p = vec!["f", "limit", "offset", "bbox", "bbox-crs", "crs", "datetime"];
    p.extend(c.queryables().iter().map(|(n, _, _)| *n));
    p
}

/// The selection a request's parameters ask for.
fn selection(ctx: &Ctx, c: CollectionId) -> Result<Selection, BadParam> {
    ctx.only(&item_params(c))?;
    for crs in ["bbox-crs", "crs"] {
        if let Some(v) = ctx.param(crs)
            && v != CRS84
        {
            return Err(BadParam::new(crs, format!("only {CRS84} is offered")));
        }
    }
    let mut sel = Selection {
        bbox: ctx.param("bbox").map(params::parse_bbox).transpose()?,
        dates: ctx.param("datetime").map(params::parse_datetime).transpose()?.unwrap_or_default(),
        ..Selection::default()
    };
    for (name, ty, _) in c.queryables() {
        let Some(v) = ctx.param(name) else { continue };
        if *ty == "integer" {
            sel.min_fatalities =
                Some(v.trim().parse::<u64>().map_err(|_| BadParam::new(name, "expected a non-negative integer"))?);
        } else {
            sel.equals.push((name.to_string(), v.to_string()));
        }
    }
    Ok(sel)
}

/// The query string of this request with `offset` replaced.
fn with_offset(ctx: &Ctx, offset: usize) -> String {
    let mut parts: Vec<String> =
        ctx.query.iter().filter(|(k, _)| k != "offset").map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    parts.push(format!("offset={offset}"));
    parts.join("&")
}

/// Percent-encodes a query component (RFC 3986 unreserved characters kept).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~,:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A strong ETag of a body; a matching If-None-Match gets 304.
fn with_etag(ctx: &Ctx, resp: Response) -> Response {
    etag(ctx.if_none_match, resp)
}

/// [`with_etag`] given the request's If-None-Match.
pub(super) fn etag(if_none_match: Option<&str>, resp: Response) -> Response {
    let tag = format!("\"{:016x}\"", crate::hash::fnv1a64(&resp.body));
    if if_none_match.is_some_and(|m| m.split(',').any(|t| t.trim() == tag || t.trim() == "*")) {
        return Response { status: 304, headers: Vec::new(), body: Vec::new() }.with("ETag", tag);
    }
    resp.with("ETag", tag)
}

fn items(cat: &Catalog, ctx: &Ctx, c: CollectionId) -> Result<Response, BadParam> {
    let sel = selection(ctx, c)?;
    let limit = ctx.param("limit").map(params::parse_limit).transpose()?.unwrap_or(DEFAULT_LIMIT);
    let offset = ctx.param("offset").map(|v| params::parse_count("offset", v)).transpose()?.unwrap_or(0);
    let matched = cat.select(c, &sel);
    let page = matched.get(offset.min(matched.len())..).unwrap_or(&[]);
    let page = &page[..page.len().min(limit)];
    let path = format!("/collections/{}/items", c.id());
    if ctx.format == Format::Html {
        let body = html::items_page(cat, c, page, matched.len(), offset, &ctx.url(&path));
        return Ok(with_etag(ctx, Response::new(200, HTML, body.into_bytes())));
    }
    let mut links = vec![
        ctx.link(&format!("{path}?{}", with_offset(ctx, offset)), "self", GEOJSON, "this page"),
        ctx.link(&format!("/collections/{}", c.id()), "collection", JSON, "the collection"),
    ];
    if offset + page.len() < matched.len() {
        links.push(ctx.link(
            &format!("{path}?{}", with_offset(ctx, offset + page.len())),
            "next",
            GEOJSON,
            "next page",
        ));
    }
    if offset > 0 {
        let prev = offset.saturating_sub(limit);
        links.push(ctx.link(&format!("{path}?{}", with_offset(ctx, prev)), "prev", GEOJSON, "previous page"));
    }
    let mut body = Vec::with_capacity(256 + page.len() * 1024);
    body.extend_from_slice(b"{\"type\":\"FeatureCollection\",\"numberMatched\":");
    body.extend_from_slice(matched.len().to_string().as_bytes());
    body.extend_from_slice(b",\"numberReturned\":");
    body.extend_from_slice(page.len().to_string().as_bytes());
    body.extend_from_slice(b",\"links\":");
    body.extend_from_slice(&serde_json::to_vec(&links).expect("JSON values serialise"));
    body.extend_from_slice(b",\"features\":[");
    let mut buf = FeatureBuf::new();
    for (n, &pos) in page.iter().enumerate() {
        if n > 0 {
            body.push(b',');
        }
        body.push(b'\n');
        cat.feature_json(c, pos, &mut buf);
        body.extend_from_slice(&buf.buf);
    }
    body.extend_from_slice(b"\n]}\n");
    Ok(with_etag(ctx, Response::new(200, GEOJSON, body)))
}

/// `/collections/incidents/clusters?zoom=Z[&bbox=...][&limit=N]`: what a
/// web map shows at zoom Z, as GeoJSON: clusters (`cluster: true`,
/// `point_count`, `fatalities`, `representative_id`) and, where an incident
/// stands alone, the incident's own feature (`cluster: false`).
/// `datetime` and `event_type` select the incidents clustered, as they
/// select items.
fn zoom_clusters(cat: &Catalog, ctx: &Ctx) -> Result<Response, BadParam> {
    ctx.only(&["f", "zoom", "bbox", "limit", "datetime", "event_type"])?;
    // GeoJSON whatever a browser's Accept says; only an explicit f=html is refused.
    if ctx.param("f").is_some_and(|f| f.eq_ignore_ascii_case("html")) {
        return Err(BadParam::new("f", "clusters are served as GeoJSON only"));
    }
    let zoom = ctx.param("zoom").ok_or_else(|| BadParam::new("zoom", "required: a zoom level 0 to 20"))?;
    let zoom = match zoom.trim().parse::<u8>() {
        Ok(z) if z <= crate::spatial::zoom::MAX_QUERY_ZOOM => z,
        _ => return Err(BadParam::new("zoom", "expected an integer zoom level 0 to 20")),
    };
    let bbox = ctx.param("bbox").map(params::parse_bbox).transpose()?.unwrap_or([-180.0, -90.0, 180.0, 90.0]);
    let limit = ctx.param("limit").map(params::parse_limit).transpose()?.unwrap_or(params::MAX_LIMIT);
    let filter = ZoomFilter {
        dates: ctx.param("datetime").map(params::parse_datetime).transpose()?.unwrap_or_default(),
        event_type: ctx.param("event_type").map(|t| t.trim().to_string()).filter(|t| !t.is_empty()),
    };
    let all = cat.zoom_clusters(&filter, bbox, zoom);
    let page = &all[..all.len().min(limit)];
    let incidents = cat.incidents();
    let mut buf = FeatureBuf::new();
    let mut body = format!(
        "{{\"type\":\"FeatureCollection\",\"numberMatched\":{},\"numberReturned\":{},\"features\":[",
        all.len(),
        page.len()
    )
    .into_bytes();
    for (n, c) in page.iter().enumerate() {
        if n > 0 {
            body.push(b',');
        }
        body.push(b'\n');
        match c.item {
            crate::spatial::zoom::ZoomItem::Incident(i) => {
                buf.incident(&incidents[i], &[], &[]);
                let mut f = buf.buf.clone();
                f.truncate(f.len() - 2);
                f.extend_from_slice(b",\"cluster\":false,\"point_count\":1}}");
                body.extend_from_slice(&f);
            }
            crate::spatial::zoom::ZoomItem::Cluster(id) => {
                let v = json!({
                    "type": "Feature",
                    "id": id,
                    "geometry": { "type": "Point", "coordinates": [c.position.lon, c.position.lat] },
                    "properties": {
                        "cluster": true,
                        "cluster_id": id,
                        "point_count": c.count,
                        "fatalities": c.fatalities,
                        "representative_id": incidents[c.representative].id,
                    },
                });
                body.extend_from_slice(v.to_string().as_bytes());
            }
        }
    }
    body.extend_from_slice(b"\n]}\n");
    Ok(with_etag(ctx, Response::new(200, GEOJSON, body)))
}

fn item(cat: &Catalog, ctx: &Ctx, c: CollectionId, fid: &str) -> Response {
    let Some(pos) = fid.parse::<u64>().ok().and_then(|id| cat.find(c, id)) else {
        return not_found(&format!("feature {fid:?} of {}", c.id()));
    };
    if ctx.format == Format::Html {
        let body = html::items_page(cat, c, &[pos], 1, 0, &ctx.url(&format!("/collections/{}/items", c.id())));
        return with_etag(ctx, Response::new(200, HTML, body.into_bytes()));
    }
    let mut buf = FeatureBuf::new();
    cat.feature_json(c, pos, &mut buf);
    // The feature's JSON with links added before its closing brace.
    let links = vec![
        ctx.link(ctx.path, "self", GEOJSON, "this feature"),
        ctx.link(&format!("/collections/{}", c.id()), "collection", JSON, "the collection"),
    ];
    let mut body = buf.buf;
    body.pop();
    body.extend_from_slice(b",\"links\":");
    body.extend_from_slice(&serde_json::to_vec(&links).expect("JSON values serialise"));
    body.extend_from_slice(b"}\n");
    with_etag(ctx, Response::new(200, GEOJSON, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::geojson::tests::sample;

    fn get(cat: &Catalog, target: &str) -> Response {
        let req = Request { method: "GET".into(), target: target.into(), headers: vec![("host".into(), "h:1".into())] };
        handle(cat, &req, "http://127.0.0.1:1/")
    }

    fn catalog() -> Catalog {
        let incs: Vec<_> = (1..=5).map(sample).collect();
        Catalog::new("t", incs, Vec::new(), Vec::new())
    }

    #[test]
    fn negotiation_prefers_f_then_accept() {
        assert_eq!(negotiate(Some("HTML"), Some("application/json")).unwrap(), Format::Html);
        assert_eq!(negotiate(None, Some("text/html,application/xhtml+xml,*/*")).unwrap(), Format::Html);
        assert_eq!(negotiate(None, Some("application/geo+json, text/html")).unwrap(), Format::Json);
        assert_eq!(negotiate(None, None).unwrap(), Format::Json);
        assert_eq!(negotiate(Some("xml"), None).unwrap_err().param, "f");
    }

    #[test]
    fn paging_links_keep_the_other_parameters() {
        let cat = catalog();
        let r = get(&cat, "/collections/incidents/items?limit=2&offset=2&admin1=Diyala");
        assert_eq!(r.status, 200);
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!((v["numberMatched"].as_u64(), v["numberReturned"].as_u64()), (Some(5), Some(2)));
        let href = |rel: &str| {
            v["links"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["rel"] == rel)
                .map(|l| l["href"].as_str().unwrap().to_string())
        };
        assert_eq!(href("next").unwrap(), "http://h:1/collections/incidents/items?limit=2&admin1=Diyala&offset=4");
        assert_eq!(href("prev").unwrap(), "http://h:1/collections/incidents/items?limit=2&admin1=Diyala&offset=0");
        assert!(r.header("ETag").is_some());
    }

    #[test]
    fn zoom_clusters_are_geojson_even_for_a_browser() {
        let cat = catalog();
        let req = Request {
            method: "GET".into(),
            target: "/collections/incidents/clusters?zoom=3".into(),
            headers: vec![("accept".into(), "text/html,*/*".into())],
        };
        let r = handle(&cat, &req, "http://127.0.0.1:1/");
        assert_eq!((r.status, r.header("Content-Type")), (200, Some(GEOJSON)));
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(v["features"][0]["properties"]["point_count"], 5);
        assert_eq!(get(&cat, "/collections/incidents/clusters?zoom=3&f=html").status, 400);
    }

    #[test]
    fn the_landing_page_links_the_openapi_definition_qgis_requires() {
        let cat = catalog();
        let v: Value = serde_json::from_slice(&get(&cat, "/").body).unwrap();
        let desc = v["links"].as_array().unwrap().iter().find(|l| l["rel"] == "service-desc").unwrap();
        assert_eq!((desc["href"].as_str(), desc["type"].as_str()), (Some("http://h:1/api"), Some(OPENAPI_JSON)));
        let r = get(&cat, "/api");
        assert_eq!((r.status, r.header("Content-Type")), (200, Some(OPENAPI_JSON)));
        let api: Value = serde_json::from_slice(&r.body).unwrap();
        let limit = &api["components"]["parameters"]["limit"]["schema"];
        assert_eq!((limit["default"].as_u64(), limit["maximum"].as_u64()), (Some(100), Some(10_000)));
        assert_eq!(api["servers"][0]["url"], "http://h:1");
        assert_eq!(get(&cat, "/api?f=html").header("Content-Type"), Some(HTML));
        assert_eq!(get(&cat, "/api?limit=3").status, 400);
    }

    #[test]
    fn links_fall_back_to_the_bound_address_for_a_strange_host() {
        let cat = catalog();
        let req = Request { method: "GET".into(), target: "/".into(), headers: vec![("host".into(), "<x>".into())] };
        let v: Value = serde_json::from_slice(&handle(&cat, &req, "http://127.0.0.1:1/").body).unwrap();
        assert!(v["links"][0]["href"].as_str().unwrap().starts_with("http://127.0.0.1:1/"), "{v}");
    }

    #[test]
    fn encoding_round_trips_through_the_parser() {
        let s = "Explosions/Remote violence & more=yes%";
        let q = params::parse_query(&format!("k={}", encode(s))).unwrap();
        assert_eq!(q[0].1, s);
    }
}
