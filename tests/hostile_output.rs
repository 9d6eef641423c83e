//! Hostile destinations through the built binary: `--output` at a symbolic link, a FIFO, a full
//! device or `-`; outputs that are also inputs; runs sharing an output or rejects file; a gzip
//! member that fails its check; outputs that fail part-way. Nothing forged, nothing destroyed,
//! nothing lost without saying so (docs/limits.md).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use flate2::write::GzEncoder;
use serde_json::Value;

mod common;
use common::*;

const VPCFLOW_HEADER: &str = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";

fn vpcflow_line(index: usize) -> String {
    format!(
        "2 123456789010 eni-1 10.0.{}.{} 172.31.16.21 {} 443 6 1 40 {} {} ACCEPT OK",
        index / 250 % 250,
        index % 250,
        1024 + index % 60000,
        1_600_000_000 + index,
        1_600_000_060 + index
    )
}

/// Flow log records `from..to` (no header).
fn vpcflow_records(from: usize, to: usize) -> String {
    (from..to).map(|index| vpcflow_line(index) + "\n").collect()
}

fn vpcflow_text(records: usize) -> String {
    format!("{VPCFLOW_HEADER}\n{}", vpcflow_records(0, records))
}

fn gzip(text: &str) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(text.as_bytes()).expect("in-memory gzip");
    encoder.finish().expect("in-memory gzip")
}

/// A gzip file of `records` flow log records with 64 bytes in the middle inverted: it decodes
/// into made-up lines before its check fails.
fn corrupt_gzip(records: usize) -> Vec<u8> {
    let mut data = gzip(&vpcflow_text(records));
    let middle = data.len() / 2;
    for byte in &mut data[middle..middle + 64] {
        *byte = !*byte;
    }
    data
}

fn write_file(path: &Path, contents: &[u8]) {
    std::fs::write(path, contents).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
}

fn text(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

fn parse(args: &[&str], stdin: &[u8]) -> Output {
    let mut all = vec!["parse", "--log-type", "AWS.VPCFlow"];
    all.extend_from_slice(args);
    run(&all, stdin)
}

/// JSON lines, each checked to be an object.
fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line).unwrap_or_else(|error| {
                let start: String = line.chars().take(300).collect();
                panic!("not a JSON line ({error}): {start:?}...")
            });
            assert!(value.is_object(), "{line}");
            value
        })
        .collect()
}

fn src_ports(events: &[Value]) -> Vec<i64> {
    events
        .iter()
        .map(|event| event["srcPort"].as_i64().expect("srcPort"))
        .collect()
}

/// Waits for `child` at most `limit`, reading its output meanwhile; kills it past that (a run
/// that never ends is a failure).
fn wait_at_most(mut child: Child, limit: Duration) -> Output {
    fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    }
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("logschema did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().expect("stdout"),
        stderr: stderr.join().expect("stderr"),
    }
}

fn spawn_parse(args: &[&str]) -> Child {
    logschema()
        .args(["parse", "--log-type", "AWS.VPCFlow"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("logschema starts")
}

// ---- 1. --output writes through what the path points to ----

#[test]
fn output_through_a_symlink_writes_its_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("flow.log");
    write_file(&input, vpcflow_text(3).as_bytes());
    std::fs::create_dir(dir.path().join("real")).expect("mkdir");
    let target = dir.path().join("real/events.jsonl");
    let link = dir.path().join("events.jsonl");
    std::os::unix::fs::symlink("real/events.jsonl", &link).expect("symlink");
    let output = parse(&["--output", text(&link), text(&input)], b"");
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    let meta = std::fs::symlink_metadata(&link).expect("link");
    assert!(meta.file_type().is_symlink(), "the link was replaced");
    let events = json_lines(&std::fs::read_to_string(&target).expect("target written"));
    assert_eq!(src_ports(&events), [1024, 1025, 1026]);
    // No staging file is left beside the link or the target.
    for directory in [dir.path(), &dir.path().join("real")] {
        for entry in std::fs::read_dir(directory).expect("list") {
            let name = entry.expect("entry").file_name();
            assert!(!name.to_string_lossy().ends_with(".tmp"), "{name:?} left");
        }
    }
}

#[test]
fn output_dash_is_standard_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("flow.log");
    write_file(&input, vpcflow_text(2).as_bytes());
    let output = Command::new(env!("CARGO_BIN_EXE_logschema"))
        .args([
            "parse",
            "--log-type",
            "AWS.VPCFlow",
            "--output",
            "-",
            text(&input),
        ])
        .current_dir(dir.path())
        .output()
        .expect("logschema runs");
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    assert_eq!(json_lines(&stdout_text(&output)).len(), 2);
    assert!(!dir.path().join("-").exists(), "a file named - was written");
}

/// `/dev/stdout` links to the descriptor (`/proc/self/fd/1`), whose link names a pipe
/// (`pipe:[1234]`) or the file the shell opened, not a place to stage a file beside.
#[test]
fn output_dev_stdout_writes_the_descriptor_a_pipe_or_a_file_appended_to() {
    use std::os::unix::fs::MetadataExt;
    if !Path::new("/dev/stdout").exists() {
        eprintln!("no /dev/stdout here; skipped");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("flow.log");
    write_file(&input, vpcflow_text(2).as_bytes());
    let piped = parse(&["--output", "/dev/stdout", text(&input)], b"");
    assert_eq!(exit_code(&piped), 0, "{}", stderr_text(&piped));
    assert_eq!(src_ports(&json_lines(&stdout_text(&piped))), [1024, 1025]);

    // `>> events.jsonl`: what the file held stays, and it is the same file after.
    let events = dir.path().join("events.jsonl");
    write_file(&events, b"{\"earlier\":true}\n");
    let inode = std::fs::metadata(&events).expect("events").ino();
    let appended = std::fs::OpenOptions::new()
        .append(true)
        .open(&events)
        .expect("open to append");
    let child = logschema()
        .args([
            "parse",
            "--log-type",
            "AWS.VPCFlow",
            "--output",
            "/dev/stdout",
        ])
        .arg(&input)
        .stdin(Stdio::null())
        .stdout(Stdio::from(appended))
        .stderr(Stdio::piped())
        .spawn()
        .expect("logschema starts");
    let output = wait_at_most(child, Duration::from_secs(60));
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    let lines = json_lines(&std::fs::read_to_string(&events).expect("events"));
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0]["earlier"], Value::Bool(true));
    assert_eq!(src_ports(&lines[1..]), [1024, 1025]);
    assert_eq!(std::fs::metadata(&events).expect("events").ino(), inode);
    for entry in std::fs::read_dir(dir.path()).expect("list") {
        let name = entry.expect("entry").file_name();
        assert!(!name.to_string_lossy().ends_with(".tmp"), "{name:?} left");
    }
}

#[test]
fn output_to_a_fifo_writes_into_it_and_leaves_it_a_fifo() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("events.pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let reader_path = fifo.clone();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::fs::File::open(&reader_path)
            .and_then(|mut pipe| pipe.read_to_string(&mut text))
            .expect("read the fifo");
        text
    });
    let mut child = logschema()
        .args([
            "parse",
            "--log-type",
            "AWS.VPCFlow",
            "--output",
            text(&fifo),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("logschema starts");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(vpcflow_text(4).as_bytes())
        .expect("write stdin");
    drop(stdin);
    let output = wait_at_most(child, Duration::from_secs(60));
    let meta = std::fs::symlink_metadata(&fifo).expect("fifo");
    assert!(
        meta.file_type().is_fifo(),
        "the FIFO was replaced by a file"
    );
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    let events = json_lines(&reader.join().expect("reader"));
    assert_eq!(src_ports(&events), [1024, 1025, 1026, 1027]);
}

// ---- 6. what was written, and what was lost ----

/// Runs `logschema parse ARGS` under `strace`, None when it cannot (not installed, or not
/// allowed to trace).
fn traced_parse(args: &[&str]) -> Option<Output> {
    let traced = Command::new("strace")
        .args(["-f", "-y", "-e", "trace=fsync,rename,renameat,renameat2"])
        .arg(env!("CARGO_BIN_EXE_logschema"))
        .args(["parse", "--log-type", "AWS.VPCFlow"])
        .args(args)
        .stdin(Stdio::null())
        .output();
    let Ok(traced) = traced.map_err(|error| eprintln!("no strace here ({error}); skipped")) else {
        return None;
    };
    let trace = stderr_text(&traced);
    if exit_code(&traced) != 0 && trace.contains("ptrace") {
        eprintln!("strace cannot trace here; skipped: {trace}");
        return None;
    }
    Some(traced)
}

/// Asserts that the trace renames a synced staged file to a name ending in `suffix`, then
/// syncs the directory it went to.
fn assert_synced_around_rename(traced: &Output, suffix: &str) {
    let trace = stderr_text(traced);
    assert_eq!(exit_code(traced), 0, "{trace}");
    let calls: Vec<&str> = trace
        .lines()
        .filter(|line| line.contains("fsync(") || line.contains("rename"))
        .collect();
    let renamed = calls
        .iter()
        .position(|line| line.contains("rename") && line.contains(&format!("{suffix}\")")))
        .unwrap_or_else(|| panic!("no rename into place: {trace}"));
    assert!(
        calls[..renamed]
            .iter()
            .any(|line| line.contains("fsync(") && line.contains(".tmp>")),
        "the staged file is not synced before the rename: {calls:#?}"
    );
    let target = calls[renamed]
        .rsplit('"')
        .nth(1)
        .unwrap_or_else(|| panic!("no target in {}", calls[renamed]));
    let directory = Path::new(target).parent().expect("a directory");
    // `<DIR>` without the closing parenthesis: strace may cut the line there with a message of
    // its own ("strace: Process N attached") when another thread starts.
    let directory = format!("<{}>", text(directory));
    assert!(
        calls[renamed..]
            .iter()
            .any(|line| line.contains("fsync(") && line.contains(&directory)),
        "the directory is not synced after the rename: {calls:#?}"
    );
}

/// The output's data, then its directory (the rename into place) are synced before the run
/// reports the events written: a power cut after the summary keeps them. Seen with `strace`.
#[test]
fn a_completed_output_is_synced_then_its_directory_after_the_rename() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("flow.log");
    write_file(&input, vpcflow_text(2).as_bytes());
    let out = dir.path().join("events.jsonl");
    let Some(traced) = traced_parse(&["--output", text(&out), text(&input)]) else {
        return;
    };
    assert_synced_around_rename(&traced, "/events.jsonl");
    let lake = dir.path().join("lake");
    let args = ["--format", "parquet", "--output", text(&lake), text(&input)];
    let Some(traced) = traced_parse(&args) else {
        return;
    };
    assert_synced_around_rename(&traced, ".parquet");
}

#[test]
fn output_through_a_symlink_to_a_full_device_fails_and_counts_nothing_written() {
    if !Path::new("/dev/full").exists() {
        eprintln!("no /dev/full here; skipped");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("flow.log");
    write_file(&input, vpcflow_text(5).as_bytes());
    let link = dir.path().join("full.jsonl");
    std::os::unix::fs::symlink("/dev/full", &link).expect("symlink");
    let output = parse(&["--output", text(&link), text(&input)], b"");
    let stderr = stderr_text(&output);
    assert_eq!(exit_code(&output), 1, "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(
        stderr.contains("summary: total: 0 events written, 5 events lost (the output failed)"),
        "{stderr}"
    );
    assert!(std::fs::symlink_metadata(&link)
        .expect("link")
        .file_type()
        .is_symlink());
}

/// The run stops on the rejects file's error, so the output file is never completed (it is
/// removed): its events are lost, not "written".
#[test]
fn an_output_file_removed_after_a_failure_counts_its_events_as_lost() {
    if !Path::new("/dev/full").exists() {
        eprintln!("no /dev/full here; skipped");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("events.jsonl");
    let input = format!("{}not a record\n", vpcflow_text(3));
    let output = parse(
        &["--output", text(&out), "--rejects", "/dev/full"],
        input.as_bytes(),
    );
    let stderr = stderr_text(&output);
    assert_eq!(exit_code(&output), 1, "{stderr}");
    assert!(!out.exists(), "the output is removed");
    assert!(
        stderr.contains("summary: total: 0 events written, 3 events lost (the output failed)"),
        "{stderr}"
    );
}

/// `ulimit -f` makes a write past the limit partial, then fail: what a disk filling up does.
fn parse_with_file_size_limit(kib: u32, args: &[&str], stdin: &[u8]) -> Output {
    let mut script = format!(
        "trap '' XFSZ; ulimit -f {kib}; exec '{}' parse --log-type AWS.VPCFlow",
        env!("CARGO_BIN_EXE_logschema")
    );
    for arg in args {
        script.push_str(&format!(" '{arg}'"));
    }
    let mut child = Command::new("bash")
        .args(["-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash runs");
    let mut input = child.stdin.take().expect("stdin");
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let output = wait_at_most(child, Duration::from_secs(120));
    let _ = writer.join();
    output
}

#[test]
fn a_rejects_file_that_fills_up_ends_with_a_whole_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rejects = dir.path().join("rejects.jsonl");
    let input: String = (0..2000)
        .map(|index| format!("not a flow record number {index}\n"))
        .collect();
    let output = parse_with_file_size_limit(16, &["--rejects", text(&rejects)], input.as_bytes());
    let stderr = stderr_text(&output);
    assert_eq!(exit_code(&output), 1, "{stderr}");
    assert!(stderr.contains("cannot write rejects"), "{stderr}");
    let written = std::fs::read_to_string(&rejects).expect("rejects file");
    assert!(
        !written.is_empty() && written.ends_with('\n'),
        "torn: {written:?}"
    );
    json_lines(&written);
}

#[test]
fn an_output_file_that_fills_up_is_removed_and_its_events_are_lost() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("events.jsonl");
    let output =
        parse_with_file_size_limit(64, &["--output", text(&out)], vpcflow_text(5000).as_bytes());
    let stderr = stderr_text(&output);
    assert_eq!(exit_code(&output), 1, "{stderr}");
    assert!(!out.exists());
    // The run stops at the failed batch: the events parsed so far are lost, none written.
    let total = stderr
        .lines()
        .find(|line| line.starts_with("summary: total: "))
        .unwrap_or_else(|| panic!("no total: {stderr}"));
    assert!(
        total.starts_with("summary: total: 0 events written, ")
            && total.contains(" events lost (the output failed)"),
        "{stderr}"
    );
    let left: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|entry| entry.expect("entry").path())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

// ---- 2. a corrupt gzip member ----

#[test]
fn a_corrupt_gzip_input_is_discarded_from_a_file_output_and_the_rest_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let damaged = dir.path().join("damaged.log.gz");
    write_file(&damaged, &corrupt_gzip(20_000));
    let good = dir.path().join("good.log");
    write_file(&good, vpcflow_text(3).as_bytes());
    let out = dir.path().join("events.jsonl");
    let output = parse(
        &[
            "--output",
            text(&out),
            text(&good),
            text(&damaged),
            text(&good),
        ],
        b"",
    );
    let stderr = stderr_text(&output);
    assert_eq!(exit_code(&output), 1, "{stderr}");
    let events = json_lines(&std::fs::read_to_string(&out).expect("output kept"));
    assert_eq!(
        src_ports(&events),
        [1024, 1025, 1026, 1024, 1025, 1026],
        "only the intact inputs' events"
    );
    assert!(
        stderr.contains("came from a gzip member that failed its check: all "),
        "{stderr}"
    );
    assert!(
        stderr.lines().any(|line| line.starts_with(&format!(
            "summary: {}: 0 events written, ",
            damaged.display()
        )) && line.contains(" events discarded (gzip check failed)")),
        "{stderr}"
    );
    assert!(
        stderr.contains("summary: total: 6 events written, "),
        "{stderr}"
    );
}

/// Two members: the first intact, the second's CRC damaged (its text decodes correctly, but
/// cannot be trusted). Standard output cannot take lines back: the run names them and fails.
#[test]
fn a_failed_gzip_member_on_standard_output_names_the_lines_it_gave() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut data = gzip(&vpcflow_text(100)); // lines 1-101
    let mut second = gzip(&vpcflow_records(100, 200)); // lines 102-201
    let crc = second.len() - 8;
    second[crc] ^= 0xff;
    data.extend(second);
    let path = dir.path().join("two-members.log.gz");
    write_file(&path, &data);
    let output = parse(&[text(&path)], b"");
    let stderr = stderr_text(&output);
    assert_eq!(exit_code(&output), 1, "{stderr}");
    assert_eq!(json_lines(&stdout_text(&output)).len(), 200);
    assert!(
        stderr.contains(&format!(
            "logschema: {}: lines 102-201 came from a gzip member that failed its check: \
             their events, already written, may be made up",
            path.display()
        )),
        "{stderr}"
    );
}

fn parquet_rows(root: &Path) -> i64 {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let mut rows = 0;
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.expect("walk");
        let name = entry.file_name().to_string_lossy();
        assert!(!name.ends_with(".tmp"), "staging file left: {name}");
        if name.ends_with(".parquet") {
            let file = std::fs::File::open(entry.path()).expect("open");
            let reader = SerializedFileReader::new(file).expect("a Parquet file");
            rows += reader.metadata().file_metadata().num_rows();
        }
    }
    rows
}

#[test]
fn a_corrupt_gzip_input_is_not_published_in_parquet_and_the_rest_is() {
    let dir = tempfile::tempdir().expect("tempdir");
    let damaged = dir.path().join("damaged.log.gz");
    write_file(&damaged, &corrupt_gzip(20_000));
    let good = dir.path().join("good.log.gz");
    write_file(&good, &gzip(&vpcflow_text(3)));
    let lake = dir.path().join("lake");
    let output = parse(
        &[
            "--format",
            "parquet",
            "--output",
            text(&lake),
            text(&good),
            text(&damaged),
            text(&good),
        ],
        b"",
    );
    let stderr = stderr_text(&output);
    assert_eq!(exit_code(&output), 1, "{stderr}");
    assert_eq!(parquet_rows(&lake), 6, "{stderr}");
    assert!(
        stderr.contains("summary: total: 6 events written, "),
        "{stderr}"
    );
    assert!(stderr.contains("summary: 6 rows in "), "{stderr}");
}

// ---- 4. an output that is also an input ----

fn assert_refused(output: &Output, expected: &str) {
    let stderr = stderr_text(output);
    assert_eq!(exit_code(output), 1, "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one error line: {stderr}");
    assert!(
        lines[0].starts_with("logschema: ") && lines[0].contains(expected),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn the_rejects_file_as_an_input_is_refused_before_reading() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("x.log");
    let original = "not a flow record\n";
    write_file(&log, original.as_bytes());
    let child = spawn_parse(&["--rejects", text(&log), text(&log)]);
    let output = wait_at_most(child, Duration::from_secs(30));
    assert_refused(&output, "is both an input and the rejects file");
    assert_eq!(std::fs::read_to_string(&log).expect("read"), original);
}

#[test]
fn the_output_as_an_input_is_refused_even_through_a_hard_link() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("self.log");
    let original = vpcflow_text(2);
    write_file(&log, original.as_bytes());
    let output = parse(&["--output", text(&log), text(&log)], b"");
    assert_refused(&output, "is both an input and the output");
    assert_eq!(std::fs::read_to_string(&log).expect("read"), original);

    let other_name = dir.path().join("same-inode.jsonl");
    std::fs::hard_link(&log, &other_name).expect("hard link");
    let output = parse(&["--output", text(&other_name), text(&log)], b"");
    assert_refused(&output, "is both an input and the output");
    assert_eq!(std::fs::read_to_string(&log).expect("read"), original);
}

#[test]
fn an_output_or_rejects_file_inside_an_input_directory_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let logs = dir.path().join("logs");
    std::fs::create_dir(&logs).expect("mkdir");
    write_file(&logs.join("a.log"), vpcflow_text(2).as_bytes());
    let out = logs.join("events.jsonl");
    let output = parse(&["--output", text(&out), text(&logs)], b"");
    assert_refused(&output, "is inside the input directory");
    assert!(!out.exists());
    let rejects = logs.join("sub/rejects.jsonl");
    std::fs::create_dir(logs.join("sub")).expect("mkdir");
    let output = parse(&["--rejects", text(&rejects), text(&logs)], b"");
    assert_refused(&output, "is inside the input directory");
    let lake = logs.join("lake");
    let args = ["--format", "parquet", "--output", text(&lake), text(&logs)];
    assert_refused(&parse(&args, b""), "is inside the input directory");
    assert!(!lake.exists());
}

#[test]
fn the_same_file_as_output_and_rejects_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let both = dir.path().join("both.jsonl");
    let output = parse(
        &["--output", text(&both), "--rejects", text(&both)],
        vpcflow_text(1).as_bytes(),
    );
    assert_refused(&output, "are the same file");
}

// ---- 5. runs sharing an output or rejects file ----

#[test]
fn two_runs_writing_the_same_output_file_each_complete_it_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("events.jsonl");
    // The first run waits on its standard input while the second runs to its end.
    let mut first = logschema()
        .args(["parse", "--log-type", "AWS.VPCFlow", "--output", text(&out)])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("logschema starts");
    let start = Instant::now();
    while !std::fs::read_dir(dir.path()).expect("list").any(|entry| {
        entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .ends_with(".tmp")
    }) {
        assert!(start.elapsed() < Duration::from_secs(30), "no staging file");
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = parse(&["--output", text(&out)], vpcflow_text(3).as_bytes());
    assert_eq!(exit_code(&second), 0, "{}", stderr_text(&second));
    let mut stdin = first.stdin.take().expect("stdin");
    stdin
        .write_all(vpcflow_text(5).as_bytes())
        .expect("write stdin");
    drop(stdin);
    let first = wait_at_most(first, Duration::from_secs(60));
    assert_eq!(exit_code(&first), 0, "{}", stderr_text(&first));
    // The run that completed last replaced the file with its whole output.
    let events = json_lines(&std::fs::read_to_string(&out).expect("output"));
    assert_eq!(src_ports(&events), [1024, 1025, 1026, 1027, 1028]);
}

#[test]
fn runs_appending_to_one_rejects_file_never_tear_each_others_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rejects = dir.path().join("rejects.jsonl");
    // Long lines: a line of the rejects file larger than a write buffer is written in pieces
    // unless it is written whole, and the pieces of runs appending together interleave.
    let runs = 4;
    let per_run = 2000;
    let inputs: Vec<PathBuf> = (0..runs)
        .map(|run| {
            let input = dir.path().join(format!("bad-{run}.log"));
            let lines: String = (0..per_run)
                .map(|index| format!("run {run} bad line {index} {}\n", "x".repeat(2000 + index)))
                .collect();
            write_file(&input, lines.as_bytes());
            input
        })
        .collect();
    // Started together, so their appends overlap.
    let children: Vec<Child> = inputs
        .iter()
        .map(|input| {
            spawn_parse(&[
                "--threads",
                "1",
                "--no-progress",
                "--rejects",
                text(&rejects),
                text(input),
            ])
        })
        .collect();
    for child in children {
        let output = wait_at_most(child, Duration::from_secs(120));
        assert_eq!(exit_code(&output), 2, "{}", stderr_text(&output));
    }
    let lines = json_lines(&std::fs::read_to_string(&rejects).expect("rejects"));
    assert_eq!(lines.len(), runs * per_run);
}
