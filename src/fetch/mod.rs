//! Reports from the web: HTTP(S) URLs, RSS/Atom feeds and HTML pages.

pub mod charset;
pub mod html;
