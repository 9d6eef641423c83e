//! Property tests of every registered log type's parser on hostile input: arbitrary bytes, token
//! soup, and mutated real records (samples/ and the `input`s of the *_tests.yml cases).
//!
//! For every input: no panic; every record gives exactly one outcome (records in = events out +
//! records rejected); a rejection leaves the output untouched; every event is one JSON line that
//! satisfies its schema (required values present, integers in range, timestamps in the output
//! layout, allow/deny lists respected, `p_*` fields well formed); a delimited line that gave an
//! event had no value past its column mapping (records glued on one line are rejected, not cut).
//!
//! `PROPTEST_CASES=N` sets the cases per property (default 1024, about 2 s in all in a debug
//! build); every input that ever failed is kept under tests/corpus/<log type>/ and replayed first.

use std::path::{Path, PathBuf};

use logschema::pipeline::classify::RecordFraming;
use logschema::pipeline::lines::Line;
use logschema::pipeline::splitter::Splitter;
use logschema::runtime::{
    self, EventMeta, ExtraColumns, FieldSpec, Framer, LineKind, LogType, ParserSpec, RowId,
    ValueKind, ValueSpec,
};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use serde::Deserialize;
use serde_json::{Map, Value};

/// Small, so over-long lines are exercised too.
const FUZZ_MAX_LINE_BYTES: usize = 2048;

/// Fragments that tend to break parsers: JSON syntax, extreme numbers, dates out of range, odd
/// Unicode, delimiters, header words.
const TOKENS: &[&str] = &[
    "\"",
    "\\",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "null",
    "true",
    "false",
    "-",
    " ",
    "  ",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "0",
    "-0",
    "-1",
    "1.5",
    "1e400",
    "-1e400",
    "1e-400",
    "NaN",
    "Infinity",
    "99999999999999999999",
    "-9223372036854775808",
    "9223372036854775807",
    "9223372036854775808",
    "32767",
    "32768",
    "-32769",
    "2147483648",
    "253402300800",
    "-62167219201",
    "1e15",
    "\"\\ud800\"",
    "\\u0000",
    "\u{0}",
    "\u{feff}",
    "é",
    "𝒳",
    "\u{202e}",
    "\u{fffd}",
    "1970-01-01T00:00:00Z",
    "+10000-01-01T00:00:00Z",
    "2021-02-30T25:61:61Z",
    "0000-01-01T00:00:00Z",
    "{\"a\":",
    "[[[[[[[[",
    "]]]]]]]]",
    "{}",
    "[]",
    "\"\"",
    "::1",
    "[::1]:80",
    "10.0.0.1",
    "arn:aws:ec2:us-east-1:123456789012:instance/i-0123",
    "http://[::1",
    "@",
    "i-",
    "version account-id srcaddr",
    "version",
    "unknown",
    "NODATA",
    "SKIPDATA",
];

// ---- seeds ---------------------------------------------------------------------------------------

fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// The corpus directory of a log type: tests/corpus/vpcflow for AWS.VPCFlow.
fn corpus_dir(log_type: &LogType) -> PathBuf {
    let short = log_type.name.rsplit('.').next().unwrap_or(log_type.name);
    repo_path("tests/corpus").join(short.to_lowercase())
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// Every `*_tests.yml` below `dir`.
fn test_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for path in files_in(dir) {
        if path.to_string_lossy().ends_with("_tests.yml") {
            found.push(path);
        }
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.path().is_dir() {
                test_files(&entry.path(), found);
            }
        }
    }
}

/// Real inputs of a log type: its test cases' inputs, matching samples, and its corpus.
fn seeds(log_type: &LogType) -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    let mut tests = Vec::new();
    // The shipped log types' cases and the test-only ones'.
    test_files(&repo_path("schemas"), &mut tests);
    test_files(&repo_path("tests/schemas"), &mut tests);
    for path in tests {
        let text = String::from_utf8_lossy(&read(&path)).into_owned();
        for document in serde_yaml::Deserializer::from_str(&text) {
            let Ok(case) = serde_yaml::Value::deserialize(document) else {
                continue;
            };
            if case["logType"].as_str() == Some(log_type.name) {
                if let Some(input) = case["input"].as_str() {
                    seeds.push(input.as_bytes().to_vec());
                }
            }
        }
    }
    let short = log_type
        .name
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_lowercase();
    for path in files_in(&repo_path("samples")) {
        if path.to_string_lossy().contains(&short) {
            seeds.push(read(&path));
        }
    }
    seeds.extend(
        files_in(&corpus_dir(log_type))
            .iter()
            .map(|path| read(path)),
    );
    seeds.retain(|seed| !seed.is_empty());
    seeds
}

// ---- the properties ------------------------------------------------------------------------------

fn meta(log_type: &LogType, sequence: u64) -> EventMeta<'static> {
    EventMeta {
        log_type: log_type.name,
        row_id: RowId {
            prefix: 0xfeed,
            sequence,
        },
        parse_time: chrono::DateTime::from_timestamp(1_700_000_000, 5).expect("a valid time"),
        source_id: Some("src"),
        source_label: None,
    }
}

/// Frames and parses a whole input the way the pipeline does and checks every outcome. JSON log
/// types (and envelopes) are split by the JSON stream, so hostile JSON text is fuzzed too.
fn check_input(log_type: &'static LogType, input: &[u8]) -> Result<(), String> {
    let mut lines = Splitter::new(RecordFraming::of(log_type), input, FUZZ_MAX_LINE_BYTES);
    let mut framer = Framer::new(log_type);
    let (mut records, mut events, mut rejected) = (0u64, 0u64, 0u64);
    let mut out = Vec::new();
    // The same records as Arrow rows (`--format parquet`).
    let mut rows = runtime::ArrowRows::new(logschema::lake::arrow_schema(log_type))
        .map_err(|problem| format!("no Arrow columns: {problem}"))?;
    loop {
        let next = lines
            .next_line()
            .map_err(|error| format!("in-memory read failed: {error}"))?;
        let Some((line_number, line)) = next else {
            break;
        };
        let text = match line {
            Line::Text(text) => text,
            Line::Invalid { .. } if framer.skips_unreadable() => continue,
            Line::Invalid { .. } => {
                records += 1;
                rejected += 1;
                continue;
            }
        };
        let LineKind::Record(columns) = framer.classify(text) else {
            continue;
        };
        records += 1;
        out.clear();
        out.extend_from_slice(b"before");
        let meta = meta(log_type, records);
        let rows_before = rows.rows();
        let as_arrow =
            runtime::parse_record(log_type, text, columns.map(|map| &**map), &meta, &mut rows);
        let as_json =
            runtime::parse_record(log_type, text, columns.map(|map| &**map), &meta, &mut out);
        if as_arrow != as_json {
            return Err(format!(
                "line {line_number}: as JSON {as_json:?}, as Arrow {as_arrow:?}"
            ));
        }
        if as_arrow.is_err() && rows.rows() != rows_before {
            return Err(format!(
                "line {line_number}: a rejection changed the Arrow rows"
            ));
        }
        match as_json {
            Err(_) if out != b"before" => {
                return Err(format!(
                    "line {line_number}: a rejection changed the output"
                ))
            }
            Err(_) => rejected += 1,
            Ok(()) => {
                let event = out
                    .strip_prefix(b"before")
                    .ok_or("the output before the event changed")?;
                let event = std::str::from_utf8(event).map_err(|_| "an event is not UTF-8")?;
                let body = event
                    .strip_suffix('\n')
                    .ok_or("an event without its newline")?;
                if body.contains('\n') {
                    return Err(format!("line {line_number}: an event spans lines: {body}"));
                }
                check_event(log_type, body)
                    .map_err(|problem| format!("line {line_number}: {problem}\n  event: {body}"))?;
                if let (ParserSpec::Delimited(spec), Some(columns)) = (&log_type.parser, columns) {
                    let values = runtime::framing::split_values(text, spec).count();
                    // The mapping's last columns are the `expandFields` values, not the line's.
                    let mapped = columns
                        .slot_of_column
                        .len()
                        .saturating_sub(spec.expand_fields.len());
                    if values > mapped && spec.extra_columns == ExtraColumns::Reject {
                        return Err(format!(
                            "line {line_number}: {values} values but {mapped} columns gave an event"
                        ));
                    }
                }
                events += 1;
            }
        }
    }
    if records != events + rejected {
        return Err(format!(
            "{records} records but {events} events + {rejected} rejected"
        ));
    }
    // Every event is one row of the log type's Arrow schema, and the rows make a valid batch.
    let batch = rows
        .finish()
        .map_err(|problem| format!("the Arrow rows are not a batch: {problem}"))?;
    if batch.num_rows() as u64 != events {
        return Err(format!(
            "{events} events but {} Arrow rows",
            batch.num_rows()
        ));
    }
    Ok(())
}

fn check_event(log_type: &LogType, line: &str) -> Result<(), String> {
    let value: Value = serde_json::from_str(line).map_err(|error| format!("not JSON: {error}"))?;
    let object = value.as_object().ok_or("not a JSON object")?;
    let fields: Vec<&FieldSpec> = log_type
        .fields
        .iter()
        .map(|field| -> &FieldSpec { field })
        .collect();
    check_fields(&fields, object, "", true)?;
    if object.get("p_log_type") != Some(&Value::from(log_type.name)) {
        return Err("p_log_type is wrong".into());
    }
    let row_id = object.get("p_row_id").and_then(Value::as_str).unwrap_or("");
    if row_id.len() != 32 || !row_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("p_row_id {row_id:?}"));
    }
    for key in ["p_event_time", "p_parse_time"] {
        check_timestamp(object.get(key).ok_or(format!("{key} is missing"))?, key)?;
    }
    for (key, value) in object {
        if key.starts_with("p_any_") {
            let list: Vec<&str> = value
                .as_array()
                .map(|items| items.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let sorted_unique = list.windows(2).all(|pair| pair[0] < pair[1]);
            if list.is_empty()
                || !sorted_unique
                || list.len() != value.as_array().map_or(0, Vec::len)
            {
                return Err(format!(
                    "{key} is not a sorted, de-duplicated list of strings"
                ));
            }
        }
    }
    Ok(())
}

fn check_fields(
    fields: &[&FieldSpec],
    object: &Map<String, Value>,
    path: &str,
    top_level: bool,
) -> Result<(), String> {
    for key in object.keys() {
        let is_field = fields.iter().any(|field| field.name == key);
        let is_p_field = top_level && key.starts_with("p_");
        if !is_field && !is_p_field {
            return Err(format!("{path}{key}: not a field of the schema"));
        }
    }
    for field in fields {
        let field_path = format!("{path}{}", field.name);
        match object.get(field.name) {
            // An empty array is left out of the event (Go's omitempty), required or not.
            None if field.required && field.value.kind != ValueKind::Array => {
                return Err(format!("{field_path}: required but absent"))
            }
            None => {}
            // A `json` value is written as it came, `[]` included.
            Some(Value::Array(items))
                if items.is_empty() && field.value.kind != ValueKind::Json =>
            {
                return Err(format!("{field_path}: an empty array is written"))
            }
            Some(value) => check_value(&field.value, value, &field_path)?,
        }
    }
    Ok(())
}

fn check_value(spec: &ValueSpec, value: &Value, path: &str) -> Result<(), String> {
    let wrong = || {
        Err(format!(
            "{path}: {value} is not a valid {}",
            spec.kind.as_str()
        ))
    };
    let integer_in = |min: i64, max: i64| value.as_i64().is_some_and(|n| (min..=max).contains(&n));
    let fits = match spec.kind {
        ValueKind::String => match value.as_str() {
            Some(text) => {
                if !spec.allow.is_empty() && !spec.allow.contains(&text) {
                    return Err(format!("{path}: {text:?} is not in the allow list"));
                }
                if spec.deny.contains(&text) {
                    return Err(format!("{path}: {text:?} is in the deny list"));
                }
                true
            }
            None => false,
        },
        ValueKind::SmallInt => integer_in(i16::MIN.into(), i16::MAX.into()),
        ValueKind::Int => integer_in(i32::MIN.into(), i32::MAX.into()),
        ValueKind::BigInt => value.is_i64(),
        ValueKind::Float => value.as_f64().is_some_and(f64::is_finite),
        ValueKind::Boolean => value.is_boolean(),
        ValueKind::Timestamp => return check_timestamp(value, path),
        // Null too: a `json` field given null is written null.
        ValueKind::Json => true,
        ValueKind::Array => match (value.as_array(), spec.element) {
            (Some(items), Some(element)) => {
                for (index, item) in items.iter().enumerate() {
                    if item.is_null() {
                        return Err(format!("{path}[{index}]: a null element is written"));
                    }
                    check_value(element, item, &format!("{path}[{index}]"))?;
                }
                true
            }
            _ => false,
        },
        ValueKind::Object => match (value.as_object(), spec.object_fields) {
            (Some(object), Some(fields)) => {
                let fields: Vec<&FieldSpec> =
                    fields.iter().map(|field| -> &FieldSpec { field }).collect();
                check_fields(&fields, object, &format!("{path}."), false)?;
                true
            }
            _ => false,
        },
    };
    if fits {
        Ok(())
    } else {
        wrong()
    }
}

/// `YYYY-MM-DD HH:MM:SS.fffffffff`, a real instant.
fn check_timestamp(value: &Value, path: &str) -> Result<(), String> {
    let text = value.as_str().unwrap_or_default();
    let layout_ok = text.len() == 29
        && text.bytes().enumerate().all(|(index, byte)| match index {
            4 | 7 => byte == b'-',
            10 => byte == b' ',
            13 | 16 => byte == b':',
            19 => byte == b'.',
            _ => byte.is_ascii_digit(),
        });
    if layout_ok && runtime::time::parse_output_timestamp(text).is_some() {
        Ok(())
    } else {
        Err(format!(
            "{path}: {value} is not a YYYY-MM-DD HH:MM:SS.fffffffff timestamp"
        ))
    }
}

// ---- inputs --------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Mutation {
    FlipBit(Index, u8),
    InsertBytes(Index, Vec<u8>),
    InsertToken(Index, Index),
    Delete(Index, usize),
    Duplicate(Index, usize),
    Truncate(Index),
    /// A piece of another seed.
    Splice(Index, Index, Index, usize),
    /// A line end lost: the line and the next glued together with a space.
    Glue(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => (any::<Index>(), 0u8..8).prop_map(|(at, bit)| Mutation::FlipBit(at, bit)),
        1 => (any::<Index>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, bytes)| Mutation::InsertBytes(at, bytes)),
        3 => (any::<Index>(), any::<Index>()).prop_map(|(at, token)| Mutation::InsertToken(at, token)),
        1 => (any::<Index>(), 1usize..32).prop_map(|(at, len)| Mutation::Delete(at, len)),
        1 => (any::<Index>(), 1usize..64).prop_map(|(at, len)| Mutation::Duplicate(at, len)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => (any::<Index>(), any::<Index>(), any::<Index>(), 1usize..64)
            .prop_map(|(seed, from, at, len)| Mutation::Splice(seed, from, at, len)),
        2 => any::<Index>().prop_map(Mutation::Glue),
    ]
}

fn apply(mutation: &Mutation, data: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    let at = |index: &Index, data: &Vec<u8>| index.index(data.len() + 1);
    match mutation {
        Mutation::FlipBit(index, bit) => {
            if !data.is_empty() {
                let position = index.index(data.len());
                data[position] ^= 1 << bit;
            }
        }
        Mutation::InsertBytes(index, bytes) => {
            let position = at(index, data);
            data.splice(position..position, bytes.iter().copied());
        }
        Mutation::InsertToken(index, token) => {
            let position = at(index, data);
            let token = TOKENS[token.index(TOKENS.len())].as_bytes();
            data.splice(position..position, token.iter().copied());
        }
        Mutation::Delete(index, len) => {
            let start = at(index, data);
            let end = (start + len).min(data.len());
            data.drain(start..end);
        }
        Mutation::Duplicate(index, len) => {
            let start = at(index, data);
            let end = (start + len).min(data.len());
            let copy = data[start..end].to_vec();
            data.splice(end..end, copy);
        }
        Mutation::Truncate(index) => {
            let end = at(index, data);
            data.truncate(end);
        }
        Mutation::Splice(seed, from, index, len) => {
            let donor = &seeds[seed.index(seeds.len())];
            let start = from.index(donor.len() + 1);
            let end = (start + len).min(donor.len());
            let position = at(index, data);
            data.splice(position..position, donor[start..end].iter().copied());
        }
        Mutation::Glue(index) => {
            let ends: Vec<usize> = (0..data.len()).filter(|&i| data[i] == b'\n').collect();
            if !ends.is_empty() {
                let end = ends[index.index(ends.len())];
                data[end] = b' ';
                if end > 0 && data[end - 1] == b'\r' {
                    data[end - 1] = b' ';
                }
            }
        }
    }
}

fn mutated_seed(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    (any::<Index>(), prop::collection::vec(mutation(), 1..8)).prop_map(move |(seed, mutations)| {
        let mut data = seeds[seed.index(seeds.len())].clone();
        for mutation in &mutations {
            apply(mutation, &mut data, &seeds);
        }
        data
    })
}

fn token_soup() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<Index>(), 0..64).prop_map(|tokens| {
        tokens
            .iter()
            .flat_map(|token| TOKENS[token.index(TOKENS.len())].bytes())
            .collect()
    })
}

fn hostile_input(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..512),
        1 => token_soup(),
        6 => mutated_seed(seeds),
    ]
}

// ---- running -------------------------------------------------------------------------------------

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(1024)
}

/// Replays the corpus, then runs the property on fresh inputs; the problem found, if any.
fn fuzz_log_type(log_type: &'static LogType) -> Result<(), String> {
    let name = log_type.name;
    for path in files_in(&corpus_dir(log_type)) {
        if let Err(problem) = check_input(log_type, &read(&path)) {
            return Err(format!("{name}: {} (corpus): {problem}", path.display()));
        }
    }
    let seeds = seeds(log_type);
    if seeds.is_empty() {
        return Err(format!(
            "{name}: no seed inputs: give it *_tests.yml cases (or a sample under samples/)"
        ));
    }
    for seed in &seeds {
        if let Err(problem) = check_input(log_type, seed) {
            return Err(format!(
                "{name}: a seed input fails: {problem}\n{}",
                String::from_utf8_lossy(seed)
            ));
        }
    }
    let config = Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&hostile_input(seeds), |input| {
        check_input(log_type, &input).map_err(TestCaseError::fail)
    });
    match result {
        Ok(()) => Ok(()),
        Err(TestError::Fail(problem, input)) => {
            let saved = Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("fuzz-failure-{}.txt", log_type.name.to_lowercase()));
            let _ = std::fs::write(&saved, &input);
            Err(format!(
                "{name}: {problem}\nminimal input (saved as {}): {:?}\ncopy it into {}/ so it is \
                 replayed from now on",
                saved.display(),
                String::from_utf8_lossy(&input),
                corpus_dir(log_type).display()
            ))
        }
        Err(error) => Err(format!("{name}: {error}")),
    }
}

/// Every registered log type, a new schema's included with no Rust to write: two threads take
/// them in turn, and every log type's problem is reported, not only the first.
#[test]
fn every_log_type_survives_hostile_input() {
    let log_types = logschema::log_types();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let problems = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(log_type) = log_types.get(index) else {
                    break;
                };
                // A panic in the parser is a finding like any other, not the end of the run.
                let outcome = std::panic::catch_unwind(|| fuzz_log_type(log_type))
                    .unwrap_or_else(|_| Err(format!("{}: panicked", log_type.name)));
                if let Err(problem) = outcome {
                    problems.lock().unwrap().push(problem);
                }
            });
        }
    });
    let problems = problems.into_inner().unwrap();
    assert!(
        problems.is_empty(),
        "{} log type(s) failed:\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}
