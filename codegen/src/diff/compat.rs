//! The type compatibility table: which type changes old data survives. A table, not ad-hoc code,
//! so that the policy can be read (and tested) in one place.

use crate::ir::Type;

/// A type without its contents: arrays and objects compare their elements and fields separately,
/// timestamps their formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeKind {
    String,
    SmallInt,
    Int,
    BigInt,
    Float,
    Boolean,
    Timestamp,
    Json,
    Array,
    Object,
}

impl TypeKind {
    pub fn of(ty: &Type) -> TypeKind {
        match ty {
            Type::String => TypeKind::String,
            Type::SmallInt => TypeKind::SmallInt,
            Type::Int => TypeKind::Int,
            Type::BigInt => TypeKind::BigInt,
            Type::Float => TypeKind::Float,
            Type::Boolean => TypeKind::Boolean,
            Type::Timestamp(_) => TypeKind::Timestamp,
            Type::Json => TypeKind::Json,
            Type::Array(_) => TypeKind::Array,
            Type::Object(_) => TypeKind::Object,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compatibility {
    Same,
    /// Every old value still decodes; the output column's type changes (a warning).
    Widened,
    /// Old values may be rejected or change meaning (breaking).
    Incompatible,
}

/// Changes that keep every old value: a wider integer. Anything else not listed is incompatible:
/// even `int -> float` or `string -> json` change the output column's type and what queries see.
const WIDENINGS: [(TypeKind, TypeKind); 3] = [
    (TypeKind::SmallInt, TypeKind::Int),
    (TypeKind::SmallInt, TypeKind::BigInt),
    (TypeKind::Int, TypeKind::BigInt),
];

pub fn compatibility(old: TypeKind, new: TypeKind) -> Compatibility {
    if old == new {
        Compatibility::Same
    } else if WIDENINGS.contains(&(old, new)) {
        Compatibility::Widened
    } else {
        Compatibility::Incompatible
    }
}
