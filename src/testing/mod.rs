//! The `*_tests.yml` runner behind `logschema test`; `cargo test` can call it too.
//!
//! Each test case's input is parsed line by line as `logschema parse` would (`run`), then the
//! events and rejections are compared with what the case expects (`compare`, `verdict`).

pub mod cases;
pub mod compare;
pub mod run;
pub mod verdict;

use std::io::{self, Write};
use std::path::PathBuf;

use crate::runtime::LogType;

pub use cases::{find_test_files, load_file, parse_cases, TestCase};
pub use verdict::{check_case, check_case_among};

/// The outcome of one test case, or of a test file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseOutcome {
    pub file: PathBuf,
    /// `None` when the file itself failed (unreadable, malformed).
    pub name: Option<String>,
    /// Empty when the case passed; otherwise one readable line per problem.
    pub failures: Vec<String>,
}

impl CaseOutcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

#[derive(Debug, Default, Clone)]
pub struct TestReport {
    pub outcomes: Vec<CaseOutcome>,
}

impl TestReport {
    pub fn passed(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|outcome| outcome.passed())
            .count()
    }

    pub fn failed(&self) -> usize {
        self.outcomes.len() - self.passed()
    }

    /// True when at least one case ran and nothing failed.
    pub fn success(&self) -> bool {
        !self.outcomes.is_empty() && self.failed() == 0
    }

    /// `PASS file: name` / `FAIL file: name` with the differences indented below, then the counts.
    pub fn write_to(&self, out: &mut dyn Write) -> io::Result<()> {
        for outcome in &self.outcomes {
            let file = crate::escape::path(&outcome.file);
            let verdict = if outcome.passed() { "PASS" } else { "FAIL" };
            let mut details = outcome.failures.iter();
            match &outcome.name {
                Some(name) => writeln!(out, "{verdict} {file}: {name}")?,
                // A file-level failure: its first message takes the place of the case name.
                None => writeln!(
                    out,
                    "{verdict} {file}: {}",
                    details.next().map_or("", String::as_str)
                )?,
            }
            for detail in details {
                writeln!(out, "    {detail}")?;
            }
        }
        if self.outcomes.is_empty() {
            writeln!(out, "no test cases found")?;
        }
        writeln!(out, "{} passed, {} failed", self.passed(), self.failed())
    }
}

/// Runs every test case of every `*_tests.yml` file among `paths` (directories searched recursively).
pub fn run_paths(paths: &[PathBuf]) -> TestReport {
    run_paths_among(paths, &[])
}

/// `run_paths`, with the log types of `loaded` (schemas loaded at run time with `--schema`)
/// taking precedence over the built-in ones of the same name.
pub fn run_paths_among(paths: &[PathBuf], loaded: &[&'static LogType]) -> TestReport {
    let mut report = TestReport::default();
    for found in find_test_files(paths) {
        match found {
            Ok(file) => report.outcomes.extend(run_file_among(file, loaded)),
            Err(error) => report.outcomes.push(CaseOutcome {
                file: error.path,
                name: None,
                failures: vec![error.message],
            }),
        }
    }
    report
}

/// Runs the test cases of one file; a file that cannot be read or parsed is one failure.
pub fn run_file(file: PathBuf) -> Vec<CaseOutcome> {
    run_file_among(file, &[])
}

fn run_file_among(file: PathBuf, loaded: &[&'static LogType]) -> Vec<CaseOutcome> {
    match load_file(&file) {
        Ok(cases) => cases
            .iter()
            .map(|case| CaseOutcome {
                file: file.clone(),
                name: Some(case.name.clone()),
                failures: check_case_among(case, loaded),
            })
            .collect(),
        Err(message) => vec![CaseOutcome {
            file,
            name: None,
            failures: vec![message],
        }],
    }
}
