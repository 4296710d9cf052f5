//! The one parser for calendar dates written by people and tools: report
//! headers, web page metadata, feed items, command-line arguments and the
//! date columns of incident files all go through [`parse_date`].
//!
//! Accepted: `YYYY-MM-DD` (optionally followed by a time, `T...` or
//! ` ...`), `YYYY/MM/DD`, `YYYYMMDD`, ACLED's `15 May 2020` and `15-May-2020`
//! (full or abbreviated month names), `May 15, 2020`, and RFC 2822/3339
//! timestamps (`Fri, 15 May 2020 10:00:00 +0000`). `15/05/2020` is refused:
//! both day-first and month-first orders occur in real exports, and guessing
//! would silently swap days and months for the first twelve days of every
//! month. Relative dates in report text ("last Friday") are not dates in this
//! sense; `extract::dates` resolves them against a publication day.
//!
//! ```
//! use incidentmap::dates::parse_date;
//! let d = chrono::NaiveDate::from_ymd_opt(2020, 5, 15).unwrap();
//! assert_eq!(parse_date("2020-05-15").unwrap(), d);
//! assert_eq!(parse_date("15 May 2020").unwrap(), d);
//! assert!(parse_date("15/05/2020").unwrap_err().contains("ambiguous"));
//! ```

use chrono::NaiveDate;

/// Parses a date in one of the forms above. The error is a phrase that
/// follows the value's name: `"2020-13-01" is not a date (...)`.
pub fn parse_date(v: &str) -> Result<NaiveDate, String> {
    let t = v.trim();
    let b = t.as_bytes();
    let bad = || format!("{t:?} is not a date (expected YYYY-MM-DD or \"15 May 2020\")");
    if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' && (b.len() == 10 || matches!(b[10], b'T' | b't' | b' ')) {
        // By hand: chrono's format parser is a visible cost at a million rows.
        let num = |r: std::ops::Range<usize>| {
            b[r].iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
        };
        return match (num(0..4), num(5..7), num(8..10)) {
            (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(bad),
            _ => Err(bad()),
        };
    }
    if b.len() == 10 && b[4] == b'/' && b[7] == b'/' {
        return NaiveDate::parse_from_str(t, "%Y/%m/%d").map_err(|_| bad());
    }
    if b.len() == 8 && b.iter().all(u8::is_ascii_digit) {
        return NaiveDate::parse_from_str(t, "%Y%m%d").map_err(|_| bad());
    }
    let parts: Vec<&str> = t.split('/').collect();
    if parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit())) {
        return Err(format!("{t:?} is ambiguous (day/month order differs between exports): use YYYY-MM-DD"));
    }
    for fmt in ["%d %B %Y", "%d-%B-%Y", "%B %d, %Y", "%B %d %Y", "%d %B, %Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, fmt) {
            return Ok(d);
        }
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc2822(t) {
        return Ok(dt.date_naive());
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(t) {
        return Ok(dt.date_naive());
    }
    Err(bad())
}

/// The date a metadata value holds, for report headers, page metadata and
/// feeds, where a missing or odd date is simply no date: [`parse_date`] on
/// the whole value, else on its first ten characters (`2020-05-15,` or a
/// date followed by other text).
pub fn date_in(v: &str) -> Option<NaiveDate> {
    let v = v.trim();
    parse_date(v).ok().or_else(|| v.get(..10).and_then(|head| parse_date(head).ok()))
}

/// Checks that a publication date is one a news report can have: from
/// 1900-01-01 to tomorrow (a time zone ahead). A year 0 or 2099 is a typo
/// that would date every incident of the report wrongly.
pub fn check_publication(d: NaiveDate) -> Result<NaiveDate, String> {
    let first = NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid");
    let last = chrono::Local::now().date_naive() + chrono::Days::new(1);
    if d < first || d > last {
        return Err(format!("publication date {d} is outside {first}..{last}"));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let want = NaiveDate::from_ymd_opt(2020, 5, 15).unwrap();
        for s in [
            "2020-05-15",
            " 2020-05-15 ",
            "2020-05-15T10:00:00Z",
            "2020-05-15 10:00",
            "2020/05/15",
            "20200515",
            "15 May 2020",
            "15 may 2020",
            "15-May-2020",
            "May 15, 2020",
            "May 15 2020",
            "15 May, 2020",
            "Fri, 15 May 2020 10:00:00 +0000",
        ] {
            assert_eq!(parse_date(s).unwrap(), want, "{s}");
        }
        assert_eq!(parse_date("15 Sep 2020").unwrap(), NaiveDate::from_ymd_opt(2020, 9, 15).unwrap());
    }

    #[test]
    fn refusals() {
        assert!(parse_date("15/05/2020").unwrap_err().contains("ambiguous"));
        assert!(parse_date("2020-13-01").unwrap_err().contains("is not a date"));
        assert!(parse_date("2019-02-29").is_err());
        assert!(parse_date("yesterday").is_err());
        assert!(parse_date("").is_err());
        assert_eq!(date_in("n/a"), None);
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(check_publication(day(2020, 5, 15)).is_ok());
        assert!(check_publication(day(1899, 12, 31)).unwrap_err().contains("outside 1900-01-01.."));
        assert!(check_publication(day(0, 1, 1)).is_err());
        assert!(check_publication(chrono::Local::now().date_naive() + chrono::Days::new(3)).is_err());
        assert_eq!(date_in("2020-05-15, updated"), NaiveDate::from_ymd_opt(2020, 5, 15));
        assert_eq!(date_in("Fri, 15 May 2020 10:00:00 GMT"), NaiveDate::from_ymd_opt(2020, 5, 15));
    }
}
