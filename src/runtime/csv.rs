//! Panther's `csv` parser: RFC 4180 values with "lazy quotes" (Go's `encoding/csv` with
//! `LazyQuotes`): a value starting with `"` is quoted (`""` inside is one `"`, and a `"` not
//! followed by the delimiter or the line end is kept); a `"` inside an unquoted value is kept.
//! Records are lines: a quoted value cannot span lines.

use std::borrow::Cow;

use memchr::memchr;

use super::text_record::{finish_record, with_values, TextRecordSpec};
use super::{ColumnMap, DecodeError, EventMeta, EventOutput, LogType};

#[derive(Debug, Clone, Copy)]
pub struct CsvSpec {
    pub delimiter: char,
    /// The first line of each file (after skipped ones) is a header: it names the columns when
    /// `columns` is empty, else it is skipped.
    pub has_header: bool,
    pub columns: &'static [&'static str],
    pub text: TextRecordSpec,
}

/// Splits `line` and decodes the record. Values are zipped with the columns by position: a
/// missing trailing value is `""`, extra values are ignored.
pub fn parse_csv(
    log_type: &LogType,
    spec: &CsvSpec,
    line: &str,
    columns: &ColumnMap,
    meta: &EventMeta<'_>,
    out: &mut dyn EventOutput,
) -> Result<(), DecodeError> {
    let count = columns.slot_of_column.len();
    let parsed = count.saturating_sub(spec.text.expand_fields.len());
    with_values(count, |values: &mut [Option<Cow<'_, str>>]| {
        let mut index = 0;
        split(line, spec.delimiter, |value| {
            if let Some(slot) = values.get_mut(index).filter(|_| index < parsed) {
                *slot = Some(value);
            }
            index += 1;
        })
        .map_err(DecodeError::record)?;
        for slot in values.iter_mut().take(parsed).skip(index) {
            *slot = Some(Cow::Borrowed(""));
        }
        finish_record(log_type, &spec.text, values, columns, meta, out)
    })
}

/// The values of a header line (an unterminated quote simply ends at the line's end).
pub fn header_names(line: &str, delimiter: char) -> Vec<String> {
    let mut names = Vec::new();
    let outcome = split(line, delimiter, |name| names.push(name.into_owned()));
    if outcome.is_err() {
        if let Some(rest) = line.rsplit(delimiter).next() {
            names.push(rest.trim_start_matches('"').to_owned());
        }
    }
    names
}

const UNTERMINATED: &str =
    "unterminated quoted value (a csv value cannot span lines here: each line is a record)";

/// Calls `each` with every value of `line`, unquoted.
pub fn split<'l>(
    line: &'l str,
    delimiter: char,
    mut each: impl FnMut(Cow<'l, str>),
) -> Result<(), &'static str> {
    let mut buffer = [0; 4];
    let delimiter: &str = delimiter.encode_utf8(&mut buffer);
    let mut rest = line;
    loop {
        if let Some(quoted) = rest.strip_prefix('"') {
            let (value, after) = quoted_value(quoted, delimiter).ok_or(UNTERMINATED)?;
            each(value);
            match after {
                Some(after) => rest = after,
                None => return Ok(()),
            }
        } else {
            match find(rest, delimiter) {
                Some(at) => {
                    each(Cow::Borrowed(&rest[..at]));
                    rest = &rest[at + delimiter.len()..];
                }
                None => {
                    each(Cow::Borrowed(rest));
                    return Ok(());
                }
            }
        }
    }
}

fn find(text: &str, needle: &str) -> Option<usize> {
    let first = *needle.as_bytes().first()?;
    let mut from = 0;
    loop {
        let at = from + memchr(first, text.as_bytes().get(from..)?)?;
        if text.get(at..)?.starts_with(needle) {
            return Some(at);
        }
        from = at + 1;
    }
}

/// A quoted value (`text` starts after its opening quote): the value, and the text after its
/// delimiter (`None` at the line's end). `None` when no closing quote ends the value.
fn quoted_value<'l>(text: &'l str, delimiter: &str) -> Option<(Cow<'l, str>, Option<&'l str>)> {
    let mut owned: Option<String> = None;
    let mut from = 0;
    loop {
        let at = from + memchr(b'"', text.as_bytes().get(from..)?)?;
        let after_quote = text.get(at + 1..)?;
        if after_quote.starts_with('"') {
            // `""`: one quote, kept.
            owned
                .get_or_insert_with(String::new)
                .push_str(text.get(from..=at)?);
            from = at + 2;
            continue;
        }
        let ends = if after_quote.is_empty() {
            Some(None)
        } else {
            after_quote.strip_prefix(delimiter).map(Some)
        };
        match ends {
            Some(after) => {
                let tail = text.get(from..at)?;
                let value = match owned {
                    Some(mut value) => {
                        value.push_str(tail);
                        Cow::Owned(value)
                    }
                    None => Cow::Borrowed(tail),
                };
                return Some((value, after));
            }
            // A lazy quote: part of the value.
            None => {
                owned
                    .get_or_insert_with(String::new)
                    .push_str(text.get(from..=at)?);
                from = at + 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(line: &str, delimiter: char) -> Result<Vec<String>, &'static str> {
        let mut found = Vec::new();
        split(line, delimiter, |value| found.push(value.into_owned()))?;
        Ok(found)
    }

    #[test]
    fn rfc_4180_values() {
        assert_eq!(
            values("a,b,,c", ','),
            Ok(vec!["a".into(), "b".into(), "".into(), "c".into()])
        );
        assert_eq!(values("", ','), Ok(vec!["".into()]));
        assert_eq!(values("a,", ','), Ok(vec!["a".into(), "".into()]));
        assert_eq!(
            values(r#""x, y","say ""hi""","""",z"#, ','),
            Ok(vec![
                "x, y".into(),
                r#"say "hi""#.into(),
                "\"".into(),
                "z".into()
            ])
        );
        assert_eq!(values(r#""""#, ','), Ok(vec!["".into()]));
    }

    #[test]
    fn lazy_quotes_are_kept() {
        assert_eq!(
            values(r#"5"10,a"b"#, ','),
            Ok(vec![r#"5"10"#.into(), r#"a"b"#.into()])
        );
        assert_eq!(
            values(r#""a "b" c",d"#, ','),
            Ok(vec![r#"a "b" c"#.into(), "d".into()])
        );
        assert_eq!(values(r#""open,x"#, ','), Err(UNTERMINATED));
    }

    #[test]
    fn other_delimiters() {
        assert_eq!(
            values("a\t\"b\tc\"\td", '\t'),
            Ok(vec!["a".into(), "b\tc".into(), "d".into()])
        );
        assert_eq!(
            values("é→\"x→y\"→z", '→'),
            Ok(vec!["é".into(), "x→y".into(), "z".into()])
        );
    }

    #[test]
    fn header_names_survive_a_bad_quote() {
        assert_eq!(
            header_names("a,\"b", ','),
            vec!["a".to_string(), "b".to_string()]
        );
        assert_eq!(
            header_names("\"x\",y", ','),
            vec!["x".to_string(), "y".to_string()]
        );
    }
}
