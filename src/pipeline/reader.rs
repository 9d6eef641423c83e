//! The producer side: reads every input in order, frames its lines and submits batches.

use std::sync::Arc;

use super::batch::Batch;
use super::input::{expand, Expanded, InputArg, Source};
use super::lines::{Line, LineReader};
use super::ordered::{Closed, OrderedSender};
use super::parse::{parse_batch, ParsedBatch, RunMeta};
use super::progress::Progress;
use crate::runtime::{Framer, LineKind, LogType};

/// In-band news about the inputs, delivered in order with the batches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputEvent {
    /// The batches that follow belong to this input.
    Started { name: String },
    /// The input could not be opened, listed or read to its end.
    Failed { name: String, message: String },
}

pub struct Reader<'pool> {
    log_type: &'static LogType,
    run: Arc<RunMeta>,
    sender: OrderedSender<'pool, ParsedBatch, InputEvent>,
    max_line_bytes: usize,
    progress: Progress,
    /// The next record's row id sequence number: records are numbered across all inputs.
    next_sequence: u64,
}

impl<'pool> Reader<'pool> {
    pub fn new(
        log_type: &'static LogType,
        run: Arc<RunMeta>,
        sender: OrderedSender<'pool, ParsedBatch, InputEvent>,
        max_line_bytes: usize,
        progress: Progress,
    ) -> Self {
        Reader {
            log_type,
            run,
            sender,
            max_line_bytes,
            progress,
            next_sequence: 0,
        }
    }

    /// Reads every input; stops early only when the consumer has gone away.
    pub fn read_all(mut self, args: &[InputArg]) -> Result<(), Closed> {
        // Everything is listed first, so the progress bar knows the total.
        let inputs: Vec<Expanded> = args.iter().flat_map(expand).collect();
        let sizes: Option<Vec<u64>> = inputs
            .iter()
            .filter_map(|input| match input {
                Expanded::Source(source) => Some(source.size()),
                Expanded::Unreadable { .. } => None,
            })
            .collect();
        self.progress
            .set_inputs(inputs.len(), sizes.map(|sizes| sizes.iter().sum()));
        for input in inputs {
            match input {
                Expanded::Source(source) => self.read_source(&source)?,
                Expanded::Unreadable { name, message } => self
                    .sender
                    .send_message(InputEvent::Failed { name, message })?,
            }
        }
        Ok(())
    }

    fn read_source(&mut self, source: &Source) -> Result<(), Closed> {
        let name = source.name();
        self.sender
            .send_message(InputEvent::Started { name: name.clone() })?;
        let opened = match source.open(&self.progress) {
            Ok(opened) => opened,
            Err(error) => {
                let message = error.to_string();
                return self
                    .sender
                    .send_message(InputEvent::Failed { name, message });
            }
        };
        // A new framer per input: header state does not carry over between files.
        let mut framer = Framer::new(self.log_type);
        let mut lines = LineReader::with_max_line_bytes(opened.stream, self.max_line_bytes);
        let mut batch = Batch::default();
        loop {
            match lines.next_line() {
                Ok(None) => break,
                Ok(Some((line_number, Line::Text(text)))) => match framer.classify(text) {
                    LineKind::Blank | LineKind::Header | LineKind::Skipped => {}
                    LineKind::Record(columns) => {
                        batch.push_record(line_number, self.next_sequence, text, columns);
                        self.next_sequence += 1;
                    }
                },
                Ok(Some((line_number, Line::Invalid { raw, reason }))) => {
                    if !framer.skips_unreadable() {
                        batch.push_rejected(line_number, raw, reason)
                    }
                }
                Err(error) => {
                    self.submit(std::mem::take(&mut batch))?;
                    let message = read_failure(&lines, opened.gzip, &error);
                    return self
                        .sender
                        .send_message(InputEvent::Failed { name, message });
                }
            }
            if batch.is_full() {
                self.submit(std::mem::take(&mut batch))?;
            }
        }
        self.submit(batch)
    }

    fn submit(&self, batch: Batch) -> Result<(), Closed> {
        if batch.is_empty() {
            return Ok(());
        }
        let log_type = self.log_type;
        let run = Arc::clone(&self.run);
        self.sender
            .submit(move || parse_batch(log_type, &run, &batch))
    }
}

/// Why an input stopped part-way and how far it got: the records before that point were parsed.
fn read_failure<R: std::io::BufRead>(
    lines: &LineReader<R>,
    gzip: bool,
    error: &std::io::Error,
) -> String {
    let what = if gzip {
        "bytes of decompressed input"
    } else {
        "bytes"
    };
    format!(
        "read error after line {} ({} {what} read): {error}",
        lines.line_number(),
        lines.bytes_read()
    )
}
