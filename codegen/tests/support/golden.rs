//! The one golden-file check of the workspace: the emitter's goldens (codegen/tests/golden/),
//! the DDL goldens (tests/golden/) and the checked-in generated code (generated/).
//! `UPDATE_GOLDEN=1 cargo test` rewrites whichever it compares; review the diff, then commit.
//!
//! Included by path (`#[path = ".../support/golden.rs"] mod golden;`) from both crates' tests.

#![allow(dead_code)]

use std::path::Path;

/// The variable that turns comparisons into rewrites.
pub const UPDATE: &str = "UPDATE_GOLDEN";

/// Whether this run rewrites goldens instead of comparing with them (`UPDATE_GOLDEN` set to
/// anything but `0`).
pub fn updating() -> bool {
    std::env::var_os(UPDATE).is_some_and(|value| value != "0")
}

/// Compares `actual` with the golden file at `path` (when updating: writes it), and panics
/// with the first differing line when they differ.
pub fn check_golden(path: &Path, actual: &str) {
    if let Some(problem) = golden_problem(path, actual.as_bytes()) {
        panic!("{problem}\nrerun with {UPDATE}=1 to accept the new output, then review the diff");
    }
}

/// `check_golden` without the panic: what is wrong with the golden at `path`, if anything.
/// When updating, the file is (re)written and nothing is wrong.
pub fn golden_problem(path: &Path, actual: &[u8]) -> Option<String> {
    let expected = std::fs::read(path).ok();
    if expected.as_deref() == Some(actual) {
        return None;
    }
    if updating() {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .unwrap_or_else(|error| panic!("creating {}: {error}", parent.display()));
        }
        std::fs::write(path, actual)
            .unwrap_or_else(|error| panic!("writing {}: {error}", path.display()));
        return None;
    }
    let Some(expected) = expected else {
        return Some(format!("{} is missing", path.display()));
    };
    let (expected, actual) = (
        String::from_utf8_lossy(&expected),
        String::from_utf8_lossy(actual),
    );
    let first_difference = expected
        .lines()
        .zip(actual.lines())
        .position(|(expected, actual)| expected != actual)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
    Some(format!(
        "{} is out of date (first difference at line {}):\n  expected: {:?}\n  actual:   {:?}",
        path.display(),
        first_difference + 1,
        expected.lines().nth(first_difference),
        actual.lines().nth(first_difference),
    ))
}
