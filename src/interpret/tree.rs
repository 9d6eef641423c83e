//! What the interpreter walks for each record: per object its fields, each with the runtime
//! spec the generated code would point to, where its value comes from (a transformation), its
//! indicator plan and whether it is an event-time candidate. Built once per log type from the
//! IR; everything the generated `Object` impl decides at build time is decided here.

use logschema_codegen::ir;

use super::specs::{self, leak, leak_slice, leak_str, leak_strs};
use crate::runtime::transform::{Mask, Source, TransformSpec};
use crate::runtime::{FieldSpec, IndicatorSpec, ValueSpec};

/// One object (the record, or a nested object) of a log type.
#[derive(Debug)]
pub(crate) struct ObjectNode {
    pub fields: Vec<FieldNode>,
    /// The runtime's field table (`X_FIELDS` in generated code).
    pub specs: &'static [&'static FieldSpec],
    /// It holds an `isEventTime` field itself or in a nested object (not in arrays).
    pub has_event_time: bool,
}

#[derive(Debug)]
pub(crate) struct FieldNode {
    pub spec: &'static FieldSpec,
    pub value: ValueNode,
    pub source: FieldSource,
    pub indicators: Indicators,
    /// An `isEventTime` timestamp, or a nested object holding one.
    pub event_time_candidate: bool,
}

/// Where a field's value comes from (`Object::decode_fields` of generated code).
#[derive(Debug)]
pub(crate) enum FieldSource {
    /// The field's own keys or column.
    Input,
    /// `copy` without `mask`: the value at the path, decoded as the field's type.
    Copied(&'static [&'static str]),
    /// Every other transformation: text.
    Text(&'static TransformSpec),
}

#[derive(Debug)]
pub(crate) struct ValueNode {
    pub spec: &'static ValueSpec,
    pub element: Option<&'static ValueNode>,
    pub object: Option<&'static ObjectNode>,
}

/// What `collect_indicators` does with a field (see codegen/src/emit/object_impl.rs).
#[derive(Debug)]
pub(crate) enum Indicators {
    None,
    /// Strings (or arrays of them): each indicator of the innermost spec, guarded by the
    /// sibling field it names (an index into the object's fields).
    Strings {
        specs: &'static [IndicatorSpec],
        guards: Vec<Option<usize>>,
    },
    /// `json` values, every indicator without a `when`: one walk for all.
    JsonAll(&'static [IndicatorSpec]),
    /// `json` values with conditions: one guarded walk per indicator.
    JsonEach {
        specs: &'static [IndicatorSpec],
        guards: Vec<Option<usize>>,
    },
    /// Nested objects (or arrays of them).
    Nested,
}

/// Builds the node of object `index` and, depth first, of the objects it holds.
pub(crate) fn object(log_type: &ir::LogType, index: usize) -> Result<&'static ObjectNode, String> {
    let object = log_type
        .objects
        .get(index)
        .ok_or_else(|| format!("object index {index} is out of range"))?;
    let mut fields = Vec::with_capacity(object.fields.len());
    for field in &object.fields {
        fields.push(field_node(log_type, index, object, field)?);
    }
    let has_event_time = fields.iter().any(|field| field.event_time_candidate);
    let specs = leak_slice(fields.iter().map(|field| field.spec).collect());
    Ok(leak(ObjectNode {
        fields,
        specs,
        has_event_time,
    }))
}

fn field_node(
    log_type: &ir::LogType,
    object_index: usize,
    object: &ir::Object,
    field: &ir::Field,
) -> Result<FieldNode, String> {
    let value = value_node(log_type, object_index, object, &field.value)?;
    let event_time_candidate = match &field.value.ty {
        ir::Type::Timestamp(_) => field.is_event_time,
        ir::Type::Object(_) => value.object.is_some_and(|child| child.has_event_time),
        _ => false,
    };
    let indicators = indicators(object, field, &value)?;
    let spec = leak(FieldSpec {
        name: leak_str(&field.name),
        keys: leak_strs(&field.input_keys),
        required: field.required,
        is_event_time: field.is_event_time,
        value: copy_value_spec(value.spec),
    });
    // The field's spec must be the one its value node reads (decoding uses `spec.value`).
    let value = ValueNode {
        spec: &spec.value,
        ..value
    };
    Ok(FieldNode {
        spec,
        value,
        source: source(field.transform.as_ref()),
        indicators,
        event_time_candidate,
    })
}

/// `ValueSpec` is not `Clone` (it is static data); a field's spec holds its own copy.
fn copy_value_spec(spec: &ValueSpec) -> ValueSpec {
    ValueSpec {
        kind: spec.kind,
        empty_values: spec.empty_values,
        time_formats: spec.time_formats,
        indicators: spec.indicators,
        allow: spec.allow,
        deny: spec.deny,
        ip: spec.ip,
        cidr: spec.cidr,
        embedded_json: spec.embedded_json,
        element: spec.element,
        object_fields: spec.object_fields,
    }
}

fn value_node(
    log_type: &ir::LogType,
    object_index: usize,
    object: &ir::Object,
    value: &ir::Value,
) -> Result<ValueNode, String> {
    let mut element = None;
    let mut child = None;
    match &value.ty {
        ir::Type::Array(inner) => {
            element = Some(leak(value_node(log_type, object_index, object, inner)?))
        }
        ir::Type::Object(index) => {
            // Nested objects come after the object holding them; anything else would loop.
            if *index <= object_index {
                return Err(format!(
                    "object {index} is nested in object {object_index}, which comes after it"
                ));
            }
            child = Some(self::object(log_type, *index)?);
        }
        _ => {}
    }
    let mut indicators = Vec::with_capacity(value.indicators.len());
    for indicator in &value.indicators {
        let sibling = match &indicator.when {
            Some(condition) => Some(sibling_name(object, condition.field_index, indicator)?),
            None => None,
        };
        indicators.push(specs::indicator(indicator, sibling));
    }
    let spec = leak(ValueSpec {
        kind: specs::value_kind(&value.ty),
        empty_values: leak_strs(&value.empty_values),
        time_formats: specs::time_formats(&value.ty),
        indicators: leak_slice(indicators),
        allow: leak_strs(&value.validate.allow),
        deny: leak_strs(&value.validate.deny),
        ip: specs::ip_version(value.validate.ip),
        cidr: specs::ip_version(value.validate.cidr),
        embedded_json: value.embedded_json,
        element: element.as_ref().map(|element| element.spec),
        object_fields: child.map(|child| child.specs),
    });
    Ok(ValueNode {
        spec,
        element,
        object: child,
    })
}

fn sibling_name<'o>(
    object: &'o ir::Object,
    index: usize,
    indicator: &ir::Indicator,
) -> Result<&'o str, String> {
    object
        .fields
        .get(index)
        .filter(|sibling| sibling.value.ty == ir::Type::String)
        .map(|sibling| sibling.name.as_str())
        .ok_or_else(|| {
            format!(
                "{}: indicator condition must name a string field of {} (index {index})",
                indicator.location, object.rust_name
            )
        })
}

fn source(transform: Option<&ir::Transform>) -> FieldSource {
    let Some(transform) = transform else {
        return FieldSource::Input;
    };
    if let (ir::TransformSource::Copy(path), None) = (&transform.source, &transform.mask) {
        return FieldSource::Copied(leak_strs(path));
    }
    let source = match &transform.source {
        ir::TransformSource::Own => Source::Own,
        ir::TransformSource::Copy(path) => Source::Copy(leak_strs(path)),
        ir::TransformSource::Concat { paths, separator } => Source::Concat {
            paths: leak_slice(paths.iter().map(|path| leak_strs(path)).collect()),
            separator: leak_str(separator),
        },
        ir::TransformSource::Split {
            from,
            separator,
            index,
        } => Source::Split {
            from: leak_strs(from),
            separator: leak_str(separator),
            index: *index,
        },
    };
    let mask = transform.mask.as_ref().map(|mask| match mask {
        ir::Mask::Hash => Mask::Hash,
        ir::Mask::Redact(with) => Mask::Redact(leak_str(with)),
    });
    FieldSource::Text(leak(TransformSpec { source, mask }))
}

/// The indicator plan of a field, from its innermost value (arrays looked through).
fn indicators(
    object: &ir::Object,
    field: &ir::Field,
    node: &ValueNode,
) -> Result<Indicators, String> {
    let mut value = &field.value;
    let mut node = node;
    while let (ir::Type::Array(element), Some(element_node)) = (&value.ty, node.element) {
        value = element;
        node = element_node;
    }
    let guards = || -> Result<Vec<Option<usize>>, String> {
        value
            .indicators
            .iter()
            .map(|indicator| match &indicator.when {
                Some(condition) => {
                    sibling_name(object, condition.field_index, indicator)?;
                    Ok(Some(condition.field_index))
                }
                None => Ok(None),
            })
            .collect()
    };
    Ok(match &value.ty {
        ir::Type::String if !value.indicators.is_empty() => Indicators::Strings {
            specs: node.spec.indicators,
            guards: guards()?,
        },
        ir::Type::Json if !value.indicators.is_empty() => {
            if value
                .indicators
                .iter()
                .all(|indicator| indicator.when.is_none())
            {
                Indicators::JsonAll(node.spec.indicators)
            } else {
                Indicators::JsonEach {
                    specs: node.spec.indicators,
                    guards: guards()?,
                }
            }
        }
        ir::Type::Object(_) => Indicators::Nested,
        _ => Indicators::None,
    })
}
