//! Shared bench inputs: the gen_peers.py files when available, else seeded
//! synthetic data of the same shape.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use incidentmap::geodesy::LonLat;

/// Directory holding `incidents_{10k,100k,1m}.csv` and `queries_10k.csv`:
/// `$INCIDENTMAP_BENCH_DATA`, else generated with
/// `../shared/bench/gen_peers.py` (or `/work/shared/bench/gen_peers.py`)
/// into `target/bench-data`, else `None`.
pub fn peers_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("INCIDENTMAP_BENCH_DATA") {
        return Some(PathBuf::from(d));
    }
    let script = ["../shared/bench/gen_peers.py", "/work/shared/bench/gen_peers.py"]
        .iter()
        .map(Path::new)
        .find(|p| p.exists())?;
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    if !out.join("incidents_1m.csv").exists() {
        eprintln!("generating bench data with {} into {}", script.display(), out.display());
        let ok = std::process::Command::new("python3")
            .arg(script)
            .args(["--out", out.to_str()?, "--skip", "corpus"])
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return None;
        }
    }
    Some(out)
}

/// Latitude/longitude columns of a CSV file.
pub fn read_points(path: &Path) -> Vec<LonLat> {
    let mut r = csv::Reader::from_path(path).expect("open bench csv");
    let h = r.headers().unwrap().clone();
    let lat = h.iter().position(|c| c == "latitude").unwrap();
    let lon = h.iter().position(|c| c == "longitude").unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            LonLat { lon: rec[lon].parse().unwrap(), lat: rec[lat].parse().unwrap() }
        })
        .collect()
}

/// `n` incident points (`label` is 10k, 100k or 1m) and, for the queries,
/// the 10k query points; from gen_peers.py files or seeded synthetic data.
pub fn incidents(label: &str, n: usize) -> (Vec<LonLat>, &'static str) {
    match peers_dir() {
        Some(d) if d.join(format!("incidents_{label}.csv")).exists() => {
            (read_points(&d.join(format!("incidents_{label}.csv"))), "gen_peers.py data")
        }
        _ => (synthetic(n, 20240601), "seeded synthetic data (gen_peers.py files not found)"),
    }
}

pub fn queries() -> Vec<LonLat> {
    match peers_dir() {
        Some(d) if d.join("queries_10k.csv").exists() => read_points(&d.join("queries_10k.csv")),
        _ => synthetic(10_000, 7),
    }
}

/// Town-like synthetic points over Iraq/Syria: 300 towns, 30% of town events
/// exactly on the centre, the rest scattered; 15% uniform noise.
pub fn synthetic(n: usize, seed: u64) -> Vec<LonLat> {
    let mut s = seed.max(1);
    let mut rnd = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let towns: Vec<(f64, f64)> = (0..300).map(|_| (38.0 + 11.0 * rnd(), 29.0 + 9.0 * rnd())).collect();
    (0..n)
        .map(|_| {
            if rnd() < 0.15 {
                return LonLat { lon: 38.0 + 11.0 * rnd(), lat: 29.0 + 9.0 * rnd() };
            }
            let (lon, lat) = towns[((rnd() * rnd()) * 300.0) as usize];
            if rnd() < 0.3 {
                LonLat { lon, lat }
            } else {
                // Box-Muller, sigma ~3 km.
                let (u, v) = (rnd().max(1e-12), rnd());
                let r = (-2.0 * u.ln()).sqrt() * 0.027;
                let a = std::f64::consts::TAU * v;
                let q = |x: f64| (x * 1e4).round() / 1e4;
                LonLat { lon: q(lon + r * a.cos()), lat: q(lat + r * a.sin()) }
            }
        })
        .collect()
}
