//! Fetching against a small HTTP server on 127.0.0.1 that each test starts
//! on an ephemeral port. Nothing here reaches the internet.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use incidentmap::Error;
use incidentmap::document::read_file;
use incidentmap::fetch::{FetchOptions, Fetcher, fetch_documents, load_inputs, url_id};

use crate::util::{Dir, incidentmap};

/// Our own Arabic sentence (no publication's text): "Police said a bomb
/// exploded near a market in Baqubah on Friday."
const ARABIC: &str = "قالت الشرطة إن قنبلة انفجرت قرب سوق في بعقوبة يوم الجمعة.";

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Send no Content-Length: the body ends when the connection closes.
    no_length: bool,
    /// Wait this long before answering.
    stall: Option<Duration>,
    /// Send the headers and the first 10 bytes, then wait this long.
    stall_body: Option<Duration>,
}

impl Reply {
    fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            no_length: false,
            stall: None,
            stall_body: None,
        }
    }

    fn status(status: u16) -> Reply {
        Reply { status, headers: Vec::new(), body: Vec::new(), no_length: false, stall: None, stall_body: None }
    }

    fn redirect(to: &str) -> Reply {
        let mut r = Reply::status(302);
        r.headers.push(("Location".into(), to.into()));
        r
    }
}

#[derive(Debug, Clone)]
struct Request {
    path: String,
    headers: Vec<(String, String)>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

struct Server {
    base: String,
    log: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let (b, l) = (base.clone(), log.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (b, l) = (b.clone(), l.clone());
                std::thread::spawn(move || serve(stream, &b, &l));
            }
        });
        Server { base, log }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn hits(&self, path: &str) -> usize {
        self.log.lock().unwrap().iter().filter(|r| r.path == path).count()
    }

    fn requests(&self, path: &str) -> Vec<Request> {
        self.log.lock().unwrap().iter().filter(|r| r.path == path).cloned().collect()
    }
}

fn serve(mut stream: TcpStream, base: &str, log: &Mutex<Vec<Request>>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let mut lines = head.split("\r\n");
    let path = lines.next().unwrap_or("").split(' ').nth(1).unwrap_or("/").to_string();
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let req = Request { path, headers };
    log.lock().unwrap().push(req.clone());
    let reply = route(&req, base);
    if let Some(d) = reply.stall {
        std::thread::sleep(d);
    }
    let mut out = format!("HTTP/1.1 {} X\r\nConnection: close\r\n", reply.status);
    for (k, v) in &reply.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    if !reply.no_length {
        out.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    out.push_str("\r\n");
    let _ = stream.write_all(out.as_bytes());
    let mut body = &reply.body[..];
    if let Some(d) = reply.stall_body {
        let _ = stream.write_all(&body[..10]);
        let _ = stream.flush();
        std::thread::sleep(d);
        body = &body[10..];
    }
    let _ = stream.write_all(body);
    let _ = stream.flush();
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(crate::util::fixture("web", name)).unwrap()
}

fn route(req: &Request, base: &str) -> Reply {
    let html = "text/html; charset=utf-8";
    match req.path.as_str() {
        "/news/article.html" => Reply::ok(html, fixture("article.html")),
        "/news/second.html" => Reply::ok(html, fixture("second.html")),
        "/feeds/rss.xml" => {
            let xml = String::from_utf8(fixture("rss.xml")).unwrap().replace("{{BASE}}", base);
            // Served as generic XML: the feed must be recognised by its root element.
            Reply::ok("text/xml", xml)
        }
        "/feeds/atom.xml" => {
            let xml = String::from_utf8(fixture("atom.xml")).unwrap().replace("{{BASE}}", base);
            Reply::ok("application/atom+xml", xml)
        }
        "/slow" => {
            let mut r = Reply::ok(html, "<p>too late</p>");
            r.stall = Some(Duration::from_secs(4));
            r
        }
        "/slow-body" => {
            let mut r = Reply::ok(html, "<p>the rest of the page arrives too late</p>");
            r.stall_body = Some(Duration::from_secs(4));
            r
        }
        "/big" => Reply::ok(html, vec![b'a'; 5000]),
        "/big-unsized" => {
            let mut r = Reply::ok(html, vec![b'a'; 5000]);
            r.no_length = true;
            r
        }
        "/loop/a" => Reply::redirect("/loop/b"),
        "/loop/b" => Reply::redirect("/loop/a"),
        "/hop" => Reply::redirect("/news/second.html"),
        "/to-file" => Reply::redirect("file:///etc/passwd"),
        "/arabic.html" | "/arabic-meta.html" => {
            let page = format!(
                "<html><head><meta charset=\"windows-1256\"><title>{ARABIC}</title></head>\
                 <body><nav>الرئيسية</nav><p>{ARABIC}</p></body></html>"
            );
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1256.encode(&page);
            assert!(!unmappable);
            let ct = if req.path == "/arabic.html" { "text/html; charset=windows-1256" } else { "text/html" };
            Reply::ok(ct, bytes.into_owned())
        }
        "/gzip.html" => {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            enc.write_all(&fixture("second.html")).unwrap();
            let mut r = Reply::ok(html, enc.finish().unwrap());
            r.headers.push(("Content-Encoding".into(), "gzip".into()));
            r
        }
        "/etag.html" => {
            if req.header("If-None-Match") == Some("\"v1\"") {
                Reply::status(304)
            } else {
                let mut r = Reply::ok(html, fixture("second.html"));
                r.headers.push(("ETag".into(), "\"v1\"".into()));
                r.headers.push(("Last-Modified".into(), "Fri, 12 Mar 2021 16:20:00 GMT".into()));
                r
            }
        }
        "/empty.html" => Reply::ok(html, "<html><body><nav>menu</nav></body></html>"),
        "/image.png" => Reply::ok("image/png", vec![0x89, b'P', b'N', b'G']),
        _ => Reply::status(404),
    }
}

fn opts() -> FetchOptions {
    FetchOptions {
        timeout: Duration::from_secs(1),
        connect_timeout: Duration::from_secs(1),
        delay_per_host: Duration::ZERO,
        ..FetchOptions::default()
    }
}

fn message(e: &Error) -> String {
    match e {
        Error::Network { message, .. } => message.clone(),
        other => panic!("expected a network error, got {other:?}"),
    }
}

fn fetch_err(server: &Server, path: &str, opts: FetchOptions) -> String {
    let url = server.url(path);
    let e = Fetcher::new(opts).unwrap().get(&url).unwrap_err();
    assert!(e.to_string().starts_with(&format!("{url}: ")), "error names the URL: {e}");
    message(&e)
}

#[test]
fn article_page_is_reduced_to_its_text_with_date_and_title() {
    let server = Server::start();
    let url = server.url("/news/article.html");
    let (docs, errors) = fetch_documents(std::slice::from_ref(&url), &[], &opts());
    assert!(errors.is_empty(), "{errors:?}");
    let doc = &docs[0];
    assert_eq!(doc.id, url_id(&url));
    assert_eq!(doc.source, url);
    assert_eq!(doc.title.as_deref(), Some("Gunmen attack checkpoint near Tarmiyah"));
    assert_eq!(doc.published, NaiveDate::from_ymd_opt(2021, 3, 14));
    let body = doc.body();
    assert!(
        body.starts_with(
            "Gunmen attack checkpoint near Tarmiyah\n\nBy the Example Desk staff\n\nGunmen attacked an army"
        ),
        "{body}"
    );
    assert!(body.contains("along the Tigris & security forces"));
    assert!(body.contains("\n\nEarlier attacks\n\nA roadside bomb"));
    for junk in ["dataLayer", "cookies", "Sport", "file photo", "Share this", "Most read", "Copyright", "renderAds"] {
        assert!(!doc.text.contains(junk), "{junk:?} leaked into {body}");
    }
    // The requests carry our User-Agent.
    let ua = server.requests("/news/article.html")[0].header("User-Agent").unwrap().to_string();
    assert!(ua.starts_with("incidentmap/"), "{ua}");
}

#[test]
fn rss_feed_items_are_fetched_with_item_dates_and_titles() {
    let server = Server::start();
    let (docs, errors) = fetch_documents(&[], &[server.url("/feeds/rss.xml")], &opts());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].source, server.url("/news/article.html"));
    assert_eq!(docs[0].published, NaiveDate::from_ymd_opt(2021, 3, 14));
    assert_eq!(docs[1].title.as_deref(), Some("Shelling reported near Maarat al-Numan"));
    assert_eq!(docs[1].published, NaiveDate::from_ymd_opt(2021, 3, 12));
    assert!(docs[1].body().starts_with("Artillery shells struck"), "{}", docs[1].body());
}

#[test]
fn atom_full_content_is_used_without_fetching_the_link() {
    let server = Server::start();
    let (docs, errors) = fetch_documents(&[], &[server.url("/feeds/atom.xml")], &opts());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(docs.len(), 2);
    assert_eq!(server.hits("/news/second.html"), 1);
    assert_eq!(server.hits("/news/curfew.html"), 0, "full-text item must not be fetched");
    let curfew = &docs[1];
    assert_eq!(curfew.source, server.url("/news/curfew.html"));
    assert_eq!(curfew.title.as_deref(), Some("Curfew imposed in Tuz Khurmatu after clashes"));
    assert_eq!(curfew.published, NaiveDate::from_ymd_opt(2021, 3, 16));
    assert_eq!(curfew.body().matches("\n\n").count(), 2, "three paragraphs: {}", curfew.body());
    // Atom `published` wins over `updated`.
    assert_eq!(docs[0].published, NaiveDate::from_ymd_opt(2021, 3, 12));
}

#[test]
fn failures_are_clear_and_do_not_stop_the_rest() {
    let server = Server::start();
    let urls = vec![
        server.url("/missing"),
        server.url("/news/second.html"),
        "file:///etc/passwd".to_string(),
        server.url("/image.png"),
        server.url("/empty.html"),
    ];
    let (docs, errors) = fetch_documents(&urls, &[server.url("/news/article.html")], &opts());
    assert_eq!(docs.len(), 1);
    let msgs: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(msgs.len(), 5, "{msgs:?}");
    assert_eq!(msgs[0], format!("{}: HTTP 404 Not Found", server.url("/missing")));
    assert_eq!(msgs[1], "file:///etc/passwd: unsupported URL scheme \"file\" (only http and https)");
    assert!(msgs[2].contains("unsupported content type image/png"), "{}", msgs[2]);
    assert!(msgs[3].contains("no article text"), "{}", msgs[3]);
    assert!(msgs[4].contains("not a readable RSS/Atom feed"), "{}", msgs[4]);
}

#[test]
fn stalled_server_times_out() {
    let server = Server::start();
    let t = Instant::now();
    let msg = fetch_err(&server, "/slow", opts());
    assert_eq!(msg, "timed out after 1 s");
    assert!(t.elapsed() < Duration::from_secs(3), "took {:?}", t.elapsed());
}

#[test]
fn refused_connection_says_could_not_connect() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}/");
    let e = Fetcher::new(opts()).unwrap().get(&url).unwrap_err();
    let msg = message(&e);
    assert!(msg.starts_with("could not connect: ") && msg.ends_with("(offline?)"), "{msg}");
}

#[test]
fn body_over_the_cap_is_refused_with_or_without_content_length() {
    let server = Server::start();
    let small = FetchOptions { max_bytes: 1000, ..opts() };
    assert_eq!(fetch_err(&server, "/big", small.clone()), "body larger than 1000 bytes");
    assert_eq!(fetch_err(&server, "/big-unsized", small), "body larger than 1000 bytes");
    // At the cap is fine.
    let exact = FetchOptions { max_bytes: 5000, ..opts() };
    assert_eq!(Fetcher::new(exact).unwrap().get(&server.url("/big-unsized")).unwrap().body.len(), 5000);
}

#[test]
fn redirects_are_followed_but_loops_and_other_schemes_end_in_errors() {
    let server = Server::start();
    let resp = Fetcher::new(opts()).unwrap().get(&server.url("/hop")).unwrap();
    assert_eq!(resp.final_url, server.url("/news/second.html"));
    let msg = fetch_err(&server, "/loop/a", opts());
    assert!(msg.starts_with("redirect loop"), "{msg}");
    assert!(server.hits("/loop/a") + server.hits("/loop/b") <= 3);
    let msg = fetch_err(&server, "/to-file", opts());
    assert_eq!(msg, "redirect to unsupported URL scheme \"file\"");
    let none = FetchOptions { max_redirects: 0, ..opts() };
    assert_eq!(fetch_err(&server, "/hop", none), "too many redirects (more than 0)");
}

#[test]
fn windows_1256_page_decodes_from_header_or_meta() {
    let server = Server::start();
    for path in ["/arabic.html", "/arabic-meta.html"] {
        let (docs, errors) = fetch_documents(&[server.url(path)], &[], &opts());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(docs[0].body(), format!("{ARABIC}\n"), "{path}");
        assert_eq!(docs[0].title.as_deref(), Some(ARABIC));
    }
}

#[test]
fn gzip_response_is_decoded() {
    let server = Server::start();
    let (docs, errors) = fetch_documents(&[server.url("/gzip.html")], &[], &opts());
    assert!(errors.is_empty(), "{errors:?}");
    let req_enc = server.requests("/gzip.html")[0].header("Accept-Encoding").unwrap_or("").to_string();
    assert!(req_enc.contains("gzip") && req_enc.contains("br"), "{req_enc}");
    assert!(docs[0].body().starts_with("Artillery shells struck"), "{}", docs[0].body());
    assert_eq!(docs[0].published, NaiveDate::from_ymd_opt(2021, 3, 12));
}

#[test]
fn cache_revalidates_and_reuses_the_body_on_304() {
    let server = Server::start();
    let dir = Dir::new();
    let cached = FetchOptions { cache_dir: Some(dir.join("cache")), ..opts() };
    let url = server.url("/etag.html");
    let first = Fetcher::new(cached.clone()).unwrap().get(&url).unwrap();
    assert!(!first.from_cache);
    // A second run (a new fetcher, as a new process would have).
    let second = Fetcher::new(cached.clone()).unwrap().get(&url).unwrap();
    assert!(second.from_cache);
    assert_eq!(second.body, first.body);
    assert_eq!(second.content_type, first.content_type);
    let reqs = server.requests("/etag.html");
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].header("If-None-Match"), None);
    assert_eq!(reqs[1].header("If-None-Match"), Some("\"v1\""));
    assert_eq!(reqs[1].header("If-Modified-Since"), Some("Fri, 12 Mar 2021 16:20:00 GMT"));
    // The document is the same either way.
    let (a, _) = fetch_documents(std::slice::from_ref(&url), &[], &cached);
    let (b, _) = fetch_documents(std::slice::from_ref(&url), &[], &opts());
    assert_eq!(a, b);
    // Full downloads: the first request and the uncached run only.
    assert_eq!(server.hits("/etag.html"), 4);
}

#[test]
fn politeness_delay_spaces_requests_to_one_host() {
    let server = Server::start();
    let polite = FetchOptions { delay_per_host: Duration::from_millis(300), ..opts() };
    let f = Fetcher::new(polite).unwrap();
    let t = Instant::now();
    for _ in 0..3 {
        f.get(&server.url("/news/second.html")).unwrap();
    }
    assert!(t.elapsed() >= Duration::from_millis(600), "{:?}", t.elapsed());
}

#[test]
fn load_inputs_mixes_files_and_urls_and_expands_sniffed_feeds() {
    let server = Server::start();
    let dir = Dir::new();
    let file = dir.create("local.txt", "Published: 2021-01-05\n\nA clash in Hit.\n");
    let inputs = vec![
        file.display().to_string(),
        server.url("/feeds/rss.xml"),
        dir.join("nope.txt").display().to_string(),
        "ftp://example.test/x".to_string(),
    ];
    let (docs, errors) = load_inputs(&inputs, &opts());
    assert_eq!(docs.len(), 3, "{docs:#?}");
    assert_eq!(docs[0].id, "local");
    assert_eq!(docs[1].source, server.url("/news/article.html"));
    assert_eq!(docs[2].published, NaiveDate::from_ymd_opt(2021, 3, 12));
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(matches!(errors[0], Error::Io { .. }));
    assert!(errors[1].to_string().contains("unsupported URL scheme \"ftp\""));
}

#[test]
fn cli_saves_reports_that_read_back_like_the_urls() {
    let server = Server::start();
    let dir = Dir::new();
    let out = dir.join("reports");
    let stderr = incidentmap(["fetch", &server.url("/news/article.html"), &server.url("/missing")])
        .args(["--feed", &server.url("/feeds/atom.xml")])
        .args(["--delay", "0", "--timeout", "2", "-o"])
        .arg(&out)
        .run()
        .assert_exit(1)
        .stderr();
    assert!(stderr.contains(&format!("incidentmap: {}: HTTP 404 Not Found", server.url("/missing"))), "{stderr}");

    let mut names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let mut expected: Vec<String> = ["/news/article.html", "/news/second.html", "/news/curfew.html"]
        .iter()
        .map(|p| format!("{}.txt", url_id(&server.url(p))))
        .collect();
    expected.sort();
    assert_eq!(names, expected, "no temporary files left behind");

    let saved =
        std::fs::read_to_string(out.join(format!("{}.txt", url_id(&server.url("/news/article.html"))))).unwrap();
    assert!(saved.starts_with(&format!(
        "Title: Gunmen attack checkpoint near Tarmiyah\nPublished: 2021-03-14\nURL: {}\n\n",
        server.url("/news/article.html")
    )));

    // The saved files read back as the same documents `load_inputs` makes from the URLs.
    let urls = vec![server.url("/news/article.html"), server.url("/feeds/atom.xml")];
    let (live, errors) = load_inputs(&urls, &opts());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(live.len(), 3);
    for doc in &live {
        let back = read_file(&out.join(format!("{}.txt", doc.id))).unwrap();
        assert_eq!(back.id, doc.id);
        assert_eq!(back.text, doc.text);
        assert_eq!(back.body_start, doc.body_start);
        assert_eq!((back.published, &back.title), (doc.published, &doc.title));
    }
}

#[test]
fn cli_exit_codes_all_good_and_nothing_fetched() {
    let server = Server::start();
    let dir = Dir::new();
    incidentmap(["fetch", &server.url("/news/second.html"), "--delay", "0", "-o"])
        .arg(dir.join("ok"))
        .run()
        .assert_exit(0);

    let stderr = incidentmap(["fetch", &server.url("/missing"), "file:///etc/passwd", "--delay", "0", "-o"])
        .arg(dir.join("bad"))
        .run()
        .assert_exit(2)
        .stderr();
    assert!(stderr.contains("incidentmap: file:///etc/passwd: unsupported URL scheme"), "{stderr}");
    assert!(stderr.contains("nothing could be fetched"), "{stderr}");

    // A URL or --feed is required.
    incidentmap(["fetch", "-o"]).arg(dir.join("x")).run().assert_exit(2);
}
