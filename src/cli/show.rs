//! `logschema show TYPE`: a readable description of a log type, from its static field specs.

use std::fmt::Write;

use logschema::runtime::{
    FieldSpec, HeaderMode, IndicatorSpec, IpVersion, LogType, ParserSpec, TextRecordSpec,
    TimeFormat, ValueKind, ValueSpec,
};

pub fn describe(log_type: &LogType) -> String {
    let mut text = String::new();
    let _ = write_description(log_type, &mut text);
    text
}

fn write_description(log_type: &LogType, out: &mut String) -> std::fmt::Result {
    writeln!(out, "{}", log_type.name)?;
    if let Some(description) = log_type.description {
        for line in description.lines() {
            writeln!(out, "  {line}")?;
        }
    }
    writeln!(out, "schema: {}", log_type.source_file)?;
    if let Some(url) = log_type.reference_url {
        writeln!(out, "reference: {url}")?;
    }
    if let Some(envelope) = &log_type.envelope {
        let message = envelope
            .message
            .map(|key| format!(", each element's {key:?} the record's text"))
            .unwrap_or_default();
        writeln!(
            out,
            "envelope: records in the array {:?} of each JSON document{message}",
            envelope.records.join(".")
        )?;
    }
    let delimited = match &log_type.parser {
        ParserSpec::JsonLines => {
            writeln!(
                out,
                "parser: JSON lines (a stream of objects: one or several per line, or one over several lines)"
            )?;
            false
        }
        ParserSpec::Delimited(spec) => {
            writeln!(out, "parser: delimited")?;
            writeln!(out, "  delimiter: {:?}", spec.delimiter)?;
            writeln!(out, "  mergeDelimiters: {}", spec.merge_delimiters)?;
            if !spec.empty_values.is_empty() {
                writeln!(out, "  emptyValues: {}", quoted_list(spec.empty_values))?;
            }
            match (spec.header_prefix, spec.header) {
                (Some(prefix), _) => {
                    writeln!(out, "  header: the lines starting with {}", quote(prefix))?;
                    if let Some(delimiter) = spec.header_delimiter {
                        writeln!(out, "  headerDelimiter: {delimiter:?}")?;
                    }
                }
                (None, HeaderMode::Detect) => writeln!(out, "  header: detect")?,
                (None, HeaderMode::None) => writeln!(out, "  header: none")?,
            }
            if let Some(prefix) = spec.skip_prefix {
                writeln!(out, "  skipPrefix: {}", quote(prefix))?;
            }
            if !spec.default_columns.is_empty() {
                writeln!(out, "  columns: {}", spec.default_columns.join(" "))?;
            }
            let expanded: Vec<&str> = spec.expand_fields.iter().map(|e| e.name).collect();
            if !expanded.is_empty() {
                writeln!(out, "  expandFields: {}", expanded.join(" "))?;
            }
            true
        }
        ParserSpec::FastMatch(spec) => {
            writeln!(out, "parser: fastmatch")?;
            writeln!(out, "  captures: {}", spec.keys.join(" "))?;
            writeln!(out, "  patterns: {}", spec.patterns.len())?;
            write_text_options(&spec.text, out)?;
            false
        }
        ParserSpec::Regex(spec) => {
            writeln!(out, "parser: regex")?;
            writeln!(out, "  captures: {}", spec.keys.join(" "))?;
            writeln!(out, "  regex: {}", spec.regex.pattern)?;
            write_text_options(&spec.text, out)?;
            false
        }
        ParserSpec::Csv(spec) => {
            writeln!(out, "parser: csv")?;
            writeln!(out, "  delimiter: {:?}", spec.delimiter)?;
            writeln!(out, "  hasHeader: {}", spec.has_header)?;
            if !spec.columns.is_empty() {
                writeln!(out, "  columns: {}", quoted_list(spec.columns))?;
            }
            write_text_options(&spec.text, out)?;
            false
        }
    };
    match event_time_path(log_type.fields) {
        Some(path) => writeln!(out, "event time: {path}")?,
        None => writeln!(out, "event time: the parse time (no isEventTime field)")?,
    }
    writeln!(out, "fields:")?;
    let key_word = if delimited { "column" } else { "key" };
    write_fields(log_type.fields, 1, key_word, out)
}

/// The first `isEventTime` field in schema order, depth first, outside arrays: `a.b`.
fn event_time_path(fields: &[&FieldSpec]) -> Option<String> {
    fields.iter().find_map(|field| {
        if field.is_event_time {
            return Some(field.name.to_string());
        }
        let nested = field
            .value
            .object_fields
            .filter(|_| field.value.kind == ValueKind::Object)?;
        event_time_path(nested).map(|path| format!("{}.{path}", field.name))
    })
}

fn write_fields(
    fields: &[&FieldSpec],
    depth: usize,
    key_word: &str,
    out: &mut String,
) -> std::fmt::Result {
    let indent = "  ".repeat(depth);
    for field in fields {
        let mut attributes = vec![type_name(&field.value)];
        if field.required {
            attributes.push("required".to_string());
        }
        if let Some((first, aliases)) = field.keys.split_first() {
            if *first != field.name {
                attributes.push(format!("{key_word} {first}"));
            }
            if !aliases.is_empty() {
                attributes.push(format!("aliases [{}]", aliases.join(", ")));
            }
        }
        if field.is_event_time {
            attributes.push("event time".to_string());
        }
        attributes.extend(value_rules(&field.value));
        writeln!(out, "{indent}{}: {}", field.name, attributes.join(", "))?;
        if let Some(nested) = nested_fields(&field.value) {
            // Nested object fields: their keys are always JSON keys.
            write_fields(nested, depth + 1, "key", out)?;
        }
    }
    Ok(())
}

/// `string`, `array of object`, `array of array of int`.
fn type_name(value: &ValueSpec) -> String {
    match (value.kind, value.element) {
        (ValueKind::Array, Some(element)) => format!("array of {}", type_name(element)),
        (kind, _) => kind.as_str().to_string(),
    }
}

/// The object fields under a value, looking through arrays.
fn nested_fields(value: &ValueSpec) -> Option<&'static [&'static FieldSpec]> {
    match (value.kind, value.element) {
        (ValueKind::Array, Some(element)) => nested_fields(element),
        (ValueKind::Object, _) => value.object_fields,
        _ => None,
    }
}

/// The rules of a value (and of its array elements) besides its type.
fn value_rules(value: &ValueSpec) -> Vec<String> {
    let mut rules = Vec::new();
    if value.embedded_json {
        rules.push("embedded JSON".to_string());
    }
    if !value.empty_values.is_empty() {
        rules.push(format!("emptyValues {}", quoted_list(value.empty_values)));
    }
    if !value.time_formats.is_empty() {
        let formats: Vec<String> = value.time_formats.iter().map(time_format_name).collect();
        rules.push(format!("timeFormats [{}]", formats.join(", ")));
    }
    if !value.indicators.is_empty() {
        let indicators: Vec<String> = value.indicators.iter().map(indicator_text).collect();
        rules.push(format!("indicators [{}]", indicators.join("; ")));
    }
    if !value.allow.is_empty() {
        rules.push(format!("allow {}", quoted_list(value.allow)));
    }
    if !value.deny.is_empty() {
        rules.push(format!("deny {}", quoted_list(value.deny)));
    }
    if let Some(version) = value.ip {
        rules.push(format!("ip {}", ip_version_name(version)));
    }
    if let Some(version) = value.cidr {
        rules.push(format!("cidr {}", ip_version_name(version)));
    }
    if let (ValueKind::Array, Some(element)) = (value.kind, value.element) {
        rules.extend(
            value_rules(element)
                .into_iter()
                .map(|rule| format!("element {rule}")),
        );
    }
    rules
}

fn indicator_text(indicator: &IndicatorSpec) -> String {
    let mut text = indicator.kind.as_str().to_string();
    if let Some(condition) = &indicator.when {
        let _ = write!(
            text,
            " when {} in [{}]",
            condition.field,
            condition.values.join(", ")
        );
    }
    if let Some(pattern) = indicator.pattern {
        let _ = write!(text, " pattern {}", quote(pattern.source));
    }
    text
}

fn time_format_name(format: &TimeFormat) -> String {
    match format {
        TimeFormat::Rfc3339 => "rfc3339".to_string(),
        TimeFormat::Unix => "unix".to_string(),
        TimeFormat::UnixMs => "unix_ms".to_string(),
        TimeFormat::UnixUs => "unix_us".to_string(),
        TimeFormat::UnixNs => "unix_ns".to_string(),
        TimeFormat::Strftime(pattern) => quote(pattern),
        TimeFormat::Layout(layout) => quote(layout.spelling),
        TimeFormat::Cloudflare => "cloudflare".to_string(),
    }
}

fn ip_version_name(version: IpVersion) -> &'static str {
    match version {
        IpVersion::V4 => "ipv4",
        IpVersion::V6 => "ipv6",
        IpVersion::Any => "any",
    }
}

/// The steps text parsers share, those that are set.
fn write_text_options(text: &TextRecordSpec, out: &mut String) -> std::fmt::Result {
    if text.skip_lines > 0 {
        writeln!(out, "  skipLines: {}", text.skip_lines)?;
    }
    if let Some(prefix) = text.skip_prefix {
        writeln!(out, "  skipPrefix: {}", quote(prefix))?;
    }
    if text.trim_space {
        writeln!(out, "  trimSpace: true")?;
    }
    if !text.empty_values.is_empty() {
        writeln!(out, "  emptyValues: {}", quoted_list(text.empty_values))?;
    }
    let expanded: Vec<&str> = text
        .expand_fields
        .iter()
        .map(|expand| expand.name)
        .collect();
    if !expanded.is_empty() {
        writeln!(out, "  expandFields: {}", expanded.join(" "))?;
    }
    Ok(())
}

fn quoted_list(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|value| quote(value)).collect();
    format!("[{}]", quoted.join(", "))
}

/// Quoted as in the schema's YAML (single quotes, `'` doubled), so regexes read as written.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}
