//! A QGIS project (`map.qgs`) beside `layers.gpkg`: the four layers,
//! styled, in drawing order, with the Temporal Controller set up.
//!
//! QGIS 3.22 switches a layer's temporal settings off when it opens a file,
//! whatever the file's style says; a project keeps them, because a layer
//! read from a project takes its settings from the project, not from a
//! guess. So opening `map.qgs` gives styled layers, the incidents' temporal
//! filter on `to_datetime("event_date")`, and the controller's range set to
//! the incidents' days in one-day steps. Paths are relative (`./layers.gpkg`)
//! so the directory can be moved or mailed as a whole. The XML follows what
//! QGIS 3.22 itself saves; `tests/qgis/check_layers.py` reads it in real QGIS.

use std::fmt::Write as _;

use chrono::{Duration, NaiveDate};

use super::style;
use crate::extract::incident::Incident;
use crate::markup::xml;

/// The project's file name.
pub const PROJECT_FILE: &str = "map.qgs";

/// WGS84 as QGIS 3.22 writes it (EPSG's WKT2 for 4326).
const WGS84: &str = "<spatialrefsys>\n<wkt>GEOGCRS[\"WGS 84\",DATUM[\"World Geodetic System 1984\",\
ELLIPSOID[\"WGS 84\",6378137,298.257223563,LENGTHUNIT[\"metre\",1]]],PRIMEM[\"Greenwich\",0,\
ANGLEUNIT[\"degree\",0.0174532925199433]],CS[ellipsoidal,2],AXIS[\"geodetic latitude (Lat)\",north,\
ORDER[1],ANGLEUNIT[\"degree\",0.0174532925199433]],AXIS[\"geodetic longitude (Lon)\",east,ORDER[2],\
ANGLEUNIT[\"degree\",0.0174532925199433]],USAGE[SCOPE[\"Horizontal component of 3D system.\"],\
AREA[\"World.\"],BBOX[-90,-180,90,180]],ID[\"EPSG\",4326]]</wkt>\n<proj4>+proj=longlat +datum=WGS84 +no_defs</proj4>\n\
<srsid>3452</srsid>\n<srid>4326</srid>\n<authid>EPSG:4326</authid>\n<description>WGS 84</description>\n\
<projectionacronym>longlat</projectionacronym>\n<ellipsoidacronym>EPSG:7030</ellipsoidacronym>\n\
<geographicflag>true</geographicflag>\n</spatialrefsys>";

/// One layer of the project, top of the drawing order first.
struct ProjectLayer {
    table: &'static str,
    /// QGIS's `geometry` and `wkbType` attributes.
    geometry: &'static str,
    wkb: &'static str,
    qml: String,
}

/// The days the incidents cover: the first and the day after the last (the
/// controller's range end is exclusive of the next day's incidents).
pub fn day_range(incidents: &[Incident]) -> Option<(NaiveDate, NaiveDate)> {
    let first = incidents.iter().map(|i| i.event_date).min()?;
    let last = incidents.iter().map(|i| i.event_date).max()?;
    Some((first, last + Duration::days(1)))
}

/// The view to open on: the incidents' box with a margin (at least half a
/// degree), or the admin-1 areas' world when there are no incidents.
fn view_extent(incidents: &[Incident]) -> [f64; 4] {
    let Some(b) = crate::spatial::hull::extent(incidents.iter().map(|i| i.position)) else {
        return [-180.0, -90.0, 180.0, 90.0];
    };
    let pad_x = ((b[2] - b[0]) * 0.1).max(0.5);
    let pad_y = ((b[3] - b[1]) * 0.1).max(0.5);
    [(b[0] - pad_x).max(-180.0), (b[1] - pad_y).max(-90.0), (b[2] + pad_x).min(180.0), (b[3] + pad_y).min(90.0)]
}

/// The inside of a QML document (what goes in a `<maplayer>`), and whether
/// its labels are on.
fn qml_body(qml: &str) -> (&str, bool) {
    let start = qml.find("<qgis ").expect("a QML document has a <qgis> root");
    let open_end = start + qml[start..].find('>').expect("the root element closes") + 1;
    let labels = qml[start..open_end].contains("labelsEnabled=\"1\"");
    let end = qml.rfind("</qgis>").expect("the root element ends");
    (qml[open_end..end].trim_matches('\n'), labels)
}

/// The project for the layers a `map` run writes into `layers.gpkg`:
/// `admin_counts` are the admin-1 layer's incident counts (its classes).
pub fn qgis_project(incidents: &[Incident], admin_counts: &[u64]) -> String {
    let layers = [
        ProjectLayer { table: "incidents", geometry: "Point", wkb: "Point", qml: style::incidents_qml() },
        ProjectLayer { table: "clusters", geometry: "Point", wkb: "Point", qml: style::clusters_qml() },
        ProjectLayer {
            table: "cluster_areas",
            geometry: "Polygon",
            wkb: "MultiPolygon",
            qml: style::cluster_areas_qml(),
        },
        ProjectLayer {
            table: "admin1",
            geometry: "Polygon",
            wkb: "MultiPolygon",
            qml: style::admin1_qml(admin_counts),
        },
    ];
    let id = |table: &str| format!("{table}_incidentmap");
    let source = |table: &str| format!("./layers.gpkg|layername={table}");
    let [xmin, ymin, xmax, ymax] = view_extent(incidents);
    let extent = format!("<xmin>{xmin}</xmin><ymin>{ymin}</ymin><xmax>{xmax}</xmax><ymax>{ymax}</ymax>");

    let mut s = String::with_capacity(64 * 1024);
    s.push_str("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n");
    s.push_str("<qgis projectname=\"incidentmap\" version=\"3.22.16-Białowieża\">\n");
    s.push_str("  <homePath path=\"\"/>\n  <title>incidentmap</title>\n");
    let _ = writeln!(s, "  <projectCrs>\n{WGS84}\n  </projectCrs>");

    // The legend, top to bottom; it is also the drawing order.
    s.push_str("  <layer-tree-group>\n    <customproperties/>\n");
    for l in &layers {
        let _ = writeln!(
            s,
            "    <layer-tree-layer id=\"{}\" name=\"{}\" source=\"{}\" providerKey=\"ogr\" checked=\"Qt::Checked\" \
             expanded=\"1\" legend_exp=\"\" patch_size=\"-1,-1\" legend_split_behavior=\"0\">\n      \
             <customproperties/>\n    </layer-tree-layer>",
            id(l.table),
            l.table,
            xml(&source(l.table))
        );
    }
    s.push_str("    <custom-order enabled=\"0\">\n");
    for l in &layers {
        let _ = writeln!(s, "      <item>{}</item>", id(l.table));
    }
    s.push_str("    </custom-order>\n  </layer-tree-group>\n");

    let _ = writeln!(
        s,
        "  <mapcanvas name=\"theMapCanvas\" annotationsVisible=\"1\">\n    <units>degrees</units>\n    \
         <extent>{extent}</extent>\n    <rotation>0</rotation>\n    <destinationsrs>\n{WGS84}\n    </destinationsrs>\n    \
         <rendermaptile>0</rendermaptile>\n  </mapcanvas>"
    );

    s.push_str("  <projectlayers>\n");
    for l in &layers {
        let (body, labels) = qml_body(&l.qml);
        let _ = writeln!(
            s,
            "    <maplayer type=\"vector\" geometry=\"{}\" wkbType=\"{}\" labelsEnabled=\"{}\" \
             hasScaleBasedVisibilityFlag=\"0\" minScale=\"0\" maxScale=\"0\" autoRefreshEnabled=\"0\" autoRefreshTime=\"0\" \
             refreshOnNotifyEnabled=\"0\" refreshOnNotifyMessage=\"\" simplifyAlgorithm=\"0\" simplifyDrawingHints=\"1\" \
             simplifyDrawingTol=\"1\" simplifyLocal=\"1\" simplifyMaxScale=\"1\" symbologyReferenceScale=\"-1\" \
             legendPlaceholderImage=\"\">\n      <id>{}</id>\n      <datasource>{}</datasource>\n      \
             <layername>{}</layername>\n      <srs>\n{WGS84}\n      </srs>\n      \
             <provider encoding=\"UTF-8\">ogr</provider>\n{body}\n    </maplayer>",
            l.geometry,
            l.wkb,
            u8::from(labels),
            id(l.table),
            xml(&source(l.table)),
            l.table,
        );
    }
    s.push_str("  </projectlayers>\n");

    s.push_str("  <layerorder>\n");
    for l in &layers {
        let _ = writeln!(s, "    <layer id=\"{}\"/>", id(l.table));
    }
    s.push_str("  </layerorder>\n");
    s.push_str(
        "  <properties>\n    <Paths>\n      <Absolute type=\"bool\">false</Absolute>\n    </Paths>\n    \
         <SpatialRefSys>\n      <ProjectionsEnabled type=\"int\">1</ProjectionsEnabled>\n    </SpatialRefSys>\n  \
         </properties>\n",
    );
    let _ = writeln!(
        s,
        "  <ProjectViewSettings UseProjectScales=\"0\" rotation=\"0\">\n    <Scales/>\n    \
         <DefaultViewExtent xmin=\"{xmin}\" ymin=\"{ymin}\" xmax=\"{xmax}\" ymax=\"{ymax}\">\n{WGS84}\n    \
         </DefaultViewExtent>\n  </ProjectViewSettings>"
    );
    s.push_str(
        "  <ProjectTimeSettings timeStepUnit=\"d\" timeStep=\"1\" frameRate=\"1\" cumulativeTemporalRange=\"0\">\n",
    );
    if let Some((first, after_last)) = day_range(incidents) {
        let _ = writeln!(
            s,
            "    <TemporalRange>\n      <start>{first}T00:00:00Z</start>\n      <end>{after_last}T00:00:00Z</end>\n    </TemporalRange>"
        );
    }
    s.push_str("  </ProjectTimeSettings>\n</qgis>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::LonLat;

    fn at(date: &str, lon: f64, lat: f64) -> Incident {
        Incident::new(date.parse().unwrap(), LonLat { lon, lat })
    }

    #[test]
    fn the_time_range_is_the_incidents_days_with_the_last_one_whole() {
        let incs = [at("2020-06-19", 45.0, 34.0), at("2020-06-02", 44.0, 33.0), at("2020-06-30", 43.0, 36.0)];
        let p = qgis_project(&incs, &[1, 2]);
        assert!(p.contains("<start>2020-06-02T00:00:00Z</start>"), "{p}");
        assert!(p.contains("<end>2020-07-01T00:00:00Z</end>"), "{p}");
        assert!(p.contains("timeStepUnit=\"d\" timeStep=\"1\""));
        assert_eq!(day_range(&[]), None);
        assert!(!qgis_project(&[], &[]).contains("<TemporalRange>"));
    }

    #[test]
    fn every_layer_comes_from_the_geopackage_beside_it_in_legend_order() {
        let p = qgis_project(&[at("2020-06-19", 45.0, 34.0)], &[1]);
        let order: Vec<usize> = ["incidents", "clusters", "cluster_areas", "admin1"]
            .iter()
            .map(|t| p.find(&format!("<datasource>./layers.gpkg|layername={t}</datasource>")).unwrap())
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
        assert_eq!(p.matches("<maplayer ").count(), 4);
        assert_eq!(p.matches("</maplayer>").count(), 4);
        // The incidents' temporal settings ride along from their style.
        assert!(p.contains("<temporal enabled=\"1\" mode=\"4\""));
        assert!(!p.contains("<qgis version="), "a style's root element was embedded");
        assert!(p.contains("<Absolute type=\"bool\">false</Absolute>"));
    }

    #[test]
    fn the_view_is_the_incidents_box_with_a_margin_inside_the_world() {
        assert_eq!(view_extent(&[at("2020-01-01", 45.0, 34.0)]), [44.5, 33.5, 45.5, 34.5]);
        let e = view_extent(&[at("2020-01-01", 179.9, 89.9), at("2020-01-01", -179.9, -89.9)]);
        assert_eq!(e, [-180.0, -90.0, 180.0, 90.0]);
        assert_eq!(view_extent(&[]), [-180.0, -90.0, 180.0, 90.0]);
    }

    #[test]
    fn a_style_body_keeps_its_elements_and_says_whether_labels_are_on() {
        let qml = style::clusters_qml();
        let (body, labels) = qml_body(&qml);
        assert!(labels);
        assert!(body.starts_with("  <renderer-v2"), "{body}");
        assert!(body.trim_end().ends_with("</layerGeometryType>"), "{body}");
        let (_, labels) = qml_body(&style::cluster_areas_qml());
        assert!(!labels);
    }
}
