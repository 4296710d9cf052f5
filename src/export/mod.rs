//! Layers out (GeoJSON, GeoJSONSeq, CSV, GeoPackage with QGIS styles) and
//! incident files in (our own formats and ACLED exports).

pub mod atomic;
pub mod csv;
pub mod geojson;
