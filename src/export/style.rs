//! QGIS 3 styles (QML), written by hand: the same text goes into the
//! GeoPackage's `layer_styles` table and into `<layer>.qml` sidecars next to
//! the GeoJSON files, which QGIS applies when it opens `<layer>.geojson`.
//! The element and option names follow what QGIS 3.22 itself saves;
//! `tests/qgis/check_layers.py` loads every style into real QGIS.
//!
//! - incidents: coloured by `event_type` ([`palette`](super::palette)),
//!   sized by `fatalities` (area grows with the count), with a white halo;
//!   precision is drawn by the symbol, not the colour: an admin-area
//!   centroid (`geo_precision` 3) is a hollow ring. Incidents at the same
//!   spot are spread round a ring (QGIS point displacement). Place names
//!   are labelled once zoomed in past 1:1,000,000. The Temporal Controller
//!   filters on `to_datetime("event_date")` (see [`TEMPORAL_START_EXPR`]).
//! - clusters: a dark ring sized by `count`, labelled with the count.
//! - cluster_areas: a faint fill with a dashed outline.
//! - admin1: a translucent grey ramp graduated by `incident_count`, classes
//!   exact for whole numbers ("1", "2-3", "4-9"), labelled with the name.

use std::fmt::Write as _;

use super::palette::{EVENT_TYPE_COLOURS, FALLBACK_COLOUR};
use crate::markup::xml as xml_attr;

/// The root element: the style categories it sets, and whether labels are on.
fn header(categories: &str, labels: bool) -> String {
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.22.16\" styleCategories=\"{categories}\" labelsEnabled=\"{}\">\n",
        u8::from(labels)
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

/// A data-defined property block: each `(property, expression)` pair is an
/// active expression-based property (QGIS property keys: `size`,
/// `fillColor`, `outlineColor`, `outlineWidth`).
fn data_defined(props: &[(&str, &str)]) -> String {
    let props = if props.is_empty() {
        "<Option name=\"properties\"/>".to_string()
    } else {
        let inner: String = props
            .iter()
            .map(|(k, e)| {
                format!(
                    "<Option name=\"{k}\" type=\"Map\"><Option name=\"active\" type=\"bool\" value=\"true\"/>\
                     <Option name=\"expression\" type=\"QString\" value=\"{}\"/>\
                     <Option name=\"type\" type=\"int\" value=\"3\"/></Option>",
                    xml_attr(e)
                )
            })
            .collect();
        format!("<Option name=\"properties\" type=\"Map\">{inner}</Option>")
    };
    format!(
        "<data_defined_properties><Option type=\"Map\"><Option name=\"name\" type=\"QString\" value=\"\"/>{props}\
         <Option name=\"type\" type=\"QString\" value=\"collection\"/></Option></data_defined_properties>"
    )
}

/// One symbol layer of class `class` with its options and data-defined
/// properties.
fn symbol_layer(class: &str, opts: &[(&str, &str)], dd: &[(&str, &str)]) -> String {
    let opts: String = opts.iter().map(|(k, v)| option(k, v)).collect();
    format!(
        "        <layer class=\"{class}\" enabled=\"1\" locked=\"0\" pass=\"0\"><Option type=\"Map\">{opts}</Option>{}</layer>\n",
        data_defined(dd)
    )
}

/// A symbol (`kind` marker or fill) made of `layers`, bottom first.
fn symbol(kind: &str, name: &str, layers: &[String]) -> String {
    format!(
        "      <symbol type=\"{kind}\" name=\"{}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n        {}\n{}      </symbol>\n",
        xml_attr(name),
        data_defined(&[]),
        layers.concat()
    )
}

/// A circle marker layer.
fn circle(fill: &str, stroke: &str, stroke_mm: f64, size_mm: f64, dd: &[(&str, &str)]) -> String {
    let (stroke_mm, size_mm) = (stroke_mm.to_string(), size_mm.to_string());
    symbol_layer(
        "SimpleMarker",
        &[
            ("angle", "0"),
            ("color", fill),
            ("joinstyle", "bevel"),
            ("name", "circle"),
            ("outline_color", stroke),
            ("outline_style", "solid"),
            ("outline_width", &stroke_mm),
            ("outline_width_unit", "MM"),
            ("scale_method", "diameter"),
            ("size", &size_mm),
            ("size_unit", "MM"),
        ],
        dd,
    )
}

/// A simple fill layer.
fn fill(colour: &str, outline: &str, outline_mm: f64, outline_style: &str) -> String {
    let w = outline_mm.to_string();
    symbol_layer(
        "SimpleFill",
        &[
            ("color", colour),
            ("joinstyle", "bevel"),
            ("outline_color", outline),
            ("outline_style", outline_style),
            ("outline_width", &w),
            ("outline_width_unit", "MM"),
            ("style", "solid"),
        ],
        &[],
    )
}

/// How a layer is labelled.
struct Label<'a> {
    /// A QGIS expression giving the text.
    expression: &'a str,
    size_pt: f64,
    colour: &'a str,
    bold: bool,
    italic: bool,
    /// QGIS placement: 0 around the point, 1 over it (centred).
    placement: u8,
    /// Shown only at scales larger than 1:`max_scale` (zoomed in), if set.
    max_scale: Option<u32>,
}

/// A `<labeling>` block: text with a white buffer (halo).
fn labeling(l: &Label) -> String {
    let (vis, scale_max) = match l.max_scale {
        Some(s) => (1, s),
        None => (0, 0),
    };
    format!(
        "  <labeling type=\"simple\">\n    <settings calloutType=\"simple\">\n      \
         <text-style fieldName=\"{expr}\" isExpression=\"1\" fontSize=\"{size}\" fontSizeUnit=\"Point\" \
         fontWeight=\"{weight}\" fontItalic=\"{italic}\" textColor=\"{colour}\" textOpacity=\"1\" namedStyle=\"\" \
         multilineHeight=\"1\" capitalization=\"0\" allowHtml=\"0\">\n        \
         <text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" bufferSizeUnits=\"MM\" bufferColor=\"255,255,255,255\" \
         bufferOpacity=\"0.85\" bufferNoFill=\"1\" bufferJoinStyle=\"128\" bufferBlendMode=\"0\"/>\n      </text-style>\n      \
         <text-format wrapChar=\"\" multilineAlign=\"3\" formatNumbers=\"0\" decimals=\"0\" plussign=\"0\"/>\n      \
         <placement placement=\"{placement}\" dist=\"1\" distUnits=\"MM\" offsetType=\"0\" quadOffset=\"4\" \
         priority=\"5\" xOffset=\"0\" yOffset=\"0\" offsetUnits=\"MM\" centroidInside=\"1\" centroidWhole=\"0\" \
         fitInPolygonOnly=\"0\" placementFlags=\"10\" polygonPlacementFlags=\"2\"/>\n      \
         <rendering drawLabels=\"1\" scaleVisibility=\"{vis}\" scaleMin=\"1\" scaleMax=\"{scale_max}\" \
         obstacle=\"1\" obstacleFactor=\"1\" obstacleType=\"1\" displayAll=\"0\" upsidedownLabels=\"0\" \
         labelPerPart=\"0\" mergeLines=\"0\" minFeatureSize=\"0\" limitNumLabels=\"0\" maxNumLabels=\"2000\" \
         zIndex=\"0\" fontLimitPixelSize=\"0\" fontMinPixelSize=\"3\" fontMaxPixelSize=\"10000\" unplacedVisibility=\"0\"/>\n      \
         <dd_properties><Option type=\"Map\"><Option name=\"name\" type=\"QString\" value=\"\"/><Option name=\"properties\"/>\
         <Option name=\"type\" type=\"QString\" value=\"collection\"/></Option></dd_properties>\n    \
         </settings>\n  </labeling>\n",
        expr = xml_attr(l.expression),
        size = l.size_pt,
        weight = if l.bold { 75 } else { 50 },
        italic = u8::from(l.italic),
        colour = l.colour,
        placement = l.placement,
    )
}

/// `r,g,b,a` as QGIS writes colours.
fn rgba(c: [u8; 3], alpha: u8) -> String {
    format!("{},{},{},{alpha}", c[0], c[1], c[2])
}

/// Marker size in mm from fatalities: 2.4 mm with none, growing with the
/// square root (so area tracks the count), capped at 14 mm.
pub const INCIDENT_SIZE_EXPR: &str = "min(2.4 + 1.6 * sqrt(coalesce(\"fatalities\", 0)), 14)";
/// Marker size in mm from the number of incidents in a cluster.
pub const CLUSTER_SIZE_EXPR: &str = "min(3 + 1.2 * sqrt(coalesce(\"count\", 1)), 24)";
/// The incidents' start time for the Temporal Controller. An expression
/// rather than the `event_date` field: QGIS hands a field filter to the
/// GeoPackage as SQL, where SQLite compares the text '2020-06-19' with
/// '2020-06-19T00:00:00' and a one-day step also shows the next day's
/// events (QGIS issue 41074); an expression is evaluated by QGIS on dates,
/// the same in every format.
pub const TEMPORAL_START_EXPR: &str = "to_datetime(\"event_date\")";
/// The incidents' end time: an `event_date` is a whole day. Without an end,
/// QGIS treats an incident as lasting for ever (a step shows every earlier
/// day too); an end equal to the start falls outside every step that
/// begins at its midnight.
pub const TEMPORAL_END_EXPR: &str = "to_datetime(\"event_date\") + to_interval('1 day')";
/// Incident labels: the gazetteer place the point stands for, else the
/// place as written.
const INCIDENT_LABEL_EXPR: &str = "if(coalesce(\"place_name\", '') = '', \"location\", \"place_name\")";

/// The symbol of one event type: a white halo ring under a circle in the
/// type's colour, which turns into a hollow ring in that colour for
/// admin-area centroids (`geo_precision` 3).
fn incident_symbol(name: &str, colour: [u8; 3]) -> String {
    let fill = rgba(colour, 235);
    let ring = rgba(colour, 255);
    let fill_expr = format!("if(\"geo_precision\" = 3, '0,0,0,0', '{fill}')");
    let stroke_expr = format!("if(\"geo_precision\" = 3, '{ring}', '50,50,50,255')");
    let width_expr = "if(\"geo_precision\" = 3, 0.7, 0.25)";
    let halo = circle("0,0,0,0", "255,255,255,220", 1.0, 3.0, &[("size", INCIDENT_SIZE_EXPR)]);
    let body = circle(
        &fill,
        "50,50,50,255",
        0.25,
        3.0,
        &[
            ("fillColor", &fill_expr),
            ("outlineColor", &stroke_expr),
            ("outlineWidth", width_expr),
            ("size", INCIDENT_SIZE_EXPR),
        ],
    );
    symbol("marker", name, &[halo, body])
}

/// The incidents style.
pub fn incidents_qml() -> String {
    let mut s = header("Symbology|Labeling|Temporal", true);
    // Incidents closer than 1.2 mm on screen (the same town, the same
    // province centroid) are spread round a ring so that each shows.
    s.push_str(
        "  <renderer-v2 type=\"pointDisplacement\" forceraster=\"0\" symbollevels=\"0\" enableorderby=\"1\" \
         tolerance=\"1.2\" toleranceUnit=\"MM\" toleranceUnitScale=\"3x:0,0,0,0,0,0\" placement=\"0\" \
         circleWidth=\"0.3\" circleColor=\"90,90,90,255\" circleRadiusAddition=\"0.5\" labelAttributeName=\"\" \
         labelColor=\"0,0,0,255\" maxLabelScaleDenominator=\"-1\" labelDistanceFactor=\"0.5\">\n    \
         <labelFontProperties description=\"Sans Serif,8,-1,5,50,0,0,0,0,0\" style=\"\"/>\n",
    );
    s.push_str(
        "    <renderer-v2 type=\"categorizedSymbol\" attr=\"event_type\" forceraster=\"0\" symbollevels=\"0\" enableorderby=\"0\">\n      <categories>\n",
    );
    for (i, (t, _)) in EVENT_TYPE_COLOURS.iter().enumerate() {
        let t = xml_attr(t);
        let _ = writeln!(s, "        <category render=\"true\" symbol=\"{i}\" value=\"{t}\" label=\"{t}\"/>");
    }
    // An empty value is QGIS's "all other values" category.
    let _ = writeln!(
        s,
        "        <category render=\"true\" symbol=\"{}\" value=\"\" label=\"other or not coded\"/>",
        EVENT_TYPE_COLOURS.len()
    );
    s.push_str("      </categories>\n      <symbols>\n");
    for (i, (_, c)) in EVENT_TYPE_COLOURS.iter().enumerate() {
        s.push_str(&incident_symbol(&i.to_string(), *c));
    }
    s.push_str(&incident_symbol(&EVENT_TYPE_COLOURS.len().to_string(), FALLBACK_COLOUR));
    s.push_str("      </symbols>\n    </renderer-v2>\n");
    s.push_str(&symbol("marker", "centerSymbol", &[circle("90,90,90,255", "255,255,255,255", 0.2, 1.2, &[])]));
    // Largest first, so that small markers are drawn on top of big ones.
    s.push_str(
        "    <orderby><orderByClause asc=\"0\" nullsFirst=\"0\">\"fatalities\"</orderByClause></orderby>\n  </renderer-v2>\n",
    );
    s.push_str(&labeling(&Label {
        expression: INCIDENT_LABEL_EXPR,
        size_pt: 8.0,
        colour: "40,40,40,255",
        bold: false,
        italic: false,
        placement: 0,
        max_scale: Some(1_000_000),
    }));
    let _ = write!(
        s,
        "  <temporal enabled=\"1\" mode=\"4\" accumulate=\"0\" limitMode=\"0\" startField=\"event_date\" endField=\"\" \
         durationField=\"\" durationUnit=\"d\" fixedDuration=\"0\" startExpression=\"{}\" endExpression=\"{}\">\n    \
         <fixedRange><start></start><end></end></fixedRange>\n  </temporal>\n",
        xml_attr(TEMPORAL_START_EXPR),
        xml_attr(TEMPORAL_END_EXPR)
    );
    footer(&mut s, 0);
    s
}

/// The clusters (centroid points) style.
pub fn clusters_qml() -> String {
    let mut s = header("Symbology|Labeling", true);
    s.push_str("  <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n    <symbols>\n");
    let halo = circle("0,0,0,0", "255,255,255,220", 1.2, 4.0, &[("size", CLUSTER_SIZE_EXPR)]);
    let ring = circle("30,30,30,50", "30,30,30,255", 0.6, 4.0, &[("size", CLUSTER_SIZE_EXPR)]);
    s.push_str(&symbol("marker", "0", &[halo, ring]));
    s.push_str("    </symbols>\n  </renderer-v2>\n");
    s.push_str(&labeling(&Label {
        expression: "\"count\"",
        size_pt: 8.0,
        colour: "20,20,20,255",
        bold: true,
        italic: false,
        placement: 1,
        max_scale: None,
    }));
    footer(&mut s, 0);
    s
}

/// The cluster areas (hull polygons) style.
pub fn cluster_areas_qml() -> String {
    let mut s = header("Symbology", false);
    s.push_str("  <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n    <symbols>\n");
    s.push_str(&symbol("fill", "0", &[fill("30,30,30,25", "30,30,30,220", 0.5, "dash")]));
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

/// The whole-number classes of `breaks` (each class holds the counts above
/// one break up to and including the next), as inclusive `(first, last)`
/// pairs; the first class starts at 1 when the first break is 0.
pub fn integer_classes(breaks: &[u64]) -> Vec<(u64, u64)> {
    breaks.windows(2).map(|w| (w[0] + 1, w[1])).collect()
}

/// A class's legend text: "4" for one value, "2-3" for several.
fn class_label((first, last): (u64, u64)) -> String {
    if first == last { first.to_string() } else { format!("{first}\u{2013}{last}") }
}

/// The admin-1 style, graduated by `incident_count` with classes from
/// `counts` (the counts of the areas written). Each range runs from half
/// below its first count to half above its last, so that no whole number
/// sits on a boundary: the legend label is exactly the counts it holds.
pub fn admin1_qml(counts: &[u64]) -> String {
    // Light to mid grey, translucent: the base map shows through and the
    // incident colours stay readable on every class.
    const RAMP: [[u8; 3]; 5] = [[235, 235, 235], [205, 205, 205], [170, 170, 170], [135, 135, 135], [100, 100, 100]];
    let classes = integer_classes(&quantile_breaks(counts));
    let mut s = header("Symbology|Labeling", true);
    s.push_str(
        "  <renderer-v2 type=\"graduatedSymbol\" attr=\"incident_count\" graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n    <ranges>\n",
    );
    let n = classes.len();
    for (i, &c) in classes.iter().enumerate() {
        let _ = writeln!(
            s,
            "      <range render=\"true\" symbol=\"{i}\" lower=\"{lo}\" upper=\"{hi}\" label=\"{}\"/>",
            class_label(c),
            lo = c.0 as f64 - 0.5,
            hi = c.1 as f64 + 0.5,
        );
    }
    s.push_str("    </ranges>\n    <symbols>\n");
    for i in 0..n {
        let c = RAMP[if n <= 1 { 2 } else { i * (RAMP.len() - 1) / (n - 1) }];
        s.push_str(&symbol("fill", &i.to_string(), &[fill(&rgba(c, 120), "255,255,255,230", 0.4, "solid")]));
    }
    s.push_str("    </symbols>\n    <mode name=\"quantile\"/>\n  </renderer-v2>\n");
    s.push_str(&labeling(&Label {
        expression: "\"name\"",
        size_pt: 8.0,
        colour: "90,90,90,255",
        bold: false,
        italic: true,
        placement: 1,
        max_scale: None,
    }));
    footer(&mut s, 2);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tags open and close in order (a cheap well-formedness check; the
    /// integration tests parse the files with a real XML parser and load
    /// them into QGIS).
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
        assert!(inc.contains("type=\"pointDisplacement\"") && inc.contains("attr=\"event_type\""));
        assert!(inc.contains("&quot;fatalities&quot;") && inc.contains("&quot;geo_precision&quot; = 3"));
        for (t, c) in EVENT_TYPE_COLOURS {
            assert!(inc.contains(&format!("value=\"{t}\"")), "{t}");
            assert!(inc.contains(&rgba(c, 235)), "{t}");
        }
        assert!(inc.contains("startExpression=\"to_datetime(&quot;event_date&quot;)\""));
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

    /// Issue 20: "1 - 2" read as a range although the class held only 2.
    #[test]
    fn admin1_classes_name_exactly_the_counts_they_hold() {
        let counts = [1, 1, 2, 3, 3, 4, 7, 12];
        let classes = integer_classes(&quantile_breaks(&counts));
        // Every count falls in exactly one class, and every class's label
        // names the whole numbers its range holds.
        for n in 0..=12u64 {
            let hits = classes.iter().filter(|(a, b)| (*a..=*b).contains(&n)).count();
            assert_eq!(hits, usize::from(n > 0), "{n} in {classes:?}");
        }
        let a = admin1_qml(&counts);
        assert!(!a.contains(" - "), "{a}");
        for c in &classes {
            let range =
                format!("lower=\"{}\" upper=\"{}\" label=\"{}\"", c.0 as f64 - 0.5, c.1 as f64 + 0.5, class_label(*c));
            assert!(a.contains(&range), "{range}\n{a}");
        }
        assert_eq!(class_label((2, 2)), "2");
        assert_eq!(class_label((2, 3)), "2\u{2013}3");
        assert_eq!(integer_classes(&[0, 1, 3, 12]), [(1, 1), (2, 3), (4, 12)]);
    }
}
