//! The quick-look pictures of `map` (map.png, map.svg, map.pgw,
//! timeline.png) through the real binary: incidents drawn at the pixel
//! their coordinates project to, title and legend present, byte-identical
//! reruns, `--no-pictures`, an empty run.

use std::path::Path;

use tiny_skia::Pixmap;

use crate::util::{Dir, examples, incidentmap, read_json, s};

/// Okabe-Ito colours of the event types (the pictures' palette).
const BATTLES: [u8; 3] = [0xD5, 0x5E, 0x00];
const CIVILIANS: [u8; 3] = [0xCC, 0x79, 0xA7];
const PROTESTS: [u8; 3] = [0x56, 0xB4, 0xE9];
const RIOTS: [u8; 3] = [0x00, 0x72, 0xB2];

/// Four incidents at known places: (lon, lat, type, colour, precision).
const KNOWN: [(f64, f64, &str, [u8; 3], u8); 4] = [
    (44.0, 33.0, "Battles", BATTLES, 1),
    (46.0, 35.0, "Protests", PROTESTS, 1),
    (45.0, 34.5, "Riots", RIOTS, 1),
    (44.5, 34.0, "Violence against civilians", CIVILIANS, 3),
];

fn known_csv(dir: &Dir) -> std::path::PathBuf {
    let mut csv = String::from("event_date,event_type,fatalities,latitude,longitude,geo_precision\n");
    for (i, (lon, lat, t, _, p)) in KNOWN.iter().enumerate() {
        csv.push_str(&format!("2020-05-{:02},{t},{},{lat},{lon},{p}\n", 1 + 6 * i, i));
    }
    dir.create("known.csv", csv)
}

fn png(p: &Path) -> Pixmap {
    let bytes = std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    Pixmap::decode_png(&bytes).unwrap_or_else(|e| panic!("{}: not a PNG: {e}", p.display()))
}

fn rgb(pm: &Pixmap, x: u32, y: u32) -> [u8; 3] {
    let c = pm.pixel(x, y).unwrap_or_else(|| panic!("pixel {x},{y} outside")).demultiply();
    [c.red(), c.green(), c.blue()]
}

/// The world file's six numbers.
fn world_file(p: &Path) -> [f64; 6] {
    let text = std::fs::read_to_string(p).unwrap();
    let v: Vec<f64> = text.lines().map(|l| l.trim().parse().unwrap()).collect();
    v.try_into().expect("six lines")
}

/// The pixel holding `lon, lat` by the world file (whose C, F are the
/// centre of the top-left pixel).
fn pixel_of(wf: &[f64; 6], lon: f64, lat: f64) -> (u32, u32) {
    let x = (lon - wf[4]) / wf[0] + 0.5;
    let y = (lat - wf[5]) / wf[3] + 0.5;
    (x.floor() as u32, y.floor() as u32)
}

#[test]
fn incidents_are_drawn_at_the_pixel_their_coordinates_project_to() {
    let dir = Dir::new();
    let input = known_csv(&dir);
    let out = dir.join("out");
    incidentmap(["map", s(&input), "-o", s(&out)]).run().assert_exit(0);
    let map = png(&out.join("map.png"));
    assert_eq!((map.width(), map.height()), (1500, 1000));
    let wf = world_file(&out.join("map.pgw"));
    // Equirectangular scaled at the centre latitude (34 N): a pixel spans
    // 1/cos(34 deg) times more longitude than latitude, and north is up.
    assert_eq!((wf[1], wf[2]), (0.0, 0.0));
    assert!(wf[3] < 0.0);
    let aspect = wf[0] / -wf[3];
    assert!((aspect - 1.0 / 34f64.to_radians().cos()).abs() < 1e-6, "{aspect}");

    for (lon, lat, t, colour, precision) in KNOWN {
        let (x, y) = pixel_of(&wf, lon, lat);
        // Inside the map frame (left of the legend, under the title).
        assert!(x > 40 && x < 1130 && y > 110 && y < 960, "{t} at {x},{y}");
        if precision == 3 {
            // Placed at an admin-area centre: a hollow ring in the type's
            // colour, so the centre is not the colour but the ring, 4 to 6
            // pixels out, is.
            assert_ne!(rgb(&map, x, y), colour, "{t}: hollow");
            let ring = (3..=7).any(|d| rgb(&map, x + d, y) == colour || rgb(&map, x - d, y) == colour);
            assert!(ring, "{t}: no ring around {x},{y}");
        } else {
            for (dx, dy) in [(0i32, 0i32), (1, 0), (-1, 0), (0, 1), (0, -1)] {
                let (px, py) = ((x as i32 + dx) as u32, (y as i32 + dy) as u32);
                assert_eq!(rgb(&map, px, py), colour, "{t} at {px},{py} (lon {lon}, lat {lat})");
            }
        }
    }
    // Far from every incident (the empty corner of their box, and the
    // middle between two) no type colour is drawn.
    let types = [BATTLES, CIVILIANS, PROTESTS, RIOTS];
    for (lon, lat) in [(44.0, 35.0), (46.0, 33.0), (45.5, 33.7)] {
        let (x, y) = pixel_of(&wf, lon, lat);
        for dy in -8..=8i32 {
            for dx in -8..=8i32 {
                let c = rgb(&map, (x as i32 + dx) as u32, (y as i32 + dy) as u32);
                assert!(!types.contains(&c), "a type colour at {lon},{lat} +{dx},{dy}");
            }
        }
    }
}

/// Pixels in `[x0, x1) x [y0, y1)` darker than mid grey (text).
fn ink(pm: &Pixmap, x0: u32, y0: u32, x1: u32, y1: u32) -> usize {
    (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|&(x, y)| rgb(pm, x, y).iter().all(|&v| v < 110))
        .count()
}

fn colour_count(pm: &Pixmap, x0: u32, y0: u32, x1: u32, y1: u32, c: [u8; 3]) -> usize {
    (y0..y1).flat_map(|y| (x0..x1).map(move |x| (x, y))).filter(|&(x, y)| rgb(pm, x, y) == c).count()
}

#[test]
fn title_legend_and_timeline_are_present_and_the_svg_has_every_incident() {
    let dir = Dir::new();
    let input = known_csv(&dir);
    let out = dir.join("out");
    incidentmap(["map", s(&input), "-o", s(&out)]).run().assert_exit(0);
    let map = png(&out.join("map.png"));
    // Title band: text across its left part; none on the right end.
    assert!(ink(&map, 0, 0, 900, 72) > 1500, "title ink {}", ink(&map, 0, 0, 900, 72));
    assert_eq!(ink(&map, 1300, 0, 1500, 72), 0);
    // Legend panel: text, and a swatch in every type's colour.
    assert!(ink(&map, 1170, 72, 1500, 1000) > 2000);
    for c in [BATTLES, CIVILIANS, PROTESTS, RIOTS] {
        assert!(colour_count(&map, 1170, 72, 1500, 400, c) > 20, "legend swatch {c:?}");
    }

    // The SVG is XML whose incident group has one circle per incident.
    let svg = std::fs::read_to_string(out.join("map.svg")).unwrap();
    let circles = svg_incident_circles(&svg);
    assert_eq!(circles.len(), 4, "{circles:?}");
    assert_eq!(circles.iter().map(|c| c.1).sum::<u64>(), 4);
    assert!(svg.contains("Incidents 2020-05-01 \u{2013} 2020-05-19: 4 incidents, 6 fatalities"), "title in the SVG");

    // Timeline: per day (19 days), bars in each type's colour in the upper
    // panel, axis labels as text.
    let tl = png(&out.join("timeline.png"));
    assert_eq!((tl.width(), tl.height()), (1500, 760));
    for c in [BATTLES, CIVILIANS, PROTESTS, RIOTS] {
        assert!(colour_count(&tl, 80, 120, 1480, 432, c) > 100, "timeline bar {c:?}");
    }
    assert!(ink(&tl, 0, 0, 1500, 70) > 1000, "timeline title");
    assert!(ink(&tl, 0, 700, 1500, 760) > 300, "date labels");
}

/// `(fill, count)` of each `<circle>` in `<g id="incidents">`.
fn svg_incident_circles(svg: &str) -> Vec<(String, u64)> {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_str(svg);
    let (mut depth_in, mut depth, mut out) = (None, 0usize, Vec::new());
    let attr = |e: &quick_xml::events::BytesStart, k: &[u8]| {
        e.attributes().flatten().find(|a| a.key.as_ref() == k).map(|a| String::from_utf8_lossy(&a.value).into_owned())
    };
    loop {
        match r.read_event().unwrap_or_else(|e| panic!("map.svg is not XML: {e}")) {
            Event::Start(e) => {
                depth += 1;
                if e.name().as_ref() == b"g" && attr(&e, b"id").as_deref() == Some("incidents") {
                    depth_in = Some(depth);
                }
            }
            Event::End(_) => {
                if depth_in == Some(depth) {
                    depth_in = None;
                }
                depth -= 1;
            }
            Event::Empty(e) if depth_in.is_some() && e.name().as_ref() == b"circle" => {
                let n = attr(&e, b"data-count").map_or(1, |v| v.parse().unwrap());
                out.push((attr(&e, b"fill").unwrap_or_default(), n));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "unbalanced SVG");
    out
}

#[test]
fn pictures_are_deterministic_and_no_pictures_writes_none() {
    let dir = Dir::new();
    let (a, b, none) = (dir.join("a"), dir.join("b"), dir.join("none"));
    for o in [&a, &b] {
        incidentmap(["map", s(&examples()), "-o", s(o)]).run().assert_exit(0);
    }
    for name in ["map.png", "map.svg", "map.pgw", "timeline.png"] {
        let (x, y) = (std::fs::read(a.join(name)).unwrap(), std::fs::read(b.join(name)).unwrap());
        assert!(x == y, "{name} differs between two runs");
    }
    // The examples: every incident is in the SVG (identical symbols on one
    // spot share a circle and count).
    let n = read_json(&a.join("incidents.geojson"))["features"].as_array().unwrap().len() as u64;
    let circles = svg_incident_circles(&std::fs::read_to_string(a.join("map.svg")).unwrap());
    assert_eq!(circles.iter().map(|c| c.1).sum::<u64>(), n);
    assert!(circles.len() as u64 <= n);

    incidentmap(["map", "--no-pictures", s(&examples()), "-o", s(&none)]).run().assert_exit(0);
    assert!(none.join("incidents.geojson").exists());
    for name in ["map.png", "map.svg", "map.pgw", "timeline.png"] {
        assert!(!none.join(name).exists(), "{name} written with --no-pictures");
    }
}

#[test]
fn no_incidents_gives_pictures_that_say_so() {
    let dir = Dir::new();
    let empty = dir.create("empty.csv", "event_date,event_type,fatalities,latitude,longitude\n");
    let out = dir.join("out");
    incidentmap(["map", s(&empty), "-o", s(&out)]).run().assert_exit(0);
    let svg = std::fs::read_to_string(out.join("map.svg")).unwrap();
    assert!(svg.contains(">No incidents</text>"));
    assert!(svg_incident_circles(&svg).is_empty());
    assert!(!out.join("map.pgw").exists(), "no view, no world file");
    let map = png(&out.join("map.png"));
    assert!(ink(&map, 0, 0, 600, 72) > 500, "the title says no incidents");
    png(&out.join("timeline.png"));
}
