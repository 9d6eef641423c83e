//! `logschema ddl`: the table definition over the Parquet layout, for a query engine.
//!
//! Built from the same Arrow schema the Parquet files carry, so the DDL and the files agree by
//! construction.

use std::fmt::Write as _;

use arrow_schema::{DataType, Field, Schema};

use super::layout::{table_name, PARTITION_COLUMNS};
use crate::runtime::LogType;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// An external table with partition projection (no crawler, no `MSCK REPAIR`).
    Athena,
    /// A view over `read_parquet` with Hive partitioning.
    DuckDb,
    /// An external table over a stage, with the partition columns read from file paths.
    Snowflake,
}

/// The years Athena's partition projection enumerates, unless told otherwise.
pub const DEFAULT_YEARS: (u32, u32) = (2010, 2050);

/// What `ddl` needs besides the log type.
#[derive(Debug, Clone)]
pub struct DdlOptions {
    pub dialect: Dialect,
    /// The `--output` the Parquet files were written to (`s3://bucket/prefix`, a directory, or
    /// a Snowflake stage `@stage/path`); the table's files are under `<location>/<table>/`.
    pub location: String,
    /// Athena only: the range of years partition projection covers.
    pub years: (u32, u32),
}

/// The DDL statement, or why the location does not suit the dialect.
pub fn table_ddl(log_type: &LogType, options: &DdlOptions) -> Result<String, String> {
    let table = table_name(log_type.name);
    let schema = super::arrow_schema(log_type);
    let location = format!("{}/{table}", options.location.trim_end_matches('/'));
    match options.dialect {
        Dialect::Athena => {
            if !options.location.starts_with("s3://") {
                return Err(format!(
                    "Athena reads from S3: the location must be s3://bucket/prefix, not {:?}",
                    options.location
                ));
            }
            Ok(athena(&table, &schema, &location, options.years))
        }
        Dialect::DuckDb => Ok(duckdb(&table, &location)),
        Dialect::Snowflake => {
            if !options.location.starts_with('@') {
                return Err(format!(
                    "Snowflake reads external tables through a stage: the location must be \
                     @stage/path (a stage over the --output prefix), not {:?}",
                    options.location
                ));
            }
            Ok(snowflake(&table, &schema, &location))
        }
    }
}

fn athena(table: &str, schema: &Schema, location: &str, years: (u32, u32)) -> String {
    let mut sql = format!("CREATE EXTERNAL TABLE IF NOT EXISTS `{table}` (\n");
    let columns: Vec<String> = schema
        .fields()
        .iter()
        .map(|field| format!("  `{}` {}", field.name(), athena_type(field.data_type())))
        .collect();
    sql.push_str(&columns.join(",\n"));
    sql.push_str("\n)\nPARTITIONED BY (");
    let partitions: Vec<String> = PARTITION_COLUMNS
        .iter()
        .map(|column| format!("`{column}` int"))
        .collect();
    sql.push_str(&partitions.join(", "));
    let _ = write!(
        sql,
        ")\nSTORED AS PARQUET\nLOCATION '{}/'\nTBLPROPERTIES (\n",
        sql_quote(location)
    );
    let mut properties = vec![("projection.enabled".to_string(), "true".to_string())];
    let ranges = [
        ("year", format!("{},{}", years.0, years.1), 4),
        ("month", "1,12".to_string(), 2),
        ("day", "1,31".to_string(), 2),
        ("hour", "0,23".to_string(), 2),
    ];
    for (column, range, digits) in ranges {
        properties.push((format!("projection.{column}.type"), "integer".to_string()));
        properties.push((format!("projection.{column}.range"), range));
        properties.push((format!("projection.{column}.digits"), digits.to_string()));
    }
    properties.push((
        "storage.location.template".to_string(),
        format!("{location}/year=${{year}}/month=${{month}}/day=${{day}}/hour=${{hour}}/"),
    ));
    let properties: Vec<String> = properties
        .iter()
        .map(|(key, value)| format!("  '{key}' = '{}'", sql_quote(value)))
        .collect();
    sql.push_str(&properties.join(",\n"));
    sql.push_str("\n);\n");
    sql
}

fn athena_type(data_type: &DataType) -> String {
    match data_type {
        DataType::Int16 => "smallint".to_string(),
        DataType::Int32 => "int".to_string(),
        DataType::Int64 => "bigint".to_string(),
        DataType::Float64 => "double".to_string(),
        DataType::Boolean => "boolean".to_string(),
        DataType::Timestamp(..) => "timestamp".to_string(),
        DataType::List(element) => format!("array<{}>", athena_type(element.data_type())),
        DataType::Struct(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|field| format!("`{}`:{}", field.name(), athena_type(field.data_type())))
                .collect();
            format!("struct<{}>", fields.join(","))
        }
        // Utf8, and JSON text.
        _ => "string".to_string(),
    }
}

fn duckdb(table: &str, location: &str) -> String {
    let types: Vec<String> = PARTITION_COLUMNS
        .iter()
        .map(|column| format!("'{column}': INTEGER"))
        .collect();
    format!(
        "CREATE OR REPLACE VIEW \"{table}\" AS\nSELECT * FROM read_parquet(\n  \
         '{}/year=*/month=*/day=*/hour=*/*.parquet',\n  \
         hive_partitioning = true,\n  \
         hive_types = {{{}}},\n  \
         union_by_name = true\n);\n",
        sql_quote(location),
        types.join(", ")
    )
}

fn snowflake(table: &str, schema: &Schema, location: &str) -> String {
    let mut columns: Vec<String> = PARTITION_COLUMNS
        .iter()
        .map(|column| {
            format!(
                "  \"{column}\" NUMBER AS \
                 (TO_NUMBER(REGEXP_SUBSTR(METADATA$FILENAME, '{column}=([0-9]+)', 1, 1, 'e', 1)))"
            )
        })
        .collect();
    columns.extend(schema.fields().iter().map(|field| snowflake_column(field)));
    let partitions: Vec<String> = PARTITION_COLUMNS
        .iter()
        .map(|column| format!("\"{column}\""))
        .collect();
    format!(
        "CREATE OR REPLACE EXTERNAL TABLE \"{table}\" (\n{}\n)\nPARTITION BY ({})\n\
         LOCATION = {location}/\nFILE_FORMAT = (TYPE = PARQUET)\nAUTO_REFRESH = FALSE;\n",
        columns.join(",\n"),
        partitions.join(", ")
    )
}

fn snowflake_column(field: &Field) -> String {
    let kind = match field.data_type() {
        DataType::Int16 | DataType::Int32 | DataType::Int64 => "NUMBER",
        DataType::Float64 => "FLOAT",
        DataType::Boolean => "BOOLEAN",
        DataType::Timestamp(..) => "TIMESTAMP_TZ",
        DataType::List(_) => "ARRAY",
        DataType::Struct(_) => "OBJECT",
        _ => "VARCHAR",
    };
    let name = field.name().replace('"', "\"\"");
    format!("  \"{name}\" {kind} AS (VALUE:\"{name}\"::{kind})")
}

/// A string inside single quotes.
fn sql_quote(text: &str) -> String {
    text.replace('\'', "''")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(dialect: Dialect, location: &str) -> DdlOptions {
        DdlOptions {
            dialect,
            location: location.to_string(),
            years: DEFAULT_YEARS,
        }
    }

    #[test]
    fn locations_must_suit_the_engine() {
        let flow = crate::find_log_type("AWS.VPCFlow").expect("flow");
        let error = table_ddl(flow, &options(Dialect::Athena, "/data/lake")).unwrap_err();
        assert!(error.contains("s3://bucket/prefix"), "{error}");
        let error = table_ddl(flow, &options(Dialect::Snowflake, "s3://b/p")).unwrap_err();
        assert!(error.contains("@stage"), "{error}");
        assert!(table_ddl(flow, &options(Dialect::DuckDb, "/data/it's")).is_ok());
    }

    #[test]
    fn quotes_in_locations_are_escaped() {
        let flow = crate::find_log_type("AWS.VPCFlow").expect("flow");
        let sql = table_ddl(flow, &options(Dialect::DuckDb, "/data/it's/")).expect("ddl");
        assert!(sql.contains("'/data/it''s/aws_vpcflow/year=*/"), "{sql}");
    }
}
