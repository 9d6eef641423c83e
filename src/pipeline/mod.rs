//! `logschema parse`: streams every input through a log type's parser, in parallel, writing the
//! events in input order.
//!
//! One reader thread opens the inputs in order (`input`), splits them into lines (`lines`), frames
//! them (`runtime::Framer`) and groups records into batches (`batch`). A pool of worker threads
//! parses the batches (`parse`); the calling thread writes their results in submission order
//! (`ordered`, `output`) and counts them (`report`). Memory stays bounded by the batch size times
//! the number of batches in flight, whatever the input size.

pub mod batch;
pub mod classify;
pub mod destination;
pub mod gzip;
pub mod input;
pub mod json_stream;
pub mod lines;
pub mod ordered;
pub mod output;
pub mod parse;
pub mod progress;
pub mod reader;
pub mod report;
pub mod sink;
pub mod splitter;

use std::hash::{BuildHasher, Hasher};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use classify::Candidates;
use input::InputArg;
use output::{Output, RejectsFile};
use parse::RunMeta;
use progress::Progress;
use reader::Reader;
use sink::{EventSink, JsonLines, Stop};

/// The most worker threads a run takes (`--threads`). Parsing is bound by the cores, so more
/// threads than cores only add overhead; and idle workers look for work in one another's
/// queues, so starting N of them costs N squared (10,000 took over a minute).
pub const MAX_THREADS: usize = 1024;

/// Everything `logschema parse` was asked to do.
#[derive(Debug, Clone)]
pub struct ParseOptions {
    /// The log types tried on each record: one (`--log-type`) or several (`--log-types`).
    pub candidates: Candidates,
    pub inputs: Vec<InputArg>,
    /// 1 to [`MAX_THREADS`].
    pub threads: usize,
    /// Longer lines are rejected (`lines::DEFAULT_MAX_LINE_BYTES` unless `--max-line-bytes`).
    pub max_line_bytes: usize,
    pub rejects: Option<PathBuf>,
    pub source_id: Option<String>,
    pub source_label: Option<String>,
    /// The first half of every `p_row_id` ([`random_run_id`] unless a test needs it fixed); it
    /// also names the Parquet files of the run.
    pub run_id: u64,
    pub progress: Progress,
}

/// How a run ended; the process exit code follows from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    /// Every record parsed (or standard output was closed early).
    Success,
    /// Some records were rejected; all the others were written.
    SomeRejected,
    /// Something could not be read or written.
    Failed,
}

impl RunStatus {
    pub fn exit_code(self) -> u8 {
        match self {
            RunStatus::Success => 0,
            RunStatus::Failed => 1,
            RunStatus::SomeRejected => 2,
        }
    }
}

/// Runs the pipeline, writing events as JSON lines to `events` and messages (rejections, errors,
/// the summary) to `messages`.
pub fn run<W: Write, E: Write>(options: &ParseOptions, events: W, messages: E) -> RunStatus {
    run_into(options, JsonLines::new(events, "standard output"), messages)
}

/// Runs the pipeline, handing events to `sink`.
pub fn run_into<S: EventSink, E: Write>(options: &ParseOptions, sink: S, messages: E) -> RunStatus {
    run_summarised(options, sink, messages).0
}

/// [`run_into`], also returning the counts per input (`logschema worker` logs them).
pub fn run_summarised<S: EventSink, E: Write>(
    options: &ParseOptions,
    sink: S,
    messages: E,
) -> (RunStatus, report::Summary) {
    let status = run_counted(options, sink, messages);
    (status.0, status.1.unwrap_or_default())
}

fn run_counted<S: EventSink, E: Write>(
    options: &ParseOptions,
    sink: S,
    messages: E,
) -> (RunStatus, Option<report::Summary>) {
    if options.threads > MAX_THREADS {
        let message = format!(
            "{} worker threads asked for: at most {MAX_THREADS}",
            options.threads
        );
        report_fatal(messages, &message);
        return (RunStatus::Failed, None);
    }
    let framing = match options.candidates.framing() {
        Ok(framing) => framing,
        Err(message) => {
            report_fatal(messages, &message);
            return (RunStatus::Failed, None);
        }
    };
    let rejects = match &options.rejects {
        None => None,
        Some(path) => match RejectsFile::open(path) {
            Ok(rejects) => Some(rejects),
            Err(error) => {
                let path = crate::escape::path(path);
                report_fatal(
                    messages,
                    &format!("{path}: cannot open the rejects file: {error}"),
                );
                return (RunStatus::Failed, None);
            }
        },
    };
    let pool = match ordered::worker_pool(options.threads) {
        Ok(pool) => pool,
        Err(error) => {
            report_fatal(messages, &format!("cannot start worker threads: {error}"));
            return (RunStatus::Failed, None);
        }
    };
    let run_meta = Arc::new(RunMeta {
        row_id_prefix: options.run_id,
        source_id: options.source_id.clone(),
        source_label: options.source_label.clone(),
        arrow_schemas: sink.arrow_schemas(),
    });
    let type_names = options
        .candidates
        .log_types()
        .iter()
        .map(|log_type| log_type.name.to_string())
        .collect();
    let mut output = Output::new(sink, messages, rejects, options.progress.clone());
    output.summary.log_types = type_names;
    let candidates = Arc::new(options.candidates.clone());
    // Enough batches in flight to keep every worker busy while the writer catches up.
    let in_flight = options.threads.max(1) * 2 + 2;
    let (sender, receiver) = ordered::ordered_channel(&pool, in_flight);

    let (stop, reader_panicked) = std::thread::scope(|scope| {
        let reader = Reader::new(
            candidates,
            framing,
            run_meta,
            sender,
            options.max_line_bytes,
            options.progress.clone(),
        );
        let reading = scope.spawn(move || reader.read_all(&options.inputs));
        let mut stop = None;
        for item in receiver {
            if let Err(error) = output.deliver(item) {
                stop = Some(error);
                // Dropping the receiver (end of loop) tells the reader to stop.
                break;
            }
        }
        // A reader that stopped because we stopped is fine; a panic is an internal error.
        (stop, reading.join().is_err())
    });

    let stop = stop.or_else(|| output.finish().err());
    match stop {
        Some(Stop::BrokenPipe) => return (RunStatus::Success, Some(output.summary)),
        Some(Stop::Fatal(message)) => {
            output.message(&format!("logschema: {message}"));
            output.failed = true;
        }
        None => {}
    }
    if reader_panicked {
        output.message("logschema: internal error: reading the inputs stopped");
        output.failed = true;
    }
    output.count_kept();
    output.write_summary();
    let status = if output.failed || output.summary.any_failed() {
        RunStatus::Failed
    } else if output.summary.total_rejected() > 0 {
        RunStatus::SomeRejected
    } else {
        RunStatus::Success
    };
    (status, Some(output.summary))
}

fn report_fatal<E: Write>(mut messages: E, message: &str) {
    let _ = writeln!(messages, "logschema: {message}");
}

/// One random number per process: std seeds every `RandomState` randomly.
pub fn random_run_id() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_nanos())
            .unwrap_or_default(),
    );
    hasher.write_u32(std::process::id());
    hasher.finish()
}
