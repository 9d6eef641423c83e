//! Finding `*_tests.yml` files and reading their test cases.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

/// Test files are the files whose name ends with this.
pub const TEST_FILE_SUFFIX: &str = "_tests.yml";

/// One YAML document of a test file.
#[derive(Debug, Clone, PartialEq)]
pub struct TestCase {
    pub name: String,
    pub log_type: String,
    /// The input lines, as one text (lines separated by `\n`).
    pub input: String,
    /// The events expected, in order (`result` is a list of one).
    pub expected: Vec<Value>,
    /// One substring per rejected line, in order; `None`: no line may be rejected.
    pub errors: Option<Vec<String>>,
}

/// The document as written. Unknown keys are an error, so a misspelt `result` cannot silently
/// turn into "expect no events".
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: String,
    #[serde(rename = "logType")]
    log_type: String,
    input: RawInput,
    result: Option<RawEvent>,
    results: Option<Vec<RawEvent>>,
    errors: Option<Vec<String>>,
    #[serde(rename = "description")]
    _description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawInput {
    Text(String),
    Lines(Vec<String>),
    /// A mapping: one JSON line.
    Object(serde_json::Map<String, Value>),
}

/// An event is written as a JSON string (Panther's style) or as a YAML mapping.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawEvent {
    Json(String),
    Value(Value),
}

/// A path that could not be searched for test files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchError {
    pub path: PathBuf,
    pub message: String,
}

/// Every test file among `paths`: a file as given, a directory searched recursively (sorted).
pub fn find_test_files(paths: &[PathBuf]) -> Vec<Result<PathBuf, SearchError>> {
    let mut found = Vec::new();
    for path in paths {
        if !path.exists() {
            let message = "no such file or directory".to_string();
            found.push(Err(SearchError {
                path: path.clone(),
                message,
            }));
        } else if path.is_dir() {
            let walk = walkdir::WalkDir::new(path)
                .follow_links(true)
                .sort_by_file_name();
            for entry in walk {
                match entry {
                    Ok(entry) if entry.file_type().is_file() && is_test_file(entry.path()) => {
                        found.push(Ok(entry.into_path()))
                    }
                    Ok(_) => {}
                    Err(error) => {
                        let error_path = error.path().unwrap_or(path).to_path_buf();
                        let message = match error.io_error() {
                            Some(io_error) => io_error.to_string(),
                            None => error.to_string(),
                        };
                        found.push(Err(SearchError {
                            path: error_path,
                            message,
                        }));
                    }
                }
            }
        } else {
            found.push(Ok(path.clone()));
        }
    }
    found
}

fn is_test_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.ends_with(TEST_FILE_SUFFIX))
}

/// Reads every document of a test file.
pub fn load_file(path: &Path) -> Result<Vec<TestCase>, String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("cannot read: {error}"))?;
    parse_cases(&text)
}

/// Parses the YAML documents of a test file (separated by `---`); empty documents are skipped.
pub fn parse_cases(text: &str) -> Result<Vec<TestCase>, String> {
    let mut cases = Vec::new();
    for (index, document) in serde_yaml::Deserializer::from_str(text).enumerate() {
        let raw = Option::<RawCase>::deserialize(document)
            .map_err(|error| format!("document {}: {error}", index + 1))?;
        if let Some(raw) = raw {
            let case = raw
                .into_case()
                .map_err(|error| format!("document {}: {error}", index + 1))?;
            cases.push(case);
        }
    }
    Ok(cases)
}

/// Panther's placeholder for the case's log type in expected events.
const LOG_TYPE_PLACEHOLDER: &str = "{{.LogType}}";

impl RawCase {
    fn into_case(self) -> Result<TestCase, String> {
        let name = self.name;
        let log_type = &self.log_type;
        let expected = match (self.result, self.results) {
            (Some(_), Some(_)) => {
                return Err(format!("{name}: give `result` or `results`, not both"))
            }
            (Some(result), None) => vec![result.into_value(&name, 1, log_type)?],
            (None, Some(results)) => results
                .into_iter()
                .enumerate()
                .map(|(index, event)| event.into_value(&name, index + 1, log_type))
                .collect::<Result<_, _>>()?,
            (None, None) => Vec::new(),
        };
        let input = match self.input {
            RawInput::Text(text) => text,
            RawInput::Lines(lines) => lines.join("\n"),
            RawInput::Object(object) => Value::Object(object).to_string(),
        };
        Ok(TestCase {
            name,
            log_type: self.log_type,
            input,
            expected,
            errors: self.errors,
        })
    }
}

impl RawEvent {
    /// The event, with `{{.LogType}}` in its strings replaced by `log_type`.
    fn into_value(self, case_name: &str, number: usize, log_type: &str) -> Result<Value, String> {
        let mut value = match self {
            RawEvent::Json(text) => serde_json::from_str(&text).map_err(|error| {
                format!("{case_name}: result {number} is not valid JSON: {error}")
            })?,
            RawEvent::Value(value) => value,
        };
        replace_log_type(&mut value, log_type);
        if value.is_object() {
            Ok(value)
        } else {
            Err(format!("{case_name}: result {number} is not a JSON object"))
        }
    }
}

/// Replaces the placeholder in every string of `value` (after JSON parsing, so a log type
/// holding quotes cannot break the JSON).
fn replace_log_type(value: &mut Value, log_type: &str) {
    match value {
        Value::String(text) if text.contains(LOG_TYPE_PLACEHOLDER) => {
            *text = text.replace(LOG_TYPE_PLACEHOLDER, log_type);
        }
        Value::Array(values) => values
            .iter_mut()
            .for_each(|value| replace_log_type(value, log_type)),
        Value::Object(object) => object
            .values_mut()
            .for_each(|value| replace_log_type(value, log_type)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_panther_style_documents() {
        let text = r#"
name: one event
logType: Example.Dns
input: |
  {"type": "A", "time": 1}
result: |
  {"type": "A", "time": "1970-01-01 00:00:01.000000000"}
---
name: mapping results and errors
logType: Example.Dns
input:
  - '{"type": "A", "time": 1}'
  - 'not json'
results:
  - {type: A, time: "1970-01-01T00:00:01Z"}
errors: ["invalid JSON"]
---
"#;
        let cases = parse_cases(text).expect("valid test file");
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].input, "{\"type\": \"A\", \"time\": 1}\n");
        assert_eq!(
            cases[0].expected,
            vec![json!({"type": "A", "time": "1970-01-01 00:00:01.000000000"})]
        );
        assert_eq!(cases[0].errors, None);
        assert_eq!(cases[1].input, "{\"type\": \"A\", \"time\": 1}\nnot json");
        assert_eq!(
            cases[1].expected,
            vec![json!({"type": "A", "time": "1970-01-01T00:00:01Z"})]
        );
        assert_eq!(cases[1].errors, Some(vec!["invalid JSON".to_string()]));
    }

    #[test]
    fn log_type_placeholder_is_the_cases_log_type() {
        let text = "name: n\nlogType: Example.Dns\ninput: x\nresult: '{\"p_log_type\": \"{{.LogType}}\", \"a\": [\"{{.LogType}}!\"]}'\n---\nname: m\nlogType: Other.Type\ninput: x\nresults:\n  - {p_log_type: '{{.LogType}}'}\n";
        let cases = parse_cases(text).expect("valid");
        assert_eq!(
            cases[0].expected,
            vec![json!({"p_log_type": "Example.Dns", "a": ["Example.Dns!"]})]
        );
        assert_eq!(cases[1].expected, vec![json!({"p_log_type": "Other.Type"})]);
    }

    #[test]
    fn no_result_means_no_events() {
        let cases = parse_cases("name: n\nlogType: T\ninput: x\nerrors: [bad]\n").expect("valid");
        assert!(cases[0].expected.is_empty());
    }

    #[test]
    fn malformed_documents_say_which_and_why() {
        let misspelt = parse_cases("name: n\nlogType: T\ninput: x\nreslt: '{}'\n").unwrap_err();
        assert!(
            misspelt.contains("document 1") && misspelt.contains("reslt"),
            "{misspelt}"
        );
        let missing =
            parse_cases("name: a\nlogType: T\ninput: x\n---\nname: b\ninput: x\n").unwrap_err();
        assert!(
            missing.contains("document 2") && missing.contains("logType"),
            "{missing}"
        );
        let bad_json = parse_cases("name: n\nlogType: T\ninput: x\nresult: '{oops'\n").unwrap_err();
        assert!(bad_json.contains("not valid JSON"), "{bad_json}");
        let both =
            parse_cases("name: n\nlogType: T\ninput: x\nresult: '{}'\nresults: []\n").unwrap_err();
        assert!(both.contains("not both"), "{both}");
    }

    #[test]
    fn finds_test_files_recursively_in_sorted_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("aws")).expect("mkdir");
        for name in [
            "z_tests.yml",
            "aws/b_tests.yml",
            "aws/a_tests.yml",
            "aws/a.yml",
            "notes_tests.yaml",
        ] {
            std::fs::write(dir.path().join(name), "").expect("write");
        }
        let found: Vec<PathBuf> = find_test_files(&[dir.path().to_path_buf()])
            .into_iter()
            .map(|entry| entry.expect("readable"))
            .collect();
        let expected: Vec<PathBuf> = ["aws/a_tests.yml", "aws/b_tests.yml", "z_tests.yml"]
            .iter()
            .map(|name| dir.path().join(name))
            .collect();
        assert_eq!(found, expected);
        let missing = find_test_files(&[dir.path().join("nope")]);
        assert!(matches!(&missing[0], Err(error) if error.path.ends_with("nope")));
    }
}
