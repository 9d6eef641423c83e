//! A hand-written JSON parser for the records seen in practice, tried before serde_json's.
//!
//! serde_json's `Deserializer` reaches the tree through its generic visitor interface, which was
//! a third of the time spent on a DNS record. This parser builds the same `InputValue` tree
//! directly, but it only answers for input it is sure about: it returns `None` for anything
//! unusual (a `\u` escape of a surrogate, a number it would have to round, nesting deeper than
//! `MAX_DEPTH`) and for anything invalid, and the caller then asks serde_json, whose result
//! (or error message) is the one that counts. So the fast path changes speed, never meaning.

use std::borrow::Cow;

use serde_json::Number;

use super::json_in::{InputObject, InputValue};

/// Deeper input goes to serde_json, which enforces its own limit (128) with its own error.
/// Kept well below it so that this parser's recursion stays shallow.
const MAX_DEPTH: u32 = 64;

/// The value of one whole JSON text (surrounding whitespace allowed), or `None` when serde_json
/// must decide.
pub(super) fn parse(text: &str) -> Option<InputValue<'_>> {
    let mut parser = Parser {
        text,
        at: 0,
        depth: 0,
    };
    let value = parser.value()?;
    parser.skip_whitespace();
    (parser.at == text.len()).then_some(value)
}

struct Parser<'a> {
    text: &'a str,
    /// Byte offset of the next byte to read.
    at: usize,
    /// Objects and arrays open around `at`.
    depth: u32,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// Whitespace as JSON (and serde_json) defines it.
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn value(&mut self) -> Option<InputValue<'a>> {
        self.skip_whitespace();
        match self.peek()? {
            b'"' => self.string().map(InputValue::String),
            b'{' => self.object(),
            b'[' => self.array(),
            b't' => self.literal("true", InputValue::Bool(true)),
            b'f' => self.literal("false", InputValue::Bool(false)),
            b'n' => self.literal("null", InputValue::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn literal(&mut self, word: &str, value: InputValue<'a>) -> Option<InputValue<'a>> {
        let rest = &self.text.as_bytes()[self.at..];
        rest.starts_with(word.as_bytes()).then(|| {
            self.at += word.len();
            value
        })
    }

    /// Counts one more level of nesting; `None` past `MAX_DEPTH`.
    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    fn object(&mut self) -> Option<InputValue<'a>> {
        self.enter()?;
        self.at += 1; // '{'
                      // As json_in's serde visitor does: records are objects of a dozen or two members.
        let mut members = Vec::with_capacity(16);
        self.skip_whitespace();
        if self.peek()? == b'}' {
            self.at += 1;
        } else {
            loop {
                self.skip_whitespace();
                if self.peek()? != b'"' {
                    return None;
                }
                let key = self.string()?;
                self.skip_whitespace();
                if self.peek()? != b':' {
                    return None;
                }
                self.at += 1;
                let value = self.value()?;
                members.push((key, value));
                self.skip_whitespace();
                match self.peek()? {
                    b',' => self.at += 1,
                    b'}' => {
                        self.at += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        Some(InputValue::Object(InputObject::from_members(members)))
    }

    fn array(&mut self) -> Option<InputValue<'a>> {
        self.enter()?;
        self.at += 1; // '['
        let mut elements = Vec::new();
        self.skip_whitespace();
        if self.peek()? == b']' {
            self.at += 1;
        } else {
            loop {
                elements.push(self.value()?);
                self.skip_whitespace();
                match self.peek()? {
                    b',' => self.at += 1,
                    b']' => {
                        self.at += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        Some(InputValue::Array(elements))
    }

    /// A string starting at the opening quote: borrowed from the text when it has no escapes.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.at += 1; // '"'
        let start = self.at;
        self.at = special_byte_from(self.text.as_bytes(), self.at)?;
        match self.text.as_bytes()[self.at] {
            b'"' => {
                self.at += 1;
                Some(Cow::Borrowed(&self.text[start..self.at - 1]))
            }
            b'\\' => {
                let mut owned = String::with_capacity(self.at - start + 16);
                owned.push_str(&self.text[start..self.at]);
                self.escaped_string(owned).map(Cow::Owned)
            }
            _ => None, // a control character: serde_json's error
        }
    }

    /// The rest of a string from its first backslash, unescaped into `owned`.
    fn escaped_string(&mut self, mut owned: String) -> Option<String> {
        let bytes = self.text.as_bytes();
        loop {
            match bytes[self.at] {
                b'"' => {
                    self.at += 1;
                    return Some(owned);
                }
                b'\\' => {
                    let unescaped = match *bytes.get(self.at + 1)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hex = self.text.get(self.at + 2..self.at + 6)?;
                            let code = u32::from_str_radix(hex, 16).ok()?;
                            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                                return None; // from_str_radix allows a '+' sign
                            }
                            self.at += 4;
                            // None for a surrogate: pairs (and their errors) are left to serde_json.
                            char::from_u32(code)?
                        }
                        _ => return None,
                    };
                    owned.push(unescaped);
                    self.at += 2;
                }
                _ => return None, // a control character
            }
            let from = self.at;
            self.at = special_byte_from(bytes, from)?;
            owned.push_str(&self.text[from..self.at]);
        }
    }

    fn number(&mut self) -> Option<InputValue<'a>> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        let negative = bytes[start] == b'-';
        let mut at = start + usize::from(negative);
        let digits_start = at;
        while at < bytes.len() && bytes[at].is_ascii_digit() {
            at += 1;
        }
        let digits = &bytes[digits_start..at];
        let is_plain_integer = !matches!(bytes.get(at), Some(b'.' | b'e' | b'E'));
        // Up to 18 digits fit an i64 and a u64 without overflow; no leading zeros; no "-0",
        // which serde_json reads as the float -0.0.
        if is_plain_integer
            && (1..=18).contains(&digits.len())
            && (digits[0] != b'0' || digits.len() == 1)
            && !(negative && digits == b"0")
        {
            let magnitude = digits
                .iter()
                .fold(0u64, |sum, digit| sum * 10 + u64::from(digit - b'0'));
            self.at = at;
            let number = if negative {
                Number::from(-(magnitude as i64))
            } else {
                Number::from(magnitude)
            };
            return Some(InputValue::Number(number));
        }
        // Anything else (fractions, exponents, long integers) as serde_json reads the token, so
        // its rounding and overflow rules hold.
        while at < bytes.len()
            && matches!(bytes[at], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
        {
            at += 1;
        }
        let number: Number = serde_json::from_str(&self.text[start..at]).ok()?;
        self.at = at;
        Some(InputValue::Number(number))
    }
}

/// The offset of the first `"`, `\` or control character at or after `from`, if any. Eight
/// bytes at a time: strings in records are mostly short runs of plain text.
#[inline]
fn special_byte_from(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // A byte's high bit is set in `found` if it is below 0x20, or (xored with '"' or '\\')
        // zero; borrows may also mark bytes after the first match, never before it.
        let below_space = word.wrapping_sub(ONES * 0x20);
        let quote = (word ^ (ONES * u64::from(b'"'))).wrapping_sub(ONES);
        let backslash = (word ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES);
        let found = (below_space | quote | backslash) & !word & HIGHS;
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    bytes[at..]
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|offset| at + offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path may decline anything, but what it accepts must be exactly what serde_json
    /// reads: same tree, same text when written back.
    fn assert_agrees(text: &str) -> bool {
        let theirs = serde_json::from_str::<serde_json::Value>(text);
        match parse(text) {
            Some(ours) => {
                let theirs = theirs.unwrap_or_else(|error| {
                    panic!("accepted what serde_json rejects ({error}): {text:?}")
                });
                let ours = ours.to_json();
                assert_eq!(ours, theirs, "{text:?}");
                assert_eq!(ours.to_string(), theirs.to_string(), "{text:?}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn accepts_the_usual_records() {
        let records = [
            r#"{"version":"1.100000","account_id":"433601624236","query_name":"build.shop.example.","answers":[{"Rdata":"vpn.api.corp.internal.","Type":"CNAME","Class":"IN"}],"srcids":{"instance":"i-000012e583b9a77029"}}"#,
            r#"{"answers":[{"Rdata":"\"v=spf1 include:_spf.example.com ~all\"","Type":"TXT"}],"e":"caf\u00e9 \/ \\ \b\f\n\r\t"}"#,
            r#" { "a" : [ 1 , -2 , 0 , 3.25 , -0 , 1e3 , 1E-7 , 123456789012345678 , 12345678901234567890123 ] , "b" : { } , "c" : [ ] , "d" : null , "e" : true , "f" : false } "#,
            "\"text with ünïcödé and 😀\"",
            "[[[[[[[[[[]]]]]]]]]]",
            "-9223372036854775808",
            "18446744073709551615",
            "\t\r\n 7 \n",
        ];
        for text in records {
            assert!(assert_agrees(text), "declined a usual record: {text}");
        }
    }

    #[test]
    fn declines_what_serde_json_must_decide() {
        let declined = [
            "",
            " ",
            r#"{"a":1,}"#,
            r#"[1,]"#,
            r#"{"a" 1}"#,
            r#"{"a":1} x"#,
            r#"{a:1}"#,
            "\"tab\there\"",
            r#""\ud83d\ude00""#,
            r#""\ud800""#,
            r#""\x""#,
            r#""\u12""#,
            r#""\u+123""#,
            r#""unterminated"#,
            r#""escape then unterminated\n"#,
            "01",
            "-",
            "-a",
            "1.",
            "1e",
            "1e400",
            "1-2",
            "tru",
            "nul",
            "[1 2]",
            "{\"a\":1",
        ];
        for text in declined {
            assert_eq!(parse(text).map(|value| value.to_json()), None, "{text:?}");
        }
        let deep = format!("{}{}", "[".repeat(65), "]".repeat(65));
        assert!(parse(&deep).is_none(), "deeper than MAX_DEPTH");
        let deep = format!("{}{}", "[".repeat(64), "]".repeat(64));
        assert!(assert_agrees(&deep), "exactly MAX_DEPTH");
    }

    /// Texts built at random from JSON fragments, valid and broken: whatever the fast path
    /// accepts, serde_json reads the same way.
    #[test]
    fn agrees_with_serde_json_on_random_texts() {
        const FRAGMENTS: &[&str] = &[
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            " ",
            "\n",
            "\"",
            "\"k\"",
            "\"v\"",
            "\"a\\\"b\"",
            "\"\\u00e9\"",
            "\"\\ud83d\\ude00\"",
            "\"\\n\"",
            "\\",
            "0",
            "-",
            "1",
            "12",
            "-7",
            ".5",
            "e3",
            "E-2",
            "+",
            "true",
            "false",
            "null",
            "nul",
            "\u{7}",
            "é",
            "😀",
            "\"x\":",
            "\"long plain text value\"",
            "123456789012345678901",
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut accepted = 0;
        for _ in 0..50_000 {
            let count = 1 + next() % 12;
            let text: String = (0..count)
                .map(|_| FRAGMENTS[(next() % FRAGMENTS.len() as u64) as usize])
                .collect();
            if assert_agrees(&text) {
                accepted += 1;
            }
        }
        // The generator must reach the accepting paths too, or the test checks nothing.
        assert!(accepted > 1_000, "only {accepted} texts accepted");
    }

    #[test]
    fn special_bytes_are_found_at_every_offset() {
        for len in 0..40 {
            for at in 0..len {
                for special in [b'"', b'\\', 0x00, 0x1f] {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = special;
                    // Bytes after the match that look special (or high) must not matter.
                    if at + 1 < len {
                        bytes[at + 1] = 0x80;
                    }
                    assert_eq!(special_byte_from(&bytes, 0), Some(at), "{bytes:?}");
                    assert_eq!(special_byte_from(&bytes, at), Some(at), "{bytes:?}");
                }
            }
            let plain: Vec<u8> = (0..len)
                .map(|i| [b' ', b'~', 0x7f, 0xc3, 0xff][i % 5])
                .collect();
            assert_eq!(special_byte_from(&plain, 0), None, "{plain:?}");
        }
    }
}
