//! One description of an event's shape, two outputs.
//!
//! Generated `write_fields` names each field once, in schema order, through [`ObjectWriter`]:
//! `out.field(&SPEC, &self.name)` or `out.optional(&SPEC, &self.name)`, the output name taken
//! from the field's spec (hand-written callers pass the name itself). Two writers implement
//! it: [`JsonObjectWriter`](super::JsonObjectWriter) appends the members of a JSON object
//! (`--format json`), [`ArrowObjectWriter`](super::arrow_out::ArrowObjectWriter) appends one
//! value to each column of a log type's Arrow schema (`--format parquet`). So what a field holds,
//! whether it is left out, and the `p_*` fields after it are decided in one place
//! (`event::write_event`), and the two outputs cannot drift apart.
//!
//! Where an event goes is an [`EventOutput`]: a byte buffer of JSON lines, or Arrow rows.

use super::arrow_out::{ArrowRows, WriteArrow};
use super::json_out::WriteJson;
use super::FieldSpec;

/// A value a field can hold: it writes itself as JSON and into an Arrow column.
pub trait EventValue: WriteJson + WriteArrow {}

impl<T: WriteJson + WriteArrow + ?Sized> EventValue for T {}

/// What names a field for an [`ObjectWriter`]: its spec (generated code), or the output name.
pub trait FieldName {
    fn field_name(&self) -> &str;
}

impl FieldName for str {
    #[inline(always)]
    fn field_name(&self) -> &str {
        self
    }
}

impl FieldName for FieldSpec {
    #[inline(always)]
    fn field_name(&self) -> &str {
        self.name
    }
}

/// Writes the fields of one object, in schema order. Every field of the object is named exactly
/// once, present or not: the Arrow writer fills one column per call.
pub trait ObjectWriter {
    /// A present value. A value Go's `omitempty` leaves out (an empty array, as Panther's events
    /// do; `WriteJson::is_omitted`) is written as absent.
    fn field<K: FieldName + ?Sized, T: EventValue + ?Sized>(&mut self, name: &K, value: &T);

    /// A field without a value: left out of the JSON object, SQL NULL in Arrow.
    fn absent<K: FieldName + ?Sized>(&mut self, name: &K);

    /// A value that may be absent.
    #[inline(always)]
    fn optional<K: FieldName + ?Sized, T: EventValue>(&mut self, name: &K, value: &Option<T>) {
        match value {
            Some(value) => self.field(name, value),
            None => self.absent(name),
        }
    }
}

/// Where events are written: JSON lines into a byte buffer, or rows of Arrow columns.
pub enum EventTarget<'o> {
    Json(&'o mut Vec<u8>),
    Arrow(&'o mut ArrowRows),
}

/// An output of [`super::parse_event`]: `Vec<u8>` (JSON lines) or [`ArrowRows`].
pub trait EventOutput {
    fn target(&mut self) -> EventTarget<'_>;
    /// How much has been written (bytes, or rows), to [`Self::rewind`] to.
    fn mark(&self) -> usize;
    /// Forgets what was written after `mark`.
    fn rewind(&mut self, mark: usize);
}

impl EventOutput for Vec<u8> {
    fn target(&mut self) -> EventTarget<'_> {
        EventTarget::Json(self)
    }

    fn mark(&self) -> usize {
        self.len()
    }

    fn rewind(&mut self, mark: usize) {
        self.truncate(mark);
    }
}

impl EventOutput for ArrowRows {
    fn target(&mut self) -> EventTarget<'_> {
        EventTarget::Arrow(self)
    }

    fn mark(&self) -> usize {
        self.rows()
    }

    fn rewind(&mut self, mark: usize) {
        self.truncate(mark);
    }
}
