//! The Arrow schema of a log type's events, derived from its generated field specs.
//!
//! Every column is nullable: a field that becomes optional in a later schema version then keeps
//! the same Parquet type, and files written before and after stay readable as one table.

use std::sync::Arc;

use arrow_schema::extension::Json;
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};

use crate::runtime::indicators::IndicatorList;
use crate::runtime::{FieldSpec, LogType, ValueKind, ValueSpec};

/// The time zone of every timestamp column: events are UTC instants. An offset, not the name
/// `UTC`, which arrow would need the chrono-tz database for.
pub const UTC: &str = "+00:00";

/// The columns of a log type's table: its fields in schema order, then the `p_*` columns in the
/// order events are written. Every `p_any_*` list is present in every table, so one query can
/// name `p_any_ip_addresses` across all log types.
pub fn arrow_schema(log_type: &LogType) -> SchemaRef {
    let mut columns = object_fields(log_type.fields);
    columns.extend(standard_columns(log_type.field_discovery));
    Arc::new(Schema::new(columns))
}

/// The `p_*` columns every event has (`p_source_*` only with `--source-id`/`--source-label`).
fn standard_columns(field_discovery: bool) -> Vec<Field> {
    let mut columns = vec![
        Field::new("p_log_type", DataType::Utf8, true),
        Field::new("p_row_id", DataType::Utf8, true),
        Field::new("p_event_time", timestamp_type(), true),
        Field::new("p_parse_time", timestamp_type(), true),
        Field::new("p_source_id", DataType::Utf8, true),
        Field::new("p_source_label", DataType::Utf8, true),
    ];
    if field_discovery {
        // The keys the schema does not declare, as one JSON object.
        columns.push(json_text(Field::new("p_unknown", DataType::Utf8, true)));
    }
    columns.extend(
        IndicatorList::ALL
            .iter()
            .map(|list| Field::new(list.column_name(), string_list_type(), true)),
    );
    columns
}

fn object_fields(fields: &[&FieldSpec]) -> Vec<Field> {
    fields
        .iter()
        .map(|field| value_field(field.name, &field.value))
        .collect()
}

fn value_field(name: &str, value: &ValueSpec) -> Field {
    let field = Field::new(name, value_type(value), true);
    if value.kind == ValueKind::Json {
        json_text(field)
    } else {
        field
    }
}

/// Marks a `Utf8` column as JSON text: Parquet's JSON logical type, which engines read as JSON.
pub fn json_text(field: Field) -> Field {
    field.with_extension_type(Json::default())
}

fn value_type(value: &ValueSpec) -> DataType {
    match value.kind {
        ValueKind::String | ValueKind::Json => DataType::Utf8,
        ValueKind::SmallInt => DataType::Int16,
        ValueKind::Int => DataType::Int32,
        ValueKind::BigInt => DataType::Int64,
        ValueKind::Float => DataType::Float64,
        ValueKind::Boolean => DataType::Boolean,
        ValueKind::Timestamp => timestamp_type(),
        ValueKind::Array => {
            // A spec without an element cannot come out of the generator; JSON text keeps the
            // value rather than failing the run.
            let element = match value.element {
                Some(element) => value_field("item", element),
                None => value_field("item", &ValueSpec::of(ValueKind::Json)),
            };
            DataType::List(Arc::new(element))
        }
        ValueKind::Object => {
            let fields = value.object_fields.unwrap_or(&[]);
            DataType::Struct(Fields::from(object_fields(fields)))
        }
    }
}

/// Microseconds, not the nanoseconds of the JSON output: Spark and Athena cannot read Parquet
/// nanosecond timestamps.
pub fn timestamp_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some(UTC.into()))
}

fn string_list_type() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_schema::extension::ExtensionType;

    fn column<'a>(schema: &'a Schema, name: &str) -> &'a Field {
        schema
            .field_with_name(name)
            .unwrap_or_else(|_| panic!("no column {name}"))
    }

    #[test]
    fn dns_fields_nest_as_structs_and_lists() {
        let log_type = crate::find_log_type("AWS.VPCDns").expect("AWS.VPCDns");
        let schema = arrow_schema(log_type);
        assert_eq!(schema.fields()[0].name(), log_type.fields[0].name);
        assert_eq!(
            column(&schema, "query_timestamp").data_type(),
            &timestamp_type()
        );
        let DataType::List(answer) = column(&schema, "answers").data_type() else {
            panic!("answers is not a list");
        };
        let DataType::Struct(answer_fields) = answer.data_type() else {
            panic!("an answer is not a struct");
        };
        let names: Vec<&str> = answer_fields.iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, ["Rdata", "Type", "Class"]);
        assert_eq!(column(&schema, "account_id").data_type(), &DataType::Utf8);
    }

    #[test]
    fn every_table_has_every_indicator_list_and_the_standard_columns() {
        for log_type in crate::log_types() {
            let schema = arrow_schema(log_type);
            for name in [
                "p_log_type",
                "p_row_id",
                "p_any_ip_addresses",
                "p_any_usernames",
            ] {
                column(&schema, name);
            }
            assert_eq!(
                column(&schema, "p_event_time").data_type(),
                &timestamp_type()
            );
            // `p_unknown` only with field discovery.
            let discovered = usize::from(log_type.field_discovery);
            assert_eq!(
                schema.fields().len(),
                log_type.fields.len() + 6 + discovered + IndicatorList::ALL.len()
            );
            assert_eq!(
                schema.field_with_name("p_unknown").is_ok(),
                log_type.field_discovery
            );
        }
    }

    #[test]
    fn json_fields_are_marked_json_text() {
        let log_type = crate::find_log_type("Test.KitchenSink").expect("kitchen sink");
        let schema = arrow_schema(log_type);
        let json_columns: Vec<&Field> = schema
            .fields()
            .iter()
            .filter(|field| field.extension_type_name() == Some(Json::NAME))
            .map(|field| field.as_ref())
            .collect();
        assert!(!json_columns.is_empty());
        assert!(json_columns
            .iter()
            .all(|field| field.data_type() == &DataType::Utf8));
    }
}
