//! The vector back end: a [`Scene`] as SVG 1.1 text. Text stays text (it
//! can be searched and edited), set in DejaVu Sans where the viewer has it;
//! symbols go in groups named by their layer (`<g id="incidents">`), one
//! `<circle>` each, with `data-count` when it stands for several features.

use std::fmt::Write;

use super::font::SVG_FAMILY;
use super::scene::{Anchor, Paint, Scene, Shape};
use crate::markup::xml as escape;

/// `scene` as an SVG document.
pub fn svg(scene: &Scene) -> String {
    let mut o = String::with_capacity(64 * 1024);
    let (w, h) = (scene.width, scene.height);
    let _ = write!(
        o,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" \
         width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\""
    );
    for (k, v) in &scene.meta {
        let _ = write!(o, " data-{k}=\"{}\"", escape(v));
    }
    let _ = writeln!(o, ">");
    let _ = writeln!(o, "<rect width=\"{w}\" height=\"{h}\" fill=\"{}\"/>", scene.background.hex());
    for shape in &scene.shapes {
        match shape {
            Shape::Path { rings, closed, paint } => {
                let mut d = String::new();
                for ring in rings.iter().filter(|r| r.len() >= 2) {
                    for (i, p) in ring.iter().enumerate() {
                        let _ = write!(d, "{}{} {}", if i == 0 { 'M' } else { 'L' }, num(p[0]), num(p[1]));
                    }
                    if *closed {
                        d.push('Z');
                    }
                }
                if d.is_empty() {
                    continue;
                }
                let fill = if *closed { paint.fill } else { None };
                let _ = writeln!(o, "<path d=\"{d}\"{} fill-rule=\"evenodd\"/>", attrs(&Paint { fill, ..*paint }));
            }
            Shape::Rect { x, y, w, h, paint } => {
                let _ = writeln!(
                    o,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"{}/>",
                    num(*x),
                    num(*y),
                    num(*w),
                    num(*h),
                    attrs(paint)
                );
            }
            Shape::Text { x, y, size, text, colour, halo, anchor } => {
                let anchor = match anchor {
                    Anchor::Start => "start",
                    Anchor::Middle => "middle",
                    Anchor::End => "end",
                };
                let halo = halo.map_or(String::new(), |h| {
                    format!(
                        " stroke=\"{}\" stroke-width=\"{}\" stroke-linejoin=\"round\" paint-order=\"stroke\"",
                        h.hex(),
                        num((size * 0.22).max(2.5))
                    )
                });
                let _ = writeln!(
                    o,
                    "<text x=\"{}\" y=\"{}\" font-family=\"{SVG_FAMILY}\" font-size=\"{}\" text-anchor=\"{anchor}\" \
                     fill=\"{}\"{halo}>{}</text>",
                    num(*x),
                    num(*y),
                    num(*size),
                    colour.hex(),
                    escape(text)
                );
            }
            Shape::Symbols { id, symbols } => {
                let _ = writeln!(o, "<g id=\"{id}\">");
                for s in symbols {
                    let count = if s.count > 1 { format!(" data-count=\"{}\"", s.count) } else { String::new() };
                    let _ = writeln!(
                        o,
                        "<circle cx=\"{}\" cy=\"{}\" r=\"{}\"{}{count}/>",
                        num(s.x),
                        num(s.y),
                        num(s.r),
                        attrs(&s.paint)
                    );
                }
                let _ = writeln!(o, "</g>");
            }
        }
    }
    o.push_str("</svg>\n");
    o
}

/// A coordinate with at most two decimals, no trailing zeros.
fn num(v: f32) -> String {
    let s = format!("{:.2}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_string() } else { s.to_string() }
}

fn attrs(p: &Paint) -> String {
    let mut a = String::new();
    match p.fill {
        Some(f) => {
            let _ = write!(a, " fill=\"{}\"", f.hex());
            if f.3 < 255 {
                let _ = write!(a, " fill-opacity=\"{}\"", num(f32::from(f.3) / 255.0));
            }
        }
        None => a.push_str(" fill=\"none\""),
    }
    if let Some((c, w)) = p.stroke {
        let _ = write!(a, " stroke=\"{}\" stroke-width=\"{}\" stroke-linejoin=\"round\"", c.hex(), num(w));
        if c.3 < 255 {
            let _ = write!(a, " stroke-opacity=\"{}\"", num(f32::from(c.3) / 255.0));
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::scene::{Rgba, Symbol};

    #[test]
    fn shapes_become_elements_and_text_is_escaped() {
        let mut s = Scene::new(100, 50, Rgba(255, 255, 255, 255));
        s.meta.push(("projection", "equirectangular".into()));
        s.text(1.0, 20.0, 12.0, "Tom & <Jerry>", Rgba(0, 0, 0, 255), Anchor::Middle);
        let paint = Paint::fill(Rgba(255, 0, 0, 255));
        let sym = |x| Symbol { x, y: 5.0, r: 3.0, paint, count: 1 };
        s.push(Shape::Symbols { id: "incidents", symbols: vec![sym(1.0), Symbol { count: 3, ..sym(2.5) }] });
        s.line(vec![[0.0, 0.0], [10.0, 0.5]], Rgba(0, 0, 0, 128), 1.0);
        let t = svg(&s);
        assert!(t.contains("data-projection=\"equirectangular\""), "{t}");
        assert!(t.contains(">Tom &amp; &lt;Jerry&gt;</text>"), "{t}");
        assert!(t.contains("text-anchor=\"middle\""), "{t}");
        assert_eq!(t.matches("<circle").count(), 2);
        assert!(t.contains("cx=\"2.5\" cy=\"5\" r=\"3\" fill=\"#ff0000\" data-count=\"3\""), "{t}");
        assert!(t.contains("d=\"M0 0L10 0.5\" fill=\"none\" stroke=\"#000000\""), "{t}");
        assert!(t.contains("stroke-opacity=\"0.5\""), "{t}");
        assert!(t.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.256), "1.26");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(120.5), "120.5");
    }
}
