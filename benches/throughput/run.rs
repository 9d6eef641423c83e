//! Running the real product (the release binary) and timing it; inflating alone; the normalised
//! output hash used to check that the output did not change.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The target directory: `CARGO_TARGET_DIR` when set, else `<workspace>/target`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                workspace_dir().join(dir)
            }
        }
        _ => workspace_dir().join("target"),
    }
}

pub fn workspace_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `LOGSCHEMA_BENCH_BIN` when set (to compare another build), else builds the release binary
/// with `cargo build --release --bin logschema --features test-log-types` (the formats bench
/// measures a test-only log type, Test.RegexAccess) and returns `<target>/release/logschema`.
pub fn product_binary(target_dir: &Path) -> io::Result<PathBuf> {
    if let Some(bin) = std::env::var_os("LOGSCHEMA_BENCH_BIN") {
        return Ok(PathBuf::from(bin));
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    println!("building: cargo build --release --bin logschema --features test-log-types");
    let status = Command::new(cargo)
        .args([
            "build",
            "--release",
            "--bin",
            "logschema",
            "--features",
            "test-log-types",
        ])
        .current_dir(workspace_dir())
        .env("CARGO_TARGET_DIR", target_dir)
        .status()?;
    if !status.success() {
        return Err(io::Error::other(format!(
            "cargo build --release failed: {status}"
        )));
    }
    Ok(target_dir
        .join("release")
        .join(format!("logschema{}", std::env::consts::EXE_SUFFIX)))
}

/// One timed run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timing {
    pub seconds: f64,
    pub events: u64,
    /// The process's VmHWM (KiB), 0 when /proc is not available.
    pub peak_kib: u64,
}

/// Where the binary's standard output goes.
pub enum Sink<'a> {
    DevNull,
    Hash(&'a mut OutputHash),
}

/// Runs `logschema parse --log-type TYPE --threads N INPUTS`, standard output to `sink`,
/// returning the wall time, the events written (from the summary) and the peak memory.
pub fn run_binary(
    binary: &Path,
    log_type: &str,
    threads: usize,
    inputs: &[&Path],
    sink: Sink<'_>,
) -> io::Result<Timing> {
    run_binary_with(binary, log_type, threads, &[], inputs, sink)
}

/// One `--format parquet` run: its timing and the bytes of Parquet it wrote.
#[derive(Debug, Clone, Copy, Default)]
pub struct ParquetRun {
    pub timing: Timing,
    pub bytes: u64,
}

/// Runs `logschema parse --log-type TYPE --threads N --format parquet --output DIR INPUTS` into
/// an empty `DIR`, which is removed afterwards.
pub fn run_parquet(
    binary: &Path,
    log_type: &str,
    threads: usize,
    inputs: &[&Path],
    dir: &Path,
) -> io::Result<ParquetRun> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    let output = dir.to_string_lossy().into_owned();
    let timing = run_binary_with(
        binary,
        log_type,
        threads,
        &["--format", "parquet", "--output", &output],
        inputs,
        Sink::DevNull,
    )?;
    let bytes = parquet_bytes(dir)?;
    std::fs::remove_dir_all(dir)?;
    Ok(ParquetRun { timing, bytes })
}

/// The size of the `*.parquet` files below `dir`.
fn parquet_bytes(dir: &Path) -> io::Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            total += parquet_bytes(&path)?;
        } else if path
            .extension()
            .is_some_and(|extension| extension == "parquet")
        {
            total += entry.metadata()?.len();
        }
    }
    Ok(total)
}

/// [`run_binary`] with more arguments after `--threads N`.
pub fn run_binary_with(
    binary: &Path,
    log_type: &str,
    threads: usize,
    extra: &[&str],
    inputs: &[&Path],
    sink: Sink<'_>,
) -> io::Result<Timing> {
    let select = ["--log-type", log_type];
    run_selected(binary, &select, threads, extra, inputs, sink)
}

/// `logschema parse SELECT --threads N EXTRA INPUTS`, where SELECT chooses the log type(s):
/// `--log-type T` or `--log-types A,B,...`.
pub fn run_selected(
    binary: &Path,
    select: &[&str],
    threads: usize,
    extra: &[&str],
    inputs: &[&Path],
    sink: Sink<'_>,
) -> io::Result<Timing> {
    let mut command = Command::new(binary);
    command
        .arg("parse")
        .args(select)
        .arg("--threads")
        .arg(threads.to_string())
        .args(extra)
        .args(inputs)
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    match sink {
        Sink::DevNull => command.stdout(Stdio::null()),
        Sink::Hash(_) => command.stdout(Stdio::piped()),
    };
    let started = Instant::now();
    let mut child = command.spawn()?;
    let pid = child.id();

    let done = Arc::new(AtomicBool::new(false));
    let monitor = {
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let mut peak = 0;
            while !done.load(Ordering::Relaxed) {
                if let Some(kib) = vm_hwm_kib(pid) {
                    peak = peak.max(kib);
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            peak
        })
    };
    let stderr = child.stderr.take().expect("stderr is piped");
    let messages = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = BufReader::new(stderr).read_to_string(&mut text);
        text
    });
    if let Sink::Hash(hash) = sink {
        let stdout = child.stdout.take().expect("stdout is piped");
        hash.read_all(BufReader::with_capacity(1 << 20, stdout))?;
    }
    let status = child.wait()?;
    let seconds = started.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let peak_kib = monitor.join().unwrap_or(0);
    let messages = messages.join().unwrap_or_default();
    if !status.success() {
        let tail: Vec<&str> = messages.lines().rev().take(5).collect();
        return Err(io::Error::other(format!(
            "{} exited with {status}: {}",
            binary.display(),
            tail.join(" | ")
        )));
    }
    let events = messages
        .lines()
        .find_map(|line| line.strip_prefix("summary: total: "))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    Ok(Timing {
        seconds,
        events,
        peak_kib,
    })
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The fastest of several runs of one measurement (the machine is shared: noise only adds time);
/// the peak memory is the highest seen.
#[derive(Default)]
pub struct Best(Option<Timing>);

impl Best {
    pub fn keep(&mut self, timing: Timing) {
        self.0 = Some(match self.0.take() {
            Some(best) if best.seconds <= timing.seconds => Timing {
                peak_kib: best.peak_kib.max(timing.peak_kib),
                ..best
            },
            Some(best) => Timing {
                peak_kib: best.peak_kib.max(timing.peak_kib),
                ..timing
            },
            None => timing,
        });
    }

    pub fn get(&self) -> io::Result<Timing> {
        self.0
            .ok_or_else(|| io::Error::other("a measurement was never run"))
    }
}

/// Inflates a gzip file with flate2 (multi-member, as logschema reads it) and throws the text
/// away: the floor for any gzip job.
pub fn inflate_only(path: &Path) -> io::Result<Timing> {
    let started = Instant::now();
    let file = File::open(path)?;
    let mut decoder =
        flate2::read::MultiGzDecoder::new(io::BufReader::with_capacity(1 << 16, file));
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = decoder.read(&mut buf)?;
        if n == 0 {
            break;
        }
        total += n as u64;
    }
    std::hint::black_box(total);
    Ok(Timing {
        seconds: started.elapsed().as_secs_f64(),
        events: 0,
        peak_kib: 0,
    })
}

/// Times an in-process job (the baseline) writing to /dev/null.
pub fn time_in_process<F>(job: F) -> io::Result<Timing>
where
    F: FnOnce(&mut dyn Write) -> io::Result<u64>,
{
    let mut out = io::BufWriter::with_capacity(1 << 16, File::create("/dev/null")?);
    let started = Instant::now();
    let events = job(&mut out)?;
    Ok(Timing {
        seconds: started.elapsed().as_secs_f64(),
        events,
        peak_kib: 0,
    })
}

/// A hash of the output with `p_row_id` and `p_parse_time` values left out (they change every
/// run), plus one hash per line to locate a first difference.
#[derive(Default)]
pub struct OutputHash {
    pub hash: u64,
    pub lines: u64,
    pub bytes: u64,
    pub line_hashes: Vec<u64>,
    /// When comparing against `expected`: the first differing line (1-based) and its text.
    pub first_difference: Option<(u64, String)>,
    expected: Option<Vec<u64>>,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

impl OutputHash {
    pub fn new() -> Self {
        OutputHash {
            hash: FNV_OFFSET,
            ..Default::default()
        }
    }

    /// Also compares line by line with `expected` (another run's `line_hashes`).
    pub fn comparing_with(expected: &[u64]) -> Self {
        OutputHash {
            expected: Some(expected.to_vec()),
            ..Self::new()
        }
    }

    pub fn read_all<R: BufRead>(&mut self, mut reader: R) -> io::Result<()> {
        let mut line = Vec::with_capacity(4096);
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line)? == 0 {
                return Ok(());
            }
            self.add_line(&line);
        }
    }

    pub fn writer(&mut self) -> HashWriter<'_> {
        HashWriter {
            hash: self,
            pending: Vec::new(),
        }
    }

    fn add_line(&mut self, line: &[u8]) {
        let line = normalise(line);
        let line_hash = fnv(FNV_OFFSET, &line);
        self.hash = fnv(self.hash, &line);
        self.bytes += line.len() as u64;
        if let Some(expected) = &self.expected {
            if self.first_difference.is_none()
                && expected.get(self.line_hashes.len()) != Some(&line_hash)
            {
                self.first_difference = Some((
                    self.lines + 1,
                    String::from_utf8_lossy(&line).trim_end().to_string(),
                ));
            }
        }
        self.line_hashes.push(line_hash);
        self.lines += 1;
    }

    /// The first line where this output and the expected one differ (a shorter output too).
    pub fn difference(&self) -> Option<(u64, String)> {
        let expected = self.expected.as_ref()?;
        self.first_difference.clone().or_else(|| {
            (expected.len() != self.line_hashes.len()).then(|| {
                (
                    self.lines.min(expected.len() as u64) + 1,
                    format!("({} lines here, {} expected)", self.lines, expected.len()),
                )
            })
        })
    }
}

/// Replaces the values of `"p_row_id"` and `"p_parse_time"` with nothing.
fn normalise(line: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(line.len());
    let mut rest = line;
    for key in [&b"\"p_row_id\":\""[..], &b"\"p_parse_time\":\""[..]] {
        if let Some(at) = memchr::memmem::find(rest, key) {
            let value_start = at + key.len();
            out.extend_from_slice(&rest[..value_start]);
            let value_len = memchr::memchr(b'"', &rest[value_start..]).unwrap_or(0);
            rest = &rest[value_start + value_len..];
        }
    }
    out.extend_from_slice(rest);
    out
}

/// A `Write` feeding whole lines into an `OutputHash` (for the in-process baseline).
pub struct HashWriter<'a> {
    hash: &'a mut OutputHash,
    pending: Vec<u8>,
}

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if let Some(last_newline) = memchr::memrchr(b'\n', &self.pending) {
            let complete: Vec<u8> = self.pending.drain(..=last_newline).collect();
            for line in complete.split_inclusive(|&b| b == b'\n') {
                self.hash.add_line(line);
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for HashWriter<'_> {
    fn drop(&mut self) {
        if !self.pending.is_empty() {
            let rest = std::mem::take(&mut self.pending);
            self.hash.add_line(&rest);
        }
    }
}
