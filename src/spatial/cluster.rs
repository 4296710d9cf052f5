//! Clustering of incidents: DBSCAN in kilometres (optionally space-time)
//! and cluster summaries.
//!
//! The work is done in two rooms, re-exported here under their old names:
//! [`dbscan`](super::dbscan) labels the points (definitions, border rule
//! and numbering are documented there), and [`summary`](super::summary)
//! summarises the clusters for the layers.

pub use super::dbscan::{ClusterParams, Labels, cluster, cluster_incidents, cluster_with, day_number};
pub use super::summary::{Cluster, summarize, summarize_with};
