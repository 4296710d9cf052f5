//! `timeline.png`: incidents and fatalities over time, per day for spans
//! of up to [`MAX_DAILY_DAYS`] days, per ISO week (Monday to Sunday) up to
//! [`MAX_WEEKLY_DAYS`], per month beyond; two panels of bars stacked by
//! event type, sharing the time axis.

use chrono::{Datelike, Days, Months, NaiveDate};

use super::palette::{GREY, INK, PAPER, type_colour, type_index, type_name};
use super::scene::{Anchor, Paint, Rgba, Scene, Shape, nice_ceil};
use super::{date_range, thousands};
use crate::extract::incident::Incident;

/// Picture width, pixels.
pub const WIDTH: u32 = 1500;
/// Picture height, pixels.
pub const HEIGHT: u32 = 760;
/// Longest span drawn per day.
pub const MAX_DAILY_DAYS: i64 = 62;
/// Longest span drawn per week (about four years: 210 bars).
pub const MAX_WEEKLY_DAYS: i64 = 4 * 366;

const LEFT: f32 = 84.0;
const RIGHT: f32 = 30.0;

/// The width of one bar of the time axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bin {
    /// One day.
    Day,
    /// One ISO week, Monday to Sunday.
    Week,
    /// One calendar month.
    Month,
}

impl Bin {
    /// The bin for a span from `first` to `last` (inclusive).
    pub fn for_span(first: NaiveDate, last: NaiveDate) -> Bin {
        let days = (last - first).num_days() + 1;
        if days <= MAX_DAILY_DAYS {
            Bin::Day
        } else if days <= MAX_WEEKLY_DAYS {
            Bin::Week
        } else {
            Bin::Month
        }
    }

    /// The first day of the bin holding `d`.
    pub fn start(self, d: NaiveDate) -> NaiveDate {
        match self {
            Bin::Day => d,
            Bin::Week => d - Days::new(u64::from(d.weekday().num_days_from_monday())),
            Bin::Month => d.with_day(1).expect("day 1 exists"),
        }
    }

    /// The first day of the next bin after the one starting at `start`.
    pub fn next(self, start: NaiveDate) -> NaiveDate {
        match self {
            Bin::Day => start + Days::new(1),
            Bin::Week => start + Days::new(7),
            Bin::Month => start + Months::new(1),
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Bin::Day => "day",
            Bin::Week => "week",
            Bin::Month => "month",
        }
    }

    fn label(self, start: NaiveDate) -> String {
        match self {
            Bin::Month => start.format("%Y-%m").to_string(),
            _ => start.format("%Y-%m-%d").to_string(),
        }
    }
}

/// Incidents and fatalities per bin and event type.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The bin width.
    pub bin: Bin,
    /// The first day of each bin, in order, with no gaps.
    pub starts: Vec<NaiveDate>,
    /// Incidents per bin, by type index ([`type_index`]).
    pub incidents: Vec<[u64; 7]>,
    /// Fatalities per bin, by type index.
    pub fatalities: Vec<[u64; 7]>,
}

/// Counts `incidents` into bins; `None` without incidents.
pub fn series(incidents: &[Incident]) -> Option<Series> {
    let (first, last) = date_range(incidents)?;
    let bin = Bin::for_span(first, last);
    let mut starts = Vec::new();
    let mut s = bin.start(first);
    while s <= last {
        starts.push(s);
        s = bin.next(s);
    }
    let mut counts = vec![[0u64; 7]; starts.len()];
    let mut deaths = vec![[0u64; 7]; starts.len()];
    let origin = starts[0];
    for inc in incidents {
        let b = bin.start(inc.event_date);
        let i = match bin {
            Bin::Day => (b - origin).num_days() as usize,
            Bin::Week => ((b - origin).num_days() / 7) as usize,
            Bin::Month => ((b.year() - origin.year()) * 12 + b.month() as i32 - origin.month() as i32) as usize,
        };
        let t = type_index(&inc.event_type);
        counts[i][t] += 1;
        deaths[i][t] += u64::from(inc.fatalities);
    }
    Some(Series { bin, starts, incidents: counts, fatalities: deaths })
}

/// The timeline picture.
pub fn timeline_scene(incidents: &[Incident]) -> Scene {
    let mut scene = Scene::new(WIDTH, HEIGHT, PAPER);
    let Some(series) = series(incidents) else {
        scene.text(20.0, 34.0, 24.0, "No incidents", INK, Anchor::Start);
        scene.text(20.0, 58.0, 13.0, "Nothing to chart: the inputs gave no incidents.", GREY, Anchor::Start);
        return scene;
    };
    let (first, last) = date_range(incidents).expect("incidents");
    let noun = series.bin.noun();
    let fatalities: u64 = incidents.iter().map(|i| u64::from(i.fatalities)).sum();
    scene.text(
        20.0,
        34.0,
        24.0,
        format!("Incidents and fatalities per {noun} by event type, {first} \u{2013} {last}"),
        INK,
        Anchor::Start,
    );
    let week_note = if series.bin == Bin::Week { "; weeks run Monday to Sunday, labelled by their Monday" } else { "" };
    scene.text(
        20.0,
        58.0,
        13.0,
        format!("{} incidents, {} fatalities{week_note}", thousands(incidents.len() as u64), thousands(fatalities)),
        GREY,
        Anchor::Start,
    );

    // Legend row: the types present.
    let mut present = [false; 7];
    for row in &series.incidents {
        for (t, &n) in row.iter().enumerate() {
            present[t] |= n > 0;
        }
    }
    let mut x = LEFT;
    for t in (0..7).filter(|&t| present[t]) {
        scene.rect(x, 80.0, 14.0, 14.0, Paint::fill(type_colour(t)));
        scene.text(x + 20.0, 92.0, 13.0, type_name(t), INK, Anchor::Start);
        x += 20.0 + super::font::text_width(type_name(t), 13.0) + 26.0;
    }

    let n = series.starts.len();
    let plot_w = WIDTH as f32 - LEFT - RIGHT;
    let bw = plot_w / n as f32;
    let panels = [
        (&series.incidents, format!("Incidents per {noun}"), 130.0f32, 430.0f32),
        (&series.fatalities, format!("Fatalities per {noun}"), 490.0, 690.0),
    ];
    for (data, name, top, bottom) in panels {
        scene.text(LEFT, top - 10.0, 14.0, name, INK, Anchor::Start);
        let max = data.iter().map(|r| r.iter().sum::<u64>()).max().unwrap_or(0);
        let step = nice_ceil((max.max(1) as f64 / 5.0).max(1.0)) as u64;
        let ymax = max.max(1).div_ceil(step) * step;
        let yk = (bottom - top) / ymax as f32;
        // Grid and y labels.
        let mut grid = Vec::new();
        let mut v = 0;
        while v <= ymax {
            let y = bottom - v as f32 * yk;
            grid.push(vec![[LEFT, y], [LEFT + plot_w, y]]);
            scene.text(LEFT - 8.0, y + 4.0, 12.0, thousands(v), GREY, Anchor::End);
            v += step;
        }
        scene.push(Shape::Path { rings: grid, closed: false, paint: Paint::stroke(Rgba(0xDD, 0xDD, 0xDD, 255), 1.0) });
        // Bars, one path per type.
        let gap = if bw >= 4.0 { (bw * 0.12).min(6.0) } else { 0.0 };
        let mut bars: Vec<Vec<Vec<[f32; 2]>>> = vec![Vec::new(); 7];
        for (i, row) in data.iter().enumerate() {
            let (x0, x1) = (LEFT + i as f32 * bw + gap, LEFT + (i + 1) as f32 * bw - gap);
            let mut base = 0u64;
            for (t, &c) in row.iter().enumerate().filter(|(_, c)| **c > 0) {
                let (y0, y1) = (bottom - base as f32 * yk, bottom - (base + c) as f32 * yk);
                bars[t].push(vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1]]);
                base += c;
            }
        }
        for (t, rings) in bars.into_iter().enumerate().filter(|(_, r)| !r.is_empty()) {
            scene.push(Shape::Path { rings, closed: true, paint: Paint::fill(type_colour(t)) });
        }
        scene.line(vec![[LEFT, bottom], [LEFT + plot_w, bottom]], GREY, 1.0);
    }

    // Time axis under the lower panel: a label every few bins.
    let label_w = super::font::text_width(&series.bin.label(series.starts[0]), 12.0) + 16.0;
    let every = (label_w / bw).ceil().max(1.0) as usize;
    let mut ticks = Vec::new();
    for (i, s) in series.starts.iter().enumerate().step_by(every) {
        let x = LEFT + (i as f32 + 0.5) * bw;
        ticks.push(vec![[x, 690.0], [x, 696.0]]);
        scene.text(x, 712.0, 12.0, series.bin.label(*s), INK, Anchor::Middle);
    }
    scene.push(Shape::Path { rings: ticks, closed: false, paint: Paint::stroke(GREY, 1.0) });
    scene.meta.push(("bin", noun.to_string()));
    scene.meta.push(("bins", n.to_string()));
    scene
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::LonLat;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn inc(date: NaiveDate, t: &str, f: u32) -> Incident {
        let mut i = Incident::new(date, LonLat { lon: 44.0, lat: 33.0 });
        i.event_type = t.into();
        i.fatalities = f;
        i
    }

    #[test]
    fn bin_width_follows_the_span() {
        assert_eq!(Bin::for_span(d(2020, 5, 1), d(2020, 5, 1)), Bin::Day);
        assert_eq!(Bin::for_span(d(2020, 5, 1), d(2020, 7, 1)), Bin::Day); // 62 days
        assert_eq!(Bin::for_span(d(2020, 5, 1), d(2020, 7, 2)), Bin::Week);
        assert_eq!(Bin::for_span(d(2018, 1, 1), d(2024, 1, 1)), Bin::Month);
        // 2020-05-14 is a Thursday; its ISO week starts on Monday 11 May.
        assert_eq!(Bin::Week.start(d(2020, 5, 14)), d(2020, 5, 11));
        assert_eq!(Bin::Week.start(d(2020, 5, 11)), d(2020, 5, 11));
        assert_eq!(Bin::Month.next(d(2020, 12, 1)), d(2021, 1, 1));
    }

    #[test]
    fn series_counts_every_incident_once_in_its_bin() {
        let incs = [
            inc(d(2020, 5, 1), "Battles", 2),
            inc(d(2020, 5, 3), "Protests", 0),
            inc(d(2020, 5, 3), "Battles", 5),
            inc(d(2020, 5, 3), "Unknown", 1),
        ];
        let s = series(&incs).unwrap();
        assert_eq!(s.bin, Bin::Day);
        assert_eq!(s.starts, [d(2020, 5, 1), d(2020, 5, 2), d(2020, 5, 3)]);
        assert_eq!(s.incidents[0], [1, 0, 0, 0, 0, 0, 0]);
        assert_eq!(s.incidents[1], [0; 7]);
        assert_eq!(s.incidents[2], [1, 0, 0, 1, 0, 0, 1]);
        assert_eq!(s.fatalities[2], [5, 0, 0, 0, 0, 0, 1]);

        // Weekly: 100 days from a Wednesday.
        let weekly = [inc(d(2020, 1, 1), "Riots", 1), inc(d(2020, 4, 9), "Riots", 3), inc(d(2020, 4, 6), "Riots", 1)];
        let s = series(&weekly).unwrap();
        assert_eq!(s.bin, Bin::Week);
        assert_eq!(s.starts[0], d(2019, 12, 30));
        assert_eq!(*s.starts.last().unwrap(), d(2020, 4, 6));
        assert_eq!(s.incidents.iter().map(|r| r[4]).sum::<u64>(), 3);
        assert_eq!(s.incidents.last().unwrap()[4], 2);
        assert_eq!(s.fatalities.last().unwrap()[4], 4);

        let monthly = [inc(d(2015, 3, 31), "Battles", 0), inc(d(2020, 2, 29), "Battles", 0)];
        let s = series(&monthly).unwrap();
        assert_eq!(s.bin, Bin::Month);
        assert_eq!(s.starts.len(), 60);
        assert_eq!(s.incidents[59][0], 1);
        assert!(series(&[]).is_none());
    }

    #[test]
    fn the_chart_has_one_bar_per_type_and_bin_with_incidents() {
        let incs = [inc(d(2020, 5, 1), "Battles", 2), inc(d(2020, 5, 3), "Protests", 0)];
        let scene = timeline_scene(&incs);
        let bars = |c: Rgba| -> usize {
            scene
                .shapes
                .iter()
                .filter_map(|s| match s {
                    Shape::Path { rings, closed: true, paint } if paint.fill == Some(c) => Some(rings.len()),
                    _ => None,
                })
                .sum()
        };
        // Battles: one incident bar and one fatalities bar; Protests: one
        // incident bar (no fatalities).
        assert_eq!(bars(type_colour(0)), 2);
        assert_eq!(bars(type_colour(3)), 1);
        assert!(scene.shapes.iter().any(|s| matches!(s, Shape::Text { text, .. } if text == "2020-05-01")));
    }
}
