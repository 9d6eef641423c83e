//! For a crate's `build.rs`: compiles its schema directory into `$OUT_DIR`, prints schema errors
//! like a compiler and fails the build on them.
//!
//! ```no_run
//! // build.rs
//! fn main() -> std::process::ExitCode {
//!     logschema_codegen::build::compile_schemas("schemas")
//! }
//! ```
//!
//! and in the crate, the log types as a `logschema::LogTypeSet` (`LOG_TYPE_SET`) and their
//! modules (`generated::*`):
//!
//! ```ignore
//! mod schemas {
//!     logschema::include_log_types!();
//! }
//! ```
//!
//! The generated files go to `$OUT_DIR/generated/` (the index `log_types.rs` and one file per log
//! type: the copy a crate checks in as `generated/`, see [`compare_with_checked_in`]) and
//! `$OUT_DIR/generated.rs` (the set: the package, the schema directory and each schema file's
//! fingerprint, for telling a stale binary; not meant to be checked in).
//!
//! This module does the I/O the rest of the crate leaves to its caller.

use std::{
    collections::BTreeMap,
    env, fs, io,
    path::{Path, PathBuf},
    process::ExitCode,
};

use crate::{generate, is_schema_file_name, schema_fingerprint, GeneratedFile, SchemaSource};

/// The output name of [`compile_schemas`]: `$OUT_DIR/generated/` and `$OUT_DIR/generated.rs`.
pub const DEFAULT_OUTPUT: &str = "generated";

/// Compiles every schema below `schema_dir` (relative to the crate root) into
/// `$OUT_DIR/generated/`: one call in a `build.rs`, whose exit status it is.
pub fn compile_schemas(schema_dir: &str) -> ExitCode {
    compile_schema_dirs(&[(schema_dir, DEFAULT_OUTPUT)])
}

/// Several schema directories, each into its own output: `(schema_dir, output)` compiles
/// `schema_dir` into `$OUT_DIR/<output>/` and `$OUT_DIR/<output>.rs`. The output is also where
/// the crate checks the generated code in (`generated`, `tests/generated`). Every directory's
/// problems are reported, then the build fails.
pub fn compile_schema_dirs(dirs: &[(&str, &str)]) -> ExitCode {
    let mut messages = Vec::new();
    for (schema_dir, output) in dirs {
        if let Err(problems) = compile_dir(schema_dir, output) {
            messages.extend(problems);
        }
    }
    if messages.is_empty() {
        return ExitCode::SUCCESS;
    }
    // One `cargo::error=` line per problem: cargo shows them first, above its "failed to run
    // custom build command" block, each in the compiler's `file:line:col` format. A message is
    // one line; should one ever hold more, each line stays an error line.
    for line in messages.iter().flat_map(|message| message.lines()) {
        println!("cargo::error={line}");
    }
    ExitCode::FAILURE
}

fn compile_dir(schema_dir: &str, output: &str) -> Result<(), Vec<String>> {
    let crate_dir = env_path("CARGO_MANIFEST_DIR")?;
    let out_dir = env_path("OUT_DIR")?;
    let generated_dir = out_dir.join(output);

    // The directory itself, so that a new schema file triggers a rebuild.
    println!("cargo::rerun-if-changed={schema_dir}");
    let mut schema_paths = Vec::new();
    find_schemas(&crate_dir, Path::new(schema_dir), &mut schema_paths)
        .map_err(|error| vec![format!("{schema_dir}: error: cannot list schemas: {error}")])?;

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
    let files = generate(&sources).map_err(|diagnostics| {
        diagnostics
            .iter()
            .map(|diagnostic| format!("{}: {}", diagnostic.location, diagnostic.message))
            .collect::<Vec<_>>()
    })?;

    fs::create_dir_all(&generated_dir).map_err(|error| {
        vec![format!(
            "error: cannot create {}: {error}",
            generated_dir.display()
        )]
    })?;
    for file in &files {
        write_if_changed(&generated_dir.join(&file.name), &file.contents)
            .map_err(|error| vec![format!("error: cannot write {}: {error}", file.name)])?;
    }
    remove_stale_files(&generated_dir, &files).map_err(|error| {
        vec![format!(
            "error: cannot clean {}: {error}",
            generated_dir.display()
        )]
    })?;
    // Outside the generated directory (which must equal the checked-in copy): the record of the
    // schema files it was built from changes with every edit, comments included.
    let set_file = out_dir.join(format!("{output}.rs"));
    write_if_changed(&set_file, &set_source(schema_dir, output, &sources)).map_err(|error| {
        vec![format!(
            "error: cannot write {}: {error}",
            set_file.display()
        )]
    })?;
    Ok(())
}

/// `$OUT_DIR/<output>.rs`: the `generated` module (the index, by a path relative to this file)
/// and the `LOG_TYPE_SET` static, with a fingerprint of each schema file (sorted by path) so the
/// binary can tell when the files on disk have changed since.
fn set_source(schema_dir: &str, output: &str, sources: &[SchemaSource]) -> String {
    let index = format!(
        "{}/log_types.rs",
        output.rsplit('/').next().unwrap_or(output)
    );
    let built_from: String = sources
        .iter()
        .map(|source| {
            format!(
                "        ({:?}, {:#018x}),\n",
                source.path,
                schema_fingerprint(&source.text)
            )
        })
        .collect();
    format!(
        "// This file is @generated by logschema-codegen from {schema_dir}/. Do not edit.\n\
         /// One module per log type of `{schema_dir}/`, and their registry `LOG_TYPES`.\n\
         pub mod generated {{\n    include!({index:?});\n}}\n\n\
         /// The log types of `{schema_dir}/`, for `logschema::cli::main_with`.\n\
         pub static LOG_TYPE_SET: ::logschema::LogTypeSet = ::logschema::LogTypeSet {{\n    \
         package: env!(\"CARGO_PKG_NAME\"),\n    \
         schema_dir: {schema_dir:?},\n    \
         log_types: &generated::LOG_TYPES,\n    \
         built_from: &[\n{built_from}    ],\n}};\n"
    )
}

/// The output directory holds exactly this build's files (the checked-in copy is compared with
/// it), so files of removed schemas go.
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

/// For a crate's test that keeps its checked-in generated code equal to what its build
/// generated: `built` is `$OUT_DIR/<output>` of the test's own build, `checked_in` the crate's
/// `<output>` directory. With `update` (an environment variable the test reads), the checked-in
/// copy is rewritten instead. `Err` lists every difference, one line each.
pub fn compare_with_checked_in(
    built: &Path,
    checked_in: &Path,
    update: bool,
) -> Result<(), Vec<String>> {
    let built_files = rust_files(built).map_err(|error| vec![error])?;
    if built_files.is_empty() {
        return Err(vec![format!(
            "the build generated nothing into {}",
            built.display()
        )]);
    }
    let checked_in_files = rust_files(checked_in).map_err(|error| vec![error])?;
    let shown = checked_in
        .file_name()
        .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
    if update {
        let failed = |error: io::Error| vec![format!("cannot update {shown}/: {error}")];
        fs::create_dir_all(checked_in).map_err(failed)?;
        for name in checked_in_files.keys() {
            if !built_files.contains_key(name) {
                fs::remove_file(checked_in.join(name)).map_err(failed)?;
            }
        }
        for (name, text) in &built_files {
            if checked_in_files.get(name) != Some(text) {
                fs::write(checked_in.join(name), text).map_err(failed)?;
            }
        }
        return Ok(());
    }
    let mut problems = Vec::new();
    for (name, text) in &built_files {
        match checked_in_files.get(name) {
            None => problems.push(format!("{shown}/{name} is missing")),
            Some(old) if old != text => problems.push(format!("{shown}/{name} is out of date")),
            Some(_) => {}
        }
    }
    for name in checked_in_files.keys() {
        if !built_files.contains_key(name) {
            problems.push(format!("{shown}/{name} is no longer generated"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The `.rs` files of a directory, by name; a missing directory has none.
fn rust_files(dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(error) => return Err(format!("cannot list {}: {error}", dir.display())),
    };
    let mut files = BTreeMap::new();
    for entry in entries {
        let path = entry
            .map_err(|error| format!("cannot list {}: {error}", dir.display()))?
            .path();
        if path.extension().is_some_and(|extension| extension == "rs") {
            let text = fs::read_to_string(&path)
                .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
            let name = path
                .file_name()
                .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
            files.insert(name, text);
        }
    }
    Ok(files)
}
