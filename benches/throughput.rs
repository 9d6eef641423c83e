//! `cargo bench --bench throughput`: the whole `logschema parse` job (read -> parse -> validate ->
//! indicators -> JSON out, and Parquet out) on generated VPC Flow and Route 53 Resolver logs,
//! measured on the release binary, against a hand-written baseline, with gzip and memory figures
//! and an output-unchanged check. See BENCHMARKS.md.
//!
//! Environment:
//! - `LOGSCHEMA_BENCH_RUNS=N`: rounds; each measurement runs once per round and its best run
//!   counts (default 5).
//! - `LOGSCHEMA_BENCH_BIG=1`: also the peak memory (and throughput) on a ~1 GB flow input.
//! - `LOGSCHEMA_BENCH_BIN=PATH`: measure that binary instead of building the release one.
//! - `LOGSCHEMA_BENCH_SAVE_REFERENCE=1`: save this run's output as the new reference.

#[path = "throughput/baseline.rs"]
mod baseline;
#[path = "throughput/data.rs"]
mod data;
#[path = "throughput/run.rs"]
mod run;

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use run::{OutputHash, ParquetRun, Sink, Timing};

const MB: f64 = 1_000_000.0;

/// One log type's job.
struct Job {
    log_type: &'static str,
    /// The log type's schema, for the `--schema` (interpreted) run.
    schema: &'static str,
    plain: PathBuf,
    gzip: PathBuf,
    baseline: fn(&Path, &mut dyn io::Write) -> io::Result<baseline::Counts>,
}

/// What was measured for one log type.
struct Measured {
    log_type: &'static str,
    plain_bytes: u64,
    gzip_bytes: u64,
    records: u64,
    baseline: Timing,
    /// (threads, timing) on plain input.
    binary: Vec<(usize, Timing)>,
    gzip_two_threads: Timing,
    inflate: Timing,
    /// `--format parquet --threads 2` on plain input.
    parquet_two_threads: ParquetRun,
    /// `--schema` (the schema interpreted, not built in), `--threads 1`, on plain input.
    interpreted: Timing,
    output: OutputHash,
    baseline_difference: Option<(u64, String)>,
}

fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0")
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; a filter argument is accepted and ignored.
    match bench() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("throughput bench failed: {error}");
            ExitCode::FAILURE
        }
    }
}

fn bench() -> io::Result<()> {
    println!("{}", machine());
    let target_dir = run::target_dir();
    let data = data::prepare(&target_dir)?;
    let binary = run::product_binary(&target_dir)?;
    println!("binary: {}", binary.display());
    let runs: usize = std::env::var("LOGSCHEMA_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut thread_counts = vec![1, 2];
    if cores > 2 {
        thread_counts.push(cores);
    }

    let jobs = [
        Job {
            log_type: "AWS.VPCFlow",
            schema: "schemas/aws/vpcflow.yml",
            plain: data.flow.clone(),
            gzip: data.flow_gz.clone(),
            baseline: |path, out| baseline::flow(path, out),
        },
        Job {
            log_type: "AWS.VPCDns",
            schema: "schemas/aws/vpcdns.yml",
            plain: data.dns.clone(),
            gzip: data.dns_gz.clone(),
            baseline: |path, out| baseline::dns(path, out),
        },
    ];
    let parquet_dir = data.dir.join("parquet-out");
    let mut results = Vec::new();
    for job in &jobs {
        results.push(measure(
            job,
            &binary,
            runs,
            &thread_counts,
            cores,
            &parquet_dir,
        )?);
    }

    let big = if env_flag("LOGSCHEMA_BENCH_BIG") {
        let path = data::prepare_big(&data)?;
        let bytes = fs::metadata(&path)?.len();
        println!(
            "AWS.VPCFlow ~1 GB: logschema --threads {cores} on {} ...",
            path.display()
        );
        let timing = run::run_binary(&binary, "AWS.VPCFlow", cores, &[&path], Sink::DevNull)?;
        println!("AWS.VPCFlow ~1 GB: logschema --threads {cores} --format parquet ...");
        let parquet = run::run_parquet(&binary, "AWS.VPCFlow", cores, &[&path], &parquet_dir)?;
        Some(Big {
            bytes,
            json: timing,
            parquet,
        })
    } else {
        None
    };

    let reference = check_reference(&data, &results)?;
    println!();
    print!("{}", report(&results, big, cores, runs, &reference));
    Ok(())
}

/// The ~1 GB flow input's runs (`LOGSCHEMA_BENCH_BIG=1`).
#[derive(Clone, Copy)]
struct Big {
    bytes: u64,
    json: Timing,
    parquet: ParquetRun,
}

fn measure(
    job: &Job,
    binary: &Path,
    runs: usize,
    thread_counts: &[usize],
    cores: usize,
    parquet_dir: &Path,
) -> io::Result<Measured> {
    let plain_bytes = fs::metadata(&job.plain)?.len();
    let gzip_bytes = fs::metadata(&job.gzip)?.len();
    let log_type = job.log_type;
    println!("{log_type}: measuring (best of {runs}, the jobs taking turns)...");

    // Round-robin rather than each job's runs back to back: this VM's speed drifts by tens of
    // percent over minutes, and the ratios (logschema against the baseline, gzip against
    // inflating alone) should compare runs made in the same spell.
    let mut binary_best: Vec<run::Best> =
        thread_counts.iter().map(|_| run::Best::default()).collect();
    let mut baseline_best = run::Best::default();
    let mut gzip_best = run::Best::default();
    let mut inflate_best = run::Best::default();
    let mut parquet_best = run::Best::default();
    let mut parquet_bytes = 0;
    let mut interpreted_best = run::Best::default();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join(job.schema);
    let schema_arg = schema.to_string_lossy().into_owned();
    let schema_args = ["--schema", schema_arg.as_str()];
    for _round in 0..runs.max(1) {
        for (best, &threads) in binary_best.iter_mut().zip(thread_counts) {
            best.keep(run::run_binary(
                binary,
                log_type,
                threads,
                &[&job.plain],
                Sink::DevNull,
            )?);
        }
        baseline_best.keep(run::time_in_process(|out| {
            Ok((job.baseline)(&job.plain, out)?.events)
        })?);
        gzip_best.keep(run::run_binary(
            binary,
            log_type,
            2,
            &[&job.gzip],
            Sink::DevNull,
        )?);
        inflate_best.keep(run::inflate_only(&job.gzip)?);
        interpreted_best.keep(run::run_binary_with(
            binary,
            log_type,
            1,
            &schema_args,
            &[&job.plain],
            Sink::DevNull,
        )?);
        let parquet = run::run_parquet(binary, log_type, 2, &[&job.plain], parquet_dir)?;
        parquet_best.keep(parquet.timing);
        parquet_bytes = parquet.bytes;
    }
    let mut binary_timings = Vec::new();
    for (best, &threads) in binary_best.iter().zip(thread_counts) {
        let timing = best.get()?;
        println!(
            "  logschema --threads {threads}: {:.3} s, {} events",
            timing.seconds, timing.events
        );
        binary_timings.push((threads, timing));
    }
    let baseline = baseline_best.get()?;
    println!(
        "  baseline: {:.3} s, {} events",
        baseline.seconds, baseline.events
    );
    let gzip_two_threads = gzip_best.get()?;
    println!(
        "  logschema --threads 2 on gzip: {:.3} s",
        gzip_two_threads.seconds
    );
    let inflate = inflate_best.get()?;
    println!("  flate2 inflate alone: {:.3} s", inflate.seconds);
    let interpreted = interpreted_best.get()?;
    println!(
        "  logschema --threads 1 --schema {}: {:.3} s",
        job.schema, interpreted.seconds
    );
    let parquet_two_threads = ParquetRun {
        timing: parquet_best.get()?,
        bytes: parquet_bytes,
    };
    println!(
        "  logschema --threads 2 --format parquet: {:.3} s, {:.1} MB of Parquet",
        parquet_two_threads.timing.seconds,
        parquet_bytes as f64 / MB
    );

    // Output checks: the binary's normalised output (all cores), and the baseline's against it.
    let mut output = OutputHash::new();
    run::run_binary(
        binary,
        log_type,
        cores,
        &[&job.plain],
        Sink::Hash(&mut output),
    )?;
    let mut baseline_output = OutputHash::comparing_with(&output.line_hashes);
    {
        let mut writer = io::BufWriter::with_capacity(1 << 16, baseline_output.writer());
        (job.baseline)(&job.plain, &mut writer)?;
    }
    let baseline_difference = baseline_output.difference();
    // The interpreted schema's output must be the built-in parser's.
    let mut interpreted_output = OutputHash::new();
    run::run_binary_with(
        binary,
        log_type,
        cores,
        &schema_args,
        &[&job.plain],
        Sink::Hash(&mut interpreted_output),
    )?;
    if interpreted_output.hash != output.hash {
        return Err(io::Error::other(format!(
            "{log_type}: --schema {} wrote other output than the built-in parser",
            job.schema
        )));
    }
    let records = binary_timings[0].1.events;
    let counts = binary_timings
        .iter()
        .map(|(threads, t)| (format!("--threads {threads}"), t.events))
        .chain([
            ("gzip input".to_string(), gzip_two_threads.events),
            (
                "--format parquet".to_string(),
                parquet_two_threads.timing.events,
            ),
            ("the output check".to_string(), output.lines),
            ("--schema".to_string(), interpreted.events),
            ("the baseline".to_string(), baseline.events),
        ]);
    for (what, events) in counts {
        if events != records {
            return Err(io::Error::other(format!(
                "{log_type}: {what} gave {events} events, --threads 1 wrote {records}"
            )));
        }
    }
    Ok(Measured {
        log_type,
        plain_bytes,
        gzip_bytes,
        records,
        baseline,
        binary: binary_timings,
        gzip_two_threads,
        inflate,
        parquet_two_threads,
        interpreted,
        output,
        baseline_difference,
    })
}

/// Compares the normalised output hashes with the saved reference (saving it when there is
/// none for this data, or when asked). Returns the verdict line.
fn check_reference(data: &data::BenchData, results: &[Measured]) -> io::Result<String> {
    let path = data.dir.join("output-reference.txt");
    let mut current = format!("{}\n", data.fingerprint);
    for m in results {
        let _ = writeln!(
            current,
            "{} {:016x} {} {}",
            m.log_type, m.output.hash, m.output.lines, m.output.bytes
        );
    }
    let saved = fs::read_to_string(&path).ok();
    let same_data = saved
        .as_deref()
        .is_some_and(|s| s.lines().next() == Some(data.fingerprint.as_str()));
    if !same_data || env_flag("LOGSCHEMA_BENCH_SAVE_REFERENCE") {
        fs::write(&path, &current)?;
        return Ok(format!(
            "output reference saved to {} (a later run prints \"output unchanged\" or \"OUTPUT CHANGED\")",
            path.display()
        ));
    }
    let saved = saved.unwrap_or_default();
    if saved == current {
        Ok(format!(
            "output unchanged (normalised output hashes equal {})",
            path.display()
        ))
    } else {
        let changed: Vec<&str> = current
            .lines()
            .filter(|line| !saved.lines().any(|s| s == *line))
            .filter_map(|line| line.split(' ').next())
            .collect();
        Ok(format!(
            "OUTPUT CHANGED: {} differs from {} (LOGSCHEMA_BENCH_SAVE_REFERENCE=1 accepts the new output)",
            changed.join(", "),
            path.display()
        ))
    }
}

fn mb_per_s(bytes: u64, t: &Timing) -> f64 {
    bytes as f64 / MB / t.seconds
}

fn krec_per_s(records: u64, t: &Timing) -> f64 {
    records as f64 / 1000.0 / t.seconds
}

fn peak(t: &Timing) -> String {
    if t.peak_kib == 0 {
        "-".to_string()
    } else {
        format!("{:.0}", t.peak_kib as f64 / 1024.0)
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "MET"
    } else {
        "NOT MET"
    }
}

fn report(
    results: &[Measured],
    big: Option<Big>,
    cores: usize,
    runs: usize,
    reference: &str,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Throughput of the whole job, best of {runs}; MB = 10^6 bytes of (uncompressed) input; output to /dev/null."
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "| log type | job | seconds | input MB/s | records/s | peak RSS MiB | ratio |"
    );
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---|");
    for m in results {
        let row = |out: &mut String, job: &str, t: &Timing, ratio: String| {
            let _ = writeln!(
                out,
                "| {} | {job} | {:.3} | {:.1} | {:.0}k | {} | {ratio} |",
                m.log_type,
                t.seconds,
                mb_per_s(m.plain_bytes, t),
                krec_per_s(m.records, t),
                peak(t),
            );
        };
        row(
            &mut out,
            "baseline (hand-written, 1 thread)",
            &m.baseline,
            String::new(),
        );
        let one = m.binary[0].1;
        for (threads, t) in &m.binary {
            let mut ratio = format!("{:.2}x baseline", m.baseline.seconds / t.seconds);
            if *threads != 1 {
                let _ = write!(ratio, ", {:.2}x --threads 1", one.seconds / t.seconds);
            }
            row(
                &mut out,
                &format!("logschema --threads {threads}"),
                t,
                ratio,
            );
        }
        row(
            &mut out,
            &format!(
                "logschema --threads 2, gzip input ({:.1} MB)",
                m.gzip_bytes as f64 / MB
            ),
            &m.gzip_two_threads,
            format!(
                "{:.2}x inflate alone",
                m.gzip_two_threads.seconds / m.inflate.seconds
            ),
        );
        row(&mut out, "flate2 inflate alone", &m.inflate, String::new());
        row(
            &mut out,
            "logschema --threads 1 --schema (interpreted, not built in)",
            &m.interpreted,
            format!(
                "{:.2}x the built-in parser's time (--threads 1)",
                m.interpreted.seconds / one.seconds
            ),
        );
        if let Some(ratio) = parquet_ratio(m) {
            row(
                &mut out,
                &format!(
                    "logschema --threads 2 --format parquet ({:.1} MB of Parquet)",
                    m.parquet_two_threads.bytes as f64 / MB
                ),
                &m.parquet_two_threads.timing,
                format!("{ratio:.2}x the JSON job's throughput (--threads 2)"),
            );
        }
    }
    if let Some(big) = big {
        let bytes = big.bytes;
        for (job, t) in [
            ("", big.json),
            (
                &*format!(
                    " --format parquet ({:.1} MB of Parquet)",
                    big.parquet.bytes as f64 / MB
                ),
                big.parquet.timing,
            ),
        ] {
            let _ = writeln!(
                out,
                "| AWS.VPCFlow | logschema --threads {cores}{job}, {:.2} GB input | {:.3} | {:.1} | {:.0}k | {} | |",
                bytes as f64 / 1e9,
                t.seconds,
                bytes as f64 / MB / t.seconds,
                t.events as f64 / 1000.0 / t.seconds,
                peak(&t),
            );
        }
    }

    let _ = writeln!(out);
    for m in results {
        let _ = writeln!(
            out,
            "{}: {} records, {:.1} MB plain, {:.1} MB gzip; baseline output {}",
            m.log_type,
            m.records,
            m.plain_bytes as f64 / MB,
            m.gzip_bytes as f64 / MB,
            match &m.baseline_difference {
                None => "identical to logschema's (but for p_row_id, p_parse_time)".to_string(),
                Some((line, text)) => format!("DIFFERS from logschema's at line {line}: {text}"),
            }
        );
    }
    let _ = writeln!(out, "{reference}");

    let _ = writeln!(out);
    let _ = writeln!(out, "Targets (issue 4):");
    for m in results {
        let ratio = m.baseline.seconds / m.binary[0].1.seconds;
        let _ = writeln!(
            out,
            "- {}: --threads 1 >= 3x baseline: {ratio:.2}x {}",
            m.log_type,
            verdict(ratio >= 3.0)
        );
    }
    for m in results {
        if let Some((_, two)) = m.binary.iter().find(|(n, _)| *n == 2) {
            let ratio = m.binary[0].1.seconds / two.seconds;
            let _ = writeln!(
                out,
                "- {}: --threads 2 >= 1.7x --threads 1 (plain): {ratio:.2}x {}",
                m.log_type,
                verdict(ratio >= 1.7)
            );
        }
    }
    for m in results {
        let ratio = m.gzip_two_threads.seconds / m.inflate.seconds;
        let _ = writeln!(
            out,
            "- {}: gzip --threads 2 <= 1.25x inflate alone: {ratio:.2}x {}",
            m.log_type,
            verdict(ratio <= 1.25)
        );
        // The gzip job does all of the plain job's work and the inflating too, on the same two
        // cores; inflating one stream cannot be split. So it cannot beat this floor.
        if let Some((_, two)) = m.binary.iter().find(|(n, _)| *n == 2) {
            let floor = two.seconds + m.inflate.seconds / 2.0;
            let _ = writeln!(
                out,
                "  (floor on 2 cores: plain --threads 2 + inflate alone / 2 = {floor:.3} s = \
                 {:.2}x inflate alone; 1.25x needs parsing {:.1}x faster than today)",
                floor / m.inflate.seconds,
                two.seconds / (1.25 * m.inflate.seconds - m.inflate.seconds / 2.0).max(1e-9)
            );
        }
    }
    match big {
        Some(big) => {
            let mib = big.json.peak_kib as f64 / 1024.0;
            let _ = writeln!(
                out,
                "- peak memory < 100 MB on a 1 GB input: {mib:.0} MiB {}",
                verdict(big.json.peak_kib > 0 && mib * 1.048_576 < 100.0)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "- peak memory < 100 MB on a 1 GB input: not measured (LOGSCHEMA_BENCH_BIG=1)"
            );
        }
    }

    let _ = writeln!(out);
    let _ = writeln!(out, "Targets (issue 19, --format parquet):");
    for m in results {
        if let Some(ratio) = parquet_ratio(m) {
            let _ = writeln!(
                out,
                "- {}: Parquet --threads 2 >= 0.8x the JSON job's throughput: {ratio:.2}x {} ({:.1} MB of Parquet)",
                m.log_type,
                verdict(ratio >= 0.8),
                m.parquet_two_threads.bytes as f64 / MB
            );
        }
    }
    match big {
        Some(big) => {
            let mib = big.parquet.timing.peak_kib as f64 / 1024.0;
            let _ = writeln!(
                out,
                "- Parquet peak memory < 200 MiB on the {:.2} GB input: {mib:.0} MiB {}",
                big.bytes as f64 / 1e9,
                verdict(big.parquet.timing.peak_kib > 0 && mib < 200.0)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "- Parquet peak memory < 200 MiB on the 1.15 GB input: not measured (LOGSCHEMA_BENCH_BIG=1)"
            );
        }
    }
    out
}

/// Parquet's throughput over the JSON job's, both at `--threads 2` on plain input: the JSON
/// time over the Parquet time.
fn parquet_ratio(m: &Measured) -> Option<f64> {
    let (_, json) = m.binary.iter().find(|(threads, _)| *threads == 2)?;
    Some(json.seconds / m.parquet_two_threads.timing.seconds)
}

/// nproc, CPU model and memory, from /proc.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let memory = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kib| kib.parse::<f64>().ok())
        })
        .map_or_else(
            || "unknown memory".to_string(),
            |kib| format!("{:.1} GiB", kib / 1024.0 / 1024.0),
        );
    format!("machine: {cores} cores, {cpu}, {memory}")
}
