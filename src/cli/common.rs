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
