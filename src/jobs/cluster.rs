//! Clustering incidents into hot spots: DBSCAN in great-circle km,
//! optionally space-time, as a job and as the step `map` shares.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::extract::incident::Incident;
use crate::input::{GazetteerSource, LoadOptions};
use crate::spatial::cluster::{Cluster, ClusterParams, Labels, cluster_incidents, summarize_with};
use crate::spatial::query::Subset;

/// Validated clustering options.
///
/// ```
/// use incidentmap::jobs::cluster::ClusterOptions;
/// assert!(ClusterOptions::new(10.0, 3).is_ok());
/// let e = ClusterOptions::new(-5.0, 3).unwrap_err().to_string();
/// assert_eq!(e, "invalid --eps-km \"-5\": must be a finite, non-negative number of km");
/// assert!(ClusterOptions::new(10.0, 0).is_err());
/// ```
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    params: ClusterParams,
    concave: bool,
    subset: Subset,
}

impl ClusterOptions {
    /// DBSCAN with radius `eps_km` (great-circle km, finite, >= 0) and
    /// `min_points` (>= 1, a point counts itself).
    pub fn new(eps_km: f64, min_points: usize) -> Result<ClusterOptions> {
        if !(eps_km.is_finite() && eps_km >= 0.0) {
            return Err(Error::invalid("--eps-km", eps_km.to_string(), "must be a finite, non-negative number of km"));
        }
        if min_points == 0 {
            return Err(Error::invalid("--min-points", "0", "must be at least 1"));
        }
        Ok(ClusterOptions {
            params: ClusterParams { eps_km, min_points, max_days: None, include_admin_centroids: false },
            concave: false,
            subset: Subset::default(),
        })
    }

    /// Space-time clustering: neighbours must also be at most this many days apart.
    pub fn max_days(mut self, days: Option<u32>) -> Self {
        self.params.max_days = days;
        self
    }

    /// Also cluster incidents placed at an admin-area centre (geo precision 3).
    pub fn include_admin_centroids(mut self, yes: bool) -> Self {
        self.params.include_admin_centroids = yes;
        self
    }

    /// Concave rather than convex cluster hulls.
    pub fn concave(mut self, yes: bool) -> Self {
        self.concave = yes;
        self
    }

    /// Cluster only the incidents of this subset (a box, a date range),
    /// as if the inputs held no others.
    pub fn subset(mut self, subset: Subset) -> Self {
        self.subset = subset;
        self
    }

    /// The DBSCAN parameters.
    pub fn params(&self) -> &ClusterParams {
        &self.params
    }
}

/// Clusters `incidents`, setting each one's `cluster_id` (`None` for noise
/// and for incidents left out); returns the labels and the cluster summaries.
pub fn assign_clusters(incidents: &mut [Incident], opts: &ClusterOptions) -> (Labels, Vec<Cluster>) {
    let labels = cluster_incidents(incidents, &opts.params);
    for (inc, c) in incidents.iter_mut().zip(&labels.cluster) {
        inc.cluster_id = *c;
    }
    let clusters = summarize_with(incidents, &labels, opts.concave);
    (labels, clusters)
}

/// What [`run_cluster`] did.
#[derive(Debug, Default)]
pub struct ClusterSummary {
    /// Incidents read.
    pub incidents: usize,
    /// Clusters found.
    pub clusters: usize,
    /// Incidents in no cluster (not counting those left out).
    pub noise: usize,
    /// Incidents at admin-area centres left out of clustering.
    pub left_out: usize,
    /// Files written.
    pub files: Vec<PathBuf>,
    /// Skipped records and failed inputs (only when lenient).
    pub problems: Vec<Error>,
}

/// Reads the inputs (only the incidents of the options' subset), clusters
/// them and writes the cluster layers into `dir`
/// ([`write_cluster_layers`](crate::export::layers::write_cluster_layers)).
pub fn run_cluster(
    inputs: &[String],
    load: &LoadOptions,
    gaz: &GazetteerSource,
    opts: &ClusterOptions,
    dir: &Path,
) -> Result<ClusterSummary> {
    // PostGIS inputs send only the subset; files are filtered as read.
    let load = LoadOptions { subset: opts.subset.clone(), ..load.clone() };
    let (mut incidents, report) = crate::input::load_all(inputs, &load, gaz)?;
    let (labels, clusters) = assign_clusters(&mut incidents, opts);
    let files = crate::export::layers::write_cluster_layers(dir, &incidents, &clusters)?;
    let left_out =
        if opts.params.include_admin_centroids { 0 } else { incidents.iter().filter(|i| i.geo_precision >= 3).count() };
    let summary = ClusterSummary {
        incidents: incidents.len(),
        clusters: labels.n_clusters as usize,
        noise: labels.noise() - left_out,
        left_out,
        files,
        problems: report.problems,
    };
    // The process usually ends now: freeing a million records string by
    // string would only delay the exit.
    std::mem::forget(incidents);
    Ok(summary)
}
