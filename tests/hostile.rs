//! Hostile and broken input through the built binary: invalid UTF-8, absurd nesting, over-long
//! lines, damaged gzip, empty inputs, unreadable directory entries, closed and full outputs.
//! Each test states the promise of docs/limits.md it checks.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use flate2::write::GzEncoder;
use serde_json::Value;

mod common;
use common::*;

const VPCFLOW_HEADER: &str = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";
const DNS_RECORD: &str = r#"{"version":"1.1","account_id":"111122223333","region":"us-east-1","vpc_id":"vpc-1","query_timestamp":"2021-02-04T17:51:55Z","query_name":"example.com.","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":[],"srcaddr":"10.0.0.1","srcport":"5353","transport":"UDP","srcids":{"instance":"i-1"}}"#;

fn parse(log_type: &str, extra: &[&str], stdin: &[u8]) -> Output {
    let mut args = vec!["parse", "--log-type", log_type];
    args.extend_from_slice(extra);
    run(&args, stdin)
}

/// The events written; every line must be a JSON object.
fn events(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("every output line is JSON"))
        .collect()
}

fn assert_no_panic(output: &Output) {
    let stderr = stderr_text(output);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

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

fn vpcflow_text(records: usize) -> String {
    let mut text = format!("{VPCFLOW_HEADER}\n");
    for index in 0..records {
        text.push_str(&vpcflow_line(index));
        text.push('\n');
    }
    text
}

fn gzip(text: &str) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(text.as_bytes()).expect("in-memory gzip");
    encoder.finish().expect("in-memory gzip")
}

fn write_file(path: &Path, contents: &[u8]) {
    std::fs::write(path, contents).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
}

fn path_text(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

// ---- records ----

#[test]
fn invalid_utf8_rejects_that_record_with_its_line_and_the_rest_go_on() {
    let mut input = format!("{DNS_RECORD}\n").into_bytes();
    input.extend_from_slice(b"{\"version\":\"1.1\",\"query_name\":\"\xff\xfe\"}\n");
    input.extend_from_slice(format!("{DNS_RECORD}\n").as_bytes());
    let output = parse("AWS.VPCDns", &[], &input);
    assert_eq!(exit_code(&output), 2);
    assert_eq!(events(&output).len(), 2);
    assert!(
        stderr_text(&output).contains("<stdin>:2: invalid UTF-8"),
        "{}",
        stderr_text(&output)
    );
}

#[test]
fn json_nested_100000_levels_deep_is_rejected_without_overflowing_the_stack() {
    let deep = format!(
        "{{\"version\":{}1{}}}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let objects = format!("{}{}\n", "{\"a\":".repeat(100_000), "}".repeat(100_000));
    let input = format!("{deep}{objects}{DNS_RECORD}\n");
    let output = parse("AWS.VPCDns", &[], input.as_bytes());
    assert_eq!(exit_code(&output), 2, "{}", stderr_text(&output));
    assert_eq!(events(&output).len(), 1);
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains("<stdin>:1: invalid JSON: recursion limit exceeded"),
        "{stderr}"
    );
    assert!(
        stderr.contains("<stdin>:2: invalid JSON: recursion limit exceeded"),
        "{stderr}"
    );
}

#[test]
fn a_line_over_the_default_limit_of_1_mib_is_rejected_naming_the_limit_and_the_flag() {
    let huge = format!("{{\"query_name\":\"{}\"}}\n", "x".repeat(1024 * 1024));
    let input = format!("{huge}{DNS_RECORD}\n");
    let output = parse("AWS.VPCDns", &[], input.as_bytes());
    assert_eq!(exit_code(&output), 2);
    assert_eq!(events(&output).len(), 1, "the next line is parsed");
    let stderr = stderr_text(&output);
    assert!(
        // A JSON log type's record may span lines: the limit is on the record.
        stderr.contains("<stdin>:1: record too long: more than 1048576 bytes")
            && stderr.contains("--max-line-bytes"),
        "{stderr}"
    );
}

#[test]
fn max_line_bytes_changes_the_limit() {
    let input = format!("{DNS_RECORD}\n{}\n{DNS_RECORD}\n", "y".repeat(5000));
    let strict = parse("AWS.VPCDns", &["--max-line-bytes", "200"], input.as_bytes());
    assert_eq!(exit_code(&strict), 2);
    assert_eq!(
        events(&strict).len(),
        0,
        "the records are longer than 200 bytes too"
    );
    let roomy = parse(
        "AWS.VPCDns",
        &["--max-line-bytes", "4999"],
        input.as_bytes(),
    );
    assert_eq!(events(&roomy).len(), 2);
    let stderr = stderr_text(&roomy);
    assert!(
        stderr.contains("<stdin>:2: record too long: more than 4999 bytes"),
        "{stderr}"
    );
    let zero = parse("AWS.VPCDns", &["--max-line-bytes", "0"], b"");
    assert_eq!(exit_code(&zero), 1, "a usage error");
}

#[test]
fn a_line_without_end_far_past_the_limit_is_skipped() {
    // 8 MiB with no newline at all, limit 1 KiB: rejected once, nothing else, no hang.
    let mut input = format!("{DNS_RECORD}\n").into_bytes();
    input.resize(input.len() + 8 * 1024 * 1024, b'z');
    let output = parse("AWS.VPCDns", &["--max-line-bytes", "1024"], &input);
    assert_eq!(exit_code(&output), 2);
    assert_eq!(events(&output).len(), 1);
    assert!(stderr_text(&output).contains("summary: total: 1 event written, 1 record rejected"));
}

#[test]
fn two_flow_records_glued_on_one_line_are_rejected_not_half_parsed() {
    let glued = format!("{} {}", vpcflow_line(1), vpcflow_line(2));
    let input = format!(
        "{VPCFLOW_HEADER}\n{}\n{glued}\n{}\n",
        vpcflow_line(0),
        vpcflow_line(3)
    );
    let output = parse("AWS.VPCFlow", &[], input.as_bytes());
    assert_eq!(exit_code(&output), 2, "{}", stderr_text(&output));
    let written = events(&output);
    assert_eq!(written.len(), 2, "the lines around it are parsed");
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains("<stdin>:3: too many columns: expected 14, found 28"),
        "{stderr}"
    );
    // Without a header line the default columns are the mapping: the same.
    let input = format!("{glued}\n");
    let output = parse("AWS.VPCFlow", &[], input.as_bytes());
    assert_eq!(events(&output).len(), 0);
    assert!(
        stderr_text(&output).contains("<stdin>:1: too many columns: expected 14, found 28"),
        "{}",
        stderr_text(&output)
    );
}

#[test]
fn a_lone_carriage_return_ends_a_line_as_lf_and_crlf_do() {
    let input = format!(
        "{VPCFLOW_HEADER}\r{}\r{}\r\n{}\n{}",
        vpcflow_line(0),
        vpcflow_line(1),
        vpcflow_line(2),
        vpcflow_line(3)
    );
    let output = parse("AWS.VPCFlow", &[], input.as_bytes());
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    let written = events(&output);
    assert_eq!(written.len(), 4);
    for event in &written {
        assert_eq!(event["status"], "OK", "no line end inside a value: {event}");
    }
}

#[test]
fn a_crlf_line_of_exactly_max_line_bytes_is_accepted() {
    let limit = DNS_RECORD.len().to_string();
    let input = format!("{DNS_RECORD}\r\n{DNS_RECORD}\r\n");
    let output = parse(
        "AWS.VPCDns",
        &["--max-line-bytes", &limit],
        input.as_bytes(),
    );
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    assert_eq!(events(&output).len(), 2);
    let one_less = (DNS_RECORD.len() - 1).to_string();
    let output = parse(
        "AWS.VPCDns",
        &["--max-line-bytes", &one_less],
        input.as_bytes(),
    );
    assert_eq!(events(&output).len(), 0, "the limit still holds");
}

#[test]
fn a_json_number_read_into_a_string_field_keeps_its_text() {
    let record = DNS_RECORD
        .replace(r#""version":"1.1""#, r#""version":1.100000"#)
        .replace(
            r#""srcport":"5353""#,
            r#""srcport":123456789012345678901234567890"#,
        );
    let output = parse("AWS.VPCDns", &[], format!("{record}\n").as_bytes());
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    let written = events(&output);
    assert_eq!(written[0]["version"], "1.100000");
    assert_eq!(written[0]["srcport"], "123456789012345678901234567890");
}

// ---- damaged and empty inputs ----

/// A gzip file cut short or corrupted part-way: what came before is written, the error names the
/// file and how far it got, the exit status is 1, and the next input is still read.
fn check_damaged_gzip(damage: impl Fn(&mut Vec<u8>)) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut data = gzip(&vpcflow_text(20_000));
    damage(&mut data);
    let damaged = dir.path().join("damaged.log.gz");
    write_file(&damaged, &data);
    let good = dir.path().join("good.log");
    write_file(&good, vpcflow_text(3).as_bytes());
    let output = parse(
        "AWS.VPCFlow",
        &["--threads", "2", path_text(&damaged), path_text(&good)],
        b"",
    );
    assert_no_panic(&output);
    assert_eq!(exit_code(&output), 1);
    let stderr = stderr_text(&output);
    let failure = stderr
        .lines()
        .find(|line| {
            line.starts_with(&format!(
                "logschema: {}: read error after line ",
                damaged.display()
            ))
        })
        .unwrap_or_else(|| panic!("no read error naming the file:\n{stderr}"));
    assert!(
        failure.contains("bytes of decompressed input read"),
        "{failure}"
    );
    let written = events(&output);
    assert!(
        written.len() > 3,
        "records before the damage are written: {}",
        written.len()
    );
    assert!(written.len() < 20_003, "{}", written.len());
    assert!(
        stderr.contains(&format!("summary: {}: 3 events written", good.display())),
        "{stderr}"
    );
}

#[test]
fn a_truncated_gzip_file_keeps_what_came_before_and_reads_the_next_input() {
    check_damaged_gzip(|data| data.truncate(data.len() * 2 / 3));
}

#[test]
fn a_corrupt_gzip_file_keeps_what_came_before_and_reads_the_next_input() {
    check_damaged_gzip(|data| {
        let middle = data.len() / 2;
        for byte in &mut data[middle..middle + 64] {
            *byte = !*byte;
        }
    });
}

#[test]
fn a_gzip_file_without_its_trailer_is_an_error_not_silent_success() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut data = gzip(&vpcflow_text(10));
    data.truncate(data.len() - 4);
    let path = dir.path().join("no-trailer.gz");
    write_file(&path, &data);
    let output = parse("AWS.VPCFlow", &[path_text(&path)], b"");
    assert_eq!(exit_code(&output), 1, "{}", stderr_text(&output));
}

#[test]
fn an_empty_file_and_a_header_only_flow_file_give_no_events_and_exit_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = dir.path().join("empty.log");
    write_file(&empty, b"");
    let header_only = dir.path().join("header.log");
    write_file(&header_only, format!("{VPCFLOW_HEADER}\n").as_bytes());
    let empty_gzip = dir.path().join("empty.gz");
    write_file(&empty_gzip, &gzip(""));
    let args = [
        path_text(&empty),
        path_text(&header_only),
        path_text(&empty_gzip),
    ];
    let output = parse("AWS.VPCFlow", &args, b"");
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    assert!(output.stdout.is_empty());
    let dns = parse("AWS.VPCDns", &[path_text(&empty)], b"");
    assert_eq!(exit_code(&dns), 0);
    assert!(dns.stdout.is_empty());
    assert_eq!(exit_code(&parse("AWS.VPCDns", &[], b"")), 0, "empty stdin");
}

/// Running as root, a mode-000 file is still readable, so the unreadable entry is a dangling
/// symbolic link (directories are followed, so its target is needed and missing).
#[test]
fn a_directory_with_an_unreadable_entry_names_it_and_reads_the_rest() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_file(&dir.path().join("a.log"), vpcflow_text(2).as_bytes());
    write_file(&dir.path().join("c.log"), vpcflow_text(3).as_bytes());
    let dangling = dir.path().join("b.log");
    std::os::unix::fs::symlink(dir.path().join("gone.log"), &dangling).expect("symlink");
    let output = parse("AWS.VPCFlow", &[path_text(dir.path())], b"");
    assert_no_panic(&output);
    assert_eq!(exit_code(&output), 1);
    assert_eq!(events(&output).len(), 5, "the readable files are parsed");
    let stderr = stderr_text(&output);
    assert!(
        stderr
            .lines()
            .any(|line| line.starts_with(&format!("logschema: {}: ", dangling.display()))),
        "{stderr}"
    );
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", path.display());
}

/// `logschema parse` under `timeout`: a hang is exit status 124, not a stuck test.
fn parse_within_a_minute(args: &[&str]) -> Output {
    Command::new("timeout")
        .arg("60")
        .arg(env!("CARGO_BIN_EXE_logschema"))
        .arg("parse")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .output()
        .expect("timeout runs")
}

#[test]
fn a_fifo_inside_an_input_directory_is_skipped_not_waited_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_file(&dir.path().join("a.log"), vpcflow_text(2).as_bytes());
    mkfifo(&dir.path().join("b.fifo"));
    write_file(&dir.path().join("c.log"), vpcflow_text(3).as_bytes());
    let output = parse_within_a_minute(&["--log-type", "AWS.VPCFlow", path_text(dir.path())]);
    assert_ne!(exit_code(&output), 124, "the run hung on the FIFO");
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    assert_eq!(events(&output).len(), 5);
}

#[test]
fn a_fifo_named_on_the_command_line_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("flow.fifo");
    mkfifo(&fifo);
    let writer_path = fifo.clone();
    // Opening a FIFO for writing waits for its reader: the binary.
    let writer = std::thread::spawn(move || std::fs::write(writer_path, vpcflow_text(4)));
    let output = parse_within_a_minute(&["--log-type", "AWS.VPCFlow", path_text(&fifo)]);
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    assert_eq!(events(&output).len(), 4);
    writer.join().expect("writer").expect("written");
}

// ---- outputs ----

#[test]
fn piping_into_head_ends_quietly_with_status_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("many.log");
    write_file(&path, vpcflow_text(100_000).as_bytes());
    let script = format!(
        "set -o pipefail; '{}' parse --log-type AWS.VPCFlow '{}' | head -1 >/dev/null",
        env!("CARGO_BIN_EXE_logschema"),
        path.display()
    );
    let output = Command::new("bash")
        .args(["-c", &script])
        .output()
        .expect("bash runs");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_text(&output));
    let stderr = stderr_text(&output);
    assert!(
        !stderr.contains("Broken pipe") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

#[test]
fn a_full_disk_is_a_clear_error_and_exit_1() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("no /dev/full here; skipped");
        return;
    };
    let output = logschema()
        .args([
            "parse",
            "--log-type",
            "AWS.VPCFlow",
            "samples/vpcflow-default.log",
        ])
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .expect("logschema runs");
    assert_no_panic(&output);
    assert_eq!(exit_code(&output), 1);
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains("logschema: cannot write standard output: No space left on device"),
        "{stderr}"
    );
}

#[test]
fn a_full_disk_for_the_rejects_file_is_a_clear_error_and_exit_1() {
    let output = parse("AWS.VPCDns", &["--rejects", "/dev/full"], b"not json\n");
    assert_no_panic(&output);
    assert_eq!(exit_code(&output), 1);
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains("/dev/full: cannot write rejects"),
        "{stderr}"
    );
}

// ---- names, locations, settings and counts from the command line ----

/// A file name holding a newline and a line of our own summary: every message names the file
/// escaped on one line, so no line can be forged.
#[test]
fn a_file_name_with_a_newline_cannot_forge_a_line_on_stderr() {
    let dir = tempfile::tempdir().expect("tempdir");
    let name = "flow.log\nsummary: total: 999 events written, 0 records rejected in 1 input";
    let mut text = vpcflow_text(1);
    text.push_str("2 123456789010 eni-1\n");
    write_file(&dir.path().join(name), text.as_bytes());
    let output = parse("AWS.VPCFlow", &[path_text(dir.path())], b"");
    assert_no_panic(&output);
    assert_eq!(exit_code(&output), 2);
    assert_eq!(events(&output).len(), 1);
    let stderr = stderr_text(&output);
    let shown = format!("{}/{}", dir.path().display(), name.replace('\n', "\\n"));
    assert!(
        stderr.contains(&format!("{shown}:3: too few columns")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "summary: {shown}: 1 event written, 1 record rejected\n"
        )),
        "{stderr}"
    );
    let totals: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("summary: total:"))
        .collect();
    assert_eq!(
        totals,
        ["summary: total: 1 event written, 1 record rejected in 1 input"],
        "{stderr}"
    );
}

/// A file name that is not UTF-8: the rejects file's `path` keeps its bytes as `\xNN`, not
/// U+FFFD, so the file can be found again.
#[test]
fn a_file_name_that_is_not_utf8_keeps_its_bytes_in_the_rejects_file() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9-\xff.log");
    let input = dir.path().join(name);
    write_file(&input, format!("{DNS_RECORD}\nnot json\n").as_bytes());
    let rejects = dir.path().join("rejects.jsonl");
    let output = logschema()
        .args(["parse", "--log-type", "AWS.VPCDns", "--rejects"])
        .arg(&rejects)
        .arg(&input)
        .output()
        .expect("logschema runs");
    assert_no_panic(&output);
    assert_eq!(exit_code(&output), 2, "{}", stderr_text(&output));
    let shown = format!("{}/caf\\xe9-\\xff.log", dir.path().display());
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains(&format!("{shown}:2: invalid JSON")),
        "{stderr}"
    );
    let text = std::fs::read_to_string(&rejects).expect("rejects file");
    let line: Value = serde_json::from_str(text.trim_end()).expect("one JSON line");
    assert_eq!(line["path"], shown.as_str(), "{text}");
    assert_eq!(line["line"], 2);
    assert!(!text.contains('\u{fffd}'), "{text}");
}

/// The endpoint's user name and password never reach a message: neither ours, which names the
/// endpoint, nor the HTTP client's, which names the request URL.
#[test]
#[cfg(feature = "s3")]
fn a_password_in_the_endpoint_url_is_not_printed() {
    // A port nothing listens on: the connection is refused (after object_store's retries).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let output = logschema()
        .args(["parse", "--log-type", "AWS.VPCFlow", "s3://logs/AWSLogs/"])
        .env(
            "AWS_ENDPOINT_URL",
            format!("http://minio:hunter2-secret@127.0.0.1:{port}"),
        )
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI")
        .env_remove("AWS_ENDPOINT_URL_S3")
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::null())
        .output()
        .expect("logschema runs");
    assert_no_panic(&output);
    assert_eq!(exit_code(&output), 1);
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains(&format!("(endpoint http://***@127.0.0.1:{port})")),
        "{stderr}"
    );
    for secret in ["hunter2-secret", "minio:", "wJalrXUtnFEMI"] {
        assert!(!stderr.contains(secret), "{secret} in {stderr}");
    }
}

#[test]
fn ddl_refuses_a_snowflake_location_that_is_sql() {
    let output = run(
        &[
            "ddl",
            "AWS.VPCFlow",
            "--dialect",
            "snowflake",
            "--location",
            "@st/a; DROP TABLE users; --",
        ],
        b"",
    );
    assert_eq!(exit_code(&output), 1);
    assert_eq!(stdout_text(&output), "", "no SQL is printed");
    assert!(
        stderr_text(&output).contains("@[database.][schema.]stage[/path]"),
        "{}",
        stderr_text(&output)
    );
}

#[test]
fn ddl_escapes_a_backslash_in_an_athena_location() {
    let output = run(
        &[
            "ddl",
            "AWS.VPCFlow",
            "--dialect",
            "athena",
            "--location",
            r"s3://lake/a\';DROP TABLE users;--",
        ],
        b"",
    );
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    let sql = stdout_text(&output);
    assert!(
        sql.contains(r"LOCATION 's3://lake/a\\\';DROP TABLE users;--/aws_vpcflow/'"),
        "{sql}"
    );
}

#[test]
fn absurd_thread_counts_are_refused_naming_the_limit() {
    let output = parse(
        "AWS.VPCFlow",
        &["--threads", "10000"],
        vpcflow_text(5).as_bytes(),
    );
    assert_eq!(exit_code(&output), 1);
    assert_eq!(stdout_text(&output), "");
    let stderr = stderr_text(&output);
    assert!(stderr.contains("1024"), "{stderr}");
    let output = parse("AWS.VPCFlow", &["--threads", "0"], b"");
    assert_eq!(exit_code(&output), 1);
}

/// Starting the workers costs linear time: 1,024 of them on 6 lines took 42 s when each idle
/// worker searched every other one's queue; now it is a fraction of a second.
#[test]
fn the_most_threads_allowed_start_quickly() {
    let started = std::time::Instant::now();
    let output = parse(
        "AWS.VPCFlow",
        &["--threads", "1024"],
        vpcflow_text(5).as_bytes(),
    );
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    assert_eq!(events(&output).len(), 5);
    let took = started.elapsed();
    assert!(took < std::time::Duration::from_secs(15), "took {took:?}");
}
