//! A decoded value of any schema type: what a generated struct's field holds (`Cow<str>`,
//! `i16`, ..., `Vec<T>`, a nested struct), as one enum. Each variant decodes, writes (JSON and
//! Arrow) and yields indicator values through the runtime's own implementations for that type,
//! so the output cannot differ from the generated code's.

use std::borrow::Cow;

use super::object::DynObject;
use super::tree::ValueNode;
use crate::runtime::arrow_out::{Column, ShapeError};
use crate::runtime::decode::{decode_array_with, decode_object_with};
use crate::runtime::indicators::{AsText, IndicatorValues, JsonValues};
use crate::runtime::{
    Decode, DecodeError, JsonValue, Timestamp, ValueKind, ValueRef, WriteArrow, WriteJson,
};

#[derive(Debug)]
pub(crate) enum DynValue<'a> {
    String(Cow<'a, str>),
    SmallInt(i16),
    Int(i32),
    BigInt(i64),
    Float(f64),
    Boolean(bool),
    Timestamp(Timestamp),
    Json(JsonValue),
    Array(Vec<DynValue<'a>>),
    Object(DynObject<'a>),
}

/// `Decode::decode` of the generated field's type; `Ok(None)`: absent.
pub(crate) fn decode<'a>(
    value: ValueRef<'_, 'a>,
    node: &'static ValueNode,
) -> Result<Option<DynValue<'a>>, DecodeError> {
    let spec = node.spec;
    Ok(match spec.kind {
        ValueKind::String => Cow::<str>::decode(value, spec)?.map(DynValue::String),
        ValueKind::SmallInt => i16::decode(value, spec)?.map(DynValue::SmallInt),
        ValueKind::Int => i32::decode(value, spec)?.map(DynValue::Int),
        ValueKind::BigInt => i64::decode(value, spec)?.map(DynValue::BigInt),
        ValueKind::Float => f64::decode(value, spec)?.map(DynValue::Float),
        ValueKind::Boolean => bool::decode(value, spec)?.map(DynValue::Boolean),
        ValueKind::Timestamp => Timestamp::decode(value, spec)?.map(DynValue::Timestamp),
        ValueKind::Json => JsonValue::decode(value, spec)?.map(DynValue::Json),
        ValueKind::Array => {
            let Some(element) = node.element else {
                return Err(DecodeError::value(
                    "the schema gives this array no element type",
                ));
            };
            decode_array_with(value, spec, |value, _| decode(value, element))?.map(DynValue::Array)
        }
        ValueKind::Object => {
            let Some(object) = node.object else {
                return Err(DecodeError::value("the schema gives this object no fields"));
            };
            decode_object_with(value, spec, |input| DynObject::decode(input, object))?
                .map(DynValue::Object)
        }
    })
}

impl WriteJson for DynValue<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            DynValue::String(text) => text.write_json(out),
            DynValue::SmallInt(integer) => integer.write_json(out),
            DynValue::Int(integer) => integer.write_json(out),
            DynValue::BigInt(integer) => integer.write_json(out),
            DynValue::Float(float) => float.write_json(out),
            DynValue::Boolean(boolean) => boolean.write_json(out),
            DynValue::Timestamp(time) => time.write_json(out),
            DynValue::Json(json) => json.write_json(out),
            DynValue::Array(elements) => elements.write_json(out),
            DynValue::Object(object) => object.write_json(out),
        }
    }

    #[inline]
    fn is_omitted(&self) -> bool {
        match self {
            DynValue::Array(elements) => elements.is_omitted(),
            _ => false,
        }
    }
}

impl WriteArrow for DynValue<'_> {
    fn write_arrow(&self, column: &mut Column) -> Result<(), ShapeError> {
        match self {
            DynValue::String(text) => text.write_arrow(column),
            DynValue::SmallInt(integer) => integer.write_arrow(column),
            DynValue::Int(integer) => integer.write_arrow(column),
            DynValue::BigInt(integer) => integer.write_arrow(column),
            DynValue::Float(float) => float.write_arrow(column),
            DynValue::Boolean(boolean) => boolean.write_arrow(column),
            DynValue::Timestamp(time) => time.write_arrow(column),
            DynValue::Json(json) => json.write_arrow(column),
            DynValue::Array(elements) => elements.write_arrow(column),
            DynValue::Object(object) => object.write_arrow(column),
        }
    }
}

/// The strings of a string value, or of an array of them at any depth.
impl IndicatorValues for DynValue<'_> {
    fn for_each_str(&self, f: &mut dyn FnMut(&str)) {
        match self {
            DynValue::String(text) => f(text),
            DynValue::Array(elements) => elements.for_each_str(f),
            _ => {}
        }
    }
}

/// The `json` values of a value, or of an array of them at any depth.
impl JsonValues for DynValue<'_> {
    fn for_each_json(&self, f: &mut dyn FnMut(&JsonValue)) {
        match self {
            DynValue::Json(json) => f(json),
            DynValue::Array(elements) => elements.for_each_json(f),
            _ => {}
        }
    }
}

/// A sibling string field, read by an indicator's `when`.
impl AsText for Option<DynValue<'_>> {
    fn as_text(&self) -> Option<&str> {
        match self {
            Some(DynValue::String(text)) => Some(text),
            _ => None,
        }
    }
}
