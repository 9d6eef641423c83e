//! Where events go: JSON lines to a stream or a file, or Parquet files (`crate::lake`).

use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;

use arrow_schema::SchemaRef;

use super::parse::TableBatch;
use crate::store::{S3Store, S3Url, S3Writer};

/// Why output stopped before the end.
#[derive(Debug, PartialEq, Eq)]
pub enum Stop {
    /// Standard output was closed by its reader (`| head`): not an error.
    BrokenPipe,
    /// Output cannot go on; the message says why.
    Fatal(String),
}

/// Receives the events of each parsed batch, in input order.
pub trait EventSink {
    /// Appends a batch of events, given as JSON lines.
    fn write_events(&mut self, lines: &[u8]) -> Result<(), Stop>;
    /// The same, from a buffer the sink may take (one on another thread does); otherwise the
    /// buffer stays with the caller, to be recycled.
    fn write_events_from(&mut self, lines: &mut Vec<u8>) -> Result<(), Stop> {
        self.write_events(lines)
    }
    /// Makes everything written so far reach its destination.
    fn finish(&mut self) -> Result<(), Stop>;
    /// A last summary line about the output, if it has something to say.
    fn summary(&self) -> Option<String> {
        None
    }

    /// The schemas of the Arrow tables this sink takes instead of JSON lines, one per candidate
    /// log type, if it does: the workers then write the events as Arrow rows (in parallel) and
    /// [`Self::write_arrow`] gets them.
    fn arrow_schemas(&self) -> Option<Vec<SchemaRef>> {
        None
    }

    fn write_arrow(&mut self, _batches: Vec<TableBatch>) -> Result<(), Stop> {
        Err(Stop::Fatal(
            "internal error: this output takes no Arrow batches".into(),
        ))
    }

    /// The events that follow belong to a new input; `verifiable` when it may still fail an
    /// integrity check at its end (gzip), so its events may have to be taken back.
    fn start_input(&mut self, _verifiable: bool) -> Result<(), Stop> {
        Ok(())
    }

    /// Whether [`Self::discard_input`] can take events back: not on a stream, whose reader has
    /// already seen them.
    fn can_discard(&self) -> bool {
        false
    }

    /// Takes back every event written since the last [`Self::start_input`] (the input failed its
    /// gzip check, so they may be made up).
    fn discard_input(&mut self) -> Result<(), Stop> {
        Err(Stop::Fatal(
            "internal error: this output cannot take events back".into(),
        ))
    }

    /// How many events the output holds for good: handed to the operating system for a stream,
    /// in the completed file or published Parquet files otherwise (so 0 for an output that was
    /// never completed). Waits for a sink on another thread.
    fn events_kept(&mut self) -> u64;
}

/// How much was written: bytes, and whole event lines among them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Written {
    bytes: u64,
    events: u64,
}

/// JSON lines on a stream (standard output, a device) or into a file: a closed pipe ends the run
/// quietly. Each batch (megabytes of events) goes to the writer in one piece, unbuffered, so the
/// count of events written is exact even when a write fails part-way.
pub struct JsonLines<W: Write> {
    writer: W,
    name: String,
    written: Written,
    /// Where the current input's events start.
    input_start: Written,
}

impl<W: Write> JsonLines<W> {
    pub fn new(writer: W, name: &str) -> Self {
        JsonLines {
            writer,
            name: name.to_string(),
            written: Written::default(),
            input_start: Written::default(),
        }
    }

    fn failure(&self, error: io::Error) -> Stop {
        if error.kind() == io::ErrorKind::BrokenPipe {
            Stop::BrokenPipe
        } else {
            Stop::Fatal(format!("cannot write {}: {error}", self.name))
        }
    }

    /// The stream, flushed.
    pub fn into_inner(mut self) -> Result<W, Stop> {
        self.writer.flush().map_err(|error| self.failure(error))?;
        Ok(self.writer)
    }
}

impl<W: Write> EventSink for JsonLines<W> {
    fn write_events(&mut self, lines: &[u8]) -> Result<(), Stop> {
        let mut rest = lines;
        while !rest.is_empty() {
            match self.writer.write(rest) {
                Ok(0) => return Err(self.failure(io::ErrorKind::WriteZero.into())),
                Ok(count) => {
                    let (done, left) = rest.split_at(count);
                    self.written.bytes += count as u64;
                    self.written.events += memchr::memchr_iter(b'\n', done).count() as u64;
                    rest = left;
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(self.failure(error)),
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), Stop> {
        self.writer.flush().map_err(|error| self.failure(error))
    }

    fn start_input(&mut self, _verifiable: bool) -> Result<(), Stop> {
        self.input_start = self.written;
        Ok(())
    }

    fn events_kept(&mut self) -> u64 {
        self.written.events
    }
}

/// A destination that shows its content only once completed: a file renamed into place, an S3
/// upload completed. Dropped without completing, it leaves nothing behind.
pub trait Completable: Write {
    fn complete(self) -> Result<(), String>;
    /// Cuts the content back to its first `length` bytes (what was written before them is kept).
    fn truncate(&mut self, length: u64) -> Result<(), String>;
}

/// JSON lines into a [`Completable`] destination, completed when the run has written everything,
/// so the output is complete or absent.
pub struct CompletedJsonLines<W: Completable> {
    lines: Option<JsonLines<W>>,
    /// The events in the completed destination; 0 until it is completed.
    kept: u64,
}

impl<W: Completable> CompletedJsonLines<W> {
    pub fn new(destination: W, name: &str) -> Self {
        CompletedJsonLines {
            lines: Some(JsonLines::new(destination, name)),
            kept: 0,
        }
    }

    fn lines(&mut self) -> Result<&mut JsonLines<W>, Stop> {
        self.lines
            .as_mut()
            .ok_or_else(|| Stop::Fatal("internal error: output already finished".into()))
    }
}

impl<W: Completable> EventSink for CompletedJsonLines<W> {
    fn write_events(&mut self, lines: &[u8]) -> Result<(), Stop> {
        self.lines()?.write_events(lines)
    }

    fn finish(&mut self) -> Result<(), Stop> {
        match self.lines.take() {
            Some(lines) => {
                let events = lines.written.events;
                lines.into_inner()?.complete().map_err(Stop::Fatal)?;
                self.kept = events;
                Ok(())
            }
            None => Ok(()),
        }
    }

    fn start_input(&mut self, verifiable: bool) -> Result<(), Stop> {
        self.lines()?.start_input(verifiable)
    }

    fn can_discard(&self) -> bool {
        true
    }

    /// Nothing is visible before completion, so the current input's events are cut off the end.
    fn discard_input(&mut self) -> Result<(), Stop> {
        let lines = self.lines()?;
        let start = lines.input_start;
        let name = lines.name.clone();
        lines.writer.truncate(start.bytes).map_err(|error| {
            Stop::Fatal(format!("cannot take events back from {name}: {error}"))
        })?;
        lines.written = start;
        Ok(())
    }

    fn events_kept(&mut self) -> u64 {
        self.kept
    }
}

/// `--output FILE`: written under a hidden temporary name beside FILE, renamed at the end. The
/// name is unique to the process and run, so runs writing the same FILE do not share it.
pub struct StagedFile {
    file: File,
    staged: PathBuf,
    target: PathBuf,
    completed: bool,
}

impl StagedFile {
    pub fn create(target: &Path) -> Result<Self, String> {
        let directory = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .ok_or_else(|| format!("{}: not a file name", crate::escape::path(target)))?
            .to_string_lossy();
        let unique = format!("{}-{:016x}", std::process::id(), super::random_run_id());
        let staged = directory.join(format!(".{name}.{unique}.tmp"));
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(&staged)
            .map_err(|error| format!("{}: cannot create: {error}", crate::escape::path(&staged)))?;
        Ok(StagedFile {
            file,
            staged,
            target: target.to_path_buf(),
            completed: false,
        })
    }
}

impl Write for StagedFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Completable for StagedFile {
    fn complete(mut self) -> Result<(), String> {
        self.file
            .sync_all()
            .and_then(|()| std::fs::rename(&self.staged, &self.target))
            .map_err(|error| format!("{}: {error}", crate::escape::path(&self.target)))?;
        self.completed = true;
        sync_parent_directory(&self.target);
        Ok(())
    }

    fn truncate(&mut self, length: u64) -> Result<(), String> {
        self.file
            .set_len(length)
            .and_then(|()| self.file.seek(SeekFrom::Start(length)).map(|_| ()))
            .map_err(|error| error.to_string())
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        if !self.completed {
            let _ = std::fs::remove_file(&self.staged);
        }
    }
}

/// `--output s3://bucket/key`: a multipart upload, completed at the end (dropping aborts it).
impl Completable for S3Writer {
    fn complete(self) -> Result<(), String> {
        self.finish().map_err(|error| error.to_string())
    }

    /// Parts already uploaded cannot be taken back: the run stops and the upload is abandoned,
    /// so no object with made-up events appears.
    fn truncate(&mut self, _length: u64) -> Result<(), String> {
        Err("an S3 upload cannot be cut back; the object is not written".to_string())
    }
}

/// Makes a rename into `path`'s directory survive a power cut (the file's data was synced
/// before). Best effort: some file systems cannot sync a directory, and the file is in place.
pub fn sync_parent_directory(path: &Path) {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if let Ok(directory) = File::open(directory) {
        let _ = directory.sync_all();
    }
}

/// The S3 object of `--output s3://bucket/key` for JSON lines.
pub fn s3_object_writer(url: &str) -> Result<S3Writer, String> {
    let location = S3Url::parse(url).map_err(|error| error.to_string())?;
    if location.prefix.is_empty() || location.prefix.ends_with('/') {
        return Err(format!(
            "{}: JSON output needs an object key, s3://bucket/path/events.jsonl",
            crate::escape::name(url)
        ));
    }
    let store = S3Store::connect(&location.bucket).map_err(|error| error.to_string())?;
    store
        .writer(&location.prefix)
        .map_err(|error| error.to_string())
}

/// Batches queued for a [`BackgroundSink`]: bounds its memory to a few batches.
const BACKGROUND_BATCHES_AHEAD: usize = 4;

/// Runs a slow sink (Parquet: encoding, zstd, file system work) on its own thread, so it overlaps
/// the parsing instead of holding up the thread that delivers batches in order. An error of the
/// sink stops the run at the next batch or at the end.
pub struct BackgroundSink {
    batches: Option<SyncSender<ToSink>>,
    arrow_schemas: Option<Vec<SchemaRef>>,
    can_discard: bool,
    worker: Option<JoinHandle<SinkOutcome>>,
    summary: Option<String>,
    kept: u64,
}

/// What the sink thread ends with: its error if it had one, and, either way, its summary line
/// and the events it kept (once finished, or dropped unfinished).
struct SinkOutcome {
    result: Result<(), Stop>,
    summary: Option<String>,
    kept: u64,
}

enum ToSink {
    Lines(Vec<u8>),
    Arrow(Vec<TableBatch>),
    StartInput {
        verifiable: bool,
    },
    DiscardInput,
    /// Everything was sent: finish the sink. Without it the sink is dropped unfinished.
    Finish,
}

impl BackgroundSink {
    pub fn spawn<S: EventSink + Send + 'static>(sink: S) -> Self {
        let (batches, received) = sync_channel(BACKGROUND_BATCHES_AHEAD);
        let arrow_schemas = sink.arrow_schemas();
        let can_discard = sink.can_discard();
        let worker = std::thread::spawn(move || drain(sink, received));
        BackgroundSink {
            batches: Some(batches),
            arrow_schemas,
            can_discard,
            worker: Some(worker),
            summary: None,
            kept: 0,
        }
    }

    fn send(&mut self, message: ToSink) -> Result<(), Stop> {
        let sent = match &self.batches {
            Some(batches) => batches.send(message).is_ok(),
            None => false,
        };
        if sent {
            return Ok(());
        }
        // The thread stopped early: its error says why.
        self.join()?;
        Err(Stop::Fatal(
            "internal error: the output thread stopped".into(),
        ))
    }

    /// Waits for the thread; its error, if it had one.
    fn join(&mut self) -> Result<(), Stop> {
        self.batches = None; // ends the thread's loop if it still runs
        let Some(worker) = self.worker.take() else {
            return Ok(());
        };
        match worker.join() {
            Ok(outcome) => {
                self.summary = outcome.summary;
                self.kept = outcome.kept;
                outcome.result
            }
            Err(_) => Err(Stop::Fatal(
                "internal error: the output thread panicked".into(),
            )),
        }
    }
}

fn drain<S: EventSink>(mut sink: S, batches: Receiver<ToSink>) -> SinkOutcome {
    let result = drain_until_finished(&mut sink, batches);
    // What an unfinished sink kept is known only once it is dropped (it removes its staged
    // files then), so its count is taken before: published files stay.
    SinkOutcome {
        result,
        summary: sink.summary(),
        kept: sink.events_kept(),
    }
}

fn drain_until_finished<S: EventSink>(sink: &mut S, batches: Receiver<ToSink>) -> Result<(), Stop> {
    for message in batches {
        match message {
            ToSink::Lines(lines) => sink.write_events(&lines)?,
            ToSink::Arrow(batches) => sink.write_arrow(batches)?,
            ToSink::StartInput { verifiable } => sink.start_input(verifiable)?,
            ToSink::DiscardInput => sink.discard_input()?,
            ToSink::Finish => return sink.finish(),
        }
    }
    Err(Stop::Fatal("the output was abandoned".into()))
}

impl EventSink for BackgroundSink {
    fn write_events(&mut self, lines: &[u8]) -> Result<(), Stop> {
        self.write_events_from(&mut lines.to_vec())
    }

    fn write_events_from(&mut self, lines: &mut Vec<u8>) -> Result<(), Stop> {
        self.send(ToSink::Lines(std::mem::take(lines)))
    }

    fn arrow_schemas(&self) -> Option<Vec<SchemaRef>> {
        self.arrow_schemas.clone()
    }

    fn write_arrow(&mut self, batches: Vec<TableBatch>) -> Result<(), Stop> {
        self.send(ToSink::Arrow(batches))
    }

    fn start_input(&mut self, verifiable: bool) -> Result<(), Stop> {
        self.send(ToSink::StartInput { verifiable })
    }

    fn can_discard(&self) -> bool {
        self.can_discard
    }

    fn discard_input(&mut self) -> Result<(), Stop> {
        self.send(ToSink::DiscardInput)
    }

    /// Waits until the sink has written everything. Dropping instead (the run failed) lets the
    /// sink end without finishing: it removes what it had not finished.
    fn finish(&mut self) -> Result<(), Stop> {
        if let Some(batches) = &self.batches {
            // A failed send means the thread already stopped; join says why.
            let _ = batches.send(ToSink::Finish);
        }
        self.join()
    }

    fn summary(&self) -> Option<String> {
        self.summary.clone()
    }

    /// Ends the thread first when it still runs (the run stopped without finishing).
    fn events_kept(&mut self) -> u64 {
        let _ = self.join();
        self.kept
    }
}

impl Drop for BackgroundSink {
    /// Waits for the sink thread to drop its sink unfinished (removing its staged files) before
    /// the process can exit.
    fn drop(&mut self) {
        let _ = self.join();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Records what reaches it; fails on a batch that says `fail`.
    #[derive(Default, Clone)]
    struct Recorder(Arc<Mutex<Vec<String>>>);

    impl EventSink for Recorder {
        fn write_events(&mut self, lines: &[u8]) -> Result<(), Stop> {
            if lines == b"fail" {
                return Err(Stop::Fatal("disk full".into()));
            }
            let text = String::from_utf8_lossy(lines).into_owned();
            self.0.lock().unwrap().push(text);
            Ok(())
        }

        fn finish(&mut self) -> Result<(), Stop> {
            self.0.lock().unwrap().push("finished".into());
            Ok(())
        }

        fn summary(&self) -> Option<String> {
            Some("summary: recorded".into())
        }

        fn events_kept(&mut self) -> u64 {
            0
        }
    }

    fn seen(recorder: &Recorder) -> Vec<String> {
        recorder.0.lock().unwrap().clone()
    }

    #[test]
    fn a_background_sink_gets_every_batch_in_order_then_finishes() {
        let recorder = Recorder::default();
        let mut sink = BackgroundSink::spawn(recorder.clone());
        for batch in ["a\n", "b\n", "c\n", "d\n", "e\n", "f\n"] {
            sink.write_events(batch.as_bytes()).unwrap();
        }
        sink.finish().unwrap();
        assert_eq!(
            seen(&recorder),
            ["a\n", "b\n", "c\n", "d\n", "e\n", "f\n", "finished"]
        );
        assert_eq!(sink.summary().as_deref(), Some("summary: recorded"));
    }

    #[test]
    fn a_dropped_background_sink_is_not_finished() {
        let recorder = Recorder::default();
        let mut sink = BackgroundSink::spawn(recorder.clone());
        sink.write_events(b"a\n").unwrap();
        drop(sink);
        assert_eq!(seen(&recorder), ["a\n"]);
    }

    #[test]
    fn the_sink_threads_error_stops_the_run() {
        let mut sink = BackgroundSink::spawn(Recorder::default());
        sink.write_events(b"fail").unwrap();
        // Reported at a later write, or at the latest by finish.
        let mut outcome = Ok(());
        for _ in 0..(BACKGROUND_BATCHES_AHEAD + 2) {
            outcome = sink.write_events(b"more\n");
            if outcome.is_err() {
                break;
            }
        }
        let outcome = outcome.and_then(|()| sink.finish());
        assert_eq!(outcome, Err(Stop::Fatal("disk full".into())));
    }
}
