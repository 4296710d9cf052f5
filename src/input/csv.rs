//! CSV in: our own CSV, ACLED exports and any CSV with latitude and
//! longitude columns; comma, tab or semicolon separated (decided from the
//! header line).

use std::io::Read;

use super::record::{Record, Sink};
use crate::error::{Error, Result};
use crate::schema::Column;

/// Reads CSV records into `sink`.
pub(crate) fn read_csv<R: Read>(mut r: R, sink: &mut Sink) -> Result<()> {
    // Decide the delimiter from the header line, without losing bytes.
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        match r.read(&mut byte) {
            Ok(0) => break,
            Ok(_) => {
                head.push(byte[0]);
                if byte[0] == b'\n' {
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io(sink.path(), e)),
        }
    }
    // Say what the file looks like when it is no CSV at all.
    if head.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::bad_input(sink.path(), "is empty: no CSV header line"));
    }
    if head.starts_with(b"SQLite format 3\0") {
        return Err(Error::bad_input(sink.path(), "looks like a GeoPackage (SQLite), not CSV: give it a .gpkg name"));
    }
    if let Err(e) = std::str::from_utf8(&head) {
        return Err(Error::BadEncoding {
            path: sink.path(),
            byte: e.valid_up_to() as u64,
            message: "not UTF-8 text, so not a CSV layer (a binary file?)".into(),
        });
    }
    let delimiter = if !head.contains(&b',') && head.contains(&b'\t') {
        b'\t'
    } else if !head.contains(&b',') && head.contains(&b';') {
        b';'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(std::io::Cursor::new(head).chain(r));
    let headers = rdr.headers().map_err(|e| Error::bad_input(sink.path(), format!("CSV header: {e}")))?.clone();
    let fields = super::record::targets(headers.iter());
    for (need, what) in [
        (Column::Latitude, "latitude column (latitude, lat or y)"),
        (Column::Longitude, "longitude column (longitude, lon, lng or x)"),
        (Column::EventDate, "event_date column (event_date or date)"),
    ] {
        if !fields.contains(&Some(super::record::Target::Column(need))) {
            return Err(Error::bad_input(sink.path(), format!("CSV has no {what}")));
        }
    }
    let names: Vec<&str> = headers.iter().collect();
    let mut rec = csv::StringRecord::new();
    let mut n = 0u64;
    loop {
        let line_before = rdr.position().line();
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line_before, |p| p.line());
                n += 1;
                sink.bad(line, format!("unreadable CSV record: {e}"))?;
                continue;
            }
        }
        n += 1;
        let line = rec.position().map_or(line_before, |p| p.line());
        if rec.len() != fields.len() && !(rec.len() == 1 && rec[0].is_empty()) {
            sink.bad(line, format!("record has {} fields, the header has {}", rec.len(), fields.len()))?;
            continue;
        }
        if rec.len() != fields.len() {
            continue; // blank line
        }
        let mut row = Record::new();
        let mut err = None;
        for ((f, v), name) in fields.iter().zip(rec.iter()).zip(&names) {
            if let Some(f) = f
                && !v.is_empty()
                && let Err(m) = row.set(*f, name.trim(), v)
            {
                err = Some(m);
                break;
            }
        }
        let r = match err {
            Some(m) => Err(m),
            None => row.finish(n),
        };
        sink.take(line, r)?;
    }
    Ok(())
}
