//! CSV and ACLED exports read as an incident layer.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::read_layer(data, "csv");
    common::read_layer(data, "tsv");
});
