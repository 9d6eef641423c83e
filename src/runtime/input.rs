//! Borrowed views of one input record, the same for JSON objects and delimited rows.

use super::{ColumnMap, FieldSpec};

/// An object to read fields from: a JSON object, or a delimited row (flat, all text).
#[derive(Debug, Clone, Copy)]
pub enum ObjectRef<'a> {
    Json(&'a serde_json::Map<String, serde_json::Value>),
    Row(&'a Row<'a>),
}

/// A delimited line split into values, with the column mapping in force for it.
#[derive(Debug)]
pub struct Row<'a> {
    pub values: &'a [&'a str],
    pub columns: &'a ColumnMap,
}

/// One value of the input.
#[derive(Debug, Clone, Copy)]
pub enum ValueRef<'a> {
    Json(&'a serde_json::Value),
    Text(&'a str),
}

impl<'a> ObjectRef<'a> {
    /// The field's value: for JSON the first of `spec.keys` present; for a row the column mapped
    /// to `spec.slot`, if the row has it. Empty-value handling is the decoder's job.
    pub fn get(&self, spec: &FieldSpec) -> Option<ValueRef<'a>> {
        todo!("runtime: {spec:?}")
    }
}
