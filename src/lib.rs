//! logschema: log schemas in YAML become generated Rust parsers.
//!
//! Every schema under `schemas/` becomes a module of [`generated`] and an entry of
//! [`log_types`]; the [`runtime`] does the work those modules call for.

// Generated code names the runtime as `::logschema::runtime`, inside this crate too.
extern crate self as logschema;

pub mod escape;
pub mod infer;
pub mod lake;
pub mod pipeline;
pub mod runtime;
pub mod staleness;
pub mod store;
pub mod testing;
#[cfg(feature = "worker")]
pub mod worker;

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

/// What to say about a log type name that is not registered: the closest registered name when
/// one is close (case-insensitive: `aws.vpcflow` -> `AWS.VPCFlow`, or a typo or two away), then
/// every registered name.
pub fn unknown_log_type_message(name: &str) -> String {
    let known: Vec<&str> = log_types().iter().map(|log_type| log_type.name).collect();
    let wanted = name.to_lowercase();
    // Normalised Levenshtein on lower case: 1.0 is equal; 0.7 allows two or three slips in a
    // name of ten letters and no more, so the hint is never a wild guess.
    let closest = known
        .iter()
        .map(|known| {
            (
                strsim::normalized_levenshtein(&wanted, &known.to_lowercase()),
                known,
            )
        })
        .filter(|(similarity, _)| *similarity >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let hint = match closest {
        Some((_, known)) => format!(" (did you mean {known}?)"),
        None => String::new(),
    };
    format!(
        "unknown log type {name:?}{hint}; known log types: {}",
        known.join(", ")
    )
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

#[cfg(test)]
mod unknown_log_type_tests {
    use super::unknown_log_type_message;

    #[test]
    fn names_the_closest_log_type_when_one_is_close() {
        assert!(unknown_log_type_message("aws.vpcflow").contains("(did you mean AWS.VPCFlow?)"));
        assert!(unknown_log_type_message("AWS.VPCFLow").contains("(did you mean AWS.VPCFlow?)"));
        assert!(unknown_log_type_message("AWS.VPCDNS").contains("(did you mean AWS.VPCDns?)"));
        assert!(unknown_log_type_message("AWS.VPCFow").contains("(did you mean AWS.VPCFlow?)"));
    }

    #[test]
    fn guesses_nothing_when_nothing_is_close() {
        let message = unknown_log_type_message("Okta.SystemLog");
        assert!(!message.contains("did you mean"), "{message}");
        assert!(message.contains("known log types: "), "{message}");
        assert!(message.contains("AWS.VPCFlow"), "{message}");
    }
}

/// Records through the unusual goldens: 1,000 fields, 50-deep objects, Unicode names.
#[cfg(test)]
mod golden_unusual_tests;
