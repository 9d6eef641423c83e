//! Structured logs: one JSON object a line on standard error (keys sorted), with the time and
//! the level.

use std::io::Write;

use serde_json::{json, Map, Value};

use super::handler::ObjectReport;

pub fn info(fields: Value) {
    write("info", fields);
}

/// The line about one object a message named: the same for the polling worker and Lambda.
pub fn object(message_id: &str, report: &ObjectReport) {
    info(json!({
        "event": "object",
        "message_id": message_id,
        "url": report.url,
        "log_type": report.log_type,
        "records": report.records,
        "events": report.events,
        "rejects": report.rejects,
        "bytes": report.bytes,
        "millis": report.millis,
        "outputs": report.outputs.len(),
    }));
}

pub fn error(fields: Value) {
    write("error", fields);
}

fn write(level: &str, fields: Value) {
    let mut line = Map::new();
    line.insert(
        "time".to_string(),
        Value::String(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
    );
    line.insert("level".to_string(), Value::String(level.to_string()));
    if let Value::Object(fields) = fields {
        line.extend(fields);
    }
    let mut text = Value::Object(line).to_string();
    text.push('\n');
    // One write per line: lines from several threads never interleave.
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}
