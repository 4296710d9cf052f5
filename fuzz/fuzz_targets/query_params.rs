//! The small parsers behind command-line and query parameters: points,
//! bounding boxes, distances, dates, URLs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let _ = incidentmap::spatial::query::parse_lat_lon(s);
    let _ = incidentmap::spatial::query::parse_bbox(s);
    let _ = incidentmap::spatial::query::parse_distance_km(s);
    let _ = incidentmap::dates::parse_date(s);
    let _ = incidentmap::dates::date_in(s);
    let _ = incidentmap::fetch::http::check_url(s);
    let _ = incidentmap::fetch::is_url(s);
    let _ = incidentmap::input::classify(s);
});
