//! The emitter against hand-built IR: golden files (`UPDATE_GOLDEN=1` rewrites them), the design
//! example, determinism, escaping of odd names and text, and the shape of specific items.

use std::path::PathBuf;

use logschema_codegen::ir::{
    DelimitedParser, ExtraColumns, Field, HeaderMode, Indicator, IndicatorCondition, IndicatorKind,
    IpVersion, Location, LogType, Object, Parser, Schemas, TimeFormat, Type, Validate, Value,
};
use logschema_codegen::{emit, GeneratedFile};

#[path = "support/golden.rs"]
mod golden;
use golden::check_golden;

// ---- IR builders -------------------------------------------------------------------------------

fn location(file: &str) -> Location {
    Location {
        file: file.to_string(),
        line: 1,
        column: 1,
    }
}

fn value(ty: Type) -> Value {
    Value {
        ty,
        empty_values: Vec::new(),
        indicators: Vec::new(),
        validate: Validate::default(),
        embedded_json: false,
    }
}

fn indicator(kind: IndicatorKind) -> Indicator {
    Indicator {
        kind,
        when: None,
        pattern: None,
        location: location("test.yml"),
    }
}

fn field(name: &str, rust_name: &str, value: Value) -> Field {
    Field {
        name: name.to_string(),
        rust_name: rust_name.to_string(),
        input_keys: vec![name.to_string()],
        description: None,
        required: false,
        is_event_time: false,
        value,
        renamed_from: Vec::new(),
        transform: None,
        location: location("test.yml"),
    }
}

fn required(mut field: Field) -> Field {
    field.required = true;
    field
}

fn object(rust_name: &str, fields_static: &str, fields: Vec<Field>) -> Object {
    Object {
        rust_name: rust_name.to_string(),
        fields_static: fields_static.to_string(),
        description: None,
        fields,
        location: location("test.yml"),
    }
}

fn log_type(name: &str, module_name: &str, source_file: &str, objects: Vec<Object>) -> LogType {
    LogType {
        name: name.to_string(),
        module_name: module_name.to_string(),
        file_name: format!("{module_name}.rs"),
        description: None,
        reference_url: None,
        source_file: source_file.to_string(),
        location: location(source_file),
        parser: Parser::JsonLines,
        envelope: None,
        field_discovery: false,
        objects,
    }
}

/// The schema of tests/golden/example_dns.rs (compiled by the root crate's tests):
///
/// ```yaml
/// schema: Example.Dns
/// description: Example DNS log.
/// fields:
///   - name: type           {type: string, required: true}
///   - name: time           {type: timestamp, timeFormats: [rfc3339, unix], isEventTime: true, required: true}
///   - name: answers        {type: array, element: {type: object, fields: [
///       - name: Rdata  {type: string, indicators: [
///           {kind: ip, when: {field: Type, in: [A, AAAA]}},
///           {kind: domain, when: {field: Type, in: [MX]}, pattern: '^\d+\s+(\S+)$'}]}
///       - name: Type   {type: string}]}}
///   - name: srcids         {type: object, fields: [
///       - name: resolver-endpoint {type: string, aliases: [resolver_endpoint]}]}
///   - name: port           {type: bigint, emptyValues: ['-']}
///   - name: tags           {type: array, element: {type: string, indicators: [aws_tag]}}
/// ```
fn example_dns() -> LogType {
    let mut time = required(field(
        "time",
        "time",
        value(Type::Timestamp(vec![TimeFormat::Rfc3339, TimeFormat::Unix])),
    ));
    time.is_event_time = true;
    let mut port = value(Type::BigInt);
    port.empty_values = vec!["-".to_string()];
    let mut tag = value(Type::String);
    tag.indicators = vec![indicator(IndicatorKind::AwsTag)];
    let root = object(
        "ExampleDns",
        "EXAMPLE_DNS_FIELDS",
        vec![
            required(field("type", "r#type", value(Type::String))),
            time,
            field(
                "answers",
                "answers",
                value(Type::Array(Box::new(value(Type::Object(1))))),
            ),
            field("srcids", "srcids", value(Type::Object(2))),
            field("port", "port", port),
            field("tags", "tags", value(Type::Array(Box::new(tag)))),
        ],
    );

    let mut rdata = value(Type::String);
    let mut ip = indicator(IndicatorKind::Ip);
    ip.when = Some(IndicatorCondition {
        field_index: 1,
        values: vec!["A".to_string(), "AAAA".to_string()],
    });
    let mut domain = indicator(IndicatorKind::Domain);
    domain.when = Some(IndicatorCondition {
        field_index: 1,
        values: vec!["MX".to_string()],
    });
    domain.pattern = Some(r"^\d+\s+(\S+)$".to_string());
    rdata.indicators = vec![ip, domain];
    let answers = object(
        "ExampleDnsAnswers",
        "EXAMPLE_DNS_ANSWERS_FIELDS",
        vec![
            field("Rdata", "rdata", rdata),
            field("Type", "r#type", value(Type::String)),
        ],
    );

    let mut endpoint = field(
        "resolver-endpoint",
        "resolver_endpoint",
        value(Type::String),
    );
    endpoint.input_keys.push("resolver_endpoint".to_string());
    let srcids = object(
        "ExampleDnsSrcids",
        "EXAMPLE_DNS_SRCIDS_FIELDS",
        vec![endpoint],
    );

    let mut log_type = log_type(
        "Example.Dns",
        "example_dns",
        "schemas/example/dns.yml",
        vec![root, answers, srcids],
    );
    log_type.description = Some("Example DNS log.".to_string());
    log_type.objects[0].description = log_type.description.clone();
    log_type
}

/// A delimited log type using every spec option: validation, embedded JSON, strftime formats,
/// nested arrays, and every scalar type.
fn example_flow() -> LogType {
    let mut src_addr = value(Type::String);
    src_addr.validate = Validate {
        allow: Vec::new(),
        deny: vec!["0.0.0.0".to_string()],
        ip: Some(IpVersion::Any),
        cidr: None,
    };
    src_addr.indicators = vec![indicator(IndicatorKind::Ip)];
    let mut action = value(Type::String);
    action.validate.allow = vec!["ACCEPT".to_string(), "REJECT".to_string()];
    let mut start = required(field(
        "start",
        "start",
        value(Type::Timestamp(vec![
            TimeFormat::Strftime("%Y-%m-%d %H:%M:%S".to_string()),
            TimeFormat::UnixMs,
        ])),
    ));
    start.is_event_time = true;
    let mut extra = value(Type::Json);
    extra.embedded_json = true;
    let mut hash = value(Type::String);
    hash.indicators = vec![indicator(IndicatorKind::Sha256)];
    let mut account = field("account", "account", value(Type::String));
    account.input_keys = vec!["account-id".to_string(), "account_id".to_string()];
    let root = object(
        "ExampleFlow",
        "EXAMPLE_FLOW_FIELDS",
        vec![
            required(field("version", "version", value(Type::SmallInt))),
            account,
            field("srcAddr", "src_addr", src_addr),
            field("packets", "packets", value(Type::Int)),
            field("ratio", "ratio", value(Type::Float)),
            field("sampled", "sampled", value(Type::Boolean)),
            field("action", "action", action),
            start,
            field("extra", "extra", extra),
            field(
                "hashes",
                "hashes",
                value(Type::Array(Box::new(value(Type::Array(Box::new(hash)))))),
            ),
        ],
    );
    let mut log_type = log_type(
        "Example.Flow",
        "example_flow",
        "schemas/example/flow.yml",
        vec![root],
    );
    log_type.reference_url = Some("https://example.com/flow-logs".to_string());
    log_type.parser = Parser::Delimited(DelimitedParser {
        delimiter: ' ',
        merge_delimiters: true,
        empty_values: vec!["-".to_string()],
        header: HeaderMode::Detect,
        default_columns: vec![
            "version".to_string(),
            "account-id".to_string(),
            "srcAddr".to_string(),
        ],
        extra_columns: ExtraColumns::Reject,
        skip_prefix: None,
        header_prefix: None,
        header_delimiter: None,
        expand_fields: Vec::new(),
        location: location("schemas/example/flow.yml"),
    });
    log_type
}

fn schemas(log_types: Vec<LogType>) -> Schemas {
    Schemas { log_types }
}

fn file<'a>(files: &'a [GeneratedFile], name: &str) -> &'a str {
    match files.iter().find(|file| file.name == name) {
        Some(file) => &file.contents,
        None => panic!(
            "no generated file {name}; got {:?}",
            files.iter().map(|f| &f.name).collect::<Vec<_>>()
        ),
    }
}

fn single_file(log_type: LogType) -> String {
    let file_name = log_type.file_name.clone();
    file(&emit(&schemas(vec![log_type])), &file_name).to_string()
}

// ---- golden files ------------------------------------------------------------------------------

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn example_dns_matches_golden() {
    let files = emit(&schemas(vec![example_dns()]));
    check_golden(
        &crate_dir().join("tests/golden/example_dns.rs"),
        file(&files, "example_dns.rs"),
    );
}

#[test]
fn example_flow_matches_golden() {
    check_golden(
        &crate_dir().join("tests/golden/example_flow.rs"),
        &single_file(example_flow()),
    );
}

#[test]
fn index_matches_golden() {
    let files = emit(&schemas(vec![example_dns(), example_flow()]));
    check_golden(
        &crate_dir().join("tests/golden/log_types.rs"),
        file(&files, "log_types.rs"),
    );
}

// ---- properties --------------------------------------------------------------------------------

#[test]
fn output_is_deterministic_and_sorted() {
    let forward = emit(&schemas(vec![example_dns(), example_flow()]));
    for _ in 0..5 {
        assert_eq!(forward, emit(&schemas(vec![example_dns(), example_flow()])));
    }
    // The order of the input does not matter either.
    assert_eq!(forward, emit(&schemas(vec![example_flow(), example_dns()])));
    let names: Vec<&str> = forward.iter().map(|file| file.name.as_str()).collect();
    assert_eq!(names, ["example_dns.rs", "example_flow.rs", "log_types.rs"]);
}

#[test]
fn index_includes_every_log_type_in_name_order() {
    let files = emit(&schemas(vec![example_flow(), example_dns()]));
    let index = file(&files, "log_types.rs");
    assert!(index.starts_with(
        "// This file is @generated by logschema-codegen from schemas/example/. Do not edit.\n"
    ));
    // Relative to the index, wherever the build writes the generated directory.
    assert!(index.contains(r#"include!("example_dns.rs");"#), "{index}");
    let dns = index.find("&example_dns::LOG_TYPE,").expect("dns entry");
    let flow = index.find("&example_flow::LOG_TYPE,").expect("flow entry");
    assert!(dns < flow, "{index}");
    assert!(
        index.contains("pub static LOG_TYPES: [&::logschema::runtime::LogType; 2] = ["),
        "{index}"
    );
}

#[test]
fn empty_schema_set_still_has_an_index() {
    let files = emit(&schemas(Vec::new()));
    assert_eq!(files.len(), 1);
    assert!(file(&files, "log_types.rs")
        .contains("pub static LOG_TYPES: [&::logschema::runtime::LogType; 0] = [];"));
}

/// Lines that differ between two texts of the same line count.
fn changed_lines(before: &str, after: &str) -> Vec<(String, String)> {
    assert_eq!(
        before.lines().count(),
        after.lines().count(),
        "line count changed:\n{after}"
    );
    before
        .lines()
        .zip(after.lines())
        .filter(|(before, after)| before != after)
        .map(|(before, after)| (before.to_string(), after.to_string()))
        .collect()
}

#[test]
fn field_description_change_only_touches_its_doc_comment() {
    let mut before = example_dns();
    before.objects[0].fields[4].description = Some("Source port.".to_string());
    let mut after = before.clone();
    after.objects[0].fields[4].description = Some("Port of the source.".to_string());
    let changes = changed_lines(&single_file(before), &single_file(after));
    assert_eq!(
        changes,
        [(
            "    /// Source port.".to_string(),
            "    /// Port of the source.".to_string()
        ),]
    );
}

#[test]
fn log_type_description_change_only_touches_its_doc_and_entry() {
    let mut after = example_dns();
    after.description = Some("Sample DNS log.".to_string());
    after.objects[0].description = after.description.clone();
    let changes = changed_lines(&single_file(example_dns()), &single_file(after));
    assert_eq!(changes.len(), 2, "{changes:#?}");
    assert!(changes
        .iter()
        .all(|(before, after)| before.contains("Example DNS log.")
            && after.contains("Sample DNS log.")));
}

#[test]
fn multi_line_descriptions_become_plain_doc_lines() {
    let mut log_type = example_dns();
    log_type.objects[0].fields[0].description =
        Some("\nFirst line.\r\n\n!not inner\r/not a comment  \n  indented *code*\n\n".to_string());
    let code = single_file(log_type);
    assert!(
        code.contains(
            "    /// First line.\n    ///\n    /// !not inner\n    /// /not a comment\n    ///   indented *code*\n    pub r#type:"
        ),
        "{code}"
    );
    syn::parse_file(&code).expect("output parses");
}

/// Keywords, names that shadow std types, non-ASCII, and text full of quotes and backslashes.
fn odd_names() -> LogType {
    let mut quoted = field("say \"hi\"\\", "say_hi", value(Type::String));
    quoted.description =
        Some("Ends with a backslash \\ and has \"quotes\" and */ and \u{7f} \u{202e}.".to_string());
    quoted.input_keys = vec!["say \"hi\"\\".to_string(), "line\nbreak".to_string()];
    let mut odd = object(
        "Odd",
        "ODD_FIELDS",
        vec![
            required(field("type", "r#type", value(Type::String))),
            field("self", "self_", value(Type::String)),
            field("fn", "r#fn", value(Type::Int)),
            field("Option", "option", value(Type::Boolean)),
            field("ünïcode", "ünïcode", value(Type::String)),
            quoted,
            field("input", "input", value(Type::Object(1))),
        ],
    );
    // A struct called `Option` with fields called `Some` and `sink`: absolute paths keep them
    // from shadowing anything.
    let mut shadowing = object(
        "Option",
        "OPTION_FIELDS",
        vec![
            field("Some", "some", value(Type::String)),
            field(
                "sink",
                "sink",
                value(Type::Array(Box::new(value(Type::String)))),
            ),
        ],
    );
    shadowing.description = Some("Nested, named like a std type.".to_string());
    shadowing.fields[1].value.indicators = Vec::new();
    if let Type::Array(element) = &mut shadowing.fields[1].value.ty {
        let mut username = indicator(IndicatorKind::Username);
        username.when = Some(IndicatorCondition {
            field_index: 0,
            values: vec!["user".to_string()],
        });
        element.indicators = vec![username];
    }
    let mut pattern_indicator = indicator(IndicatorKind::Email);
    pattern_indicator.pattern = Some(r#"^"(\S+)"\\$"#.to_string());
    odd.fields[1].value.indicators = vec![pattern_indicator];
    let mut log_type = log_type(
        "Odd.Names",
        "odd_names",
        "schemas/odd \"names\".yml",
        vec![odd, shadowing],
    );
    log_type.description = Some("Odd {braces} and 'quotes'.".to_string());
    log_type
}

#[test]
fn keywords_and_odd_names_are_escaped() {
    let code = single_file(odd_names());
    check_golden(&crate_dir().join("tests/golden/odd_names.rs"), &code);
    syn::parse_file(&code).expect("output parses");
    for expected in [
        "pub r#type: ::std::borrow::Cow<'a, str>,",
        "pub self_: ::core::option::Option<::std::borrow::Cow<'a, str>>,",
        "pub r#fn: ::core::option::Option<i32>,",
        "pub option: ::core::option::Option<bool>,",
        "pub ünïcode: ::core::option::Option<::std::borrow::Cow<'a, str>>,",
        r#".optional("say \"hi\"\\", &["say \"hi\"\\", "line\nbreak"]);"#,
        r#"out.optional(&ODD__SAY_HI, &self.say_hi);"#,
        r#"rt::Pattern::new("^\"(\\S+)\"\\\\$");"#,
        r#"/// Ends with a backslash \ and has "quotes" and */ and \u{7f} \u{202e}."#,
        r#"description: Some("Odd {braces} and 'quotes'."),"#,
        r#"source_file: "schemas/odd \"names\".yml","#,
        "// This file is @generated by logschema-codegen from schemas/odd \"names\".yml. Do not edit.\n",
    ] {
        assert!(code.contains(expected), "missing {expected:?} in:\n{code}");
    }
}

#[test]
fn invalid_identifiers_become_a_compile_error_not_a_panic() {
    for bad in [
        "self",
        "r#self",
        "r#crate",
        "fn",
        "_",
        "",
        " padded",
        "two words",
        "a-b",
        "1st",
        "r#",
    ] {
        let broken = object(
            "Broken",
            "BROKEN_FIELDS",
            vec![field("x", bad, value(Type::String))],
        );
        let code = single_file(log_type(
            "Broken.Names",
            "broken_names",
            "schemas/broken.yml",
            vec![broken],
        ));
        assert!(code.contains("::core::compile_error!("), "{bad:?}: {code}");
        assert!(
            code.contains("is not a valid Rust identifier"),
            "{bad:?}: {code}"
        );
        syn::parse_file(&code).expect("the error file parses");
    }

    let dangling = object(
        "Dangling",
        "DANGLING_FIELDS",
        vec![field("child", "child", value(Type::Object(7)))],
    );
    let code = single_file(log_type(
        "Dangling.Ref",
        "dangling_ref",
        "schemas/dangling.yml",
        vec![dangling],
    ));
    assert!(code.contains("object index 7 is out of range"), "{code}");

    let code = single_file(log_type(
        "No.Objects",
        "no_objects",
        "schemas/none.yml",
        Vec::new(),
    ));
    assert!(code.contains("::core::compile_error!("), "{code}");
}

/// The lines of `after` that are not in `before`, and the lines of `before` that are not in
/// `after`, by a longest-common-subsequence line diff (as a pull request shows them).
fn line_diff(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
    let old: Vec<&str> = before.lines().collect();
    let new: Vec<&str> = after.lines().collect();
    // common[i][j]: length of the longest common subsequence of old[i..] and new[j..].
    let mut common = vec![vec![0usize; new.len() + 1]; old.len() + 1];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            common[i][j] = if old[i] == new[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    let (mut added, mut removed) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        if i < old.len() && j < new.len() && old[i] == new[j] {
            i += 1;
            j += 1;
        } else if j < new.len() && (i == old.len() || common[i][j + 1] >= common[i + 1][j]) {
            added.push(new[j].to_string());
            j += 1;
        } else {
            removed.push(old[i].to_string());
            i += 1;
        }
    }
    (added, removed)
}

#[test]
fn adding_a_field_adds_only_its_own_lines() {
    let before = example_dns();
    let mut after = before.clone();
    // In the middle of the record, so any position-based naming would show up as changes.
    let mut client = field("client", "client", value(Type::String));
    client.description = Some("The client.".to_string());
    after.objects[0].fields.insert(2, client);
    let (added, removed) = line_diff(&single_file(before), &single_file(after));
    assert!(removed.is_empty(), "no line changes or goes: {removed:#?}");
    let added = added.join("\n");
    for expected in [
        "/// The client.",
        "pub client: ::core::option::Option<::std::borrow::Cow<'a, str>>,",
        "pub static EXAMPLE_DNS__CLIENT: rt::FieldSpec = rt::ValueKind::String\n    \
         .optional(\"client\", &[\"client\"]);",
        "&EXAMPLE_DNS__CLIENT,",
        "client: input.optional(&EXAMPLE_DNS__CLIENT)?,",
        "out.optional(&EXAMPLE_DNS__CLIENT, &self.client);",
    ] {
        assert!(added.contains(expected), "{expected} not added:\n{added}");
    }
    assert!(
        !added.contains("EXAMPLE_DNS__TYPE") && !added.contains("answers"),
        "other fields' lines are untouched:\n{added}"
    );
}

#[test]
fn delimited_log_type_entry() {
    let code = single_file(example_flow());
    let expected = r#"pub static LOG_TYPE: rt::LogType = rt::LogType {
    name: "Example.Flow",
    description: None,
    reference_url: Some("https://example.com/flow-logs"),
    source_file: "schemas/example/flow.yml",
    parser: rt::ParserSpec::Delimited(rt::DelimitedSpec {
        delimiter: ' ',
        merge_delimiters: true,
        empty_values: &["-"],
        header: rt::HeaderMode::Detect,
        default_columns: &["version", "account-id", "srcAddr"],
        extra_columns: rt::ExtraColumns::Reject,
        skip_prefix: None,
        header_prefix: None,
        header_delimiter: None,
        expand_fields: &[],
    }),
    envelope: None,
    field_discovery: false,
    fields: EXAMPLE_FLOW_FIELDS,
    parse_event: rt::ParseEvent::Compiled(|input, meta, out| {
        rt::parse_event::<ExampleFlow<'_>>(input, meta, out)
    }),
};"#;
    assert!(code.contains(expected), "{code}");
    assert!(code.contains(r#".optional("account", &["account-id", "account_id"]);"#));
}

#[test]
fn ignored_extra_columns_are_in_the_spec() {
    let mut log_type = example_flow();
    if let Parser::Delimited(delimited) = &mut log_type.parser {
        delimited.extra_columns = ExtraColumns::Ignore;
    }
    let code = single_file(log_type);
    assert!(
        code.contains("extra_columns: rt::ExtraColumns::Ignore,"),
        "{code}"
    );
}

#[test]
fn odd_delimiters_are_char_literals() {
    for (delimiter, literal) in [
        ('\t', r"'\t'"),
        ('\'', r"'\''"),
        ('\\', r"'\\'"),
        (',', "','"),
    ] {
        let mut log_type = example_flow();
        if let Parser::Delimited(parser) = &mut log_type.parser {
            parser.delimiter = delimiter;
        }
        let code = single_file(log_type);
        assert!(
            code.contains(&format!("delimiter: {literal},")),
            "{literal}: {code}"
        );
    }
}

#[test]
fn array_element_indicators_use_element_statics() {
    let code = single_file(example_flow());
    assert!(code.contains("static EXAMPLE_FLOW__HASHES__ELEMENT__ELEMENT: rt::ValueSpec"));
    assert!(code.contains(
        "sink.add(&EXAMPLE_FLOW__HASHES__ELEMENT__ELEMENT.indicators[0], &self.hashes);"
    ));
    assert!(!code.contains("unwrap"));
}

#[test]
fn event_time_is_searched_depth_first_but_not_in_arrays() {
    let mut inner_time = field(
        "seen",
        "seen",
        value(Type::Timestamp(vec![TimeFormat::Rfc3339])),
    );
    inner_time.is_event_time = true;
    let mut own_time = field("at", "at", value(Type::Timestamp(vec![TimeFormat::Unix])));
    own_time.is_event_time = true;
    let root = object(
        "Ev",
        "EV_FIELDS",
        vec![
            field(
                "list",
                "list",
                value(Type::Array(Box::new(value(Type::Object(1))))),
            ),
            field("outer", "outer", value(Type::Object(2))),
            own_time,
            field("plain", "plain", value(Type::Object(4))),
        ],
    );
    let listed = object("EvList", "EV_LIST_FIELDS", vec![inner_time.clone()]);
    let outer = object(
        "EvOuter",
        "EV_OUTER_FIELDS",
        vec![field("inner", "inner", value(Type::Object(3)))],
    );
    let inner = object("EvOuterInner", "EV_OUTER_INNER_FIELDS", vec![inner_time]);
    let plain = object(
        "EvPlain",
        "EV_PLAIN_FIELDS",
        vec![field("x", "x", value(Type::String))],
    );
    let code = single_file(log_type(
        "Ev.Time",
        "ev_time",
        "schemas/ev.yml",
        vec![root, listed, outer, inner, plain],
    ));

    let event_time = "rt::event::EventTimeSource::event_time";
    assert!(
        code.contains(&format!(
            "{event_time}(&self.outer)\n            .or({event_time}(&self.at))\n"
        )),
        "{code}"
    );
    assert!(code.contains(&format!("{event_time}(&self.inner)")));
    assert_eq!(
        code.matches("fn event_time(&self)").count(),
        4,
        "root, list element, outer, inner"
    );
    assert!(
        !code.contains("(&self.list)\n") && !code.contains(&format!("{event_time}(&self.plain)"))
    );
}

#[test]
fn no_output_has_inner_attributes() {
    let files = emit(&schemas(vec![example_dns(), example_flow()]));
    for file in &files {
        assert!(
            !file.contents.contains("#!["),
            "{} holds an inner attribute",
            file.name
        );
        assert!(file
            .contents
            .starts_with("// This file is @generated by logschema-codegen from "));
        assert!(file.contents.ends_with("}\n") || file.contents.ends_with(";\n"));
        syn::parse_file(&file.contents).unwrap_or_else(|error| panic!("{}: {error}", file.name));
    }
}
