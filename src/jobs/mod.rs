//! Each command's work as one library function: options that validate
//! themselves on construction, inputs through the front door
//! ([`input::load`](crate::input::load)), the stages, the writers. The
//! command line only parses flags into these options, calls one function
//! and prints what it returns.
//!
//! | job | what it does |
//! |---|---|
//! | [`map::run_map`] | inputs -> incidents -> clusters -> every layer of a directory |
//! | [`extract::run_extract`] | reports -> incidents in one output |
//! | [`cluster::run_cluster`] | incidents -> DBSCAN clusters -> cluster layers |
//! | [`near::run_near`] | incidents near one point or many sites, with filters |
//! | [`export::run_export`] | incidents from any input to any output format |
//! | [`fetch::run_fetch`] | web pages and feed items saved as report files |
//! | [`geoparse::run_geoparse`] | every place name in texts, resolved |
//! | [`serve::run_serve`] | inputs -> the `map` layers served over OGC API - Features |

pub mod cluster;
pub mod export;
pub mod extract;
pub mod fetch;
pub mod geoparse;
pub mod map;
pub mod near;
pub mod serve;

pub use crate::input::{GazetteerSource, LoadOptions, LoadReport};
