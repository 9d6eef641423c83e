//! JSON input records as borrowed values.
//!
//! A JSON line is parsed once into an `InputValue` tree whose strings (object keys included)
//! borrow from the line unless they hold escapes, and whose objects are small vectors of members
//! instead of maps: the decoders read each value once, so a `serde_json::Value` tree (an owned
//! `String` per key and string, a B-tree per object) was mostly allocation work.
//!
//! serde_json's own parser does the parsing, so escapes, number syntax, error messages and the
//! recursion limit (128 levels: deep nesting is an error, not a stack overflow) are exactly those
//! of `serde_json::from_str::<serde_json::Value>`. Numbers are kept as `serde_json::Number`, so
//! they read as they did from a `Value`, together with their text in the line (`1.100000`,
//! `123456789012345678901234567890`), which is what a `string` field gets.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Number;

/// One JSON value of an input record.
#[derive(Debug, Clone, PartialEq)]
pub enum InputValue<'a> {
    Null,
    Bool(bool),
    Number(JsonNumber<'a>),
    String(Cow<'a, str>),
    Array(Vec<InputValue<'a>>),
    Object(InputObject<'a>),
}

/// A JSON object: its members in input order, duplicates included (the last one counts, as in a
/// `serde_json::Map`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InputObject<'a> {
    members: Vec<(Cow<'a, str>, InputValue<'a>)>,
}

/// A JSON number: its value, and its text as written in the input.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonNumber<'a> {
    pub value: Number,
    /// `None` only in a tree copied out of the text it was parsed from (`into_owned`).
    text: Option<&'a str>,
}

impl<'a> JsonNumber<'a> {
    /// The number as written (`1.100000`, `1e3`); serde_json's rendering of its value when the
    /// text is not known.
    pub fn text(&self) -> Cow<'a, str> {
        match self.text {
            Some(text) => Cow::Borrowed(text),
            None => Cow::Owned(self.value.to_string()),
        }
    }
}

/// Parses one JSON text (trailing whitespace allowed, nothing else).
pub fn parse(text: &str) -> Result<InputValue<'_>, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let numbers = NumberTexts {
        text,
        at: Cell::new(0),
    };
    let value = ValueSeed(&numbers).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// Finds the text of each number as serde_json reads it. serde_json gives no positions, but it
/// visits values in input order and hands strings without escapes out as slices of the text: a
/// cursor moved past each such string and each number leaves only punctuation, `true`/`false`/
/// `null` and escaped strings to step over before the next number, usually a `:` or a `,`.
struct NumberTexts<'de> {
    text: &'de str,
    /// Every number before this byte offset was found already.
    at: Cell<usize>,
}

impl<'de> NumberTexts<'de> {
    /// A string (value or key) borrowed from the text was read: skip to past its closing quote.
    #[inline]
    fn passed(&self, string: &str) {
        let offset = (string.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
        if offset <= self.text.len() {
            self.at.set(offset + string.len() + 1);
        }
    }

    /// The text of the number serde_json just read: the next number token after the cursor.
    fn next(&self) -> Option<&'de str> {
        let bytes = self.text.as_bytes();
        let mut at = self.at.get();
        while let Some(&byte) = bytes.get(at) {
            match byte {
                b'-' | b'0'..=b'9' => {
                    let len = bytes[at..]
                        .iter()
                        .position(|byte| {
                            !matches!(byte, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
                        })
                        .unwrap_or(bytes.len() - at);
                    self.at.set(at + len);
                    return self.text.get(at..at + len);
                }
                // A string with escapes (one without was passed already): digits in it are text.
                b'"' => at = string_end(bytes, at + 1),
                // Punctuation, whitespace and the letters of true/false/null.
                _ => at += 1,
            }
        }
        self.at.set(at);
        None
    }
}

/// The offset just past the closing quote of the string whose contents start at `at`.
fn string_end(bytes: &[u8], mut at: usize) -> usize {
    while let Some(found) = bytes
        .get(at..)
        .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
    {
        if bytes[at + found] == b'"' {
            return at + found + 1;
        }
        // An escape: the escaped byte cannot end the string.
        at += found + 2;
    }
    bytes.len()
}

impl<'a> InputValue<'a> {
    pub fn is_null(&self) -> bool {
        matches!(self, InputValue::Null)
    }

    /// "a string", "an object", ...: for messages about the wrong kind of value.
    pub fn kind_name(&self) -> &'static str {
        match self {
            InputValue::Null => "null",
            InputValue::Bool(_) => "a boolean",
            InputValue::Number(_) => "a number",
            InputValue::String(_) => "a string",
            InputValue::Array(_) => "an array",
            InputValue::Object(_) => "an object",
        }
    }

    /// The same value with every string copied out of the text it was parsed from.
    pub fn into_owned(self) -> InputValue<'static> {
        let owned = |text: Cow<'_, str>| Cow::Owned(text.into_owned());
        match self {
            InputValue::Null => InputValue::Null,
            InputValue::Bool(boolean) => InputValue::Bool(boolean),
            // The text is lost with the text it borrows from; the value stays.
            InputValue::Number(number) => InputValue::Number(JsonNumber {
                value: number.value,
                text: None,
            }),
            InputValue::String(text) => InputValue::String(owned(text)),
            InputValue::Array(elements) => {
                InputValue::Array(elements.into_iter().map(InputValue::into_owned).collect())
            }
            InputValue::Object(object) => InputValue::Object(InputObject {
                members: object
                    .members
                    .into_iter()
                    .map(|(key, value)| (owned(key), value.into_owned()))
                    .collect(),
            }),
        }
    }

    /// The same value as a `serde_json::Value` (what a `json` field holds).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            InputValue::Null => Value::Null,
            InputValue::Bool(boolean) => Value::Bool(*boolean),
            InputValue::Number(number) => Value::Number(number.value.clone()),
            InputValue::String(text) => Value::String(text.to_string()),
            InputValue::Array(elements) => {
                Value::Array(elements.iter().map(InputValue::to_json).collect())
            }
            InputValue::Object(object) => {
                // Inserted one by one in input order, as serde_json does when it parses a Value:
                // the last of duplicate keys wins.
                let mut map = serde_json::Map::new();
                for (key, value) in &object.members {
                    map.insert(key.to_string(), value.to_json());
                }
                Value::Object(map)
            }
        }
    }
}

/// Compact JSON text, as `serde_json::Value` writes it.
impl fmt::Display for InputValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputValue::Null => f.write_str("null"),
            InputValue::Bool(boolean) => write!(f, "{boolean}"),
            InputValue::Number(number) => write!(f, "{}", number.value),
            other => write!(f, "{}", other.to_json()),
        }
    }
}

impl<'a> InputObject<'a> {
    /// The value of `key`; of its last occurrence when the key is repeated.
    pub fn get(&self, key: &str) -> Option<&InputValue<'a>> {
        self.members
            .iter()
            .rev()
            .find(|(member, _)| member == key)
            .map(|(_, value)| value)
    }

    /// The members in input order, duplicates included.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &InputValue<'a>)> {
        self.members
            .iter()
            .map(|(key, value)| (key.as_ref(), value))
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}

/// Deserializes one value, finding its numbers' texts with the shared `NumberTexts`.
#[derive(Clone, Copy)]
struct ValueSeed<'n, 'de>(&'n NumberTexts<'de>);

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, 'de> {
    type Value = InputValue<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> ValueSeed<'_, 'de> {
    fn number(self, value: Number) -> InputValue<'de> {
        InputValue::Number(JsonNumber {
            value,
            text: self.0.next(),
        })
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_, 'de> {
    type Value = InputValue<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Self::Value, E> {
        Ok(InputValue::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Self::Value, E> {
        Ok(self.number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Self::Value, E> {
        Ok(self.number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Self::Value, E> {
        // As serde_json::Value does: a non-finite float (which its parser never yields) is null.
        // Its text is stepped over all the same, so the next number finds its own.
        let text = self.0.next();
        Ok(Number::from_f64(value).map_or(InputValue::Null, |value| {
            InputValue::Number(JsonNumber { value, text })
        }))
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Self::Value, E> {
        self.0.passed(value);
        Ok(InputValue::String(Cow::Borrowed(value)))
    }

    fn visit_str<E>(self, value: &str) -> Result<Self::Value, E> {
        Ok(InputValue::String(Cow::Owned(value.to_string())))
    }

    fn visit_string<E>(self, value: String) -> Result<Self::Value, E> {
        Ok(InputValue::String(Cow::Owned(value)))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(InputValue::Null)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(InputValue::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut elements = Vec::new();
        while let Some(element) = seq.next_element_seed(self)? {
            elements.push(element);
        }
        Ok(InputValue::Array(elements))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // serde_json gives no size hint. Records are objects of a dozen or two members: start
        // at 16 rather than growing through 4 and 8 (two reallocations and copies fewer).
        let mut members = Vec::with_capacity(16);
        while let Some(key) = map.next_key_seed(KeySeed(self.0))? {
            members.push((key, map.next_value_seed(self)?));
        }
        Ok(InputValue::Object(InputObject { members }))
    }
}

/// An object key, borrowed from the input when it has no escapes.
struct KeySeed<'n, 'de>(&'n NumberTexts<'de>);

impl<'de> DeserializeSeed<'de> for KeySeed<'_, 'de> {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_, 'de> {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Self::Value, E> {
        self.0.passed(value);
        Ok(Cow::Borrowed(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value.to_string()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything parses (or fails) as it does into a `serde_json::Value`.
    #[test]
    fn matches_serde_json_values() {
        let texts = [
            r#"{"a":1,"b":[1.0,-0,1e3,1E-7,18446744073709551615,-9223372036854775808],"c":null}"#,
            r#"{"k":"v","k":"w","e":"a\"b\u00e9\ud83d\ude00","\u0069d":true}"#,
            r#"  [ {}, [], "", 0.1, 12345678901234567890123 ]  "#,
            "\"text\"",
            "null",
            r#"{"a":1} x"#,
            r#"{"a":1,}"#,
            r#"{"a":1e400}"#,
            r#"{"a":"\ud800"}"#,
            r#"[1,2"#,
            "",
        ];
        for text in texts {
            let ours = parse(text).map(|value| value.to_json());
            let theirs = serde_json::from_str::<serde_json::Value>(text);
            match (ours, theirs) {
                (Ok(ours), Ok(theirs)) => {
                    assert_eq!(ours, theirs, "{text}");
                    assert_eq!(ours.to_string(), theirs.to_string(), "{text}");
                }
                (Err(ours), Err(theirs)) => assert_eq!(ours.to_string(), theirs.to_string()),
                (ours, theirs) => panic!("{text}: {ours:?} vs {theirs:?}"),
            }
        }
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let error = parse(&deep).unwrap_err().to_string();
        assert_eq!(
            error,
            serde_json::from_str::<serde_json::Value>(&deep)
                .unwrap_err()
                .to_string()
        );
        assert!(error.contains("recursion limit"), "{error}");
    }

    #[test]
    fn strings_borrow_unless_escaped() {
        let InputValue::Object(object) = parse(r#"{"a":"x","b\n":"y\"","a":"z"}"#).unwrap() else {
            panic!("an object");
        };
        let keys: Vec<&str> = object.iter().map(|(key, _)| key).collect();
        assert_eq!(keys, ["a", "b\n", "a"]);
        assert!(matches!(
            object.get("a"),
            Some(InputValue::String(Cow::Borrowed("z")))
        ));
        assert!(matches!(
            object.get("b\n"),
            Some(InputValue::String(Cow::Owned(text))) if text == "y\""
        ));
        assert_eq!(object.get("c"), None);
    }

    #[test]
    fn numbers_keep_their_text() {
        let text = r#"{"a":1.100000,"s\"x\u0031":"2 3","b":[-0, 1e3 ,123456789012345678901234567890],"c":{"d":"e\"4","f":-1.5E-7},"g":true,"h":null,"i":7}"#;
        let InputValue::Object(object) = parse(text).unwrap() else {
            panic!("an object");
        };
        let number_text = |value: &InputValue<'_>| match value {
            InputValue::Number(number) => number.text().into_owned(),
            other => panic!("{other:?}"),
        };
        assert_eq!(number_text(object.get("a").unwrap()), "1.100000");
        let Some(InputValue::Array(b)) = object.get("b") else {
            panic!("an array")
        };
        let texts: Vec<String> = b.iter().map(number_text).collect();
        assert_eq!(texts, ["-0", "1e3", "123456789012345678901234567890"]);
        let Some(InputValue::Object(c)) = object.get("c") else {
            panic!("an object")
        };
        assert_eq!(number_text(c.get("f").unwrap()), "-1.5E-7");
        assert_eq!(number_text(object.get("i").unwrap()), "7");
        // The values are serde_json's still.
        let Some(InputValue::Number(a)) = object.get("a") else {
            panic!("a number")
        };
        assert_eq!(a.value.as_f64(), Some(1.1));
        // A bare number, and numbers after escaped strings that hold digits.
        assert_eq!(number_text(&parse(" 42 ").unwrap()), "42");
        let InputValue::Array(items) = parse(r#"["\"1", 2, "\\", 3]"#).unwrap() else {
            panic!("an array")
        };
        assert_eq!(number_text(&items[1]), "2");
        assert_eq!(number_text(&items[3]), "3");
    }

    #[test]
    fn scalars_display_as_json() {
        for (text, shown) in [("1e3", "1000.0"), ("-0", "-0.0"), ("true", "true")] {
            assert_eq!(parse(text).unwrap().to_string(), shown);
        }
        assert_eq!(parse(r#""a\"b""#).unwrap().to_string(), r#""a\"b""#);
    }
}
