//! `parse --schema` and `test --schema`: schema files loaded at run time by the interpreter
//! (`logschema::interpret`), and the choice of a log type among them and the built-in ones.

use std::path::{Path, PathBuf};

use logschema::interpret::{self, LoadError};
use logschema::runtime::LogType;

use super::schema_files::read_schemas;

/// Checks and loads the schemas of `paths` (files, or directories searched like `check` does).
/// Problems are printed as `logschema check` prints them; `Err` is then the exit status.
pub fn load(command: &str, paths: &[PathBuf]) -> Result<Vec<&'static LogType>, u8> {
    let mut sources = Vec::new();
    for path in paths {
        match read_schemas(path) {
            Ok(found) => sources.extend(found),
            Err(message) => {
                eprintln!("logschema: {command}: {message}");
                return Err(1);
            }
        }
    }
    if sources.is_empty() {
        eprintln!(
            "logschema: {command}: --schema: no schema files (*.yml, *.yaml, not *_tests.yml) found"
        );
        return Err(1);
    }
    match interpret::load(&sources) {
        Ok(log_types) => Ok(log_types),
        Err(LoadError::Schema(diagnostics)) => {
            super::check::print_problems(command, &diagnostics);
            Err(1)
        }
        Err(LoadError::Unsupported(message)) => {
            eprintln!("logschema: {command}: {message}");
            Err(1)
        }
    }
}

/// The log type `name` among the loaded ones, else the built-in one.
pub fn select(loaded: &[&'static LogType], name: &str) -> Result<&'static LogType, String> {
    if let Some(found) = loaded.iter().find(|log_type| log_type.name == name) {
        return Ok(found);
    }
    if let Some(built_in) = logschema::find_log_type(name) {
        return Ok(built_in);
    }
    let known = names(&registry(loaded));
    Err(logschema::unknown_log_type_message_among(name, &known))
}

/// The loaded log types, then the built-in ones they do not replace.
pub fn registry(loaded: &[&'static LogType]) -> Vec<&'static LogType> {
    let mut log_types = loaded.to_vec();
    log_types.extend(
        logschema::log_types()
            .iter()
            .filter(|built_in| !loaded.iter().any(|log_type| log_type.name == built_in.name)),
    );
    log_types
}

/// Says on standard error that a loaded log type is used instead of the built-in one.
pub fn note_shadowing(log_type: &LogType) {
    if logschema::find_log_type(log_type.name).is_some() {
        eprintln!(
            "logschema: note: {} from {} is used instead of the built-in log type of that name",
            log_type.name, log_type.source_file
        );
    }
}

/// One note naming every loaded log type that shadows a built-in one.
pub fn note_shadowing_all(loaded: &[&'static LogType]) {
    let shadowing: Vec<&LogType> = loaded
        .iter()
        .copied()
        .filter(|log_type| logschema::find_log_type(log_type.name).is_some())
        .collect();
    match shadowing.as_slice() {
        [] => {}
        [one] => note_shadowing(one),
        _ => eprintln!(
            "logschema: note: {} log types from --schema are used instead of the built-in ones \
             of those names: {}",
            shadowing.len(),
            names(&shadowing).join(", ")
        ),
    }
}

fn names<'t>(log_types: &[&'t LogType]) -> Vec<&'t str> {
    log_types.iter().map(|log_type| log_type.name).collect()
}

/// Where `test --schema` looks for test files when given none: a directory's own tests, and
/// for a schema file the `<name>_tests.yml` (or `.yaml`) beside it.
pub fn test_paths(schema_paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for path in schema_paths {
        if path.is_dir() {
            paths.push(path.clone());
        } else if let Some(tests) = tests_beside(path) {
            paths.push(tests);
        }
    }
    paths
}

fn tests_beside(schema: &Path) -> Option<PathBuf> {
    let stem = schema.file_stem()?.to_str()?;
    ["yml", "yaml"]
        .iter()
        .map(|extension| schema.with_file_name(format!("{stem}_tests.{extension}")))
        .find(|candidate| candidate.is_file())
}
