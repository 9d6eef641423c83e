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
    /// Records nested in JSON documents (`parser.envelope`).
    pub envelope: Option<Envelope>,
    /// `fieldDiscoveryEnabled`: keys the schema does not declare go to `p_unknown`.
    pub field_discovery: bool,
    /// Every struct of this log type, the record's own first, then nested ones depth first in
    /// schema order. `Type::Object(i)` indexes into this list.
    pub objects: Vec<Object>,
}

impl LogType {
    pub fn root(&self) -> &Object {
        &self.objects[0]
    }
}

/// Where the records are in each JSON document of the input.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope {
    /// The keys from the document to the array of records: `["Records"]`.
    pub records: Vec<String>,
    /// Each element's string under this key is the record's text.
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Parser {
    /// A stream of JSON objects (the default): one per line, several per line, or pretty-printed.
    JsonLines,
    /// Text lines split on a delimiter; see `docs/schema-language.md`.
    Delimited(DelimitedParser),
    /// Panther's `fastmatch`: text lines matched against `%{field}` patterns.
    FastMatch(FastMatchParser),
    /// Panther's `csv`: RFC 4180 lines with a header line or fixed columns.
    Csv(CsvParser),
    /// Panther's `regex`: grok patterns, expanded into one regex.
    Regex(RegexParser),
}

/// Panther's steps around a text parser's match, shared by `fastmatch` and `csv` (and meant for
/// `regex`): lines skipped before the match, then each value trimmed, emptied, and new values
/// built from others.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextOptions {
    /// `skipLines`: the first lines of each file that are not records.
    pub skip_lines: u64,
    /// `skipPrefix`: a line starting with this is not a record.
    pub skip_prefix: Option<String>,
    /// `trimSpace`: every value is trimmed.
    pub trim_space: bool,
    /// `emptyValues`: a value equal to one of these is absent.
    pub empty_values: Vec<String>,
    /// `expandFields`, sorted by name.
    pub expand_fields: Vec<ExpandField>,
}

/// One `expandFields` entry: a new value `name` built from `template`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpandField {
    pub name: String,
    pub template: Vec<TemplatePart>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplatePart {
    /// Literal text.
    Text(String),
    /// `%{key}`: the value the parser captured under `key` (`""` when it has none).
    Key(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FastMatchParser {
    /// Tried in order; the first that matches wins.
    pub patterns: Vec<FastPattern>,
    /// The names the patterns capture, each once, in order of first appearance: the record's
    /// columns (a capture's `column` indexes this list).
    pub keys: Vec<String>,
    pub options: TextOptions,
    pub location: Location,
}

/// One `match` pattern, compiled: the text the line starts with, then the captures in order.
#[derive(Debug, Clone, PartialEq)]
pub struct FastPattern {
    pub prefix: String,
    pub captures: Vec<FastCapture>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FastCapture {
    /// Index into `FastMatchParser::keys`; `None` for `%{}` (matched, not kept).
    pub column: Option<usize>,
    /// The text that ends this value; empty only for the last capture (the rest of the line).
    pub until: String,
    /// The value is quoted: the text before it ends with this quote character and `until`
    /// starts with it. Backslash escapes inside are undone.
    pub quote: Option<char>,
    /// `splitAtLast`: the value ends at the last `until` before the end of the next value.
    pub at_last: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RegexParser {
    /// The plain regex the grok `match` expands into (searched for in each line).
    pub pattern: String,
    /// The fields the pattern captures, each once, in order of first appearance: the record's
    /// columns.
    pub keys: Vec<String>,
    /// Which regex group fills which column; a column captured in two places takes the first
    /// group that matched.
    pub captures: Vec<RegexCapture>,
    pub options: TextOptions,
    pub location: Location,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegexCapture {
    /// The group's index in the compiled regex.
    pub group: usize,
    /// Index into `RegexParser::keys`.
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CsvParser {
    pub delimiter: char,
    /// The first line of each file is a header: it names the columns when `columns` is empty,
    /// else it is skipped.
    pub has_header: bool,
    pub columns: Vec<String>,
    pub options: TextOptions,
    pub location: Location,
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
    /// `skipPrefix`: a line starting with this is not a record (unless it is a header line).
    pub skip_prefix: Option<String>,
    /// `headerPrefix`: the header lines are exactly the lines starting with this text (no
    /// detection by names); the text after it names the columns.
    pub header_prefix: Option<String>,
    /// `headerDelimiter`: what separates the names on a `header_prefix` line (runs of it count
    /// as one); `None`: runs of white space (W3C's `#Fields:` lines use spaces, some tabs).
    pub header_delimiter: Option<char>,
    /// `expandFields`, sorted by name: new values built from the line's columns.
    pub expand_fields: Vec<ExpandField>,
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
    /// Panther's `copy`, `concat`, `split`, `mask` (`rename` only changes `input_keys`).
    pub transform: Option<Transform>,
    pub location: Location,
}

/// Where a field's value comes from, and how it is masked.
#[derive(Debug, Clone, PartialEq)]
pub struct Transform {
    pub source: TransformSource,
    pub mask: Option<Mask>,
}

/// Paths are object keys from the object holding the field.
#[derive(Debug, Clone, PartialEq)]
pub enum TransformSource {
    /// The field's own input keys.
    Own,
    Copy(Vec<String>),
    Concat {
        paths: Vec<Vec<String>>,
        separator: String,
    },
    Split {
        from: Vec<String>,
        separator: String,
        index: i64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Mask {
    Redact(String),
    Hash,
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
    /// A Go reference-time layout (`layout=2006-01-02 15:04:05`), cut into tokens.
    Layout(GoLayout),
    /// Cloudflare's timestamps: RFC 3339 text, or an integer of Unix seconds (below
    /// 60,000,000,000) or Unix nanoseconds.
    Cloudflare,
}

/// A Go layout, checked and tokenised: the runtime walks `tokens` (`runtime::LayoutToken`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoLayout {
    /// The layout as written after `layout=`.
    pub layout: String,
    pub tokens: Vec<LayoutToken>,
}

/// One element of a Go layout; see `src/runtime/layout.rs` for what each matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayoutToken {
    Literal(String),
    /// `2006`
    Year,
    /// `06`
    YearTwoDigits,
    /// `01` / `1`
    Month {
        padded: bool,
    },
    /// `Jan`
    MonthAbbr,
    /// `January`
    MonthName,
    /// `02` / `_2` / `2`
    Day(DayPadding),
    /// `002` / `__2`
    YearDay {
        space_padded: bool,
    },
    /// `15`
    Hour,
    /// `03` / `3`
    Hour12 {
        padded: bool,
    },
    /// `04` / `4`
    Minute {
        padded: bool,
    },
    /// `05` / `5`
    Second {
        padded: bool,
    },
    /// `PM` / `pm`
    AmPm {
        upper: bool,
    },
    /// `Mon`
    WeekdayAbbr,
    /// `Monday`
    WeekdayName,
    /// `MST`
    ZoneAbbr,
    /// `-0700`, `-07:00`, `-07`, `-070000`, `-07:00:00`, and the same with `Z` for the sign.
    Offset {
        z_for_utc: bool,
        colons: bool,
        precision: OffsetPrecision,
    },
    /// `.000` (exactly `digits` digits) / `.999` (optional)
    Fraction {
        digits: u8,
        optional: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayPadding {
    Zero,
    Space,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetPrecision {
    Hours,
    Minutes,
    Seconds,
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

    /// Whether the kind has a rule most strings fail (an address, a hash, an id's shape), so it
    /// can scan every string inside a `json` value; `aws_tag`, `email` (any `@`), `username`
    /// and `trace_id` take nearly any string.
    pub fn has_value_rule(self) -> bool {
        !matches!(
            self,
            IndicatorKind::AwsTag
                | IndicatorKind::Email
                | IndicatorKind::Username
                | IndicatorKind::TraceId
        )
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
