//! Shared by the layer-reader targets: the bytes go to a file with the
//! given extension and every reader that takes that file is run on it.

use incidentmap::input::{GazetteerSource, ReadOptions, read_incidents};
use std::path::PathBuf;

/// A per-process scratch file in the temporary directory.
pub fn scratch(ext: &str) -> PathBuf {
    std::env::temp_dir().join(format!("incidentmap-fuzz-{}.{ext}", std::process::id()))
}

/// Writes `data` to a scratch file named `*.ext` and reads it as a layer
/// (strict and lenient) and as a list of sites.
pub fn read_layer(data: &[u8], ext: &str) {
    let p = scratch(ext);
    std::fs::write(&p, data).expect("scratch file");
    for lenient in [false, true] {
        let _ = read_incidents(&p, &ReadOptions { lenient });
    }
    let _ = incidentmap::input::sites::read_sites(&p, &GazetteerSource::new(None), None);
}
