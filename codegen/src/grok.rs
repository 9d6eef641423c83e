//! Grok, as Panther's `regex` parser reads it: `%{NAME}` stands for a named pattern (one of
//! Logstash's, or a schema's `patternDefinitions`), `%{NAME:field}` also captures what it matches
//! into `field`. Expanded here, at build time, into one plain regex with a named group per
//! capture, so the runtime only compiles and runs that regex.

use std::collections::BTreeMap;

/// Logstash's grok patterns that Panther lists, rewritten for RE2 semantics (the `regex` crate):
/// no atomic groups, look-around or back references, and no groups that capture.
const BUILT_IN: &[(&str, &str)] = &[
    ("DATA", r".*?"),
    ("GREEDYDATA", r".*"),
    ("NOTSPACE", r"\S+"),
    ("SPACE", r"\s*"),
    ("WORD", r"\b\w+\b"),
    (
        "QUOTEDSTRING",
        r#"(?:"(?:\\.|[^\\"])*"|'(?:\\.|[^\\'])*'|`(?:\\.|[^\\`])*`)"#,
    ),
    ("QS", r"%{QUOTEDSTRING}"),
    ("HEXDIGIT", r"[0-9A-Fa-f]+"),
    (
        "UUID",
        r"[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}",
    ),
    ("INT", r"(?:[+-]?(?:[0-9]+))"),
    ("BASE10NUM", r"(?:[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+))"),
    ("NUMBER", r"(?:%{BASE10NUM})"),
    ("BASE16NUM", r"(?:[+-]?(?:0x)?[0-9A-Fa-f]+)"),
    ("POSINT", r"\b(?:[1-9][0-9]*)\b"),
    ("NONNEGINT", r"\b(?:[0-9]+)\b"),
    ("CISCOMAC", r"(?:(?:[A-Fa-f0-9]{4}\.){2}[A-Fa-f0-9]{4})"),
    ("WINDOWSMAC", r"(?:(?:[A-Fa-f0-9]{2}-){5}[A-Fa-f0-9]{2})"),
    ("COMMONMAC", r"(?:(?:[A-Fa-f0-9]{2}:){5}[A-Fa-f0-9]{2})"),
    ("MAC", r"(?:%{CISCOMAC}|%{WINDOWSMAC}|%{COMMONMAC})"),
    (
        "IPV6",
        r"(?:(?:(?:[0-9A-Fa-f]{1,4}:){7}(?:[0-9A-Fa-f]{1,4}|:))|(?:(?:[0-9A-Fa-f]{1,4}:){6}(?::[0-9A-Fa-f]{1,4}|(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})|:))|(?:(?:[0-9A-Fa-f]{1,4}:){5}(?:(?:(?::[0-9A-Fa-f]{1,4}){1,2})|:(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})|:))|(?:(?:[0-9A-Fa-f]{1,4}:){4}(?:(?:(?::[0-9A-Fa-f]{1,4}){1,3})|(?:(?::[0-9A-Fa-f]{1,4})?:(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(?:(?:[0-9A-Fa-f]{1,4}:){3}(?:(?:(?::[0-9A-Fa-f]{1,4}){1,4})|(?:(?::[0-9A-Fa-f]{1,4}){0,2}:(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(?:(?:[0-9A-Fa-f]{1,4}:){2}(?:(?:(?::[0-9A-Fa-f]{1,4}){1,5})|(?:(?::[0-9A-Fa-f]{1,4}){0,3}:(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(?:(?:[0-9A-Fa-f]{1,4}:){1}(?:(?:(?::[0-9A-Fa-f]{1,4}){1,6})|(?:(?::[0-9A-Fa-f]{1,4}){0,4}:(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(?::(?:(?:(?::[0-9A-Fa-f]{1,4}){1,7})|(?:(?::[0-9A-Fa-f]{1,4}){0,5}:(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:)))(?:%.+)?",
    ),
    (
        "IPV4",
        r"(?:(?:25[0-5]|2[0-4][0-9]|[0-1]?[0-9]{1,2})\.(?:25[0-5]|2[0-4][0-9]|[0-1]?[0-9]{1,2})\.(?:25[0-5]|2[0-4][0-9]|[0-1]?[0-9]{1,2})\.(?:25[0-5]|2[0-4][0-9]|[0-1]?[0-9]{1,2}))",
    ),
    ("IP", r"(?:%{IPV6}|%{IPV4})"),
    (
        "HOSTNAME",
        r"\b(?:[0-9A-Za-z][0-9A-Za-z-]{0,62})(?:\.(?:[0-9A-Za-z][0-9A-Za-z-]{0,62}))*(?:\.?|\b)",
    ),
    ("HOST", r"%{HOSTNAME}"),
    ("IPORHOST", r"(?:%{IP}|%{HOSTNAME})"),
    ("HOSTPORT", r"%{IPORHOST}:%{POSINT}"),
    ("USERNAME", r"[a-zA-Z0-9._-]+"),
    ("USER", r"%{USERNAME}"),
    ("UNIXPATH", r"(?:/[\w_%!$@:.,+~-]*)+"),
    ("WINPATH", r"(?:[A-Za-z]+:|\\)(?:\\[^\\?*]*)+"),
    ("PATH", r"(?:%{UNIXPATH}|%{WINPATH})"),
    ("TTY", r"(?:/dev/(?:pts|tty(?:[pq])?)(?:\w+)?/?(?:[0-9]+))"),
    ("URIPROTO", r"[A-Za-z](?:[A-Za-z0-9+\-.]+)+"),
    ("URIHOST", r"%{IPORHOST}(?::%{POSINT})?"),
    ("URIPATH", r"(?:/[A-Za-z0-9$.+!*'(){},~:;=@#%&_\-]*)+"),
    ("URIPARAM", r"\?[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\-\[\]<>]*"),
    ("URIPATHPARAM", r"%{URIPATH}(?:%{URIPARAM})?"),
    (
        "URI",
        r"%{URIPROTO}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST})?(?:%{URIPATHPARAM})?",
    ),
    (
        "MONTH",
        r"\b(?:[Jj]an(?:uary|uar)?|[Ff]eb(?:ruary|ruar)?|[Mm](?:a|ä)?r(?:ch|z)?|[Aa]pr(?:il)?|[Mm]a(?:y|i)?|[Jj]un(?:e|i)?|[Jj]ul(?:y|i)?|[Aa]ug(?:ust)?|[Ss]ep(?:tember)?|[Oo](?:c|k)?t(?:ober)?|[Nn]ov(?:ember)?|[Dd]e(?:c|z)(?:ember)?)\b",
    ),
    ("MONTHNUM", r"(?:0?[1-9]|1[0-2])"),
    ("MONTHNUM2", r"(?:0[1-9]|1[0-2])"),
    ("MONTHDAY", r"(?:(?:0[1-9])|(?:[12][0-9])|(?:3[01])|[1-9])"),
    (
        "DAY",
        r"(?:Mon(?:day)?|Tue(?:sday)?|Wed(?:nesday)?|Thu(?:rsday)?|Fri(?:day)?|Sat(?:urday)?|Sun(?:day)?)",
    ),
    ("YEAR", r"(?:\d\d){1,2}"),
    ("HOUR", r"(?:2[0123]|[01]?[0-9])"),
    ("MINUTE", r"(?:[0-5][0-9])"),
    ("SECOND", r"(?:(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?)"),
    ("TIME", r"%{HOUR}:%{MINUTE}(?::%{SECOND})"),
    ("DATE_US", r"%{MONTHNUM}[/-]%{MONTHDAY}[/-]%{YEAR}"),
    ("DATE_EU", r"%{MONTHDAY}[./-]%{MONTHNUM}[./-]%{YEAR}"),
    ("ISO8601_TIMEZONE", r"(?:Z|[+-]%{HOUR}(?::?%{MINUTE}))"),
    ("ISO8601_SECOND", r"%{SECOND}"),
    (
        "TIMESTAMP_ISO8601",
        r"%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:?%{MINUTE}(?::?%{SECOND})?%{ISO8601_TIMEZONE}?",
    ),
    ("DATE", r"(?:%{DATE_US}|%{DATE_EU})"),
    ("DATESTAMP", r"%{DATE}[- ]%{TIME}"),
    ("TZ", r"(?:[APMCE][SD]T|UTC)"),
    ("SYSLOGTIMESTAMP", r"%{MONTH} +%{MONTHDAY} %{TIME}"),
    ("HTTPDATE", r"%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME} %{INT}"),
    ("PID", r"%{POSINT}"),
];

/// Where a piece of grok text was written: a `match` item or a pattern definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    Match(usize),
    Definition(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GrokError {
    pub source: Source,
    pub message: String,
}

/// `%{NAME:field}`: the regex group `group` captures `field`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Capture {
    pub group: String,
    pub field: String,
    /// The reference as written, for messages: `%{WORD:user}`.
    pub reference: String,
    pub source: Source,
}

#[derive(Debug, Default)]
pub(crate) struct Expanded {
    pub pattern: String,
    pub captures: Vec<Capture>,
}

/// A grok pattern that expands past this is an error rather than a build that crawls
/// (definitions that each use the next twice grow exponentially).
const MAX_EXPANDED_BYTES: usize = 1 << 20;

/// Whether `name` is a valid pattern name (Panther's rule `^[A-Z][A-Z0-9_]*$`).
pub(crate) fn is_pattern_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|first| first.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The regex group that captures the `index`th `%{NAME:field}`.
fn group_name(index: usize) -> String {
    format!("grok_{index}")
}

/// Concatenates `items` and expands their grok references; every problem found is returned.
pub(crate) fn expand(
    items: &[String],
    definitions: &BTreeMap<String, String>,
) -> Result<Expanded, Vec<GrokError>> {
    let mut expander = Expander {
        definitions,
        stack: Vec::new(),
        expanded: Expanded::default(),
        errors: Vec::new(),
    };
    for (index, item) in items.iter().enumerate() {
        expander.expand_text(item, &Source::Match(index));
        if expander.expanded.pattern.len() > MAX_EXPANDED_BYTES {
            break;
        }
    }
    if expander.errors.is_empty() {
        Ok(expander.expanded)
    } else {
        Err(expander.errors)
    }
}

struct Expander<'d> {
    definitions: &'d BTreeMap<String, String>,
    /// The user definitions being expanded, outermost first (for cycles).
    stack: Vec<String>,
    expanded: Expanded,
    errors: Vec<GrokError>,
}

impl Expander<'_> {
    fn error(&mut self, source: &Source, message: String) {
        let error = GrokError {
            source: source.clone(),
            message,
        };
        if !self.errors.contains(&error) {
            self.errors.push(error);
        }
    }

    fn expand_text(&mut self, text: &str, source: &Source) {
        let mut rest = text;
        while let Some(open) = rest.find("%{") {
            self.expanded.pattern.push_str(&rest[..open]);
            let after_open = &rest[open + 2..];
            let Some(close) = after_open.find('}') else {
                self.error(
                    source,
                    format!(
                        "unclosed grok reference `{}` (write `%{{NAME}}` or `%{{NAME:field}}`)",
                        &rest[open..]
                    ),
                );
                return;
            };
            self.expand_reference(&after_open[..close], source);
            if self.expanded.pattern.len() > MAX_EXPANDED_BYTES {
                self.error(
                    source,
                    format!(
                        "the pattern expands to more than {MAX_EXPANDED_BYTES} bytes of regex \
                         (definitions that use each other many times)"
                    ),
                );
                return;
            }
            rest = &after_open[close + 1..];
        }
        self.expanded.pattern.push_str(rest);
    }

    /// `reference`: what is between `%{` and `}`.
    fn expand_reference(&mut self, reference: &str, source: &Source) {
        let mut parts = reference.splitn(3, ':');
        let name = parts.next().unwrap_or_default().trim();
        let field = parts.next().map(str::trim);
        if parts.next().is_some() {
            self.error(
                source,
                format!(
                    "`%{{{reference}}}`: a type after the field name is not supported (the \
                     field's `type` decodes the value)"
                ),
            );
            return;
        }
        if field == Some("") {
            self.error(source, format!("`%{{{reference}}}`: empty field name"));
            return;
        }
        let (text, definition_source) = if let Some(text) = self.definitions.get(name) {
            (text.as_str(), Some(Source::Definition(name.to_owned())))
        } else if let Some((_, text)) = BUILT_IN.iter().find(|(known, _)| *known == name) {
            (*text, None)
        } else {
            self.error(
                source,
                format!(
                    "unknown grok pattern `{name}` in `%{{{reference}}}` (neither built in nor \
                     in `patternDefinitions`)"
                ),
            );
            return;
        };
        if self.stack.iter().any(|open| open == name) {
            let mut cycle = self.stack.clone();
            cycle.push(name.to_owned());
            let start = cycle.iter().position(|open| open == name).unwrap_or(0);
            self.error(
                source,
                format!(
                    "pattern definition cycle: {}",
                    cycle[start..]
                        .iter()
                        .map(|name| format!("%{{{name}}}"))
                        .collect::<Vec<_>>()
                        .join(" -> ")
                ),
            );
            return;
        }
        match field {
            Some(field) => {
                let group = group_name(self.expanded.captures.len());
                self.expanded.pattern.push_str(&format!("(?P<{group}>"));
                self.expanded.captures.push(Capture {
                    group,
                    field: field.to_owned(),
                    reference: format!("%{{{reference}}}"),
                    source: source.clone(),
                });
            }
            None => self.expanded.pattern.push_str("(?:"),
        }
        match definition_source {
            Some(inner) => {
                self.stack.push(name.to_owned());
                self.expand_text(text, &inner);
                self.stack.pop();
            }
            // Built-in patterns are ours, never in a cycle and never capturing.
            None => self.expand_text(text, source),
        }
        self.expanded.pattern.push(')');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand_one(text: &str) -> Result<Expanded, Vec<GrokError>> {
        expand(&[text.to_owned()], &BTreeMap::new())
    }

    fn full_match(grok: &str, text: &str) -> bool {
        let expanded = expand_one(grok).unwrap();
        regex::Regex::new(&format!("^(?:{})$", expanded.pattern))
            .unwrap()
            .is_match(text)
    }

    #[test]
    fn every_built_in_pattern_compiles_without_capturing() {
        for (name, _) in BUILT_IN {
            let expanded = expand_one(&format!("%{{{name}}}")).unwrap();
            let regex = regex::Regex::new(&expanded.pattern)
                .unwrap_or_else(|error| panic!("{name}: {error}"));
            assert_eq!(regex.captures_len(), 1, "{name} has a capturing group");
        }
    }

    #[test]
    fn built_in_patterns_match_what_their_names_say() {
        let cases = [
            ("IPV4", "192.0.2.1", true),
            ("IPV4", "256.0.0.1", false),
            ("IPV6", "2001:db8::1", true),
            ("IPV6", "::ffff:192.0.2.1", true),
            ("IP", "fe80::1%eth0", true),
            ("IPORHOST", "www.example.com", true),
            ("HOSTPORT", "example.com:8080", true),
            ("HTTPDATE", "10/Oct/2000:13:55:36 -0700", true),
            ("SYSLOGTIMESTAMP", "Feb  5 17:32:18", true),
            ("TIMESTAMP_ISO8601", "2026-12-02T08:15:00.123Z", true),
            ("TIMESTAMP_ISO8601", "2026-12-02 08:15:00+01:00", true),
            ("QS", r#""a \"quoted\" value""#, true),
            ("QS", "'single'", true),
            ("QS", r#""unclosed"#, false),
            ("UUID", "123e4567-e89b-12d3-a456-426614174000", true),
            ("MAC", "00:1a:2b:3c:4d:5e", true),
            ("MAC", "001a.2b3c.4d5e", true),
            ("NUMBER", "-12.5", true),
            ("BASE16NUM", "0x1F", true),
            ("POSINT", "0", false),
            ("NONNEGINT", "0", true),
            ("URI", "https://user@example.com:8443/a/b?c=d", true),
            ("URIPATHPARAM", "/apache_pb.gif?x=1", true),
            ("PATH", "/var/log/messages", true),
            ("PATH", r"C:\Windows\System32", true),
            ("TTY", "/dev/pts/0", true),
            ("DATESTAMP", "12/02/2026 08:15:00", true),
            ("TZ", "PST", true),
            ("DAY", "Wednesday", true),
            ("WORD", "sshd", true),
            ("NOTSPACE", "a b", false),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(
                full_match(&format!("%{{{pattern}}}"), text),
                expected,
                "%{{{pattern}}} on {text:?}"
            );
        }
    }

    #[test]
    fn captures_become_named_groups_in_order() {
        let items = [
            "%{IPV4:ip} ".to_owned(),
            "%{WORD:user}%{GREEDYDATA}".to_owned(),
        ];
        let expanded = expand(&items, &BTreeMap::new()).unwrap();
        let fields: Vec<_> = expanded
            .captures
            .iter()
            .map(|capture| (capture.group.as_str(), capture.field.as_str()))
            .collect();
        assert_eq!(fields, [("grok_0", "ip"), ("grok_1", "user")]);
        let regex = regex::Regex::new(&expanded.pattern).unwrap();
        let captures = regex.captures("10.0.0.1 alice and more").unwrap();
        assert_eq!(&captures["grok_0"], "10.0.0.1");
        assert_eq!(&captures["grok_1"], "alice");
    }

    #[test]
    fn definitions_expand_and_may_capture() {
        let definitions = BTreeMap::from([
            ("PROG".to_owned(), r"[\w./-]+".to_owned()),
            (
                "TAG".to_owned(),
                r"%{PROG:program}(?:\[%{PID:pid}\])?".to_owned(),
            ),
            // A definition overrides a built-in pattern of the same name.
            ("WORD".to_owned(), "[a-z]+".to_owned()),
        ]);
        let expanded = expand(&["%{TAG}: %{WORD:word}".to_owned()], &definitions).unwrap();
        let regex = regex::Regex::new(&expanded.pattern).unwrap();
        let captures = regex.captures("sshd[42]: hello").unwrap();
        assert_eq!(&captures["grok_0"], "sshd");
        assert_eq!(&captures["grok_1"], "42");
        assert_eq!(&captures["grok_2"], "hello");
        assert_eq!(
            expanded.captures[0].source,
            Source::Definition("TAG".into())
        );
        assert_eq!(expanded.captures[2].source, Source::Match(0));
    }

    #[test]
    fn mistakes_are_reported_where_they_were_written() {
        let definitions = BTreeMap::from([
            ("A".to_owned(), "%{B}".to_owned()),
            ("B".to_owned(), "x%{A}".to_owned()),
        ]);
        let errors = expand(
            &["%{A} %{NOPE:x} %{INT:n:int} %{WORD:} %{WORD".to_owned()],
            &definitions,
        )
        .unwrap_err();
        let messages: Vec<_> = errors
            .iter()
            .map(|error| (error.source.clone(), error.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [
                (
                    Source::Definition("B".into()),
                    "pattern definition cycle: %{A} -> %{B} -> %{A}"
                ),
                (
                    Source::Match(0),
                    "unknown grok pattern `NOPE` in `%{NOPE:x}` (neither built in nor in \
                     `patternDefinitions`)"
                ),
                (
                    Source::Match(0),
                    "`%{INT:n:int}`: a type after the field name is not supported (the field's \
                     `type` decodes the value)"
                ),
                (Source::Match(0), "`%{WORD:}`: empty field name"),
                (
                    Source::Match(0),
                    "unclosed grok reference `%{WORD` (write `%{NAME}` or `%{NAME:field}`)"
                ),
            ]
        );
    }

    #[test]
    fn exponential_definitions_stop_at_the_limit() {
        let mut definitions = BTreeMap::new();
        for level in 0..40 {
            definitions.insert(
                format!("L{level}"),
                format!("%{{L{}}}%{{L{}}}", level + 1, level + 1),
            );
        }
        definitions.insert("L40".to_owned(), "x".to_owned());
        let errors = expand(&["%{L0}".to_owned()], &definitions).unwrap_err();
        assert!(
            errors[0].message.contains("expands to more than"),
            "{errors:?}"
        );
    }

    #[test]
    fn pattern_names_follow_panthers_rule() {
        assert!(is_pattern_name("SYSLOG_PROG2"));
        assert!(!is_pattern_name("syslog"));
        assert!(!is_pattern_name("2X"));
        assert!(!is_pattern_name(""));
    }
}
