//! `definitions` and `type: ref` (Panther's): a ref is replaced by its definition, checked where
//! it is used, so the generated code is the same as if the definition were written in place.

use std::collections::{BTreeMap, BTreeSet};

use super::{CheckedType, CheckedValue, Checker, Scope, Sibling};
use crate::ir;
use crate::positions::child;
use crate::raw;

/// How many definitions may be inlined one inside another.
const MAX_DEPTH: usize = 64;

/// How many refs a schema may inline in all: a definition used twice in another, itself used
/// twice in a third, ... doubles each level, and every copy becomes generated code.
const MAX_EXPANSIONS: usize = 10_000;

/// The schema's definitions and what inlining them has seen so far.
pub(super) struct Refs<'a> {
    definitions: Option<&'a BTreeMap<String, raw::Element>>,
    /// The definitions being inlined, outermost first (a name seen again is a cycle).
    stack: Vec<String>,
    /// Definitions some value used (the others are checked on their own at the end).
    used: BTreeSet<String>,
    expansions: usize,
}

impl<'a> Refs<'a> {
    pub(super) fn new(definitions: Option<&'a BTreeMap<String, raw::Element>>) -> Self {
        Refs {
            definitions,
            stack: Vec::new(),
            used: BTreeSet::new(),
            expansions: 0,
        }
    }
}

/// Where a definition is written: `definitions.Name`.
fn definition_path(name: &str) -> String {
    child("definitions", name)
}

/// What a value that could not be resolved stands for, so checking can go on.
fn unresolved() -> CheckedValue {
    CheckedValue {
        ty: CheckedType::Scalar(ir::Type::Json),
        empty_values: Vec::new(),
        indicators: Vec::new(),
        validate: ir::Validate::default(),
        embedded_json: false,
    }
}

impl Checker<'_> {
    /// `type: ref` at `path`: the definition named by `target`, checked as if written here.
    /// `emptyValues` written next to the ref add to the definition's.
    pub(super) fn check_ref(
        &mut self,
        path: &str,
        keys: &raw::ValueKeys,
        siblings: &[Sibling],
        scope: Scope,
    ) -> CheckedValue {
        let Some(target) = keys.target else {
            self.error(
                self.value_location(&child(path, "type")),
                "`type: ref` needs `target` (the name of a definition)",
            );
            return unresolved();
        };
        let at = self.value_location(&child(path, "target"));
        let definitions = self.refs.definitions;
        let Some(definition) = definitions.and_then(|all| all.get(target)) else {
            let message = match definitions {
                Some(all) if !all.is_empty() => {
                    let names: Vec<&str> = all.keys().map(String::as_str).collect();
                    format!(
                        "unknown definition '{target}' (defined: {})",
                        names.join(", ")
                    )
                }
                _ => format!("unknown definition '{target}' (the schema has no `definitions`)"),
            };
            self.error(at, message);
            return unresolved();
        };
        if let Some(start) = self.refs.stack.iter().position(|name| name == target) {
            let mut cycle: Vec<&str> = self.refs.stack[start..]
                .iter()
                .map(String::as_str)
                .collect();
            cycle.push(target);
            self.error(
                at,
                format!(
                    "definitions refer to each other in a cycle: {}",
                    cycle.join(" -> ")
                ),
            );
            return unresolved();
        }
        if self.refs.stack.len() >= MAX_DEPTH {
            self.error(
                at,
                format!(
                    "definitions nested more than {MAX_DEPTH} deep (from '{}' to '{target}')",
                    self.refs.stack.first().map_or("", String::as_str)
                ),
            );
            return unresolved();
        }
        self.refs.expansions += 1;
        if self.refs.expansions > MAX_EXPANSIONS {
            // Reported once: every later ref would say the same.
            if self.refs.expansions == MAX_EXPANSIONS + 1 {
                self.error(
                    at,
                    format!(
                        "definitions expand to more than {MAX_EXPANSIONS} values (each use is a copy; a definition used several times inside others multiplies them)"
                    ),
                );
            }
            return unresolved();
        }
        self.refs.used.insert(target.to_owned());
        self.refs.stack.push(target.to_owned());
        let mut value = self.check_value(
            &definition_path(target),
            &definition.value_keys(),
            siblings,
            scope,
        );
        self.refs.stack.pop();
        if let Some(extra) = keys.empty_values {
            value.empty_values.extend(extra.iter().cloned());
        }
        value
    }

    /// A definition no field uses is still checked, on its own, so its mistakes do not wait
    /// for its first use.
    pub(super) fn check_unused_definitions(&mut self) {
        let Some(definitions) = self.refs.definitions else {
            return;
        };
        for (name, definition) in definitions {
            if self.refs.used.contains(name) {
                continue;
            }
            self.refs.used.insert(name.clone());
            self.refs.stack.push(name.clone());
            self.check_value(
                &definition_path(name),
                &definition.value_keys(),
                &[],
                Scope {
                    top_level: false,
                    in_array: false,
                },
            );
            self.refs.stack.pop();
        }
    }
}
