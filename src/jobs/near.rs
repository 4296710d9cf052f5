//! Incidents near one point or many sites, with filters: "what happened
//! within 30 km of Khanaqin last month?", for one place or for 500
//! checkpoints in one run.
//!
//! One point streams the inputs through a [`Collector`] that keeps only the
//! answers (a million-row file is never held whole). Many sites read the
//! incidents once, build one R-tree and answer each site from it; every
//! site's answer is exactly what one query for that site alone returns
//! (nearest first, then by `id`).

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::export::Format;
use crate::export::output::{IncidentOutput, Target};
use crate::extract::incident::Incident;
use crate::geodesy::LonLat;
use crate::input::sites::Site;
use crate::input::{GazetteerSource, LoadOptions};
use crate::schema::{BEARING_DEG, DISTANCE_KM, Extra, SITE_ID, SITE_NAME, Value};
use crate::spatial::index::IncidentIndex;
use crate::spatial::query::{Collector, Filter, Hit, Query, near_with_positions};

/// How results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NearFormat {
    /// A readable table, nearest first.
    Table,
    /// An incident format, with `distance_km` and `bearing_deg` (and the
    /// site's id and name) after the record's columns.
    Records(Format),
}

/// The question, less its centre: validated limits and filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NearOptions {
    radius_km: Option<f64>,
    nearest: Option<usize>,
    bbox: Option<[f64; 4]>,
    filter: Filter,
    limit: Option<usize>,
}

impl NearOptions {
    /// Options with limits: a radius (`--within`, km), the `k` nearest, a
    /// box `[west, south, east, north]`, at most `limit` hits per point.
    ///
    /// # Errors
    /// A negative or non-finite radius, `nearest` or `limit` of 0, a box
    /// outside the globe or with south above north.
    pub fn new(
        radius_km: Option<f64>,
        nearest: Option<usize>,
        bbox: Option<[f64; 4]>,
        limit: Option<usize>,
    ) -> Result<NearOptions> {
        if let Some(r) = radius_km
            && !(r.is_finite() && r >= 0.0)
        {
            return Err(Error::invalid("--within", r.to_string(), "must be a finite, non-negative distance"));
        }
        if nearest == Some(0) {
            return Err(Error::invalid("--nearest", "0", "must be at least 1"));
        }
        if limit == Some(0) {
            return Err(Error::invalid("--limit", "0", "must be at least 1"));
        }
        crate::spatial::query::check_bbox_option(bbox)?;
        Ok(NearOptions { radius_km, nearest, bbox, filter: Filter::default(), limit })
    }

    /// Adds the attribute filter (dates, type, actor, fatalities, precision).
    ///
    /// # Errors
    /// A `from` date after the `to` date.
    pub fn filter(mut self, filter: Filter) -> Result<NearOptions> {
        crate::spatial::query::check_date_range(filter.from, filter.to)?;
        self.filter = filter;
        Ok(self)
    }

    /// The query around one centre.
    pub fn query(&self, center: LonLat) -> Query {
        Query {
            center,
            radius_km: self.radius_km,
            nearest: self.nearest,
            bbox: self.bbox,
            filter: self.filter.clone(),
            limit: self.limit,
        }
    }

    /// How the question reads, for "no incidents ..." messages.
    pub fn describe(&self) -> String {
        match (self.radius_km, self.nearest, self.bbox) {
            (Some(r), _, _) => format!("within {r} km of"),
            (None, Some(_), _) | (None, None, Some(_)) => "matching, measured from".to_string(),
            _ => "matching, near".to_string(),
        }
    }
}

/// Where the query is measured from.
#[derive(Debug, Clone, PartialEq)]
pub enum NearAt {
    /// One point (a place the gazetteer placed, or LAT,LON).
    Point(LonLat),
    /// Many sites (`near --points`): one row per (site, incident) pair.
    Sites(Vec<Site>),
}

impl NearAt {
    /// A place name looked up in the gazetteer (in `country` when given),
    /// or a point written `LAT,LON`; with how it reads in messages.
    ///
    /// # Errors
    /// A `LAT,LON` out of range; a name the gazetteer cannot place, or
    /// places equally well in several spots.
    pub fn place(at: &str, gaz: &GazetteerSource, country: Option<&str>) -> Result<(NearAt, String)> {
        if let Some(p) = crate::spatial::query::parse_lat_lon(at)? {
            return Ok((NearAt::Point(p), format!("{},{}", p.lat, p.lon)));
        }
        let g = gaz.get()?;
        let cand = g.geocode_unique(at, country)?;
        Ok((NearAt::Point(cand.place.position), g.describe(&cand.place)))
    }

    /// The sites of a CSV or GeoJSON file ([`read_sites`](crate::input::sites::read_sites)).
    pub fn sites(path: &Path, gaz: &GazetteerSource, country: Option<&str>) -> Result<(NearAt, String)> {
        let sites = crate::input::sites::read_sites(path, gaz, country)?;
        let label = format!("any of the {} sites of {}", sites.len(), path.display());
        Ok((NearAt::Sites(sites), label))
    }
}

/// What [`run_near`] did.
#[derive(Debug, Default)]
pub struct NearSummary {
    /// Incidents read.
    pub incidents: u64,
    /// Result rows written.
    pub hits: u64,
    /// Skipped records and failed inputs (only when lenient).
    pub problems: Vec<Error>,
}

/// Answers the query for `at` over the inputs and writes the results to
/// `output` (`-` is standard output).
pub fn run_near(
    inputs: &[String],
    load: &LoadOptions,
    gaz: &GazetteerSource,
    at: &NearAt,
    opts: &NearOptions,
    format: NearFormat,
    output: &Path,
) -> Result<NearSummary> {
    let sites = matches!(at, NearAt::Sites(_));
    let extras: &[Extra] =
        if sites { &[SITE_ID, SITE_NAME, DISTANCE_KM, BEARING_DEG] } else { &[DISTANCE_KM, BEARING_DEG] };
    let mut out = ResultWriter::create(output, format, extras, sites)?;
    let mut summary = NearSummary::default();
    match at {
        NearAt::Point(center) => {
            let mut collector = Collector::new(opts.query(*center));
            // PostGIS inputs send only the query's candidates; the
            // collector applies the exact test to them as to any file.
            let load = LoadOptions { pushdown: Some(opts.query(*center)), ..load.clone() };
            let report = crate::input::load(inputs, &load, gaz, &mut |inc| {
                collector.push(inc);
                Ok(())
            })?;
            let (incidents, hits) = collector.finish();
            for h in &hits {
                out.row(None, &incidents[h.idx], h)?;
            }
            summary.incidents = report.incidents;
            summary.problems = report.problems;
            summary.hits = hits.len() as u64;
        }
        NearAt::Sites(sites) => {
            let (incidents, report) = crate::input::load_all(inputs, load, gaz)?;
            let positions: Vec<LonLat> = incidents.iter().map(|i| i.position).collect();
            let index = IncidentIndex::new(&positions);
            for site in sites {
                let hits = near_with_positions(&index, &incidents, &positions, &opts.query(site.position));
                for h in &hits {
                    out.row(Some(site), &incidents[h.idx], h)?;
                }
                summary.hits += hits.len() as u64;
            }
            summary.incidents = report.incidents;
            summary.problems = report.problems;
            std::mem::forget(incidents);
        }
    }
    out.finish()?;
    Ok(summary)
}

/// Rounds to `decimals` places (distances to metres, bearings to tenths).
fn round_to(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f
}

/// The results' writer: a table, or an incident output with extra columns.
enum ResultWriter {
    Table { w: Box<dyn Write>, path: std::path::PathBuf, target: Target, sites: bool, header: bool },
    Records(Box<IncidentOutput>),
}

impl ResultWriter {
    fn create(output: &Path, format: NearFormat, extras: &[Extra], sites: bool) -> Result<ResultWriter> {
        match format {
            NearFormat::Records(f) => Ok(ResultWriter::Records(Box::new(IncidentOutput::create(output, f, extras)?))),
            NearFormat::Table => {
                let (w, target) = Target::open(output)?;
                // The header comes with the first row: no rows, no table.
                Ok(ResultWriter::Table { w, path: output.to_path_buf(), target, sites, header: false })
            }
        }
    }

    fn row(&mut self, site: Option<&Site>, inc: &Incident, h: &Hit) -> Result<()> {
        let (d, b) = (round_to(h.distance_km, 3), round_to(h.bearing_deg, 1));
        match self {
            ResultWriter::Table { w, path, sites, header, .. } => {
                let io = |e| Error::io(&*path, e);
                if !*header {
                    crate::export::table::write_header(w, *sites).map_err(io)?;
                    *header = true;
                }
                crate::export::table::write_row(w, site.map(|s| s.id.as_str()), inc, h.distance_km, h.bearing_deg)
                    .map_err(|e| Error::io(&*path, e))
            }
            ResultWriter::Records(out) => match site {
                Some(s) => out.write(inc, &[Value::Text(&s.id), Value::Text(&s.name), Value::Real(d), Value::Real(b)]),
                None => out.write(inc, &[Value::Real(d), Value::Real(b)]),
            },
        }
    }

    fn finish(self) -> Result<()> {
        match self {
            ResultWriter::Records(out) => out.finish().map(drop),
            ResultWriter::Table { mut w, path, target, .. } => {
                w.flush().map_err(|e| Error::io(&path, e))?;
                drop(w);
                target.commit(&path)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_validate_themselves() {
        assert!(NearOptions::new(Some(-1.0), None, None, None).is_err());
        assert!(NearOptions::new(Some(f64::NAN), None, None, None).is_err());
        assert!(NearOptions::new(None, Some(0), None, None).is_err());
        assert!(NearOptions::new(None, None, Some([0.0, 5.0, 1.0, 4.0]), None).is_err());
        let day = |d| chrono::NaiveDate::from_ymd_opt(2020, 5, d);
        let f = Filter { from: day(20), to: day(10), ..Filter::default() };
        assert!(NearOptions::new(Some(30.0), None, None, None).unwrap().filter(f).is_err());
        assert_eq!(NearOptions::new(Some(30.0), None, None, None).unwrap().describe(), "within 30 km of");
    }
}
