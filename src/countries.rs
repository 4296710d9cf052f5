//! Country names and codes in incident files (a leaf: the schema and the
//! readers both use it). ACLED writes country names
//! and ISO numeric codes, our records ISO 3166-1 alpha-2.

/// Countries whose ACLED names and ISO codes are turned into alpha-2:
/// (alpha-2, alpha-3, numeric, name).
pub const COUNTRIES: &[(&str, &str, u16, &str)] = &[
    ("AF", "AFG", 4, "Afghanistan"),
    ("EG", "EGY", 818, "Egypt"),
    ("IL", "ISR", 376, "Israel"),
    ("IQ", "IRQ", 368, "Iraq"),
    ("IR", "IRN", 364, "Iran"),
    ("JO", "JOR", 400, "Jordan"),
    ("KW", "KWT", 414, "Kuwait"),
    ("LB", "LBN", 422, "Lebanon"),
    ("LY", "LBY", 434, "Libya"),
    ("ML", "MLI", 466, "Mali"),
    ("NG", "NGA", 566, "Nigeria"),
    ("PK", "PAK", 586, "Pakistan"),
    ("PS", "PSE", 275, "Palestine"),
    ("RU", "RUS", 643, "Russia"),
    ("SA", "SAU", 682, "Saudi Arabia"),
    ("SD", "SDN", 729, "Sudan"),
    ("SO", "SOM", 706, "Somalia"),
    ("SY", "SYR", 760, "Syria"),
    ("TR", "TUR", 792, "Turkey"),
    ("UA", "UKR", 804, "Ukraine"),
    ("YE", "YEM", 887, "Yemen"),
];

/// The alpha-2 code of a country name, alpha-3 or numeric code in
/// [`COUNTRIES`].
pub fn alpha2(v: &str) -> Option<&'static str> {
    let v = v.trim();
    if let Ok(n) = v.parse::<u16>() {
        return COUNTRIES.iter().find(|c| c.2 == n).map(|c| c.0);
    }
    if v.eq_ignore_ascii_case("Türkiye") {
        return Some("TR");
    }
    COUNTRIES.iter().find(|c| c.1.eq_ignore_ascii_case(v) || c.3.eq_ignore_ascii_case(v)).map(|c| c.0)
}

/// A `country` cell as alpha-2: two letters are taken as a code (upper
/// case), names and codes of [`COUNTRIES`] are converted, anything else is
/// kept as written.
pub fn normalize(v: &str) -> String {
    let t = v.trim();
    if t.len() == 2 && t.bytes().all(|b| b.is_ascii_alphabetic()) {
        t.to_ascii_uppercase()
    } else {
        alpha2(t).map_or_else(|| t.to_string(), str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes() {
        assert_eq!(normalize("iq"), "IQ");
        assert_eq!(normalize("Iraq"), "IQ");
        assert_eq!(normalize(" SYR "), "SY");
        assert_eq!(normalize("760"), "SY");
        assert_eq!(normalize("Türkiye"), "TR");
        assert_eq!(normalize("Atlantis"), "Atlantis");
    }
}
