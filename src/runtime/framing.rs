//! From text lines to records: blank lines, header lines and column mappings.

use std::sync::Arc;

use super::{DecodeError, EventMeta, LogType};

/// Which field slot each column of a delimited line feeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    /// `slot_of_column[i]`: the field slot of column `i`, `None` for a column the schema does not know.
    pub slot_of_column: Vec<Option<usize>>,
}

/// What a line is.
#[derive(Debug, Clone)]
pub enum LineKind {
    /// A blank line: not a record.
    Blank,
    /// A header line: not a record; it changed the column mapping.
    Header,
    /// A record, with the column mapping in force for it (delimited log types only).
    Record(Option<Arc<ColumnMap>>),
}

/// Classifies the lines of one input in order. Keeps the header state, so one per input file.
#[derive(Debug)]
pub struct Framer {
    log_type: &'static LogType,
}

impl Framer {
    pub fn new(log_type: &'static LogType) -> Self {
        Framer { log_type }
    }

    /// `line` has no line end (`\n` and a trailing `\r` already removed).
    pub fn classify(&mut self, line: &str) -> LineKind {
        todo!("runtime {:?} {line}", self.log_type.name)
    }
}

/// Parses one record line (as classified by a `Framer`) and appends its JSON event line to `out`.
/// `columns` is the mapping `LineKind::Record` gave (None for JSON lines). On error `out` is
/// unchanged and the error says why (too few columns, bad JSON, a field's problem).
pub fn parse_record(
    log_type: &LogType,
    line: &str,
    columns: Option<&ColumnMap>,
    meta: &EventMeta<'_>,
    out: &mut Vec<u8>,
) -> Result<(), DecodeError> {
    todo!("runtime {:?} {line} {columns:?} {meta:?} {out:?}", log_type.name)
}
