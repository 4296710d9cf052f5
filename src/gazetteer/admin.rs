//! Admin-1 areas with their polygons, for point-in-polygon admin1 assignment
//! and the per-area layer.

use geo::{BoundingRect, Contains, MultiPolygon, Point, Rect};

use crate::error::{Error, Result};
use crate::geodesy::LonLat;

/// A first-level administrative area (governorate, province, state).
#[derive(Debug, Clone)]
pub struct AdminArea {
    /// GeoNames-style code, `CC.code` ("IQ.10"); empty when unknown.
    pub code: String,
    /// Name ("Diyala").
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// GeoNames id of the area's ADM1 entry (0 when unknown).
    pub geonameid: i64,
    /// Outline, WGS84 lon/lat.
    pub polygon: MultiPolygon<f64>,
    /// Bounding rectangle of `polygon`, for a cheap first test.
    pub bbox: Rect<f64>,
}

impl AdminArea {
    /// True when the point lies inside the area.
    pub fn contains(&self, p: LonLat) -> bool {
        let pt = Point::new(p.lon, p.lat);
        self.bbox.contains(&pt) && self.polygon.contains(&pt)
    }
}

/// Parses an admin-1 GeoJSON FeatureCollection (properties `code`, `name`,
/// `country`, `geonameid`).
pub fn parse_admin_geojson(text: &str, origin: &str) -> Result<Vec<AdminArea>> {
    let gj: geojson::GeoJson = text.parse().map_err(|e| Error::bad_input(origin, format!("admin-1 GeoJSON: {e}")))?;
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        return Err(Error::bad_input(origin, "admin-1 GeoJSON is not a FeatureCollection"));
    };
    let mut out = Vec::with_capacity(fc.features.len());
    for (i, f) in fc.features.into_iter().enumerate() {
        let prop =
            |k: &str| -> String { f.property(k).and_then(|v| v.as_str()).map(str::to_string).unwrap_or_default() };
        let geonameid = f.property("geonameid").and_then(|v| v.as_i64()).unwrap_or(0);
        let Some(geom) = f.geometry.clone() else { continue };
        let g: geo::Geometry<f64> =
            geom.try_into().map_err(|e| Error::bad_input(origin, format!("feature {i}: {e}")))?;
        let polygon = match g {
            geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
            geo::Geometry::MultiPolygon(mp) => mp,
            _ => continue,
        };
        let Some(bbox) = polygon.bounding_rect() else { continue };
        out.push(AdminArea {
            code: prop("code"),
            name: prop("name"),
            country: prop("country"),
            geonameid,
            polygon,
            bbox,
        });
    }
    Ok(out)
}
