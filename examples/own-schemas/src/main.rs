//! The `logschema` command line with this crate's log types (schemas/) next to the built-in ones.

mod schemas {
    logschema::include_log_types!();
}

fn main() -> std::process::ExitCode {
    logschema::cli::main_with(&[&schemas::LOG_TYPE_SET])
}
