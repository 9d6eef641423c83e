//! The findings as text, JSON, a Markdown table or GitHub workflow annotations.

use std::fmt::Write as _;

use super::rules::Severity;
use super::Finding;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `schemas/x.yml:7: FIELD_TYPE_CHANGED: breaking: T field f: type changed from int to string`
    Text,
    /// An array of objects.
    Json,
    /// A verdict line and a table, for a pull-request comment.
    Markdown,
    /// `::error file=...,line=...,title=RULE_ID::message`, one a line.
    Github,
}

impl Format {
    pub const NAMES: [&'static str; 4] = ["text", "json", "markdown", "github"];

    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            "markdown" => Some(Format::Markdown),
            "github" => Some(Format::Github),
            _ => None,
        }
    }
}

/// Printed in text and GitHub output when the two sides are the same.
pub const NO_CHANGES: &str = "no changes";

/// The whole report, ending with a newline.
pub fn render(findings: &[Finding], format: Format) -> String {
    match format {
        Format::Text => text(findings),
        Format::Json => json(findings),
        Format::Markdown => markdown(findings),
        Format::Github => github(findings),
    }
}

/// `2 breaking, 1 warning, 3 info`
pub fn summary(findings: &[Finding]) -> String {
    let count = |severity| findings.iter().filter(|f| f.severity == severity).count();
    let warnings = count(Severity::Warning);
    format!(
        "{} breaking, {} warning{}, {} info",
        count(Severity::Breaking),
        warnings,
        if warnings == 1 { "" } else { "s" },
        count(Severity::Info)
    )
}

fn text(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return format!("{NO_CHANGES}\n");
    }
    let mut out = String::new();
    for finding in findings {
        let _ = writeln!(
            out,
            "{}:{}: {}: {}",
            finding.location.file,
            finding.location.line,
            finding.rule,
            finding.message()
        );
    }
    out
}

fn json(findings: &[Finding]) -> String {
    let optional = |value: &Option<String>| value.as_deref().map_or("null".into(), json_string);
    let objects: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "  {{\"rule\": {}, \"severity\": {}, \"logType\": {}, \"path\": {}, \"old\": {}, \"new\": {}, \"file\": {}, \"line\": {}, \"message\": {}}}",
                json_string(f.rule.id()),
                json_string(f.severity.as_str()),
                json_string(&f.log_type),
                json_string(&f.path),
                optional(&f.old),
                optional(&f.new),
                json_string(&f.location.file),
                f.location.line,
                json_string(&f.message()),
            )
        })
        .collect();
    if objects.is_empty() {
        "[]\n".into()
    } else {
        format!("[\n{}\n]\n", objects.join(",\n"))
    }
}

/// A JSON string literal (RFC 8259 escaping).
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn markdown(findings: &[Finding]) -> String {
    let verdict = if findings.is_empty() {
        "**logschema diff: no changes.**".to_owned()
    } else if super::has_breaking(findings) {
        format!(
            "**logschema diff: breaking changes** ({})",
            summary(findings)
        )
    } else {
        format!(
            "**logschema diff: no breaking changes** ({})",
            summary(findings)
        )
    };
    let mut out = format!("{verdict}\n");
    if findings.is_empty() {
        return out;
    }
    out.push_str("\n| Severity | Rule | Log type | Field | Old | New | Where |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
    for f in findings {
        let code = |value: &Option<String>| value.as_deref().map_or(String::new(), code_cell);
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {} | {} | {}:{} |",
            f.severity,
            f.rule,
            table_cell(&f.log_type),
            if f.path.is_empty() {
                String::new()
            } else {
                code_cell(&f.path)
            },
            code(&f.old),
            code(&f.new),
            table_cell(&f.location.file),
            f.location.line
        );
    }
    out
}

/// Table cells are one line, and `|` would end the cell.
fn table_cell(text: &str) -> String {
    text.replace(['\n', '\r'], " ").replace('|', "\\|")
}

/// A value in a code span (backticks inside are dropped rather than breaking the span).
fn code_cell(text: &str) -> String {
    format!("`{}`", table_cell(&text.replace('`', "'")))
}

fn github(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return format!("{NO_CHANGES}\n");
    }
    let mut out = String::new();
    for f in findings {
        let command = match f.severity {
            Severity::Breaking => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let _ = writeln!(
            out,
            "::{command} file={},line={},title={}::{}",
            annotation_property(&f.location.file),
            f.location.line,
            annotation_property(f.rule.id()),
            annotation_data(&f.message())
        );
    }
    out
}

/// GitHub's escaping for a workflow command's message.
fn annotation_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// ... and for its properties, where `:` and `,` are separators.
fn annotation_property(text: &str) -> String {
    annotation_data(text)
        .replace(':', "%3A")
        .replace(',', "%2C")
}
