//! A GeoPackage (an SQLite file) read as an incident layer, and the
//! geometry blobs inside one.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let _ = incidentmap::input::gpkg::point_from_blob(data);
    common::read_layer(data, "gpkg");
});
