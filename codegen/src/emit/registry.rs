//! The `log_types.rs` index: one module per log type that includes its file (by a path relative
//! to the index, so the generated directory can be anywhere), and the `LOG_TYPES` registry,
//! sorted by name.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{ident, runtime, str_lit};
use super::{format, EmitError};
use crate::{ir, GeneratedFile};

pub(super) const INDEX_FILE_NAME: &str = "log_types.rs";

/// `log_types` must be sorted by name.
pub(super) fn index_file(log_types: &[&ir::LogType]) -> GeneratedFile {
    let tokens =
        index_tokens(log_types).unwrap_or_else(|error| error.to_compile_error(INDEX_FILE_NAME));
    GeneratedFile {
        name: INDEX_FILE_NAME.to_string(),
        contents: format::render(tokens, &schema_dir(log_types)),
    }
}

/// What the header names: the directory holding every schema file (`schemas/`, `tests/schemas/`).
fn schema_dir(log_types: &[&ir::LogType]) -> String {
    let mut common: Option<&str> = None;
    for log_type in log_types {
        let file = log_type.source_file.as_str();
        let dir = file.rfind('/').map_or("", |slash| &file[..=slash]);
        common = Some(match common {
            None => dir,
            Some(common) => {
                // The longest shared prefix that ends at a `/`.
                let shared = common
                    .char_indices()
                    .zip(dir.chars())
                    .take_while(|((_, a), b)| a == b)
                    .filter(|((_, a), _)| *a == '/')
                    .last()
                    .map_or(0, |((index, _), _)| index + 1);
                &common[..shared]
            }
        });
    }
    match common {
        Some(dir) if !dir.is_empty() => dir.to_owned(),
        _ => "schemas/".to_owned(),
    }
}

fn index_tokens(log_types: &[&ir::LogType]) -> Result<TokenStream, EmitError> {
    check_unique(
        log_types
            .iter()
            .map(|log_type| log_type.module_name.as_str()),
        "module",
    )?;
    check_unique(
        log_types
            .iter()
            .map(|log_type| log_type.file_name.as_str())
            .chain([INDEX_FILE_NAME]),
        "file",
    )?;
    let modules = log_types
        .iter()
        .map(|log_type| {
            let module = ident(&log_type.module_name)?;
            let path = str_lit(&log_type.file_name);
            Ok(quote! {
                pub mod #module {
                    include!(#path);
                }
            })
        })
        .collect::<Result<Vec<_>, EmitError>>()?;
    let entries = log_types
        .iter()
        .map(|log_type| {
            let module = ident(&log_type.module_name)?;
            Ok(quote!(&#module::LOG_TYPE))
        })
        .collect::<Result<Vec<_>, EmitError>>()?;
    let log_type = runtime("LogType");
    let len = proc_macro2::Literal::usize_unsuffixed(log_types.len());
    Ok(quote! {
        #(#modules)*
        pub static LOG_TYPES: [&#log_type; #len] = [#(#entries),*];
    })
}

/// Two log types sharing a module or file would overwrite each other; the front end prevents
/// it, this keeps the index honest if it ever does not.
fn check_unique<'a>(names: impl Iterator<Item = &'a str>, what: &str) -> Result<(), EmitError> {
    let mut seen = BTreeSet::new();
    for name in names {
        if !seen.insert(name) {
            return Err(EmitError::new(format!(
                "two generated {what}s are named `{name}`"
            )));
        }
    }
    Ok(())
}
