//! GeoJSON in: RFC 7946 FeatureCollections, streamed feature by feature,
//! and RFC 8142 text sequences (the RS before each text optional, each text
//! on one line). Properties are matched to the incident columns through
//! [`Record`]; a Point geometry gives the position.

use std::borrow::Cow;
use std::io::{BufRead, Read};

use serde::Deserialize;
use serde_json::Value;

use super::record::{Record, Sink};
use crate::error::{Error, Result};
use crate::extract::incident::Incident;
use crate::schema::check_coord;

// GeoJSON

/// A Feature as read: only what an incident needs, borrowing strings from
/// the input where they have no escapes. Reading through
/// `serde_json::Value` maps cost twice the time at a million features.
#[derive(Deserialize)]
pub(crate) struct RawFeature<'a> {
    #[serde(rename = "type", borrow)]
    pub(crate) ty: Text<'a>,
    #[serde(default)]
    id: Option<Value>,
    #[serde(default, borrow)]
    geometry: Option<RawGeometry<'a>>,
    #[serde(default, borrow)]
    properties: Option<Props<'a>>,
}

#[derive(Deserialize)]
struct RawGeometry<'a> {
    #[serde(rename = "type", borrow)]
    ty: Text<'a>,
    #[serde(default)]
    coordinates: Option<Value>,
}

/// A string, borrowed when the JSON text has no escapes.
pub(crate) struct Text<'a>(pub(crate) Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Text<'a>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

/// A property value.
enum Scalar<'a> {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(Cow<'a, str>),
    /// An array or object, which no incident column holds.
    Nested,
}

impl<'de: 'a, 'a> Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = Scalar<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> std::result::Result<Scalar<'a>, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E>(self) -> std::result::Result<Scalar<'a>, E> {
                Ok(Scalar::Null)
            }
            fn visit_bool<E>(self, v: bool) -> std::result::Result<Scalar<'a>, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_u64<E>(self, v: u64) -> std::result::Result<Scalar<'a>, E> {
                Ok(Scalar::U64(v))
            }
            fn visit_i64<E>(self, v: i64) -> std::result::Result<Scalar<'a>, E> {
                Ok(Scalar::I64(v))
            }
            fn visit_f64<E>(self, v: f64) -> std::result::Result<Scalar<'a>, E> {
                Ok(Scalar::F64(v))
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Scalar<'a>, E> {
                Ok(Scalar::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Scalar<'a>, E> {
                Ok(Scalar::Str(Cow::Owned(v.to_string())))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> std::result::Result<Scalar<'a>, A::Error> {
                while a.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Scalar::Nested)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> std::result::Result<Scalar<'a>, A::Error> {
                while a.next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?.is_some() {}
                Ok(Scalar::Nested)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// Properties in document order.
struct Props<'a>(Vec<(Text<'a>, Scalar<'a>)>);

impl<'de: 'a, 'a> Deserialize<'de> for Props<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = Props<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_unit<E>(self) -> std::result::Result<Props<'a>, E> {
                Ok(Props(Vec::new()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> std::result::Result<Props<'a>, A::Error> {
                let mut v = Vec::with_capacity(32);
                while let Some(e) = a.next_entry()? {
                    v.push(e);
                }
                Ok(Props(v))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// Sets the record's columns from JSON members (the first member of a
/// kind wins; unknown ones are ignored).
fn set_props(row: &mut Record, props: &Props) -> std::result::Result<(), String> {
    let mut num = Vec::with_capacity(24);
    let mut ryu = ryu::Buffer::new();
    let mut seen = Vec::new();
    for (k, v) in &props.0 {
        let k = &*k.0;
        let Some(field) = super::record::target(k).filter(|f| !seen.contains(f)) else {
            continue;
        };
        seen.push(field);
        num.clear();
        let text: &str = match v {
            Scalar::Null => continue,
            Scalar::Str(s) if s.is_empty() => continue,
            Scalar::Str(s) => s,
            Scalar::U64(n) => {
                crate::export::push_u64(&mut num, *n);
                std::str::from_utf8(&num).unwrap_or_default()
            }
            Scalar::I64(n) => {
                crate::export::push_i64(&mut num, *n);
                std::str::from_utf8(&num).unwrap_or_default()
            }
            // ryu's shortest form reads back as the same f64.
            Scalar::F64(x) => ryu.format(*x),
            Scalar::Bool(b) => {
                if *b {
                    "true"
                } else {
                    "false"
                }
            }
            Scalar::Nested => return Err(format!("property {k} is an array or object")),
        };
        row.set(field, k, text)?;
    }
    Ok(())
}

/// A JSON line that is not a Feature: a flat object of the record's
/// columns (what `--format jsonl` writes), `latitude`/`longitude` included.
fn flat_to_incident(props: &Props, record: u64) -> std::result::Result<Incident, String> {
    if props.0.iter().any(|(k, _)| k.0 == "type") {
        return Err("has a \"type\" but is not a Feature".into());
    }
    let mut row = Record::new();
    set_props(&mut row, props)?;
    row.finish(record)
}

/// Whether a line holds a flat JSON object (a JSON line of `--format jsonl`)
/// rather than a Feature or a FeatureCollection.
pub(crate) fn is_flat_object(line: &[u8]) -> bool {
    matches!(serde_json::from_slice::<Props>(line), Ok(p) if !p.0.is_empty() && !p.0.iter().any(|(k, _)| k.0 == "type"))
}

fn feature_to_incident(f: RawFeature, record: u64) -> std::result::Result<Incident, String> {
    if f.ty.0 != "Feature" {
        return Err(format!("type is {:?}, not \"Feature\"", f.ty.0));
    }
    let mut row = Record::new();
    if let Some(props) = &f.properties {
        set_props(&mut row, props)?;
    }
    if !row.id
        && let Some(id) = f.id.as_ref().and_then(Value::as_u64)
    {
        row.inc.id = id;
        row.id = true;
    }
    if let Some(g) = &f.geometry {
        let ty = &*g.ty.0;
        if ty != "Point" {
            return Err(format!("geometry is a {ty:?}, not a Point"));
        }
        let c = g.coordinates.as_ref().and_then(Value::as_array);
        let (lon, lat) = match c.map(|c| (c.first().and_then(Value::as_f64), c.get(1).and_then(Value::as_f64))) {
            Some((Some(lon), Some(lat))) => (lon, lat),
            _ => return Err("Point coordinates are not [longitude, latitude]".into()),
        };
        let lat = check_coord("latitude", lat, 90.0)?;
        let lon = check_coord("longitude", lon, 180.0)?;
        row.set_position(crate::geodesy::LonLat { lon, lat });
    }
    row.finish(record)
}

/// Reads a GeoJSON text sequence into `sink`.
pub(crate) fn read_sequence<R: BufRead>(mut r: R, sink: &mut Sink) -> Result<()> {
    let mut buf = Vec::new();
    let mut line = 0u64;
    let mut n = 0u64;
    loop {
        buf.clear();
        let got = r.read_until(b'\n', &mut buf).map_err(|e| Error::io(sink.path(), e))?;
        if got == 0 {
            break;
        }
        line += 1;
        let text = buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&buf).trim_ascii().trim_start_matches(&[0x1E]);
        if text.trim_ascii().is_empty() {
            continue;
        }
        n += 1;
        let r = match serde_json::from_slice::<RawFeature>(text) {
            Ok(f) => feature_to_incident(f, n),
            Err(e) => match serde_json::from_slice::<Props>(text) {
                Ok(p) if !p.0.iter().any(|(k, _)| k.0 == "type") => flat_to_incident(&p, n),
                _ => Err(format!("not a GeoJSON Feature: {e}")),
            },
        };
        sink.take(line, r)?;
    }
    Ok(())
}

trait TrimRs {
    fn trim_start_matches(&self, b: &[u8]) -> &Self;
}

impl TrimRs for [u8] {
    fn trim_start_matches(&self, set: &[u8]) -> &[u8] {
        let i = self.iter().position(|c| !set.contains(c)).unwrap_or(self.len());
        &self[i..]
    }
}

/// A minimal streaming scanner over a FeatureCollection's top level: it
/// finds each feature's text and hands it to serde_json, so that a bad
/// feature is reported with its line, the others still read, and the file is
/// never held in memory whole (only the feature being read).
struct Scanner<R: Read> {
    r: R,
    b: Vec<u8>,
    pos: usize,
    eof: bool,
    err: Option<std::io::Error>,
    /// Line number at `b[counted]`.
    line: u64,
    counted: usize,
}

impl<R: Read> Scanner<R> {
    fn new(r: R) -> Self {
        Scanner { r, b: Vec::with_capacity(1 << 20), pos: 0, eof: false, err: None, line: 1, counted: 0 }
    }

    /// The byte at `pos`, reading more input when the buffer is used up.
    fn peek(&mut self) -> Option<u8> {
        while self.pos >= self.b.len() && !self.eof {
            let old = self.b.len();
            self.b.resize(old + (1 << 20), 0);
            match self.r.read(&mut self.b[old..]) {
                Ok(0) => {
                    self.b.truncate(old);
                    self.eof = true;
                }
                Ok(k) => self.b.truncate(old + k),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => self.b.truncate(old),
                Err(e) => {
                    self.b.truncate(old);
                    self.err = Some(e);
                    self.eof = true;
                }
            }
        }
        self.b.get(self.pos).copied()
    }

    /// The line of `pos` (1-based).
    fn line_here(&mut self) -> u64 {
        let to = self.pos.min(self.b.len());
        self.line += memchr::memchr_iter(b'\n', &self.b[self.counted..to]).count() as u64;
        self.counted = to;
        self.line
    }

    /// Forgets the bytes before `pos` (only between features: the slices
    /// of the feature being read index into `b`).
    fn compact(&mut self) {
        self.line_here();
        self.b.drain(..self.pos);
        self.pos = 0;
        self.counted = 0;
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, c: u8) -> std::result::Result<(), String> {
        self.ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!("expected '{}'", c as char))
        }
    }

    fn skip_string(&mut self) -> std::result::Result<(), String> {
        self.pos += 1; // opening quote
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'\\' => {
                    self.peek();
                    self.pos += 1;
                }
                b'"' => return Ok(()),
                _ => {}
            }
        }
        Err("unterminated string".into())
    }

    fn skip_value(&mut self) -> std::result::Result<(), String> {
        self.ws();
        match self.peek() {
            Some(b'"') => self.skip_string(),
            Some(b'{' | b'[') => {
                let mut depth = 0usize;
                while let Some(c) = self.peek() {
                    match c {
                        b'"' => {
                            self.skip_string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                return Ok(());
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
                Err("unterminated object or array".into())
            }
            Some(_) => {
                while let Some(c) = self.peek() {
                    if c == b',' || c == b'}' || c == b']' || c.is_ascii_whitespace() {
                        break;
                    }
                    self.pos += 1;
                }
                Ok(())
            }
            None => Err("unexpected end".into()),
        }
    }
}

/// Reads a FeatureCollection into `sink`, feature by feature.
pub(crate) fn read_collection<R: Read>(r: R, sink: &mut Sink) -> Result<()> {
    read_collection_with(r, sink, 1 << 20)
}

/// `compact_at`: consumed bytes are dropped once more than this many.
pub(crate) fn read_collection_with<R: Read>(r: R, sink: &mut Sink, compact_at: usize) -> Result<()> {
    let mut s = Scanner::new(r);
    if s.peek() == Some(0xEF) && s.b.starts_with(b"\xEF\xBB\xBF") {
        s.pos = 3;
    }
    let path = sink.path();
    let bad_input = |s: &mut Scanner<R>, m: String| {
        if let Some(e) = s.err.take() {
            return Error::io(&path, e);
        }
        let line = s.line_here();
        Error::bad_input(&path, format!("not a GeoJSON FeatureCollection (line {line}): {m}"))
    };
    if let Err(m) = s.expect(b'{') {
        return Err(bad_input(&mut s, m));
    }
    let mut is_fc = false;
    let mut n = 0u64;
    loop {
        s.ws();
        match s.peek() {
            Some(b'}') => break,
            Some(b'"') => {}
            _ => return Err(bad_input(&mut s, "expected a member name".into())),
        }
        let k0 = s.pos;
        if let Err(m) = s.skip_string() {
            return Err(bad_input(&mut s, m));
        }
        let key: String = match serde_json::from_slice(&s.b[k0..s.pos]) {
            Ok(k) => k,
            Err(e) => return Err(bad_input(&mut s, e.to_string())),
        };
        if let Err(m) = s.expect(b':') {
            return Err(bad_input(&mut s, m));
        }
        s.ws();
        if key == "features" {
            if let Err(m) = s.expect(b'[') {
                return Err(bad_input(&mut s, m));
            }
            loop {
                s.ws();
                if s.peek() == Some(b']') {
                    s.pos += 1;
                    break;
                }
                // Drop consumed bytes only now and then: draining the
                // buffer before every feature would move it a million times.
                if s.pos > compact_at {
                    s.compact();
                }
                let start = s.pos;
                let line = s.line_here();
                if let Err(m) = s.skip_value() {
                    return Err(bad_input(&mut s, m));
                }
                n += 1;
                let r = serde_json::from_slice::<RawFeature>(&s.b[start..s.pos])
                    .map_err(|e| format!("not a GeoJSON Feature: {e}"))
                    .and_then(|f| feature_to_incident(f, n))
                    .map_err(|m| format!("feature {n}: {m}"));
                sink.take(line, r)?;
                s.ws();
                match s.peek() {
                    Some(b',') => s.pos += 1,
                    Some(b']') => {}
                    _ => {
                        return Err(bad_input(&mut s, "expected ',' or ']' after a feature".into()));
                    }
                }
            }
        } else {
            let v0 = s.pos;
            if let Err(m) = s.skip_value() {
                return Err(bad_input(&mut s, m));
            }
            if key == "type" {
                let ty: String = serde_json::from_slice(&s.b[v0..s.pos]).unwrap_or_default();
                if ty != "FeatureCollection" {
                    return Err(bad_input(&mut s, format!("type is {ty:?}")));
                }
                is_fc = true;
            }
        }
        s.ws();
        match s.peek() {
            Some(b',') => s.pos += 1,
            Some(b'}') => {}
            _ => return Err(bad_input(&mut s, "expected ',' or '}'".into())),
        }
    }
    if !is_fc {
        return Err(bad_input(&mut s, "no \"type\": \"FeatureCollection\"".into()));
    }
    Ok(())
}
