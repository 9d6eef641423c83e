//! Runs the built `logschema` binary: inputs (files, gzip, directories, standard input), rejects,
//! exit statuses, thread-count independence, `list`, `show` and `test`.
//!
//! Most tests target the real log types AWS.VPCFlow and AWS.VPCDns (samples/ in the repository).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use flate2::write::GzEncoder;
use serde_json::Value;

mod common;
use common::*;

const VPCFLOW_HEADER: &str = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";

fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The events written, each parsed from its JSON line.
fn events(output: &Output) -> Vec<Value> {
    stdout_text(output)
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|error| panic!("not JSON ({error}): {line}"))
        })
        .collect()
}

/// The events without the fields that differ from run to run.
fn stable_events(output: &Output) -> Vec<Value> {
    events(output)
        .into_iter()
        .map(|mut event| {
            if let Some(object) = event.as_object_mut() {
                object.remove("p_row_id");
                object.remove("p_parse_time");
            }
            event
        })
        .collect()
}

fn vpcflow_line(index: usize) -> String {
    let port = 1024 + index % 60000;
    format!(
        "2 123456789010 eni-1235b8ca123456789 10.0.{}.{} 172.31.16.21 {port} 443 6 {} {} {} {} ACCEPT OK",
        index / 250 % 250,
        index % 250,
        index % 97 + 1,
        index * 10 + 40,
        1_600_000_000 + index,
        1_600_000_060 + index
    )
}

fn gzip(text: &str) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(text.as_bytes()).expect("in-memory gzip");
    encoder.finish().expect("in-memory gzip")
}

fn src_ports(events: &[Value]) -> Vec<i64> {
    events
        .iter()
        .map(|event| event["srcPort"].as_i64().expect("srcPort"))
        .collect()
}

// ---- parse: inputs ----

#[test]
fn parses_the_vpcflow_sample_file() {
    let output = run(
        &[
            "parse",
            "--log-type",
            "AWS.VPCFlow",
            "samples/vpcflow-default.log",
        ],
        b"",
    );
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    let events = events(&output);
    assert_eq!(
        events.len(),
        5,
        "one event per record, the header is not one"
    );
    let first = &events[0];
    assert_eq!(first["srcAddr"], "172.31.16.139");
    assert_eq!(first["srcPort"], 20641);
    assert_eq!(first["p_log_type"], "AWS.VPCFlow");
    assert_eq!(first["p_event_time"], "2014-12-14 04:06:50.000000000");
    let row_id = first["p_row_id"].as_str().expect("p_row_id");
    assert!(
        row_id.len() == 32 && row_id.chars().all(|c| c.is_ascii_hexdigit()),
        "{row_id}"
    );
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains("samples/vpcflow-default.log: 5 events written, 0 records rejected"),
        "{stderr}"
    );
    assert!(
        stderr.contains("total: 5 events written, 0 records rejected"),
        "{stderr}"
    );
}

#[test]
fn parses_the_vpcdns_sample_with_source_fields() {
    let args = [
        "parse",
        "--log-type",
        "AWS.VPCDns",
        "--source-id",
        "src-1",
        "--source-label",
        "dns logs",
        "samples/vpcdns-aws-doc.jsonl",
    ];
    let output = run(&args, b"");
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    let events = events(&output);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["query_name"], "15.3.4.32.in-addr.arpa.");
    assert_eq!(events[0]["p_source_id"], "src-1");
    assert_eq!(events[0]["p_source_label"], "dns logs");
    assert_eq!(events[0]["p_event_time"], "2021-02-04 17:51:55.000000000");
}

#[test]
fn every_json_sample_parses_whole_with_its_log_type() {
    let samples = [
        (
            "AWS.CloudTrailDigest",
            "samples/cloudtraildigest-aws-doc.jsonl",
        ),
        (
            "AWS.CloudTrailInsight",
            "samples/cloudtrailinsight-aws-doc.jsonl",
        ),
        (
            "AWS.CloudWatchEvents",
            "samples/cloudwatchevents-aws-doc.jsonl",
        ),
        ("AWS.GuardDuty", "samples/guardduty-aws-doc.jsonl"),
        ("AWS.VPCDns", "samples/vpcdns-aws-doc.jsonl"),
        ("AWS.WAFWebACL", "samples/wafwebacl-aws-doc.jsonl"),
    ];
    for (log_type, sample) in samples {
        let records = std::fs::read_to_string(repo_path(sample))
            .expect("sample")
            .lines()
            .count();
        let output = run(&["parse", "--log-type", log_type, sample], b"");
        assert_eq!(exit_code(&output), 0, "{sample}: {}", stderr_text(&output));
        assert_eq!(events(&output).len(), records, "{sample}");
    }
}

#[test]
fn guardduty_findings_take_their_update_time_in_both_shapes() {
    let output = run(
        &[
            "parse",
            "--log-type",
            "AWS.GuardDuty",
            "samples/guardduty-aws-doc.jsonl",
        ],
        b"",
    );
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    let events = events(&output);
    // S3 export: the finding itself.
    assert_eq!(events[0]["type"], "Recon:EC2/PortProbeUnprotectedPort");
    assert_eq!(events[0]["p_event_time"], "2024-03-05 16:50:08.103000000");
    // EventBridge: the finding under detail, whose updatedAt wins over the envelope's time.
    assert_eq!(
        events[1]["detail"]["id"],
        "a8c4d3f1e2b5a6978c0d1e2f3a4b5c6d"
    );
    assert_eq!(events[1]["time"], "2024-03-06 08:26:02.000000000");
    assert_eq!(events[1]["p_event_time"], "2024-03-06 08:25:40.000000000");
}

#[test]
fn gzip_input_is_known_by_content_and_may_hold_several_members() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut data = gzip(&format!(
        "{VPCFLOW_HEADER}\n{}\n{}\n",
        vpcflow_line(1),
        vpcflow_line(2)
    ));
    data.extend(gzip(&format!("{}\n{}\n", vpcflow_line(3), vpcflow_line(4))));
    // No `.gz` in the name: the magic bytes decide.
    let path = dir.path().join("flows.log");
    std::fs::write(&path, data).expect("write gzip file");
    let output = run(
        &[
            "parse",
            "--log-type",
            "AWS.VPCFlow",
            path.to_str().expect("utf-8 path"),
        ],
        b"",
    );
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    assert_eq!(src_ports(&events(&output)), [1025, 1026, 1027, 1028]);
}

#[test]
fn a_directory_is_read_file_by_file_in_sorted_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("b-sub")).expect("mkdir");
    let files = [("c.log", 3), ("a.log", 1), ("b-sub/x.log", 2)];
    for (name, index) in files {
        std::fs::write(
            dir.path().join(name),
            format!("{VPCFLOW_HEADER}\n{}\n", vpcflow_line(index)),
        )
        .expect("write");
    }
    let output = run(
        &[
            "parse",
            "--log-type",
            "AWS.VPCFlow",
            dir.path().to_str().expect("utf-8"),
        ],
        b"",
    );
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    assert_eq!(src_ports(&events(&output)), [1025, 1026, 1027]);
    let stderr = stderr_text(&output);
    for (name, _) in files {
        let line = format!(
            "{}: 1 event written, 0 records rejected",
            dir.path().join(name).display()
        );
        assert!(stderr.contains(&line), "missing {line:?} in {stderr}");
    }
    assert!(stderr.contains("in 3 inputs"), "{stderr}");
}

#[test]
fn standard_input_is_read_with_no_path_or_dash() {
    let sample = std::fs::read(repo_path("samples/vpcflow-default.log")).expect("sample");
    for args in [
        &["parse", "--log-type", "AWS.VPCFlow"][..],
        &["parse", "--log-type", "AWS.VPCFlow", "-"],
    ] {
        let output = run(args, &sample);
        assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
        assert_eq!(events(&output).len(), 5);
        assert!(
            stderr_text(&output).contains("<stdin>: 5 events written"),
            "{}",
            stderr_text(&output)
        );
    }
}

#[test]
fn crlf_and_blank_lines_are_fine() {
    let input = format!(
        "{VPCFLOW_HEADER}\r\n\r\n{}\r\n\n{}",
        vpcflow_line(1),
        vpcflow_line(2)
    );
    let output = run(&["parse", "--log-type", "AWS.VPCFlow"], input.as_bytes());
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    let events = events(&output);
    assert_eq!(src_ports(&events), [1025, 1026]);
    assert_eq!(
        events[1]["status"], "OK",
        "the \\r is not part of the last value"
    );
}

// ---- parse: rejects and exit statuses ----

#[test]
fn rejected_records_go_to_stderr_and_the_rejects_file_and_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rejects = dir.path().join("rejects.jsonl");
    let mut input = format!(
        "{VPCFLOW_HEADER}\n{}\n2 123456789010 eni-1 10.0.0.1\n",
        vpcflow_line(1)
    )
    .into_bytes();
    input.extend_from_slice(b"2 \xff\xfe bad bytes\n");
    input.extend_from_slice(format!("{}\n", vpcflow_line(2)).as_bytes());
    let args = [
        "parse",
        "--log-type",
        "AWS.VPCFlow",
        "--rejects",
        rejects.to_str().expect("utf-8"),
        "-",
    ];
    let output = run(&args, &input);
    assert_eq!(exit_code(&output), 2, "{}", stderr_text(&output));
    assert_eq!(
        src_ports(&events(&output)),
        [1025, 1026],
        "the good records are still written"
    );

    let stderr = stderr_text(&output);
    assert!(stderr.contains("<stdin>:3: too few columns"), "{stderr}");
    assert!(stderr.contains("<stdin>:4: invalid UTF-8"), "{stderr}");
    assert!(
        stderr.contains("<stdin>: 2 events written, 2 records rejected"),
        "{stderr}"
    );

    let text = std::fs::read_to_string(&rejects).expect("rejects file written");
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["path"], "<stdin>");
    assert_eq!(lines[0]["line"], 3);
    assert_eq!(lines[0]["raw"], "2 123456789010 eni-1 10.0.0.1");
    assert!(lines[0]["error"]
        .as_str()
        .expect("error")
        .contains("too few columns"));
    assert_eq!(lines[1]["line"], 4);
    assert_eq!(lines[1]["error"], "invalid UTF-8");
    assert_eq!(lines[1]["raw"], "2 \u{fffd}\u{fffd} bad bytes");
    assert!(
        text.starts_with(r#"{"path":"<stdin>","line":3,"error":"#),
        "keys in order: {text}"
    );
}

#[test]
fn text_parser_rejections_keep_the_files_line_numbers() {
    // W3C directives skipped by skipLines, a blank line, a record, a directive later (rejected),
    // a record: skipped lines still count, so the rejection is at line 7.
    let input = "#Software: IIS\n#Version: 1.0\n#Date: 2026-12-02 00:00:00\n#Fields: date time\n\n\
        2026-12-02 00:00:01 192.0.2.20 - 192.0.2.1 443 GET / - 200 Edge\n\
        #Date: 2026-12-02 01:00:00\n\
        2026-12-02 01:00:01 192.0.2.21 - 192.0.2.1 443 GET / - 200 Edge\n";
    let output = run(
        &["parse", "--log-type", "Test.FastMatchW3C", "-"],
        input.as_bytes(),
    );
    assert_eq!(exit_code(&output), 2, "{}", stderr_text(&output));
    let times: Vec<Value> = events(&output)
        .iter()
        .map(|event| event["timestamp"].clone())
        .collect();
    assert_eq!(
        times,
        [
            "2026-12-02 00:00:01.000000000",
            "2026-12-02 01:00:01.000000000"
        ]
    );
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains("<stdin>:7: the line does not match the pattern"),
        "{stderr}"
    );
}

#[test]
fn skip_lines_skip_unreadable_lines_too() {
    // The second directive line is not UTF-8: it is one of the four skipped lines, not a
    // rejection. The same bytes after the skipped lines are rejected.
    let mut input = b"#Software: IIS\n#Version: \xff\xfe\n#Date: x\n#Fields: x\n".to_vec();
    input.extend_from_slice(b"2026-12-02 00:00:01 192.0.2.20 - 192.0.2.1 443 GET / - 200 Edge\n");
    input.extend_from_slice(b"\xff\xfe\n");
    let output = run(&["parse", "--log-type", "Test.FastMatchW3C", "-"], &input);
    assert_eq!(exit_code(&output), 2, "{}", stderr_text(&output));
    assert_eq!(events(&output).len(), 1);
    let stderr = stderr_text(&output);
    assert!(stderr.contains("<stdin>:6: invalid UTF-8"), "{stderr}");
    assert!(
        stderr.contains("<stdin>: 1 event written, 1 record rejected"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_log_type_exits_1_naming_the_known_ones() {
    let output = run(
        &[
            "parse",
            "--log-type",
            "No.Such",
            "samples/vpcflow-default.log",
        ],
        b"",
    );
    assert_eq!(exit_code(&output), 1);
    assert!(output.stdout.is_empty());
    let stderr = stderr_text(&output);
    assert!(stderr.contains("No.Such"), "{stderr}");
    for log_type in logschema::log_types() {
        assert!(stderr.contains(log_type.name), "{stderr}");
    }
}

#[test]
fn a_missing_path_exits_1_after_reading_the_other_inputs() {
    let args = [
        "parse",
        "--log-type",
        "AWS.VPCFlow",
        "no/such/file.log",
        "samples/vpcflow-default.log",
    ];
    let output = run(&args, b"");
    assert_eq!(exit_code(&output), 1);
    assert_eq!(
        events(&output).len(),
        5,
        "the readable input is still parsed"
    );
    let stderr = stderr_text(&output);
    assert!(stderr.contains("no/such/file.log"), "{stderr}");
    assert_eq!(
        stderr
            .lines()
            .filter(|line| line.starts_with("logschema: no/such/file.log"))
            .count(),
        1
    );
}

#[test]
fn usage_errors_exit_1_not_2() {
    assert_eq!(
        exit_code(&run(
            &[
                "parse",
                "--log-type",
                "AWS.VPCFlow",
                "--log-types",
                "AWS.VPCDns"
            ],
            b""
        )),
        1,
        "one of --log-type and --log-types"
    );
    assert_eq!(
        exit_code(&run(
            &["parse", "--log-type", "AWS.VPCFlow", "--threads", "0"],
            b""
        )),
        1
    );
    assert_eq!(exit_code(&run(&["frobnicate"], b"")), 1);
    assert_eq!(exit_code(&run(&["--help"], b"")), 0);
}

// ---- parse: parallelism and streaming ----

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let mut input = format!("{VPCFLOW_HEADER}\n");
    for index in 0..6000 {
        if index % 1000 == 999 {
            input.push_str("2 123456789010 too-few\n");
        } else if index == 3000 {
            // A header mid-stream (concatenated files) switches the column order.
            input.push_str("srcport version account-id interface-id srcaddr dstaddr dstport protocol packets bytes start end action log-status\n");
            input.push_str("7 2 123456789010 eni-1 10.0.0.1 10.0.0.2 443 6 1 40 1600000000 1600000060 ACCEPT OK\n");
        } else if index > 3000 {
            let line = vpcflow_line(index);
            let values: Vec<&str> = line.split(' ').collect();
            let mut reordered = vec![values[5]];
            reordered.extend(
                values
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != 5)
                    .map(|(_, value)| *value),
            );
            input.push_str(&reordered.join(" "));
            input.push('\n');
        } else {
            input.push_str(&vpcflow_line(index));
            input.push('\n');
        }
    }
    let one = run(
        &["parse", "--log-type", "AWS.VPCFlow", "--threads", "1"],
        input.as_bytes(),
    );
    let two = run(
        &["parse", "--log-type", "AWS.VPCFlow", "--threads", "2"],
        input.as_bytes(),
    );
    assert_eq!(exit_code(&one), 2, "{}", stderr_text(&one));
    assert_eq!(exit_code(&two), 2);
    let events_one = stable_events(&one);
    assert_eq!(events_one.len(), 5994);
    assert_eq!(events_one, stable_events(&two));
    assert_eq!(stderr_text(&one), stderr_text(&two));
    // Records 0..3000 less three rejected, then the first record after the mid-stream header.
    assert_eq!(events_one[2997]["srcPort"], 7);
    assert_eq!(events_one[2998]["srcPort"], 1024 + 3001);

    // Row ids are unique, and their sequence part follows the input order.
    let ids: Vec<String> = events(&two)
        .iter()
        .map(|event| event["p_row_id"].as_str().expect("id").to_string())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len());
}

#[test]
fn a_closed_stdout_ends_quietly_with_exit_0() {
    let mut input = format!("{VPCFLOW_HEADER}\n");
    for index in 0..50_000 {
        input.push_str(&vpcflow_line(index));
        input.push('\n');
    }
    let mut child = logschema()
        .args(["parse", "--log-type", "AWS.VPCFlow"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).expect("some output");
    // Like `| head -c 1`: close the pipe after the first byte.
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr");
    let status = child.wait().expect("exits");
    let _ = writer.join();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("Broken pipe") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

// ---- list, show ----

#[test]
fn list_prints_every_log_type_with_its_description() {
    let output = run(&["list"], b"");
    assert_eq!(exit_code(&output), 0);
    let stdout = stdout_text(&output);
    assert_eq!(stdout.lines().count(), logschema::log_types().len());
    for log_type in logschema::log_types() {
        assert!(stdout.contains(log_type.name), "{stdout}");
    }
}

#[test]
fn list_names_the_aws_log_types() {
    let stdout = stdout_text(&run(&["list"], b""));
    assert!(stdout.contains("AWS.VPCDns"), "{stdout}");
    assert!(
        stdout
            .lines()
            .any(|line| line.starts_with("AWS.VPCFlow") && line.contains("VPC")),
        "{stdout}"
    );
}

#[test]
fn show_describes_every_registered_log_type() {
    for log_type in logschema::log_types() {
        let output = run(&["show", log_type.name], b"");
        assert_eq!(exit_code(&output), 0);
        let stdout = stdout_text(&output);
        assert!(stdout.starts_with(log_type.name), "{stdout}");
        assert!(
            stdout.contains("fields:") && stdout.contains("event time:"),
            "{stdout}"
        );
        for field in log_type.fields {
            assert!(
                stdout.contains(&format!("{}: ", field.name)),
                "{} missing in {stdout}",
                field.name
            );
        }
    }
    let unknown = run(&["show", "No.Such"], b"");
    assert_eq!(exit_code(&unknown), 1);
    assert!(stderr_text(&unknown).contains("No.Such"));
}

#[test]
fn show_describes_vpcflow() {
    let output = run(&["show", "AWS.VPCFlow"], b"");
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    let stdout = stdout_text(&output);
    for expected in [
        "parser: delimited",
        "delimiter: ' '",
        "header: detect",
        "event time: start",
        "account: string",
        "column account-id",
        "indicators [aws_account_id]",
        "timeFormats [unix]",
    ] {
        assert!(
            stdout.contains(expected),
            "{expected:?} missing in {stdout}"
        );
    }
}

#[test]
fn show_describes_cloudfront_header_lines_and_expanded_time() {
    let output = run(&["show", "AWS.CloudFrontAccess"], b"");
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    let stdout = stdout_text(&output);
    for expected in [
        "delimiter: '\\t'",
        "header: the lines starting with '#Fields:'",
        "skipPrefix: '#'",
        "expandFields: timestamp",
        "event time: timestamp",
        "cs-Host: string, column cs(Host), indicators [hostname]",
    ] {
        assert!(
            stdout.contains(expected),
            "{expected:?} missing in {stdout}"
        );
    }
}

#[test]
fn every_text_aws_sample_parses_whole_with_its_log_type() {
    // (log type, sample, lines that are not records: CloudFront's #Version and #Fields)
    let samples = [
        (
            "AWS.CloudFrontAccess",
            "samples/cloudfrontaccess-aws-doc.log",
            2,
        ),
        (
            "AWS.AuroraMySQLAudit",
            "samples/auroramysqlaudit-aws-doc.log",
            0,
        ),
    ];
    for (log_type, sample, not_records) in samples {
        let lines = std::fs::read_to_string(repo_path(sample))
            .expect("sample")
            .lines()
            .count();
        let output = run(&["parse", "--log-type", log_type, sample], b"");
        assert_eq!(exit_code(&output), 0, "{sample}: {}", stderr_text(&output));
        assert_eq!(events(&output).len(), lines - not_records, "{sample}");
    }
}

#[test]
fn show_describes_vpcdns_nested_fields_and_conditions() {
    let stdout = stdout_text(&run(&["show", "AWS.VPCDns"], b""));
    assert!(stdout.contains("parser: JSON lines"), "{stdout}");
    assert!(stdout.contains("answers: array of object"), "{stdout}");
    assert!(
        stdout.contains("    Rdata: string"),
        "nested fields are indented: {stdout}"
    );
    assert!(stdout.contains("when Type in ["), "{stdout}");
    assert!(stdout.contains("event time: query_timestamp"), "{stdout}");
}

// ---- test ----

#[test]
fn the_schema_tests_pass() {
    // The shipped log types' tests, and the test-only ones' (the `test-log-types` feature).
    let output = run(&["test", "schemas/", "tests/schemas/"], b"");
    let stdout = stdout_text(&output);
    assert_eq!(exit_code(&output), 0, "{stdout}{}", stderr_text(&output));
    assert!(stdout.contains(", 0 failed"), "{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
}

#[test]
fn the_schema_tests_pass_through_the_library() {
    let report = logschema::testing::run_paths(&[repo_path("schemas"), repo_path("tests/schemas")]);
    let mut text = Vec::new();
    report.write_to(&mut text).expect("in-memory");
    assert!(report.success(), "{}", String::from_utf8_lossy(&text));
}

#[test]
fn failing_test_cases_are_explained() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sample =
        std::fs::read_to_string(repo_path("samples/vpcdns-aws-doc.jsonl")).expect("sample");
    let cases = format!(
        "name: wrong rcode\nlogType: AWS.VPCDns\ninput: '{}'\nresult: |\n  {{\"rcode\": \"NXDOMAIN\"}}\n\
         ---\nname: passes\nlogType: AWS.VPCDns\ninput: 'not json'\nerrors: [invalid JSON]\n",
        sample.trim()
    );
    std::fs::write(dir.path().join("dns_tests.yml"), cases).expect("write");
    let output = run(&["test", dir.path().to_str().expect("utf-8")], b"");
    assert_eq!(exit_code(&output), 1);
    let stdout = stdout_text(&output);
    assert!(
        stdout.contains("FAIL ") && stdout.contains("dns_tests.yml: wrong rcode"),
        "{stdout}"
    );
    assert!(
        stdout.contains(r#"event 1: rcode: expected "NXDOMAIN", actual "NOERROR""#),
        "{stdout}"
    );
    assert!(
        stdout.contains("event 1: query_name: unexpected"),
        "{stdout}"
    );
    assert!(stdout.contains("dns_tests.yml: passes"), "{stdout}");
    assert!(
        stdout.trim_end().ends_with("1 passed, 1 failed"),
        "{stdout}"
    );
}

#[test]
fn malformed_test_files_and_unknown_log_types_fail() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("a_tests.yml"),
        "name: x\ninput: [unclosed\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("b_tests.yml"),
        "name: unknown type\nlogType: No.Such\ninput: x\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("not_a_test.yml"), "ignored: true\n").expect("write");
    let output = run(&["test", dir.path().to_str().expect("utf-8")], b"");
    assert_eq!(exit_code(&output), 1);
    let stdout = stdout_text(&output);
    assert!(
        stdout.contains("FAIL ") && stdout.contains("a_tests.yml: document 1"),
        "{stdout}"
    );
    assert!(stdout.contains("b_tests.yml: unknown type"), "{stdout}");
    assert!(stdout.contains("unknown log type \"No.Such\""), "{stdout}");
    assert!(!stdout.contains("not_a_test"), "{stdout}");
    assert!(
        stdout.trim_end().ends_with("0 passed, 2 failed"),
        "{stdout}"
    );
}

#[test]
fn a_test_run_that_finds_nothing_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = run(&["test", dir.path().to_str().expect("utf-8")], b"");
    assert_eq!(exit_code(&output), 1);
    assert!(stdout_text(&output).contains("no test cases found"));
    let missing = run(&["test", "no/such/dir"], b"");
    assert_eq!(exit_code(&missing), 1);
    assert!(stdout_text(&missing).contains("no/such/dir"));
}
