//! logschema: log schemas in YAML become generated Rust parsers.
//!
//! Every schema under `schemas/` becomes a module of [`generated`] and an entry of
//! [`log_types`]; the [`runtime`] does the work those modules call for.

// Generated code names the runtime as `::logschema::runtime`, inside this crate too.
extern crate self as logschema;

pub mod escape;
pub mod lake;
pub mod pipeline;
pub mod runtime;
pub mod store;
pub mod testing;

/// The code `build.rs` generated from `schemas/`: one module per log type and the registry.
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/generated/log_types.rs"));
}

/// Every log type, sorted by name.
pub fn log_types() -> &'static [&'static runtime::LogType] {
    &generated::LOG_TYPES
}

/// The log type named `name` (exact match).
pub fn find_log_type(name: &str) -> Option<&'static runtime::LogType> {
    log_types()
        .iter()
        .copied()
        .find(|log_type| log_type.name == name)
}

/// The emitter's golden files (codegen/tests/golden/) compiled against this runtime, so a golden
/// that stops compiling fails `cargo test`; the runtime's end-to-end tests use them too.
#[cfg(test)]
#[allow(dead_code)]
mod golden {
    pub mod example_dns {
        include!("../codegen/tests/golden/example_dns.rs");
    }
    pub mod example_flow {
        include!("../codegen/tests/golden/example_flow.rs");
    }
    pub mod odd_names {
        include!("../codegen/tests/golden/odd_names.rs");
    }
    pub mod wide_1000 {
        include!("../codegen/tests/golden/wide_1000.rs");
    }
    pub mod deep_50 {
        include!("../codegen/tests/golden/deep_50.rs");
    }
    pub mod unicode_names {
        include!("../codegen/tests/golden/unicode_names.rs");
    }
}

/// Records through the unusual goldens: 1,000 fields, 50-deep objects, Unicode names.
#[cfg(test)]
mod golden_unusual_tests;
