//! Interim CSV writer (replaced by the layer writer).

use std::io::Write;

use crate::extract::Incident;

/// Writes incidents as CSV.
pub fn write_incidents(w: &mut dyn Write, incidents: &[Incident]) -> std::io::Result<()> {
    let mut cw = csv::Writer::from_writer(w);
    for i in incidents {
        let v = crate::pipeline::incident_json(i);
        let obj = v.as_object().unwrap();
        if i.id == incidents[0].id {
            cw.write_record(obj.keys())?;
        }
        cw.write_record(obj.values().map(|v| match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => String::new(),
            o => o.to_string(),
        }))?;
    }
    cw.flush()
}
