//! PLACEHOLDER until the codegen pipeline is wired: writes an index that includes the design
//! contract example (docs/design/generated-example.rs) as log type `Example.Dns`.
use std::{env, fs, path::PathBuf};

fn main() {
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("generated");
    fs::create_dir_all(&out).unwrap();
    let example = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("docs/design/generated-example.rs");
    fs::write(out.join("example_dns.rs"), fs::read_to_string(&example).unwrap()).unwrap();
    fs::write(
        out.join("log_types.rs"),
        "pub mod example_dns { include!(concat!(env!(\"OUT_DIR\"), \"/generated/example_dns.rs\")); }\n\
         pub static LOG_TYPES: [&::logschema::runtime::LogType; 1] = [&example_dns::LOG_TYPE];\n",
    )
    .unwrap();
    println!("cargo::rerun-if-changed=docs/design/generated-example.rs");
    println!("cargo::rerun-if-changed=build.rs");
}
