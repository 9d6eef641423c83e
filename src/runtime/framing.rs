//! From text lines to records: blank lines, header lines and column mappings.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::Arc;

use super::csv::{self, CsvSpec};
use super::fastmatch;
use super::regex_parser;
use super::text_record::{
    expand_and_decode, template_columns, text_column_map, with_values, TextRecordSpec,
};
use super::{
    json_in, DecodeError, DelimitedSpec, EventMeta, EventOutput, ExtraColumns, FieldSpec,
    HeaderMode, InputValue, LogType, ObjectRef, ParserSpec, Row,
};

/// Which field each column of a delimited line feeds. A field is known by its position in the
/// log type's `fields` (its slot), and looked up by its spec's address, so generated specs carry
/// no positions (adding a field to a schema changes no other field's code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    /// `slot_of_column[i]`: the slot of the field column `i` feeds, `None` for a column the
    /// schema does not know.
    pub slot_of_column: Vec<Option<usize>>,
    /// Per slot of `fields`, in schema order: (address of the field's spec, the first column
    /// feeding it). Generated decoders read a row's fields in schema order, so a row keeps a
    /// cursor into this list and finding a field's column is one comparison; a field read out of
    /// order is searched for.
    in_slot_order: Vec<(usize, Option<usize>)>,
    /// Text parsers with `expandFields` only: for each template key in order (every entry's
    /// `%{key}` parts), the column holding that key's value (`text_record::text_column_map`).
    pub template_columns: Vec<Option<usize>>,
}

impl ColumnMap {
    /// `slot_of_column` indexes into `fields`.
    pub fn new(fields: &[&'static FieldSpec], slot_of_column: Vec<Option<usize>>) -> Self {
        let mut in_slot_order: Vec<(usize, Option<usize>)> = fields
            .iter()
            .map(|field| (spec_address(field), None))
            .collect();
        for (column, slot) in slot_of_column.iter().enumerate() {
            if let Some((_, first @ None)) = slot.and_then(|slot| in_slot_order.get_mut(slot)) {
                *first = Some(column);
            }
        }
        ColumnMap {
            slot_of_column,
            in_slot_order,
            template_columns: Vec::new(),
        }
    }

    /// Maps column names to the fields of `fields` (unknown names map to nothing).
    pub fn from_names<'n>(
        fields: &'static [&'static FieldSpec],
        names: impl IntoIterator<Item = &'n str>,
    ) -> Self {
        let lookup = ColumnLookup::new(fields);
        Self::new(
            fields,
            names.into_iter().map(|name| lookup.slot(name)).collect(),
        )
    }

    /// The column that feeds `field`, if any, trying the slot `next_slot` first (a reader going
    /// through the fields in schema order); `next_slot` moves past the field's slot.
    #[inline]
    pub fn column_of_next(&self, field: &FieldSpec, next_slot: &Cell<usize>) -> Option<usize> {
        let address = spec_address(field);
        let slot = match self.in_slot_order.get(next_slot.get()) {
            Some(&(known, _)) if known == address => next_slot.get(),
            _ => self.slot_of(address)?,
        };
        next_slot.set(slot + 1);
        self.in_slot_order.get(slot)?.1
    }

    /// The column that feeds `field`, if any.
    pub fn column_of(&self, field: &FieldSpec) -> Option<usize> {
        let slot = self.slot_of(spec_address(field))?;
        self.in_slot_order.get(slot)?.1
    }

    #[cold]
    fn slot_of(&self, address: usize) -> Option<usize> {
        self.in_slot_order
            .iter()
            .position(|&(known, _)| known == address)
    }
}

/// Specs are statics, so their addresses identify them.
fn spec_address(field: &FieldSpec) -> usize {
    field as *const FieldSpec as usize
}

/// Column names of the root fields: their `keys` (column and aliases) first, then their names.
#[derive(Debug)]
struct ColumnLookup {
    by_key: HashMap<&'static str, usize>,
    by_name: HashMap<&'static str, usize>,
    /// Every known name starts with an ASCII letter (true of every schema so far): then a value
    /// starting with a digit or punctuation cannot be a known name, which lets
    /// `Framer::classify` skip the lookups for ordinary records (mostly numbers and addresses).
    names_start_with_letter: bool,
}

impl ColumnLookup {
    fn new(fields: &'static [&'static FieldSpec]) -> Self {
        let mut by_key = HashMap::new();
        let mut by_name = HashMap::new();
        for (slot, field) in fields.iter().enumerate() {
            for key in field.keys {
                by_key.entry(*key).or_insert(slot);
            }
            by_name.entry(field.name).or_insert(slot);
        }
        let names_start_with_letter = by_key.keys().chain(by_name.keys()).all(|name| {
            name.bytes()
                .next()
                .is_some_and(|byte| byte.is_ascii_alphabetic())
        });
        ColumnLookup {
            by_key,
            by_name,
            names_start_with_letter,
        }
    }

    /// Whether a line of these values could be a header: at least half of them (and at least
    /// one) are known names.
    fn is_header(&self, line: &str, spec: &DelimitedSpec) -> bool {
        if self.names_start_with_letter {
            // Cheap bound first, from the first byte of each value only.
            let (count, candidates) = count_name_candidates(line, spec);
            if candidates == 0 || candidates * 2 < count {
                return false;
            }
        }
        let (mut count, mut known) = (0usize, 0usize);
        for value in split_values(line, spec) {
            count += 1;
            known += usize::from(self.slot(value).is_some());
        }
        known >= 1 && known * 2 >= count
    }

    fn slot(&self, name: &str) -> Option<usize> {
        let name = name.trim();
        self.by_key
            .get(name)
            .or_else(|| self.by_name.get(name))
            .copied()
    }

    /// The mapping of a delimited line whose columns are `names`: each name's field, then one
    /// column per `expandFields` entry (its field the one reading the entry's name).
    fn delimited_map(
        &self,
        fields: &'static [&'static FieldSpec],
        names: &[&str],
        spec: &DelimitedSpec,
    ) -> ColumnMap {
        let slots = names
            .iter()
            .map(|name| self.slot(name))
            .chain(
                spec.expand_fields
                    .iter()
                    .map(|expand| self.slot(expand.name)),
            )
            .collect();
        let mut map = ColumnMap::new(fields, slots);
        map.template_columns = template_columns(names, spec.expand_fields);
        map
    }
}

/// The column names of a `headerPrefix` line (the text after the prefix): split on the header
/// delimiter (`None`: white space), each trimmed; empty names are dropped, so runs of the
/// delimiter count as one.
fn prefixed_header_names(rest: &str, delimiter: Option<char>) -> Vec<&str> {
    match delimiter {
        Some(delimiter) => rest
            .split(delimiter)
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .collect(),
        None => rest.split_whitespace().collect(),
    }
}

/// What a line is. The column mapping is lent, not cloned: a reference count changed per record
/// by the reading thread and again by a worker was measurable at `--threads 2`.
#[derive(Debug, Clone)]
pub enum LineKind<'f> {
    /// A blank line: not a record.
    Blank,
    /// A header line: not a record; it changed the column mapping.
    Header,
    /// A line a text parser's `skipLines` or `skipPrefix` skips: not a record.
    Skipped,
    /// A record, with the column mapping in force for it (delimited log types only).
    Record(Option<&'f Arc<ColumnMap>>),
}

/// Classifies the lines of one input in order. Keeps the header state, so one per input file.
#[derive(Debug)]
pub struct Framer {
    log_type: &'static LogType,
    /// For delimited log types: the known column names.
    lookup: Option<ColumnLookup>,
    /// The mapping in force: the default columns, then the last header's.
    columns: Option<Arc<ColumnMap>>,
    /// Lines classified so far (for `skipLines`).
    lines_seen: u64,
    /// A csv header line was read (or skipped) in this file.
    header_seen: bool,
}

impl Framer {
    pub fn new(log_type: &'static LogType) -> Self {
        let (lookup, columns) = match &log_type.parser {
            ParserSpec::JsonLines => (None, None),
            ParserSpec::Delimited(spec) => {
                let lookup = ColumnLookup::new(log_type.fields);
                let columns = (!spec.default_columns.is_empty()).then(|| {
                    Arc::new(lookup.delimited_map(log_type.fields, spec.default_columns, spec))
                });
                (Some(lookup), columns)
            }
            ParserSpec::FastMatch(spec) => {
                let columns =
                    text_column_map(log_type.fields, spec.keys.iter().copied(), &spec.text);
                (None, Some(Arc::new(columns)))
            }
            ParserSpec::Regex(spec) => {
                let columns =
                    text_column_map(log_type.fields, spec.keys.iter().copied(), &spec.text);
                (None, Some(Arc::new(columns)))
            }
            ParserSpec::Csv(spec) => {
                let columns = (!spec.columns.is_empty()).then(|| {
                    let columns =
                        text_column_map(log_type.fields, spec.columns.iter().copied(), &spec.text);
                    Arc::new(columns)
                });
                (None, columns)
            }
        };
        Framer {
            log_type,
            lookup,
            columns,
            lines_seen: 0,
            header_seen: false,
        }
    }

    /// The column mapping in force (the one the next record gets), if the log type has one.
    pub fn current_columns(&self) -> Option<&Arc<ColumnMap>> {
        self.columns.as_ref()
    }

    /// A line that could not be read as text (invalid UTF-8, too long) still counts for
    /// `skipLines`: true when it is one of the lines skipped, so not a rejection.
    pub fn skips_unreadable(&mut self) -> bool {
        let skip_lines = match &self.log_type.parser {
            ParserSpec::FastMatch(spec) => spec.text.skip_lines,
            ParserSpec::Csv(spec) => spec.text.skip_lines,
            ParserSpec::Regex(spec) => spec.text.skip_lines,
            ParserSpec::JsonLines | ParserSpec::Delimited(_) => return false,
        };
        self.lines_seen += 1;
        self.lines_seen <= skip_lines
    }

    /// `classify` for the text parsers: `skipLines`, blank lines, `skipPrefix`, then a csv
    /// header line.
    fn classify_text(
        &mut self,
        line: &str,
        text: &TextRecordSpec,
        csv: Option<&CsvSpec>,
    ) -> LineKind<'_> {
        self.lines_seen += 1;
        if self.lines_seen <= text.skip_lines {
            return LineKind::Skipped;
        }
        let visible_start = line
            .bytes()
            .next()
            .is_some_and(|byte| byte.is_ascii_graphic());
        if !visible_start && line.trim().is_empty() {
            return LineKind::Blank;
        }
        if text.skips(line) {
            return LineKind::Skipped;
        }
        if let Some(csv) = csv.filter(|csv| csv.has_header && !self.header_seen) {
            self.header_seen = true;
            if csv.columns.is_empty() {
                let names = csv::header_names(line, csv.delimiter);
                let columns =
                    text_column_map(self.log_type.fields, names.iter().map(String::as_str), text);
                self.columns = Some(Arc::new(columns));
            }
            return LineKind::Header;
        }
        LineKind::Record(self.columns.as_ref())
    }

    /// `line` has no line end (`\n` and a trailing `\r` already removed).
    pub fn classify(&mut self, line: &str) -> LineKind<'_> {
        let line = strip_bom(line);
        match &self.log_type.parser {
            ParserSpec::FastMatch(spec) => return self.classify_text(line, &spec.text, None),
            ParserSpec::Csv(spec) => return self.classify_text(line, &spec.text, Some(spec)),
            ParserSpec::Regex(spec) => return self.classify_text(line, &spec.text, None),
            ParserSpec::JsonLines | ParserSpec::Delimited(_) => {}
        }
        // A visible first character settles it without `trim` (which runs for every line).
        let visible_start = line
            .bytes()
            .next()
            .is_some_and(|byte| byte.is_ascii_graphic());
        if !visible_start && line.trim().is_empty() {
            return LineKind::Blank;
        }
        let (ParserSpec::Delimited(spec), Some(lookup)) = (&self.log_type.parser, &self.lookup)
        else {
            return LineKind::Record(None);
        };
        if let Some(prefix) = spec.header_prefix {
            // Header lines are marked: the prefix alone decides (checked before `skipPrefix`,
            // which often is the prefix's first character).
            if let Some(rest) = line.strip_prefix(prefix) {
                let names = prefixed_header_names(rest, spec.header_delimiter);
                let map = lookup.delimited_map(self.log_type.fields, &names, spec);
                self.columns = Some(Arc::new(map));
                return LineKind::Header;
            }
        }
        if spec
            .skip_prefix
            .is_some_and(|prefix| line.starts_with(prefix))
        {
            return LineKind::Skipped;
        }
        if spec.header == HeaderMode::Detect
            && spec.header_prefix.is_none()
            && lookup.is_header(line, spec)
        {
            let names: Vec<&str> = split_values(line, spec).collect();
            let map = lookup.delimited_map(self.log_type.fields, &names, spec);
            self.columns = Some(Arc::new(map));
            return LineKind::Header;
        }
        LineKind::Record(self.columns.as_ref())
    }
}

/// The values of a delimited line: split on the delimiter, runs merged (and leading/trailing
/// delimiters ignored) with `mergeDelimiters`.
pub fn split_values<'l>(line: &'l str, spec: &DelimitedSpec) -> SplitValues<'l> {
    SplitValues {
        rest: Some(line),
        delimiter: spec.delimiter,
        merge: spec.merge_delimiters,
    }
}

/// The iterator of `split_values`, for header lines and non-ASCII delimiters; records with an
/// ASCII delimiter are split by `for_each_value`.
#[derive(Debug, Clone)]
pub struct SplitValues<'l> {
    /// What is left after the last delimiter found; `None` once the last value was given.
    rest: Option<&'l str>,
    delimiter: char,
    merge: bool,
}

impl<'l> Iterator for SplitValues<'l> {
    type Item = &'l str;

    fn next(&mut self) -> Option<&'l str> {
        loop {
            let rest = self.rest?;
            let value = match rest.split_once(self.delimiter) {
                Some((value, after)) => {
                    self.rest = Some(after);
                    value
                }
                None => {
                    self.rest = None;
                    rest
                }
            };
            if !(self.merge && value.is_empty()) {
                return Some(value);
            }
        }
    }
}

/// Calls `f(start, end)` with the byte range of each value of `bytes` split on the ASCII byte
/// `delimiter`, as `split_values` splits (empty values skipped when `merge`). The hot paths'
/// splitter: each eight-byte word is checked once and gives a mask of all its delimiters (exact
/// per byte), which are then read off the mask, so short values cost a few instructions each.
#[inline]
fn for_each_value(bytes: &[u8], delimiter: u8, merge: bool, mut f: impl FnMut(usize, usize)) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let pattern = ONES * u64::from(delimiter);
    let mut start = 0;
    let mut value_end = |end: usize, start: &mut usize| {
        if !(merge && end == *start) {
            f(*start, end);
        }
        *start = end + 1;
    };
    let mut words = bytes.chunks_exact(8);
    let mut base = 0;
    for word in &mut words {
        let x = u64::from_le_bytes(word.try_into().unwrap_or_default()) ^ pattern;
        // High bit set exactly in the bytes of `x` that are zero (the delimiters).
        let mut mask = !(((x & LOW) + LOW) | x | LOW);
        while mask != 0 {
            value_end(base + (mask.trailing_zeros() / 8) as usize, &mut start);
            mask &= mask - 1;
        }
        base += 8;
    }
    for (offset, &byte) in words.remainder().iter().enumerate() {
        if byte == delimiter {
            value_end(base + offset, &mut start);
        }
    }
    value_end(bytes.len(), &mut start);
}

/// (values, values that could be a known name) of a delimited line, counted as `split_values`
/// splits it, when known names start with a letter. A value that starts with a letter could be
/// one; so could one starting with whitespace (names are looked up trimmed) or a non-ASCII
/// byte (Unicode whitespace).
fn count_name_candidates(line: &str, spec: &DelimitedSpec) -> (usize, usize) {
    if !spec.delimiter.is_ascii() {
        return split_values(line, spec).fold((0, 0), |(count, candidates), value| {
            let candidate = value.bytes().next().is_some_and(could_start_name);
            (count + 1, candidates + usize::from(candidate))
        });
    }
    count_name_candidates_ascii(line.as_bytes(), spec.delimiter as u8, spec.merge_delimiters)
}

fn could_start_name(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || !byte.is_ascii_graphic()
}

/// `count_name_candidates` for an ASCII delimiter. It runs on the reading thread for every
/// line, so it is a branch-free pass over byte pairs that the compiler vectorises: a non-empty
/// value starts at each byte that is not a delimiter and follows one (or starts the line).
fn count_name_candidates_ascii(bytes: &[u8], delimiter: u8, merge: bool) -> (usize, usize) {
    let Some(&first) = bytes.first() else {
        return (usize::from(!merge), 0);
    };
    let first_starts = first != delimiter;
    let (mut delimiters, mut starts, mut candidates) = (
        usize::from(!first_starts),
        usize::from(first_starts),
        usize::from(first_starts && could_start_name(first)),
    );
    // Counted in byte lanes over pieces short enough that a `u8` cannot overflow.
    for (previous, next) in bytes.chunks(255).zip(bytes[1..].chunks(255)) {
        let (mut piece_delimiters, mut piece_starts, mut piece_candidates) = (0u8, 0u8, 0u8);
        for (&previous, &byte) in previous.iter().zip(next) {
            let is_delimiter = byte == delimiter;
            let starts_value = (previous == delimiter) & !is_delimiter;
            // `could_start_name`, without branches.
            let letter = (byte | 0x20).wrapping_sub(b'a') < 26;
            let invisible = byte.wrapping_sub(b'!') > b'~' - b'!';
            piece_delimiters += u8::from(is_delimiter);
            piece_starts += u8::from(starts_value);
            piece_candidates += u8::from(starts_value & (letter | invisible));
        }
        delimiters += usize::from(piece_delimiters);
        starts += usize::from(piece_starts);
        candidates += usize::from(piece_candidates);
    }
    let count = if merge { starts } else { delimiters + 1 };
    (count, candidates)
}

/// A UTF-8 byte order mark at the start of a file is not part of the first line.
fn strip_bom(line: &str) -> &str {
    line.strip_prefix('\u{feff}').unwrap_or(line)
}

/// Rows with up to this many values are split without allocating.
const INLINE_COLUMNS: usize = 48;

/// Parses one record line (as classified by a `Framer`) and appends its event to `out` (a JSON
/// line, or an Arrow row).
/// `columns` is the mapping `LineKind::Record` gave (None for JSON lines). On error `out` is
/// unchanged and the error says why (too few columns, bad JSON, a field's problem).
pub fn parse_record<'l>(
    log_type: &LogType,
    line: &'l str,
    columns: Option<&ColumnMap>,
    meta: &EventMeta<'_>,
    out: &mut dyn EventOutput,
) -> Result<(), DecodeError> {
    let line = strip_bom(line);
    match &log_type.parser {
        ParserSpec::JsonLines => {
            // serde_json's recursion limit rejects absurdly deep nesting instead of overflowing.
            let value = json_in::parse(line)
                .map_err(|error| DecodeError::record(format!("invalid JSON: {error}")))?;
            let InputValue::Object(record) = value else {
                return Err(DecodeError::record(format!(
                    "invalid JSON: expected an object, found {}",
                    value.kind_name()
                )));
            };
            log_type
                .parse_event
                .call(&ObjectRef::Json(&record), meta, out)
        }
        ParserSpec::Delimited(spec) => {
            let columns = columns.ok_or_else(|| {
                DecodeError::record("no column names: no header line came before this line and the log type has no default columns")
            })?;
            // Split into a stack buffer: no allocation per record for usual column counts.
            let mut inline = [""; INLINE_COLUMNS];
            let mut spilled: Vec<&str> = Vec::new();
            let mut count = 0;
            let mut keep = |value: &'l str| {
                if count < INLINE_COLUMNS {
                    inline[count] = value;
                } else {
                    if spilled.is_empty() {
                        spilled.extend_from_slice(&inline);
                    }
                    spilled.push(value);
                }
                count += 1;
            };
            if spec.delimiter.is_ascii() {
                let delimiter = spec.delimiter as u8;
                for_each_value(
                    line.as_bytes(),
                    delimiter,
                    spec.merge_delimiters,
                    |start, end| {
                        // Bounds next to an ASCII delimiter (or the line's ends): char boundaries.
                        keep(line.get(start..end).unwrap_or_default())
                    },
                );
            } else {
                split_values(line, spec).for_each(keep);
            }
            let values = if count <= INLINE_COLUMNS {
                &inline[..count]
            } else {
                &spilled[..]
            };
            // Every value must have a column: values past the mapping (two records glued on one
            // line, a format with more fields than the header names) would vanish unseen.
            // A value under a header name the schema does not know is not extra.
            let expected = columns
                .slot_of_column
                .len()
                .saturating_sub(spec.expand_fields.len());
            if values.len() < expected {
                return Err(DecodeError::record(format!(
                    "too few columns: expected {expected}, found {}",
                    values.len()
                )));
            }
            if values.len() > expected && spec.extra_columns == ExtraColumns::Reject {
                return Err(DecodeError::record(format!(
                    "too many columns: expected {expected}, found {}",
                    values.len()
                )));
            }
            if spec.expand_fields.is_empty() {
                let row = Row::new(values, columns, spec.empty_values);
                return log_type.parse_event.call(&ObjectRef::Row(&row), meta, out);
            }
            // `expandFields`: the columns (absent when one of `emptyValues`, as a row reads
            // them), then the built values, decoded as a text parser's record.
            let width = expected + spec.expand_fields.len();
            with_values(width, |slots: &mut [Option<Cow<'l, str>>]| {
                for (slot, value) in slots.iter_mut().zip(values.iter().take(expected)) {
                    let is_empty = spec.empty_values.contains(&super::text::trim(value));
                    *slot = (!is_empty).then_some(Cow::Borrowed(*value));
                }
                expand_and_decode(
                    log_type,
                    spec.empty_values,
                    spec.expand_fields,
                    slots,
                    columns,
                    meta,
                    out,
                )
            })
        }
        ParserSpec::FastMatch(spec) => {
            let columns = columns.ok_or_else(|| DecodeError::record(NO_TEXT_COLUMNS))?;
            fastmatch::parse_fastmatch(log_type, spec, line, columns, meta, out)
        }
        ParserSpec::Csv(spec) => {
            let columns = columns.ok_or_else(|| DecodeError::record(NO_TEXT_COLUMNS))?;
            csv::parse_csv(log_type, spec, line, columns, meta, out)
        }
        ParserSpec::Regex(spec) => {
            let columns = columns.ok_or_else(|| DecodeError::record(NO_TEXT_COLUMNS))?;
            regex_parser::parse_regex(log_type, spec, line, columns, meta, out)
        }
    }
}

/// A text parser's record always comes with the mapping its `Framer` made; only a caller
/// that skipped the framer gets here.
const NO_TEXT_COLUMNS: &str = "no column names: the line was not classified by a Framer";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{
        decode, parse_event, IndicatorKind, IndicatorSink, IndicatorSpec, Object, ObjectWriter,
        ParseEvent, RowId, TimeFormat, Timestamp, ValueKind, ValueSpec,
    };
    use crate::runtime::{FastCapture, FastMatchSpec, FastPattern, TemplatePart};

    const fn field(
        name: &'static str,
        keys: &'static [&'static str],
        value: ValueSpec,
    ) -> FieldSpec {
        FieldSpec {
            name,
            keys,
            required: false,
            is_event_time: false,
            value,
        }
    }

    // A VPC-flow-like delimited log type: version account-id srcaddr start.
    static FLOW_FIELD_SPECS: [FieldSpec; 4] = [
        FieldSpec {
            required: true,
            ..field("version", &["version"], ValueSpec::of(ValueKind::Int))
        },
        field(
            "account",
            &["account-id", "account_id"],
            ValueSpec {
                empty_values: &["unknown"],
                indicators: &[IndicatorSpec {
                    kind: IndicatorKind::AwsAccountId,
                    when: None,
                    pattern: None,
                }],
                ..ValueSpec::of(ValueKind::String)
            },
        ),
        field(
            "srcAddr",
            &["srcaddr"],
            ValueSpec {
                indicators: &[IndicatorSpec {
                    kind: IndicatorKind::Ip,
                    when: None,
                    pattern: None,
                }],
                ..ValueSpec::of(ValueKind::String)
            },
        ),
        FieldSpec {
            is_event_time: true,
            ..field(
                "start",
                &["start"],
                ValueSpec {
                    time_formats: &[TimeFormat::Unix],
                    ..ValueSpec::of(ValueKind::Timestamp)
                },
            )
        },
    ];
    static FLOW_FIELDS: &[&FieldSpec] = &[
        &FLOW_FIELD_SPECS[0],
        &FLOW_FIELD_SPECS[1],
        &FLOW_FIELD_SPECS[2],
        &FLOW_FIELD_SPECS[3],
    ];

    #[derive(Debug)]
    struct Flow {
        version: i32,
        account: Option<String>,
        src_addr: Option<String>,
        start: Option<Timestamp>,
    }

    impl<'a> Object<'a> for Flow {
        fn fields() -> &'static [&'static FieldSpec] {
            FLOW_FIELDS
        }
        fn decode_fields(input: &ObjectRef<'_, 'a>) -> Result<Self, DecodeError> {
            Ok(Flow {
                version: decode::required(input, &FLOW_FIELD_SPECS[0])?,
                account: decode::optional(input, &FLOW_FIELD_SPECS[1])?,
                src_addr: decode::optional(input, &FLOW_FIELD_SPECS[2])?,
                start: decode::optional(input, &FLOW_FIELD_SPECS[3])?,
            })
        }
        fn write_fields<W: ObjectWriter>(&self, out: &mut W) {
            out.field("version", &self.version);
            out.optional("account", &self.account);
            out.optional("srcAddr", &self.src_addr);
            out.optional("start", &self.start);
        }
        fn collect_indicators(&self, sink: &mut IndicatorSink) {
            sink.add(&FLOW_FIELD_SPECS[1].value.indicators[0], &self.account);
            sink.add(&FLOW_FIELD_SPECS[2].value.indicators[0], &self.src_addr);
        }
        fn event_time(&self) -> Option<Timestamp> {
            self.start
        }
    }

    const fn flow_log_type(name: &'static str, parser: ParserSpec) -> LogType {
        LogType {
            name,
            description: None,
            reference_url: None,
            source_file: "test",
            parser,
            envelope: None,
            field_discovery: false,
            fields: FLOW_FIELDS,
            parse_event: ParseEvent::Compiled(|input, meta, out| {
                parse_event::<Flow>(input, meta, out)
            }),
        }
    }

    const SPACE: DelimitedSpec = DelimitedSpec {
        delimiter: ' ',
        merge_delimiters: true,
        empty_values: &["-"],
        header: HeaderMode::Detect,
        default_columns: &["version", "account-id", "srcaddr", "start"],
        extra_columns: ExtraColumns::Reject,
        skip_prefix: None,
        header_prefix: None,
        header_delimiter: None,
        expand_fields: &[],
    };
    static FLOW: LogType = flow_log_type("Test.Flow", ParserSpec::Delimited(SPACE));
    static FLOW_NEEDS_HEADER: LogType = flow_log_type(
        "Test.Flow",
        ParserSpec::Delimited(DelimitedSpec {
            default_columns: &[],
            ..SPACE
        }),
    );
    static FLOW_NO_HEADER: LogType = flow_log_type(
        "Test.Flow",
        ParserSpec::Delimited(DelimitedSpec {
            header: HeaderMode::None,
            delimiter: ',',
            merge_delimiters: false,
            ..SPACE
        }),
    );
    static FLOW_IGNORING_EXTRA: LogType = flow_log_type(
        "Test.Flow",
        ParserSpec::Delimited(DelimitedSpec {
            extra_columns: ExtraColumns::Ignore,
            ..SPACE
        }),
    );
    static FLOW_JSON: LogType = flow_log_type("Test.Flow", ParserSpec::JsonLines);
    // W3C-style files: tab-separated values, `#Fields:` header lines, `#` comments, and the
    // start time split over two columns (`day` and `secs`) that `expandFields` joins.
    static FLOW_W3C: LogType = flow_log_type(
        "Test.Flow",
        ParserSpec::Delimited(DelimitedSpec {
            delimiter: '\t',
            merge_delimiters: false,
            default_columns: &["version", "day", "secs", "srcaddr"],
            skip_prefix: Some("#"),
            header_prefix: Some("#Fields:"),
            expand_fields: &[crate::runtime::ExpandSpec {
                name: "start",
                template: &[TemplatePart::Key("day"), TemplatePart::Key("secs")],
            }],
            ..SPACE
        }),
    );
    static FLOW_W3C_COMMA_HEADER: LogType = flow_log_type(
        "Test.Flow",
        ParserSpec::Delimited(DelimitedSpec {
            delimiter: ',',
            merge_delimiters: false,
            default_columns: &[],
            header_prefix: Some("//"),
            header_delimiter: Some(';'),
            ..SPACE
        }),
    );

    const TEXT: TextRecordSpec = TextRecordSpec {
        skip_lines: 0,
        skip_prefix: None,
        trim_space: false,
        empty_values: &[],
        expand_fields: &[],
    };
    const CSV: CsvSpec = CsvSpec {
        delimiter: ',',
        has_header: true,
        columns: &[],
        text: TEXT,
    };
    static FLOW_CSV_HEADER: LogType = flow_log_type("Test.Flow", ParserSpec::Csv(CSV));
    static FLOW_CSV_SKIP_HEADER: LogType = flow_log_type(
        "Test.Flow",
        ParserSpec::Csv(CsvSpec {
            columns: &["start", "version"],
            ..CSV
        }),
    );
    static FLOW_CSV_EXPAND: LogType = flow_log_type(
        "Test.Flow",
        ParserSpec::Csv(CsvSpec {
            has_header: false,
            columns: &["version", "a", "b"],
            text: TextRecordSpec {
                empty_values: &["-", "x"],
                expand_fields: &[crate::runtime::ExpandSpec {
                    name: "account_id",
                    template: &[TemplatePart::Key("a"), TemplatePart::Key("b")],
                }],
                ..TEXT
            },
            ..CSV
        }),
    );
    static FLOW_FASTMATCH: LogType = flow_log_type(
        "Test.Flow",
        ParserSpec::FastMatch(FastMatchSpec {
            keys: &["version", "srcaddr"],
            patterns: &[FastPattern {
                prefix: "v",
                captures: &[
                    FastCapture {
                        column: Some(0),
                        until: " from ",
                        quote: None,
                        at_last: false,
                    },
                    FastCapture {
                        column: Some(1),
                        until: "",
                        quote: None,
                        at_last: false,
                    },
                ],
            }],
            text: TextRecordSpec {
                skip_lines: 2,
                skip_prefix: Some("//"),
                trim_space: true,
                ..TEXT
            },
        }),
    );

    fn meta() -> EventMeta<'static> {
        EventMeta {
            log_type: "Test.Flow",
            row_id: RowId {
                prefix: 1,
                sequence: 2,
            },
            parse_time: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            source_id: None,
            source_label: None,
        }
    }

    /// Classifies and parses each line; records give their event line or `error: reason`.
    fn run(log_type: &'static LogType, text: &str) -> Vec<String> {
        let mut framer = Framer::new(log_type);
        let mut results = Vec::new();
        for line in text.lines() {
            match framer.classify(line) {
                LineKind::Blank => results.push("blank".to_string()),
                LineKind::Header => results.push("header".to_string()),
                LineKind::Skipped => results.push("skipped".to_string()),
                LineKind::Record(columns) => {
                    let mut out = b"kept|".to_vec();
                    match parse_record(log_type, line, columns.map(|map| &**map), &meta(), &mut out)
                    {
                        Ok(()) => {
                            let text = String::from_utf8(out).unwrap();
                            let event = text
                                .strip_prefix("kept|")
                                .unwrap()
                                .strip_suffix('\n')
                                .unwrap();
                            // The part before the p_* fields is what these tests look at.
                            results.push(
                                event.split(",\"p_log_type\"").next().unwrap().to_string() + "}",
                            );
                        }
                        Err(error) => {
                            assert_eq!(out, b"kept|", "out unchanged on error");
                            results.push(format!("error: {error}"));
                        }
                    }
                }
            }
        }
        results
    }

    #[test]
    fn column_maps_find_each_fields_first_column() {
        let map = ColumnMap::new(FLOW_FIELDS, vec![None, Some(2), Some(0), Some(2)]);
        assert_eq!(map.column_of(FLOW_FIELDS[0]), Some(2));
        assert_eq!(map.column_of(FLOW_FIELDS[1]), None);
        assert_eq!(
            map.column_of(FLOW_FIELDS[2]),
            Some(1),
            "the first column wins"
        );
        assert_eq!(map.column_of(FLOW_FIELDS[3]), None);
        // In schema order the cursor finds each field; out of order they are searched for.
        let next = Cell::new(0);
        let in_order: Vec<_> = FLOW_FIELDS
            .iter()
            .map(|field| map.column_of_next(field, &next))
            .collect();
        assert_eq!(in_order, vec![Some(2), None, Some(1), None]);
        assert_eq!(next.get(), 4);
        let next = Cell::new(0);
        assert_eq!(map.column_of_next(FLOW_FIELDS[2], &next), Some(1));
        assert_eq!(map.column_of_next(FLOW_FIELDS[0], &next), Some(2));
        assert_eq!(map.column_of_next(FLOW_FIELDS[1], &next), None);
        let named = ColumnMap::from_names(FLOW_FIELDS, ["start", "bogus", "account_id", "srcAddr"]);
        assert_eq!(named.slot_of_column, vec![Some(3), None, Some(1), Some(2)]);
    }

    #[test]
    fn default_columns_apply_until_a_header() {
        let input = "\
2 123456789012  10.0.0.1 1418530010
\r
version start srcaddr
3 1418530070 10.0.0.2
version account-id interface-id srcaddr start
4 unknown eni-1 - 1418530010
5 123456789012 eni-1 10.0.0.3
";
        assert_eq!(
            run(&FLOW, input),
            vec![
                r#"{"version":2,"account":"123456789012","srcAddr":"10.0.0.1","start":"2014-12-14 04:06:50.000000000"}"#,
                "blank",
                "header",
                r#"{"version":3,"srcAddr":"10.0.0.2","start":"2014-12-14 04:07:50.000000000"}"#,
                "header",
                r#"{"version":4,"start":"2014-12-14 04:06:50.000000000"}"#,
                "error: too few columns: expected 5, found 4",
            ]
        );
    }

    #[test]
    fn values_past_the_mapping_reject_the_line_unless_the_schema_ignores_them() {
        // Two records glued on one line: the second must not vanish.
        let glued = "2 123456789012 10.0.0.1 1418530010 2 123456789012 10.0.0.2 1418530070";
        assert_eq!(
            run(&FLOW, glued),
            vec!["error: too many columns: expected 4, found 8"]
        );
        // Past a header's mapping too; values under unknown header names are not extra.
        let after_header = "version ecs-cluster start
7 my-cluster 1418530010
7 c 1418530010 x";
        assert_eq!(
            run(&FLOW, after_header),
            vec![
                "header",
                r#"{"version":7,"start":"2014-12-14 04:06:50.000000000"}"#,
                "error: too many columns: expected 3, found 4",
            ]
        );
        assert_eq!(
            run(&FLOW_IGNORING_EXTRA, glued),
            vec![
                r#"{"version":2,"account":"123456789012","srcAddr":"10.0.0.1","start":"2014-12-14 04:06:50.000000000"}"#
            ]
        );
    }

    #[test]
    fn the_word_splitter_splits_as_split_values() {
        let text = "a bb  ccc dddd eeeee ffffff  ggggggg hhhhhhhh iiiiiiiii x\u{e9}y,, ,1,2,,3 ";
        for start in 0..text.len() {
            for end in start..=text.len() {
                let Some(line) = text.get(start..end) else {
                    continue;
                };
                for delimiter in [' ', ','] {
                    for merge in [false, true] {
                        let spec = DelimitedSpec {
                            delimiter,
                            merge_delimiters: merge,
                            ..SPACE
                        };
                        let mut found = Vec::new();
                        for_each_value(line.as_bytes(), delimiter as u8, merge, |start, end| {
                            found.push(&line[start..end])
                        });
                        let expected: Vec<&str> = split_values(line, &spec).collect();
                        assert_eq!(found, expected, "{line:?} {delimiter:?} {merge}");
                    }
                }
            }
        }
    }

    #[test]
    fn name_candidate_counts_follow_the_split() {
        let comma = DelimitedSpec {
            delimiter: ',',
            merge_delimiters: false,
            ..SPACE
        };
        let arrow = DelimitedSpec {
            delimiter: '→',
            ..comma
        };
        for spec in [&SPACE, &comma, &arrow] {
            for line in [
                "",
                " ",
                "2 123 eni-1  ACCEPT OK ",
                ",,a,1,,b2,",
                "version→start→→1",
                "  leading and trailing  ",
                "a, b,\tc,-d,9e",
                "@a [b `c {d ~e \u{7f}f \u{e9}g Zh zi Aj !k",
                ",@,[,`,{,~,\u{7f},\u{e9},Z,z,A,!, , ",
            ] {
                let expected =
                    split_values(line, spec).fold((0, 0), |(count, candidates), value| {
                        let first = value.bytes().next();
                        let candidate = first
                            .is_some_and(|b| b.is_ascii_alphabetic() || b <= b' ' || b >= 0x7f);
                        (count + 1, candidates + usize::from(candidate))
                    });
                assert_eq!(count_name_candidates(line, spec), expected, "{line:?}");
            }
        }
    }

    #[test]
    fn header_detection_needs_half_known_names() {
        // 2 of 4 known: a header (unknown names ignored).
        assert_eq!(
            run(&FLOW, "version x y start\n7 a b 1418530010")[0],
            "header"
        );
        assert_eq!(
            run(&FLOW, "version x y start\n7 a b 1418530010")[1],
            r#"{"version":7,"start":"2014-12-14 04:06:50.000000000"}"#
        );
        // 1 of 3 known: a record.
        assert_eq!(
            run(&FLOW, "version x y")[0],
            "error: too few columns: expected 4, found 3"
        );
        // A header of field names rather than columns is fine too.
        assert_eq!(
            run(&FLOW, "account version\n123456789012 9")[1],
            r#"{"version":9,"account":"123456789012"}"#
        );
    }

    #[test]
    fn without_default_columns_a_header_comes_first() {
        let results = run(&FLOW_NEEDS_HEADER, "2 1 2 3\nversion start\n2 1418530010");
        assert!(
            results[0].starts_with("error: no column names"),
            "{}",
            results[0]
        );
        assert_eq!(results[1], "header");
        assert_eq!(
            results[2],
            r#"{"version":2,"start":"2014-12-14 04:06:50.000000000"}"#
        );
    }

    #[test]
    fn no_header_mode_and_unmerged_delimiters() {
        let results = run(
            &FLOW_NO_HEADER,
            "version,account-id,srcaddr,start\n2,,10.0.0.1,1418530010\n,1,2,3",
        );
        assert_eq!(
            results[0],
            r#"error: version: "version" is not a valid int"#
        );
        assert_eq!(
            results[1],
            r#"{"version":2,"account":"","srcAddr":"10.0.0.1","start":"2014-12-14 04:06:50.000000000"}"#
        );
        assert_eq!(results[2], r#"error: version: "" is not a valid int"#);
    }

    #[test]
    fn field_errors_and_required_values() {
        let results = run(
            &FLOW,
            "- 123456789012 10.0.0.1 1418530010\nx 1 2 3\n2 1 2 soon",
        );
        assert_eq!(results[0], "error: version: required value is missing");
        assert_eq!(results[1], r#"error: version: "x" is not a valid int"#);
        assert_eq!(
            results[2],
            r#"error: start: "soon" is not a valid timestamp (unix)"#
        );
    }

    #[test]
    fn json_lines() {
        let input = "\u{feff}{\"version\":\"2\",\"account_id\":\"123456789012\",\"other\":[1]}\n  \n[1]\n{\"version\":2\n\"text\"\n{\"version\":null}";
        let results = run(&FLOW_JSON, input);
        assert_eq!(results[0], r#"{"version":2,"account":"123456789012"}"#);
        assert_eq!(results[1], "blank");
        assert_eq!(
            results[2],
            "error: invalid JSON: expected an object, found an array"
        );
        assert!(
            results[3].starts_with("error: invalid JSON: EOF while parsing"),
            "{}",
            results[3]
        );
        assert_eq!(
            results[4],
            "error: invalid JSON: expected an object, found a string"
        );
        assert_eq!(results[5], "error: version: required value is missing");
    }

    #[test]
    fn deep_nesting_is_a_rejection_not_a_crash() {
        let deep = format!(
            "{{\"version\":{}1{}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let results = run(&FLOW_JSON, &deep);
        assert!(
            results[0].contains("recursion limit exceeded"),
            "{}",
            results[0]
        );
    }

    #[test]
    fn whole_event_line_of_a_row() {
        let mut framer = Framer::new(&FLOW);
        let line = "2 123456789012 10.0.0.1 1418530010";
        let LineKind::Record(columns) = framer.classify(line) else {
            panic!("a record")
        };
        let mut out = Vec::new();
        parse_record(&FLOW, line, columns.map(|map| &**map), &meta(), &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            concat!(
                r#"{"version":2,"account":"123456789012","srcAddr":"10.0.0.1","start":"2014-12-14 04:06:50.000000000","#,
                r#""p_log_type":"Test.Flow","p_row_id":"00000000000000010000000000000002","#,
                r#""p_event_time":"2014-12-14 04:06:50.000000000","p_parse_time":"2023-11-14 22:13:20.000000000","#,
                r#""p_any_aws_account_ids":["123456789012"],"p_any_ip_addresses":["10.0.0.1"]}"#,
                "\n"
            )
        );
    }

    #[test]
    fn csv_header_names_the_columns_of_each_file() {
        let file = "start,version,srcaddr\n1418530010,2,10.0.0.1\n1418530070,3";
        assert_eq!(
            run(&FLOW_CSV_HEADER, file),
            vec![
                "header".to_string(),
                r#"{"version":2,"srcAddr":"10.0.0.1","start":"2014-12-14 04:06:50.000000000"}"#
                    .into(),
                // A missing trailing value is "" (a string field keeps it).
                r#"{"version":3,"srcAddr":"","start":"2014-12-14 04:07:50.000000000"}"#.into(),
            ]
        );
        // A new Framer (file) reads its own header.
        assert_eq!(run(&FLOW_CSV_HEADER, "version\n4")[1], r#"{"version":4}"#);
    }

    #[test]
    fn csv_header_with_columns_is_skipped() {
        assert_eq!(
            run(&FLOW_CSV_SKIP_HEADER, "anything,at all\n1418530010,5"),
            vec![
                "header".to_string(),
                r#"{"version":5,"start":"2014-12-14 04:06:50.000000000"}"#.into(),
            ]
        );
    }

    #[test]
    fn expand_fields_read_values_after_empty_values() {
        let results = run(&FLOW_CSV_EXPAND, "1,1234,5678\n2,-,x\n3,12,-");
        assert_eq!(results[0], r#"{"version":1,"account":"12345678"}"#);
        // Both parts absent: the result is "", which is not added.
        assert_eq!(results[1], r#"{"version":2}"#);
        assert_eq!(results[2], r#"{"version":3,"account":"12"}"#);
        // An empty value ("") and an absent one give "" too.
        assert_eq!(run(&FLOW_CSV_EXPAND, "4,,x")[0], r#"{"version":4}"#);
    }

    #[test]
    fn header_prefix_lines_name_the_columns_and_skip_prefix_lines_are_skipped() {
        let input = "\
#Version: 1.0
1\t14185\t30010\t10.0.0.1
#Fields: srcaddr secs  day\tversion
10.0.0.2\t30070\t14185\t2
# a remark
#Fields:\tversion\tbogus
3\tx
#Fields: version day secs
4\t-\t-
";
        assert_eq!(
            run(&FLOW_W3C, input),
            vec![
                "skipped".to_string(),
                r#"{"version":1,"srcAddr":"10.0.0.1","start":"2014-12-14 04:06:50.000000000"}"#
                    .into(),
                // Names split on any white space; the prefix line is a header even though
                // `skipPrefix` also matches it, and needs no known names.
                "header".into(),
                r#"{"version":2,"srcAddr":"10.0.0.2","start":"2014-12-14 04:07:50.000000000"}"#
                    .into(),
                "skipped".into(),
                "header".into(),
                // Unknown names keep their column; nothing feeds `start`.
                r#"{"version":3}"#.into(),
                "header".into(),
                // Both parts empty: the built value is "", so absent.
                r#"{"version":4}"#.into(),
            ]
        );
        // Without the prefix, a line of known names is a record here (no detection).
        assert_eq!(
            run(&FLOW_W3C, "version\tday\tsecs\tsrcaddr")[0],
            r#"error: version: "version" is not a valid int"#
        );
    }

    #[test]
    fn expanded_columns_are_not_counted_as_line_columns() {
        let results = run(&FLOW_W3C, "1\t14185\t30010\n1\t14185\t30010\t10.0.0.1\tx");
        assert_eq!(results[0], "error: too few columns: expected 4, found 3");
        assert_eq!(results[1], "error: too many columns: expected 4, found 5");
    }

    #[test]
    fn a_header_delimiter_splits_prefixed_header_lines() {
        let results = run(
            &FLOW_W3C_COMMA_HEADER,
            "2,10.0.0.1\n// srcaddr ; version;;start\n10.0.0.2,3,1418530010",
        );
        assert!(
            results[0].starts_with("error: no column names"),
            "{results:?}"
        );
        assert_eq!(results[1], "header");
        assert_eq!(
            results[2],
            r#"{"version":3,"srcAddr":"10.0.0.2","start":"2014-12-14 04:06:50.000000000"}"#
        );
    }

    #[test]
    fn fastmatch_skips_first_lines_then_prefixed_ones() {
        let results = run(
            &FLOW_FASTMATCH,
            "v9 from 10.0.0.1\n\nv1 from  10.0.0.2 \n// comment\nv2 from 10.0.0.3\nv3 to x",
        );
        assert_eq!(
            results,
            vec![
                "skipped".to_string(),
                "skipped".into(),
                r#"{"version":1,"srcAddr":"10.0.0.2"}"#.into(),
                "skipped".into(),
                r#"{"version":2,"srcAddr":"10.0.0.3"}"#.into(),
                "error: the line does not match the pattern".into(),
            ]
        );
    }
}
