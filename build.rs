//! Generates Rust for every log schema under `schemas/` (see the `logschema-codegen` crate).
//!
//! This script does the I/O: it finds and reads the schema files, hands them to the generator,
//! writes what comes back into `$OUT_DIR/generated/` (only files whose content changed), and
//! prints schema errors like a compiler, failing the build.

use std::{
    env, fs, io,
    path::{Path, PathBuf},
    process::ExitCode,
};

use logschema_codegen::{
    generate, is_schema_file_name, schema_fingerprint, GeneratedFile, SchemaSource,
};

#[path = "codegen/tests/support/wide.rs"]
mod wide;

const SCHEMA_DIR: &str = "schemas";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(messages) => {
            // One `cargo::error=` line per problem: cargo shows them first, above its "failed to
            // run custom build command" block, each in the compiler's `file:line:col` format.
            // A message is one line; should one ever hold more, each line stays an error line.
            for line in messages.iter().flat_map(|message| message.lines()) {
                println!("cargo::error={line}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Vec<String>> {
    let crate_dir = env_path("CARGO_MANIFEST_DIR")?;
    let out_dir = env_path("OUT_DIR")?.join("generated");

    // The directory itself, so that a new schema file triggers a rebuild.
    println!("cargo::rerun-if-changed={SCHEMA_DIR}");
    let mut schema_paths = Vec::new();
    find_schemas(&crate_dir, Path::new(SCHEMA_DIR), &mut schema_paths)
        .map_err(|error| vec![format!("{SCHEMA_DIR}: error: cannot list schemas: {error}")])?;

    let mut sources = Vec::new();
    let mut problems = Vec::new();
    for relative in schema_paths {
        let shown = relative.to_string_lossy().replace('\\', "/");
        println!("cargo::rerun-if-changed={shown}");
        match fs::read_to_string(crate_dir.join(&relative)) {
            Ok(text) => sources.push(SchemaSource { path: shown, text }),
            Err(error) => problems.push(format!("{shown}: error: cannot read: {error}")),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    // Cargo prefixes each `cargo::error=` line with `error: `: the diagnostic's own is left out.
    // Outside `generated/` (which must equal the checked-in copy): the binary's record of the
    // schema files it was built from, so it can tell when they have changed since.
    write_if_changed(
        &out_dir.with_file_name("schema_fingerprints.rs"),
        &fingerprints(&sources),
    )
    .map_err(|error| {
        vec![format!(
            "error: cannot write schema_fingerprints.rs: {error}"
        )]
    })?;

    let files = generate(&sources).map_err(|diagnostics| {
        diagnostics
            .iter()
            .map(|diagnostic| format!("{}: {}", diagnostic.location, diagnostic.message))
            .collect::<Vec<_>>()
    })?;

    fs::create_dir_all(&out_dir).map_err(|error| {
        vec![format!(
            "error: cannot create {}: {error}",
            out_dir.display()
        )]
    })?;
    for file in &files {
        write_if_changed(&out_dir.join(&file.name), &file.contents)
            .map_err(|error| vec![format!("error: cannot write {}: {error}", file.name)])?;
    }
    remove_stale_files(&out_dir, &files).map_err(|error| {
        vec![format!(
            "error: cannot clean {}: {error}",
            out_dir.display()
        )]
    })?;
    write_test_wide_schema(&out_dir)
}

/// For the crate's tests only (src/lib.rs `golden::wide_1000`): the code of a 1,000-field
/// schema, so rustc checks it without a checked-in golden of that size. Written next to
/// `generated/`, not in it.
fn write_test_wide_schema(out_dir: &Path) -> Result<(), Vec<String>> {
    println!("cargo::rerun-if-changed=codegen/tests/support/wide.rs");
    let files = generate(&[SchemaSource {
        path: "schemas/test/wide.yml".to_string(),
        text: wide::wide_schema(1000),
    }])
    .map_err(|diagnostics| vec![format!("error: the wide test schema: {diagnostics:?}")])?;
    let code = files
        .iter()
        .find(|file| file.name != "log_types.rs")
        .map(|file| file.contents.as_str())
        .unwrap_or_default();
    write_if_changed(&out_dir.with_file_name("test_wide_1000.rs"), code)
        .map_err(|error| vec![format!("error: cannot write test_wide_1000.rs: {error}")])
}

/// The output directory holds exactly this build's files (the checked-in copy under
/// `generated/` is compared with it), so files of removed schemas go.
fn remove_stale_files(out_dir: &Path, files: &[GeneratedFile]) -> io::Result<()> {
    for entry in fs::read_dir(out_dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let is_current = files.iter().any(|file| *file.name == *name);
        if !is_current && entry.file_type()?.is_file() {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// Every schema file below `dir`, at any depth, sorted, relative to `crate_dir`: `*.yml` and
/// `*.yaml` except the `*_tests.yml` test files.
fn find_schemas(crate_dir: &Path, dir: &Path, found: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut entries = fs::read_dir(crate_dir.join(dir))?
        .map(|entry| entry.map(|entry| entry.file_name()))
        .collect::<io::Result<Vec<_>>>()?;
    entries.sort();
    for name in entries {
        let relative = dir.join(&name);
        let name = name.to_string_lossy();
        if crate_dir.join(&relative).is_dir() {
            find_schemas(crate_dir, &relative, found)?;
        } else if is_schema_file_name(&name) {
            found.push(relative);
        }
    }
    Ok(())
}

/// `[("schemas/aws/vpcflow.yml", 0x...), ...]`, sorted by path, as a Rust expression.
fn fingerprints(sources: &[SchemaSource]) -> String {
    let entries: Vec<String> = sources
        .iter()
        .map(|source| {
            format!(
                "({:?}, {:#018x})",
                source.path,
                schema_fingerprint(&source.text)
            )
        })
        .collect();
    format!("&[{}]\n", entries.join(", "))
}

/// Leaves an unchanged file alone so its timestamp does not wake file watchers.
fn write_if_changed(path: &Path, contents: &str) -> io::Result<()> {
    if fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return Ok(());
    }
    fs::write(path, contents)
}

fn env_path(name: &str) -> Result<PathBuf, Vec<String>> {
    env::var_os(name).map(PathBuf::from).ok_or_else(|| {
        vec![format!(
            "error: {name} is not set (build.rs runs under cargo)"
        )]
    })
}
