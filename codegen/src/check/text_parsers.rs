//! The checks of Panther's text parsers (`fastmatch`, `csv`) and of the steps they share
//! (`skipLines`, `skipPrefix`, `emptyValues`, `trimSpace`, `expandFields`). Patterns and
//! templates are compiled here, once, into the IR's segment lists.

use std::collections::{BTreeMap, HashSet};

use super::Checker;
use crate::ir;
use crate::positions::{child, item};
use crate::raw;

/// A `%{...}` pattern or template split at its placeholders.
struct Placeholders<'t> {
    /// The text before the first placeholder.
    prefix: &'t str,
    /// Each placeholder's name (trimmed) and the text after it, up to the next placeholder.
    parts: Vec<(&'t str, &'t str)>,
}

/// Splits `text` at every `%{name}`; a `%` not followed by `{` is plain text.
fn split_placeholders(text: &str) -> Result<Placeholders<'_>, String> {
    let mut rest = text;
    let mut prefix = None;
    let mut parts: Vec<(&str, &str)> = Vec::new();
    let mut pending_name: Option<&str> = None;
    loop {
        let Some(open) = rest.find("%{") else {
            let literal = rest;
            match pending_name.take() {
                Some(name) => parts.push((name, literal)),
                None => prefix = prefix.or(Some(literal)),
            }
            break;
        };
        let literal = &rest[..open];
        match pending_name.take() {
            Some(name) => parts.push((name, literal)),
            None => prefix = Some(literal),
        }
        let after_open = &rest[open + 2..];
        let Some(close) = after_open.find('}') else {
            return Err(format!(
                "unclosed placeholder `{}` (a placeholder is `%{{name}}`)",
                &rest[open..]
            ));
        };
        pending_name = Some(after_open[..close].trim());
        rest = &after_open[close + 1..];
    }
    Ok(Placeholders {
        prefix: prefix.unwrap_or_default(),
        parts,
    })
}

/// The quote character that ends `before` and starts `after`, if both have the same one.
fn enclosing_quote(before: &str, after: &str) -> Option<char> {
    let last = before.chars().next_back()?;
    let first = after.chars().next()?;
    (last == first && (last == '"' || last == '\'')).then_some(last)
}

/// Whether some top-level field reads `key` (its name, an alias or an earlier name).
pub(super) fn field_reads(fields: &[raw::Field], key: &str) -> bool {
    fields.iter().any(|field| {
        field.name == key
            || field.aliases.iter().any(|alias| alias == key)
            || field
                .renamed_from
                .as_ref()
                .is_some_and(|old| old.0.iter().any(|name| name == key))
    })
}

/// The options every text parser shares, as written.
pub(super) struct RawOptions<'r> {
    pub skip_lines: u64,
    pub skip_prefix: Option<&'r String>,
    pub trim_space: bool,
    pub empty_values: &'r [String],
    pub expand_fields: &'r BTreeMap<String, String>,
}

impl Checker<'_> {
    pub(super) fn check_fastmatch(
        &mut self,
        fastmatch: &raw::FastMatch,
        fields: &[raw::Field],
    ) -> ir::Parser {
        let path = "parser.fastmatch";
        let match_path = child(path, "match");
        let mut keys: Vec<String> = Vec::new();
        let mut patterns = Vec::new();
        match fastmatch.patterns.as_deref() {
            None => self.error(
                self.key_location(path),
                "the fastmatch parser needs `match` (a list of patterns like '%{ip} %{user}')",
            ),
            Some([]) => self.error(
                self.key_location(&match_path),
                "`match` is empty (at least one pattern is needed)",
            ),
            Some(texts) => {
                for (index, text) in texts.iter().enumerate() {
                    let at = item(&match_path, index);
                    if let Some(pattern) = self.compile_pattern(&at, text, fields, &mut keys) {
                        patterns.push(pattern);
                    }
                }
            }
        }
        let options = self.check_text_options(
            path,
            RawOptions {
                skip_lines: fastmatch.skip_lines,
                skip_prefix: fastmatch.skip_prefix.as_ref(),
                trim_space: fastmatch.trim_space,
                empty_values: &fastmatch.empty_values,
                expand_fields: &fastmatch.expand_fields,
            },
            Some(&keys),
            "captured by any pattern",
            fields,
        );
        self.mark_split_at_last(path, &fastmatch.split_at_last, &keys, &mut patterns);
        ir::Parser::FastMatch(ir::FastMatchParser {
            patterns,
            keys,
            options,
            location: self.key_location("parser"),
        })
    }

    /// `splitAtLast: [name, ...]`: each name is captured by a pattern, unquoted, with a value
    /// after it on the line (its delimiter may then occur in it: an IPv6 address before `:port`).
    fn mark_split_at_last(
        &mut self,
        path: &str,
        names: &[String],
        keys: &[String],
        patterns: &mut [ir::FastPattern],
    ) {
        let at = child(path, "splitAtLast");
        for (index, name) in names.iter().enumerate() {
            let Some(column) = keys.iter().position(|key| key == name) else {
                self.error(
                    self.value_location(&item(&at, index)),
                    format!("`splitAtLast` names {name:?}, which no pattern captures"),
                );
                continue;
            };
            for pattern in patterns.iter_mut() {
                let count = pattern.captures.len();
                for (position, capture) in pattern.captures.iter_mut().enumerate() {
                    if capture.column != Some(column) {
                        continue;
                    }
                    if capture.quote.is_some() || capture.until.is_empty() || position + 1 == count
                    {
                        self.error(
                            self.value_location(&item(&at, index)),
                            format!(
                                "`splitAtLast` applies to an unquoted value followed by another \
                                 (like %{{{name}}}:%{{port}}); {name:?} is quoted or last"
                            ),
                        );
                        return;
                    }
                    capture.at_last = true;
                }
            }
        }
    }

    /// One `match` pattern; its new names are added to `keys`. `None` after reporting a problem.
    fn compile_pattern(
        &mut self,
        at: &str,
        text: &str,
        fields: &[raw::Field],
        keys: &mut Vec<String>,
    ) -> Option<ir::FastPattern> {
        let location = self.value_location(at);
        let placeholders = match split_placeholders(text) {
            Ok(placeholders) => placeholders,
            Err(problem) => {
                self.error(location, format!("pattern '{text}': {problem}"));
                return None;
            }
        };
        if placeholders.parts.is_empty() {
            self.error(
                location,
                format!("pattern '{text}' has no placeholders (`%{{field}}` captures a value)"),
            );
            return None;
        }
        let mut ok = true;
        let last = placeholders.parts.len() - 1;
        let mut captures = Vec::new();
        let mut before = placeholders.prefix;
        for (index, (name, until)) in placeholders.parts.iter().enumerate() {
            if until.is_empty() && index < last {
                let next = placeholders.parts[index + 1].0;
                self.error(
                    location.clone(),
                    format!(
                        "pattern '{text}': `%{{{name}}}` and `%{{{next}}}` have no text between \
                         them (where would the first value end?)"
                    ),
                );
                ok = false;
            }
            let column = if name.is_empty() {
                None
            } else if !field_reads(fields, name) {
                self.error(
                    location.clone(),
                    format!(
                        "pattern '{text}': placeholder `%{{{name}}}` names no field (use `%{{}}` \
                         to skip a value)"
                    ),
                );
                ok = false;
                None
            } else {
                Some(match keys.iter().position(|key| key == name) {
                    Some(known) => known,
                    None => {
                        keys.push((*name).to_owned());
                        keys.len() - 1
                    }
                })
            };
            captures.push(ir::FastCapture {
                column,
                until: (*until).to_owned(),
                quote: enclosing_quote(before, until),
                at_last: false,
            });
            before = until;
        }
        ok.then(|| ir::FastPattern {
            prefix: placeholders.prefix.to_owned(),
            captures,
        })
    }

    pub(super) fn check_csv(&mut self, csv: &raw::Csv, fields: &[raw::Field]) -> ir::Parser {
        let path = "parser.csv";
        let delimiter = match csv.delimiter.as_deref() {
            None => ',',
            Some(text) => {
                let mut chars = text.chars();
                match (chars.next(), chars.next()) {
                    (Some(delimiter), None) if !matches!(delimiter, '"' | '\n' | '\r') => delimiter,
                    _ => {
                        self.error(
                            self.value_location(&child(path, "delimiter")),
                            format!(
                                "csv delimiter '{text}' must be exactly one character, not a \
                                 quote or a line end"
                            ),
                        );
                        ','
                    }
                }
            }
        };
        let columns = csv.columns.clone().unwrap_or_default();
        if !csv.has_header && columns.is_empty() {
            self.error(
                self.key_location(path),
                "the csv parser needs `columns` when the files have no header line \
                 (`hasHeader: true`)",
            );
        }
        let columns_path = child(path, "columns");
        let mut seen = HashSet::new();
        for (index, column) in columns.iter().enumerate() {
            if !column.is_empty() && !seen.insert(column.as_str()) {
                self.error(
                    self.value_location(&item(&columns_path, index)),
                    format!("duplicate column '{column}'"),
                );
            }
        }
        let known_keys = (!columns.is_empty()).then_some(&columns);
        let options = self.check_text_options(
            path,
            RawOptions {
                skip_lines: 0,
                skip_prefix: csv.skip_prefix.as_ref(),
                trim_space: csv.trim_space,
                empty_values: &csv.empty_values,
                expand_fields: &csv.expand_fields,
            },
            known_keys.map(Vec::as_slice),
            "one of `columns`",
            fields,
        );
        ir::Parser::Csv(ir::CsvParser {
            delimiter,
            has_header: csv.has_header,
            columns,
            options,
            location: self.key_location("parser"),
        })
    }

    /// The shared options. `keys`: the names the parser captures, when known at build time
    /// (`what_keys` says what they are, for messages); `expandFields` may only read those.
    pub(super) fn check_text_options(
        &mut self,
        path: &str,
        options: RawOptions,
        keys: Option<&[String]>,
        what_keys: &str,
        fields: &[raw::Field],
    ) -> ir::TextOptions {
        let skip_prefix = match options.skip_prefix {
            Some(prefix) if prefix.is_empty() => {
                self.error(
                    self.value_location(&child(path, "skipPrefix")),
                    "empty `skipPrefix` (it would skip every line)",
                );
                None
            }
            other => other.cloned(),
        };
        let expand_path = child(path, "expandFields");
        let mut expand_fields = Vec::new();
        for (name, template) in options.expand_fields {
            let at = child(&expand_path, name);
            if !field_reads(fields, name) {
                self.error(
                    self.key_location(&at),
                    format!("expandFields '{name}' names no field"),
                );
            }
            let placeholders = match split_placeholders(template) {
                Ok(placeholders) => placeholders,
                Err(problem) => {
                    self.error(
                        self.value_location(&at),
                        format!("expandFields '{name}': {problem}"),
                    );
                    continue;
                }
            };
            let mut parts = Vec::new();
            if !placeholders.prefix.is_empty() {
                parts.push(ir::TemplatePart::Text(placeholders.prefix.to_owned()));
            }
            for (key, text) in placeholders.parts {
                let known = keys.is_none_or(|keys| keys.iter().any(|known| known == key));
                if key.is_empty() || !known {
                    self.error(
                        self.value_location(&at),
                        format!("expandFields '{name}': `%{{{key}}}` is not {what_keys}"),
                    );
                }
                parts.push(ir::TemplatePart::Key(key.to_owned()));
                if !text.is_empty() {
                    parts.push(ir::TemplatePart::Text(text.to_owned()));
                }
            }
            expand_fields.push(ir::ExpandField {
                name: name.clone(),
                template: parts,
            });
        }
        ir::TextOptions {
            skip_lines: options.skip_lines,
            skip_prefix,
            trim_space: options.trim_space,
            empty_values: options.empty_values.to_vec(),
            expand_fields,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_split_the_text() {
        let split = split_placeholders("%{ip} - [%{ time }] \"%{req}\" 100%").unwrap();
        assert_eq!(split.prefix, "");
        assert_eq!(
            split.parts,
            vec![("ip", " - ["), ("time", "] \""), ("req", "\" 100%")]
        );
        let split = split_placeholders("at %{}").unwrap();
        assert_eq!((split.prefix, split.parts), ("at ", vec![("", "")]));
        assert!(split_placeholders("%{open").is_err());
        let none = split_placeholders("no fields").unwrap();
        assert_eq!((none.prefix, none.parts.len()), ("no fields", 0));
    }

    #[test]
    fn quotes_must_match_on_both_sides() {
        assert_eq!(enclosing_quote(" \"", "\" "), Some('"'));
        assert_eq!(enclosing_quote("'", "' x"), Some('\''));
        assert_eq!(enclosing_quote("\"", "' "), None);
        assert_eq!(enclosing_quote("", "\""), None);
        assert_eq!(enclosing_quote("[", "]"), None);
    }
}
