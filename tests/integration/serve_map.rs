//! The `/map` page in a real browser: headless Chromium loads it from the
//! real binary serving the examples, with WebGL drawn in software
//! (SwiftShader), and the test reads what the page reports and what it
//! drew.
//!
//! Chromium is driven over the DevTools protocol on a pipe
//! (`--remote-debugging-pipe`: JSON messages ending in a NUL byte, on file
//! descriptors 3 and 4), not with `--dump-dom`/`--screenshot`: those take
//! the page when *virtual* time runs out, while MapLibre's worker and
//! SwiftShader run in real time, so they caught the page before it had
//! drawn about half the time. Here the test waits, in real time, for the
//! page's status element to say it is ready.
//!
//! Without `chromium` on PATH the tests print that they skip, except under
//! `CI=true`, where they fail.

use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

use crate::serve::Served;
use crate::util::{Dir, examples, external_program, incidentmap, s};

/// How long the page may take to load and draw (SwiftShader on two shared
/// cores draws a frame in well under a second; loading takes two or three).
const READY_TIMEOUT: Duration = Duration::from_secs(60);
const WIDTH: u32 = 1024;
const HEIGHT: u32 = 768;

/// A headless Chromium on a DevTools pipe, killed on drop.
struct Browser {
    child: Child,
    to: std::fs::File,
    from: Receiver<Value>,
    next_id: u64,
    session: Option<String>,
    _profile: Dir,
}

/// Two pipes' ends, close-on-exec (the child gets its copies by `dup2`).
fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0 as RawFd; 2];
    // SAFETY: `fds` is a valid array of two ints for pipe2 to fill.
    let r = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
    assert_eq!(r, 0, "pipe2: {}", std::io::Error::last_os_error());
    // SAFETY: pipe2 succeeded, so both are open descriptors we now own.
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

impl Browser {
    fn start(chromium: &std::path::Path) -> Browser {
        use std::os::fd::AsRawFd;
        let profile = Dir::new();
        let (child_in, to) = pipe();
        let (from, child_out) = pipe();
        let (cin, cout) = (child_in.as_raw_fd(), child_out.as_raw_fd());
        let mut cmd = Command::new(chromium);
        cmd.args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--use-angle=swiftshader",
            "--enable-unsafe-swiftshader",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--mute-audio",
            "--remote-debugging-pipe",
            &format!("--user-data-dir={}", s(profile.path())),
            &format!("--window-size={WIDTH},{HEIGHT}"),
            "about:blank",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        // SAFETY: only async-signal-safe calls (fcntl, dup2) between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                // Moved above 10 first, so that dup2 onto 3 and 4 cannot
                // clobber one of them (and clears close-on-exec).
                let a = libc::fcntl(cin, libc::F_DUPFD_CLOEXEC, 10);
                let b = libc::fcntl(cout, libc::F_DUPFD_CLOEXEC, 10);
                if a < 0 || b < 0 || libc::dup2(a, 3) < 0 || libc::dup2(b, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("start chromium");
        drop((child_in, child_out));
        let (tx, rx) = channel();
        let mut reader = std::fs::File::from(from);
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 64 * 1024];
            loop {
                let n = match reader.read(&mut chunk) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                buf.extend_from_slice(&chunk[..n]);
                while let Some(end) = buf.iter().position(|&b| b == 0) {
                    let msg: Vec<u8> = buf.drain(..=end).collect();
                    if let Ok(v) = serde_json::from_slice::<Value>(&msg[..msg.len() - 1])
                        && tx.send(v).is_err()
                    {
                        return;
                    }
                }
            }
        });
        Browser { child, to: std::fs::File::from(to), from: rx, next_id: 0, session: None, _profile: profile }
    }

    /// Sends one command (to the attached page, once there is one) and
    /// returns its result; events in between are dropped.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(sid) = &self.session {
            msg["sessionId"] = json!(sid);
        }
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        self.to.write_all(&bytes).expect("write to chromium");
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.from.recv_timeout(left) {
                Ok(v) if v["id"] == id => {
                    assert!(v.get("error").is_none(), "chromium: {method}: {}", v["error"]);
                    return v["result"].clone();
                }
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => panic!("chromium did not answer {method}"),
                Err(RecvTimeoutError::Disconnected) => panic!("chromium closed the pipe (answering {method})"),
            }
        }
    }

    /// Opens `url` in a new page of `WIDTH` x `HEIGHT` and attaches to it.
    fn open(&mut self, url: &str) {
        let target = self.call("Target.createTarget", json!({ "url": "about:blank" }));
        let attached = self.call("Target.attachToTarget", json!({ "targetId": target["targetId"], "flatten": true }));
        self.session = Some(attached["sessionId"].as_str().unwrap().to_string());
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": false }),
        );
        self.call("Page.navigate", json!({ "url": url }));
    }

    /// The value of a JavaScript expression in the page.
    fn eval(&mut self, expr: &str) -> Value {
        let r = self.call("Runtime.evaluate", json!({ "expression": expr, "returnByValue": true }));
        r["result"]["value"].clone()
    }

    /// Waits until the page's status element leaves the loading state;
    /// returns its `data-*` attributes and text.
    fn status(&mut self) -> Value {
        let deadline = Instant::now() + READY_TIMEOUT;
        let expr = "(function () { var e = document.getElementById('status'); \
                    return e ? Object.assign({ text: e.textContent }, e.dataset) : null; })()";
        loop {
            let v = self.eval(expr);
            if v["state"] == "ready" || v["state"] == "error" {
                return v;
            }
            assert!(Instant::now() < deadline, "the map page did not get ready: {v}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// A PNG of the page as it is drawn now.
    fn screenshot(&mut self) -> Vec<u8> {
        let r = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        base64::engine::general_purpose::STANDARD.decode(r["data"].as_str().unwrap()).unwrap()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An RGBA image.
struct Image {
    width: u32,
    height: u32,
    rgba: Vec<u8>,
}

impl Image {
    fn decode(png_bytes: &[u8]) -> Image {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size().expect("a sane size")];
        let info = reader.next_frame(&mut buf).expect("a PNG frame");
        let rgba = match info.color_type {
            png::ColorType::Rgba => buf[..info.buffer_size()].to_vec(),
            png::ColorType::Rgb => buf[..info.buffer_size()].chunks(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect(),
            other => panic!("unexpected PNG colour type {other:?}"),
        };
        Image { width: info.width, height: info.height, rgba }
    }

    fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let i = ((y * self.width + x) * 4) as usize;
        [self.rgba[i], self.rgba[i + 1], self.rgba[i + 2]]
    }

    /// Pixels right of `x0` within `tolerance` (per channel) of `colour`.
    fn count_near(&self, x0: u32, colour: [u8; 3], tolerance: u8) -> usize {
        let mut n = 0;
        for y in 0..self.height {
            for x in x0..self.width {
                let p = self.pixel(x, y);
                if p.iter().zip(colour).all(|(&a, b)| a.abs_diff(b) <= tolerance) {
                    n += 1;
                }
            }
        }
        n
    }
}

fn hex(s: &str) -> [u8; 3] {
    let v = u32::from_str_radix(s.trim_start_matches('#'), 16).unwrap();
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}

/// The incidents `map` gets from the examples: the number the page must
/// account for, and the event types present.
fn example_incidents() -> (u64, Vec<String>) {
    let dir = Dir::new();
    incidentmap(["map", s(&examples()), "-o", s(dir.path())]).run().assert_exit(0);
    let fc = crate::util::read_json(&dir.join("incidents.geojson"));
    let feats = fc["features"].as_array().unwrap();
    let mut types: Vec<String> =
        feats.iter().map(|f| f["properties"]["event_type"].as_str().unwrap().to_string()).collect();
    types.sort();
    types.dedup();
    (feats.len() as u64, types)
}

/// The title of the page shot for `docs/serve-map.png`.
const DOCS_TITLE: &str = "incidentmap examples";

/// Also writes `docs/serve-map.png`, the README's picture of the page, when
/// asked to:
///
/// ```sh
/// INCIDENTMAP_MAP_SCREENSHOT=$PWD/docs/serve-map.png \
///     cargo test --test integration serve_map::chromium_draws_the_examples
/// ```
#[test]
fn chromium_draws_the_examples_as_clusters_over_the_base_map() {
    let test = "chromium_draws_the_examples_as_clusters_over_the_base_map";
    let Some(chromium) = external_program(test, "chromium", "apt-get install chromium") else { return };
    let (total, types) = example_incidents();
    // Titled as `serve examples/reports --title "incidentmap examples"`
    // would be: the screenshot is the README's picture.
    let srv = Served::start_titled(&[s(&examples())], DOCS_TITLE);
    let mut browser = Browser::start(&chromium);
    browser.open(&format!("{}/map", srv.url));
    let status = browser.status();
    assert_eq!(status["state"], "ready", "{status}");
    // Fitted to the data: every incident is in view, in clusters and as
    // single incidents, and some are clustered.
    let n = |k: &str| status[k].as_str().and_then(|v| v.parse::<u64>().ok()).unwrap_or_else(|| panic!("{k}: {status}"));
    assert_eq!(n("incidents"), total, "{status}");
    assert!(n("clusters") >= 1 && n("clusters") <= n("features"), "{status}");
    assert!(n("features") < total, "at the fitted zoom some incidents share a cluster: {status}");
    // One count label per cluster, and the type menu lists the six types.
    assert_eq!(browser.eval("document.querySelectorAll('.cluster-label').length").as_u64(), Some(n("clusters")));
    assert_eq!(browser.eval("document.getElementById('type').options.length").as_u64(), Some(7));
    assert_eq!(browser.eval("document.getElementById('title').textContent").as_str(), Some(DOCS_TITLE));

    let png_bytes = browser.screenshot();
    if let Some(path) = std::env::var_os("INCIDENTMAP_MAP_SCREENSHOT") {
        std::fs::write(&path, &png_bytes).expect("write the screenshot");
    }
    let img = Image::decode(&png_bytes);
    assert_eq!((img.width, img.height), (WIDTH, HEIGHT));
    // The map right of the panel (x >= 300): land and water of the base
    // map, clusters, and incidents in their types' colours.
    let config = browser.eval("JSON.parse(document.getElementById('config').textContent)");
    let colour_of = |t: &str| {
        config["event_types"].as_array().unwrap().iter().find(|tc| tc[0] == t).map(|tc| hex(tc[1].as_str().unwrap()))
    };
    let land = img.count_near(300, hex("#f5f2ea"), 3);
    let water = img.count_near(300, hex("#dbe7f0"), 3);
    let clusters = img.count_near(300, [0x55, 0x55, 0x55], 12);
    let map_pixels = ((WIDTH - 300) * HEIGHT) as usize;
    assert!(land > map_pixels / 5, "base map land: {land} of {map_pixels} pixels");
    assert!(water > 100, "base map water: {water} pixels");
    assert!(clusters > 200, "grey cluster circles: {clusters} pixels");
    let drawn: Vec<&String> =
        types.iter().filter(|t| colour_of(t).is_some_and(|c| img.count_near(300, c, 40) > 20)).collect();
    assert!(!drawn.is_empty(), "no incident drawn in its type's colour (types {types:?})");
}

#[test]
fn chromium_page_filters_by_type_and_dates_as_the_server_does() {
    let test = "chromium_page_filters_by_type_and_dates_as_the_server_does";
    let Some(chromium) = external_program(test, "chromium", "apt-get install chromium") else { return };
    let srv = Served::start(&[s(&examples())]);
    let mut browser = Browser::start(&chromium);
    browser.open(&format!("{}/map", srv.url));
    assert_eq!(browser.status()["state"], "ready");
    // Choose a type, as a user would (the change handler marks the status
    // loading at once), and compare with the items the server
    // selects for it (the whole world's: everything is in view).
    browser.eval(
        "(function () { var t = document.getElementById('type'); t.value = 'Battles'; \
         t.dispatchEvent(new Event('change')); })()",
    );
    let status = browser.status();
    let battles = srv.json("/collections/incidents/items?event_type=Battles&limit=10000")["numberMatched"].as_u64();
    assert!(battles.unwrap() > 0);
    assert_eq!(status["incidents"].as_str().and_then(|v| v.parse::<u64>().ok()), battles, "{status}");
    // Then the first year only, by the From/To sliders.
    let first = browser.eval("document.getElementById('from-label').textContent");
    let first = first.as_str().unwrap().to_string();
    browser.eval(
        "(function () { var to = document.getElementById('to'); to.value = '365'; \
         to.dispatchEvent(new Event('change')); })()",
    );
    let status = browser.status();
    let end = browser.eval("document.getElementById('to-label').textContent");
    let q = format!(
        "/collections/incidents/items?event_type=Battles&datetime={first}/{}&limit=10000",
        end.as_str().unwrap()
    );
    let expected = srv.json(&q)["numberMatched"].as_u64();
    assert_eq!(status["incidents"].as_str().and_then(|v| v.parse::<u64>().ok()), expected, "{status} vs {q}");
    assert!(expected < battles, "the year must leave some battles out: {q}");
}

#[test]
fn the_landing_page_links_to_the_map_and_the_map_asks_for_nothing_elsewhere() {
    let srv = Served::start(&[s(&examples())]);
    let landing = srv.get("/?f=html").text().unwrap();
    assert!(landing.contains(&format!("href=\"{}/map\"", srv.url)), "{landing}");
    let page = srv.get("/map");
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("connect-src 'self'") && csp.contains("default-src 'self'"), "{csp}");
    let html = page.text().unwrap();
    // Relative URLs only, so the page works under any host name (a server
    // bound to 0.0.0.0 reached by its LAN address), and the title escaped.
    assert!(!html.contains("http:") && !html.contains("https:") && !html.contains("=\"/"), "{html}");
    assert!(html.contains("Test &lt;incidents&gt;") && !html.contains("<incidents>"), "{html}");
    let base = srv.json("/map/basemap.geojson");
    let feats = base["features"].as_array().unwrap();
    let countries: Vec<&str> = feats
        .iter()
        .filter(|f| f["properties"]["kind"] == "country")
        .map(|f| f["properties"]["country"].as_str().unwrap())
        .collect();
    assert!(countries.contains(&"IQ") && countries.contains(&"SY"), "{countries:?}");
    assert!(!countries.contains(&"US") && !countries.contains(&"BR"), "far countries: {countries:?}");
    for path in ["/map/map.js", "/map/map.css", "/map/basemap.geojson"] {
        assert_eq!(srv.get(path).status(), 200, "{path}");
    }
    assert_eq!(srv.get("/map/../Cargo.toml").status(), 404);
    assert_eq!(srv.get("/map/maplibre-gl.js.map").status(), 404);
}
