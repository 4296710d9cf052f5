//! Queries near a place with filters.
