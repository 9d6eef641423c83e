//! `logschema check`: the generator's front end (load, check, resolve) on schema files, without
//! building. The same diagnostics the build prints, quick enough for an editor's on-save hook.
//! Exit status: 0 every schema is valid, 1 a problem (listed on standard error). Warnings (log
//! types that classification cannot tell apart) do not change it.

use std::path::PathBuf;

use super::schema_files::read_schemas;

/// Runs the subcommand on the given files and directories; returns the exit status.
pub fn run(paths: &[PathBuf]) -> u8 {
    let mut sources = Vec::new();
    for path in paths {
        match read_schemas(path) {
            Ok(found) => sources.extend(found),
            Err(message) => {
                eprintln!("logschema: check: {message}");
                return 1;
            }
        }
    }
    if sources.is_empty() {
        eprintln!("logschema: check: no schema files (*.yml, *.yaml, not *_tests.yml) found");
        return 1;
    }
    // All files together, as the build compiles them: a log type named twice is an error too.
    match logschema_codegen::compile(&sources) {
        Ok(schemas) => {
            // Not errors: each schema is valid alone; the pair misleads classification.
            let overlaps = logschema_codegen::overlap::overlaps(&schemas);
            for overlap in &overlaps {
                eprintln!("{overlap}");
            }
            let count = sources.len();
            let noun = if count == 1 { "file" } else { "files" };
            let warnings = match overlaps.len() {
                0 => String::new(),
                1 => " (1 warning)".to_string(),
                many => format!(" ({many} warnings)"),
            };
            eprintln!("logschema: check: {count} schema {noun}, no problems{warnings}");
            0
        }
        Err(diagnostics) => {
            print_problems("check", &diagnostics);
            1
        }
    }
}

/// Every diagnostic on its own line (`file:line:col: error: ...`), then their count: `check`'s
/// output, which `parse --schema` and `test --schema` print too.
pub fn print_problems(command: &str, diagnostics: &[logschema_codegen::Diagnostic]) {
    for diagnostic in diagnostics {
        eprintln!("{diagnostic}");
    }
    let count = diagnostics.len();
    let noun = if count == 1 { "problem" } else { "problems" };
    eprintln!("logschema: {command}: {count} {noun}");
}
