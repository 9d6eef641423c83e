//! Valid but unusual schemas (1,000 fields, objects nested 50 deep, Unicode and look-alike
//! names) generate code pinned by golden files (`UPDATE_GOLDEN=1` rewrites them). The root
//! crate's tests compile those goldens without warnings and parse records through them
//! (src/golden_unusual_tests.rs).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use logschema_codegen::{compile, generate, SchemaSource};

#[path = "support/golden.rs"]
mod golden;
#[path = "support/wide.rs"]
mod wide;
use wide::wide_schema;

/// Generates the one log type of `text` (its file, not the index).
fn generated(path: &str, text: &str) -> String {
    let files = generate(&[SchemaSource {
        path: path.to_string(),
        text: text.to_string(),
    }])
    .unwrap_or_else(|diagnostics| panic!("{diagnostics:#?}"));
    files
        .into_iter()
        .find(|file| file.name != "log_types.rs")
        .map(|file| file.contents)
        .unwrap_or_default()
}

fn golden_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Compares with the golden file, or rewrites it when `UPDATE_GOLDEN=1`.
fn check_golden(name: &str, actual: &str) {
    golden::check_golden(&golden_path(name), actual);
}

/// An object holding an object ... 50 levels deep, with a leaf value and an event time inside.
fn deep_schema() -> String {
    let mut text =
        String::from("schema: Test.Deep\ndescription: Objects nested 50 deep.\nfields:\n");
    for depth in 0..50 {
        let indent = "    ".repeat(depth);
        let _ = writeln!(
            text,
            "{indent}  - name: level{depth}\n{indent}    type: object\n{indent}    fields:"
        );
    }
    let indent = "    ".repeat(50);
    let _ = writeln!(text, "{indent}  - name: leaf\n{indent}    type: string\n{indent}    required: true\n{indent}    indicators: [ip]");
    let _ = writeln!(text, "{indent}  - name: when\n{indent}    type: timestamp\n{indent}    timeFormat: rfc3339\n{indent}    isEventTime: true");
    text
}

/// Unicode names and keywords (names that differ only in case clash: see below).
const UNICODE_SCHEMA: &str = "\
schema: Test.Unicode
description: Unicode and look-alike field names.
fields:
  - name: größe
    type: int
  - name: 名前
    type: string
    required: true
  - name: ÉVÉNEMENT
    type: object
    fields:
      - name: ünïcödé
        type: string
      - name: type
        type: string
  - name: émoji😀
    type: array
    element:
      type: string
  - name: UserAgent
    type: string
";

/// The wide schema's code pinned small; the 1,000-field one is compiled by the root crate's
/// tests (see support/wide.rs).
#[test]
fn wide_schema_matches_golden() {
    check_golden(
        "wide_12.rs",
        &generated("schemas/test/wide.yml", &wide_schema(12)),
    );
}

#[test]
fn a_thousand_fields_generate_one_item_per_field() {
    let code = generated("schemas/test/wide.yml", &wide_schema(1000));
    let file = syn::parse_file(&code).expect("valid Rust");
    // The alias, the struct, LOG_TYPE, a spec per field, the table and the impl.
    assert_eq!(file.items.len(), 1 + 1 + 1 + 1000 + 1 + 1);
    assert_eq!(code.matches("input.required(&TEST_WIDE__F").count(), 3);
    assert!(code.contains("f999: input.optional(&TEST_WIDE__F999)?,"));
}

#[test]
fn objects_nested_50_deep_match_golden() {
    check_golden(
        "deep_50.rs",
        &generated("schemas/test/deep.yml", &deep_schema()),
    );
}

#[test]
fn unicode_and_look_alike_names_match_golden() {
    check_golden(
        "unicode_names.rs",
        &generated("schemas/test/unicode.yml", UNICODE_SCHEMA),
    );
}

/// The Rust names of the fields of a log type's object `index`.
fn rust_names(text: &str, index: usize) -> Vec<(String, String)> {
    let schemas = compile(&[SchemaSource {
        path: "schemas/x.yml".into(),
        text: text.into(),
    }])
    .unwrap_or_else(|errors| panic!("{errors:#?}"));
    schemas.log_types[0].objects[index]
        .fields
        .iter()
        .map(|field| (field.name.clone(), field.rust_name.clone()))
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(name, rust)| (name.to_string(), rust.to_string()))
        .collect()
}

#[test]
fn names_equal_after_punctuation_are_both_kept_with_numbered_rust_names() {
    // Real osquery and Sophos records hold both `logType` and `log_type`.
    let text = "schema: Test.Clash\nfields:\n  - name: obj\n    type: object\n    fields:\n      - name: user-agent\n        type: string\n      - name: user_agent\n        type: string\n      - name: user_agent_2\n        type: string\n      - name: userAgent\n        type: string\n";
    assert_eq!(
        rust_names(text, 1),
        pairs(&[
            ("user-agent", "user_agent"),
            ("user_agent", "user_agent_3"),
            ("user_agent_2", "user_agent_2"),
            ("userAgent", "user_agent_4"),
        ])
    );
}

#[test]
fn names_that_differ_only_in_case_are_an_error_naming_both_lines() {
    let text = "schema: Test.Clash\nfields:\n  - name: größe\n    type: int\n  - name: Größe\n    type: string\n  - name: filePath\n    type: string\n  - name: file_path\n    type: string\n  - name: FilePath\n    type: string\n";
    let Err(diagnostics) = compile(&[SchemaSource {
        path: "schemas/x.yml".into(),
        text: text.into(),
    }]) else {
        panic!("names equal but for case must clash");
    };
    let messages: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "schemas/x.yml:5:5: error: field 'größe' (line 3) and field 'Größe' (line 5) differ only in case: tables (Athena, Glue, DuckDB) read column names without case and cannot hold both",
            "schemas/x.yml:11:5: error: field 'filePath' (line 7) and field 'FilePath' (line 11) differ only in case: tables (Athena, Glue, DuckDB) read column names without case and cannot hold both",
        ]
    );
}

#[test]
fn keywords_and_their_style_twins_are_both_kept() {
    let text = "schema: Test.Clash\nfields:\n  - name: type\n    type: string\n  - name: _type\n    type: string\n  - name: self\n    type: string\n  - name: self-\n    type: string\n";
    assert_eq!(
        rust_names(text, 0),
        pairs(&[
            ("type", "r#type"),
            ("_type", "type_2"),
            ("self", "self_"),
            ("self-", "self_2"),
        ])
    );
}
