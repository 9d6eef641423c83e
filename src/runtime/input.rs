//! Borrowed views of one input record, the same for JSON objects and delimited rows.

use std::borrow::Cow;
use std::cell::Cell;

use super::{
    ColumnMap, Decode, DecodeError, FieldSpec, InputObject, InputValue, TextRecord, ValueKind,
};

/// An object to read fields from: a JSON object, or a delimited row (flat, all text). `'a` is
/// the input line's lifetime (the strings decoded fields borrow), `'r` that of the parsed tree
/// or row being read, which can be shorter (embedded JSON is parsed during decoding).
#[derive(Debug, Clone, Copy)]
pub enum ObjectRef<'r, 'a> {
    Json(&'r InputObject<'a>),
    Row(&'r Row<'a>),
    /// A text parser's record (`fastmatch`, `csv`): flat text values, some absent.
    Text(&'r TextRecord<'a>),
}

/// A delimited line split into values, with the column mapping in force for it.
#[derive(Debug)]
pub struct Row<'a> {
    pub values: &'a [&'a str],
    pub columns: &'a ColumnMap,
    /// The parser's `emptyValues`: a column holding one of these (trimmed) is absent.
    pub empty_values: &'a [&'a str],
    /// The slot of the field expected to be read next (`ColumnMap::column_of_next`).
    next_slot: Cell<usize>,
}

impl<'a> Row<'a> {
    pub fn new(values: &'a [&'a str], columns: &'a ColumnMap, empty_values: &'a [&'a str]) -> Self {
        Row {
            values,
            columns,
            empty_values,
            next_slot: Cell::new(0),
        }
    }
}

/// One value of the input (lifetimes as for `ObjectRef`).
#[derive(Debug, Clone, Copy)]
pub enum ValueRef<'r, 'a> {
    Json(&'r InputValue<'a>),
    Text(&'a str),
}

impl<'r, 'a> ValueRef<'r, 'a> {
    /// The text of delimited text or of a JSON string; `None` for other JSON values.
    pub fn as_text(&self) -> Option<&'r str> {
        match *self {
            ValueRef::Text(text) => Some(text),
            ValueRef::Json(InputValue::String(text)) => Some(text),
            ValueRef::Json(_) => None,
        }
    }

    /// Like `as_text`, borrowed from the input line when the text is there as it is (no JSON
    /// escapes), else copied.
    pub fn text_of_line(&self) -> Option<Cow<'a, str>> {
        match *self {
            ValueRef::Text(text) => Some(Cow::Borrowed(text)),
            ValueRef::Json(InputValue::String(Cow::Borrowed(text))) => Some(Cow::Borrowed(text)),
            ValueRef::Json(InputValue::String(Cow::Owned(text))) => Some(Cow::Owned(text.clone())),
            ValueRef::Json(_) => None,
        }
    }
}

/// Generated `decode_fields` reads each field with one of these (`input.optional(&SPEC)?`).
#[doc(hidden)]
impl<'a> ObjectRef<'_, 'a> {
    /// `decode::required`: absent or null is an error naming the field.
    #[inline(always)]
    pub fn required<T: Decode<'a>>(&self, spec: &'static FieldSpec) -> Result<T, DecodeError> {
        super::decode::required(self, spec)
    }

    /// `decode::optional`.
    #[inline(always)]
    pub fn optional<T: Decode<'a>>(
        &self,
        spec: &'static FieldSpec,
    ) -> Result<Option<T>, DecodeError> {
        super::decode::optional(self, spec)
    }
}

impl<'r, 'a> ObjectRef<'r, 'a> {
    /// The field's value: for JSON the first of `spec.keys` present (null counts as absent, so an
    /// alias can stand in; a `json` field whose keys are all null gets the null); for a row the column mapped to this field, if the row has it and it
    /// is not one of the parser's empty values. The field's own empty values are the decoder's job.
    #[inline]
    pub fn get(&self, spec: &FieldSpec) -> Option<ValueRef<'r, 'a>> {
        match *self {
            ObjectRef::Json(map) => {
                let value = spec
                    .keys
                    .iter()
                    .filter_map(|key| map.get(key))
                    .find(|value| !value.is_null());
                match value {
                    Some(value) => Some(ValueRef::Json(value)),
                    // A `json` field given only nulls holds null: Panther writes it as `null`.
                    None if spec.value.kind == ValueKind::Json => spec
                        .keys
                        .iter()
                        .find_map(|key| map.get(key))
                        .map(ValueRef::Json),
                    None => None,
                }
            }
            ObjectRef::Row(row) => {
                let column = row.columns.column_of_next(spec, &row.next_slot)?;
                let text = *row.values.get(column)?;
                let is_empty = !row.empty_values.is_empty()
                    && row.empty_values.contains(&super::text::trim(text));
                (!is_empty).then_some(ValueRef::Text(text))
            }
            ObjectRef::Text(record) => record.get(spec).map(ValueRef::Text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::ValueSpec;

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

    fn text(value: Option<ValueRef<'_, '_>>) -> Option<String> {
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
        // A `json` field takes a null when no key has more.
        static JSON_FIELD: FieldSpec = FieldSpec {
            value: ValueSpec::of(ValueKind::Json),
            ..field(&["a", "b"])
        };
        let map = object(r#"{"b":null}"#);
        assert_eq!(
            text(ObjectRef::Json(&map).get(&JSON_FIELD)).as_deref(),
            Some("json:null")
        );
        assert_eq!(text(ObjectRef::Json(&map).get(&FIRST)), None);
        let map = object(r#"{"a":null,"b":[]}"#);
        assert_eq!(
            text(ObjectRef::Json(&map).get(&JSON_FIELD)).as_deref(),
            Some("json:[]")
        );
        assert_eq!(text(ObjectRef::Json(&object("{}")).get(&JSON_FIELD)), None);
    }

    #[test]
    fn rows_map_slots_to_columns() {
        // Column 0 feeds slot 1, column 1 is unknown, column 2 feeds slot 0; slot 2 has no column.
        let columns = ColumnMap::new(FIELDS, vec![Some(1), None, Some(0)]);
        let row = Row::new(&["x", "y", " - "], &columns, &["-"]);
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
        // In schema order (the cursor's fast path), after the out-of-order reads above.
        let row = Row::new(&["x", "y", "z"], &columns, &["-"]);
        let read: Vec<_> = [&FIRST, &SECOND, &THIRD, &FIRST]
            .into_iter()
            .map(|spec| text(ObjectRef::Row(&row).get(spec)))
            .collect();
        assert_eq!(
            read,
            [
                Some("text:z".into()),
                Some("text:x".into()),
                None,
                Some("text:z".into())
            ]
        );
        let short = Row::new(&["x"], &columns, &[]);
        assert_eq!(
            text(ObjectRef::Row(&short).get(&FIRST)),
            None,
            "row too short"
        );
    }
}
