//! Spatial index, queries and clustering over incidents.
//!
//! Points are kept as 3-D unit vectors so that straight-line (chord) distance
//! is monotonic in great-circle distance: one tree query is exact across the
//! antimeridian and at the poles. The index (see [`index`]) is a packed
//! bounding-volume tree over the unit vectors; DBSCAN uses a grid over them;
//! [`zoom`] clusters for web maps by zoom level, in Web Mercator.

pub mod cluster;
pub mod dbscan;
pub mod hull;
pub mod index;
pub mod query;
pub mod summary;
pub mod zoom;

pub use cluster::{Cluster, ClusterParams, Labels, cluster, cluster_incidents, cluster_with, summarize};
pub use index::IncidentIndex;
pub use query::{Filter, Hit, Query, near, parse_distance_km};
