//! The log types this process knows: the built-in ones (this crate's `schemas/`), plus those of
//! the crate running the command line (its own `schemas/`, compiled by its build.rs and added with
//! [`add_log_types`] before the first look-up). Every look-up goes through [`log_types`] and
//! [`find_log_type`].

use std::sync::OnceLock;

use crate::runtime::LogType;

/// The log types one build.rs compiled from one schema directory
/// (`logschema_codegen::build::compile_schemas`), as [`include_log_types!`](crate::include_log_types)
/// gives them.
#[derive(Debug)]
pub struct LogTypeSet {
    /// The package whose build.rs compiled them (`CARGO_PKG_NAME`): its checkout is where the
    /// schema files are looked for when telling a stale binary.
    pub package: &'static str,
    /// The schema directory, relative to the package root: `schemas`.
    pub schema_dir: &'static str,
    /// Sorted by name.
    pub log_types: &'static [&'static LogType],
    /// `(path relative to the package root, fingerprint)` of every schema file compiled, sorted
    /// by path (`logschema_codegen::schema_fingerprint`).
    pub built_from: &'static [(&'static str, u64)],
}

/// The log types a crate's build.rs compiled with `logschema_codegen::build::compile_schemas`:
/// a module `generated` (one module per log type) and the static `LOG_TYPE_SET`
/// (a [`LogTypeSet`]) for [`cli::main_with`](crate::cli::main_with).
///
/// ```ignore
/// mod schemas {
///     logschema::include_log_types!();
/// }
///
/// fn main() -> std::process::ExitCode {
///     logschema::cli::main_with(&[&schemas::LOG_TYPE_SET])
/// }
/// ```
///
/// With an argument, the output of `compile_schema_dirs` of that name: `include_log_types!("x")`.
#[macro_export]
macro_rules! include_log_types {
    () => {
        $crate::include_log_types!("generated");
    };
    ($output:literal) => {
        ::core::include!(::core::concat!(
            ::core::env!("OUT_DIR"),
            "/",
            $output,
            ".rs"
        ));
    };
}

/// The built-in log types (`schemas/`).
mod built_in {
    crate::include_log_types!("generated");
}

/// The test-only log types (`tests/schemas/`): this package's own tests enable the feature
/// through a dev-dependency on themselves, so the shipped binary never lists them.
#[cfg(feature = "test-log-types")]
mod test_only {
    crate::include_log_types!("tests/generated");
}

/// The code `build.rs` generated from `schemas/`: one module per log type and their registry.
pub use built_in::generated;

/// The built-in sets: `schemas/`, and `tests/schemas/` under the `test-log-types` feature.
fn built_in_sets() -> Vec<&'static LogTypeSet> {
    #[allow(unused_mut)]
    let mut sets = vec![&built_in::LOG_TYPE_SET];
    #[cfg(feature = "test-log-types")]
    sets.push(&test_only::LOG_TYPE_SET);
    sets
}

struct Registry {
    sets: Vec<&'static LogTypeSet>,
    /// Every set's log types, sorted by name.
    log_types: Vec<&'static LogType>,
}

impl Registry {
    /// The built-in sets and `own`; `Err` names every log type declared twice.
    fn new(own: &[&'static LogTypeSet]) -> Result<Registry, String> {
        let mut sets = built_in_sets();
        sets.extend_from_slice(own);
        // Each log type with the package that declares it, for naming a clash.
        let mut declared: Vec<(&'static LogType, &'static str)> = sets
            .iter()
            .flat_map(|set| {
                set.log_types
                    .iter()
                    .map(|log_type| (*log_type, set.package))
            })
            .collect();
        declared.sort_by(|a, b| a.0.name.cmp(b.0.name));
        let twice: Vec<String> = declared
            .windows(2)
            .filter(|pair| pair[0].0.name == pair[1].0.name)
            .map(|pair| {
                format!(
                    "log type {:?} is declared twice ({} of {} and {} of {})",
                    pair[0].0.name,
                    pair[0].0.source_file,
                    pair[0].1,
                    pair[1].0.source_file,
                    pair[1].1
                )
            })
            .collect();
        if !twice.is_empty() {
            return Err(twice.join("; "));
        }
        let log_types = declared.into_iter().map(|(log_type, _)| log_type).collect();
        Ok(Registry { sets, log_types })
    }
}

static REGISTRY: OnceLock<Registry> = OnceLock::new();

fn registry() -> &'static Registry {
    REGISTRY.get_or_init(|| {
        // The built-in sets alone are checked by this crate's tests, so `Err` cannot happen;
        // should it, the first set alone still works.
        Registry::new(&[]).unwrap_or_else(|_| Registry {
            sets: vec![&built_in::LOG_TYPE_SET],
            log_types: built_in::LOG_TYPE_SET.log_types.to_vec(),
        })
    })
}

/// Adds a crate's own log types next to the built-in ones, once per process and before anything
/// looks a log type up (`cli::main_with` does it first thing). `Err`: a name is declared twice,
/// or the registry is already in use.
pub fn add_log_types(own: &[&'static LogTypeSet]) -> Result<(), String> {
    let registry = Registry::new(own)?;
    REGISTRY
        .set(registry)
        .map_err(|_| "log types can only be added once, before the first look-up".to_owned())
}

/// Every log type, sorted by name.
pub fn log_types() -> &'static [&'static LogType] {
    &registry().log_types
}

/// The sets the log types come from, built-in first.
pub fn log_type_sets() -> &'static [&'static LogTypeSet] {
    &registry().sets
}

/// The log type named `name` (exact match).
pub fn find_log_type(name: &str) -> Option<&'static LogType> {
    let log_types = log_types();
    log_types
        .binary_search_by(|log_type| log_type.name.cmp(name))
        .ok()
        .map(|index| log_types[index])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_sets_declare_every_name_once() {
        assert!(Registry::new(&[]).is_ok());
    }

    #[test]
    fn a_name_declared_twice_is_refused() {
        let message = Registry::new(&[&built_in::LOG_TYPE_SET])
            .err()
            .expect("AWS.VPCFlow twice");
        assert!(
            message.contains(
                "log type \"AWS.VPCFlow\" is declared twice (schemas/aws/vpcflow.yml of \
                 logschema and schemas/aws/vpcflow.yml of logschema)"
            ),
            "{message}"
        );
    }

    #[test]
    fn the_shipped_set_holds_schemas_and_the_test_set_tests_schemas() {
        assert!(built_in::LOG_TYPE_SET
            .log_types
            .iter()
            .all(|log_type| log_type.source_file.starts_with("schemas/")));
        assert!(built_in::LOG_TYPE_SET
            .log_types
            .iter()
            .any(|log_type| log_type.name == "AWS.VPCFlow"));
        assert!(test_only::LOG_TYPE_SET
            .log_types
            .iter()
            .all(|log_type| log_type.source_file.starts_with("tests/schemas/")));
        assert_eq!(
            find_log_type("Test.KitchenSink").map(|log_type| log_type.name),
            Some("Test.KitchenSink")
        );
    }
}
