//! A small HTTP/1.1 server on the standard library: GET, HEAD and OPTIONS
//! only, every request head bounded in size, every connection bounded in
//! time, at most [`MAX_CONNECTIONS`] at once.
//!
//! Why not a crate: the synchronous servers considered (tiny_http among
//! them) read a request's header lines without any size limit, so one
//! client could make the process allocate without bound; the server here
//! needs so little of HTTP (no bodies, no TLS, no chunked requests) that
//! owning the hundred lines that bound it is the safer choice.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// The most bytes a request line plus its headers may take.
pub const MAX_HEAD_BYTES: u64 = 16 * 1024;
/// Connections served at once; more are answered 503 and closed.
pub const MAX_CONNECTIONS: usize = 256;
/// How long a connection may wait between requests or for a request's head.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long writing one response may take.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// One request as the handler sees it.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `GET`, `HEAD`, ...
    pub method: String,
    /// The request target: path and query as sent (still percent-encoded).
    pub target: String,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// The value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// One response: status, headers, body.
#[derive(Debug, Clone)]
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// Extra headers (Content-Length and Connection are added when sent).
    pub headers: Vec<(&'static str, String)>,
    /// The body (not sent for HEAD and 304).
    pub body: Vec<u8>,
}

impl Response {
    /// A response with a content type.
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response { status, headers: vec![("Content-Type", content_type.to_string())], body }
    }

    /// Adds a header.
    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }

    /// The value of a header this response carries.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        304 => "Not Modified",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        413 => "Content Too Large",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    }
}

/// Why a request head could not be read.
enum HeadError {
    /// The connection closed (or timed out) before a request started.
    Closed,
    /// Longer than [`MAX_HEAD_BYTES`].
    TooLarge,
    /// Not HTTP.
    Malformed,
}

/// Reads one request head, at most [`MAX_HEAD_BYTES`] bytes of it.
fn read_head(r: &mut BufReader<TcpStream>) -> Result<(Request, bool), HeadError> {
    let mut used = 0u64;
    let mut line = Vec::new();
    let mut next_line = |r: &mut BufReader<TcpStream>, line: &mut Vec<u8>| -> Result<(), HeadError> {
        line.clear();
        let n = r.by_ref().take(MAX_HEAD_BYTES - used + 1).read_until(b'\n', line).map_err(|_| HeadError::Closed)?;
        used += n as u64;
        if used > MAX_HEAD_BYTES {
            return Err(HeadError::TooLarge);
        }
        if n == 0 {
            return Err(HeadError::Closed);
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        Ok(())
    };
    // Blank lines before a request are allowed (RFC 9112 §2.2).
    loop {
        next_line(r, &mut line)?;
        if !line.is_empty() {
            break;
        }
    }
    let text = std::str::from_utf8(&line).map_err(|_| HeadError::Malformed)?;
    let mut parts = text.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(HeadError::Malformed);
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || target.is_empty() {
        return Err(HeadError::Malformed);
    }
    let mut req = Request { method: method.to_string(), target: target.to_string(), headers: Vec::new() };
    let http10 = version == "HTTP/1.0";
    loop {
        next_line(r, &mut line).map_err(|e| if matches!(e, HeadError::Closed) { HeadError::Malformed } else { e })?;
        if line.is_empty() {
            break;
        }
        let text = String::from_utf8_lossy(&line);
        let (k, v) = text.split_once(':').ok_or(HeadError::Malformed)?;
        req.headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let connection = req.header("connection").unwrap_or("").to_ascii_lowercase();
    let keep_alive = if http10 { connection.contains("keep-alive") } else { !connection.contains("close") };
    Ok((req, keep_alive))
}

fn write_response(w: &mut impl Write, resp: &Response, head_only: bool, keep_alive: bool) -> io::Result<()> {
    let mut out = Vec::with_capacity(256 + resp.body.len());
    write!(out, "HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status))?;
    for (k, v) in &resp.headers {
        write!(out, "{k}: {v}\r\n")?;
    }
    let send_body = !head_only && resp.status != 304 && resp.status != 204;
    if resp.status != 304 && resp.status != 204 {
        write!(out, "Content-Length: {}\r\n", resp.body.len())?;
    }
    write!(out, "Connection: {}\r\n\r\n", if keep_alive { "keep-alive" } else { "close" })?;
    if send_body {
        out.extend_from_slice(&resp.body);
    }
    w.write_all(&out)?;
    w.flush()
}

/// Serves one connection: requests in turn until the client closes it,
/// asks to, sends something that is not a bodiless request, or times out.
fn serve_connection(stream: TcpStream, handler: &(dyn Fn(&Request) -> Response + Sync)) -> io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::with_capacity(8 * 1024, stream);
    loop {
        let (req, keep_alive) = match read_head(&mut reader) {
            Ok(r) => r,
            Err(HeadError::Closed) => return Ok(()),
            Err(HeadError::TooLarge) => {
                let resp = super::ogc::exception(431, "RequestTooLarge", "request head", "longer than 16 KiB");
                return write_response(&mut writer, &resp, false, false);
            }
            Err(HeadError::Malformed) => {
                let resp = super::ogc::exception(400, "BadRequest", "request", "not an HTTP/1.x request");
                return write_response(&mut writer, &resp, false, false);
            }
        };
        // Read-only: a request with a body is refused, and the connection
        // closed, since its body would be read as the next request.
        let has_body =
            req.header("transfer-encoding").is_some() || req.header("content-length").is_some_and(|v| v.trim() != "0");
        if has_body {
            let resp = super::ogc::exception(413, "RequestTooLarge", "body", "this server takes no request bodies");
            return write_response(&mut writer, &resp, false, false);
        }
        let resp = handler(&req);
        write_response(&mut writer, &resp, req.method == "HEAD", keep_alive)?;
        if !keep_alive {
            return Ok(());
        }
    }
}

/// A bound listener, ready to serve.
pub struct Listener {
    listener: TcpListener,
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
}

/// Stops a running [`Listener::serve`] from another thread (a signal handler).
#[derive(Debug, Clone)]
pub struct StopHandle {
    stop: Arc<AtomicBool>,
    addr: SocketAddr,
}

impl StopHandle {
    /// Asks the accept loop to end; it ends at once.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept with a connection of our own.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(if wake.is_ipv4() {
                std::net::Ipv4Addr::LOCALHOST.into()
            } else {
                std::net::Ipv6Addr::LOCALHOST.into()
            });
        }
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
    }
}

impl Listener {
    /// Binds `addr`.
    pub fn bind(addr: SocketAddr) -> io::Result<Listener> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        Ok(Listener { listener, addr, stop: Arc::new(AtomicBool::new(false)) })
    }

    /// The address bound (with the real port when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// A handle that ends [`Listener::serve`].
    pub fn stop_handle(&self) -> StopHandle {
        StopHandle { stop: self.stop.clone(), addr: self.addr }
    }

    /// Accepts connections until stopped, each served on a thread of its
    /// own (at most [`MAX_CONNECTIONS`] at once).
    pub fn serve(self, handler: Arc<dyn Fn(&Request) -> Response + Send + Sync>) -> io::Result<()> {
        let active = Arc::new(AtomicUsize::new(0));
        for stream in self.listener.incoming() {
            if self.stop.load(Ordering::SeqCst) {
                break;
            }
            let Ok(mut stream) = stream else { continue };
            if active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                active.fetch_sub(1, Ordering::SeqCst);
                let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
                let resp = super::ogc::exception(503, "ServiceUnavailable", "connection", "too many connections");
                let _ = write_response(&mut stream, &resp, false, false);
                continue;
            }
            let (handler, mine) = (handler.clone(), active.clone());
            let spawned = std::thread::Builder::new().name("serve-conn".into()).spawn(move || {
                let _ = serve_connection(stream, &*handler);
                mine.fetch_sub(1, Ordering::SeqCst);
            });
            if spawned.is_err() {
                active.fetch_sub(1, Ordering::SeqCst);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start(handler: impl Fn(&Request) -> Response + Send + Sync + 'static) -> (SocketAddr, StopHandle) {
        let l = Listener::bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let (addr, stop) = (l.local_addr(), l.stop_handle());
        std::thread::spawn(move || l.serve(Arc::new(handler)).unwrap());
        (addr, stop)
    }

    fn exchange(addr: SocketAddr, raw: &[u8]) -> String {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.write_all(raw).unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    }

    #[test]
    fn keep_alive_then_close_and_head_has_no_body() {
        let (addr, stop) = start(|r| Response::new(200, "text/plain", r.target.clone().into_bytes()));
        let out = exchange(addr, b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /bb HTTP/1.1\r\nConnection: close\r\n\r\n");
        assert_eq!(out.matches("HTTP/1.1 200 OK").count(), 2, "{out}");
        assert!(out.contains("Content-Length: 2\r\nConnection: keep-alive\r\n\r\n/aHTTP/1.1"), "{out}");
        assert!(out.ends_with("Content-Length: 3\r\nConnection: close\r\n\r\n"), "{out}");
        stop.stop();
    }

    #[test]
    fn oversized_head_and_bodies_are_refused() {
        let (addr, stop) = start(|_| Response::new(200, "text/plain", b"ok".to_vec()));
        let big = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(20_000));
        assert!(exchange(addr, big.as_bytes()).starts_with("HTTP/1.1 431"));
        let endless = vec![b'a'; 100_000];
        assert!(exchange(addr, &endless).starts_with("HTTP/1.1 431"));
        let post = exchange(addr, b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
        assert!(post.starts_with("HTTP/1.1 413"), "{post}");
        assert!(exchange(addr, b"nonsense\r\n\r\n").starts_with("HTTP/1.1 400"));
        stop.stop();
    }
}
