//! `logschema check`: the front end on schema files, without building; and the hints an author
//! gets for a mistyped log type name.

mod common;
use common::*;

#[test]
fn the_shipped_schemas_check_clean() {
    let output = run(&["check", "schemas"], b"");
    assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
    assert!(
        stderr_text(&output).contains("no problems"),
        "{}",
        stderr_text(&output)
    );
}

#[test]
fn every_problem_of_every_file_is_listed_with_its_location() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Two problems in one file (a misspelt type, a time format on an integer) and a YAML syntax
    // error in another: all three are reported in one run.
    std::fs::write(
        dir.path().join("audit.yml"),
        "schema: GitHub.Audit\nfields:\n  - name: actor\n    type: strnig\n  - name: created_at\n    type: int\n    timeFormat: unix\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("other.yml"),
        "schema: GitHub.Other\nfields:\n  - name: a\n    type: string\n   - name: b\n    type: string\n",
    )
    .expect("write");
    // Test files are not schemas.
    std::fs::write(dir.path().join("audit_tests.yml"), "name: x\n").expect("write");
    let output = run(&["check", dir.path().to_str().expect("utf-8")], b"");
    assert_eq!(exit_code(&output), 1);
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains("audit.yml:4:11: error: unknown type 'strnig'"),
        "{stderr}"
    );
    assert!(
        stderr.contains("audit.yml:7:5: error: `timeFormat` is only allowed on timestamps"),
        "{stderr}"
    );
    assert!(
        stderr.contains("other.yml:5:4: error: bad indentation:") && stderr.contains("(hint: "),
        "{stderr}"
    );
    assert!(!stderr.contains("audit_tests.yml"), "{stderr}");
    assert!(stderr.trim_end().ends_with("3 problems"), "{stderr}");
}

#[test]
fn a_missing_path_or_no_schema_is_an_error() {
    let missing = run(&["check", "no/such/schema.yml"], b"");
    assert_eq!(exit_code(&missing), 1);
    assert!(stderr_text(&missing).contains("no/such/schema.yml"));
    let empty = tempfile::tempdir().expect("tempdir");
    let nothing = run(&["check", empty.path().to_str().expect("utf-8")], b"");
    assert_eq!(exit_code(&nothing), 1);
    assert!(stderr_text(&nothing).contains("no schema files"));
}

#[test]
fn a_mistyped_log_type_names_the_closest_one() {
    let output = run(
        &[
            "parse",
            "--log-type",
            "aws.vpcflow",
            "samples/vpcflow-default.log",
        ],
        b"",
    );
    assert_eq!(exit_code(&output), 1);
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains("unknown log type \"aws.vpcflow\" (did you mean AWS.VPCFlow?)"),
        "{stderr}"
    );
}

/// A copy of this checkout's manifest and schemas, where the built binary is run.
fn copy_of_the_checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("Cargo.toml"), dir.path().join("Cargo.toml")).expect("copy");
    for entry in walkdir::WalkDir::new(repo.join("schemas")) {
        let entry = entry.expect("walk");
        let target = dir
            .path()
            .join(entry.path().strip_prefix(repo).expect("inside"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
    dir
}

fn run_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    logschema()
        .current_dir(dir)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("logschema runs")
}

#[test]
fn a_binary_older_than_the_checkouts_schemas_says_so() {
    let dir = copy_of_the_checkout();
    let fresh = run_in(dir.path(), &["show", "AWS.VPCFlow"]);
    assert_eq!(exit_code(&fresh), 0);
    assert!(
        !stderr_text(&fresh).contains("warning"),
        "{}",
        stderr_text(&fresh)
    );

    let schema = dir.path().join("schemas/aws/vpcflow.yml");
    let text = std::fs::read_to_string(&schema).expect("read");
    std::fs::write(
        &schema,
        text.replace("description:", "description: (edited)"),
    )
    .expect("write");
    let stale = run_in(dir.path(), &["show", "AWS.VPCFlow"]);
    let stderr = stderr_text(&stale);
    assert!(
        stderr.contains(
            "logschema: warning: schemas/aws/vpcflow.yml changed since this binary was built"
        ) && stderr.contains("cargo build --release"),
        "{stderr}"
    );
    // Once per run, from a subdirectory too.
    let nested = run_in(&dir.path().join("schemas"), &["show", "AWS.VPCFlow"]);
    assert_eq!(stderr_text(&nested).matches("warning").count(), 1);
}

#[test]
fn a_test_file_for_a_schema_not_built_in_says_rebuild() {
    let dir = copy_of_the_checkout();
    std::fs::write(
        dir.path().join("schemas/web/audit.yml"),
        "schema: GitHub.Audit\nfields:\n  - name: actor\n    type: string\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("schemas/web/audit_tests.yml"),
        "name: one\nlogType: GitHub.Audit\ninput: '{\"actor\": \"octocat\"}'\nresult: '{\"actor\": \"octocat\"}'\n",
    )
    .expect("write");
    let output = run_in(dir.path(), &["test", "schemas/web/audit_tests.yml"]);
    assert_eq!(exit_code(&output), 1);
    let stdout = stdout_text(&output);
    assert!(
        stdout.contains(
            "log type \"GitHub.Audit\" (schemas/web/audit.yml) is not built into this binary: rebuild"
        ),
        "{stdout}"
    );
    assert!(
        stderr_text(&output).contains("schemas/web/audit.yml is new since this binary was built"),
        "{}",
        stderr_text(&output)
    );
}

#[test]
fn milliseconds_in_a_unix_seconds_field_get_a_hint() {
    // AWS's documented flow record with its start time written in milliseconds.
    let line = "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010123 1418530070 ACCEPT OK\n";
    let output = run(&["parse", "--log-type", "AWS.VPCFlow"], line.as_bytes());
    assert_eq!(exit_code(&output), 2);
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains("<stdin>:1: start: ")
            && stderr.contains("1418530010123 reads as a time in unix_ms: use timeFormat unix_ms"),
        "{stderr}"
    );
}

#[test]
fn json_log_types_classification_cannot_tell_apart_are_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Two GitHub-like audit types that require the same keys: each accepts the other's records.
    let schema = |name: &str, extra: &str| {
        format!(
            "schema: {name}\nfields:\n  - name: action\n    required: true\n    type: string\n  \
             - name: created_at\n    required: true\n    type: timestamp\n    timeFormats: [unix_ms]\n    \
             isEventTime: true\n  - name: {extra}\n    type: string\n"
        )
    };
    std::fs::write(
        dir.path().join("audit.yml"),
        schema("GitHub.Audit", "actor"),
    )
    .expect("write");
    std::fs::write(dir.path().join("push.yml"), schema("GitHub.Push", "ref")).expect("write");
    let output = run(&["check", dir.path().to_str().expect("utf-8")], b"");
    assert_eq!(exit_code(&output), 0, "a warning is not an error");
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains(
            "audit.yml:1:1: warning: GitHub.Audit and GitHub.Push cannot be told apart when \
             classifying"
        ) && stderr.contains("make `actor` required in GitHub.Audit"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("2 schema files, no problems (1 warning)\n"),
        "{stderr}"
    );
}
