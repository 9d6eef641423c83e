//! Splitting a byte stream of JSON values into records, one at a time, without reading it whole.
//!
//! JSON input is a stream of values: a record may span lines (pretty-printed) and several may
//! follow one another on a line. A log type with an envelope (`parser.envelope`) takes its
//! records from an array inside each document (`{"Records": [...]}`), streamed element by
//! element, so a 1 GB document is never held whole. The splitter only finds where values begin
//! and end; the workers parse them.
//!
//! Damage is contained: a line end inside a string, or a line starting with `{` while a value
//! is open, means the open value was cut short. It is rejected and reading goes on at the next
//! line, so one truncated line of a JSON-lines file costs one record, as with a line reader.

use std::io::{self, BufRead};

use super::lines::{text_line, Line, OVER_LONG_RAW_BYTES};
use crate::runtime::EnvelopeSpec;

/// Reads JSON records from a byte stream; lines are counted from 1 (`\n`, `\r\n` or a lone
/// `\r` ends one), and a record's number is the line where it starts.
pub struct JsonStream<R> {
    source: Source<R>,
    /// The bytes of the record (or envelope head) being read, at most the limit plus one.
    record: Vec<u8>,
    /// An envelope's `message` text, unescaped.
    message: String,
    /// The longest record accepted.
    max_record_bytes: usize,
    envelope: Option<&'static EnvelopeSpec>,
    /// Inside an envelope's records array: how many objects enclose the array (to skip the
    /// rest of the document after it), and the line where the document started.
    array: Option<OpenArray>,
    line_number: u64,
    started: bool,
}

#[derive(Debug, Clone, Copy)]
struct OpenArray {
    enclosing_objects: u32,
    document_line: u64,
}

/// How reading one value ended.
#[derive(Debug, PartialEq, Eq)]
enum Ending {
    Complete,
    /// The input ended inside it.
    EndOfInput,
    /// A line end inside a string, or a new line starting with `{`: cut short.
    CutShort,
}

impl<R: BufRead> JsonStream<R> {
    pub fn new(
        reader: R,
        max_record_bytes: usize,
        envelope: Option<&'static EnvelopeSpec>,
    ) -> Self {
        JsonStream {
            source: Source::new(reader),
            record: Vec::new(),
            message: String::new(),
            max_record_bytes,
            envelope,
            array: None,
            line_number: 0,
            started: false,
        }
    }

    /// The line of the last record returned (0 before the first).
    pub fn line_number(&self) -> u64 {
        self.line_number
    }

    /// Bytes of the stream consumed so far.
    pub fn bytes_read(&self) -> u64 {
        self.source.bytes_read
    }

    /// The next record and the line where it starts; `Ok(None)` at the end of the input.
    pub fn next_line(&mut self) -> io::Result<Option<(u64, Line<'_>)>> {
        if !self.started {
            self.started = true;
            self.source.skip_bom()?;
        }
        self.record.clear();
        if let Some(array) = self.array {
            if let Some(found) = self.next_in_array(array)? {
                let line = self.line_number;
                return Ok(Some((line, self.produce(found))));
            }
        }
        self.source.skip_whitespace()?;
        let Some(first) = self.source.peek()? else {
            return Ok(None);
        };
        self.line_number = self.source.line;
        if first == b'{' && self.envelope.is_none() && self.take_single_line_object()? {
            return Ok(Some((self.line_number, self.finish(Ending::Complete))));
        }
        let ending = match (first, self.envelope) {
            (b'{', Some(envelope)) => match self.read_document_head(envelope)? {
                Head::Envelope(enclosing_objects) => {
                    self.array = Some(OpenArray {
                        enclosing_objects,
                        document_line: self.line_number,
                    });
                    return self.next_line();
                }
                Head::Record(ending) => ending,
            },
            (b'{' | b'[', _) => self.read_value()?,
            // Not an object: the rest of the line is one record, which the parser rejects
            // with the JSON error; junk never turns into several rejections.
            _ => {
                self.read_rest_of_line()?;
                Ending::Complete
            }
        };
        Ok(Some((self.line_number, self.finish(ending))))
    }

    /// The JSON-lines fast path: when the line starting here is buffered whole and is plainly
    /// one object, it is the record, found with a few vectorised passes instead of a scan byte
    /// by byte (which cost 8% of a VPC DNS job's CPU). Anything less plain takes the scan.
    fn take_single_line_object(&mut self) -> io::Result<bool> {
        let chunk = self.source.chunk()?;
        let Some(newline) = memchr::memchr(b'\n', chunk) else {
            return Ok(false);
        };
        let line = &chunk[..newline];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.len() > self.max_record_bytes || !is_plainly_one_object(line) {
            return Ok(false);
        }
        self.record.extend_from_slice(line);
        self.source.take_line(newline + 1)?;
        Ok(true)
    }

    /// The record (or message) or rejection `found` stands for.
    fn produce(&mut self, found: Found) -> Line<'_> {
        match found {
            Found::Value(ending) => self.finish(ending),
            Found::Message(key) => self.message_of(key),
        }
    }

    /// The next element of an open records array; `None` when the array and its document
    /// ended. Sets `line_number`.
    fn next_in_array(&mut self, array: OpenArray) -> io::Result<Option<Found>> {
        loop {
            self.source.skip_whitespace()?;
            match self.source.peek()? {
                Some(b',') => self.source.take(1)?,
                Some(b']') => {
                    self.source.take(1)?;
                    self.array = None;
                    // The rest of the document (keys after the array) is not records.
                    let mut scan = ValueScan::inside(array.enclosing_objects);
                    let ending = self.scan(&mut scan, false)?;
                    if ending == Ending::Complete {
                        return Ok(None);
                    }
                    self.line_number = array.document_line;
                    return Ok(Some(Found::Value(ending)));
                }
                None => {
                    self.array = None;
                    self.line_number = array.document_line;
                    return Ok(Some(Found::Value(Ending::EndOfInput)));
                }
                Some(_) => {
                    self.line_number = self.source.line;
                    let ending = self.read_value()?;
                    if ending != Ending::Complete {
                        // The document itself is broken: back to reading documents.
                        self.array = None;
                    }
                    let message_key = self.envelope.and_then(|envelope| envelope.message);
                    if let (Ending::Complete, Some(key)) = (&ending, message_key) {
                        return Ok(Some(Found::Message(key)));
                    }
                    return Ok(Some(Found::Value(ending)));
                }
            }
        }
    }

    /// The text under `key` of the element just read (a CloudWatch Logs event's `message`).
    fn message_of(&mut self, key: &'static str) -> Line<'_> {
        if self.record.len() > self.max_record_bytes {
            return self.finish(Ending::Complete);
        }
        let parsed: Result<serde_json::Map<String, serde_json::Value>, _> =
            serde_json::from_slice(&self.record);
        let reason = match parsed {
            Ok(mut element) => match element.remove(key) {
                Some(serde_json::Value::String(text)) => {
                    self.message = text;
                    return Line::Text(&self.message);
                }
                _ => format!("the envelope's element has no string `{key}`"),
            },
            Err(error) => format!("invalid JSON in the envelope's element: {error}"),
        };
        Line::Invalid {
            raw: &self.record[..self.record.len().min(OVER_LONG_RAW_BYTES)],
            reason,
        }
    }

    /// The record read, or why it is rejected.
    fn finish(&self, ending: Ending) -> Line<'_> {
        let raw = &self.record[..self.record.len().min(OVER_LONG_RAW_BYTES)];
        let reason = if self.record.len() > self.max_record_bytes {
            format!(
                "record too long: more than {} bytes (the limit; raise it with --max-line-bytes)",
                self.max_record_bytes
            )
        } else {
            match ending {
                Ending::Complete => return text_line(&self.record),
                Ending::EndOfInput => format!(
                    "invalid JSON: the input ends inside the value that starts on line {}",
                    self.line_number
                ),
                Ending::CutShort => format!(
                    "invalid JSON: the value that starts on line {} is cut short on line {}",
                    self.line_number, self.source.line
                ),
            }
        };
        Line::Invalid { raw, reason }
    }

    /// Reads one value into `record`: an object or array by its brackets, a string to its
    /// closing quote, anything else to the next `,` `]` `}` or white space.
    fn read_value(&mut self) -> io::Result<Ending> {
        let mut scan = match self.source.peek()? {
            Some(b'{' | b'[') => ValueScan::default(),
            Some(b'"') => ValueScan::string(),
            _ => ValueScan::bare(),
        };
        self.scan(&mut scan, true)
    }

    fn read_rest_of_line(&mut self) -> io::Result<()> {
        loop {
            let max = self.max_record_bytes;
            let chunk = self.source.chunk()?;
            if chunk.is_empty() {
                return Ok(());
            }
            let end = memchr::memchr2(b'\n', b'\r', chunk);
            let part = &chunk[..end.unwrap_or(chunk.len())];
            let room = (max + 1).saturating_sub(self.record.len());
            self.record.extend_from_slice(&part[..part.len().min(room)]);
            let taken = part.len();
            self.source.take(taken)?;
            if end.is_some() {
                return Ok(());
            }
        }
    }

    /// Feeds the input to `scan` until the value ends, appending what it covers to `record`
    /// when `keep` (past the limit only the fact that it is too long is kept).
    fn scan(&mut self, scan: &mut ValueScan, keep: bool) -> io::Result<Ending> {
        loop {
            let max = self.max_record_bytes;
            let chunk = self.source.chunk()?;
            if chunk.is_empty() {
                return Ok(Ending::EndOfInput);
            }
            let (used, ending) = match scan.feed(chunk) {
                Step::More => (chunk.len(), None),
                Step::End(used) => (used, Some(Ending::Complete)),
                Step::CutShort(used) => (used, Some(Ending::CutShort)),
            };
            if keep {
                let room = (max + 1).saturating_sub(self.record.len());
                self.record.extend_from_slice(&chunk[..used.min(room)]);
            }
            self.source.take(used)?;
            if let Some(ending) = ending {
                return Ok(ending);
            }
        }
    }

    /// Reads the start of a document that may be an envelope, keeping its bytes in `record`
    /// until the envelope's array is found (they are dropped then) or the document ends (it is
    /// a record itself).
    fn read_document_head(&mut self, envelope: &EnvelopeSpec) -> io::Result<Head> {
        let mut depth = 0u32; // objects of the path entered
        self.keep_bytes(1)?; // `{`
        loop {
            self.skip_whitespace_kept()?;
            match self.source.peek()? {
                Some(b'"') => {}
                Some(b'}') if depth == 0 => {
                    self.keep_bytes(1)?;
                    return Ok(Head::Record(Ending::Complete));
                }
                // Anything else (an empty nested object, malformed JSON): read the rest of
                // the document as a record, which the parser accepts or rejects.
                _ => return self.rest_as_record(depth + 1),
            }
            let key_start = self.record.len();
            let mut scan = ValueScan::string();
            let ending = self.scan(&mut scan, true)?;
            if ending != Ending::Complete {
                return Ok(Head::Record(ending));
            }
            let key_matches = self
                .record
                .get(key_start + 1..self.record.len().saturating_sub(1))
                .is_some_and(|key| {
                    envelope.records.get(depth as usize).map(|k| k.as_bytes()) == Some(key)
                });
            self.skip_whitespace_kept()?;
            if self.source.peek()? != Some(b':') {
                return self.rest_as_record(depth + 1);
            }
            self.keep_bytes(1)?;
            self.skip_whitespace_kept()?;
            let last_of_path = depth as usize + 1 == envelope.records.len();
            match (key_matches, self.source.peek()?) {
                (true, Some(b'[')) if last_of_path => {
                    self.source.take(1)?;
                    self.record.clear();
                    return Ok(Head::Envelope(depth + 1));
                }
                (true, Some(b'{')) if !last_of_path => {
                    self.keep_bytes(1)?;
                    depth += 1;
                    continue;
                }
                _ => {}
            }
            let ending = self.read_value()?;
            if ending != Ending::Complete {
                return Ok(Head::Record(ending));
            }
            if self.record.len() > self.max_record_bytes {
                return self.rest_as_record(depth + 1);
            }
            self.skip_whitespace_kept()?;
            match self.source.peek()? {
                Some(b',') => self.keep_bytes(1)?,
                Some(b'}') if depth == 0 => {
                    self.keep_bytes(1)?;
                    return Ok(Head::Record(Ending::Complete));
                }
                _ => return self.rest_as_record(depth + 1),
            }
        }
    }

    /// The rest of a document whose head was read (`open` objects open) is part of the record.
    fn rest_as_record(&mut self, open: u32) -> io::Result<Head> {
        let mut scan = ValueScan::inside(open);
        Ok(Head::Record(self.scan(&mut scan, true)?))
    }

    fn keep_bytes(&mut self, count: usize) -> io::Result<()> {
        let chunk = self.source.chunk()?;
        let count = count.min(chunk.len());
        if self.record.len() <= self.max_record_bytes {
            self.record.extend_from_slice(&chunk[..count]);
        }
        self.source.take(count)
    }

    fn skip_whitespace_kept(&mut self) -> io::Result<()> {
        while let Some(byte) = self.source.peek()? {
            if !is_json_whitespace(byte) {
                break;
            }
            self.keep_bytes(1)?;
        }
        Ok(())
    }
}

/// What an envelope's array gave next.
enum Found {
    Value(Ending),
    /// A complete element whose text under this key is the record.
    Message(&'static str),
}

enum Head {
    /// The envelope's array was entered, inside this many objects.
    Envelope(u32),
    /// The document is a record (in `record`), read to this ending.
    Record(Ending),
}

fn is_json_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// Whether a line (no line end) is plainly one JSON object and nothing else: it ends with `}`,
/// its braces balance, it holds no lone `\r` (a line end), and no `}` is followed by `{` or
/// white space (two records glued, perhaps). A line that passes but is not one valid object
/// (cut short, an unclosed `[`) is rejected by the parser as the record of that line; one that
/// fails takes the scan. Vectorised searches over the line, a few `}` looked at: a third of
/// the instructions of a byte-by-byte scan (callgrind, 40,000 DNS records).
fn is_plainly_one_object(line: &[u8]) -> bool {
    let trimmed = line
        .iter()
        .rposition(|&byte| !matches!(byte, b' ' | b'\t'))
        .map_or(&line[..0], |last| &line[..=last]);
    if trimmed.last() != Some(&b'}') || memchr::memchr(b'\r', trimmed).is_some() {
        return false;
    }
    let mut closing = 0usize;
    for at in memchr::memchr_iter(b'}', trimmed) {
        closing += 1;
        if matches!(trimmed.get(at + 1), Some(b'{' | b' ' | b'\t')) {
            return false;
        }
    }
    memchr::memchr_iter(b'{', trimmed).count() == closing
}

/// Finds where one JSON value ends, fed the input a chunk at a time. It tracks only strings and
/// brackets: whether the value is valid JSON is for the parser to say.
#[derive(Debug, Default, Clone)]
struct ValueScan {
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// A value that is neither object, array nor string (a number, `true`, junk).
    bare: bool,
    /// The last byte fed was a line end outside a string.
    at_line_start: bool,
    /// Bytes fed so far.
    fed: u64,
}

#[derive(Debug, PartialEq, Eq)]
enum Step {
    /// The value goes on past this chunk.
    More,
    /// The value ends after this many bytes of the chunk.
    End(usize),
    /// The value was cut short before this many bytes of the chunk (a line end follows).
    CutShort(usize),
}

impl ValueScan {
    fn string() -> Self {
        ValueScan {
            in_string: true,
            fed: 0,
            ..ValueScan::default()
        }
    }

    fn bare() -> Self {
        ValueScan {
            bare: true,
            ..ValueScan::default()
        }
    }

    /// The rest of a value `depth` brackets deep.
    fn inside(depth: u32) -> Self {
        ValueScan {
            depth,
            fed: 1,
            ..ValueScan::default()
        }
    }

    fn feed(&mut self, bytes: &[u8]) -> Step {
        if self.bare {
            let end = bytes
                .iter()
                .position(|&byte| {
                    matches!(byte, b',' | b']' | b'}' | b'{' | b'[' | b'"')
                        || is_json_whitespace(byte)
                })
                .unwrap_or(bytes.len());
            // At least one byte, so junk like `]` is still one value.
            let end = if end == 0 && self.fed == 0 { 1 } else { end };
            self.fed += end as u64;
            return if end < bytes.len() {
                Step::End(end)
            } else {
                Step::More
            };
        }
        let mut at = 0;
        if self.in_string && self.fed == 0 {
            // The opening quote of a string value.
            at = 1;
        }
        if std::mem::take(&mut self.escaped) && at < bytes.len() {
            // The byte after a backslash that ended the last chunk.
            if is_line_end(bytes[at]) {
                return self.cut_short(at);
            }
            at += 1;
        }
        if std::mem::take(&mut self.at_line_start) && bytes.get(at) == Some(&b'{') {
            // A line starting with `{` while a value is open: a new record begins.
            return self.cut_short(at);
        }
        // One table lookup per byte. It costs what memchr calls per (short) string cost, and
        // JSON lines rarely come here (`take_single_line_object`).
        while at < bytes.len() {
            let byte = bytes[at];
            let class = BYTE_CLASS[usize::from(byte)];
            if class == PLAIN {
                at += 1;
                continue;
            }
            if self.in_string {
                match class {
                    QUOTE => {
                        self.in_string = false;
                        at += 1;
                        if self.depth == 0 {
                            return self.end(at);
                        }
                    }
                    BACKSLASH => match bytes.get(at + 1) {
                        Some(&next) if is_line_end(next) => return self.cut_short(at + 1),
                        Some(_) => at += 2,
                        None => {
                            self.escaped = true;
                            at += 1;
                        }
                    },
                    LINE_END => return self.cut_short(at),
                    _ => at += 1,
                }
                continue;
            }
            at += 1;
            match class {
                QUOTE => self.in_string = true,
                OPEN => self.depth += 1,
                CLOSE => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return self.end(at);
                    }
                }
                LINE_END => match bytes.get(at) {
                    Some(b'{') => return self.cut_short(at),
                    Some(_) => {}
                    None => self.at_line_start = true,
                },
                _ => {}
            }
        }
        self.fed += at as u64;
        Step::More
    }

    fn end(&mut self, used: usize) -> Step {
        self.fed += used as u64;
        Step::End(used)
    }

    fn cut_short(&mut self, used: usize) -> Step {
        self.fed += used as u64;
        Step::CutShort(used)
    }
}

const PLAIN: u8 = 0;
const QUOTE: u8 = 1;
const BACKSLASH: u8 = 2;
const OPEN: u8 = 3;
const CLOSE: u8 = 4;
const LINE_END: u8 = 5;

/// What each byte means to `ValueScan`.
static BYTE_CLASS: [u8; 256] = {
    let mut table = [PLAIN; 256];
    table[b'"' as usize] = QUOTE;
    table[b'\\' as usize] = BACKSLASH;
    table[b'{' as usize] = OPEN;
    table[b'[' as usize] = OPEN;
    table[b'}' as usize] = CLOSE;
    table[b']' as usize] = CLOSE;
    table[b'\n' as usize] = LINE_END;
    table[b'\r' as usize] = LINE_END;
    table
};

fn is_line_end(byte: u8) -> bool {
    byte == b'\n' || byte == b'\r'
}

/// The input's bytes, with line counting.
struct Source<R> {
    reader: R,
    /// The line of the next byte, from 1.
    line: u64,
    /// The last byte taken was a `\r`: a `\n` next is the same line end.
    after_cr: bool,
    bytes_read: u64,
}

impl<R: BufRead> Source<R> {
    fn new(reader: R) -> Self {
        Source {
            reader,
            line: 1,
            after_cr: false,
            bytes_read: 0,
        }
    }

    /// The bytes available now (empty at the end of the input).
    fn chunk(&mut self) -> io::Result<&[u8]> {
        fill(&mut self.reader)
    }

    fn peek(&mut self) -> io::Result<Option<u8>> {
        Ok(self.chunk()?.first().copied())
    }

    /// Consumes `count` bytes of the current chunk, counting the line ends among them.
    fn take(&mut self, count: usize) -> io::Result<()> {
        let chunk = fill(&mut self.reader)?;
        let taken = &chunk[..count.min(chunk.len())];
        let (lines, ends_with_cr) = count_line_ends(taken, self.after_cr);
        self.line += lines;
        if !taken.is_empty() {
            self.after_cr = ends_with_cr;
        }
        let count = taken.len();
        self.bytes_read += count as u64;
        self.reader.consume(count);
        Ok(())
    }

    /// Consumes `count` bytes that end with the one line end among them (`\n` or `\r\n`).
    fn take_line(&mut self, count: usize) -> io::Result<()> {
        let chunk = fill(&mut self.reader)?;
        let count = count.min(chunk.len());
        self.line += 1;
        self.after_cr = false;
        self.bytes_read += count as u64;
        self.reader.consume(count);
        Ok(())
    }

    fn skip_whitespace(&mut self) -> io::Result<()> {
        // Usually a record starts right here.
        if self
            .chunk()?
            .first()
            .is_some_and(|&byte| !is_json_whitespace(byte))
        {
            return Ok(());
        }
        loop {
            let chunk = self.chunk()?;
            let blank = chunk
                .iter()
                .position(|&byte| !is_json_whitespace(byte))
                .unwrap_or(chunk.len());
            let whole = blank == chunk.len();
            self.take(blank)?;
            if !whole || blank == 0 {
                return Ok(());
            }
        }
    }

    /// A byte order mark at the start is not part of the first record. Byte by byte, as a read
    /// may return fewer than three bytes.
    fn skip_bom(&mut self) -> io::Result<()> {
        for expected in "\u{feff}".bytes() {
            if self.peek()? != Some(expected) {
                break;
            }
            self.take(1)?;
        }
        Ok(())
    }
}

/// The reader's buffered bytes, read more when empty (empty at the end of the input).
fn fill<R: BufRead>(reader: &mut R) -> io::Result<&[u8]> {
    loop {
        match reader.fill_buf() {
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            _ => break,
        }
    }
    reader.fill_buf()
}

/// Line ends in `bytes` (a `\n` right after a `\r`, here or at the end of the bytes before,
/// is part of the same line end), and whether the bytes end with a `\r`.
fn count_line_ends(bytes: &[u8], after_cr: bool) -> (u64, bool) {
    let newlines = memchr::memchr_iter(b'\n', bytes).count() as u64;
    let ends_with_cr = bytes.last() == Some(&b'\r');
    if memchr::memchr(b'\r', bytes).is_none() {
        let joined = u64::from(after_cr && bytes.first() == Some(&b'\n'));
        return (newlines - joined, ends_with_cr);
    }
    let mut count = 0u64;
    let mut previous_cr = after_cr;
    for &byte in bytes {
        match byte {
            b'\r' => count += 1,
            b'\n' if !previous_cr => count += 1,
            _ => {}
        }
        previous_cr = byte == b'\r';
    }
    (count, ends_with_cr)
}

#[cfg(test)]
mod tests {
    use super::*;

    static RECORDS: EnvelopeSpec = EnvelopeSpec {
        records: &["Records"],
        message: None,
    };
    static NESTED: EnvelopeSpec = EnvelopeSpec {
        records: &["detail", "items"],
        message: None,
    };
    static LOG_EVENTS: EnvelopeSpec = EnvelopeSpec {
        records: &["logEvents"],
        message: Some("message"),
    };

    fn split_with(
        input: &[u8],
        max: usize,
        envelope: Option<&'static EnvelopeSpec>,
        capacity: usize,
    ) -> Vec<(u64, String)> {
        let reader = io::BufReader::with_capacity(capacity, input);
        let mut stream = JsonStream::new(reader, max, envelope);
        let mut found = Vec::new();
        while let Some((line, item)) = stream.next_line().expect("in-memory read") {
            let shown = match item {
                Line::Text(text) => text.to_string(),
                Line::Invalid { reason, .. } => format!("!{reason}"),
            };
            found.push((line, shown));
        }
        found
    }

    /// Splits with every small buffer size too, so values crossing reads are covered; all
    /// must agree.
    fn split(input: &str, envelope: Option<&'static EnvelopeSpec>) -> Vec<(u64, String)> {
        let whole = split_with(input.as_bytes(), 1 << 20, envelope, 1 << 16);
        for capacity in 1..=9 {
            assert_eq!(
                split_with(input.as_bytes(), 1 << 20, envelope, capacity),
                whole,
                "buffer of {capacity} bytes"
            );
        }
        whole
    }

    fn owned(expected: &[(u64, &str)]) -> Vec<(u64, String)> {
        expected
            .iter()
            .map(|(line, text)| (*line, text.to_string()))
            .collect()
    }

    #[test]
    fn json_lines_pretty_values_and_several_on_a_line() {
        let input = "\u{feff}{\"a\":1}\n\n{\"b\":\"x}\\\"{\"}{\"c\":[1,{\"d\":2}]} {\"e\":3}\r\n{\n  \"f\": {\n    \"g\": [\n      1\n    ]\n  }\n}\n";
        assert_eq!(
            split(input, None),
            owned(&[
                (1, "{\"a\":1}"),
                (3, "{\"b\":\"x}\\\"{\"}"),
                (3, "{\"c\":[1,{\"d\":2}]}"),
                (3, "{\"e\":3}"),
                (4, "{\n  \"f\": {\n    \"g\": [\n      1\n    ]\n  }\n}"),
            ])
        );
    }

    #[test]
    fn the_plain_line_test_sends_doubtful_lines_to_the_scan() {
        for (line, plain) in [
            (&br#"{"a":{"b":[1,2]},"c":"x"}"#[..], true),
            (br#"{"a":1}  "#, true),
            (br#"{"a": {"b": [1, 2]}, "c": {}}"#, true),
            (br#"{"a":[1}"#, true),
            (br#"{"a":"}{"}"#, false),
            (br#"{"a":1}{"b":2}"#, false),
            (br#"{"a":1} {"b":2}"#, false),
            (br#"{"a":"x"#, false),
            (br#"{"a":{"b":1}"#, false),
            (b"{\"a\":1,\r\"b\":2}", false),
            (br#"{"a":{"b":1} }"#, false),
        ] {
            assert_eq!(
                is_plainly_one_object(line),
                plain,
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }

    #[test]
    fn junk_is_one_record_per_line_for_the_parser_to_reject() {
        assert_eq!(
            split("not json at all\n\"text\" 2\n[1]\n", None),
            owned(&[(1, "not json at all"), (2, "\"text\" 2"), (3, "[1]")])
        );
    }

    #[test]
    fn a_line_cut_short_costs_one_record() {
        // Cut inside a string, then cut outside one: the next line is read normally.
        let input = "{\"a\":\"trunc\n{\"b\":1}\n{\"c\":1,\n{\"d\":2}\n{\"e\":";
        assert_eq!(
            split(input, None),
            owned(&[
                (
                    1,
                    "!invalid JSON: the value that starts on line 1 is cut short on line 1"
                ),
                (2, "{\"b\":1}"),
                (
                    3,
                    "!invalid JSON: the value that starts on line 3 is cut short on line 4"
                ),
                (4, "{\"d\":2}"),
                (
                    5,
                    "!invalid JSON: the input ends inside the value that starts on line 5"
                ),
            ])
        );
    }

    #[test]
    fn lone_cr_and_crlf_count_as_line_ends() {
        assert_eq!(
            split("{\"a\":1}\r{\"b\":2}\r\n\r\n{\"c\":\n3}", None),
            owned(&[(1, "{\"a\":1}"), (2, "{\"b\":2}"), (4, "{\"c\":\n3}")])
        );
    }

    #[test]
    fn records_too_long_are_rejected_and_skipped() {
        let input = format!("{{\"a\":\"{}\"}}\n{{\"b\":1}}", "x".repeat(100));
        let found = split_with(input.as_bytes(), 50, None, 7);
        assert_eq!(found.len(), 2);
        assert!(found[0]
            .1
            .starts_with("!record too long: more than 50 bytes"));
        assert_eq!(found[1], (2, "{\"b\":1}".to_string()));
    }

    #[test]
    fn invalid_utf8_is_rejected() {
        let found = split_with(b"{\"a\":\"\xff\"}\n{\"b\":1}", 100, None, 64);
        assert_eq!(found, owned(&[(1, "!invalid UTF-8"), (2, "{\"b\":1}")]));
    }

    #[test]
    fn envelope_records_are_streamed_and_other_documents_are_records() {
        let input = "{\"Records\":[{\"eventName\":\"A\"},\n  {\"eventName\":\"B\",\"x\":[1,2]} ,{}],\"extra\":{\"y\":1}}{\"eventName\":\"C\"}\n{\"Records\": []}\n{\"Records\":\"not an array\"}\n{\"other\":{\"Records\":[1]},\"Records\":[\n{\"eventName\":\"D\"}\n]}";
        assert_eq!(
            split(input, Some(&RECORDS)),
            owned(&[
                (1, "{\"eventName\":\"A\"}"),
                (2, "{\"eventName\":\"B\",\"x\":[1,2]}"),
                (2, "{}"),
                (2, "{\"eventName\":\"C\"}"),
                (4, "{\"Records\":\"not an array\"}"),
                (6, "{\"eventName\":\"D\"}"),
            ])
        );
    }

    #[test]
    fn envelope_paths_go_through_objects() {
        let input = "{\"version\":\"0\",\"detail\":{\"id\":1,\"items\":[{\"n\":1},{\"n\":2}]},\"after\":[]}\n{\"detail\":{\"id\":2}}";
        assert_eq!(
            split(input, Some(&NESTED)),
            owned(&[
                (1, "{\"n\":1}"),
                (1, "{\"n\":2}"),
                (2, "{\"detail\":{\"id\":2}}"),
            ])
        );
    }

    #[test]
    fn envelope_cut_short_is_reported_with_its_line() {
        let input = "{\"Records\":[{\"a\":1},{\"b\":2}";
        assert_eq!(
            split(input, Some(&RECORDS)),
            owned(&[
                (1, "{\"a\":1}"),
                (1, "{\"b\":2}"),
                (
                    1,
                    "!invalid JSON: the input ends inside the value that starts on line 1"
                ),
            ])
        );
        let input = "{\"Records\":[{\"a\":1},{\"b\":";
        assert_eq!(
            split(input, Some(&RECORDS)),
            owned(&[
                (1, "{\"a\":1}"),
                (
                    1,
                    "!invalid JSON: the input ends inside the value that starts on line 1"
                ),
            ]),
            "one rejection for the element the input ends in"
        );
        let input = "{\"Records\":[{\"a\":\"cut\n{\"b\":2}";
        assert_eq!(
            split(input, Some(&RECORDS)),
            owned(&[
                (
                    1,
                    "!invalid JSON: the value that starts on line 1 is cut short on line 1"
                ),
                (2, "{\"b\":2}"),
            ])
        );
    }

    #[test]
    fn cloudwatch_logs_messages_are_the_records() {
        let input = r#"{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"g","logStream":"s","subscriptionFilters":["f"],"logEvents":[{"id":"1","timestamp":1,"message":"2 123 eni-1 - 10.0.0.1"},{"id":"2","timestamp":2,"message":"{\"a\":\"b\\\"c\"}"},{"id":"3"}]}{"logEvents":[{"message":"next"}]}"#;
        assert_eq!(
            split(input, Some(&LOG_EVENTS)),
            owned(&[
                (1, "2 123 eni-1 - 10.0.0.1"),
                (1, "{\"a\":\"b\\\"c\"}"),
                (1, "!the envelope's element has no string `message`"),
                (1, "next"),
            ])
        );
    }

    #[test]
    fn line_ends_are_counted_across_reads() {
        for (bytes, after_cr, expected) in [
            (&b"a\nb\r\nc\rd"[..], false, (3, false)),
            (b"\nx", true, (0, false)),
            (b"\n\n", true, (1, false)),
            (b"x\r", false, (1, true)),
            (b"", true, (0, false)),
        ] {
            assert_eq!(count_line_ends(bytes, after_cr), expected, "{bytes:?}");
        }
    }
}
