//! Deciding whether a test case passed: its events, then its rejections.

use serde_json::Value;

use super::cases::TestCase;
use super::compare::compare_event_of;
use super::run::{parse_input, CaseOutput};
use crate::runtime::{FieldSpec, LogType};

/// Runs the case; returns one readable line per problem (empty when it passed).
pub fn check_case(case: &TestCase) -> Vec<String> {
    check_case_among(case, &[])
}

/// `check_case`, looking the case's log type up in `loaded` (schemas loaded at run time, with
/// `--schema`) before the built-in ones.
pub fn check_case_among(case: &TestCase, loaded: &[&'static LogType]) -> Vec<String> {
    let found = loaded
        .iter()
        .copied()
        .find(|log_type| log_type.name == case.log_type)
        .or_else(|| crate::find_log_type(&case.log_type));
    let Some(log_type) = found else {
        // The schema is there but the binary predates it: say that, not "unknown".
        if let Some(file) = crate::staleness::schema_file_declaring(&case.log_type) {
            return vec![format!(
                "log type {:?} ({file}) is not built into this binary: rebuild with `cargo \
                 build --release`, or run it without building: `logschema test --schema {file}`",
                case.log_type
            )];
        }
        return vec![crate::unknown_log_type_message(&case.log_type)];
    };
    // The framer runs outside the parser's panic guard; a panic fails this case only.
    match std::panic::catch_unwind(|| parse_input(log_type, &case.input)) {
        Ok(output) => judge_events_of(
            log_type.fields,
            &case.expected,
            case.errors.as_deref(),
            &output,
        ),
        Err(_) => vec!["internal error: parsing the input panicked".to_string()],
    }
}

/// Compares what a case expects with what parsing produced, knowing nothing of the log type.
pub fn judge(
    expected: &[Value],
    expected_errors: Option<&[String]>,
    output: &CaseOutput,
) -> Vec<String> {
    judge_events_of(&[], expected, expected_errors, output)
}

/// `judge` for events of the log type whose record has `fields` (expected timestamps may be
/// written in their fields' own formats).
pub fn judge_events_of(
    fields: &'static [&'static FieldSpec],
    expected: &[Value],
    expected_errors: Option<&[String]>,
    output: &CaseOutput,
) -> Vec<String> {
    let mut failures = output.problems.clone();
    failures.extend(compare_events(fields, expected, &output.events));
    failures.extend(compare_rejections(expected_errors, &output.rejections));
    failures
}

fn compare_events(
    fields: &'static [&'static FieldSpec],
    expected: &[Value],
    actual: &[Value],
) -> Vec<String> {
    let mut failures = Vec::new();
    for index in 0..expected.len().max(actual.len()) {
        let number = index + 1;
        match (expected.get(index), actual.get(index)) {
            (Some(expected), Some(actual)) => failures.extend(
                compare_event_of(fields, expected, actual)
                    .iter()
                    .map(|difference| format!("event {number}: {difference}")),
            ),
            (Some(expected), None) => {
                failures.push(format!("event {number}: missing, expected {expected}"))
            }
            (None, Some(actual)) => failures.push(format!("event {number}: unexpected {actual}")),
            (None, None) => {}
        }
    }
    failures
}

fn compare_rejections(expected: Option<&[String]>, actual: &[(u64, String)]) -> Vec<String> {
    let Some(expected) = expected else {
        return actual
            .iter()
            .map(|(line, reason)| format!("line {line}: unexpected rejection: {reason}"))
            .collect();
    };
    let mut failures = Vec::new();
    for index in 0..expected.len().max(actual.len()) {
        match (expected.get(index), actual.get(index)) {
            (Some(wanted), Some((line, reason))) if !rejection_matches(wanted, *line, reason) => {
                failures.push(format!(
                "line {line}: rejected with {reason:?}, expected an error containing {wanted:?}"
            ))
            }
            (Some(_), Some(_)) => {}
            (Some(wanted), None) => failures.push(format!(
                "missing rejection {}: expected an error containing {wanted:?}",
                index + 1
            )),
            (None, Some((line, reason))) => {
                failures.push(format!("line {line}: unexpected rejection: {reason}"))
            }
            (None, None) => {}
        }
    }
    failures
}

/// An expected error is a substring of the reason, optionally after `line N: `, which must then
/// be the rejected line's number.
fn rejection_matches(wanted: &str, line: u64, reason: &str) -> bool {
    let with_line = wanted.strip_prefix("line ").and_then(|rest| {
        let (number, text) = rest.split_once(": ")?;
        Some((number.parse::<u64>().ok()?, text))
    });
    match with_line {
        Some((wanted_line, text)) => wanted_line == line && reason.contains(text),
        None => reason.contains(wanted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn output(events: Vec<Value>, rejections: &[(u64, &str)]) -> CaseOutput {
        CaseOutput {
            events,
            rejections: rejections
                .iter()
                .map(|(line, reason)| (*line, reason.to_string()))
                .collect(),
            problems: Vec::new(),
        }
    }

    #[test]
    fn matching_events_and_no_rejections_pass() {
        let produced = output(vec![json!({"a": 1, "p_row_id": "x"})], &[]);
        assert!(judge(&[json!({"a": 1})], None, &produced).is_empty());
    }

    #[test]
    fn extra_and_missing_events_are_reported() {
        let produced = output(vec![json!({"a": 1}), json!({"a": 2})], &[]);
        assert_eq!(
            judge(&[json!({"a": 1})], None, &produced),
            [r#"event 2: unexpected {"a":2}"#]
        );
        let produced = output(vec![], &[]);
        assert_eq!(
            judge(&[json!({"a": 1})], None, &produced),
            [r#"event 1: missing, expected {"a":1}"#]
        );
        let produced = output(vec![json!({"a": 3})], &[]);
        assert_eq!(
            judge(&[json!({"a": 1})], None, &produced),
            ["event 1: a: expected 1, actual 3"]
        );
    }

    #[test]
    fn rejections_fail_unless_expected() {
        let produced = output(vec![], &[(2, "port: \"x\" is not a valid bigint")]);
        assert_eq!(
            judge(&[], None, &produced),
            ["line 2: unexpected rejection: port: \"x\" is not a valid bigint"]
        );
        assert!(judge(&[], Some(&["not a valid bigint".to_string()]), &produced).is_empty());
        let wrong = judge(&[], Some(&["required".to_string()]), &produced);
        assert_eq!(wrong.len(), 1);
        assert!(
            wrong[0].contains("expected an error containing \"required\""),
            "{wrong:?}"
        );
        let missing = judge(
            &[],
            Some(&["bigint".to_string(), "more".to_string()]),
            &produced,
        );
        assert_eq!(
            missing,
            ["missing rejection 2: expected an error containing \"more\""]
        );
    }

    #[test]
    fn an_expected_error_may_name_its_line() {
        let produced = output(vec![], &[(2, "port: \"x\" is not a valid bigint")]);
        assert!(judge(&[], Some(&["line 2: valid bigint".to_string()]), &produced).is_empty());
        let wrong_line = judge(&[], Some(&["line 3: valid bigint".to_string()]), &produced);
        assert_eq!(wrong_line.len(), 1, "{wrong_line:?}");
        // Text that only looks like a line prefix is a plain substring.
        assert!(judge(&[], Some(&["port: \"x\"".to_string()]), &produced).is_empty());
    }
}
