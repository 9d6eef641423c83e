//! One test per schema mistake: each names the file, the line and column, and the offending word.

use logschema_codegen::{compile, SchemaSource};

const FILE: &str = "schemas/x.yml";

/// Every diagnostic of one file, as printed.
fn errors(text: &str) -> Vec<String> {
    match compile(&[SchemaSource {
        path: FILE.into(),
        text: text.into(),
    }]) {
        Ok(_) => panic!("expected errors for:\n{text}"),
        Err(diagnostics) => diagnostics.iter().map(ToString::to_string).collect(),
    }
}

/// The one diagnostic of one file.
fn error(text: &str) -> String {
    let all = errors(text);
    assert_eq!(all.len(), 1, "expected exactly one error, got {all:#?}");
    all.into_iter().next().unwrap_or_default()
}

#[track_caller]
fn assert_starts(actual: &str, expected_prefix: &str) {
    assert!(
        actual.starts_with(expected_prefix),
        "\n  actual: {actual}\nexpected: {expected_prefix}..."
    );
}

/// A valid schema with `extra` lines appended to its only field (`x`, a string, on line 3).
fn with_field_lines(extra: &str) -> String {
    format!("schema: Test.Thing\nfields:\n  - name: x\n    type: string\n{extra}")
}

#[test]
fn yaml_syntax_error() {
    let text = "schema: Test.Thing\nfields:\n  - name: x\n    type: string\n   bad: [\n";
    assert_starts(&error(text), "schemas/x.yml:5:");
    let tab = error("schema: Test.Thing\n\tfields: []\n");
    assert_starts(
        &tab,
        "schemas/x.yml:2:1: error: found a tab character that violates indentation",
    );
    // The second list item indented one column too far: libyaml's words become ours, with a hint.
    let misaligned = "schema: Test.Thing\nfields:\n  - name: x\n    type: string\n   - name: y\n";
    assert_starts(
        &error(misaligned),
        "schemas/x.yml:5:4: error: bad indentation: this line is not aligned with the list items",
    );
    assert!(error(misaligned).contains("(hint: "));
}

#[test]
fn unknown_key() {
    let text = "schema: Test.Thing\nfields:\n  - name: x\n    tpye: string\n";
    let message = error(text);
    assert_starts(
        &message,
        "schemas/x.yml:4:5: error: fields[0]: unknown key `tpye` (expected one of `name`, ",
    );
    assert!(message.contains("`type`"), "{message}");
}

#[test]
fn unknown_key_at_top_level_and_in_parser() {
    assert_starts(
        &error("schema: Test.Thing\ndescripton: x\nfields: [{name: x, type: string}]\n"),
        "schemas/x.yml:2:1: error: unknown key `descripton` (expected one of `schema`, `description`",
    );
    assert_eq!(
        error("schema: Test.Thing\nparser:\n  regexp: {}\nfields: [{name: x, type: string}]\n"),
        "schemas/x.yml:3:3: error: parser: unknown key `regexp` (expected one of `delimited`, \
         `native`, `fastmatch`, `csv`, `regex`, `script`, `envelope`)"
    );
}

#[test]
fn wrong_value_shape_is_a_structure_error() {
    assert_eq!(
        error(&with_field_lines("    required: yes\n")),
        "schemas/x.yml:5:15: error: fields[0].required: invalid type: string \"yes\", expected a boolean"
    );
}

#[test]
fn unknown_type() {
    assert_eq!(
        error("schema: Test.Thing\nfields:\n  - name: x\n    type: strnig\n"),
        "schemas/x.yml:4:11: error: unknown type 'strnig' (expected one of string, int, smallint, \
         bigint, float, boolean, timestamp, array, object, json, ref)"
    );
}

#[test]
fn missing_type() {
    assert_starts(
        &error("schema: Test.Thing\nfields:\n  - name: x\n    required: true\n"),
        "schemas/x.yml:3:5: error: missing `type` (expected one of string, int,",
    );
}

#[test]
fn unknown_indicator_kind() {
    let message = error(&with_field_lines("    indicators: [ip, domian]\n"));
    assert_starts(
        &message,
        "schemas/x.yml:5:22: error: unknown indicator kind 'domian' (expected one of ip, domain, ",
    );
    assert!(message.ends_with("username, trace_id)"), "{message}");
    let in_rule = error(&with_field_lines("    indicators:\n      - kind: ipv4\n"));
    assert_starts(
        &in_rule,
        "schemas/x.yml:6:15: error: unknown indicator kind 'ipv4'",
    );
}

#[test]
fn indicator_entry_of_the_wrong_shape() {
    assert_starts(
        &error(&with_field_lines("    indicators: [7]\n")),
        "schemas/x.yml:5:18: error: fields[0].indicators[0]: invalid type: integer `7`, expected an indicator kind",
    );
    assert_starts(
        &error(&with_field_lines("    indicators: [{kind: ip, wehn: {}}]\n")),
        "schemas/x.yml:5:29: error: fields[0].indicators[0]: unknown key `wehn` (expected one of `kind`, `when`, `pattern`)",
    );
}

#[test]
fn missing_or_empty_fields_on_the_schema() {
    assert_eq!(
        error("schema: Test.Thing\ndescription: no fields\n"),
        "schemas/x.yml:1:1: error: the schema has no `fields` (at least one field is needed)"
    );
    assert_eq!(
        error("schema: Test.Thing\nfields: []\n"),
        "schemas/x.yml:2:1: error: `fields` of the schema is empty (at least one field is needed)"
    );
}

#[test]
fn missing_or_empty_fields_on_an_object() {
    assert_eq!(
        error("schema: Test.Thing\nfields:\n  - name: o\n    type: object\n"),
        "schemas/x.yml:4:11: error: an object has no `fields` (at least one field is needed)"
    );
    assert_eq!(
        error("schema: Test.Thing\nfields:\n  - name: o\n    type: object\n    fields: []\n"),
        "schemas/x.yml:5:5: error: `fields` of an object is empty (at least one field is needed)"
    );
}

#[test]
fn missing_element_on_an_array() {
    assert_eq!(
        error("schema: Test.Thing\nfields:\n  - name: a\n    type: array\n"),
        "schemas/x.yml:4:11: error: an array needs an `element` (the type of its items)"
    );
}

#[test]
fn fields_on_a_non_object() {
    assert_eq!(
        error(&with_field_lines("    fields: [{name: y, type: int}]\n")),
        "schemas/x.yml:5:5: error: `fields` is only allowed on objects (this one is string)"
    );
}

#[test]
fn element_on_a_non_array() {
    assert_eq!(
        error(&with_field_lines("    element: {type: int}\n")),
        "schemas/x.yml:5:5: error: `element` is only allowed on arrays (this one is string)"
    );
}

#[test]
fn indicators_on_a_non_string() {
    assert_eq!(
        error("schema: Test.Thing\nfields:\n  - name: n\n    type: bigint\n    indicators: [ip]\n"),
        "schemas/x.yml:5:5: error: `indicators` is only allowed on strings, json values (and arrays of those) (this one is bigint)"
    );
}

#[test]
fn is_event_time_on_a_non_timestamp() {
    assert_eq!(
        error(&with_field_lines("    isEventTime: true\n")),
        "schemas/x.yml:5:5: error: `isEventTime` is only allowed on timestamps (this field is string)"
    );
}

#[test]
fn is_event_time_inside_an_array() {
    let text = "\
schema: Test.Thing
fields:
  - name: items
    type: array
    element:
      type: object
      fields:
        - name: at
          type: timestamp
          timeFormat: rfc3339
          isEventTime: true
";
    assert_starts(
        &error(text),
        "schemas/x.yml:11:11: error: `isEventTime` is not allowed inside an array",
    );
}

#[test]
fn timestamp_without_a_time_format() {
    assert_eq!(
        error("schema: Test.Thing\nfields:\n  - name: t\n    type: timestamp\n"),
        "schemas/x.yml:4:11: error: a timestamp needs `timeFormat` (or `timeFormats`, tried in order)"
    );
}

#[test]
fn timestamp_with_both_time_format_keys() {
    let text = "schema: Test.Thing\nfields:\n  - name: t\n    type: timestamp\n    timeFormat: unix\n    timeFormats: [rfc3339]\n";
    assert_eq!(
        error(text),
        "schemas/x.yml:6:5: error: give either `timeFormat` or `timeFormats`, not both"
    );
}

#[test]
fn unknown_time_format_name() {
    let text =
        "schema: Test.Thing\nfields:\n  - name: t\n    type: timestamp\n    timeFormat: iso8601\n";
    assert_eq!(
        error(text),
        "schemas/x.yml:5:17: error: unknown time format 'iso8601' (expected one of rfc3339, unix, \
         unix_ms, unix_us, unix_ns, cloudflare, `layout=<Go layout>` or a strftime pattern with %)"
    );
}

#[test]
fn invalid_strftime_pattern() {
    let text = "schema: Test.Thing\nfields:\n  - name: t\n    type: timestamp\n    timeFormats: [unix, '%Y-%m-%d %Q']\n";
    assert_eq!(
        error(text),
        "schemas/x.yml:5:25: error: invalid strftime pattern '%Y-%m-%d %Q' (chrono cannot read it)"
    );
}

#[test]
fn time_format_on_a_non_timestamp() {
    assert_eq!(
        error(&with_field_lines("    timeFormat: unix\n")),
        "schemas/x.yml:5:5: error: `timeFormat` is only allowed on timestamps (this one is string)"
    );
}

#[test]
fn duplicate_field_names() {
    let text =
        "schema: Test.Thing\nfields:\n  - name: x\n    type: string\n  - name: x\n    type: int\n";
    assert_eq!(
        error(text),
        "schemas/x.yml:5:5: error: duplicate field name 'x' (first on line 3)"
    );
}

#[test]
fn duplicate_field_names_in_a_nested_object() {
    let text = "\
schema: Test.Thing
fields:
  - name: o
    type: object
    fields:
      - {name: a, type: string}
      - {name: a, type: int}
";
    assert_eq!(
        error(text),
        "schemas/x.yml:7:10: error: duplicate field name 'a' (first on line 6)"
    );
}

#[test]
fn invalid_schema_name() {
    for name in ["aws.VPCFlow", "AWS..Flow", "AWS.VPC_Flow", "AWS.", "Über"] {
        let message = error(&format!(
            "schema: {name}\nfields: [{{name: x, type: string}}]\n"
        ));
        assert_starts(&message, &format!("schemas/x.yml:1:9: error: invalid schema name '{name}' (expected dot-separated parts"));
    }
}

#[test]
fn same_schema_name_in_two_files() {
    let text = "schema: Test.Thing\nfields: [{name: x, type: string}]\n";
    let sources = [
        SchemaSource {
            path: "schemas/b.yml".into(),
            text: format!("# b\n{text}"),
        },
        SchemaSource {
            path: "schemas/a.yml".into(),
            text: text.into(),
        },
    ];
    let messages: Vec<String> = compile(&sources)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        messages,
        [
            "schemas/a.yml:1:1: error: schema 'Test.Thing' is also defined at schemas/b.yml:2:1",
            "schemas/b.yml:2:1: error: schema 'Test.Thing' is also defined at schemas/a.yml:1:1",
        ]
    );
}

#[test]
fn two_schema_names_giving_the_same_module() {
    let sources = [
        SchemaSource {
            path: "schemas/a.yml".into(),
            text: "schema: AWS.VPCDns\nfields: [{name: x, type: string}]\n".into(),
        },
        SchemaSource {
            path: "schemas/b.yml".into(),
            text: "schema: Aws.VpcDns\nfields: [{name: x, type: string}]\n".into(),
        },
    ];
    let messages: Vec<String> = compile(&sources)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        messages,
        [
            "schemas/a.yml:1:1: error: schema 'AWS.VPCDns' and schema 'Aws.VpcDns' at schemas/b.yml:1:1 both become the Rust module `aws_vpcdns`",
            "schemas/b.yml:1:1: error: schema 'Aws.VpcDns' and schema 'AWS.VPCDns' at schemas/a.yml:1:1 both become the Rust module `aws_vpcdns`",
        ]
    );
}

#[test]
fn validate_on_a_non_string() {
    let text =
        "schema: Test.Thing\nfields:\n  - name: n\n    type: int\n    validate: {allow: ['1']}\n";
    assert_eq!(
        error(text),
        "schemas/x.yml:5:5: error: `validate` is only allowed on strings (this one is int)"
    );
}

#[test]
fn bad_ip_and_cidr_values() {
    let messages = errors(&with_field_lines(
        "    validate:\n      ip: v4\n      cidr: all\n",
    ));
    assert_eq!(
        messages,
        [
            "schemas/x.yml:6:11: error: invalid `ip` value 'v4' (expected ipv4, ipv6 or any)",
            "schemas/x.yml:7:13: error: invalid `cidr` value 'all' (expected ipv4, ipv6 or any)",
        ]
    );
}

#[test]
fn indicator_condition_on_a_missing_field() {
    let text = "\
schema: Test.Thing
fields:
  - name: rdata
    type: string
    indicators:
      - kind: ip
        when: {field: Tpye, in: [A]}
  - name: Type
    type: string
";
    assert_eq!(
        error(text),
        "schemas/x.yml:7:23: error: `when.field` 'Tpye' is not a string field of the same object (expected one of rdata, Type)"
    );
}

#[test]
fn indicator_condition_on_a_non_string_field() {
    let text = "\
schema: Test.Thing
fields:
  - name: rdata
    type: string
    indicators: [{kind: ip, when: {field: code, in: ['1']}}]
  - name: code
    type: int
";
    assert_eq!(
        error(text),
        "schemas/x.yml:5:43: error: `when.field` 'code' is not a string field"
    );
}

#[test]
fn indicator_condition_in_a_parent_object_is_not_a_sibling() {
    let text = "\
schema: Test.Thing
fields:
  - name: Type
    type: string
  - name: answer
    type: object
    fields:
      - name: rdata
        type: string
        indicators: [{kind: ip, when: {field: Type, in: [A]}}]
";
    assert_starts(
        &error(text),
        "schemas/x.yml:10:47: error: `when.field` 'Type' is not a string field of the same object",
    );
}

#[test]
fn invalid_pattern() {
    let text =
        with_field_lines("    indicators:\n      - kind: domain\n        pattern: '^(\\S+$'\n");
    assert_eq!(
        error(&text),
        "schemas/x.yml:7:18: error: invalid pattern '^(\\S+$': unclosed group"
    );
}

#[test]
fn pattern_too_large_for_the_regex_engine() {
    // Valid syntax, one capture group, but past the engine's size limit once compiled.
    let text = with_field_lines(
        "    indicators:\n      - kind: domain\n        pattern: '^((?:\\w{100}){100})$'\n",
    );
    assert_starts(
        &error(&text),
        "schemas/x.yml:7:18: error: pattern '^((?:\\w{100}){100})$' cannot be compiled: ",
    );
}

#[test]
fn pattern_without_exactly_one_capture_group() {
    let none = with_field_lines("    indicators: [{kind: domain, pattern: '^\\S+$'}]\n");
    assert_eq!(
        error(&none),
        "schemas/x.yml:5:42: error: pattern '^\\S+$' has 0 capture groups (expected exactly one: the indicator value)"
    );
    let two = with_field_lines("    indicators: [{kind: domain, pattern: '(\\d+) (\\S+)'}]\n");
    assert_starts(
        &error(&two),
        "schemas/x.yml:5:42: error: pattern '(\\d+) (\\S+)' has 2 capture groups",
    );
    // Non-capturing groups do not count.
    let fine =
        with_field_lines("    indicators: [{kind: domain, pattern: '^(?:\\d+\\s+)?(\\S+)$'}]\n");
    compile(&[SchemaSource {
        path: FILE.into(),
        text: fine,
    }])
    .unwrap();
}

const DELIMITED_HEAD: &str = "schema: Test.Flow\nparser:\n  delimited:\n";

fn delimited(parser_lines: &str, fields: &str) -> String {
    format!("{DELIMITED_HEAD}{parser_lines}fields:\n{fields}")
}

const TWO_FIELDS: &str =
    "  - name: src\n    column: src-addr\n    type: string\n  - name: port\n    type: int\n";

#[test]
fn column_without_a_delimited_parser() {
    let text = "schema: Test.Thing\nfields:\n  - name: x\n    column: the-x\n    type: string\n";
    assert_eq!(
        error(text),
        "schemas/x.yml:4:5: error: `column` needs a delimited parser (`parser: {delimited: ...}`)"
    );
}

#[test]
fn column_on_a_nested_field() {
    let fields = "  - name: o\n    type: object\n    fields:\n      - name: y\n        column: the-y\n        type: string\n";
    assert_eq!(
        error(&delimited("    delimiter: ','\n", fields)),
        "schemas/x.yml:10:9: error: `column` is only allowed on top-level fields (nested fields have no column)"
    );
}

#[test]
fn delimiter_not_one_character() {
    assert_eq!(
        error(&delimited("    delimiter: '::'\n", TWO_FIELDS)),
        "schemas/x.yml:4:16: error: delimiter '::' must be exactly one character"
    );
    assert_eq!(
        error(&delimited("    delimiter: ''\n", TWO_FIELDS)),
        "schemas/x.yml:4:16: error: delimiter '' must be exactly one character"
    );
    assert_eq!(
        error(&delimited("    header: detect\n", TWO_FIELDS)),
        "schemas/x.yml:3:3: error: the delimited parser needs a `delimiter`"
    );
}

#[test]
fn header_not_detect_or_none() {
    assert_eq!(
        error(&delimited(
            "    delimiter: ','\n    header: always\n",
            TWO_FIELDS
        )),
        "schemas/x.yml:5:13: error: unknown header mode 'always' (expected detect or none)"
    );
}

#[test]
fn extra_columns_not_reject_or_ignore() {
    assert_eq!(
        error(&delimited(
            "    delimiter: ','\n    extraColumns: drop\n",
            TWO_FIELDS
        )),
        "schemas/x.yml:5:19: error: unknown extraColumns 'drop' (expected reject or ignore)"
    );
}

#[test]
fn header_none_without_columns() {
    assert_eq!(
        error(&delimited("    delimiter: ','\n    header: none\n", TWO_FIELDS)),
        "schemas/x.yml:5:13: error: header 'none' needs `columns` (the lines have no header to name them)"
    );
}

#[test]
fn default_column_that_no_field_reads() {
    assert_eq!(
        error(&delimited(
            "    delimiter: ','\n    columns: [src-addr, prot]\n",
            TWO_FIELDS
        )),
        "schemas/x.yml:5:25: error: column 'prot' is not the column, name or alias of any field, nor read by `expandFields`"
    );
}

#[test]
fn header_prefix_empty_or_with_header_none() {
    assert_eq!(
        error(&delimited(
            "    delimiter: ','\n    headerPrefix: ''\n",
            TWO_FIELDS
        )),
        "schemas/x.yml:5:19: error: empty `headerPrefix` (every line would be a header line)"
    );
    assert_eq!(
        error(&delimited(
            "    delimiter: ','\n    header: none\n    columns: [port]\n    headerPrefix: '#Fields:'\n",
            TWO_FIELDS
        )),
        "schemas/x.yml:7:5: error: `headerPrefix` with header 'none' (header lines are either marked by a prefix or there are none)"
    );
}

#[test]
fn header_delimiter_without_prefix_or_too_long() {
    assert_eq!(
        error(&delimited(
            "    delimiter: ','\n    headerDelimiter: ' '\n",
            TWO_FIELDS
        )),
        "schemas/x.yml:5:5: error: `headerDelimiter` needs `headerPrefix` (a detected header line is split as records are, on `delimiter`)"
    );
    assert_eq!(
        error(&delimited(
            "    delimiter: ','\n    headerPrefix: '#'\n    headerDelimiter: ', '\n",
            TWO_FIELDS
        )),
        "schemas/x.yml:6:22: error: headerDelimiter ', ' must be exactly one character"
    );
}

#[test]
fn delimited_skip_prefix_and_expand_fields() {
    assert_eq!(
        error(&delimited(
            "    delimiter: ','\n    skipPrefix: ''\n",
            TWO_FIELDS
        )),
        "schemas/x.yml:5:17: error: empty `skipPrefix` (it would skip every line)"
    );
    // A template reads default columns or columns fields read; a new value needs a field.
    assert_eq!(
        error(&delimited(
            "    delimiter: ','\n    columns: [src-addr, lo, hi]\n    expandFields:\n      port: '%{lo}%{hi}%{high}'\n",
            TWO_FIELDS
        )),
        "schemas/x.yml:7:13: error: expandFields 'port': `%{high}` is not one of `columns` or a column a field reads"
    );
    assert_eq!(
        error(&delimited(
            "    delimiter: ','\n    expandFields:\n      other: '%{src-addr}:%{port}'\n",
            TWO_FIELDS
        )),
        "schemas/x.yml:6:7: error: expandFields 'other' names no field"
    );
    // Default columns only a template reads are fine.
    let fine = delimited(
        "    delimiter: ','\n    columns: [src-addr, lo, hi]\n    expandFields:\n      port: '%{lo}%{hi}'\n",
        TWO_FIELDS,
    );
    compile(&[SchemaSource {
        path: FILE.into(),
        text: fine,
    }])
    .unwrap();
}

#[test]
fn duplicate_default_columns() {
    assert_eq!(
        error(&delimited(
            "    delimiter: ','\n    columns:\n      - port\n      - src\n      - port\n",
            TWO_FIELDS
        )),
        "schemas/x.yml:8:9: error: duplicate column 'port' (first listed on line 6)"
    );
}

#[test]
fn two_fields_reading_the_same_column() {
    let fields = "  - name: src\n    column: addr\n    type: string\n  - name: dst\n    column: addr\n    type: string\n";
    assert_eq!(
        error(&delimited("    delimiter: ','\n", fields)),
        "schemas/x.yml:9:5: error: field 'dst' reads the key 'addr', which field 'src' (line 6) already reads"
    );
}

#[test]
fn an_alias_that_is_another_fields_name() {
    let text = "schema: Test.Thing\nfields:\n  - {name: a, type: string}\n  - {name: b, type: string, aliases: [a]}\n";
    assert_eq!(
        error(text),
        "schemas/x.yml:4:6: error: field 'b' reads the key 'a', which field 'a' (line 3) already reads"
    );
}

#[test]
fn embedded_json_on_a_scalar() {
    assert_eq!(
        error(&with_field_lines("    isEmbeddedJSON: true\n")),
        "schemas/x.yml:5:5: error: `isEmbeddedJSON` is only allowed on object, array and json values (this one is string)"
    );
}

#[test]
fn empty_files_and_non_mappings() {
    let empty = "schemas/x.yml:1:1: error: empty schema file (expected a mapping with `schema` and `fields`)";
    assert_eq!(error(""), empty);
    assert_eq!(error("# nothing yet\n\n"), empty);
    assert_eq!(
        error("- a\n- b\n"),
        "schemas/x.yml:1:1: error: invalid type: sequence, expected a mapping"
    );
    assert_eq!(
        error("just text"),
        "schemas/x.yml:1:1: error: invalid type: string \"just text\", expected a mapping"
    );
    assert_eq!(
        error("schema: Test.Thing\nfields: 3\n"),
        "schemas/x.yml:2:9: error: fields: invalid type: integer `3`, expected a sequence"
    );
}

#[test]
fn more_than_one_document() {
    let text = "schema: Test.Thing\nfields: [{name: x, type: string}]\n---\nschema: Test.Other\n";
    assert_eq!(
        error(text),
        "schemas/x.yml:3:1: error: a schema file holds exactly one YAML document (found a `---` separator)"
    );
}

#[test]
fn every_error_of_every_file_sorted() {
    let sources = [
        SchemaSource {
            path: "schemas/z.yml".into(),
            text: "schema: Test.Zed\nfields:\n  - {name: b, type: flaot}\n  - {name: a, type: strnig}\n".into(),
        },
        // A structural error stops this file only.
        SchemaSource { path: "schemas/m.yml".into(), text: "schema: Test.M\nfeilds: []\n".into() },
        SchemaSource {
            path: "schemas/a.yml".into(),
            text: "schema: test\nfields:\n  - {name: t, type: timestamp}\n".into(),
        },
    ];
    let messages: Vec<String> = compile(&sources)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    let places: Vec<&str> = messages
        .iter()
        .map(|m| m.split(": error").next().unwrap_or_default())
        .collect();
    assert_eq!(
        places,
        [
            "schemas/a.yml:1:9",
            "schemas/a.yml:3:21",
            "schemas/m.yml:2:1",
            "schemas/z.yml:3:21",
            "schemas/z.yml:4:21"
        ],
        "{messages:#?}"
    );
}

#[test]
fn never_panics_on_odd_input() {
    let inputs = [
        "",
        "\u{feff}",
        ":",
        "- - -",
        "{",
        "schema:",
        "schema: [A]",
        "schema: A\nfields: [[]]",
        "schema: A\nfields: [{}]",
        "schema: A\nfields: [{name: x, type: array, element: {}}]",
        "schema: A\nfields: [{name: x, type: array, element: {type: array, element: {type: object}}}]",
        "schema: A\nfields: [{name: x, type: string, indicators: [{kind: ip, when: {field: x, in: []}}]}]",
        "schema: A\nfields: [{? [a] : b}]",
        "schema: A\nfields: [&x {name: x, type: string}, *x]",
        "schema: A\nfields: *nope",
        "schema: A\nparser: {}\nfields: [{name: x, type: string}]",
        "schema: A\nparser: {delimited: {delimiter: ',', header: none, columns: []}}\nfields: [{name: x, type: string}]",
        "!!binary schema: A",
        "schema: !custom A\nfields: [{name: x, type: string}]",
        "schema: A\n...\n---\n",
        "\0\0\0",
        "schema: A\nfields:\n  - name: \"\\u00e9\\t\"\n    type: string\n",
    ];
    for text in inputs {
        let _ = compile(&[SchemaSource {
            path: FILE.into(),
            text: text.into(),
        }]);
    }
}

#[test]
fn deeply_nested_input_is_an_error_not_a_crash() {
    let flow = format!("schema: A\nfields: {}", "[".repeat(100_000));
    assert_eq!(
        error(&flow),
        "schemas/x.yml:2:264: error: collections nested too deeply"
    );
    let mut block = String::from("schema: A\nfields:\n");
    for depth in 0..2000 {
        block.push_str(&" ".repeat(depth));
        block.push_str("- \n");
    }
    assert_starts(&error(&block), "schemas/x.yml:");
}

// Panther's keys: `version`, and the `native`, `script`, `fastmatch`, `csv` and `regex` parsers.

/// A schema with `head` (top-level lines before `fields`) and the fields of an access log.
fn access_log(head: &str) -> String {
    format!(
        "schema: Test.Access\n{head}fields:\n  - name: ip\n    type: string\n  - name: user\n    \
         type: string\n    aliases: [remote_user]\n  - name: status\n    type: int\n"
    )
}

#[test]
fn version_other_than_zero() {
    assert_eq!(
        error(&access_log("version: 1\n")),
        "schemas/x.yml:2:10: error: unsupported version 1 (the only schema version is 0)"
    );
    assert_eq!(
        error(&access_log("version: v0\n")),
        "schemas/x.yml:2:10: error: unsupported version v0 (the only schema version is 0)"
    );
    compile(&[SchemaSource {
        path: FILE.into(),
        text: access_log("version: 0\n"),
    }])
    .unwrap();
}

#[test]
fn native_parser_needs_a_name_and_script_is_unsupported() {
    assert_eq!(
        error(&access_log("parser:\n  native:\n    name: ''\n")),
        "schemas/x.yml:4:11: error: empty native parser `name` (Panther's log type name, like AWS.CloudTrail)"
    );
    assert_eq!(
        error(&access_log("parser:\n  native: {}\n")),
        "schemas/x.yml:3:11: error: parser.native: missing key `name`"
    );
    assert_starts(
        &error(&access_log(
            "parser:\n  script:\n    function: 'def parse(x): return x'\n",
        )),
        "schemas/x.yml:3:3: error: the `script` parser (Starlark) is not supported",
    );
}

#[test]
fn two_parsers_at_once() {
    assert_eq!(
        error(&access_log(
            "parser:\n  native: {name: X}\n  csv: {columns: [ip]}\n"
        )),
        "schemas/x.yml:4:3: error: `parser` holds one parser (found native and csv)"
    );
}

fn fastmatch(lines: &str) -> String {
    access_log(&format!("parser:\n  fastmatch:\n{lines}"))
}

#[test]
fn fastmatch_without_match() {
    assert_eq!(
        error(&fastmatch("    emptyValues: ['-']\n")),
        "schemas/x.yml:3:3: error: the fastmatch parser needs `match` (a list of patterns like '%{ip} %{user}')"
    );
    assert_eq!(
        error(&fastmatch("    match: []\n")),
        "schemas/x.yml:4:5: error: `match` is empty (at least one pattern is needed)"
    );
}

#[test]
fn fastmatch_pattern_mistakes() {
    assert_eq!(
        error(&fastmatch("    match:\n      - 'no placeholders'\n")),
        "schemas/x.yml:5:9: error: pattern 'no placeholders' has no placeholders (`%{field}` captures a value)"
    );
    assert_eq!(
        error(&fastmatch("    match:\n      - '%{ip} %{host} %{status}'\n")),
        "schemas/x.yml:5:9: error: pattern '%{ip} %{host} %{status}': placeholder `%{host}` names no field (use `%{}` to skip a value)"
    );
    assert_eq!(
        error(&fastmatch("    match:\n      - '%{ip} - %{user}%{status}'\n")),
        "schemas/x.yml:5:9: error: pattern '%{ip} - %{user}%{status}': `%{user}` and `%{status}` have no text between them (where would the first value end?)"
    );
    assert_eq!(
        error(&fastmatch("    match:\n      - '%{ip} %{status'\n")),
        "schemas/x.yml:5:9: error: pattern '%{ip} %{status': unclosed placeholder `%{status` (a placeholder is `%{name}`)"
    );
    // The second pattern's mistake is reported on its own line.
    assert_starts(
        &error(&fastmatch(
            "    match:\n      - '%{ip} %{remote_user} %{}'\n      - '%{ip} %{nope}'\n",
        )),
        "schemas/x.yml:6:9: error: pattern '%{ip} %{nope}': placeholder `%{nope}` names no field",
    );
}

#[test]
fn fastmatch_options_mistakes() {
    assert_eq!(
        error(&fastmatch(
            "    match: ['%{ip} %{status}']\n    expandFields:\n      user: 'u-%{host}'\n"
        )),
        "schemas/x.yml:6:13: error: expandFields 'user': `%{host}` is not captured by any pattern"
    );
    assert_eq!(
        error(&fastmatch(
            "    match: ['%{ip} %{status}']\n    expandFields:\n      other: '%{ip}'\n"
        )),
        "schemas/x.yml:6:7: error: expandFields 'other' names no field"
    );
    assert_eq!(
        error(&fastmatch(
            "    match: ['%{ip} %{status}']\n    skipPrefix: ''\n"
        )),
        "schemas/x.yml:5:17: error: empty `skipPrefix` (it would skip every line)"
    );
    assert_eq!(
        error(&fastmatch("    match: ['%{ip} %{status}']\n    skipLines: -1\n")),
        "schemas/x.yml:5:16: error: parser.fastmatch.skipLines: invalid type: integer `-1`, expected u64"
    );
}

fn csv(lines: &str) -> String {
    access_log(&format!("parser:\n  csv:\n{lines}"))
}

#[test]
fn csv_mistakes() {
    assert_eq!(
        error(&csv("    delimiter: ';'\n")),
        "schemas/x.yml:3:3: error: the csv parser needs `columns` when the files have no header line (`hasHeader: true`)"
    );
    assert_eq!(
        error(&csv("    hasHeader: true\n    delimiter: '\"'\n")),
        "schemas/x.yml:5:16: error: csv delimiter '\"' must be exactly one character, not a quote or a line end"
    );
    assert_eq!(
        error(&csv("    columns: [ip, '', user, '', ip]\n")),
        "schemas/x.yml:4:33: error: duplicate column 'ip'"
    );
    assert_eq!(
        error(&csv(
            "    columns: [ip, status]\n    expandFields: {user: '%{ip}/%{name}'}\n"
        )),
        "schemas/x.yml:5:26: error: expandFields 'user': `%{name}` is not one of `columns`"
    );
    // With the columns named by each file's header, templates cannot be checked here.
    compile(&[SchemaSource {
        path: FILE.into(),
        text: csv("    hasHeader: true\n    expandFields: {user: '%{name}'}\n"),
    }])
    .unwrap();
}

/// A timestamp field `t` (line 3) with `timeFormat` on line 5, column 17.
fn with_time_format(format: &str) -> String {
    format!("schema: Test.Thing\nfields:\n  - name: t\n    type: timestamp\n    timeFormat: '{format}'\n")
}

#[test]
fn go_layout_without_a_date_or_time_element() {
    assert_starts(
        &error(&with_time_format("layout=ISO date")),
        "schemas/x.yml:5:17: error: layout 'ISO date' has no date or time element (Go layouts write the reference time `Mon Jan 2 15:04:05 MST 2006`",
    );
    assert_starts(
        &error(&with_time_format("layout=")),
        "schemas/x.yml:5:17: error: empty layout after `layout=`",
    );
}

#[test]
fn go_layout_giving_an_element_twice() {
    assert_eq!(
        error(&with_time_format("layout=2006-01-02 06")),
        "schemas/x.yml:5:17: error: layout '2006-01-02 06': `06` (character 12) gives the year again (already given by `2006`, character 1)"
    );
    // A digit meant as text is an element in Go (`1` is the month).
    assert_eq!(
        error(&with_time_format("layout=2006-01-02 15:04 UTC+1")),
        "schemas/x.yml:5:17: error: layout '2006-01-02 15:04 UTC+1': `1` (character 22) gives the month again (already given by `01`, character 6)"
    );
}

#[test]
fn go_layout_with_a_clock_that_cannot_tell_morning_from_afternoon() {
    assert_starts(
        &error(&with_time_format("layout=2006-01-02 03:04:05")),
        "schemas/x.yml:5:17: error: layout '2006-01-02 03:04:05': `03` (character 12) is a 12-hour clock hour, but the layout has no `PM` or `pm`",
    );
    assert_starts(
        &error(&with_time_format("layout=2006-01-02 15:04:05 PM")),
        "schemas/x.yml:5:17: error: layout '2006-01-02 15:04:05 PM': `PM` (character 21) marks a 12-hour clock, but `15` (character 12) is a 24-hour hour",
    );
    assert_starts(
        &error(&with_time_format("layout=2006-01-02 04.000")),
        "schemas/x.yml:5:17: error: layout '2006-01-02 04.000': `.000` (character 14) is a fraction of a second, but the layout has no seconds",
    );
}

#[test]
fn go_layout_in_a_list_of_formats_is_located_at_its_item() {
    let text = "schema: Test.Thing\nfields:\n  - name: t\n    type: timestamp\n    timeFormats:\n      - rfc3339\n      - layout=Jan 2 2006 Jan\n";
    assert_starts(
        &error(text),
        "schemas/x.yml:7:9: error: layout 'Jan 2 2006 Jan': `Jan` (character 12) gives the month again",
    );
}

/// A schema whose field `x` (line 3) is `type: ref` with `target` on line 5, and `definitions`.
fn with_ref(target: &str, definitions: &str) -> String {
    format!("schema: Test.Thing\nfields:\n  - name: x\n    type: ref\n    target: {target}\n{definitions}")
}

#[test]
fn ref_to_an_unknown_definition() {
    assert_eq!(
        error(&with_ref(
            "Nope",
            "definitions:\n  Addr: {type: string}\n  Port: {type: int}\n"
        )),
        "schemas/x.yml:5:13: error: unknown definition 'Nope' (defined: Addr, Port)"
    );
    assert_eq!(
        error(&with_ref("Nope", "")),
        "schemas/x.yml:5:13: error: unknown definition 'Nope' (the schema has no `definitions`)"
    );
}

#[test]
fn ref_without_a_target_and_target_without_ref() {
    assert_eq!(
        error("schema: Test.Thing\nfields:\n  - name: x\n    type: ref\n"),
        "schemas/x.yml:4:11: error: `type: ref` needs `target` (the name of a definition)"
    );
    assert_eq!(
        error(&with_field_lines("    target: Addr\n")),
        "schemas/x.yml:5:5: error: `target` is only allowed on `type: ref` values (this one is string)"
    );
    assert_eq!(
        error(&with_ref("Addr", "    indicators: [ip]\ndefinitions:\n  Addr: {type: string}\n")),
        "schemas/x.yml:6:5: error: `indicators` is only allowed on strings, json values (and arrays of those) (this one is ref)"
    );
}

#[test]
fn definitions_in_a_cycle() {
    let definitions = "definitions:\n  A:\n    type: object\n    fields:\n      - name: b\n        type: ref\n        target: B\n  B:\n    type: array\n    element:\n      type: ref\n      target: A\n";
    assert_eq!(
        error(&with_ref("A", definitions)),
        "schemas/x.yml:17:15: error: definitions refer to each other in a cycle: A -> B -> A"
    );
}

#[test]
fn definitions_nested_more_than_64_deep() {
    let mut definitions = String::from("definitions:\n");
    for level in 0..70 {
        definitions.push_str(&format!(
            "  D{level}:\n    type: object\n    fields:\n      - {{name: next, type: ref, target: D{}}}\n",
            level + 1
        ));
    }
    definitions.push_str("  D70: {type: string}\n");
    let message = error(&with_ref("D0", &definitions));
    assert!(
        message.contains("error: definitions nested more than 64 deep (from 'D0' to 'D64')"),
        "{message}"
    );
}

#[test]
fn definitions_that_multiply_past_the_limit() {
    // Each level uses the next twice: 2^20 copies.
    let mut definitions = String::from("definitions:\n");
    for level in 0..20 {
        let next = level + 1;
        definitions.push_str(&format!(
            "  D{level}:\n    type: object\n    fields:\n      - {{name: a, type: ref, target: D{next}}}\n      - {{name: b, type: ref, target: D{next}}}\n"
        ));
    }
    definitions.push_str("  D20: {type: string}\n");
    let message = error(&with_ref("D0", &definitions));
    assert!(
        message.contains("error: definitions expand to more than 10000 values"),
        "{message}"
    );
}

#[test]
fn mistakes_in_an_unused_definition_are_reported() {
    assert_eq!(
        error("schema: Test.Thing\nfields: [{name: x, type: string}]\ndefinitions:\n  Unused:\n    type: strnig\n"),
        "schemas/x.yml:5:11: error: unknown type 'strnig' (expected one of string, int, smallint, bigint, float, boolean, timestamp, array, object, json, ref)"
    );
}

#[test]
fn is_expiration_on_a_non_timestamp() {
    assert_eq!(
        error(&with_field_lines("    isExpiration: true\n")),
        "schemas/x.yml:5:5: error: `isExpiration` is only allowed on timestamps (this one is string)"
    );
}

#[test]
fn indicators_on_an_array_of_non_strings() {
    assert_eq!(
        error("schema: Test.Thing\nfields:\n  - name: x\n    type: array\n    element: {type: int}\n    indicators: [ip]\n"),
        "schemas/x.yml:6:5: error: `indicators` on an array need string or json elements (this array's elements are neither)"
    );
}

fn regex(lines: &str) -> String {
    access_log(&format!("parser:\n  regex:\n{lines}"))
}

#[test]
fn regex_without_match() {
    assert_eq!(
        error(&regex("    emptyValues: ['-']\n")),
        "schemas/x.yml:3:3: error: the regex parser needs `match` (a list of grok patterns, \
         concatenated, like '%{IP:client} %{WORD:method}')"
    );
    assert_eq!(
        error(&regex("    match: []\n")),
        "schemas/x.yml:4:5: error: `match` is empty (at least one pattern is needed)"
    );
}

#[test]
fn regex_grok_mistakes_are_located_where_written() {
    assert_eq!(
        error(&regex(
            "    match:\n      - '%{IPV4:ip} '\n      - '%{NOPE:user}'\n"
        )),
        "schemas/x.yml:6:9: error: unknown grok pattern `NOPE` in `%{NOPE:user}` (neither \
         built in nor in `patternDefinitions`)"
    );
    assert_eq!(
        error(&regex("    match: ['%{IPV4:ip} %{WORD:host}']\n")),
        "schemas/x.yml:4:13: error: `%{WORD:host}` captures into 'host', which names no field \
         (`%{PATTERN}` matches without capturing)"
    );
    assert_eq!(
        error(&regex("    match: ['%{IPV4:ip} %{INT:status:int}']\n")),
        "schemas/x.yml:4:13: error: `%{INT:status:int}`: a type after the field name is not \
         supported (the field's `type` decodes the value)"
    );
    assert_eq!(
        error(&regex("    match: ['%{IPV4:ip} %{WORD']\n")),
        "schemas/x.yml:4:13: error: unclosed grok reference `%{WORD` (write `%{NAME}` or \
         `%{NAME:field}`)"
    );
    assert_eq!(
        error(&regex("    match: ['%{IPV4} %{WORD}']\n")),
        "schemas/x.yml:4:5: error: the pattern captures nothing (`%{PATTERN:field}` captures a \
         value into a field)"
    );
}

#[test]
fn regex_pattern_definition_mistakes() {
    // The cycle is reported at the definition that closes it.
    assert_eq!(
        error(&regex(
            "    patternDefinitions:\n      OUTER: '%{INNER}'\n      INNER: 'x%{OUTER}'\n    \
             match: ['%{OUTER:ip}']\n"
        )),
        "schemas/x.yml:6:14: error: pattern definition cycle: %{OUTER} -> %{INNER} -> %{OUTER}"
    );
    assert_eq!(
        error(&regex(
            "    patternDefinitions:\n      lower_case: '\\d+'\n    match: ['%{IPV4:ip}']\n"
        )),
        "schemas/x.yml:5:7: error: pattern name 'lower_case' must be upper case letters, digits \
         and `_`, starting with a letter (like SYSLOG_PROG)"
    );
    // A capture inside a definition that names no field is reported at the definition.
    assert_eq!(
        error(&regex(
            "    patternDefinitions:\n      TAG: '%{WORD:program}'\n    match: ['%{IPV4:ip} %{TAG}']\n"
        )),
        "schemas/x.yml:5:12: error: `%{WORD:program}` captures into 'program', which names no \
         field (`%{PATTERN}` matches without capturing)"
    );
}

#[test]
fn regex_that_does_not_compile() {
    // Items are concatenated first: an unbalanced group is only an error in the whole.
    assert_starts(
        &error(&regex("    match: ['%{IPV4:ip} (', '%{WORD:user}']\n")),
        "schemas/x.yml:4:5: error: the pattern is not a valid regex once grok is expanded: regex \
         parse error:",
    );
    assert_starts(
        &error(&regex(
            "    patternDefinitions:\n      BAD: 'a{2,1}'\n    match: ['%{BAD:ip}']\n",
        )),
        "schemas/x.yml:6:5: error: the pattern is not a valid regex once grok is expanded",
    );
    // Valid syntax, but past the regex engine's size limit once compiled: refused here, located,
    // instead of every record being rejected at run time.
    assert_starts(
        &error(&regex("    match: ['%{IPV4:ip} (?:\\w{100}){100}']\n")),
        "schemas/x.yml:4:5: error: the pattern is not a valid regex once grok is expanded: \
         Compiled regex exceeds size limit",
    );
    // Balanced across items is fine.
    compile(&[SchemaSource {
        path: FILE.into(),
        text: regex("    match: ['(?:%{IPV4:ip} ', '%{WORD:user})?$']\n"),
    }])
    .unwrap();
}

#[test]
fn regex_options_mistakes() {
    assert_eq!(
        error(&regex(
            "    match: ['%{IPV4:ip} %{INT:status}']\n    expandFields:\n      user: 'u-%{host}'\n"
        )),
        "schemas/x.yml:6:13: error: expandFields 'user': `%{host}` is not captured by the pattern"
    );
    assert_eq!(
        error(&regex("    match: ['%{IPV4:ip}']\n    skipPrefix: ''\n")),
        "schemas/x.yml:5:17: error: empty `skipPrefix` (it would skip every line)"
    );
    assert_starts(
        &error(&regex("    match: ['%{IPV4:ip}']\n    skiplines: 1\n")),
        "schemas/x.yml:5:5: error: parser.regex: unknown key `skiplines`",
    );
}

#[test]
fn indicators_on_json_need_kinds_with_a_value_rule() {
    let message = error(
        "schema: Test.Thing\nfields:\n  - name: x\n    type: json\n    indicators: [ip, username]\n",
    );
    assert_eq!(
        message,
        "schemas/x.yml:5:22: error: indicator kind 'username' takes any string, so it cannot scan a json value \
         (kinds for json: ip, domain, hostname, url, net_addr, md5, sha1, sha256, aws_account_id, aws_instance_id, aws_arn)"
    );
    assert_starts(
        &error("schema: Test.Thing\nfields:\n  - name: x\n    type: array\n    element: {type: json}\n    indicators: [email]\n"),
        "schemas/x.yml:6:18: error: indicator kind 'email' takes any string",
    );
    // Every other kind is accepted, also with a condition.
    let accepted = "schema: Test.Thing\nfields:\n  - name: k\n    type: string\n  - name: x\n    type: json\n    \
                    indicators: [ip, domain, hostname, url, net_addr, md5, sha1, sha256, aws_account_id, aws_instance_id, aws_arn, {kind: ip, when: {field: k, in: [a]}}]\n";
    assert!(compile(&[SchemaSource {
        path: FILE.into(),
        text: accepted.into(),
    }])
    .is_ok());
}

#[test]
fn transformation_mistakes_are_located() {
    let one_field = |field: &str| format!("schema: Test.Thing\nfields:\n  - name: x\n{field}");
    // Two sources for one value.
    assert_eq!(
        error(&one_field(
            "    type: string\n    copy: {from: a}\n    concat: {paths: [a, b]}\n"
        )),
        "schemas/x.yml:6:5: error: a field takes its value from one place: `copy` and `concat` \
         both say where (`mask` can go with either)"
    );
    // Text made into a number.
    assert_eq!(
        error(&one_field(
            "    type: int\n    split: {from: a, separator: ','}\n"
        )),
        "schemas/x.yml:5:5: error: `split` makes text: the field must be `type: string`"
    );
    // A path with an empty key, a mask of an unknown type, a hash with a replacement.
    assert_eq!(
        error(&one_field(
            "    type: string\n    copy:\n      from: user..name\n"
        )),
        "schemas/x.yml:6:13: error: a path names keys from the field's object, separated by \
         dots (like `user.name`), found \"user..name\""
    );
    assert_eq!(
        error(&one_field(
            "    type: string\n    mask:\n      type: scramble\n"
        )),
        "schemas/x.yml:6:13: error: unknown mask type \"scramble\" (expected `redact` or `hash`)"
    );
    assert_eq!(
        error(&one_field(
            "    type: string\n    mask: {type: hash, to: x}\n"
        )),
        "schemas/x.yml:5:24: error: `to` goes with `type: redact` (a hash has no replacement text)"
    );
    assert_eq!(
        error(&one_field(
            "    type: string\n    concat:\n      paths: [a]\n"
        )),
        "schemas/x.yml:6:7: error: `concat` joins two or more `paths`"
    );
    // Text parsers name their values in their patterns.
    let text_parser = "schema: Test.Thing\nparser:\n  fastmatch:\n    match: ['%{x}']\nfields:\n  - name: x\n    type: string\n    rename: {from: y}\n";
    assert_eq!(
        error(text_parser),
        "schemas/x.yml:8:5: error: `rename` transforms JSON records only: a text parser names \
         its values in its pattern (use `expandFields` to build new values)"
    );
}

#[test]
fn field_discovery_needs_json_records() {
    let text = "schema: Test.Thing\nfieldDiscoveryEnabled: true\nparser:\n  csv:\n    columns: [x]\nfields:\n  - name: x\n    type: string\n";
    assert_eq!(
        error(text),
        "schemas/x.yml:2:1: error: `fieldDiscoveryEnabled` keeps the keys of JSON records the \
         schema does not declare: a text parser's values are named by its pattern or columns"
    );
}

#[test]
fn split_at_last_names_a_captured_unquoted_value_with_another_after_it() {
    let schema = |split: &str| {
        format!(
            "schema: Test.Thing\nparser:\n  fastmatch:\n    match: ['%{{ip}}:%{{port}} \"%{{agent}}\"']\n    splitAtLast: [{split}]\nfields:\n  - name: ip\n    type: string\n  - name: port\n    type: string\n  - name: agent\n    type: string\n"
        )
    };
    assert_eq!(
        error(&schema("host")),
        "schemas/x.yml:5:19: error: `splitAtLast` names \"host\", which no pattern captures"
    );
    assert_eq!(
        error(&schema("agent")),
        "schemas/x.yml:5:19: error: `splitAtLast` applies to an unquoted value followed by \
         another (like %{agent}:%{port}); \"agent\" is quoted or last"
    );
    let accepted = schema("ip");
    assert!(
        logschema_codegen::compile(&[logschema_codegen::SchemaSource {
            path: "schemas/x.yml".into(),
            text: accepted,
        }])
        .is_ok()
    );
}
