//! Compiles the shipped gazetteer (`gazetteer/*.txt`, `admin1.geojson`) into
//! the binary index embedded by `src/gazetteer/store.rs`, using the same
//! folding and parsing code as the library (included below by path).

#[allow(dead_code)]
#[path = "src/gazetteer/fold.rs"]
mod fold;
#[allow(dead_code)]
#[path = "src/gazetteer/geonames.rs"]
mod geonames;
#[allow(dead_code)]
#[path = "src/gazetteer/index.rs"]
mod index;

use std::fs;
use std::path::{Path, PathBuf};

fn read(dir: &Path, name: &str) -> String {
    let path = dir.join(name);
    fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("gazetteer/{name}: {e} (rebuild with python3 gazetteer/build.py)"))
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let dir = root.join("gazetteer");
    for f in ["places.txt", "admin1Codes.txt", "admin2Codes.txt", "countryInfo.txt", "admin1.geojson"] {
        println!("cargo:rerun-if-changed=gazetteer/{f}");
    }
    for f in ["fold.rs", "geonames.rs", "index.rs"] {
        println!("cargo:rerun-if-changed=src/gazetteer/{f}");
    }
    let mut b = index::IndexBuilder::new();
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("gazetteer.idx");
    if !dir.join("places.txt").exists() {
        // A checkout without the data (being rebuilt) still compiles, with an
        // empty gazetteer; the warning says why every lookup fails.
        println!(
            "cargo:warning=gazetteer/places.txt is missing: the embedded gazetteer is empty (run python3 gazetteer/build.py)"
        );
        fs::write(&out, b.finish().expect("empty index")).expect("writing the gazetteer index");
        return;
    }
    for (n, line) in read(&dir, "places.txt").lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let row = geonames::parse_row(line).unwrap_or_else(|e| panic!("gazetteer/places.txt:{}: {e}", n + 1));
        b.add_row(row);
    }
    for (file, a1) in [("admin1Codes.txt", true), ("admin2Codes.txt", false)] {
        for (n, line) in read(&dir, file).lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (code, name) =
                geonames::parse_code_row(line).unwrap_or_else(|e| panic!("gazetteer/{file}:{}: {e}", n + 1));
            if a1 {
                b.add_admin1(code, name);
            } else {
                b.add_admin2(code, name);
            }
        }
    }
    for (n, line) in read(&dir, "countryInfo.txt").lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (iso, name, id) =
            geonames::parse_country_row(line).unwrap_or_else(|e| panic!("gazetteer/countryInfo.txt:{}: {e}", n + 1));
        if let Some((iso, capital)) = geonames::parse_country_capital(line) {
            b.set_capital(iso, capital);
        }
        b.add_country(iso, name, id);
    }
    b.set_admin_geojson(read(&dir, "admin1.geojson"));
    let bytes = b.finish().expect("building the gazetteer index");
    fs::write(&out, bytes).expect("writing the gazetteer index");
}
