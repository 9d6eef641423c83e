//! logschema-codegen: YAML log schemas in, Rust source out.
//!
//! The pipeline, one module a step:
//! `raw` (serde model of the YAML) + `positions` (where each node is written) -> `check` ->
//! `lower` (the resolved `ir`, every Rust name computed once by `names`) -> `emit` (`quote!`) ->
//! `format` (`prettyplease`, then the `@generated` header).
//!
//! A pure library: the caller reads the files and writes the output; nothing here touches the
//! environment or prints, except [`build`], the one call of a crate's `build.rs`.

pub mod build;
mod check;
mod diagnostics;
pub mod diff;
mod emit;
mod grok;
pub mod ir;
mod layout;
mod lower;
mod names;
pub mod overlap;
mod positions;
mod raw;

pub use diagnostics::Diagnostic;

/// One schema file as the caller read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaSource {
    /// The path shown in messages and recorded in generated code, relative to the crate root and
    /// with `/` separators: `schemas/aws/vpcflow.yml`.
    pub path: String,
    pub text: String,
}

/// One file of generated Rust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// A bare file name: `aws_vpcflow.rs`, or `log_types.rs` for the index.
    pub name: String,
    pub contents: String,
}

/// The front end: loads, checks and lowers every schema. All problems of all files are returned
/// together, sorted by file, line and column.
pub fn compile(sources: &[SchemaSource]) -> Result<ir::Schemas, Vec<Diagnostic>> {
    lower::compile(sources)
}

/// The back end: one formatted file per log type plus the `log_types.rs` index, sorted by name.
pub fn emit(schemas: &ir::Schemas) -> Vec<GeneratedFile> {
    emit::emit(schemas)
}

/// Whether a file of the schema directory is a schema: `*.yml` / `*.yaml`, except the
/// `*_tests.yml` test files. One rule for build.rs and `logschema diff`.
pub fn is_schema_file_name(name: &str) -> bool {
    let stem = name
        .strip_suffix(".yml")
        .or_else(|| name.strip_suffix(".yaml"));
    matches!(stem, Some(stem) if !stem.ends_with("_tests"))
}

/// A fingerprint of a schema file's text (64-bit FNV-1a): build.rs records one per schema in the
/// binary, and the binary compares them with the files on disk to tell that it is stale. Not
/// cryptographic: it only has to notice an edit.
pub fn schema_fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `compile` then `emit`.
pub fn generate(sources: &[SchemaSource]) -> Result<Vec<GeneratedFile>, Vec<Diagnostic>> {
    Ok(emit(&compile(sources)?))
}
