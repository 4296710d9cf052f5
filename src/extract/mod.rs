//! Incident extraction: ACLED-style incidents from reports.

pub mod incident;
