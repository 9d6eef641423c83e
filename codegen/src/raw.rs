//! The serde model of a schema file, exactly as written. Types, indicator kinds, time formats and
//! other enumerated words stay strings here, so that a wrong one is reported by `check` with its
//! position instead of by serde without one. Unknown keys are serde errors (`deny_unknown_fields`).

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use crate::ir::Location;
use crate::positions::{Pos, Positions};
use crate::Diagnostic;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Schema {
    pub schema: String,
    pub description: Option<String>,
    #[serde(rename = "referenceURL")]
    pub reference_url: Option<String>,
    pub parser: Option<Parser>,
    /// Optional here so that a missing list is reported with a position by `check`.
    pub fields: Option<Vec<Field>>,
    /// Panther's reserved `version: 0`; any YAML value here, so `check` reports a wrong one.
    pub version: Option<serde_yaml::Value>,
    /// Named value schemas that fields use with `type: ref` and `target: Name` (Panther's).
    pub definitions: Option<BTreeMap<String, Element>>,
    /// Panther's: keys not in the schema are kept. Here: in the event's `p_unknown` object.
    #[serde(rename = "fieldDiscoveryEnabled")]
    pub field_discovery_enabled: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Parser {
    pub delimited: Option<Delimited>,
    pub native: Option<Native>,
    pub fastmatch: Option<FastMatch>,
    pub csv: Option<Csv>,
    pub regex: Option<Regex>,
    /// Panther's Starlark scripts: recognised so that `check` can say they are unsupported.
    pub script: Option<serde_yaml::Value>,
    /// Records nested in JSON documents; goes with any parser (JSON when none is named).
    pub envelope: Option<Envelope>,
}

/// `envelope: {records: Records, message: message}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Envelope {
    /// Dot-separated keys from the document to the array of records: `Records`.
    pub records: String,
    /// The key of each element whose string is the record's text (`message`).
    pub message: Option<String>,
}

/// `native: {name: X}`: Panther's built-in decoder for log type X.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Native {
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct FastMatch {
    #[serde(rename = "match")]
    pub patterns: Option<Vec<String>>,
    #[serde(default)]
    pub skip_lines: u64,
    pub skip_prefix: Option<String>,
    #[serde(default)]
    pub empty_values: Vec<String>,
    #[serde(default)]
    pub trim_space: bool,
    #[serde(default)]
    pub expand_fields: BTreeMap<String, String>,
    /// Extension: values that end at the last occurrence of their delimiter before the end of
    /// the next value (an IPv6 `address:port`), not at the first.
    #[serde(default)]
    pub split_at_last: Vec<String>,
}

/// Panther's `regex` parser: grok patterns.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct Regex {
    /// Concatenated into one pattern.
    #[serde(rename = "match")]
    pub patterns: Option<Vec<String>>,
    #[serde(default)]
    pub pattern_definitions: BTreeMap<String, String>,
    #[serde(default)]
    pub skip_lines: u64,
    pub skip_prefix: Option<String>,
    #[serde(default)]
    pub empty_values: Vec<String>,
    #[serde(default)]
    pub trim_space: bool,
    #[serde(default)]
    pub expand_fields: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct Csv {
    pub delimiter: Option<String>,
    #[serde(default)]
    pub has_header: bool,
    pub columns: Option<Vec<String>>,
    pub skip_prefix: Option<String>,
    #[serde(default)]
    pub empty_values: Vec<String>,
    #[serde(default)]
    pub trim_space: bool,
    #[serde(default)]
    pub expand_fields: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct Delimited {
    pub delimiter: Option<String>,
    #[serde(default)]
    pub merge_delimiters: bool,
    #[serde(default)]
    pub empty_values: Vec<String>,
    pub header: Option<String>,
    pub columns: Option<Vec<String>>,
    /// `reject` (the default) or `ignore`: checked by `check` with its position.
    pub extra_columns: Option<String>,
    /// A line starting with this is not a record (checked after `header_prefix`).
    pub skip_prefix: Option<String>,
    /// A line starting with this is a header line: the rest of it names the columns.
    pub header_prefix: Option<String>,
    /// The character between the names of a `header_prefix` line (default: white space).
    pub header_delimiter: Option<String>,
    #[serde(default)]
    pub expand_fields: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct Field {
    pub name: String,
    pub column: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The field's earlier names (`renamedFrom`): one name or a list.
    pub renamed_from: Option<NameList>,
    #[serde(default)]
    pub required: bool,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub ty: Option<String>,
    pub empty_values: Option<Vec<String>>,
    pub indicators: Option<Vec<IndicatorEntry>>,
    pub time_format: Option<String>,
    pub time_formats: Option<Vec<String>>,
    pub is_event_time: Option<bool>,
    pub validate: Option<Validate>,
    #[serde(rename = "isEmbeddedJSON")]
    pub is_embedded_json: Option<bool>,
    pub fields: Option<Vec<Field>>,
    pub element: Option<Box<Element>>,
    /// With `type: ref`: the definition this value is.
    pub target: Option<String>,
    /// Panther's, for lookup tables: accepted on timestamps, no effect.
    pub is_expiration: Option<bool>,
    /// Panther's transformations (JSON log types): the key the value is read from.
    pub rename: Option<FromPath>,
    /// The value copied from another path of the record.
    pub copy: Option<FromPath>,
    pub concat: Option<Concat>,
    pub split: Option<Split>,
    pub mask: Option<Mask>,
}

/// `rename: {from: KEY}`, `copy: {from: PATH}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FromPath {
    pub from: String,
}

/// `concat: {paths: [PATH, ...], separator: S}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Concat {
    pub paths: Vec<String>,
    pub separator: Option<String>,
}

/// `split: {from: PATH, separator: S, index: N}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Split {
    pub from: String,
    pub separator: String,
    pub index: Option<i64>,
}

/// `mask: {type: redact|hash, to: TEXT}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Mask {
    #[serde(rename = "type")]
    pub kind: String,
    pub to: Option<String>,
}

/// An array's element: the value keys of a field, without the field's own (name, required, ...).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct Element {
    #[serde(rename = "type")]
    pub ty: Option<String>,
    pub empty_values: Option<Vec<String>>,
    pub indicators: Option<Vec<IndicatorEntry>>,
    pub time_format: Option<String>,
    pub time_formats: Option<Vec<String>>,
    pub validate: Option<Validate>,
    #[serde(rename = "isEmbeddedJSON")]
    pub is_embedded_json: Option<bool>,
    pub fields: Option<Vec<Field>>,
    pub element: Option<Box<Element>>,
    pub target: Option<String>,
    pub is_expiration: Option<bool>,
}

/// The keys that describe a value, shared by a field and an array element.
pub(crate) struct ValueKeys<'a> {
    pub ty: Option<&'a str>,
    pub empty_values: Option<&'a [String]>,
    pub indicators: Option<&'a [IndicatorEntry]>,
    pub time_format: Option<&'a str>,
    pub time_formats: Option<&'a [String]>,
    pub validate: Option<&'a Validate>,
    pub is_embedded_json: Option<bool>,
    pub fields: Option<&'a [Field]>,
    pub element: Option<&'a Element>,
    pub target: Option<&'a str>,
    pub is_expiration: Option<bool>,
}

impl Field {
    pub fn value_keys(&self) -> ValueKeys<'_> {
        ValueKeys {
            ty: self.ty.as_deref(),
            empty_values: self.empty_values.as_deref(),
            indicators: self.indicators.as_deref(),
            time_format: self.time_format.as_deref(),
            time_formats: self.time_formats.as_deref(),
            validate: self.validate.as_ref(),
            is_embedded_json: self.is_embedded_json,
            fields: self.fields.as_deref(),
            element: self.element.as_deref(),
            target: self.target.as_deref(),
            is_expiration: self.is_expiration,
        }
    }
}

impl Element {
    pub fn value_keys(&self) -> ValueKeys<'_> {
        ValueKeys {
            ty: self.ty.as_deref(),
            empty_values: self.empty_values.as_deref(),
            indicators: self.indicators.as_deref(),
            time_format: self.time_format.as_deref(),
            time_formats: self.time_formats.as_deref(),
            validate: self.validate.as_ref(),
            is_embedded_json: self.is_embedded_json,
            fields: self.fields.as_deref(),
            element: self.element.as_deref(),
            target: self.target.as_deref(),
            is_expiration: self.is_expiration,
        }
    }
}

/// A key written as one name or as a list of names (`renamedFrom: old` or `renamedFrom: [a, b]`).
#[derive(Debug)]
pub(crate) struct NameList(pub Vec<String>);

// Hand-written for the same reason as `IndicatorEntry`: `untagged` errors name nothing.
impl<'de> Deserialize<'de> for NameList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameListVisitor;

        impl<'de> Visitor<'de> for NameListVisitor {
            type Value = NameList;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a name or a list of names")
            }

            fn visit_str<E: de::Error>(self, name: &str) -> Result<NameList, E> {
                Ok(NameList(vec![name.to_owned()]))
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<NameList, A::Error> {
                let names = Vec::<String>::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(NameList(names))
            }
        }

        deserializer.deserialize_any(NameListVisitor)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Validate {
    pub allow: Option<Vec<String>>,
    pub deny: Option<Vec<String>>,
    pub ip: Option<String>,
    pub cidr: Option<String>,
}

/// One item of `indicators`: a bare kind (`- ip`) or a rule (`- {kind: domain, when: ...}`).
#[derive(Debug)]
pub(crate) enum IndicatorEntry {
    Kind(String),
    Rule(IndicatorRule),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IndicatorRule {
    pub kind: String,
    pub when: Option<When>,
    pub pattern: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct When {
    pub field: String,
    #[serde(rename = "in")]
    pub values: Vec<String>,
}

impl IndicatorEntry {
    pub fn kind(&self) -> &str {
        match self {
            IndicatorEntry::Kind(kind) => kind,
            IndicatorEntry::Rule(rule) => &rule.kind,
        }
    }
}

// A hand-written visitor instead of `#[serde(untagged)]`, whose error ("data did not match any
// variant") names neither the problem nor the place.
impl<'de> Deserialize<'de> for IndicatorEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntryVisitor;

        impl<'de> Visitor<'de> for EntryVisitor {
            type Value = IndicatorEntry;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an indicator kind, or a mapping with `kind` (and `when`, `pattern`)")
            }

            fn visit_str<E: de::Error>(self, kind: &str) -> Result<IndicatorEntry, E> {
                Ok(IndicatorEntry::Kind(kind.to_owned()))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<IndicatorEntry, A::Error> {
                let rule = IndicatorRule::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(IndicatorEntry::Rule(rule))
            }
        }

        deserializer.deserialize_any(EntryVisitor)
    }
}

/// Parses one schema file. A YAML syntax or structure error is returned as a diagnostic at
/// serde_yaml's position (or the file's start when serde_yaml has none).
pub(crate) fn load(file: &str, text: &str, positions: &Positions) -> Result<Schema, Diagnostic> {
    if positions.is_blank() {
        let location = Location {
            file: file.to_owned(),
            line: 1,
            column: 1,
        };
        return Err(Diagnostic::error(location, EMPTY_FILE));
    }
    if let Some(at) = positions.too_deep() {
        let location = Location {
            file: file.to_owned(),
            line: at.line,
            column: at.column,
        };
        return Err(Diagnostic::error(location, "collections nested too deeply"));
    }
    serde_yaml::from_str::<Schema>(text).map_err(|error| {
        let fallback = positions
            .second_document()
            .unwrap_or(Pos { line: 1, column: 1 });
        let (line, column) = error
            .location()
            .map_or((fallback.line, fallback.column), |at| {
                (at.line(), at.column())
            });
        let location = Location {
            file: file.to_owned(),
            line,
            column,
        };
        Diagnostic::error(location, describe_serde_error(&error.to_string()))
    })
}

const EMPTY_FILE: &str = "empty schema file (expected a mapping with `schema` and `fields`)";

/// serde_yaml's message without its trailing positions (the diagnostic has its own) and in this
/// tool's words: `fields[0]: unknown key `tpye` (expected one of `name`, ...)`.
fn describe_serde_error(message: &str) -> String {
    let message = strip_positions(message);
    if message.ends_with("more than one document is not supported") {
        return "a schema file holds exactly one YAML document (found a `---` separator)".into();
    }
    if message == "EOF while parsing a value" {
        return EMPTY_FILE.into();
    }
    let (path, detail) = match message.split_once(": ") {
        Some((path, detail)) if !path.contains(' ') => (Some(path), detail),
        _ => (None, message.as_str()),
    };
    let detail = match path {
        None => reword_syntax_error(detail).unwrap_or_else(|| reword_detail(detail)),
        Some(_) => reword_detail(detail),
    };
    match path {
        Some(path) => format!("{path}: {detail}"),
        None => detail,
    }
}

/// libyaml's syntax errors, in this tool's words, each with a hint at the usual cause.
const SYNTAX_ERRORS: &[(&str, &str)] = &[
    (
        "did not find expected '-' indicator",
        "bad indentation: this line is not aligned with the list items above it (hint: the `- ` \
         of every item of a list starts in the same column, and an item's keys line up under its \
         first key)",
    ),
    (
        "did not find expected key",
        "bad indentation: this line does not line up with the keys of its mapping (hint: the keys \
         of one mapping start in the same column)",
    ),
    (
        "mapping values are not allowed in this context",
        "a `key: value` is not allowed here (hint: check this line's indentation, or quote a \
         value that contains `: `)",
    ),
    (
        "found character that cannot start any plain scalar",
        "a value cannot start with this character (hint: quote it, e.g. '%{field}' or '@x')",
    ),
    (
        "found a tab character that violates indentation",
        "found a tab character that violates indentation (hint: indent with spaces only)",
    ),
    (
        "found unexpected end of stream",
        "unexpected end of file (hint: a quote, `[` or `{` is not closed)",
    ),
    (
        "did not find expected ',' or ']'",
        "a `[...]` list is not closed (hint: separate items with `,` and end with `]`)",
    ),
    (
        "did not find expected ',' or '}'",
        "a `{...}` mapping is not closed (hint: separate entries with `,` and end with `}`)",
    ),
];

fn reword_syntax_error(detail: &str) -> Option<String> {
    SYNTAX_ERRORS
        .iter()
        .find(|(libyaml, _)| detail.starts_with(libyaml))
        .map(|(_, ours)| (*ours).to_owned())
}

fn reword_detail(detail: &str) -> String {
    if let Some(rest) = detail.strip_prefix("unknown field ") {
        if let Some((word, expected)) = rest.split_once(", expected ") {
            return format!("unknown key {word} (expected {expected})");
        }
        if let Some((word, _)) = rest.split_once(", there are no fields") {
            return format!("unknown key {word} (no keys are allowed here)");
        }
        return format!("unknown key {rest}");
    }
    if let Some(rest) = detail.strip_prefix("missing field ") {
        return format!("missing key {rest}");
    }
    if let Some(rest) = detail.strip_prefix("duplicate field ") {
        return format!("duplicate key {rest}");
    }
    // serde names our Rust structs (`expected struct Field`); the user wrote a YAML mapping.
    match detail.split_once("expected struct ") {
        Some((before, _)) => format!("{before}expected a mapping"),
        None => detail.to_owned(),
    }
}

/// Removes every ` at line N column M` and ` at position N` that serde_yaml and libyaml append.
fn strip_positions(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find(" at ") {
        out.push_str(&rest[..start]);
        let after = &rest[start + " at ".len()..];
        match position_suffix_len(after) {
            Some(len) => rest = &after[len..],
            None => {
                out.push_str(" at ");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Length of `line N column M` or `position N` at the start of `text`, if it is one.
fn position_suffix_len(text: &str) -> Option<usize> {
    fn digits(text: &str) -> usize {
        text.bytes().take_while(u8::is_ascii_digit).count()
    }
    if let Some(rest) = text.strip_prefix("line ") {
        let line_digits = digits(rest);
        let rest = rest[line_digits..].strip_prefix(" column ")?;
        let column_digits = digits(rest);
        if line_digits == 0 || column_digits == 0 {
            return None;
        }
        return Some("line ".len() + line_digits + " column ".len() + column_digits);
    }
    let rest = text.strip_prefix("position ")?;
    let position_digits = digits(rest);
    (position_digits > 0).then_some("position ".len() + position_digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_positions_and_rewords_unknown_fields() {
        assert_eq!(
            describe_serde_error(
                "fields[0]: unknown field `tpye`, expected one of `name`, `type` at line 3 column 5"
            ),
            "fields[0]: unknown key `tpye` (expected one of `name`, `type`)"
        );
        assert_eq!(
            describe_serde_error(
                "did not find expected key at line 3 column 5, while parsing a block mapping at line 1 column 1"
            ),
            "bad indentation: this line does not line up with the keys of its mapping (hint: the \
             keys of one mapping start in the same column)"
        );
        assert_eq!(
            describe_serde_error(
                "did not find expected '-' indicator, while parsing a block collection at line 13 column 4"
            ),
            "bad indentation: this line is not aligned with the list items above it (hint: the \
             `- ` of every item of a list starts in the same column, and an item's keys line up \
             under its first key)"
        );
        assert_eq!(strip_positions("looked at it"), "looked at it");
    }
}
