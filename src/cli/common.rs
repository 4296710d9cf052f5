//! Argument groups shared by several subcommands.

use std::path::PathBuf;

use incidentmap::gazetteer::Gazetteer;

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

/// Reads report files (expanding directories; `-` is standard input).
/// Unreadable inputs are reported on stderr and counted, unless `strict`,
/// where the first one is the error.
pub fn read_documents(inputs: &[PathBuf], strict: bool) -> anyhow::Result<(Vec<incidentmap::document::Document>, usize)> {
    use incidentmap::document::{Document, expand_inputs, read_file};
    use std::io::Read;
    let mut docs = Vec::new();
    let mut failures = 0;
    let mut files = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| anyhow::anyhow!("<stdin>: {e}"))?;
            docs.push(Document::from_text("stdin", "-", text));
            continue;
        }
        match expand_inputs(std::slice::from_ref(input)) {
            Ok(f) => files.extend(f),
            Err(e) if !strict => {
                eprintln!("incidentmap: {e}");
                failures += 1;
            }
            Err(e) => return Err(e.into()),
        }
    }
    for f in files {
        match read_file(&f) {
            Ok(d) => docs.push(d),
            Err(e) if !strict => {
                eprintln!("incidentmap: {e}");
                failures += 1;
            }
            Err(e) => return Err(e.into()),
        }
    }
    if docs.is_empty() && failures > 0 {
        anyhow::bail!("no input could be read ({failures} failed)");
    }
    Ok((docs, failures))
}

/// Parses a `YYYY-MM-DD` argument.
pub fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("{s:?} is not a date (YYYY-MM-DD)"))
}
