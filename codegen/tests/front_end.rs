//! Valid schemas lower into the expected IR.

use std::path::{Path, PathBuf};

use logschema_codegen::ir::*;
use logschema_codegen::{compile, SchemaSource};

fn lower_one(path: &str, text: &str) -> LogType {
    let sources = [SchemaSource {
        path: path.into(),
        text: text.into(),
    }];
    match compile(&sources) {
        Ok(mut schemas) if schemas.log_types.len() == 1 => schemas.log_types.remove(0),
        Ok(schemas) => panic!("expected one log type, got {}", schemas.log_types.len()),
        Err(errors) => panic!(
            "{}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

fn at(file: &str, line: usize, column: usize) -> Location {
    Location {
        file: file.into(),
        line,
        column,
    }
}

fn value(ty: Type) -> Value {
    Value {
        ty,
        empty_values: vec![],
        indicators: vec![],
        validate: Validate::default(),
        embedded_json: false,
    }
}

fn field(name: &str, rust_name: &str, value: Value, location: Location) -> Field {
    Field {
        name: name.into(),
        rust_name: rust_name.into(),
        input_keys: vec![name.into()],
        renamed_from: vec![],
        description: None,
        required: false,
        is_event_time: false,
        value,
        transform: None,
        location,
    }
}

/// The schema in the header of `tests/golden/example_dns.rs`.
const EXAMPLE: &str = r#"schema: Example.Dns
description: Example DNS log.
fields:
  - name: type
    type: string
    required: true
  - name: time
    type: timestamp
    timeFormats: [rfc3339, unix]
    isEventTime: true
    required: true
  - name: answers
    type: array
    element:
      type: object
      fields:
        - name: Rdata
          type: string
          indicators:
            - {kind: ip, when: {field: Type, in: [A, AAAA]}}
            - {kind: domain, when: {field: Type, in: [MX]}, pattern: '^\d+\s+(\S+)$'}
        - name: Type
          type: string
  - name: srcids
    type: object
    fields:
      - name: resolver-endpoint
        type: string
        aliases: [resolver_endpoint]
  - name: port
    type: bigint
    emptyValues: ['-']
  - name: tags
    type: array
    element:
      type: string
      indicators: [aws_tag]
"#;

#[test]
fn the_design_example_lowers_into_the_expected_ir() {
    let file = "schemas/example/dns.yml";
    let log_type = lower_one(file, EXAMPLE);

    let mut type_field = field("type", "r#type", value(Type::String), at(file, 4, 5));
    type_field.required = true;
    let mut time = field(
        "time",
        "time",
        value(Type::Timestamp(vec![TimeFormat::Rfc3339, TimeFormat::Unix])),
        at(file, 7, 5),
    );
    time.required = true;
    time.is_event_time = true;
    let answers = field(
        "answers",
        "answers",
        value(Type::Array(Box::new(value(Type::Object(1))))),
        at(file, 12, 5),
    );
    let srcids = field("srcids", "srcids", value(Type::Object(2)), at(file, 24, 5));
    let mut port = field("port", "port", value(Type::BigInt), at(file, 30, 5));
    port.value.empty_values = vec!["-".into()];
    let mut tag_element = value(Type::String);
    tag_element.indicators = vec![Indicator {
        kind: IndicatorKind::AwsTag,
        when: None,
        pattern: None,
        location: at(file, 37, 20),
    }];
    let tags = field(
        "tags",
        "tags",
        value(Type::Array(Box::new(tag_element))),
        at(file, 33, 5),
    );

    let mut rdata = field("Rdata", "rdata", value(Type::String), at(file, 17, 11));
    rdata.value.indicators = vec![
        Indicator {
            kind: IndicatorKind::Ip,
            when: Some(IndicatorCondition {
                field_index: 1,
                values: vec!["A".into(), "AAAA".into()],
            }),
            pattern: None,
            location: at(file, 20, 16),
        },
        Indicator {
            kind: IndicatorKind::Domain,
            when: Some(IndicatorCondition {
                field_index: 1,
                values: vec!["MX".into()],
            }),
            pattern: Some(r"^\d+\s+(\S+)$".into()),
            location: at(file, 21, 16),
        },
    ];
    let rtype = field("Type", "r#type", value(Type::String), at(file, 22, 11));
    let mut endpoint = field(
        "resolver-endpoint",
        "resolver_endpoint",
        value(Type::String),
        at(file, 27, 9),
    );
    endpoint.input_keys = vec!["resolver-endpoint".into(), "resolver_endpoint".into()];

    let expected = LogType {
        name: "Example.Dns".into(),
        module_name: "example_dns".into(),
        file_name: "example_dns.rs".into(),
        description: Some("Example DNS log.".into()),
        reference_url: None,
        source_file: file.into(),
        location: at(file, 1, 1),
        parser: Parser::JsonLines,
        envelope: None,
        field_discovery: false,
        objects: vec![
            Object {
                rust_name: "ExampleDns".into(),
                fields_static: "EXAMPLE_DNS_FIELDS".into(),
                description: Some("Example DNS log.".into()),
                fields: vec![type_field, time, answers, srcids, port, tags],
                location: at(file, 1, 1),
            },
            Object {
                rust_name: "ExampleDnsAnswers".into(),
                fields_static: "EXAMPLE_DNS_ANSWERS_FIELDS".into(),
                description: None,
                fields: vec![rdata, rtype],
                location: at(file, 12, 5),
            },
            Object {
                rust_name: "ExampleDnsSrcids".into(),
                fields_static: "EXAMPLE_DNS_SRCIDS_FIELDS".into(),
                description: None,
                fields: vec![endpoint],
                location: at(file, 24, 5),
            },
        ],
    };
    assert_eq!(log_type, expected);
}

#[test]
fn keywords_and_odd_names_become_identifiers() {
    let names = [
        ("type", "r#type"),
        ("self", "self_"),
        ("crate", "crate_"),
        ("super", "super_"),
        ("async", "r#async"),
        ("yield", "r#yield"),
        ("user-agent", "user_agent"),
        ("@timestamp", "timestamp"),
        ("src.ip", "src_ip"),
        ("first name", "first_name"),
        ("CamelCaseName", "camel_case_name"),
        ("3d", "_3d"),
        ("@", "field"),
    ];
    let fields: String = names
        .iter()
        .map(|(name, _)| format!("  - name: '{name}'\n    type: string\n"))
        .collect();
    let log_type = lower_one(
        "schemas/odd.yml",
        &format!("schema: Odd.Names\nfields:\n{fields}"),
    );
    let actual: Vec<(&str, &str)> = log_type
        .root()
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.rust_name.as_str()))
        .collect();
    let expected: Vec<(&str, &str)> = names.to_vec();
    assert_eq!(actual.len(), expected.len());
    for ((name, rust_name), (expected_name, expected_rust)) in actual.iter().zip(&expected) {
        assert_eq!((name, rust_name), (expected_name, expected_rust));
    }
}

#[test]
fn nested_objects_are_listed_depth_first_with_unique_names() {
    let text = "\
schema: AWS.VPCDns
fields:
  - name: a
    type: object
    fields:
      - name: b
        type: object
        fields: [{name: x, type: int}]
  - name: matrix
    type: array
    element:
      type: array
      element:
        type: object
        fields: [{name: y, type: int}]
  - name: a_b
    type: object
    fields: [{name: z, type: int}]
";
    let log_type = lower_one("schemas/nested.yml", text);
    let names: Vec<(&str, &str)> = log_type
        .objects
        .iter()
        .map(|o| (o.rust_name.as_str(), o.fields_static.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("AwsVpcDns", "AWS_VPC_DNS_FIELDS"),
            ("AwsVpcDnsA", "AWS_VPC_DNS_A_FIELDS"),
            ("AwsVpcDnsAB", "AWS_VPC_DNS_AB_FIELDS"),
            ("AwsVpcDnsMatrix", "AWS_VPC_DNS_MATRIX_FIELDS"),
            ("AwsVpcDnsAB2", "AWS_VPC_DNS_AB2_FIELDS"),
        ]
    );
    assert_eq!(log_type.module_name, "aws_vpcdns");
    assert_eq!(log_type.file_name, "aws_vpcdns.rs");
    let root = log_type.root();
    assert_eq!(root.fields[0].value.ty, Type::Object(1));
    assert_eq!(log_type.objects[1].fields[0].value.ty, Type::Object(2));
    let matrix = Type::Array(Box::new(value(Type::Array(Box::new(value(Type::Object(
        3,
    )))))));
    assert_eq!(root.fields[1].value.ty, matrix);
    assert_eq!(root.fields[2].value.ty, Type::Object(4));
}

#[test]
fn delimited_parser_and_column_input_keys() {
    let file = "schemas/flow.yml";
    let text = "\
schema: Test.Flow
parser:
  delimited:
    delimiter: ' '
    mergeDelimiters: true
    emptyValues: ['-']
    header: none
    columns: [version, src-addr, dst]
    extraColumns: ignore
fields:
  - name: version
    type: int
  - name: srcAddr
    column: src-addr
    aliases: [srcaddr]
    type: string
    indicators: [ip]
  - name: dstAddr
    aliases: [dst]
    type: string
  - name: meta
    type: object
    isEmbeddedJSON: true
    fields:
      - name: note
        aliases: [remark]
        type: string
";
    let log_type = lower_one(file, text);
    assert_eq!(
        log_type.parser,
        Parser::Delimited(DelimitedParser {
            delimiter: ' ',
            merge_delimiters: true,
            empty_values: vec!["-".into()],
            header: HeaderMode::None,
            default_columns: vec!["version".into(), "src-addr".into(), "dst".into()],
            extra_columns: ExtraColumns::Ignore,
            skip_prefix: None,
            header_prefix: None,
            header_delimiter: None,
            expand_fields: Vec::new(),
            location: at(file, 2, 1),
        })
    );
    let keys: Vec<Vec<String>> = log_type
        .root()
        .fields
        .iter()
        .map(|f| f.input_keys.clone())
        .collect();
    assert_eq!(
        keys,
        [
            vec!["version"],
            vec!["src-addr", "srcaddr"],
            vec!["dstAddr", "dst"],
            vec!["meta"]
        ]
    );
    assert!(log_type.root().fields[3].value.embedded_json);
    assert_eq!(log_type.objects[1].fields[0].input_keys, ["note", "remark"]);

    let detect = text
        .replace("    header: none\n", "")
        .replace("    columns: [version, src-addr, dst]\n", "");
    let Parser::Delimited(parser) = lower_one(file, &detect).parser else {
        panic!("not delimited")
    };
    assert_eq!(
        (parser.header, parser.default_columns),
        (HeaderMode::Detect, vec![])
    );
}

#[test]
fn validate_and_time_formats_lower() {
    let text = "\
schema: Test.Thing
fields:
  - name: addr
    type: string
    validate: {ip: ipv4, cidr: any, allow: [a], deny: [b]}
  - name: at
    type: timestamp
    timeFormat: '%Y-%m-%d %H:%M:%S'
";
    let log_type = lower_one("schemas/x.yml", text);
    let fields = &log_type.root().fields;
    assert_eq!(
        fields[0].value.validate,
        Validate {
            allow: vec!["a".into()],
            deny: vec!["b".into()],
            ip: Some(IpVersion::V4),
            cidr: Some(IpVersion::Any)
        }
    );
    assert_eq!(
        fields[1].value.ty,
        Type::Timestamp(vec![TimeFormat::Strftime("%Y-%m-%d %H:%M:%S".into())])
    );
}

#[test]
fn log_types_are_sorted_by_name() {
    let source = |path: &str, name: &str| SchemaSource {
        path: path.into(),
        text: format!("schema: {name}\nfields: [{{name: x, type: string}}]\n"),
    };
    let sources = [
        source("schemas/a.yml", "Zeta.Log"),
        source("schemas/b.yml", "Alpha.Log"),
        source("schemas/c.yml", "Mid"),
    ];
    let schemas = compile(&sources).unwrap();
    let names: Vec<&str> = schemas.log_types.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Alpha.Log", "Mid", "Zeta.Log"]);
    assert_eq!(compile(&sources), compile(&sources), "deterministic");
}

/// Every schema file the build would read: `*.yml`/`*.yaml` under `schemas/`, except `*_tests.yml`.
fn repository_schemas(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if path.is_dir() {
            repository_schemas(&path, found);
        } else if (name.ends_with(".yml") || name.ends_with(".yaml"))
            && !name.ends_with("_tests.yml")
        {
            found.push(path);
        }
    }
}

#[test]
fn the_repository_schemas_compile() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut paths = Vec::new();
    repository_schemas(&root.join("schemas"), &mut paths);
    paths.sort();
    let sources: Vec<SchemaSource> = paths
        .iter()
        .map(|path| SchemaSource {
            path: path
                .strip_prefix(&root)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('\\', "/"),
            text: std::fs::read_to_string(path).unwrap(),
        })
        .collect();
    let schemas = match compile(&sources) {
        Ok(schemas) => schemas,
        Err(errors) => panic!(
            "{}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    };
    for log_type in &schemas.log_types {
        match log_type.name.as_str() {
            "AWS.VPCDns" => {
                assert_eq!(log_type.module_name, "aws_vpcdns");
                assert_eq!(log_type.root().rust_name, "AwsVpcDns");
                assert_eq!(log_type.parser, Parser::JsonLines);
                assert!(log_type
                    .objects
                    .iter()
                    .any(|o| o.rust_name == "AwsVpcDnsAnswers"));
            }
            "AWS.VPCFlow" => {
                assert_eq!(log_type.module_name, "aws_vpcflow");
                assert!(matches!(log_type.parser, Parser::Delimited(_)));
            }
            _ => {}
        }
    }
}

#[test]
fn panther_native_parser_and_version_mean_json_lines() {
    let text = "version: 0\nschema: Test.Native\nparser:\n  native:\n    name: AWS.CloudTrail\nfields:\n  - name: x\n    type: string\n";
    assert_eq!(lower_one("schemas/n.yml", text).parser, Parser::JsonLines);
}

#[test]
fn fastmatch_patterns_compile_into_captures() {
    let file = "schemas/f.yml";
    let text = r#"schema: Test.Access
parser:
  fastmatch:
    match:
      - '%{ip} %{} [%{time}] "%{request}" %{rest}'
      - '> %{ip} %{ user }'
    skipLines: 2
    skipPrefix: '#'
    trimSpace: true
    emptyValues: ['-']
    expandFields:
      label: 'ip=%{ip}!'
fields:
  - name: ip
    type: string
  - name: time
    type: string
  - name: request
    type: string
  - name: rest
    type: string
  - name: username
    aliases: [user]
    type: string
  - name: label
    type: string
"#;
    let capture = |column: Option<usize>, until: &str, quote: Option<char>| FastCapture {
        column,
        until: until.into(),
        quote,
        at_last: false,
    };
    assert_eq!(
        lower_one(file, text).parser,
        Parser::FastMatch(FastMatchParser {
            patterns: vec![
                FastPattern {
                    prefix: String::new(),
                    captures: vec![
                        capture(Some(0), " ", None),
                        capture(None, " [", None),
                        capture(Some(1), "] \"", None),
                        capture(Some(2), "\" ", Some('"')),
                        capture(Some(3), "", None),
                    ],
                },
                FastPattern {
                    prefix: "> ".into(),
                    captures: vec![capture(Some(0), " ", None), capture(Some(4), "", None)],
                },
            ],
            keys: vec![
                "ip".into(),
                "time".into(),
                "request".into(),
                "rest".into(),
                "user".into()
            ],
            options: TextOptions {
                skip_lines: 2,
                skip_prefix: Some("#".into()),
                trim_space: true,
                empty_values: vec!["-".into()],
                expand_fields: vec![ExpandField {
                    name: "label".into(),
                    template: vec![
                        TemplatePart::Text("ip=".into()),
                        TemplatePart::Key("ip".into()),
                        TemplatePart::Text("!".into()),
                    ],
                }],
            },
            location: at(file, 2, 1),
        })
    );
}

#[test]
fn regex_grok_expands_into_one_regex_with_groups_mapped_to_columns() {
    let file = "schemas/r.yml";
    let text = r#"schema: Test.Grok
parser:
  regex:
    patternDefinitions:
      USER_OR_ID: '(?:u=%{WORD:user}|id=%{INT:user})'
    match:
      - '^(%{IPV4:ip}) '
      - '%{USER_OR_ID} %{POSINT}$'
    skipLines: 1
fields:
  - name: ip
    type: string
  - name: user
    type: string
"#;
    let Parser::Regex(parser) = lower_one(file, text).parser else {
        panic!("not a regex parser");
    };
    // The user's own group `(...)` is group 1: the columns follow the named groups' indexes.
    assert_eq!(parser.keys, ["ip", "user"]);
    assert_eq!(
        parser.captures,
        [
            RegexCapture {
                group: 2,
                column: 0
            },
            RegexCapture {
                group: 3,
                column: 1
            },
            RegexCapture {
                group: 4,
                column: 1
            },
        ]
    );
    assert!(
        parser.pattern.starts_with("^((?P<grok_0>(?:(?:25[0-5]"),
        "{}",
        parser.pattern
    );
    assert!(parser
        .pattern
        .ends_with(r" (?:(?:u=(?P<grok_1>\b\w+\b)|id=(?P<grok_2>(?:[+-]?(?:[0-9]+))))) (?:\b(?:[1-9][0-9]*)\b)$"), "{}", parser.pattern);
    assert_eq!(parser.options.skip_lines, 1);
    assert_eq!(parser.location, at(file, 2, 1));
}

#[test]
fn csv_parser_settings() {
    let file = "schemas/c.yml";
    let text = "schema: Test.Csv\nparser:\n  csv:\n    delimiter: \"\\t\"\n    hasHeader: true\n    columns: [a, '', b]\nfields:\n  - name: a\n    type: string\n";
    assert_eq!(
        lower_one(file, text).parser,
        Parser::Csv(CsvParser {
            delimiter: '\t',
            has_header: true,
            columns: vec!["a".into(), String::new(), "b".into()],
            options: TextOptions::default(),
            location: at(file, 2, 1),
        })
    );
}

#[test]
fn indicators_on_an_array_of_strings_go_to_its_strings() {
    let text = "schema: Test.Thing\nfields:\n  - name: ips\n    type: array\n    element:\n      type: array\n      element:\n        type: string\n        indicators: [domain]\n    indicators: [ip]\n";
    let log_type = lower_one("schemas/x.yml", text);
    let field = &log_type.root().fields[0];
    assert!(field.value.indicators.is_empty());
    let Type::Array(outer) = &field.value.ty else {
        panic!("array expected: {:?}", field.value.ty)
    };
    let Type::Array(strings) = &outer.ty else {
        panic!("array of arrays expected: {:?}", outer.ty)
    };
    let kinds: Vec<IndicatorKind> = strings.indicators.iter().map(|i| i.kind).collect();
    assert_eq!(kinds, [IndicatorKind::Domain, IndicatorKind::Ip]);
}

#[test]
fn a_ref_is_its_definition_written_in_place() {
    let with_ref = "schema: Test.Thing\ndefinitions:\n  Endpoint:\n    type: object\n    fields:\n      - {name: ip, type: string, indicators: [ip]}\n      - {name: port, type: int}\nfields:\n  - name: src\n    type: ref\n    target: Endpoint\n  - name: hops\n    type: array\n    element: {type: ref, target: Endpoint}\n";
    let inline = "schema: Test.Thing\nfields:\n  - name: src\n    type: object\n    fields:\n      - {name: ip, type: string, indicators: [ip]}\n      - {name: port, type: int}\n  - name: hops\n    type: array\n    element:\n      type: object\n      fields:\n        - {name: ip, type: string, indicators: [ip]}\n        - {name: port, type: int}\n";
    let from_ref = lower_one("schemas/x.yml", with_ref);
    let written = lower_one("schemas/x.yml", inline);
    let shape = |log_type: &LogType| -> Vec<(String, Vec<(String, String)>)> {
        log_type
            .objects
            .iter()
            .map(|object| {
                let fields = object
                    .fields
                    .iter()
                    .map(|field| (field.name.clone(), format!("{:?}", field.value.ty)))
                    .collect();
                (object.rust_name.clone(), fields)
            })
            .collect()
    };
    assert_eq!(shape(&from_ref), shape(&written));
    assert_eq!(
        from_ref.objects.len(),
        3,
        "the record and one struct per use"
    );
}
