//! Argument groups and output shared by several subcommands.

use std::path::PathBuf;

use incidentmap::extract::ExtractOptions;
use incidentmap::gazetteer::Gazetteer;
use incidentmap::input::{GazetteerSource, LoadOptions};

/// How reports are read wherever they are extracted: their publication
/// date and country focus.
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// Publication date for reports without one (YYYY-MM-DD); relative dates
    /// ("on Friday", "last week") are resolved against it.
    #[arg(long, value_name = "DATE", value_parser = parse_publication_date)]
    pub published: Option<chrono::NaiveDate>,
    /// Prefer places in this country (ISO alpha-2).
    #[arg(long, value_name = "CC")]
    pub country: Option<String>,
}

impl ReportArgs {
    /// The load options these arguments give.
    pub fn load_options(&self, lenient: bool) -> LoadOptions {
        LoadOptions {
            lenient,
            extract: ExtractOptions { published: self.published, country: self.country.clone() },
            ..LoadOptions::default()
        }
    }
}

/// What a bad input or record does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnError {
    /// Report it, count it, go on with the rest, and exit 1.
    Skip,
    /// End the run at the first one; nothing is written.
    Stop,
}

/// `--on-error skip|stop`: one flag for every command. The older
/// `--strict` (stop) and `--lenient` (skip) still work, hidden.
#[derive(Debug, Clone, clap::Args)]
pub struct OnErrorArgs {
    /// What a bad input or record does: `skip` reports it, counts it, goes
    /// on and exits 1; `stop` ends the run at the first one and writes
    /// nothing. Default: skip for map, extract and geoparse (a batch of
    /// reports); stop for export, near, cluster and gazetteer import (a
    /// layer or a data file).
    #[arg(long, value_enum, value_name = "skip|stop")]
    on_error: Option<OnError>,
    /// Same as `--on-error stop`.
    #[arg(long, hide = true, conflicts_with_all = ["on_error", "lenient"])]
    strict: bool,
    /// Same as `--on-error skip`.
    #[arg(long, hide = true, conflicts_with = "on_error")]
    lenient: bool,
}

impl OnErrorArgs {
    /// Whether bad inputs are skipped, given the command's default.
    pub fn skip(&self, default: OnError) -> bool {
        let chosen = if self.strict {
            OnError::Stop
        } else if self.lenient {
            OnError::Skip
        } else {
            self.on_error.unwrap_or(default)
        };
        chosen == OnError::Skip
    }
}

/// Where and when: the box and the days a command keeps (`near`, `cluster`).
#[derive(Debug, Clone, clap::Args)]
pub struct SpaceTimeArgs {
    /// Only incidents inside the box WEST,SOUTH,EAST,NORTH (degrees; WEST >
    /// EAST crosses the antimeridian).
    #[arg(long, value_name = "W,S,E,N", allow_hyphen_values = true)]
    pub bbox: Option<String>,
    /// Only incidents on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub from: Option<chrono::NaiveDate>,
    /// Only incidents on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub to: Option<chrono::NaiveDate>,
}

impl SpaceTimeArgs {
    /// The box, parsed (an error names what is wrong with it).
    pub fn bbox(&self) -> anyhow::Result<Option<[f64; 4]>> {
        Ok(self.bbox.as_deref().map(incidentmap::spatial::query::parse_bbox).transpose()?)
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

    /// The gazetteer, opened when first needed.
    pub fn source(&self) -> GazetteerSource {
        GazetteerSource::new(self.gazetteer.clone())
    }
}

/// Inputs as the library takes them.
pub fn input_strings(inputs: &[PathBuf]) -> Vec<String> {
    inputs.iter().map(|p| p.to_string_lossy().into_owned()).collect()
}

/// Reports problems on stderr (at most `max`, then how many more) and
/// returns how many there were.
pub fn report_problems(problems: &[incidentmap::Error], prefix: &str, max: usize) -> usize {
    for e in problems.iter().take(max) {
        eprintln!("incidentmap: {prefix}{e}");
    }
    if problems.len() > max {
        eprintln!("incidentmap: ... and {} more", problems.len() - max);
    }
    problems.len()
}

/// Parses a date argument (the one date parser: YYYY-MM-DD, 15 May 2020, ...).
pub fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    incidentmap::dates::parse_date(s)
}

/// Parses `--published`: a date a report can have (1900 to tomorrow).
pub fn parse_publication_date(s: &str) -> Result<chrono::NaiveDate, String> {
    incidentmap::dates::check_publication(parse_date(s)?)
}

/// The GeoJSON files of `set` that are not among `written` (a layer set
/// leaves out layers with no features).
pub fn geojson_left_out<'a>(set: &[&'a str], written: &[std::path::PathBuf]) -> Vec<&'a str> {
    set.iter()
        .filter(|n| n.ends_with(".geojson"))
        .filter(|n| !written.iter().any(|p| p.file_name().is_some_and(|f| f == std::ffi::OsStr::new(n))))
        .copied()
        .collect()
}
