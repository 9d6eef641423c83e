//! The semantic checks of one schema file: every mistake is collected with the position of the
//! offending key or value, and what passes comes out typed (`Checked*`), ready for `lower`.

use std::collections::{HashMap, HashSet};

use chrono::format::{Item, StrftimeItems};

use crate::ir::{self, IndicatorKind, IpVersion, Location, TimeFormat};
use crate::layout;
use crate::names;
use crate::positions::{child, item, Positions};
use crate::raw;
use crate::Diagnostic;

mod envelope;
mod refs;
mod regex_parser;
mod text_parsers;
mod transform;

/// A schema file that passed every check.
#[derive(Debug)]
pub(crate) struct CheckedSchema {
    pub name: String,
    pub description: Option<String>,
    pub reference_url: Option<String>,
    pub source_file: String,
    pub location: Location,
    pub parser: ir::Parser,
    pub envelope: Option<ir::Envelope>,
    pub field_discovery: bool,
    pub fields: Vec<CheckedField>,
}

#[derive(Debug)]
pub(crate) struct CheckedField {
    pub name: String,
    pub rust_name: String,
    pub input_keys: Vec<String>,
    pub renamed_from: Vec<String>,
    pub description: Option<String>,
    pub required: bool,
    pub is_event_time: bool,
    pub value: CheckedValue,
    pub transform: Option<ir::Transform>,
    pub location: Location,
}

#[derive(Debug)]
pub(crate) struct CheckedValue {
    pub ty: CheckedType,
    pub empty_values: Vec<String>,
    pub indicators: Vec<ir::Indicator>,
    pub validate: ir::Validate,
    pub embedded_json: bool,
}

/// Like `ir::Type`, but objects still hold their fields (`lower` numbers them).
#[derive(Debug)]
pub(crate) enum CheckedType {
    /// Anything but `Array` and `Object`.
    Scalar(ir::Type),
    Array(Box<CheckedValue>),
    Object(Vec<CheckedField>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TypeName {
    String,
    Int,
    SmallInt,
    BigInt,
    Float,
    Boolean,
    Timestamp,
    Array,
    Object,
    Json,
    /// `type: ref` with `target: Name`: the named definition, inlined.
    Ref,
}

const TYPE_NAMES: [(&str, TypeName); 11] = [
    ("string", TypeName::String),
    ("int", TypeName::Int),
    ("smallint", TypeName::SmallInt),
    ("bigint", TypeName::BigInt),
    ("float", TypeName::Float),
    ("boolean", TypeName::Boolean),
    ("timestamp", TypeName::Timestamp),
    ("array", TypeName::Array),
    ("object", TypeName::Object),
    ("json", TypeName::Json),
    ("ref", TypeName::Ref),
];

impl TypeName {
    fn from_name(name: &str) -> Option<TypeName> {
        TYPE_NAMES
            .iter()
            .find(|(spelling, _)| *spelling == name)
            .map(|(_, ty)| *ty)
    }

    fn as_str(self) -> &'static str {
        TYPE_NAMES
            .iter()
            .find(|(_, ty)| *ty == self)
            .map_or("?", |(spelling, _)| spelling)
    }
}

const TIME_FORMAT_NAMES: [(&str, TimeFormat); 6] = [
    ("rfc3339", TimeFormat::Rfc3339),
    ("unix", TimeFormat::Unix),
    ("unix_ms", TimeFormat::UnixMs),
    ("unix_us", TimeFormat::UnixUs),
    ("unix_ns", TimeFormat::UnixNs),
    ("cloudflare", TimeFormat::Cloudflare),
];

/// `timeFormat: layout=2006-01-02 15:04:05`: a Go reference-time layout follows.
const LAYOUT_PREFIX: &str = "layout=";

fn type_list() -> String {
    TYPE_NAMES
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn indicator_kind_list() -> String {
    IndicatorKind::ALL
        .iter()
        .map(|kind| kind.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where a list of fields sits, which decides the keys allowed on them.
#[derive(Debug, Clone, Copy)]
struct Scope {
    /// The record's own fields (where `column` is allowed).
    top_level: bool,
    /// Somewhere inside an array's element (where `isEventTime` is not allowed).
    in_array: bool,
}

/// A field of the same object, as `when.field` may name it.
struct Sibling<'a> {
    name: &'a str,
    is_string: bool,
}

/// Checks one loaded schema file.
pub(crate) fn check_schema(
    file: &str,
    schema: &raw::Schema,
    positions: &Positions,
) -> Result<CheckedSchema, Vec<Diagnostic>> {
    let mut checker = Checker {
        file,
        positions,
        delimited: schema
            .parser
            .as_ref()
            .is_some_and(|parser| parser.delimited.is_some()),
        json: false,
        refs: refs::Refs::new(schema.definitions.as_ref()),
        errors: Vec::new(),
    };
    checker.check_schema_name(&schema.schema);
    checker.check_version(schema.version.as_ref());
    let parser = checker.check_parser(schema);
    checker.json = matches!(parser, ir::Parser::JsonLines);
    let envelope = schema
        .parser
        .as_ref()
        .and_then(|parser| parser.envelope.as_ref())
        .and_then(|envelope| checker.check_envelope(envelope));
    let fields = match schema.fields.as_deref() {
        Some(fields) if !fields.is_empty() => checker.check_fields(
            "fields",
            fields,
            Scope {
                top_level: true,
                in_array: false,
            },
        ),
        _ => {
            checker.report_missing_fields("", "fields", "the schema");
            Vec::new()
        }
    };
    checker.check_unused_definitions();
    let field_discovery = schema.field_discovery_enabled == Some(true);
    if field_discovery && !checker.json {
        checker.error(
            checker.key_location("fieldDiscoveryEnabled"),
            "`fieldDiscoveryEnabled` keeps the keys of JSON records the schema does not declare: \
             a text parser's values are named by its pattern or columns",
        );
    }
    if !checker.errors.is_empty() {
        return Err(checker.errors);
    }
    Ok(CheckedSchema {
        name: schema.schema.clone(),
        description: schema.description.clone(),
        reference_url: schema.reference_url.clone(),
        source_file: file.to_owned(),
        location: checker.key_location("schema"),
        parser,
        envelope,
        field_discovery,
        fields,
    })
}

/// Names must be unique across files, and so must the modules they become. Each clash is
/// reported at both places, each message naming the other.
pub(crate) fn check_unique_names(schemas: &[CheckedSchema]) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let mut by_module: HashMap<String, &CheckedSchema> = HashMap::new();
    for schema in schemas {
        let module = names::module_name(&schema.name);
        let Some(first) = by_module.get(&module).copied() else {
            by_module.insert(module, schema);
            continue;
        };
        let clash = |this: &CheckedSchema, other: &CheckedSchema| {
            let message = if this.name == other.name {
                format!(
                    "schema '{}' is also defined at {}",
                    this.name, other.location
                )
            } else {
                format!(
                    "schema '{}' and schema '{}' at {} both become the Rust module `{module}`",
                    this.name, other.name, other.location
                )
            };
            Diagnostic::error(this.location.clone(), message)
        };
        errors.push(clash(first, schema));
        errors.push(clash(schema, first));
    }
    errors
}

struct Checker<'a> {
    file: &'a str,
    positions: &'a Positions,
    delimited: bool,
    /// The records are JSON (no text parser): transformations apply. Set from `check_parser`.
    json: bool,
    /// `definitions` and the state of inlining them.
    refs: refs::Refs<'a>,
    errors: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn location(&self, pos: crate::positions::Pos) -> Location {
        Location {
            file: self.file.to_owned(),
            line: pos.line,
            column: pos.column,
        }
    }

    fn key_location(&self, path: &str) -> Location {
        self.location(self.positions.key(path))
    }

    fn value_location(&self, path: &str) -> Location {
        self.location(self.positions.value(path))
    }

    fn error(&mut self, location: Location, message: impl Into<String>) {
        self.errors.push(Diagnostic::error(location, message));
    }

    fn check_schema_name(&mut self, name: &str) {
        let valid_part = |part: &str| {
            let mut chars = part.chars();
            chars.next().is_some_and(|first| first.is_ascii_uppercase())
                && chars.all(|c| c.is_ascii_alphanumeric())
        };
        if !name.split('.').all(valid_part) {
            self.error(
                self.value_location("schema"),
                format!(
                    "invalid schema name '{name}' (expected dot-separated parts, each an \
                     upper-case letter followed by letters and digits, like AWS.VPCFlow)"
                ),
            );
        }
    }

    /// `fields` is absent, null or `[]` on the schema or an object field at `owner`.
    fn report_missing_fields(&mut self, owner: &str, fallback: &str, what: &str) {
        let fields_path = child(owner, "fields");
        if self.positions.has_key(&fields_path) {
            let location = self.key_location(&fields_path);
            self.error(
                location,
                format!("`fields` of {what} is empty (at least one field is needed)"),
            );
        } else {
            let location = self.value_location(fallback);
            self.error(
                location,
                format!("{what} has no `fields` (at least one field is needed)"),
            );
        }
    }

    /// `version:` is Panther's reserved key: only `0` is accepted.
    fn check_version(&mut self, version: Option<&serde_yaml::Value>) {
        let Some(version) = version else {
            return;
        };
        if version.as_u64() != Some(0) {
            let written = serde_yaml::to_string(version).unwrap_or_default();
            self.error(
                self.value_location("version"),
                format!(
                    "unsupported version {} (the only schema version is 0)",
                    written.trim()
                ),
            );
        }
    }

    fn check_parser(&mut self, schema: &raw::Schema) -> ir::Parser {
        let Some(parser) = &schema.parser else {
            return ir::Parser::JsonLines;
        };
        let fields = schema.fields.as_deref().unwrap_or_default();
        let chosen = [
            ("delimited", parser.delimited.is_some()),
            ("native", parser.native.is_some()),
            ("fastmatch", parser.fastmatch.is_some()),
            ("csv", parser.csv.is_some()),
            ("regex", parser.regex.is_some()),
            ("script", parser.script.is_some()),
        ];
        let named: Vec<&str> = chosen
            .iter()
            .filter(|(_, present)| *present)
            .map(|(name, _)| *name)
            .collect();
        if named.len() > 1 {
            self.error(
                self.key_location(&child("parser", named[1])),
                format!("`parser` holds one parser (found {})", named.join(" and ")),
            );
            return ir::Parser::JsonLines;
        }
        if let Some(delimited) = &parser.delimited {
            return self.check_delimited(delimited, fields);
        }
        if let Some(native) = &parser.native {
            // Panther's built-in decoders; for the JSON log types they read what `fields`
            // lists, which is the default JSON record reading. Any name is taken to mean that.
            if native.name.trim().is_empty() {
                self.error(
                    self.value_location("parser.native.name"),
                    "empty native parser `name` (Panther's log type name, like AWS.CloudTrail)",
                );
            }
            return ir::Parser::JsonLines;
        }
        if let Some(fastmatch) = &parser.fastmatch {
            return self.check_fastmatch(fastmatch, fields);
        }
        if let Some(csv) = &parser.csv {
            return self.check_csv(csv, fields);
        }
        if let Some(regex) = &parser.regex {
            return self.check_regex(regex, fields);
        }
        if parser.envelope.is_some() {
            // An envelope alone: JSON records inside JSON documents.
            return ir::Parser::JsonLines;
        }
        if parser.script.is_some() {
            self.error(
                self.key_location("parser.script"),
                "the `script` parser (Starlark) is not supported: use fastmatch, regex, csv \
                 or delimited, or omit `parser` for JSON",
            );
            return ir::Parser::JsonLines;
        }
        self.error(
            self.key_location("parser"),
            "`parser` needs one of delimited, native, fastmatch, regex or csv (omit `parser` for \
             JSON lines)",
        );
        ir::Parser::JsonLines
    }

    fn check_delimited(&mut self, delimited: &raw::Delimited, fields: &[raw::Field]) -> ir::Parser {
        let path = "parser.delimited";
        let delimiter = match delimited.delimiter.as_deref() {
            None => {
                self.error(
                    self.key_location(path),
                    "the delimited parser needs a `delimiter`",
                );
                ' '
            }
            Some(text) => {
                let mut chars = text.chars();
                match (chars.next(), chars.next()) {
                    (Some(delimiter), None) => delimiter,
                    _ => {
                        self.error(
                            self.value_location(&child(path, "delimiter")),
                            format!("delimiter '{text}' must be exactly one character"),
                        );
                        ' '
                    }
                }
            }
        };
        let header = match delimited.header.as_deref() {
            None | Some("detect") => ir::HeaderMode::Detect,
            Some("none") => ir::HeaderMode::None,
            Some(other) => {
                self.error(
                    self.value_location(&child(path, "header")),
                    format!("unknown header mode '{other}' (expected detect or none)"),
                );
                ir::HeaderMode::Detect
            }
        };
        let columns = delimited.columns.clone().unwrap_or_default();
        if header == ir::HeaderMode::None && columns.is_empty() {
            self.error(
                self.value_location(&child(path, "header")),
                "header 'none' needs `columns` (the lines have no header to name them)",
            );
        }
        let header_prefix = self.check_header_prefix(path, delimited, header);
        let header_delimiter = self.check_header_delimiter(path, delimited);
        // `expandFields` may read any default column or any column a field reads: header lines
        // can name columns the default ones lack.
        let mut known_keys = columns.clone();
        for field in fields {
            known_keys.push(field.name.clone());
            known_keys.extend(field.column.iter().cloned());
            known_keys.extend(field.aliases.iter().cloned());
            if let Some(old) = &field.renamed_from {
                known_keys.extend(old.0.iter().cloned());
            }
        }
        let options = self.check_text_options(
            path,
            text_parsers::RawOptions {
                skip_lines: 0,
                skip_prefix: delimited.skip_prefix.as_ref(),
                trim_space: false,
                empty_values: &delimited.empty_values,
                expand_fields: &delimited.expand_fields,
            },
            Some(&known_keys),
            "one of `columns` or a column a field reads",
            fields,
        );
        let template_keys: Vec<&str> = options
            .expand_fields
            .iter()
            .flat_map(|expand| &expand.template)
            .filter_map(|part| match part {
                ir::TemplatePart::Key(key) => Some(key.as_str()),
                ir::TemplatePart::Text(_) => None,
            })
            .collect();
        self.check_default_columns(path, &columns, fields, &template_keys);
        let extra_columns = match delimited.extra_columns.as_deref() {
            None | Some("reject") => ir::ExtraColumns::Reject,
            Some("ignore") => ir::ExtraColumns::Ignore,
            Some(other) => {
                self.error(
                    self.value_location(&child(path, "extraColumns")),
                    format!("unknown extraColumns '{other}' (expected reject or ignore)"),
                );
                ir::ExtraColumns::Reject
            }
        };
        ir::Parser::Delimited(ir::DelimitedParser {
            delimiter,
            merge_delimiters: delimited.merge_delimiters,
            empty_values: delimited.empty_values.clone(),
            header,
            default_columns: columns,
            extra_columns,
            skip_prefix: options.skip_prefix,
            header_prefix,
            header_delimiter,
            expand_fields: options.expand_fields,
            location: self.key_location("parser"),
        })
    }

    /// `headerPrefix`: not empty, and not with `header: none`.
    fn check_header_prefix(
        &mut self,
        path: &str,
        delimited: &raw::Delimited,
        header: ir::HeaderMode,
    ) -> Option<String> {
        let prefix = delimited.header_prefix.as_ref()?;
        let at = child(path, "headerPrefix");
        if prefix.is_empty() {
            self.error(
                self.value_location(&at),
                "empty `headerPrefix` (every line would be a header line)",
            );
            return None;
        }
        if header == ir::HeaderMode::None {
            self.error(
                self.key_location(&at),
                "`headerPrefix` with header 'none' (header lines are either marked by a \
                 prefix or there are none)",
            );
        }
        Some(prefix.clone())
    }

    /// `headerDelimiter`: one character, and only with `headerPrefix` (detected header lines
    /// are split as records are). `None` (white space) when not given.
    fn check_header_delimiter(&mut self, path: &str, delimited: &raw::Delimited) -> Option<char> {
        let text = delimited.header_delimiter.as_deref()?;
        let at = child(path, "headerDelimiter");
        if delimited.header_prefix.is_none() {
            self.error(
                self.key_location(&at),
                "`headerDelimiter` needs `headerPrefix` (a detected header line is split as \
                 records are, on `delimiter`)",
            );
        }
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(header_delimiter), None) => Some(header_delimiter),
            _ => {
                self.error(
                    self.value_location(&at),
                    format!("headerDelimiter '{text}' must be exactly one character"),
                );
                None
            }
        }
    }

    /// Each default column must be read by some field (or by an `expandFields` template), and
    /// only once in the list.
    fn check_default_columns(
        &mut self,
        path: &str,
        columns: &[String],
        fields: &[raw::Field],
        template_keys: &[&str],
    ) {
        let known = |column: &str| {
            template_keys.contains(&column)
                || fields.iter().any(|field| {
                    field.name == column
                        || field.column.as_deref() == Some(column)
                        || field.aliases.iter().any(|alias| alias == column)
                        || field
                            .renamed_from
                            .as_ref()
                            .is_some_and(|old| old.0.iter().any(|name| name == column))
                })
        };
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (index, column) in columns.iter().enumerate() {
            let column_path = item(&child(path, "columns"), index);
            if let Some(first) = seen.get(column.as_str()) {
                let first_line = self
                    .positions
                    .value(&item(&child(path, "columns"), *first))
                    .line;
                self.error(
                    self.value_location(&column_path),
                    format!("duplicate column '{column}' (first listed on line {first_line})"),
                );
                continue;
            }
            seen.insert(column, index);
            if !known(column) {
                self.error(
                    self.value_location(&column_path),
                    format!(
                        "column '{column}' is not the column, name or alias of any field, nor \
                         read by `expandFields`"
                    ),
                );
            }
        }
    }

    /// Checks the fields of one object (or the record) and the clashes between them.
    fn check_fields(
        &mut self,
        list_path: &str,
        fields: &[raw::Field],
        scope: Scope,
    ) -> Vec<CheckedField> {
        let siblings: Vec<Sibling> = fields
            .iter()
            .map(|field| Sibling {
                name: &field.name,
                is_string: field.ty.as_deref() == Some("string"),
            })
            .collect();
        let mut checked: Vec<CheckedField> = fields
            .iter()
            .enumerate()
            .map(|(index, field)| {
                self.check_field(&item(list_path, index), field, &siblings, scope)
            })
            .collect();
        self.check_name_clashes(&mut checked);
        self.check_input_key_clashes(&checked);
        checked
    }

    fn check_field(
        &mut self,
        path: &str,
        field: &raw::Field,
        siblings: &[Sibling],
        scope: Scope,
    ) -> CheckedField {
        let location = self.key_location(&child(path, "name"));
        if field.name.is_empty() {
            self.error(
                self.value_location(&child(path, "name")),
                "empty field name",
            );
        }
        if let Some(column) = &field.column {
            let at = self.key_location(&child(path, "column"));
            if !scope.top_level {
                self.error(
                    at,
                    "`column` is only allowed on top-level fields (nested fields have no column)",
                );
            } else if !self.delimited {
                self.error(
                    at,
                    "`column` needs a delimited parser (`parser: {delimited: ...}`)",
                );
            } else if column.is_empty() {
                self.error(at, "empty `column`");
            }
        }
        let value = self.check_value(path, &field.value_keys(), siblings, scope);
        let is_event_time = field.is_event_time == Some(true);
        if is_event_time {
            let at = self.key_location(&child(path, "isEventTime"));
            let is_timestamp = matches!(value.ty, CheckedType::Scalar(ir::Type::Timestamp(_)));
            if scope.in_array {
                self.error(
                    at,
                    "`isEventTime` is not allowed inside an array (which value would it be?)",
                );
            } else if !is_timestamp && field.ty.as_deref().and_then(TypeName::from_name).is_some() {
                let ty = field.ty.as_deref().unwrap_or_default();
                self.error(
                    at,
                    format!("`isEventTime` is only allowed on timestamps (this field is {ty})"),
                );
            }
        }
        let transform = self.check_transform(path, field, &value);
        let first_key = match (&field.column, self.delimited && scope.top_level) {
            (Some(column), true) => column.clone(),
            _ => match &field.rename {
                Some(rename) if !rename.from.is_empty() => rename.from.clone(),
                _ => field.name.clone(),
            },
        };
        let renamed_from = self.check_renamed_from(path, field, siblings);
        // Earlier names are read too, after the aliases, so data written before the rename parses.
        let input_keys = std::iter::once(first_key)
            .chain(field.aliases.iter().cloned())
            .chain(renamed_from.iter().cloned())
            .collect();
        CheckedField {
            name: field.name.clone(),
            rust_name: names::field_ident(&field.name),
            input_keys,
            renamed_from,
            description: field.description.clone(),
            required: field.required,
            is_event_time,
            value,
            transform,
            location,
        }
    }

    /// `renamedFrom`: non-empty names, none of them a current field of the same object (that
    /// field would still exist, so nothing was renamed). Only the valid names are kept.
    fn check_renamed_from(
        &mut self,
        path: &str,
        field: &raw::Field,
        siblings: &[Sibling],
    ) -> Vec<String> {
        let Some(raw::NameList(names)) = &field.renamed_from else {
            return Vec::new();
        };
        let list_path = child(path, "renamedFrom");
        if names.is_empty() {
            self.error(
                self.key_location(&list_path),
                "`renamedFrom` lists no names",
            );
        }
        let mut kept: Vec<String> = Vec::new();
        for (index, old_name) in names.iter().enumerate() {
            // A single name written as a scalar has no item: the lookup falls back to the scalar.
            let at = self.value_location(&item(&list_path, index));
            let problem = if old_name.is_empty() {
                Some("empty name in `renamedFrom`".to_owned())
            } else if *old_name == field.name {
                Some(format!(
                    "`renamedFrom` names the field itself ('{old_name}')"
                ))
            } else if siblings.iter().any(|sibling| sibling.name == old_name) {
                Some(format!(
                    "`renamedFrom` '{old_name}' is still a field of the same object (a renamed field's old name must be gone)"
                ))
            } else if kept.contains(old_name) {
                Some(format!("`renamedFrom` lists '{old_name}' twice"))
            } else {
                None
            };
            match problem {
                Some(problem) => self.error(at, problem),
                None => kept.push(old_name.clone()),
            }
        }
        kept
    }

    /// The value described at `path` by a field's or an element's keys.
    fn check_value(
        &mut self,
        path: &str,
        keys: &raw::ValueKeys,
        siblings: &[Sibling],
        scope: Scope,
    ) -> CheckedValue {
        let ty = self.check_type_name(path, keys.ty);
        if let Some(ty) = ty {
            self.check_keys_fit_type(path, keys, ty);
        }
        if ty == Some(TypeName::Ref) {
            return self.check_ref(path, keys, siblings, scope);
        }
        let mut checked_type = match ty {
            Some(TypeName::Object) => match keys.fields {
                Some(fields) if !fields.is_empty() => CheckedType::Object(self.check_fields(
                    &child(path, "fields"),
                    fields,
                    Scope {
                        top_level: false,
                        in_array: scope.in_array,
                    },
                )),
                _ => {
                    self.report_missing_fields(path, &child(path, "type"), "an object");
                    CheckedType::Object(Vec::new())
                }
            },
            Some(TypeName::Array) => match keys.element {
                Some(element) => CheckedType::Array(Box::new(self.check_value(
                    &child(path, "element"),
                    &element.value_keys(),
                    siblings,
                    Scope {
                        top_level: false,
                        in_array: true,
                    },
                ))),
                None => {
                    self.error(
                        self.value_location(&child(path, "type")),
                        "an array needs an `element` (the type of its items)",
                    );
                    CheckedType::Scalar(ir::Type::Json)
                }
            },
            Some(TypeName::Timestamp) => {
                CheckedType::Scalar(ir::Type::Timestamp(self.check_time_formats(path, keys)))
            }
            Some(TypeName::String) => CheckedType::Scalar(ir::Type::String),
            Some(TypeName::Int) => CheckedType::Scalar(ir::Type::Int),
            Some(TypeName::SmallInt) => CheckedType::Scalar(ir::Type::SmallInt),
            Some(TypeName::BigInt) => CheckedType::Scalar(ir::Type::BigInt),
            Some(TypeName::Float) => CheckedType::Scalar(ir::Type::Float),
            Some(TypeName::Boolean) => CheckedType::Scalar(ir::Type::Boolean),
            Some(TypeName::Json | TypeName::Ref) | None => CheckedType::Scalar(ir::Type::Json),
        };
        let is_string = ty == Some(TypeName::String);
        let is_json = ty == Some(TypeName::Json);
        if let (CheckedType::Array(element), Some(entries)) = (&mut checked_type, keys.indicators) {
            // Panther's: indicators on an array of strings are its elements' indicators.
            let indicators = self.check_indicators(path, entries, siblings);
            let elements = innermost_element(element);
            match elements.ty {
                CheckedType::Scalar(ir::Type::String) => elements.indicators.extend(indicators),
                CheckedType::Scalar(ir::Type::Json) => {
                    self.check_json_indicator_kinds(&indicators);
                    elements.indicators.extend(indicators);
                }
                _ => self.error(
                    self.key_location(&child(path, "indicators")),
                    "`indicators` on an array need string or json elements (this array's elements are neither)",
                ),
            }
        }
        CheckedValue {
            ty: checked_type,
            empty_values: keys
                .empty_values
                .map(<[String]>::to_vec)
                .unwrap_or_default(),
            indicators: match keys.indicators {
                Some(entries) if is_string => self.check_indicators(path, entries, siblings),
                Some(entries) if is_json => {
                    let indicators = self.check_indicators(path, entries, siblings);
                    self.check_json_indicator_kinds(&indicators);
                    indicators
                }
                _ => Vec::new(),
            },
            validate: match keys.validate {
                Some(validate) if is_string => self.check_validate(path, validate),
                _ => ir::Validate::default(),
            },
            embedded_json: keys.is_embedded_json == Some(true),
        }
    }

    fn check_type_name(&mut self, path: &str, ty: Option<&str>) -> Option<TypeName> {
        let Some(name) = ty else {
            self.error(
                self.value_location(path),
                format!("missing `type` (expected one of {})", type_list()),
            );
            return None;
        };
        let ty = TypeName::from_name(name);
        if ty.is_none() {
            self.error(
                self.value_location(&child(path, "type")),
                format!("unknown type '{name}' (expected one of {})", type_list()),
            );
        }
        ty
    }

    /// Keys that only make sense on some types, written on another.
    fn check_keys_fit_type(&mut self, path: &str, keys: &raw::ValueKeys, ty: TypeName) {
        let misplaced = [
            (
                "fields",
                keys.fields.is_some(),
                ty == TypeName::Object,
                "objects",
            ),
            (
                "element",
                keys.element.is_some(),
                ty == TypeName::Array,
                "arrays",
            ),
            (
                "indicators",
                keys.indicators.is_some(),
                matches!(ty, TypeName::String | TypeName::Array | TypeName::Json),
                "strings, json values (and arrays of those)",
            ),
            (
                "validate",
                keys.validate.is_some(),
                ty == TypeName::String,
                "strings",
            ),
            (
                "timeFormat",
                keys.time_format.is_some(),
                ty == TypeName::Timestamp,
                "timestamps",
            ),
            (
                "timeFormats",
                keys.time_formats.is_some(),
                ty == TypeName::Timestamp,
                "timestamps",
            ),
            (
                "isEmbeddedJSON",
                keys.is_embedded_json == Some(true),
                matches!(ty, TypeName::Object | TypeName::Array | TypeName::Json),
                "object, array and json values",
            ),
            (
                "target",
                keys.target.is_some(),
                ty == TypeName::Ref,
                "`type: ref` values",
            ),
            (
                "isExpiration",
                keys.is_expiration.is_some(),
                ty == TypeName::Timestamp,
                "timestamps",
            ),
        ];
        for (key, present, allowed, where_allowed) in misplaced {
            if present && !allowed {
                self.error(
                    self.key_location(&child(path, key)),
                    format!(
                        "`{key}` is only allowed on {where_allowed} (this one is {})",
                        ty.as_str()
                    ),
                );
            }
        }
    }

    fn check_time_formats(&mut self, path: &str, keys: &raw::ValueKeys) -> Vec<TimeFormat> {
        let single_path = child(path, "timeFormat");
        let list_path = child(path, "timeFormats");
        let written: Vec<(String, &str)> = match (keys.time_format, keys.time_formats) {
            (Some(_), Some(_)) => {
                self.error(
                    self.key_location(&list_path),
                    "give either `timeFormat` or `timeFormats`, not both",
                );
                return vec![TimeFormat::Rfc3339];
            }
            (None, None) => {
                self.error(
                    self.value_location(&child(path, "type")),
                    "a timestamp needs `timeFormat` (or `timeFormats`, tried in order)",
                );
                return vec![TimeFormat::Rfc3339];
            }
            (Some(format), None) => vec![(single_path, format)],
            (None, Some([])) => {
                self.error(self.key_location(&list_path), "`timeFormats` is empty");
                return vec![TimeFormat::Rfc3339];
            }
            (None, Some(formats)) => formats
                .iter()
                .enumerate()
                .map(|(index, format)| (item(&list_path, index), format.as_str()))
                .collect(),
        };
        let mut formats = Vec::new();
        for (format_path, text) in written {
            match parse_time_format(text) {
                Ok(format) => formats.push(format),
                Err(problem) => self.error(self.value_location(&format_path), problem),
            }
        }
        formats
    }

    /// On a `json` value an indicator scans every string inside it, so only kinds with a rule
    /// that most strings fail make sense there; the others would take every string.
    fn check_json_indicator_kinds(&mut self, indicators: &[ir::Indicator]) {
        for indicator in indicators {
            if !indicator.kind.has_value_rule() {
                self.error(
                    indicator.location.clone(),
                    format!(
                        "indicator kind '{}' takes any string, so it cannot scan a json value (kinds for json: {})",
                        indicator.kind.as_str(),
                        IndicatorKind::ALL
                            .iter()
                            .filter(|kind| kind.has_value_rule())
                            .map(|kind| kind.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
        }
    }

    fn check_indicators(
        &mut self,
        path: &str,
        entries: &[raw::IndicatorEntry],
        siblings: &[Sibling],
    ) -> Vec<ir::Indicator> {
        let mut indicators = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            let entry_path = item(&child(path, "indicators"), index);
            let kind_path = match entry {
                raw::IndicatorEntry::Kind(_) => entry_path.clone(),
                raw::IndicatorEntry::Rule(_) => child(&entry_path, "kind"),
            };
            let kind = IndicatorKind::from_name(entry.kind());
            if kind.is_none() {
                self.error(
                    self.value_location(&kind_path),
                    format!(
                        "unknown indicator kind '{}' (expected one of {})",
                        entry.kind(),
                        indicator_kind_list()
                    ),
                );
            }
            let (when, pattern) = match entry {
                raw::IndicatorEntry::Kind(_) => (None, None),
                raw::IndicatorEntry::Rule(rule) => (
                    rule.when
                        .as_ref()
                        .and_then(|when| self.check_when(&entry_path, when, siblings)),
                    rule.pattern.as_ref().map(|pattern| {
                        self.check_pattern(&child(&entry_path, "pattern"), pattern);
                        pattern.clone()
                    }),
                ),
            };
            if let Some(kind) = kind {
                indicators.push(ir::Indicator {
                    kind,
                    when,
                    pattern,
                    location: self.value_location(&entry_path),
                });
            }
        }
        indicators
    }

    fn check_when(
        &mut self,
        entry_path: &str,
        when: &raw::When,
        siblings: &[Sibling],
    ) -> Option<ir::IndicatorCondition> {
        let when_path = child(entry_path, "when");
        if when.values.is_empty() {
            self.error(
                self.key_location(&child(&when_path, "in")),
                "`in` lists no values",
            );
        }
        let found = siblings
            .iter()
            .position(|sibling| sibling.name == when.field);
        let at = self.value_location(&child(&when_path, "field"));
        match found {
            Some(index) if siblings.get(index).is_some_and(|sibling| sibling.is_string) => {
                Some(ir::IndicatorCondition {
                    field_index: index,
                    values: when.values.clone(),
                })
            }
            Some(_) => {
                self.error(
                    at,
                    format!("`when.field` '{}' is not a string field", when.field),
                );
                None
            }
            None => {
                let names: Vec<&str> = siblings
                    .iter()
                    .filter(|s| s.is_string)
                    .map(|s| s.name)
                    .collect();
                self.error(
                    at,
                    format!(
                        "`when.field` '{}' is not a string field of the same object (expected one of {})",
                        when.field,
                        names.join(", ")
                    ),
                );
                None
            }
        }
    }

    fn check_pattern(&mut self, pattern_path: &str, pattern: &str) {
        let problem = match regex_syntax::Parser::new().parse(pattern) {
            Err(error) => Some(format!("invalid pattern '{pattern}': {}", regex_error_kind(&error))),
            Ok(hir) => match hir.properties().explicit_captures_len() {
                // Valid syntax can still be refused by the regex engine the runtime compiles it
                // with (its size limit): refuse it here, not on every record.
                1 => regex::Regex::new(pattern).err().map(|error| {
                    format!("pattern '{pattern}' cannot be compiled: {error}")
                }),
                count => Some(format!(
                    "pattern '{pattern}' has {count} capture groups (expected exactly one: the indicator value)"
                )),
            },
        };
        if let Some(problem) = problem {
            self.error(self.value_location(pattern_path), problem);
        }
    }

    fn check_validate(&mut self, path: &str, validate: &raw::Validate) -> ir::Validate {
        let validate_path = child(path, "validate");
        let mut ip_version = |key: &str, value: Option<&String>| {
            let value = value?;
            match value.as_str() {
                "ipv4" => Some(IpVersion::V4),
                "ipv6" => Some(IpVersion::V6),
                "any" => Some(IpVersion::Any),
                other => {
                    self.error(
                        self.value_location(&child(&validate_path, key)),
                        format!("invalid `{key}` value '{other}' (expected ipv4, ipv6 or any)"),
                    );
                    None
                }
            }
        };
        let ip = ip_version("ip", validate.ip.as_ref());
        let cidr = ip_version("cidr", validate.cidr.as_ref());
        ir::Validate {
            allow: validate.allow.clone().unwrap_or_default(),
            deny: validate.deny.clone().unwrap_or_default(),
            ip,
            cidr,
        }
    }

    /// Two fields of one object with the same name are an error. Names that differ but give the
    /// same Rust identifier (`logType` and `log_type`, both `log_type`) are both kept: the later
    /// one gets the first free `<identifier>_2`, `_3`, ... (schema order, so always the same).
    ///
    /// Names that differ only in case (`filePath`, `FilePath`) are an error too: Athena, Glue and
    /// DuckDB read column names without case, so one table cannot hold both.
    fn check_name_clashes(&mut self, fields: &mut [CheckedField]) {
        let mut by_name: HashMap<&str, usize> = HashMap::new();
        let mut by_folded_name: HashMap<String, usize> = HashMap::new();
        for (index, field) in fields.iter().enumerate() {
            if let Some(&first) = by_name.get(field.name.as_str()) {
                self.errors.push(Diagnostic::error(
                    field.location.clone(),
                    format!(
                        "duplicate field name '{}' (first on line {})",
                        field.name, fields[first].location.line
                    ),
                ));
                continue;
            }
            by_name.insert(&field.name, index);
            let folded = field.name.to_lowercase();
            if let Some(&first) = by_folded_name.get(&folded) {
                let first = &fields[first];
                self.errors.push(Diagnostic::error(
                    field.location.clone(),
                    format!(
                        "field '{}' (line {}) and field '{}' (line {}) differ only in case: tables (Athena, Glue, DuckDB) read column names without case and cannot hold both",
                        first.name, first.location.line, field.name, field.location.line
                    ),
                ));
                continue;
            }
            by_folded_name.insert(folded, index);
        }
        let wanted: HashSet<String> = fields.iter().map(|field| field.rust_name.clone()).collect();
        let mut taken: HashSet<String> = HashSet::new();
        for field in fields.iter_mut() {
            if taken.contains(&field.rust_name) {
                field.rust_name = names::numbered_ident(&field.rust_name, |candidate| {
                    wanted.contains(candidate) || taken.contains(candidate)
                });
            }
            taken.insert(field.rust_name.clone());
        }
    }

    /// An input key (name, column or alias) read by two fields of one object.
    fn check_input_key_clashes(&mut self, fields: &[CheckedField]) {
        let mut owner: HashMap<&str, &CheckedField> = HashMap::new();
        let mut errors = Vec::new();
        for field in fields {
            for key in &field.input_keys {
                match owner.get(key.as_str()) {
                    None => {
                        owner.insert(key, field);
                    }
                    Some(first) if first.name == field.name => {}
                    Some(first) => errors.push(Diagnostic::error(
                        field.location.clone(),
                        format!(
                            "field '{}' reads the key '{key}', which field '{}' (line {}) already reads",
                            field.name, first.name, first.location.line
                        ),
                    )),
                }
            }
        }
        self.errors.extend(errors);
    }
}

/// The innermost element of an array value: the strings of an array of arrays of strings.
fn innermost_element(value: &mut CheckedValue) -> &mut CheckedValue {
    match value.ty {
        CheckedType::Array(ref mut element) => innermost_element(element),
        _ => value,
    }
}

/// A `timeFormat` value: a known name, `layout=<Go layout>`, or a strftime pattern chrono
/// understands.
fn parse_time_format(text: &str) -> Result<TimeFormat, String> {
    if let Some((_, format)) = TIME_FORMAT_NAMES.iter().find(|(name, _)| *name == text) {
        return Ok(format.clone());
    }
    if let Some(layout) = text.strip_prefix(LAYOUT_PREFIX) {
        return layout::parse(layout).map(TimeFormat::Layout);
    }
    let names: Vec<&str> = TIME_FORMAT_NAMES.iter().map(|(name, _)| *name).collect();
    if !text.contains('%') {
        return Err(format!(
            "unknown time format '{text}' (expected one of {}, `{LAYOUT_PREFIX}<Go layout>` or a strftime pattern with %)",
            names.join(", ")
        ));
    }
    if StrftimeItems::new(text).any(|item| matches!(item, Item::Error)) {
        return Err(format!(
            "invalid strftime pattern '{text}' (chrono cannot read it)"
        ));
    }
    Ok(TimeFormat::Strftime(text.to_owned()))
}

/// regex-syntax's own one-line description, without the pattern-and-caret drawing.
fn regex_error_kind(error: &regex_syntax::Error) -> String {
    match error {
        regex_syntax::Error::Parse(error) => error.kind().to_string(),
        regex_syntax::Error::Translate(error) => error.kind().to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_formats() {
        assert_eq!(parse_time_format("unix_ms"), Ok(TimeFormat::UnixMs));
        assert_eq!(
            parse_time_format("%Y-%m-%d %H:%M:%S"),
            Ok(TimeFormat::Strftime("%Y-%m-%d %H:%M:%S".into()))
        );
        assert!(parse_time_format("iso8601").is_err());
        assert!(parse_time_format("%Y-%Q").is_err());
        assert!(parse_time_format("%").is_err());
    }
}
