//! The back end: `ir::Schemas` -> formatted Rust files, one per log type plus the `log_types.rs`
//! index. Reads only the IR; every item is built with `quote!` and printed by `format`.
//!
//! Layout of a log type's file (see codegen/tests/golden/example_dns.rs): the structs (`structs`),
//! the registry entry and the static field tables (`specs`), then the `Object` impls
//! (`object_impl`).

mod format;
mod object_impl;
mod registry;
mod specs;
mod structs;
mod text_parsers;
mod tokens;

use std::fmt;

use proc_macro2::TokenStream;
use quote::quote;

use crate::{ir, GeneratedFile};

pub(crate) fn emit(schemas: &ir::Schemas) -> Vec<GeneratedFile> {
    let mut log_types: Vec<&ir::LogType> = schemas.log_types.iter().collect();
    log_types.sort_by(|a, b| a.name.cmp(&b.name));
    let mut files: Vec<GeneratedFile> = log_types
        .iter()
        .map(|log_type| log_type_file(log_type))
        .collect();
    files.push(registry::index_file(&log_types));
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

/// Something in the IR the emitter cannot turn into valid Rust. The front end should have
/// rejected it; the generated file then holds a `compile_error!` naming the problem instead of
/// the emitter panicking inside a build script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EmitError {
    message: String,
}

impl EmitError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        EmitError {
            message: message.into(),
        }
    }

    /// `::core::compile_error!("...")`, prefixed with where the problem comes from.
    fn to_compile_error(&self, origin: &str) -> TokenStream {
        let message = tokens::str_lit(&format!("logschema-codegen: {origin}: {self}"));
        quote!(::core::compile_error!(#message);)
    }
}

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// One log type being emitted, with what several emitters need to look up.
pub(crate) struct LogTypeContext<'a> {
    log_type: &'a ir::LogType,
    /// Per object: it has an `isEventTime` field itself or in a nested object (not in arrays).
    has_event_time: Vec<bool>,
    /// Per object: it holds strings itself or in nested objects, so its struct borrows from the
    /// input line (`Cow<'a, str>` fields) and has a lifetime parameter.
    borrows: Vec<bool>,
}

impl<'a> LogTypeContext<'a> {
    fn new(log_type: &'a ir::LogType) -> Self {
        // Nested objects come after the object holding them, so one backward pass sees every
        // child before its parent; a (malformed) backward reference simply counts as false.
        let objects = &log_type.objects;
        let mut has_event_time = vec![false; objects.len()];
        for (index, object) in objects.iter().enumerate().rev() {
            has_event_time[index] = object.fields.iter().any(|field| match &field.value.ty {
                ir::Type::Timestamp(_) => field.is_event_time,
                ir::Type::Object(child) => {
                    *child > index && has_event_time.get(*child).copied().unwrap_or(false)
                }
                _ => false,
            });
        }
        let mut borrows = vec![false; objects.len()];
        for (index, object) in objects.iter().enumerate().rev() {
            borrows[index] = object
                .fields
                .iter()
                .any(|field| value_borrows(&field.value, index, &borrows));
        }
        LogTypeContext {
            log_type,
            has_event_time,
            borrows,
        }
    }

    pub(crate) fn object(&self, index: usize) -> Result<&'a ir::Object, EmitError> {
        self.log_type.objects.get(index).ok_or_else(|| {
            EmitError::new(format!(
                "object index {index} is out of range in log type {}",
                self.log_type.name
            ))
        })
    }

    pub(crate) fn has_event_time(&self, index: usize) -> bool {
        self.has_event_time.get(index).copied().unwrap_or(false)
    }

    pub(crate) fn borrows(&self, index: usize) -> bool {
        self.borrows.get(index).copied().unwrap_or(false)
    }
}

/// Whether a value of object `index` holds a string (itself, as array elements, or in a nested
/// object already known to borrow).
fn value_borrows(value: &ir::Value, index: usize, borrows: &[bool]) -> bool {
    match &value.ty {
        ir::Type::String => true,
        ir::Type::Array(element) => value_borrows(element, index, borrows),
        ir::Type::Object(child) => *child > index && borrows.get(*child).copied().unwrap_or(false),
        _ => false,
    }
}

fn log_type_file(log_type: &ir::LogType) -> GeneratedFile {
    let tokens = log_type_tokens(log_type).unwrap_or_else(|error| {
        error.to_compile_error(&format!("{} ({})", log_type.source_file, log_type.name))
    });
    GeneratedFile {
        name: log_type.file_name.clone(),
        contents: format::render(tokens, &log_type.source_file),
    }
}

fn log_type_tokens(log_type: &ir::LogType) -> Result<TokenStream, EmitError> {
    let ctx = LogTypeContext::new(log_type);
    if log_type.objects.is_empty() {
        return Err(EmitError::new("log type has no record object"));
    }
    let structs = log_type
        .objects
        .iter()
        .enumerate()
        .map(|(index, object)| structs::object_struct(&ctx, index, object))
        .collect::<Result<Vec<_>, _>>()?;
    let registry_entry = specs::log_type_static(&ctx)?;
    let field_tables = log_type
        .objects
        .iter()
        .map(|object| specs::field_table(&ctx, object))
        .collect::<Result<Vec<_>, _>>()?;
    let impls = log_type
        .objects
        .iter()
        .enumerate()
        .map(|(index, object)| object_impl::object_impl(&ctx, index, object))
        .collect::<Result<Vec<_>, _>>()?;
    let rt_alias = tokens::rt_alias();
    Ok(quote! {
        #rt_alias
        #(#structs)*
        #registry_entry
        #(#field_tables)*
        #(#impls)*
    })
}
