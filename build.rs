//! Generates Rust for the log schemas (see `logschema_codegen::build`): the shipped ones under
//! `schemas/`, and the test-only ones under `tests/schemas/`, which only the `test-log-types`
//! feature (this package's own tests) compiles into the library. Both are always generated, so
//! `generated/` and `tests/generated/` are checked against every build.

fn main() -> std::process::ExitCode {
    logschema_codegen::build::compile_schema_dirs(&[
        ("schemas", "generated"),
        ("tests/schemas", "tests/generated"),
    ])
}
