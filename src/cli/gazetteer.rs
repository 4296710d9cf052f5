//! `incidentmap gazetteer ...`: import, download, info.

use super::Outcome;
use super::common::GazetteerArgs;

/// Gazetteer subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Show what the gazetteer holds.
    Info {
        #[command(flatten)]
        gaz: GazetteerArgs,
    },
}

pub fn run(cmd: Command) -> anyhow::Result<Outcome> {
    match cmd {
        Command::Info { gaz } => {
            let g = gaz.open()?;
            println!("layers: {}", g.layer_names().join(", "));
            println!("places: {}", g.len());
            println!("admin-1 areas with polygons: {}", g.admin_areas().len());
            Ok(Outcome::Done)
        }
    }
}
