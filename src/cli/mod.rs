//! Argument parsing (clap derive) and dispatch, one file per subcommand.

mod cluster;
mod common;
mod export;
mod extract;
mod fetch;
mod gazetteer;
mod geocode;
mod geoparse;
mod map;
mod near;
mod serve;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Turn conflict news into map layers: find incidents in reports, place them
/// with an offline gazetteer, cluster them, query them, and write GeoJSON,
/// CSV and GeoPackage layers that open styled in QGIS.
#[derive(Debug, Parser)]
#[command(name = "incidentmap", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The most one input read whole (a report, standard input) may hold,
    /// in MiB; a larger or endless one stops with an error.
    #[arg(long, global = true, value_name = "MB", default_value_t = 2048,
          value_parser = clap::value_parser!(u64).range(1..))]
    max_input_mb: u64,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The main job: reports in, every layer out (incidents, clusters, admin-1 areas).
    Map(map::Args),
    /// Find incidents in reports and write them (GeoJSON, JSON lines or CSV).
    Extract(extract::Args),
    /// Find and resolve the place names in texts.
    Geoparse(geoparse::Args),
    /// Look a place name up in the gazetteer.
    Geocode(geocode::Args),
    /// Incidents near a place or point, with filters.
    Near(near::Args),
    /// Cluster incidents (DBSCAN in km, optionally space-time).
    Cluster(cluster::Args),
    /// Convert incidents between GeoJSON, GeoJSONSeq, CSV and GeoPackage.
    Export(export::Args),
    /// Import or download GeoNames data; show what the gazetteer holds.
    #[command(subcommand)]
    Gazetteer(gazetteer::Command),
    /// Save web pages and feed items as report files.
    Fetch(fetch::Args),
    /// Serve incidents as live layers (OGC API - Features) for QGIS, GDAL and browsers.
    Serve(serve::Args),
}

/// Outcome of a subcommand that ran to the end.
pub enum Outcome {
    /// Everything worked.
    Done,
    /// The run finished but some inputs failed; they were reported.
    Partial,
}

/// Parses arguments, runs the subcommand, maps the result to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    incidentmap::document::set_max_input_bytes(cli.max_input_mb.saturating_mul(1 << 20));
    // `serve` writes no file and stops cleanly on Ctrl-C by itself.
    if !matches!(cli.command, Command::Serve(_)) {
        incidentmap::atomic::remove_temps_on_signal();
    }
    let result = match cli.command {
        Command::Map(a) => map::run(a),
        Command::Extract(a) => extract::run(a),
        Command::Geoparse(a) => geoparse::run(a),
        Command::Geocode(a) => geocode::run(a),
        Command::Near(a) => near::run(a),
        Command::Cluster(a) => cluster::run(a),
        Command::Export(a) => export::run(a),
        Command::Gazetteer(c) => gazetteer::run(c),
        Command::Fetch(a) => fetch::run(a),
        Command::Serve(a) => serve::run(a),
    };
    match result {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::Partial) => ExitCode::from(1),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("incidentmap: error: {}", error_message(&e));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes, each said once: a message that already ends
/// with its cause's text ("x.csv: No such file or directory") is not
/// followed by that cause again.
fn error_message(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.is_empty() {
            out = text;
        } else if !out.ends_with(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
    }
    out
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<incidentmap::Error>().is_some_and(|e| e.is_broken_pipe())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_cause_is_said_once() {
        let io = std::io::Error::from(std::io::ErrorKind::NotFound);
        let e = anyhow::Error::new(incidentmap::Error::io("a.csv", io)).context("export to b.geojson");
        let m = super::error_message(&e);
        assert_eq!(m.matches("not found").count(), 1, "{m}");
        assert!(m.starts_with("export to b.geojson: a.csv: "), "{m}");
        let plain = anyhow::anyhow!("outer").context("ctx");
        assert_eq!(super::error_message(&plain), "ctx: outer");
    }
}
