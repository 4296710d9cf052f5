//! Subcommand (being built).

use super::Outcome;

/// Arguments.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<Outcome> {
    anyhow::bail!("this subcommand is not built yet")
}
