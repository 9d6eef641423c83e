//! Panther's `fastmatch` parser: a line is matched against patterns like
//! `%{ip} %{} %{user} [%{time}] "%{request}" %{status}`, compiled by the generator into a prefix
//! and a list of captures (each ended by the literal text that follows it). Matching is a few
//! substring searches per line; nothing is interpreted per record.

use std::borrow::Cow;

use memchr::{memchr, memchr2, memmem};

use super::text_record::{finish_record, with_values, TextRecordSpec};
use super::{ColumnMap, DecodeError, EventMeta, EventOutput, LogType};

#[derive(Debug, Clone, Copy)]
pub struct FastMatchSpec {
    /// The names the patterns capture, each once: the record's columns (before `expandFields`).
    pub keys: &'static [&'static str],
    /// Tried in order; the first that matches wins.
    pub patterns: &'static [FastPattern],
    pub text: TextRecordSpec,
}

/// One compiled pattern: the text a line must start with, then the captures.
#[derive(Debug)]
pub struct FastPattern {
    pub prefix: &'static str,
    pub captures: &'static [FastCapture],
}

#[derive(Debug)]
pub struct FastCapture {
    /// Index into `FastMatchSpec::keys`; `None` for `%{}` (matched, not kept).
    pub column: Option<usize>,
    /// The text that ends the value; empty for a last capture that takes the rest of the line.
    /// Text after the last capture's `until` is not looked at.
    pub until: &'static str,
    /// The value sits between two of these quote characters: it ends at the first unescaped
    /// quote followed by the rest of `until`, and its backslash escapes are undone.
    pub quote: Option<char>,
    /// `splitAtLast`: the value ends at the last `until` before the end of the next value (an
    /// IPv6 address before `:port`), not at the first.
    pub at_last: bool,
}

/// Const builders for the generated specs: `FastCapture::column(3, ":").at_last()`.
#[doc(hidden)]
impl FastCapture {
    /// A value kept in `column`, ending at `until`.
    pub const fn column(column: usize, until: &'static str) -> Self {
        FastCapture {
            column: Some(column),
            until,
            quote: None,
            at_last: false,
        }
    }

    /// `%{}`: a value matched up to `until`, not kept.
    pub const fn skip(until: &'static str) -> Self {
        FastCapture {
            column: None,
            ..FastCapture::column(0, until)
        }
    }

    pub const fn quoted(mut self, quote: char) -> Self {
        self.quote = Some(quote);
        self
    }

    pub const fn at_last(mut self) -> Self {
        self.at_last = true;
        self
    }
}

/// Matches `line` and decodes the record; a line no pattern matches is rejected.
pub fn parse_fastmatch(
    log_type: &LogType,
    spec: &FastMatchSpec,
    line: &str,
    columns: &ColumnMap,
    meta: &EventMeta<'_>,
    out: &mut dyn EventOutput,
) -> Result<(), DecodeError> {
    let count = spec.keys.len() + spec.text.expand_fields.len();
    with_values(count, |values: &mut [Option<Cow<'_, str>>]| {
        for pattern in spec.patterns {
            values.iter_mut().for_each(|value| *value = None);
            if match_pattern(pattern, line, values) {
                return finish_record(log_type, &spec.text, values, columns, meta, out);
            }
        }
        Err(DecodeError::record(match spec.patterns.len() {
            1 => "the line does not match the pattern".to_string(),
            count => format!("the line matches none of the {count} patterns"),
        }))
    })
}

/// Fills `values` (by capture column) when `line` matches `pattern`.
fn match_pattern<'l>(
    pattern: &FastPattern,
    line: &'l str,
    values: &mut [Option<Cow<'l, str>>],
) -> bool {
    let Some(mut rest) = line.strip_prefix(pattern.prefix) else {
        return false;
    };
    for (index, capture) in pattern.captures.iter().enumerate() {
        let (value, after) = if capture.until.is_empty() {
            (Cow::Borrowed(rest), "")
        } else {
            let found = match (capture.quote, pattern.captures.get(index + 1)) {
                (Some(quote), _) => quoted_value(rest, quote, capture.until),
                (None, Some(next)) if capture.at_last => {
                    value_to_last(rest, capture.until, next.until)
                }
                (None, _) => plain_value(rest, capture.until),
            };
            match found {
                Some(found) => found,
                None => return false,
            }
        };
        if let Some(slot) = capture.column.and_then(|column| values.get_mut(column)) {
            *slot = Some(value);
        }
        rest = after;
    }
    true
}

/// `splitAtLast`: the text before the last `until` that comes before the end of the next value
/// (its `next_until`, or the end of the line), and the text after that `until`.
fn value_to_last<'l>(
    text: &'l str,
    until: &str,
    next_until: &str,
) -> Option<(Cow<'l, str>, &'l str)> {
    let first = memmem::find(text.as_bytes(), until.as_bytes())?;
    let searched_from = first + until.len();
    let next_end = if next_until.is_empty() {
        text.len()
    } else {
        memmem::find(text.as_bytes().get(searched_from..)?, next_until.as_bytes())
            .map_or(text.len(), |at| searched_from + at)
    };
    let at = memmem::rfind(text.as_bytes().get(..next_end)?, until.as_bytes())?;
    Some((
        Cow::Borrowed(text.get(..at)?),
        text.get(at + until.len()..)?,
    ))
}

/// The text before the first `until`, and the text after it.
fn plain_value<'l>(text: &'l str, until: &str) -> Option<(Cow<'l, str>, &'l str)> {
    let at = match until.as_bytes() {
        [byte] => memchr(*byte, text.as_bytes())?,
        needle => memmem::find(text.as_bytes(), needle)?,
    };
    // `at` starts a match of a whole UTF-8 string: a char boundary.
    let value = text.get(..at)?;
    let after = text.get(at + until.len()..)?;
    Some((Cow::Borrowed(value), after))
}

/// The text before the first unescaped `quote` that starts `until`, unescaped, and the text
/// after that `until`. A quote not followed by the rest of `until` is part of the value.
fn quoted_value<'l>(text: &'l str, quote: char, until: &str) -> Option<(Cow<'l, str>, &'l str)> {
    let bytes = text.as_bytes();
    // Quotes are `"` or `'` (the generator only makes these), so one byte.
    let quote_byte = u8::try_from(quote).ok()?;
    let mut from = 0;
    let mut escaped = false;
    loop {
        let at = from + memchr2(b'\\', quote_byte, bytes.get(from..)?)?;
        if bytes[at] == b'\\' {
            escaped = true;
            from = at + 2;
            continue;
        }
        if text.get(at..)?.starts_with(until) {
            let value = text.get(..at)?;
            let after = text.get(at + until.len()..)?;
            let value = if escaped {
                Cow::Owned(unescape(value))
            } else {
                Cow::Borrowed(value)
            };
            return Some((value, after));
        }
        from = at + 1;
    }
}

/// Undoes backslash escapes as Apache and nginx write them (and as Go's `strconv` reads them):
/// `\"` `\'` `\\` `\n` `\t` `\r` `\a` `\b` `\f` `\v`, `\xhh` and `\ooo` (bytes), `\uhhhh` and
/// `\Uhhhhhhhh` (characters). Bytes that do not form UTF-8 are read as Latin-1 characters (what
/// Panther does). An unknown escape is kept as written.
fn unescape(text: &str) -> String {
    let bytes = decode_escapes(text, false);
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => String::from_utf8(decode_escapes(text, true)).unwrap_or_default(),
    }
}

/// `unescape`'s work: escaped bytes are pushed as they are, or as Latin-1 characters.
fn decode_escapes(text: &str, bytes_as_latin1: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let push_byte = |out: &mut Vec<u8>, byte: u8| {
        if bytes_as_latin1 {
            let mut buffer = [0; 4];
            out.extend_from_slice(char::from(byte).encode_utf8(&mut buffer).as_bytes());
        } else {
            out.push(byte);
        }
    };
    let mut rest = text;
    while let Some(at) = rest.find('\\') {
        out.extend_from_slice(&rest.as_bytes()[..at]);
        let escape = &rest[at + 1..];
        let (decoded, used) = decode_escape(escape);
        match decoded {
            Some(Decoded::Byte(byte)) => push_byte(&mut out, byte),
            Some(Decoded::Char(c)) => {
                let mut buffer = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
            }
            None => out.push(b'\\'),
        }
        rest = escape.get(used..).unwrap_or_default();
    }
    out.extend_from_slice(rest.as_bytes());
    out
}

enum Decoded {
    Byte(u8),
    Char(char),
}

/// The escape at the start of `escape` (the text after a backslash) and how many bytes it used;
/// `(None, 0)` for an unknown one.
fn decode_escape(escape: &str) -> (Option<Decoded>, usize) {
    let Some(first) = escape.bytes().next() else {
        return (None, 0);
    };
    let simple = match first {
        b'"' | b'\'' | b'\\' => Some(first),
        b'n' => Some(b'\n'),
        b't' => Some(b'\t'),
        b'r' => Some(b'\r'),
        b'a' => Some(0x07),
        b'b' => Some(0x08),
        b'f' => Some(0x0c),
        b'v' => Some(0x0b),
        _ => None,
    };
    if let Some(byte) = simple {
        return (Some(Decoded::Byte(byte)), 1);
    }
    let digits = |count: usize, radix: u32| -> Option<u32> {
        let digits = escape.get(1..1 + count)?;
        digits
            .chars()
            .all(|c| c.is_digit(radix))
            .then(|| u32::from_str_radix(digits, radix).ok())
            .flatten()
    };
    let decoded = match first {
        b'x' => digits(2, 16)
            .and_then(|value| u8::try_from(value).ok())
            .map(|byte| (Decoded::Byte(byte), 3)),
        b'u' => digits(4, 16)
            .and_then(char::from_u32)
            .map(|c| (Decoded::Char(c), 5)),
        b'U' => digits(8, 16)
            .and_then(char::from_u32)
            .map(|c| (Decoded::Char(c), 9)),
        b'0'..=b'7' => {
            let octal = escape.get(..3).filter(|o| o.chars().all(|c| c.is_digit(8)));
            octal
                .and_then(|octal| u8::from_str_radix(octal, 8).ok())
                .map(|byte| (Decoded::Byte(byte), 3))
        }
        _ => None,
    };
    match decoded {
        Some((decoded, used)) => (Some(decoded), used),
        None => (None, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_undone() {
        assert_eq!(unescape(r#"a \"b\" \\ c"#), r#"a "b" \ c"#);
        assert_eq!(unescape(r"tab\there\n"), "tab\there\n");
        assert_eq!(
            unescape(r"\xe2\x80\x99 \u00e9 \U0001F600 \101"),
            "\u{2019} é 😀 A"
        );
        // Not UTF-8: each escaped byte is a Latin-1 character, as Panther reads it.
        assert_eq!(unescape(r"caf\xe9"), "café");
        // Unknown or cut-off escapes stay as written.
        assert_eq!(unescape(r"\q \x4 \u12 end\"), r"\q \x4 \u12 end\");
        assert_eq!(unescape(r"\x+f"), r"\x+f");
    }

    #[test]
    fn quoted_values_skip_escaped_quotes() {
        let (value, after) = quoted_value(r#"say \"hi\"" 200"#, '"', "\" ").unwrap();
        assert_eq!((value.as_ref(), after), (r#"say "hi""#, "200"));
        // A quote not followed by the rest of the delimiter belongs to the value.
        let (value, after) = quoted_value(r#"a"b" x"#, '"', "\" ").unwrap();
        assert_eq!((value.as_ref(), after), ("a\"b", "x"));
        assert!(matches!(
            quoted_value("plain\" x", '"', "\" "),
            Some((Cow::Borrowed("plain"), "x"))
        ));
        assert!(quoted_value(r#"never closed \"#, '"', "\" ").is_none());
        assert!(quoted_value(r#"never closed"#, '"', "\" ").is_none());
    }

    #[test]
    fn plain_values_end_at_their_delimiter() {
        assert_eq!(
            plain_value("10.0.0.1 - frank", " ").map(|(v, a)| (v.into_owned(), a)),
            Some(("10.0.0.1".to_string(), "- frank"))
        );
        assert_eq!(
            plain_value("é→x→y", "→").map(|(v, a)| (v.into_owned(), a)),
            Some(("é".to_string(), "x→y"))
        );
        assert!(plain_value("no delimiter", "|").is_none());
    }

    #[test]
    fn split_at_last_keeps_an_ipv6_address_before_its_port() {
        let (value, after) = value_to_last("2001:db8::1:443 10.0.0.1:80 x", ":", " ").unwrap();
        assert_eq!(
            (value.as_ref(), after),
            ("2001:db8::1", "443 10.0.0.1:80 x")
        );
        let (value, after) = value_to_last("192.168.1.1:2817 10.0.0.1:80", ":", " ").unwrap();
        assert_eq!((value.as_ref(), after), ("192.168.1.1", "2817 10.0.0.1:80"));
        // The next value is the last of the line: its end is the line's.
        let (value, after) = value_to_last("::1:8080", ":", "").unwrap();
        assert_eq!((value.as_ref(), after), ("::1", "8080"));
        assert!(value_to_last("no-port here", ":", " ").is_none());
    }

    static COMMON: FastPattern = FastPattern {
        prefix: "",
        captures: &[
            FastCapture {
                column: Some(0),
                until: " ",
                quote: None,
                at_last: false,
            },
            FastCapture {
                column: None,
                until: " [",
                quote: None,
                at_last: false,
            },
            FastCapture {
                column: Some(1),
                until: "] \"",
                quote: None,
                at_last: false,
            },
            FastCapture {
                column: Some(2),
                until: "\" ",
                quote: Some('"'),
                at_last: false,
            },
            FastCapture {
                column: Some(3),
                until: "",
                quote: None,
                at_last: false,
            },
        ],
    };

    fn matched(line: &str) -> Option<Vec<Option<String>>> {
        let mut values = vec![None; 4];
        match_pattern(&COMMON, line, &mut values).then(|| {
            values
                .into_iter()
                .map(|value| value.map(Cow::into_owned))
                .collect()
        })
    }

    #[test]
    fn patterns_capture_in_order_and_the_last_takes_the_rest() {
        assert_eq!(
            matched(r#"127.0.0.1 - [10/Oct/2000:13:55:36 -0700] "GET /a\"b HTTP/1.0" 200 2326"#),
            Some(vec![
                Some("127.0.0.1".into()),
                Some("10/Oct/2000:13:55:36 -0700".into()),
                Some("GET /a\"b HTTP/1.0".into()),
                Some("200 2326".into()),
            ])
        );
        assert_eq!(matched("127.0.0.1 - missing bracket"), None);
        assert_eq!(matched(""), None);
    }
}
