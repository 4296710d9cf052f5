//! `incidentmap near PLACE|LAT,LON`: incidents near a place or point.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use chrono::NaiveDate;
use incidentmap::geodesy::{LonLat, compass_point};
use incidentmap::spatial::query::{Collector, Filter, Hit, Query, parse_distance_km};
use incidentmap::{Error, Incident};

use super::Outcome;
use super::common::GazetteerArgs;

/// Output format of `near`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A readable table, nearest first.
    Table,
    /// GeoJSON FeatureCollection of points (RFC 7946).
    Geojson,
    /// CSV with ACLED column names plus distance_km and bearing_deg.
    Csv,
    /// One JSON object per line.
    Json,
}

/// Arguments of `near`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  incidentmap near Khanaqin --within 30km acled.csv\n  \
    incidentmap near 34.3482,45.39065 --within 30km --from 2024-01-01 acled.csv\n  \
    incidentmap near 33.3,-44.1 --nearest 10 incidents.csv\n  \
    incidentmap near 0,180 --bbox 170,-10,-170,10 incidents.csv")]
pub struct Args {
    /// A place name from the gazetteer, or a point as LAT,LON (latitude
    /// first, decimal degrees, e.g. 34.3482,45.39065 or -33.9,18.4).
    #[arg(value_name = "PLACE|LAT,LON", allow_hyphen_values = true)]
    at: String,
    /// Incident files: CSV with event_date, latitude, longitude, ... (our
    /// own CSV or an ACLED export); `-` reads standard input.
    #[arg(value_name = "INPUT", required = true)]
    inputs: Vec<PathBuf>,
    /// Only incidents within this great-circle distance: 30km, 500m, 20mi
    /// (a bare number is km).
    #[arg(long, value_name = "DIST", allow_hyphen_values = true)]
    within: Option<String>,
    /// Only the K nearest incidents (after the other conditions).
    #[arg(long, value_name = "K")]
    nearest: Option<usize>,
    /// Only incidents inside the box WEST,SOUTH,EAST,NORTH (degrees; WEST >
    /// EAST crosses the antimeridian).
    #[arg(long, value_name = "W,S,E,N", allow_hyphen_values = true)]
    bbox: Option<String>,
    /// Only incidents on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    from: Option<NaiveDate>,
    /// Only incidents on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    to: Option<NaiveDate>,
    /// Only this event type or sub-event type (case-insensitive), e.g. Battles.
    #[arg(long = "type", value_name = "TYPE")]
    event_type: Option<String>,
    /// Only incidents whose actor1 or actor2 contains this (case-insensitive).
    #[arg(long, value_name = "ACTOR")]
    actor: Option<String>,
    /// Only incidents with at least N fatalities.
    #[arg(long, value_name = "N")]
    min_fatalities: Option<u32>,
    /// Only incidents with geo precision at most P (1 site, 2 near, 3 admin area).
    #[arg(long, value_name = "P", value_parser = clap::value_parser!(u8).range(1..=3))]
    max_precision: Option<u8>,
    /// Show at most N incidents (the nearest).
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Look the place name up in this country only (ISO 3166-1 alpha-2).
    #[arg(long, value_name = "CC")]
    country: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Skip malformed rows (reported on stderr, exit code 1) instead of stopping.
    #[arg(long)]
    lenient: bool,
    #[command(flatten)]
    gaz: GazetteerArgs,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let (center, label) = match parse_lat_lon(&args.at)? {
        Some(p) => (p, format!("{},{}", p.lat, p.lon)),
        None => {
            let gaz = args.gaz.open()?;
            let cand = gaz.geocode_unique(&args.at, args.country.as_deref())?;
            (cand.place.position, gaz.describe(&cand.place))
        }
    };
    let radius_km = args.within.as_deref().map(parse_distance_km).transpose()?;
    let bbox = args.bbox.as_deref().map(parse_bbox).transpose()?;
    let query = Query {
        center,
        radius_km,
        nearest: args.nearest,
        bbox,
        filter: Filter {
            from: args.from,
            to: args.to,
            event_type: args.event_type.clone(),
            actor: args.actor.clone(),
            min_fatalities: args.min_fatalities,
            max_geo_precision: args.max_precision,
        },
        limit: args.limit,
    };
    // One question over the inputs: stream them through a collector that
    // keeps only the answers (a million-row file is never held whole).
    let described = describe_query(&query);
    let mut collector = Collector::new(query);
    let skipped = for_each_input(&args.inputs, args.lenient, &args.gaz, &mut |inc| collector.push(inc))?;
    let (incidents, hits) = collector.finish();
    let loaded = Loaded { incidents, skipped };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    match args.format {
        Format::Table => {
            if hits.is_empty() {
                eprintln!("no incidents {described} {label}");
            } else {
                write_table(&mut out, &loaded.incidents, &hits)?;
            }
        }
        Format::Csv => write_csv(&mut out, &loaded.incidents, &hits)?,
        Format::Json => {
            for h in &hits {
                write_json_object(&mut out, &loaded.incidents[h.idx], Some(h), None)?;
                out.write_all(b"\n")?;
            }
        }
        Format::Geojson => {
            out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")?;
            for (k, h) in hits.iter().enumerate() {
                if k > 0 {
                    out.write_all(b",")?;
                }
                out.write_all(b"\n")?;
                write_feature(&mut out, &loaded.incidents[h.idx], Some(h), None)?;
            }
            out.write_all(b"\n]}\n")?;
        }
    }
    out.flush()?;
    Ok(if loaded.skipped > 0 { Outcome::Partial } else { Outcome::Done })
}

fn describe_query(q: &Query) -> String {
    match (q.radius_km, q.nearest, q.bbox) {
        (Some(r), _, _) => format!("within {r} km of"),
        (None, Some(_), _) | (None, None, Some(_)) => "matching, measured from".to_string(),
        _ => "matching, near".to_string(),
    }
}

/// `LAT,LON` (latitude first) as a position; `Ok(None)` when `s` does not
/// look like two numbers (then it is a place name); an error when it does
/// but a value is out of range.
fn parse_lat_lon(s: &str) -> incidentmap::Result<Option<LonLat>> {
    let Some((a, b)) = s.split_once(',') else {
        return Ok(None);
    };
    let (Ok(lat), Ok(lon)) = (a.trim().parse::<f64>(), b.trim().parse::<f64>()) else {
        return Ok(None);
    };
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        return Err(Error::invalid("LAT,LON", s, "latitude (the first number) must be in -90..90"));
    }
    if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
        return Err(Error::invalid("LAT,LON", s, "longitude (the second number) must be in -180..180"));
    }
    Ok(LonLat::new(lon, lat))
}

/// `W,S,E,N` in degrees.
fn parse_bbox(s: &str) -> incidentmap::Result<[f64; 4]> {
    let bad = |m: &str| Error::invalid("bounding box", s, m);
    let v: Vec<f64> = s
        .split(',')
        .map(|t| t.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad("expected four numbers WEST,SOUTH,EAST,NORTH"))?;
    let [w, so, e, n]: [f64; 4] = v.try_into().map_err(|_| bad("expected four numbers WEST,SOUTH,EAST,NORTH"))?;
    if ![w, e].iter().all(|x| (-180.0..=180.0).contains(x)) {
        return Err(bad("longitudes must be in -180..180"));
    }
    if ![so, n].iter().all(|x| (-90.0..=90.0).contains(x)) || so > n {
        return Err(bad("latitudes must be in -90..90 with SOUTH <= NORTH"));
    }
    Ok([w, so, e, n])
}

/// Incidents read from the inputs, and how many rows were skipped.
pub(super) struct Loaded {
    pub incidents: Vec<Incident>,
    pub skipped: usize,
}

/// Reads the inputs: incident files, or reports extracted on the fly.
/// Skipped records are reported on stderr and counted.
pub(super) fn load_inputs(paths: &[PathBuf], lenient: bool, gaz: &GazetteerArgs) -> anyhow::Result<Loaded> {
    let mut incidents = Vec::new();
    let skipped = for_each_input(paths, lenient, gaz, &mut |inc| incidents.push(inc))?;
    Ok(Loaded { incidents, skipped })
}

/// Streams every incident of the inputs (incident files record by record,
/// then those extracted from reports) into `f`; reports the skipped ones on
/// stderr and returns how many there were.
fn for_each_input(
    paths: &[PathBuf],
    lenient: bool,
    gaz: &GazetteerArgs,
    f: &mut dyn FnMut(Incident),
) -> anyhow::Result<usize> {
    let gaz = gaz.open()?;
    let inputs: Vec<String> = paths.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let problems = incidentmap::pipeline::for_each_loaded_incident(
        &gaz,
        &inputs,
        lenient,
        &incidentmap::extract::ExtractOptions::default(),
        f,
    )?;
    for e in problems.iter().take(20) {
        eprintln!("incidentmap: skipped: {e}");
    }
    if problems.len() > 20 {
        eprintln!("incidentmap: ... and {} more skipped", problems.len() - 20);
    }
    Ok(problems.len())
}

/// One property value.
pub(super) enum Val<'a> {
    Str(&'a str),
    Int(i64),
    Num(f64),
    Null,
}

/// Every column of an incident, in output order, with ACLED names.
pub(super) fn columns(inc: &Incident) -> [(&'static str, Val<'_>); 25] {
    let opt_int = |v: Option<i64>| v.map_or(Val::Null, Val::Int);
    [
        ("id", Val::Int(inc.id as i64)),
        ("event_id", Val::Str(&inc.event_id)),
        ("event_date", Val::Str("")), // filled by the writers (a date)
        ("time_precision", Val::Int(inc.time_precision.into())),
        ("event_type", Val::Str(&inc.event_type)),
        ("sub_event_type", Val::Str(&inc.sub_event_type)),
        ("actor1", Val::Str(&inc.actor1)),
        ("actor2", Val::Str(&inc.actor2)),
        ("fatalities", Val::Int(inc.fatalities.into())),
        ("injured", Val::Int(inc.injured.into())),
        ("location", Val::Str(&inc.location)),
        ("place_name", Val::Str(&inc.place_name)),
        ("geonameid", opt_int(inc.geonameid)),
        ("admin1", Val::Str(&inc.admin1)),
        ("admin2", Val::Str(&inc.admin2)),
        ("country", Val::Str(&inc.country)),
        ("latitude", Val::Num(inc.position.lat)),
        ("longitude", Val::Num(inc.position.lon)),
        ("geo_precision", Val::Int(inc.geo_precision.into())),
        ("location_type", Val::Str(inc.location_type.as_str())),
        ("source", Val::Str(&inc.source)),
        ("source_date", Val::Null), // filled by the writers (a date)
        ("notes", Val::Str(&inc.notes)),
        ("confidence", Val::Num(inc.confidence)),
        ("resolution", Val::Str(&inc.resolution)),
    ]
}

fn date_str(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A number with at most 6 decimals, shortest form (RFC 7946 precision).
pub(super) fn fmt6(v: f64) -> String {
    let r = (v * 1e6).round() / 1e6;
    let r = if r == 0.0 { 0.0 } else { r };
    format!("{r}")
}

/// A finite number in its shortest round-trip form; JSON has no NaN.
fn fmt_num(v: f64) -> String {
    if v.is_finite() { format!("{v}") } else { "null".to_string() }
}

/// Writes the properties of an incident as JSON object members (no braces),
/// plus distance/bearing from a hit and a cluster id when given.
pub(super) fn write_json_members<W: Write>(
    w: &mut W,
    inc: &Incident,
    hit: Option<&Hit>,
    cluster: Option<Option<u32>>,
) -> io::Result<()> {
    for (k, (name, val)) in columns(inc).iter().enumerate() {
        if k > 0 {
            w.write_all(b",")?;
        }
        w.write_all(b"\"")?;
        w.write_all(name.as_bytes())?;
        w.write_all(b"\":")?;
        match (*name, val) {
            ("event_date", _) => {
                w.write_all(b"\"")?;
                w.write_all(date_str(inc.event_date).as_bytes())?;
                w.write_all(b"\"")?;
            }
            ("source_date", _) => match inc.source_date {
                Some(d) => write!(w, "\"{}\"", date_str(d))?,
                None => w.write_all(b"null")?,
            },
            (_, Val::Str(s)) => serde_json::to_writer(&mut *w, s).map_err(io::Error::other)?,
            (_, Val::Int(i)) => w.write_all(itoa(*i).as_bytes())?,
            (_, Val::Num(x)) => w.write_all(fmt_num(*x).as_bytes())?,
            (_, Val::Null) => w.write_all(b"null")?,
        }
    }
    if let Some(h) = hit {
        write!(w, ",\"distance_km\":{},\"bearing_deg\":{}", round_to(h.distance_km, 3), round_to(h.bearing_deg, 1))?;
    }
    if let Some(c) = cluster {
        match c {
            Some(c) => write!(w, ",\"cluster_id\":{c}")?,
            None => w.write_all(b",\"cluster_id\":null")?,
        }
    }
    Ok(())
}

fn itoa(i: i64) -> String {
    i.to_string()
}

fn round_to(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f
}

fn write_json_object<W: Write>(
    w: &mut W,
    inc: &Incident,
    hit: Option<&Hit>,
    cluster: Option<Option<u32>>,
) -> io::Result<()> {
    w.write_all(b"{")?;
    write_json_members(w, inc, hit, cluster)?;
    w.write_all(b"}")
}

/// One GeoJSON Point feature for an incident (lon/lat, 6 decimals).
pub(super) fn write_feature<W: Write>(
    w: &mut W,
    inc: &Incident,
    hit: Option<&Hit>,
    cluster: Option<Option<u32>>,
) -> io::Result<()> {
    write!(
        w,
        "{{\"type\":\"Feature\",\"id\":{},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{},{}]}},\"properties\":",
        inc.id,
        fmt6(inc.position.lon),
        fmt6(inc.position.lat)
    )?;
    write_json_object(w, inc, hit, cluster)?;
    w.write_all(b"}")
}

fn write_csv<W: Write>(w: &mut W, incidents: &[Incident], hits: &[Hit]) -> anyhow::Result<()> {
    let mut cw = csv::Writer::from_writer(w);
    let mut header: Vec<&str> =
        columns(&Incident::new(NaiveDate::MIN, LonLat { lon: 0.0, lat: 0.0 })).iter().map(|(n, _)| *n).collect();
    header.extend(["distance_km", "bearing_deg"]);
    cw.write_record(&header)?;
    let mut row: Vec<String> = Vec::with_capacity(header.len());
    for h in hits {
        let inc = &incidents[h.idx];
        row.clear();
        for (name, val) in columns(inc) {
            row.push(match (name, val) {
                ("event_date", _) => date_str(inc.event_date),
                ("source_date", _) => inc.source_date.map(date_str).unwrap_or_default(),
                (_, Val::Str(s)) => s.to_string(),
                (_, Val::Int(i)) => i.to_string(),
                (_, Val::Num(x)) => format!("{x}"),
                (_, Val::Null) => String::new(),
            });
        }
        row.push(round_to(h.distance_km, 3).to_string());
        row.push(round_to(h.bearing_deg, 1).to_string());
        cw.write_record(&row)?;
    }
    cw.flush()?;
    Ok(())
}

fn write_table<W: Write>(w: &mut W, incidents: &[Incident], hits: &[Hit]) -> io::Result<()> {
    fn cut(s: &str, n: usize) -> String {
        if s.chars().count() <= n {
            s.to_string()
        } else {
            let mut t: String = s.chars().take(n - 1).collect();
            t.push('…');
            t
        }
    }
    writeln!(
        w,
        "{:>9}  {:>9}  {:<10}  {:<28}  {:>5}  {:<24}  admin1",
        "dist km", "bearing", "date", "type", "fatal", "location"
    )?;
    for h in hits {
        let i = &incidents[h.idx];
        let ty = if i.sub_event_type.is_empty() || i.sub_event_type == i.event_type {
            i.event_type.clone()
        } else {
            format!("{} / {}", i.event_type, i.sub_event_type)
        };
        writeln!(
            w,
            "{:>9.2}  {:>5.0}° {:<3} {:<10}  {:<28}  {:>5}  {:<24}  {}",
            h.distance_km,
            h.bearing_deg,
            compass_point(h.bearing_deg),
            i.event_date.format("%Y-%m-%d"),
            cut(&ty, 28),
            i.fatalities,
            cut(&i.location, 24),
            i.admin1
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lat_lon_positional() {
        assert_eq!(parse_lat_lon("34.3482,45.39065").unwrap(), LonLat::new(45.39065, 34.3482));
        assert_eq!(parse_lat_lon("33.3,-44.1").unwrap(), LonLat::new(-44.1, 33.3));
        assert_eq!(parse_lat_lon("-33.9, 18.4").unwrap(), LonLat::new(18.4, -33.9));
        assert_eq!(parse_lat_lon("Khanaqin").unwrap(), None);
        assert_eq!(parse_lat_lon("Khanaqin, Diyala").unwrap(), None);
        assert!(parse_lat_lon("95,10").is_err());
        assert!(parse_lat_lon("10,190").is_err());
    }

    #[test]
    fn bbox_argument() {
        assert_eq!(parse_bbox("-10,-5,10,5").unwrap(), [-10.0, -5.0, 10.0, 5.0]);
        assert_eq!(parse_bbox("170,-5,-170,5").unwrap(), [170.0, -5.0, -170.0, 5.0]);
        assert!(parse_bbox("1,2,3").is_err());
        assert!(parse_bbox("0,5,1,4").is_err());
        assert!(parse_bbox("0,0,200,1").is_err());
    }

    #[test]
    fn six_decimals() {
        assert_eq!(fmt6(45.390650001), "45.39065");
        assert_eq!(fmt6(-0.0000001).parse::<f64>().unwrap().to_bits(), 0);
        assert_eq!(fmt6(-179.9999996), "-180");
    }
}
