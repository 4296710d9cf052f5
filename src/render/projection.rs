//! The map projection: equirectangular (plate carrée) with longitudes
//! scaled by the cosine of the view's centre latitude, fitted to the
//! incidents. At the centre latitude the scale is the same in every
//! direction (the scale bar is exact there); away from it east-west
//! distances stretch by cos(centre)/cos(latitude). Being an affine map of
//! lon/lat, it is described exactly by a world file ([`View::world_file`]),
//! so `map.png` opens georeferenced in QGIS (EPSG:4326).

use crate::geodesy::LonLat;

/// Kilometres per degree of latitude on the mean Earth sphere (6371.0088 km).
pub const KM_PER_DEG: f64 = 6371.0088 * std::f64::consts::PI / 180.0;

/// A rectangle of the picture, pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

/// A fitted view: where lon/lat land in the picture.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    /// Centre longitude, in [-180, 180).
    pub lon0: f64,
    /// Centre latitude.
    pub lat0: f64,
    /// Cosine of the centre latitude: the east-west scale factor.
    pub cos0: f64,
    /// Pixels per degree of latitude.
    pub k: f64,
    /// Pixel of the centre.
    pub cx: f64,
    /// Pixel of the centre.
    pub cy: f64,
}

/// `lon` wrapped into [-180, 180).
pub fn wrap(lon: f64) -> f64 {
    (lon + 180.0).rem_euclid(360.0) - 180.0
}

/// The smallest longitude interval holding every longitude, as
/// `(west, east)` with `east - west` in [0, 360): `east` may pass 180 when
/// the interval crosses the antimeridian (170 E and 170 W give
/// `(170, 190)`). `None` without longitudes.
pub fn lon_extent(lons: &mut [f64]) -> Option<(f64, f64)> {
    if lons.is_empty() {
        return None;
    }
    for l in lons.iter_mut() {
        *l = wrap(*l);
    }
    lons.sort_unstable_by(f64::total_cmp);
    let n = lons.len();
    // The interval is the circle minus its largest empty gap.
    let (mut gap, mut west, mut east) = (lons[0] + 360.0 - lons[n - 1], lons[0], lons[n - 1]);
    for i in 0..n - 1 {
        let g = lons[i + 1] - lons[i];
        if g > gap {
            (gap, west, east) = (g, lons[i + 1], lons[i] + 360.0);
        }
    }
    Some((west, east))
}

impl View {
    /// The view that shows `[west, east] x [south, north]` (degrees; `east`
    /// may pass 180, see [`lon_extent`]) as large as fits in `frame` less
    /// `pad` pixels on every side, centred. Extents smaller than
    /// `min_span` degrees (of latitude, or of longitude times the cosine)
    /// are widened to it, so one incident is shown with its surroundings.
    pub fn fit(west: f64, east: f64, south: f64, north: f64, frame: Frame, pad: f64, min_span: f64) -> View {
        let lat0 = ((south + north) / 2.0).clamp(-85.0, 85.0);
        let lon0 = wrap((west + east) / 2.0);
        let cos0 = lat0.to_radians().cos().max(0.05);
        let span_x = ((east - west) * cos0).max(min_span);
        let span_y = (north - south).max(min_span);
        let (w, h) = ((frame.w - 2.0 * pad).max(1.0), (frame.h - 2.0 * pad).max(1.0));
        let k = (w / span_x).min(h / span_y);
        View { lon0, lat0, cos0, k, cx: frame.x + frame.w / 2.0, cy: frame.y + frame.h / 2.0 }
    }

    /// The pixel of `p` (the longitude taken the short way round from the
    /// centre).
    pub fn project(&self, p: LonLat) -> (f64, f64) {
        self.project_unwrapped(self.lon0 + wrap(p.lon - self.lon0), p.lat)
    }

    /// The pixel of a longitude taken as it is (no wrapping): for rings
    /// that must stay in one piece.
    pub fn project_unwrapped(&self, lon: f64, lat: f64) -> (f64, f64) {
        (self.cx + (lon - self.lon0) * self.cos0 * self.k, self.cy - (lat - self.lat0) * self.k)
    }

    /// The lon/lat of pixel position `(x, y)`; the longitude is not wrapped.
    pub fn unproject(&self, x: f64, y: f64) -> (f64, f64) {
        (self.lon0 + (x - self.cx) / (self.cos0 * self.k), self.lat0 - (y - self.cy) / self.k)
    }

    /// The multiple of 360 to add to a ring's longitudes so the ring,
    /// starting at `lon`, lies on the view's side of the antimeridian.
    pub fn ring_shift(&self, lon: f64) -> f64 {
        wrap(lon - self.lon0) - (lon - self.lon0)
    }

    /// Kilometres per pixel at the centre latitude, in any direction.
    pub fn km_per_px(&self) -> f64 {
        KM_PER_DEG / self.k
    }

    /// The lon/lat box `frame` shows: `(west, east, south, north)`, the
    /// longitudes unwrapped around the centre.
    pub fn bounds(&self, frame: Frame) -> (f64, f64, f64, f64) {
        let (w, n) = self.unproject(frame.x, frame.y);
        let (e, s) = self.unproject(frame.x + frame.w, frame.y + frame.h);
        (w, e, s, n)
    }

    /// An ESRI world file for the picture (EPSG:4326): pixel size in x and
    /// y, no rotation, and the lon/lat of the centre of the top-left pixel.
    pub fn world_file(&self) -> String {
        let (lon, lat) = self.unproject(0.5, 0.5);
        format!("{:.12}\n0.0\n0.0\n{:.12}\n{:.10}\n{:.10}\n", 1.0 / (self.cos0 * self.k), -1.0 / self.k, lon, lat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME: Frame = Frame { x: 0.0, y: 100.0, w: 1000.0, h: 800.0 };

    #[test]
    fn the_extent_fills_the_frame_and_keeps_the_centre() {
        let v = View::fit(44.0, 46.0, 33.0, 35.0, FRAME, 50.0, 0.5);
        assert!((v.lat0 - 34.0).abs() < 1e-12 && (v.lon0 - 45.0).abs() < 1e-12);
        assert_eq!(v.project(LonLat { lon: 45.0, lat: 34.0 }), (500.0, 500.0));
        // 2 degrees of latitude fill the 700 pixels of height left after padding.
        assert!((v.k - 350.0).abs() < 1e-9, "{}", v.k);
        let (_, top) = v.project(LonLat { lon: 45.0, lat: 35.0 });
        assert!((top - 150.0).abs() < 1e-9, "{top}");
        // East-west is shrunk by cos(34 deg).
        let (east, _) = v.project(LonLat { lon: 46.0, lat: 34.0 });
        assert!((east - 500.0 - 350.0 * 34f64.to_radians().cos()).abs() < 1e-9, "{east}");
        // The scale bar's figure: one degree of latitude is 111.19 km.
        assert!((v.km_per_px() * 350.0 - 111.195).abs() < 0.01);
        let (x, y) = v.project(LonLat { lon: 44.2, lat: 33.1 });
        let (lon, lat) = v.unproject(x, y);
        assert!((lon - 44.2).abs() < 1e-12 && (lat - 33.1).abs() < 1e-12);
    }

    #[test]
    fn one_point_gets_the_minimum_span_around_it() {
        let v = View::fit(44.5, 44.5, 33.7, 33.7, FRAME, 50.0, 1.0);
        assert_eq!(v.project(LonLat { lon: 44.5, lat: 33.7 }), (500.0, 500.0));
        assert!((v.k - 700.0).abs() < 1e-9, "{}", v.k);
        assert!(v.k.is_finite());
    }

    #[test]
    fn antimeridian_sets_take_the_short_way_round() {
        let mut lons = vec![179.0, -179.5, 178.0, -178.0];
        assert_eq!(lon_extent(&mut lons), Some((178.0, 182.0)));
        let mut plain = vec![44.0, 10.0, 30.0];
        assert_eq!(lon_extent(&mut plain), Some((10.0, 44.0)));
        assert_eq!(lon_extent(&mut []), None);
        let v = View::fit(178.0, 182.0, -18.0, -16.0, FRAME, 50.0, 0.5);
        assert!((v.lon0 - -180.0).abs() < 1e-9, "{}", v.lon0);
        let (xw, _) = v.project(LonLat { lon: 178.0, lat: -17.0 });
        let (xe, _) = v.project(LonLat { lon: -178.0, lat: -17.0 });
        assert!(xw < 500.0 && xe > 500.0, "{xw} {xe}");
        assert!((xw - 500.0 + (xe - 500.0)).abs() < 1e-6);
        // A ring just west of the antimeridian is moved to the view's side.
        assert_eq!(v.ring_shift(179.0), -360.0);
        assert_eq!(v.ring_shift(-179.0), 0.0);
    }

    #[test]
    fn world_file_maps_pixels_to_lon_lat() {
        let v = View::fit(44.0, 46.0, 33.0, 35.0, FRAME, 50.0, 0.5);
        let wf: Vec<f64> = v.world_file().lines().map(|l| l.parse().unwrap()).collect();
        let (col, row) = (321.0, 456.0);
        let lon = wf[4] + wf[0] * col;
        let lat = wf[5] + wf[3] * row;
        let (x, y) = v.project(LonLat { lon, lat });
        assert!((x - (col + 0.5)).abs() < 1e-6 && (y - (row + 0.5)).abs() < 1e-6, "{x} {y}");
    }
}
