//! `--format parquet`: Arrow batches of events in, Hive-partitioned Parquet files out.
//!
//! The pipeline's workers write each batch's events straight into Arrow columns of the log type's
//! schema (`crate::runtime::ArrowRows`); here each Arrow batch is split by the hour of
//! `p_event_time` and appended to that hour's open file. A file is written under a
//! hidden temporary name and published (renamed, or uploaded) only when complete, so readers never
//! see a torn file. Memory is bounded: at most [`MAX_OPEN_FILES`] files are open, each holding at
//! most one row group being encoded, and at most [`MAX_CLOSING`] more are being finished.
//!
//! A file closed to make room for another hour is finished (its row group compressed, the footer
//! written, the file synced) on a thread of its own while the rows go on to the other files; it
//! is published once that is done, before the sink takes the next input or finishes.
//!
//! The rows of a gzip input are held back until the input has been read to its end with every
//! member's check passed: a corrupt member decodes into made-up lines before its CRC fails. They
//! wait in memory (up to [`PENDING_MEMORY_BYTES`]), then, for a large input, in files of their
//! own; the next input (or the end) moves them into the shared files and publishes those files,
//! a failed check drops them. Small inputs so still share files with the rest of the run.

use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::TimestampMicrosecondType;
use arrow_array::{RecordBatch, UInt32Array};
use arrow_schema::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;

use super::layout::{table_name, Partition};
use crate::escape;
use crate::runtime::LogType;

/// Rows per row group at most: large enough for engines to read efficiently (DuckDB and
/// parquet-rs use about this), small enough to bound memory.
pub const ROW_GROUP_ROWS: usize = 1024 * 1024;
/// Encoded bytes per row group at most (the Parquet Java writer's default block size).
pub const ROW_GROUP_BYTES: usize = 128 * 1024 * 1024;
/// Files open at once; the least recently used is finished when another hour needs one.
pub const MAX_OPEN_FILES: usize = 8;
/// Files being finished on threads of their own at once (each holds its last row group until
/// it is written).
pub const MAX_CLOSING: usize = 2;
/// Arrow memory a gzip input's rows may take while held back, before they go to files of their
/// own.
pub const PENDING_MEMORY_BYTES: usize = 64 * 1024 * 1024;
const ZSTD_LEVEL: i32 = 3;

/// Where finished files go.
pub trait Publisher: Send {
    /// Where to write the file that will be published as `relative` (a path below the output).
    fn staging_path(&mut self, relative: &str) -> Result<PathBuf, String>;
    /// Makes the finished file at `staged` visible as `relative`; returns its final location.
    fn publish(&mut self, staged: &Path, relative: &str) -> Result<String, String>;
    /// Where `relative` would be published: `DIR/relative` or `s3://bucket/prefix/relative`.
    fn location_of(&self, relative: &str) -> String;
}

/// A local directory: staged as a hidden file beside the final one, then renamed (atomic within
/// one file system).
pub struct LocalDirectory {
    root: PathBuf,
}

impl LocalDirectory {
    pub fn new(root: PathBuf) -> Self {
        LocalDirectory { root }
    }
}

impl Publisher for LocalDirectory {
    fn staging_path(&mut self, relative: &str) -> Result<PathBuf, String> {
        let target = self.root.join(relative);
        let directory = target.parent().unwrap_or(&self.root).to_path_buf();
        std::fs::create_dir_all(&directory)
            .map_err(|error| format!("{}: cannot create: {error}", escape::path(&directory)))?;
        let name = target
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Query engines skip names starting with `.`; `.tmp` keeps `*.parquet` globs off it too.
        Ok(directory.join(format!(".{name}.tmp")))
    }

    fn location_of(&self, relative: &str) -> String {
        escape::path(&self.root.join(relative))
    }

    fn publish(&mut self, staged: &Path, relative: &str) -> Result<String, String> {
        let target = self.root.join(relative);
        std::fs::rename(staged, &target).map_err(|error| {
            format!(
                "{}: cannot rename into place: {error}",
                escape::path(&target)
            )
        })?;
        crate::pipeline::sink::sync_parent_directory(&target);
        Ok(escape::path(&target))
    }
}

/// Settings of one Parquet output.
pub struct ParquetOptions {
    /// Names this process's files (`<run_id>-<n>.parquet`), so many processes can write to the
    /// same partitions without clashing.
    pub run_id: String,
    pub publisher: Box<dyn Publisher>,
}

struct OpenFile {
    writer: ArrowWriter<File>,
    staged: PathBuf,
    relative: String,
    last_used: u64,
    rows: u64,
}

/// A file written to its end, not yet published.
struct ClosedFile {
    staged: PathBuf,
    relative: String,
    rows: u64,
}

/// A file being finished on a thread of its own.
struct Closing {
    finished: std::thread::JoinHandle<Result<ClosedFile, String>>,
    staged: PathBuf,
    /// One of the current input's files, held back (see [`Pending`]).
    pending: bool,
}

/// The rows of the current gzip input, not yet final (see the module comment).
#[derive(Default)]
struct Pending {
    batches: Vec<RecordBatch>,
    memory_bytes: usize,
    /// Once the rows outgrew memory: the input's own files.
    open: BTreeMap<Partition, OpenFile>,
    closed: Vec<ClosedFile>,
}

pub struct ParquetSink {
    schema: SchemaRef,
    event_time_column: usize,
    table: String,
    run_id: String,
    properties: WriterProperties,
    publisher: Box<dyn Publisher>,
    open: BTreeMap<Partition, OpenFile>,
    files_started: u64,
    batches_written: u64,
    pending: Option<Pending>,
    /// Files being finished, oldest first.
    closing: VecDeque<Closing>,
    /// [`PENDING_MEMORY_BYTES`]; smaller in tests.
    pending_memory_bytes: usize,
    /// Final locations of the files published so far.
    pub published: Vec<String>,
    /// Rows in the published files.
    rows_published: u64,
}

impl ParquetSink {
    pub fn new(log_type: &LogType, options: ParquetOptions) -> Result<Self, String> {
        let schema = super::arrow_schema(log_type);
        let event_time_column = schema
            .index_of("p_event_time")
            .map_err(|error| format!("internal error: {error}"))?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::ZSTD(
                ZstdLevel::try_new(ZSTD_LEVEL).map_err(|error| error.to_string())?,
            ))
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .set_max_row_group_bytes(Some(ROW_GROUP_BYTES))
            .set_created_by(format!("logschema {}", env!("CARGO_PKG_VERSION")))
            // Row ids are unique, so a dictionary never pays; consecutive ones share all but
            // their last few digits, which DELTA_BYTE_ARRAY stores once. Measured smaller files
            // on every input and less CPU on large row groups (BENCHMARKS.md, issue 19).
            .set_column_dictionary_enabled(ColumnPath::from("p_row_id"), false)
            .set_column_encoding(ColumnPath::from("p_row_id"), Encoding::DELTA_BYTE_ARRAY)
            .build();
        Ok(ParquetSink {
            schema,
            event_time_column,
            table: table_name(log_type.name),
            run_id: options.run_id,
            properties,
            publisher: options.publisher,
            open: BTreeMap::new(),
            files_started: 0,
            batches_written: 0,
            pending: None,
            closing: VecDeque::new(),
            pending_memory_bytes: PENDING_MEMORY_BYTES,
            published: Vec::new(),
            rows_published: 0,
        })
    }

    /// The schema of the Arrow batches [`Self::write_arrow`] takes.
    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// Appends events already decoded into Arrow batches of [`Self::schema`].
    pub fn write_arrow(&mut self, batches: &[RecordBatch]) -> Result<(), String> {
        batches
            .iter()
            .try_for_each(|batch| self.hold_or_write(batch))
    }

    /// The rows that follow belong to a new input; `verifiable` (gzip) ones are held back until
    /// the next input or the end. The rows held back so far become final.
    pub fn start_input(&mut self, verifiable: bool) -> Result<(), String> {
        self.commit_pending()?;
        self.pending = verifiable.then(Pending::default);
        Ok(())
    }

    /// Drops the rows of the current input (it failed its gzip check); nothing of them was
    /// published.
    pub fn discard_input(&mut self) {
        // The input's files being finished are removed once finished; the others stay queued.
        for closing in std::mem::take(&mut self.closing) {
            if closing.pending {
                remove_when_finished(closing);
            } else {
                self.closing.push_back(closing);
            }
        }
        if let Some(pending) = self.pending.take() {
            for file in pending.open.into_values() {
                remove_unfinished(file);
            }
            for file in pending.closed {
                let _ = std::fs::remove_file(&file.staged);
            }
        }
    }

    /// Rows in the files published so far.
    pub fn rows_published(&self) -> u64 {
        self.rows_published
    }

    fn hold_or_write(&mut self, batch: &RecordBatch) -> Result<(), String> {
        let Some(pending) = &mut self.pending else {
            return self.write_batch(batch, false);
        };
        if !pending.open.is_empty() || !pending.closed.is_empty() {
            return self.write_batch(batch, true);
        }
        let size = batch.get_array_memory_size();
        if pending.memory_bytes + size <= self.pending_memory_bytes {
            pending.memory_bytes += size;
            pending.batches.push(batch.clone());
            return Ok(());
        }
        // Too large to hold in memory: the input gets files of its own.
        let held = std::mem::take(&mut pending.batches);
        pending.memory_bytes = 0;
        for held in held.iter().chain(std::iter::once(batch)) {
            self.write_batch(held, true)?;
        }
        Ok(())
    }

    /// Makes the current input's held-back rows final: into the shared files, or published.
    fn commit_pending(&mut self) -> Result<(), String> {
        // The files being finished go where they belong first (the input's into `closed`).
        self.settle(0)?;
        let Some(mut pending) = self.pending.take() else {
            return Ok(());
        };
        for batch in std::mem::take(&mut pending.batches) {
            self.write_batch(&batch, false)?;
        }
        while let Some((_, file)) = pending.open.pop_first() {
            pending.closed.push(close_file(file)?);
        }
        for file in pending.closed {
            self.publish(file)?;
        }
        Ok(())
    }

    fn write_batch(&mut self, batch: &RecordBatch, pending: bool) -> Result<(), String> {
        let times = batch
            .column(self.event_time_column)
            .as_primitive_opt::<TimestampMicrosecondType>()
            .ok_or_else(|| "internal error: p_event_time is not a timestamp column".to_string())?;
        let mut rows_by_partition: BTreeMap<Partition, Vec<u32>> = BTreeMap::new();
        for (row, time) in times.iter().enumerate() {
            let partition = time.and_then(Partition::of_micros).ok_or_else(|| {
                format!("internal error: event without a usable p_event_time ({time:?})")
            })?;
            rows_by_partition
                .entry(partition)
                .or_default()
                .push(row as u32);
        }
        let single = rows_by_partition.len() == 1;
        for (partition, rows) in rows_by_partition {
            if single {
                self.append(partition, batch, pending)?;
            } else if let Some(range) = contiguous(&rows) {
                // Logs mostly come in time order: an hour's rows are one run of the batch, a
                // slice of it, without copying.
                self.append(partition, &batch.slice(range.start, range.len()), pending)?;
            } else {
                let rows = UInt32Array::from(rows);
                let part = arrow_select::take::take_record_batch(batch, &rows)
                    .map_err(conversion_error)?;
                self.append(partition, &part, pending)?;
            }
        }
        Ok(())
    }

    /// The open files rows go to: the shared ones, or the current input's own.
    fn files(&mut self, pending: bool) -> Result<&mut BTreeMap<Partition, OpenFile>, String> {
        match (&mut self.pending, pending) {
            (_, false) => Ok(&mut self.open),
            (Some(held), true) => Ok(&mut held.open),
            (None, true) => Err("internal error: no input's rows are held back".to_string()),
        }
    }

    fn append(
        &mut self,
        partition: Partition,
        batch: &RecordBatch,
        pending: bool,
    ) -> Result<(), String> {
        self.batches_written += 1;
        if !self.files(pending)?.contains_key(&partition) {
            if self.files(pending)?.len() >= MAX_OPEN_FILES {
                self.close_least_recently_used(pending)?;
            }
            let file = self.start_file(partition)?;
            self.files(pending)?.insert(partition, file);
        }
        let batches_written = self.batches_written;
        let Some(file) = self.files(pending)?.get_mut(&partition) else {
            return Err("internal error: the partition's file is not open".to_string());
        };
        file.last_used = batches_written;
        file.rows += batch.num_rows() as u64;
        file.writer.write(batch).map_err(|error| {
            format!(
                "{}: cannot write Parquet: {error}",
                escape::path(&file.staged)
            )
        })
    }

    fn start_file(&mut self, partition: Partition) -> Result<OpenFile, String> {
        self.files_started += 1;
        let relative = format!(
            "{}/{}/{}-{:04}.parquet",
            self.table,
            partition.directory(),
            self.run_id,
            self.files_started
        );
        let staged = self.publisher.staging_path(&relative)?;
        let file = File::create(&staged)
            .map_err(|error| format!("{}: cannot create: {error}", escape::path(&staged)))?;
        let writer = ArrowWriter::try_new(file, self.schema.clone(), Some(self.properties.clone()))
            .map_err(|error| format!("{}: cannot start Parquet: {error}", escape::path(&staged)))?;
        Ok(OpenFile {
            writer,
            staged,
            relative,
            last_used: self.batches_written,
            rows: 0,
        })
    }

    /// Closes the least recently used open file: a shared one is published, one of the current
    /// input's is kept until the input is verified.
    fn close_least_recently_used(&mut self, pending: bool) -> Result<(), String> {
        let files = self.files(pending)?;
        let oldest = files
            .iter()
            .min_by_key(|(_, file)| file.last_used)
            .map(|(partition, _)| *partition);
        let Some(file) = oldest.and_then(|partition| files.remove(&partition)) else {
            return Ok(());
        };
        // Room for one more file being finished.
        self.settle(MAX_CLOSING - 1)?;
        let staged = file.staged.clone();
        let finishing = std::thread::Builder::new()
            .name("logschema-parquet-close".into())
            .spawn(move || close_file(file));
        match finishing {
            Ok(finished) => {
                self.closing.push_back(Closing {
                    finished,
                    staged,
                    pending,
                });
                Ok(())
            }
            Err(error) => {
                let _ = std::fs::remove_file(&staged);
                Err(format!(
                    "cannot start a thread to finish a Parquet file: {error}"
                ))
            }
        }
    }

    /// Waits for the oldest files being finished until at most `left` are, and sends each where
    /// it belongs: a shared file is published, one of the current input's is kept with it.
    fn settle(&mut self, left: usize) -> Result<(), String> {
        while self.closing.len() > left {
            let Some(closing) = self.closing.pop_front() else {
                break;
            };
            let closed = match closing.finished.join() {
                Ok(closed) => closed?,
                Err(_) => {
                    let _ = std::fs::remove_file(&closing.staged);
                    return Err("internal error: finishing a Parquet file panicked".to_string());
                }
            };
            match &mut self.pending {
                Some(held) if closing.pending => held.closed.push(closed),
                _ if closing.pending => {
                    let _ = std::fs::remove_file(&closed.staged);
                    return Err("internal error: a held-back file outlived its input".to_string());
                }
                _ => self.publish(closed)?,
            }
        }
        Ok(())
    }

    fn publish(&mut self, file: ClosedFile) -> Result<(), String> {
        let location = self.publisher.publish(&file.staged, &file.relative);
        if location.is_err() {
            let _ = std::fs::remove_file(&file.staged);
        }
        self.published.push(location?);
        self.rows_published += file.rows;
        Ok(())
    }

    /// One summary line: how many rows and files, and below which directory or prefix.
    pub fn summary(&self) -> String {
        let files = self.published.len();
        let noun = if files == 1 { "file" } else { "files" };
        let table = self.publisher.location_of(&self.table);
        let rows = self.rows_published;
        let row_noun = if rows == 1 { "row" } else { "rows" };
        format!("summary: {rows} {row_noun} in {files} Parquet {noun} written below {table}/")
    }

    /// Finishes and publishes every open file, in partition order.
    pub fn finish(&mut self) -> Result<(), String> {
        self.commit_pending()?;
        self.settle(0)?;
        while let Some((_, file)) = self.open.pop_first() {
            let closed = close_file(file)?;
            self.publish(closed)?;
        }
        Ok(())
    }
}

/// Writes the file's footer and syncs it; removes it when that fails.
fn close_file(file: OpenFile) -> Result<ClosedFile, String> {
    let OpenFile {
        writer,
        staged,
        relative,
        rows,
        ..
    } = file;
    let finished = writer
        .into_inner()
        .and_then(|file| file.sync_all().map_err(Into::into));
    if let Err(error) = finished {
        let _ = std::fs::remove_file(&staged);
        return Err(format!(
            "{}: cannot finish Parquet: {error}",
            escape::path(&staged)
        ));
    }
    Ok(ClosedFile {
        staged,
        relative,
        rows,
    })
}

/// Waits for a file being finished and removes it.
fn remove_when_finished(closing: Closing) {
    if let Ok(Ok(closed)) = closing.finished.join() {
        let _ = std::fs::remove_file(&closed.staged);
    }
    let _ = std::fs::remove_file(&closing.staged);
}

fn remove_unfinished(file: OpenFile) {
    let staged = file.staged;
    drop(file.writer);
    let _ = std::fs::remove_file(&staged);
}

impl Drop for ParquetSink {
    /// Files not finished (the run failed) are removed, never published half-written; so are
    /// the held-back rows of an input not known to be intact.
    fn drop(&mut self) {
        for file in self.open.values() {
            let _ = std::fs::remove_file(&file.staged);
        }
        for closing in std::mem::take(&mut self.closing) {
            remove_when_finished(closing);
        }
        self.discard_input();
    }
}

/// The rows as a range, when they are consecutive (`rows` is ascending).
fn contiguous(rows: &[u32]) -> Option<std::ops::Range<usize>> {
    let first = *rows.first()? as usize;
    let last = *rows.last()? as usize;
    (last - first + 1 == rows.len()).then_some(first..last + 1)
}

fn conversion_error(error: arrow_schema::ArrowError) -> String {
    format!("internal error: cannot convert events to Arrow: {error}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sink(root: &Path) -> ParquetSink {
        let log_type = crate::find_log_type("AWS.VPCDns").expect("AWS.VPCDns");
        let options = ParquetOptions {
            run_id: "0123456789abcdef".to_string(),
            publisher: Box::new(LocalDirectory::new(root.to_path_buf())),
        };
        ParquetSink::new(log_type, options).expect("sink")
    }

    fn files(root: &Path) -> Vec<String> {
        let mut found: Vec<String> = walkdir::WalkDir::new(root)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_file())
            .map(|entry| {
                let relative = entry.path().strip_prefix(root).expect("below root");
                relative.display().to_string()
            })
            .collect();
        found.sort();
        found
    }

    /// AWS.VPCDns events with these query times, as the workers write them.
    fn events(times: &[String]) -> Vec<RecordBatch> {
        let log_type = crate::find_log_type("AWS.VPCDns").expect("AWS.VPCDns");
        let mut rows =
            crate::runtime::ArrowRows::new(super::super::arrow_schema(log_type)).expect("columns");
        for (sequence, time) in times.iter().enumerate() {
            let line = format!(
                r#"{{"version":"1.100000","account_id":"123456789012","region":"us-east-1","vpc_id":"vpc-1","query_timestamp":"{time}","query_name":"q{sequence}.example.","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":[],"srcaddr":"10.0.0.1","srcport":"53","transport":"UDP","srcids":{{}}}}"#
            );
            let meta = crate::runtime::EventMeta {
                log_type: log_type.name,
                row_id: crate::runtime::RowId {
                    prefix: 1,
                    sequence: sequence as u64,
                },
                parse_time: chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("a time"),
                source_id: None,
                source_label: None,
            };
            crate::runtime::parse_record(log_type, &line, None, &meta, &mut rows)
                .expect("a DNS record");
        }
        vec![rows.finish().expect("a batch")]
    }

    /// Two events, one either side of an hour's end.
    fn two_hours() -> Vec<RecordBatch> {
        events(&[
            "2021-02-04T17:59:59.999999999Z".to_string(),
            "2021-02-04T18:00:00Z".to_string(),
        ])
    }

    #[test]
    fn finished_files_are_published_under_their_hour() {
        let root = tempfile::tempdir().expect("tempdir");
        let mut sink = sink(root.path());
        sink.write_arrow(&two_hours()).expect("written");
        // Staged, hidden, until finished.
        assert!(files(root.path()).iter().all(|name| name.ends_with(".tmp")));
        sink.finish().expect("finished");
        assert_eq!(
            files(root.path()),
            [
                "aws_vpcdns/year=2021/month=02/day=04/hour=17/0123456789abcdef-0001.parquet",
                "aws_vpcdns/year=2021/month=02/day=04/hour=18/0123456789abcdef-0002.parquet",
            ]
        );
        assert_eq!(sink.published.len(), 2);
    }

    fn row_count(path: &Path) -> i64 {
        let file = File::open(path).expect("open");
        let reader = parquet::file::reader::SerializedFileReader::new(file).expect("Parquet");
        parquet::file::reader::FileReader::metadata(&reader)
            .file_metadata()
            .num_rows()
    }

    #[test]
    fn interleaved_hours_are_split_and_consecutive_ones_sliced() {
        let root = tempfile::tempdir().expect("tempdir");
        let mut sink = sink(root.path());
        let times = ["17:00:00", "18:00:00", "17:30:00", "19:00:00", "19:59:59"];
        let times: Vec<String> = times
            .iter()
            .map(|time| format!("2021-02-04T{time}Z"))
            .collect();
        sink.write_arrow(&events(&times)).expect("written");
        sink.finish().expect("finished");
        let counts: Vec<(String, i64)> = files(root.path())
            .into_iter()
            .map(|name| {
                let rows = row_count(&root.path().join(&name));
                let hour = name.split('/').nth(4).unwrap_or_default().to_string();
                (hour, rows)
            })
            .collect();
        assert_eq!(
            counts,
            [
                ("hour=17".to_string(), 2),
                ("hour=18".to_string(), 1),
                ("hour=19".to_string(), 2)
            ]
        );
        assert_eq!(contiguous(&[3, 4, 5]), Some(3..6));
        assert_eq!(contiguous(&[0, 2]), None);
    }

    #[test]
    fn row_ids_are_delta_encoded_without_a_dictionary() {
        let root = tempfile::tempdir().expect("tempdir");
        let mut sink = sink(root.path());
        sink.write_arrow(&events(&vec!["2021-02-04T17:00:00Z".to_string(); 3]))
            .expect("written");
        sink.finish().expect("finished");
        let name = files(root.path()).pop().expect("a file");
        let file = File::open(root.path().join(name)).expect("open");
        let reader = parquet::file::reader::SerializedFileReader::new(file).expect("Parquet");
        let metadata = parquet::file::reader::FileReader::metadata(&reader);
        let row_group = metadata.row_group(0);
        let encodings = |name: &str| {
            let column = row_group
                .columns()
                .iter()
                .find(|column| column.column_path().string() == name)
                .unwrap_or_else(|| panic!("no column {name}"));
            let mut encodings: Vec<Encoding> = column.encodings().collect();
            encodings.sort_by_key(|encoding| format!("{encoding:?}"));
            (encodings, column.dictionary_page_offset().is_some())
        };
        let (row_id, row_id_dictionary) = encodings("p_row_id");
        assert!(row_id.contains(&Encoding::DELTA_BYTE_ARRAY), "{row_id:?}");
        assert!(!row_id_dictionary);
        let (_, region_dictionary) = encodings("region");
        assert!(region_dictionary, "other columns keep their dictionary");
    }

    #[test]
    fn a_run_that_stops_early_leaves_no_file() {
        let root = tempfile::tempdir().expect("tempdir");
        let mut sink = sink(root.path());
        sink.write_arrow(&two_hours()).expect("written");
        drop(sink);
        assert_eq!(files(root.path()), Vec::<String>::new());
    }

    /// Rows of a gzip input are published only once the next input starts, or at the end.
    fn held_back_rows(memory_bytes: usize) {
        let root = tempfile::tempdir().expect("tempdir");
        let mut sink = sink(root.path());
        sink.pending_memory_bytes = memory_bytes;
        sink.start_input(false).expect("plain input");
        sink.write_arrow(&two_hours()).expect("written");
        sink.start_input(true).expect("gzip input");
        sink.write_arrow(&two_hours()).expect("written");
        sink.write_arrow(&two_hours()).expect("written");
        sink.discard_input();
        sink.start_input(true).expect("gzip input");
        sink.write_arrow(&two_hours()).expect("written");
        sink.finish().expect("finished");
        assert_eq!(
            sink.rows_published(),
            4,
            "the discarded input's 4 rows are gone"
        );
        let names = files(root.path());
        assert!(
            names.iter().all(|name| name.ends_with(".parquet")),
            "{names:?}"
        );
        let mut rows = 0;
        for name in names {
            let file = File::open(root.path().join(name)).expect("open");
            let reader = parquet::file::reader::SerializedFileReader::new(file).expect("Parquet");
            rows += parquet::file::reader::FileReader::metadata(&reader)
                .file_metadata()
                .num_rows();
        }
        assert_eq!(rows, 4);
    }

    #[test]
    fn a_discarded_input_held_in_memory_is_never_written() {
        held_back_rows(PENDING_MEMORY_BYTES);
    }

    #[test]
    fn a_discarded_input_too_large_for_memory_leaves_no_file() {
        held_back_rows(0);
    }

    /// Publishes the first file, fails on the others.
    struct FailsAfterOne(LocalDirectory, usize);

    impl Publisher for FailsAfterOne {
        fn staging_path(&mut self, relative: &str) -> Result<PathBuf, String> {
            self.0.staging_path(relative)
        }

        fn publish(&mut self, staged: &Path, relative: &str) -> Result<String, String> {
            self.1 += 1;
            if self.1 > 1 {
                return Err("No space left on device".to_string());
            }
            self.0.publish(staged, relative)
        }

        fn location_of(&self, relative: &str) -> String {
            self.0.location_of(relative)
        }
    }

    #[test]
    fn a_failing_publish_counts_only_the_rows_published() {
        let root = tempfile::tempdir().expect("tempdir");
        let log_type = crate::find_log_type("AWS.VPCDns").expect("AWS.VPCDns");
        let publisher = FailsAfterOne(LocalDirectory::new(root.path().to_path_buf()), 0);
        let options = ParquetOptions {
            run_id: "0123456789abcdef".to_string(),
            publisher: Box::new(publisher),
        };
        let mut sink = ParquetSink::new(log_type, options).expect("sink");
        sink.write_arrow(&two_hours()).expect("written");
        sink.write_arrow(&two_hours()).expect("written");
        let error = sink.finish().expect_err("the second file fails");
        assert!(error.contains("No space left"), "{error}");
        assert_eq!(sink.rows_published(), 2, "one file of the hour's 2 rows");
        assert!(
            sink.summary()
                .starts_with("summary: 2 rows in 1 Parquet file written below "),
            "{}",
            sink.summary()
        );
        drop(sink);
        assert_eq!(files(root.path()).len(), 1);
    }

    /// A gzip input's own files, closed to make room while its rows are held back, are
    /// published with the input or removed with it.
    #[test]
    fn files_of_a_held_back_input_closed_early_follow_the_input() {
        let hours: Vec<String> = (0..(MAX_OPEN_FILES + MAX_CLOSING + 3))
            .map(|hour| format!("2021-02-04T{hour:02}:00:00Z"))
            .collect();
        for keep in [false, true] {
            let root = tempfile::tempdir().expect("tempdir");
            let mut sink = sink(root.path());
            sink.pending_memory_bytes = 0;
            sink.start_input(true).expect("gzip input");
            sink.write_arrow(&events(&hours)).expect("written");
            sink.write_arrow(&events(&hours)).expect("written");
            if !keep {
                sink.discard_input();
            }
            sink.finish().expect("finished");
            let names = files(root.path());
            let rows: i64 = names
                .iter()
                .map(|name| row_count(&root.path().join(name)))
                .sum();
            assert!(
                names.iter().all(|name| name.ends_with(".parquet")),
                "{names:?}"
            );
            let expected = if keep { 2 * hours.len() } else { 0 };
            assert_eq!(rows as usize, expected, "keep {keep}: {names:?}");
            assert_eq!(sink.rows_published() as usize, expected);
        }
    }

    #[test]
    fn more_hours_than_open_files_start_new_files() {
        let root = tempfile::tempdir().expect("tempdir");
        let mut sink = sink(root.path());
        // Hours 0..=9 twice: the first pass closes the oldest files to stay within the limit.
        for _pass in 0..2 {
            let times: Vec<String> = (0..(MAX_OPEN_FILES + 2))
                .map(|hour| format!("2021-02-04T{hour:02}:00:00Z"))
                .collect();
            sink.write_arrow(&events(&times)).expect("written");
        }
        sink.finish().expect("finished");
        let names = files(root.path());
        assert!(
            names.iter().all(|name| name.ends_with(".parquet")),
            "{names:?}"
        );
        // Every hour has a file; the ones closed early got a second one.
        assert!(names.len() > MAX_OPEN_FILES + 2, "{names:?}");
        assert!(names.len() <= 2 * (MAX_OPEN_FILES + 2), "{names:?}");
    }
}
