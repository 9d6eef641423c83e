//! `--schema`'s interpreter against the generated parsers: every shipped schema, loaded from
//! its YAML at run time, must write byte for byte the events (and reject the records, with the
//! same reasons) that its generated parser does, on every `*_tests.yml` input and on generated
//! bench-like VPC Flow and Route 53 Resolver data.

#[path = "../benches/throughput/data.rs"]
#[allow(dead_code)]
mod data;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use logschema::pipeline::classify::RecordFraming;
use logschema::pipeline::lines::{Line, DEFAULT_MAX_LINE_BYTES};
use logschema::pipeline::parse::parse_line;
use logschema::pipeline::splitter::Splitter;
use logschema::runtime::{
    ArrowRows, EventMeta, Framer, LineKind, LogType, ParseEvent, RowId, Timestamp,
};
use logschema::testing::run::for_each_record;
use logschema_codegen::SchemaSource;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The schema directories of this package's build: the shipped log types and the test-only
/// ones (built in for these tests through the `test-log-types` feature).
const SCHEMA_DIRS: [&str; 2] = ["schemas", "tests/schemas"];

/// Every schema of [`SCHEMA_DIRS`], loaded by the interpreter, by name.
fn interpreted() -> BTreeMap<&'static str, &'static LogType> {
    let root = manifest_dir();
    let mut sources = Vec::new();
    let walks = SCHEMA_DIRS
        .iter()
        .flat_map(|dir| walkdir::WalkDir::new(root.join(dir)).sort_by_file_name());
    for entry in walks {
        let entry = entry.expect("the schema directories are readable");
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file() && logschema_codegen::is_schema_file_name(&name) {
            let path = entry.path().strip_prefix(&root).expect("below the crate");
            sources.push(SchemaSource {
                path: path.to_string_lossy().replace('\\', "/"),
                text: std::fs::read_to_string(entry.path()).expect("readable schema"),
            });
        }
    }
    let log_types = match logschema::interpret::load(&sources) {
        Ok(log_types) => log_types,
        Err(error) => panic!("the shipped schemas load: {error:?}"),
    };
    log_types
        .into_iter()
        .map(|log_type| (log_type.name, log_type))
        .collect()
}

fn parse_time() -> Timestamp {
    chrono::DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap()
}

/// Every event line and rejection, in input order.
fn run(log_type: &'static LogType, input: &str) -> Vec<(u64, Result<String, String>)> {
    let parse_time = parse_time();
    let mut outcomes = Vec::new();
    for_each_record(log_type, input, parse_time, |line, outcome| {
        let outcome = outcome.map(|bytes| String::from_utf8(bytes.to_vec()).expect("UTF-8"));
        outcomes.push((line, outcome));
    });
    outcomes
}

/// Runs `input` both ways; panics at the first difference, naming `what`.
fn assert_same(name: &str, interpreted: &'static LogType, input: &str, what: &str) -> usize {
    let built_in = logschema::find_log_type(name).expect("every shipped schema is built in");
    assert!(matches!(built_in.parse_event, ParseEvent::Compiled(_)));
    assert!(matches!(
        interpreted.parse_event,
        ParseEvent::Interpreted(_)
    ));
    assert_eq!(
        arrow_rows(interpreted, input),
        arrow_rows(built_in, input),
        "{name}, {what}: the Arrow (Parquet) rows differ"
    );
    let expected = run(built_in, input);
    let actual = run(interpreted, input);
    for (index, (expected, actual)) in expected.iter().zip(&actual).enumerate() {
        assert_eq!(
            actual, expected,
            "{name}, {what}: record {index} differs (interpreted, generated)"
        );
    }
    assert_eq!(
        actual.len(),
        expected.len(),
        "{name}, {what}: record counts differ"
    );
    expected.len()
}

#[test]
fn every_shipped_schema_agrees_on_its_test_inputs() {
    let interpreted = interpreted();
    let built_in: Vec<&str> = logschema::log_types().iter().map(|t| t.name).collect();
    assert_eq!(
        interpreted.keys().copied().collect::<Vec<_>>(),
        built_in,
        "the same log types are built in and loaded from the schema directories"
    );
    let mut compared: BTreeMap<&str, usize> = BTreeMap::new();
    let dirs: Vec<PathBuf> = SCHEMA_DIRS
        .iter()
        .map(|dir| manifest_dir().join(dir))
        .collect();
    for found in logschema::testing::find_test_files(&dirs) {
        let file = found.expect("test files are readable");
        let cases = logschema::testing::load_file(&file).expect("test files parse");
        for case in cases {
            let Some((name, log_type)) = interpreted.get_key_value(case.log_type.as_str()) else {
                panic!("{}: unknown log type {}", file.display(), case.log_type);
            };
            let what = format!("{}: {}", file.display(), case.name);
            let records = assert_same(name, log_type, &case.input, &what);
            *compared.entry(name).or_default() += records;
        }
    }
    // Every log type had records to compare.
    for name in interpreted.keys() {
        assert!(
            compared.get(name).is_some_and(|records| *records > 0),
            "{name}: no test input compared"
        );
    }
}

fn sample(write: fn(&Path, usize) -> std::io::Result<()>, lines: usize) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("sample");
    write(&path, lines).expect("sample written");
    std::fs::read_to_string(&path).expect("sample read")
}

#[test]
fn flow_and_dns_bench_data_agree() {
    let interpreted = interpreted();
    // Two blocks of flow lines: the default format, then v5 after its header.
    let flow = sample(data::write_flow_lines, 30_000);
    let records = assert_same(
        "AWS.VPCFlow",
        interpreted["AWS.VPCFlow"],
        &flow,
        "bench data",
    );
    assert_eq!(records, 30_000);
    let dns = sample(data::write_dns_lines, 10_000);
    let records = assert_same("AWS.VPCDns", interpreted["AWS.VPCDns"], &dns, "bench data");
    assert_eq!(records, 10_000);
}

/// The events as one Arrow record batch (`--format parquet`'s rows) and the rejections.
fn arrow_rows(
    log_type: &'static LogType,
    input: &str,
) -> (arrow_array::RecordBatch, Vec<(u64, String)>) {
    let schema = logschema::lake::arrow_schema(log_type);
    let mut rows = ArrowRows::new(schema).expect("the log type's columns");
    let mut framer = Framer::new(log_type);
    let mut lines = Splitter::new(
        RecordFraming::of(log_type),
        input.as_bytes(),
        DEFAULT_MAX_LINE_BYTES,
    );
    let mut rejections = Vec::new();
    let mut sequence = 0;
    while let Ok(Some((line_number, line))) = lines.next_line() {
        let text = match line {
            Line::Text(text) => text,
            Line::Invalid { reason, .. } => {
                if !framer.skips_unreadable() {
                    rejections.push((line_number, reason));
                }
                continue;
            }
        };
        let columns = match framer.classify(text) {
            LineKind::Record(columns) => columns,
            _ => continue,
        };
        let meta = EventMeta {
            log_type: log_type.name,
            row_id: RowId {
                prefix: 0,
                sequence,
            },
            parse_time: parse_time(),
            source_id: None,
            source_label: None,
        };
        sequence += 1;
        if let Err(reason) = parse_line(log_type, text, columns.map(|map| &**map), &meta, &mut rows)
        {
            rejections.push((line_number, reason));
        }
    }
    (rows.finish().expect("a record batch"), rejections)
}
