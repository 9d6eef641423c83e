//! `logschema ddl`: the table definition over the Parquet layout, for a query engine.
//!
//! Built from the same Arrow schema the Parquet files carry, so the DDL and the files agree by
//! construction.

use std::fmt::Write as _;

use arrow_schema::{DataType, Field, Schema};

use super::layout::{table_name, PARTITION_COLUMNS};
use crate::runtime::LogType;
use crate::store::S3Url;

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
///
/// The location comes from the command line and ends up inside SQL: each dialect quotes it the
/// way its parser reads it back, or refuses what it cannot quote, so no location can end the
/// string (or the statement) early.
pub fn table_ddl(log_type: &LogType, options: &DdlOptions) -> Result<String, String> {
    let table = table_name(log_type.name);
    let schema = super::arrow_schema(log_type);
    let location = format!("{}/{table}", options.location.trim_end_matches('/'));
    match options.dialect {
        Dialect::Athena => {
            check_athena_location(&options.location)?;
            Ok(athena(&table, &schema, &location, options.years))
        }
        Dialect::DuckDb => {
            check_duckdb_location(&options.location)?;
            Ok(duckdb(&table, &location))
        }
        Dialect::Snowflake => {
            check_snowflake_location(&options.location)?;
            Ok(snowflake(&table, &schema, &location))
        }
    }
}

/// An S3 URL as `parse --output` takes it (no control characters; the bucket a real bucket
/// name); quotes and backslashes are escaped later.
fn check_athena_location(location: &str) -> Result<(), String> {
    if !location.starts_with("s3://") {
        return Err(format!(
            "Athena reads from S3: the location must be s3://bucket/prefix, not {:?}",
            location
        ));
    }
    S3Url::parse(location)
        .map(drop)
        .map_err(|error| error.to_string())
}

/// DuckDB's `read_parquet` takes a glob, and glob characters cannot be escaped in it: a
/// location holding one would read other files than the table's. Its globbing also splits at a
/// backslash (DuckDB 2.0: no file below a directory named `a\b` is ever found).
fn check_duckdb_location(location: &str) -> Result<(), String> {
    let unusable = |c: &char| matches!(c, '*' | '?' | '[' | ']' | '\\');
    if let Some(c) = location.chars().find(unusable) {
        return Err(format!(
            "DuckDB reads the files through a glob pattern, in which {c:?} cannot be escaped: \
             the location {location:?} must not hold '*', '?', '[', ']' or '\\'"
        ));
    }
    if let Some(c) = location.chars().find(|c| c.is_control()) {
        return Err(format!(
            "the location {location:?} holds a control character ({c:?})"
        ));
    }
    Ok(())
}

/// Snowflake takes a stage reference unquoted (`LOCATION = @db.schema.stage/path`), so it must
/// be one that needs no quoting: unquoted identifiers and a plain path.
fn check_snowflake_location(location: &str) -> Result<(), String> {
    let Some(reference) = location.strip_prefix('@') else {
        return Err(format!(
            "Snowflake reads external tables through a stage: the location must be \
             @stage/path (a stage over the --output prefix), not {location:?}"
        ));
    };
    let (stage, path) = reference.split_once('/').unwrap_or((reference, ""));
    let identifier = |part: &str| {
        part.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '$'))
    };
    let path_ok = path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '=' | '/'));
    if stage.split('.').count() > 3 || !stage.split('.').all(identifier) || !path_ok {
        return Err(format!(
            "Snowflake takes the stage reference unquoted, so the location must be \
             @[database.][schema.]stage[/path]: unquoted identifiers (ASCII letters, digits, '_' \
             and '$', not starting with a digit) and a path of ASCII letters, digits, '_', '-', \
             '.', '=' and '/'; not {location:?}"
        ));
    }
    Ok(())
}

fn athena(table: &str, schema: &Schema, location: &str, years: (u32, u32)) -> String {
    let mut sql = format!("CREATE EXTERNAL TABLE IF NOT EXISTS `{table}` (\n");
    let columns: Vec<String> = schema
        .fields()
        .iter()
        .map(|field| {
            let name = athena_identifier(field.name());
            format!("  `{name}` {}", athena_type(field.data_type()))
        })
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
        hive_quote(location)
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
        .map(|(key, value)| format!("  '{key}' = '{}'", hive_quote(value)))
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
                .map(|field| {
                    let name = athena_identifier(field.name());
                    format!("`{name}`:{}", athena_type(field.data_type()))
                })
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

/// A string inside single quotes, standard SQL (DuckDB): a quote is doubled, a backslash is
/// an ordinary character.
fn sql_quote(text: &str) -> String {
    text.replace('\'', "''")
}

/// A string inside single quotes in Athena's DDL (Hive's grammar): backslash escapes, and two
/// adjacent literals are concatenated, so a doubled quote would just vanish.
fn hive_quote(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\'', "\\'")
}

/// A name inside backquotes in Athena's DDL: a backquote is doubled.
fn athena_identifier(name: &str) -> String {
    name.replace('`', "``")
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

    /// The contents of the single-quoted literals of Athena DDL, read as Hive's lexer reads
    /// them (backslash escapes; adjacent literals are one), and whether the text outside them
    /// ends with the statement's `);`.
    fn hive_literals(sql: &str) -> (Vec<String>, String) {
        let (mut literals, mut outside) = (Vec::new(), String::new());
        let mut chars = sql.chars();
        while let Some(c) = chars.next() {
            if c != '\'' {
                outside.push(c);
                continue;
            }
            let mut literal = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '\'' => break,
                    '\\' => literal.extend(chars.next()),
                    c => literal.push(c),
                }
            }
            literals.push(literal);
        }
        (literals, outside)
    }

    #[test]
    fn athena_escapes_backslashes_and_quotes_the_way_hive_reads_them() {
        let flow = crate::find_log_type("AWS.VPCFlow").expect("flow");
        let location = r"s3://lake/it's\'; DROP TABLE users; --\";
        let sql = table_ddl(flow, &options(Dialect::Athena, location)).expect("ddl");
        let (literals, outside) = hive_literals(&sql);
        let table = r"s3://lake/it's\'; DROP TABLE users; --\/aws_vpcflow";
        assert!(literals.contains(&format!("{table}/")), "{sql}");
        let template =
            format!("{table}/year=${{year}}/month=${{month}}/day=${{day}}/hour=${{hour}}/");
        assert!(literals.contains(&template), "{sql}");
        assert!(!outside.contains("DROP"), "{sql}");
        assert!(outside.trim_end().ends_with(");"), "{sql}");
        // Control characters are refused, as `parse --output` refuses them.
        let error = table_ddl(flow, &options(Dialect::Athena, "s3://lake/a\nb")).unwrap_err();
        assert!(error.contains("control character"), "{error}");
    }

    #[test]
    fn snowflake_takes_only_stage_references_that_need_no_quoting() {
        let flow = crate::find_log_type("AWS.VPCFlow").expect("flow");
        for hostile in [
            "@st/a; DROP TABLE users; --",
            "@st/it's",
            "@\"my stage\"/logs",
            "@st/a b",
            "@st/a\nb",
            "@1st/logs",
            "@",
            "@a.b.c.d/logs",
            "@~/logs",
        ] {
            let error = table_ddl(flow, &options(Dialect::Snowflake, hostile)).expect_err(hostile);
            assert!(
                error.contains("@[database.][schema.]stage[/path]"),
                "{error}"
            );
        }
        for fine in ["@st", "@lake_db.raw.LOGS$1/logschema/v=1/", "@_s/a-b.c"] {
            let sql = table_ddl(flow, &options(Dialect::Snowflake, fine)).expect(fine);
            let location = format!("{}/aws_vpcflow/", fine.trim_end_matches('/'));
            assert!(sql.contains(&format!("\nLOCATION = {location}\n")), "{sql}");
        }
    }

    #[test]
    fn duckdb_refuses_glob_characters_it_cannot_escape() {
        let flow = crate::find_log_type("AWS.VPCFlow").expect("flow");
        for location in ["/data/lake*", "/data/[ab]", "s3://lake/x?y", r"/data/a\b"] {
            let error = table_ddl(flow, &options(Dialect::DuckDb, location)).expect_err(location);
            assert!(error.contains("glob"), "{error}");
        }
    }

    #[test]
    fn athena_doubles_backquotes_in_column_names() {
        assert_eq!(athena_identifier("a`b"), "a``b");
    }

    #[test]
    fn quotes_in_locations_are_escaped() {
        let flow = crate::find_log_type("AWS.VPCFlow").expect("flow");
        let sql = table_ddl(flow, &options(Dialect::DuckDb, "/data/it's/")).expect("ddl");
        assert!(sql.contains("'/data/it''s/aws_vpcflow/year=*/"), "{sql}");
    }
}
