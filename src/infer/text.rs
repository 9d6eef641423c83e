//! Drafting a `csv` schema from text lines: the delimiter, the column names and each value's
//! type, guessed from the first lines, then every line folded into the record shape.
//!
//! The first [`LAYOUT_LINES`] lines decide the layout (memory stays bounded by them, whatever
//! the input size):
//! - lines starting with `#` are comments (`skipPrefix: '#'`); a `#Fields: a b c` line among them
//!   (W3C extended log format, CloudFront) names the columns;
//! - the delimiter is the one of tab, `,`, `;`, `|` and space that splits every line into the
//!   same number of values (more than one), else the most values in the fewest-valued line;
//! - the first line is a header when every value of it is a name (a letter, then letters,
//!   digits, `-`, `_`, `.`) and the next line has a value that is a number; otherwise the
//!   columns are `column_1`, `column_2`, ...
//!
//! Values become JSON values for the shape: `-` and `""` absent, integers and decimals numbers
//! (not digit strings with a leading zero, or of 12 digits: AWS account ids stay text), `true`
//! and `false` booleans, anything else text.

use serde_json::{Map, Value};

use crate::runtime::csv;

/// Lines read before the layout is decided.
pub const LAYOUT_LINES: usize = 100;

const DELIMITERS: [char; 5] = ['\t', ',', ';', '|', ' '];

/// How the lines are laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextLayout {
    pub delimiter: char,
    /// Names from a header line: `hasHeader: true` in the schema.
    pub has_header: bool,
    /// Comment lines start with `#`.
    pub skip_hash: bool,
    pub columns: Vec<String>,
}

impl TextLayout {
    /// Decides the layout from the first lines (blank lines already left out).
    pub fn detect(first_lines: &[&str], delimiter: Option<char>) -> Option<TextLayout> {
        let fields_line = first_lines
            .iter()
            .find_map(|line| line.strip_prefix("#Fields:"));
        let skip_hash = first_lines.iter().any(|line| line.starts_with('#'));
        let data: Vec<&str> = first_lines
            .iter()
            .copied()
            .filter(|line| !line.starts_with('#'))
            .collect();
        let first = *data.first()?;
        let delimiter = delimiter.unwrap_or_else(|| choose_delimiter(&data));
        let mut has_header = false;
        let columns = if let Some(names) = fields_line {
            names.split_whitespace().map(String::from).collect()
        } else if looks_like_header(&data, delimiter) {
            has_header = true;
            csv::header_names(first, delimiter)
        } else {
            let widest = data
                .iter()
                .map(|line| values(line, delimiter).len())
                .max()
                .unwrap_or(1);
            (1..=widest)
                .map(|index| format!("column_{index}"))
                .collect()
        };
        Some(TextLayout {
            delimiter,
            has_header,
            skip_hash,
            columns,
        })
    }

    /// Whether `line` is not a record: a comment, or (the first data line) the header.
    pub fn skips(&self, line: &str) -> bool {
        self.skip_hash && line.starts_with('#')
    }

    /// One record's values as a JSON object, typed by their text.
    pub fn record(&self, line: &str) -> Map<String, Value> {
        let mut record = Map::new();
        for (name, text) in self.columns.iter().zip(values(line, self.delimiter)) {
            record.insert(name.clone(), typed(&text));
        }
        record
    }

    /// Which of [`EMPTY_VALUES`] the line holds.
    pub fn empty_markers(&self, line: &str) -> [bool; 2] {
        let values = values(line, self.delimiter);
        let has = |marker: &str| values.iter().any(|value| value == marker);
        [has(EMPTY_VALUES[0]), has(EMPTY_VALUES[1])]
    }

    /// The schema's `parser:` section.
    pub fn parser_yaml(&self, empty_values: &[&str]) -> String {
        let delimiter = match self.delimiter {
            '\t' => "\"\\t\"".to_string(),
            other => format!("'{other}'"),
        };
        let mut yaml = format!("parser:\n  csv:\n    delimiter: {delimiter}\n");
        if self.has_header {
            yaml.push_str("    hasHeader: true\n");
        } else {
            let names: Vec<String> = self.columns.iter().map(|name| quoted(name)).collect();
            yaml.push_str(&format!("    columns: [{}]\n", names.join(", ")));
        }
        if self.skip_hash {
            yaml.push_str("    skipPrefix: '#'\n");
        }
        if !empty_values.is_empty() {
            let values: Vec<String> = empty_values.iter().map(|value| quoted(value)).collect();
            yaml.push_str(&format!("    emptyValues: [{}]\n", values.join(", ")));
        }
        yaml
    }
}

/// The texts that stand for an absent value: `-` and `""`.
pub const EMPTY_VALUES: [&str; 2] = ["-", ""];

fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The values of a line, unquoted; an unterminated quote makes the rest of the line one value
/// (as for a header line).
fn values(line: &str, delimiter: char) -> Vec<String> {
    csv::header_names(line, delimiter)
}

/// The delimiter that gives every line the same count of values (more than one); else the one
/// whose fewest-valued line has the most.
fn choose_delimiter(lines: &[&str]) -> char {
    let counts = |delimiter: char| -> Vec<usize> {
        lines
            .iter()
            .map(|line| values(line, delimiter).len())
            .collect()
    };
    let consistent = DELIMITERS.iter().copied().find(|&delimiter| {
        let counts = counts(delimiter);
        counts[0] > 1 && counts.iter().all(|&count| count == counts[0])
    });
    consistent.unwrap_or_else(|| {
        DELIMITERS
            .iter()
            .copied()
            .max_by_key(|&delimiter| counts(delimiter).into_iter().min().unwrap_or(0))
            .unwrap_or(',')
    })
}

fn looks_like_header(lines: &[&str], delimiter: char) -> bool {
    let [first, second, ..] = lines else {
        return false;
    };
    let is_name = |value: &String| {
        let mut chars = value.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    values(first, delimiter).iter().all(is_name)
        && values(second, delimiter)
            .iter()
            .any(|value| value.parse::<f64>().is_ok())
}

/// A text value as the JSON value it stands for.
fn typed(text: &str) -> Value {
    if EMPTY_VALUES.contains(&text) {
        return Value::Null;
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    let is_integer = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    let kept_as_text = (digits.len() > 1 && digits.starts_with('0')) || digits.len() == 12;
    if is_integer && !kept_as_text {
        if let Ok(number) = text.parse::<i64>() {
            return Value::from(number);
        }
    }
    let is_decimal = digits.contains('.')
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && !digits.starts_with('.')
        && !digits.ends_with('.');
    // `007.5` is a code, not a number; `0.5` is a number.
    let leading_zero = digits.starts_with('0') && !digits.starts_with("0.");
    if is_decimal && !leading_zero {
        if let Some(number) = text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
        {
            return Value::Number(number);
        }
    }
    match text {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => Value::String(text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLOW: [&str; 3] = [
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status",
        "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
        "2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK",
    ];

    #[test]
    fn a_space_delimited_file_with_a_header_line() {
        let layout = TextLayout::detect(&FLOW, None).expect("data lines");
        assert_eq!(layout.delimiter, ' ');
        assert!(layout.has_header);
        assert_eq!(layout.columns[1], "account-id");
        let record = layout.record(FLOW[1]);
        assert_eq!(record["version"], Value::from(2));
        assert_eq!(record["account-id"], "123456789010", "12 digits stay text");
        assert_eq!(record["start"], Value::from(1418530010));
        assert_eq!(record["action"], "ACCEPT");
        assert_eq!(
            layout.parser_yaml(&[]),
            "parser:\n  csv:\n    delimiter: ' '\n    hasHeader: true\n"
        );
    }

    #[test]
    fn quoted_values_keep_their_delimiters_and_unnamed_columns_are_numbered() {
        // ALB's documented record: space-delimited, quoted request and user agent.
        let alb = [
            r#"http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "-" "-" 0 2018-07-02T22:22:48.364000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-""#,
        ];
        let layout = TextLayout::detect(&alb, None).expect("data lines");
        assert_eq!(layout.delimiter, ' ');
        assert!(!layout.has_header);
        let record = layout.record(alb[0]);
        assert_eq!(
            record["column_13"],
            "GET http://www.example.com:80/ HTTP/1.1"
        );
        assert_eq!(record["column_15"], Value::Null, "`-` is absent");
        assert_eq!(record["column_6"], Value::from(0.0));
        assert!(layout
            .parser_yaml(&EMPTY_VALUES)
            .contains("    columns: ['column_1', 'column_2', "));
    }

    #[test]
    fn w3c_fields_lines_name_the_columns() {
        let lines = [
            "#Version: 1.0",
            "#Fields: date time x-edge-location sc-bytes",
            "2019-12-04\t21:02:31\tLAX1\t392",
        ];
        let layout = TextLayout::detect(&lines, None).expect("data lines");
        assert_eq!(layout.delimiter, '\t');
        assert!(layout.skip_hash && !layout.has_header);
        assert_eq!(
            layout.columns,
            ["date", "time", "x-edge-location", "sc-bytes"]
        );
        assert!(layout.skips(lines[0]));
    }
}
