//! `incidentmap geoparse FILES...`: the places in texts, one JSON line per
//! document (or one GeoJSON point per resolved mention).

use std::path::PathBuf;

use incidentmap::geoparse::ResolveOptions;
use incidentmap::geoparse::ranker::Weights;
use incidentmap::jobs::geoparse::{GeoparseFormat, run_geoparse};

use super::Outcome;
use super::common::GazetteerArgs;

/// Output format of `geoparse`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per document: {"doc_id", "toponyms": [...]}.
    Jsonl,
    /// A FeatureCollection with one point per resolved mention.
    Geojson,
}

/// Arguments of `geoparse`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Text or HTML files, or directories of them; `-` reads standard input.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "jsonl")]
    format: Format,
    /// Output file (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Prefer places in this country (ISO alpha-2).
    #[arg(long, value_name = "CC")]
    country: Option<String>,
    /// Treat every line of an input as its own document (a corpus with one
    /// document per line); doc_id is `<file stem>:<line number>` and offsets
    /// are within the line.
    #[arg(long)]
    doc_per_line: bool,
    /// Resolution ranker weights (`feature<TAB>weight` lines) to use instead
    /// of the shipped ones (bench/train_ranker.py).
    #[arg(long, value_name = "FILE", hide = true)]
    ranker_weights: Option<PathBuf>,
    /// Also write every candidate of each toponym with its ranker features
    /// (jsonl only; for training the ranker).
    #[arg(long, hide = true)]
    ranker_features: bool,
    #[command(flatten)]
    on_error: super::common::OnErrorArgs,
    #[command(flatten)]
    gaz: GazetteerArgs,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let gaz = args.gaz.open()?;
    let weights = match &args.ranker_weights {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("cannot read ranker weights {}: {e}", path.display()))?;
            let w = Weights::from_tsv(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            Some(std::sync::Arc::new(w))
        }
        None => None,
    };
    let opts = ResolveOptions { country: args.country.clone(), weights, explain: args.ranker_features };
    let format = match args.format {
        Format::Jsonl => GeoparseFormat::Jsonl,
        Format::Geojson => GeoparseFormat::GeoJson,
    };
    let output = args.output.clone().unwrap_or_else(|| PathBuf::from("-"));
    let inputs = super::common::input_strings(&args.inputs);
    let failed = run_geoparse(
        &inputs,
        args.on_error.skip(super::common::OnError::Skip),
        &gaz,
        &opts,
        args.doc_per_line,
        format,
        &output,
    )?;
    let failures = super::common::report_problems(&failed, "", usize::MAX);
    Ok(if failures == 0 { Outcome::Done } else { Outcome::Partial })
}
