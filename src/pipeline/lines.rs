//! Splitting a byte stream into numbered text lines, one at a time, without reading it whole.

use std::io::{self, BufRead};

/// Lines longer than this are rejected (`--max-line-bytes` changes it), so one huge line cannot
/// exhaust memory: past the limit the line is skipped up to its newline, never accumulated.
pub const DEFAULT_MAX_LINE_BYTES: usize = 1024 * 1024;

/// How much of an over-long line is kept as its raw text in the rejects file.
const OVER_LONG_RAW_BYTES: usize = 4096;

/// One line of input, without its line end.
#[derive(Debug, PartialEq, Eq)]
pub enum Line<'a> {
    Text(&'a str),
    /// Not a record: the raw bytes (for the rejects file) and why.
    Invalid {
        raw: &'a [u8],
        reason: String,
    },
}

/// Reads lines separated by `\n`, strips a trailing `\r`, counts lines from 1.
pub struct LineReader<R> {
    reader: R,
    buffer: Vec<u8>,
    line_number: u64,
    /// Bytes consumed from the (decompressed) stream, line ends included.
    bytes_read: u64,
    max_line_bytes: usize,
    /// Bytes of the reader's buffer that the last line (returned in place) still occupies: they
    /// are consumed when the next line is asked for.
    pending_consume: usize,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(reader: R) -> Self {
        Self::with_max_line_bytes(reader, DEFAULT_MAX_LINE_BYTES)
    }

    pub fn with_max_line_bytes(reader: R, max_line_bytes: usize) -> Self {
        LineReader {
            reader,
            buffer: Vec::new(),
            line_number: 0,
            bytes_read: 0,
            max_line_bytes,
            pending_consume: 0,
        }
    }

    /// The number of the last line returned (0 before the first).
    pub fn line_number(&self) -> u64 {
        self.line_number
    }

    /// How many bytes of the stream were consumed so far, including any part of a line that an
    /// error interrupted.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// The next line and its number; `Ok(None)` at the end of the input.
    pub fn next_line(&mut self) -> io::Result<Option<(u64, Line<'_>)>> {
        self.reader
            .consume(std::mem::take(&mut self.pending_consume));
        self.buffer.clear();
        // The usual case: the whole line is in the reader's buffer. It is returned in place,
        // not copied, which saves a copy of every line on the (serial) reading thread.
        let in_place = loop {
            match self.reader.fill_buf() {
                Ok(bytes) => {
                    break memchr::memchr(b'\n', bytes)
                        .filter(|&position| position <= self.max_line_bytes)
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            }
        };
        if let Some(position) = in_place {
            self.pending_consume = position + 1;
            self.bytes_read += (position + 1) as u64;
            self.line_number += 1;
            // The bytes just looked at: a non-empty buffer is returned again, not refilled.
            let line =
                self.reader.fill_buf()?.get(..position).ok_or_else(|| {
                    io::Error::other("the input stream changed its buffered bytes")
                })?;
            return Ok(Some((self.line_number, text_line(line))));
        }
        let Some(total_len) = self.read_raw_line()? else {
            return Ok(None);
        };
        self.line_number += 1;
        if total_len > self.max_line_bytes {
            let reason = format!(
                "line too long: more than {} bytes (the limit; raise it with --max-line-bytes)",
                self.max_line_bytes
            );
            let raw = &self.buffer[..self.buffer.len().min(OVER_LONG_RAW_BYTES)];
            return Ok(Some((self.line_number, Line::Invalid { raw, reason })));
        }
        Ok(Some((self.line_number, text_line(&self.buffer))))
    }

    /// Appends the next line's bytes (without `\n`, at most `max_line_bytes + 1` of them) to the
    /// buffer and returns the line's full length; `None` when the input has ended.
    fn read_raw_line(&mut self) -> io::Result<Option<usize>> {
        let mut total_len = 0usize;
        let mut saw_any = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(bytes) => bytes,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            };
            if available.is_empty() {
                return Ok(saw_any.then_some(total_len));
            }
            saw_any = true;
            let (chunk_len, found_newline) = match memchr::memchr(b'\n', available) {
                Some(position) => (position, true),
                None => (available.len(), false),
            };
            // Keep one byte past the limit so an over-long line is recognised.
            let room = (self.max_line_bytes + 1).saturating_sub(self.buffer.len());
            self.buffer
                .extend_from_slice(&available[..chunk_len.min(room)]);
            total_len = total_len.saturating_add(chunk_len);
            let consumed = if found_newline {
                chunk_len + 1
            } else {
                chunk_len
            };
            self.reader.consume(consumed);
            self.bytes_read += consumed as u64;
            if found_newline {
                return Ok(Some(total_len));
            }
        }
    }
}

/// A line's bytes without its `\n`: text without a trailing `\r`, or invalid UTF-8.
fn text_line(bytes: &[u8]) -> Line<'_> {
    let content = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    match std::str::from_utf8(content) {
        Ok(text) => Line::Text(text),
        Err(_) => Line::Invalid {
            raw: content,
            reason: "invalid UTF-8".to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &[u8], max: usize) -> Vec<(u64, String)> {
        let mut reader = LineReader::with_max_line_bytes(input, max);
        let mut lines = Vec::new();
        while let Some((number, line)) = reader.next_line().expect("in-memory read") {
            let shown = match line {
                Line::Text(text) => text.to_string(),
                Line::Invalid { reason, .. } => format!("!{reason}"),
            };
            lines.push((number, shown));
        }
        lines
    }

    #[test]
    fn strips_line_ends_and_counts_blank_lines() {
        let lines = collect(b"a\r\n\nb\r\nc", 100);
        let expected = [(1, "a"), (2, ""), (3, "b"), (4, "c")];
        assert_eq!(lines, expected.map(|(n, s)| (n, s.to_string())));
    }

    #[test]
    fn final_newline_adds_no_line() {
        assert_eq!(collect(b"a\n", 100), vec![(1, "a".to_string())]);
        assert!(collect(b"", 100).is_empty());
        assert_eq!(collect(b"\n", 100), vec![(1, String::new())]);
    }

    #[test]
    fn only_one_trailing_carriage_return_is_stripped() {
        assert_eq!(collect(b"a\r\r\n", 100), vec![(1, "a\r".to_string())]);
    }

    #[test]
    fn invalid_utf8_is_reported_and_reading_goes_on() {
        let lines = collect(b"ok\n\xff\xfe\r\nnext\n", 100);
        assert_eq!(lines[1], (2, "!invalid UTF-8".to_string()));
        assert_eq!(lines[2], (3, "next".to_string()));
        let mut reader = LineReader::new(&b"\xffx\r\n"[..]);
        match reader.next_line().expect("read") {
            Some((1, Line::Invalid { raw, .. })) => assert_eq!(raw, b"\xffx"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn over_long_lines_are_rejected_without_losing_the_next() {
        let lines = collect(b"12345\n123456\nabc", 5);
        assert_eq!(lines[0], (1, "12345".to_string()));
        assert_eq!(
            lines[1],
            (
                2,
                "!line too long: more than 5 bytes (the limit; raise it with --max-line-bytes)"
                    .to_string()
            )
        );
        assert_eq!(lines[2], (3, "abc".to_string()));
    }

    /// Endless bytes without a newline: counts what was handed out.
    struct NoNewline {
        served: usize,
        limit: usize,
    }

    impl io::Read for NoNewline {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let len = buf.len().min(self.limit - self.served);
            buf[..len].fill(b'a');
            self.served += len;
            Ok(len)
        }
    }

    #[test]
    fn an_over_long_line_is_skipped_not_accumulated() {
        let endless = NoNewline {
            served: 0,
            limit: 64 * 1024 * 1024,
        };
        let mut reader = LineReader::with_max_line_bytes(io::BufReader::new(endless), 1000);
        match reader.next_line().expect("read") {
            Some((1, Line::Invalid { raw, reason })) => {
                assert!(raw.len() <= OVER_LONG_RAW_BYTES, "{}", raw.len());
                assert!(reason.contains("--max-line-bytes"), "{reason}");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(
            reader.buffer.capacity() < 64 * 1024,
            "{}",
            reader.buffer.capacity()
        );
        assert_eq!(reader.bytes_read(), 64 * 1024 * 1024);
        assert!(reader.next_line().expect("read").is_none());
    }

    #[test]
    fn counts_lines_and_bytes() {
        let mut reader = LineReader::new(&b"ab\r\ncd\nlast"[..]);
        while reader.next_line().expect("read").is_some() {}
        assert_eq!((reader.line_number(), reader.bytes_read()), (3, 11));
    }

    #[test]
    fn lines_spanning_buffer_refills_are_joined() {
        let data = b"first line here\nsecond\n".to_vec();
        let reader = std::io::BufReader::with_capacity(4, &data[..]);
        let mut lines = LineReader::new(reader);
        let mut seen = Vec::new();
        while let Some((_, Line::Text(text))) = lines.next_line().expect("read") {
            seen.push(text.to_string());
        }
        assert_eq!(seen, ["first line here", "second"]);
    }
}
