//! `parse --log-types` and `parse` without a log type: each record classified among candidate
//! log types, on the vendors' documented records (samples/).

use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::*;

fn sample(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write the input");
    path
}

fn events(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("an event line is JSON"))
        .collect()
}

fn log_types_of(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|event| event["p_log_type"].as_str().expect("p_log_type"))
        .collect()
}

/// Without the fields that differ between runs.
fn stable(mut events: Vec<Value>) -> Vec<Value> {
    for event in &mut events {
        let object = event.as_object_mut().expect("an object");
        object.remove("p_row_id");
        object.remove("p_parse_time");
    }
    events
}

/// VPC flow records (after their header line), a DNS query log record, a line of neither, and
/// flow records again.
fn flow_and_dns() -> String {
    let flow = sample("vpcflow-default.log");
    let mut flow_lines = flow.lines();
    let header = flow_lines
        .next()
        .expect("the flow sample starts with its header");
    let records: Vec<&str> = flow_lines.collect();
    let dns = sample("vpcdns-aws-doc.jsonl");
    let dns_record = dns.lines().next().expect("a DNS record");
    format!(
        "{header}\n{}\n{}\n{dns_record}\nnot a log record\n{}\n",
        records[0],
        records[1],
        records[2..].join("\n")
    )
}

#[test]
fn each_record_goes_to_the_candidate_that_accepts_it_in_input_order() {
    let work = tempfile::tempdir().expect("temp dir");
    let input = write(work.path(), "mixed.log", &flow_and_dns());
    let flow_records = sample("vpcflow-default.log").lines().skip(1).count();
    let output = run(
        &[
            "parse",
            "--log-types",
            "AWS.VPCDns,AWS.VPCFlow",
            input.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(exit_code(&output), 2, "one line is rejected");
    let events = events(&stdout_text(&output));
    let mut expected = vec!["AWS.VPCFlow"; flow_records + 1];
    expected[2] = "AWS.VPCDns";
    assert_eq!(log_types_of(&events), expected);
    assert_eq!(events[2]["query_name"], "15.3.4.32.in-addr.arpa.");
    assert!(
        events[2]["p_any_ip_addresses"].is_array(),
        "indicators per type"
    );

    let stderr = stderr_text(&output);
    let line = 5;
    assert!(
        stderr.contains(&format!(
            "mixed.log:{line}: no candidate log type accepts the record (AWS.VPCDns: invalid \
             JSON"
        )) && stderr.contains("; AWS.VPCFlow: too few columns: expected 14, found 4)"),
        "every candidate's reason, in the given order:\n{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "summary: events by log type: AWS.VPCDns 1, AWS.VPCFlow {flow_records}"
        )),
        "{stderr}"
    );
}

#[test]
fn the_outcome_is_the_same_with_globs_no_flag_and_any_thread_count() {
    let work = tempfile::tempdir().expect("temp dir");
    // Many batches, so that classification restarts at batch boundaries.
    let mixed = flow_and_dns().repeat(3000);
    let input = write(work.path(), "mixed.log", &mixed);
    let path = input.to_str().unwrap();
    let listed = run(
        &[
            "parse",
            "--log-types",
            "AWS.VPCFlow,AWS.VPCDns",
            "--threads",
            "1",
            path,
        ],
        b"",
    );
    let globbed = run(
        &["parse", "--log-types", "aws.vpc*", "--threads", "2", path],
        b"",
    );
    let every = run(&["parse", path], b"");
    let listed = stable(events(&stdout_text(&listed)));
    assert_eq!(
        listed.len(),
        3000 * (sample("vpcflow-default.log").lines().count())
    );
    assert_eq!(listed, stable(events(&stdout_text(&globbed))));
    assert_eq!(listed, stable(events(&stdout_text(&every))));
}

#[test]
fn a_one_type_stream_gives_the_events_of_its_log_type() {
    let flow = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/vpcflow-default.log");
    let one = run(
        &["parse", "--log-type", "AWS.VPCFlow", flow.to_str().unwrap()],
        b"",
    );
    let classified = run(
        &["parse", "--log-types", "AWS.*", flow.to_str().unwrap()],
        b"",
    );
    assert_eq!(exit_code(&classified), 0, "{}", stderr_text(&classified));
    assert_eq!(
        stable(events(&stdout_text(&one))),
        stable(events(&stdout_text(&classified)))
    );
}

#[test]
fn json_candidates_read_a_json_stream_with_envelopes_and_records_over_several_lines() {
    let work = tempfile::tempdir().expect("temp dir");
    // A CloudTrail file (its Records array over many lines), then a DNS record pretty-printed.
    let dns: Value = serde_json::from_str(sample("vpcdns-aws-doc.jsonl").lines().next().unwrap())
        .expect("the DNS sample is JSON");
    let text = format!(
        "{}\n{}\n",
        sample("cloudtrail-aws-doc.json"),
        serde_json::to_string_pretty(&dns).unwrap()
    );
    let input = write(work.path(), "mixed.json", &text);
    let output = run(
        &[
            "parse",
            "--log-types",
            "AWS.VPCDns,AWS.CloudTrail",
            input.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    let events = events(&stdout_text(&output));
    let trail: Value = serde_json::from_str(&sample("cloudtrail-aws-doc.json")).unwrap();
    let trail_records = trail["Records"].as_array().expect("Records").len();
    let mut expected = vec!["AWS.CloudTrail"; trail_records];
    expected.push("AWS.VPCDns");
    assert_eq!(log_types_of(&events), expected);
}

#[test]
fn log_types_whose_framing_cannot_be_shared_are_refused_before_reading() {
    let output = run(&["parse", "--log-types", "AWS.VPCFlow,AWS.CloudTrail"], b"");
    assert_eq!(exit_code(&output), 1);
    assert_eq!(
        stderr_text(&output).trim_end(),
        "logschema: AWS.CloudTrail reads its records from a JSON envelope: it can be \
         classified among JSON log types only"
    );
    let unknown = run(&["parse", "--log-types", "AWS.VPCFlw"], b"");
    assert_eq!(exit_code(&unknown), 1);
    assert!(stderr_text(&unknown).contains("did you mean AWS.VPCFlow?"));
    let both = run(
        &[
            "parse",
            "--log-type",
            "AWS.VPCFlow",
            "--log-types",
            "AWS.VPCDns",
        ],
        b"",
    );
    assert_eq!(
        exit_code(&both),
        1,
        "--log-type and --log-types exclude each other"
    );
}

#[test]
fn a_file_rejected_whole_gets_a_hint_naming_the_log_type_that_accepts_it() {
    let alb = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/alb-aws-doc.log");
    let output = run(
        &["parse", "--log-type", "AWS.VPCDns", alb.to_str().unwrap()],
        b"",
    );
    assert_eq!(exit_code(&output), 2);
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains(
            "was rejected: is it a log of this type? Its first records parse as AWS.ALB \
             (--log-type AWS.ALB)."
        ),
        "{stderr}"
    );
}
