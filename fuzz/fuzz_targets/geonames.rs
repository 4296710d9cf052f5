//! GeoNames files as `gazetteer import` reads them: the row parsers, then
//! a whole import of the bytes as a plain, gzipped or zipped places file.
#![no_main]

use incidentmap::gazetteer::geonames;
use incidentmap::gazetteer::import::{ImportParams, Input, import};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        for line in s.lines() {
            let _ = geonames::parse_row(line);
            let _ = geonames::parse_code_row(line);
            let _ = geonames::parse_country_row(line);
            let _ = geonames::parse_country_capital(line);
            let _ = geonames::parse_alternate_row(line);
        }
    }
    // The container follows the magic bytes, as a real file's name would.
    let ext = match data {
        [0x1f, 0x8b, ..] => "IQ.txt.gz",
        [b'P', b'K', ..] => "IQ.zip",
        _ => "IQ.txt",
    };
    let dir = tempfile::tempdir().expect("scratch dir");
    let p = dir.path().join(ext);
    std::fs::write(&p, data).expect("scratch file");
    for lenient in [false, true] {
        let mut params = ImportParams::new(dir.path().join("gaz"), vec![Input { path: p.clone(), kind: None }]);
        params.lenient = lenient;
        let _ = import(&params);
    }
});
