//! The commands: parse logs, list and show log types, run schema tests.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use super::{Cli, Command, DdlArgs, DialectArg, Format, ParseArgs};
use logschema::escape;
use logschema::lake::ddl::{self, Dialect};
use logschema::lake::parquet_sink::{LocalDirectory, Publisher};
use logschema::lake::s3_publisher::S3Prefix;
use logschema::lake::LakeTables;
use logschema::pipeline::classify::{self, Candidates};
use logschema::pipeline::destination::{refuse_overlaps, OutputFile, Written};
use logschema::pipeline::progress::Progress;
use logschema::pipeline::sink::{
    s3_object_writer, BackgroundSink, CompletedJsonLines, JsonLines, StagedFile,
};
use logschema::pipeline::{self, input::InputArg, ParseOptions};
use logschema::runtime::LogType;
use logschema::store::is_s3_url;
use logschema::LogTypeSet;

/// The `logschema` command line with the built-in log types only: the shipped binary.
pub fn main() -> ExitCode {
    main_with(&[])
}

/// The `logschema` command line with the built-in log types and `own` (a crate's own schemas,
/// from [`include_log_types!`](crate::include_log_types)): `list`, `show`, `parse`, `test`,
/// `ddl` know them all, and the staleness warning looks at each set's schema files.
pub fn main_with(own: &[&'static LogTypeSet]) -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // Help and version go to standard output and succeed; usage errors exit 1, since
            // exit status 2 means "some records were rejected".
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    // The registry, filled once: every command finds its log types through it (find_log_type).
    if let Err(message) = logschema::add_log_types(own) {
        return fatal(&message);
    }
    let uses_built_in_schemas = match &cli.command {
        Command::Show { .. } => true,
        // With --schema the schemas being worked on are read from disk: "rebuild" would mislead.
        Command::Parse(args) => args.schema.is_empty(),
        Command::Test { schema, .. } => schema.is_empty(),
        _ => false,
    };
    if uses_built_in_schemas {
        // These use the compiled-in schemas: say so when the checkout's have changed since.
        if let Some(warning) = logschema::staleness::check_current_dir() {
            eprintln!("{warning}");
        }
    }
    match cli.command {
        Command::Parse(args) => parse(args),
        Command::List => list(),
        Command::Show { log_type } => show(&log_type),
        Command::Test { schema, paths } => test(&schema, paths),
        Command::Check { paths } => ExitCode::from(super::check::run(&paths)),
        Command::Infer {
            name,
            from_unknown,
            parser,
            delimiter,
            tests,
            paths,
        } => {
            let samples = match parser {
                super::InferParser::Json => super::infer::Samples::Json { from_unknown },
                super::InferParser::Csv => super::infer::Samples::Csv { delimiter },
            };
            ExitCode::from(super::infer::run(&name, samples, tests.as_deref(), &paths))
        }
        Command::Diff(args) => ExitCode::from(super::diff::run(&args)),
        Command::Ddl(args) => table_ddl(&args),
        #[cfg(feature = "worker")]
        Command::Worker(args) => ExitCode::from(super::worker::worker(args)),
        #[cfg(feature = "lambda")]
        Command::Lambda(args) => ExitCode::from(super::worker::lambda(args)),
    }
}

fn parse(args: ParseArgs) -> ExitCode {
    let loaded = if args.schema.is_empty() {
        Vec::new()
    } else {
        match super::schema_option::load("parse", &args.schema) {
            Ok(loaded) => loaded,
            Err(status) => return ExitCode::from(status),
        }
    };
    let candidates = match choose_candidates(&args, &loaded) {
        Ok(candidates) => candidates,
        Err(message) => return fatal(&message),
    };
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map_or(1, |cores| cores.get())
            .min(pipeline::MAX_THREADS)
    });
    let options = ParseOptions {
        candidates,
        inputs: InputArg::from_args(&args.paths),
        threads,
        max_line_bytes: args.max_line_bytes,
        rejects: args.rejects,
        source_id: args.source_id,
        source_label: args.source_label,
        run_id: pipeline::random_run_id(),
        progress: if args.no_progress {
            Progress::hidden()
        } else {
            Progress::for_stderr()
        },
    };
    let output_file = match (args.format, args.output.as_deref()) {
        (Format::Json, Some(path)) if !is_s3_url(path) => match OutputFile::resolve(path) {
            Ok(file) => Some(file),
            Err(message) => return fatal(&message),
        },
        _ => None,
    };
    let output = args.output.as_deref();
    if let Err(message) = check_destinations(&options, args.format, output, output_file.as_ref()) {
        return fatal(&message);
    }
    // Not locked for the whole run: the progress bar draws on standard error from its own thread.
    let stderr = io::BufWriter::new(io::stderr());
    let status = match (args.format, args.output.as_deref()) {
        (Format::Json, None) => pipeline::run(&options, io::stdout().lock(), stderr),
        (Format::Json, Some(url)) if is_s3_url(url) => match s3_object_writer(url) {
            Ok(object) => {
                let name = escape::name(url);
                pipeline::run_into(&options, CompletedJsonLines::new(object, &name), stderr)
            }
            Err(message) => return fatal(&message),
        },
        (Format::Json, Some(path)) => match output_file {
            Some(OutputFile::Staged(target)) => match StagedFile::create(&target) {
                Ok(file) => {
                    let name = escape::name(path);
                    pipeline::run_into(&options, CompletedJsonLines::new(file, &name), stderr)
                }
                Err(message) => return fatal(&message),
            },
            Some(OutputFile::Direct(target)) => {
                // Appended: what a descriptor has open keeps what is there (`>>`).
                match std::fs::OpenOptions::new().append(true).open(&target) {
                    Ok(file) => {
                        let name = escape::name(path);
                        pipeline::run_into(&options, JsonLines::new(file, &name), stderr)
                    }
                    Err(error) => {
                        return fatal(&format!("{}: cannot open: {error}", escape::name(path)))
                    }
                }
            }
            Some(OutputFile::Stdout) | None => pipeline::run(&options, io::stdout().lock(), stderr),
        },
        (Format::Parquet, None) => {
            return fatal("--format parquet needs --output DIR (or s3://bucket/prefix)")
        }
        (Format::Parquet, Some(location)) => {
            let run_id = format!("{:016x}", options.run_id);
            let publisher = || -> Result<Box<dyn Publisher>, String> {
                Ok(if is_s3_url(location) {
                    Box::new(S3Prefix::connect(location)?)
                } else {
                    Box::new(LocalDirectory::new(PathBuf::from(location)))
                })
            };
            match LakeTables::new(options.candidates.log_types(), &run_id, publisher) {
                Ok(sink) => pipeline::run_into(&options, BackgroundSink::spawn(sink), stderr),
                Err(message) => return fatal(&message),
            }
        }
    };
    ExitCode::from(status.exit_code())
}

/// The log types to try on each record: `--log-type`, `--log-types`, or every one.
/// `loaded`: the log types of `--schema`, which come first and replace built-in ones of the
/// same name.
fn choose_candidates(args: &ParseArgs, loaded: &[&'static LogType]) -> Result<Candidates, String> {
    if !loaded.is_empty() {
        super::schema_option::note_shadowing_all(loaded);
    }
    let log_types = match (&args.log_type, args.log_types.as_slice()) {
        (Some(name), _) => {
            return super::schema_option::select(loaded, name).map(Candidates::one);
        }
        (None, []) if !loaded.is_empty() => loaded.to_vec(),
        (None, []) => return Candidates::every(logschema::log_types()).map(|(every, _)| every),
        (None, patterns) => classify::select(patterns, &super::schema_option::registry(loaded))?,
    };
    Candidates::new(log_types)
}

/// Refuses, before anything is read or created, a run that would read what it writes.
fn check_destinations(
    options: &ParseOptions,
    format: Format,
    output: Option<&str>,
    output_file: Option<&OutputFile>,
) -> Result<(), String> {
    let mut written = Vec::new();
    let parquet_directory = match (format, output) {
        (Format::Parquet, Some(location)) if !is_s3_url(location) => Some(Path::new(location)),
        _ => None,
    };
    if let Some(path) = output_file.and_then(OutputFile::path).or(parquet_directory) {
        written.push(Written {
            role: "output",
            path,
        });
    }
    if let Some(path) = &options.rejects {
        written.push(Written {
            role: "rejects file",
            path,
        });
    }
    refuse_overlaps(&options.inputs, &written)
}

fn table_ddl(args: &DdlArgs) -> ExitCode {
    let Some(log_type) = find_log_type(&args.log_type) else {
        return ExitCode::from(1);
    };
    let options = ddl::DdlOptions {
        dialect: match args.dialect {
            DialectArg::Athena => Dialect::Athena,
            DialectArg::Duckdb => Dialect::DuckDb,
            DialectArg::Snowflake => Dialect::Snowflake,
        },
        location: args.location.clone(),
        years: args.years,
    };
    match ddl::table_ddl(log_type, &options) {
        Ok(sql) => print_stdout(&sql),
        Err(message) => fatal(&message),
    }
}

/// An error that stops the command before it starts: one line on standard error, exit 1.
fn fatal(message: &str) -> ExitCode {
    eprintln!("logschema: {message}");
    ExitCode::from(1)
}

fn list() -> ExitCode {
    let mut text = String::new();
    let width = logschema::log_types()
        .iter()
        .map(|log_type| log_type.name.len())
        .max()
        .unwrap_or(0);
    for log_type in logschema::log_types() {
        let description = log_type
            .description
            .unwrap_or("")
            .lines()
            .next()
            .unwrap_or("");
        text.push_str(format!("{:width$}  {description}", log_type.name).trim_end());
        text.push('\n');
    }
    print_stdout(&text)
}

fn show(name: &str) -> ExitCode {
    match find_log_type(name) {
        Some(log_type) => print_stdout(&super::show::describe(log_type)),
        None => ExitCode::from(1),
    }
}

fn test(schema: &[PathBuf], mut paths: Vec<PathBuf>) -> ExitCode {
    let loaded = if schema.is_empty() {
        Vec::new()
    } else {
        match super::schema_option::load("test", schema) {
            Ok(loaded) => loaded,
            Err(status) => return ExitCode::from(status),
        }
    };
    if paths.is_empty() {
        paths = if schema.is_empty() {
            vec![PathBuf::from("schemas")]
        } else {
            super::schema_option::test_paths(schema)
        };
    }
    super::schema_option::note_shadowing_all(&loaded);
    let report = logschema::testing::run_paths_among(&paths, &loaded);
    let mut text = Vec::new();
    // Writing to memory cannot fail.
    let _ = report.write_to(&mut text);
    let printed = print_stdout(&String::from_utf8_lossy(&text));
    if report.success() {
        printed
    } else {
        ExitCode::from(1)
    }
}

/// The named log type; otherwise an error line naming the ones that exist. Every command finds
/// its log type here.
fn find_log_type(name: &str) -> Option<&'static LogType> {
    let found = logschema::find_log_type(name);
    if found.is_none() {
        eprintln!("logschema: {}", logschema::unknown_log_type_message(name));
    }
    found
}

/// Prints to standard output; a closed pipe is not an error.
pub(super) fn print_stdout(text: &str) -> ExitCode {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("logschema: cannot write standard output: {error}");
            ExitCode::from(1)
        }
    }
}
