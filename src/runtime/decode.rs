//! Decoding and validating values, as Panther does (see docs/schema-language.md).

use std::borrow::Cow;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde_json::Value;

use super::time::{explain_failure, format_name, parse_timestamp, TimeInput};
use super::{
    FieldSpec, InputValue, IpVersion, ObjectRef, Timestamp, ValueKind, ValueRef, ValueSpec,
};

/// Why a record was rejected: a message and the field path it applies to (`answers[0].Rdata`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Path segments, outermost first once complete: field names, and `[i]` for array indexes.
    path: Vec<String>,
    message: String,
}

impl DecodeError {
    /// An error about the whole record (bad JSON, too few columns, ...).
    pub fn record(message: impl Into<String>) -> Self {
        DecodeError {
            path: Vec::new(),
            message: message.into(),
        }
    }

    /// An error about a value; the callers up the tree add the path.
    pub fn value(message: impl Into<String>) -> Self {
        Self::record(message)
    }

    /// The same error, inside field `name`.
    pub fn in_field(mut self, name: &str) -> Self {
        self.path.insert(0, name.to_string());
        self
    }

    /// The same error, inside array element `index`.
    pub fn at_index(mut self, index: usize) -> Self {
        self.path.insert(0, format!("[{index}]"));
        self
    }

    /// `answers[0].Rdata`; empty for a record-level error.
    pub fn path(&self) -> String {
        let mut path = String::new();
        for segment in &self.path {
            if !path.is_empty() && !segment.starts_with('[') {
                path.push('.');
            }
            path.push_str(segment);
        }
        path
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path(), self.message)
        }
    }
}

impl std::error::Error for DecodeError {}

/// A value type the generated structs hold: `String`, `i16`, `i32`, `i64`, `f64`, `bool`,
/// `Timestamp`, `serde_json::Value`, `Vec<T>`, and every generated struct (through `Object`).
pub trait Decode<'a>: Sized {
    /// `Ok(None)`: the value is absent (null, or one of `spec.empty_values`).
    fn decode(
        value: ValueRef<'_, 'a>,
        spec: &'static ValueSpec,
    ) -> Result<Option<Self>, DecodeError>;
}

/// A required field: absent or null is an error naming the field.
#[doc(hidden)]
pub fn required<'a, T: Decode<'a>>(
    input: &ObjectRef<'_, 'a>,
    spec: &'static FieldSpec,
) -> Result<T, DecodeError> {
    optional(input, spec)?.ok_or_else(|| missing(spec))
}

/// The rejection of a required field without a value.
pub(crate) fn missing(spec: &FieldSpec) -> DecodeError {
    DecodeError::value("required value is missing").in_field(spec.name)
}

/// An optional field.
#[doc(hidden)]
pub fn optional<'a, T: Decode<'a>>(
    input: &ObjectRef<'_, 'a>,
    spec: &'static FieldSpec,
) -> Result<Option<T>, DecodeError> {
    match input.get(spec) {
        None => Ok(None),
        Some(value) => T::decode(value, &spec.value).map_err(|error| error.in_field(spec.name)),
    }
}

/// The value unless it is null or one of the spec's empty values (text compared trimmed; a
/// number or boolean by its JSON text).
/// Inlined: it runs for every field, and usually decides at once.
#[inline]
fn present<'r, 'a>(value: ValueRef<'r, 'a>, spec: &ValueSpec) -> Option<ValueRef<'r, 'a>> {
    if let ValueRef::Json(InputValue::Null) = value {
        return None;
    }
    if spec.empty_values.is_empty() {
        return Some(value);
    }
    unless_an_empty_value(value, spec)
}

fn unless_an_empty_value<'r, 'a>(
    value: ValueRef<'r, 'a>,
    spec: &ValueSpec,
) -> Option<ValueRef<'r, 'a>> {
    let is_empty_value = |text: &str| spec.empty_values.contains(&text);
    let is_empty = match value {
        ValueRef::Json(InputValue::Number(number)) => is_empty_value(&number.text()),
        ValueRef::Json(InputValue::Bool(boolean)) => is_empty_value(bool_text(*boolean)),
        _ => value
            .as_text()
            .is_some_and(|text| is_empty_value(super::text::trim(text))),
    };
    (!is_empty).then_some(value)
}

/// A scalar's text: a string's, or a number's or boolean's JSON text as written (`1.100000`
/// stays so); `None` for null, objects and arrays.
pub(crate) fn scalar_text<'a>(value: ValueRef<'_, 'a>) -> Option<Cow<'a, str>> {
    match value {
        ValueRef::Json(InputValue::Number(number)) => Some(number.text()),
        ValueRef::Json(InputValue::Bool(boolean)) => Some(Cow::Borrowed(bool_text(*boolean))),
        _ => value.text_of_line(),
    }
}

fn bool_text(boolean: bool) -> &'static str {
    if boolean {
        "true"
    } else {
        "false"
    }
}

/// How a value shows in an error message: JSON text, shortened when long.
fn describe(value: ValueRef<'_, '_>) -> String {
    const MAX: usize = 80;
    let text = match value {
        ValueRef::Json(InputValue::Object(_)) => return "an object".to_string(),
        ValueRef::Json(InputValue::Array(_)) => return "an array".to_string(),
        ValueRef::Json(json) => json.to_string(),
        ValueRef::Text(text) => serde_json::to_string(text).unwrap_or_default(),
    };
    if text.len() <= MAX {
        return text;
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

fn invalid(value: ValueRef<'_, '_>, kind: ValueKind) -> DecodeError {
    DecodeError::value(format!(
        "{} is not a valid {}",
        describe(value),
        kind.as_str()
    ))
}

/// For object/array/json values: a string that is (or, for delimited text, may be) JSON is
/// parsed first. `Ok(None)`: use the value as it is.
fn embedded_json<'a>(
    value: ValueRef<'_, 'a>,
    spec: &ValueSpec,
) -> Result<Option<InputValue<'a>>, DecodeError> {
    let parsed = match value {
        // Text of the input line: the parsed tree can borrow from it.
        ValueRef::Json(InputValue::String(Cow::Borrowed(text))) if spec.embedded_json => {
            super::json_in::parse(text)
        }
        // Text with JSON escapes lives only as long as the tree holding it: copy it out.
        ValueRef::Json(InputValue::String(Cow::Owned(text))) if spec.embedded_json => {
            super::json_in::parse(text).map(InputValue::into_owned)
        }
        // Delimited text holds no structure of its own: an object or array must be JSON text.
        ValueRef::Text(text) if spec.embedded_json || spec.kind != ValueKind::Json => {
            super::json_in::parse(text)
        }
        _ => return Ok(None),
    };
    parsed.map(Some).map_err(|error| {
        DecodeError::value(format!(
            "{} is not valid embedded JSON: {error}",
            describe(value)
        ))
    })
}

impl<'a, T: super::Object<'a>> Decode<'a> for T {
    fn decode(
        value: ValueRef<'_, 'a>,
        spec: &'static ValueSpec,
    ) -> Result<Option<Self>, DecodeError> {
        decode_object_with(value, spec, T::decode_fields)
    }
}

/// An object value (a nested object, or embedded JSON text of one) read by `decode_fields`: the
/// decoding of generated structs, and of the interpreter's dynamic objects.
pub fn decode_object_with<'a, R>(
    value: ValueRef<'_, 'a>,
    spec: &'static ValueSpec,
    decode_fields: impl FnOnce(&ObjectRef<'_, 'a>) -> Result<R, DecodeError>,
) -> Result<Option<R>, DecodeError> {
    let Some(value) = present(value, spec) else {
        return Ok(None);
    };
    let parsed = embedded_json(value, spec)?;
    let value = parsed.as_ref().map_or(value, ValueRef::Json);
    match value {
        ValueRef::Json(InputValue::Null) => Ok(None),
        ValueRef::Json(InputValue::Object(object)) => {
            decode_fields(&ObjectRef::Json(object)).map(Some)
        }
        _ => Err(invalid(value, ValueKind::Object)),
    }
}

impl<'a, T: Decode<'a>> Decode<'a> for Vec<T> {
    fn decode(
        value: ValueRef<'_, 'a>,
        spec: &'static ValueSpec,
    ) -> Result<Option<Self>, DecodeError> {
        decode_array_with(value, spec, T::decode)
    }
}

/// An array value (or embedded JSON text of one), each element read by `decode_element` with
/// the element spec: the decoding of `Vec<T>`, and of the interpreter's dynamic arrays.
pub fn decode_array_with<'a, R>(
    value: ValueRef<'_, 'a>,
    spec: &'static ValueSpec,
    mut decode_element: impl FnMut(
        ValueRef<'_, 'a>,
        &'static ValueSpec,
    ) -> Result<Option<R>, DecodeError>,
) -> Result<Option<Vec<R>>, DecodeError> {
    let Some(value) = present(value, spec) else {
        return Ok(None);
    };
    let parsed = embedded_json(value, spec)?;
    let value = parsed.as_ref().map_or(value, ValueRef::Json);
    let elements = match value {
        ValueRef::Json(InputValue::Null) => return Ok(None),
        ValueRef::Json(InputValue::Array(elements)) => elements,
        _ => return Err(invalid(value, ValueKind::Array)),
    };
    let Some(element_spec) = spec.element else {
        return Err(DecodeError::value(
            "the schema gives this array no element type",
        ));
    };
    let mut decoded = Vec::with_capacity(elements.len());
    for (index, element) in elements.iter().enumerate() {
        // Null (and empty-valued) elements are dropped, `json` ones too.
        if matches!(element, InputValue::Null) {
            continue;
        }
        if let Some(element) = decode_element(ValueRef::Json(element), element_spec)
            .map_err(|error| error.at_index(index))?
        {
            decoded.push(element);
        }
    }
    Ok(Some(decoded))
}

impl<'a> Decode<'a> for Value {
    fn decode(
        value: ValueRef<'_, 'a>,
        spec: &'static ValueSpec,
    ) -> Result<Option<Self>, DecodeError> {
        // A JSON null is a value here: Panther writes a `json` field given `null` as `null`.
        if let ValueRef::Json(InputValue::Null) = value {
            return Ok(Some(Value::Null));
        }
        let Some(value) = present(value, spec) else {
            return Ok(None);
        };
        let decoded = match (embedded_json(value, spec)?, value) {
            (Some(parsed), _) => parsed.to_json(),
            (None, ValueRef::Json(json)) => json.to_json(),
            // Delimited text: JSON when it is valid JSON, else the text as a JSON string.
            (None, ValueRef::Text(text)) => {
                serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
            }
        };
        Ok(Some(decoded))
    }
}

/// The string type of generated structs: borrowed from the input line when the text is there
/// as it is, so most string fields cost no allocation.
impl<'a> Decode<'a> for Cow<'a, str> {
    fn decode(
        value: ValueRef<'_, 'a>,
        spec: &'static ValueSpec,
    ) -> Result<Option<Self>, DecodeError> {
        let Some(value) = present(value, spec) else {
            return Ok(None);
        };
        let text = scalar_text(value).ok_or_else(|| invalid(value, ValueKind::String))?;
        validate_string(&text, spec)?;
        Ok(Some(text))
    }
}

/// An owned string: the borrowed decoding, copied.
impl<'a> Decode<'a> for String {
    fn decode(
        value: ValueRef<'_, 'a>,
        spec: &'static ValueSpec,
    ) -> Result<Option<Self>, DecodeError> {
        Ok(Cow::<'a, str>::decode(value, spec)?.map(Cow::into_owned))
    }
}

/// `validate`: allow and deny lists, IP address and CIDR checks.
pub(crate) fn validate_string(text: &str, spec: &ValueSpec) -> Result<(), DecodeError> {
    let shown = || serde_json::to_string(text).unwrap_or_default();
    if !spec.allow.is_empty() && !spec.allow.contains(&text) {
        return Err(DecodeError::value(format!(
            "{} is not one of the allowed values",
            shown()
        )));
    }
    if spec.deny.contains(&text) {
        return Err(DecodeError::value(format!("{} is a denied value", shown())));
    }
    if let Some(version) = spec.ip {
        if !is_ip(text, version) {
            return Err(DecodeError::value(format!(
                "{} is not a valid {}",
                shown(),
                ip_name(version, "address")
            )));
        }
    }
    if let Some(version) = spec.cidr {
        if !is_cidr(text, version) {
            return Err(DecodeError::value(format!(
                "{} is not a valid {}",
                shown(),
                ip_name(version, "CIDR")
            )));
        }
    }
    Ok(())
}

fn ip_name(version: IpVersion, what: &str) -> String {
    match version {
        IpVersion::V4 => format!("IPv4 {what}"),
        IpVersion::V6 => format!("IPv6 {what}"),
        IpVersion::Any => format!("IP {what}"),
    }
}

fn is_ip(text: &str, version: IpVersion) -> bool {
    match version {
        IpVersion::V4 => text.parse::<Ipv4Addr>().is_ok(),
        IpVersion::V6 => text.parse::<Ipv6Addr>().is_ok(),
        IpVersion::Any => text.parse::<IpAddr>().is_ok(),
    }
}

/// `address/prefix`, the prefix within the address's bit count.
fn is_cidr(text: &str, version: IpVersion) -> bool {
    let Some((address, prefix)) = text.split_once('/') else {
        return false;
    };
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) || prefix.len() > 3 {
        return false;
    }
    let Ok(prefix) = prefix.parse::<u8>() else {
        return false;
    };
    match address.parse::<IpAddr>() {
        Ok(IpAddr::V4(_)) => version != IpVersion::V6 && prefix <= 32,
        Ok(IpAddr::V6(_)) => version != IpVersion::V4 && prefix <= 128,
        Err(_) => false,
    }
}

/// The integer in a JSON number or (trimmed) text, with "not an integer" and "out of range" told
/// apart. The text shown in an out-of-range message is only built for that message.
fn decode_integer(
    value: ValueRef<'_, '_>,
    kind: ValueKind,
    min: i64,
    max: i64,
) -> Result<i64, DecodeError> {
    let out_of_range =
        |shown: &str| DecodeError::value(format!("{shown} is out of range for {}", kind.as_str()));
    match value {
        ValueRef::Json(InputValue::Number(number)) => {
            let number = &number.value;
            if let Some(integer) = number.as_i64() {
                if integer < min || integer > max {
                    return Err(out_of_range(&number.to_string()));
                }
                Ok(integer)
            } else if number.is_u64() {
                Err(out_of_range(&number.to_string()))
            } else {
                Err(invalid(value, kind))
            }
        }
        _ => {
            let Some(text) = value.as_text() else {
                return Err(invalid(value, kind));
            };
            let trimmed = super::text::trim(text);
            let digits = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid(value, kind));
            }
            // Up to 18 digits cannot overflow an i64: summed directly, in the same pass that
            // `str::parse` would make with an overflow check per digit.
            if digits.len() <= 18 {
                let magnitude = digits
                    .bytes()
                    .fold(0i64, |sum, digit| sum * 10 + i64::from(digit - b'0'));
                let integer = if trimmed.starts_with('-') {
                    -magnitude
                } else {
                    magnitude
                };
                return if integer >= min && integer <= max {
                    Ok(integer)
                } else {
                    Err(out_of_range(trimmed))
                };
            }
            match trimmed.parse::<i64>() {
                Ok(integer) if integer >= min && integer <= max => Ok(integer),
                _ => Err(out_of_range(trimmed)),
            }
        }
    }
}

macro_rules! decode_integer_type {
    ($integer:ty, $kind:expr) => {
        impl<'a> Decode<'a> for $integer {
            fn decode(
                value: ValueRef<'_, 'a>,
                spec: &'static ValueSpec,
            ) -> Result<Option<Self>, DecodeError> {
                let Some(value) = present(value, spec) else {
                    return Ok(None);
                };
                let integer =
                    decode_integer(value, $kind, <$integer>::MIN.into(), <$integer>::MAX.into())?;
                // In range: checked just above.
                Ok(<$integer>::try_from(integer).ok())
            }
        }
    };
}
decode_integer_type!(i16, ValueKind::SmallInt);
decode_integer_type!(i32, ValueKind::Int);
decode_integer_type!(i64, ValueKind::BigInt);

impl<'a> Decode<'a> for f64 {
    fn decode(
        value: ValueRef<'_, 'a>,
        spec: &'static ValueSpec,
    ) -> Result<Option<Self>, DecodeError> {
        let Some(value) = present(value, spec) else {
            return Ok(None);
        };
        let parsed = match value {
            ValueRef::Json(InputValue::Number(number)) => number.value.as_f64(),
            // Rust also reads `inf`, `NaN` and `infinity`: numbers only.
            _ => value.as_text().map(str::trim).and_then(|trimmed| {
                let numeric = trimmed
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b".+-eE".contains(&b));
                if numeric {
                    trimmed.parse::<f64>().ok()
                } else {
                    None
                }
            }),
        };
        match parsed {
            Some(float) if float.is_finite() => Ok(Some(float)),
            _ => Err(invalid(value, ValueKind::Float)),
        }
    }
}

impl<'a> Decode<'a> for bool {
    fn decode(
        value: ValueRef<'_, 'a>,
        spec: &'static ValueSpec,
    ) -> Result<Option<Self>, DecodeError> {
        let Some(value) = present(value, spec) else {
            return Ok(None);
        };
        if let ValueRef::Json(InputValue::Bool(boolean)) = value {
            return Ok(Some(*boolean));
        }
        match value.as_text().map(str::trim) {
            Some("1" | "t" | "T" | "TRUE" | "true" | "True") => Ok(Some(true)),
            Some("0" | "f" | "F" | "FALSE" | "false" | "False") => Ok(Some(false)),
            _ => Err(invalid(value, ValueKind::Boolean)),
        }
    }
}

impl<'a> Decode<'a> for Timestamp {
    fn decode(
        value: ValueRef<'_, 'a>,
        spec: &'static ValueSpec,
    ) -> Result<Option<Self>, DecodeError> {
        let Some(value) = present(value, spec) else {
            return Ok(None);
        };
        let number_text;
        let input = match value {
            ValueRef::Json(InputValue::Number(number)) => {
                number_text = number.value.to_string();
                TimeInput::Number(&number_text)
            }
            _ => match value.as_text() {
                Some(text) => TimeInput::Text(text),
                None => return Err(invalid(value, ValueKind::Timestamp)),
            },
        };
        parse_timestamp(input, spec.time_formats)
            .map(Some)
            .ok_or_else(|| {
                let formats: Vec<String> = spec
                    .time_formats
                    .iter()
                    .map(|format| match explain_failure(input, *format) {
                        Some(reason) => format!("{}: {reason}", format_name(*format)),
                        None => format_name(*format).to_string(),
                    })
                    .collect();
                DecodeError::value(format!(
                    "{} is not a valid timestamp ({})",
                    describe(value),
                    formats.join(", ")
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{ColumnMap, Object, Row, TimeFormat};

    static STRING: ValueSpec = ValueSpec::of(ValueKind::String);
    static SMALLINT: ValueSpec = ValueSpec::of(ValueKind::SmallInt);
    static INT: ValueSpec = ValueSpec::of(ValueKind::Int);
    static BIGINT: ValueSpec = ValueSpec::of(ValueKind::BigInt);
    static FLOAT: ValueSpec = ValueSpec::of(ValueKind::Float);
    static BOOLEAN: ValueSpec = ValueSpec::of(ValueKind::Boolean);
    static JSON: ValueSpec = ValueSpec::of(ValueKind::Json);
    static EMBEDDED_JSON: ValueSpec = ValueSpec {
        embedded_json: true,
        ..ValueSpec::of(ValueKind::Json)
    };
    static TIMESTAMP: ValueSpec = ValueSpec {
        time_formats: &[TimeFormat::Rfc3339, TimeFormat::Unix],
        ..ValueSpec::of(ValueKind::Timestamp)
    };
    static DASH_IS_EMPTY: ValueSpec = ValueSpec {
        empty_values: &["-", "0"],
        ..ValueSpec::of(ValueKind::BigInt)
    };
    static STRINGS: ValueSpec = ValueSpec {
        element: Some(&STRING),
        ..ValueSpec::of(ValueKind::Array)
    };
    static JSONS: ValueSpec = ValueSpec {
        element: Some(&JSON),
        ..ValueSpec::of(ValueKind::Array)
    };
    static EMBEDDED_STRINGS: ValueSpec = ValueSpec {
        element: Some(&STRING),
        embedded_json: true,
        ..ValueSpec::of(ValueKind::Array)
    };
    static ALLOWED: ValueSpec = ValueSpec {
        allow: &["ACCEPT", "REJECT"],
        ..ValueSpec::of(ValueKind::String)
    };
    static DENIED: ValueSpec = ValueSpec {
        deny: &["secret"],
        ..ValueSpec::of(ValueKind::String)
    };
    static IPV4: ValueSpec = ValueSpec {
        ip: Some(IpVersion::V4),
        ..ValueSpec::of(ValueKind::String)
    };
    static ANY_IP: ValueSpec = ValueSpec {
        ip: Some(IpVersion::Any),
        ..ValueSpec::of(ValueKind::String)
    };
    static CIDR_V6: ValueSpec = ValueSpec {
        cidr: Some(IpVersion::V6),
        ..ValueSpec::of(ValueKind::String)
    };
    static CIDR_ANY: ValueSpec = ValueSpec {
        cidr: Some(IpVersion::Any),
        ..ValueSpec::of(ValueKind::String)
    };

    // A hand-written object type: { name: string (required), port: bigint, inner: [Pair] }.
    static PAIR_KEY: FieldSpec = field("key", &["key"], true, ValueSpec::of(ValueKind::String));
    static PAIR_VALUE: FieldSpec = field(
        "value",
        &["value", "val"],
        false,
        ValueSpec::of(ValueKind::Int),
    );
    static PAIR_FIELDS: &[&FieldSpec] = &[&PAIR_KEY, &PAIR_VALUE];
    static PAIR: ValueSpec = ValueSpec {
        object_fields: Some(PAIR_FIELDS),
        ..ValueSpec::of(ValueKind::Object)
    };
    static PAIRS: ValueSpec = ValueSpec {
        element: Some(&PAIR),
        ..ValueSpec::of(ValueKind::Array)
    };

    const fn field(
        name: &'static str,
        keys: &'static [&'static str],
        required: bool,
        value: ValueSpec,
    ) -> FieldSpec {
        FieldSpec {
            name,
            keys,
            required,
            is_event_time: false,
            value,
        }
    }

    #[derive(Debug, PartialEq)]
    struct Pair {
        key: String,
        value: Option<i32>,
    }

    impl<'a> Object<'a> for Pair {
        fn fields() -> &'static [&'static FieldSpec] {
            PAIR_FIELDS
        }
        fn decode_fields(input: &ObjectRef<'_, 'a>) -> Result<Self, DecodeError> {
            Ok(Pair {
                key: required(input, &PAIR_KEY)?,
                value: optional(input, &PAIR_VALUE)?,
            })
        }
        fn write_fields<W: crate::runtime::ObjectWriter>(&self, out: &mut W) {
            out.field("key", &self.key);
            out.optional("value", &self.value);
        }
        fn collect_indicators(&self, _sink: &mut crate::runtime::IndicatorSink) {}
    }

    fn json<T: for<'a> Decode<'a>>(
        input: &str,
        spec: &'static ValueSpec,
    ) -> Result<Option<T>, String> {
        let value = crate::runtime::json_in::parse(input).unwrap();
        T::decode(ValueRef::Json(&value), spec).map_err(|error| error.to_string())
    }

    fn text<T: for<'a> Decode<'a>>(
        input: &str,
        spec: &'static ValueSpec,
    ) -> Result<Option<T>, String> {
        T::decode(ValueRef::Text(input), spec).map_err(|error| error.to_string())
    }

    #[test]
    fn borrowed_strings_borrow_from_the_line_unless_escaped() {
        let line = r#"{"a":"plain","b":"esc\"aped","n":12}"#;
        let value = crate::runtime::json_in::parse(line).unwrap();
        let InputValue::Object(object) = &value else {
            panic!("an object")
        };
        let decode = |key: &str| {
            <Cow<'_, str>>::decode(ValueRef::Json(object.get(key).unwrap()), &STRING).unwrap()
        };
        assert!(matches!(decode("a"), Some(Cow::Borrowed("plain"))));
        assert!(matches!(decode("b"), Some(Cow::Owned(text)) if text == "esc\"aped"));
        assert!(
            matches!(decode("n"), Some(Cow::Borrowed("12"))),
            "numbers borrow their text"
        );
        assert!(matches!(
            <Cow<'_, str>>::decode(ValueRef::Text(" - "), &STRING),
            Ok(Some(Cow::Borrowed(" - ")))
        ));
    }

    #[test]
    fn strings_accept_scalars_only() {
        assert_eq!(json::<String>(r#""a b""#, &STRING), Ok(Some("a b".into())));
        assert_eq!(json::<String>("42", &STRING), Ok(Some("42".into())));
        assert_eq!(json::<String>("-1.5", &STRING), Ok(Some("-1.5".into())));
        assert_eq!(json::<String>("true", &STRING), Ok(Some("true".into())));
        // Numbers keep their text as written, digit for digit.
        assert_eq!(json::<String>("1e3", &STRING), Ok(Some("1e3".into())));
        assert_eq!(json::<String>("-0", &STRING), Ok(Some("-0".into())));
        assert_eq!(json::<String>("1.0", &STRING), Ok(Some("1.0".into())));
        assert_eq!(
            json::<String>("1.100000", &STRING),
            Ok(Some("1.100000".into()))
        );
        assert_eq!(
            json::<String>("123456789012345678901234567890", &STRING),
            Ok(Some("123456789012345678901234567890".into()))
        );
        assert_eq!(json::<String>("null", &STRING), Ok(None));
        assert_eq!(json::<String>(r#""""#, &STRING), Ok(Some("".into())));
        assert_eq!(
            json::<String>("{}", &STRING),
            Err("an object is not a valid string".into())
        );
        assert_eq!(
            json::<String>("[1]", &STRING),
            Err("an array is not a valid string".into())
        );
        assert_eq!(text::<String>(" x ", &STRING), Ok(Some(" x ".into())));
    }

    #[test]
    fn integers_check_form_and_range() {
        assert_eq!(json::<i64>("42", &BIGINT), Ok(Some(42)));
        assert_eq!(json::<i64>(r#"" -42 ""#, &BIGINT), Ok(Some(-42)));
        assert_eq!(text::<i64>("+7", &BIGINT), Ok(Some(7)));
        assert_eq!(
            text::<i64>("abc", &BIGINT),
            Err(r#""abc" is not a valid bigint"#.into())
        );
        assert_eq!(
            json::<i64>("1.5", &BIGINT),
            Err("1.5 is not a valid bigint".into())
        );
        assert_eq!(
            json::<i64>("1.0", &BIGINT),
            Err("1.0 is not a valid bigint".into())
        );
        assert_eq!(
            text::<i64>("1e3", &BIGINT),
            Err(r#""1e3" is not a valid bigint"#.into())
        );
        assert_eq!(
            json::<i64>("true", &BIGINT),
            Err("true is not a valid bigint".into())
        );
        assert_eq!(
            json::<i64>("[]", &BIGINT),
            Err("an array is not a valid bigint".into())
        );
        assert_eq!(
            text::<i64>("", &BIGINT),
            Err(r#""" is not a valid bigint"#.into())
        );
        assert_eq!(
            json::<i64>("18446744073709551615", &BIGINT),
            Err("18446744073709551615 is out of range for bigint".into())
        );
        assert_eq!(
            text::<i64>("99999999999999999999", &BIGINT),
            Err("99999999999999999999 is out of range for bigint".into())
        );
        assert_eq!(
            text::<i16>("70000", &SMALLINT),
            Err("70000 is out of range for smallint".into())
        );
        assert_eq!(json::<i16>("-32768", &SMALLINT), Ok(Some(-32768)));
        assert_eq!(
            json::<i32>("2147483648", &INT),
            Err("2147483648 is out of range for int".into())
        );
        assert_eq!(text::<i32>("2147483647", &INT), Ok(Some(2147483647)));
        // Either side of the 18 digits summed without overflow checks, signs and leading zeros:
        // as `str::parse` reads them.
        for digits in [
            "0",
            "007",
            "999999999999999999",
            "000000000000000001",
            "9223372036854775807",
            "9223372036854775808",
            "0000000000000000000009",
        ] {
            for sign in ["", "+", "-"] {
                let text_value = format!("{sign}{digits}");
                let expected = text_value
                    .parse::<i64>()
                    .map_err(|_| format!("{text_value} is out of range for bigint"));
                assert_eq!(
                    text::<i64>(&text_value, &BIGINT),
                    expected.map(Some),
                    "{text_value}"
                );
            }
        }
    }

    #[test]
    fn floats_must_be_finite_numbers() {
        assert_eq!(json::<f64>("1.5", &FLOAT), Ok(Some(1.5)));
        assert_eq!(json::<f64>("3", &FLOAT), Ok(Some(3.0)));
        assert_eq!(text::<f64>(" 2.5e3 ", &FLOAT), Ok(Some(2500.0)));
        assert_eq!(
            text::<f64>("NaN", &FLOAT),
            Err(r#""NaN" is not a valid float"#.into())
        );
        assert_eq!(
            text::<f64>("inf", &FLOAT),
            Err(r#""inf" is not a valid float"#.into())
        );
        assert_eq!(
            text::<f64>("1e999", &FLOAT),
            Err(r#""1e999" is not a valid float"#.into())
        );
        assert_eq!(
            json::<f64>("false", &FLOAT),
            Err("false is not a valid float".into())
        );
    }

    #[test]
    fn booleans_take_the_go_spellings() {
        for truthy in ["1", "t", "T", "TRUE", "true", "True"] {
            assert_eq!(text::<bool>(truthy, &BOOLEAN), Ok(Some(true)));
        }
        for falsy in ["0", "f", "F", "FALSE", "false", "False"] {
            assert_eq!(text::<bool>(falsy, &BOOLEAN), Ok(Some(false)));
        }
        assert_eq!(json::<bool>("true", &BOOLEAN), Ok(Some(true)));
        assert_eq!(
            text::<bool>("yes", &BOOLEAN),
            Err(r#""yes" is not a valid boolean"#.into())
        );
        assert_eq!(
            json::<bool>("1", &BOOLEAN),
            Err("1 is not a valid boolean".into())
        );
    }

    #[test]
    fn timestamps_try_each_format() {
        let decoded = json::<Timestamp>(r#""2021-02-04T17:51:55Z""#, &TIMESTAMP)
            .unwrap()
            .unwrap();
        assert_eq!(decoded.timestamp(), 1612461115);
        let decoded = json::<Timestamp>("1612461115", &TIMESTAMP)
            .unwrap()
            .unwrap();
        assert_eq!(decoded.timestamp(), 1612461115);
        assert_eq!(
            json::<Timestamp>(r#""yesterday""#, &TIMESTAMP),
            Err(r#""yesterday" is not a valid timestamp (rfc3339, unix)"#.into())
        );
        assert_eq!(
            json::<Timestamp>("{}", &TIMESTAMP),
            Err("an object is not a valid timestamp".into())
        );
    }

    #[test]
    fn empty_values_and_null_are_absent() {
        assert_eq!(text::<i64>("-", &DASH_IS_EMPTY), Ok(None));
        assert_eq!(json::<i64>(r#"" - ""#, &DASH_IS_EMPTY), Ok(None));
        assert_eq!(json::<i64>("0", &DASH_IS_EMPTY), Ok(None));
        assert_eq!(json::<i64>("5", &DASH_IS_EMPTY), Ok(Some(5)));
        assert_eq!(json::<i64>("null", &BIGINT), Ok(None));
        // Except a `json` value: null is written as null.
        assert_eq!(json::<Value>("null", &JSON), Ok(Some(Value::Null)));
    }

    #[test]
    fn json_values_and_embedded_json() {
        assert_eq!(
            json::<Value>(r#"{"a":[1]}"#, &JSON),
            Ok(Some(serde_json::json!({"a": [1]})))
        );
        assert_eq!(
            json::<Value>(r#""{\"a\":1}""#, &JSON),
            Ok(Some(Value::String("{\"a\":1}".into())))
        );
        assert_eq!(
            json::<Value>(r#""{\"a\":1}""#, &EMBEDDED_JSON),
            Ok(Some(serde_json::json!({"a": 1})))
        );
        assert!(json::<Value>(r#""{oops""#, &EMBEDDED_JSON)
            .unwrap_err()
            .contains("is not valid embedded JSON"));
        assert_eq!(
            text::<Value>(r#"{"a":1}"#, &JSON),
            Ok(Some(serde_json::json!({"a": 1})))
        );
        assert_eq!(
            text::<Value>("plain text", &JSON),
            Ok(Some(Value::String("plain text".into())))
        );
        assert_eq!(text::<Value>("12", &JSON), Ok(Some(serde_json::json!(12))));
        assert_eq!(
            text::<Value>("[1]", &EMBEDDED_JSON),
            Ok(Some(serde_json::json!([1])))
        );
        assert!(text::<Value>("nope", &EMBEDDED_JSON)
            .unwrap_err()
            .contains("is not valid embedded JSON"));
        assert_eq!(
            json::<Value>(r#""null""#, &EMBEDDED_JSON),
            Ok(Some(Value::Null))
        );
    }

    #[test]
    fn arrays_drop_nulls_and_name_the_bad_element() {
        assert_eq!(
            json::<Vec<String>>(r#"["a", null, 3]"#, &STRINGS),
            Ok(Some(vec!["a".into(), "3".into()]))
        );
        // Empty (or all-null) arrays decode; the writer leaves them out of the event.
        assert_eq!(json::<Vec<String>>("[]", &STRINGS), Ok(Some(vec![])));
        assert_eq!(json::<Vec<String>>("[null]", &STRINGS), Ok(Some(vec![])));
        assert_eq!(
            json::<Vec<Value>>(r#"[null, {"a":null}, null]"#, &JSONS),
            Ok(Some(vec![serde_json::json!({"a": null})]))
        );
        assert_eq!(
            json::<Vec<String>>(r#"["a", {}]"#, &STRINGS),
            Err("[1]: an object is not a valid string".into())
        );
        assert_eq!(
            json::<Vec<String>>(r#""[\"a\"]""#, &STRINGS),
            Err(r#""[\"a\"]" is not a valid array"#.into())
        );
        assert_eq!(
            json::<Vec<String>>(r#""[\"a\"]""#, &EMBEDDED_STRINGS),
            Ok(Some(vec!["a".into()]))
        );
        assert_eq!(
            text::<Vec<String>>(r#"["x","y"]"#, &STRINGS),
            Ok(Some(vec!["x".into(), "y".into()]))
        );
        assert!(text::<Vec<String>>("x,y", &STRINGS)
            .unwrap_err()
            .contains("is not valid embedded JSON"));
    }

    #[test]
    fn objects_decode_their_fields_with_paths() {
        assert_eq!(
            json::<Vec<Pair>>(r#"[{"key":"a","val":"7","extra":1}, null]"#, &PAIRS),
            Ok(Some(vec![Pair {
                key: "a".into(),
                value: Some(7)
            }]))
        );
        assert_eq!(
            json::<Vec<Pair>>(r#"[{"key":"a"}, {"value":1}]"#, &PAIRS),
            Err("[1].key: required value is missing".into())
        );
        assert_eq!(
            json::<Vec<Pair>>(r#"[{"key":"a","value":"x"}]"#, &PAIRS),
            Err(r#"[0].value: "x" is not a valid int"#.into())
        );
        assert_eq!(
            json::<Pair>("[]", &PAIR),
            Err("an array is not a valid object".into())
        );
        assert_eq!(
            json::<Pair>(r#"{"key":null}"#, &PAIR),
            Err("key: required value is missing".into())
        );
        // An alias is used when the first key is absent or null.
        assert_eq!(
            json::<Pair>(r#"{"key":"k","value":null,"val":3}"#, &PAIR),
            Ok(Some(Pair {
                key: "k".into(),
                value: Some(3)
            }))
        );
    }

    #[test]
    fn required_and_optional_name_the_field() {
        static OUTER: [FieldSpec; 2] = [
            field(
                "answers",
                &["answers"],
                false,
                ValueSpec {
                    element: Some(&PAIR),
                    ..ValueSpec::of(ValueKind::Array)
                },
            ),
            field("count", &["count"], true, ValueSpec::of(ValueKind::BigInt)),
        ];
        let record =
            crate::runtime::json_in::parse(r#"{"answers":[{"key":"a"},{"key":{}}]}"#).unwrap();
        let InputValue::Object(record) = record else {
            panic!("an object");
        };
        let input = ObjectRef::Json(&record);
        let error = optional::<Vec<Pair>>(&input, &OUTER[0]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "answers[1].key: an object is not a valid string"
        );
        assert_eq!(error.path(), "answers[1].key");
        assert_eq!(error.message(), "an object is not a valid string");
        assert_eq!(
            required::<i64>(&input, &OUTER[1]).unwrap_err().to_string(),
            "count: required value is missing"
        );
        assert_eq!(
            DecodeError::record("too few columns").to_string(),
            "too few columns"
        );
    }

    #[test]
    fn validation_applies_to_present_strings() {
        assert_eq!(
            text::<String>("ACCEPT", &ALLOWED),
            Ok(Some("ACCEPT".into()))
        );
        assert_eq!(
            text::<String>("DROP", &ALLOWED),
            Err(r#""DROP" is not one of the allowed values"#.into())
        );
        assert_eq!(
            text::<String>("secret", &DENIED),
            Err(r#""secret" is a denied value"#.into())
        );
        assert_eq!(text::<String>("public", &DENIED), Ok(Some("public".into())));
        assert_eq!(
            text::<String>("10.0.0.1", &IPV4),
            Ok(Some("10.0.0.1".into()))
        );
        assert_eq!(
            text::<String>("::1", &IPV4),
            Err(r#""::1" is not a valid IPv4 address"#.into())
        );
        assert_eq!(text::<String>("::1", &ANY_IP), Ok(Some("::1".into())));
        assert_eq!(
            text::<String>("2001:db8::/32", &CIDR_V6),
            Ok(Some("2001:db8::/32".into()))
        );
        assert_eq!(
            text::<String>("10.0.0.0/8", &CIDR_V6),
            Err(r#""10.0.0.0/8" is not a valid IPv6 CIDR"#.into())
        );
        assert_eq!(
            text::<String>("10.0.0.0/8", &CIDR_ANY),
            Ok(Some("10.0.0.0/8".into()))
        );
        for bad in ["10.0.0.0/33", "10.0.0.0", "10.0.0.0/", "10.0.0.0/+8", "x/8"] {
            assert!(text::<String>(bad, &CIDR_ANY).is_err(), "{bad}");
        }
        assert_eq!(json::<String>("null", &IPV4), Ok(None));
    }

    #[test]
    fn rows_read_columns_by_slot() {
        let columns = ColumnMap::new(PAIR_FIELDS, vec![Some(1), None, Some(0)]);
        let row = Row::new(&["7", "ignored", "k"], &columns, &["-"]);
        assert_eq!(
            Pair::decode_fields(&ObjectRef::Row(&row)),
            Ok(Pair {
                key: "k".into(),
                value: Some(7)
            })
        );
        let row = Row::new(&["-", "ignored", "k"], &columns, &["-"]);
        assert_eq!(
            Pair::decode_fields(&ObjectRef::Row(&row)),
            Ok(Pair {
                key: "k".into(),
                value: None
            })
        );
    }

    #[test]
    fn long_values_are_shortened_in_messages() {
        let long = "x".repeat(500);
        let message = text::<i64>(&long, &BIGINT).unwrap_err();
        assert!(message.len() < 120, "{message}");
        assert!(message.ends_with("... is not a valid bigint"));
    }
}
