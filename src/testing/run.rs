//! Running one test case's input through its log type, exactly as `logschema parse` does.

use std::sync::Arc;

use serde_json::Value;

use crate::pipeline::classify::RecordFraming;
use crate::pipeline::lines::{Line, DEFAULT_MAX_LINE_BYTES};
use crate::pipeline::parse::parse_line;
use crate::pipeline::splitter::Splitter;
use crate::runtime::{EventMeta, Framer, LineKind, LogType, RowId, Timestamp};

/// What parsing a case's input produced.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct CaseOutput {
    pub events: Vec<Value>,
    /// `(line number, reason)` of each rejected line, in order.
    pub rejections: Vec<(u64, String)>,
    /// Problems with the parser's own output (an event line that is not JSON).
    pub problems: Vec<String>,
}

pub fn parse_input(log_type: &'static LogType, input: &str) -> CaseOutput {
    let mut output = CaseOutput::default();
    for_each_record(
        log_type,
        input,
        chrono::Utc::now(),
        |line_number, parsed| match parsed {
            Ok(event_line) => match serde_json::from_slice(event_line) {
                Ok(event) => output.events.push(event),
                Err(error) => output.problems.push(format!(
                    "line {line_number}: the event is not valid JSON ({error}): {}",
                    String::from_utf8_lossy(event_line).trim_end()
                )),
            },
            Err(reason) => output.rejections.push((line_number, reason)),
        },
    );
    output
}

/// Parses `input` line by line as `logschema parse` does (row ids count from 0 with prefix 0,
/// every event gets `parse_time`), and hands each record's outcome to `on_record` with its line
/// number: the event's JSON line (with its `\n`), or why the record was rejected.
pub fn for_each_record(
    log_type: &'static LogType,
    input: &str,
    parse_time: Timestamp,
    mut on_record: impl FnMut(u64, Result<&[u8], String>),
) {
    let mut framer = Framer::new(log_type);
    let mut lines = Splitter::new(
        RecordFraming::of(log_type),
        input.as_bytes(),
        DEFAULT_MAX_LINE_BYTES,
    );
    let mut sequence = 0;
    let mut event_line = Vec::new();
    // Reading from memory cannot fail; stop if it ever does.
    while let Ok(Some((line_number, line))) = lines.next_line() {
        let text = match line {
            Line::Text(text) => text,
            Line::Invalid { reason, .. } => {
                if !framer.skips_unreadable() {
                    on_record(line_number, Err(reason));
                }
                continue;
            }
        };
        let columns = match framer.classify(text) {
            LineKind::Blank | LineKind::Header | LineKind::Skipped => continue,
            LineKind::Record(columns) => columns.map(Arc::as_ref),
        };
        let meta = EventMeta {
            log_type: log_type.name,
            row_id: RowId {
                prefix: 0,
                sequence,
            },
            parse_time,
            source_id: None,
            source_label: None,
        };
        sequence += 1;
        event_line.clear();
        match parse_line(log_type, text, columns, &meta, &mut event_line) {
            Ok(()) => on_record(line_number, Ok(&event_line)),
            Err(reason) => on_record(line_number, Err(reason)),
        }
    }
}
