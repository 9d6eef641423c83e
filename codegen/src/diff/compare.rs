//! Walks the old and the new IR side by side and records every difference as a finding.

use std::collections::{BTreeMap, HashMap};

use super::compat::{compatibility, Compatibility, TypeKind};
use super::rules::{Rule, Severity};
use super::Finding;
use crate::ir::{
    Field, IpVersion, Location, LogType, Object, Parser, Schemas, TimeFormat, Type, Validate, Value,
};

pub(super) fn compare(old: &Schemas, new: &Schemas) -> Vec<Finding> {
    let old_types: BTreeMap<&str, &LogType> = old
        .log_types
        .iter()
        .map(|lt| (lt.name.as_str(), lt))
        .collect();
    let new_types: BTreeMap<&str, &LogType> = new
        .log_types
        .iter()
        .map(|lt| (lt.name.as_str(), lt))
        .collect();
    let mut findings = Vec::new();
    for (name, old_type) in &old_types {
        let Some(new_type) = new_types.get(name) else {
            findings.push(log_type_finding(
                Rule::LogTypeRemoved,
                old_type,
                "log type removed",
            ));
            continue;
        };
        let mut pair = LogTypePair {
            old: old_type,
            new: new_type,
            findings: &mut findings,
            matched_paths: HashMap::new(),
        };
        pair.compare();
    }
    for (name, new_type) in &new_types {
        if !old_types.contains_key(name) {
            findings.push(log_type_finding(
                Rule::LogTypeAdded,
                new_type,
                "log type added",
            ));
        }
    }
    findings
}

fn log_type_finding(rule: Rule, log_type: &LogType, detail: &str) -> Finding {
    Finding {
        location: log_type.location.clone(),
        rule,
        log_type: log_type.name.clone(),
        path: String::new(),
        old: None,
        new: None,
        severity: rule.severity(),
        detail: detail.to_owned(),
    }
}

/// A field's place on both sides: the paths differ when it, or an object holding it, was renamed.
#[derive(Debug, Clone)]
struct Paths {
    old: String,
    new: String,
}

impl Paths {
    fn root() -> Paths {
        Paths {
            old: String::new(),
            new: String::new(),
        }
    }

    fn field(&self, old_name: &str, new_name: &str) -> Paths {
        Paths {
            old: join(&self.old, old_name),
            new: join(&self.new, new_name),
        }
    }

    fn element(&self) -> Paths {
        Paths {
            old: format!("{}[]", self.old),
            new: format!("{}[]", self.new),
        }
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// One log type present on both sides.
struct LogTypePair<'a> {
    old: &'a LogType,
    new: &'a LogType,
    findings: &'a mut Vec<Finding>,
    /// Old path -> new path of every field found on both sides, to follow renames when comparing
    /// the event-time fields.
    matched_paths: HashMap<String, String>,
}

/// What a finding needs besides its rule and detail.
struct At<'p> {
    path: &'p str,
    location: &'p Location,
}

impl LogTypePair<'_> {
    fn compare(&mut self) {
        if self.old.description != self.new.description {
            let (old, new) = (&self.old.description, &self.new.description);
            let location = self.new.location.clone();
            self.push(
                Rule::DescriptionChanged,
                At {
                    path: "",
                    location: &location,
                },
                old.clone(),
                new.clone(),
                format!(
                    "description changed from {} to {}",
                    quoted(old),
                    quoted(new)
                ),
            );
        }
        self.compare_parsers();
        self.compare_objects(self.old.root(), self.new.root(), &Paths::root());
        self.compare_event_time();
    }

    fn push(
        &mut self,
        rule: Rule,
        at: At,
        old: Option<String>,
        new: Option<String>,
        detail: String,
    ) {
        self.push_with_severity(rule, rule.severity(), at, old, new, detail);
    }

    fn push_with_severity(
        &mut self,
        rule: Rule,
        severity: Severity,
        at: At,
        old: Option<String>,
        new: Option<String>,
        detail: String,
    ) {
        self.findings.push(Finding {
            location: at.location.clone(),
            rule,
            log_type: self.new.name.clone(),
            path: at.path.to_owned(),
            old,
            new,
            severity,
            detail,
        });
    }

    fn compare_parsers(&mut self) {
        let (old, new) = (describe_input(self.old), describe_input(self.new));
        if old == new {
            return;
        }
        let location = match &self.new.parser {
            Parser::Delimited(delimited) => delimited.location.clone(),
            Parser::FastMatch(fastmatch) => fastmatch.location.clone(),
            Parser::Csv(csv) => csv.location.clone(),
            Parser::Regex(regex) => regex.location.clone(),
            Parser::JsonLines => self.new.location.clone(),
        };
        let detail = format!("parser changed from {old} to {new}");
        self.push(
            Rule::ParserChanged,
            At {
                path: "",
                location: &location,
            },
            Some(old),
            Some(new),
            detail,
        );
    }

    /// Pairs the fields of two objects by name, then by `renamedFrom`.
    fn compare_objects(&mut self, old: &Object, new: &Object, paths: &Paths) {
        let mut old_used = vec![false; old.fields.len()];
        for new_field in &new.fields {
            let by_name = old.fields.iter().position(|f| f.name == new_field.name);
            let by_rename = || {
                old.fields.iter().enumerate().position(|(index, f)| {
                    !old_used[index]
                        && new_field.renamed_from.contains(&f.name)
                        && !new.fields.iter().any(|other| other.name == f.name)
                })
            };
            let found = by_name.filter(|index| !old_used[*index]).or_else(by_rename);
            let Some(index) = found else {
                self.field_added(new_field, &paths.field(&new_field.name, &new_field.name));
                continue;
            };
            old_used[index] = true;
            let old_field = &old.fields[index];
            let field_paths = paths.field(&old_field.name, &new_field.name);
            if old_field.name != new_field.name {
                self.push(
                    Rule::FieldRenamed,
                    At {
                        path: &field_paths.new,
                        location: &new_field.location,
                    },
                    Some(field_paths.old.clone()),
                    Some(field_paths.new.clone()),
                    format!(
                        "renamed from {} to {} (old data still parses; the output key changes)",
                        field_paths.old, field_paths.new
                    ),
                );
            }
            self.compare_fields(old_field, new_field, &field_paths);
        }
        for (old_field, used) in old.fields.iter().zip(old_used) {
            if !used {
                let path = join(&paths.old, &old_field.name);
                let ty = type_label(&old_field.value);
                self.push(
                    Rule::FieldRemoved,
                    At {
                        path: &path,
                        location: &old_field.location,
                    },
                    Some(ty.clone()),
                    None,
                    format!("field removed (was {ty})"),
                );
            }
        }
    }

    fn field_added(&mut self, field: &Field, paths: &Paths) {
        let ty = type_label(&field.value);
        let (rule, detail) = if field.required {
            (
                Rule::RequiredFieldAdded,
                format!("required field added ({ty}): records without it are rejected"),
            )
        } else {
            (Rule::FieldAdded, format!("field added ({ty})"))
        };
        self.push(
            rule,
            At {
                path: &paths.new,
                location: &field.location,
            },
            None,
            Some(ty),
            detail,
        );
    }

    fn compare_fields(&mut self, old: &Field, new: &Field, paths: &Paths) {
        self.matched_paths
            .insert(paths.old.clone(), paths.new.clone());
        let at = || At {
            path: &paths.new,
            location: &new.location,
        };
        match (old.required, new.required) {
            (false, true) => self.push(
                Rule::FieldBecameRequired,
                at(),
                Some("optional".into()),
                Some("required".into()),
                "became required: records without it are now rejected".into(),
            ),
            (true, false) => self.push(
                Rule::FieldBecameOptional,
                at(),
                Some("required".into()),
                Some("optional".into()),
                "became optional".into(),
            ),
            _ => {}
        }
        if old.description != new.description {
            self.push(
                Rule::DescriptionChanged,
                at(),
                old.description.clone(),
                new.description.clone(),
                format!(
                    "description changed from {} to {}",
                    quoted(&old.description),
                    quoted(&new.description)
                ),
            );
        }
        for key in &old.input_keys {
            if !new.input_keys.contains(key) {
                self.push(
                    Rule::InputKeyRemoved,
                    at(),
                    Some(key.clone()),
                    None,
                    format!("input key '{key}' is no longer read: values under it are dropped"),
                );
            }
        }
        self.compare_values(&old.value, &new.value, paths, &new.location, new.required);
    }

    /// A field's value, or an array's element (`required` is false there: an element that is
    /// absent is dropped, not rejected).
    fn compare_values(
        &mut self,
        old: &Value,
        new: &Value,
        paths: &Paths,
        location: &Location,
        required: bool,
    ) {
        let at = || At {
            path: &paths.new,
            location,
        };
        match (&old.ty, &new.ty) {
            (Type::Object(old_index), Type::Object(new_index)) => {
                if let (Some(old_object), Some(new_object)) = (
                    self.old.objects.get(*old_index),
                    self.new.objects.get(*new_index),
                ) {
                    self.compare_objects(old_object, new_object, paths);
                }
            }
            (Type::Array(old_element), Type::Array(new_element)) => {
                self.compare_values(old_element, new_element, &paths.element(), location, false);
            }
            (Type::Timestamp(old_formats), Type::Timestamp(new_formats)) => {
                for format in old_formats {
                    if !new_formats.contains(format) {
                        let removed = time_format_name(format);
                        let remaining = time_format_list(new_formats);
                        self.push(
                            Rule::TimeFormatRemoved,
                            at(),
                            Some(removed.clone()),
                            Some(remaining.clone()),
                            format!(
                                "time format {removed} removed (now {remaining}): values in that format no longer parse"
                            ),
                        );
                    }
                }
            }
            (old_ty, new_ty) => {
                let (old_label, new_label) = (type_label(old), type_label(new));
                match compatibility(TypeKind::of(old_ty), TypeKind::of(new_ty)) {
                    Compatibility::Same => {}
                    Compatibility::Widened => self.push(
                        Rule::FieldTypeWidened,
                        at(),
                        Some(old_label.clone()),
                        Some(new_label.clone()),
                        format!("type widened from {old_label} to {new_label}"),
                    ),
                    Compatibility::Incompatible => self.push(
                        Rule::FieldTypeChanged,
                        at(),
                        Some(old_label.clone()),
                        Some(new_label.clone()),
                        format!("type changed from {old_label} to {new_label}"),
                    ),
                }
            }
        }
        self.compare_indicators(old, new, paths, location);
        if let Some((old_rules, new_rules)) = narrowed(&old.validate, &new.validate) {
            self.push(
                Rule::ValidationNarrowed,
                at(),
                Some(old_rules.clone()),
                Some(new_rules.clone()),
                format!(
                    "validation narrowed from {old_rules} to {new_rules}: values accepted before are now rejected"
                ),
            );
        }
        for value in &new.empty_values {
            if !old.empty_values.contains(value) {
                let (severity, consequence) = if required {
                    (Severity::Breaking, "records with it are now rejected")
                } else {
                    (Severity::Warning, "it is now dropped")
                };
                self.push_with_severity(
                    Rule::EmptyValueAdded,
                    severity,
                    at(),
                    None,
                    Some(value.clone()),
                    format!("empty value {value:?} added: {consequence}"),
                );
            }
        }
    }

    fn compare_indicators(&mut self, old: &Value, new: &Value, paths: &Paths, location: &Location) {
        let kinds = |value: &Value| {
            let mut kinds: Vec<&'static str> =
                value.indicators.iter().map(|i| i.kind.as_str()).collect();
            kinds.sort_unstable();
            kinds.dedup();
            kinds
        };
        let (old_kinds, new_kinds) = (kinds(old), kinds(new));
        for kind in &old_kinds {
            if !new_kinds.contains(kind) {
                self.push(
                    Rule::IndicatorRemoved,
                    At {
                        path: &paths.new,
                        location,
                    },
                    Some((*kind).to_owned()),
                    None,
                    format!(
                        "indicator {kind} removed: p_any_* lists and detections lose these values"
                    ),
                );
            }
        }
        for kind in &new_kinds {
            if !old_kinds.contains(kind) {
                self.push(
                    Rule::IndicatorAdded,
                    At {
                        path: &paths.new,
                        location,
                    },
                    None,
                    Some((*kind).to_owned()),
                    format!("indicator {kind} added"),
                );
            }
        }
    }

    /// The event time is the first present of the `isEventTime` fields, so their list (old paths
    /// translated through renames) is what must stay the same.
    fn compare_event_time(&mut self) {
        let old_paths = event_time_fields(self.old);
        let new_paths = event_time_fields(self.new);
        let translated: Vec<String> = old_paths
            .iter()
            .map(|(path, _)| self.matched_paths.get(path).unwrap_or(path).clone())
            .collect();
        let current: Vec<String> = new_paths.iter().map(|(path, _)| path.clone()).collect();
        if translated == current {
            return;
        }
        let describe = |paths: &[(String, &Location)]| {
            if paths.is_empty() {
                "none (the parse time)".to_owned()
            } else {
                paths
                    .iter()
                    .map(|(path, _)| path.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        let (old, new) = (describe(&old_paths), describe(&new_paths));
        let location = new_paths
            .first()
            .map_or_else(|| self.new.location.clone(), |(_, at)| (*at).clone());
        self.push(
            Rule::EventTimeChanged,
            At {
                path: "",
                location: &location,
            },
            Some(old.clone()),
            Some(new.clone()),
            format!(
                "event time changed from {old} to {new}: p_event_time of the same record changes"
            ),
        );
    }
}

/// The `isEventTime` fields in the order the runtime tries them: schema order, depth first.
fn event_time_fields(log_type: &LogType) -> Vec<(String, &Location)> {
    fn walk<'a>(
        log_type: &'a LogType,
        object: &'a Object,
        prefix: &str,
        out: &mut Vec<(String, &'a Location)>,
    ) {
        for field in &object.fields {
            let path = join(prefix, &field.name);
            if field.is_event_time {
                out.push((path.clone(), &field.location));
            }
            // `isEventTime` is not allowed inside arrays, so only objects are entered.
            if let Type::Object(index) = field.value.ty {
                if let Some(nested) = log_type.objects.get(index) {
                    walk(log_type, nested, &path, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(log_type, log_type.root(), "", &mut out);
    out
}

/// `smallint`, `timestamp`, `array<string>`, `array<object>`.
fn type_label(value: &Value) -> String {
    match &value.ty {
        Type::String => "string".into(),
        Type::SmallInt => "smallint".into(),
        Type::Int => "int".into(),
        Type::BigInt => "bigint".into(),
        Type::Float => "float".into(),
        Type::Boolean => "boolean".into(),
        Type::Timestamp(_) => "timestamp".into(),
        Type::Json => "json".into(),
        Type::Array(element) => format!("array<{}>", type_label(element)),
        Type::Object(_) => "object".into(),
    }
}

fn time_format_name(format: &TimeFormat) -> String {
    match format {
        TimeFormat::Rfc3339 => "rfc3339".into(),
        TimeFormat::Unix => "unix".into(),
        TimeFormat::UnixMs => "unix_ms".into(),
        TimeFormat::UnixUs => "unix_us".into(),
        TimeFormat::UnixNs => "unix_ns".into(),
        TimeFormat::Strftime(pattern) => format!("'{pattern}'"),
        TimeFormat::Layout(layout) => format!("'layout={}'", layout.layout),
        TimeFormat::Cloudflare => "cloudflare".into(),
    }
}

fn time_format_list(formats: &[TimeFormat]) -> String {
    let names: Vec<String> = formats.iter().map(time_format_name).collect();
    format!("[{}]", names.join(", "))
}

fn quoted(text: &Option<String>) -> String {
    match text {
        Some(text) => format!("{text:?}"),
        None => "none".into(),
    }
}

/// The parser and, when there is one, the envelope the records come in.
fn describe_input(log_type: &crate::ir::LogType) -> String {
    let parser = describe_parser(&log_type.parser);
    match &log_type.envelope {
        None => parser,
        Some(envelope) => {
            let message = envelope
                .message
                .as_ref()
                .map(|key| format!(" message {key:?}"))
                .unwrap_or_default();
            format!(
                "{parser} in envelope records {:?}{message}",
                envelope.records.join(".")
            )
        }
    }
}

/// Every setting that decides how lines become records, in one comparable line.
fn describe_parser(parser: &Parser) -> String {
    match parser {
        Parser::JsonLines => "json lines".into(),
        Parser::Delimited(delimited) => {
            let mut text = format!("delimited {:?}", delimited.delimiter);
            if delimited.merge_delimiters {
                text.push_str(" merged");
            }
            text.push_str(match delimited.header {
                crate::ir::HeaderMode::Detect => " header detect",
                crate::ir::HeaderMode::None => " header none",
            });
            if !delimited.default_columns.is_empty() {
                text.push_str(&format!(
                    " columns [{}]",
                    delimited.default_columns.join(", ")
                ));
            }
            if !delimited.empty_values.is_empty() {
                text.push_str(&format!(" empty {:?}", delimited.empty_values));
            }
            if delimited.extra_columns == crate::ir::ExtraColumns::Ignore {
                text.push_str(" extra columns ignored");
            }
            if let Some(prefix) = &delimited.skip_prefix {
                text.push_str(&format!(" skip {prefix:?}"));
            }
            if let Some(prefix) = &delimited.header_prefix {
                text.push_str(&format!(" header lines {prefix:?}"));
                if let Some(delimiter) = delimited.header_delimiter {
                    text.push_str(&format!(" split on {delimiter:?}"));
                }
            }
            if !delimited.expand_fields.is_empty() {
                text.push_str(&format!(" expand {:?}", delimited.expand_fields));
            }
            text
        }
        // The whole parser, as the IR holds it: any change to a pattern or option shows.
        Parser::FastMatch(fastmatch) => {
            format!("fastmatch {:?} {:?}", fastmatch.patterns, fastmatch.options)
        }
        Parser::Csv(csv) => format!(
            "csv {:?} header {} columns [{}] {:?}",
            csv.delimiter,
            csv.has_header,
            csv.columns.join(", "),
            csv.options
        ),
        Parser::Regex(regex) => format!("regex {:?} {:?}", regex.pattern, regex.options),
    }
}

/// Both sides' rules, described, when the new ones reject a value the old ones accepted.
fn narrowed(old: &Validate, new: &Validate) -> Option<(String, String)> {
    let allow_narrowed = !new.allow.is_empty()
        && (old.allow.is_empty() || old.allow.iter().any(|value| !new.allow.contains(value)));
    let deny_grew = new.deny.iter().any(|value| !old.deny.contains(value));
    let ip_narrowed = version_narrowed(old.ip, new.ip);
    let cidr_narrowed = version_narrowed(old.cidr, new.cidr);
    (allow_narrowed || deny_grew || ip_narrowed || cidr_narrowed)
        .then(|| (describe_validate(old), describe_validate(new)))
}

/// `None` accepts everything and `Any` both versions; anything else added or changed narrows.
fn version_narrowed(old: Option<IpVersion>, new: Option<IpVersion>) -> bool {
    match (old, new) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(old), Some(new)) => old != new && new != IpVersion::Any,
    }
}

fn describe_validate(validate: &Validate) -> String {
    let version = |version: IpVersion| match version {
        IpVersion::V4 => "ipv4",
        IpVersion::V6 => "ipv6",
        IpVersion::Any => "any",
    };
    let mut parts = Vec::new();
    if !validate.allow.is_empty() {
        parts.push(format!("allow [{}]", validate.allow.join(", ")));
    }
    if !validate.deny.is_empty() {
        parts.push(format!("deny [{}]", validate.deny.join(", ")));
    }
    if let Some(ip) = validate.ip {
        parts.push(format!("ip {}", version(ip)));
    }
    if let Some(cidr) = validate.cidr {
        parts.push(format!("cidr {}", version(cidr)));
    }
    if parts.is_empty() {
        "no validation".into()
    } else {
        parts.join(", ")
    }
}
