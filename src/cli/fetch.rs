//! `incidentmap fetch`: save web pages and feed items as report files.

use std::path::PathBuf;
use std::time::Duration;

use incidentmap::fetch::FetchOptions;
use incidentmap::jobs::fetch::run_fetch;

use super::Outcome;

/// Arguments.
#[derive(Debug, clap::Args)]
#[command(after_help = "Each report is saved as DIR/<id>.txt with a header block (Title, Published, URL) \
    that `map DIR` reads back with its date. Failures are reported and the rest go on; \
    the exit code is 1 when some failed and 2 when nothing could be fetched.")]
pub struct Args {
    /// Pages to fetch (http or https). A URL that answers with an RSS/Atom
    /// feed is expanded into its items.
    #[arg(value_name = "URL", required_unless_present = "feed")]
    urls: Vec<String>,

    /// An RSS or Atom feed: each item is saved (its linked page is fetched
    /// unless the feed carries the full text). Repeatable.
    #[arg(long, value_name = "URL")]
    feed: Vec<String>,

    /// Directory to write the reports to (created if missing).
    #[arg(short, long, value_name = "DIR")]
    output: PathBuf,

    /// Keep responses in this directory and revalidate them (ETag /
    /// Last-Modified) instead of downloading them again.
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,

    /// Time allowed for each request, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30.0, value_parser = positive_secs)]
    timeout: f64,

    /// Largest response body accepted, in bytes.
    #[arg(long, value_name = "N", default_value_t = incidentmap::fetch::http::DEFAULT_MAX_BYTES)]
    max_bytes: u64,

    /// Least time between two requests to the same host, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 1.0, value_parser = non_negative_secs)]
    delay: f64,
}

fn non_negative_secs(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("not a number of seconds: {s}"))?;
    if v.is_finite() && (0.0..=86_400.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("must be between 0 and 86400 seconds, not {s}"))
    }
}

fn positive_secs(s: &str) -> Result<f64, String> {
    let v = non_negative_secs(s)?;
    if v > 0.0 { Ok(v) } else { Err("must be more than 0 seconds".to_string()) }
}

impl Args {
    fn options(&self) -> FetchOptions {
        let timeout = Duration::from_secs_f64(self.timeout);
        FetchOptions {
            timeout,
            connect_timeout: FetchOptions::default().connect_timeout.min(timeout),
            max_bytes: self.max_bytes,
            delay_per_host: Duration::from_secs_f64(self.delay),
            cache_dir: self.cache.clone(),
            ..FetchOptions::default()
        }
    }
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let s = run_fetch(&args.urls, &args.feed, &args.options(), &args.output)?;
    for e in &s.errors {
        eprintln!("incidentmap: {e}");
    }
    eprintln!("incidentmap: saved {} report(s) to {}", s.saved.len(), args.output.display());
    if s.saved.is_empty() {
        anyhow::bail!("nothing could be fetched");
    }
    Ok(if s.errors.is_empty() { Outcome::Done } else { Outcome::Partial })
}
