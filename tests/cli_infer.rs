//! `logschema infer` on AWS's documented records: the draft compiles, and its types, required
//! keys, time formats and indicators are what the samples say.

mod common;
use common::*;

use std::path::Path;

use logschema_codegen::{compile, SchemaSource};

fn infer(args: &[&str], stdin: &[u8]) -> String {
    let mut all = vec!["infer"];
    all.extend_from_slice(args);
    let output = run(&all, stdin);
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    stdout_text(&output)
}

/// The draft passes the generator's checks as it is.
fn assert_compiles(yaml: &str) {
    let sources = [SchemaSource {
        path: "schemas/inferred.yml".into(),
        text: yaml.into(),
    }];
    if let Err(diagnostics) = compile(&sources) {
        panic!("{diagnostics:#?}\n{yaml}");
    }
}

#[test]
fn a_draft_from_route53_resolver_records_compiles_with_the_documented_types() {
    // AWS's documented record, and the same with no answers and a firewall action.
    let records = concat!(
        r#"{"version":"1.100000","account_id":"123456789012","region":"us-east-1","vpc_id":"vpc-7example","query_timestamp":"2021-02-04T17:51:55Z","query_name":"example.com.","query_type":"A","query_class":"IN","rcode":"NOERROR","answers":[{"Rdata":"203.0.113.9","Type":"A","Class":"IN"}],"srcaddr":"172.31.0.2","srcport":"51880","transport":"UDP","srcids":{"instance":"i-0d15cd0d3example"}}"#,
        "\n",
        r#"{"version":"1.100000","account_id":"123456789012","region":"us-east-1","vpc_id":"vpc-7example","query_timestamp":"2021-02-04T17:52:01.5Z","query_name":"blocked.example.net.","query_type":"AAAA","query_class":"IN","rcode":"NXDOMAIN","answers":[],"srcaddr":"2001:db8::1","srcport":"51881","transport":"TCP","srcids":{"instance":"i-0d15cd0d3example"},"firewall_rule_action":"BLOCK"}"#,
        "\n"
    );
    let yaml = infer(&["--name", "Custom.ResolverQueries"], records.as_bytes());
    assert_compiles(&yaml);
    for expected in [
        "schema: Custom.ResolverQueries",
        "  - name: account_id\n    required: true\n    description: TODO\n    type: string\n    indicators: [aws_account_id]",
        "  - name: query_timestamp\n    required: true\n    description: TODO\n    type: timestamp\n    timeFormat: rfc3339\n    isEventTime: true",
        "  - name: query_name\n    required: true\n    description: TODO\n    type: string\n    indicators: [domain]",
        "  - name: srcaddr\n    required: true\n    description: TODO\n    type: string\n    indicators: [ip]",
        "    type: array\n    element:\n      type: object\n      fields:\n        - name: Rdata\n          required: true\n          description: TODO\n          type: string\n          indicators: [ip]",
        // Present in one record of two: not required.
        "  - name: firewall_rule_action\n    description: TODO\n    type: string\n",
    ] {
        assert!(yaml.contains(expected), "{expected}\nnot in\n{yaml}");
    }
}

#[test]
fn numbers_times_and_conflicts_follow_panthers_rules() {
    let records = concat!(
        r#"{"start":1418530010,"bytes":4249,"duration":0.5,"detail":{"a":1},"mixed":"x"}"#,
        "\n",
        r#"{"start":1418530070,"bytes":4250,"duration":1,"detail":[1],"mixed":7}"#,
    );
    let yaml = infer(&[], records.as_bytes());
    assert_compiles(&yaml);
    assert!(yaml.contains("schema: Custom.Inferred"), "{yaml}");
    for expected in [
        "  - name: start\n    required: true\n    description: TODO\n    type: timestamp\n    timeFormat: unix\n    isEventTime: true",
        "  - name: bytes\n    required: true\n    description: TODO\n    type: bigint",
        "  - name: duration\n    required: true\n    description: TODO\n    type: float",
        "  - name: detail\n    required: true\n    description: TODO\n    type: json",
        "  - name: mixed\n    required: true\n    description: TODO\n    type: string",
    ] {
        assert!(yaml.contains(expected), "{expected}\nnot in\n{yaml}");
    }
}

#[test]
fn nothing_to_infer_from_is_an_error() {
    let output = run(&["infer"], b"not json\n[1,2]\n");
    assert_eq!(exit_code(&output), 1);
    assert!(
        stderr_text(&output).contains("no JSON object records to infer from (2 skipped)"),
        "{}",
        stderr_text(&output)
    );
}

#[test]
fn from_unknown_drafts_the_fields_a_discovering_schema_lacks() {
    // Events of Test.FieldDiscovery (fieldDiscoveryEnabled): GitHub-style audit entries whose
    // action-specific keys went to p_unknown.
    let records = concat!(
        r#"{"action":"repo.create","actor":"octocat","created_at":1606929874512,"org":"octo-org","repo":"octo-org/octo-repo","visibility":"private"}"#,
        "\n",
        r#"{"action":"org.add_member","actor":"octocat","created_at":1606929874513,"org":"octo-org","user":"monalisa","permission":"read"}"#,
        "\n",
    );
    let parsed = run(
        &["parse", "--log-type", "Test.FieldDiscovery"],
        records.as_bytes(),
    );
    assert_eq!(exit_code(&parsed), 0, "{}", stderr_text(&parsed));
    let events = stdout_text(&parsed);
    assert!(events.contains(r#""p_unknown":{"repo":"octo-org/octo-repo","visibility":"private"}"#));
    let yaml = infer(
        &["--from-unknown", "--name", "Test.Missing"],
        events.as_bytes(),
    );
    assert_compiles(&yaml);
    for name in ["repo", "visibility", "user", "permission"] {
        assert!(
            yaml.contains(&format!(
                "  - name: {name}\n    description: TODO\n    type: string\n"
            )),
            "{name} in\n{yaml}"
        );
    }
    for declared in ["action", "actor", "created_at", "p_log_type"] {
        assert!(
            !yaml.contains(&format!("name: {declared}\n")),
            "{declared} in\n{yaml}"
        );
    }
}

/// A draft from each shipped AWS sample (JSON records, or text lines through `--parser csv`),
/// run on those samples with `parse --schema`: every record is accepted; and the test cases
/// `--tests` drafted beside it pass.
#[test]
fn a_schema_inferred_from_each_aws_sample_parses_it_with_zero_rejects() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let work = tempfile::tempdir().expect("tempdir");
    let mut names: Vec<String> = std::fs::read_dir(&samples)
        .expect("samples/")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.contains("aws-doc") || name.starts_with("vpcflow"))
        .collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    for name in names {
        let sample = samples.join(&name);
        let parser = if name.ends_with(".log") {
            "csv"
        } else {
            "json"
        };
        let tests = work.path().join(format!("{name}_tests.yml"));
        let output = logschema()
            .args([
                "infer",
                "--name",
                "Custom.Inferred",
                "--parser",
                parser,
                "--tests",
            ])
            .arg(&tests)
            .arg(&sample)
            .output()
            .expect("logschema runs");
        assert_eq!(exit_code(&output), 0, "{name}: {}", stderr_text(&output));
        let schema = work.path().join(format!("{name}.yml"));
        std::fs::write(&schema, &output.stdout).expect("write the draft");
        let parsed = logschema()
            .args(["parse", "--schema"])
            .arg(&schema)
            .args(["--log-type", "Custom.Inferred"])
            .arg(&sample)
            .output()
            .expect("logschema runs");
        let stderr = stderr_text(&parsed);
        assert_eq!(
            exit_code(&parsed),
            0,
            "{name}: the draft rejects records:\n{stderr}\n{}",
            stdout_text(&output)
        );
        assert!(stderr.contains(" 0 records rejected"), "{name}: {stderr}");
        assert!(!stdout_text(&parsed).is_empty(), "{name}: no events");
        // `--tests` wrote the first samples with the draft's events: they pass.
        let tested = logschema()
            .args(["test", "--schema"])
            .arg(&schema)
            .arg(&tests)
            .output()
            .expect("logschema runs");
        let report = stdout_text(&tested);
        assert_eq!(
            exit_code(&tested),
            0,
            "{name}: {report}{}",
            stderr_text(&tested)
        );
        assert!(
            report.contains(" passed, 0 failed") && !report.starts_with("0 passed"),
            "{name}: {report}"
        );
    }
}
