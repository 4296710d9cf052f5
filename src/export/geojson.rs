//! Interim GeoJSON writer (replaced by the streaming layer writer).

use std::io::Write;

use crate::extract::Incident;

/// Writes incidents as an RFC 7946 FeatureCollection.
pub fn write_incidents(w: &mut dyn Write, incidents: &[Incident]) -> std::io::Result<()> {
    let features: Vec<serde_json::Value> = incidents
        .iter()
        .map(|i| {
            serde_json::json!({"type": "Feature", "id": i.id,
                "geometry": {"type": "Point", "coordinates": [(i.position.lon * 1e6).round() / 1e6, (i.position.lat * 1e6).round() / 1e6]},
                "properties": crate::pipeline::incident_json(i)})
        })
        .collect();
    serde_json::to_writer(&mut *w, &serde_json::json!({"type": "FeatureCollection", "features": features}))?;
    writeln!(w)
}
