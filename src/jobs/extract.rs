//! Incidents from reports, into one output.

use std::path::Path;

use crate::error::{Error, Result};
use crate::export::Format;
use crate::export::output::IncidentOutput;
use crate::input::{GazetteerSource, LoadOptions};

/// What [`run_extract`] did.
#[derive(Debug, Default)]
pub struct ExtractSummary {
    /// Reports read.
    pub documents: usize,
    /// Incidents written.
    pub incidents: u64,
    /// Reports that could not be read or dated (only when lenient).
    pub errors: Vec<Error>,
}

/// Extracts the incidents of the inputs (reports; incident layers are
/// passed through) and writes them to `output` (`-` is standard output).
///
/// # Errors
/// The first failed report when `load.lenient` is off; an error when
/// inputs were given but every one failed (Error::NothingRead).
pub fn run_extract(
    inputs: &[String],
    load: &LoadOptions,
    gaz: &GazetteerSource,
    output: &Path,
    format: Format,
) -> Result<ExtractSummary> {
    let (incidents, report) = crate::input::load_all(inputs, load, gaz)?;
    let mut out = IncidentOutput::create(output, format, &[])?;
    for inc in &incidents {
        out.write(inc, &[])?;
    }
    let n = out.finish()?;
    Ok(ExtractSummary { documents: report.documents, incidents: n, errors: report.problems })
}
