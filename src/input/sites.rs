//! Query sites in: the points `near --points FILE` answers for
//! (checkpoints, schools, camps), from a CSV or a GeoJSON file.
//!
//! - CSV: a header row; the position from latitude/longitude columns (the
//!   names incident files use: `latitude`/`lat`/`y`, `longitude`/`lon`/`lng`/
//!   `long`/`x`), or, where a row has none, from a `place` (else `name`)
//!   column looked up in the gazetteer. The site's id is its `site_id`, `id`
//!   or `name` column, else its row number; its name the `name` (else
//!   `place`) column.
//! - GeoJSON: a FeatureCollection of Points (or a sequence of them); the id
//!   from `properties.site_id`, `properties.id`, the feature id or
//!   `properties.name`, else the feature number.
//!
//! Every site must have a position: a row without one, or a name the
//! gazetteer cannot place unambiguously, is an error naming its line.

use std::path::Path;

use serde_json::Value as Json;

use crate::error::{Error, Result};
use crate::gazetteer::Gazetteer;
use crate::geodesy::LonLat;
use crate::schema::Column;

use super::GazetteerSource;

/// One query site.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// The site's id, copied into every result row (`site_id`).
    pub id: String,
    /// Its name, or empty (`site_name`).
    pub name: String,
    /// Where it is.
    pub position: LonLat,
}

/// Reads the sites of a CSV or GeoJSON file (`-` is standard input). Place
/// names are looked up in `country` when given.
pub fn read_sites(path: &Path, gaz: &GazetteerSource, country: Option<&str>) -> Result<Vec<Site>> {
    let bytes = if path.as_os_str() == "-" {
        crate::document::read_capped(std::io::stdin().lock(), path)?
    } else {
        crate::document::read_capped(std::fs::File::open(path).map_err(|e| Error::io(path, e))?, path)?
    };
    let text = crate::document::utf8_text(path, bytes, "not UTF-8")?;
    let sites = if text.trim_start_matches('\u{feff}').trim_start().starts_with(['{', '\u{1e}']) {
        geojson_sites(path, &text)?
    } else {
        csv_sites(path, &text, gaz, country)?
    };
    if sites.is_empty() {
        return Err(Error::bad_input(path, "holds no sites"));
    }
    Ok(sites)
}

fn csv_sites(path: &Path, text: &str, gaz: &GazetteerSource, country: Option<&str>) -> Result<Vec<Site>> {
    let head = text.lines().next().unwrap_or_default();
    let delimiter = if !head.contains(',') && head.contains('\t') { b'\t' } else { b',' };
    let mut rdr = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let headers = rdr.headers().map_err(|e| Error::bad_input(path, format!("CSV header: {e}")))?.clone();
    let find = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| headers.iter().position(|h| h.trim().trim_start_matches('\u{feff}').eq_ignore_ascii_case(n)))
    };
    let lat = headers.iter().position(|h| Column::by_name(h) == Some(Column::Latitude));
    let lon = headers.iter().position(|h| Column::by_name(h) == Some(Column::Longitude));
    let place = find(&["place", "name"]);
    let id = find(&["site_id", "id", "name"]);
    let name = find(&["name", "place"]);
    if (lat.is_none() || lon.is_none()) && place.is_none() {
        return Err(Error::bad_input(
            path,
            "the sites CSV needs latitude and longitude columns, or a place (or name) column to look up",
        ));
    }
    let mut sites = Vec::new();
    for (n, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| {
            Error::bad_record(
                path,
                e.position().map_or(n as u64 + 2, |p| p.line()),
                format!("unreadable CSV record: {e}"),
            )
        })?;
        let line = rec.position().map_or(n as u64 + 2, |p| p.line());
        let cell = |i: Option<usize>| i.and_then(|i| rec.get(i)).map(str::trim).filter(|s| !s.is_empty());
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let position = match (cell(lat), cell(lon)) {
            (Some(a), Some(o)) => {
                let mut inc = crate::Incident::new(chrono::NaiveDate::MIN, LonLat { lon: 0.0, lat: 0.0 });
                Column::Latitude.set(&mut inc, a).map_err(|m| Error::bad_record(path, line, m))?;
                Column::Longitude.set(&mut inc, o).map_err(|m| Error::bad_record(path, line, m))?;
                inc.position
            }
            _ => match cell(place) {
                Some(p) => geocode(gaz.get()?, p, country).map_err(|m| Error::bad_record(path, line, m))?,
                None => {
                    return Err(Error::bad_record(path, line, "the site has no latitude/longitude and no place name"));
                }
            },
        };
        sites.push(Site {
            id: cell(id).map_or_else(|| (n + 1).to_string(), str::to_string),
            name: cell(name).unwrap_or_default().to_string(),
            position,
        });
    }
    Ok(sites)
}

fn geocode(gaz: &Gazetteer, name: &str, country: Option<&str>) -> std::result::Result<LonLat, String> {
    gaz.geocode_unique(name, country).map(|c| c.place.position).map_err(|e| e.to_string())
}

fn geojson_sites(path: &Path, text: &str) -> Result<Vec<Site>> {
    let text = text.trim_start_matches('\u{feff}');
    let features: Vec<(u64, Json)> = if text.trim_start().starts_with('\u{1e}')
        || text.lines().next().is_some_and(|l| serde_json::from_str::<Json>(l).is_ok_and(|v| v["type"] == "Feature"))
    {
        let mut out = Vec::new();
        for (i, l) in text.lines().enumerate() {
            let l = l.trim().trim_start_matches('\u{1e}');
            if l.is_empty() {
                continue;
            }
            let v =
                serde_json::from_str(l).map_err(|e| Error::bad_record(path, i as u64 + 1, format!("not JSON: {e}")))?;
            out.push((i as u64 + 1, v));
        }
        out
    } else {
        let v: Json = serde_json::from_str(text).map_err(|e| Error::bad_input(path, format!("not GeoJSON: {e}")))?;
        match v.get("features").and_then(Json::as_array) {
            Some(fs) => fs.iter().cloned().map(|f| (0, f)).collect(),
            None => return Err(Error::bad_input(path, "not a GeoJSON FeatureCollection")),
        }
    };
    let mut sites = Vec::new();
    for (k, (line, f)) in features.into_iter().enumerate() {
        let at = |m: String| {
            if line > 0 {
                Error::bad_record(path, line, m)
            } else {
                Error::bad_input(path, format!("feature {}: {m}", k + 1))
            }
        };
        let g = &f["geometry"];
        if g["type"] != "Point" {
            return Err(at(format!("the geometry is {}, not a Point", g["type"])));
        }
        let c =
            g["coordinates"].as_array().map(|c| (c.first().and_then(Json::as_f64), c.get(1).and_then(Json::as_f64)));
        let Some((Some(lon), Some(lat))) = c else {
            return Err(at("Point coordinates are not [longitude, latitude]".into()));
        };
        let position =
            LonLat::new(lon, lat).ok_or_else(|| at(format!("[{lon}, {lat}] is not a longitude/latitude")))?;
        let p = &f["properties"];
        let text_of = |v: &Json| match v {
            Json::String(s) if !s.is_empty() => Some(s.clone()),
            Json::Number(n) => Some(n.to_string()),
            _ => None,
        };
        let id = text_of(&p["site_id"])
            .or_else(|| text_of(&p["id"]))
            .or_else(|| text_of(&f["id"]))
            .or_else(|| text_of(&p["name"]))
            .unwrap_or_else(|| (k + 1).to_string());
        sites.push(Site { id, name: text_of(&p["name"]).unwrap_or_default(), position });
    }
    Ok(sites)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn csv_with_coordinates_names_and_ids() {
        let dir = tempfile::tempdir().unwrap();
        let gaz = GazetteerSource::new(None);
        let p = write(dir.path(), "s.csv", "site_id,name,lat,lon\ncp1,North gate,34.35,45.39\n,,33.3,44.4\n");
        let s = read_sites(&p, &gaz, None).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].id.as_str(), s[0].name.as_str()), ("cp1", "North gate"));
        assert_eq!(s[0].position, LonLat { lon: 45.39, lat: 34.35 });
        assert_eq!(s[1].id, "2", "row number when there is no id");
        let p = write(dir.path(), "bad.csv", "id,lat,lon\na,95,10\n");
        let e = read_sites(&p, &gaz, None).unwrap_err().to_string();
        assert!(e.ends_with("bad.csv:2: latitude 95 is outside -90..90"), "{e}");
        let p = write(dir.path(), "none.csv", "id,what\na,b\n");
        assert!(read_sites(&p, &gaz, None).unwrap_err().to_string().contains("needs latitude and longitude"));
    }

    #[test]
    fn csv_place_names_are_looked_up() {
        let dir = tempfile::tempdir().unwrap();
        let gaz = GazetteerSource::new(None);
        let p = write(dir.path(), "s.csv", "name\nKhanaqin\n");
        let s = read_sites(&p, &gaz, Some("IQ")).unwrap();
        assert_eq!(s[0].id, "Khanaqin");
        assert!((s[0].position.lat - 34.35).abs() < 0.1, "{:?}", s[0].position);
        let p = write(dir.path(), "u.csv", "name\nXqzzyplace\n");
        assert!(read_sites(&p, &gaz, None).unwrap_err().to_string().contains("u.csv:2:"));
    }

    #[test]
    fn geojson_points() {
        let dir = tempfile::tempdir().unwrap();
        let gaz = GazetteerSource::new(None);
        let fc = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","id":7,"geometry":{"type":"Point","coordinates":[45.39,34.35]},"properties":{"name":"A"}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[44.4,33.3]},"properties":{"site_id":"s2"}}]}"#;
        let s = read_sites(&write(dir.path(), "s.geojson", fc), &gaz, None).unwrap();
        assert_eq!((s[0].id.as_str(), s[0].name.as_str()), ("7", "A"));
        assert_eq!(s[1].id, "s2");
        let bad = r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"LineString","coordinates":[]}}]}"#;
        let e = read_sites(&write(dir.path(), "b.geojson", bad), &gaz, None).unwrap_err().to_string();
        assert!(e.contains("feature 1: the geometry is \"LineString\""), "{e}");
    }
}
