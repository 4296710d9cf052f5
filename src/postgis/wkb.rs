//! Points as (E)WKB, written and read directly: the only geometry the
//! incident table holds, so no geometry crate is needed.
//!
//! EWKB is WKB with PostGIS's SRID flag (`0x2000_0000`) and the SRID after
//! the type. It is what PostGIS sends for a `geometry` in binary results,
//! and what its text input takes as hex (used by `COPY`).

use crate::geodesy::LonLat;

/// The SRID of WGS 84 longitude/latitude.
pub const SRID_WGS84: u32 = 4326;

const POINT: u32 = 1;
const FLAG_Z: u32 = 0x8000_0000;
const FLAG_M: u32 = 0x4000_0000;
const FLAG_SRID: u32 = 0x2000_0000;

/// The little-endian EWKB of a 2-D point with SRID 4326 (25 bytes).
pub fn ewkb_point(p: LonLat) -> [u8; 25] {
    let mut b = [0u8; 25];
    b[0] = 1;
    b[1..5].copy_from_slice(&(POINT | FLAG_SRID).to_le_bytes());
    b[5..9].copy_from_slice(&SRID_WGS84.to_le_bytes());
    b[9..17].copy_from_slice(&p.lon.to_le_bytes());
    b[17..25].copy_from_slice(&p.lat.to_le_bytes());
    b
}

/// Appends `bytes` as upper-case hex (PostGIS's text form of EWKB).
pub fn push_hex(out: &mut Vec<u8>, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in bytes {
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 15)]);
    }
}

/// A 2-D point from WKB or EWKB: its coordinates and SRID (if the EWKB
/// gave one).
///
/// # Errors
/// Another geometry type, Z or M coordinates, an empty point, or too few
/// bytes.
pub fn parse_point(b: &[u8]) -> Result<(f64, f64, Option<u32>), String> {
    let le = match b.first() {
        Some(1) => true,
        Some(0) => false,
        _ => return Err("not WKB (bad byte order)".into()),
    };
    let u32_at = |i: usize| -> Result<u32, String> {
        let a: [u8; 4] = b.get(i..i + 4).and_then(|s| s.try_into().ok()).ok_or("WKB too short")?;
        Ok(if le { u32::from_le_bytes(a) } else { u32::from_be_bytes(a) })
    };
    let f64_at = |i: usize| -> Result<f64, String> {
        let a: [u8; 8] = b.get(i..i + 8).and_then(|s| s.try_into().ok()).ok_or("WKB too short")?;
        Ok(if le { f64::from_le_bytes(a) } else { f64::from_be_bytes(a) })
    };
    let ty = u32_at(1)?;
    if ty & (FLAG_Z | FLAG_M) != 0 || ty & 0x0FFF_FFFF != POINT {
        return Err(format!("geometry type {ty:#x} is not a 2-D point"));
    }
    let (srid, at) = if ty & FLAG_SRID != 0 { (Some(u32_at(5)?), 9) } else { (None, 5) };
    let (x, y) = (f64_at(at)?, f64_at(at + 8)?);
    if x.is_nan() || y.is_nan() {
        return Err("empty point".into());
    }
    Ok((x, y, srid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ewkb_matches_postgis() {
        // SELECT ST_AsEWKB('SRID=4326;POINT(1 2)'::geometry) in PostGIS 3.
        let mut hex = Vec::new();
        push_hex(&mut hex, &ewkb_point(LonLat { lon: 1.0, lat: 2.0 }));
        assert_eq!(String::from_utf8(hex).unwrap(), "0101000020E6100000000000000000F03F0000000000000040");
    }

    #[test]
    fn round_trip_is_exact() {
        for p in [LonLat { lon: 45.390_65, lat: 34.3482 }, LonLat { lon: -179.999_999_9, lat: -89.5 }] {
            assert_eq!(parse_point(&ewkb_point(p)).unwrap(), (p.lon, p.lat, Some(4326)));
        }
    }

    #[test]
    fn plain_and_big_endian_wkb() {
        let mut be = vec![0u8];
        be.extend_from_slice(&1u32.to_be_bytes());
        be.extend_from_slice(&3.5f64.to_be_bytes());
        be.extend_from_slice(&(-7.25f64).to_be_bytes());
        assert_eq!(parse_point(&be).unwrap(), (3.5, -7.25, None));
    }

    #[test]
    fn refuses_what_is_not_a_2d_point() {
        let mut line = ewkb_point(LonLat { lon: 0.0, lat: 0.0 });
        line[1] = 2;
        assert!(parse_point(&line).unwrap_err().contains("not a 2-D point"));
        let mut z = ewkb_point(LonLat { lon: 0.0, lat: 0.0 });
        z[4] |= 0x80;
        assert!(parse_point(&z).is_err());
        assert!(parse_point(&ewkb_point(LonLat { lon: 0.0, lat: 0.0 })[..20]).unwrap_err().contains("short"));
        let mut empty = ewkb_point(LonLat { lon: 0.0, lat: 0.0 });
        empty[9..17].copy_from_slice(&f64::NAN.to_le_bytes());
        assert_eq!(parse_point(&empty).unwrap_err(), "empty point");
        assert!(parse_point(&[]).is_err());
    }
}
