//! What the sample values of a key agree on: a time format, and indicator kinds. A guess holds
//! only while every value fits it; one value that does not rules it out.

use std::net::IpAddr;

use crate::runtime::time::{parse_with_format, TimeInput};
use crate::runtime::TimeFormat;

/// Text time formats tried, most specific first: the first one every value reads as is chosen.
/// The runtime's own parser decides, so a guess is exactly what the schema will accept.
const TEXT_FORMATS: &[&str] = &[
    "rfc3339",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%d/%b/%Y:%H:%M:%S %z",
    "%Y/%m/%d %H:%M:%S",
    "%a %b %e %H:%M:%S %Y",
];

/// A `timeFormat` value of `TEXT_FORMATS` as the runtime takes it.
fn text_format(name: &'static str) -> TimeFormat {
    match name {
        "rfc3339" => TimeFormat::Rfc3339,
        strftime => TimeFormat::Strftime(strftime),
    }
}

/// Unix time units, with the range of values that are times between 2000 and 2100 in them.
const UNIX_UNITS: &[(&str, f64, f64)] = &[
    ("unix", 946_684_800.0, 4_102_444_800.0),
    ("unix_ms", 946_684_800e3, 4_102_444_800e3),
    ("unix_us", 946_684_800e6, 4_102_444_800e6),
    ("unix_ns", 946_684_800e9, 4_102_444_800e9),
];

/// The time formats every value so far reads as (`None` before the first value).
#[derive(Debug, Default, Clone)]
pub struct TimeGuess {
    text: Option<Vec<&'static str>>,
    unix: Option<Vec<&'static str>>,
}

impl TimeGuess {
    pub fn add_text(&mut self, text: &str) {
        let candidates = self.text.get_or_insert_with(|| TEXT_FORMATS.to_vec());
        candidates
            .retain(|name| parse_with_format(TimeInput::Text(text), text_format(name)).is_some());
    }

    /// A number is a Unix time only under a name that says time (`time`, `ts`, `createdAt`,
    /// `start`, ...): counts and sizes fall in the same ranges.
    pub fn add_number(&mut self, value: Option<f64>, name: &str) {
        let candidates = self
            .unix
            .get_or_insert_with(|| UNIX_UNITS.iter().map(|(name, ..)| *name).collect());
        let Some(value) = value.filter(|_| names_a_time(name)) else {
            candidates.clear();
            return;
        };
        candidates.retain(|unit| {
            UNIX_UNITS
                .iter()
                .any(|(name, low, high)| name == unit && (*low..*high).contains(&value))
        });
    }

    /// The format of a key whose values were all strings.
    pub fn text_format(&self) -> Option<&'static str> {
        self.text.as_ref()?.first().copied()
    }

    /// The format of a key whose values were all numbers.
    pub fn unix_format(&self) -> Option<&'static str> {
        self.unix.as_ref()?.first().copied()
    }
}

fn names_a_time(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "time",
        "date",
        "ts",
        "timestamp",
        "start",
        "end",
        "created",
        "updated",
        "expire",
    ]
    .iter()
    .any(|word| lower == *word || lower.ends_with(word) || lower.starts_with(word))
        || name.ends_with("At")
        || lower.ends_with("_at")
}

/// The indicator kinds every non-empty value so far matches.
#[derive(Debug, Default, Clone)]
pub struct IndicatorGuess {
    kinds: Option<Vec<&'static str>>,
}

const KINDS: &[&str] = &[
    "ip",
    "aws_arn",
    "url",
    "email",
    "aws_account_id",
    "md5",
    "sha1",
    "sha256",
    "domain",
];

impl IndicatorGuess {
    pub fn add(&mut self, text: &str, name: &str) {
        if text.is_empty() || text == "-" {
            return;
        }
        let kinds = self.kinds.get_or_insert_with(|| KINDS.to_vec());
        kinds.retain(|kind| matches_kind(kind, text, name));
    }

    /// The kinds, at most one: the first of `KINDS` that every value matched.
    pub fn kinds(&self) -> Vec<&'static str> {
        self.kinds
            .as_ref()
            .and_then(|kinds| kinds.first())
            .map(|kind| vec![*kind])
            .unwrap_or_default()
    }
}

fn matches_kind(kind: &str, text: &str, name: &str) -> bool {
    let lower_name = name.to_ascii_lowercase();
    let is_hex =
        |length: usize| text.len() == length && text.bytes().all(|b| b.is_ascii_hexdigit());
    match kind {
        "ip" => text.parse::<IpAddr>().is_ok(),
        "aws_arn" => text.starts_with("arn:") && text.matches(':').count() >= 5,
        "url" => {
            (text.starts_with("http://") || text.starts_with("https://"))
                && !text.contains(char::is_whitespace)
        }
        "email" => text.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && is_host_name(domain) && !text.contains(char::is_whitespace)
        }),
        "aws_account_id" => {
            lower_name.contains("account")
                && text.len() == 12
                && text.bytes().all(|b| b.is_ascii_digit())
        }
        "md5" => is_hex(32),
        "sha1" => is_hex(40),
        "sha256" => is_hex(64),
        // Many strings have a domain's shape (file names, versions): only under a name that
        // says host or domain.
        "domain" => {
            ["host", "domain", "fqdn", "dns", "query", "server"]
                .iter()
                .any(|word| lower_name.contains(word))
                && is_host_name(text)
        }
        _ => false,
    }
}

/// Two or more dot-separated labels of letters, digits, `-` and `_`, the last letters only.
fn is_host_name(text: &str) -> bool {
    let text = text.strip_suffix('.').unwrap_or(text);
    let labels: Vec<&str> = text.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        && labels
            .last()
            .is_some_and(|last| last.len() >= 2 && last.bytes().all(|b| b.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_formats_are_those_every_value_reads_as() {
        let mut guess = TimeGuess::default();
        guess.add_text("2024-03-01T09:30:00Z");
        guess.add_text("2024-03-01T09:30:00.123+01:00");
        assert_eq!(guess.text_format(), Some("rfc3339"));
        guess.add_text("2024-03-01 09:30:00");
        assert_eq!(guess.text_format(), None);

        let mut apache = TimeGuess::default();
        apache.add_text("10/Oct/2000:13:55:36 -0700");
        assert_eq!(apache.text_format(), Some("%d/%b/%Y:%H:%M:%S %z"));
    }

    #[test]
    fn numbers_are_unix_times_only_under_a_time_name() {
        let mut seconds = TimeGuess::default();
        seconds.add_number(Some(1_418_530_010.0), "start");
        assert_eq!(seconds.unix_format(), Some("unix"));
        let mut millis = TimeGuess::default();
        millis.add_number(Some(1_610_452_695_501.0), "createdAt");
        assert_eq!(millis.unix_format(), Some("unix_ms"));
        let mut bytes = TimeGuess::default();
        bytes.add_number(Some(1_418_530_010.0), "bytes");
        assert_eq!(bytes.unix_format(), None);
    }

    #[test]
    fn indicators_hold_for_every_value() {
        let mut ips = IndicatorGuess::default();
        ips.add("10.0.0.1", "srcaddr");
        ips.add("2001:db8::1", "srcaddr");
        ips.add("-", "srcaddr");
        assert_eq!(ips.kinds(), ["ip"]);
        ips.add("localhost", "srcaddr");
        assert!(ips.kinds().is_empty());

        let mut names = IndicatorGuess::default();
        names.add("example.com.", "query_name");
        assert_eq!(names.kinds(), ["domain"]);
        let mut files = IndicatorGuess::default();
        files.add("user-data.sh", "file");
        assert!(
            files.kinds().is_empty(),
            "a domain's shape alone is not enough"
        );

        let mut accounts = IndicatorGuess::default();
        accounts.add("123456789012", "account_id");
        assert_eq!(accounts.kinds(), ["aws_account_id"]);
    }
}
