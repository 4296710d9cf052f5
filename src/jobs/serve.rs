//! `serve`: inputs through the front door, the layers `map` computes, and
//! a server over them.

use super::cluster::{ClusterOptions, assign_clusters};
use crate::error::Result;
use crate::input::{GazetteerSource, LoadOptions, LoadReport};
use crate::serve::{Catalog, Server, ServerOptions};

/// Knobs of `serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// How inputs are read and reports extracted.
    pub load: LoadOptions,
    /// Clustering for the `clusters` collection (the `map` defaults).
    pub cluster: ClusterOptions,
    /// The landing page's title.
    pub title: String,
    /// Where to listen.
    pub server: ServerOptions,
}

impl Default for ServeOptions {
    fn default() -> Self {
        let map = super::map::MapOptions::default();
        ServeOptions {
            load: map.load,
            cluster: map.cluster,
            title: "incidentmap".to_string(),
            server: ServerOptions::default(),
        }
    }
}

/// Reads the inputs (reports are extracted, layers read), clusters the
/// incidents and summarises them by admin-1 area as `map` does, and binds
/// the server; the caller prints [`Server::url`] and calls [`Server::run`].
///
/// # Errors
/// Those of [`load_all`](crate::input::load_all); the gazetteer failing to
/// open; the address failing to bind.
pub fn run_serve(inputs: &[String], opts: &ServeOptions, gaz: &GazetteerSource) -> Result<(Server, LoadReport)> {
    let (mut incidents, report) = crate::input::load_all(inputs, &opts.load, gaz)?;
    let (_, clusters) = assign_clusters(&mut incidents, &opts.cluster);
    let areas = gaz.get()?.admin_areas();
    let layers = crate::export::layers::Layers::new(&incidents, &clusters, areas);
    let admin: Vec<_> = crate::export::layers::admin_stats(&layers).into_iter().map(|(a, s)| (a.clone(), s)).collect();
    let mut catalog = Catalog::new(opts.title.clone(), incidents, clusters, admin);
    let basemap = crate::serve::basemap::basemap_geojson(areas, catalog.extent(crate::serve::CollectionId::Incidents));
    catalog.set_basemap(basemap);
    Ok((Server::bind(catalog, &opts.server)?, report))
}
