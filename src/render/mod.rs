//! Quick-look pictures of a `map` run, drawn by the binary itself with no
//! network and no system fonts: `map.png` and `map.svg` (the incidents on an
//! offline base map, with clusters, labels, title, legend, scale bar and
//! graticule), `map.pgw` (the PNG's world file, EPSG:4326) and
//! `timeline.png` (incidents and fatalities over time by event type).
//!
//! Each picture is built once as a display list ([`scene::Scene`]) and
//! drawn by a raster back end ([`raster`], tiny-skia) and, for the map, a
//! vector one ([`svg`]).
//!
//! | module | what it owns |
//! |---|---|
//! | [`projection`] | the fitted equirectangular view, scale, world file |
//! | [`basemap`] | provinces shaded by incidents, provincial and national edges |
//! | [`map`] | the map picture: symbols, clusters, labels, title, legend |
//! | [`timeline`] | the bar chart over time |
//! | [`font`] | the embedded font: widths and glyph outlines |
//! | [`palette`] | event-type colours (Okabe-Ito) and the base map's |

pub mod basemap;
pub mod font;
pub mod map;
pub mod palette;
pub mod projection;
pub mod raster;
pub mod scene;
pub mod svg;
pub mod timeline;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::export::layers::{Layers, admin_stats};
use crate::extract::incident::Incident;
use crate::gazetteer::admin::AdminArea;
use crate::spatial::cluster::Cluster;

/// The files [`write_pictures`] writes, in order. `map.pgw` only when there
/// are incidents to fit a view to.
pub const PICTURE_FILES: [&str; 4] = ["map.png", "map.pgw", "map.svg", "timeline.png"];

/// What the pictures show.
#[derive(Debug, Clone, Copy)]
pub struct PictureInput<'a> {
    /// The incidents.
    pub incidents: &'a [Incident],
    /// Their clusters.
    pub clusters: &'a [Cluster],
    /// The admin-1 areas of the base map.
    pub areas: &'a [AdminArea],
    /// Incidents in each of `areas` (same order; missing entries count 0).
    pub area_counts: &'a [u64],
}

/// Incidents per admin-1 area of `layers.admin_areas`, in its order, by the
/// rule of the admin-1 layer ([`admin_stats`]).
pub fn area_counts(layers: &Layers) -> Vec<u64> {
    let areas = layers.admin_areas;
    let mut counts = vec![0; areas.len()];
    let size = std::mem::size_of::<AdminArea>().max(1);
    let base = areas.as_ptr() as usize;
    for (a, s) in admin_stats(layers) {
        // `admin_stats` hands back references into `areas`.
        let i = (a as *const AdminArea as usize - base) / size;
        counts[i] = s.incident_count;
    }
    counts
}

/// The pictures as `(file name, bytes)`, in the order of [`PICTURE_FILES`]
/// (without `map.pgw` when there are no incidents). Drawn in parallel.
///
/// # Errors
/// When PNG encoding fails (an error naming `dir`'s picture).
pub fn render(input: &PictureInput, dir: &Path) -> Result<Vec<(&'static str, Vec<u8>)>> {
    let png_err = |name: &str| {
        let p = dir.join(name);
        move |e: String| Error::io(&p, std::io::Error::other(format!("PNG encoding: {e}")))
    };
    let ((map_png, pgw, map_svg), timeline_png) = rayon::join(
        || {
            let (scene, view) = map::map_scene(input);
            let png = raster::png(&scene).map_err(png_err("map.png"));
            (png, view.map(|v| v.world_file()), svg::svg(&scene))
        },
        || raster::png(&timeline::timeline_scene(input.incidents)).map_err(png_err("timeline.png")),
    );
    let mut out = vec![("map.png", map_png?)];
    if let Some(pgw) = pgw {
        out.push(("map.pgw", pgw.into_bytes()));
    }
    out.push(("map.svg", map_svg.into_bytes()));
    out.push(("timeline.png", timeline_png?));
    Ok(out)
}

/// Draws the pictures of `input` and writes them into `dir` (which must
/// exist), each file atomically. Returns the paths written. Without
/// incidents the pictures say so, and a `map.pgw` left by an earlier run is
/// removed (it would place the new picture wrongly).
///
/// # Errors
/// The first file that could not be written, by name.
pub fn write_pictures(dir: &Path, input: &PictureInput) -> Result<Vec<PathBuf>> {
    let files = render(input, dir)?;
    write_rendered(dir, &files)
}

/// Writes what [`render`] returned into `dir`, each file atomically.
///
/// # Errors
/// The first file that could not be written, by name.
pub fn write_rendered(dir: &Path, files: &[(&'static str, Vec<u8>)]) -> Result<Vec<PathBuf>> {
    let mut written = Vec::with_capacity(files.len());
    for (name, bytes) in files {
        let p = dir.join(name);
        crate::atomic::write_bytes_atomic(&p, bytes)?;
        written.push(p);
    }
    if !files.iter().any(|(n, _)| *n == "map.pgw") {
        let stale = dir.join("map.pgw");
        if stale.exists() {
            std::fs::remove_file(&stale).map_err(|e| Error::io(&stale, e))?;
        }
    }
    Ok(written)
}

/// The first and last event dates; `None` without incidents.
pub fn date_range(incidents: &[Incident]) -> Option<(NaiveDate, NaiveDate)> {
    let first = incidents.iter().map(|i| i.event_date).min()?;
    let last = incidents.iter().map(|i| i.event_date).max()?;
    Some((first, last))
}

/// `n` with thousands separators: `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut o = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            o.push(',');
        }
        o.push(c);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::LonLat;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn counts_follow_the_admin_layer() {
        use geo::{BoundingRect, polygon};
        let area = |name: &str, x0: f64, y0: f64| {
            let p = polygon![(x: x0, y: y0), (x: x0 + 1.0, y: y0), (x: x0 + 1.0, y: y0 + 1.0), (x: x0, y: y0 + 1.0), (x: x0, y: y0)];
            let mp = geo::MultiPolygon(vec![p]);
            AdminArea {
                code: String::new(),
                name: name.into(),
                country: "IQ".into(),
                geonameid: 0,
                bbox: mp.bounding_rect().unwrap(),
                polygon: mp,
            }
        };
        let areas = [area("Diyala", 44.5, 33.5), area("Kirkuk", 43.5, 35.0)];
        let mut a = Incident::new(NaiveDate::from_ymd_opt(2020, 5, 1).unwrap(), LonLat { lon: 44.0, lat: 35.5 });
        a.country = "IQ".into();
        let incs = [a.clone(), a];
        let counts = area_counts(&Layers::new(&incs, &[], &areas));
        assert_eq!(counts, [0, 2]);
    }

    #[test]
    fn pictures_are_written_and_an_empty_run_says_so() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("map.pgw"), "stale").unwrap();
        let input = PictureInput { incidents: &[], clusters: &[], areas: &[], area_counts: &[] };
        let written = write_pictures(dir.path(), &input).unwrap();
        let names: Vec<_> = written.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["map.png", "map.svg", "timeline.png"]);
        assert!(!dir.path().join("map.pgw").exists());
        let svg = std::fs::read_to_string(dir.path().join("map.svg")).unwrap();
        assert!(svg.contains(">No incidents</text>"), "{svg}");
        let png = tiny_skia::Pixmap::decode_png(&std::fs::read(dir.path().join("timeline.png")).unwrap()).unwrap();
        assert_eq!((png.width(), png.height()), (timeline::WIDTH, timeline::HEIGHT));
    }
}
