//! Generates Rust for the log schemas (see `logschema_codegen::build`): the shipped ones under
//! `schemas/`, and the test-only ones under `tests/schemas/`, which only the `test-log-types`
//! feature (this package's own tests) compiles into the library. Both are always generated, so
//! `generated/` and `tests/generated/` are checked against every build.

use std::path::PathBuf;
use std::process::ExitCode;

use logschema_codegen::{generate, SchemaSource};

#[path = "codegen/tests/support/wide.rs"]
mod wide;

fn main() -> ExitCode {
    // Only this package's tests read the wide schema's code: other builds skip its ~1 s.
    if std::env::var_os("CARGO_FEATURE_TEST_LOG_TYPES").is_some() {
        if let Err(message) = write_test_wide_schema() {
            println!("cargo::error={message}");
            return ExitCode::FAILURE;
        }
    }
    logschema_codegen::build::compile_schema_dirs(&[
        ("schemas", "generated"),
        ("tests/schemas", "tests/generated"),
    ])
}

/// For the crate's tests only (src/lib.rs `golden::wide_1000`): the code of a 1,000-field
/// schema, so rustc checks it without a checked-in golden of that size.
fn write_test_wide_schema() -> Result<(), String> {
    println!("cargo::rerun-if-changed=codegen/tests/support/wide.rs");
    let out_dir = std::env::var_os("OUT_DIR")
        .map(PathBuf::from)
        .ok_or("OUT_DIR is not set (build.rs runs under cargo)")?;
    let files = generate(&[SchemaSource {
        path: "tests/schemas/wide.yml".to_string(),
        text: wide::wide_schema(1000),
    }])
    .map_err(|diagnostics| format!("the wide test schema: {diagnostics:?}"))?;
    let code = files
        .iter()
        .find(|file| file.name != "log_types.rs")
        .map(|file| file.contents.as_str())
        .unwrap_or_default();
    let path = out_dir.join("test_wide_1000.rs");
    // Left alone when unchanged, so its timestamp does not trigger a rebuild.
    if std::fs::read_to_string(&path).ok().as_deref() != Some(code) {
        std::fs::write(&path, code)
            .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    }
    Ok(())
}
