//! Writing events straight into Arrow columns (`--format parquet`), without JSON in between.
//!
//! [`ArrowRows`] holds one column per field of a log type's Arrow schema
//! (`crate::lake::arrow_schema`, computed from the generated field specs). The generated
//! `write_fields` fills them through [`ArrowObjectWriter`], the same calls that write the JSON
//! line (see `super::writer`): the n-th call of an object writes the object's n-th column.
//! Nested objects are struct columns, arrays list columns, `json` values their compact JSON text
//! (what `--format json` writes for them), timestamps UTC microseconds.
//!
//! The columns are plain vectors rather than arrow's builders: a row that fails half-way (it
//! cannot, short of a bug in the generator) is cut off again, so every column keeps the same
//! number of rows, and appending is a push with no dynamic dispatch.

use std::fmt;
use std::sync::Arc;

use arrow_array::builder::{BooleanBufferBuilder, NullBufferBuilder};
use arrow_array::types::{Float64Type, Int16Type, Int32Type, Int64Type, TimestampMicrosecondType};
use arrow_array::{
    ArrayRef, BooleanArray, ListArray, PrimitiveArray, RecordBatch, StringArray, StructArray,
};
use arrow_buffer::{Buffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{ArrowError, DataType, FieldRef, Fields, SchemaRef, TimeUnit};

use super::writer::{EventValue, FieldName, ObjectWriter};
use super::Timestamp;

/// Why a value did not fit its column: the generated code and the Arrow schema disagree (a bug,
/// never the input's fault).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError(String);

impl ShapeError {
    #[cold]
    fn new(message: impl Into<String>) -> Self {
        ShapeError(message.into())
    }

    #[cold]
    fn in_field(self, name: &str) -> Self {
        ShapeError(format!("{name}: {}", self.0))
    }
}

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the event does not fit its Arrow schema: {}", self.0)
    }
}

/// A value that appends itself to an Arrow column of its type.
pub trait WriteArrow {
    fn write_arrow(&self, column: &mut Column) -> Result<(), ShapeError>;
}

/// One column being filled: which rows are null, and the values.
#[derive(Debug)]
pub struct Column {
    /// The field's name, checked against the writer's calls in debug builds.
    name: String,
    nulls: NullBufferBuilder,
    values: Values,
}

#[derive(Debug)]
enum Values {
    /// Strings, and the JSON text of `json` values. `offsets` starts with 0.
    Utf8 {
        offsets: Vec<i32>,
        bytes: Vec<u8>,
    },
    Int16(Vec<i16>),
    Int32(Vec<i32>),
    Int64(Vec<i64>),
    Float64(Vec<f64>),
    Boolean(BooleanBufferBuilder),
    Timestamp {
        micros: Vec<i64>,
        zone: Option<Arc<str>>,
    },
    List {
        field: FieldRef,
        offsets: Vec<i32>,
        element: Box<Column>,
    },
    Struct {
        fields: Fields,
        children: Vec<Column>,
    },
}

/// An offset into a column's values; more than `i32::MAX` values in one batch cannot happen
/// (batches are a few MB), and is an error rather than a wrap.
#[inline]
fn offset(length: usize) -> Result<i32, ShapeError> {
    i32::try_from(length).map_err(|_| ShapeError::new("more than 2 GiB of values in one batch"))
}

impl Column {
    fn new(name: &str, data_type: &DataType) -> Result<Self, String> {
        let values = match data_type {
            DataType::Utf8 => Values::Utf8 {
                offsets: vec![0],
                bytes: Vec::new(),
            },
            DataType::Int16 => Values::Int16(Vec::new()),
            DataType::Int32 => Values::Int32(Vec::new()),
            DataType::Int64 => Values::Int64(Vec::new()),
            DataType::Float64 => Values::Float64(Vec::new()),
            DataType::Boolean => Values::Boolean(BooleanBufferBuilder::new(0)),
            DataType::Timestamp(TimeUnit::Microsecond, zone) => Values::Timestamp {
                micros: Vec::new(),
                zone: zone.clone(),
            },
            DataType::List(field) => Values::List {
                field: field.clone(),
                offsets: vec![0],
                element: Box::new(Column::new(field.name(), field.data_type())?),
            },
            DataType::Struct(fields) => Values::Struct {
                fields: fields.clone(),
                children: fields
                    .iter()
                    .map(|field| Column::new(field.name(), field.data_type()))
                    .collect::<Result<_, _>>()?,
            },
            other => return Err(format!("{name}: no Arrow writer for {other}")),
        };
        Ok(Column {
            name: name.to_string(),
            nulls: NullBufferBuilder::new(0),
            values,
        })
    }

    /// Rows written so far.
    pub fn len(&self) -> usize {
        self.nulls.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a null (for a struct, null children too: every child has a value per row).
    pub fn append_null(&mut self) {
        self.nulls.append_null();
        match &mut self.values {
            Values::Utf8 { offsets, .. } | Values::List { offsets, .. } => {
                let last = offsets.last().copied().unwrap_or(0);
                offsets.push(last);
            }
            Values::Int16(values) => values.push(0),
            Values::Int32(values) => values.push(0),
            Values::Int64(values) => values.push(0),
            Values::Float64(values) => values.push(0.0),
            Values::Boolean(values) => values.append(false),
            Values::Timestamp { micros, .. } => micros.push(0),
            Values::Struct { children, .. } => children.iter_mut().for_each(Column::append_null),
        }
    }

    /// Appends a string.
    #[inline]
    pub fn push_str(&mut self, text: &str) -> Result<(), ShapeError> {
        self.push_text(|bytes| bytes.extend_from_slice(text.as_bytes()))
    }

    /// Appends the text `write` appends to the column's bytes; it must append UTF-8 (checked
    /// when the batch is finished).
    #[inline]
    pub fn push_text(&mut self, write: impl FnOnce(&mut Vec<u8>)) -> Result<(), ShapeError> {
        let Values::Utf8 { offsets, bytes } = &mut self.values else {
            return Err(self.mismatch("a string"));
        };
        write(bytes);
        offsets.push(offset(bytes.len())?);
        self.nulls.append_non_null();
        Ok(())
    }

    /// Appends the elements of one list.
    pub fn push_list<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut write: impl FnMut(&mut Column, T) -> Result<(), ShapeError>,
    ) -> Result<(), ShapeError> {
        let Values::List {
            offsets, element, ..
        } = &mut self.values
        else {
            return Err(self.mismatch("a list"));
        };
        for item in items {
            write(element, item)?;
        }
        offsets.push(offset(element.len())?);
        self.nulls.append_non_null();
        Ok(())
    }

    /// Appends one struct: `write` fills its fields, in order, through an object writer.
    pub fn push_struct(
        &mut self,
        write: impl FnOnce(&mut ArrowObjectWriter<'_>),
    ) -> Result<(), ShapeError> {
        let Values::Struct { children, .. } = &mut self.values else {
            return Err(self.mismatch("a struct"));
        };
        let mut object = ArrowObjectWriter::new(children);
        write(&mut object);
        object.finish()?;
        self.nulls.append_non_null();
        Ok(())
    }

    #[cold]
    fn mismatch(&self, value: &str) -> ShapeError {
        ShapeError::new(format!("{value} for a {} column", self.kind()))
    }

    fn kind(&self) -> &'static str {
        match self.values {
            Values::Utf8 { .. } => "string",
            Values::Int16(_) => "smallint",
            Values::Int32(_) => "int",
            Values::Int64(_) => "bigint",
            Values::Float64(_) => "float",
            Values::Boolean(_) => "boolean",
            Values::Timestamp { .. } => "timestamp",
            Values::List { .. } => "list",
            Values::Struct { .. } => "struct",
        }
    }

    /// Cuts the column back to its first `rows` rows.
    fn truncate(&mut self, rows: usize) {
        if rows >= self.len() {
            return;
        }
        self.nulls.truncate(rows);
        match &mut self.values {
            Values::Utf8 { offsets, bytes } => {
                offsets.truncate(rows + 1);
                bytes.truncate(offsets.last().map_or(0, |&end| end as usize));
            }
            Values::Int16(values) => values.truncate(rows),
            Values::Int32(values) => values.truncate(rows),
            Values::Int64(values) => values.truncate(rows),
            Values::Float64(values) => values.truncate(rows),
            Values::Boolean(values) => values.truncate(rows),
            Values::Timestamp { micros, .. } => micros.truncate(rows),
            Values::List {
                offsets, element, ..
            } => {
                offsets.truncate(rows + 1);
                element.truncate(offsets.last().map_or(0, |&end| end as usize));
            }
            Values::Struct { children, .. } => {
                children.iter_mut().for_each(|child| child.truncate(rows));
            }
        }
    }

    /// Room for `rows` more rows of fixed-size values (strings and lists grow as needed).
    fn reserve(&mut self, rows: usize) {
        match &mut self.values {
            Values::Utf8 { offsets, .. } | Values::List { offsets, .. } => offsets.reserve(rows),
            Values::Int16(values) => values.reserve(rows),
            Values::Int32(values) => values.reserve(rows),
            Values::Int64(values) => values.reserve(rows),
            Values::Float64(values) => values.reserve(rows),
            Values::Boolean(values) => values.reserve(rows),
            Values::Timestamp { micros, .. } => micros.reserve(rows),
            Values::Struct { children, .. } => {
                children.iter_mut().for_each(|child| child.reserve(rows));
            }
        }
    }

    /// The column as an Arrow array; the column is left empty.
    fn finish(&mut self) -> Result<ArrayRef, ArrowError> {
        let length = self.nulls.len();
        let nulls = self.nulls.finish();
        Ok(match &mut self.values {
            Values::Utf8 { offsets, bytes } => {
                let offsets = std::mem::replace(offsets, vec![0]);
                let bytes = std::mem::take(bytes);
                Arc::new(StringArray::try_new(
                    OffsetBuffer::new(ScalarBuffer::from(offsets)),
                    Buffer::from_vec(bytes),
                    nulls,
                )?)
            }
            Values::Int16(values) => Arc::new(PrimitiveArray::<Int16Type>::try_new(
                ScalarBuffer::from(std::mem::take(values)),
                nulls,
            )?),
            Values::Int32(values) => Arc::new(PrimitiveArray::<Int32Type>::try_new(
                ScalarBuffer::from(std::mem::take(values)),
                nulls,
            )?),
            Values::Int64(values) => Arc::new(PrimitiveArray::<Int64Type>::try_new(
                ScalarBuffer::from(std::mem::take(values)),
                nulls,
            )?),
            Values::Float64(values) => Arc::new(PrimitiveArray::<Float64Type>::try_new(
                ScalarBuffer::from(std::mem::take(values)),
                nulls,
            )?),
            Values::Boolean(values) => Arc::new(BooleanArray::new(values.finish(), nulls)),
            Values::Timestamp { micros, zone } => Arc::new(
                PrimitiveArray::<TimestampMicrosecondType>::try_new(
                    ScalarBuffer::from(std::mem::take(micros)),
                    nulls,
                )?
                .with_timezone_opt(zone.clone()),
            ),
            Values::List {
                field,
                offsets,
                element,
            } => {
                let offsets = std::mem::replace(offsets, vec![0]);
                Arc::new(ListArray::try_new(
                    field.clone(),
                    OffsetBuffer::new(ScalarBuffer::from(offsets)),
                    element.finish()?,
                    nulls,
                )?)
            }
            Values::Struct { fields, children } => {
                let arrays = children
                    .iter_mut()
                    .map(Column::finish)
                    .collect::<Result<Vec<_>, _>>()?;
                Arc::new(StructArray::try_new_with_length(
                    fields.clone(),
                    arrays,
                    nulls,
                    length,
                )?)
            }
        })
    }
}

/// Rows of a log type's events, as Arrow columns of its schema; [`Self::finish`] makes them a
/// record batch.
#[derive(Debug)]
pub struct ArrowRows {
    schema: SchemaRef,
    columns: Vec<Column>,
    rows: usize,
}

impl ArrowRows {
    /// Empty columns for `schema` (a log type's `crate::lake::arrow_schema`).
    pub fn new(schema: SchemaRef) -> Result<Self, String> {
        let columns = schema
            .fields()
            .iter()
            .map(|field| Column::new(field.name(), field.data_type()))
            .collect::<Result<_, _>>()?;
        Ok(ArrowRows {
            schema,
            columns,
            rows: 0,
        })
    }

    pub fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    /// Rows written since the last [`Self::finish`].
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Room for `rows` more rows.
    pub fn reserve(&mut self, rows: usize) {
        self.columns
            .iter_mut()
            .for_each(|column| column.reserve(rows));
    }

    /// Forgets the rows after the first `rows`.
    pub fn truncate(&mut self, rows: usize) {
        if rows < self.rows {
            self.columns
                .iter_mut()
                .for_each(|column| column.truncate(rows));
            self.rows = rows;
        }
    }

    /// Appends one row: `write` names every top-level field once, in schema order. If it does
    /// not, nothing of the row is kept.
    pub fn write_row(
        &mut self,
        write: impl FnOnce(&mut ArrowObjectWriter<'_>),
    ) -> Result<(), ShapeError> {
        let mut row = ArrowObjectWriter::new(&mut self.columns);
        write(&mut row);
        match row.finish() {
            Ok(()) => {
                self.rows += 1;
                Ok(())
            }
            Err(error) => {
                // Some columns may have the row; none keeps it.
                let rows = self.rows;
                self.columns
                    .iter_mut()
                    .for_each(|column| column.truncate(rows));
                Err(error)
            }
        }
    }

    /// The rows written so far as one record batch of the schema; the columns start empty again.
    pub fn finish(&mut self) -> Result<RecordBatch, ArrowError> {
        let arrays = self
            .columns
            .iter_mut()
            .map(Column::finish)
            .collect::<Result<Vec<_>, _>>()?;
        self.rows = 0;
        RecordBatch::try_new(self.schema.clone(), arrays)
    }
}

/// Writes one object's fields into its columns, the n-th field into the n-th column.
pub struct ArrowObjectWriter<'c> {
    columns: &'c mut [Column],
    next: usize,
    error: Option<ShapeError>,
}

impl<'c> ArrowObjectWriter<'c> {
    fn new(columns: &'c mut [Column]) -> Self {
        ArrowObjectWriter {
            columns,
            next: 0,
            error: None,
        }
    }

    /// The column of the next field, or `None` (the error recorded) when there is none.
    #[inline(always)]
    fn next_column(&mut self, name: &str) -> Option<&mut Column> {
        let at = self.next;
        self.next += 1;
        let problem = match self.columns.get(at) {
            Some(column) if !cfg!(debug_assertions) || column.name == name => None,
            Some(column) => Some(format!(
                "field {name} written where the schema has {}",
                column.name
            )),
            None => Some(format!(
                "field {name} written after the schema's last column"
            )),
        };
        if let Some(problem) = problem {
            self.fail(ShapeError::new(problem));
            return None;
        }
        self.columns.get_mut(at)
    }

    #[cold]
    fn fail(&mut self, error: ShapeError) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    /// Every column written once, and nothing failed.
    fn finish(self) -> Result<(), ShapeError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if self.next != self.columns.len() {
            return Err(ShapeError::new(format!(
                "{} fields written for {} columns",
                self.next,
                self.columns.len()
            )));
        }
        Ok(())
    }
}

impl ObjectWriter for ArrowObjectWriter<'_> {
    #[inline(always)]
    fn field<K: FieldName + ?Sized, T: EventValue + ?Sized>(&mut self, name: &K, value: &T) {
        let name = name.field_name();
        let omitted = value.is_omitted();
        let Some(column) = self.next_column(name) else {
            return;
        };
        if omitted {
            column.append_null();
        } else if let Err(error) = value.write_arrow(column) {
            self.fail(error.in_field(name));
        }
    }

    #[inline(always)]
    fn absent<K: FieldName + ?Sized>(&mut self, name: &K) {
        if let Some(column) = self.next_column(name.field_name()) {
            column.append_null();
        }
    }
}

impl<'a, T: super::Object<'a>> WriteArrow for T {
    fn write_arrow(&self, column: &mut Column) -> Result<(), ShapeError> {
        column.push_struct(|object| self.write_fields(object))
    }
}

impl WriteArrow for str {
    #[inline]
    fn write_arrow(&self, column: &mut Column) -> Result<(), ShapeError> {
        column.push_str(self)
    }
}

impl WriteArrow for String {
    #[inline]
    fn write_arrow(&self, column: &mut Column) -> Result<(), ShapeError> {
        column.push_str(self)
    }
}

impl WriteArrow for std::borrow::Cow<'_, str> {
    #[inline]
    fn write_arrow(&self, column: &mut Column) -> Result<(), ShapeError> {
        column.push_str(self)
    }
}

impl<T: WriteArrow> WriteArrow for Vec<T> {
    fn write_arrow(&self, column: &mut Column) -> Result<(), ShapeError> {
        self.as_slice().write_arrow(column)
    }
}

impl<T: WriteArrow> WriteArrow for [T] {
    fn write_arrow(&self, column: &mut Column) -> Result<(), ShapeError> {
        column.push_list(self, |element, item| item.write_arrow(element))
    }
}

macro_rules! write_primitive {
    ($($native:ty => $variant:ident, $what:literal;)*) => {$(
        impl WriteArrow for $native {
            #[inline]
            fn write_arrow(&self, column: &mut Column) -> Result<(), ShapeError> {
                let Values::$variant(values) = &mut column.values else {
                    return Err(column.mismatch($what));
                };
                values.push(*self);
                column.nulls.append_non_null();
                Ok(())
            }
        }
    )*};
}
write_primitive! {
    i16 => Int16, "a smallint";
    i32 => Int32, "an int";
    i64 => Int64, "a bigint";
    f64 => Float64, "a float";
}

impl WriteArrow for bool {
    #[inline]
    fn write_arrow(&self, column: &mut Column) -> Result<(), ShapeError> {
        let Values::Boolean(values) = &mut column.values else {
            return Err(column.mismatch("a boolean"));
        };
        values.append(*self);
        column.nulls.append_non_null();
        Ok(())
    }
}

impl WriteArrow for Timestamp {
    /// Microseconds since the epoch, rounded down (the JSON output keeps nanoseconds).
    #[inline]
    fn write_arrow(&self, column: &mut Column) -> Result<(), ShapeError> {
        let Values::Timestamp { micros, .. } = &mut column.values else {
            return Err(column.mismatch("a timestamp"));
        };
        micros.push(self.timestamp_micros());
        column.nulls.append_non_null();
        Ok(())
    }
}

impl WriteArrow for serde_json::Value {
    /// The compact JSON text `--format json` writes for the value (`null` for a JSON null).
    fn write_arrow(&self, column: &mut Column) -> Result<(), ShapeError> {
        // Serializing a `Value` into a Vec cannot fail.
        column.push_text(|bytes| {
            let _ = serde_json::to_writer(bytes, self);
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::Array;
    use arrow_schema::{Field, Schema};

    fn schema() -> SchemaRef {
        let point = Fields::from(vec![
            Field::new("x", DataType::Int64, true),
            Field::new("label", DataType::Utf8, true),
        ]);
        Arc::new(Schema::new(vec![
            Field::new("name", DataType::Utf8, true),
            Field::new(
                "tags",
                DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
                true,
            ),
            Field::new("point", DataType::Struct(point), true),
            Field::new("ok", DataType::Boolean, true),
        ]))
    }

    /// A hand-written `write_fields` of the columns above.
    fn row(
        object: &mut ArrowObjectWriter<'_>,
        name: Option<&str>,
        tags: &[String],
        point: Option<(i64, &str)>,
    ) {
        match name {
            Some(name) => object.field("name", name),
            None => object.absent("name"),
        }
        object.field("tags", tags);
        match point {
            Some((x, label)) => {
                let Some(column) = object.next_column("point") else {
                    return;
                };
                column
                    .push_struct(|fields| {
                        fields.field("x", &x);
                        fields.field("label", label);
                    })
                    .expect("a struct");
            }
            None => object.absent("point"),
        }
        object.field("ok", &true);
    }

    #[test]
    fn rows_become_nested_columns_and_absent_values_nulls() {
        let mut rows = ArrowRows::new(schema()).expect("columns");
        let tags = vec!["a".to_string(), "b\"".to_string()];
        rows.write_row(|object| row(object, Some("first"), &tags, Some((7, "p"))))
            .expect("row 1");
        rows.write_row(|object| row(object, None, &[], None))
            .expect("row 2");
        let batch = rows.finish().expect("batch");
        assert_eq!(batch.num_rows(), 2);
        let names = batch.column(0).as_string::<i32>();
        assert_eq!(names.value(0), "first");
        assert!(names.is_null(1));
        let lists = batch.column(1).as_list::<i32>();
        assert_eq!(
            lists.value(0).as_string::<i32>().iter().collect::<Vec<_>>(),
            [Some("a"), Some("b\"")]
        );
        assert!(lists.is_null(1), "an empty array is left out, as in JSON");
        let points = batch.column(2).as_struct();
        assert!(points.is_valid(0) && points.is_null(1));
        assert_eq!(
            points
                .column(0)
                .as_primitive::<arrow_array::types::Int64Type>()
                .value(0),
            7
        );
        assert_eq!(rows.rows(), 0, "finish starts over");
    }

    #[test]
    fn a_row_that_does_not_fit_is_not_kept() {
        let mut rows = ArrowRows::new(schema()).expect("columns");
        rows.write_row(|object| row(object, Some("kept"), &["t".to_string()], Some((1, "x"))))
            .expect("row 1");
        // Too few fields.
        let error = rows
            .write_row(|object| {
                object.field("name", "half");
                object.field("tags", &vec!["u".to_string()]);
            })
            .expect_err("two of four columns");
        assert!(
            error.to_string().contains("2 fields written for 4 columns"),
            "{error}"
        );
        // A value of the wrong type, after other columns got theirs.
        let error = rows
            .write_row(|object| {
                object.field("name", "wrong");
                object.field("tags", &vec![1i64]);
                object.absent("point");
                object.field("ok", &false);
            })
            .expect_err("a bigint for a string");
        assert!(
            error
                .to_string()
                .contains("tags: a bigint for a string column"),
            "{error}"
        );
        assert_eq!(rows.rows(), 1);
        let batch = rows.finish().expect("batch");
        assert_eq!(batch.num_rows(), 1);
        assert_eq!(batch.column(0).as_string::<i32>().value(0), "kept");
        assert_eq!(batch.column(1).as_list::<i32>().values().len(), 1);
    }

    #[test]
    fn timestamps_are_microseconds_rounded_down() {
        let schema = Arc::new(Schema::new(vec![Field::new(
            "t",
            DataType::Timestamp(TimeUnit::Microsecond, Some("+00:00".into())),
            true,
        )]));
        let mut rows = ArrowRows::new(schema).expect("columns");
        for (seconds, nanos) in [(1_612_461_115, 999_999_999), (-1, 1_500)] {
            let time = chrono::DateTime::from_timestamp(seconds, nanos).expect("a time");
            rows.write_row(|object| object.field("t", &time))
                .expect("row");
        }
        let batch = rows.finish().expect("batch");
        let times = batch.column(0).as_primitive::<TimestampMicrosecondType>();
        assert_eq!(times.value(0), 1_612_461_115_999_999);
        assert_eq!(times.value(1), -999_999);
    }
}
