//! Geoparsing: spot place names in text and resolve each to a gazetteer entry.
