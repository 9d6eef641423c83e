//! One object of one notification: parsed into the lake, every file complete before the caller
//! may acknowledge the message.
//!
//! Output names come from the source object (bucket, key, and its version or ETag): a message
//! delivered twice writes the same object names again, so the second delivery replaces the first's
//! files instead of adding their rows a second time. The row ids (`p_row_id`) are derived the same
//! way, so the replaced rows are equal too. Files are staged on local disk and uploaded only once
//! the whole object was parsed: an object that fails part-way publishes nothing.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use sha2::{Digest, Sha256};

use super::notification::ObjectRef;
use crate::lake::parquet_sink::Publisher;
use crate::lake::table_name;
use crate::lake::LakeTables;
use crate::pipeline::classify::Candidates;
use crate::pipeline::input::InputArg;
use crate::pipeline::lines::DEFAULT_MAX_LINE_BYTES;
use crate::pipeline::progress::Progress;
use crate::pipeline::sink::BackgroundSink;
use crate::pipeline::{self, ParseOptions, RunStatus};
use crate::runtime::LogType;
use crate::store::{S3Store, S3Url};

/// Where the lake is: `s3://bucket/prefix`.
pub struct Lake {
    store: S3Store,
    /// `prefix/` (or empty): every key written starts with it.
    key_prefix: String,
}

impl Lake {
    pub fn connect(url: &str) -> Result<Lake, String> {
        let location = S3Url::parse(url).map_err(|error| error.to_string())?;
        let store = S3Store::connect(&location.bucket).map_err(|error| error.to_string())?;
        let mut key_prefix = location.prefix;
        if !key_prefix.is_empty() && !key_prefix.ends_with('/') {
            key_prefix.push('/');
        }
        Ok(Lake { store, key_prefix })
    }

    fn url_of(&self, relative: &str) -> String {
        self.store.url_of(&format!("{}{relative}", self.key_prefix))
    }

    fn upload(&self, staged: &Path, relative: &str) -> Result<String, String> {
        let key = format!("{}{relative}", self.key_prefix);
        self.store
            .put_file(staged, &key)
            .map_err(|error| error.to_string())?;
        Ok(self.store.url_of(&key))
    }
}

/// What parsing one object did (logged as one JSON line per object).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectReport {
    pub url: String,
    pub log_type: String,
    /// Records read: events plus rejects.
    pub records: u64,
    pub events: u64,
    pub rejects: u64,
    /// The object's size as the notification gave it.
    pub bytes: u64,
    pub millis: u64,
    /// Every object written: Parquet files, then the rejects object if there were rejects.
    pub outputs: Vec<String>,
}

/// How one object is handled.
#[derive(Debug, Clone)]
pub struct HandlerOptions {
    /// Parser threads for the object.
    pub threads: usize,
    pub max_line_bytes: usize,
}

impl Default for HandlerOptions {
    fn default() -> Self {
        HandlerOptions {
            threads: 1,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
        }
    }
}

/// The id naming an object's output files and starting its row ids: 64 bits of SHA-256 over
/// the bucket, key and revision.
pub fn output_id(object: &ObjectRef) -> u64 {
    let mut hash = Sha256::new();
    for part in [&object.bucket, &object.key, object.revision()] {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part.as_bytes());
    }
    let digest = hash.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

/// The rejects object of an output id: beside the tables, under `_rejects/` (a name Hive-style
/// engines skip when they read a table's location).
pub fn rejects_relative(log_type: &LogType, id: u64) -> String {
    format!("_rejects/{}/{id:016x}.jsonl", table_name(log_type.name))
}

/// Parses `object` as `log_type` into `lake`. `Ok` only once every output object is written;
/// `Err` says why not, naming the object's URL.
pub fn process_object(
    object: &ObjectRef,
    log_type: &'static LogType,
    lake: &Lake,
    options: &HandlerOptions,
) -> Result<ObjectReport, String> {
    let started = Instant::now();
    let url = object.url();
    let id = output_id(object);
    let staging = tempfile::Builder::new()
        .prefix("logschema-worker-")
        .tempdir()
        .map_err(|error| format!("{url}: cannot create a staging directory: {error}"))?;
    let rejects_path = staging.path().join("rejects.jsonl");
    let staged = Arc::new(Mutex::new(Vec::new()));
    let location_prefix = lake.url_of("");
    let publisher = || -> Result<Box<dyn Publisher>, String> {
        Ok(Box::new(Deferred {
            directory: staging.path().to_path_buf(),
            staged: Arc::clone(&staged),
            location_prefix: location_prefix.clone(),
        }))
    };
    let parse_options = ParseOptions {
        candidates: Candidates::one(log_type),
        inputs: vec![InputArg::S3Object {
            url: url.clone(),
            size: object.size,
        }],
        threads: options.threads.max(1),
        max_line_bytes: options.max_line_bytes,
        rejects: Some(rejects_path.clone()),
        source_id: None,
        source_label: None,
        run_id: id,
        progress: Progress::hidden(),
    };
    let sink = LakeTables::new(&[log_type], &format!("{id:016x}"), publisher)
        .map_err(|message| format!("{url}: {message}"))?;
    let mut messages = Tail::default();
    let (status, summary) =
        pipeline::run_summarised(&parse_options, BackgroundSink::spawn(sink), &mut messages);
    let events = summary.total_events();
    let rejects = summary.total_rejected();
    if status == RunStatus::Failed {
        let reason = summary
            .inputs
            .iter()
            .find_map(|input| input.failure.clone())
            .unwrap_or_else(|| messages.last_error());
        return Err(format!("{url}: {reason}"));
    }
    if events == 0 && rejects > 0 {
        return Err(format!(
            "{url}: every record ({rejects}) was rejected as {}: not a log of this type \
             (check the sources file)",
            log_type.name
        ));
    }
    let mut outputs = Vec::new();
    let files = std::mem::take(
        &mut *staged
            .lock()
            .map_err(|_| format!("{url}: internal error"))?,
    );
    for (path, relative) in &files {
        outputs.push(lake.upload(path, relative)?);
    }
    if rejects > 0 {
        outputs.push(lake.upload(&rejects_path, &rejects_relative(log_type, id))?);
    }
    Ok(ObjectReport {
        url,
        log_type: log_type.name.to_string(),
        records: events + rejects,
        events,
        rejects,
        bytes: object.size,
        millis: started.elapsed().as_millis() as u64,
        outputs,
    })
}

/// Keeps finished Parquet files on local disk until the object is parsed to its end.
struct Deferred {
    directory: PathBuf,
    staged: Arc<Mutex<Vec<(PathBuf, String)>>>,
    location_prefix: String,
}

impl Publisher for Deferred {
    fn staging_path(&mut self, relative: &str) -> Result<PathBuf, String> {
        Ok(self.directory.join(relative.replace('/', "__")))
    }

    fn publish(&mut self, staged: &Path, relative: &str) -> Result<String, String> {
        self.staged
            .lock()
            .map_err(|_| "internal error: staging list poisoned".to_string())?
            .push((staged.to_path_buf(), relative.to_string()));
        Ok(self.location_of(relative))
    }

    fn location_of(&self, relative: &str) -> String {
        format!("{}{relative}", self.location_prefix)
    }
}

/// The pipeline's messages (one line per reject, then the summary), keeping only the last few
/// KiB: the rejects object has every reject, and the message of a failure comes last.
#[derive(Default)]
struct Tail {
    text: Vec<u8>,
}

const TAIL_BYTES: usize = 16 * 1024;

impl Tail {
    fn last_error(&self) -> String {
        let text = String::from_utf8_lossy(&self.text);
        text.lines()
            .rev()
            .find(|line| line.starts_with("logschema: "))
            .map(|line| line.trim_start_matches("logschema: ").to_string())
            .unwrap_or_else(|| "failed (no message)".to_string())
    }
}

impl Write for Tail {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.text.extend_from_slice(buf);
        if self.text.len() > 2 * TAIL_BYTES {
            let cut = self.text.len() - TAIL_BYTES;
            self.text.drain(..cut);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(revision: &str) -> ObjectRef {
        ObjectRef {
            bucket: "b".to_string(),
            key: "k/x.log.gz".to_string(),
            size: 1,
            version_id: None,
            etag: Some(revision.to_string()),
        }
    }

    #[test]
    fn output_ids_follow_the_object_revision() {
        assert_eq!(output_id(&object("e1")), output_id(&object("e1")));
        assert_ne!(output_id(&object("e1")), output_id(&object("e2")));
        // Field boundaries count: ("ab", "c") is not ("a", "bc").
        let mut shifted = object("e1");
        shifted.bucket = "bk".to_string();
        shifted.key = "/x.log.gz".to_string();
        assert_ne!(output_id(&object("e1")), output_id(&shifted));
    }

    #[test]
    fn the_message_tail_is_bounded_and_finds_the_error() {
        let mut tail = Tail::default();
        for line in 0..10_000 {
            writeln!(tail, "x.log:{line}: rejected").unwrap();
        }
        writeln!(tail, "logschema: s3://b/k: cannot read").unwrap();
        assert!(tail.text.len() <= 2 * TAIL_BYTES);
        assert_eq!(tail.last_error(), "s3://b/k: cannot read");
    }
}
