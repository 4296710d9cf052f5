//! `/api`: the OpenAPI 3.0 definition of the server (OGC 17-069r4 §7.2.4,
//! the landing page's `service-desc` link). QGIS's OAPIF provider will not
//! open a layer without it: it reads the page size it may ask for from
//! `components.parameters.limit.schema` (`default`, `maximum`).

use serde_json::{Value, json};

use super::catalog::CollectionId;
use super::params::{DEFAULT_LIMIT, MAX_LIMIT};

/// The media type of the definition, as the landing page links it.
pub const OPENAPI_JSON: &str = "application/vnd.oai.openapi+json;version=3.0";

fn ok(description: &str, media: &[&str]) -> Value {
    let content: serde_json::Map<String, Value> = media.iter().map(|m| (m.to_string(), json!({}))).collect();
    json!({
        "200": { "description": description, "content": content },
        "400": { "$ref": "#/components/responses/InvalidParameter" },
    })
}

fn get(summary: &str, parameters: Value, responses: Value) -> Value {
    json!({ "get": { "summary": summary, "parameters": parameters, "responses": responses } })
}

/// The definition, with `base` (scheme and host, no final `/`) as its server.
pub fn definition(title: &str, base: &str) -> Value {
    let page = ["application/json", "text/html"];
    let items = ["application/geo+json", "text/html"];
    let mut filters: Vec<Value> = Vec::new();
    for c in CollectionId::ALL {
        for (name, ty, how) in c.queryables() {
            if !filters.iter().any(|p| p["name"] == *name) {
                filters.push(json!({
                    "name": name, "in": "query", "required": false, "schema": { "type": ty },
                    "description": format!("{how} (collections that have the property)"),
                }));
            }
        }
    }
    let f = json!({ "$ref": "#/components/parameters/f" });
    let cid = json!({ "$ref": "#/components/parameters/collectionId" });
    let mut item_params = vec![
        f.clone(),
        cid.clone(),
        json!({ "$ref": "#/components/parameters/limit" }),
        json!({ "$ref": "#/components/parameters/offset" }),
        json!({ "$ref": "#/components/parameters/bbox" }),
        json!({ "$ref": "#/components/parameters/datetime" }),
    ];
    item_params.extend(filters);
    let ids: Vec<&str> = CollectionId::ALL.iter().map(|c| c.id()).collect();
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": title,
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Incidents, their clusters and admin-1 areas, served read-only by incidentmap \
                            (OGC API - Features Part 1 Core)",
        },
        "servers": [{ "url": base }],
        "paths": {
            "/": get("Landing page", json!([f]), ok("links to the API, conformance and collections", &page)),
            "/api": get("This API definition", json!([]), ok("the OpenAPI 3.0 definition", &[OPENAPI_JSON])),
            "/conformance": get("Conformance classes", json!([f]), ok("the conformance classes", &page)),
            "/collections": get("The collections", json!([f]), ok("the collections", &page)),
            "/collections/{collectionId}": get("One collection", json!([f, cid]), ok("the collection", &page)),
            "/collections/{collectionId}/items": get("Features", json!(item_params), ok("a page of features", &items)),
            "/collections/{collectionId}/items/{featureId}": get(
                "One feature",
                json!([f, cid, { "$ref": "#/components/parameters/featureId" }]),
                ok("the feature", &items),
            ),
            "/collections/{collectionId}/queryables": get(
                "Queryable properties",
                json!([f, cid]),
                ok("a JSON schema of the queryable properties", &["application/schema+json", "text/html"]),
            ),
        },
        "components": {
            "parameters": {
                "f": { "name": "f", "in": "query", "required": false,
                       "schema": { "type": "string", "enum": ["json", "html"] } },
                "collectionId": { "name": "collectionId", "in": "path", "required": true,
                                  "schema": { "type": "string", "enum": ids } },
                "featureId": { "name": "featureId", "in": "path", "required": true,
                               "schema": { "type": "integer", "minimum": 0 } },
                "limit": { "name": "limit", "in": "query", "required": false, "style": "form", "explode": false,
                           "schema": { "type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                                       "default": DEFAULT_LIMIT } },
                "offset": { "name": "offset", "in": "query", "required": false,
                            "schema": { "type": "integer", "minimum": 0, "default": 0 } },
                "bbox": { "name": "bbox", "in": "query", "required": false, "style": "form", "explode": false,
                          "schema": { "type": "array", "minItems": 4, "maxItems": 4,
                                      "items": { "type": "number" } } },
                "datetime": { "name": "datetime", "in": "query", "required": false, "style": "form",
                              "explode": false, "schema": { "type": "string" } },
            },
            "responses": {
                "InvalidParameter": {
                    "description": "a parameter is wrong; the exception names it",
                    "content": { "application/json": {} },
                },
            },
        },
    })
}
