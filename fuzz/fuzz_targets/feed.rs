//! An RSS or Atom feed.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = incidentmap::fetch::feed::is_feed(data, None);
    let _ = incidentmap::fetch::feed::parse_feed(data, "http://127.0.0.1/feed.xml");
});
