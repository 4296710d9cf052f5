//! GeoJSON text sequences and JSON lines read as an incident layer.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::read_layer(data, "geojsonl");
});
