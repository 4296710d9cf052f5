//! Geoparsing: spot place names in text and resolve each to a gazetteer entry.
//!
//! [`spot()`] finds mentions (gazetteer names in one pass over the words, plus
//! unknown capitalised names in a locative frame), [`resolve()`] picks one
//! place per mention, evidence before priors, recording the rules that decided.

mod candidate;
mod frame;
mod mention;
pub mod names;
pub mod ranker;
pub mod resolve;
pub mod spot;
mod tokens;
mod vocab;
mod words;

pub use resolve::{CandidateFeatures, Resolution, ResolveOptions, resolve};
pub use spot::{Mention, MentionKind, Relation, spot};
pub use words::{DIRECTIONS, MONTHS};

use crate::document::Document;
use crate::gazetteer::Gazetteer;

/// Spots and resolves the places of one document.
pub fn geoparse(gaz: &Gazetteer, doc: &Document, opts: &ResolveOptions) -> Vec<Resolution> {
    let mentions = spot(gaz, &doc.text, doc.body_start);
    resolve(gaz, &doc.text, mentions, opts)
}
