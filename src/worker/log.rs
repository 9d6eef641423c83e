//! Structured logs: one JSON object a line on standard error (keys sorted), with the time and
//! the level.

use std::io::Write;

use serde_json::{Map, Value};

pub fn info(fields: Value) {
    write("info", fields);
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
