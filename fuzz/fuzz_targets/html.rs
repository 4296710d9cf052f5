//! A web page: charset sniffing, decoding and article extraction.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = incidentmap::document::html::extract_article(data, None);
    let _ = incidentmap::document::html::extract_article(data, Some("text/html; charset=windows-1256"));
    let _ = incidentmap::document::charset::decode(data, Some("text/html"));
});
