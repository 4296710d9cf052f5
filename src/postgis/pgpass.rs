//! `~/.pgpass`: `hostname:port:database:username:password` lines, `*`
//! matching anything, `\:` and `\\` escaping, the first matching line
//! winning; ignored when group or others can read it, as libpq does.

use std::path::Path;

/// The file's text, or `None` when it is missing, unreadable, or readable
/// by group or others (libpq ignores such a file, with a warning).
pub(crate) fn read_file(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            eprintln!(
                "incidentmap: warning: password file {} has group or world access; permissions should be u=rw (0600) or less",
                path.display()
            );
            return None;
        }
    }
    if !meta.is_file() {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

/// Splits a line into its fields, undoing `\:` and `\\`.
fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.last_mut().expect("one field").push(n);
                }
            }
            ':' => out.push(String::new()),
            c => out.last_mut().expect("one field").push(c),
        }
    }
    out
}

/// The password of the first line of `text` that matches the connection.
pub(crate) fn lookup(text: &str, host: &str, port: u16, dbname: &str, user: &str) -> Option<String> {
    let port = port.to_string();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f = fields(line);
        if f.len() < 5 {
            continue;
        }
        let m = |field: &str, value: &str| field == "*" || field == value;
        if m(&f[0], host) && m(&f[1], &port) && m(&f[2], dbname) && m(&f[3], user) {
            // A password may itself hold unescaped colons: the rest of the line.
            return Some(f[4..].join(":"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_matching_line_wins_with_wildcards() {
        let text = "# comment\n\
                    db.example:5432:conflict:ana:first\n\
                    *:*:conflict:ana:second\n\
                    *:*:*:*:fallback\n";
        assert_eq!(lookup(text, "db.example", 5432, "conflict", "ana").as_deref(), Some("first"));
        assert_eq!(lookup(text, "other", 5433, "conflict", "ana").as_deref(), Some("second"));
        assert_eq!(lookup(text, "other", 5433, "x", "bob").as_deref(), Some("fallback"));
        assert_eq!(lookup("h:5432:d:u:p", "h", 5433, "d", "u"), None);
    }

    #[test]
    fn escapes_and_short_lines() {
        let text = "short:line\nh\\:x:5432:d:u:pa\\:ss\\\\word\n";
        assert_eq!(lookup(text, "h:x", 5432, "d", "u").as_deref(), Some("pa:ss\\word"));
        assert_eq!(lookup("h:5432:d:u:a:b\r\n", "h", 5432, "d", "u").as_deref(), Some("a:b"));
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_can_read_is_ignored() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pgpass");
        std::fs::write(&p, "*:*:*:*:pw\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(read_file(&p).as_deref(), Some("*:*:*:*:pw\n"));
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(read_file(&p), None);
        assert_eq!(read_file(&dir.path().join("missing")), None);
    }
}
