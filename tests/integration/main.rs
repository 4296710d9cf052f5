//! The integration tests: one test binary (linked once, not once per file)
//! with a module per area. Most run the real `incidentmap` binary through
//! the one runner in `util` (temporary directories, fixtures, arguments,
//! standard input and environment, exit code and output).
//!
//! `tests/spatial_props.rs` stays a binary of its own: it is library-only
//! property testing that uses nothing here, and apart it neither rebuilds
//! (proptest macros and all) when a CLI test changes nor the other way round.

mod cluster;
mod examples;
mod export;
mod export_gdal;
mod fetch_http;
mod front_door;
mod gazetteer_import;
mod geocode;
mod geoparse_rules;
mod kill;
mod map;
mod map_web;
mod near;
mod pictures;
mod postgis;
mod qgis;
mod serve;
mod serve_map;
mod util;
