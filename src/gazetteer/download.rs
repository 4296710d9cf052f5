//! `gazetteer download`: fetches GeoNames dumps from the export server into
//! `DIR/downloads/`, ready for [`import`](super::import::import).
//!
//! Each file goes to a temporary file in the same directory and is renamed
//! into place only when complete, so an interrupted download never leaves a
//! truncated `IQ.zip` that a later import would trip over. Responses larger
//! than [`DownloadParams::max_bytes`] are refused (by their announced length
//! before any byte is read, and by counting when no length is announced).

use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::Once;
use std::time::Duration;

use super::import::progress_bar;
use crate::error::{Error, Result};

/// The GeoNames export directory.
pub const DEFAULT_BASE_URL: &str = "https://download.geonames.org/export/dump/";

/// Tables every import wants next to the place dumps.
pub const TABLES: [&str; 3] = ["admin1CodesASCII.txt", "admin2Codes.txt", "countryInfo.txt"];

/// One file to fetch: its path under the base URL and its local name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    /// Path relative to the base URL (`IQ.zip`, `alternatenames/IQ.zip`).
    pub url_path: String,
    /// File name in `DIR/downloads/` (`IQ.zip`, `alternateNames_IQ.zip`).
    pub file_name: String,
}

impl Remote {
    fn same(name: &str) -> Remote {
        Remote { url_path: name.to_string(), file_name: name.to_string() }
    }
}

/// What to download and how.
#[derive(Debug, Clone)]
pub struct DownloadParams {
    /// Gazetteer directory; files go to `dir/downloads/`.
    pub dir: PathBuf,
    /// Items as the user names them: ISO country codes (`IQ`), `cities500`,
    /// `cities1000`, `cities5000`, `cities15000`, `allCountries`,
    /// `alternateNamesV2`, or a file name under the base URL.
    pub items: Vec<String>,
    /// Also fetch `alternatenames/XX.zip` for every country item.
    pub alternate_names: bool,
    /// Base URL (ends with `/`).
    pub base_url: String,
    /// Refuse any file larger than this.
    pub max_bytes: u64,
    /// Time allowed to connect.
    pub connect_timeout: Duration,
    /// Time allowed for one whole file.
    pub timeout: Duration,
    /// Progress bar on stderr when it is a terminal.
    pub progress: bool,
}

impl DownloadParams {
    /// GeoNames' server, 2 GB cap, 30 s to connect, an hour per file.
    pub fn new(dir: impl Into<PathBuf>, items: Vec<String>) -> DownloadParams {
        DownloadParams {
            dir: dir.into(),
            items,
            alternate_names: false,
            base_url: DEFAULT_BASE_URL.to_string(),
            max_bytes: 2_000_000_000,
            connect_timeout: Duration::from_secs(30),
            timeout: Duration::from_secs(3600),
            progress: false,
        }
    }
}

/// The files to fetch for the items, tables last, without duplicates.
pub fn plan(items: &[String], alternate_names: bool) -> Result<Vec<Remote>> {
    let mut out: Vec<Remote> = Vec::new();
    let mut push = |r: Remote| {
        if !out.contains(&r) {
            out.push(r);
        }
    };
    for item in items {
        let it = item.trim();
        let lower = it.to_ascii_lowercase();
        if it.len() == 2 && it.bytes().all(|b| b.is_ascii_alphabetic()) {
            let cc = it.to_ascii_uppercase();
            push(Remote::same(&format!("{cc}.zip")));
            if alternate_names {
                push(Remote {
                    url_path: format!("alternatenames/{cc}.zip"),
                    file_name: format!("alternateNames_{cc}.zip"),
                });
            }
        } else if matches!(lower.as_str(), "cities500" | "cities1000" | "cities5000" | "cities15000") {
            push(Remote::same(&format!("{lower}.zip")));
        } else if lower == "allcountries" {
            push(Remote::same("allCountries.zip"));
        } else if lower == "alternatenames" || lower == "alternatenamesv2" {
            push(Remote::same("alternateNamesV2.zip"));
        } else if (lower.ends_with(".zip") || lower.ends_with(".txt"))
            && !it.contains("..")
            && it.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-/".contains(&b))
        {
            // A file named outright: keep its last path part as the local name.
            let local = it.rsplit('/').next().unwrap_or(it).to_string();
            push(Remote { url_path: it.to_string(), file_name: local });
        } else {
            return Err(Error::invalid(
                "download item",
                it,
                "expected a country code (IQ), cities500/1000/5000/15000, allCountries, alternateNamesV2 or a file name",
            ));
        }
    }
    for t in TABLES {
        push(Remote::same(t));
    }
    Ok(out)
}

/// One file fetched.
#[derive(Debug, Clone)]
pub struct Downloaded {
    /// Where it was saved.
    pub path: PathBuf,
    /// Its URL.
    pub url: String,
    /// Its size.
    pub bytes: u64,
}

/// Downloads every planned file into `dir/downloads/`.
pub fn download(params: &DownloadParams) -> Result<Vec<Downloaded>> {
    let remotes = plan(&params.items, params.alternate_names)?;
    let client = client(params)?;
    let dest = params.dir.join("downloads");
    std::fs::create_dir_all(&dest).map_err(|e| Error::io(&dest, e))?;
    let mut base = params.base_url.clone();
    if !base.ends_with('/') {
        base.push('/');
    }
    let mut out = Vec::with_capacity(remotes.len());
    for r in remotes {
        let url = format!("{base}{}", r.url_path);
        let path = dest.join(&r.file_name);
        let bytes = fetch_to(&client, &url, &path, params)?;
        out.push(Downloaded { path, url, bytes });
    }
    Ok(out)
}

fn client(params: &DownloadParams) -> Result<reqwest::blocking::Client> {
    static PROVIDER: Once = Once::new();
    PROVIDER.call_once(|| {
        // Another part of the program may have installed one already; either is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::blocking::Client::builder()
        .connect_timeout(params.connect_timeout)
        .timeout(params.timeout)
        .user_agent(concat!("incidentmap/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::Network {
            url: params.base_url.clone(),
            message: format!("cannot set up HTTP: {}", chain(&e)),
        })
}

fn fetch_to(
    client: &reqwest::blocking::Client,
    url: &str,
    path: &std::path::Path,
    params: &DownloadParams,
) -> Result<u64> {
    let net = |message: String| Error::Network { url: url.to_string(), message };
    let mut resp = client.get(url).send().map_err(|e| net(describe_send_error(url, &e)))?;
    let status = resp.status();
    if !status.is_success() {
        return Err(net(format!("HTTP {status}")));
    }
    let announced = resp.content_length();
    if let Some(n) = announced {
        if n > params.max_bytes {
            return Err(net(format!(
                "the file is {n} bytes, over the {} byte limit (raise it with --max-bytes)",
                params.max_bytes
            )));
        }
    }
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    let pb = progress_bar(params.progress, announced, &format!("downloading {name}"));
    let mut buf = vec![0u8; 1 << 16];
    let mut total: u64 = 0;
    loop {
        let n = match resp.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                pb.finish_and_clear();
                return Err(net(format!("download interrupted after {total} bytes: {}", chain(&e))));
            }
        };
        total += n as u64;
        if total > params.max_bytes {
            pb.finish_and_clear();
            return Err(net(format!(
                "the file exceeds the {} byte limit (raise it with --max-bytes)",
                params.max_bytes
            )));
        }
        tmp.write_all(&buf[..n]).map_err(|e| Error::io(path, e))?;
        pb.inc(n as u64);
    }
    pb.finish_and_clear();
    if let Some(n) = announced {
        if total != n {
            return Err(net(format!("download ended after {total} of {n} bytes")));
        }
    }
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(total)
}

/// A send error in words, with the hint that matters most: when the host
/// cannot be reached at all, say so (and that the machine may be offline).
fn describe_send_error(url: &str, e: &reqwest::Error) -> String {
    let host =
        reqwest::Url::parse(url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_else(|| url.to_string());
    if e.is_connect() || (e.is_timeout() && !e.is_body()) {
        format!("could not reach {host}: {} (offline?)", chain(e))
    } else {
        chain(e)
    }
}

/// An error with its sources, "a: b: c" (reqwest's own message alone says
/// only "error sending request").
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        cur = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn plans_countries_cities_and_tables() {
        let p = plan(&items(&["iq", "SY", "cities1000", "IQ"]), true).unwrap();
        let names: Vec<&str> = p.iter().map(|r| r.file_name.as_str()).collect();
        assert_eq!(
            names,
            [
                "IQ.zip",
                "alternateNames_IQ.zip",
                "SY.zip",
                "alternateNames_SY.zip",
                "cities1000.zip",
                "admin1CodesASCII.txt",
                "admin2Codes.txt",
                "countryInfo.txt"
            ]
        );
        assert_eq!(p[1].url_path, "alternatenames/IQ.zip");
    }

    #[test]
    fn rejects_unknown_items() {
        assert!(plan(&items(&["cities42"]), false).is_err());
        assert!(plan(&items(&["../../etc/passwd.txt"]), false).is_err());
        assert_eq!(plan(&items(&["allcountries"]), false).unwrap()[0].file_name, "allCountries.zip");
    }
}
