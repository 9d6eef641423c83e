//! The static data the runtime reads: the `LOG_TYPE` registry entry, one `FieldSpec` static per
//! field, one `&[&FieldSpec]` table per object, and the helper statics the specs point to (array
//! element specs and indicator patterns).
//!
//! Every static is named after what it stands for, never after a position, so adding a field
//! adds lines without changing any other field's: `X__SRCADDR` is the spec of field `srcaddr` of
//! the object whose table is `X_FIELDS`, `X__TAGS__ELEMENT` the element spec of array field `tags`,
//! and `X__RDATA__PATTERN_1` the pattern of that field's indicator 1. Object prefixes and field
//! names never hold a double underscore, so the names cannot collide.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::tokens::{doc_attrs, ident, optional_str, rt, str_lit, str_slice};
use super::{EmitError, LogTypeContext};
use crate::ir;

/// The static holding `field`'s spec: `AWS_VPC_DNS_FIELDS` + `srcaddr` -> `AWS_VPC_DNS__SRCADDR`.
/// It is also the prefix of the field's helper statics.
pub(super) fn field_static_name(object: &ir::Object, field: &ir::Field) -> String {
    let object_prefix = object
        .fields_static
        .strip_suffix("_FIELDS")
        .unwrap_or(&object.fields_static);
    let field_name = field.rust_name.trim_start_matches("r#");
    format!("{object_prefix}__{}", field_name.to_ascii_uppercase())
}

/// The static holding the element spec of the array whose value has `prefix`; it is also the
/// prefix of that element's own helpers.
pub(super) fn element_static_name(prefix: &str) -> String {
    format!("{prefix}__ELEMENT")
}

fn pattern_static_name(prefix: &str, indicator_index: usize) -> String {
    format!("{prefix}__PATTERN_{indicator_index}")
}

/// Field names outside ASCII may keep lower-case letters in their static's name.
fn static_case_allowance(name: &str) -> TokenStream {
    if name.chars().any(char::is_lowercase) {
        quote!(#[allow(non_upper_case_globals)])
    } else {
        TokenStream::new()
    }
}

/// `pub static LOG_TYPE: rt::LogType = ...;`
pub(super) fn log_type_static(ctx: &LogTypeContext) -> Result<TokenStream, EmitError> {
    let log_type = ctx.log_type;
    let root = ctx.object(0)?;
    let root_name = ident(&root.rust_name)?;
    let root_type = if ctx.borrows(0) {
        quote!(#root_name<'_>)
    } else {
        quote!(#root_name)
    };
    let root_fields = ident(&root.fields_static)?;
    let doc = doc_attrs(Some(&format!("The registry entry of {}.", log_type.name)));
    let name = str_lit(&log_type.name);
    let description = optional_str(log_type.description.as_deref());
    let reference_url = optional_str(log_type.reference_url.as_deref());
    let source_file = str_lit(&log_type.source_file);
    let parser = parser_spec(&log_type.parser);
    let envelope = envelope_spec(log_type.envelope.as_ref());
    let log_type_path = rt("LogType");
    let compiled = rt("ParseEvent::Compiled");
    // With field discovery the record's undeclared keys are kept: another runtime entry point.
    let parse_event = rt(if log_type.field_discovery {
        "parse_event_keeping_unknown"
    } else {
        "parse_event"
    });
    let field_discovery = log_type.field_discovery;
    let parser_statics = match &log_type.parser {
        ir::Parser::Regex(regex) => super::text_parsers::regex_static(regex),
        _ => TokenStream::new(),
    };
    Ok(quote! {
        #parser_statics
        #doc
        pub static LOG_TYPE: #log_type_path = #log_type_path {
            name: #name,
            description: #description,
            reference_url: #reference_url,
            source_file: #source_file,
            parser: #parser,
            envelope: #envelope,
            field_discovery: #field_discovery,
            fields: #root_fields,
            parse_event: #compiled(|input, meta, out| { #parse_event::<#root_type>(input, meta, out) }),
        };
    })
}

fn envelope_spec(envelope: Option<&ir::Envelope>) -> TokenStream {
    let Some(envelope) = envelope else {
        return quote! { None };
    };
    let spec = rt("EnvelopeSpec");
    let records = str_slice(&envelope.records);
    let message = optional_str(envelope.message.as_deref());
    quote! {
        Some(#spec {
            records: #records,
            message: #message,
        })
    }
}

fn parser_spec(parser: &ir::Parser) -> TokenStream {
    match parser {
        ir::Parser::JsonLines => rt("ParserSpec::JsonLines"),
        ir::Parser::Delimited(delimited) => {
            let variant = rt("ParserSpec::Delimited");
            let spec = rt("DelimitedSpec");
            let delimiter = Literal::character(delimited.delimiter);
            let merge_delimiters = delimited.merge_delimiters;
            let empty_values = str_slice(&delimited.empty_values);
            let header = match delimited.header {
                ir::HeaderMode::None => rt("HeaderMode::None"),
                ir::HeaderMode::Detect => rt("HeaderMode::Detect"),
            };
            let default_columns = str_slice(&delimited.default_columns);
            let extra_columns = match delimited.extra_columns {
                ir::ExtraColumns::Reject => rt("ExtraColumns::Reject"),
                ir::ExtraColumns::Ignore => rt("ExtraColumns::Ignore"),
            };
            let skip_prefix = super::text_parsers::optional_str(delimited.skip_prefix.as_deref());
            let header_prefix =
                super::text_parsers::optional_str(delimited.header_prefix.as_deref());
            let header_delimiter = match delimited.header_delimiter {
                Some(delimiter) => {
                    let delimiter = Literal::character(delimiter);
                    quote!(Some(#delimiter))
                }
                None => quote!(None),
            };
            let expand_fields = super::text_parsers::expand_specs(&delimited.expand_fields);
            quote! {
                #variant(#spec {
                    delimiter: #delimiter,
                    merge_delimiters: #merge_delimiters,
                    empty_values: #empty_values,
                    header: #header,
                    default_columns: #default_columns,
                    extra_columns: #extra_columns,
                    skip_prefix: #skip_prefix,
                    header_prefix: #header_prefix,
                    header_delimiter: #header_delimiter,
                    expand_fields: #expand_fields,
                })
            }
        }
        ir::Parser::FastMatch(fastmatch) => super::text_parsers::fastmatch_spec(fastmatch),
        ir::Parser::Csv(csv) => super::text_parsers::csv_spec(csv),
        ir::Parser::Regex(regex) => super::text_parsers::regex_spec(regex),
    }
}

/// Each field's helper statics and spec static, then `pub static <X>_FIELDS: &[&FieldSpec]`.
pub(super) fn field_table(
    ctx: &LogTypeContext,
    object: &ir::Object,
) -> Result<TokenStream, EmitError> {
    let mut tables = TableBuilder {
        ctx,
        object,
        helpers: Vec::new(),
    };
    let field_spec = rt("FieldSpec");
    let mut field_statics = Vec::new();
    let mut field_refs = Vec::new();
    for field in &object.fields {
        let static_name = field_static_name(object, field);
        let spec = tables.field_spec(field, &static_name)?;
        let static_ident = ident(&static_name)?;
        let allowance = static_case_allowance(&static_name);
        field_statics.push(quote! {
            #allowance
            pub static #static_ident: #field_spec = #spec;
        });
        field_refs.push(quote!(&#static_ident));
    }
    let helpers = tables.helpers;
    let table_name = ident(&object.fields_static)?;
    Ok(quote! {
        #(#helpers)*
        #(#field_statics)*
        pub static #table_name: &[&#field_spec] = &[#(#field_refs),*];
    })
}

/// Builds one object's specs, collecting the helper statics they refer to in a stable order.
struct TableBuilder<'a> {
    ctx: &'a LogTypeContext<'a>,
    object: &'a ir::Object,
    helpers: Vec<TokenStream>,
}

impl TableBuilder<'_> {
    /// `rt::ValueKind::String.optional("name", &["key"])` (`FieldSpec::optional`) and a builder
    /// call per rule the field adds (`.event_time()`, `.indicators(..)`, ...).
    fn field_spec(
        &mut self,
        field: &ir::Field,
        static_name: &str,
    ) -> Result<TokenStream, EmitError> {
        let name = str_lit(&field.name);
        let keys = str_slice(&field.input_keys);
        let constructor = if field.required {
            quote!(required)
        } else {
            quote!(optional)
        };
        let kind = rt(&format!("ValueKind::{}", value_kind(&field.value.ty)));
        let mut rules = Vec::new();
        if field.is_event_time {
            rules.push(quote!(event_time()));
        }
        rules.extend(self.value_rules(&field.value, static_name)?);
        Ok(quote!(#kind.#constructor(#name, #keys) #(.#rules)*))
    }

    /// `rt::ValueKind::String.spec()` (`ValueSpec::of`) and a builder call per rule; `prefix`
    /// names the helper statics it needs.
    fn value_spec(&mut self, value: &ir::Value, prefix: &str) -> Result<TokenStream, EmitError> {
        let kind = rt(&format!("ValueKind::{}", value_kind(&value.ty)));
        let rules = self.value_rules(value, prefix)?;
        Ok(quote!(#kind.spec() #(.#rules)*))
    }

    /// The builder calls (`FieldSpec` and `ValueSpec` have the same ones) for what a value adds
    /// to a plain value of its kind.
    fn value_rules(
        &mut self,
        value: &ir::Value,
        prefix: &str,
    ) -> Result<Vec<TokenStream>, EmitError> {
        let mut rules: Vec<TokenStream> = Vec::new();
        if !value.empty_values.is_empty() {
            let empty_values = str_slice(&value.empty_values);
            rules.push(quote!(empty_values(#empty_values)));
        }
        if let ir::Type::Timestamp(formats) = &value.ty {
            let formats = formats.iter().map(time_format);
            rules.push(quote!(time_formats(&[#(#formats),*])));
        }
        if !value.indicators.is_empty() {
            let indicators = value
                .indicators
                .iter()
                .enumerate()
                .map(|(index, indicator)| {
                    self.indicator_spec(indicator, &pattern_static_name(prefix, index))
                })
                .collect::<Result<Vec<_>, _>>()?;
            rules.push(quote!(indicators(&[#(#indicators),*])));
        }
        if !value.validate.allow.is_empty() {
            let allow = str_slice(&value.validate.allow);
            rules.push(quote!(allow(#allow)));
        }
        if !value.validate.deny.is_empty() {
            let deny = str_slice(&value.validate.deny);
            rules.push(quote!(deny(#deny)));
        }
        if let Some(version) = value.validate.ip {
            let ip = ip_version(version);
            rules.push(quote!(ip(#ip)));
        }
        if let Some(version) = value.validate.cidr {
            let cidr = ip_version(version);
            rules.push(quote!(cidr(#cidr)));
        }
        if value.embedded_json {
            rules.push(quote!(embedded_json()));
        }
        match &value.ty {
            ir::Type::Array(element) => {
                let static_name = element_static_name(prefix);
                let element_spec = self.value_spec(element, &static_name)?;
                let static_ident = ident(&static_name)?;
                let value_spec = rt("ValueSpec");
                let allowance = static_case_allowance(&static_name);
                self.helpers
                    .push(quote!(#allowance static #static_ident: #value_spec = #element_spec;));
                rules.push(quote!(element(&#static_ident)));
            }
            ir::Type::Object(index) => {
                let table = ident(&self.ctx.object(*index)?.fields_static)?;
                rules.push(quote!(object_fields(#table)));
            }
            _ => {}
        }
        Ok(rules)
    }

    /// `rt::IndicatorSpec::of(kind)`, then `.when(..)` and `.pattern(..)` if it has them.
    fn indicator_spec(
        &mut self,
        indicator: &ir::Indicator,
        pattern_name: &str,
    ) -> Result<TokenStream, EmitError> {
        let of = rt("IndicatorSpec::of");
        let kind = rt(&format!("IndicatorKind::{}", indicator.kind.variant_name()));
        let mut spec = quote!(#of(#kind));
        if let Some(condition) = &indicator.when {
            let sibling = self
                .object
                .fields
                .get(condition.field_index)
                .ok_or_else(|| {
                    EmitError::new(format!(
                        "{}: indicator condition names field index {} of {}, which does not exist",
                        indicator.location, condition.field_index, self.object.rust_name
                    ))
                })?;
            let field = str_lit(&sibling.name);
            let values = str_slice(&condition.values);
            spec = quote!(#spec.when(#field, #values));
        }
        if let Some(source) = &indicator.pattern {
            let static_ident = ident(pattern_name)?;
            let pattern_type = rt("Pattern");
            let source = str_lit(source);
            let allowance = static_case_allowance(pattern_name);
            self.helpers.push(quote!(
                #allowance static #static_ident: #pattern_type = #pattern_type::new(#source);
            ));
            spec = quote!(#spec.pattern(&#static_ident));
        }
        Ok(spec)
    }
}

/// The runtime's `ValueKind` variant.
fn value_kind(ty: &ir::Type) -> &'static str {
    match ty {
        ir::Type::String => "String",
        ir::Type::SmallInt => "SmallInt",
        ir::Type::Int => "Int",
        ir::Type::BigInt => "BigInt",
        ir::Type::Float => "Float",
        ir::Type::Boolean => "Boolean",
        ir::Type::Timestamp(_) => "Timestamp",
        ir::Type::Json => "Json",
        ir::Type::Array(_) => "Array",
        ir::Type::Object(_) => "Object",
    }
}

fn time_format(format: &ir::TimeFormat) -> TokenStream {
    match format {
        ir::TimeFormat::Rfc3339 => rt("TimeFormat::Rfc3339"),
        ir::TimeFormat::Unix => rt("TimeFormat::Unix"),
        ir::TimeFormat::UnixMs => rt("TimeFormat::UnixMs"),
        ir::TimeFormat::UnixUs => rt("TimeFormat::UnixUs"),
        ir::TimeFormat::UnixNs => rt("TimeFormat::UnixNs"),
        ir::TimeFormat::Strftime(pattern) => {
            let variant = rt("TimeFormat::Strftime");
            let pattern = str_lit(pattern);
            quote!(#variant(#pattern))
        }
        ir::TimeFormat::Layout(layout) => {
            let variant = rt("TimeFormat::Layout");
            let go_layout = rt("GoLayout");
            let spelling = str_lit(&format!("layout={}", layout.layout));
            let tokens = layout.tokens.iter().map(layout_token);
            quote!(#variant(&#go_layout { spelling: #spelling, tokens: &[#(#tokens),*] }))
        }
        ir::TimeFormat::Cloudflare => rt("TimeFormat::Cloudflare"),
    }
}

/// One `runtime::LayoutToken`: the layout was cut into tokens at build time.
fn layout_token(token: &ir::LayoutToken) -> TokenStream {
    use ir::LayoutToken as T;
    let variant = |name: &str| rt(&format!("LayoutToken::{name}"));
    match token {
        T::Literal(text) => {
            let path = variant("Literal");
            let text = str_lit(text);
            quote!(#path(#text))
        }
        T::Year => variant("Year"),
        T::YearTwoDigits => variant("YearTwoDigits"),
        T::MonthAbbr => variant("MonthAbbr"),
        T::MonthName => variant("MonthName"),
        T::Hour => variant("Hour"),
        T::WeekdayAbbr => variant("WeekdayAbbr"),
        T::WeekdayName => variant("WeekdayName"),
        T::ZoneAbbr => variant("ZoneAbbr"),
        T::Month { padded } => {
            let path = variant("Month");
            quote!(#path { padded: #padded })
        }
        T::Hour12 { padded } => {
            let path = variant("Hour12");
            quote!(#path { padded: #padded })
        }
        T::Minute { padded } => {
            let path = variant("Minute");
            quote!(#path { padded: #padded })
        }
        T::Second { padded } => {
            let path = variant("Second");
            quote!(#path { padded: #padded })
        }
        T::AmPm { upper } => {
            let path = variant("AmPm");
            quote!(#path { upper: #upper })
        }
        T::YearDay { space_padded } => {
            let path = variant("YearDay");
            quote!(#path { space_padded: #space_padded })
        }
        T::Day(padding) => {
            let path = variant("Day");
            let padding = rt(match padding {
                ir::DayPadding::Zero => "DayPadding::Zero",
                ir::DayPadding::Space => "DayPadding::Space",
                ir::DayPadding::None => "DayPadding::None",
            });
            quote!(#path(#padding))
        }
        T::Offset {
            z_for_utc,
            colons,
            precision,
        } => {
            let path = variant("Offset");
            let style = rt("OffsetStyle");
            let precision = rt(match precision {
                ir::OffsetPrecision::Hours => "OffsetPrecision::Hours",
                ir::OffsetPrecision::Minutes => "OffsetPrecision::Minutes",
                ir::OffsetPrecision::Seconds => "OffsetPrecision::Seconds",
            });
            quote!(#path(#style { z_for_utc: #z_for_utc, colons: #colons, precision: #precision }))
        }
        T::Fraction { digits, optional } => {
            let path = variant("Fraction");
            let digits = Literal::u8_unsuffixed(*digits);
            quote!(#path { digits: #digits, optional: #optional })
        }
    }
}

fn ip_version(version: ir::IpVersion) -> TokenStream {
    rt(match version {
        ir::IpVersion::V4 => "IpVersion::V4",
        ir::IpVersion::V6 => "IpVersion::V6",
        ir::IpVersion::Any => "IpVersion::Any",
    })
}
