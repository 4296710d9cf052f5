//! QGIS 3 styles (QML), written by hand: the same text goes into the
//! GeoPackage's `layer_styles` table and into `<layer>.qml` sidecars next to
//! the GeoJSON files, which QGIS applies when it opens `<layer>.geojson`.
//!
//! - incidents: categorised by `geo_precision` (1 exact site dark red, 2 near
//!   or part of a region orange, 3 area centroid pale and hollow-looking),
//!   each marker sized by `fatalities` (data-defined, square-root scaled);
//!   `event_date` drives the Temporal Controller.
//! - clusters: one symbol sized by `count`.
//! - cluster_areas: translucent fill.
//! - admin1: graduated by `incident_count` (quantile classes of the data).

use std::fmt::Write as _;

/// Escapes text for an XML attribute value.
fn xml_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

fn header(categories: &str) -> String {
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.28.0-Firenze\" styleCategories=\"{categories}\">\n"
    )
}

/// `geometry`: 0 point, 2 polygon (QGIS `layerGeometryType`).
fn footer(out: &mut String, geometry: u8) {
    let _ = write!(
        out,
        "  <blendMode>0</blendMode>\n  <featureBlendMode>0</featureBlendMode>\n  <layerGeometryType>{geometry}</layerGeometryType>\n</qgis>\n"
    );
}

fn option(name: &str, value: &str) -> String {
    format!("<Option name=\"{}\" type=\"QString\" value=\"{}\"/>", xml_attr(name), xml_attr(value))
}

/// A data-defined size block (empty when `size_expr` is None).
fn data_defined(size_expr: Option<&str>) -> String {
    let props = match size_expr {
        Some(e) => format!(
            "<Option name=\"properties\" type=\"Map\"><Option name=\"size\" type=\"Map\">\
             <Option name=\"active\" type=\"bool\" value=\"true\"/>\
             <Option name=\"expression\" type=\"QString\" value=\"{}\"/>\
             <Option name=\"type\" type=\"int\" value=\"3\"/></Option></Option>",
            xml_attr(e)
        ),
        None => "<Option name=\"properties\"/>".to_string(),
    };
    format!(
        "<data_defined_properties><Option type=\"Map\"><Option name=\"name\" type=\"QString\" value=\"\"/>{props}\
         <Option name=\"type\" type=\"QString\" value=\"collection\"/></Option></data_defined_properties>"
    )
}

fn marker_symbol(name: &str, rgba: &str, size_mm: f64, size_expr: Option<&str>) -> String {
    let opts = [
        option("angle", "0"),
        option("color", rgba),
        option("joinstyle", "bevel"),
        option("name", "circle"),
        option("outline_color", "35,35,35,255"),
        option("outline_style", "solid"),
        option("outline_width", "0.2"),
        option("outline_width_unit", "MM"),
        option("scale_method", "diameter"),
        option("size", &size_mm.to_string()),
        option("size_unit", "MM"),
    ]
    .concat();
    format!(
        "      <symbol type=\"marker\" name=\"{name}\" alpha=\"0.85\" clip_to_extent=\"1\" force_rhr=\"0\">\n\
         {dd0}\n\
         <layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"0\"><Option type=\"Map\">{opts}</Option>{dd}</layer>\n\
               </symbol>\n",
        dd0 = data_defined(None),
        dd = data_defined(size_expr)
    )
}

fn fill_symbol(name: &str, rgba: &str, outline: &str) -> String {
    let opts = [
        option("border_width_map_unit_scale", "3x:0,0,0,0,0,0"),
        option("color", rgba),
        option("joinstyle", "bevel"),
        option("offset", "0,0"),
        option("offset_unit", "MM"),
        option("outline_color", outline),
        option("outline_style", "solid"),
        option("outline_width", "0.3"),
        option("outline_width_unit", "MM"),
        option("style", "solid"),
    ]
    .concat();
    format!(
        "      <symbol type=\"fill\" name=\"{name}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n\
         {dd}\n\
         <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\"><Option type=\"Map\">{opts}</Option>{dd}</layer>\n\
               </symbol>\n",
        dd = data_defined(None)
    )
}

/// Marker size in mm from fatalities: 2 mm with none, growing with the
/// square root (so area tracks the count), capped at 14 mm.
pub const INCIDENT_SIZE_EXPR: &str = "min(2 + 1.6 * sqrt(coalesce(\"fatalities\", 0)), 14)";
/// Marker size in mm from the number of incidents in a cluster.
pub const CLUSTER_SIZE_EXPR: &str = "min(3 + 1.2 * sqrt(coalesce(\"count\", 1)), 24)";

/// The incidents style.
pub fn incidents_qml() -> String {
    let mut s = header("Symbology|Temporal");
    let cats = [
        ("1", "1: the named site", "189,0,38,230"),
        ("2", "2: near it / part of a region", "253,141,60,210"),
        ("3", "3: admin-area centroid", "254,217,118,170"),
    ];
    s.push_str(
        "  <renderer-v2 type=\"categorizedSymbol\" attr=\"geo_precision\" symbollevels=\"0\" enableorderby=\"1\" forceraster=\"0\">\n    <categories>\n",
    );
    for (i, (v, label, _)) in cats.iter().enumerate() {
        let _ = writeln!(
            s,
            "      <category render=\"true\" symbol=\"{i}\" value=\"{v}\" label=\"{}\" type=\"integer\"/>",
            xml_attr(label)
        );
    }
    s.push_str("    </categories>\n    <symbols>\n");
    for (i, (_, _, rgba)) in cats.iter().enumerate() {
        s.push_str(&marker_symbol(&i.to_string(), rgba, 2.0, Some(INCIDENT_SIZE_EXPR)));
    }
    s.push_str("    </symbols>\n    <source-symbol>\n");
    s.push_str(&marker_symbol("0", "189,0,38,230", 2.0, Some(INCIDENT_SIZE_EXPR)));
    // Largest last, so small markers are not hidden under big ones.
    s.push_str(
        "    </source-symbol>\n    <orderby><orderByClause asc=\"1\" nullsFirst=\"0\">\"fatalities\"</orderByClause></orderby>\n  </renderer-v2>\n",
    );
    s.push_str(
        "  <temporal enabled=\"1\" mode=\"1\" startField=\"event_date\" endField=\"\" durationField=\"\" durationUnit=\"d\" \
         fixedDuration=\"1\" accumulate=\"0\" limitMode=\"0\" startExpression=\"\" endExpression=\"\">\n    \
         <fixedRange><start></start><end></end></fixedRange>\n  </temporal>\n",
    );
    footer(&mut s, 0);
    s
}

/// The clusters (centroid points) style.
pub fn clusters_qml() -> String {
    let mut s = header("Symbology");
    s.push_str("  <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n    <symbols>\n");
    s.push_str(&marker_symbol("0", "106,61,154,200", 3.0, Some(CLUSTER_SIZE_EXPR)));
    s.push_str("    </symbols>\n  </renderer-v2>\n");
    footer(&mut s, 0);
    s
}

/// The cluster areas (hull polygons) style.
pub fn cluster_areas_qml() -> String {
    let mut s = header("Symbology");
    s.push_str("  <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n    <symbols>\n");
    s.push_str(&fill_symbol("0", "106,61,154,60", "106,61,154,255"));
    s.push_str("    </symbols>\n  </renderer-v2>\n");
    footer(&mut s, 2);
    s
}

/// Class breaks for the admin-1 layer: up to five quantile classes of the
/// incident counts, from 0 to the maximum.
pub fn quantile_breaks(counts: &[u64]) -> Vec<u64> {
    let mut v: Vec<u64> = counts.to_vec();
    v.sort_unstable();
    let Some(&max) = v.last() else {
        return vec![0, 1];
    };
    let mut breaks = vec![0];
    for q in 1..=5 {
        let i = (v.len() * q).div_ceil(5).saturating_sub(1);
        let b = v[i.min(v.len() - 1)];
        if b > *breaks.last().unwrap_or(&0) {
            breaks.push(b);
        }
    }
    if *breaks.last().unwrap_or(&0) < max.max(1) {
        breaks.push(max.max(1));
    }
    breaks
}

/// The admin-1 style, graduated by `incident_count` with classes from
/// `counts` (the counts of the areas written).
pub fn admin1_qml(counts: &[u64]) -> String {
    const RAMP: [&str; 5] = ["255,255,178,200", "254,204,92,200", "253,141,60,200", "240,59,32,200", "189,0,38,200"];
    let breaks = quantile_breaks(counts);
    let mut s = header("Symbology");
    s.push_str(
        "  <renderer-v2 type=\"graduatedSymbol\" attr=\"incident_count\" graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n    <ranges>\n",
    );
    let n = breaks.len() - 1;
    for i in 0..n {
        let _ = writeln!(
            s,
            "      <range render=\"true\" symbol=\"{i}\" lower=\"{lo}.000000\" upper=\"{hi}.000000\" label=\"{lo} - {hi}\"/>",
            lo = breaks[i],
            hi = breaks[i + 1]
        );
    }
    s.push_str("    </ranges>\n    <symbols>\n");
    for i in 0..n {
        let c = RAMP[if n <= 1 { RAMP.len() - 1 } else { i * (RAMP.len() - 1) / (n - 1) }];
        s.push_str(&fill_symbol(&i.to_string(), c, "90,90,90,255"));
    }
    s.push_str("    </symbols>\n    <mode name=\"quantile\"/>\n  </renderer-v2>\n");
    footer(&mut s, 2);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tags open and close in order (a cheap well-formedness check; the
    /// integration tests parse the files with a real XML parser).
    fn balanced(xml: &str) -> bool {
        let mut stack = Vec::new();
        for part in xml.split('<').skip(1) {
            let tag = part.split('>').next().unwrap();
            if tag.starts_with('!') || tag.ends_with('/') {
                continue;
            }
            let name = tag.split_whitespace().next().unwrap();
            if let Some(n) = name.strip_prefix('/') {
                if stack.pop() != Some(n.to_string()) {
                    return false;
                }
            } else {
                stack.push(name.to_string());
            }
        }
        stack.is_empty()
    }

    #[test]
    fn styles_are_balanced_and_name_their_fields() {
        let inc = incidents_qml();
        assert!(balanced(&inc));
        assert!(inc.contains("attr=\"geo_precision\""));
        assert!(inc.contains("&quot;fatalities&quot;"));
        assert!(balanced(&clusters_qml()) && clusters_qml().contains("&quot;count&quot;"));
        assert!(balanced(&cluster_areas_qml()));
        let a = admin1_qml(&[0, 1, 5, 20, 300]);
        assert!(balanced(&a) && a.contains("graduatedSymbol"));
        assert!(balanced(&admin1_qml(&[])));
    }

    #[test]
    fn breaks_rise_and_cover_the_maximum() {
        assert_eq!(quantile_breaks(&[]), [0, 1]);
        assert_eq!(quantile_breaks(&[0, 0]), [0, 1]);
        let b = quantile_breaks(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 100]);
        assert!(b.windows(2).all(|w| w[0] < w[1]), "{b:?}");
        assert_eq!(*b.last().unwrap(), 100);
    }
}
