//! The one font of the pictures, DejaVu Sans, embedded in the binary (see
//! `assets/fonts/README.md`): text widths for layout and glyph outlines for
//! the raster back end. Sizes are CSS-like (the em square in pixels), so the
//! SVG's `font-size` means the same.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, OutlineCurve};

/// DejaVu Sans 2.37 (Bitstream Vera licence, `assets/fonts/LICENSE`).
static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The font family name for the SVG, with fallbacks of similar width.
pub const SVG_FAMILY: &str = "DejaVu Sans, Verdana, sans-serif";

fn font() -> &'static FontRef<'static> {
    static FONT: OnceLock<FontRef<'static>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(FONT_BYTES).expect("the embedded font parses"))
}

/// Pixels per font unit at `size`.
fn scale(size: f32) -> f32 {
    size / font().units_per_em().unwrap_or(2048.0)
}

/// The advance width of `text` at `size` pixels, kerning included.
pub fn text_width(text: &str, size: f32) -> f32 {
    let f = font();
    let mut w = 0.0;
    let mut prev = None;
    for c in text.chars() {
        let id = f.glyph_id(c);
        if let Some(p) = prev {
            w += f.kern_unscaled(p, id);
        }
        w += f.h_advance_unscaled(id);
        prev = Some(id);
    }
    w * scale(size)
}

/// The height of capital letters above the baseline at `size` (for
/// centring text vertically).
pub fn cap_height(size: f32) -> f32 {
    0.73 * size
}

/// The outline of `text` with its start at `x` and its baseline at `y`,
/// in pixels: the glyphs' curves, each contour started with `move_to` and
/// closed. `None` for text with no visible glyph.
pub fn text_path(text: &str, x: f32, y: f32, size: f32) -> Option<tiny_skia::Path> {
    let f = font();
    let s = scale(size);
    let mut pb = tiny_skia::PathBuilder::new();
    let mut pen = x;
    let mut prev = None;
    for c in text.chars() {
        let id = f.glyph_id(c);
        if let Some(p) = prev {
            pen += f.kern_unscaled(p, id) * s;
        }
        if let Some(outline) = f.outline(id) {
            let at = |p: ab_glyph::Point| (pen + p.x * s, y - p.y * s);
            let mut last: Option<ab_glyph::Point> = None;
            for curve in &outline.curves {
                let start = match curve {
                    OutlineCurve::Line(a, _) | OutlineCurve::Quad(a, _, _) | OutlineCurve::Cubic(a, _, _, _) => *a,
                };
                if last != Some(start) {
                    if last.is_some() {
                        pb.close();
                    }
                    let (px, py) = at(start);
                    pb.move_to(px, py);
                }
                last = Some(match curve {
                    OutlineCurve::Line(_, b) => {
                        let (bx, by) = at(*b);
                        pb.line_to(bx, by);
                        *b
                    }
                    OutlineCurve::Quad(_, c1, b) => {
                        let ((cx, cy), (bx, by)) = (at(*c1), at(*b));
                        pb.quad_to(cx, cy, bx, by);
                        *b
                    }
                    OutlineCurve::Cubic(_, c1, c2, b) => {
                        let ((c1x, c1y), (c2x, c2y), (bx, by)) = (at(*c1), at(*c2), at(*b));
                        pb.cubic_to(c1x, c1y, c2x, c2y, bx, by);
                        *b
                    }
                });
            }
            if last.is_some() {
                pb.close();
            }
        }
        pen += f.h_advance_unscaled(id) * s;
        prev = Some(id);
    }
    pb.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_grow_with_text_and_size() {
        assert_eq!(text_width("", 12.0), 0.0);
        let a = text_width("Diyala", 12.0);
        assert!(a > 25.0 && a < 50.0, "{a}");
        assert!((text_width("Diyala", 24.0) - 2.0 * a).abs() < 1e-3);
        assert!(text_width("Diyala Governorate", 12.0) > a);
    }

    #[test]
    fn outlines_cover_the_text_box() {
        let p = text_path("Hi", 10.0, 50.0, 20.0).unwrap();
        let b = p.bounds();
        assert!(b.left() >= 10.0 && b.left() < 14.0, "{b:?}");
        assert!(b.bottom() <= 50.5 && b.top() > 50.0 - 20.0, "{b:?}");
        assert!(b.right() <= 10.0 + text_width("Hi", 20.0) + 0.5, "{b:?}");
        assert!(text_path("   ", 0.0, 0.0, 12.0).is_none());
    }
}
