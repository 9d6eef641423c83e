//! `--format parquet` and `logschema ddl`, checked by reading the output with DuckDB (from PyPI,
//! installed into a venv by tests/python/setup.sh the first time).

mod common;
#[path = "../codegen/tests/support/golden.rs"]
mod golden;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{exit_code, logschema, stderr_text, stdout_text};
use logschema::lake::table_name;
use logschema::testing::cases;

/// Runs `logschema ARGS`, expecting exit status 0 or 2 (some records rejected).
fn parse(args: &[&str]) -> String {
    let output = logschema().args(args).output().expect("logschema runs");
    let stderr = stderr_text(&output);
    assert!(
        matches!(exit_code(&output), 0 | 2),
        "logschema {args:?} failed:\n{stderr}"
    );
    stderr
}

/// `lake_check.py ARGS` in the test venv; its standard output, or the test fails with its report.
fn lake_check(args: &[&str]) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/lake_check.py");
    let output = Command::new(common::python::test_python())
        .arg(script)
        .args(args)
        .output()
        .expect("python runs");
    let stdout = stdout_text(&output);
    assert!(
        output.status.success(),
        "lake_check.py {args:?}:\n{stdout}\n{}",
        stderr_text(&output)
    );
    stdout
}

/// Parses `input` both ways and checks, with DuckDB, that the Parquet rows equal the JSON lines.
fn assert_parquet_equals_json(log_type: &str, input: &Path, work: &Path) -> (String, PathBuf) {
    let events = work.join("events.jsonl");
    let lake = work.join("lake");
    let json_summary = parse(&[
        "parse",
        "--log-type",
        log_type,
        "--output",
        events.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    let parquet_summary = parse(&[
        "parse",
        "--log-type",
        log_type,
        "--format",
        "parquet",
        "--output",
        lake.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    let staging_left = std::fs::read_dir(work)
        .expect("list the work directory")
        .any(|entry| {
            entry.is_ok_and(|entry| entry.file_name().to_string_lossy().ends_with(".tmp"))
        });
    assert!(events.exists() && !staging_left);
    let table = table_name(log_type);
    // The same records written and rejected, and one more line naming where the files went.
    let (parquet_summary, files_line) = parquet_summary
        .trim_end()
        .rsplit_once('\n')
        .unwrap_or_else(|| panic!("no summary: {parquet_summary}"));
    assert_eq!(json_summary.trim_end(), parquet_summary);
    assert!(
        files_line.starts_with("summary: ")
            && files_line.contains(" Parquet file")
            && files_line.ends_with(&format!(" written below {}/{table}/", lake.display())),
        "{files_line}"
    );
    let glob = format!("{}/{table}/*/*/*/*/*.parquet", lake.display());
    let report = lake_check(&["compare", events.to_str().unwrap(), &glob]);
    (report, lake)
}

/// The inputs of every `*_tests.yml` case, one file per case, by log type: every type, time
/// format, indicator and nesting the schemas use, in real formats.
fn test_case_inputs(root: &Path) -> BTreeMap<String, PathBuf> {
    let mut by_log_type = BTreeMap::new();
    // The shipped log types' cases and the test-only ones'.
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in cases::find_test_files(&[repo.join("schemas"), repo.join("tests/schemas")]) {
        let file = file.expect("the schema directories are readable");
        for (number, case) in cases::load_file(&file)
            .expect("valid tests")
            .iter()
            .enumerate()
        {
            let directory = root.join(table_name(&case.log_type));
            std::fs::create_dir_all(&directory).unwrap();
            let stem = file.file_stem().unwrap().to_string_lossy();
            let mut input = case.input.clone();
            input.push('\n');
            std::fs::write(directory.join(format!("{stem}-{number:03}.log")), input).unwrap();
            by_log_type.insert(case.log_type.clone(), directory);
        }
    }
    by_log_type
}

#[test]
fn parquet_rows_equal_json_lines_for_every_log_type() {
    let work = tempfile::tempdir().unwrap();
    let inputs = test_case_inputs(&work.path().join("inputs"));
    assert!(inputs.contains_key("AWS.VPCFlow") && inputs.contains_key("AWS.VPCDns"));
    for (log_type, directory) in &inputs {
        let scratch = work.path().join(table_name(log_type));
        std::fs::create_dir_all(&scratch).unwrap();
        let (report, _) = assert_parquet_equals_json(log_type, directory, &scratch);
        let rows: usize = report
            .trim()
            .strip_prefix("rows ")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("unexpected report {report:?}"));
        assert!(rows > 0, "{log_type}: no rows compared");
    }
}

/// `hours` hours of VPC flow records in the default format, the hours interleaved, so the writer
/// has more partitions on the go than it keeps files open.
fn flow_log_over_hours(hours: u64, per_hour: u64) -> String {
    let mut text = String::from(
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes \
         start end action log-status\n",
    );
    let first_hour = 1_612_458_000; // 2021-02-04T17:00:00Z
    for i in 0..per_hour {
        for h in 0..hours {
            let hour = (h * 7) % hours; // not in time order
            let start = first_hour + hour * 3600 + i * 30;
            text.push_str(&format!(
                "2 123456789012 eni-0123456789abcdef0 10.0.{hour}.{i} 198.51.100.{h} {} 443 6 {} {} \
                 {start} {} ACCEPT OK\n",
                40_000 + i,
                i + 1,
                (i + 1) * 100,
                start + 60
            ));
        }
    }
    text
}

fn parquet_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walk(root);
    files.sort();
    files
}

fn walk(directory: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(directory).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn flow_logs_over_a_day_land_in_hour_partitions_and_query_through_the_duckdb_view() {
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("flow.log");
    let (hours, per_hour) = (30, 40);
    std::fs::write(&input, flow_log_over_hours(hours, per_hour)).unwrap();
    let (report, lake) = assert_parquet_equals_json("AWS.VPCFlow", &input, work.path());
    assert_eq!(report.trim(), format!("rows {}", hours * per_hour));

    // Only finished files, named <run>-<n>.parquet, one or more per hour.
    let files = parquet_files(&lake);
    let mut partitions = std::collections::BTreeSet::new();
    for file in &files {
        let relative = file
            .strip_prefix(&lake)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let parts: Vec<&str> = relative.split('/').collect();
        assert_eq!(parts.len(), 6, "{relative}");
        assert_eq!(parts[0], "aws_vpcflow");
        assert!(parts[1].starts_with("year=2021") && parts[2].starts_with("month=02"));
        assert!(
            parts[5].ends_with(".parquet") && !parts[5].starts_with('.'),
            "{relative}"
        );
        partitions.insert(parts[1..5].join("/"));
    }
    assert_eq!(partitions.len() as u64, hours);
    assert!(partitions.contains("year=2021/month=02/day=04/hour=17"));
    assert!(partitions.contains("year=2021/month=02/day=05/hour=22"));

    // The DuckDB view `logschema ddl` prints, queried like an analyst would.
    let ddl = logschema()
        .args(["ddl", "AWS.VPCFlow", "--dialect", "duckdb", "--location"])
        .arg(&lake)
        .output()
        .unwrap();
    assert_eq!(exit_code(&ddl), 0, "{}", stderr_text(&ddl));
    let ddl_file = work.path().join("view.sql");
    std::fs::write(&ddl_file, &ddl.stdout).unwrap();
    let result = lake_check(&[
        "query",
        ddl_file.to_str().unwrap(),
        "SELECT count(*), count(DISTINCT (year, month, day, hour)), sum(bytes), \
         count(*) FILTER (WHERE list_contains(p_any_ip_addresses, '198.51.100.3')) \
         FROM aws_vpcflow WHERE year = 2021 AND month = 2 AND day = 5 AND hour < 12",
    ]);
    // Day 5 before noon: hours 7..=18 of the 30 (17:00 on the 4th is hour 0), 12 hours.
    let per_hour_bytes: u64 = (1..=per_hour).map(|i| i * 100).sum();
    let expected_rows = 12 * per_hour;
    // 198.51.100.3 is the destination of h = 3, i.e. hour (3 * 7) % 30 = 21 = day 5, 14:00.
    assert_eq!(
        result.trim(),
        format!("[[{expected_rows}, 12, {}, 0]]", 12 * per_hour_bytes)
    );
}

/// A lake directory whose name is SQL (quotes, a statement, a comment): the DuckDB view quotes
/// it, so DuckDB runs exactly one statement and reads exactly these files.
#[test]
fn the_duckdb_view_reads_a_lake_whose_directory_name_is_hostile_sql() {
    let work = tempfile::tempdir().unwrap();
    let input = work.path().join("flow.log");
    std::fs::write(&input, flow_log_over_hours(2, 5)).unwrap();
    let lake = work.path().join("it's'; DROP VIEW aws_vpcflow; -- '' lake");
    parse(&[
        "parse",
        "--log-type",
        "AWS.VPCFlow",
        "--format",
        "parquet",
        "--output",
        lake.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    let ddl = logschema()
        .args(["ddl", "AWS.VPCFlow", "--dialect", "duckdb", "--location"])
        .arg(&lake)
        .output()
        .unwrap();
    assert_eq!(exit_code(&ddl), 0, "{}", stderr_text(&ddl));
    let ddl_file = work.path().join("view.sql");
    std::fs::write(&ddl_file, &ddl.stdout).unwrap();
    let result = lake_check(&[
        "query",
        ddl_file.to_str().unwrap(),
        "SELECT count(*), sum(packets) FROM aws_vpcflow",
    ]);
    assert_eq!(result.trim(), "[[10, 30]]", "{}", stdout_text(&ddl));
}

/// DDL for every dialect, for the shipped AWS log types: `UPDATE_GOLDEN=1` rewrites them.
#[test]
fn ddl_matches_the_golden_files() {
    let golden_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/ddl");
    let mut stale = Vec::new();
    for log_type in ["AWS.VPCDns", "AWS.VPCFlow"] {
        for (dialect, location) in [
            ("athena", "s3://example-lake/logschema"),
            ("duckdb", "s3://example-lake/logschema"),
            ("snowflake", "@example_stage/logschema"),
        ] {
            let output = logschema()
                .args([
                    "ddl",
                    log_type,
                    "--dialect",
                    dialect,
                    "--location",
                    location,
                ])
                .output()
                .unwrap();
            assert_eq!(exit_code(&output), 0, "{}", stderr_text(&output));
            let path = golden_dir.join(format!("{}.{dialect}.sql", table_name(log_type)));
            stale.extend(golden::golden_problem(&path, &output.stdout));
        }
    }
    assert!(
        stale.is_empty(),
        "DDL changed:\n{}\nCheck the change, then: UPDATE_GOLDEN=1 cargo test --test lake",
        stale.join("\n")
    );
}

#[test]
fn parquet_needs_an_output_directory() {
    let output = common::run(
        &["parse", "--log-type", "AWS.VPCFlow", "--format", "parquet"],
        b"",
    );
    assert_eq!(exit_code(&output), 1);
    assert!(
        stderr_text(&output).contains("--format parquet needs --output"),
        "{}",
        stderr_text(&output)
    );
}

#[test]
fn ddl_refuses_a_location_the_engine_cannot_read() {
    let output = logschema()
        .args([
            "ddl",
            "AWS.VPCFlow",
            "--dialect",
            "athena",
            "--location",
            "/data/lake",
        ])
        .output()
        .unwrap();
    assert_eq!(exit_code(&output), 1);
    assert!(stderr_text(&output).contains("s3://bucket/prefix"));
}

#[cfg(feature = "s3")]
fn gzip(text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(text.as_bytes()).unwrap();
    encoder.finish().unwrap()
}

#[cfg(feature = "s3")]
/// `logschema ARGS` against the moto server; (exit status, standard error).
fn against(moto: &common::moto::MotoServer, args: &[&str]) -> (i32, String) {
    let mut command = logschema();
    command.args(args);
    let output = moto.configure(&mut command).output().unwrap();
    (exit_code(&output), stderr_text(&output))
}

#[cfg(feature = "s3")]
const FLOW_PREFIX: &str = "AWSLogs/123456789012/vpcflowlogs/us-east-1/2021/02/";

/// Flow logs in AWS's own key layout (gzip, one object per 5-minute delivery), and objects
/// outside the prefix that must not be read.
#[cfg(feature = "s3")]
fn put_flow_logs(moto: &common::moto::MotoServer) -> u64 {
    moto.create_bucket("logs");
    let text = flow_log_over_hours(6, 25);
    let lines: Vec<&str> = text.lines().collect();
    let (header, records) = (lines[0], &lines[1..]);
    let mut objects: Vec<(String, Vec<u8>)> = Vec::new();
    for (n, chunk) in records.chunks(40).enumerate() {
        let key = format!(
            "{FLOW_PREFIX}04/123456789012_vpcflowlogs_us-east-1_fl-0123456789abcdef0_20210204T17{:02}Z_{n:04x}.log.gz",
            n * 5
        );
        let body = format!("{header}\n{}\n", chunk.join("\n"));
        objects.push((key, gzip(&body)));
    }
    objects.push((
        "AWSLogs/123456789012/vpcdnsquerylogs/us-east-1/2021/02/04/dns.log.gz".to_string(),
        gzip("{\"not\": \"flow\"}\n"),
    ));
    let borrowed: Vec<(&str, &[u8])> = objects
        .iter()
        .map(|(key, body)| (key.as_str(), body.as_slice()))
        .collect();
    moto.put_objects("logs", &borrowed);
    records.len() as u64
}

#[cfg(feature = "s3")]
#[test]
fn s3_flow_logs_in_parquet_back_to_s3_equal_the_json_lines() {
    let moto = common::moto::MotoServer::start();
    let records = put_flow_logs(&moto);
    moto.create_bucket("lake");
    let input = format!("s3://logs/{FLOW_PREFIX}");

    // JSON lines to an S3 object, then Parquet to an S3 prefix, from the same S3 objects.
    let (status, stderr) = against(
        &moto,
        &[
            "parse",
            "--log-type",
            "AWS.VPCFlow",
            "--output",
            "s3://lake/json/events.jsonl",
            &input,
        ],
    );
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "summary: total: {records} events written, 0 records rejected in 4 inputs"
        )),
        "{stderr}"
    );
    assert!(stderr.contains(&format!(
        "summary: s3://logs/{FLOW_PREFIX}04/123456789012_vpcflowlogs_"
    )));
    let (status, stderr) = against(
        &moto,
        &[
            "parse",
            "--log-type",
            "AWS.VPCFlow",
            "--format",
            "parquet",
            "--output",
            "s3://lake/parquet",
            &input,
        ],
    );
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stderr.contains("Parquet files written below s3://lake/parquet/aws_vpcflow/"),
        "{stderr}"
    );

    // Copy the lake down (DuckDB's S3 reader is an extension it would download) keeping keys.
    let work = tempfile::tempdir().unwrap();
    let events = work.path().join("events.jsonl");
    std::fs::write(&events, moto.get_object("lake", "json/events.jsonl")).unwrap();
    let objects = moto.list_objects("lake", "parquet/");
    assert!(!objects.is_empty());
    let mut hours = std::collections::BTreeSet::new();
    for (key, _) in &objects {
        let parts: Vec<&str> = key.split('/').collect();
        assert_eq!(parts.len(), 7, "{key}");
        assert_eq!(parts[1], "aws_vpcflow", "{key}");
        assert!(
            parts[6].ends_with(".parquet") && !parts[6].starts_with('.'),
            "{key}"
        );
        hours.insert(parts[2..6].join("/"));
        let local = work.path().join(key);
        std::fs::create_dir_all(local.parent().unwrap()).unwrap();
        std::fs::write(&local, moto.get_object("lake", key)).unwrap();
    }
    assert_eq!(hours.len(), 6, "{hours:?}");
    assert_eq!(moto.uploads_in_progress("lake"), 0, "no upload left open");
    let glob = format!(
        "{}/parquet/aws_vpcflow/*/*/*/*/*.parquet",
        work.path().display()
    );
    let report = lake_check(&["compare", events.to_str().unwrap(), &glob]);
    assert_eq!(report.trim(), format!("rows {records}"));
}

#[cfg(feature = "s3")]
#[test]
fn s3_errors_are_one_clear_line() {
    let moto = common::moto::MotoServer::start();
    put_flow_logs(&moto);
    let (status, stderr) = against(
        &moto,
        &[
            "parse",
            "--log-type",
            "AWS.VPCFlow",
            "s3://logs/AWSLogs/999999999999/",
        ],
    );
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("logschema: s3://logs/AWSLogs/999999999999/: no objects under this prefix"),
        "{stderr}"
    );
    let (status, stderr) = against(
        &moto,
        &[
            "parse",
            "--log-type",
            "AWS.VPCFlow",
            "s3://no-such-bucket/x/",
        ],
    );
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("no such bucket"), "{stderr}");
    let (status, stderr) = against(
        &moto,
        &[
            "parse",
            "--log-type",
            "AWS.VPCFlow",
            "--output",
            "s3://logs/dir/",
            &format!("s3://logs/{FLOW_PREFIX}"),
        ],
    );
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("JSON output needs an object key"),
        "{stderr}"
    );
}

#[test]
fn an_output_directory_that_cannot_be_created_is_one_error_line() {
    let work = tempfile::tempdir().unwrap();
    let not_a_directory = work.path().join("file");
    std::fs::write(&not_a_directory, "x").unwrap();
    let output = logschema()
        .args([
            "parse",
            "--log-type",
            "AWS.VPCFlow",
            "--format",
            "parquet",
            "--output",
        ])
        .arg(&not_a_directory)
        .arg("samples/vpcflow-default.log")
        .output()
        .unwrap();
    assert_eq!(exit_code(&output), 1);
    let stderr = stderr_text(&output);
    assert!(
        stderr.contains(&format!(
            "logschema: {}/aws_vpcflow/",
            not_a_directory.display()
        )) && stderr.contains("cannot create"),
        "{stderr}"
    );
}

#[test]
fn classified_records_land_in_their_log_types_tables() {
    let work = tempfile::tempdir().expect("temp dir");
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let read = |name: &str| std::fs::read_to_string(samples.join(name)).expect("a sample");
    // VPC flow records and DNS query log records interleaved, one source.
    let flow = read("vpcflow-default.log");
    let dns = read("vpcdns-aws-doc.jsonl");
    let mut mixed = String::new();
    for (flow_line, dns_line) in flow.lines().zip(dns.lines().chain(std::iter::repeat(""))) {
        mixed.push_str(&format!("{flow_line}\n{dns_line}\n"));
    }
    let input = work.path().join("mixed.log");
    std::fs::write(&input, &mixed).expect("write the input");
    let events = work.path().join("events.jsonl");
    let lake = work.path().join("lake");
    let candidates = "AWS.VPCFlow,AWS.VPCDns";
    let input = input.to_str().unwrap();
    parse(&[
        "parse",
        "--log-types",
        candidates,
        "--output",
        events.to_str().unwrap(),
        input,
    ]);
    let summary = parse(&[
        "parse",
        "--log-types",
        candidates,
        "--format",
        "parquet",
        "--output",
        lake.to_str().unwrap(),
        input,
    ]);
    let events = std::fs::read_to_string(&events).expect("the JSON output");
    for log_type in ["AWS.VPCFlow", "AWS.VPCDns"] {
        let table = table_name(log_type);
        let own: String = events
            .lines()
            .filter(|line| line.contains(&format!("\"p_log_type\":\"{log_type}\"")))
            .map(|line| format!("{line}\n"))
            .collect();
        assert!(!own.is_empty(), "{log_type} has events");
        let own_events = work.path().join(format!("{table}.jsonl"));
        std::fs::write(&own_events, own).expect("write the type's events");
        assert!(
            summary.contains(&format!(" written below {}/{table}/", lake.display())),
            "{summary}"
        );
        let glob = format!("{}/{table}/*/*/*/*/*.parquet", lake.display());
        lake_check(&["compare", own_events.to_str().unwrap(), &glob]);
    }
}
