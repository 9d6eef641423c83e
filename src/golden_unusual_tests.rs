//! Parses records through the generated code of unusual but valid schemas
//! (codegen/tests/unusual_schemas.rs pins it; `crate::golden` compiles it).

use std::fmt::Write as _;

use crate::runtime::{parse_record, EventMeta, Framer, LineKind, LogType, RowId};

fn parse(log_type: &'static LogType, line: &str) -> Result<serde_json::Value, String> {
    let meta = EventMeta {
        log_type: log_type.name,
        row_id: RowId {
            prefix: 1,
            sequence: 2,
        },
        parse_time: chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("a valid time"),
        source_id: None,
        source_label: None,
    };
    let mut framer = Framer::new(log_type);
    let LineKind::Record(columns) = framer.classify(line) else {
        return Err("not a record line".to_string());
    };
    let mut out = Vec::new();
    parse_record(log_type, line, columns.map(|map| &**map), &meta, &mut out)
        .map_err(|error| error.to_string())?;
    serde_json::from_slice(&out).map_err(|error| error.to_string())
}

#[test]
fn a_record_with_1000_fields() {
    let log_type = &crate::golden::wide_1000::LOG_TYPE;
    assert_eq!(log_type.fields.len(), 1000);
    let mut line = String::from(r#"{"time":1700000000"#);
    let values = [
        "\"s\"",
        "-2147483648",
        "-32768",
        "9223372036854775807",
        "1.5",
        "true",
    ];
    for index in 1..1000 {
        let _ = write!(line, r#","f{index:03}":{}"#, values[index % values.len()]);
    }
    line.push('}');
    let event = parse(log_type, &line).expect("every field valid");
    assert_eq!(event["f999"], serde_json::json!(i64::MAX));
    assert_eq!(event["f500"], serde_json::json!(-32768));
    assert_eq!(event["f001"], serde_json::json!(-2147483648));
    assert_eq!(event["p_event_time"], "2023-11-14 22:13:20.000000000");
    let fields = event.as_object().expect("an object");
    assert_eq!(
        fields.keys().filter(|key| !key.starts_with("p_")).count(),
        1000
    );

    let error = parse(log_type, r#"{"time":1,"f250":1.5}"#).expect_err("f500 is required");
    assert_eq!(error, "f500: required value is missing");
    let error = parse(log_type, r#"{"f500":1,"f250":1,"f750":1,"f002":32768}"#)
        .expect_err("smallint range");
    assert_eq!(error, "f002: 32768 is out of range for smallint");
}

#[test]
fn a_record_nested_50_deep() {
    let log_type = &crate::golden::deep_50::LOG_TYPE;
    let mut line = String::new();
    for depth in 0..50 {
        let _ = write!(line, r#"{{"level{depth}":"#);
    }
    line.push_str(r#"{"leaf":"192.0.2.1","when":"2024-01-02T03:04:05Z"}"#);
    line.push_str(&"}".repeat(50));
    let event = parse(log_type, &line).expect("a valid record");
    let mut inner = &event;
    for depth in 0..50 {
        inner = &inner[format!("level{depth}")];
    }
    assert_eq!(inner["leaf"], "192.0.2.1");
    assert_eq!(event["p_event_time"], "2024-01-02 03:04:05.000000000");
    assert_eq!(
        event["p_any_ip_addresses"],
        serde_json::json!(["192.0.2.1"])
    );

    let missing_leaf = line.replace(r#""leaf":"192.0.2.1","#, "");
    let error = parse(log_type, &missing_leaf).expect_err("leaf is required");
    assert!(
        error.ends_with("level49.leaf: required value is missing"),
        "{error}"
    );
}

#[test]
fn unicode_field_names_are_kept_verbatim() {
    let log_type = &crate::golden::unicode_names::LOG_TYPE;
    let line = r#"{"größe":3,"名前":"x","ÉVÉNEMENT":{"ünïcödé":"ü","type":"t"},"émoji😀":["a"],"UserAgent":"ua"}"#;
    let event = parse(log_type, line).expect("a valid record");
    assert_eq!(event["größe"], 3);
    assert_eq!(event["名前"], "x");
    assert_eq!(event["ÉVÉNEMENT"]["ünïcödé"], "ü");
    assert_eq!(event["émoji😀"], serde_json::json!(["a"]));
    assert_eq!(
        parse(log_type, r#"{"größe":3}"#),
        Err("名前: required value is missing".to_string())
    );
}
