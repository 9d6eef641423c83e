//! Running the built `logschema` binary, shared by the binary tests.

#![allow(dead_code)] // each test file uses its own subset

pub mod moto;
pub mod python;

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// `logschema`, run from the repository root.
pub fn logschema() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_logschema"));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// Runs `logschema ARGS` with `stdin` as standard input.
pub fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = logschema()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the logschema binary starts");
    let mut input = child.stdin.take().expect("piped stdin");
    let stdin = stdin.to_vec();
    // Write from another thread so a full stdout pipe cannot deadlock the test; the binary may
    // stop reading early (a fatal error), so a failed write is not the test's concern.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let output = child.wait_with_output().expect("logschema runs");
    let _ = writer.join();
    output
}

pub fn exit_code(output: &Output) -> i32 {
    output
        .status
        .code()
        .expect("exited normally, not by a signal")
}

pub fn stderr_text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn stdout_text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}
