//! Into the data lake: events as Hive-partitioned Parquet, and the table definitions that query
//! engines need to read them.
//!
//! The Arrow schema of a log type is computed from its generated field specs (`arrow_schema`), so
//! every YAML schema gets a Parquet layout and DDL without any log-type-specific code. Events
//! reach the Parquet writer as Arrow batches the workers fill straight from the decoded records
//! (`crate::runtime::arrow_out`), through the same generated calls that write the JSON lines, which
//! keeps the two outputs equal row for row.

pub mod arrow_schema;
pub mod ddl;
pub mod layout;
pub mod parquet_sink;
pub mod s3_publisher;
pub mod tables;

pub use arrow_schema::arrow_schema;
pub use layout::{table_name, Partition};
pub use parquet_sink::{ParquetOptions, ParquetSink};
pub use tables::LakeTables;
