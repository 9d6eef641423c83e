//! `logschema parse|test --schema FILE|DIR`: schemas run without building, chosen among the
//! loaded and the built-in log types, their problems printed as `logschema check` prints them.

mod common;
use common::*;

const AUDIT: &str = "tests/schema_loop/github_audit.yml";

/// An event line without the fields that differ from run to run.
fn stable(line: &str) -> serde_json::Value {
    let mut event: serde_json::Value = serde_json::from_str(line).expect("an event line");
    let object = event.as_object_mut().expect("an object");
    object.remove("p_row_id");
    object.remove("p_parse_time");
    event
}

#[test]
fn a_schema_file_parses_without_being_built_in() {
    let output = run(
        &[
            "parse",
            "--schema",
            AUDIT,
            "tests/schema_loop/github_audit.jsonl",
        ],
        b"",
    );
    // One record lacks its action: rejected, and the exit status says so.
    assert_eq!(exit_code(&output), 2, "{}", stderr_text(&output));
    let stdout = stdout_text(&output);
    let events: Vec<serde_json::Value> = stdout.lines().map(stable).collect();
    assert_eq!(events.len(), 2, "{stdout}");
    assert_eq!(events[0]["p_log_type"], "GitHub.Audit");
    assert_eq!(
        events[0]["p_unknown"],
        serde_json::json!({"visibility": "private"})
    );
    assert_eq!(
        events[1]["p_any_usernames"],
        serde_json::json!(["hubot", "octocat"])
    );
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains("github_audit.jsonl:3: action: required value is missing"),
        "{stderr}"
    );
    // Not built in: no note about shadowing.
    assert!(!stderr.contains("note:"), "{stderr}");
}

#[test]
fn a_loaded_schema_replaces_the_built_in_one_with_the_same_output() {
    let built_in = run(
        &[
            "parse",
            "--log-type",
            "AWS.VPCFlow",
            "samples/vpcflow-default.log",
        ],
        b"",
    );
    let loaded = run(
        &[
            "parse",
            "--schema",
            "schemas/aws",
            "--log-type",
            "AWS.VPCFlow",
            "samples/vpcflow-default.log",
        ],
        b"",
    );
    assert_eq!(exit_code(&built_in), 0);
    assert_eq!(exit_code(&loaded), 0, "{}", stderr_text(&loaded));
    let events = |output: &std::process::Output| -> Vec<serde_json::Value> {
        stdout_text(output).lines().map(stable).collect()
    };
    assert_eq!(events(&loaded), events(&built_in));
    assert!(!events(&loaded).is_empty());
    assert!(
        stderr_text(&loaded).contains(
            "note: 12 log types from --schema are used instead of the built-in ones of those names"
        ),
        "{}",
        stderr_text(&loaded)
    );
}

#[test]
fn the_log_type_is_chosen_among_loaded_and_built_in_ones() {
    // A built-in log type stays available next to --schema.
    let built_in = run(
        &[
            "parse",
            "--schema",
            AUDIT,
            "--log-type",
            "AWS.VPCFlow",
            "samples/vpcflow-default.log",
        ],
        b"",
    );
    assert_eq!(exit_code(&built_in), 0, "{}", stderr_text(&built_in));
    // A misspelt name is looked for among both.
    let misspelt = run(
        &["parse", "--schema", AUDIT, "--log-type", "github.audit"],
        b"",
    );
    assert_eq!(exit_code(&misspelt), 1);
    assert!(
        stderr_text(&misspelt).contains("(did you mean GitHub.Audit?)"),
        "{}",
        stderr_text(&misspelt)
    );
}

#[test]
fn test_runs_the_cases_beside_a_schema_file() {
    let output = run(&["test", "--schema", AUDIT], b"");
    assert_eq!(exit_code(&output), 0, "{}", stdout_text(&output));
    assert!(
        stdout_text(&output).ends_with("3 passed, 0 failed\n"),
        "{}",
        stdout_text(&output)
    );
    // Without --schema the log type is not built in.
    let without = run(&["test", "tests/schema_loop/github_audit_tests.yml"], b"");
    assert_eq!(exit_code(&without), 1);
}

#[test]
fn schema_problems_print_as_check_prints_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("audit.yml"),
        "schema: GitHub.Audit\nfields:\n  - name: actor\n    type: strnig\n",
    )
    .expect("write");
    let path = dir.path().join("audit.yml");
    let path = path.to_str().expect("utf-8");
    let check = run(&["check", path], b"");
    let lines = |output: &std::process::Output| -> Vec<String> {
        stderr_text(output).lines().map(str::to_owned).collect()
    };
    let check_lines = lines(&check);
    assert!(check_lines[0].ends_with("audit.yml:4:11: error: unknown type 'strnig' (expected one of string, int, smallint, bigint, float, boolean, timestamp, array, object, json, ref)"), "{check_lines:?}");
    for (command, args) in [
        ("parse", vec!["parse", "--schema", path]),
        ("test", vec!["test", "--schema", path]),
    ] {
        let output = run(&args, b"");
        assert_eq!(exit_code(&output), 1, "{command}");
        assert!(stdout_text(&output).is_empty(), "{command}");
        let mut expected = check_lines.clone();
        *expected.last_mut().expect("a count") = format!("logschema: {command}: 1 problem");
        assert_eq!(lines(&output), expected, "{command}");
    }
}
