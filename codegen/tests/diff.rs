//! `logschema diff`'s engine: one previous/current fixture pair per rule under
//! `tests/diff_fixtures/<rule>/{old,new}.yml` (a missing file is an empty side), asserting the
//! exact text lines; then sorting, renames, the compatibility table and every output format.

use std::path::Path;

use logschema_codegen::diff::{self, compat, Finding, Format, Rule, Severity};
use logschema_codegen::SchemaSource;

/// One side of a fixture, named `old.yml` / `new.yml` so that each line shows which side it is in.
fn side(fixture: &str, file: &str) -> Vec<SchemaSource> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/diff_fixtures")
        .join(fixture)
        .join(file);
    match std::fs::read_to_string(&path) {
        Ok(text) => vec![SchemaSource {
            path: file.into(),
            text,
        }],
        Err(_) => Vec::new(),
    }
}

fn findings(fixture: &str) -> Vec<Finding> {
    match diff::diff(&side(fixture, "old.yml"), &side(fixture, "new.yml")) {
        Ok(findings) => findings,
        Err(error) => panic!("{fixture}: {error}"),
    }
}

fn lines(fixture: &str) -> Vec<String> {
    diff::report::render(&findings(fixture), Format::Text)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[track_caller]
fn assert_lines(fixture: &str, expected: &[&str]) {
    assert_eq!(lines(fixture), expected, "fixture {fixture}");
}

#[test]
fn log_type_removed() {
    assert_lines(
        "log_type_removed",
        &["old.yml:1: LOG_TYPE_REMOVED: breaking: Test.Diff: log type removed"],
    );
}

#[test]
fn log_type_added() {
    assert_lines(
        "log_type_added",
        &["new.yml:1: LOG_TYPE_ADDED: info: Test.Diff: log type added"],
    );
}

#[test]
fn field_removed_is_located_in_the_old_schema() {
    assert_lines(
        "field_removed",
        &[
            "old.yml:8: FIELD_REMOVED: breaking: Test.Diff field user: field removed (was string)",
            "old.yml:15: FIELD_REMOVED: breaking: Test.Diff field session.started: field removed (was bigint)",
        ],
    );
}

#[test]
fn field_added() {
    assert_lines(
        "field_added",
        &[
            "new.yml:8: FIELD_ADDED: info: Test.Diff field user: field added (string)",
            "new.yml:10: FIELD_ADDED: info: Test.Diff field roles: field added (array<string>)",
        ],
    );
}

#[test]
fn required_field_added() {
    assert_lines(
        "required_field_added",
        &["new.yml:8: REQUIRED_FIELD_ADDED: breaking: Test.Diff field user: required field added (string): records without it are rejected"],
    );
}

#[test]
fn field_type_changed_including_array_elements() {
    assert_lines(
        "field_type_changed",
        &[
            "new.yml:8: FIELD_TYPE_CHANGED: breaking: Test.Diff field status: type changed from int to string",
            "new.yml:10: FIELD_TYPE_CHANGED: breaking: Test.Diff field tags[]: type changed from string to int",
            "new.yml:14: FIELD_TYPE_CHANGED: breaking: Test.Diff field details: type changed from object to json",
        ],
    );
}

#[test]
fn field_type_widened() {
    assert_lines(
        "field_type_widened",
        &[
            "new.yml:8: FIELD_TYPE_WIDENED: warning: Test.Diff field status: type widened from smallint to int",
            "new.yml:10: FIELD_TYPE_WIDENED: warning: Test.Diff field bytes: type widened from int to bigint",
            "new.yml:12: FIELD_TYPE_WIDENED: warning: Test.Diff field ports[]: type widened from smallint to bigint",
        ],
    );
}

#[test]
fn field_became_required() {
    assert_lines(
        "field_became_required",
        &["new.yml:8: FIELD_BECAME_REQUIRED: breaking: Test.Diff field user: became required: records without it are now rejected"],
    );
}

#[test]
fn field_became_optional() {
    assert_lines(
        "field_became_optional",
        &["new.yml:8: FIELD_BECAME_OPTIONAL: info: Test.Diff field user: became optional"],
    );
}

#[test]
fn time_format_removed() {
    assert_lines(
        "time_format_removed",
        &[
            "new.yml:4: TIME_FORMAT_REMOVED: breaking: Test.Diff field time: time format '%Y-%m-%d %H:%M:%S' removed (now [unix]): values in that format no longer parse",
            "new.yml:4: TIME_FORMAT_REMOVED: breaking: Test.Diff field time: time format rfc3339 removed (now [unix]): values in that format no longer parse",
        ],
    );
}

#[test]
fn event_time_changed() {
    assert_lines(
        "event_time_changed",
        &["new.yml:7: EVENT_TIME_CHANGED: warning: Test.Diff: event time changed from time to received: p_event_time of the same record changes"],
    );
}

#[test]
fn indicator_removed() {
    assert_lines(
        "indicator_removed",
        &["new.yml:8: INDICATOR_REMOVED: warning: Test.Diff field host: indicator domain removed: p_any_* lists and detections lose these values"],
    );
}

#[test]
fn indicator_added() {
    assert_lines(
        "indicator_added",
        &["new.yml:8: INDICATOR_ADDED: info: Test.Diff field host: indicator hostname added"],
    );
}

/// The event-time field, a string field and an object are renamed: three renames, and neither
/// removals, additions, an event-time change nor a lost input key.
#[test]
fn renames_are_not_reported_as_removed_and_added() {
    assert_lines(
        "field_renamed",
        &[
            "new.yml:4: FIELD_RENAMED: warning: Test.Diff field event_time: renamed from time to event_time (old data still parses; the output key changes)",
            "new.yml:9: FIELD_RENAMED: warning: Test.Diff field client_ip: renamed from clientIp to client_ip (old data still parses; the output key changes)",
            "new.yml:13: FIELD_RENAMED: warning: Test.Diff field session: renamed from sess to session (old data still parses; the output key changes)",
        ],
    );
}

#[test]
fn description_changed() {
    assert_lines(
        "description_changed",
        &[
            r#"new.yml:1: DESCRIPTION_CHANGED: info: Test.Diff: description changed from "A log type for diff fixtures." to "Diff fixtures, reworded.""#,
            r#"new.yml:8: DESCRIPTION_CHANGED: info: Test.Diff field user: description changed from "The user." to "The account that acted.""#,
        ],
    );
}

#[test]
fn validation_narrowed() {
    assert_lines(
        "validation_narrowed",
        &[
            "new.yml:8: VALIDATION_NARROWED: breaking: Test.Diff field action: validation narrowed from allow [login, logout, view] to allow [login, logout]: values accepted before are now rejected",
            "new.yml:12: VALIDATION_NARROWED: breaking: Test.Diff field addr: validation narrowed from no validation to ip ipv4: values accepted before are now rejected",
        ],
    );
}

#[test]
fn empty_value_added_is_breaking_only_on_required_fields() {
    assert_lines(
        "empty_value_added",
        &[
            r#"new.yml:8: EMPTY_VALUE_ADDED: breaking: Test.Diff field user: empty value "unknown" added: records with it are now rejected"#,
            r#"new.yml:12: EMPTY_VALUE_ADDED: warning: Test.Diff field agent: empty value "-" added: it is now dropped"#,
        ],
    );
}

#[test]
fn parser_changed() {
    assert_lines(
        "parser_changed",
        &["new.yml:2: PARSER_CHANGED: breaking: Test.Diff: parser changed from delimited ' ' header detect to delimited ',' header detect"],
    );
}

#[test]
fn ignoring_extra_columns_is_a_parser_change() {
    let schema = |extra: &str| {
        vec![SchemaSource {
            path: "x.yml".into(),
            text: format!(
                "schema: Test.Diff\nparser:\n  delimited:\n    delimiter: ' '\n{extra}fields:\n  - name: user\n    type: string\n"
            ),
        }]
    };
    let findings = diff::diff(&schema(""), &schema("    extraColumns: ignore\n"))
        .unwrap_or_else(|error| panic!("{error}"));
    let text = diff::report::render(&findings, Format::Text);
    assert_eq!(
        text.trim_end(),
        "x.yml:2: PARSER_CHANGED: breaking: Test.Diff: parser changed from delimited ' ' header detect to delimited ' ' header detect extra columns ignored"
    );
}

#[test]
fn input_key_removed() {
    assert_lines(
        "input_key_removed",
        &["new.yml:8: INPUT_KEY_REMOVED: warning: Test.Diff field client_ip: input key 'clientIP' is no longer read: values under it are dropped"],
    );
}

/// Every rule has a fixture directory named after its id, and every fixture triggers its rule.
#[test]
fn every_rule_has_a_fixture() {
    for rule in Rule::ALL {
        let fixture = rule.id().to_ascii_lowercase();
        assert!(
            findings(&fixture).iter().any(|f| f.rule == *rule),
            "fixture {fixture} does not trigger {rule}"
        );
    }
}

#[test]
fn identical_sides_have_no_findings() {
    let old = side("field_renamed", "new.yml");
    let found = diff::diff(&old, &old).unwrap_or_else(|error| panic!("{error}"));
    assert!(found.is_empty(), "{found:#?}");
    assert_eq!(diff::report::render(&found, Format::Text), "no changes\n");
    assert!(!diff::has_breaking(&found));
}

/// Findings of several files come sorted by file, line and rule (breaking rules first), each once.
#[test]
fn findings_are_sorted_and_deduplicated() {
    let mut old = side("field_type_changed", "old.yml");
    let mut new = side("field_type_changed", "new.yml");
    for (sources, fixture, file) in [
        (&mut old, "indicator_removed", "old.yml"),
        (&mut new, "indicator_removed", "new.yml"),
    ] {
        let mut extra = side(fixture, file);
        for source in &mut extra {
            source.path = format!("a_{}", source.path);
            source.text = source.text.replace("Test.Diff", "Test.Other");
        }
        sources.extend(extra);
    }
    let found = diff::diff(&old, &new).unwrap_or_else(|error| panic!("{error}"));
    let text: Vec<String> = diff::report::render(&found, Format::Text)
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        text,
        [
            "a_new.yml:8: INDICATOR_REMOVED: warning: Test.Other field host: indicator domain removed: p_any_* lists and detections lose these values",
            "new.yml:8: FIELD_TYPE_CHANGED: breaking: Test.Diff field status: type changed from int to string",
            "new.yml:10: FIELD_TYPE_CHANGED: breaking: Test.Diff field tags[]: type changed from string to int",
            "new.yml:14: FIELD_TYPE_CHANGED: breaking: Test.Diff field details: type changed from object to json",
        ]
    );
    let mut sorted = found.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, found);
}

#[test]
fn a_side_that_does_not_compile_is_an_error() {
    let broken = vec![SchemaSource {
        path: "bad.yml".into(),
        text: "schema: Test.Bad\nfields:\n  - name: x\n    type: strnig\n".into(),
    }];
    let good = side("field_added", "new.yml");
    match diff::diff(&good, &broken) {
        Err(diff::DiffError::New(diagnostics)) => {
            assert!(
                diagnostics[0]
                    .to_string()
                    .starts_with("bad.yml:4:11: error: unknown type 'strnig'"),
                "{diagnostics:?}"
            );
        }
        other => panic!("expected the new side's diagnostics, got {other:?}"),
    }
    assert!(matches!(
        diff::diff(&broken, &good),
        Err(diff::DiffError::Old(_))
    ));
}

#[test]
fn compatibility_table() {
    use compat::{compatibility, Compatibility::*, TypeKind::*};
    for (old, new) in [(SmallInt, Int), (SmallInt, BigInt), (Int, BigInt)] {
        assert_eq!(compatibility(old, new), Widened, "{old:?} -> {new:?}");
    }
    for (old, new) in [
        (BigInt, Int),
        (Int, SmallInt),
        (Int, Float),
        (Int, String),
        (String, Json),
        (Object, Json),
        (Array, String),
        (Timestamp, String),
        (Boolean, String),
    ] {
        assert_eq!(compatibility(old, new), Incompatible, "{old:?} -> {new:?}");
    }
    assert_eq!(compatibility(Timestamp, Timestamp), Same);
}

#[test]
fn rule_ids_are_unique_and_screaming_snake() {
    let mut ids: Vec<&str> = Rule::ALL.iter().map(|rule| rule.id()).collect();
    assert!(ids
        .iter()
        .all(|id| id.chars().all(|c| c.is_ascii_uppercase() || c == '_')));
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), Rule::ALL.len());
    assert_eq!(Rule::FieldRemoved.severity(), Severity::Breaking);
    assert_eq!(Rule::FieldTypeWidened.severity(), Severity::Warning);
    assert_eq!(Rule::FieldAdded.severity(), Severity::Info);
}

fn mixed_findings() -> Vec<Finding> {
    let mut all = findings("field_type_widened");
    all.extend(findings("field_became_required"));
    all.extend(findings("field_added"));
    all.truncate(5);
    all.sort();
    all
}

#[test]
fn json_format() {
    let found = findings("field_became_required");
    assert_eq!(
        diff::report::render(&found, Format::Json),
        "[\n  {\"rule\": \"FIELD_BECAME_REQUIRED\", \"severity\": \"breaking\", \"logType\": \"Test.Diff\", \"path\": \"user\", \"old\": \"optional\", \"new\": \"required\", \"file\": \"new.yml\", \"line\": 8, \"message\": \"breaking: Test.Diff field user: became required: records without it are now rejected\"}\n]\n"
    );
    assert_eq!(diff::report::render(&[], Format::Json), "[]\n");
    let removed = diff::report::render(&findings("log_type_removed"), Format::Json);
    assert!(
        removed.contains("\"path\": \"\", \"old\": null, \"new\": null"),
        "{removed}"
    );
    let quoted = diff::report::render(&findings("description_changed"), Format::Json);
    assert!(quoted.contains(r#"\"The user.\""#), "{quoted}");
}

#[test]
fn markdown_format() {
    let report = diff::report::render(&mixed_findings(), Format::Markdown);
    let expected = "\
**logschema diff: breaking changes** (1 breaking, 3 warnings, 1 info)

| Severity | Rule | Log type | Field | Old | New | Where |
| --- | --- | --- | --- | --- | --- | --- |
| breaking | `FIELD_BECAME_REQUIRED` | Test.Diff | `user` | `optional` | `required` | new.yml:8 |
| warning | `FIELD_TYPE_WIDENED` | Test.Diff | `status` | `smallint` | `int` | new.yml:8 |
| info | `FIELD_ADDED` | Test.Diff | `user` |  | `string` | new.yml:8 |
| warning | `FIELD_TYPE_WIDENED` | Test.Diff | `bytes` | `int` | `bigint` | new.yml:10 |
| warning | `FIELD_TYPE_WIDENED` | Test.Diff | `ports[]` | `smallint` | `bigint` | new.yml:12 |
";
    assert_eq!(report, expected);
    let safe = diff::report::render(&findings("field_added"), Format::Markdown);
    assert!(
        safe.starts_with(
            "**logschema diff: no breaking changes** (0 breaking, 0 warnings, 2 info)\n"
        ),
        "{safe}"
    );
    assert_eq!(
        diff::report::render(&[], Format::Markdown),
        "**logschema diff: no changes.**\n"
    );
}

#[test]
fn github_format() {
    let report = diff::report::render(&mixed_findings(), Format::Github);
    let first_lines: Vec<&str> = report.lines().take(3).collect();
    assert_eq!(
        first_lines,
        [
            "::error file=new.yml,line=8,title=FIELD_BECAME_REQUIRED::breaking: Test.Diff field user: became required: records without it are now rejected",
            "::warning file=new.yml,line=8,title=FIELD_TYPE_WIDENED::warning: Test.Diff field status: type widened from smallint to int",
            "::notice file=new.yml,line=8,title=FIELD_ADDED::info: Test.Diff field user: field added (string)",
        ]
    );
    // `%` and newlines would be read as escapes or end the command.
    let time = diff::report::render(&findings("time_format_removed"), Format::Github);
    assert!(
        time.contains("time format '%25Y-%25m-%25d %25H:%25M:%25S' removed"),
        "{time}"
    );
}

#[test]
fn format_names() {
    for name in Format::NAMES {
        assert!(Format::from_name(name).is_some(), "{name}");
    }
    assert_eq!(Format::from_name("yaml"), None);
}

/// The rule table of docs/reviewing.md lists every rule exactly once, in `Rule::ALL`'s order: a
/// new rule cannot ship undocumented.
#[test]
fn the_reviewing_docs_rule_table_lists_every_rule() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/reviewing.md"))
            .expect("docs/reviewing.md");
    let documented: Vec<&str> = readme
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split_once("` |"))
        .map(|(id, _)| id)
        .filter(|id| id.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
        .collect();
    let rules: Vec<&str> = Rule::ALL.iter().map(|rule| rule.id()).collect();
    assert_eq!(documented, rules, "docs/reviewing.md's table of diff rules");
}
