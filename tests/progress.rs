//! The progress bar: drawn on a terminal, never in a pipe or under CI. A pseudo-terminal comes
//! from tests/python/pty_run.py (Python's standard library only).

mod common;

use std::path::Path;
use std::process::Command;

use common::{exit_code, logschema, stderr_text};

/// Enough flow records that the run lasts several of the bar's 200 ms ticks.
const RECORDS: u64 = 60_000;

fn big_flow_log(dir: &Path) -> String {
    let mut text = String::from(
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes \
         start end action log-status\n",
    );
    for i in 0..RECORDS {
        text.push_str(&format!(
            "2 123456789012 eni-0123456789abcdef0 10.0.{}.{} 198.51.100.7 {} 443 6 3 300 \
             1612458000 1612458060 ACCEPT OK\n",
            i % 200,
            i % 250,
            40_000 + i % 20_000
        ));
    }
    text.push_str("not a flow record\n");
    let path = dir.join("flow.log");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// What `logschema ARGS` draws on a terminal standard error, and its exit status.
fn on_terminal(keep_ci: bool, args: &[&str]) -> (String, i32) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/pty_run.py");
    let mut command = Command::new("python3");
    command.arg(script);
    if keep_ci {
        command.arg("--keep-ci").env("CI", "true");
    }
    let output = command
        .arg(env!("CARGO_BIN_EXE_logschema"))
        .args(args)
        .output()
        .expect("python3 runs");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let (drawn, status) = text
        .rsplit_once("\nEXIT ")
        .unwrap_or_else(|| panic!("pty_run.py did not finish: {text}"));
    (drawn.to_string(), status.trim().parse().unwrap())
}

#[test]
fn a_terminal_gets_the_bar_and_the_summary_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let input = big_flow_log(dir.path());
    let (drawn, status) = on_terminal(
        false,
        &[
            "parse",
            "--log-type",
            "AWS.VPCFlow",
            "--threads",
            "2",
            &input,
        ],
    );
    assert_eq!(status, 2, "one record is rejected:\n{drawn}");
    assert!(drawn.contains("records ("), "no bar drawn:\n{drawn}");
    assert!(drawn.contains("/1 files"), "{drawn}");
    // The reject line and the summary are printed whole, not drawn over.
    assert!(
        drawn.contains("flow.log:60002: "),
        "the reject line is missing:\n{drawn}"
    );
    let summary = drawn
        .find("summary: total: 60000 events written, 1 record rejected")
        .unwrap_or_else(|| panic!("no summary:\n{drawn}"));
    assert!(
        !drawn[summary..].contains("records ("),
        "bar after the summary"
    );
}

#[test]
fn no_bar_under_ci_or_with_no_progress() {
    let dir = tempfile::tempdir().unwrap();
    let input = big_flow_log(dir.path());
    let args = ["parse", "--log-type", "AWS.VPCFlow", &input];
    let (drawn, status) = on_terminal(true, &args);
    assert_eq!(status, 2);
    assert!(!drawn.contains("records ("), "a bar under CI:\n{drawn}");
    assert!(drawn.contains("summary: total: 60000 events written"));

    let mut quiet = args.to_vec();
    quiet.push("--no-progress");
    let (drawn, _) = on_terminal(false, &quiet);
    assert!(
        !drawn.contains("records ("),
        "a bar with --no-progress:\n{drawn}"
    );
}

#[test]
fn no_bar_in_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let input = big_flow_log(dir.path());
    let output = logschema()
        .env_remove("CI")
        .args(["parse", "--log-type", "AWS.VPCFlow", &input])
        .output()
        .unwrap();
    assert_eq!(exit_code(&output), 2);
    let stderr = stderr_text(&output);
    assert!(!stderr.contains("records ("), "{stderr}");
    assert!(stderr.starts_with(&format!("{input}:60002: ")), "{stderr}");
}
