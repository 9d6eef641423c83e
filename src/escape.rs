//! Names from outside (file names, S3 keys and URLs, locations) as messages and the rejects file
//! show them: on one line, free of terminal controls, and with every byte recoverable.
//!
//! A file may be called `a.log\nsummary: total: 999 events written`; printed raw, that name
//! forges a line of the summary. Escaped, it reads `a.log\nsummary: ...` on one line. The rules:
//! `\` becomes `\\` (so the escapes below are unambiguous); newline, carriage return and tab
//! become `\n`, `\r`, `\t`; other ASCII controls and bytes that are not UTF-8 become `\xNN`;
//! Unicode controls, line and paragraph separators and bidirectional overrides become
//! `\u{NNNN}`. Everything else, including any other non-ASCII text, is kept as it is.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::Path;

/// A path as messages show it.
pub fn path(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        bytes(path.as_os_str().as_bytes()).into_owned()
    }
    #[cfg(not(unix))]
    {
        // Elsewhere paths are (nearly) Unicode; what is not is shown as U+FFFD.
        name(&path.to_string_lossy()).into_owned()
    }
}

/// A name that is already text (an S3 URL or key, a location) as messages show it.
pub fn name(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    push_escaped(&mut shown, text);
    Cow::Owned(shown)
}

/// Bytes that are mostly UTF-8 text, as messages show them.
pub fn bytes(raw: &[u8]) -> Cow<'_, str> {
    if let Ok(text) = std::str::from_utf8(raw) {
        return name(text);
    }
    let mut shown = String::with_capacity(raw.len() + 8);
    for chunk in raw.utf8_chunks() {
        push_escaped(&mut shown, chunk.valid());
        for byte in chunk.invalid() {
            let _ = write!(shown, "\\x{byte:02x}");
        }
    }
    Cow::Owned(shown)
}

fn needs_escape(c: char) -> bool {
    c == '\\'
        || c.is_control()
        // Line and paragraph separators, and the bidirectional embeddings, overrides and
        // isolates that can make a terminal show text in another order than it is.
        || matches!(c, '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

fn push_escaped(shown: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => shown.push_str("\\\\"),
            '\n' => shown.push_str("\\n"),
            '\r' => shown.push_str("\\r"),
            '\t' => shown.push_str("\\t"),
            c if c.is_ascii() && needs_escape(c) => {
                let _ = write!(shown, "\\x{:02x}", c as u32);
            }
            c if needs_escape(c) => {
                let _ = write!(shown, "\\u{{{:04x}}}", c as u32);
            }
            c => shown.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_names_are_shown_as_they_are() {
        assert!(matches!(name("logs/2021/a.log.gz"), Cow::Borrowed(_)));
        assert_eq!(name("données/été 2021.log"), "données/été 2021.log");
        assert_eq!(path(Path::new("/tmp/a b/c.log")), "/tmp/a b/c.log");
    }

    #[test]
    fn a_newline_cannot_start_a_line_of_its_own() {
        let shown = name("a.log\nsummary: total: 999 events written");
        assert_eq!(shown, "a.log\\nsummary: total: 999 events written");
        assert!(!shown.contains('\n'));
        assert_eq!(name("a\r\tb\x1b[31m\x7f"), "a\\r\\tb\\x1b[31m\\x7f");
    }

    #[test]
    fn unicode_controls_and_bidi_overrides_are_escaped() {
        assert_eq!(name("a\u{85}b\u{2028}c"), "a\\u{0085}b\\u{2028}c");
        assert_eq!(name("invoice\u{202e}gol.exe"), "invoice\\u{202e}gol.exe");
    }

    #[test]
    fn backslashes_are_doubled_so_escapes_are_unambiguous() {
        assert_eq!(name("a\\xff"), "a\\\\xff");
        assert_eq!(bytes(b"a\xff"), "a\\xff");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_kept_as_hex() {
        assert_eq!(bytes(b"caf\xe9.log"), "caf\\xe9.log");
        assert_eq!(bytes(b"\xff\xfe\n\xc3\xa9"), "\\xff\\xfe\\né");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let raw = std::ffi::OsStr::from_bytes(b"/logs/caf\xe9\n.log");
            assert_eq!(path(Path::new(raw)), "/logs/caf\\xe9\\n.log");
        }
    }
}
