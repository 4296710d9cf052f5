//! Coordinates and great-circle geometry on the WGS84 sphere approximation.
//!
//! # Units
//! Angles are decimal degrees, distances are kilometres. Distances use the
//! haversine formula on a sphere of radius [`EARTH_RADIUS_KM`] (the IUGG mean
//! radius), which is within 0.5% of the ellipsoidal distance everywhere.

use serde::{Deserialize, Serialize};

/// Mean Earth radius (IUGG), km.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A WGS84 position, longitude first as in RFC 7946.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LonLat {
    /// Longitude in degrees, -180..=180.
    pub lon: f64,
    /// Latitude in degrees, -90..=90.
    pub lat: f64,
}

impl LonLat {
    /// A position, validated: latitude in [-90, 90], longitude in [-180, 180],
    /// both finite.
    pub fn new(lon: f64, lat: f64) -> Option<LonLat> {
        if lat.is_finite() && lon.is_finite() && (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) {
            Some(LonLat { lon, lat })
        } else {
            None
        }
    }

    /// The point as a 3-D unit vector (x toward 0°E on the equator, z toward
    /// the north pole). Straight-line (chord) distance between two such
    /// vectors grows monotonically with great-circle distance.
    pub fn to_unit_vector(self) -> [f64; 3] {
        let (slat, clat) = self.lat.to_radians().sin_cos();
        let (slon, clon) = self.lon.to_radians().sin_cos();
        [clat * clon, clat * slon, slat]
    }

    /// Back from a unit vector (it need not be normalised; the zero vector
    /// gives 0,0).
    pub fn from_vector(v: [f64; 3]) -> LonLat {
        let [x, y, z] = v;
        let h = (x * x + y * y).sqrt();
        let lat = z.atan2(h).to_degrees();
        let lon = if h == 0.0 { 0.0 } else { y.atan2(x).to_degrees() };
        LonLat { lon, lat }
    }
}

/// Great-circle distance in km (haversine).
pub fn haversine_km(a: LonLat, b: LonLat) -> f64 {
    Located::new(a).distance_km(&Located::new(b))
}

/// A position with its latitude's radians and cosine worked out once, for
/// many distances from it. [`Located::distance_km`] is [`haversine_km`],
/// bit for bit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Located {
    pub position: LonLat,
    lat_rad: f64,
    cos_lat: f64,
}

impl Located {
    pub fn new(position: LonLat) -> Located {
        let lat_rad = position.lat.to_radians();
        Located { position, lat_rad, cos_lat: lat_rad.cos() }
    }

    /// Great-circle distance in km (haversine).
    pub fn distance_km(&self, other: &Located) -> f64 {
        haversine_h_to_km(self.haversine_h(other))
    }

    /// Is `other` surely more than `km` away? A test without trigonometry
    /// or square roots, for skipping far places; `false` means "maybe not".
    /// It bounds the distance from below by the latitude difference, and by
    /// the longitude difference scaled by both latitudes' cosines
    /// (`h >= cos φ1 cos φ2 sin²(Δλ/2)`, `sin x >= 2x/π` on `[0, π/2]`,
    /// `asin x >= x`), each less 0.1% for rounding.
    pub fn surely_beyond(&self, other: &Located, km: f64) -> bool {
        const SHRINK: f64 = 0.999;
        if (other.lat_rad - self.lat_rad).abs() * (EARTH_RADIUS_KM * SHRINK) > km {
            return true;
        }
        let mut dl = (other.position.lon - self.position.lon).abs();
        if dl > 180.0 {
            dl = 360.0 - dl;
        }
        // 2 R sqrt(cos φ1 cos φ2) Δλ/180 > km, squared.
        let x = dl * (2.0 * EARTH_RADIUS_KM * SHRINK / 180.0);
        self.cos_lat * other.cos_lat * x * x > km * km
    }

    /// The haversine of the central angle to `other`, `h` in
    /// `d = 2 R asin(sqrt(h))`: it grows with the distance, so the nearest
    /// of many places can be picked by `h` and only its `d` worked out.
    pub fn haversine_h(&self, other: &Located) -> f64 {
        let dp = other.lat_rad - self.lat_rad;
        let dl = (other.position.lon - self.position.lon).to_radians();
        (dp / 2.0).sin().powi(2) + self.cos_lat * other.cos_lat * (dl / 2.0).sin().powi(2)
    }
}

/// The distance in km of a haversine value from [`Located::haversine_h`].
pub fn haversine_h_to_km(h: f64) -> f64 {
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// Initial bearing from `a` to `b`, degrees clockwise from true north in [0, 360).
pub fn bearing_deg(a: LonLat, b: LonLat) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dl = (b.lon - a.lon).to_radians();
    let y = dl.sin() * p2.cos();
    let x = p1.cos() * p2.sin() - p1.sin() * p2.cos() * dl.cos();
    let deg = y.atan2(x).to_degrees();
    (deg + 360.0) % 360.0
}

/// Chord length on the unit sphere for a great-circle distance in km.
/// Distances beyond half the circumference clamp to the diameter (2).
pub fn km_to_chord(km: f64) -> f64 {
    let angle = (km / EARTH_RADIUS_KM).min(std::f64::consts::PI);
    2.0 * (angle / 2.0).sin()
}

/// Great-circle distance in km for a chord length on the unit sphere.
pub fn chord_to_km(chord: f64) -> f64 {
    2.0 * (chord / 2.0).clamp(0.0, 1.0).asin() * EARTH_RADIUS_KM
}

/// The 16-point compass name of a bearing ("N", "NNE", ...).
pub fn compass_point(bearing: f64) -> &'static str {
    const NAMES: [&str; 16] =
        ["N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE", "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW"];
    let idx = ((bearing.rem_euclid(360.0) + 11.25) / 22.5) as usize % 16;
    NAMES[idx]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ll(lon: f64, lat: f64) -> LonLat {
        LonLat::new(lon, lat).unwrap()
    }

    #[test]
    fn surely_beyond_is_never_wrong_and_often_decides() {
        // Poles, the antimeridian, the same point, and a grid in between.
        let mut pts = vec![ll(0.0, 90.0), ll(0.0, -90.0), ll(179.9, 0.0), ll(-179.9, 0.0), ll(180.0, 45.0)];
        for lat in (-90..=90).step_by(15) {
            for lon in (-180..180).step_by(20) {
                pts.push(ll(f64::from(lon) + 0.37, f64::from(lat) * 0.999));
            }
        }
        let (mut far, mut decided) = (0, 0);
        for a in &pts {
            for b in &pts {
                let (la, lb) = (Located::new(*a), Located::new(*b));
                let d = la.distance_km(&lb);
                for km in [0.0, 50.0, 500.0, 2000.0, d * 0.99, d, d * 1.001] {
                    let beyond = la.surely_beyond(&lb, km);
                    assert!(!beyond || d > km, "{a:?} {b:?}: {d} km is not beyond {km}");
                    // Same parallel: only the longitude bound can decide.
                    if km == 2000.0 && d > 4000.0 && a.lat == b.lat && a.lat.abs() <= 60.0 {
                        far += 1;
                        decided += usize::from(beyond);
                    }
                }
            }
        }
        // Useful as well as safe: pairs twice the distance apart are decided.
        assert!(far > 100 && decided == far, "{decided} of {far}");
    }

    #[test]
    fn rejects_out_of_range() {
        assert!(LonLat::new(0.0, 90.1).is_none());
        assert!(LonLat::new(180.5, 0.0).is_none());
        assert!(LonLat::new(f64::NAN, 0.0).is_none());
        assert!(LonLat::new(-180.0, -90.0).is_some());
    }

    #[test]
    fn baghdad_to_baqubah_is_about_50_km() {
        // Baghdad 33.3406 N 44.4009 E, Baqubah 33.7540 N 44.6052 E.
        let d = haversine_km(ll(44.4009, 33.3406), ll(44.6052, 33.7540));
        assert!((d - 50.0).abs() < 3.0, "{d}");
    }

    #[test]
    fn antimeridian_distance_is_short() {
        let d = haversine_km(ll(179.9, 0.0), ll(-179.9, 0.0));
        assert!((d - 22.24).abs() < 0.1, "{d}");
    }

    #[test]
    fn chord_roundtrip_and_monotonic() {
        let mut last = 0.0;
        for km in [0.0, 1.0, 25.0, 1000.0, 10_000.0, 20_000.0] {
            let c = km_to_chord(km);
            assert!(c >= last);
            last = c;
            assert!((chord_to_km(c) - km).abs() < 1e-6 * km.max(1.0), "{km}");
        }
    }

    #[test]
    fn unit_vector_distance_matches_haversine() {
        let a = ll(44.0, 33.0);
        let b = ll(45.0, 34.5);
        let (va, vb) = (a.to_unit_vector(), b.to_unit_vector());
        let chord = ((va[0] - vb[0]).powi(2) + (va[1] - vb[1]).powi(2) + (va[2] - vb[2]).powi(2)).sqrt();
        assert!((chord_to_km(chord) - haversine_km(a, b)).abs() < 1e-6);
        let back = LonLat::from_vector(va);
        assert!((back.lon - 44.0).abs() < 1e-9 && (back.lat - 33.0).abs() < 1e-9);
    }

    #[test]
    fn bearings() {
        assert!((bearing_deg(ll(0.0, 0.0), ll(0.0, 1.0)) - 0.0).abs() < 1e-9);
        assert!((bearing_deg(ll(0.0, 0.0), ll(1.0, 0.0)) - 90.0).abs() < 1e-9);
        assert!((bearing_deg(ll(0.0, 0.0), ll(0.0, -1.0)) - 180.0).abs() < 1e-9);
        assert_eq!(compass_point(359.0), "N");
        assert_eq!(compass_point(46.0), "NE");
    }
}
