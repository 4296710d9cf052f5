//! Converting incidents between formats: any input the front door reads
//! (layers, GeoPackages, reports) to any incident output.

use std::path::Path;

use crate::error::{Error, Result};
use crate::export::Format;
use crate::export::output::IncidentOutput;
use crate::input::{GazetteerSource, LoadOptions};

/// What [`run_export`] did.
#[derive(Debug, Default)]
pub struct ExportSummary {
    /// Incidents written.
    pub written: u64,
    /// Reports read (when some inputs were reports).
    pub documents: usize,
    /// Records and inputs skipped (only when lenient).
    pub skipped: Vec<Error>,
}

/// The output format: [`Format::Postgis`] for a `postgresql://` URL,
/// else `format` when given, else the one `output`'s extension names.
///
/// # Errors
/// When neither tells (and for `-` without a format).
pub fn output_format(output: &Path, format: Option<Format>) -> Result<Format> {
    if crate::postgis::is_pg_url(&output.to_string_lossy()) {
        return match format {
            None | Some(Format::Postgis) => Ok(Format::Postgis),
            Some(_) => {
                Err(Error::invalid("--format", "", "a postgresql:// output is a PostGIS table; leave --format out"))
            }
        };
    }
    if let Some(f) = format {
        return Ok(f);
    }
    let shown = output.display().to_string();
    if output.as_os_str() == "-" {
        return Err(Error::invalid("output", shown, "writing to standard output (-o -) needs --format"));
    }
    Format::from_path(output).ok_or_else(|| {
        Error::invalid(
            "output",
            shown,
            "cannot tell the output format; use .geojson, .geojsonl, .csv or .gpkg, or --format",
        )
    })
}

/// Streams every incident of the inputs into `output` (`-` is standard
/// output): records go from the readers straight into the writer, so memory
/// does not grow with a layer. With several inputs the ids are renumbered
/// 1..n.
///
/// Without `load.lenient` the first bad record or unreadable input is the
/// error and an existing output is left untouched; with it they are
/// collected in the summary and the rest is written; when every record
/// failed, nothing is written and an existing output is left as it was.
pub fn run_export(
    inputs: &[String],
    load: &LoadOptions,
    gaz: &GazetteerSource,
    output: &Path,
    format: Format,
) -> Result<ExportSummary> {
    let mut out = IncidentOutput::create(output, format, &[])?;
    let report = crate::input::load(inputs, load, gaz, &mut |inc| out.write(&inc, &[]))?;
    if out.written() == 0 && !report.problems.is_empty() {
        // Nothing but failures: the unfinished output is dropped, so an
        // existing file stays as it was.
        return Err(Error::nothing_read(report.problems));
    }
    let written = out.finish()?;
    Ok(ExportSummary { written, documents: report.documents, skipped: report.problems })
}
