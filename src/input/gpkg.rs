//! GeoPackage in: the `incidents` layer of a GeoPackage written by `map` or
//! `export`, or the one point layer of any other GeoPackage (ogr2ogr's
//! conversion of an ACLED export, say).
//!
//! Columns are matched by name like CSV headers; the position comes from
//! `latitude`/`longitude` columns when the table has them, else from the
//! Point geometry (GeoPackage binary header, then WKB). A layer in another
//! coordinate system than WGS84 is refused with its EPSG code rather than
//! misread. Rows are numbered from 1 in table order for messages.

use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use super::record::{Record, Sink, Target, targets};
use crate::error::{Error, Result};
use crate::geodesy::LonLat;
use crate::schema::{Column, check_coord};

/// The first 16 bytes of every SQLite database file.
pub const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Reads the incident layer of a GeoPackage into `sink`.
pub(crate) fn read_gpkg(path: &Path, sink: &mut Sink) -> Result<()> {
    let bad = |m: String| Error::bad_input(path, m);
    let sql = |e: rusqlite::Error| Error::Sqlite { path: path.to_path_buf(), source: e };
    // Refuse a non-SQLite file before SQLite says "file is not a database".
    let mut head = [0u8; 16];
    {
        use std::io::Read;
        let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let n = f.read(&mut head).map_err(|e| Error::io(path, e))?;
        if n < 16 || &head != SQLITE_MAGIC {
            return Err(bad("not a GeoPackage (no SQLite header)".into()));
        }
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(sql)?;
    let layers: Vec<String> = {
        let mut st = conn
            .prepare("SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name")
            .map_err(|_| bad("not a GeoPackage (no gpkg_contents table)".into()))?;
        st.query_map([], |r| r.get(0)).map_err(sql)?.collect::<rusqlite::Result<_>>().map_err(sql)?
    };
    let table = if layers.iter().any(|t| t == "incidents") {
        "incidents".to_string()
    } else {
        match layers.as_slice() {
            [one] => one.clone(),
            [] => return Err(bad("the GeoPackage has no feature layer".into())),
            many => {
                return Err(bad(format!(
                    "the GeoPackage has {} feature layers ({}) and none is called incidents",
                    many.len(),
                    many.join(", ")
                )));
            }
        }
    };
    let (geom_col, srs_id): (Option<String>, Option<i64>) = conn
        .query_row("SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?1", [&table], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map(|(c, s)| (Some(c), Some(s)))
        .unwrap_or((None, None));
    if let Some(srs) = srs_id {
        check_srs(&conn, srs).map_err(|m| bad(format!("layer {table}: {m}")))?;
    }
    let quoted = table.replace('"', "\"\"");
    // The column names, from the table's schema and checked: rusqlite's
    // `column_names()` and `column_name()` panic on a name that is not
    // UTF-8, which a damaged file can hold (found by fuzzing).
    let names: Vec<String> = {
        let mut info = conn.prepare("SELECT name FROM pragma_table_info(?1)").map_err(sql)?;
        let raw: Vec<Vec<u8>> = info
            .query_map([&table], |r| Ok(r.get_ref(0)?.as_bytes().map(<[u8]>::to_vec).unwrap_or_default()))
            .map_err(sql)?
            .collect::<std::result::Result<_, _>>()
            .map_err(sql)?;
        raw.into_iter()
            .enumerate()
            .map(|(i, b)| {
                String::from_utf8(b)
                    .map_err(|_| bad(format!("layer {table}: column {} has a name that is not UTF-8", i + 1)))
            })
            .collect::<Result<_>>()?
    };
    let mut st = conn.prepare(&format!("SELECT * FROM \"{quoted}\"")).map_err(sql)?;
    if st.column_count() != names.len() {
        return Err(bad(format!("layer {table}: its schema and its rows disagree on the number of columns")));
    }
    let fields = targets(names.iter().map(String::as_str));
    let geom_idx = geom_col.as_deref().and_then(|g| names.iter().position(|n| n.eq_ignore_ascii_case(g)));
    let has = |c: Column| fields.contains(&Some(Target::Column(c)));
    if !has(Column::EventDate) {
        return Err(bad(format!("layer {table} has no event_date column")));
    }
    let from_columns = has(Column::Latitude) && has(Column::Longitude);
    if !from_columns && geom_idx.is_none() {
        return Err(bad(format!("layer {table} has neither latitude/longitude columns nor a geometry")));
    }
    // The primary key gives the id when there is no `id` column.
    let fid_idx = if has(Column::Id) {
        None
    } else {
        let pk: Option<String> = conn
            .query_row(
                &format!("SELECT name FROM pragma_table_info('{}') WHERE pk = 1", table.replace('\'', "''")),
                [],
                |r| r.get(0),
            )
            .ok();
        pk.and_then(|pk| names.iter().position(|n| *n == pk))
    };
    let mut rows = st.query([]).map_err(sql)?;
    let mut n = 0u64;
    let mut num = ryu::Buffer::new();
    while let Some(row) = rows.next().map_err(sql)? {
        n += 1;
        let mut rec = Record::new();
        let mut err = None;
        for (i, t) in fields.iter().enumerate() {
            let Some(t) = *t else { continue };
            let v = row.get_ref(i).map_err(sql)?;
            let int;
            let text: &str = match v {
                ValueRef::Null => continue,
                ValueRef::Integer(k) => {
                    int = k.to_string();
                    &int
                }
                ValueRef::Real(x) => num.format(x),
                ValueRef::Text(b) => match std::str::from_utf8(b) {
                    Ok("") => continue,
                    Ok(s) => s,
                    Err(_) => {
                        err = Some(format!("{} is not UTF-8 text", names[i]));
                        break;
                    }
                },
                ValueRef::Blob(_) => {
                    err = Some(format!("{} holds a blob", names[i]));
                    break;
                }
            };
            if let Err(m) = rec.set(t, &names[i], text) {
                err = Some(m);
                break;
            }
        }
        if err.is_none()
            && !from_columns
            && let Some(g) = geom_idx
        {
            match row.get_ref(g).map_err(sql)? {
                ValueRef::Blob(b) => match point_from_blob(b) {
                    Ok(p) => rec.set_position(p),
                    Err(m) => err = Some(m),
                },
                ValueRef::Null => err = Some("the geometry is empty".into()),
                _ => err = Some("the geometry is not a GeoPackage geometry blob".into()),
            }
        }
        if err.is_none()
            && let Some(i) = fid_idx
            && let Ok(ValueRef::Integer(fid)) = row.get_ref(i)
            && fid > 0
        {
            rec.inc.id = fid as u64;
            rec.id = true;
        }
        let r = match err {
            Some(m) => Err(format!("row {n}: {m}")),
            None => rec.finish(n),
        };
        sink.take(n, r)?;
    }
    Ok(())
}

/// Accepts WGS84 (EPSG:4326, OGC:CRS84) and the undefined systems (0, -1)
/// GeoPackage defines for data without one.
fn check_srs(conn: &Connection, srs_id: i64) -> std::result::Result<(), String> {
    if matches!(srs_id, 0 | -1 | 4326) {
        return Ok(());
    }
    let found: Option<(String, i64)> = conn
        .query_row(
            "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [srs_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok();
    match found {
        Some((org, 4326)) if org.eq_ignore_ascii_case("EPSG") => Ok(()),
        Some((org, 84)) if org.eq_ignore_ascii_case("OGC") => Ok(()),
        Some((org, code)) => {
            Err(format!("coordinates are in {org}:{code}, not WGS84 longitude/latitude (reproject to EPSG:4326)"))
        }
        None => Err(format!("unknown coordinate system (srs_id {srs_id})")),
    }
}

/// The point of a GeoPackage geometry blob: the `GP` header (version,
/// flags, srs id, optional envelope), then a WKB Point in either byte order,
/// 2-D or with Z and/or M.
pub fn point_from_blob(b: &[u8]) -> std::result::Result<LonLat, String> {
    if b.len() < 8 || &b[..2] != b"GP" {
        return Err("the geometry is not a GeoPackage geometry blob".into());
    }
    let flags = b[3];
    if flags & 0b1_0000 != 0 {
        return Err("the geometry is empty".into());
    }
    let env = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        k => return Err(format!("the geometry header has an invalid envelope code {k}")),
    };
    let wkb = b.get(8 + env..).ok_or("the geometry blob is truncated")?;
    let le = match wkb.first() {
        Some(1) => true,
        Some(0) => false,
        _ => return Err("the geometry's WKB is truncated or has no byte order".into()),
    };
    let u32_at = |i: usize| -> Option<u32> {
        let a: [u8; 4] = wkb.get(i..i + 4)?.try_into().ok()?;
        Some(if le { u32::from_le_bytes(a) } else { u32::from_be_bytes(a) })
    };
    let f64_at = |i: usize| -> Option<f64> {
        let a: [u8; 8] = wkb.get(i..i + 8)?.try_into().ok()?;
        Some(if le { f64::from_le_bytes(a) } else { f64::from_be_bytes(a) })
    };
    let ty = u32_at(1).ok_or("the geometry's WKB is truncated")?;
    // ISO codes 1, 1001, 2001, 3001 and the extended (EWKB) Z/M flags.
    let base = (ty & 0x0FFF_FFFF) % 1000;
    if base != 1 {
        let name = match base {
            2 => "LineString",
            3 => "Polygon",
            4 => "MultiPoint",
            5 => "MultiLineString",
            6 => "MultiPolygon",
            7 => "GeometryCollection",
            _ => "geometry",
        };
        return Err(format!("the geometry is a {name}, not a Point"));
    }
    let (x, y) = match (f64_at(5), f64_at(13)) {
        (Some(x), Some(y)) => (x, y),
        _ => return Err("the geometry's WKB is truncated".into()),
    };
    if x.is_nan() && y.is_nan() {
        return Err("the geometry is an empty Point".into());
    }
    let lat = check_coord("latitude", y, 90.0)?;
    let lon = check_coord("longitude", x, 180.0)?;
    Ok(LonLat { lon, lat })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob(flags: u8, env: usize, wkb: &[u8]) -> Vec<u8> {
        let mut b = vec![b'G', b'P', 0, flags];
        b.extend_from_slice(&4326i32.to_le_bytes());
        b.extend(std::iter::repeat_n(0u8, env));
        b.extend_from_slice(wkb);
        b
    }

    fn wkb_point(le: bool, ty: u32, coords: &[f64]) -> Vec<u8> {
        let mut w = vec![u8::from(le)];
        w.extend_from_slice(&if le { ty.to_le_bytes() } else { ty.to_be_bytes() });
        for c in coords {
            w.extend_from_slice(&if le { c.to_le_bytes() } else { c.to_be_bytes() });
        }
        w
    }

    #[test]
    fn points_in_every_layout() {
        let want = LonLat { lon: 45.39, lat: 34.35 };
        for (flags, env) in [(0b01, 0), (0b11, 32), (0b101, 48), (0b1001, 64)] {
            for (le, ty, coords) in [
                (true, 1, vec![45.39, 34.35]),
                (false, 1, vec![45.39, 34.35]),
                (true, 1001, vec![45.39, 34.35, 10.0]),
                (true, 0x8000_0001, vec![45.39, 34.35, 10.0]),
                (true, 3001, vec![45.39, 34.35, 1.0, 2.0]),
            ] {
                let b = blob(flags, env, &wkb_point(le, ty, &coords));
                assert_eq!(point_from_blob(&b).unwrap(), want, "flags {flags:b} ty {ty}");
            }
        }
    }

    #[test]
    fn other_geometries_and_garbage_are_refused() {
        assert!(point_from_blob(&blob(1, 0, &wkb_point(true, 3, &[0.0; 2]))).unwrap_err().contains("Polygon"));
        assert!(
            point_from_blob(&blob(1, 0, &wkb_point(true, 1, &[f64::NAN, f64::NAN]))).unwrap_err().contains("empty")
        );
        assert!(point_from_blob(&blob(0b10001, 0, &[])).unwrap_err().contains("empty"));
        assert!(point_from_blob(b"XX").is_err());
        assert!(point_from_blob(&blob(1, 0, &[1, 1, 0])).unwrap_err().contains("truncated"));
        assert!(point_from_blob(&blob(1, 0, &wkb_point(true, 1, &[200.0, 0.0]))).unwrap_err().contains("longitude"));
    }
}
