//! Parsing one batch into event lines and rejections; runs on the worker threads.

use std::panic::{self, AssertUnwindSafe};

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;

use super::batch::{Batch, BatchItem, Recycler};
use super::classify::Candidates;
use crate::runtime::{self, ArrowRows, ColumnMap, EventMeta, EventOutput, LogType, RowId};

/// What the run adds to every event besides its fields.
#[derive(Debug, Clone)]
pub struct RunMeta {
    pub row_id_prefix: u64,
    pub source_id: Option<String>,
    pub source_label: Option<String>,
    /// Set when the sink takes Arrow batches (Parquet): one table schema per candidate log
    /// type. The workers write each batch's events as rows of these, in parallel, instead of
    /// JSON lines.
    pub arrow_schemas: Option<Vec<SchemaRef>>,
}

/// The outcome of one batch, in line order. `events` is recycled through a pool when the batch
/// is dropped (after it was written), as `Batch` buffers are.
#[derive(Debug, Default)]
pub struct ParsedBatch {
    /// The event JSON lines, each ending in `\n` (empty when the events are Arrow rows).
    pub events: Vec<u8>,
    /// Events by candidate log type (its index in the run's candidates).
    pub events_by_type: Vec<u64>,
    pub rejects: Vec<Reject>,
    /// The events as Arrow batches, when the run asked for them (`RunMeta::arrow_schemas`).
    pub arrow: Option<Result<Vec<TableBatch>, String>>,
}

/// Events of one candidate log type as Arrow rows of its table.
#[derive(Debug)]
pub struct TableBatch {
    /// The candidate's index: which table.
    pub table: usize,
    pub rows: RecordBatch,
}

/// A line that produced no event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    pub line_number: u64,
    pub reason: String,
    pub raw: String,
}

static EVENT_BUFFERS: Recycler<Vec<u8>> = Recycler::new();

impl ParsedBatch {
    pub fn event_count(&self) -> u64 {
        self.events_by_type.iter().sum()
    }
}

impl Drop for ParsedBatch {
    fn drop(&mut self) {
        let mut events = std::mem::take(&mut self.events);
        if events.capacity() > 0 {
            events.clear();
            EVENT_BUFFERS.give_back(events);
        }
    }
}

/// Where a batch's events go: one JSON buffer, or Arrow rows per candidate (made on first use).
enum Events<'a> {
    Json(&'a mut Vec<u8>),
    Arrow {
        schemas: &'a [SchemaRef],
        tables: Vec<Option<ArrowRows>>,
        reserve: usize,
    },
}

impl Events<'_> {
    fn of(&mut self, candidate: usize) -> Result<&mut dyn EventOutput, String> {
        match self {
            Events::Json(events) => Ok(*events),
            Events::Arrow {
                schemas,
                tables,
                reserve,
            } => {
                let table = &mut tables[candidate];
                if table.is_none() {
                    let mut rows = ArrowRows::new(schemas[candidate].clone())
                        .map_err(|error| format!("internal error: {error}"))?;
                    rows.reserve(*reserve);
                    *table = Some(rows);
                }
                Ok(table.as_mut().expect("made above"))
            }
        }
    }

    fn finish(self) -> Option<Result<Vec<TableBatch>, String>> {
        let Events::Arrow { tables, .. } = self else {
            return None;
        };
        let mut batches = Vec::new();
        for (table, rows) in tables.into_iter().enumerate() {
            let Some(mut rows) = rows else { continue };
            match rows.finish() {
                Ok(rows) if rows.num_rows() == 0 => {}
                Ok(rows) => batches.push(TableBatch { table, rows }),
                Err(error) => {
                    return Some(Err(format!(
                        "internal error: cannot convert events to Arrow: {error}"
                    )))
                }
            }
        }
        Some(Ok(batches))
    }
}

pub fn parse_batch(candidates: &Candidates, run: &RunMeta, batch: &Batch) -> ParsedBatch {
    let log_types = candidates.log_types();
    let parse_time = chrono::Utc::now();
    let mut parsed = ParsedBatch::default();
    parsed.events_by_type = vec![0; log_types.len()];
    let mut events_buffer = Vec::new();
    let mut events = match &run.arrow_schemas {
        Some(schemas) => Events::Arrow {
            schemas,
            tables: schemas.iter().map(|_| None).collect(),
            reserve: if log_types.len() == 1 {
                batch.items.len()
            } else {
                0
            },
        },
        None => {
            events_buffer = EVENT_BUFFERS.take().unwrap_or_default();
            // Events are larger than their input lines (about 1.7x for JSON lines, 3.5x for flow
            // logs): start big rather than growing (and copying) the buffer many times per batch.
            events_buffer.reserve(batch.text_len() * 2);
            Events::Json(&mut events_buffer)
        }
    };
    // Every batch starts from the given order: the outcome depends on the input alone.
    let mut order: Vec<usize> = (0..log_types.len()).collect();
    for item in &batch.items {
        match item {
            BatchItem::Record {
                line_number,
                sequence,
                text,
                columns,
            } => {
                let record = Record {
                    line: batch.text(text),
                    row_id: RowId {
                        prefix: run.row_id_prefix,
                        sequence: *sequence,
                    },
                    parse_time,
                    run,
                };
                let outcome = classify(log_types, &mut order, &record, &mut events, |index| {
                    batch.column_map(*columns, index)
                });
                match outcome {
                    Ok(winner) => parsed.events_by_type[winner] += 1,
                    Err(reason) => parsed.rejects.push(Reject {
                        line_number: *line_number,
                        reason,
                        raw: record.line.to_string(),
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
    parsed.arrow = events.finish();
    parsed.events = events_buffer;
    parsed
}

/// One record and what the run adds to its event.
struct Record<'a> {
    line: &'a str,
    row_id: RowId,
    parse_time: chrono::DateTime<chrono::Utc>,
    run: &'a RunMeta,
}

/// Parses `record` with the first candidate (in `order`) that accepts it, moving that one to
/// the front; the winner's index, or every candidate's reason in the run's order.
fn classify<'b>(
    log_types: &[&'static LogType],
    order: &mut [usize],
    record: &Record<'_>,
    events: &mut Events<'_>,
    columns: impl Fn(usize) -> Option<&'b ColumnMap>,
) -> Result<usize, String> {
    let mut reasons: Vec<(usize, String)> = Vec::new();
    for position in 0..order.len() {
        let index = order[position];
        let log_type = log_types[index];
        let meta = EventMeta {
            log_type: log_type.name,
            row_id: record.row_id,
            parse_time: record.parse_time,
            source_id: record.run.source_id.as_deref(),
            source_label: record.run.source_label.as_deref(),
        };
        let out = events.of(index)?;
        match parse_line(log_type, record.line, columns(index), &meta, out) {
            Ok(()) => {
                // Move to front: a run of one type tries its type first from now on.
                order[..=position].rotate_right(1);
                return Ok(index);
            }
            Err(reason) => reasons.push((index, reason)),
        }
    }
    if let [(_, reason)] = reasons.as_slice() {
        return Err(reason.clone());
    }
    // In the run's order, candidates with the same reason named together.
    reasons.sort_by_key(|(index, _)| *index);
    let mut grouped: Vec<(Vec<&str>, String)> = Vec::new();
    for (index, reason) in reasons {
        let name = log_types[index].name;
        match grouped.iter_mut().find(|(_, known)| *known == reason) {
            Some((names, _)) => names.push(name),
            None => grouped.push((vec![name], reason)),
        }
    }
    let each: Vec<String> = grouped
        .into_iter()
        .map(|(names, reason)| format!("{}: {reason}", names.join(", ")))
        .collect();
    Err(format!(
        "no candidate log type accepts the record ({})",
        each.join("; ")
    ))
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
