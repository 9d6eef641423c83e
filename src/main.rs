//! `logschema`: parse logs, list and show log types, run schema tests (see `logschema::cli`).

fn main() -> std::process::ExitCode {
    logschema::cli::main()
}
