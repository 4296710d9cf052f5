//! incidentmap: conflict news to map layers.
//!
//! The data flows one way, one module per stage:
//!
//! ```text
//! document (files, stdin, URLs) -> geoparse (spot + resolve with the gazetteer)
//!   -> extract (incidents) -> spatial (index, queries, clusters) -> export (layers)
//! ```
//!
//! The `incidentmap` binary is a thin shell over these modules.

pub mod document;
pub mod error;
pub mod export;
pub mod extract;
pub mod fetch;
pub mod gazetteer;
pub mod geodesy;
pub mod geoparse;
pub mod pipeline;
pub mod spatial;

pub use error::{Error, Result};
pub use extract::incident::{Incident, LocationType};
pub use geodesy::LonLat;

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
