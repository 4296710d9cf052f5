//! `incidentmap gazetteer ...`: import, download, info.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use incidentmap::gazetteer::download::{self, DEFAULT_BASE_URL, DownloadParams};
use incidentmap::gazetteer::import::{self, FileKind, ImportParams, ImportReport, Input};
use incidentmap::gazetteer::store::user_dir;

use super::Outcome;
use super::common::GazetteerArgs;

/// Gazetteer subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Build a gazetteer from GeoNames files as published (allCountries.txt,
    /// IQ.zip, cities1000.zip, alternateNamesV2.zip, admin1CodesASCII.txt,
    /// admin2Codes.txt, countryInfo.txt) and an admin-1 polygons GeoJSON.
    ///
    /// The index goes to DIR/gazetteer.idx (DIR: --gazetteer, else
    /// $INCIDENTMAP_GAZETTEER, else the user data directory) and is searched
    /// before the shipped default from then on.
    Import(ImportArgs),
    /// Download GeoNames files (IQ, SY, cities1000, allCountries, ...) into
    /// DIR/downloads/ and import them.
    Download(DownloadArgs),
    /// Show what the gazetteer holds.
    Info {
        #[command(flatten)]
        gaz: GazetteerArgs,
    },
}

/// Options shared by `import` and `download`.
#[derive(Debug, clap::Args)]
pub struct ImportOptions {
    /// Your own places in the same 19-column format, merged last (a row with
    /// an imported place's geonameid replaces it).
    #[arg(long, value_name = "FILE")]
    overlay: Option<PathBuf>,
    #[command(flatten)]
    on_error: super::common::OnErrorArgs,
    /// Use only this gazetteer, not the shipped default behind it.
    #[arg(long)]
    no_default: bool,
    /// Keep alternate names in every script (default: Latin and Arabic only,
    /// which keeps the index a third smaller).
    #[arg(long)]
    all_scripts: bool,
}

/// Arguments of `gazetteer import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// GeoNames files (.txt, .zip or .gz), recognised by name.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Read every FILE as this kind instead of recognising it by name.
    #[arg(long, value_name = "KIND", value_parser = kind_parser())]
    kind: Option<String>,
    #[command(flatten)]
    opts: ImportOptions,
    #[command(flatten)]
    gaz: GazetteerArgs,
}

/// Arguments of `gazetteer download`.
#[derive(Debug, clap::Args)]
pub struct DownloadArgs {
    /// What to fetch: country codes (IQ SY), cities500, cities1000,
    /// cities5000, cities15000, allCountries, alternateNamesV2, or a file
    /// name on the server. admin1CodesASCII.txt, admin2Codes.txt and
    /// countryInfo.txt are always fetched.
    #[arg(required = true, value_name = "ITEM")]
    items: Vec<String>,
    /// Also fetch the per-country alternate names (alternatenames/XX.zip).
    #[arg(long)]
    alternate_names: bool,
    /// The GeoNames export directory.
    #[arg(long, value_name = "URL", default_value = DEFAULT_BASE_URL)]
    base_url: String,
    /// Refuse any file larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 2_000_000_000)]
    max_bytes: u64,
    /// Seconds allowed to connect.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    connect_timeout: u64,
    /// Seconds allowed for each whole file.
    #[arg(long, value_name = "SECS", default_value_t = 3600)]
    timeout: u64,
    /// Only download; do not import.
    #[arg(long)]
    no_import: bool,
    #[command(flatten)]
    opts: ImportOptions,
    #[command(flatten)]
    gaz: GazetteerArgs,
}

fn kind_parser() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(FileKind::NAMES.map(|(n, _)| n))
}

pub fn run(cmd: Command) -> anyhow::Result<Outcome> {
    match cmd {
        Command::Import(a) => run_import(a),
        Command::Download(a) => run_download(a),
        Command::Info { gaz } => run_info(&gaz),
    }
}

fn target_dir(gaz: &GazetteerArgs) -> anyhow::Result<PathBuf> {
    gaz.gazetteer
        .clone()
        .or_else(user_dir)
        .context("no gazetteer directory: pass --gazetteer DIR or set INCIDENTMAP_GAZETTEER")
}

fn run_import(a: ImportArgs) -> anyhow::Result<Outcome> {
    let dir = target_dir(&a.gaz)?;
    let kind = a.kind.as_deref().and_then(FileKind::from_name);
    let inputs = a
        .files
        .into_iter()
        .map(|p| match kind {
            Some(k) => Ok(Input::with_kind(p, k)),
            None => Input::detect(p),
        })
        .collect::<incidentmap::Result<Vec<Input>>>()?;
    import_into(&dir, inputs, &a.opts)
}

fn import_into(dir: &Path, inputs: Vec<Input>, opts: &ImportOptions) -> anyhow::Result<Outcome> {
    let params = ImportParams {
        dir: dir.to_path_buf(),
        inputs,
        overlay: opts.overlay.clone(),
        lenient: opts.on_error.skip(super::common::OnError::Stop),
        all_scripts: opts.all_scripts,
        progress: true,
    };
    let report = import::import(&params)?;
    import::set_no_default(dir, opts.no_default)?;
    print_report(&report, opts.no_default);
    Ok(if report.bad_count > 0 { Outcome::Partial } else { Outcome::Done })
}

fn print_report(r: &ImportReport, no_default: bool) {
    // The summary goes to stderr: it is a log of the run, not data.
    for f in &r.files {
        let mut line = format!("{}: {} rows as {}", f.name, f.rows, f.kind);
        if f.ignored > 0 {
            line.push_str(&format!(", {} not used", f.ignored));
        }
        if f.bad > 0 {
            line.push_str(&format!(", {} malformed (skipped)", f.bad));
        }
        eprintln!("{line}");
    }
    if r.bad_count > 0 {
        eprintln!("skipped {} malformed rows:", r.bad_count);
        for e in &r.bad_rows {
            eprintln!("  {e}");
        }
        if r.bad_count > r.bad_rows.len() as u64 {
            eprintln!("  ... and {} more", r.bad_count - r.bad_rows.len() as u64);
        }
    }
    eprintln!(
        "imported {} places, {} names{} in {:.1} s",
        r.places,
        r.names,
        if r.other_script_names > 0 {
            format!(" ({} names in other scripts left out; --all-scripts keeps them)", r.other_script_names)
        } else {
            String::new()
        },
        r.elapsed.as_secs_f64()
    );
    eprintln!(
        "wrote {} ({}){}",
        r.index_path.display(),
        human_bytes(r.index_bytes),
        if no_default { "; the shipped default is not searched behind it" } else { "" }
    );
}

fn run_download(a: DownloadArgs) -> anyhow::Result<Outcome> {
    let dir = target_dir(&a.gaz)?;
    let params = DownloadParams {
        dir: dir.clone(),
        items: a.items,
        alternate_names: a.alternate_names,
        base_url: a.base_url,
        max_bytes: a.max_bytes,
        connect_timeout: Duration::from_secs(a.connect_timeout),
        timeout: Duration::from_secs(a.timeout),
        progress: true,
    };
    let files = download::download(&params)?;
    for f in &files {
        eprintln!("downloaded {} ({})", f.path.display(), human_bytes(f.bytes));
    }
    if a.no_import {
        return Ok(Outcome::Done);
    }
    let inputs = files.into_iter().map(|f| Input::detect(f.path)).collect::<incidentmap::Result<Vec<Input>>>()?;
    import_into(&dir, inputs, &a.opts)
}

fn run_info(gaz: &GazetteerArgs) -> anyhow::Result<Outcome> {
    use std::io::Write;
    let g = gaz.open()?;
    // writeln! rather than println!: a closed pipe (`| head`) is an error
    // that ends the command quietly, not a panic.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for s in import::layer_stats(&g) {
        writeln!(out, "layer {}", s.name)?;
        writeln!(out, "  index size:     {}", human_bytes(s.bytes))?;
        writeln!(out, "  places:         {}", s.places)?;
        writeln!(out, "  name keys:      {}", s.name_keys)?;
        writeln!(out, "  admin-1 codes:  {}", s.admin1_codes)?;
        writeln!(out, "  admin-2 codes:  {}", s.admin2_codes)?;
        writeln!(out, "  countries:      {}", s.countries)?;
        writeln!(out, "  admin-1 areas:  {} with polygons", s.admin_polygons)?;
    }
    writeln!(out, "places over all layers: {}", g.len())?;
    out.flush()?;
    Ok(Outcome::Done)
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u + 1 < UNITS.len() {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 { format!("{n} B") } else { format!("{v:.1} {}", UNITS[u]) }
}
