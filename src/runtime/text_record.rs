//! What Panther's text parsers (`fastmatch`, `csv`, `regex`) share: a line's values,
//! once matched, go through the same steps before the typed fields decode them:
//! `trimSpace`, then `emptyValues`, then `expandFields`. Each parser only fills the values of its
//! columns (`finish_record`'s `values`); everything after the match is here, written once.

use std::borrow::Cow;
use std::cell::Cell;

use super::text::trim;
use super::{ColumnMap, DecodeError, EventMeta, EventOutput, FieldSpec, LogType, ObjectRef};

/// The steps around a text parser's match, as a schema's `parser` block writes them.
#[derive(Debug, Clone, Copy)]
pub struct TextRecordSpec {
    /// `skipLines`: this many first lines of each file are not records.
    pub skip_lines: u64,
    /// `skipPrefix`: a line starting with this is not a record.
    pub skip_prefix: Option<&'static str>,
    /// `trimSpace`: every value is trimmed.
    pub trim_space: bool,
    /// `emptyValues`: a value equal to one of these is absent.
    pub empty_values: &'static [&'static str],
    /// `expandFields`: new values built from the parser's, in this order.
    pub expand_fields: &'static [ExpandSpec],
}

/// `expandFields: {name: 'text %{key} text'}`.
#[derive(Debug)]
pub struct ExpandSpec {
    pub name: &'static str,
    pub template: &'static [TemplatePart],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplatePart {
    Text(&'static str),
    /// The value of the parser's column named so (`""` when absent).
    Key(&'static str),
}

impl TextRecordSpec {
    /// Whether `line` is not a record because of `skipPrefix`.
    pub fn skips(&self, line: &str) -> bool {
        self.skip_prefix
            .is_some_and(|prefix| line.starts_with(prefix))
    }
}

/// The column mapping of a text parser's records: the parser's columns `names`, then one column
/// per `expandFields` entry; each template key is resolved to a column of `names` here, once.
pub fn text_column_map<'n>(
    fields: &'static [&'static FieldSpec],
    names: impl IntoIterator<Item = &'n str>,
    spec: &TextRecordSpec,
) -> ColumnMap {
    let names: Vec<&str> = names.into_iter().collect();
    let expanded = spec.expand_fields.iter().map(|expand| expand.name);
    let mut map = ColumnMap::from_names(fields, names.iter().copied().chain(expanded));
    map.template_columns = template_columns(&names, spec.expand_fields);
    map
}

/// For each template key of `expand_fields` in order (every entry's `%{key}` parts), the first
/// of the columns `names` that is that key (`None` when no column is).
pub fn template_columns(names: &[&str], expand_fields: &[ExpandSpec]) -> Vec<Option<usize>> {
    expand_fields
        .iter()
        .flat_map(|expand| expand.template)
        .filter_map(|part| match part {
            TemplatePart::Key(key) => Some(names.iter().position(|name| name.trim() == *key)),
            TemplatePart::Text(_) => None,
        })
        .collect()
}

/// Values of up to this many columns live on the stack.
const INLINE_VALUES: usize = 64;

/// Calls `f` with `count` default values, on the stack when they fit.
pub(crate) fn with_values<T: Default + Clone, R>(count: usize, f: impl FnOnce(&mut [T]) -> R) -> R {
    if count <= INLINE_VALUES {
        let mut inline: [T; INLINE_VALUES] = std::array::from_fn(|_| T::default());
        f(&mut inline[..count])
    } else {
        f(&mut vec![T::default(); count])
    }
}

/// The steps after the match, then decoding. `values`: one per column of `columns` (the
/// parser's columns, then one per `expandFields` entry, those last ones unset); `None` is a
/// value the parser did not capture.
pub fn finish_record<'l>(
    log_type: &LogType,
    spec: &TextRecordSpec,
    values: &mut [Option<Cow<'l, str>>],
    columns: &ColumnMap,
    meta: &EventMeta<'_>,
    out: &mut dyn EventOutput,
) -> Result<(), DecodeError> {
    let parsed = values.len().saturating_sub(spec.expand_fields.len());
    for value in values.iter_mut().take(parsed) {
        let Some(text) = value.take() else {
            continue;
        };
        let text = if spec.trim_space {
            trim_cow(text)
        } else {
            text
        };
        let is_empty = spec.empty_values.contains(&text.as_ref());
        *value = (!is_empty).then_some(text);
    }
    expand_and_decode(
        log_type,
        spec.empty_values,
        spec.expand_fields,
        values,
        columns,
        meta,
        out,
    )
}

/// `expandFields`, then decoding. `values` as for `finish_record`, the parser's values already
/// trimmed and emptied; each entry's result is absent when it is `""` or one of `empty_values`.
pub fn expand_and_decode<'l>(
    log_type: &LogType,
    empty_values: &[&str],
    expand_fields: &[ExpandSpec],
    values: &mut [Option<Cow<'l, str>>],
    columns: &ColumnMap,
    meta: &EventMeta<'_>,
    out: &mut dyn EventOutput,
) -> Result<(), DecodeError> {
    let parsed = values.len().saturating_sub(expand_fields.len());
    let (captured, expanded) = values.split_at_mut(parsed);
    let mut template_columns = columns.template_columns.iter();
    for (slot, expand) in expanded.iter_mut().zip(expand_fields) {
        let mut text = String::new();
        for part in expand.template {
            match part {
                TemplatePart::Text(literal) => text.push_str(literal),
                TemplatePart::Key(_) => {
                    let column = template_columns.next().copied().flatten();
                    if let Some(Some(value)) = column.and_then(|column| captured.get(column)) {
                        text.push_str(value);
                    }
                }
            }
        }
        let is_empty = text.is_empty() || empty_values.contains(&text.as_str());
        *slot = (!is_empty).then_some(Cow::Owned(text));
    }
    let values: &[Option<Cow<'l, str>>] = values;
    with_values(values.len(), |view: &mut [Option<&str>]| {
        for (seen, value) in view.iter_mut().zip(values) {
            *seen = value.as_deref();
        }
        let record = TextRecord::new(&*view, columns);
        log_type
            .parse_event
            .call(&ObjectRef::Text(&record), meta, out)
    })
}

fn trim_cow(text: Cow<'_, str>) -> Cow<'_, str> {
    match text {
        Cow::Borrowed(text) => Cow::Borrowed(trim(text)),
        Cow::Owned(text) if trim(&text).len() == text.len() => Cow::Owned(text),
        Cow::Owned(text) => Cow::Owned(trim(&text).to_owned()),
    }
}

/// A text parser's record: its values (absent ones `None`) and the column mapping in force.
#[derive(Debug)]
pub struct TextRecord<'a> {
    values: &'a [Option<&'a str>],
    columns: &'a ColumnMap,
    /// The slot of the field expected to be read next (`ColumnMap::column_of_next`).
    next_slot: Cell<usize>,
}

impl<'a> TextRecord<'a> {
    pub fn new(values: &'a [Option<&'a str>], columns: &'a ColumnMap) -> Self {
        TextRecord {
            values,
            columns,
            next_slot: Cell::new(0),
        }
    }

    /// The value of the column feeding `spec`, if the record has one.
    #[inline]
    pub fn get(&self, spec: &FieldSpec) -> Option<&'a str> {
        let column = self.columns.column_of_next(spec, &self.next_slot)?;
        self.values.get(column).copied().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimming_keeps_borrowed_text_borrowed() {
        assert!(matches!(trim_cow(Cow::Borrowed(" a ")), Cow::Borrowed("a")));
        assert_eq!(trim_cow(Cow::Owned(" b\t".into())), "b");
        assert_eq!(trim_cow(Cow::Owned("c".into())), "c");
    }

    #[test]
    fn values_beyond_the_inline_buffer_are_fine() {
        for count in [0, 3, INLINE_VALUES, INLINE_VALUES + 5] {
            let seen = with_values(count, |values: &mut [Option<&str>]| {
                values.iter_mut().for_each(|value| *value = Some("x"));
                values.len()
            });
            assert_eq!(seen, count);
        }
    }
}
