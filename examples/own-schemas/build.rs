// Compiles schemas/ into Rust: schema errors are build errors, located at file:line:col.
fn main() -> std::process::ExitCode {
    logschema_codegen::build::compile_schemas("schemas")
}
