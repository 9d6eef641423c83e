//! The hand-written runtime that generated code calls into. Generated code holds only data types,
//! static specs (`spec`) and short calls into these modules.

pub mod arrow_out;
pub mod csv;
pub mod decode;
pub mod event;
pub mod fastmatch;
pub mod framing;
pub mod indicators;
pub mod input;
pub mod json_in;
pub mod json_out;
pub mod layout;
pub mod pattern;
pub mod regex_parser;
pub mod spec;
pub mod text;
pub mod text_record;
pub mod time;
pub mod transform;
pub mod writer;

pub use arrow_out::{ArrowRows, WriteArrow};
pub use csv::CsvSpec;
pub use decode::{Decode, DecodeError};
pub use event::{parse_event, parse_event_keeping_unknown, EventMeta, Object, RowId};
pub use fastmatch::{FastCapture, FastMatchSpec, FastPattern};
pub use framing::{parse_record, ColumnMap, Framer, LineKind};
pub use indicators::IndicatorSink;
pub use input::{ObjectRef, Row, ValueRef};
pub use json_in::{InputObject, InputValue, JsonNumber};
pub use json_out::{JsonObjectWriter, WriteJson};
pub use layout::{DayPadding, GoLayout, LayoutToken, OffsetPrecision, OffsetStyle};
pub use pattern::Pattern;
pub use regex_parser::{RegexCapture, RegexPattern, RegexSpec};
pub use spec::*;
pub use text_record::{ExpandSpec, TemplatePart, TextRecord, TextRecordSpec};
pub use writer::{EventOutput, EventTarget, EventValue, FieldName, ObjectWriter};

/// Every timestamp is a UTC instant.
pub type Timestamp = chrono::DateTime<chrono::Utc>;

/// The value of a `json` field; generated code names it through the runtime.
pub type JsonValue = serde_json::Value;
