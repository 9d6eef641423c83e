//! The check of Panther's `regex` parser: its grok `match` is expanded (`crate::grok`) and the
//! result compiled here, so every mistake in it is a located schema error, never a runtime one.

use super::text_parsers::{field_reads, RawOptions};
use super::Checker;
use crate::grok::{self, Source};
use crate::ir;
use crate::positions::{child, item};
use crate::raw;

const PATH: &str = "parser.regex";

impl Checker<'_> {
    pub(super) fn check_regex(&mut self, regex: &raw::Regex, fields: &[raw::Field]) -> ir::Parser {
        let match_path = child(PATH, "match");
        let definitions_path = child(PATH, "patternDefinitions");
        for name in regex.pattern_definitions.keys() {
            if !grok::is_pattern_name(name) {
                self.error(
                    self.key_location(&child(&definitions_path, name)),
                    format!(
                        "pattern name '{name}' must be upper case letters, digits and `_`, \
                         starting with a letter (like SYSLOG_PROG)"
                    ),
                );
            }
        }
        let (pattern, keys, captures) = match regex.patterns.as_deref() {
            None => {
                self.error(
                    self.key_location(PATH),
                    "the regex parser needs `match` (a list of grok patterns, concatenated, like \
                     '%{IP:client} %{WORD:method}')",
                );
                (String::new(), Vec::new(), Vec::new())
            }
            Some([]) => {
                self.error(
                    self.key_location(&match_path),
                    "`match` is empty (at least one pattern is needed)",
                );
                (String::new(), Vec::new(), Vec::new())
            }
            Some(items) => self.compile_grok(items, regex, fields),
        };
        let options = self.check_text_options(
            PATH,
            RawOptions {
                skip_lines: regex.skip_lines,
                skip_prefix: regex.skip_prefix.as_ref(),
                trim_space: regex.trim_space,
                empty_values: &regex.empty_values,
                expand_fields: &regex.expand_fields,
            },
            Some(&keys),
            "captured by the pattern",
            fields,
        );
        ir::Parser::Regex(ir::RegexParser {
            pattern,
            keys,
            captures,
            options,
            location: self.key_location("parser"),
        })
    }

    /// The expanded regex, its columns and its groups; empty after reporting a problem.
    fn compile_grok(
        &mut self,
        items: &[String],
        regex: &raw::Regex,
        fields: &[raw::Field],
    ) -> (String, Vec<String>, Vec<ir::RegexCapture>) {
        let match_path = child(PATH, "match");
        let source_location = |checker: &Self, source: &Source| match source {
            Source::Match(index) => checker.value_location(&item(&match_path, *index)),
            Source::Definition(name) => {
                checker.value_location(&child(&child(PATH, "patternDefinitions"), name))
            }
        };
        let expanded = match grok::expand(items, &regex.pattern_definitions) {
            Ok(expanded) => expanded,
            Err(errors) => {
                for error in errors {
                    let location = source_location(self, &error.source);
                    self.error(location, error.message);
                }
                return Default::default();
            }
        };
        let mut ok = true;
        for capture in &expanded.captures {
            if !field_reads(fields, &capture.field) {
                let location = source_location(self, &capture.source);
                self.error(
                    location,
                    format!(
                        "`{}` captures into '{}', which names no field (`%{{PATTERN}}` matches \
                         without capturing)",
                        capture.reference, capture.field
                    ),
                );
                ok = false;
            }
        }
        if expanded.captures.is_empty() {
            self.error(
                self.key_location(&match_path),
                "the pattern captures nothing (`%{PATTERN:field}` captures a value into a field)",
            );
            ok = false;
        }
        let compiled = match regex::Regex::new(&expanded.pattern) {
            Ok(compiled) => compiled,
            Err(error) => {
                self.error(
                    self.key_location(&match_path),
                    format!(
                        "the pattern is not a valid regex once grok is expanded: {}",
                        error.to_string().replace('\n', " ")
                    ),
                );
                return Default::default();
            }
        };
        if !ok {
            return Default::default();
        }
        let mut keys: Vec<String> = Vec::new();
        let mut captures = Vec::new();
        for capture in &expanded.captures {
            let column = match keys.iter().position(|key| *key == capture.field) {
                Some(known) => known,
                None => {
                    keys.push(capture.field.clone());
                    keys.len() - 1
                }
            };
            let group = compiled
                .capture_names()
                .position(|name| name == Some(capture.group.as_str()));
            if let Some(group) = group {
                captures.push(ir::RegexCapture { group, column });
            }
        }
        (expanded.pattern, keys, captures)
    }
}
