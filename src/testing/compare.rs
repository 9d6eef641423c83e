//! Comparing expected events with parsed ones, difference by difference.

use std::fmt;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::Value;

use crate::runtime::time::{parse_timestamp, TimeInput};
use crate::runtime::{FieldSpec, TimeFormat, ValueKind, ValueSpec};

/// Fields that differ on every run and are never compared.
pub const IGNORED_FIELDS: [&str; 2] = ["p_row_id", "p_parse_time"];

/// Indicator lists: the expected ones are sorted before comparing, since output lists are sorted.
const INDICATOR_PREFIX: &str = "p_any_";

/// One difference at a key path such as `answers[0].Rdata`.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub path: String,
    pub expected: Option<Value>,
    pub actual: Option<Value>,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "(event)"
        } else {
            &self.path
        };
        match (&self.expected, &self.actual) {
            (Some(expected), Some(actual)) => {
                write!(f, "{path}: expected {expected}, actual {actual}")
            }
            (Some(expected), None) => write!(f, "{path}: missing, expected {expected}"),
            (None, Some(actual)) => write!(f, "{path}: unexpected {actual}"),
            (None, None) => write!(f, "{path}: differs"),
        }
    }
}

/// The differences between an expected event and a parsed one (empty when they match), knowing
/// nothing of the log type: timestamps are recognised by their text.
pub fn compare_event(expected: &Value, actual: &Value) -> Vec<Difference> {
    compare_event_of(&[], expected, actual)
}

/// Like `compare_event`, for an event of the log type whose record has `fields`: an expected
/// timestamp may be written in its field's own format (a `unix` field as a number of seconds, a
/// strftime or Go-layout field as such text) as well as in the output layout or RFC 3339.
pub fn compare_event_of(
    fields: &'static [&'static FieldSpec],
    expected: &Value,
    actual: &Value,
) -> Vec<Difference> {
    let mut differences = Vec::new();
    match (expected, actual) {
        (Value::Object(expected), Value::Object(actual)) => {
            let mut expected = prepare_expected_event(expected);
            let mut actual = actual.clone();
            for field in IGNORED_FIELDS {
                actual.remove(field);
            }
            // Without an event time field, `p_event_time` is the parse time: not comparable.
            if !fields.iter().any(|field| field.is_event_time) {
                expected.remove("p_event_time");
                actual.remove("p_event_time");
            }
            compare_objects("", fields, &expected, &actual, &mut differences);
        }
        _ => compare_values("", None, expected, actual, &mut differences),
    }
    differences
}

fn prepare_expected_event(
    expected: &serde_json::Map<String, Value>,
) -> serde_json::Map<String, Value> {
    let mut prepared = expected.clone();
    for field in IGNORED_FIELDS {
        prepared.remove(field);
    }
    for (key, value) in prepared.iter_mut() {
        if let (true, Value::Array(values)) = (key.starts_with(INDICATOR_PREFIX), value) {
            values.sort_by_cached_key(|value| match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            });
        }
    }
    prepared
}

fn compare_objects(
    path: &str,
    fields: &'static [&'static FieldSpec],
    expected: &serde_json::Map<String, Value>,
    actual: &serde_json::Map<String, Value>,
    differences: &mut Vec<Difference>,
) {
    for (key, expected_value) in expected {
        let key_path = join_key(path, key);
        let spec = fields
            .iter()
            .find(|field| field.name == key)
            .map(|field| &field.value);
        match actual.get(key) {
            Some(actual_value) => {
                compare_values(&key_path, spec, expected_value, actual_value, differences)
            }
            None => differences.push(Difference {
                path: key_path,
                expected: Some(expected_value.clone()),
                actual: None,
            }),
        }
    }
    for (key, actual_value) in actual {
        if !expected.contains_key(key) {
            differences.push(Difference {
                path: join_key(path, key),
                expected: None,
                actual: Some(actual_value.clone()),
            });
        }
    }
}

/// `spec`, when known, is what the schema says the value is.
fn compare_values(
    path: &str,
    spec: Option<&'static ValueSpec>,
    expected: &Value,
    actual: &Value,
    differences: &mut Vec<Difference>,
) {
    let nested_fields = spec.and_then(|spec| spec.object_fields).unwrap_or(&[]);
    let element = spec.and_then(|spec| spec.element);
    match (expected, actual) {
        _ if spec.is_some_and(|spec| spec.kind == ValueKind::Timestamp)
            && field_timestamps_match(
                spec.map_or(&[], |spec| spec.time_formats),
                expected,
                actual,
            ) => {}
        (Value::Object(expected), Value::Object(actual)) => {
            compare_objects(path, nested_fields, expected, actual, differences)
        }
        (Value::Array(expected), Value::Array(actual)) => {
            for index in 0..expected.len().max(actual.len()) {
                let element_path = format!("{path}[{index}]");
                match (expected.get(index), actual.get(index)) {
                    (Some(expected), Some(actual)) => {
                        compare_values(&element_path, element, expected, actual, differences)
                    }
                    (expected, actual) => differences.push(Difference {
                        path: element_path,
                        expected: expected.cloned(),
                        actual: actual.cloned(),
                    }),
                }
            }
        }
        _ if scalars_match(expected, actual) => {}
        _ => differences.push(Difference {
            path: path.to_string(),
            expected: Some(expected.clone()),
            actual: Some(actual.clone()),
        }),
    }
}

/// An expected timestamp, written in the field's own `formats` (a JSON number for the unix
/// formats) or as `parse_instant` reads it, is the instant of the actual value.
fn field_timestamps_match(formats: &[TimeFormat], expected: &Value, actual: &Value) -> bool {
    let Some(actual) = actual.as_str().and_then(parse_instant) else {
        return false;
    };
    let expected = match expected {
        Value::Number(number) => parse_timestamp(TimeInput::Number(&number.to_string()), formats),
        Value::String(text) => {
            parse_timestamp(TimeInput::Text(text), formats).or_else(|| parse_instant(text))
        }
        _ => None,
    };
    expected == Some(actual)
}

fn scalars_match(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::String(expected), Value::String(actual)) => {
            expected == actual
                || matches!((parse_instant(expected), parse_instant(actual)), (Some(a), Some(b)) if a == b)
        }
        (Value::Number(expected), Value::Number(actual)) => numbers_match(expected, actual),
        _ => expected == actual,
    }
}

/// `1` and `1.0` are the same JSON number; integers are compared exactly.
fn numbers_match(expected: &serde_json::Number, actual: &serde_json::Number) -> bool {
    if let (Some(a), Some(b)) = (expected.as_i64(), actual.as_i64()) {
        return a == b;
    }
    if let (Some(a), Some(b)) = (expected.as_u64(), actual.as_u64()) {
        return a == b;
    }
    matches!((expected.as_f64(), actual.as_f64()), (Some(a), Some(b)) if a == b)
}

/// A timestamp in the output layout (`YYYY-MM-DD HH:MM:SS.fffffffff`, UTC, any fraction) or RFC 3339.
pub fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(time.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
        .ok()
        .map(|time| time.and_utc())
}

fn join_key(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shown(expected: Value, actual: Value) -> Vec<String> {
        compare_event(&expected, &actual)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn equal_events_match_ignoring_row_id_and_parse_time() {
        let expected =
            json!({"a": 1, "p_row_id": "x", "p_parse_time": "2020-01-01 00:00:00.000000000"});
        let actual =
            json!({"a": 1, "p_row_id": "y", "p_parse_time": "2024-01-01 00:00:00.000000000"});
        assert!(shown(expected, actual).is_empty());
        assert!(shown(json!({"a": 1}), json!({"a": 1, "p_row_id": "y"})).is_empty());
    }

    #[test]
    fn timestamps_are_compared_as_instants() {
        let expected = json!({"t": "2021-02-04T17:51:55Z", "u": "2021-02-04 17:51:55"});
        let actual =
            json!({"t": "2021-02-04 17:51:55.000000000", "u": "2021-02-04T19:51:55+02:00"});
        assert!(shown(expected, actual).is_empty());
        let later = shown(
            json!({"t": "2021-02-04T17:51:55Z"}),
            json!({"t": "2021-02-04 17:51:55.000000001"}),
        );
        assert_eq!(later.len(), 1);
    }

    mod specs {
        use crate::runtime::{
            DayPadding, FieldSpec, GoLayout, LayoutToken, TimeFormat, ValueKind, ValueSpec,
        };

        const fn timestamp(formats: &'static [TimeFormat]) -> ValueSpec {
            ValueSpec {
                time_formats: formats,
                ..ValueSpec::of(ValueKind::Timestamp)
            }
        }

        const fn field(name: &'static str, value: ValueSpec) -> FieldSpec {
            FieldSpec {
                name,
                keys: &[],
                required: false,
                is_event_time: false,
                value,
            }
        }

        static DAY_FIRST: GoLayout = GoLayout {
            spelling: "layout=02.01.2006",
            tokens: &[
                LayoutToken::Day(DayPadding::Zero),
                LayoutToken::Literal("."),
                LayoutToken::Month { padded: true },
                LayoutToken::Literal("."),
                LayoutToken::Year,
            ],
        };
        static SECONDS: FieldSpec = field("seconds", timestamp(&[TimeFormat::Unix]));
        static MILLIS: FieldSpec = field("millis", timestamp(&[TimeFormat::UnixMs]));
        static APACHE: FieldSpec = field(
            "apache",
            timestamp(&[TimeFormat::Strftime("%d/%b/%Y:%H:%M:%S %z")]),
        );
        static DAY: FieldSpec = field("day", timestamp(&[TimeFormat::Layout(&DAY_FIRST)]));
        static TIMES_ELEMENT: ValueSpec = timestamp(&[TimeFormat::Unix]);
        static TIMES: FieldSpec = field(
            "times",
            ValueSpec {
                element: Some(&TIMES_ELEMENT),
                ..ValueSpec::of(ValueKind::Array)
            },
        );
        static INNER_FIELDS: &[&FieldSpec] = &[&SECONDS];
        static INNER: FieldSpec = field(
            "inner",
            ValueSpec {
                object_fields: Some(INNER_FIELDS),
                ..ValueSpec::of(ValueKind::Object)
            },
        );
        pub static FIELDS: &[&FieldSpec] = &[&SECONDS, &MILLIS, &APACHE, &DAY, &TIMES, &INNER];
    }

    fn shown_of(expected: Value, actual: Value) -> Vec<String> {
        compare_event_of(specs::FIELDS, &expected, &actual)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn expected_timestamps_may_be_written_in_their_fields_formats() {
        let actual = json!({
            "seconds": "2020-02-13 18:56:20.000000000",
            "millis": "2021-01-12 11:58:15.501000000",
            "apache": "2000-10-10 20:55:36.000000000",
            "day": "2021-02-04 00:00:00.000000000",
            "times": ["2020-02-13 18:56:20.000000000"],
            "inner": {"seconds": "2020-02-13 18:56:20.000000000"},
            "p_event_time": "2020-02-13 18:56:20.123456789",
        });
        let expected = json!({
            "seconds": 1581620180,
            "millis": 1610452695501u64,
            "apache": "10/Oct/2000:13:55:36 -0700",
            "day": "04.02.2021",
            "times": [1581620180],
            "inner": {"seconds": "1581620180"},
            "p_event_time": "2020-02-13T18:56:20.123456789Z",
        });
        assert!(shown_of(expected.clone(), actual.clone()).is_empty());
        // The output layout and RFC 3339 with any fraction still work for any timestamp field.
        let expected_rfc3339 = json!({
            "seconds": "2020-02-13T18:56:20.000Z",
            "millis": "2021-01-12T12:58:15.501+01:00",
            "apache": "2000-10-10 20:55:36",
            "day": "2021-02-04T00:00:00Z",
            "times": ["2020-02-13T18:56:20Z"],
            "inner": {"seconds": "2020-02-13 18:56:20.000000000"},
            "p_event_time": "2020-02-13 18:56:20.123456789",
        });
        assert!(shown_of(expected_rfc3339, actual.clone()).is_empty());
        // Without the log type, a number is not a timestamp.
        assert!(!shown(expected, actual.clone()).is_empty());
        let off_by_one = shown_of(
            json!({"seconds": 1581620181, "day": "05.02.2021"}),
            json!({"seconds": actual["seconds"], "day": actual["day"]}),
        );
        assert_eq!(
            off_by_one,
            [
                r#"day: expected "05.02.2021", actual "2021-02-04 00:00:00.000000000""#,
                r#"seconds: expected 1581620181, actual "2020-02-13 18:56:20.000000000""#,
            ]
        );
    }

    #[test]
    fn rfc3339_with_any_fraction_is_an_instant() {
        for text in [
            "2020-02-13T18:56:20Z",
            "2020-02-13T18:56:20.1Z",
            "2020-02-13T18:56:20.123456789Z",
            "2020-02-13T18:56:20.123456789123Z",
            "2020-02-13T19:56:20.5+01:00",
        ] {
            assert!(parse_instant(text).is_some(), "{text}");
        }
    }

    #[test]
    fn differences_name_key_paths() {
        let expected = json!({"port": 22, "answers": [{"Rdata": "a", "Type": "A"}], "gone": true});
        let actual = json!({"port": "22", "answers": [{"Rdata": "b", "Type": "A"}, {"Rdata": "c"}], "extra": 1});
        // Key order follows serde_json's map (sorted unless `preserve_order` is on): compare sorted.
        let mut differences = shown(expected, actual);
        differences.sort();
        assert_eq!(
            differences,
            [
                r#"answers[0].Rdata: expected "a", actual "b""#,
                r#"answers[1]: unexpected {"Rdata":"c"}"#,
                "extra: unexpected 1",
                "gone: missing, expected true",
                r#"port: expected 22, actual "22""#,
            ]
        );
    }

    #[test]
    fn numbers_compare_by_value() {
        assert!(shown(json!({"n": 1}), json!({"n": 1.0})).is_empty());
        assert_eq!(shown(json!({"n": 1}), json!({"n": 2})).len(), 1);
        assert!(shown(json!({"n": u64::MAX}), json!({"n": u64::MAX})).is_empty());
    }

    #[test]
    fn expected_indicator_lists_are_sorted_before_comparing() {
        let expected = json!({"p_any_ip_addresses": ["10.0.0.2", "10.0.0.1"]});
        let actual = json!({"p_any_ip_addresses": ["10.0.0.1", "10.0.0.2"]});
        assert!(shown(expected, actual).is_empty());
        // Output order is not forgiven: an unsorted actual list is a difference.
        let expected = json!({"p_any_ip_addresses": ["10.0.0.1", "10.0.0.2"]});
        let actual = json!({"p_any_ip_addresses": ["10.0.0.2", "10.0.0.1"]});
        assert_eq!(shown(expected, actual).len(), 2);
    }
}
