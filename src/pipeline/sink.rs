//! Where events go: JSON lines to a stream or a file, or Parquet files (`crate::lake`).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::output::Stop;
use crate::lake::ParquetSink;
use crate::store::{S3Store, S3Url, S3Writer};

const OUTPUT_BUFFER_BYTES: usize = 256 * 1024;

/// Receives the events of each parsed batch, in input order.
pub trait EventSink {
    /// Appends a batch of events, given as JSON lines.
    fn write_events(&mut self, lines: &[u8]) -> Result<(), Stop>;
    /// Makes everything written so far reach its destination.
    fn finish(&mut self) -> Result<(), Stop>;
    /// A last summary line about the output, if it has something to say.
    fn summary(&self) -> Option<String> {
        None
    }
}

/// JSON lines on a stream (standard output): a closed pipe ends the run quietly.
pub struct JsonLines<W: Write> {
    writer: BufWriter<W>,
    name: String,
}

impl<W: Write> JsonLines<W> {
    pub fn new(writer: W, name: &str) -> Self {
        JsonLines {
            writer: BufWriter::with_capacity(OUTPUT_BUFFER_BYTES, writer),
            name: name.to_string(),
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
    pub fn into_inner(self) -> Result<W, Stop> {
        let name = self.name;
        self.writer
            .into_inner()
            .map_err(|error| Stop::Fatal(format!("cannot write {name}: {}", error.error())))
    }
}

impl<W: Write> EventSink for JsonLines<W> {
    fn write_events(&mut self, lines: &[u8]) -> Result<(), Stop> {
        self.writer
            .write_all(lines)
            .map_err(|error| self.failure(error))
    }

    fn finish(&mut self) -> Result<(), Stop> {
        self.writer.flush().map_err(|error| self.failure(error))
    }
}

/// A destination that shows its content only once completed: a file renamed into place, an S3
/// upload completed. Dropped without completing, it leaves nothing behind.
pub trait Completable: Write {
    fn complete(self) -> Result<(), String>;
}

/// JSON lines into a [`Completable`] destination, completed when the run has written everything,
/// so the output is complete or absent.
pub struct CompletedJsonLines<W: Completable> {
    lines: Option<JsonLines<W>>,
}

impl<W: Completable> CompletedJsonLines<W> {
    pub fn new(destination: W, name: &str) -> Self {
        CompletedJsonLines {
            lines: Some(JsonLines::new(destination, name)),
        }
    }
}

impl<W: Completable> EventSink for CompletedJsonLines<W> {
    fn write_events(&mut self, lines: &[u8]) -> Result<(), Stop> {
        match &mut self.lines {
            Some(sink) => sink.write_events(lines),
            None => Err(Stop::Fatal(
                "internal error: output already finished".into(),
            )),
        }
    }

    fn finish(&mut self) -> Result<(), Stop> {
        match self.lines.take() {
            Some(lines) => lines.into_inner()?.complete().map_err(Stop::Fatal),
            None => Ok(()),
        }
    }
}

/// `--output FILE`: written under a hidden temporary name beside FILE, renamed at the end.
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
            .ok_or_else(|| format!("{}: not a file name", target.display()))?
            .to_string_lossy();
        let staged = directory.join(format!(".{name}.tmp"));
        let file = File::create(&staged)
            .map_err(|error| format!("{}: cannot create: {error}", staged.display()))?;
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
            .map_err(|error| format!("{}: {error}", self.target.display()))?;
        self.completed = true;
        Ok(())
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
}

/// The S3 object of `--output s3://bucket/key` for JSON lines.
pub fn s3_object_writer(url: &str) -> Result<S3Writer, String> {
    let location = S3Url::parse(url).map_err(|error| error.to_string())?;
    if location.prefix.is_empty() || location.prefix.ends_with('/') {
        return Err(format!(
            "{url}: JSON output needs an object key, s3://bucket/path/events.jsonl"
        ));
    }
    let store = S3Store::connect(&location.bucket).map_err(|error| error.to_string())?;
    store
        .writer(&location.prefix)
        .map_err(|error| error.to_string())
}

impl EventSink for ParquetSink {
    fn write_events(&mut self, lines: &[u8]) -> Result<(), Stop> {
        self.write_json_lines(lines).map_err(Stop::Fatal)
    }

    fn finish(&mut self) -> Result<(), Stop> {
        ParquetSink::finish(self).map_err(Stop::Fatal)
    }

    fn summary(&self) -> Option<String> {
        Some(ParquetSink::summary(self))
    }
}
