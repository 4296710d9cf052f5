//! One incident output in any format, to a file (atomically) or to
//! standard output: the writer every command that writes incidents uses.
//!
//! Records are pushed one at a time ([`IncidentOutput::write`]) so that a
//! conversion streams; nothing appears at the target path until
//! [`IncidentOutput::finish`] succeeds, and dropping an unfinished output
//! removes its temporary file and leaves an existing file untouched. A
//! PostGIS table ([`Format::Postgis`]) is written in one transaction that
//! only `finish` commits.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::Format;
use super::atomic::{io_err, is_special, temp_beside};
use super::csv::IncidentCsvWriter;
use super::geojson::{FeatureBuf, IncidentGeoJsonWriter};
use super::gpkg::{GpkgWriter, Layer};
use crate::error::{Error, Result};
use crate::extract::incident::Incident;
use crate::schema::{Extra, Value};

/// JSON lines: one flat object per incident, the properties of its
/// GeoJSON feature (with `latitude` and `longitude`), extra columns after.
pub struct IncidentJsonlWriter<W: Write> {
    w: W,
    buf: FeatureBuf,
    extras: Vec<Extra>,
}

impl<W: Write> IncidentJsonlWriter<W> {
    /// A writer with extra columns after the record's own.
    pub fn new(w: W, extras: &[Extra]) -> Self {
        IncidentJsonlWriter { w, buf: FeatureBuf::new(), extras: extras.to_vec() }
    }

    /// Writes one incident with the values of the extra columns.
    pub fn write_with(&mut self, inc: &Incident, values: &[Value]) -> io::Result<()> {
        self.buf.incident_object(inc, &self.extras, values);
        self.buf.buf.push(b'\n');
        self.w.write_all(&self.buf.buf)
    }

    /// Flushes and returns the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.w.flush()?;
        Ok(self.w)
    }
}

/// A stream format's writer.
enum Stream<W: Write> {
    GeoJson(IncidentGeoJsonWriter<W>),
    Csv(Box<IncidentCsvWriter<W>>),
    Jsonl(IncidentJsonlWriter<W>),
}

impl<W: Write> Stream<W> {
    fn new(w: W, format: Format, extras: &[Extra]) -> io::Result<Stream<W>> {
        Ok(match format {
            Format::GeoJson => Stream::GeoJson(IncidentGeoJsonWriter::new(w)?.with_extras(extras)),
            Format::GeoJsonSeq => Stream::GeoJson(IncidentGeoJsonWriter::new_seq(w)?.with_extras(extras)),
            Format::Csv => Stream::Csv(Box::new(IncidentCsvWriter::with_extras(w, extras)?)),
            Format::Jsonl => Stream::Jsonl(IncidentJsonlWriter::new(w, extras)),
            Format::Gpkg | Format::Postgis => return Err(io::Error::other("a table is not a stream format")),
        })
    }

    fn write(&mut self, inc: &Incident, values: &[Value]) -> io::Result<()> {
        match self {
            Stream::GeoJson(g) => g.write_with(inc, values),
            Stream::Csv(c) => c.write_with(inc, values),
            Stream::Jsonl(j) => j.write_with(inc, values),
        }
    }

    fn finish(self) -> io::Result<W> {
        match self {
            Stream::GeoJson(g) => g.finish(),
            Stream::Csv(c) => c.finish(),
            Stream::Jsonl(j) => j.finish(),
        }
    }
}

/// Where a streamed output goes until it is complete.
pub(crate) enum Target {
    /// A temporary file renamed over the path when finished.
    Temp(tempfile::TempPath),
    /// A device or pipe, written in place.
    InPlace,
    Stdout,
}

impl Target {
    /// Opens `path` for streaming (`-` is standard output): a temporary
    /// file beside it that syncs when flushed, or a device written in place.
    pub(crate) fn open(path: &Path) -> Result<(Box<dyn Write>, Target)> {
        Ok(if path.as_os_str() == "-" {
            (Box::new(BufWriter::with_capacity(1 << 16, io::stdout().lock())), Target::Stdout)
        } else if is_special(path) {
            let f = std::fs::OpenOptions::new().write(true).open(path).map_err(io_err(path))?;
            (Box::new(BufWriter::with_capacity(1 << 20, f)), Target::InPlace)
        } else {
            let (file, tmp) = temp_beside(path)?.into_parts();
            (Box::new(BufWriter::with_capacity(1 << 20, SyncOnFlush(file))), Target::Temp(tmp))
        })
    }

    /// Renames a finished temporary file into place; call after the writer
    /// was flushed and dropped.
    pub(crate) fn commit(self, path: &Path) -> Result<()> {
        match self {
            Target::Temp(tmp) => super::atomic::Staged::new(tmp, path).commit(),
            Target::InPlace | Target::Stdout => Ok(()),
        }
    }
}

enum Inner {
    Stream { stream: Box<Stream<Box<dyn Write>>>, target: Target },
    Gpkg(Box<GpkgWriter>),
    Postgis(Box<crate::postgis::PgWriter>),
}

/// Incidents going to one output.
pub struct IncidentOutput {
    path: PathBuf,
    inner: Inner,
    written: u64,
}

impl IncidentOutput {
    /// Opens `path` (`-` is standard output) for incidents in `format`,
    /// with extra columns after the record's own (not in a GeoPackage).
    pub fn create(path: &Path, format: Format, extras: &[Extra]) -> Result<IncidentOutput> {
        let io = io_err(path);
        let inner = if format == Format::Postgis {
            let url = path.to_string_lossy();
            if !extras.is_empty() {
                return Err(Error::invalid(
                    "output",
                    crate::postgis::redact(&url),
                    "query results go to GeoJSON, CSV or JSON lines",
                ));
            }
            let target = crate::postgis::PgTarget::parse(&url)?;
            Inner::Postgis(Box::new(crate::postgis::PgWriter::create(&target)?))
        } else if format == Format::Gpkg {
            if path.as_os_str() == "-" {
                return Err(Error::invalid("output", "-", "a GeoPackage cannot be written to standard output"));
            }
            if !extras.is_empty() {
                return Err(Error::invalid(
                    "output",
                    path.display().to_string(),
                    "query results go to GeoJSON, CSV or JSON lines",
                ));
            }
            let mut g = GpkgWriter::create(path)?;
            g.create_layer(Layer::Incidents)?;
            Inner::Gpkg(Box::new(g))
        } else {
            let (w, target) = Target::open(path)?;
            Inner::Stream { stream: Box::new(Stream::new(w, format, extras).map_err(&io)?), target }
        };
        Ok(IncidentOutput { path: path.to_path_buf(), inner, written: 0 })
    }

    /// Writes one incident with the values of the extra columns.
    pub fn write(&mut self, inc: &Incident, values: &[Value]) -> Result<()> {
        match &mut self.inner {
            Inner::Stream { stream, .. } => stream.write(inc, values).map_err(io_err(&self.path))?,
            Inner::Gpkg(g) => g.add_incident(inc)?,
            Inner::Postgis(p) => p.add(inc)?,
        }
        self.written += 1;
        Ok(())
    }

    /// Incidents written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Completes the output: closes the format, syncs the file and renames
    /// it into place. Returns how many incidents were written.
    pub fn finish(self) -> Result<u64> {
        let IncidentOutput { path, inner, written } = self;
        match inner {
            Inner::Postgis(p) => {
                p.finish(Some(&super::style::incidents_qml()))?;
            }
            Inner::Gpkg(mut g) => {
                g.add_style(Layer::Incidents, "incidents", &super::style::incidents_qml())?;
                g.finish()?;
            }
            Inner::Stream { stream, target } => {
                // Flushing the BufWriter also syncs a temporary file.
                let w = stream.finish().map_err(io_err(&path))?;
                drop(w);
                target.commit(&path)?;
            }
        }
        Ok(written)
    }
}

/// A file whose `flush` also syncs it to disk, so that the rename that
/// follows never exposes a file whose data is not yet written.
struct SyncOnFlush(File);

impl Write for SyncOnFlush {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()?;
        self.0.sync_all()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::geojson::tests::sample;

    #[test]
    fn unfinished_output_leaves_the_old_file_and_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.geojson");
        std::fs::write(&p, b"old").unwrap();
        {
            let mut o = IncidentOutput::create(&p, Format::GeoJson, &[]).unwrap();
            o.write(&sample(1), &[]).unwrap();
        }
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let mut o = IncidentOutput::create(&p, Format::GeoJson, &[]).unwrap();
        o.write(&sample(1), &[]).unwrap();
        assert_eq!(o.finish().unwrap(), 1);
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        assert_eq!(v["features"][0]["properties"]["cluster_id"], 4);
    }

    #[test]
    fn jsonl_is_the_feature_properties() {
        let mut w = IncidentJsonlWriter::new(Vec::new(), &[crate::schema::DISTANCE_KM]);
        w.write_with(&sample(1), &[Value::Real(1.5)]).unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        assert!(text.ends_with(",\"distance_km\":1.5}\n"), "{text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let f: serde_json::Value =
            serde_json::from_slice(&super::super::geojson::write_incidents(Vec::new(), &[sample(1)]).unwrap()).unwrap();
        let mut props = f["features"][0]["properties"].as_object().unwrap().clone();
        props.insert("distance_km".into(), 1.5.into());
        assert_eq!(v.as_object().unwrap(), &props);
    }
}
