//! generated/ is the checked-in copy of what build.rs generates from schemas/, so a change to a
//! schema shows what it does to the generated code.

use std::path::Path;

#[test]
fn checked_in_generated_code_is_fresh() {
    let built = Path::new(env!("OUT_DIR")).join("generated");
    let checked_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("generated");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    if let Err(problems) =
        logschema_codegen::build::compare_with_checked_in(&built, &checked_in, update)
    {
        panic!(
            "generated/ is stale:\n  {}\nRefresh it with:\n  \
             UPDATE_GOLDEN=1 cargo test -p own-schemas --test generated_code",
            problems.join("\n  ")
        );
    }
}
