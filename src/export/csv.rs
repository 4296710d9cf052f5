//! CSV with ACLED's column names plus ours, in the order of
//! [`crate::schema::COLUMNS`]: `event_date` as `YYYY-MM-DD`, `latitude` and
//! `longitude` with 6 decimals, empty cells for absent values. The readers in
//! [`input`](crate::input) take it back unchanged.

use std::io::{self, Write};

use super::{push_date, push_fixed6, push_i64, push_u64};
use crate::extract::incident::Incident;
use crate::schema::{COLUMNS, Extra, Value};

/// Streams incidents as CSV rows under a header: the columns of
/// [`COLUMNS`], then any extra columns.
pub struct IncidentCsvWriter<W: Write> {
    w: csv::Writer<W>,
    scratch: Vec<u8>,
    extras: usize,
}

impl<W: Write> IncidentCsvWriter<W> {
    /// Writes the header.
    pub fn new(w: W) -> io::Result<Self> {
        Self::with_extras(w, &[])
    }

    /// Writes the header, with extra columns after the record's own.
    pub fn with_extras(w: W, extras: &[Extra]) -> io::Result<Self> {
        let mut w = csv::WriterBuilder::new().buffer_capacity(1 << 16).from_writer(w);
        let header = crate::schema::names().chain(extras.iter().map(|e| e.name));
        w.write_record(header).map_err(into_io)?;
        Ok(IncidentCsvWriter { w, scratch: Vec::with_capacity(64), extras: extras.len() })
    }

    /// Writes one incident as a row.
    pub fn write(&mut self, inc: &Incident) -> io::Result<()> {
        self.write_with(inc, &[])
    }

    /// Writes one incident as a row, with the values of the extra columns.
    pub fn write_with(&mut self, inc: &Incident, values: &[Value]) -> io::Result<()> {
        debug_assert_eq!(values.len(), self.extras);
        let Self { w, scratch, .. } = self;
        let mut field = |v: Value| -> csv::Result<()> {
            scratch.clear();
            match v {
                Value::Text(s) => return w.write_field(s),
                Value::UInt(n) => push_u64(scratch, n),
                Value::Int(n) => push_i64(scratch, n),
                Value::Real(x) => push_fixed6(scratch, x),
                Value::Date(d) => push_date(scratch, d),
                Value::Null => {}
            }
            w.write_field(&scratch[..])
        };
        (|| -> csv::Result<()> {
            for c in &COLUMNS {
                field(c.column.value(inc))?;
            }
            for v in values {
                field(*v)?;
            }
            Ok(())
        })()
        .and_then(|()| w.write_record(None::<&[u8]>))
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
    let types: Vec<String> = COLUMNS.iter().map(|c| format!("\"{}\"", c.ty.csvt())).collect();
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
        assert_eq!(text.trim_end(), crate::schema::names().collect::<Vec<_>>().join(","));
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
