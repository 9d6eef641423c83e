//! Reading schema files from the command line's paths: one rule for `check` and `diff`.

use std::fs;
use std::path::Path;

use logschema_codegen::SchemaSource;

/// A schema file, or every schema below a directory (like build.rs: `*.yml` and `*.yaml` at any
/// depth, but not `*_tests.yml`), named as the user can open them.
pub fn read_schemas(path: &Path) -> Result<Vec<SchemaSource>, String> {
    let metadata =
        fs::metadata(path).map_err(|error| format!("{}: {error}", display_path(path)))?;
    if !metadata.is_dir() {
        return Ok(vec![read_source(path, display_path(path))?]);
    }
    let mut sources = Vec::new();
    for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
        let entry = entry.map_err(|error| format!("{}: {error}", display_path(path)))?;
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file() && logschema_codegen::is_schema_file_name(&name) {
            sources.push(read_source(entry.path(), display_path(entry.path()))?);
        }
    }
    Ok(sources)
}

fn read_source(path: &Path, shown: String) -> Result<SchemaSource, String> {
    let text = fs::read_to_string(path).map_err(|error| format!("{shown}: {error}"))?;
    Ok(SchemaSource { path: shown, text })
}

fn display_path(path: &Path) -> String {
    let shown = logschema::escape::path(path);
    shown.strip_prefix("./").map(str::to_owned).unwrap_or(shown)
}
