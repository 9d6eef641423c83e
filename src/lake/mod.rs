//! Into the data lake: events as Hive-partitioned Parquet, and the table definitions that query
//! engines need to read them.
//!
//! The Arrow schema of a log type is computed from its generated field specs (`arrow_schema`), so
//! every YAML schema gets a Parquet layout and DDL without any log-type-specific code. Events
//! reach the Parquet writer as the same JSON lines `--format json` prints (`parquet_sink`), which
//! keeps the two outputs equal row for row.

pub mod arrow_schema;
pub mod ddl;
pub mod json_text;
pub mod layout;
pub mod parquet_sink;
pub mod s3_publisher;

pub use arrow_schema::arrow_schema;
pub use layout::{table_name, Partition};
pub use parquet_sink::{ParquetOptions, ParquetSink};
