//! JSON input as a stream of values, and records inside JSON envelopes, through the built binary:
//! pretty-printed records, several records on a line, damaged lines, and CloudTrail's
//! `{"Records": [...]}` files larger than the record limit (streamed, not held whole).

use std::io::Write;
use std::process::Output;

use flate2::write::GzEncoder;
use serde_json::Value;

mod common;
use common::*;

/// A Route 53 Resolver query log record in AWS's documented format.
const DNS_RECORD: &str = r#"{"version":"1.100000","account_id":"111122223333","region":"us-east-1","vpc_id":"vpc-7example","query_timestamp":"2021-02-04T17:51:55Z","query_name":"example.com.","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":[{"Rdata":"203.0.113.9","Type":"A","Class":"IN"}],"srcaddr":"10.0.0.1","srcport":"5353","transport":"UDP","srcids":{"instance":"i-0123456789abcdef0"}}"#;

fn parse(log_type: &str, extra: &[&str], stdin: &[u8]) -> Output {
    let mut args = vec!["parse", "--log-type", log_type];
    args.extend_from_slice(extra);
    run(&args, stdin)
}

fn events(output: &Output) -> Vec<Value> {
    stdout_text(output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("every output line is JSON"))
        .collect()
}

fn pretty(record: &str) -> String {
    let value: Value = serde_json::from_str(record).expect("a JSON record");
    serde_json::to_string_pretty(&value).expect("JSON")
}

#[test]
fn pretty_printed_and_concatenated_records_are_one_event_each() {
    let input = format!(
        "{}\n{DNS_RECORD}{DNS_RECORD} {DNS_RECORD}\n\n{DNS_RECORD}\n",
        pretty(DNS_RECORD)
    );
    let output = parse("AWS.VPCDns", &[], input.as_bytes());
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    let events = events(&output);
    assert_eq!(events.len(), 5);
    for event in &events {
        assert_eq!(event["query_name"], "example.com.");
        assert_eq!(event["p_any_ip_addresses"][0], "10.0.0.1");
    }
}

#[test]
fn a_line_cut_short_is_rejected_with_its_line_and_the_next_lines_are_kept() {
    let cut = &DNS_RECORD[..DNS_RECORD.len() / 2];
    let input = format!(
        "{DNS_RECORD}\n{cut}\n{DNS_RECORD}\n{}\n",
        pretty(DNS_RECORD)
    );
    let output = parse("AWS.VPCDns", &[], input.as_bytes());
    assert_eq!(exit_code(&output), 2);
    assert_eq!(events(&output).len(), 3, "only the cut record is lost");
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains("<stdin>:2: invalid JSON: the value that starts on line 2 is cut short"),
        "{stderr}"
    );
    assert!(stderr.contains("1 record rejected"), "{stderr}");
}

fn cloudtrail_event(index: usize) -> String {
    format!(
        r#"{{"eventVersion":"1.08","userIdentity":{{"type":"IAMUser","principalId":"AIDAJ45Q7YFFAREXAMPLE","arn":"arn:aws:iam::123456789012:user/Alice","accountId":"123456789012","userName":"Alice"}},"eventTime":"2023-07-19T21:{:02}:{:02}Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"us-east-2","sourceIPAddress":"192.0.2.{}","userAgent":"aws-cli/2.13.5","requestParameters":{{"instancesSet":{{"items":[{{"instanceId":"i-0e2f7a3f1b8c9d0e5"}}]}}}},"responseElements":null,"requestID":"req-{index}","eventID":"event-{index}","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"123456789012"}}"#,
        index / 60 % 60,
        index % 60,
        index % 250
    )
}

fn records_document(events: usize) -> String {
    let records: Vec<String> = (0..events).map(cloudtrail_event).collect();
    format!("{{\"Records\":[{}]}}\n", records.join(","))
}

#[test]
fn a_cloudtrail_file_larger_than_the_record_limit_is_streamed_record_by_record() {
    // About 3 MB on one line, read with a 4 KB record limit: the document is never one record.
    let document = records_document(6000);
    assert!(document.len() > 2_000_000);
    let mut gzip = GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(document.as_bytes()).expect("in-memory gzip");
    let compressed = gzip.finish().expect("in-memory gzip");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir
        .path()
        .join("123456789012_CloudTrail_us-east-2_20230719T2120Z_x.json.gz");
    std::fs::write(&path, compressed).expect("write the file");
    let output = run(
        &[
            "parse",
            "--log-type",
            "AWS.CloudTrail",
            "--max-line-bytes",
            "4096",
            path.to_str().expect("UTF-8 path"),
        ],
        b"",
    );
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    let events = events(&output);
    assert_eq!(events.len(), 6000);
    assert_eq!(events[0]["eventID"], "event-0");
    assert_eq!(events[5999]["eventID"], "event-5999");
    assert_eq!(
        events[5999]["p_any_aws_instance_ids"][0],
        "i-0e2f7a3f1b8c9d0e5"
    );
}

#[test]
fn envelope_rejections_name_the_line_of_the_record_and_the_rest_is_kept() {
    let bad = cloudtrail_event(1).replace(r#""eventTime":"2023-07-19T21:00:01Z","#, "");
    let input = format!(
        "{{\"Records\":[\n{},\n{bad},\n{}\n]}}\n{}\n",
        cloudtrail_event(0),
        cloudtrail_event(2),
        cloudtrail_event(3)
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let rejects = dir.path().join("rejects.jsonl");
    let output = parse(
        "AWS.CloudTrail",
        &["--rejects", rejects.to_str().expect("UTF-8 path")],
        input.as_bytes(),
    );
    assert_eq!(exit_code(&output), 2);
    let ids: Vec<Value> = events(&output)
        .iter()
        .map(|event| event["eventID"].clone())
        .collect();
    assert_eq!(ids, ["event-0", "event-2", "event-3"]);
    let rejected: Value = serde_json::from_str(
        std::fs::read_to_string(&rejects)
            .expect("the rejects file")
            .trim(),
    )
    .expect("one JSON line");
    assert_eq!(rejected["line"], 3);
    assert_eq!(rejected["error"], "eventTime: required value is missing");
    assert_eq!(rejected["raw"], bad.as_str());
}
