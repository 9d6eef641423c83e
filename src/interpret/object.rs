//! A decoded object of any schema: the interpreter's counterpart of a generated struct and its
//! `Object` impl. It walks its `ObjectNode` where the generated code is straight-line: decode each
//! field in schema order, write them in order through the same `ObjectWriter`, collect the
//! indicators per plan, pick the event time.

use super::tree::{FieldNode, FieldSource, Indicators, ObjectNode};
use super::value::{self, DynValue};
use crate::runtime::arrow_out::{Column, ShapeError};
use crate::runtime::decode::missing;
use crate::runtime::event::{unknown_members, write_decoded, DecodedEvent};
use crate::runtime::indicators::{condition_holds, NestedIndicators};
use crate::runtime::transform::{self, value_at};
use crate::runtime::{
    DecodeError, EventMeta, EventOutput, IndicatorSink, InterpretedParser, JsonObjectWriter,
    ObjectRef, ObjectWriter, Timestamp, ValueRef, WriteArrow, WriteJson,
};

#[derive(Debug)]
pub(crate) struct DynObject<'a> {
    node: &'static ObjectNode,
    /// One per field of `node`, in schema order; `None`: absent.
    values: Vec<Option<DynValue<'a>>>,
}

impl<'a> DynObject<'a> {
    /// `Object::decode_fields`: every field, in schema order; the first error wins.
    pub(crate) fn decode(
        input: &ObjectRef<'_, 'a>,
        node: &'static ObjectNode,
    ) -> Result<Self, DecodeError> {
        let mut values = Vec::with_capacity(node.fields.len());
        for field in &node.fields {
            let value = decode_field(input, field)?;
            if value.is_none() && field.spec.required {
                return Err(missing(field.spec));
            }
            values.push(value);
        }
        Ok(DynObject { node, values })
    }

    fn fields(&self) -> impl Iterator<Item = (&'static FieldNode, &Option<DynValue<'a>>)> {
        self.node.fields.iter().zip(&self.values)
    }
}

fn decode_field<'a>(
    input: &ObjectRef<'_, 'a>,
    field: &'static FieldNode,
) -> Result<Option<DynValue<'a>>, DecodeError> {
    let spec = field.spec;
    let in_field = |error: DecodeError| error.in_field(spec.name);
    match field.source {
        FieldSource::Input => match input.get(spec) {
            None => Ok(None),
            Some(found) => value::decode(found, &field.value).map_err(in_field),
        },
        FieldSource::Copied(path) => match value_at(input, path) {
            None => Ok(None),
            Some(found) => value::decode(ValueRef::Json(found), &field.value).map_err(in_field),
        },
        FieldSource::Text(transform) => {
            Ok(transform::text(input, spec, transform)?.map(DynValue::String))
        }
    }
}

impl DecodedEvent for DynObject<'_> {
    fn write_fields<W: ObjectWriter>(&self, out: &mut W) {
        for (field, value) in self.fields() {
            match value {
                Some(value) => out.field(field.spec.name, value),
                None => out.absent(field.spec.name),
            }
        }
    }

    fn collect_indicators(&self, sink: &mut IndicatorSink) {
        for (field, value) in self.fields() {
            let Some(value) = value else {
                continue;
            };
            match &field.indicators {
                Indicators::None => {}
                Indicators::Strings { specs, guards } => {
                    for (spec, guard) in specs.iter().zip(guards) {
                        if self.guard_holds(spec, *guard) {
                            sink.add(spec, value);
                        }
                    }
                }
                Indicators::JsonAll(specs) => sink.add_json(specs, value),
                Indicators::JsonEach { specs, guards } => {
                    for (spec, guard) in specs.iter().zip(guards) {
                        if self.guard_holds(spec, *guard) {
                            sink.add_json(std::slice::from_ref(spec), value);
                        }
                    }
                }
                Indicators::Nested => value.collect_nested(sink),
            }
        }
    }

    fn event_time(&self) -> Option<Timestamp> {
        if !self.node.has_event_time {
            return None;
        }
        self.fields()
            .filter(|(field, _)| field.event_time_candidate)
            .find_map(|(_, value)| match value {
                Some(DynValue::Timestamp(time)) => Some(*time),
                Some(DynValue::Object(object)) => object.event_time(),
                _ => None,
            })
    }
}

impl DynObject<'_> {
    /// `condition_holds` on the sibling field an indicator's `when` names.
    fn guard_holds(&self, spec: &crate::runtime::IndicatorSpec, guard: Option<usize>) -> bool {
        match guard {
            None => true,
            Some(index) => self
                .values
                .get(index)
                .is_some_and(|sibling| condition_holds(spec, sibling)),
        }
    }
}

impl NestedIndicators for DynValue<'_> {
    fn collect_nested(&self, sink: &mut IndicatorSink) {
        match self {
            DynValue::Object(object) => object.collect_indicators(sink),
            DynValue::Array(elements) => elements.collect_nested(sink),
            _ => {}
        }
    }
}

impl WriteJson for DynObject<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        let mut object = JsonObjectWriter::new(out);
        self.write_fields(&mut object);
        object.finish();
    }
}

impl WriteArrow for DynObject<'_> {
    fn write_arrow(&self, column: &mut Column) -> Result<(), ShapeError> {
        column.push_struct(|object| self.write_fields(object))
    }
}

/// A log type's `parse_event` when its schema is interpreted.
#[derive(Debug)]
pub(crate) struct ObjectParser {
    pub root: &'static ObjectNode,
    /// `fieldDiscoveryEnabled`: undeclared keys go to `p_unknown`.
    pub field_discovery: bool,
}

impl InterpretedParser for ObjectParser {
    fn parse_event(
        &self,
        input: &ObjectRef<'_, '_>,
        meta: &EventMeta<'_>,
        out: &mut dyn EventOutput,
    ) -> Result<(), DecodeError> {
        let event = DynObject::decode(input, self.root)?;
        if self.field_discovery {
            let unknown = unknown_members(input, self.root.specs);
            write_decoded(&event, Some(&unknown), meta, out)
        } else {
            write_decoded(&event, None, meta, out)
        }
    }
}
