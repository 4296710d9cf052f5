//! The raster back end: a [`Scene`] drawn with tiny-skia (anti-aliased
//! paths, text as glyph outlines) and encoded as PNG.
//!
//! Circle symbols are the cost of a picture of a million incidents, so
//! each distinct symbol (radius, fill, outline) is drawn once into a small
//! sprite and then copied, blended, to every place it goes: a few hundred
//! pixel blends per incident instead of a path each.

use std::collections::HashMap;

use tiny_skia::{FillRule, LineCap, LineJoin, Pixmap, Stroke, Transform};

use super::font;
use super::scene::{Anchor, Paint, Rgba, Scene, Shape, Symbol};

/// Draws `scene` into a new pixmap.
pub fn draw(scene: &Scene) -> Pixmap {
    let mut pm = Pixmap::new(scene.width.max(1), scene.height.max(1)).expect("a non-empty picture");
    pm.fill(colour(scene.background));
    let mut sprites = Sprites::default();
    for shape in &scene.shapes {
        match shape {
            Shape::Path { rings, closed, paint } => {
                let mut pb = tiny_skia::PathBuilder::new();
                for ring in rings.iter().filter(|r| r.len() >= 2) {
                    pb.move_to(ring[0][0], ring[0][1]);
                    for p in &ring[1..] {
                        pb.line_to(p[0], p[1]);
                    }
                    if *closed {
                        pb.close();
                    }
                }
                if let Some(path) = pb.finish() {
                    paint_path(&mut pm, &path, paint, *closed);
                }
            }
            Shape::Rect { x, y, w, h, paint } => {
                if let Some(r) = tiny_skia::Rect::from_xywh(*x, *y, *w, *h) {
                    paint_path(&mut pm, &tiny_skia::PathBuilder::from_rect(r), paint, true);
                }
            }
            Shape::Text { x, y, size, text, colour: c, halo, anchor } => {
                let w = font::text_width(text, *size);
                let x0 = match anchor {
                    Anchor::Start => *x,
                    Anchor::Middle => x - w / 2.0,
                    Anchor::End => x - w,
                };
                if let Some(path) = font::text_path(text, x0, *y, *size) {
                    if let Some(h) = halo {
                        let stroke =
                            Stroke { width: (size * 0.22).max(2.5), line_join: LineJoin::Round, ..Stroke::default() };
                        pm.stroke_path(&path, &solid(*h), &stroke, Transform::identity(), None);
                    }
                    pm.fill_path(&path, &solid(*c), FillRule::Winding, Transform::identity(), None);
                }
            }
            Shape::Symbols { symbols, .. } => {
                for s in symbols {
                    let sprite = sprites.get(s);
                    blit(&mut pm, sprite, s.x, s.y);
                }
            }
        }
    }
    pm
}

/// Draws `scene` and encodes it as PNG.
pub fn png(scene: &Scene) -> std::result::Result<Vec<u8>, String> {
    draw(scene).encode_png().map_err(|e| e.to_string())
}

fn colour(c: Rgba) -> tiny_skia::Color {
    tiny_skia::Color::from_rgba8(c.0, c.1, c.2, c.3)
}

fn solid(c: Rgba) -> tiny_skia::Paint<'static> {
    let mut p = tiny_skia::Paint::default();
    p.set_color_rgba8(c.0, c.1, c.2, c.3);
    p.anti_alias = true;
    p
}

fn paint_path(pm: &mut Pixmap, path: &tiny_skia::Path, paint: &Paint, closed: bool) {
    if let (Some(f), true) = (paint.fill, closed) {
        pm.fill_path(path, &solid(f), FillRule::EvenOdd, Transform::identity(), None);
    }
    if let Some((c, w)) = paint.stroke {
        let stroke = Stroke {
            width: w,
            line_join: LineJoin::Round,
            line_cap: if closed { LineCap::Butt } else { LineCap::Round },
            ..Stroke::default()
        };
        pm.stroke_path(path, &solid(c), &stroke, Transform::identity(), None);
    }
}

/// A symbol drawn once: its pixmap and the offset of its centre pixel.
struct Sprite {
    pixmap: Pixmap,
    half: i32,
}

/// A symbol's look: radius in quarter pixels, fill, outline colour and
/// width in quarter pixels.
type SpriteKey = (u32, Option<Rgba>, Option<(Rgba, u32)>);

/// The sprites drawn so far, by look.
#[derive(Default)]
struct Sprites {
    cache: HashMap<SpriteKey, Sprite>,
}

impl Sprites {
    fn get(&mut self, s: &Symbol) -> &Sprite {
        let q = |v: f32| (v * 4.0).round().max(0.0) as u32;
        let key: SpriteKey = (q(s.r), s.paint.fill, s.paint.stroke.map(|(c, w)| (c, q(w))));
        self.cache.entry(key).or_insert_with(|| {
            let r = key.0 as f32 / 4.0;
            let sw = key.2.map_or(0.0, |(_, w)| w as f32 / 4.0);
            let half = (r + sw / 2.0 + 1.0).ceil() as i32;
            let n = (2 * half + 1) as u32;
            let mut pixmap = Pixmap::new(n, n).expect("sprite size");
            let c = half as f32 + 0.5;
            if let Some(path) = tiny_skia::PathBuilder::from_circle(c, c, r.max(0.5)) {
                paint_path(&mut pixmap, &path, &s.paint, true);
            }
            Sprite { pixmap, half }
        })
    }
}

/// Blends `sprite` (premultiplied, source over) onto `pm` with its centre
/// pixel on the pixel that holds `(x, y)`.
fn blit(pm: &mut Pixmap, sprite: &Sprite, x: f32, y: f32) {
    if !x.is_finite() || !y.is_finite() {
        return;
    }
    let (w, h) = (pm.width() as i64, pm.height() as i64);
    let n = sprite.pixmap.width() as i64;
    let x0 = x.floor() as i64 - i64::from(sprite.half);
    let y0 = y.floor() as i64 - i64::from(sprite.half);
    if x0 >= w || y0 >= h || x0 + n <= 0 || y0 + n <= 0 {
        return;
    }
    let src = sprite.pixmap.data();
    let dst = pm.data_mut();
    for sy in 0..n {
        let ty = y0 + sy;
        if !(0..h).contains(&ty) {
            continue;
        }
        let sx_from = (-x0).max(0);
        let sx_to = n.min(w - x0);
        for sx in sx_from..sx_to {
            let si = ((sy * n + sx) * 4) as usize;
            let a = src[si + 3];
            if a == 0 {
                continue;
            }
            let di = ((ty * w + x0 + sx) * 4) as usize;
            if a == 255 {
                dst[di..di + 4].copy_from_slice(&src[si..si + 4]);
            } else {
                let inv = 255 - u32::from(a);
                for k in 0..4 {
                    let d = u32::from(dst[di + k]);
                    dst[di + k] = (u32::from(src[si + k]) + (d * inv + 127) / 255).min(255) as u8;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn px(pm: &Pixmap, x: u32, y: u32) -> (u8, u8, u8, u8) {
        let c = pm.pixel(x, y).unwrap().demultiply();
        (c.red(), c.green(), c.blue(), c.alpha())
    }

    #[test]
    fn a_symbol_is_drawn_on_the_pixel_that_holds_its_centre() {
        let mut s = Scene::new(40, 30, Rgba(255, 255, 255, 255));
        let paint = Paint { fill: Some(Rgba(200, 10, 10, 255)), stroke: Some((Rgba(255, 255, 255, 255), 1.0)) };
        s.push(Shape::Symbols { id: "t", symbols: vec![Symbol { x: 10.7, y: 20.2, r: 4.0, paint, count: 1 }] });
        let pm = draw(&s);
        assert_eq!(px(&pm, 10, 20), (200, 10, 10, 255));
        assert_eq!(px(&pm, 30, 5), (255, 255, 255, 255));
        // Radius 4: three pixels away is still inside, seven is not.
        assert_eq!(px(&pm, 13, 20), (200, 10, 10, 255));
        assert_eq!(px(&pm, 17, 20), (255, 255, 255, 255));
    }

    #[test]
    fn symbols_at_the_edge_are_clipped_not_dropped() {
        let mut s = Scene::new(20, 20, Rgba(255, 255, 255, 255));
        let paint = Paint::fill(Rgba(0, 0, 200, 255));
        let at = |x, y| Symbol { x, y, r: 5.0, paint, count: 1 };
        s.push(Shape::Symbols { id: "t", symbols: vec![at(0.5, 0.5), at(19.5, 19.5), at(-100.0, 5.0)] });
        let pm = draw(&s);
        assert_eq!(px(&pm, 0, 0), (0, 0, 200, 255));
        assert_eq!(px(&pm, 19, 19), (0, 0, 200, 255));
        assert_eq!(px(&pm, 10, 10), (255, 255, 255, 255));
    }

    #[test]
    fn text_leaves_ink() {
        let mut s = Scene::new(100, 30, Rgba(255, 255, 255, 255));
        s.text(5.0, 20.0, 16.0, "Title", Rgba(0, 0, 0, 255), Anchor::Start);
        let pm = draw(&s);
        let dark = pm.pixels().iter().filter(|p| p.red() < 100).count();
        assert!(dark > 30, "{dark} dark pixels");
    }

    #[test]
    fn the_same_scene_gives_the_same_png() {
        let mut s = Scene::new(50, 50, Rgba(10, 20, 30, 255));
        s.line(vec![[0.0, 0.0], [50.0, 40.0]], Rgba(255, 0, 0, 255), 2.0);
        s.text(2.0, 30.0, 12.0, "x", Rgba(255, 255, 255, 255), Anchor::Start);
        assert_eq!(png(&s).unwrap(), png(&s).unwrap());
        assert_eq!(&png(&s).unwrap()[1..4], b"PNG");
    }
}
