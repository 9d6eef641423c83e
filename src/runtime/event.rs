//! One record in, one normalised event out: decode, indicators, event time, then the event's
//! fields and its `p_*` fields, as a JSON line or as a row of Arrow columns.

use super::arrow_out::{Column, ShapeError, WriteArrow};
use super::writer::{EventOutput, EventTarget, ObjectWriter};
use super::{
    DecodeError, FieldSpec, IndicatorSink, JsonObjectWriter, ObjectRef, Timestamp, WriteJson,
};

/// Implemented by every generated struct; `'a` is the input line's lifetime, which the struct's
/// strings borrow from.
pub trait Object<'a>: Sized {
    /// This object's fields, in schema order.
    fn fields() -> &'static [&'static FieldSpec];
    /// Reads and validates every field.
    fn decode_fields(input: &ObjectRef<'_, 'a>) -> Result<Self, DecodeError>;
    /// Names every field, in schema order, with its value or as absent: JSON object members or
    /// Arrow columns, whichever `out` writes.
    fn write_fields<W: ObjectWriter>(&self, out: &mut W);
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

/// The `parse_event` of every registry entry: decode `T`, then append its event to `out` (a
/// JSON line, or an Arrow row). Everything that can fail happens before anything is written, so
/// on error `out` is as it was.
pub fn parse_event<'a, T: Object<'a>>(
    input: &ObjectRef<'_, 'a>,
    meta: &EventMeta<'_>,
    out: &mut dyn EventOutput,
) -> Result<(), DecodeError> {
    let event = T::decode_fields(input)?;
    write_decoded(&event, None, meta, out)
}

/// `parse_event` for a schema with `fieldDiscoveryEnabled`: the record's keys that no field
/// reads (its top level only) are kept in the event's `p_unknown` object, sorted by key.
pub fn parse_event_keeping_unknown<'a, T: Object<'a>>(
    input: &ObjectRef<'_, 'a>,
    meta: &EventMeta<'_>,
    out: &mut dyn EventOutput,
) -> Result<(), DecodeError> {
    let event = T::decode_fields(input)?;
    let unknown = unknown_members(input, T::fields());
    write_decoded(&event, Some(&unknown), meta, out)
}

/// The members of a JSON record that none of `fields` reads, as a JSON object.
pub fn unknown_members(input: &ObjectRef<'_, '_>, fields: &[&FieldSpec]) -> serde_json::Value {
    let mut unknown = serde_json::Map::new();
    if let ObjectRef::Json(object) = input {
        for (key, value) in object.iter() {
            let declared = fields
                .iter()
                .any(|field| field.keys.contains(&key) || field.name == key);
            if !declared {
                unknown.insert(key.to_owned(), value.to_json());
            }
        }
    }
    serde_json::Value::Object(unknown)
}

/// What writing an event needs of its decoded record: every generated struct (through
/// `Object`), and the interpreter's dynamic objects (`crate::interpret`).
pub trait DecodedEvent {
    /// See [`Object::write_fields`].
    fn write_fields<W: ObjectWriter>(&self, out: &mut W);
    /// See [`Object::collect_indicators`].
    fn collect_indicators(&self, sink: &mut IndicatorSink);
    /// See [`Object::event_time`].
    fn event_time(&self) -> Option<Timestamp>;
}

impl<'a, T: Object<'a>> DecodedEvent for T {
    #[inline(always)]
    fn write_fields<W: ObjectWriter>(&self, out: &mut W) {
        Object::write_fields(self, out)
    }
    #[inline(always)]
    fn collect_indicators(&self, sink: &mut IndicatorSink) {
        Object::collect_indicators(self, sink)
    }
    #[inline(always)]
    fn event_time(&self) -> Option<Timestamp> {
        Object::event_time(self)
    }
}

/// Writes a decoded event; `unknown` is `Some` (an object, maybe empty) with field discovery.
pub fn write_decoded<T: DecodedEvent>(
    event: &T,
    unknown: Option<&serde_json::Value>,
    meta: &EventMeta<'_>,
    out: &mut dyn EventOutput,
) -> Result<(), DecodeError> {
    // One sink per thread, cleared per event: its lists keep their allocations.
    thread_local! {
        static SINK: std::cell::RefCell<IndicatorSink> = Default::default();
    }
    SINK.with(|sink| match sink.try_borrow_mut() {
        // Used in place: moving the sink (a dozen vectors) out and back cost four copies of it
        // per event.
        Ok(mut indicators) => {
            indicators.clear();
            write_event(event, unknown, &mut indicators, meta, out)
        }
        // Only if parsing were ever re-entered on this thread: a sink of its own, not a panic.
        Err(_) => write_event(event, unknown, &mut IndicatorSink::default(), meta, out),
    })
}

fn write_event<T: DecodedEvent>(
    event: &T,
    unknown: Option<&serde_json::Value>,
    indicators: &mut IndicatorSink,
    meta: &EventMeta<'_>,
    out: &mut dyn EventOutput,
) -> Result<(), DecodeError> {
    event.collect_indicators(indicators);
    let event_time = event.event_time().unwrap_or(meta.parse_time);
    match out.target() {
        EventTarget::Json(out) => {
            let mut object = JsonObjectWriter::new(out);
            write_members(event, unknown, indicators, meta, &event_time, &mut object);
            object.finish();
            out.push(b'\n');
            Ok(())
        }
        EventTarget::Arrow(rows) => rows
            .write_row(|object| {
                write_members(event, unknown, indicators, meta, &event_time, object)
            })
            .map_err(|error| DecodeError::record(format!("internal error: {error}"))),
    }
}

/// The event's fields, then the `p_*` fields in the order of `crate::lake::arrow_schema`.
#[inline(always)]
fn write_members<T: DecodedEvent, W: ObjectWriter>(
    event: &T,
    unknown: Option<&serde_json::Value>,
    indicators: &mut IndicatorSink,
    meta: &EventMeta<'_>,
    event_time: &Timestamp,
    object: &mut W,
) {
    event.write_fields(object);
    object.field("p_log_type", meta.log_type);
    object.field("p_row_id", &RowIdHex(meta.row_id));
    object.field("p_event_time", event_time);
    object.field("p_parse_time", &meta.parse_time);
    match meta.source_id {
        Some(source_id) => object.field("p_source_id", source_id),
        None => object.absent("p_source_id"),
    }
    match meta.source_label {
        Some(source_label) => object.field("p_source_label", source_label),
        None => object.absent("p_source_label"),
    }
    match unknown {
        Some(serde_json::Value::Object(members)) if members.is_empty() => {
            object.absent("p_unknown")
        }
        Some(members) => object.field("p_unknown", members),
        None => {}
    }
    indicators.write_fields(object);
}

impl RowId {
    /// 32 lower-case hex digits: the prefix's 16, then the sequence's 16.
    pub fn to_hex(self) -> String {
        format!("{:016x}{:016x}", self.prefix, self.sequence)
    }
}

/// Writes a row id as a string without an intermediate `String`.
struct RowIdHex(RowId);

impl RowIdHex {
    /// The 32 hex digits.
    #[inline]
    fn digits(&self) -> [u8; 32] {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut text = [0; 32];
        let digits = (self.0.prefix as u128) << 64 | self.0.sequence as u128;
        for (i, digit) in text.iter_mut().enumerate() {
            *digit = HEX[((digits >> ((31 - i) * 4)) & 0xf) as usize];
        }
        text
    }
}

impl WriteJson for RowIdHex {
    fn write_json(&self, out: &mut Vec<u8>) {
        // Filled in place and appended once.
        let mut text = [b'"'; 34];
        text[1..33].copy_from_slice(&self.digits());
        out.extend_from_slice(&text);
    }
}

impl WriteArrow for RowIdHex {
    fn write_arrow(&self, column: &mut Column) -> Result<(), ShapeError> {
        column.push_text(|bytes| bytes.extend_from_slice(&self.digits()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{decode, ValueKind, ValueSpec};

    static NOTE: FieldSpec = FieldSpec {
        name: "note",
        keys: &["note"],
        required: true,
        is_event_time: false,
        value: ValueSpec::of(ValueKind::String),
    };
    static NOTE_FIELDS: &[&FieldSpec] = &[&NOTE];

    /// An object without an event time of its own.
    struct Note {
        note: String,
    }

    impl<'a> Object<'a> for Note {
        fn fields() -> &'static [&'static FieldSpec] {
            NOTE_FIELDS
        }
        fn decode_fields(input: &ObjectRef<'_, 'a>) -> Result<Self, DecodeError> {
            Ok(Note {
                note: decode::required(input, &NOTE)?,
            })
        }
        fn write_fields<W: ObjectWriter>(&self, out: &mut W) {
            out.field("note", &self.note);
        }
        fn collect_indicators(&self, _sink: &mut IndicatorSink) {}
    }

    fn meta() -> EventMeta<'static> {
        EventMeta {
            log_type: "Test.Note",
            row_id: RowId {
                prefix: 0xfedc_ba98_7654_3210,
                sequence: 255,
            },
            parse_time: chrono::DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap(),
            source_id: None,
            source_label: None,
        }
    }

    fn object(json: &str) -> crate::runtime::InputObject<'_> {
        match crate::runtime::json_in::parse(json).unwrap() {
            crate::runtime::InputValue::Object(object) => object,
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn row_ids_are_32_hex_digits() {
        assert_eq!(
            RowId {
                prefix: 0xfedc_ba98_7654_3210,
                sequence: 255
            }
            .to_hex(),
            "fedcba987654321000000000000000ff"
        );
        assert_eq!(
            RowId {
                prefix: 0,
                sequence: 0
            }
            .to_hex()
            .len(),
            32
        );
    }

    #[test]
    fn without_an_event_time_the_parse_time_is_used() {
        let mut out = b"before\n".to_vec();
        parse_event::<Note>(
            &ObjectRef::Json(&object(r#"{"note":"a\"b"}"#)),
            &meta(),
            &mut out,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            concat!(
                "before\n",
                r#"{"note":"a\"b","p_log_type":"Test.Note","p_row_id":"fedcba987654321000000000000000ff","#,
                r#""p_event_time":"2023-11-14 22:13:20.123456789","p_parse_time":"2023-11-14 22:13:20.123456789"}"#,
                "\n"
            )
        );
    }

    #[test]
    fn source_fields_follow_the_times() {
        let meta = EventMeta {
            source_id: Some("s-1"),
            source_label: Some("my \"label\""),
            ..meta()
        };
        let mut out = Vec::new();
        parse_event::<Note>(
            &ObjectRef::Json(&object(r#"{"note":"x"}"#)),
            &meta,
            &mut out,
        )
        .unwrap();
        let line = String::from_utf8(out).unwrap();
        assert!(
            line.ends_with(r#""p_parse_time":"2023-11-14 22:13:20.123456789","p_source_id":"s-1","p_source_label":"my \"label\""}
"#),
            "{line}"
        );
    }

    #[test]
    fn errors_leave_the_buffer_unchanged() {
        let mut out = b"kept".to_vec();
        let error = parse_event::<Note>(
            &ObjectRef::Json(&object(r#"{"other":1}"#)),
            &meta(),
            &mut out,
        )
        .unwrap_err();
        assert_eq!(error.to_string(), "note: required value is missing");
        assert_eq!(out, b"kept");
    }
}

/// End-to-end tests through the emitter's golden `Example.Dns` (codegen/tests/golden/example_dns.rs),
/// compiled into the test build by `crate::golden`.
#[cfg(test)]
mod example_dns_tests {
    use super::*;

    fn parse(line: &str) -> Result<String, String> {
        let log_type = &crate::golden::example_dns::LOG_TYPE;
        let meta = EventMeta {
            log_type: log_type.name,
            row_id: RowId {
                prefix: 0x0123_4567_89ab_cdef,
                sequence: 42,
            },
            parse_time: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            source_id: Some("source-1"),
            source_label: Some("DNS logs"),
        };
        let mut out = Vec::new();
        let mut framer = super::super::Framer::new(log_type);
        let super::super::LineKind::Record(columns) = framer.classify(line) else {
            panic!("a record line")
        };
        super::super::parse_record(log_type, line, columns.map(|map| &**map), &meta, &mut out)
            .map_err(|error| {
                assert!(out.is_empty());
                error.to_string()
            })?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn full_record() {
        let input = concat!(
            r#"{"type":"query","time":"2021-02-04T19:51:55.5+02:00","extra":{"dropped":true},"#,
            r#""answers":[{"Rdata":"203.0.113.9","Type":"A"},{"Rdata":"10 mail.example.com.","Type":"MX"},"#,
            r#"{"Rdata":"x.example.com.","Type":"CNAME"},null,{"Rdata":" 2001:db8::1 ","Type":"AAAA","Class":"IN"},"#,
            r#"{"Rdata":"not-an-ip","Type":"A"},{"Type":"MX"}],"#,
            r#""srcids":{"resolver_endpoint":"rslvr-in-1"},"port":"-","tags":["env:prod"," env:prod ","","team:sec",null]}"#
        );
        assert_eq!(
            parse(input).unwrap(),
            concat!(
                r#"{"type":"query","time":"2021-02-04 17:51:55.500000000","#,
                r#""answers":[{"Rdata":"203.0.113.9","Type":"A"},{"Rdata":"10 mail.example.com.","Type":"MX"},"#,
                r#"{"Rdata":"x.example.com.","Type":"CNAME"},{"Rdata":" 2001:db8::1 ","Type":"AAAA"},"#,
                r#"{"Rdata":"not-an-ip","Type":"A"},{"Type":"MX"}],"#,
                r#""srcids":{"resolver-endpoint":"rslvr-in-1"},"tags":["env:prod"," env:prod ","","team:sec"],"#,
                r#""p_log_type":"Example.Dns","p_row_id":"0123456789abcdef000000000000002a","#,
                r#""p_event_time":"2021-02-04 17:51:55.500000000","p_parse_time":"2023-11-14 22:13:20.000000000","#,
                r#""p_source_id":"source-1","p_source_label":"DNS logs","#,
                r#""p_any_aws_tags":["env:prod","team:sec"],"p_any_domain_names":["mail.example.com"],"#,
                r#""p_any_ip_addresses":["2001:db8::1","203.0.113.9"]}"#,
                "\n"
            )
        );
    }

    #[test]
    fn minimal_record_with_unix_time() {
        assert_eq!(
            parse(r#"{"type":"q","time":1612461115,"port":53,"srcids":{}}"#).unwrap(),
            concat!(
                r#"{"type":"q","time":"2021-02-04 17:51:55.000000000","srcids":{},"port":53,"#,
                r#""p_log_type":"Example.Dns","p_row_id":"0123456789abcdef000000000000002a","#,
                r#""p_event_time":"2021-02-04 17:51:55.000000000","p_parse_time":"2023-11-14 22:13:20.000000000","#,
                r#""p_source_id":"source-1","p_source_label":"DNS logs"}"#,
                "\n"
            )
        );
    }

    #[test]
    fn rejections_name_the_field() {
        assert_eq!(
            parse(r#"{"time":1612461115}"#),
            Err("type: required value is missing".into())
        );
        assert_eq!(
            parse(r#"{"type":"q","time":null}"#),
            Err("time: required value is missing".into())
        );
        assert_eq!(
            parse(r#"{"type":"q","time":1,"answers":[{"Rdata":"a"},{"Rdata":["x"]}]}"#),
            Err("answers[1].Rdata: an array is not a valid string".into())
        );
        assert_eq!(
            parse(r#"{"type":"q","time":1,"port":"abc"}"#),
            Err(r#"port: "abc" is not a valid bigint"#.into())
        );
        assert_eq!(
            parse(r#"{"type":"q","time":"yesterday"}"#),
            Err(r#"time: "yesterday" is not a valid timestamp (rfc3339, unix)"#.into())
        );
        assert_eq!(
            parse(r#"{"type":{},"time":1}"#),
            Err("type: an object is not a valid string".into())
        );
        assert!(parse(r#"{"type":"q""#)
            .unwrap_err()
            .starts_with("invalid JSON: "));
        assert_eq!(
            parse("42"),
            Err("invalid JSON: expected an object, found a number".into())
        );
    }
}

/// The event time of a field that is, or contains, one: `Timestamp`, `Option<Timestamp>`, objects,
/// and `Option` of objects. Generated `event_time` methods call it on the event-time field.
#[doc(hidden)]
pub trait EventTimeSource {
    fn event_time(&self) -> Option<Timestamp>;
}

impl EventTimeSource for Timestamp {
    fn event_time(&self) -> Option<Timestamp> {
        Some(*self)
    }
}

impl<'a, T: Object<'a>> EventTimeSource for T {
    fn event_time(&self) -> Option<Timestamp> {
        Object::event_time(self)
    }
}

impl<T: EventTimeSource> EventTimeSource for Option<T> {
    fn event_time(&self) -> Option<Timestamp> {
        self.as_ref().and_then(EventTimeSource::event_time)
    }
}
