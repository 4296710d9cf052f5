//! A readable text table of query results, nearest first: what `near`
//! prints on a terminal.

use std::io::{self, Write};

use crate::extract::incident::Incident;
use crate::geodesy::compass_point;

/// Writes the table's header line; `sites` adds a site column in front.
pub fn write_header<W: Write>(w: &mut W, sites: bool) -> io::Result<()> {
    if sites {
        write!(w, "{:<16}  ", "site")?;
    }
    writeln!(
        w,
        "{:>9}  {:>9}  {:<10}  {:<28}  {:>5}  {:<24}  admin1",
        "dist km", "bearing", "date", "type", "fatal", "location"
    )
}

/// Writes one row: an incident at `distance_km` and `bearing_deg` from the
/// query point (of `site`, when there are several).
pub fn write_row<W: Write>(
    w: &mut W,
    site: Option<&str>,
    i: &Incident,
    distance_km: f64,
    bearing_deg: f64,
) -> io::Result<()> {
    if let Some(s) = site {
        write!(w, "{:<16}  ", cut(s, 16))?;
    }
    let ty = if i.sub_event_type.is_empty() || i.sub_event_type == i.event_type {
        i.event_type.clone()
    } else {
        format!("{} / {}", i.event_type, i.sub_event_type)
    };
    writeln!(
        w,
        "{:>9.2}  {:>5.0}° {:<3} {:<10}  {:<28}  {:>5}  {:<24}  {}",
        distance_km,
        bearing_deg,
        compass_point(bearing_deg),
        i.event_date.format("%Y-%m-%d"),
        cut(&ty, 28),
        i.fatalities,
        cut(&i.location, 24),
        i.admin1
    )
}

/// `s` cut to `n` characters, with an ellipsis when cut.
pub(crate) fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut() {
        assert_eq!(cut("Khanaqin", 24), "Khanaqin");
        assert_eq!(cut("abcdef", 4), "abc…");
        let day = chrono::NaiveDate::from_ymd_opt(2020, 5, 15).unwrap();
        let mut inc = Incident::new(day, crate::LonLat::new(45.0, 34.0).unwrap());
        inc.event_type = "Battles".into();
        inc.sub_event_type = "Armed clash".into();
        let mut out = Vec::new();
        write_row(&mut out, Some("checkpoint-7"), &inc, 12.345, 90.0).unwrap();
        let line = String::from_utf8(out).unwrap();
        assert!(line.starts_with("checkpoint-7"), "{line}");
        assert!(line.contains("12.35") && line.contains(" E ") && line.contains("Battles / Armed clash"), "{line}");
    }
}
