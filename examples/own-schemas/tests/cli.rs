//! The command line of a crate with its own log types: the built-in ones and Squid.Access, in
//! every command.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, run in `dir`.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_own-schemas"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

fn run(args: &[&str]) -> Output {
    run_in(crate_dir(), args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn list_has_the_built_in_log_types_and_its_own_but_no_test_only_ones() {
    let output = run(&["list"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.lines().any(|line| line.starts_with("Squid.Access ")),
        "{text}"
    );
    assert!(
        text.lines().any(|line| line.starts_with("AWS.VPCFlow ")),
        "{text}"
    );
    // logschema's test-only log types are compiled in for its own tests only.
    assert!(
        !text.contains("Test.") && !text.contains("Custom.WebAudit"),
        "{text}"
    );
    // Sorted by name, its own among the built-in ones.
    let names: Vec<&str> = text
        .lines()
        .filter_map(|line| line.split(' ').next())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
}

#[test]
fn its_own_schema_tests_pass_by_default() {
    let output = run(&["test"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}{}", stderr(&output));
    assert!(text.contains("3 passed, 0 failed"), "{text}");
    assert!(
        text.contains("PASS schemas/squid/access_tests.yml: A cache miss"),
        "{text}"
    );
}

#[test]
fn parse_reads_its_own_and_built_in_log_types() {
    let output = run(&[
        "parse",
        "--log-type",
        "Squid.Access",
        "--no-progress",
        "samples/access.log",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 4, "{text}");
    let first: serde_json::Value =
        serde_json::from_str(text.lines().next().expect("an event")).expect("JSON");
    assert_eq!(first["p_log_type"], "Squid.Access");
    assert_eq!(first["url"], "http://www.example.com/index.html");
    assert_eq!(first["p_event_time"], "2025-12-02 07:55:00.125000000");

    let flow = crate_dir().join("../../samples/vpcflow-default.log");
    let output = run(&[
        "parse",
        "--log-type",
        "AWS.VPCFlow",
        "--no-progress",
        flow.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("\"p_log_type\":\"AWS.VPCFlow\""));
}

#[test]
fn show_ddl_and_check_know_its_own_log_type() {
    let show = run(&["show", "Squid.Access"]);
    assert_eq!(show.status.code(), Some(0));
    assert!(
        stdout(&show).contains("schema: schemas/squid/access.yml"),
        "{}",
        stdout(&show)
    );

    let ddl = run(&[
        "ddl",
        "Squid.Access",
        "--dialect",
        "athena",
        "--location",
        "s3://lake/logs",
    ]);
    assert_eq!(ddl.status.code(), Some(0), "{}", stderr(&ddl));
    let sql = stdout(&ddl);
    assert!(sql.contains("squid_access"), "{sql}");
    assert!(sql.contains("`client_address` string"), "{sql}");

    let check = run(&["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert!(stderr(&check).contains("1 schema file, no problems"));

    let unknown = run(&["show", "Squid.Acess"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("did you mean Squid.Access?"));
}

#[test]
fn diff_compares_versions_of_its_own_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let old = crate_dir().join("schemas/squid/access.yml");
    let new = dir.path().join("access.yml");
    let text = std::fs::read_to_string(&old).expect("read");
    std::fs::write(&new, text.replace("    type: smallint", "    type: string")).expect("write");
    let output = run(&[
        "diff",
        old.to_str().expect("UTF-8 path"),
        new.to_str().expect("UTF-8 path"),
    ]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(
        stdout(&output).contains(
            "FIELD_TYPE_CHANGED: breaking: Squid.Access field status: type changed from \
             smallint to string"
        ),
        "{}",
        stdout(&output)
    );
}

/// A copy of this crate's manifest and schemas, where the binary can tell it is stale.
fn copy_of_the_crate() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        crate_dir().join("Cargo.toml"),
        dir.path().join("Cargo.toml"),
    )
    .expect("copy");
    for entry in walkdir::WalkDir::new(crate_dir().join("schemas")) {
        let entry = entry.expect("walk");
        let relative = entry.path().strip_prefix(crate_dir()).expect("inside");
        let target = dir.path().join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
    dir
}

#[test]
fn the_staleness_warning_looks_at_its_own_schemas() {
    let dir = copy_of_the_crate();
    let fresh = run_in(dir.path(), &["show", "Squid.Access"]);
    assert!(!stderr(&fresh).contains("warning"), "{}", stderr(&fresh));

    let schema = dir.path().join("schemas/squid/access.yml");
    let text = std::fs::read_to_string(&schema).expect("read");
    std::fs::write(
        &schema,
        text.replace("description: Squid", "description: (edited) Squid"),
    )
    .expect("write");
    let stale = run_in(dir.path(), &["show", "Squid.Access"]);
    assert!(
        stderr(&stale).contains(
            "logschema: warning: schemas/squid/access.yml changed since this binary was built"
        ),
        "{}",
        stderr(&stale)
    );
}
