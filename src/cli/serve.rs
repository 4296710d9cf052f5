//! `incidentmap serve INPUT... [--bind ADDR] [--title T]`: the incidents as
//! live OGC API - Features layers.

use std::io::Write;
use std::net::SocketAddr;

use incidentmap::jobs::serve::{ServeOptions, run_serve};

use super::Outcome;
use super::common::{GazetteerArgs, ReportArgs, report_problems};

/// Arguments of `serve`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  incidentmap serve out/incidents.geojson\n  \
    incidentmap serve examples/reports --bind 127.0.0.1:0 --title 'Diyala, 2020'\n\n\
    In QGIS: Layer > Add Layer > Add WFS / OGC API - Features Layer, a new connection \
    with the URL printed on the first line.")]
pub struct Args {
    /// What `near` reads: incident layers (GeoJSON, CSV, GeoPackage, ACLED
    /// exports) and reports (files, directories, URLs, feeds), which are
    /// extracted once at start.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<String>,
    /// The address to listen on (port 0 picks a free port). Only this
    /// machine can connect unless another address is given.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// The title of the landing page.
    #[arg(long, value_name = "T", default_value = "incidentmap")]
    title: String,
    #[command(flatten)]
    on_error: super::common::OnErrorArgs,
    #[command(flatten)]
    reports: ReportArgs,
    #[command(flatten)]
    gaz: GazetteerArgs,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let mut opts = ServeOptions {
        load: args.reports.load_options(args.on_error.skip(super::common::OnError::Skip)),
        title: args.title,
        ..ServeOptions::default()
    };
    opts.server.bind = args.bind;
    let (server, report) = run_serve(&args.inputs, &opts, &args.gaz.source())?;
    let failures = report_problems(&report.problems, "skipped: ", 20);
    // The URL first, flushed: scripts and tests read it to find the port.
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", server.url())?;
    out.flush()?;
    drop(out);
    eprintln!(
        "incidentmap: serving {} incidents at {} (Ctrl-C stops)",
        server.catalog().incidents().len(),
        server.url()
    );
    let stop = server.stop_handle();
    ctrlc::set_handler(move || stop.stop())?;
    server.run()?;
    eprintln!("incidentmap: stopped");
    Ok(if failures == 0 { Outcome::Done } else { Outcome::Partial })
}
