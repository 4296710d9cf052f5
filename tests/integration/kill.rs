//! Issue 19's kill test: `map -o DIR` killed (SIGKILL, no chance to clean
//! up) at random points of 50 runs into an existing directory always
//! leaves either the old layer set or the new one, byte for byte, with the
//! analyst's own files untouched; the next complete run leaves no
//! temporary file or staging directory behind.

use crate::util::{BIN, Dir, s};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A layer of `n` incidents; `tag` makes two layers' outputs differ.
fn layer(n: usize, tag: &str) -> String {
    let mut csv = String::from("event_date,latitude,longitude,event_type,fatalities,notes\n");
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15 ^ tag.len() as u64;
    for i in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let lat = 29.0 + (x % 8000) as f64 / 1000.0;
        let lon = 39.0 + (x / 8000 % 9000) as f64 / 1000.0;
        csv.push_str(&format!("2020-05-{:02},{lat:.3},{lon:.3},Battles,{},{tag} {i}\n", i % 28 + 1, i % 5));
    }
    csv
}

fn map_cmd(input: &Path, out: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.args(["map", s(input), "-o", s(out)])
        // Reproducible GeoPackage time stamps: two runs give the same bytes.
        .env("SOURCE_DATE_EPOCH", "1589500800")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// Every file of a directory by name, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[cfg(unix)]
#[test]
fn sigkill_at_random_points_leaves_the_old_set_or_the_new_one() {
    let work = Dir::new();
    let inputs = [work.create("a.csv", layer(4000, "first")), work.create("b.csv", layer(4000, "second"))];
    let parent = work.join("maps");
    std::fs::create_dir(&parent).unwrap();
    let out = parent.join("out");

    // The two sets, from complete runs, and how long a run takes.
    let mut sets = Vec::new();
    let mut longest = Duration::ZERO;
    for (i, input) in inputs.iter().enumerate() {
        let reference = work.join(format!("ref{i}"));
        let t0 = Instant::now();
        assert!(map_cmd(input, &reference).status().unwrap().success());
        longest = longest.max(t0.elapsed());
        let mut set = snapshot(&reference);
        set.insert("analyst_notes.txt".into(), b"mine".to_vec());
        sets.push(set);
    }
    assert_ne!(sets[0], sets[1]);

    assert!(map_cmd(&inputs[0], &out).status().unwrap().success());
    std::fs::write(out.join("analyst_notes.txt"), b"mine").unwrap();
    let mut current = 0;
    // A seed from the clock, printed on failure, so a failure can be replayed.
    let seed = std::env::var("KILL_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1
    });
    let mut x = seed;
    let (mut old, mut new) = (0, 0);
    for run in 0..50 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let next = 1 - current;
        let delay = longest.mul_f64((x % 1000) as f64 / 1000.0 * 1.2);
        let mut child = map_cmd(&inputs[next], &out).spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let now = snapshot(&out);
        if now == sets[next] {
            current = next;
            new += 1;
        } else {
            assert!(
                now == sets[current],
                "run {run} (KILL_SEED={seed}, killed after {delay:?}) left a mixed set: {:?}",
                now.keys().collect::<Vec<_>>()
            );
            old += 1;
        }
    }
    eprintln!("50 kills: {old} left the old set, {new} the new one");
    // The next complete run cleans up whatever the killed ones left.
    assert!(map_cmd(&inputs[0], &out).status().unwrap().success());
    assert_eq!(snapshot(&out), sets[0]);
    assert_eq!(names(&parent), ["out"], "staging directories left beside the output");
}
