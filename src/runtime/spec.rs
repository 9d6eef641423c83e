//! Static descriptions of log types, built by the generated code. Everything here is plain data
//! that can live in a `static`; the runtime's decoders, indicator extraction, `logschema show` and
//! the test runner read it.

use super::{
    CsvSpec, DecodeError, EventMeta, EventOutput, ExpandSpec, FastMatchSpec, GoLayout, ObjectRef,
    Pattern, RegexSpec,
};

/// One log type in the registry (`crate::log_types()`).
#[derive(Debug)]
pub struct LogType {
    /// `AWS.VPCFlow`
    pub name: &'static str,
    pub description: Option<&'static str>,
    pub reference_url: Option<&'static str>,
    /// The schema file it was generated from: `schemas/aws/vpcflow.yml`.
    pub source_file: &'static str,
    pub parser: ParserSpec,
    /// Records nested in JSON documents (`parser.envelope`); `None`: the input is the records.
    pub envelope: Option<EnvelopeSpec>,
    /// `fieldDiscoveryEnabled`: a JSON record's undeclared keys go to `p_unknown`.
    pub field_discovery: bool,
    /// The record's fields, in schema (and output) order.
    pub fields: &'static [&'static FieldSpec],
    /// Decodes one record, validates it, extracts indicators and appends its event to the output:
    /// one JSON line (with its `\n`), or one Arrow row. On error the output is left as it was.
    pub parse_event: ParseEvent,
}

pub type ParseEventFn =
    fn(&ObjectRef<'_, '_>, &EventMeta<'_>, &mut dyn EventOutput) -> Result<(), DecodeError>;

/// How a log type turns a record into an event: the generated code's function, or a schema
/// loaded at run time (`logschema parse --schema`, `crate::interpret`).
#[derive(Debug, Clone, Copy)]
pub enum ParseEvent {
    Compiled(ParseEventFn),
    Interpreted(&'static dyn InterpretedParser),
}

/// A log type's record decoder built at run time from a schema's resolved IR.
pub trait InterpretedParser: std::fmt::Debug + Sync + std::panic::RefUnwindSafe {
    /// What [`ParseEventFn`] does.
    fn parse_event(
        &self,
        input: &ObjectRef<'_, '_>,
        meta: &EventMeta<'_>,
        out: &mut dyn EventOutput,
    ) -> Result<(), DecodeError>;
}

impl ParseEvent {
    /// Decodes, validates and writes one record (see [`LogType::parse_event`]).
    #[inline]
    pub fn call(
        &self,
        input: &ObjectRef<'_, '_>,
        meta: &EventMeta<'_>,
        out: &mut dyn EventOutput,
    ) -> Result<(), DecodeError> {
        match self {
            ParseEvent::Compiled(parse) => parse(input, meta, out),
            ParseEvent::Interpreted(parser) => parser.parse_event(input, meta, out),
        }
    }
}

/// Where the records are in each JSON document of the input: the elements of the array at
/// `records` (a path of object keys). A document without that array is a record itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvelopeSpec {
    /// `["Records"]`, `["logEvents"]`.
    pub records: &'static [&'static str],
    /// Each element's string under this key is the record's text (CloudWatch Logs'
    /// `message`); `None`: each element is the record.
    pub message: Option<&'static str>,
}

#[derive(Debug, Clone, Copy)]
pub enum ParserSpec {
    /// A stream of JSON objects: one per line, several on a line or one over several lines.
    JsonLines,
    Delimited(DelimitedSpec),
    /// Panther's `fastmatch`: `%{field}` patterns.
    FastMatch(FastMatchSpec),
    /// Panther's `csv`.
    Csv(CsvSpec),
    /// Panther's `regex`: grok, expanded by the generator into one regex.
    Regex(RegexSpec),
}

#[derive(Debug, Clone, Copy)]
pub struct DelimitedSpec {
    pub delimiter: char,
    /// Runs of the delimiter are one separator; leading and trailing delimiters are ignored.
    pub merge_delimiters: bool,
    /// Values meaning "absent" in every column.
    pub empty_values: &'static [&'static str],
    pub header: HeaderMode,
    /// Column names that apply until a header line is seen (empty: a header is needed first).
    pub default_columns: &'static [&'static str],
    /// What a line with more values than its column mapping has columns gets.
    pub extra_columns: ExtraColumns,
    /// `skipPrefix`: a line starting with this is not a record (a header line is looked for
    /// first).
    pub skip_prefix: Option<&'static str>,
    /// `headerPrefix`: the header lines are exactly the lines starting with this text, and the
    /// rest of such a line names the columns (W3C's `#Fields:`). `None`: `header` decides.
    pub header_prefix: Option<&'static str>,
    /// What separates the names of a `header_prefix` line (runs of it count as one); `None`:
    /// runs of white space.
    pub header_delimiter: Option<char>,
    /// `expandFields`: new values built from a line's columns, one more column each.
    pub expand_fields: &'static [ExpandSpec],
}

/// Values past the last column of the mapping (the header's or the default columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtraColumns {
    /// The line is rejected (`too many columns`): two records glued on one line, or a format
    /// with columns the mapping does not name, lose nothing silently.
    Reject,
    /// The extra values are dropped.
    Ignore,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderMode {
    /// No line is a header.
    None,
    /// A line is a header when at least half of its values are known column names.
    Detect,
}

/// One field of an object.
#[derive(Debug)]
pub struct FieldSpec {
    /// Output name.
    pub name: &'static str,
    /// Input keys (JSON) or column names (delimited), in order of preference.
    pub keys: &'static [&'static str],
    pub required: bool,
    pub is_event_time: bool,
    // No description: it lives in the generated field's doc comment only, so changing it changes
    // one line of generated code.
    pub value: ValueSpec,
}

/// What a field or array element holds, with the rules for the value.
#[derive(Debug)]
pub struct ValueSpec {
    pub kind: ValueKind,
    /// Values meaning "absent" (compared after trimming for text).
    pub empty_values: &'static [&'static str],
    /// For timestamps: tried in order.
    pub time_formats: &'static [TimeFormat],
    pub indicators: &'static [IndicatorSpec],
    pub allow: &'static [&'static str],
    pub deny: &'static [&'static str],
    pub ip: Option<IpVersion>,
    pub cidr: Option<IpVersion>,
    /// The value arrives as a JSON-encoded string.
    pub embedded_json: bool,
    /// For arrays.
    pub element: Option<&'static ValueSpec>,
    /// For objects: the nested object's fields.
    pub object_fields: Option<&'static [&'static FieldSpec]>,
}

/// Const builders for the generated specs: `FieldSpec::optional("srcAddr", &["srcaddr"],
/// ValueKind::String).indicators(&[IndicatorSpec::of(IndicatorKind::Ip)])` spells out only what
/// the field adds to a plain value of its kind.
#[doc(hidden)]
impl FieldSpec {
    pub const fn required(
        name: &'static str,
        keys: &'static [&'static str],
        kind: ValueKind,
    ) -> Self {
        FieldSpec {
            name,
            keys,
            required: true,
            is_event_time: false,
            value: ValueSpec::of(kind),
        }
    }

    pub const fn optional(
        name: &'static str,
        keys: &'static [&'static str],
        kind: ValueKind,
    ) -> Self {
        FieldSpec {
            required: false,
            ..FieldSpec::required(name, keys, kind)
        }
    }

    /// `isEventTime: true`.
    pub const fn event_time(mut self) -> Self {
        self.is_event_time = true;
        self
    }

    pub const fn empty_values(mut self, values: &'static [&'static str]) -> Self {
        self.value = self.value.empty_values(values);
        self
    }

    pub const fn time_formats(mut self, formats: &'static [TimeFormat]) -> Self {
        self.value = self.value.time_formats(formats);
        self
    }

    pub const fn indicators(mut self, indicators: &'static [IndicatorSpec]) -> Self {
        self.value = self.value.indicators(indicators);
        self
    }

    pub const fn allow(mut self, values: &'static [&'static str]) -> Self {
        self.value = self.value.allow(values);
        self
    }

    pub const fn deny(mut self, values: &'static [&'static str]) -> Self {
        self.value = self.value.deny(values);
        self
    }

    pub const fn ip(mut self, version: IpVersion) -> Self {
        self.value = self.value.ip(version);
        self
    }

    pub const fn cidr(mut self, version: IpVersion) -> Self {
        self.value = self.value.cidr(version);
        self
    }

    pub const fn embedded_json(mut self) -> Self {
        self.value = self.value.embedded_json();
        self
    }

    pub const fn element(mut self, element: &'static ValueSpec) -> Self {
        self.value = self.value.element(element);
        self
    }

    pub const fn object_fields(mut self, fields: &'static [&'static FieldSpec]) -> Self {
        self.value = self.value.object_fields(fields);
        self
    }
}

impl ValueSpec {
    /// A value of `kind` with no rules: generated specs spell out only what they add to it
    /// through the builders below.
    pub const fn of(kind: ValueKind) -> Self {
        ValueSpec {
            kind,
            empty_values: &[],
            time_formats: &[],
            indicators: &[],
            allow: &[],
            deny: &[],
            ip: None,
            cidr: None,
            embedded_json: false,
            element: None,
            object_fields: None,
        }
    }

    #[doc(hidden)]
    pub const fn empty_values(mut self, values: &'static [&'static str]) -> Self {
        self.empty_values = values;
        self
    }

    #[doc(hidden)]
    pub const fn time_formats(mut self, formats: &'static [TimeFormat]) -> Self {
        self.time_formats = formats;
        self
    }

    #[doc(hidden)]
    pub const fn indicators(mut self, indicators: &'static [IndicatorSpec]) -> Self {
        self.indicators = indicators;
        self
    }

    #[doc(hidden)]
    pub const fn allow(mut self, values: &'static [&'static str]) -> Self {
        self.allow = values;
        self
    }

    #[doc(hidden)]
    pub const fn deny(mut self, values: &'static [&'static str]) -> Self {
        self.deny = values;
        self
    }

    #[doc(hidden)]
    pub const fn ip(mut self, version: IpVersion) -> Self {
        self.ip = Some(version);
        self
    }

    #[doc(hidden)]
    pub const fn cidr(mut self, version: IpVersion) -> Self {
        self.cidr = Some(version);
        self
    }

    #[doc(hidden)]
    pub const fn embedded_json(mut self) -> Self {
        self.embedded_json = true;
        self
    }

    #[doc(hidden)]
    pub const fn element(mut self, element: &'static ValueSpec) -> Self {
        self.element = Some(element);
        self
    }

    #[doc(hidden)]
    pub const fn object_fields(mut self, fields: &'static [&'static FieldSpec]) -> Self {
        self.object_fields = Some(fields);
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    String,
    SmallInt,
    Int,
    BigInt,
    Float,
    Boolean,
    Timestamp,
    Json,
    Array,
    Object,
}

/// The generated specs start from the kind (`ValueKind::String.optional("srcAddr", &["srcaddr"])`):
/// a chain whose receiver is a path prints as one line per builder call.
#[doc(hidden)]
impl ValueKind {
    /// `FieldSpec::required(name, keys, self)`.
    pub const fn required(self, name: &'static str, keys: &'static [&'static str]) -> FieldSpec {
        FieldSpec::required(name, keys, self)
    }

    /// `FieldSpec::optional(name, keys, self)`.
    pub const fn optional(self, name: &'static str, keys: &'static [&'static str]) -> FieldSpec {
        FieldSpec::optional(name, keys, self)
    }

    /// `ValueSpec::of(self)`: an array element's spec.
    pub const fn spec(self) -> ValueSpec {
        ValueSpec::of(self)
    }
}

impl ValueKind {
    /// The schema-language spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ValueKind::String => "string",
            ValueKind::SmallInt => "smallint",
            ValueKind::Int => "int",
            ValueKind::BigInt => "bigint",
            ValueKind::Float => "float",
            ValueKind::Boolean => "boolean",
            ValueKind::Timestamp => "timestamp",
            ValueKind::Json => "json",
            ValueKind::Array => "array",
            ValueKind::Object => "object",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeFormat {
    Rfc3339,
    Unix,
    UnixMs,
    UnixUs,
    UnixNs,
    Strftime(&'static str),
    /// A Go reference-time layout, tokenised by the code generator.
    Layout(&'static GoLayout),
    /// Cloudflare's fields: an RFC 3339 string, or an integer that is Unix seconds below
    /// 60,000,000,000 and Unix nanoseconds from there on.
    Cloudflare,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpVersion {
    V4,
    V6,
    Any,
}

#[derive(Debug)]
pub struct IndicatorSpec {
    pub kind: IndicatorKind,
    pub when: Option<IndicatorCondition>,
    /// One capture group; the captured text is the indicator value.
    pub pattern: Option<&'static Pattern>,
}

#[doc(hidden)]
impl IndicatorSpec {
    /// An indicator of `kind` on the whole value, unconditionally.
    pub const fn of(kind: IndicatorKind) -> Self {
        IndicatorSpec {
            kind,
            when: None,
            pattern: None,
        }
    }

    /// Only when the sibling field `field` has one of `values`.
    pub const fn when(mut self, field: &'static str, values: &'static [&'static str]) -> Self {
        self.when = Some(IndicatorCondition { field, values });
        self
    }

    /// The value is the capture group of `pattern`.
    pub const fn pattern(mut self, pattern: &'static Pattern) -> Self {
        self.pattern = Some(pattern);
        self
    }
}

/// The indicator applies only when the sibling field `field` has one of `values`.
#[derive(Debug)]
pub struct IndicatorCondition {
    pub field: &'static str,
    pub values: &'static [&'static str],
}

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
    /// The schema-language spelling.
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
}
