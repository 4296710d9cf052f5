//! The display list: a picture built once as plain shapes in pixel
//! coordinates (origin top left, y down), then drawn by two back ends, the
//! raster one ([`super::raster`], PNG) and the vector one ([`super::svg`]).

/// A colour, straight (not premultiplied) alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgba(pub u8, pub u8, pub u8, pub u8);

impl Rgba {
    /// The colour `t` of the way from `self` to `other` (0 is `self`).
    pub fn mix(self, other: Rgba, t: f32) -> Rgba {
        let m = |a: u8, b: u8| (f32::from(a) + (f32::from(b) - f32::from(a)) * t).round() as u8;
        Rgba(m(self.0, other.0), m(self.1, other.1), m(self.2, other.2), m(self.3, other.3))
    }

    /// `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// Fill and outline of a shape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paint {
    /// Fill colour; `None` for none.
    pub fill: Option<Rgba>,
    /// Outline colour and width in pixels; `None` for none.
    pub stroke: Option<(Rgba, f32)>,
}

impl Paint {
    /// A fill without outline.
    pub fn fill(c: Rgba) -> Paint {
        Paint { fill: Some(c), stroke: None }
    }

    /// An outline without fill.
    pub fn stroke(c: Rgba, width: f32) -> Paint {
        Paint { fill: None, stroke: Some((c, width)) }
    }
}

/// Where a text's `x` is: its start, middle or end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// `x` is the left end.
    Start,
    /// `x` is the middle.
    Middle,
    /// `x` is the right end.
    End,
}

/// One circle symbol of a [`Shape::Symbols`] layer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Symbol {
    /// Centre, pixels.
    pub x: f32,
    /// Centre, pixels.
    pub y: f32,
    /// Radius, pixels.
    pub r: f32,
    /// Fill and outline.
    pub paint: Paint,
    /// How many features this symbol stands for (features drawn exactly on
    /// top of each other share one).
    pub count: u32,
}

/// One shape of the display list.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// Rings of points: polygons (with holes, even-odd) when `closed`,
    /// polylines otherwise.
    Path {
        /// The rings, each a run of points.
        rings: Vec<Vec<[f32; 2]>>,
        /// Close each ring (and fill it).
        closed: bool,
        /// Fill and outline.
        paint: Paint,
    },
    /// An axis-aligned rectangle.
    Rect {
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Width.
        w: f32,
        /// Height.
        h: f32,
        /// Fill and outline.
        paint: Paint,
    },
    /// One line of text; `y` is the baseline.
    Text {
        /// Anchor point.
        x: f32,
        /// Baseline.
        y: f32,
        /// Font size in pixels (the em square).
        size: f32,
        /// The text.
        text: String,
        /// Colour.
        colour: Rgba,
        /// A halo (outline) behind the letters, for text over the map.
        halo: Option<Rgba>,
        /// What `x` is.
        anchor: Anchor,
    },
    /// Many circles, drawn in order; a named group in the SVG.
    Symbols {
        /// The group's id (`incidents`, `clusters`, ...).
        id: &'static str,
        /// The circles.
        symbols: Vec<Symbol>,
    },
}

/// A picture: a size, a background and shapes drawn in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Background colour.
    pub background: Rgba,
    /// The shapes, bottom first.
    pub shapes: Vec<Shape>,
    /// Attributes for the SVG root (`data-*` metadata such as the
    /// projection), name and value.
    pub meta: Vec<(&'static str, String)>,
}

impl Scene {
    /// An empty picture.
    pub fn new(width: u32, height: u32, background: Rgba) -> Scene {
        Scene { width, height, background, shapes: Vec::new(), meta: Vec::new() }
    }

    /// Adds a shape on top.
    pub fn push(&mut self, s: Shape) {
        self.shapes.push(s);
    }

    /// Adds a rectangle.
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, paint: Paint) {
        self.push(Shape::Rect { x, y, w, h, paint });
    }

    /// Adds a line of text without halo.
    pub fn text(&mut self, x: f32, y: f32, size: f32, text: impl Into<String>, colour: Rgba, anchor: Anchor) {
        self.push(Shape::Text { x, y, size, text: text.into(), colour, halo: None, anchor });
    }

    /// Adds a polyline.
    pub fn line(&mut self, points: Vec<[f32; 2]>, colour: Rgba, width: f32) {
        self.push(Shape::Path { rings: vec![points], closed: false, paint: Paint::stroke(colour, width) });
    }
}

/// Round numbers for axes and scale bars: the largest 1, 2, 2.5 or 5 times
/// a power of ten that is at most `x` (`x` > 0).
pub fn nice_floor(x: f64) -> f64 {
    let p = 10f64.powf(x.log10().floor());
    let m = x / p;
    let f = if m >= 5.0 {
        5.0
    } else if m >= 2.5 {
        2.5
    } else if m >= 2.0 {
        2.0
    } else {
        1.0
    };
    f * p
}

/// The smallest 1, 2, 5 times a power of ten that is at least `x` (`x` > 0).
pub fn nice_ceil(x: f64) -> f64 {
    let p = 10f64.powf(x.log10().floor());
    let m = x / p;
    let f = if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    };
    f * p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_numbers() {
        assert_eq!(nice_floor(7.3), 5.0);
        assert_eq!(nice_floor(230.0), 200.0);
        assert_eq!(nice_floor(0.27), 0.25);
        assert_eq!(nice_floor(1.0), 1.0);
        assert_eq!(nice_ceil(7.3), 10.0);
        assert_eq!(nice_ceil(13.0), 20.0);
        assert_eq!(nice_ceil(5.0), 5.0);
    }

    #[test]
    fn mix_and_hex() {
        assert_eq!(Rgba(0, 0, 0, 255).mix(Rgba(200, 100, 50, 255), 0.5), Rgba(100, 50, 25, 255));
        assert_eq!(Rgba(0xD5, 0x5E, 0, 255).hex(), "#d55e00");
    }
}
