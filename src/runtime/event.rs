//! One record in, one normalised event out: decode, indicators, event time, JSON with `p_*` fields.

use super::{DecodeError, FieldSpec, IndicatorSink, JsonObjectWriter, ObjectRef, Timestamp};

/// Implemented by every generated struct.
pub trait Object: Sized {
    /// This object's fields, in schema order.
    fn fields() -> &'static [FieldSpec];
    /// Reads and validates every field.
    fn decode_fields(input: &ObjectRef<'_>) -> Result<Self, DecodeError>;
    /// Writes the present fields as JSON object members, in schema order.
    fn write_fields(&self, out: &mut JsonObjectWriter<'_>);
    /// Adds this object's indicator values (nested objects included) to the sink.
    fn collect_indicators(&self, sink: &mut IndicatorSink);
    /// The first `isEventTime` value present, in schema order, depth first.
    fn event_time(&self) -> Option<Timestamp> {
        None
    }
}

/// A unique row id: a per-process random prefix and the record's sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowId {
    pub prefix: u64,
    pub sequence: u64,
}

/// What the event gets besides its own fields.
#[derive(Debug, Clone)]
pub struct EventMeta<'a> {
    pub log_type: &'a str,
    pub row_id: RowId,
    pub parse_time: Timestamp,
    pub source_id: Option<&'a str>,
    pub source_label: Option<&'a str>,
}

/// The `parse_event` of every registry entry: decode `T`, then append its JSON line to `out`.
pub fn parse_event<T: Object>(
    input: &ObjectRef<'_>,
    meta: &EventMeta<'_>,
    out: &mut Vec<u8>,
) -> Result<(), DecodeError> {
    todo!("runtime {input:?} {meta:?} {out:?}")
}
