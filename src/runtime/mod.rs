//! The hand-written runtime that generated code calls into. Generated code holds only data types,
//! static specs (`spec`) and short calls into these modules.

pub mod decode;
pub mod event;
pub mod framing;
pub mod indicators;
pub mod input;
pub mod json_in;
pub mod json_out;
pub mod pattern;
pub mod spec;
pub mod text;
pub mod time;

pub use decode::{Decode, DecodeError};
pub use event::{parse_event, EventMeta, Object, RowId};
pub use framing::{parse_record, ColumnMap, Framer, LineKind};
pub use indicators::IndicatorSink;
pub use input::{ObjectRef, Row, ValueRef};
pub use json_in::{InputObject, InputValue, JsonNumber};
pub use json_out::{JsonObjectWriter, WriteJson};
pub use pattern::Pattern;
pub use spec::*;

/// Every timestamp is a UTC instant.
pub type Timestamp = chrono::DateTime<chrono::Utc>;

/// The value of a `json` field; generated code names it through the runtime.
pub type JsonValue = serde_json::Value;
