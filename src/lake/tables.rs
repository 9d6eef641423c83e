//! The pipeline's sink for `--format parquet`: one Parquet table per log type of the run.

use arrow_schema::SchemaRef;

use super::parquet_sink::{ParquetOptions, Publisher};
use super::ParquetSink;
use crate::pipeline::parse::TableBatch;
use crate::pipeline::sink::{EventSink, Stop};
use crate::runtime::LogType;

/// A table per candidate log type, in the run's candidate order (a `TableBatch`'s `table`).
pub struct LakeTables {
    tables: Vec<ParquetSink>,
}

impl LakeTables {
    /// `publisher` gives each table its own publisher (they all write below one location).
    pub fn new(
        log_types: &[&'static LogType],
        run_id: &str,
        mut publisher: impl FnMut() -> Result<Box<dyn Publisher>, String>,
    ) -> Result<Self, String> {
        let mut tables = Vec::with_capacity(log_types.len());
        for log_type in log_types {
            let options = ParquetOptions {
                run_id: run_id.to_string(),
                publisher: publisher()?,
            };
            tables.push(ParquetSink::new(log_type, options)?);
        }
        Ok(LakeTables { tables })
    }

    fn each(
        &mut self,
        mut step: impl FnMut(&mut ParquetSink) -> Result<(), String>,
    ) -> Result<(), Stop> {
        for table in &mut self.tables {
            step(table).map_err(Stop::Fatal)?;
        }
        Ok(())
    }
}

impl EventSink for LakeTables {
    /// The workers write Parquet's events as Arrow rows ([`Self::arrow_schemas`]), never as
    /// lines.
    fn write_events(&mut self, _lines: &[u8]) -> Result<(), Stop> {
        Err(Stop::Fatal(
            "internal error: Parquet output takes Arrow batches, not JSON lines".into(),
        ))
    }

    fn finish(&mut self) -> Result<(), Stop> {
        self.each(ParquetSink::finish)
    }

    /// A line per table that received rows (the first one when none did).
    fn summary(&self) -> Option<String> {
        let mut lines: Vec<String> = self
            .tables
            .iter()
            .filter(|table| table.rows_published() > 0)
            .map(ParquetSink::summary)
            .collect();
        if lines.is_empty() {
            lines.extend(self.tables.first().map(ParquetSink::summary));
        }
        Some(lines.join("\n"))
    }

    fn arrow_schemas(&self) -> Option<Vec<SchemaRef>> {
        Some(self.tables.iter().map(ParquetSink::schema).collect())
    }

    fn write_arrow(&mut self, batches: Vec<TableBatch>) -> Result<(), Stop> {
        for batch in batches {
            let Some(table) = self.tables.get_mut(batch.table) else {
                return Err(Stop::Fatal(format!(
                    "internal error: no table {} in this output",
                    batch.table
                )));
            };
            table
                .write_arrow(std::slice::from_ref(&batch.rows))
                .map_err(Stop::Fatal)?;
        }
        Ok(())
    }

    fn start_input(&mut self, verifiable: bool) -> Result<(), Stop> {
        self.each(|table| table.start_input(verifiable))
    }

    fn can_discard(&self) -> bool {
        true
    }

    fn discard_input(&mut self) -> Result<(), Stop> {
        self.each(|table| {
            table.discard_input();
            Ok(())
        })
    }

    fn events_kept(&mut self) -> u64 {
        self.tables.iter().map(ParquetSink::rows_published).sum()
    }
}
