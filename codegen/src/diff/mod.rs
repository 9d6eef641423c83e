//! `logschema diff`: what changes for data and queries when schemas change from OLD to NEW.
//!
//! Both sides go through the ordinary front end (`compile`), so locations are real file:line
//! positions and a schema that does not build is an error, not a finding. Log types are matched
//! by name, fields by path (following `renamedFrom`), and each difference becomes a `Finding`
//! with a stable rule id (`rules`), in the spirit of buf's breaking-change checker.
//!
//! - `rules`: the rule ids, their severities and meanings.
//! - `compat`: the type compatibility table (widening vs breaking).
//! - `compare`: walks two IRs and collects findings.
//! - `report`: text, JSON, Markdown and GitHub-annotation output.

mod compare;
pub mod compat;
pub mod report;
pub mod rules;

use std::fmt;

use crate::ir::{Location, Schemas};
use crate::{compile, Diagnostic, SchemaSource};

pub use report::Format;
pub use rules::{Rule, Severity};

/// One difference between the old and the new schemas.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// In the NEW schema, or in the OLD one for what was removed.
    pub location: Location,
    pub rule: Rule,
    pub log_type: String,
    /// The field's path (`session.id`, `answers[].Rdata`, `roles[]` for array elements); empty
    /// for findings about the log type itself.
    pub path: String,
    pub old: Option<String>,
    pub new: Option<String>,
    pub severity: Severity,
    /// What changed and why it matters, without the severity and the subject.
    pub detail: String,
}

impl Finding {
    /// `breaking: Custom.WebAudit field status: type changed from smallint to string`
    pub fn message(&self) -> String {
        if self.path.is_empty() {
            format!("{}: {}: {}", self.severity, self.log_type, self.detail)
        } else {
            format!(
                "{}: {} field {}: {}",
                self.severity, self.log_type, self.path, self.detail
            )
        }
    }

    pub fn is_breaking(&self) -> bool {
        self.severity == Severity::Breaking
    }
}

/// A side that does not compile: its diagnostics, as `compile` returned them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffError {
    Old(Vec<Diagnostic>),
    New(Vec<Diagnostic>),
}

impl fmt::Display for DiffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (side, diagnostics) = match self {
            DiffError::Old(diagnostics) => ("old", diagnostics),
            DiffError::New(diagnostics) => ("new", diagnostics),
        };
        write!(f, "the {side} schemas do not compile:")?;
        for diagnostic in diagnostics {
            write!(f, "\n{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for DiffError {}

/// Compiles both sides and compares them: findings sorted by location, rule and path, without
/// duplicates.
pub fn diff(old: &[SchemaSource], new: &[SchemaSource]) -> Result<Vec<Finding>, DiffError> {
    let old = compile(old).map_err(DiffError::Old)?;
    let new = compile(new).map_err(DiffError::New)?;
    Ok(diff_schemas(&old, &new))
}

/// `diff` on schemas already compiled.
pub fn diff_schemas(old: &Schemas, new: &Schemas) -> Vec<Finding> {
    let mut findings = compare::compare(old, new);
    findings.sort();
    findings.dedup();
    findings
}

/// Whether any finding is breaking (the CLI's exit status 3).
pub fn has_breaking(findings: &[Finding]) -> bool {
    findings.iter().any(Finding::is_breaking)
}
