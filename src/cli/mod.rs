//! The `logschema` command line: its arguments (this file), the commands (`run`), and the
//! entry points [`main`] (the built-in log types) and [`main_with`] (a crate's own too).

pub mod check;
pub mod diff;
pub mod infer;
mod run;
mod schema_files;
pub mod schema_option;
pub mod show;
#[cfg(feature = "worker")]
pub mod worker;

use run::print_stdout;
pub use run::{main, main_with};

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use logschema::pipeline::lines::DEFAULT_MAX_LINE_BYTES;
use logschema::pipeline::MAX_THREADS;

#[derive(Debug, Parser)]
#[command(
    name = "logschema",
    version,
    about = "Parse logs with parsers generated from YAML log schemas"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse log files into normalised JSON events, one per line on standard output.
    Parse(ParseArgs),
    /// List the log types (name and description).
    List,
    /// Describe a log type: parser, fields and event time.
    Show {
        /// The log type, e.g. AWS.VPCFlow.
        log_type: String,
    },
    /// Run the *_tests.yml test cases found below the given paths.
    Test {
        /// Run these schema files (or every schema below these directories) without building,
        /// instead of built-in log types of the same names. Without PATHs the tests run are the
        /// directories' own and a file's <name>_tests.yml.
        #[arg(long, value_name = "FILE|DIR")]
        schema: Vec<PathBuf>,
        /// Test files or directories searched recursively [default: schemas].
        paths: Vec<PathBuf>,
    },
    /// Check schema files without building: print every problem like the build does (exit 1).
    Check {
        /// Schema files or directories searched recursively (`*_tests.yml` files are skipped).
        #[arg(default_value = "schemas")]
        paths: Vec<PathBuf>,
    },
    /// Compare two versions of the schemas: breaking changes, warnings and information.
    Diff(diff::DiffArgs),
    /// Print the table definition (CREATE TABLE or VIEW) over `parse --format parquet` output.
    Ddl(DdlArgs),
    /// Draft a schema from sample JSON records: types, required keys, time formats, indicators.
    Infer {
        /// The log type's name in the schema.
        #[arg(long, default_value = "Custom.Inferred")]
        name: String,
        /// The inputs are events of a schema with fieldDiscoveryEnabled: draft the fields their
        /// `p_unknown` objects hold.
        #[arg(long)]
        from_unknown: bool,
        /// How the samples are written: JSON records, or text lines of delimited values (`csv`:
        /// the delimiter, a header line or `#Fields` line and the types are guessed).
        #[arg(long, value_enum, default_value_t = InferParser::Json)]
        parser: InferParser,
        /// csv: the delimiter, one character (`--delimiter ' '`, `--delimiter $'\t'`)
        /// [default: guessed among tab, `,`, `;`, `|` and space].
        #[arg(long, value_name = "CHAR", value_parser = one_char)]
        delimiter: Option<char>,
        /// Also write test cases to FILE (`<name>_tests.yml` beside the schema): the first
        /// samples as inputs, the draft's own events as results, so the log type is tested from
        /// its first commit. Review them as you review the draft.
        #[arg(long, value_name = "FILE")]
        tests: Option<PathBuf>,
        /// Sample files or directories (gzip is read too); none or `-`: standard input.
        paths: Vec<PathBuf>,
    },
    /// Take S3 event notifications from an SQS queue and parse each new object into the lake.
    #[cfg(feature = "worker")]
    Worker(worker::WorkerArgs),
    /// Run as an AWS Lambda function with an SQS event source (docs/workers.md).
    #[cfg(feature = "lambda")]
    Lambda(worker::LambdaArgs),
}

/// The samples' format for `infer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InferParser {
    Json,
    Csv,
}

/// How events are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per line, to standard output or the --output file.
    Json,
    /// Hive-partitioned Parquet files below the --output directory.
    Parquet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DialectArg {
    Athena,
    Duckdb,
    Snowflake,
}

#[derive(Debug, Args)]
pub struct DdlArgs {
    /// The log type, e.g. AWS.VPCFlow.
    #[arg(value_name = "TYPE")]
    pub log_type: String,

    /// The query engine.
    #[arg(long, value_enum)]
    pub dialect: DialectArg,

    /// Where `parse --format parquet --output` wrote: s3://bucket/prefix (Athena, DuckDB), a
    /// directory (DuckDB) or a stage over it, @stage/path (Snowflake).
    #[arg(long, value_name = "URI")]
    pub location: String,

    /// Athena: the years partition projection covers, FIRST,LAST.
    #[arg(long, value_name = "FIRST,LAST", value_parser = year_range, default_value = "2010,2050")]
    pub years: (u32, u32),
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// The log type of every input, e.g. AWS.VPCFlow (see `logschema list`); with --schema
    /// a loaded one first, else a built-in one.
    #[arg(long, value_name = "TYPE", conflicts_with = "log_types")]
    pub log_type: Option<String>,

    /// Classify each record among these log types: names or globs, comma-separated
    /// (`AWS.VPCFlow,AWS.VPCDns`, `'AWS.*'`); the first that accepts a record wins. Without
    /// --log-type or --log-types, every log type is a candidate (with --schema, every loaded one).
    #[arg(long, value_name = "TYPES", value_delimiter = ',')]
    pub log_types: Vec<String>,

    /// Parse with this schema file (or the schemas below this directory) without building:
    /// the YAML is checked and interpreted at startup, with the same output as a built-in
    /// log type, which a loaded one of the same name replaces. Repeatable.
    #[arg(long, value_name = "FILE|DIR")]
    pub schema: Vec<PathBuf>,

    /// How events are written.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,

    /// JSON: a file, or s3://bucket/key [default: standard output]. Parquet (required): a
    /// directory or s3://bucket/prefix, below which go
    /// <table>/year=YYYY/month=MM/day=DD/hour=HH/<file>.parquet.
    #[arg(long, value_name = "PATH|URI")]
    pub output: Option<String>,

    /// Never show the progress bar (it shows only when standard error is a terminal and the CI
    /// variable is not set).
    #[arg(long)]
    pub no_progress: bool,

    /// Append rejected records to FILE, one JSON line each: {"path", "line", "error", "raw"}.
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,

    /// Worker threads parsing in parallel, 1 to 1024 [default: the number of cores].
    #[arg(long, value_name = "N", value_parser = thread_count)]
    pub threads: Option<usize>,

    /// Lines longer than N bytes are rejected (and skipped without being held in memory).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_LINE_BYTES, value_parser = positive_usize)]
    pub max_line_bytes: usize,

    /// Written to every event as p_source_id.
    #[arg(long, value_name = "ID")]
    pub source_id: Option<String>,

    /// Written to every event as p_source_label.
    #[arg(long, value_name = "LABEL")]
    pub source_label: Option<String>,

    /// Files (plain or gzip), directories (every file below, sorted), s3://bucket/prefix (every
    /// object below, sorted) or `-` for standard input [default: standard input].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

fn positive_usize(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_string()),
        Ok(value) => Ok(value),
        Err(error) => Err(error.to_string()),
    }
}

fn one_char(text: &str) -> Result<char, String> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c != '"' && c != '\n' && c != '\r' => Ok(c),
        _ => Err("must be one character, not a quote or a line end".to_string()),
    }
}

fn thread_count(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_string()),
        Ok(count) if count > MAX_THREADS => Err(format!(
            "must be at most {MAX_THREADS}: parsing is bound by the cores, and each idle worker \
             costs every other one time"
        )),
        Ok(count) => Ok(count),
        Err(error) => Err(error.to_string()),
    }
}

fn year_range(text: &str) -> Result<(u32, u32), String> {
    let (first, last) = text
        .split_once(',')
        .ok_or_else(|| "expected FIRST,LAST, e.g. 2010,2050".to_string())?;
    let parse = |year: &str| {
        year.trim()
            .parse::<u32>()
            .ok()
            .filter(|year| (1..=9999).contains(year))
            .ok_or_else(|| format!("{year:?} is not a year"))
    };
    let (first, last) = (parse(first)?, parse(last)?);
    if first > last {
        return Err(format!("{first} is after {last}"));
    }
    Ok((first, last))
}
