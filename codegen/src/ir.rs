//! The resolved intermediate representation: what `lower` produces from checked YAML and the only
//! thing emitters read. Every Rust name is computed once, here; every node knows its file and line.

use std::fmt;

/// A place in a schema file: `schemas/aws/vpcflow.yml:12:7` (line and column count from 1).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Every log type of a build, sorted by `name`.
#[derive(Debug, Clone, PartialEq)]
pub struct Schemas {
    pub log_types: Vec<LogType>,
}

/// One schema file: one log type.
#[derive(Debug, Clone, PartialEq)]
pub struct LogType {
    /// `AWS.VPCFlow`
    pub name: String,
    /// Rust module holding this log type's code: `aws_vpcflow`.
    pub module_name: String,
    /// Name of the generated file for this log type: `aws_vpcflow.rs`.
    pub file_name: String,
    pub description: Option<String>,
    pub reference_url: Option<String>,
    /// The schema file as the user names it, relative to the crate root: `schemas/aws/vpcflow.yml`.
    pub source_file: String,
    /// Where `schema:` is written.
    pub location: Location,
    pub parser: Parser,
    /// Every struct of this log type, the record's own first, then nested ones depth first in
    /// schema order. `Type::Object(i)` indexes into this list.
    pub objects: Vec<Object>,
}

impl LogType {
    pub fn root(&self) -> &Object {
        &self.objects[0]
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Parser {
    /// One JSON object per line (the default).
    JsonLines,
    /// Text lines split on a delimiter; see `docs/schema-language.md`.
    Delimited(DelimitedParser),
}

#[derive(Debug, Clone, PartialEq)]
pub struct DelimitedParser {
    pub delimiter: char,
    /// Runs of the delimiter are one separator; leading and trailing delimiters are ignored.
    pub merge_delimiters: bool,
    /// Values that mean "absent" in every column (`-`).
    pub empty_values: Vec<String>,
    pub header: HeaderMode,
    /// Column names, in order, that apply until a header line is seen. Empty: lines before the
    /// first header line are rejected.
    pub default_columns: Vec<String>,
    /// What happens to values past the last column of the mapping.
    pub extra_columns: ExtraColumns,
    pub location: Location,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtraColumns {
    /// The line is rejected (`too many columns`).
    Reject,
    /// The extra values are dropped.
    Ignore,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderMode {
    /// Lines are never headers: `default_columns` always apply.
    None,
    /// A line is a header when at least half of its values are known column names; it sets the
    /// column mapping for the lines after it, until the next header line.
    Detect,
}

/// A generated struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// `AwsVpcDns` for the record, `AwsVpcDnsAnswers` for a nested object (log type's struct name
    /// plus the UpperCamelCase path of field names).
    pub rust_name: String,
    /// SCREAMING_SNAKE name of the static holding the field specs: `AWS_VPC_DNS_ANSWERS_FIELDS`.
    pub fields_static: String,
    /// The description of the field that holds this object (the log type's for the record).
    pub description: Option<String>,
    pub fields: Vec<Field>,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The name in the output (and the first input key).
    pub name: String,
    /// The Rust identifier, already escaped: `r#type`, `user_agent`, `self_`.
    pub rust_name: String,
    /// Keys that are read from the input, in order of preference: `name`, then `aliases`. For a
    /// delimited log type's record these are the column names (`column`, else `name`; then aliases).
    pub input_keys: Vec<String>,
    /// Earlier names of this field (`renamedFrom`), also read as input keys after the aliases;
    /// `logschema diff` reports a field renamed, not removed and added.
    pub renamed_from: Vec<String>,
    pub description: Option<String>,
    pub required: bool,
    /// This timestamp is the event time (only on `Type::Timestamp`, never inside an array).
    pub is_event_time: bool,
    pub value: Value,
    pub location: Location,
}

/// What a field or an array element holds, with the rules that apply to the value itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub ty: Type,
    /// Values that mean "absent" for this value (field-level `emptyValues`).
    pub empty_values: Vec<String>,
    /// Only on strings.
    pub indicators: Vec<Indicator>,
    pub validate: Validate,
    /// The value arrives as a JSON-encoded string (`isEmbeddedJSON`), for object, array and json.
    pub embedded_json: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    String,
    SmallInt,
    Int,
    BigInt,
    Float,
    Boolean,
    /// Formats tried in order; never empty.
    Timestamp(Vec<TimeFormat>),
    Json,
    Array(Box<Value>),
    /// Index into `LogType::objects`.
    Object(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeFormat {
    Rfc3339,
    Unix,
    UnixMs,
    UnixUs,
    UnixNs,
    /// A strftime pattern, already checked by chrono's parser.
    Strftime(String),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Validate {
    pub allow: Vec<String>,
    pub deny: Vec<String>,
    pub ip: Option<IpVersion>,
    pub cidr: Option<IpVersion>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpVersion {
    V4,
    V6,
    Any,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub kind: IndicatorKind,
    /// Only apply when a sibling string field has one of some values.
    pub when: Option<IndicatorCondition>,
    /// A regular expression with one capture group: the indicator value is the captured text;
    /// a value that does not match yields nothing.
    pub pattern: Option<String>,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorCondition {
    /// Index of the sibling field in the same `Object::fields`.
    pub field_index: usize,
    /// Values of that field (compared exactly) for which the indicator applies.
    pub values: Vec<String>,
}

/// The 15 indicator kinds. `as_str` is the YAML spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IndicatorKind {
    Ip,
    Domain,
    Hostname,
    Url,
    NetAddr,
    Md5,
    Sha1,
    Sha256,
    AwsAccountId,
    AwsInstanceId,
    AwsArn,
    AwsTag,
    Email,
    Username,
    TraceId,
}

impl IndicatorKind {
    pub const ALL: [IndicatorKind; 15] = [
        IndicatorKind::Ip,
        IndicatorKind::Domain,
        IndicatorKind::Hostname,
        IndicatorKind::Url,
        IndicatorKind::NetAddr,
        IndicatorKind::Md5,
        IndicatorKind::Sha1,
        IndicatorKind::Sha256,
        IndicatorKind::AwsAccountId,
        IndicatorKind::AwsInstanceId,
        IndicatorKind::AwsArn,
        IndicatorKind::AwsTag,
        IndicatorKind::Email,
        IndicatorKind::Username,
        IndicatorKind::TraceId,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorKind::Ip => "ip",
            IndicatorKind::Domain => "domain",
            IndicatorKind::Hostname => "hostname",
            IndicatorKind::Url => "url",
            IndicatorKind::NetAddr => "net_addr",
            IndicatorKind::Md5 => "md5",
            IndicatorKind::Sha1 => "sha1",
            IndicatorKind::Sha256 => "sha256",
            IndicatorKind::AwsAccountId => "aws_account_id",
            IndicatorKind::AwsInstanceId => "aws_instance_id",
            IndicatorKind::AwsArn => "aws_arn",
            IndicatorKind::AwsTag => "aws_tag",
            IndicatorKind::Email => "email",
            IndicatorKind::Username => "username",
            IndicatorKind::TraceId => "trace_id",
        }
    }

    /// The runtime enum variant's name: `AwsAccountId`.
    pub fn variant_name(self) -> &'static str {
        match self {
            IndicatorKind::Ip => "Ip",
            IndicatorKind::Domain => "Domain",
            IndicatorKind::Hostname => "Hostname",
            IndicatorKind::Url => "Url",
            IndicatorKind::NetAddr => "NetAddr",
            IndicatorKind::Md5 => "Md5",
            IndicatorKind::Sha1 => "Sha1",
            IndicatorKind::Sha256 => "Sha256",
            IndicatorKind::AwsAccountId => "AwsAccountId",
            IndicatorKind::AwsInstanceId => "AwsInstanceId",
            IndicatorKind::AwsArn => "AwsArn",
            IndicatorKind::AwsTag => "AwsTag",
            IndicatorKind::Email => "Email",
            IndicatorKind::Username => "Username",
            IndicatorKind::TraceId => "TraceId",
        }
    }

    pub fn from_name(name: &str) -> Option<IndicatorKind> {
        IndicatorKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }
}
