//! Parsing one batch into event lines and rejections; runs on the worker threads.

use std::panic::{self, AssertUnwindSafe};

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;

use super::batch::{Batch, BatchItem, Recycler};
use crate::runtime::{self, ArrowRows, ColumnMap, EventMeta, EventOutput, LogType, RowId};

/// What the run adds to every event besides its fields.
#[derive(Debug, Clone)]
pub struct RunMeta {
    pub row_id_prefix: u64,
    pub source_id: Option<String>,
    pub source_label: Option<String>,
    /// Set when the sink takes Arrow batches (Parquet): the workers write each batch's events
    /// as rows of this schema, in parallel, instead of JSON lines.
    pub arrow_schema: Option<SchemaRef>,
}

/// The outcome of one batch, in line order. `events` is recycled through a pool when the batch
/// is dropped (after it was written), as `Batch` buffers are.
#[derive(Debug, Default)]
pub struct ParsedBatch {
    /// The event JSON lines, each ending in `\n` (empty when the events are Arrow rows).
    pub events: Vec<u8>,
    pub event_count: u64,
    pub rejects: Vec<Reject>,
    /// The events as an Arrow batch, when the run asked for them (`RunMeta::arrow_schema`).
    pub arrow: Option<Result<Vec<RecordBatch>, String>>,
}

/// A line that produced no event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    pub line_number: u64,
    pub reason: String,
    pub raw: String,
}

static EVENT_BUFFERS: Recycler<Vec<u8>> = Recycler::new();

impl Drop for ParsedBatch {
    fn drop(&mut self) {
        let mut events = std::mem::take(&mut self.events);
        if events.capacity() > 0 {
            events.clear();
            EVENT_BUFFERS.give_back(events);
        }
    }
}

pub fn parse_batch(log_type: &'static LogType, run: &RunMeta, batch: &Batch) -> ParsedBatch {
    let parse_time = chrono::Utc::now();
    let mut parsed = ParsedBatch::default();
    let mut rows = match &run.arrow_schema {
        Some(schema) => match ArrowRows::new(schema.clone()) {
            Ok(mut rows) => {
                rows.reserve(batch.items.len());
                Some(rows)
            }
            Err(error) => {
                parsed.arrow = Some(Err(format!("internal error: {error}")));
                return parsed;
            }
        },
        None => {
            parsed.events = EVENT_BUFFERS.take().unwrap_or_default();
            // Events are larger than their input lines (about 1.7x for JSON lines, 3.5x for flow
            // logs): start big rather than growing (and copying) the buffer many times per batch.
            parsed.events.reserve(batch.text_len() * 2);
            None
        }
    };
    for item in &batch.items {
        match item {
            BatchItem::Record {
                line_number,
                sequence,
                text,
                columns,
            } => {
                let line = batch.text(text);
                let row_id = RowId {
                    prefix: run.row_id_prefix,
                    sequence: *sequence,
                };
                let meta = EventMeta {
                    log_type: log_type.name,
                    row_id,
                    parse_time,
                    source_id: run.source_id.as_deref(),
                    source_label: run.source_label.as_deref(),
                };
                let out: &mut dyn EventOutput = match &mut rows {
                    Some(rows) => rows,
                    None => &mut parsed.events,
                };
                match parse_line(log_type, line, batch.column_map(*columns), &meta, out) {
                    Ok(()) => parsed.event_count += 1,
                    Err(reason) => parsed.rejects.push(Reject {
                        line_number: *line_number,
                        reason,
                        raw: line.to_string(),
                    }),
                }
            }
            BatchItem::Rejected {
                line_number,
                reason,
                raw,
            } => parsed.rejects.push(Reject {
                line_number: *line_number,
                reason: reason.clone(),
                raw: batch.text(raw).to_string(),
            }),
        }
    }
    if let Some(rows) = &mut rows {
        parsed.arrow = Some(match rows.finish() {
            Ok(batch) if batch.num_rows() == 0 => Ok(Vec::new()),
            Ok(batch) => Ok(vec![batch]),
            Err(error) => Err(format!(
                "internal error: cannot convert events to Arrow: {error}"
            )),
        });
    }
    parsed
}

/// Parses one record line, appending its event to `out` (a JSON line or an Arrow row); the error
/// is the rejection reason. A panic in the parser rejects this record only, instead of ending the
/// whole run.
pub fn parse_line(
    log_type: &LogType,
    line: &str,
    columns: Option<&ColumnMap>,
    meta: &EventMeta<'_>,
    out: &mut dyn EventOutput,
) -> Result<(), String> {
    let length_before = out.mark();
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        runtime::parse_record(log_type, line, columns, meta, out).map_err(|error| error.to_string())
    }));
    match outcome {
        Ok(Ok(())) => Ok(()),
        Ok(Err(reason)) => {
            out.rewind(length_before);
            Err(reason)
        }
        Err(payload) => {
            out.rewind(length_before);
            Err(format!(
                "internal error: {}",
                panic_message(payload.as_ref())
            ))
        }
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        message.to_string()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "the parser panicked".to_string()
    }
}
