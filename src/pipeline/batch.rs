//! Groups the lines of one input into batches that can be parsed independently of each other.

use std::ops::Range;
use std::sync::{Arc, Mutex};

use super::classify::ColumnSet;
use crate::runtime::ColumnMap;

/// A batch is full at this many lines...
pub const MAX_BATCH_LINES: usize = 4096;
/// ...or at this much text, whichever comes first.
pub const MAX_BATCH_BYTES: usize = 2 * 1024 * 1024;

/// Consecutive lines of one input. All line texts live in one buffer, so a batch is a few
/// allocations however many lines it holds. The buffers are recycled (`Default` takes them from
/// a small pool, `Drop` gives them back): a fresh multi-megabyte buffer per batch is mapped and
/// unmapped by the allocator each time, page faults and all, which at `--threads 2` costs more
/// than the copying it saves (BENCHMARKS.md).
#[derive(Debug)]
pub struct Batch {
    text: String,
    pub items: Vec<BatchItem>,
    /// The candidates' column mappings the records use (usually one set), each held once.
    column_sets: Vec<Arc<ColumnSet>>,
}

/// One line that needs an outcome: a record to parse, or a line already rejected while reading.
#[derive(Debug)]
pub enum BatchItem {
    Record {
        line_number: u64,
        /// The record's place among all records of the run: the row id's sequence number.
        sequence: u64,
        text: Range<usize>,
        /// Which of the batch's column mapping sets the framers gave this record (text log
        /// types); `Batch::column_map` finds a candidate's mapping in it.
        columns: Option<usize>,
    },
    Rejected {
        line_number: u64,
        reason: String,
        /// The raw line as lossy UTF-8.
        raw: Range<usize>,
    },
}

static BATCH_BUFFERS: Recycler<(String, Vec<BatchItem>)> = Recycler::new();

impl Default for Batch {
    fn default() -> Self {
        let (text, items) = BATCH_BUFFERS.take().unwrap_or_default();
        Batch {
            text,
            items,
            column_sets: Vec::new(),
        }
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        let (mut text, mut items) = (
            std::mem::take(&mut self.text),
            std::mem::take(&mut self.items),
        );
        if text.capacity() == 0 {
            return;
        }
        text.clear();
        items.clear();
        BATCH_BUFFERS.give_back((text, items));
    }
}

/// A few spare buffers shared by all threads: at most `Recycler::KEEP`, and none larger than
/// `Recycler::MAX_BYTES` (an odd huge line's buffer is freed, not kept), so memory stays bounded.
pub(crate) struct Recycler<T> {
    spare: Mutex<Vec<T>>,
}

/// What a pooled buffer's size is measured by.
pub(crate) trait Capacity {
    fn bytes(&self) -> usize;
}

impl Capacity for Vec<u8> {
    fn bytes(&self) -> usize {
        self.capacity()
    }
}

impl Capacity for (String, Vec<BatchItem>) {
    fn bytes(&self) -> usize {
        self.0.capacity() + self.1.capacity() * std::mem::size_of::<BatchItem>()
    }
}

impl<T: Capacity> Recycler<T> {
    const KEEP: usize = 8;
    const MAX_BYTES: usize = 4 * MAX_BATCH_BYTES;

    pub(crate) const fn new() -> Self {
        Recycler {
            spare: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn take(&self) -> Option<T> {
        self.spare.lock().ok()?.pop()
    }

    pub(crate) fn give_back(&self, buffer: T) {
        if buffer.bytes() > Self::MAX_BYTES {
            return;
        }
        if let Ok(mut spare) = self.spare.lock() {
            if spare.len() < Self::KEEP {
                spare.push(buffer);
            }
        }
    }
}

impl Batch {
    pub fn push_record(
        &mut self,
        line_number: u64,
        sequence: u64,
        text: &str,
        columns: Option<&Arc<ColumnSet>>,
    ) {
        let text = self.append_text(text);
        let columns = columns.map(|columns| self.column_set_index(columns));
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

    /// The column mapping of a record (its `columns` index) for one candidate.
    pub fn column_map(&self, index: Option<usize>, candidate: usize) -> Option<&ColumnMap> {
        let set = self.column_sets.get(index?)?;
        set.get(candidate)?.as_deref()
    }

    /// The index of `columns` among the batch's mapping sets, added when new. Records arrive
    /// in order, so a set in use is always the last one.
    fn column_set_index(&mut self, columns: &Arc<ColumnSet>) -> usize {
        match self.column_sets.last() {
            Some(last) if Arc::ptr_eq(last, columns) => {}
            _ => self.column_sets.push(Arc::clone(columns)),
        }
        self.column_sets.len() - 1
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
    fn the_recycler_keeps_a_few_buffers_of_bounded_size() {
        let recycler: Recycler<Vec<u8>> = Recycler::new();
        assert!(recycler.take().is_none());
        for _ in 0..Recycler::<Vec<u8>>::KEEP + 3 {
            recycler.give_back(Vec::with_capacity(16));
        }
        recycler.give_back(Vec::with_capacity(Recycler::<Vec<u8>>::MAX_BYTES + 1));
        let mut kept = 0;
        while let Some(buffer) = recycler.take() {
            assert!(buffer.capacity() <= Recycler::<Vec<u8>>::MAX_BYTES);
            kept += 1;
        }
        assert_eq!(kept, Recycler::<Vec<u8>>::KEEP);
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
