//! The main job, end to end: inputs -> incidents -> clusters -> layers.

use std::path::{Path, PathBuf};

use super::cluster::{ClusterOptions, assign_clusters};
use crate::error::{Error, Result};
use crate::input::{GazetteerSource, LoadOptions};

/// Knobs of the main job.
#[derive(Debug, Clone)]
pub struct MapOptions {
    /// How inputs are read and reports extracted. Not lenient (`--on-error stop`):
    /// the first report that cannot be read or dated stops the run.
    pub load: LoadOptions,
    /// Clustering (validated on construction).
    pub cluster: ClusterOptions,
    /// Draw the quick-look pictures (`map.png`, `map.svg`, `map.pgw`,
    /// `timeline.png`; [`crate::render`]) beside the layers of a directory.
    /// A PostGIS output has no directory: no pictures are drawn for it.
    pub pictures: bool,
}

impl Default for MapOptions {
    fn default() -> Self {
        MapOptions {
            load: LoadOptions { lenient: true, ..LoadOptions::default() },
            cluster: ClusterOptions::new(25.0, 3).expect("valid defaults"),
            pictures: true,
        }
    }
}

/// What the main job did.
#[derive(Debug, Default)]
pub struct MapSummary {
    /// Reports read.
    pub documents: usize,
    /// Incidents written.
    pub incidents: usize,
    /// Clusters found.
    pub clusters: usize,
    /// Files written.
    pub files: Vec<PathBuf>,
    /// PostGIS tables written (when the output was a `postgresql://` URL).
    pub tables: Vec<String>,
    /// Inputs and reports that could not be processed (the rest were).
    pub errors: Vec<Error>,
}

/// The main job: reads the inputs (reports are extracted, incident layers
/// read), clusters the incidents and writes every layer into `dir` (each
/// file atomically), or, when `dir` is a `postgresql://` URL, into PostGIS
/// tables in one transaction ([`write_map`](crate::postgis::write_map)).
/// With `opts.pictures`, a directory also gets the quick-look pictures
/// ([`crate::render`]), drawn before anything is written and replaced
/// with the layers as one set. `--no-pictures` leaves the pictures of an
/// earlier run as they are, like any other file of the directory.
///
/// # Errors
/// The first failed input when `opts.load.lenient` is off; an error when
/// inputs were given but every one failed (Error::NothingRead).
pub fn run_map(inputs: &[String], opts: &MapOptions, gaz: &GazetteerSource, dir: &Path) -> Result<MapSummary> {
    let (mut incidents, report) = crate::input::load_all(inputs, &opts.load, gaz)?;
    let (_, clusters) = assign_clusters(&mut incidents, &opts.cluster);
    let layers = crate::export::layers::Layers::new(&incidents, &clusters, gaz.get()?.admin_areas());
    let (mut files, mut tables) = (Vec::new(), Vec::new());
    let out = dir.to_string_lossy();
    if crate::postgis::is_pg_url(&out) {
        let target = crate::postgis::PgTarget::parse(&out)?;
        let admin = crate::export::layers::admin_stats(&layers);
        tables = crate::postgis::write_map(&target, &incidents, &clusters, &admin)?.tables;
    } else {
        let pictures = if opts.pictures {
            let counts = crate::render::area_counts(&layers);
            let input = crate::render::PictureInput {
                incidents: &incidents,
                clusters: &clusters,
                areas: layers.admin_areas,
                area_counts: &counts,
            };
            crate::render::render(&input, dir)?
        } else {
            Vec::new()
        };
        // The pictures go in the layers' set: replaced with it or not at all.
        let owned: &[&str] = if opts.pictures { &crate::render::PICTURE_FILES } else { &[] };
        files = crate::export::layers::write_layers_with(dir, &layers, owned, &pictures)?;
    }
    Ok(MapSummary {
        documents: report.documents,
        incidents: incidents.len(),
        clusters: clusters.len(),
        files,
        tables,
        errors: report.problems,
    })
}
