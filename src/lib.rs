//! incidentmap: conflict news to map layers.
//!
//! The data flows one way, one module per stage:
//!
//! ```text
//! input (the front door: classify and open every input)
//!   -> document (reports) -> geoparse (spot + resolve with the gazetteer)
//!   -> extract (incidents) -> spatial (index, queries, clusters) -> export (layers)
//! ```
//!
//! [`schema`] defines the incident record's columns for every reader and
//! writer; [`jobs`] holds each command's work (map, extract, cluster, near,
//! export) as one library function with validated options. The
//! `incidentmap` binary is a thin shell over [`jobs`].

pub mod atomic;
pub mod countries;
pub mod dates;
pub mod document;
pub mod error;
pub mod export;
pub mod extract;
pub mod fetch;
pub mod gazetteer;
pub mod geodesy;
pub mod geoparse;
pub mod hash;
pub mod input;
pub mod jobs;
pub mod json;
pub mod markup;
pub mod postgis;
pub mod render;
pub mod schema;
pub mod serve;
pub mod spatial;

pub use error::{Error, Result};
pub use extract::incident::{Incident, LocationType};
pub use geodesy::LonLat;

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
