//! The integration tests: one test binary (linked once, not once per file)
//! with a module per area. Most run the real `incidentmap` binary.

mod cluster;
mod examples;
mod export;
mod export_gdal;
mod fetch_http;
mod gazetteer_import;
mod geocode;
mod geoparse_rules;
mod map;
mod map_web;
mod near;
