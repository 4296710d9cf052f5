//! Query parameters of OGC API - Features requests, parsed and checked:
//! each error names the parameter at fault.

use chrono::NaiveDate;

use crate::spatial::query::check_bbox;

/// Items returned when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 100;
/// The most items one response holds; a larger `limit` is lowered to it
/// (OGC 17-069r4 §7.15.3 lets a server cap the page size).
pub const MAX_LIMIT: usize = 10_000;

/// A parameter that could not be used: which one and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadParam {
    /// The parameter's name.
    pub param: String,
    /// What is wrong with it.
    pub message: String,
}

impl BadParam {
    pub(crate) fn new(param: &str, message: impl Into<String>) -> BadParam {
        BadParam { param: param.to_string(), message: message.into() }
    }
}

/// Decodes `%XX` escapes and `+` (a space in a query). Invalid escapes and
/// bytes that are not UTF-8 are an error.
pub fn percent_decode(s: &str, param: &str) -> Result<String, BadParam> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = b.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
                let v = hex.and_then(|h| u8::from_str_radix(h, 16).ok());
                out.push(v.ok_or_else(|| BadParam::new(param, "invalid percent-encoding"))?);
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| BadParam::new(param, "not UTF-8"))
}

/// The `name=value` pairs of a query string, decoded. A name given twice
/// is an error (which of the two would be meant is not clear).
pub fn parse_query(query: &str) -> Result<Vec<(String, String)>, BadParam> {
    let mut out: Vec<(String, String)> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = percent_decode(k, "query")?;
        let v = percent_decode(v, &k)?;
        if out.iter().any(|(o, _)| *o == k) {
            return Err(BadParam::new(&k, "given more than once"));
        }
        out.push((k, v));
    }
    Ok(out)
}

/// `bbox=minx,miny,maxx,maxy` (or six numbers with heights, which are
/// ignored) in CRS84 degrees; `minx > maxx` crosses the antimeridian.
pub fn parse_bbox(v: &str) -> Result<[f64; 4], BadParam> {
    let nums: Vec<f64> = v
        .split(',')
        .map(|t| t.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| BadParam::new("bbox", "expected four numbers minx,miny,maxx,maxy"))?;
    let b = match nums[..] {
        [w, s, e, n] | [w, s, _, e, n, _] => [w, s, e, n],
        _ => return Err(BadParam::new("bbox", "expected four numbers minx,miny,maxx,maxy")),
    };
    if b.iter().any(|x| !x.is_finite()) {
        return Err(BadParam::new("bbox", "numbers must be finite"));
    }
    check_bbox(b).map_err(|m| BadParam::new("bbox", m))
}

/// A `datetime` interval on days, both ends inclusive; `None` is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DateRange {
    /// First day, or open.
    pub from: Option<NaiveDate>,
    /// Last day, or open.
    pub to: Option<NaiveDate>,
}

impl DateRange {
    /// Whether a day is inside.
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from.is_none_or(|f| d >= f) && self.to.is_none_or(|t| d <= t)
    }

    /// Whether the days `first..=last` overlap the range.
    pub fn overlaps(&self, first: NaiveDate, last: NaiveDate) -> bool {
        self.from.is_none_or(|f| last >= f) && self.to.is_none_or(|t| first <= t)
    }
}

/// One end of a `datetime`: an RFC 3339 date or date-time; the day is what
/// counts (`event_date` is a day).
fn parse_instant(s: &str) -> Result<NaiveDate, BadParam> {
    let day = s.get(..10).unwrap_or(s);
    let ok_rest = s.len() == 10 || s.as_bytes().get(10).is_some_and(|c| matches!(c, b'T' | b't'));
    match NaiveDate::parse_from_str(day, "%Y-%m-%d") {
        Ok(d) if ok_rest => Ok(d),
        _ => Err(BadParam::new("datetime", format!("{s:?} is not an RFC 3339 date or date-time"))),
    }
}

/// `datetime`: an instant (`2020-05-15`, `2020-05-15T10:00:00Z`), a closed
/// interval `a/b`, or a half-open one `../b`, `a/..` (an empty end is open
/// too).
pub fn parse_datetime(v: &str) -> Result<DateRange, BadParam> {
    let v = v.trim();
    match v.split_once('/') {
        None => {
            let d = parse_instant(v)?;
            Ok(DateRange { from: Some(d), to: Some(d) })
        }
        Some((a, b)) => {
            let end = |s: &str| if s.is_empty() || s == ".." { Ok(None) } else { parse_instant(s).map(Some) };
            let r = DateRange { from: end(a)?, to: end(b)? };
            if r.from.is_none() && r.to.is_none() {
                return Err(BadParam::new("datetime", "both ends of the interval are open"));
            }
            if let (Some(f), Some(t)) = (r.from, r.to)
                && f > t
            {
                return Err(BadParam::new("datetime", "the interval starts after it ends"));
            }
            Ok(r)
        }
    }
}

/// A non-negative integer parameter.
pub fn parse_count(name: &str, v: &str) -> Result<usize, BadParam> {
    v.trim().parse::<usize>().map_err(|_| BadParam::new(name, "expected a non-negative integer"))
}

/// `limit`: 1 or more, lowered to [`MAX_LIMIT`].
pub fn parse_limit(v: &str) -> Result<usize, BadParam> {
    match parse_count("limit", v)? {
        0 => Err(BadParam::new("limit", "must be at least 1")),
        n => Ok(n.min(MAX_LIMIT)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
    }

    #[test]
    fn datetime_forms() {
        assert_eq!(parse_datetime("2020-05-15").unwrap(), DateRange { from: d("2020-05-15"), to: d("2020-05-15") });
        assert_eq!(parse_datetime("2020-05-15T10:00:00Z").unwrap().from, d("2020-05-15"));
        assert_eq!(parse_datetime("../2020-05-15").unwrap(), DateRange { from: None, to: d("2020-05-15") });
        assert_eq!(parse_datetime("2020-05-15/..").unwrap(), DateRange { from: d("2020-05-15"), to: None });
        assert_eq!(parse_datetime("2020-05-15/").unwrap(), DateRange { from: d("2020-05-15"), to: None });
        let r = parse_datetime("2020-01-01/2020-12-31").unwrap();
        assert!(r.contains(d("2020-06-01").unwrap()) && !r.contains(d("2021-01-01").unwrap()));
        for bad in ["", "../..", "2020-13-01", "yesterday", "2020-05-02/2020-05-01", "2020-05-15X"] {
            let e = parse_datetime(bad).unwrap_err();
            assert_eq!(e.param, "datetime", "{bad}");
        }
    }

    #[test]
    fn bbox_forms() {
        assert_eq!(parse_bbox("170,-10,-170,10").unwrap(), [170.0, -10.0, -170.0, 10.0]);
        assert_eq!(parse_bbox("1,2,0,3,4,9").unwrap(), [1.0, 2.0, 3.0, 4.0]);
        for bad in ["1,2,3", "a,b,c,d", "0,5,1,4", "0,0,200,1", "NaN,0,1,1"] {
            assert_eq!(parse_bbox(bad).unwrap_err().param, "bbox", "{bad}");
        }
    }

    #[test]
    fn query_strings() {
        let q = parse_query("event_type=Explosions%2FRemote+violence&limit=5&f").unwrap();
        assert_eq!(q[0], ("event_type".into(), "Explosions/Remote violence".into()));
        assert_eq!(q[2], ("f".into(), String::new()));
        assert_eq!(parse_query("a=1&a=2").unwrap_err().param, "a");
        assert_eq!(parse_query("admin1=%ZZ").unwrap_err().param, "admin1");
        assert_eq!(parse_query("admin1=%FF").unwrap_err().param, "admin1");
        assert_eq!(parse_limit("0").unwrap_err().param, "limit");
        assert_eq!(parse_limit("-1").unwrap_err().param, "limit");
        assert_eq!(parse_limit("99999").unwrap(), MAX_LIMIT);
    }
}
