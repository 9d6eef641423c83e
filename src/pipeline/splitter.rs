//! From an input's bytes to its records: lines, or JSON values for JSON log types and for
//! log types whose records come in JSON envelopes.

use std::io::{self, BufRead};

use super::classify::RecordFraming;
use super::json_stream::JsonStream;
use super::lines::{Line, LineReader};

/// Splits an input into records: lines, or JSON values for JSON log types and envelopes.
pub enum Splitter<R> {
    Lines(LineReader<R>),
    Json(JsonStream<R>),
}

impl<R: BufRead> Splitter<R> {
    pub fn new(framing: RecordFraming, reader: R, max_bytes: usize) -> Self {
        match framing {
            RecordFraming::Json(envelope) => {
                Splitter::Json(JsonStream::new(reader, max_bytes, envelope))
            }
            RecordFraming::Lines => {
                Splitter::Lines(LineReader::with_max_line_bytes(reader, max_bytes))
            }
        }
    }

    pub fn next_line(&mut self) -> io::Result<Option<(u64, Line<'_>)>> {
        match self {
            Splitter::Lines(lines) => lines.next_line(),
            Splitter::Json(values) => values.next_line(),
        }
    }

    pub fn line_number(&self) -> u64 {
        match self {
            Splitter::Lines(lines) => lines.line_number(),
            Splitter::Json(values) => values.line_number(),
        }
    }

    pub fn bytes_read(&self) -> u64 {
        match self {
            Splitter::Lines(lines) => lines.bytes_read(),
            Splitter::Json(values) => values.bytes_read(),
        }
    }
}
