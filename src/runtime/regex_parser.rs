//! Panther's `regex` parser: the generator expands the schema's grok `match` into one plain
//! regex and maps its groups to columns; here that regex is compiled once, on first use, and
//! searched for in each line. The values it captures go through the shared text steps.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::OnceLock;

use regex::{CaptureLocations, Regex};

use super::text_record::{finish_record, with_values, TextRecordSpec};
use super::{ColumnMap, DecodeError, EventMeta, EventOutput, LogType};

#[derive(Debug, Clone, Copy)]
pub struct RegexSpec {
    pub regex: &'static RegexPattern,
    /// The fields the pattern captures, each once: the record's columns (before `expandFields`).
    pub keys: &'static [&'static str],
    /// Which group fills which column, in the pattern's order.
    pub captures: &'static [RegexCapture],
    pub text: TextRecordSpec,
}

#[derive(Debug, Clone, Copy)]
pub struct RegexCapture {
    /// The group's index in the compiled regex.
    pub group: usize,
    /// Index into `RegexSpec::keys`. A column captured by two groups (in two alternatives) takes
    /// the first that matched.
    pub column: usize,
}

/// A regex written by the generator, compiled on first use and kept for the process.
#[derive(Debug)]
pub struct RegexPattern {
    pub pattern: &'static str,
    compiled: OnceLock<Result<Regex, String>>,
}

impl RegexPattern {
    pub const fn new(pattern: &'static str) -> Self {
        RegexPattern {
            pattern,
            compiled: OnceLock::new(),
        }
    }

    /// The compiled regex. The generator compiled it already, so an error here means a
    /// different `regex` version; it rejects the records rather than panicking.
    pub fn get(&self) -> Result<&Regex, DecodeError> {
        self.compiled
            .get_or_init(|| Regex::new(self.pattern).map_err(|error| error.to_string()))
            .as_ref()
            .map_err(|error| DecodeError::record(format!("the parser's regex is invalid: {error}")))
    }
}

thread_local! {
    /// The group positions of the last regex used on this thread, reused from line to line so
    /// that matching allocates nothing (keyed by the pattern's address).
    static LOCATIONS: RefCell<Option<(usize, CaptureLocations)>> = const { RefCell::new(None) };
}

/// Searches `line` for the pattern and decodes the record; a line it is not found in is
/// rejected.
pub fn parse_regex(
    log_type: &LogType,
    spec: &RegexSpec,
    line: &str,
    columns: &ColumnMap,
    meta: &EventMeta<'_>,
    out: &mut dyn EventOutput,
) -> Result<(), DecodeError> {
    let regex = spec.regex.get()?;
    let count = spec.keys.len() + spec.text.expand_fields.len();
    with_values(count, |values: &mut [Option<Cow<'_, str>>]| {
        if !capture_values(regex, spec, line, values) {
            return Err(DecodeError::record("the line does not match the pattern"));
        }
        finish_record(log_type, &spec.text, values, columns, meta, out)
    })
}

/// Fills `values` (by column) when `regex` matches `line`.
fn capture_values<'l>(
    regex: &Regex,
    spec: &RegexSpec,
    line: &'l str,
    values: &mut [Option<Cow<'l, str>>],
) -> bool {
    let key = std::ptr::from_ref(spec.regex) as usize;
    LOCATIONS.with(|cell| {
        let mut cached = cell.borrow_mut();
        let locations = match &mut *cached {
            Some((cached_key, locations)) if *cached_key == key => locations,
            slot => &mut slot.insert((key, regex.capture_locations())).1,
        };
        if regex.captures_read(locations, line).is_none() {
            return false;
        }
        for capture in spec.captures {
            let Some(slot) = values.get_mut(capture.column) else {
                continue;
            };
            if slot.is_some() {
                continue;
            }
            if let Some((start, end)) = locations.get(capture.group) {
                *slot = line.get(start..end).map(Cow::Borrowed);
            }
        }
        true
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::text_record::TextRecordSpec;

    static ALTERNATIVES: RegexPattern =
        RegexPattern::new(r"^(?:user (?P<a>\w+)|uid (?P<b>\d+)) from (?P<c>\S+)$");

    fn spec() -> RegexSpec {
        RegexSpec {
            regex: &ALTERNATIVES,
            keys: &["user", "from"],
            captures: &[
                RegexCapture {
                    group: 1,
                    column: 0,
                },
                RegexCapture {
                    group: 2,
                    column: 0,
                },
                RegexCapture {
                    group: 3,
                    column: 1,
                },
            ],
            text: TextRecordSpec {
                skip_lines: 0,
                skip_prefix: None,
                trim_space: false,
                empty_values: &[],
                expand_fields: &[],
            },
        }
    }

    fn captured(line: &str) -> Option<Vec<Option<String>>> {
        let regex = ALTERNATIVES.get().unwrap();
        let mut values = vec![None; 2];
        capture_values(regex, &spec(), line, &mut values).then(|| {
            values
                .into_iter()
                .map(|value| value.map(Cow::into_owned))
                .collect()
        })
    }

    #[test]
    fn a_column_takes_the_group_that_matched() {
        assert_eq!(
            captured("user alice from 10.0.0.1"),
            Some(vec![Some("alice".into()), Some("10.0.0.1".into())])
        );
        assert_eq!(
            captured("uid 1000 from host"),
            Some(vec![Some("1000".into()), Some("host".into())])
        );
        assert_eq!(captured("user alice"), None);
    }

    #[test]
    fn a_pattern_that_does_not_compile_is_an_error_not_a_panic() {
        static BROKEN: RegexPattern = RegexPattern::new("(unclosed");
        assert!(BROKEN.get().is_err());
        assert!(BROKEN.get().is_err());
    }
}
