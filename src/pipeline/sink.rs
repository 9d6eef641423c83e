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

/// JSON lines into a file (`--output FILE`): written under a hidden temporary name beside it and
/// renamed when the run has written everything, so the file is complete or absent.
pub struct JsonFile {
    lines: Option<JsonLines<File>>,
    staged: PathBuf,
    target: PathBuf,
}

impl JsonFile {
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
        Ok(JsonFile {
            lines: Some(JsonLines::new(file, &target.display().to_string())),
            staged,
            target: target.to_path_buf(),
        })
    }
}

impl EventSink for JsonFile {
    fn write_events(&mut self, lines: &[u8]) -> Result<(), Stop> {
        match &mut self.lines {
            Some(sink) => sink.write_events(lines),
            None => Err(Stop::Fatal(
                "internal error: output already finished".into(),
            )),
        }
    }

    fn finish(&mut self) -> Result<(), Stop> {
        let Some(lines) = self.lines.take() else {
            return Ok(());
        };
        let file = lines.into_inner()?;
        file.sync_all()
            .and_then(|()| std::fs::rename(&self.staged, &self.target))
            .map_err(|error| Stop::Fatal(format!("{}: {error}", self.target.display())))
    }
}

impl Drop for JsonFile {
    /// A run that did not finish leaves no file behind.
    fn drop(&mut self) {
        if self.lines.is_some() {
            let _ = std::fs::remove_file(&self.staged);
        }
    }
}

/// JSON lines into an S3 object (`--output s3://bucket/key`): a multipart upload that completes
/// when the run has written everything, so the object is complete or absent.
pub struct JsonObject {
    lines: Option<JsonLines<S3Writer>>,
}

impl JsonObject {
    pub fn create(url: &str) -> Result<Self, String> {
        let location = S3Url::parse(url).map_err(|error| error.to_string())?;
        if location.prefix.is_empty() || location.prefix.ends_with('/') {
            return Err(format!(
                "{url}: JSON output needs an object key, s3://bucket/path/events.jsonl"
            ));
        }
        let store = S3Store::connect(&location.bucket).map_err(|error| error.to_string())?;
        let writer = store
            .writer(&location.prefix)
            .map_err(|error| error.to_string())?;
        Ok(JsonObject {
            lines: Some(JsonLines::new(writer, url)),
        })
    }
}

impl EventSink for JsonObject {
    fn write_events(&mut self, lines: &[u8]) -> Result<(), Stop> {
        match &mut self.lines {
            Some(sink) => sink.write_events(lines),
            None => Err(Stop::Fatal(
                "internal error: output already finished".into(),
            )),
        }
    }

    fn finish(&mut self) -> Result<(), Stop> {
        let Some(lines) = self.lines.take() else {
            return Ok(());
        };
        lines
            .into_inner()?
            .finish()
            .map_err(|error| Stop::Fatal(error.to_string()))
    }
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
