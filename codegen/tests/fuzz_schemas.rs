//! Property tests of the schema front end (`compile`) on hostile YAML: arbitrary text, YAML token
//! soup, and the real schemas under schemas/ mutated line by line and byte by byte.
//!
//! For every input: no panic, and every diagnostic names the file it came from and a line and
//! column >= 1. A schema that compiles is also emitted (the emitter must not panic either).
//!
//! `PROPTEST_CASES=N` sets the cases per property (default 256, a few seconds in a debug build);
//! every input that ever failed is kept under tests/corpus/schema/ (in the root crate) and replayed
//! first.

use std::path::{Path, PathBuf};

use logschema_codegen::{compile, emit, SchemaSource};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};

const FILE: &str = "schemas/fuzz/input.yml";

/// Fragments of YAML and of the schema language that tend to break loaders.
const TOKENS: &[&str] = &[
    ": ",
    "- ",
    "\n",
    "\n  ",
    "\n    ",
    "\t",
    "#",
    "'",
    "\"",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "<<: *a",
    "!!binary ",
    "!tag ",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "? ",
    "|",
    ">-",
    "~",
    "null",
    "true",
    "0x1F",
    "1e400",
    "-1",
    "99999999999999999999",
    "\u{feff}",
    "é",
    "𝒳",
    "\u{0}",
    "\u{202e}",
    "schema: ",
    "fields:",
    "name: ",
    "type: ",
    "string",
    "object",
    "array",
    "json",
    "timestamp",
    "smallint",
    "element:",
    "required: true",
    "isEventTime: true",
    "timeFormat: unix",
    "timeFormat: '%'",
    "timeFormats: []",
    "indicators: [ip]",
    "indicators: [{kind: domain, when: {field: x, in: []}, pattern: '('}]",
    "pattern: '(a)(b)'",
    "aliases: [x, x]",
    "column: ",
    "emptyValues: [{}]",
    "validate: {allow: [], ip: v7}",
    "isEmbeddedJSON: true",
    "parser: {delimited: {delimiter: ''}}",
    "mergeDelimiters: 1",
    "header: none",
    "headerPrefix: ''",
    "headerDelimiter: ''",
    "expandFields: {x: '%{'}",
    "columns: []",
    "user-agent",
    "user_agent",
    "self",
    "type",
    "Self",
    "r#x",
    "[[[[[[[[[[[[[[[[[[[[",
    "]]]]]]]]]]]]]]]]]]]]",
    "{a: {a: {a: {a: {a: ",
];

fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

fn files_below(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            files_below(&path, found);
        } else {
            found.push(path);
        }
    }
}

fn read(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    String::from_utf8_lossy(&bytes).into_owned()
}

fn corpus() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    files_below(&repo_path("tests/corpus/schema"), &mut files);
    files
        .into_iter()
        .map(|path| (path.clone(), read(&path)))
        .collect()
}

/// The real schemas (not their test files), then the corpus.
fn seeds() -> Vec<String> {
    let mut files = Vec::new();
    files_below(&repo_path("schemas"), &mut files);
    let mut seeds: Vec<String> = files
        .iter()
        .filter(|path| {
            let name = path.to_string_lossy();
            name.ends_with(".yml") && !name.ends_with("_tests.yml")
        })
        .map(|path| read(path))
        .collect();
    assert!(!seeds.is_empty(), "no schemas found below schemas/");
    seeds.extend(corpus().into_iter().map(|(_, text)| text));
    seeds
}

/// The property: no panic; every diagnostic is located in this file, line and column >= 1.
fn check_schema(text: &str) -> Result<(), String> {
    let sources = [SchemaSource {
        path: FILE.to_string(),
        text: text.to_string(),
    }];
    match compile(&sources) {
        Ok(schemas) => {
            emit(&schemas);
            Ok(())
        }
        Err(diagnostics) if diagnostics.is_empty() => Err("an error without diagnostics".into()),
        Err(diagnostics) => {
            for diagnostic in diagnostics {
                let location = &diagnostic.location;
                if location.file != FILE || location.line == 0 || location.column == 0 {
                    return Err(format!("badly located diagnostic: {diagnostic}"));
                }
            }
            Ok(())
        }
    }
}

// ---- inputs --------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Mutation {
    InsertToken(Index, Index),
    InsertChar(Index, char),
    DeleteBytes(Index, usize),
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    /// Adds or removes indentation of one line.
    Indent(Index, i8),
    /// A line of another seed.
    SpliceLine(Index, Index, Index),
    Truncate(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<Index>(), any::<Index>()).prop_map(|(at, token)| Mutation::InsertToken(at, token)),
        1 => (any::<Index>(), any::<char>()).prop_map(|(at, c)| Mutation::InsertChar(at, c)),
        1 => (any::<Index>(), 1usize..16).prop_map(|(at, len)| Mutation::DeleteBytes(at, len)),
        2 => any::<Index>().prop_map(Mutation::DeleteLine),
        2 => any::<Index>().prop_map(Mutation::DuplicateLine),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        2 => (any::<Index>(), -4i8..=4).prop_map(|(at, by)| Mutation::Indent(at, by)),
        2 => (any::<Index>(), any::<Index>(), any::<Index>())
            .prop_map(|(seed, line, at)| Mutation::SpliceLine(seed, line, at)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
    ]
}

/// A byte position moved back to a character boundary.
fn char_boundary(text: &str, index: &Index) -> usize {
    let mut position = index.index(text.len() + 1);
    while !text.is_char_boundary(position) {
        position -= 1;
    }
    position
}

fn apply(mutation: &Mutation, text: &str, seeds: &[String]) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let line_at = |index: &Index, lines: &Vec<String>| index.index(lines.len());
    match mutation {
        Mutation::InsertToken(at, token) => {
            let position = char_boundary(text, at);
            let token = TOKENS[token.index(TOKENS.len())];
            format!("{}{token}{}", &text[..position], &text[position..])
        }
        Mutation::InsertChar(at, c) => {
            let position = char_boundary(text, at);
            format!("{}{c}{}", &text[..position], &text[position..])
        }
        Mutation::DeleteBytes(at, len) => {
            let start = char_boundary(text, at);
            let mut end = (start + len).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            format!("{}{}", &text[..start], &text[end..])
        }
        Mutation::DeleteLine(at) => {
            let line = line_at(at, &lines);
            lines.remove(line);
            lines.join("\n")
        }
        Mutation::DuplicateLine(at) => {
            let line = line_at(at, &lines);
            lines.insert(line, lines[line].clone());
            lines.join("\n")
        }
        Mutation::SwapLines(a, b) => {
            let (a, b) = (line_at(a, &lines), line_at(b, &lines));
            lines.swap(a, b);
            lines.join("\n")
        }
        Mutation::Indent(at, by) => {
            let line = line_at(at, &lines);
            let by = *by;
            if by >= 0 {
                lines[line].insert_str(0, &" ".repeat(by as usize));
            } else {
                let spaces = lines[line].len() - lines[line].trim_start_matches(' ').len();
                lines[line].drain(..spaces.min(by.unsigned_abs() as usize));
            }
            lines.join("\n")
        }
        Mutation::SpliceLine(seed, from, at) => {
            let donor: Vec<&str> = seeds[seed.index(seeds.len())].split('\n').collect();
            let donor_line = donor[from.index(donor.len())].to_string();
            let line = at.index(lines.len() + 1);
            lines.insert(line, donor_line);
            lines.join("\n")
        }
        Mutation::Truncate(at) => text[..char_boundary(text, at)].to_string(),
    }
}

fn mutated_schema(seeds: Vec<String>) -> impl Strategy<Value = String> {
    (any::<Index>(), prop::collection::vec(mutation(), 1..6)).prop_map(move |(seed, mutations)| {
        let mut text = seeds[seed.index(seeds.len())].clone();
        for mutation in &mutations {
            text = apply(mutation, &text, &seeds);
        }
        text
    })
}

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<Index>(), 0..48).prop_map(|tokens| {
        tokens
            .iter()
            .map(|token| TOKENS[token.index(TOKENS.len())])
            .collect()
    })
}

fn hostile_schema(seeds: Vec<String>) -> impl Strategy<Value = String> {
    prop_oneof![
        1 => any::<String>(),
        1 => token_soup(),
        6 => mutated_schema(seeds),
    ]
}

// ---- running -------------------------------------------------------------------------------------

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(256)
}

#[test]
fn the_corpus_and_the_real_schemas_pass() {
    for (path, text) in corpus() {
        if let Err(problem) = check_schema(&text) {
            panic!("{} (corpus): {problem}", path.display());
        }
    }
    for seed in seeds() {
        check_schema(&seed).unwrap_or_else(|problem| panic!("{problem}\n{seed}"));
    }
}

#[test]
fn hostile_schemas_are_reported_not_panicked_on() {
    let config = Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&hostile_schema(seeds()), |text| {
        check_schema(&text).map_err(TestCaseError::fail)
    });
    match result {
        Ok(()) => {}
        Err(TestError::Fail(problem, text)) => {
            let saved = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failure-schema.yml");
            let _ = std::fs::write(&saved, &text);
            panic!(
                "{problem}\nminimal schema (saved as {}):\n{text}\ncopy it into tests/corpus/schema/ \
                 so it is replayed from now on",
                saved.display()
            );
        }
        Err(error) => panic!("{error}"),
    }
}
