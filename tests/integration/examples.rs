//! The main job on the shipped example reports, scored against the answer
//! key in `examples/reports/expected.json` (runs the real binary).

use std::path::Path;

use serde_json::Value;

use crate::util::{examples, incidentmap, read_json};

fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2) + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

fn fold(s: &str) -> String {
    s.to_lowercase().replace(['-', ' ', '\''], "").trim_start_matches("al").to_string()
}

struct Scored {
    matched: Vec<(Value, Value)>,
    missed: Vec<Value>,
    extra: Vec<Value>,
}

/// Greedy one-to-one matching: same admin1, dates within a day, points
/// within 60 km; the closest date and point win.
fn score(expected: &[Value], got: &[Value]) -> Scored {
    let mut used = vec![false; got.len()];
    let mut matched = Vec::new();
    let mut missed = Vec::new();
    for e in expected {
        let ed = chrono::NaiveDate::parse_from_str(e["event_date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        let ep = (e["latitude"].as_f64().unwrap(), e["longitude"].as_f64().unwrap());
        let mut best: Option<(usize, f64)> = None;
        for (k, g) in got.iter().enumerate() {
            if used[k] || fold(g["admin1"].as_str().unwrap_or("")) != fold(e["admin1"].as_str().unwrap()) {
                continue;
            }
            let gd = chrono::NaiveDate::parse_from_str(g["event_date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
            let days = (gd - ed).num_days().abs();
            let gp = (g["latitude"].as_f64().unwrap(), g["longitude"].as_f64().unwrap());
            let area = matches!(e["location_type"].as_str(), Some("admin1" | "region"));
            let km = haversine_km(ep, gp);
            if days > 1 || (!area && km > 60.0) {
                continue;
            }
            let cost = days as f64 * 100.0 + km;
            if best.is_none_or(|(_, c)| cost < c) {
                best = Some((k, cost));
            }
        }
        match best {
            Some((k, _)) => {
                used[k] = true;
                matched.push((e.clone(), got[k].clone()));
            }
            None => missed.push(e.clone()),
        }
    }
    let extra = got.iter().zip(&used).filter(|(_, u)| !**u).map(|(g, _)| g.clone()).collect();
    Scored { matched, missed, extra }
}

fn run_extract(dir: &Path) -> Vec<Value> {
    incidentmap(["extract", "--format", "jsonl"]).arg(dir).run().assert_exit(0).stdout_json_lines()
}

fn brief(v: &Value) -> String {
    format!(
        "{} {} {} [{}] k{} i{} {}",
        v["event_date"],
        v["location"],
        v["admin1"],
        v["sub_event_type"],
        v["fatalities"],
        v["injured"],
        v["source"].as_str().or(v["sources"].as_array().and_then(|a| a[0].as_str())).unwrap_or("")
    )
}

#[test]
fn examples_match_the_answer_key() {
    let expected = read_json(&examples().join("expected.json"));
    let expected = expected["incidents"].as_array().unwrap().clone();
    let got = run_extract(&examples());
    let s = score(&expected, &got);
    let recall = s.matched.len() as f64 / expected.len() as f64;
    let precision = s.matched.len() as f64 / got.len().max(1) as f64;
    let mut report = format!("recall {recall:.2} precision {precision:.2}\n");
    for m in &s.missed {
        report.push_str(&format!("  missed: {}\n", brief(m)));
    }
    for x in &s.extra {
        report.push_str(&format!("  extra:  {}\n", brief(x)));
    }
    let mut wrong = Vec::new();
    for (e, g) in &s.matched {
        for f in [
            "event_date",
            "time_precision",
            "fatalities",
            "injured",
            "event_type",
            "sub_event_type",
            "actor1",
            "actor2",
            "geo_precision",
        ] {
            if e[f] != g[f] {
                wrong.push(format!("  {f}: expected {} got {} for {}", e[f], g[f], brief(e)));
            }
        }
        // Every source that told the event is listed.
        for src in e["sources"].as_array().unwrap() {
            let src = src.as_str().unwrap();
            if !g["source"].as_str().unwrap().contains(src) {
                wrong.push(format!("  source {src} missing from {}", brief(g)));
            }
        }
    }
    report.push_str(&wrong.join("\n"));
    eprintln!("{report}");
    assert!(recall == 1.0 && precision == 1.0, "{report}");
    assert!(wrong.is_empty(), "{report}");
}

#[test]
fn the_answer_key_covers_every_acled_sub_event_type_twice() {
    let expected = read_json(&examples().join("expected.json"));
    let mut counts = std::collections::BTreeMap::new();
    for e in expected["incidents"].as_array().unwrap() {
        *counts.entry((e["event_type"].as_str().unwrap(), e["sub_event_type"].as_str().unwrap())).or_insert(0) += 1;
    }
    let taxonomy = [
        ("Battles", "Armed clash"),
        ("Battles", "Government regains territory"),
        ("Battles", "Non-state actor overtakes territory"),
        ("Explosions/Remote violence", "Chemical weapon"),
        ("Explosions/Remote violence", "Air/drone strike"),
        ("Explosions/Remote violence", "Suicide bomb"),
        ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
        ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
        ("Explosions/Remote violence", "Grenade"),
        ("Violence against civilians", "Sexual violence"),
        ("Violence against civilians", "Attack"),
        ("Violence against civilians", "Abduction/forced disappearance"),
        ("Protests", "Excessive force against protesters"),
        ("Protests", "Protest with intervention"),
        ("Protests", "Peaceful protest"),
        ("Riots", "Violent demonstration"),
        ("Riots", "Mob violence"),
        ("Strategic developments", "Agreement"),
        ("Strategic developments", "Arrests"),
        ("Strategic developments", "Change to group/activity"),
        ("Strategic developments", "Disrupted weapons use"),
        ("Strategic developments", "Headquarters or base established"),
        ("Strategic developments", "Looting/property destruction"),
        ("Strategic developments", "Non-violent transfer of territory"),
        ("Strategic developments", "Other"),
    ];
    for t in taxonomy {
        assert!(counts.get(&t).copied().unwrap_or(0) >= 2, "{t:?} appears fewer than twice in expected.json");
    }
    assert!(counts.keys().all(|k| taxonomy.contains(k)), "a type outside ACLED's taxonomy: {counts:?}");
}

#[test]
fn incidents_are_never_coded_as_sites_for_regions() {
    let got = run_extract(&examples());
    for g in &got {
        let loc = g["location"].as_str().unwrap().to_lowercase();
        if ["northern ", "southern ", "eastern ", "western "].iter().any(|d| loc.starts_with(d))
            && g["location_type"] == "region"
        {
            assert_ne!(g["geo_precision"], 1, "{}", brief(g));
        }
    }
}
