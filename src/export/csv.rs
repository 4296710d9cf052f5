//! CSV with ACLED's column names plus ours, in the order of
//! [`INCIDENT_COLUMNS`]: `event_date` as `YYYY-MM-DD`, `latitude` and
//! `longitude` with 6 decimals, empty cells for absent values. The readers in
//! [`read`](super::read) take it back unchanged.

use std::io::{self, Write};

use super::{INCIDENT_COLUMNS, push_date, push_fixed6, push_i64, push_u64};
use crate::extract::incident::Incident;

/// Streams incidents as CSV rows under a header.
pub struct IncidentCsvWriter<W: Write> {
    w: csv::Writer<W>,
    scratch: Vec<u8>,
}

impl<W: Write> IncidentCsvWriter<W> {
    /// Writes the header.
    pub fn new(w: W) -> io::Result<Self> {
        let mut w = csv::WriterBuilder::new().buffer_capacity(1 << 16).from_writer(w);
        w.write_record(INCIDENT_COLUMNS).map_err(into_io)?;
        Ok(IncidentCsvWriter { w, scratch: Vec::with_capacity(64) })
    }

    /// Writes one incident as a row.
    pub fn write(&mut self, inc: &Incident) -> io::Result<()> {
        let Self { w, scratch } = self;
        let mut num = |w: &mut csv::Writer<W>, f: &dyn Fn(&mut Vec<u8>)| {
            scratch.clear();
            f(scratch);
            w.write_field(&scratch[..])
        };
        (|| -> csv::Result<()> {
            num(w, &|b| push_u64(b, inc.id))?;
            w.write_field(&inc.event_id)?;
            num(w, &|b| push_date(b, inc.event_date))?;
            num(w, &|b| push_u64(b, inc.time_precision.into()))?;
            w.write_field(&inc.event_type)?;
            w.write_field(&inc.sub_event_type)?;
            w.write_field(&inc.actor1)?;
            w.write_field(&inc.actor2)?;
            num(w, &|b| push_u64(b, inc.fatalities.into()))?;
            num(w, &|b| push_u64(b, inc.injured.into()))?;
            w.write_field(&inc.location)?;
            w.write_field(&inc.place_name)?;
            num(w, &|b| {
                if let Some(g) = inc.geonameid {
                    push_i64(b, g)
                }
            })?;
            w.write_field(&inc.admin1)?;
            w.write_field(&inc.admin2)?;
            w.write_field(&inc.country)?;
            num(w, &|b| push_fixed6(b, inc.position.lat))?;
            num(w, &|b| push_fixed6(b, inc.position.lon))?;
            num(w, &|b| push_u64(b, inc.geo_precision.into()))?;
            w.write_field(inc.location_type.as_str())?;
            w.write_field(&inc.source)?;
            num(w, &|b| {
                if let Some(d) = inc.source_date {
                    push_date(b, d)
                }
            })?;
            w.write_field(&inc.notes)?;
            num(w, &|b| push_fixed6(b, inc.confidence))?;
            w.write_field(&inc.resolution)?;
            num(w, &|b| {
                if let Some(c) = inc.cluster_id {
                    push_u64(b, c.into())
                }
            })?;
            w.write_record(None::<&[u8]>)
        })()
        .map_err(into_io)
    }

    /// Flushes and returns the inner writer.
    pub fn finish(self) -> io::Result<W> {
        self.w.into_inner().map_err(|e| e.into_error())
    }
}

/// GDAL/QGIS column types of the incident CSV, as the one-line `.csvt`
/// sidecar both read (`incidents.csvt` next to `incidents.csv`), so that
/// `event_date` opens as a Date and counts as integers without guessing.
pub fn csvt() -> String {
    let types: Vec<String> = super::INCIDENT_COLUMNS
        .iter()
        .map(|c| {
            let t = match *c {
                "id" | "geonameid" => "Integer64",
                "time_precision" | "fatalities" | "injured" | "geo_precision" | "cluster_id" => "Integer",
                "event_date" | "source_date" => "Date",
                "latitude" | "longitude" | "confidence" => "Real",
                _ => "String",
            };
            format!("\"{t}\"")
        })
        .collect();
    types.join(",") + "\n"
}

/// Writes all incidents as CSV.
pub fn write_incidents<W: Write>(w: W, incidents: &[Incident]) -> io::Result<W> {
    let mut cw = IncidentCsvWriter::new(w)?;
    for inc in incidents {
        cw.write(inc)?;
    }
    cw.finish()
}

fn into_io(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::geojson::tests::sample;

    #[test]
    fn header_matches_geojson_properties() {
        let bytes = write_incidents(Vec::new(), &[]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text.trim_end(), INCIDENT_COLUMNS.join(","));
    }

    #[test]
    fn quotes_fields_with_commas_and_newlines() {
        let bytes = write_incidents(Vec::new(), &[sample(1)]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("\"Zaghniya, \"\"police\"\" station\""), "{text}");
        assert!(text.contains(",2020-05-15,2,"), "{text}");
        assert!(text.contains(",34.2711,45.158123,"), "{text}");
    }
}
