//! TODO(back end): `ir::Schemas` -> formatted Rust files.

use crate::{ir, GeneratedFile};

pub(crate) fn emit(schemas: &ir::Schemas) -> Vec<GeneratedFile> {
    let _ = schemas;
    Vec::new()
}
