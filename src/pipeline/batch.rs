//! Groups the lines of one input into batches that can be parsed independently of each other.

use std::ops::Range;
use std::sync::Arc;

use crate::runtime::ColumnMap;

/// A batch is full at this many lines...
pub const MAX_BATCH_LINES: usize = 4096;
/// ...or at this much text, whichever comes first.
pub const MAX_BATCH_BYTES: usize = 2 * 1024 * 1024;

/// Consecutive lines of one input. All line texts live in one buffer, so a batch is a few
/// allocations however many lines it holds.
#[derive(Debug, Default)]
pub struct Batch {
    text: String,
    pub items: Vec<BatchItem>,
}

/// One line that needs an outcome: a record to parse, or a line already rejected while reading.
#[derive(Debug)]
pub enum BatchItem {
    Record {
        line_number: u64,
        /// The record's place among all records of the run: the row id's sequence number.
        sequence: u64,
        text: Range<usize>,
        /// The column mapping the framer gave this record (delimited log types).
        columns: Option<Arc<ColumnMap>>,
    },
    Rejected {
        line_number: u64,
        reason: String,
        /// The raw line as lossy UTF-8.
        raw: Range<usize>,
    },
}

impl Batch {
    pub fn push_record(
        &mut self,
        line_number: u64,
        sequence: u64,
        text: &str,
        columns: Option<Arc<ColumnMap>>,
    ) {
        let text = self.append_text(text);
        self.items.push(BatchItem::Record {
            line_number,
            sequence,
            text,
            columns,
        });
    }

    pub fn push_rejected(&mut self, line_number: u64, raw: &[u8], reason: String) {
        let raw = self.append_text(&String::from_utf8_lossy(raw));
        self.items.push(BatchItem::Rejected {
            line_number,
            reason,
            raw,
        });
    }

    /// The text of a range that `items` holds.
    pub fn text(&self, range: &Range<usize>) -> &str {
        self.text.get(range.clone()).unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The bytes of line text held.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    pub fn is_full(&self) -> bool {
        self.items.len() >= MAX_BATCH_LINES || self.text.len() >= MAX_BATCH_BYTES
    }

    fn append_text(&mut self, text: &str) -> Range<usize> {
        let start = self.text.len();
        self.text.push_str(text);
        start..self.text.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_keep_their_text_and_order() {
        let mut batch = Batch::default();
        batch.push_record(1, 0, "first", None);
        batch.push_rejected(2, b"\xffbad", "invalid UTF-8".to_string());
        batch.push_record(3, 1, "third", None);
        let texts: Vec<&str> = batch
            .items
            .iter()
            .map(|item| match item {
                BatchItem::Record { text, .. } => batch.text(text),
                BatchItem::Rejected { raw, .. } => batch.text(raw),
            })
            .collect();
        assert_eq!(texts, ["first", "\u{fffd}bad", "third"]);
    }

    #[test]
    fn fills_up_by_line_count_or_size() {
        let mut batch = Batch::default();
        for sequence in 0..MAX_BATCH_LINES as u64 - 1 {
            batch.push_record(sequence + 1, sequence, "x", None);
        }
        assert!(!batch.is_full());
        batch.push_record(MAX_BATCH_LINES as u64, 0, "x", None);
        assert!(batch.is_full());

        let mut big = Batch::default();
        big.push_record(1, 0, &"y".repeat(MAX_BATCH_BYTES), None);
        assert!(big.is_full());
    }
}
