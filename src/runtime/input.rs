//! Borrowed views of one input record, the same for JSON objects and delimited rows.

use super::{ColumnMap, FieldSpec, InputObject, InputValue};

/// An object to read fields from: a JSON object, or a delimited row (flat, all text).
#[derive(Debug, Clone, Copy)]
pub enum ObjectRef<'a> {
    Json(&'a InputObject<'a>),
    Row(&'a Row<'a>),
}

/// A delimited line split into values, with the column mapping in force for it.
#[derive(Debug)]
pub struct Row<'a> {
    pub values: &'a [&'a str],
    pub columns: &'a ColumnMap,
    /// The parser's `emptyValues`: a column holding one of these (trimmed) is absent.
    pub empty_values: &'a [&'a str],
}

/// One value of the input.
#[derive(Debug, Clone, Copy)]
pub enum ValueRef<'a> {
    Json(&'a InputValue<'a>),
    Text(&'a str),
}

impl<'a> ValueRef<'a> {
    /// The text of delimited text or of a JSON string; `None` for other JSON values.
    pub fn as_text(&self) -> Option<&'a str> {
        match *self {
            ValueRef::Text(text) => Some(text),
            ValueRef::Json(InputValue::String(text)) => Some(text),
            ValueRef::Json(_) => None,
        }
    }
}

impl<'a> ObjectRef<'a> {
    /// The field's value: for JSON the first of `spec.keys` present (null counts as absent, so an
    /// alias can stand in); for a row the column mapped to this field, if the row has it and it
    /// is not one of the parser's empty values. The field's own empty values are the decoder's job.
    #[inline]
    pub fn get(&self, spec: &FieldSpec) -> Option<ValueRef<'a>> {
        match *self {
            ObjectRef::Json(map) => spec
                .keys
                .iter()
                .filter_map(|key| map.get(key))
                .find(|value| !value.is_null())
                .map(ValueRef::Json),
            ObjectRef::Row(row) => {
                let text = *row.values.get(row.columns.column_of(spec)?)?;
                let is_empty =
                    !row.empty_values.is_empty() && row.empty_values.contains(&trim(text));
                (!is_empty).then_some(ValueRef::Text(text))
            }
        }
    }
}

/// `str::trim`, with a shortcut for the usual value that starts and ends in a visible ASCII
/// character (then neither end is whitespace).
fn trim(text: &str) -> &str {
    let visible = |byte: Option<&u8>| byte.is_some_and(|byte| (b'!'..=b'~').contains(byte));
    if visible(text.as_bytes().first()) && visible(text.as_bytes().last()) {
        text
    } else {
        text.trim()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{ValueKind, ValueSpec};

    const fn field(keys: &'static [&'static str]) -> FieldSpec {
        FieldSpec {
            name: "f",
            keys,
            required: false,
            is_event_time: false,
            value: ValueSpec::of(ValueKind::String),
        }
    }

    static FIRST: FieldSpec = field(&["a", "b"]);
    static SECOND: FieldSpec = field(&["c"]);
    static THIRD: FieldSpec = field(&["d"]);
    static FIELDS: &[&FieldSpec] = &[&FIRST, &SECOND, &THIRD];

    fn text(value: Option<ValueRef<'_>>) -> Option<String> {
        value.map(|value| match value {
            ValueRef::Text(text) => format!("text:{text}"),
            ValueRef::Json(json) => format!("json:{json}"),
        })
    }

    #[test]
    fn json_takes_the_first_key_present() {
        fn object(text: &str) -> InputObject<'_> {
            match crate::runtime::json_in::parse(text).unwrap() {
                InputValue::Object(object) => object,
                other => panic!("not an object: {other}"),
            }
        }
        let map = object(r#"{"b":2,"a":1}"#);
        assert_eq!(
            text(ObjectRef::Json(&map).get(&FIRST)).as_deref(),
            Some("json:1")
        );
        let map = object(r#"{"b":2,"a":null}"#);
        assert_eq!(
            text(ObjectRef::Json(&map).get(&FIRST)).as_deref(),
            Some("json:2")
        );
        assert_eq!(text(ObjectRef::Json(&map).get(&SECOND)), None);
        // A repeated key counts once, with its last value.
        let map = object(r#"{"a":1,"c":3,"a":null,"b":2}"#);
        assert_eq!(
            text(ObjectRef::Json(&map).get(&FIRST)).as_deref(),
            Some("json:2")
        );
    }

    #[test]
    fn rows_map_slots_to_columns() {
        // Column 0 feeds slot 1, column 1 is unknown, column 2 feeds slot 0; slot 2 has no column.
        let columns = ColumnMap::new(FIELDS, vec![Some(1), None, Some(0)]);
        let row = Row {
            values: &["x", "y", " - "],
            columns: &columns,
            empty_values: &["-"],
        };
        assert_eq!(
            text(ObjectRef::Row(&row).get(&SECOND)).as_deref(),
            Some("text:x")
        );
        assert_eq!(
            text(ObjectRef::Row(&row).get(&FIRST)),
            None,
            "an empty value"
        );
        assert_eq!(text(ObjectRef::Row(&row).get(&THIRD)), None, "no column");
        let short = Row {
            values: &["x"],
            columns: &columns,
            empty_values: &[],
        };
        assert_eq!(
            text(ObjectRef::Row(&short).get(&FIRST)),
            None,
            "row too short"
        );
    }
}
