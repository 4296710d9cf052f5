//! Argument groups and output shared by several subcommands.

use std::path::PathBuf;

use incidentmap::gazetteer::Gazetteer;

/// How reports are read: their publication date and country focus.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// Publication date for reports without one (YYYY-MM-DD); relative dates
    /// ("on Friday", "last week") are resolved against it.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub published: Option<chrono::NaiveDate>,
    /// Prefer places in this country (ISO alpha-2).
    #[arg(long, value_name = "CC")]
    pub country: Option<String>,
    /// Stop at the first report that cannot be read or dated.
    #[arg(long)]
    pub strict: bool,
}

impl ReportArgs {
    /// The extraction options these arguments give.
    pub fn extract_options(&self) -> incidentmap::extract::ExtractOptions {
        incidentmap::extract::ExtractOptions { published: self.published, country: self.country.clone() }
    }
}

/// Which gazetteer to use.
#[derive(Debug, Clone, clap::Args)]
pub struct GazetteerArgs {
    /// Gazetteer directory made by `gazetteer import` (searched before the
    /// shipped default). Default: $INCIDENTMAP_GAZETTEER, else the user data
    /// directory when it holds an imported index, else the shipped default only.
    #[arg(long, value_name = "DIR", global = true)]
    pub gazetteer: Option<PathBuf>,
}

impl GazetteerArgs {
    /// Opens the gazetteer these arguments name.
    pub fn open(&self) -> anyhow::Result<Gazetteer> {
        Ok(Gazetteer::load(self.gazetteer.as_deref())?)
    }
}

/// Reads reports: files, directories, `-` (standard input), http(s) URLs
/// and RSS/Atom feeds. Unreadable inputs are reported on stderr and counted,
/// unless `strict`, where the first one is the error.
pub fn read_documents(
    inputs: &[PathBuf],
    strict: bool,
) -> anyhow::Result<(Vec<incidentmap::document::Document>, usize)> {
    let inputs: Vec<String> = inputs.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let (docs, errors) = incidentmap::fetch::load_inputs(&inputs, &incidentmap::fetch::http::FetchOptions::default());
    if strict {
        if let Some(e) = errors.into_iter().next() {
            return Err(e.into());
        }
        return Ok((docs, 0));
    }
    for e in &errors {
        eprintln!("incidentmap: {e}");
    }
    if docs.is_empty() && !errors.is_empty() {
        anyhow::bail!("no input could be read ({} failed)", errors.len());
    }
    Ok((docs, errors.len()))
}

/// Parses a `YYYY-MM-DD` argument.
pub fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("{s:?} is not a date (YYYY-MM-DD)"))
}

/// Runs `write` on standard output through a buffer, then flushes it:
/// stdout alone is line-buffered, one write(2) per line.
pub fn to_stdout<E: From<std::io::Error>>(
    write: impl FnOnce(&mut dyn std::io::Write) -> Result<(), E>,
) -> Result<(), E> {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    write(&mut out)?;
    out.flush()?;
    Ok(())
}
