//! The producer side: reads every input in order, frames its lines and submits batches.

use std::sync::Arc;

use super::batch::Batch;
use super::classify::{Candidates, Framed, Framers, RecordFraming};
use super::input::{expand, Expanded, InputArg, Source};
use super::lines::Line;
use super::ordered::{Closed, OrderedSender};
use super::parse::{parse_batch, ParsedBatch, RunMeta};
use super::progress::Progress;
use super::splitter::Splitter;

/// In-band news about the inputs, delivered in order with the batches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputEvent {
    /// The batches that follow belong to this input; `verifiable` (gzip) when it can still fail
    /// a check at a member's end, so its events may have to be taken back.
    Started { name: String, verifiable: bool },
    /// The input could not be opened, listed or read to its end.
    Failed {
        name: String,
        message: String,
        /// For gzip: the lines decoded from the member that failed (or was cut short).
        unverified: Option<Unverified>,
    },
}

/// Lines of an input decoded from a gzip member whose check failed: they may be made up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unverified {
    pub first_line: u64,
    pub last_line: u64,
}

impl Unverified {
    pub fn is_empty(&self) -> bool {
        self.first_line > self.last_line
    }
}

impl std::fmt::Display for Unverified {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.first_line == self.last_line {
            write!(out, "line {}", self.first_line)
        } else {
            write!(out, "lines {}-{}", self.first_line, self.last_line)
        }
    }
}

pub struct Reader<'pool> {
    candidates: Arc<Candidates>,
    framing: RecordFraming,
    run: Arc<RunMeta>,
    sender: OrderedSender<'pool, ParsedBatch, InputEvent>,
    max_line_bytes: usize,
    progress: Progress,
    /// The next record's row id sequence number: records are numbered across all inputs.
    next_sequence: u64,
}

impl<'pool> Reader<'pool> {
    /// `framing` is `candidates.framing()`, checked by the caller.
    pub fn new(
        candidates: Arc<Candidates>,
        framing: RecordFraming,
        run: Arc<RunMeta>,
        sender: OrderedSender<'pool, ParsedBatch, InputEvent>,
        max_line_bytes: usize,
        progress: Progress,
    ) -> Self {
        Reader {
            candidates,
            framing,
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
                Expanded::Unreadable { name, message } => {
                    self.sender.send_message(InputEvent::Failed {
                        name,
                        message,
                        unverified: None,
                    })?
                }
            }
        }
        Ok(())
    }

    fn read_source(&mut self, source: &Source) -> Result<(), Closed> {
        let name = source.name();
        // Opened first: whether it is gzip decides how the output holds its events.
        let opened = source.open(&self.progress);
        let verifiable = opened.as_ref().is_ok_and(|opened| opened.gzip);
        self.sender.send_message(InputEvent::Started {
            name: name.clone(),
            verifiable,
        })?;
        let opened = match opened {
            Ok(opened) => opened,
            Err(error) => {
                return self.sender.send_message(InputEvent::Failed {
                    name,
                    message: error.to_string(),
                    unverified: None,
                });
            }
        };
        // The first line not known to come from a verified gzip member: the line being read
        // when the reader passed the last verified member's end.
        let verified_members = opened.verified_members.clone();
        let mut members_seen = 0;
        let mut first_unverified_line = 1;
        // New framers per input: header state does not carry over between files.
        let mut framers = Framers::new(&self.candidates);
        let mut lines = Splitter::new(self.framing, opened.stream, self.max_line_bytes);
        let mut batch = Batch::default();
        loop {
            let next = lines.next_line();
            if let (Ok(Some((line_number, _))), Some(verified)) = (&next, &verified_members) {
                if verified.count() != members_seen {
                    members_seen = verified.count();
                    first_unverified_line = *line_number;
                }
            }
            match next {
                Ok(None) => break,
                Ok(Some((line_number, Line::Text(text)))) => match framers.frame(text) {
                    Framed::NotARecord => {}
                    Framed::Record(columns) => {
                        batch.push_record(line_number, self.next_sequence, text, columns);
                        self.next_sequence += 1;
                    }
                },
                Ok(Some((line_number, Line::Invalid { raw, reason }))) => {
                    if !framers.skips_unreadable() {
                        batch.push_rejected(line_number, raw, reason)
                    }
                }
                Err(error) => {
                    self.submit(std::mem::take(&mut batch))?;
                    let message = read_failure(&lines, opened.gzip, &error);
                    let unverified = opened.gzip.then(|| Unverified {
                        first_line: first_unverified_line,
                        last_line: lines.line_number(),
                    });
                    return self.sender.send_message(InputEvent::Failed {
                        name,
                        message,
                        unverified,
                    });
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
        let candidates = Arc::clone(&self.candidates);
        let run = Arc::clone(&self.run);
        self.sender
            .submit(move || parse_batch(&candidates, &run, &batch))
    }
}

/// Why an input stopped part-way and how far it got: the records before that point were parsed.
fn read_failure<R: std::io::BufRead>(
    lines: &Splitter<R>,
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
