//! The colours of ACLED's six event types, shared by every output that
//! colours incidents (the QGIS styles, the pictures, the web map).
//!
//! The colours are from Okabe and Ito's colour-blind-safe qualitative
//! palette ("Color Universal Design", 2008), leaving out its yellow (too
//! pale on a light base map) and its black (kept for clusters and text).

/// ACLED event type -> colour (sRGB), in ACLED's order.
pub const EVENT_TYPE_COLOURS: [(&str, [u8; 3]); 6] = [
    ("Battles", [213, 94, 0]),                       // vermillion
    ("Explosions/Remote violence", [230, 159, 0]),   // orange
    ("Violence against civilians", [204, 121, 167]), // reddish purple
    ("Protests", [86, 180, 233]),                    // sky blue
    ("Riots", [0, 114, 178]),                        // blue
    ("Strategic developments", [0, 158, 115]),       // bluish green
];

/// The colour of an event type that is none of the six (or empty): grey.
pub const FALLBACK_COLOUR: [u8; 3] = [119, 119, 119];

/// The colour of `event_type` (exact ACLED spelling), or [`FALLBACK_COLOUR`].
pub fn event_type_colour(event_type: &str) -> [u8; 3] {
    EVENT_TYPE_COLOURS.iter().find(|(t, _)| *t == event_type).map_or(FALLBACK_COLOUR, |(_, c)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_distinct_colours_and_a_fallback() {
        let mut all: Vec<[u8; 3]> = EVENT_TYPE_COLOURS.iter().map(|(_, c)| *c).collect();
        all.push(FALLBACK_COLOUR);
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 7);
        assert_eq!(event_type_colour("Riots"), [0, 114, 178]);
        assert_eq!(event_type_colour("riots"), FALLBACK_COLOUR);
        assert_eq!(event_type_colour(""), FALLBACK_COLOUR);
    }
}
