//! Schemas that are not built into the binary (`logschema parse|test --schema FILE|DIR`), run by
//! interpreting the resolved IR the generator emits from: the same front end
//! (`logschema_codegen::compile`), the same runtime decoders and writers.
//!
//! Where generated code holds statics and straight-line `Object` impls, the interpreter builds
//! the same runtime spec values at run time (`specs`, leaked once per schema per run), a tree of
//! what to do per field (`tree`), and walks it for each record with a dynamic object (`object`)
//! whose values (`value`) decode, write and yield indicators through the runtime's own code for
//! each type. Its events are byte-identical to the generated parser's (tests/interpret.rs).

mod object;
mod specs;
mod tree;
mod value;

use logschema_codegen::{ir, Diagnostic, SchemaSource};

use crate::runtime::{LogType, ParseEvent};

/// Checks, resolves and loads schema files; every problem of every file is returned, as
/// `logschema check` prints them.
pub fn load(sources: &[SchemaSource]) -> Result<Vec<&'static LogType>, LoadError> {
    let schemas = logschema_codegen::compile(sources).map_err(LoadError::Schema)?;
    schemas
        .log_types
        .iter()
        .map(|log_type| {
            log_type_of(log_type).map_err(|message| {
                LoadError::Unsupported(format!(
                    "{} ({}): cannot be interpreted: {message}",
                    log_type.source_file, log_type.name
                ))
            })
        })
        .collect()
}

/// Why schemas could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The front end's diagnostics, sorted by file, line and column.
    Schema(Vec<Diagnostic>),
    /// A valid schema the interpreter cannot run (it refuses rather than guess).
    Unsupported(String),
}

/// The registry entry of one resolved log type, its specs leaked for the rest of the process.
pub fn log_type_of(log_type: &ir::LogType) -> Result<&'static LogType, String> {
    if log_type.objects.is_empty() {
        return Err("the log type has no record object".to_string());
    }
    let root = tree::object(log_type, 0)?;
    let parser = specs::leak(object::ObjectParser {
        root,
        field_discovery: log_type.field_discovery,
    });
    Ok(specs::leak(LogType {
        name: specs::leak_str(&log_type.name),
        description: log_type.description.as_deref().map(specs::leak_str),
        reference_url: log_type.reference_url.as_deref().map(specs::leak_str),
        source_file: specs::leak_str(&log_type.source_file),
        parser: specs::parser(&log_type.parser),
        envelope: specs::envelope(log_type.envelope.as_ref()),
        field_discovery: log_type.field_discovery,
        fields: root.specs,
        parse_event: ParseEvent::Interpreted(parser),
    }))
}
