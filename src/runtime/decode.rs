//! Decoding and validating values, as Panther does (see docs/schema-language.md).

use std::fmt;

use super::{FieldSpec, ObjectRef, ValueRef, ValueSpec};

/// Why a record was rejected: a message and the field path it applies to (`answers[0].Rdata`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Path segments, outermost first once complete.
    path: Vec<String>,
    message: String,
}

impl DecodeError {
    /// An error about the whole record (bad JSON, too few columns, ...).
    pub fn record(message: impl Into<String>) -> Self {
        DecodeError { path: Vec::new(), message: message.into() }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!("runtime: `path: message` {:?}{}", self.path, f.alternate())
    }
}

impl std::error::Error for DecodeError {}

/// A value type the generated structs hold: `String`, `i16`, `i32`, `i64`, `f64`, `bool`,
/// `Timestamp`, `serde_json::Value`, `Vec<T>`, and every generated struct (through `Object`).
pub trait Decode: Sized {
    /// `Ok(None)`: the value is absent (null, or one of `spec.empty_values`).
    fn decode(value: ValueRef<'_>, spec: &'static ValueSpec) -> Result<Option<Self>, DecodeError>;
}

/// A required field: absent or null is an error naming the field.
pub fn required<T: Decode>(input: &ObjectRef<'_>, spec: &'static FieldSpec) -> Result<T, DecodeError> {
    todo!("runtime {input:?} {spec:?}")
}

/// An optional field.
pub fn optional<T: Decode>(
    input: &ObjectRef<'_>,
    spec: &'static FieldSpec,
) -> Result<Option<T>, DecodeError> {
    todo!("runtime {input:?} {spec:?}")
}

impl<T: super::Object> Decode for T {
    fn decode(value: ValueRef<'_>, spec: &'static ValueSpec) -> Result<Option<Self>, DecodeError> {
        todo!("runtime {value:?} {spec:?}")
    }
}

impl Decode for String {
    fn decode(value: ValueRef<'_>, spec: &'static ValueSpec) -> Result<Option<Self>, DecodeError> {
        todo!("runtime {value:?} {spec:?}")
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(value: ValueRef<'_>, spec: &'static ValueSpec) -> Result<Option<Self>, DecodeError> {
        todo!("runtime {value:?} {spec:?}")
    }
}

impl Decode for i64 {
    fn decode(value: ValueRef<'_>, spec: &'static ValueSpec) -> Result<Option<Self>, DecodeError> {
        todo!("runtime {value:?} {spec:?}")
    }
}

impl Decode for super::Timestamp {
    fn decode(value: ValueRef<'_>, spec: &'static ValueSpec) -> Result<Option<Self>, DecodeError> {
        todo!("runtime {value:?} {spec:?}")
    }
}
