//! The consumer side: hands events to the sink (`sink`), writes rejections to standard error and
//! the rejects file, in input order, and keeps the per-input counts.

use std::fs::{File, OpenOptions};
use std::io::{self, Seek, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::ordered::Delivered;
use super::parse::{ParsedBatch, Reject};
use super::progress::{Counts, Progress};
use super::reader::{InputEvent, Unverified};
use super::report::{Summary, REJECTED_SAMPLES};
use super::sink::{EventSink, Stop};

/// The `--rejects` file: one JSON line per rejected record, appended. Each line is one `write`
/// to a file opened with `O_APPEND`, so runs sharing the file never tear each other's lines, and
/// a line cut short by a full disk is taken back.
pub struct RejectsFile {
    path: PathBuf,
    file: File,
    line: Vec<u8>,
}

/// One line of the rejects file, keys in this order.
#[derive(Serialize)]
struct RejectLine<'a> {
    path: &'a str,
    line: u64,
    error: &'a str,
    raw: &'a str,
}

impl RejectsFile {
    pub fn open(path: &Path) -> io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(RejectsFile {
            path: path.to_path_buf(),
            file,
            line: Vec::new(),
        })
    }

    fn append(&mut self, input_name: &str, reject: &Reject) -> Result<(), Stop> {
        let line = RejectLine {
            path: input_name,
            line: reject.line_number,
            error: &reject.reason,
            raw: &reject.raw,
        };
        self.line.clear();
        serde_json::to_writer(&mut self.line, &line)
            .map_err(|error| self.failure(io::Error::from(error)))?;
        self.line.push(b'\n');
        loop {
            match self.file.write(&self.line) {
                Ok(written) if written == self.line.len() => return Ok(()),
                Ok(written) => {
                    self.take_back_torn_line(written as u64);
                    let error = io::Error::new(io::ErrorKind::WriteZero, "the line was cut short");
                    return Err(self.failure(error));
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(self.failure(error)),
            }
        }
    }

    /// Removes the `written` bytes of a line cut short, when they are still the file's end (with
    /// `O_APPEND` the position is right after them); best effort, a failure changes nothing.
    fn take_back_torn_line(&mut self, written: u64) {
        if let (Ok(end), Ok(meta)) = (self.file.stream_position(), self.file.metadata()) {
            if meta.is_file() && meta.len() == end && end >= written {
                let _ = self.file.set_len(end - written);
            }
        }
    }

    fn failure(&self, error: io::Error) -> Stop {
        Stop::Fatal(format!(
            "{}: cannot write rejects: {error}",
            crate::escape::path(&self.path)
        ))
    }
}

pub struct Output<S: EventSink, E: Write> {
    sink: S,
    messages: E,
    rejects: Option<RejectsFile>,
    pub summary: Summary,
    /// Something went wrong that did not stop the run (an internal error).
    pub failed: bool,
    progress: Progress,
    counts: Counts,
}

impl<S: EventSink, E: Write> Output<S, E> {
    pub fn new(sink: S, messages: E, rejects: Option<RejectsFile>, progress: Progress) -> Self {
        Output {
            sink,
            messages,
            rejects,
            summary: Summary::default(),
            failed: false,
            progress,
            counts: Counts::default(),
        }
    }

    pub fn deliver(&mut self, item: Delivered<ParsedBatch, InputEvent>) -> Result<(), Stop> {
        match item {
            Delivered::Output(batch) => self.write_batch(batch),
            Delivered::Message(InputEvent::Started { name, verifiable }) => {
                if !self.summary.inputs.is_empty() {
                    self.counts.files_done += 1;
                }
                self.sink.start_input(verifiable)?;
                self.summary.start_input(name);
                self.progress.update(&self.counts);
                Ok(())
            }
            Delivered::Message(InputEvent::Failed {
                name,
                message,
                unverified,
            }) => {
                self.message(&format!("logschema: {name}: {message}"));
                self.summary.fail_input(&name, &message);
                match unverified {
                    Some(lines) if !lines.is_empty() => self.unverified(&name, lines),
                    _ => Ok(()),
                }
            }
            Delivered::Lost => {
                let name = self.summary.current().name.clone();
                self.message(&format!(
                    "logschema: {name}: internal error: a batch of records was lost"
                ));
                self.failed = true;
                Ok(())
            }
        }
    }

    fn write_batch(&mut self, mut batch: ParsedBatch) -> Result<(), Stop> {
        // Counted before writing: events the output then fails to keep are counted lost.
        let tally = self.summary.current();
        tally.events += batch.event_count();
        tally.rejected += batch.rejects.len() as u64;
        let name = tally.name.clone();
        self.summary.add_by_type(&batch.events_by_type);
        let samples = &mut self.summary.current().rejected_samples;
        let room = REJECTED_SAMPLES.saturating_sub(samples.len());
        samples.extend(
            batch
                .rejects
                .iter()
                .take(room)
                .map(|reject| reject.raw.clone()),
        );
        match batch.arrow.take() {
            Some(Ok(arrow)) => self.sink.write_arrow(arrow)?,
            Some(Err(message)) => return Err(Stop::Fatal(message)),
            None => self.sink.write_events_from(&mut batch.events)?,
        }
        self.counts.records += batch.event_count();
        self.counts.rejected += batch.rejects.len() as u64;
        if !batch.rejects.is_empty() {
            let messages = &mut self.messages;
            self.progress.suspend(|| {
                for reject in &batch.rejects {
                    // Best effort: a failing standard error must not stop the events.
                    let _ = writeln!(messages, "{name}:{}: {}", reject.line_number, reject.reason);
                }
                let _ = messages.flush();
            });
        }
        if let Some(rejects) = &mut self.rejects {
            for reject in &batch.rejects {
                rejects.append(&name, reject)?;
            }
        }
        self.progress.update(&self.counts);
        Ok(())
    }

    /// Lines of the current input came from a gzip member that failed its check: they may be
    /// made up. An output that can take the input's events back does (all of them: they are
    /// published per input); a stream cannot, so the lines are named.
    fn unverified(&mut self, name: &str, lines: Unverified) -> Result<(), Stop> {
        let what = format!("{lines} came from a gzip member that failed its check");
        if self.sink.can_discard() {
            self.sink.discard_input()?;
            let tally = self.summary.current();
            tally.discarded += std::mem::take(&mut tally.events);
            let discarded = tally.discarded;
            self.message(&format!(
                "logschema: {name}: {what}: all {discarded} events of this input discarded"
            ));
        } else {
            self.message(&format!(
                "logschema: {name}: {what}: their events, already written, may be made up"
            ));
        }
        Ok(())
    }

    /// The events the output holds for good, the rest of those delivered being lost (the output
    /// failed); called once at the end, before the summary.
    pub fn count_kept(&mut self) {
        let kept = self.sink.events_kept();
        self.summary.lost = self.summary.total_events().saturating_sub(kept);
    }

    /// A line on standard error, at once.
    pub fn message(&mut self, text: &str) {
        let messages = &mut self.messages;
        self.progress.suspend(|| {
            let _ = writeln!(messages, "{text}");
            let _ = messages.flush();
        });
    }

    /// Flushes everything written so far.
    pub fn finish(&mut self) -> Result<(), Stop> {
        self.sink.finish()
    }

    pub fn write_summary(&mut self) {
        self.progress.finish();
        let _ = self.summary.write_to(&mut self.messages);
        if let Some(line) = self.sink.summary() {
            let _ = writeln!(self.messages, "{line}");
        }
        let _ = self.messages.flush();
    }
}
