//! `gazetteer import` and `gazetteer download` on hand-made GeoNames files
//! (tests/fixtures/geonames/), through the library and the real binary. The
//! download tests serve the files from a small HTTP server on 127.0.0.1; no
//! test reaches the internet.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};

use incidentmap::Error;
use incidentmap::gazetteer::import::{FileKind, ImportParams, Input, MAX_LISTED, import};
use incidentmap::gazetteer::{Gazetteer, LookupOptions};

use crate::util::{Dir, Run, incidentmap, s};

fn fixture(name: &str) -> PathBuf {
    crate::util::fixture("geonames", name)
}

fn all_fixtures() -> Vec<Input> {
    [
        "IQ.txt",
        "SY.txt",
        "alternateNamesV2.txt",
        "admin1CodesASCII.txt",
        "admin2Codes.txt",
        "countryInfo.txt",
        "admin1.geojson",
    ]
    .iter()
    .map(|n| Input::detect(fixture(n)).unwrap())
    .collect()
}

/// `incidentmap ARGS... --gazetteer DIR`, whatever INCIDENTMAP_GAZETTEER says.
fn run(args: &[&str], dir: &Path) -> Run {
    incidentmap(args).arg("--gazetteer").arg(dir).env_remove("INCIDENTMAP_GAZETTEER").run()
}

/// A place file with one good row and then `bad` (a full line).
fn with_bad_row(dir: &Dir, name: &str, bad: &[u8]) -> PathBuf {
    let good = std::fs::read(fixture("IQ.txt")).unwrap();
    let mut text = good.clone();
    text.extend_from_slice(bad);
    text.push(b'\n');
    dir.create(name, text)
}

fn khanaqin_row() -> String {
    let iq = std::fs::read_to_string(fixture("IQ.txt")).unwrap();
    iq.lines().find(|l| l.starts_with("94591\t")).unwrap().to_string()
}

fn lookup_ids(g: &Gazetteer, name: &str) -> Vec<i64> {
    g.lookup(name, &LookupOptions::default()).iter().map(|c| c.place.geonameid).collect()
}

#[test]
fn imports_dumps_tables_alternates_and_overlay() {
    let dir = Dir::new();
    let mut params = ImportParams::new(dir.path(), all_fixtures());
    params.overlay = Some(fixture("overlay.txt"));
    let report = import(&params).unwrap();
    assert_eq!(report.places, 17 + 3 + 1, "IQ + SY + one new overlay place");
    assert_eq!(report.bad_count, 0);
    let alt = report.files.iter().find(|f| f.kind == FileKind::AlternateNames).unwrap();
    // link, iata, post, an unknown geonameid, and two non-Latin/Arabic names.
    assert_eq!((alt.rows, alt.ignored), (11, 6));
    assert_eq!(report.other_script_names, 2);
    assert!(report.index_path.ends_with("gazetteer.idx"));
    assert_eq!(std::fs::metadata(&report.index_path).unwrap().len(), report.index_bytes);

    let g = Gazetteer::open(dir.path(), false).unwrap();
    assert_eq!(g.len(), 21);
    // An alternate name from alternateNamesV2 only.
    assert_eq!(lookup_ids(&g, "Khanaqeen"), [94591]);
    assert_eq!(lookup_ids(&g, "Jurf as-Sakhar"), [910000001]);
    // A Cyrillic name is left out by default.
    assert!(lookup_ids(&g, "Баакуба").is_empty());
    // The overlay adds a place and replaces GeoNames' Makhmur.
    assert_eq!(lookup_ids(&g, "Zaghniya"), [990000001]);
    let makhmur = g.by_id(93818).unwrap();
    assert_eq!((makhmur.name.as_str(), makhmur.population), ("Makhmur", 40000));
    // Tables and polygons.
    assert_eq!(g.admin1_name("IQ", "10").as_deref(), Some("Diyala"));
    assert_eq!(g.admin2_name("IQ", "10", "94590").as_deref(), Some("Khanaqin District"));
    assert_eq!(g.country_name("SY").as_deref(), Some("Syria"));
    let khanaqin = g.by_id(94591).unwrap();
    assert_eq!(g.admin1_at(khanaqin.position).map(|a| a.name.as_str()), Some("Diyala"));
}

#[test]
fn all_scripts_keeps_other_scripts() {
    let dir = Dir::new();
    let mut params = ImportParams::new(dir.path(), all_fixtures());
    params.all_scripts = true;
    let report = import(&params).unwrap();
    assert_eq!(report.other_script_names, 0);
    let g = Gazetteer::open(dir.path(), false).unwrap();
    assert_eq!(lookup_ids(&g, "Баакуба"), [97990]);
    assert_eq!(lookup_ids(&g, "巴格达"), [98182]);
}

#[test]
fn reads_zip_and_gzip_streams() {
    let dir = Dir::new();
    let zip_path = dir.join("IQ.zip");
    {
        let mut z = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        z.start_file("readme.txt", opts).unwrap();
        z.write_all(b"GeoNames readme\n").unwrap();
        z.start_file("IQ.txt", opts).unwrap();
        z.write_all(&std::fs::read(fixture("IQ.txt")).unwrap()).unwrap();
        z.finish().unwrap();
    }
    let gz_path = dir.join("SY.txt.gz");
    {
        let mut e =
            flate2::write::GzEncoder::new(std::fs::File::create(&gz_path).unwrap(), flate2::Compression::fast());
        e.write_all(&std::fs::read(fixture("SY.txt")).unwrap()).unwrap();
        e.finish().unwrap();
    }
    let out = dir.join("gaz");
    let report =
        import(&ImportParams::new(&out, vec![Input::detect(&zip_path).unwrap(), Input::detect(&gz_path).unwrap()]))
            .unwrap();
    assert_eq!(report.places, 20);
    assert!(report.files[0].name.ends_with("IQ.zip!IQ.txt"), "{}", report.files[0].name);
}

#[test]
fn bad_row_in_zip_member_is_named_archive_bang_member() {
    let dir = Dir::new();
    let zip_path = dir.join("cities1000.zip");
    {
        let mut z = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
        z.start_file("cities1000.txt", zip::write::SimpleFileOptions::default()).unwrap();
        z.write_all(khanaqin_row().as_bytes()).unwrap();
        z.write_all(b"\n1\tonly two columns\n").unwrap();
        z.finish().unwrap();
    }
    let err = import(&ImportParams::new(dir.join("gaz"), vec![Input::detect(&zip_path).unwrap()])).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("cities1000.zip!cities1000.txt:2:"), "{msg}");
    assert!(msg.contains("19"), "{msg}");
}

#[test]
fn strict_import_stops_at_first_bad_row_and_keeps_old_index() {
    let dir = Dir::new();
    let gaz = dir.join("gaz");
    import(&ImportParams::new(&gaz, vec![Input::detect(fixture("SY.txt")).unwrap()])).unwrap();
    let before = std::fs::read(gaz.join("gazetteer.idx")).unwrap();

    let bad_lat = khanaqin_row().replace("\t34.3482\t", "\t123\t");
    let p = with_bad_row(&dir, "IQ.txt", bad_lat.as_bytes());
    let err = import(&ImportParams::new(&gaz, vec![Input::detect(&p).unwrap()])).unwrap_err();
    match &err {
        Error::BadRecord { path, line, message } => {
            assert!(path.ends_with("IQ.txt"));
            assert_eq!(*line, 18);
            assert!(message.contains("latitude"), "{message}");
        }
        other => panic!("expected BadRecord, got {other:?}"),
    }
    assert_eq!(std::fs::read(gaz.join("gazetteer.idx")).unwrap(), before, "old index untouched");

    // Through the binary: exit 2, the file and line named.
    let o = run(&["gazetteer", "import", s(&p)], &gaz);
    o.assert_exit(2);
    assert!(o.stderr().contains("IQ.txt:18: latitude 123"), "{}", o.stderr());
    assert_eq!(std::fs::read(gaz.join("gazetteer.idx")).unwrap(), before);
}

#[test]
fn bad_utf8_names_line_and_byte() {
    let dir = Dir::new();
    let mut row = khanaqin_row().into_bytes();
    row[7] = 0xFF; // inside the name "Khānaqīn"
    let p = with_bad_row(&dir, "IQ.txt", &row);
    let offset = std::fs::read(fixture("IQ.txt")).unwrap().len() + 7;
    let err = import(&ImportParams::new(dir.join("gaz"), vec![Input::detect(&p).unwrap()])).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("IQ.txt:18:"), "{msg}");
    assert!(msg.contains(&format!("invalid UTF-8 at byte {offset}")), "{msg}");
}

#[test]
fn lenient_import_skips_counts_and_exits_1() {
    let dir = Dir::new();
    let good = khanaqin_row();
    let mut bad: Vec<Vec<u8>> = vec![
        b"1\ttoo\tfew".to_vec(),
        good.replace("94591", "x94591").into_bytes(),
        good.replace("\t34.3482\t", "\t123\t").into_bytes(),
    ];
    let mut utf8 = good.clone().into_bytes();
    utf8[7] = 0xC3;
    bad.push(utf8);
    // More than MAX_LISTED, so the listing is cut with a count.
    for i in 0..10 {
        bad.push(format!("{i}\tshort").into_bytes());
    }
    let mut text = std::fs::read(fixture("IQ.txt")).unwrap();
    for b in &bad {
        text.extend_from_slice(b);
        text.push(b'\n');
    }
    let p = dir.create("IQ.txt", text);

    let mut params = ImportParams::new(dir.join("lib"), vec![Input::detect(&p).unwrap()]);
    params.lenient = true;
    let report = import(&params).unwrap();
    assert_eq!(report.places, 17);
    assert_eq!(report.bad_count, bad.len() as u64);
    assert_eq!(report.bad_rows.len(), MAX_LISTED);

    let gaz = dir.join("cli");
    let err = run(&["gazetteer", "import", "--lenient", s(&p)], &gaz).assert_exit(1).stderr();
    assert!(err.contains(&format!("skipped {} malformed rows", bad.len())), "{err}");
    assert!(err.contains("IQ.txt:19: geonameid"), "{err}");
    assert!(err.contains("and 4 more"), "{err}");
    assert!(gaz.join("gazetteer.idx").is_file());
}

#[test]
fn overlay_from_a_spreadsheet_with_bom_and_crlf() {
    let dir = Dir::new();
    let mut text = b"\xEF\xBB\xBF".to_vec();
    text.extend_from_slice(std::fs::read_to_string(fixture("overlay.txt")).unwrap().replace('\n', "\r\n").as_bytes());
    let overlay = dir.create("mine.txt", text);
    let mut params = ImportParams::new(dir.join("gaz"), vec![Input::detect(fixture("IQ.txt")).unwrap()]);
    params.overlay = Some(overlay);
    let report = import(&params).unwrap();
    assert_eq!(report.places, 18);
    let g = Gazetteer::open(&dir.join("gaz"), false).unwrap();
    assert_eq!(g.by_id(990000001).unwrap().name, "Zaghniya");
    assert_eq!(g.by_id(93818).unwrap().name, "Makhmur");
}

#[test]
fn kind_override_and_unused_geonames_files() {
    let dir = Dir::new();
    let odd = dir.join("places-export.tsv");
    std::fs::copy(fixture("SY.txt"), &odd).unwrap();
    let gaz = dir.join("gaz");
    run(&["gazetteer", "import", "--kind", "places", s(&odd)], &gaz).assert_exit(0);

    let readme = dir.create("readme.txt", "hello");
    let o = run(&["gazetteer", "import", s(&readme)], &gaz);
    o.assert_exit(2);
    assert!(o.stderr().contains("does not use"), "{}", o.stderr());
}

#[test]
fn cli_import_info_and_no_default() {
    let dir = Dir::new();
    let gaz = dir.join("gaz");
    let mut args: Vec<String> = vec!["gazetteer".into(), "import".into(), "--no-default".into()];
    for f in ["IQ.txt", "SY.txt", "admin1CodesASCII.txt", "countryInfo.txt"] {
        args.push(fixture(f).display().to_string());
    }
    args.push("--overlay".into());
    args.push(fixture("overlay.txt").display().to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let err = run(&args, &gaz).assert_exit(0).stderr();
    assert!(err.contains("IQ.txt: 17 rows as places"), "{err}");
    assert!(err.contains("imported 21 places"), "{err}");
    assert!(gaz.join("no-default").exists());

    let o = run(&["gazetteer", "info"], &gaz);
    let out = o.stdout();
    assert!(out.contains("places:         21"), "{out}");
    assert!(!out.contains("layer default"), "--no-default: one layer only\n{out}");

    // Without the shipped default, a place it would know is unknown here.
    let v = run(&["geocode", "Zaghniya", "--format", "json"], &gaz).assert_exit(0).stdout_first_json();
    assert_eq!(v["geonameid"], 990000001);
    assert_eq!(v["admin1"], "Diyala");
}

// ---- download ---------------------------------------------------------

/// Serves files from `root` over HTTP/1.1 on 127.0.0.1 until the test ends.
/// `GET /slow/...` announces more bytes than it sends (a cut connection).
fn serve(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let root = root.clone();
            std::thread::spawn(move || {
                let _ = handle(stream, &root);
            });
        }
    });
    format!("http://{addr}/")
}

fn handle(mut stream: TcpStream, root: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut h = String::new();
        reader.read_line(&mut h)?;
        if h == "\r\n" || h.is_empty() {
            break;
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/").trim_start_matches('/').to_string();
    let (truncate, path) = match path.strip_prefix("cut/") {
        Some(p) => (true, p.to_string()),
        None => (false, path),
    };
    match std::fs::read(root.join(&path)) {
        Ok(body) if !path.contains("..") => {
            let announced = if truncate { body.len() + 100 } else { body.len() };
            write!(stream, "HTTP/1.1 200 OK\r\nContent-Length: {announced}\r\nConnection: close\r\n\r\n")?;
            stream.write_all(&body)?;
        }
        _ => {
            write!(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found")?;
        }
    }
    stream.flush()?;
    let mut sink = Vec::new();
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = reader.read_to_end(&mut sink);
    Ok(())
}

/// A server root laid out like download.geonames.org/export/dump/.
fn geonames_server() -> (Dir, String) {
    let root = Dir::new();
    let zip_of = |name: &str, member: &str, src: &str| {
        let mut z = zip::ZipWriter::new(std::fs::File::create(root.join(name)).unwrap());
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        z.start_file(member, opts).unwrap();
        z.write_all(&std::fs::read(fixture(src)).unwrap()).unwrap();
        z.start_file("readme.txt", opts).unwrap();
        z.write_all(b"readme\n").unwrap();
        z.finish().unwrap();
    };
    zip_of("IQ.zip", "IQ.txt", "IQ.txt");
    zip_of("SY.zip", "SY.txt", "SY.txt");
    std::fs::create_dir(root.join("alternatenames")).unwrap();
    zip_of("alternatenames/IQ.zip", "IQ.txt", "alternateNamesV2.txt");
    zip_of("alternatenames/SY.zip", "SY.txt", "alternateNamesV2.txt");
    for t in ["admin1CodesASCII.txt", "admin2Codes.txt", "countryInfo.txt"] {
        std::fs::copy(fixture(t), root.join(t)).unwrap();
    }
    let url = serve(root.path().to_path_buf());
    (root, url)
}

#[test]
fn download_fetches_and_imports() {
    let (_root, url) = geonames_server();
    let dir = Dir::new();
    let gaz = dir.join("gaz");
    let err = run(&["gazetteer", "download", "IQ", "sy", "--alternate-names", "--base-url", &url], &gaz)
        .assert_exit(0)
        .stderr();
    for f in ["IQ.zip", "SY.zip", "alternateNames_IQ.zip", "admin1CodesASCII.txt", "admin2Codes.txt", "countryInfo.txt"]
    {
        assert!(gaz.join("downloads").join(f).is_file(), "{f} missing; {err}");
    }
    assert!(err.contains("imported 20 places"), "{err}");
    // No temporary files left behind.
    let leftovers: Vec<_> = std::fs::read_dir(gaz.join("downloads"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty());
    let g = Gazetteer::open(&gaz, false).unwrap();
    assert_eq!(lookup_ids(&g, "Khanaqeen"), [94591], "per-country alternate names merged");
}

#[test]
fn download_errors_are_clear() {
    let (_root, url) = geonames_server();
    let dir = Dir::new();
    let gaz = dir.join("gaz");

    let o = run(&["gazetteer", "download", "FR", "--base-url", &url], &gaz);
    o.assert_exit(2);
    assert!(o.stderr().contains("FR.zip: HTTP 404"), "{}", o.stderr());

    let o = run(&["gazetteer", "download", "IQ", "--max-bytes", "100", "--base-url", &url], &gaz);
    o.assert_exit(2);
    assert!(o.stderr().contains("over the 100 byte limit"), "{}", o.stderr());

    let o = run(&["gazetteer", "download", "IQ", "--base-url", &format!("{url}cut/")], &gaz);
    o.assert_exit(2);
    assert!(!gaz.join("downloads/IQ.zip").exists(), "a cut download is not kept");

    // Nothing listens on port 9 of localhost: the message says we could not reach it.
    let o = run(&["gazetteer", "download", "IQ", "--base-url", "http://127.0.0.1:9/"], &gaz);
    o.assert_exit(2);
    assert!(o.stderr().contains("could not reach 127.0.0.1"), "{}", o.stderr());
    assert!(o.stderr().contains("(offline?)"), "{}", o.stderr());

    let o = run(&["gazetteer", "download", "cities42", "--base-url", &url], &gaz);
    o.assert_exit(2);
    assert!(o.stderr().contains("cities42"), "{}", o.stderr());
}

/// Regression (issue 19): importing an empty file silently replaced an
/// imported index with an empty one.
#[test]
fn an_empty_import_leaves_the_gazetteer_as_it_was() {
    let dir = Dir::new();
    let gaz = dir.join("gaz");
    let places = dir.create(
        "mini.txt",
        "98463\tJalawla\tJalawla\t\t34.2711\t45.1581\tP\tPPL\tIQ\t\t10\t\t\t\t30000\t\t\tAsia/Baghdad\t2020-01-01\n",
    );
    incidentmap(["gazetteer", "import", s(&places), "--gazetteer", s(&gaz)]).run().assert_exit(0);
    let index: Vec<_> = std::fs::read_dir(&gaz).unwrap().map(|e| e.unwrap().path()).collect();
    let before: Vec<Vec<u8>> = index.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let empty = dir.create("empty.txt", "");
    let r = incidentmap(["gazetteer", "import", s(&empty), "--gazetteer", s(&gaz)]).run();
    r.assert_exit(2);
    assert!(r.stderr().contains("hold no place names"), "{}", r.stderr());
    let after: Vec<Vec<u8>> = index.iter().map(|p| std::fs::read(p).unwrap()).collect();
    assert_eq!(before, after);
}
