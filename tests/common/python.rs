//! The integration tests' Python tools (DuckDB, moto, boto3), from a venv that
//! `tests/python/setup.sh` makes and keeps (see `tests/python/requirements.txt`).

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// `tests/python/`: the set-up script, the requirements and the helper scripts.
pub fn python_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/python")
}

/// The venv's `python`, after running `tests/python/setup.sh` once per test process (the
/// script itself takes a lock, so parallel test binaries install once, and returns at once when
/// the venv is up to date). A failed set-up fails the calling test with the script's output:
/// the tests that need these tools never skip silently.
pub fn test_python() -> PathBuf {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match PYTHON.get_or_init(set_up) {
        Ok(python) => python.clone(),
        Err(message) => panic!("{message}"),
    }
}

fn set_up() -> Result<PathBuf, String> {
    let script = python_dir().join("setup.sh");
    let output = Command::new("bash")
        .arg(&script)
        .output()
        .map_err(|error| format!("cannot run {}: {error}", script.display()))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!(
            "the test Python venv could not be set up ({} failed, {}); it needs python3 with \
             venv and access to PyPI the first time. Its output:\n{stderr}",
            script.display(),
            output.status
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let python = PathBuf::from(stdout.lines().last().unwrap_or_default().trim());
    if !python.is_file() {
        return Err(format!(
            "{} succeeded but named no python (stdout {stdout:?}, stderr {stderr:?})",
            script.display()
        ));
    }
    Ok(python)
}
