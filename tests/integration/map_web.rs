//! `map` on a feed served from 127.0.0.1 gives the same incidents as `map`
//! on the reports `fetch` saved from it. The server is started by the test;
//! nothing reaches the internet.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;

use crate::util::{Dir, examples, incidentmap, read_json};

/// An example report as an HTML page with its publication date in the
/// metadata, the way a news site serves it.
fn report_page(path: &Path) -> (String, String, String) {
    let text = std::fs::read_to_string(path).unwrap();
    let (header, body) = text.split_once("\n\n").unwrap();
    let field = |k: &str| header.lines().find_map(|l| l.strip_prefix(k)).unwrap().trim().to_string();
    let (title, published) = (field("Title:"), field("Published:"));
    let paras: String =
        body.split("\n\n").filter(|p| !p.trim().is_empty()).map(|p| format!("<p>{}</p>\n", p.trim())).collect();
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title>\
         <meta property=\"article:published_time\" content=\"{published}T08:00:00+03:00\"></head>\
         <body><nav><a href=\"/\">Home</a> | <a href=\"/world\">World</a></nav>\
         <article><h1>{title}</h1>\n{paras}</article><footer>Copyright</footer></body></html>"
    );
    (title, published, html)
}

/// Serves `routes` (path, content type, body; `PORT` in a body is replaced
/// by the server's port) on 127.0.0.1; returns the port.
fn serve(routes: Vec<(String, String, String)>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let routes: Vec<(String, String, String)> =
        routes.into_iter().map(|(p, t, b)| (p, t, b.replace("PORT", &port.to_string()))).collect();
    std::thread::spawn(move || {
        // Bounded: the test makes a handful of requests.
        for stream in listener.incoming().take(64) {
            let Ok(mut s) = stream else { continue };
            let mut reader = BufReader::new(s.try_clone().unwrap());
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
            let resp = match routes.iter().find(|(p, _, _)| *p == path) {
                Some((_, ctype, body)) => format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                ),
                None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string(),
            };
            let _ = s.write_all(resp.as_bytes());
        }
    });
    port
}

fn incidents(dir: &Path) -> BTreeSet<String> {
    read_json(&dir.join("incidents.geojson"))["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            format!(
                "{} {} {} {} k{} i{} {} {}",
                p["event_date"],
                p["location"],
                p["admin1"],
                p["sub_event_type"],
                p["fatalities"],
                p["injured"],
                p["source"],
                f["geometry"]
            )
        })
        .collect()
}

#[test]
fn map_from_a_feed_equals_map_on_the_saved_reports() {
    let names = ["01_diyala_pmf_attack.txt", "05_diyala_police_post.txt", "04_samarra_pmf_ten_killed.txt"];
    let mut routes = Vec::new();
    let mut items = String::new();
    for (k, name) in names.iter().enumerate() {
        let (title, published, html) = report_page(&examples().join(name));
        let path = format!("/news/report-{k}.html");
        items.push_str(&format!(
            "<item><title>{title}</title><link>http://127.0.0.1:PORT{path}</link><pubDate>{published}</pubDate></item>\n"
        ));
        routes.push((path, "text/html; charset=utf-8".to_string(), html));
    }
    let feed =
        format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Test</title>\n{items}</channel></rss>");
    routes.push(("/feed.xml".to_string(), "application/rss+xml".to_string(), feed));
    let port = serve(routes);
    let feed = format!("http://127.0.0.1:{port}/feed.xml");

    let tmp = Dir::new();
    let (direct, saved, from_saved) = (tmp.join("direct"), tmp.join("saved"), tmp.join("from_saved"));
    incidentmap(["map", &feed, "-o"]).arg(&direct).run().assert_exit(0);
    incidentmap(["fetch", "--feed", &feed, "--delay", "0", "-o"]).arg(&saved).run().assert_exit(0);
    incidentmap(["map"]).arg(&saved).arg("-o").arg(&from_saved).run().assert_exit(0);

    let (a, b) = (incidents(&direct), incidents(&from_saved));
    assert!(a.len() >= 4, "{a:#?}");
    assert_eq!(a, b);
    // The Samarra attack is told by two of the reports: one incident, both sources.
    assert!(
        a.iter().any(|i| i.contains("Samarra") && i.contains("k10") && i.matches("http://").count() == 2),
        "{a:#?}"
    );
}
