//! The resolved IR turned into the runtime's spec values, the ones the generator writes as
//! statics (codegen/src/emit/specs.rs and text_parsers.rs): leaked once per schema per run, so
//! the runtime reads them as `&'static` exactly as it reads generated statics.

use logschema_codegen::ir;

use crate::runtime::{
    CsvSpec, DayPadding, DelimitedSpec, EnvelopeSpec, ExpandSpec, ExtraColumns, FastCapture,
    FastMatchSpec, FastPattern, GoLayout, HeaderMode, IndicatorCondition, IndicatorKind,
    IndicatorSpec, IpVersion, LayoutToken, OffsetPrecision, OffsetStyle, ParserSpec, Pattern,
    RegexCapture, RegexPattern, RegexSpec, TemplatePart, TextRecordSpec, TimeFormat, ValueKind,
};

pub(super) fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

pub(super) fn leak_slice<T>(values: Vec<T>) -> &'static [T] {
    Box::leak(values.into_boxed_slice())
}

pub(super) fn leak_str(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

pub(super) fn leak_strs(texts: &[String]) -> &'static [&'static str] {
    leak_slice(texts.iter().map(|text| leak_str(text)).collect())
}

fn leak_option_str(text: Option<&str>) -> Option<&'static str> {
    text.map(leak_str)
}

pub(super) fn envelope(envelope: Option<&ir::Envelope>) -> Option<EnvelopeSpec> {
    envelope.map(|envelope| EnvelopeSpec {
        records: leak_strs(&envelope.records),
        message: leak_option_str(envelope.message.as_deref()),
    })
}

pub(super) fn parser(parser: &ir::Parser) -> ParserSpec {
    match parser {
        ir::Parser::JsonLines => ParserSpec::JsonLines,
        ir::Parser::Delimited(delimited) => ParserSpec::Delimited(DelimitedSpec {
            delimiter: delimited.delimiter,
            merge_delimiters: delimited.merge_delimiters,
            empty_values: leak_strs(&delimited.empty_values),
            header: match delimited.header {
                ir::HeaderMode::None => HeaderMode::None,
                ir::HeaderMode::Detect => HeaderMode::Detect,
            },
            default_columns: leak_strs(&delimited.default_columns),
            extra_columns: match delimited.extra_columns {
                ir::ExtraColumns::Reject => ExtraColumns::Reject,
                ir::ExtraColumns::Ignore => ExtraColumns::Ignore,
            },
            skip_prefix: leak_option_str(delimited.skip_prefix.as_deref()),
            header_prefix: leak_option_str(delimited.header_prefix.as_deref()),
            header_delimiter: delimited.header_delimiter,
            expand_fields: expand_fields(&delimited.expand_fields),
        }),
        ir::Parser::FastMatch(fastmatch) => ParserSpec::FastMatch(FastMatchSpec {
            keys: leak_strs(&fastmatch.keys),
            patterns: leak_slice(
                fastmatch
                    .patterns
                    .iter()
                    .map(|pattern| FastPattern {
                        prefix: leak_str(&pattern.prefix),
                        captures: leak_slice(
                            pattern
                                .captures
                                .iter()
                                .map(|capture| FastCapture {
                                    column: capture.column,
                                    until: leak_str(&capture.until),
                                    quote: capture.quote,
                                    at_last: capture.at_last,
                                })
                                .collect(),
                        ),
                    })
                    .collect(),
            ),
            text: text_spec(&fastmatch.options),
        }),
        ir::Parser::Csv(csv) => ParserSpec::Csv(CsvSpec {
            delimiter: csv.delimiter,
            has_header: csv.has_header,
            columns: leak_strs(&csv.columns),
            text: text_spec(&csv.options),
        }),
        ir::Parser::Regex(regex) => ParserSpec::Regex(RegexSpec {
            regex: leak(RegexPattern::new(leak_str(&regex.pattern))),
            keys: leak_strs(&regex.keys),
            captures: leak_slice(
                regex
                    .captures
                    .iter()
                    .map(|capture| RegexCapture {
                        group: capture.group,
                        column: capture.column,
                    })
                    .collect(),
            ),
            text: text_spec(&regex.options),
        }),
    }
}

fn text_spec(options: &ir::TextOptions) -> TextRecordSpec {
    TextRecordSpec {
        skip_lines: options.skip_lines,
        skip_prefix: leak_option_str(options.skip_prefix.as_deref()),
        trim_space: options.trim_space,
        empty_values: leak_strs(&options.empty_values),
        expand_fields: expand_fields(&options.expand_fields),
    }
}

fn expand_fields(expand_fields: &[ir::ExpandField]) -> &'static [ExpandSpec] {
    leak_slice(
        expand_fields
            .iter()
            .map(|expand| ExpandSpec {
                name: leak_str(&expand.name),
                template: leak_slice(
                    expand
                        .template
                        .iter()
                        .map(|part| match part {
                            ir::TemplatePart::Text(text) => TemplatePart::Text(leak_str(text)),
                            ir::TemplatePart::Key(key) => TemplatePart::Key(leak_str(key)),
                        })
                        .collect(),
                ),
            })
            .collect(),
    )
}

pub(super) fn value_kind(ty: &ir::Type) -> ValueKind {
    match ty {
        ir::Type::String => ValueKind::String,
        ir::Type::SmallInt => ValueKind::SmallInt,
        ir::Type::Int => ValueKind::Int,
        ir::Type::BigInt => ValueKind::BigInt,
        ir::Type::Float => ValueKind::Float,
        ir::Type::Boolean => ValueKind::Boolean,
        ir::Type::Timestamp(_) => ValueKind::Timestamp,
        ir::Type::Json => ValueKind::Json,
        ir::Type::Array(_) => ValueKind::Array,
        ir::Type::Object(_) => ValueKind::Object,
    }
}

pub(super) fn time_formats(ty: &ir::Type) -> &'static [TimeFormat] {
    match ty {
        ir::Type::Timestamp(formats) => leak_slice(formats.iter().map(time_format).collect()),
        _ => &[],
    }
}

fn time_format(format: &ir::TimeFormat) -> TimeFormat {
    match format {
        ir::TimeFormat::Rfc3339 => TimeFormat::Rfc3339,
        ir::TimeFormat::Unix => TimeFormat::Unix,
        ir::TimeFormat::UnixMs => TimeFormat::UnixMs,
        ir::TimeFormat::UnixUs => TimeFormat::UnixUs,
        ir::TimeFormat::UnixNs => TimeFormat::UnixNs,
        ir::TimeFormat::Strftime(pattern) => TimeFormat::Strftime(leak_str(pattern)),
        ir::TimeFormat::Layout(layout) => TimeFormat::Layout(leak(GoLayout {
            spelling: leak_str(&format!("layout={}", layout.layout)),
            tokens: leak_slice(layout.tokens.iter().map(layout_token).collect()),
        })),
        ir::TimeFormat::Cloudflare => TimeFormat::Cloudflare,
    }
}

fn layout_token(token: &ir::LayoutToken) -> LayoutToken {
    use ir::LayoutToken as T;
    match token {
        T::Literal(text) => LayoutToken::Literal(leak_str(text)),
        T::Year => LayoutToken::Year,
        T::YearTwoDigits => LayoutToken::YearTwoDigits,
        T::Month { padded } => LayoutToken::Month { padded: *padded },
        T::MonthAbbr => LayoutToken::MonthAbbr,
        T::MonthName => LayoutToken::MonthName,
        T::Day(padding) => LayoutToken::Day(match padding {
            ir::DayPadding::Zero => DayPadding::Zero,
            ir::DayPadding::Space => DayPadding::Space,
            ir::DayPadding::None => DayPadding::None,
        }),
        T::YearDay { space_padded } => LayoutToken::YearDay {
            space_padded: *space_padded,
        },
        T::Hour => LayoutToken::Hour,
        T::Hour12 { padded } => LayoutToken::Hour12 { padded: *padded },
        T::Minute { padded } => LayoutToken::Minute { padded: *padded },
        T::Second { padded } => LayoutToken::Second { padded: *padded },
        T::AmPm { upper } => LayoutToken::AmPm { upper: *upper },
        T::WeekdayAbbr => LayoutToken::WeekdayAbbr,
        T::WeekdayName => LayoutToken::WeekdayName,
        T::ZoneAbbr => LayoutToken::ZoneAbbr,
        T::Offset {
            z_for_utc,
            colons,
            precision,
        } => LayoutToken::Offset(OffsetStyle {
            z_for_utc: *z_for_utc,
            colons: *colons,
            precision: match precision {
                ir::OffsetPrecision::Hours => OffsetPrecision::Hours,
                ir::OffsetPrecision::Minutes => OffsetPrecision::Minutes,
                ir::OffsetPrecision::Seconds => OffsetPrecision::Seconds,
            },
        }),
        T::Fraction { digits, optional } => LayoutToken::Fraction {
            digits: *digits,
            optional: *optional,
        },
    }
}

pub(super) fn ip_version(version: Option<ir::IpVersion>) -> Option<IpVersion> {
    version.map(|version| match version {
        ir::IpVersion::V4 => IpVersion::V4,
        ir::IpVersion::V6 => IpVersion::V6,
        ir::IpVersion::Any => IpVersion::Any,
    })
}

/// An indicator's spec; `sibling` is the name of the field its `when` reads.
pub(super) fn indicator(indicator: &ir::Indicator, sibling: Option<&str>) -> IndicatorSpec {
    IndicatorSpec {
        kind: indicator_kind(indicator.kind),
        when: indicator
            .when
            .as_ref()
            .zip(sibling)
            .map(|(condition, field)| IndicatorCondition {
                field: leak_str(field),
                values: leak_strs(&condition.values),
            }),
        pattern: indicator
            .pattern
            .as_deref()
            .map(|source| leak(Pattern::new(leak_str(source)))),
    }
}

fn indicator_kind(kind: ir::IndicatorKind) -> IndicatorKind {
    match kind {
        ir::IndicatorKind::Ip => IndicatorKind::Ip,
        ir::IndicatorKind::Domain => IndicatorKind::Domain,
        ir::IndicatorKind::Hostname => IndicatorKind::Hostname,
        ir::IndicatorKind::Url => IndicatorKind::Url,
        ir::IndicatorKind::NetAddr => IndicatorKind::NetAddr,
        ir::IndicatorKind::Md5 => IndicatorKind::Md5,
        ir::IndicatorKind::Sha1 => IndicatorKind::Sha1,
        ir::IndicatorKind::Sha256 => IndicatorKind::Sha256,
        ir::IndicatorKind::AwsAccountId => IndicatorKind::AwsAccountId,
        ir::IndicatorKind::AwsInstanceId => IndicatorKind::AwsInstanceId,
        ir::IndicatorKind::AwsArn => IndicatorKind::AwsArn,
        ir::IndicatorKind::AwsTag => IndicatorKind::AwsTag,
        ir::IndicatorKind::Email => IndicatorKind::Email,
        ir::IndicatorKind::Username => IndicatorKind::Username,
        ir::IndicatorKind::TraceId => IndicatorKind::TraceId,
    }
}
