//! Colours of the pictures: the six ACLED event types in the Okabe-Ito
//! colour-blind-safe palette, and the muted base map.

use super::scene::Rgba;

pub use crate::export::palette::{EVENT_TYPE_COLOURS, FALLBACK_COLOUR as OTHER_COLOUR};

/// Index of `event_type` in [`EVENT_TYPE_COLOURS`] (ASCII case ignored),
/// or 6 for any other type.
pub fn type_index(event_type: &str) -> usize {
    EVENT_TYPE_COLOURS.iter().position(|(t, _)| t.eq_ignore_ascii_case(event_type.trim())).unwrap_or(6)
}

/// The colour of type index `i` (from [`type_index`]).
pub fn type_colour(i: usize) -> Rgba {
    let [r, g, b] = EVENT_TYPE_COLOURS.get(i).map_or(OTHER_COLOUR, |(_, c)| *c);
    Rgba(r, g, b, 255)
}

/// The legend name of type index `i`.
pub fn type_name(i: usize) -> &'static str {
    EVENT_TYPE_COLOURS.get(i).map_or("Other", |(t, _)| t)
}

/// Sea and anything outside the provinces.
pub const WATER: Rgba = Rgba(0xD9, 0xE6, 0xEE, 255);
/// Land in a province without incidents.
pub const LAND: Rgba = Rgba(0xF3, 0xF1, 0xEB, 255);
/// Land in the province with the most incidents (the ramp's dark end).
pub const LAND_MAX: Rgba = Rgba(0xA9, 0xA3, 0x95, 255);
/// Edges between provinces of one country.
pub const PROVINCE_EDGE: Rgba = Rgba(0xBD, 0xB7, 0xAB, 255);
/// Coasts and borders between countries.
pub const COUNTRY_EDGE: Rgba = Rgba(0x6F, 0x6A, 0x61, 255);
/// Text.
pub const INK: Rgba = Rgba(0x22, 0x22, 0x22, 255);
/// Secondary text and axes.
pub const GREY: Rgba = Rgba(0x66, 0x66, 0x66, 255);
/// Paper: the title band, legend panel and chart background.
pub const PAPER: Rgba = Rgba(0xFF, 0xFF, 0xFF, 255);

/// The province shade for `count` incidents when the busiest province has
/// `max`: a log ramp from [`LAND`] to [`LAND_MAX`].
pub fn province_shade(count: u64, max: u64) -> Rgba {
    if count == 0 || max == 0 {
        return LAND;
    }
    let t = ((1 + count) as f64).ln() / ((1 + max) as f64).ln();
    LAND.mix(LAND_MAX, t.clamp(0.0, 1.0) as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_map_to_their_colours_and_others_to_grey() {
        assert_eq!(type_index("Battles"), 0);
        assert_eq!(type_index("violence against civilians"), 2);
        assert_eq!(type_index("Something else"), 6);
        assert_eq!(type_colour(0), Rgba(0xD5, 0x5E, 0x00, 255));
        assert_eq!(type_colour(6), Rgba(0x77, 0x77, 0x77, 255));
        assert_eq!(type_name(6), "Other");
    }

    #[test]
    fn province_ramp_runs_from_land_to_the_dark_end() {
        assert_eq!(province_shade(0, 10), LAND);
        assert_eq!(province_shade(10, 10), LAND_MAX);
        let mid = province_shade(3, 10);
        assert!(mid.0 < LAND.0 && mid.0 > LAND_MAX.0, "{mid:?}");
    }
}
