//! Dates in reports, resolved against the publication date.
//!
//! `time_precision` follows ACLED: 1 the day is known, 2 a week or part of a
//! month ("last week", "early May"), 3 a month or coarser ("in August 2019").

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// A resolved date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventDate {
    /// The day (for coarse dates: the first day of the period).
    pub date: NaiveDate,
    /// ACLED time precision, 1..=3.
    pub precision: u8,
    /// Byte offset of the expression in the text it was found in.
    pub start: usize,
}

/// What the text said about the date of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRef {
    /// A date resolved against the publication date.
    Date(EventDate),
    /// "the same day": the date of the previous incident.
    SameDay(usize),
}

/// Month names, lower case, January first.
pub use crate::geoparse::MONTHS;

fn month(w: &str) -> Option<u32> {
    let w = w.trim_end_matches('.').to_ascii_lowercase();
    MONTHS
        .iter()
        .position(|m| *m == w || (w.len() >= 3 && m.starts_with(&w) && (w.len() == 3 || w == "sept")))
        .map(|i| i as u32 + 1)
}

fn weekday(w: &str) -> Option<Weekday> {
    Some(match w.to_ascii_lowercase().as_str() {
        "monday" => Weekday::Mon,
        "tuesday" => Weekday::Tue,
        "wednesday" => Weekday::Wed,
        "thursday" => Weekday::Thu,
        "friday" => Weekday::Fri,
        "saturday" => Weekday::Sat,
        "sunday" => Weekday::Sun,
        _ => return None,
    })
}

fn year(w: &str) -> Option<i32> {
    let y: i32 = w.trim_end_matches([',', '.']).parse().ok()?;
    (1900..=2100).contains(&y).then_some(y)
}

fn day(w: &str) -> Option<u32> {
    let w = w.trim_end_matches([',', '.']);
    let w = w.trim_end_matches("st").trim_end_matches("nd").trim_end_matches("rd").trim_end_matches("th");
    let d: u32 = w.parse().ok()?;
    (1..=31).contains(&d).then_some(d)
}

/// The most recent `wd` on or before `published`.
pub fn last_weekday(published: NaiveDate, wd: Weekday) -> NaiveDate {
    let back = (7 + published.weekday().num_days_from_monday() - wd.num_days_from_monday()) % 7;
    published - Days::new(u64::from(back))
}

/// A month-day without a year: the latest such date not after `published`.
fn month_day(published: NaiveDate, m: u32, d: u32) -> Option<NaiveDate> {
    let this = NaiveDate::from_ymd_opt(published.year(), m, d)?;
    if this <= published + Days::new(1) { Some(this) } else { NaiveDate::from_ymd_opt(published.year() - 1, m, d) }
}

fn first_of(published: NaiveDate, m: u32, y: Option<i32>) -> Option<NaiveDate> {
    let y = y.unwrap_or_else(|| if m <= published.month() { published.year() } else { published.year() - 1 });
    NaiveDate::from_ymd_opt(y, m, 1)
}

impl DateRef {
    /// Byte offset of the expression.
    pub fn start(&self) -> usize {
        match self {
            DateRef::Date(d) => d.start,
            DateRef::SameDay(s) => *s,
        }
    }
}

/// Finds the first date expression in `words` (each with its byte offset),
/// resolved against `published`.
pub fn find_date(words: &[(usize, &str)], published: NaiveDate) -> Option<DateRef> {
    find_dates(words, published).into_iter().next()
}

/// Every date expression in `words`, in text order.
pub fn find_dates(words: &[(usize, &str)], published: NaiveDate) -> Vec<DateRef> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        match date_at(words, i, published) {
            Some((d, used)) => {
                out.push(d);
                i += used.max(1);
            }
            None => i += 1,
        }
    }
    out
}

/// The date expression starting at word `i`, and how many words it used.
fn date_at(words: &[(usize, &str)], i: usize, published: NaiveDate) -> Option<(DateRef, usize)> {
    let lw: Vec<String> = words.iter().map(|(_, w)| w.to_ascii_lowercase()).collect();
    let at = |k: usize| lw.get(k).map(String::as_str).unwrap_or("");
    {
        let start = words[i].0;
        let mk = |date: NaiveDate, precision: u8| Some((DateRef::Date(EventDate { date, precision, start }), 2));
        let w = at(i);
        // "the same day"
        if w == "same" && matches!(at(i + 1), "day" | "night" | "evening" | "morning") {
            return Some((DateRef::SameDay(start), 2));
        }
        if w == "yesterday" {
            return mk(published - Days::new(1), 1);
        }
        if w == "today" || (w == "this" && matches!(at(i + 1), "morning" | "afternoon" | "evening")) {
            return mk(published, 1);
        }
        if w == "last" && at(i + 1) == "week" {
            let monday = last_weekday(published, Weekday::Mon) - Days::new(7);
            return mk(monday, 2);
        }
        if w == "last" && at(i + 1) == "month" {
            let first = published.with_day(1)?;
            let prev = first - Days::new(1);
            return mk(prev.with_day(1)?, 3);
        }
        // "last year": the year before publication, coarse (precision 3).
        // Not "since/than last year" (a comparison), and not "this year",
        // which reports use for background ("the bloodiest day this year").
        if w == "last" && at(i + 1) == "year" && !matches!(at(i.wrapping_sub(1)), "since" | "than" | "from") {
            return mk(NaiveDate::from_ymd_opt(published.year() - 1, 1, 1)?, 3);
        }
        // "in 2019", "during 2019" (a month before the year is read above):
        // the year, coarse. Not "in 2000 attacks", a count.
        if let Some(y) = year(w)
            && w.len() == 4
            && matches!(at(i.wrapping_sub(1)), "in" | "during")
            && !(at(i + 1).len() > 3 && at(i + 1).ends_with('s') && at(i + 1).chars().all(|c| c.is_ascii_lowercase()))
            && y <= published.year()
        {
            return Some((
                DateRef::Date(EventDate { date: NaiveDate::from_ymd_opt(y, 1, 1)?, precision: 3, start }),
                1,
            ));
        }
        if (w == "recent" && at(i + 1) == "days")
            || (w == "this" && at(i + 1) == "week")
            || (matches!(w, "throughout" | "during") && at(i + 1) == "the" && at(i + 2) == "week")
        {
            return mk(published, 2);
        }
        if let Some(wd) = weekday(w) {
            // "last Friday" is still the most recent Friday before publication.
            let mut d = last_weekday(published, wd);
            if at(i.wrapping_sub(1)) == "last" && d == published {
                d = d - Days::new(7);
            }
            return mk(d, 1);
        }
        if let Ok(d) = NaiveDate::parse_from_str(w.trim_end_matches([',', '.']), "%Y-%m-%d") {
            return mk(d, 1);
        }
        // "early May", "mid-May", "late May" (+ optional year).
        let part = match w {
            "early" | "beginning" => Some(1),
            "mid" | "mid-" | "middle" => Some(11),
            "late" | "end" => Some(21),
            _ => w.strip_prefix("mid-").and_then(month).map(|_| 11),
        };
        if let Some(first_day) = part {
            let (mw, skip) = if let Some(m) = w.strip_prefix("mid-").and_then(month) {
                (Some(m), 1)
            } else if at(i + 1) == "of" {
                (month(at(i + 2)), 3)
            } else {
                (month(at(i + 1)), 2)
            };
            if let Some(m) = mw {
                let y = year(at(i + skip));
                let d = first_of(published, m, y)?.with_day(first_day)?;
                return mk(d, 2);
            }
        }
        if let Some(m) = month(w) {
            // Only full month names or abbreviations followed by a day/year:
            // "may" alone is a verb.
            let full = MONTHS.contains(&w);
            if let Some(d) = day(at(i + 1)) {
                // "May 2", "May 2, 2020"
                if let Some(y) = year(at(i + 2)) {
                    return mk(NaiveDate::from_ymd_opt(y, m, d)?, 1);
                }
                if at(i + 2) == "and" || at(i + 2) == "to" {
                    return None; // "between May 7 and 13": a range, not an event date
                }
                return mk(month_day(published, m, d)?, 1);
            }
            if let Some(d) = day(at(i.wrapping_sub(1))) {
                // "2 May 2020", "2 May"
                if at(i.wrapping_sub(2)) == "and" || at(i.wrapping_sub(2)) == "between" {
                    return None;
                }
                let start = words[i - 1].0;
                let date = match year(at(i + 1)) {
                    Some(y) => NaiveDate::from_ymd_opt(y, m, d)?,
                    None => month_day(published, m, d)?,
                };
                return Some((DateRef::Date(EventDate { date, precision: 1, start }), 2));
            }
            if let Some(y) = year(at(i + 1)) {
                return mk(NaiveDate::from_ymd_opt(y, m, 1)?, 3);
            }
            if full && w != "may" && matches!(at(i.wrapping_sub(1)), "in" | "during" | "since" | "of") {
                return mk(first_of(published, m, None)?, 3);
            }
            if w == "may" && matches!(at(i.wrapping_sub(1)), "in" | "during" | "early" | "late") {
                return mk(first_of(published, m, None)?, 3);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn find(text: &str, published: &str) -> Option<(NaiveDate, u8)> {
        let words: Vec<(usize, &str)> = text
            .split(|c: char| c.is_whitespace())
            .filter(|w| !w.is_empty())
            .map(|w| (0, w.trim_matches(|c: char| c == ',' || c == '.')))
            .collect();
        match find_date(&words, d(published))? {
            DateRef::Date(e) => Some((e.date, e.precision)),
            DateRef::SameDay(_) => None,
        }
    }

    /// Regression (issue 19): "In 2019 ..." and "Last year ..." were dated
    /// to the publication day.
    #[test]
    fn years_alone_are_coarse() {
        assert_eq!(find("In 2019, fifteen prisoners escaped", "2020-03-31"), Some((d("2019-01-01"), 3)));
        assert_eq!(find("during 2018 the group lost ground", "2020-03-31"), Some((d("2018-01-01"), 3)));
        assert_eq!(find("Last year, gunmen attacked the post", "2020-03-31"), Some((d("2019-01-01"), 3)));
        assert_eq!(find("the bloodiest day this year", "2020-03-31"), None);
        assert_eq!(find("more attacks than last year", "2020-03-31"), None);
        assert_eq!(find("killed in 2000 attacks", "2020-03-31"), None);
        assert_eq!(find("in 2031 the plan ends", "2020-03-31"), None, "a future year is no event date");
        assert_eq!(find("in August 2019", "2020-03-31"), Some((d("2019-08-01"), 3)));
    }

    // 2020-05-15 was a Friday.
    #[test]
    fn weekdays_resolve_backwards_including_the_same_day() {
        assert_eq!(find("Late on Friday, four", "2020-05-15"), Some((d("2020-05-15"), 1)));
        assert_eq!(find("on Thursday evening", "2020-05-15"), Some((d("2020-05-14"), 1)));
        assert_eq!(find("fires on Tuesday", "2020-05-15"), Some((d("2020-05-12"), 1)));
        assert_eq!(find("on Saturday", "2020-05-15"), Some((d("2020-05-09"), 1)));
    }

    #[test]
    fn month_day_and_month_year() {
        assert_eq!(find("in Saladin on May 2.", "2020-05-15"), Some((d("2020-05-02"), 1)));
        assert_eq!(find("In August 2019, ISIS", "2020-05-15"), Some((d("2019-08-01"), 3)));
        assert_eq!(find("on 2 May 2020", "2020-05-15"), Some((d("2020-05-02"), 1)));
        assert_eq!(find("on December 30", "2021-01-05"), Some((d("2020-12-30"), 1)));
        assert_eq!(find("on February 15, 2021", "2021-02-26"), Some((d("2021-02-15"), 1)));
    }

    #[test]
    fn relative_periods() {
        assert_eq!(find("arson attacks last week", "2020-05-15"), Some((d("2020-05-04"), 2)));
        assert_eq!(find("in early May", "2020-05-15"), Some((d("2020-05-01"), 2)));
        assert_eq!(find("yesterday", "2020-05-03"), Some((d("2020-05-02"), 1)));
        assert_eq!(find("last month", "2020-05-15"), Some((d("2020-04-01"), 3)));
    }

    #[test]
    fn ranges_and_verbs_are_not_event_dates() {
        assert_eq!(find("42 attacks between May 7 and 13", "2020-05-15"), None);
        assert_eq!(find("more attacks may follow", "2020-05-15"), None);
    }

    #[test]
    fn same_day_is_a_reference() {
        let words = [(0, "On"), (3, "the"), (7, "same"), (12, "day")];
        assert_eq!(find_date(&words, d("2020-05-15")), Some(DateRef::SameDay(7)));
    }
}
