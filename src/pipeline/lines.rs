//! Splitting a byte stream into numbered text lines, one at a time, without reading it whole.

use std::io::{self, BufRead};

/// Lines longer than this are rejected (`--max-line-bytes` changes it), so one huge line cannot
/// exhaust memory: past the limit the line is skipped up to its newline, never accumulated.
pub const DEFAULT_MAX_LINE_BYTES: usize = 1024 * 1024;

/// How much of an over-long line is kept as its raw text in the rejects file.
pub(super) const OVER_LONG_RAW_BYTES: usize = 4096;

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

/// Reads lines ended by `\n`, `\r\n` or a lone `\r` (old Mac tools and some exporters end lines
/// with CR alone: a CR is never left inside a record), counts lines from 1.
pub struct LineReader<R> {
    reader: R,
    buffer: Vec<u8>,
    line_number: u64,
    /// Bytes consumed from the (decompressed) stream, line ends included.
    bytes_read: u64,
    /// The longest line accepted, its line end not counted.
    max_line_bytes: usize,
    /// Bytes of the reader's buffer that the last line (returned in place) still occupies: they
    /// are consumed when the next line is asked for.
    pending_consume: usize,
    /// The last line ended with a `\r` that was the last byte buffered: a `\n` coming next is
    /// the rest of a CRLF line end, not an empty line.
    after_cr: bool,
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
            after_cr: false,
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
        if std::mem::take(&mut self.after_cr) {
            self.skip_newline()?;
        }
        // The usual case: the whole line is in the reader's buffer. It is returned in place,
        // not copied, which saves a copy of every line on the (serial) reading thread.
        let in_place = loop {
            match self.reader.fill_buf() {
                Ok(bytes) => {
                    break memchr::memchr2(b'\n', b'\r', bytes)
                        .filter(|&position| position <= self.max_line_bytes)
                        .map(|position| (position, line_end(bytes, position)))
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            }
        };
        if let Some((position, (end_len, cr_at_buffer_end))) = in_place {
            self.pending_consume = position + end_len;
            self.bytes_read += (position + end_len) as u64;
            self.after_cr = cr_at_buffer_end;
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

    /// Consumes a `\n` if it is the next byte (the second half of a CRLF split across reads).
    fn skip_newline(&mut self) -> io::Result<()> {
        loop {
            match self.reader.fill_buf() {
                Ok(bytes) => {
                    if bytes.first() == Some(&b'\n') {
                        self.reader.consume(1);
                        self.bytes_read += 1;
                    }
                    return Ok(());
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            }
        }
    }

    /// Appends the next line's bytes (without its line end, at most `max_line_bytes + 1` of
    /// them) to the buffer and returns the line's full length; `None` when the input has ended.
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
            let (chunk_len, ended) = match memchr::memchr2(b'\n', b'\r', available) {
                Some(position) => (position, Some(line_end(available, position))),
                None => (available.len(), None),
            };
            // Keep one byte past the limit so an over-long line is recognised.
            let room = (self.max_line_bytes + 1).saturating_sub(self.buffer.len());
            self.buffer
                .extend_from_slice(&available[..chunk_len.min(room)]);
            total_len = total_len.saturating_add(chunk_len);
            let end_len = ended.map_or(0, |(end_len, _)| end_len);
            self.reader.consume(chunk_len + end_len);
            self.bytes_read += (chunk_len + end_len) as u64;
            if let Some((_, cr_at_buffer_end)) = ended {
                self.after_cr = cr_at_buffer_end;
                return Ok(Some(total_len));
            }
        }
    }
}

/// The length of the line end at `bytes[position]` (a `\n` or `\r`): 2 for CRLF, else 1; and
/// whether it is a `\r` that ends the buffered bytes (a `\n` may follow in the next read).
#[inline]
fn line_end(bytes: &[u8], position: usize) -> (usize, bool) {
    if bytes[position] == b'\n' {
        return (1, false);
    }
    match bytes.get(position + 1) {
        Some(b'\n') => (2, false),
        Some(_) => (1, false),
        None => (1, true),
    }
}

/// A line's bytes without its line end: text, or invalid UTF-8.
pub(super) fn text_line(bytes: &[u8]) -> Line<'_> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Line::Text(text),
        Err(_) => Line::Invalid {
            raw: bytes,
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
    fn a_lone_carriage_return_ends_a_line() {
        let lines = collect(b"status OK\r2\rlast\r", 100);
        let expected = [(1, "status OK"), (2, "2"), (3, "last")];
        assert_eq!(lines, expected.map(|(n, s)| (n, s.to_string())));
        // CR CR LF: a line ended by CR, then an empty one ended by CRLF.
        assert_eq!(
            collect(b"a\r\r\nb", 100),
            vec![
                (1, "a".to_string()),
                (2, String::new()),
                (3, "b".to_string())
            ]
        );
    }

    #[test]
    fn a_crlf_split_across_reads_is_one_line_end() {
        for capacity in 1..12 {
            let data = b"ab\r\ncd\r\n\r\nef\rg\n".to_vec();
            let mut reader = LineReader::with_max_line_bytes(
                io::BufReader::with_capacity(capacity, &data[..]),
                4,
            );
            let mut seen = Vec::new();
            while let Some((number, line)) = reader.next_line().expect("read") {
                let Line::Text(text) = line else {
                    panic!("capacity {capacity}: {line:?}")
                };
                seen.push((number, text.to_string()));
            }
            let expected = [(1, "ab"), (2, "cd"), (3, ""), (4, "ef"), (5, "g")];
            assert_eq!(
                seen,
                expected.map(|(n, s)| (n, s.to_string())),
                "capacity {capacity}"
            );
            assert_eq!(reader.bytes_read(), data.len() as u64);
        }
    }

    #[test]
    fn the_limit_is_on_the_line_without_its_line_end() {
        for input in [
            &b"12345\r\n123456\r\n"[..],
            b"12345\r123456\r",
            b"12345\n123456\n",
        ] {
            let lines = collect(input, 5);
            assert_eq!(lines[0], (1, "12345".to_string()), "{input:?}");
            assert!(lines[1].1.starts_with("!line too long"), "{input:?}");
            assert_eq!(lines.len(), 2, "{input:?}");
        }
        // The same through the copying path (the line does not fit the reader's buffer).
        let reader = io::BufReader::with_capacity(3, &b"12345\r\nab\r\n"[..]);
        let mut lines = LineReader::with_max_line_bytes(reader, 5);
        let mut seen = Vec::new();
        while let Some((_, line)) = lines.next_line().expect("read") {
            seen.push(format!("{line:?}"));
        }
        assert_eq!(seen, [r#"Text("12345")"#, r#"Text("ab")"#]);
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
