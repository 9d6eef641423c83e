//! `logschema worker` and `logschema lambda` (features `worker` and `lambda`): arguments, and
//! the set-up both share before handing over to `logschema::worker`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgGroup, Args, ValueEnum};
use logschema::pipeline::lines::DEFAULT_MAX_LINE_BYTES;
use logschema::pipeline::MAX_THREADS;
use logschema::store::is_s3_url;
use logschema::worker::{HandlerOptions, Lake, Routes, WorkerOptions};

/// Where objects go and how they are parsed: the part `worker` and `lambda` share.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("routing").required(true).args(["sources", "log_type"])))]
pub struct LakeArgs {
    /// Routing rules (`sources.yml`): bucket and key prefix or glob -> log type, first match wins.
    #[arg(long, value_name = "FILE")]
    pub sources: Option<PathBuf>,

    /// Every object is this log type (instead of --sources).
    #[arg(long, value_name = "NAME")]
    pub log_type: Option<String>,

    /// The lake: s3://bucket/prefix (tables below it in the Hive layout of `parse --format parquet`).
    #[arg(long, value_name = "S3_URL")]
    pub output: String,

    /// Output format (Parquet is the only one: a lake of JSON lines has no safe replace).
    #[arg(long, value_enum, default_value_t = LakeFormat::Parquet)]
    pub format: LakeFormat,

    /// Parser threads per object [default: the cores divided by --concurrency, at least 1].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS as i64))]
    pub threads: Option<u16>,

    /// Lines longer than N bytes are rejected.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_LINE_BYTES)]
    pub max_line_bytes: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LakeFormat {
    Parquet,
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// The SQS queue receiving the S3 event notifications (its URL).
    #[arg(long, value_name = "SQS_URL")]
    pub queue: String,

    #[command(flatten)]
    pub lake: LakeArgs,

    /// Messages (objects) handled at once.
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,

    /// Long-poll wait per receive, 0 to 20 seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 20, value_parser = clap::value_parser!(u32).range(0..=20))]
    pub wait: u32,

    /// Visibility timeout renewed while an object is parsed [default: the queue's].
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u32).range(1..=43200))]
    pub visibility_timeout: Option<u32>,

    /// A failed message is visible again after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(0..=43200))]
    pub retry_after: u32,

    /// Exit (0) once the queue gave nothing for this many seconds and nothing is in flight
    /// (batch jobs, tests) [default: run until SIGTERM].
    #[arg(long, value_name = "SECONDS")]
    pub exit_when_idle: Option<f64>,
}

#[derive(Debug, Args)]
pub struct LambdaArgs {
    #[command(flatten)]
    pub lake: LakeArgs,
}

struct Prepared {
    routes: Routes,
    lake: Lake,
    handler: HandlerOptions,
}

fn prepare(args: &LakeArgs, concurrency: usize) -> Result<Prepared, String> {
    let LakeFormat::Parquet = args.format;
    if !is_s3_url(&args.output) {
        return Err(format!(
            "--output {}: the worker writes to S3 (s3://bucket/prefix)",
            args.output
        ));
    }
    let routes = match (&args.sources, &args.log_type) {
        (Some(path), _) => Routes::load(path)?,
        (None, Some(name)) => match logschema::find_log_type(name) {
            Some(log_type) => Routes::single(log_type),
            None => return Err(logschema::unknown_log_type_message(name)),
        },
        (None, None) => return Err("--sources FILE or --log-type NAME is needed".to_string()),
    };
    let cores = std::thread::available_parallelism().map_or(1, |cores| cores.get());
    let threads = match args.threads {
        Some(threads) => usize::from(threads),
        None => (cores / concurrency.max(1)).max(1),
    };
    Ok(Prepared {
        routes,
        lake: Lake::connect(&args.output)?,
        handler: HandlerOptions {
            threads,
            max_line_bytes: args.max_line_bytes.max(1),
        },
    })
}

pub fn worker(args: WorkerArgs) -> u8 {
    let concurrency = usize::from(args.concurrency);
    let prepared = match prepare(&args.lake, concurrency) {
        Ok(prepared) => prepared,
        Err(message) => {
            eprintln!("logschema: {message}");
            return 1;
        }
    };
    let exit_when_idle = match args.exit_when_idle {
        None => None,
        Some(seconds) if seconds.is_finite() && seconds >= 0.0 => {
            Some(Duration::from_secs_f64(seconds))
        }
        Some(seconds) => {
            eprintln!("logschema: --exit-when-idle {seconds}: not a number of seconds");
            return 1;
        }
    };
    logschema::worker::run(WorkerOptions {
        queue_url: args.queue,
        routes: prepared.routes,
        output: args.lake.output,
        concurrency,
        handler: prepared.handler,
        wait_seconds: args.wait,
        visibility_timeout: args.visibility_timeout,
        retry_after: args.retry_after,
        exit_when_idle,
    })
}

#[cfg(feature = "lambda")]
pub fn lambda(args: LambdaArgs) -> u8 {
    let prepared = match prepare(&args.lake, 1) {
        Ok(prepared) => prepared,
        Err(message) => {
            eprintln!("logschema: {message}");
            return 1;
        }
    };
    match logschema::worker::lambda::serve(prepared.routes, prepared.lake, prepared.handler) {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("logschema: {message}");
            1
        }
    }
}
