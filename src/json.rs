//! JSON text written by hand, for the writers that stream millions of
//! records: the one string escaper of the project.

/// Appends `s` as a JSON string literal (quotes included), escaped exactly
/// as `serde_json` escapes it.
pub fn push_str(w: &mut Vec<u8>, s: &str) {
    w.push(b'"');
    escape_into(w, s);
    w.push(b'"');
}

/// The contents of a JSON string, escaped as `serde_json` escapes them:
/// `\"`, `\\`, the short forms of backspace, tab, newline, form feed and
/// carriage return, `\u00xx` for the other control characters.
pub fn escape_into(w: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    // Most strings (names, codes, rule trails) need no escape: found eight
    // bytes at a time, they are copied whole.
    if is_clean(bytes) {
        w.extend_from_slice(bytes);
        return;
    }
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        w.extend_from_slice(&bytes[run..i]);
        run = i + 1;
        let short = match b {
            0x08 => b'b',
            b'\t' => b't',
            b'\n' => b'n',
            0x0c => b'f',
            b'\r' => b'r',
            0x00..=0x1f => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                w.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
                continue;
            }
            _ => b, // '"' and '\\' escape as themselves
        };
        w.extend_from_slice(&[b'\\', short]);
    }
    w.extend_from_slice(&bytes[run..]);
}

/// Does no byte of `bytes` need escaping? Checked eight bytes at a time:
/// the whole words, then the last eight bytes (overlapping the words
/// checked), and a short string as one word padded with a plain letter.
fn is_clean(bytes: &[u8]) -> bool {
    let n = bytes.len();
    if n < 8 {
        let mut x = u64::from_le_bytes([b'a'; 8]);
        for (k, &b) in bytes.iter().enumerate() {
            x = (x & !(0xff << (8 * k))) | u64::from(b) << (8 * k);
        }
        return !needs_escape8(x);
    }
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"));
    (0..n / 8).all(|k| !needs_escape8(word(8 * k))) && !needs_escape8(word(n - 8))
}

/// Does any byte of `x` need escaping in a JSON string: a control byte
/// (below 0x20), `"` or `\\`? (The "has a byte less than n" and "has a zero
/// byte" word tricks: exact for the question "any byte?".)
fn needs_escape8(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |v: u64, n: u64| v.wrapping_sub(ONES * n) & !v & HIGH != 0;
    below(x, 0x20) || below(x ^ (ONES * u64::from(b'"')), 1) || below(x ^ (ONES * u64::from(b'\\')), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(w: &mut Vec<u8>, s: &str) {
        push_str(w, s)
    }

    #[test]
    fn strings_escape_as_serde_json_does() {
        let all_ascii: String = (0u8..0x80).map(char::from).collect();
        for s in [all_ascii.as_str(), "", "plain", "Ḩalab \"quoted\" \\ back", "\u{7f}\u{80}\u{2028}é"] {
            let mut w = Vec::new();
            string(&mut w, s);
            assert_eq!(String::from_utf8(w).unwrap(), serde_json::to_string(s).unwrap());
        }
    }

    #[test]
    fn eight_byte_check_agrees_with_a_byte_by_byte_one() {
        let needs = |x: u64| x.to_le_bytes().iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\');
        for v in 0..=255u8 {
            for k in 0..8 {
                for fill in [b'a', b' ', 0x80, 0xff, 0x21, b'"'] {
                    let mut b = [fill; 8];
                    b[k] = v;
                    let x = u64::from_le_bytes(b);
                    assert_eq!(needs_escape8(x), needs(x), "{b:?}");
                }
            }
        }
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            assert_eq!(needs_escape8(x), needs(x), "{x:#x}");
        }
        // Each special byte at each place of a string of every short length:
        // in a whole word, the last (overlapping) one, or a padded one.
        for n in 0..=20 {
            assert!(is_clean(&vec![b'a'; n]), "{n}");
            for v in [0u8, 0x08, b'\t', b'\n', 0x1f, b'"', b'\\'] {
                for k in 0..n {
                    let mut b = vec![b'a'; n];
                    b[k] = v;
                    assert!(!is_clean(&b), "{n} {k} {v}");
                }
            }
        }
        // Each special byte at each place of a string, in a chunk or the rest.
        for v in [0u8, 0x08, b'\t', b'\n', 0x1f, b'"', b'\\'] {
            for k in 0..20 {
                let mut b = vec![b'a'; 20];
                b[k] = v;
                let s = String::from_utf8(b).unwrap();
                let mut w = Vec::new();
                string(&mut w, &s);
                assert_eq!(String::from_utf8(w).unwrap(), serde_json::to_string(&s).unwrap());
            }
        }
    }
}
