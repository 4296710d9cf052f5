//! A report as the text readers get it: header block, dates, sentences,
//! toponyms, casualty counts, actors.
#![no_main]

use incidentmap::document::Document;
use incidentmap::extract::{ExtractOptions, extract_document};
use incidentmap::gazetteer::Gazetteer;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| Gazetteer::embedded().expect("the embedded gazetteer loads"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let doc = Document::from_text("fuzz", "fuzz.txt", text.to_string());
    let opts = ExtractOptions { published: chrono::NaiveDate::from_ymd_opt(2020, 5, 15), country: None };
    // extract() would catch a panic per document; call the inner function so
    // that a panic reaches the fuzzer.
    let _ = extract_document(gazetteer(), &doc, &opts);
    let _ = incidentmap::geoparse::geoparse(gazetteer(), &doc, &Default::default());
});
