//! The rules: a stable id per kind of change (buf's style), its severity and what it means.

use std::fmt;

/// How much a change matters to the data already flowing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Nothing existing breaks.
    Info,
    /// Records still parse, but output or detections change.
    Warning,
    /// Records that were accepted are rejected or lose data, or queries on output keys break.
    Breaking,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Breaking => "breaking",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! rules {
    ($($variant:ident => $id:literal, $severity:ident, $meaning:literal;)*) => {
        /// A kind of change. `id()` is stable: CI configurations and reviewers rely on it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $($variant,)*
        }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            pub fn id(self) -> &'static str {
                match self {
                    $(Rule::$variant => $id,)*
                }
            }

            /// The severity of most findings of this rule (`EMPTY_VALUE_ADDED` is breaking on a
            /// required field).
            pub fn severity(self) -> Severity {
                match self {
                    $(Rule::$variant => Severity::$severity,)*
                }
            }

            pub fn meaning(self) -> &'static str {
                match self {
                    $(Rule::$variant => $meaning,)*
                }
            }
        }
    };
}

rules! {
    LogTypeRemoved => "LOG_TYPE_REMOVED", Breaking,
        "a log type is gone: its data can no longer be parsed";
    ParserChanged => "PARSER_CHANGED", Breaking,
        "the parser, delimiter, header mode, default columns or parser empty values changed";
    FieldRemoved => "FIELD_REMOVED", Breaking,
        "a field is gone (without `renamedFrom`): its values are dropped and queries on it break";
    RequiredFieldAdded => "REQUIRED_FIELD_ADDED", Breaking,
        "a new required field: records without it are rejected";
    FieldTypeChanged => "FIELD_TYPE_CHANGED", Breaking,
        "a field's (or array element's) type changed incompatibly";
    FieldBecameRequired => "FIELD_BECAME_REQUIRED", Breaking,
        "an optional field became required: records without it are rejected";
    TimeFormatRemoved => "TIME_FORMAT_REMOVED", Breaking,
        "a time format was removed: values in that format no longer parse";
    ValidationNarrowed => "VALIDATION_NARROWED", Breaking,
        "`validate` accepts fewer values (allow list shrank or appeared, deny list grew, ip/cidr check added or narrowed)";
    EmptyValueAdded => "EMPTY_VALUE_ADDED", Warning,
        "a value now means absent: it is dropped (warning), or the record is rejected when the field is required (breaking)";
    FieldTypeWidened => "FIELD_TYPE_WIDENED", Warning,
        "an integer type widened (smallint -> int -> bigint): old data parses, the output column type changes";
    FieldRenamed => "FIELD_RENAMED", Warning,
        "a field renamed with `renamedFrom`: old data still parses, the output key changes";
    EventTimeChanged => "EVENT_TIME_CHANGED", Warning,
        "the event-time field(s) changed: p_event_time of the same record changes";
    IndicatorRemoved => "INDICATOR_REMOVED", Warning,
        "an indicator kind was removed from a field: p_any_* lists and detections lose values";
    InputKeyRemoved => "INPUT_KEY_REMOVED", Warning,
        "an alias or column is no longer read: values under it are dropped";
    FieldBecameOptional => "FIELD_BECAME_OPTIONAL", Info,
        "a required field became optional: more records are accepted";
    FieldAdded => "FIELD_ADDED", Info,
        "a new optional field";
    LogTypeAdded => "LOG_TYPE_ADDED", Info,
        "a new log type";
    IndicatorAdded => "INDICATOR_ADDED", Info,
        "a field gained an indicator kind";
    DescriptionChanged => "DESCRIPTION_CHANGED", Info,
        "a log type's or field's description changed";
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}
