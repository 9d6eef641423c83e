//! Writing events as JSON straight into a byte buffer, without a value tree.

use super::writer::{EventValue, FieldName, ObjectWriter};

/// Writes the members of one JSON object. `finish` closes it.
#[derive(Debug)]
pub struct JsonObjectWriter<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> JsonObjectWriter<'a> {
    /// Writes `{`.
    pub fn new(out: &'a mut Vec<u8>) -> Self {
        out.push(b'{');
        JsonObjectWriter { out, first: true }
    }

    /// Writes `}`.
    pub fn finish(self) {
        self.out.push(b'}');
    }
}

impl ObjectWriter for JsonObjectWriter<'_> {
    /// Writes `"name":value`, unless the value is one Go's `omitempty` leaves out (an empty
    /// array), as Panther's events do.
    #[inline(always)]
    fn field<K: FieldName + ?Sized, T: EventValue + ?Sized>(&mut self, name: &K, value: &T) {
        if value.is_omitted() {
            return;
        }
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        write_key(name.field_name(), self.out);
        value.write_json(self.out);
    }

    /// Absent values are left out.
    #[inline(always)]
    fn absent<K: FieldName + ?Sized>(&mut self, _name: &K) {}
}

/// A value that writes itself as JSON: strings, integers, floats, booleans, timestamps (as
/// `"YYYY-MM-DD HH:MM:SS.fffffffff"`), `serde_json::Value`, `Vec<T>`, generated structs.
pub trait WriteJson {
    fn write_json(&self, out: &mut Vec<u8>);
    /// True for a value an object member leaves out: an empty array. Only members are left
    /// out; an empty array inside an array is written.
    #[inline(always)]
    fn is_omitted(&self) -> bool {
        false
    }
}

/// Bytes a JSON string cannot hold as they are: `"`, `\` and control characters.
static NEEDS_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = true;
        byte += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// Appends `text` as a JSON string literal: `"`, `\` and control characters escaped.
pub fn write_json_string(text: &str, out: &mut Vec<u8>) {
    let bytes = text.as_bytes();
    // Most values are short and clean: one word, checked at once and stored at once (a
    // fixed-size copy, not a call to memcpy), then cut to length.
    if bytes.len() <= 8 {
        let word = padded_word(bytes);
        if !word_needs_escape(word) {
            out.reserve(10);
            out.push(b'"');
            let end = out.len() + bytes.len();
            out.extend_from_slice(&word.to_le_bytes());
            out.truncate(end);
            out.push(b'"');
            return;
        }
    }
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    // Most values need no escaping: copy clean runs whole. Eight bytes are checked at a time;
    // only a word holding a byte to escape is looked at byte by byte.
    let mut run_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let end = (i + 8).min(bytes.len());
        let word = match (bytes.get(i..i + 8), bytes.len().checked_sub(8)) {
            (Some(word), _) => word,
            // The last few bytes of a longer text: the word ending there (bytes before `i`
            // were found clean already, so checking them again changes nothing).
            (None, Some(last_start)) => &bytes[last_start..],
            (None, None) => &bytes[i..end],
        };
        let word = padded_word(word);
        if !word_needs_escape(word) {
            i = end;
            continue;
        }
        for (at, &byte) in bytes.iter().enumerate().take(end).skip(i) {
            if NEEDS_ESCAPE[usize::from(byte)] {
                out.extend_from_slice(&bytes[run_start..at]);
                write_escape(byte, out);
                run_start = at + 1;
            }
        }
        i = end;
    }
    out.extend_from_slice(&bytes[run_start..]);
    out.push(b'"');
}

/// Up to eight bytes as a little-endian word, padded with spaces (which need no escape).
#[inline]
fn padded_word(bytes: &[u8]) -> u64 {
    match <[u8; 8]>::try_from(bytes) {
        Ok(word) => u64::from_le_bytes(word),
        Err(_) => bytes
            .iter()
            .rev()
            .fold(u64::from_le_bytes([b' '; 8]), |padded, &byte| {
                (padded << 8) | u64::from(byte)
            }),
    }
}

/// Whether any of the eight bytes of `word` is `"`, `\` or below 0x20 (the classic "has a zero
/// byte" / "has a byte less than n" bit tricks; exact as to whether any byte matches).
fn word_needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |w: u64| w.wrapping_sub(ONES) & !w & HIGH;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    let quote = has_zero(word ^ (ONES * u64::from(b'"')));
    let backslash = has_zero(word ^ (ONES * u64::from(b'\\')));
    below_space | quote | backslash != 0
}

#[cold]
fn write_escape(byte: u8, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let escape: &[u8] = match byte {
        b'"' => b"\\\"",
        b'\\' => b"\\\\",
        b'\n' => b"\\n",
        b'\r' => b"\\r",
        b'\t' => b"\\t",
        0x08 => b"\\b",
        0x0c => b"\\f",
        _ => {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(byte >> 4)]);
            out.push(HEX[usize::from(byte & 0xf)]);
            return;
        }
    };
    out.extend_from_slice(escape);
}

/// Writes an object key and its colon. Keys are schema names: almost always nothing to escape,
/// so they are copied in one piece. Inlined so that, for the string literals the generated code
/// passes, the compiler can decide the escaping check at compile time.
#[inline(always)]
fn write_key(name: &str, out: &mut Vec<u8>) {
    if name.bytes().any(|byte| NEEDS_ESCAPE[usize::from(byte)]) {
        write_json_string(name, out);
        out.push(b':');
    } else {
        out.reserve(name.len() + 3);
        out.push(b'"');
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"\":");
    }
}

impl<'a, T: super::Object<'a>> WriteJson for T {
    fn write_json(&self, out: &mut Vec<u8>) {
        let mut object = JsonObjectWriter::new(out);
        self.write_fields(&mut object);
        object.finish();
    }
}

impl WriteJson for str {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_json_string(self, out)
    }
}

impl WriteJson for std::borrow::Cow<'_, str> {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_json_string(self, out)
    }
}

impl WriteJson for String {
    fn write_json(&self, out: &mut Vec<u8>) {
        write_json_string(self, out)
    }
}

impl<T: WriteJson> WriteJson for Vec<T> {
    fn write_json(&self, out: &mut Vec<u8>) {
        self.as_slice().write_json(out)
    }
    #[inline(always)]
    fn is_omitted(&self) -> bool {
        self.is_empty()
    }
}

impl<T: WriteJson> WriteJson for [T] {
    #[inline(always)]
    fn is_omitted(&self) -> bool {
        self.is_empty()
    }
    fn write_json(&self, out: &mut Vec<u8>) {
        out.push(b'[');
        for (i, element) in self.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            element.write_json(out);
        }
        out.push(b']');
    }
}

macro_rules! write_integer {
    ($($integer:ty),*) => {$(
        impl WriteJson for $integer {
            fn write_json(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(itoa::Buffer::new().format(*self).as_bytes());
            }
        }
    )*};
}
write_integer!(i16, i32, i64, u64);

impl WriteJson for f64 {
    /// serde_json's (ryu's) shortest form; decoding admits finite values only, and a non-finite
    /// one would be written `null` rather than as invalid JSON.
    fn write_json(&self, out: &mut Vec<u8>) {
        let _ = serde_json::to_writer(&mut *out, self);
    }
}

impl WriteJson for bool {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(if *self { b"true" } else { b"false" });
    }
}

impl WriteJson for super::Timestamp {
    fn write_json(&self, out: &mut Vec<u8>) {
        out.push(b'"');
        super::time::write_timestamp(self, out);
        out.push(b'"');
    }
}

impl WriteJson for serde_json::Value {
    /// Compact; serializing a `Value` into a Vec cannot fail.
    fn write_json(&self, out: &mut Vec<u8>) {
        let _ = serde_json::to_writer(&mut *out, self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json<T: WriteJson + ?Sized>(value: &T) -> String {
        let mut out = Vec::new();
        value.write_json(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_are_escaped_like_serde_json() {
        for text in [
            "plain",
            "",
            "quote\" back\\slash",
            "line\nfeed\r\ttab",
            "\u{0}\u{1}\u{8}\u{c}\u{1f}\u{7f}",
            "é ü 日本 🎉",
            "</script>",
        ] {
            assert_eq!(json(text), serde_json::to_string(text).unwrap(), "{text:?}");
            let back: String = serde_json::from_str(&json(text)).unwrap();
            assert_eq!(back, text);
        }
    }

    /// The word-at-a-time check, its padded short words and its overlapping last word, with a
    /// byte to escape at every place of every length up to 20.
    #[test]
    fn every_position_of_an_escape_is_found() {
        for length in 0..=20 {
            for special in ['"', '\\', '\n', '\u{1f}', '\u{0}', ' ', '~', 'é'] {
                for at in 0..length {
                    let text: String = (0..length)
                        .map(|i| if i == at { special } else { 'a' })
                        .collect();
                    assert_eq!(json(text.as_str()), serde_json::to_string(&text).unwrap());
                }
            }
        }
    }

    #[test]
    fn scalars() {
        assert_eq!(json(&-32768i16), "-32768");
        assert_eq!(json(&2147483647i32), "2147483647");
        assert_eq!(json(&i64::MIN), "-9223372036854775808");
        assert_eq!(json(&1.5f64), "1.5");
        assert_eq!(json(&1.0f64), "1.0");
        assert_eq!(json(&1e300f64), "1e+300");
        assert_eq!(json(&true), "true");
        assert_eq!(json(&false), "false");
        let time = chrono::DateTime::from_timestamp(1418530010, 5).unwrap();
        assert_eq!(json(&time), "\"2014-12-14 04:06:50.000000005\"");
        let value: serde_json::Value =
            serde_json::from_str(r#"{ "b": [1, 2.5, null], "a": "x" }"#).unwrap();
        assert_eq!(json(&value), r#"{"a":"x","b":[1,2.5,null]}"#);
        assert_eq!(
            json(&vec!["a".to_string(), "b\"".to_string()]),
            r#"["a","b\""]"#
        );
        assert_eq!(json(&Vec::<i64>::new()), "[]");
        assert_eq!(json(&vec![Vec::<i64>::new()]), "[[]]");
    }

    #[test]
    fn object_writer_separates_members_and_skips_absent_ones() {
        let mut out = Vec::new();
        let mut object = JsonObjectWriter::new(&mut out);
        object.optional("none", &None::<i64>);
        object.field("a", "x");
        object.optional("b", &Some(2i64));
        object.field("c\"", &vec![true]);
        object.field("empty", &Vec::<bool>::new());
        object.optional("empty_too", &Some(Vec::<bool>::new()));
        object.finish();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"a":"x","b":2,"c\"":[true]}"#
        );

        let mut empty = Vec::new();
        JsonObjectWriter::new(&mut empty).finish();
        assert_eq!(empty, b"{}");

        // A left-out first member does not leave a separator behind.
        let mut out = Vec::new();
        let mut object = JsonObjectWriter::new(&mut out);
        object.field("empty", &Vec::<i64>::new());
        object.field("a", &1i64);
        object.finish();
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"a":1}"#);
    }
}
