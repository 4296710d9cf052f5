//! `map.png` / `map.svg`: the base map fitted to the incidents, incidents
//! by event type and fatalities, cluster rings with counts, a few place
//! labels, the title, a legend panel, a scale bar and a graticule.

use std::collections::HashMap;

use super::basemap::basemap;
use super::font::{cap_height, text_width};
use super::palette::{GREY, INK, LAND, PAPER, WATER, province_shade, type_colour, type_index, type_name};
use super::projection::{Frame, View, lon_extent};
use super::scene::{Anchor, Paint, Rgba, Scene, Shape, Symbol, nice_floor};
use super::{PictureInput, date_range, thousands};

/// Picture width, pixels.
pub const WIDTH: u32 = 1500;
/// Picture height, pixels.
pub const HEIGHT: u32 = 1000;
/// Height of the title band.
const TITLE_H: f64 = 72.0;
/// Width of the legend panel on the right.
const PANEL_W: f64 = 330.0;
/// Pixels kept free between the incidents and the map's edge.
const PAD: f64 = 48.0;
/// The smallest extent shown, degrees (about 110 km): one incident is
/// shown with its surroundings.
const MIN_SPAN_DEG: f64 = 1.0;
/// Most place labels drawn.
const MAX_LABELS: usize = 8;
/// Most cluster counts written.
const MAX_CLUSTER_LABELS: usize = 40;

/// Where the map itself goes (the rest is title and legend).
pub const FRAME: Frame = Frame { x: 0.0, y: TITLE_H, w: WIDTH as f64 - PANEL_W, h: HEIGHT as f64 - TITLE_H };

/// The radius of an incident with `fatalities`: area grows with the count
/// (radius with its square root), capped.
pub fn incident_radius(fatalities: u32) -> f32 {
    (3.5 + 1.6 * f64::from(fatalities).sqrt()).min(18.0) as f32
}

/// How an incident is drawn: filled in its type's colour with a white rim,
/// or, placed at an admin-area centroid (`geo_precision` 3), a hollow ring.
pub fn incident_paint(type_idx: usize, geo_precision: u8) -> Paint {
    let c = type_colour(type_idx);
    if geo_precision >= 3 { Paint::stroke(c, 2.2) } else { Paint { fill: Some(c), stroke: Some((PAPER, 1.0)) } }
}

/// The map picture and the view it was drawn with (`None` without
/// incidents: the picture then says so).
pub fn map_scene(input: &PictureInput) -> (Scene, Option<View>) {
    let mut scene = Scene::new(WIDTH, HEIGHT, WATER);
    let incidents = input.incidents;
    if incidents.is_empty() {
        scene.background = PAPER;
        title(&mut scene, "No incidents", "Nothing to map: the inputs gave no incidents.");
        scene.text(
            (FRAME.x + FRAME.w / 2.0) as f32,
            (FRAME.y + FRAME.h / 2.0) as f32,
            28.0,
            "No incidents",
            GREY,
            Anchor::Middle,
        );
        return (scene, None);
    }

    // Fit the view to the incidents.
    let mut lons: Vec<f64> = incidents.iter().map(|i| i.position.lon).collect();
    let (west, east) = lon_extent(&mut lons).expect("incidents");
    drop(lons);
    let (mut south, mut north) = (f64::INFINITY, f64::NEG_INFINITY);
    for i in incidents {
        south = south.min(i.position.lat);
        north = north.max(i.position.lat);
    }
    let view = View::fit(west, east, south, north, FRAME, PAD, MIN_SPAN_DEG);
    scene.meta.push(("projection", format!("equirectangular, true scale at latitude {:.4}", view.lat0)));
    scene.meta.push(("centre", format!("{:.6},{:.6}", view.lon0, view.lat0)));
    scene.meta.push(("pixels-per-degree", format!("{:.6}", view.k)));

    scene.shapes.extend(basemap(input.areas, input.area_counts, &view, FRAME));
    graticule(&mut scene, &view);

    // Incidents: big symbols first so small ones stay visible; symbols
    // drawn exactly on top of an identical one are counted, not repeated.
    let mut order: Vec<usize> = (0..incidents.len()).collect();
    order.sort_by(|&a, &b| incidents[b].fatalities.cmp(&incidents[a].fatalities).then(a.cmp(&b)));
    let mut symbols: Vec<Symbol> = Vec::with_capacity(incidents.len().min(1 << 20));
    let mut seen: HashMap<(i32, i32, u32, usize, bool), usize> = HashMap::new();
    let mut present = [0usize; 7];
    let mut hollow_present = false;
    for &i in &order {
        let inc = &incidents[i];
        let t = type_index(&inc.event_type);
        present[t] += 1;
        let hollow = inc.geo_precision >= 3;
        hollow_present |= hollow;
        let (x, y) = view.project(inc.position);
        let (xf, yf) = (x.floor() as f32 + 0.5, y.floor() as f32 + 0.5);
        let key = (xf as i32, yf as i32, inc.fatalities.min(1000), t, hollow);
        match seen.get(&key) {
            Some(&j) => symbols[j].count += 1,
            None => {
                seen.insert(key, symbols.len());
                let r = incident_radius(inc.fatalities);
                symbols.push(Symbol { x: xf, y: yf, r, paint: incident_paint(t, inc.geo_precision), count: 1 });
            }
        }
    }
    drop(seen);

    // Clusters: a ring around the members, the count beside it.
    let by_id: HashMap<u64, usize> = incidents.iter().enumerate().map(|(i, inc)| (inc.id, i)).collect();
    let mut rings = Vec::with_capacity(input.clusters.len());
    for c in input.clusters {
        let (cx, cy) = view.project(c.centroid);
        let reach = c
            .member_ids
            .iter()
            .filter_map(|id| by_id.get(id))
            .map(|&i| {
                let (x, y) = view.project(incidents[i].position);
                (x - cx).hypot(y - cy) + f64::from(incident_radius(incidents[i].fatalities))
            })
            .fold(0.0, f64::max);
        let r = (reach + 6.0).clamp(14.0, 160.0) as f32;
        rings.push((c, cx as f32, cy as f32, r));
    }
    let ring_paint = Paint::stroke(Rgba(0x33, 0x33, 0x33, 200), 1.5);
    scene.push(Shape::Symbols {
        id: "clusters",
        symbols: rings
            .iter()
            .map(|&(c, x, y, r)| Symbol { x, y, r, paint: ring_paint, count: c.count as u32 })
            .collect(),
    });
    let n_symbols = symbols.len();
    scene.push(Shape::Symbols { id: "incidents", symbols });
    scene.meta.push(("incident-symbols", n_symbols.to_string()));

    // Labels: cluster counts, then the places with most incidents; none
    // overlaps another, the frame's edge or the scale bar.
    let mut taken: Vec<[f32; 4]> = Vec::new();
    let mut by_size: Vec<&(&crate::spatial::cluster::Cluster, f32, f32, f32)> = rings.iter().collect();
    by_size.sort_by(|a, b| b.0.count.cmp(&a.0.count).then(a.0.id.cmp(&b.0.id)));
    for &&(c, x, y, r) in by_size.iter().take(MAX_CLUSTER_LABELS) {
        let text = thousands(c.count as u64);
        let d = r * std::f32::consts::FRAC_1_SQRT_2;
        place_label(&mut scene, &mut taken, &text, 12.0, &[(x + d + 2.0, y - d - 2.0, Anchor::Start)], INK);
    }
    for (name, x, y, r) in top_places(input, &view) {
        let s = 13.0;
        let cap = cap_height(s);
        let spots = [
            (x + r + 4.0, y + cap / 2.0, Anchor::Start),
            (x - r - 4.0, y + cap / 2.0, Anchor::End),
            (x, y - r - 5.0, Anchor::Middle),
            (x, y + r + 4.0 + cap, Anchor::Middle),
        ];
        place_label(&mut scene, &mut taken, &name, s, &spots, INK);
    }

    // Title band and legend panel cover whatever of the map runs under them.
    let (first, last) = date_range(incidents).expect("incidents");
    let fatalities: u64 = incidents.iter().map(|i| u64::from(i.fatalities)).sum();
    let head = format!(
        "Incidents {first} \u{2013} {last}: {} incident{}, {} fatalities",
        thousands(incidents.len() as u64),
        if incidents.len() == 1 { "" } else { "s" },
        thousands(fatalities)
    );
    let sub = format!(
        "{} cluster{} \u{00b7} provinces shaded by incident count \u{00b7} equirectangular, true scale at {}",
        thousands(input.clusters.len() as u64),
        if input.clusters.len() == 1 { "" } else { "s" },
        deg(view.lat0, 'N', 'S', 1)
    );
    title(&mut scene, &head, &sub);
    legend(&mut scene, input, &view, &present, hollow_present);
    scene.rect(
        FRAME.x as f32 + 0.5,
        FRAME.y as f32 + 0.5,
        FRAME.w as f32 - 1.0,
        FRAME.h as f32 - 1.0,
        Paint::stroke(GREY, 1.0),
    );
    (scene, Some(view))
}

/// The title band: a headline and a line under it.
fn title(scene: &mut Scene, head: &str, sub: &str) {
    scene.rect(0.0, 0.0, WIDTH as f32, TITLE_H as f32, Paint::fill(PAPER));
    scene.text(20.0, 34.0, 24.0, head, INK, Anchor::Start);
    scene.text(20.0, 58.0, 13.0, sub, GREY, Anchor::Start);
}

/// `value` degrees as `33.5°N`.
fn deg(value: f64, pos: char, neg: char, decimals: usize) -> String {
    let h = if value < 0.0 { neg } else { pos };
    format!("{:.*}\u{00b0}{h}", decimals, value.abs())
}

fn graticule(scene: &mut Scene, view: &View) {
    let (west, east, south, north) = view.bounds(FRAME);
    let span = (north - south).max((east - west) * view.cos0);
    let step =
        [0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0].into_iter().find(|s| span / s <= 8.0).unwrap_or(45.0);
    let decimals = if step < 1.0 { if step == 0.25 { 2 } else { 1 } } else { 0 };
    let colour = Rgba(0x70, 0x80, 0x90, 90);
    let label = Rgba(0x55, 0x60, 0x6a, 255);
    let (x0, x1) = (FRAME.x as f32, (FRAME.x + FRAME.w) as f32);
    let (y0, y1) = (FRAME.y as f32, (FRAME.y + FRAME.h) as f32);
    let mut lines = Vec::new();
    let mut labels = Vec::new();
    let mut lat = (south / step).ceil() * step;
    while lat <= north && lat <= 90.0 {
        if lat >= -90.0 {
            let (_, y) = view.project_unwrapped(view.lon0, lat);
            lines.push(vec![[x0, y as f32], [x1, y as f32]]);
            labels.push((x0 + 5.0, y as f32 - 4.0, deg(lat, 'N', 'S', decimals), Anchor::Start));
        }
        lat += step;
    }
    let mut lon = (west / step).ceil() * step;
    while lon <= east {
        let (x, _) = view.project_unwrapped(lon, view.lat0);
        lines.push(vec![[x as f32, y0], [x as f32, y1]]);
        labels.push((
            x as f32 + 4.0,
            y0 + 16.0,
            deg(super::projection::wrap(lon + 1e-9), 'E', 'W', decimals),
            Anchor::Start,
        ));
        lon += step;
    }
    scene.push(Shape::Path { rings: lines, closed: false, paint: Paint::stroke(colour, 0.7) });
    for (x, y, text, anchor) in labels {
        scene.push(Shape::Text { x, y, size: 11.0, text, colour: label, halo: Some(WATER), anchor });
    }
}

/// A scale bar with its left end at `x` and its bar's top at `y`: a round
/// length of at most `max_len` pixels, true at the view's centre latitude.
fn scale_bar(scene: &mut Scene, view: &View, x: f32, y: f32, max_len: f32) {
    let km_per_px = view.km_per_px();
    let km = nice_floor(f64::from(max_len) * km_per_px);
    let len = (km / km_per_px) as f32;
    let label = if km >= 1.0 { format!("{} km", thousands(km as u64)) } else { format!("{} m", (km * 1000.0).round()) };
    scene.rect(x, y, len / 2.0, 6.0, Paint { fill: Some(INK), stroke: Some((INK, 1.0)) });
    scene.rect(x + len / 2.0, y, len / 2.0, 6.0, Paint { fill: Some(PAPER), stroke: Some((INK, 1.0)) });
    scene.text(x, y + 22.0, 12.0, "0", INK, Anchor::Middle);
    scene.text(x + len, y + 22.0, 12.0, label, INK, Anchor::Middle);
}

fn overlaps(a: &[f32; 4], b: &[f32; 4]) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

/// Writes `text` at the first of `spots` where it overlaps nothing taken
/// and stays inside the map; returns whether it did.
fn place_label(
    scene: &mut Scene,
    taken: &mut Vec<[f32; 4]>,
    text: &str,
    size: f32,
    spots: &[(f32, f32, Anchor)],
    colour: Rgba,
) -> bool {
    let w = text_width(text, size);
    let cap = cap_height(size);
    for &(x, y, anchor) in spots {
        let left = match anchor {
            Anchor::Start => x,
            Anchor::Middle => x - w / 2.0,
            Anchor::End => x - w,
        };
        let b = [left - 2.0, y - cap - 3.0, left + w + 2.0, y + size * 0.25 + 2.0];
        let inside = b[0] > FRAME.x as f32 + 2.0
            && b[2] < (FRAME.x + FRAME.w) as f32 - 2.0
            && b[1] > FRAME.y as f32 + 20.0
            && b[3] < (FRAME.y + FRAME.h) as f32 - 2.0;
        if inside && !taken.iter().any(|t| overlaps(t, &b)) {
            taken.push(b);
            scene.push(Shape::Text { x, y, size, text: text.to_string(), colour, halo: Some(PAPER), anchor });
            return true;
        }
    }
    false
}

/// The places with most incidents, most first: name, pixel and the
/// largest symbol radius there.
fn top_places(input: &PictureInput, view: &View) -> Vec<(String, f32, f32, f32)> {
    let mut places: HashMap<(&str, i32, i32), (usize, f32)> = HashMap::new();
    for inc in input.incidents {
        let name = if inc.location.trim().is_empty() { inc.place_name.trim() } else { inc.location.trim() };
        if name.is_empty() {
            continue;
        }
        let (x, y) = view.project(inc.position);
        let e = places.entry((name, x.floor() as i32, y.floor() as i32)).or_insert((0, 0.0));
        e.0 += 1;
        e.1 = e.1.max(incident_radius(inc.fatalities));
    }
    let mut v: Vec<_> = places.into_iter().collect();
    v.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
    v.into_iter()
        .take(MAX_LABELS)
        .map(|((name, x, y), (_, r))| (name.to_string(), x as f32 + 0.5, y as f32 + 0.5, r))
        .collect()
}

/// The legend panel on the right.
fn legend(scene: &mut Scene, input: &PictureInput, view: &View, present: &[usize; 7], hollow: bool) {
    let x0 = FRAME.w as f32;
    scene.rect(x0, TITLE_H as f32, PANEL_W as f32, HEIGHT as f32 - TITLE_H as f32, Paint::fill(PAPER));
    let (x, mut y) = (x0 + 20.0, TITLE_H as f32 + 34.0);
    let head = |scene: &mut Scene, y: &mut f32, t: &str| {
        scene.text(x, *y, 15.0, t, INK, Anchor::Start);
        *y += 24.0;
    };
    head(scene, &mut y, "Event type");
    for (t, &n) in present.iter().enumerate().filter(|(_, n)| **n > 0) {
        let s = Symbol { x: x + 8.0, y: y - 5.0, r: 6.5, paint: incident_paint(t, 1), count: 1 };
        scene.push(Shape::Symbols { id: "legend", symbols: vec![s] });
        scene.text(x + 24.0, y, 13.0, type_name(t), INK, Anchor::Start);
        scene.text(x0 + PANEL_W as f32 - 20.0, y, 13.0, thousands(n as u64), GREY, Anchor::End);
        y += 22.0;
    }

    y += 14.0;
    head(scene, &mut y, "Fatalities");
    let max_f = input.incidents.iter().map(|i| i.fatalities).max().unwrap_or(0);
    let mut sizes = vec![0u32];
    sizes.extend([1u32, 10, 50, 100].into_iter().filter(|&v| v <= max_f));
    if max_f > *sizes.last().expect("0 is in") {
        sizes.push(max_f);
    }
    if sizes.len() > 4 {
        sizes.drain(1..sizes.len() - 3);
    }
    let cy = y + 14.0;
    let mut cx = x + 10.0;
    for f in sizes {
        let r = incident_radius(f);
        cx += r;
        let paint = Paint { fill: Some(Rgba(0xAA, 0xAA, 0xAA, 255)), stroke: Some((GREY, 1.0)) };
        scene.push(Shape::Symbols { id: "legend", symbols: vec![Symbol { x: cx, y: cy, r, paint, count: 1 }] });
        scene.text(cx, cy + 18.0 + 13.0, 12.0, f.to_string(), INK, Anchor::Middle);
        cx += r + 26.0;
    }
    y = cy + 48.0;

    y += 10.0;
    head(scene, &mut y, "Symbols");
    let row = |scene: &mut Scene, y: &mut f32, sym: Symbol, text: &str| {
        scene.push(Shape::Symbols { id: "legend", symbols: vec![Symbol { x: x + 10.0, y: *y - 5.0, ..sym }] });
        scene.text(x + 30.0, *y, 13.0, text, INK, Anchor::Start);
        *y += 24.0;
    };
    let base = Symbol { x: 0.0, y: 0.0, r: 6.5, paint: incident_paint(6, 1), count: 1 };
    row(scene, &mut y, base, "placed at the town or site");
    if hollow {
        row(scene, &mut y, Symbol { paint: incident_paint(6, 3), ..base }, "placed at an admin-area centre");
    }
    if !input.clusters.is_empty() {
        let ring = Symbol { r: 9.0, paint: Paint::stroke(Rgba(0x33, 0x33, 0x33, 200), 1.5), ..base };
        row(scene, &mut y, ring, "cluster, with its incident count");
    }

    y += 10.0;
    head(scene, &mut y, "Incidents per province");
    let max = input.area_counts.iter().copied().max().unwrap_or(0);
    let steps: Vec<u64> = if max == 0 { vec![0] } else { (0..5).map(|i| 1 + (max - 1) * i / 4).collect() };
    let mut bx = x;
    scene.rect(bx, y - 12.0, 26.0, 16.0, Paint { fill: Some(LAND), stroke: Some((GREY, 0.6)) });
    scene.text(bx + 13.0, y + 20.0, 11.0, "0", INK, Anchor::Middle);
    bx += 30.0;
    let mut last = None;
    for v in steps.into_iter().filter(|&v| v > 0) {
        if last == Some(v) {
            continue;
        }
        last = Some(v);
        scene.rect(bx, y - 12.0, 26.0, 16.0, Paint { fill: Some(province_shade(v, max)), stroke: Some((GREY, 0.6)) });
        scene.text(bx + 13.0, y + 20.0, 11.0, thousands(v), INK, Anchor::Middle);
        bx += 30.0;
    }

    y += 52.0;
    head(scene, &mut y, &format!("Scale (true at {})", deg(view.lat0, 'N', 'S', 1)));
    scale_bar(scene, view, x + 6.0, y - 8.0, PANEL_W as f32 - 80.0);

    // Attribution at the bottom of the panel.
    let lines =
        ["Base map: Natural Earth admin-1", "(public domain). Places: GeoNames", "(CC BY 4.0). Drawn by incidentmap."];
    let mut ay = HEIGHT as f32 - 18.0 - 16.0 * (lines.len() as f32 - 1.0);
    for l in lines {
        scene.text(x, ay, 11.0, l, GREY, Anchor::Start);
        ay += 16.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::incident::Incident;
    use crate::geodesy::LonLat;

    fn inc(id: u64, lon: f64, lat: f64, t: &str, fatalities: u32) -> Incident {
        let mut i = Incident::new(chrono::NaiveDate::from_ymd_opt(2020, 5, 1).unwrap(), LonLat { lon, lat });
        i.id = id;
        i.event_type = t.into();
        i.fatalities = fatalities;
        i.geo_precision = 1;
        i.location = format!("P{id}");
        i
    }

    #[test]
    fn incidents_land_where_the_view_projects_them_and_duplicates_share_a_symbol() {
        let incs =
            [inc(1, 44.0, 33.0, "Battles", 0), inc(2, 45.0, 34.0, "Protests", 4), inc(3, 45.0, 34.0, "Protests", 4)];
        let input = PictureInput { incidents: &incs, clusters: &[], areas: &[], area_counts: &[] };
        let (scene, view) = map_scene(&input);
        let view = view.unwrap();
        let Some(Shape::Symbols { symbols, .. }) =
            scene.shapes.iter().find(|s| matches!(s, Shape::Symbols { id: "incidents", .. }))
        else {
            panic!("no incident layer")
        };
        assert_eq!(symbols.len(), 2);
        // The bigger symbol first; it stands for two incidents.
        assert_eq!(symbols[0].count, 2);
        assert_eq!(symbols[0].paint.fill, Some(type_colour(3)));
        let (x, y) = view.project(LonLat { lon: 44.0, lat: 33.0 });
        assert_eq!((symbols[1].x, symbols[1].y), (x.floor() as f32 + 0.5, y.floor() as f32 + 0.5));
        // Both points inside the map frame, away from its edge.
        for s in symbols.iter() {
            assert!(f64::from(s.x) > FRAME.x + PAD - 1.0 && f64::from(s.x) < FRAME.x + FRAME.w - PAD + 1.0);
            assert!(f64::from(s.y) > FRAME.y + PAD - 1.0 && f64::from(s.y) < FRAME.y + FRAME.h - PAD + 1.0);
        }
    }

    #[test]
    fn no_incidents_says_so() {
        let input = PictureInput { incidents: &[], clusters: &[], areas: &[], area_counts: &[] };
        let (scene, view) = map_scene(&input);
        assert!(view.is_none());
        assert!(scene.shapes.iter().any(|s| matches!(s, Shape::Text { text, .. } if text == "No incidents")));
    }

    #[test]
    fn radius_grows_with_fatalities_and_is_capped() {
        assert!(incident_radius(0) < incident_radius(1));
        assert!(incident_radius(10) < incident_radius(50));
        assert_eq!(incident_radius(10_000), 18.0);
    }

    #[test]
    fn degrees_are_written_with_hemisphere() {
        assert_eq!(deg(33.5, 'N', 'S', 1), "33.5\u{b0}N");
        assert_eq!(deg(-44.0, 'E', 'W', 0), "44\u{b0}W");
    }
}
