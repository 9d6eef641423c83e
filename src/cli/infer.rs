//! `logschema infer`: drafts a schema from sample records (files, directories, gzip or standard
//! input) and prints it: JSON records, or text lines of delimited values (`--parser csv`).
//! Exit status: 0 a schema was written, 1 nothing to infer from (no readable record), with the
//! reason on standard error.

use std::path::{Path, PathBuf};

use logschema::testing::compare::IGNORED_FIELDS;
use logschema::testing::run::for_each_record;
use logschema_codegen::SchemaSource;
use serde::Serialize;

use logschema::infer::text::{TextLayout, EMPTY_VALUES, LAYOUT_LINES};
use logschema::infer::yaml::to_schema_yaml_with_parser;
use logschema::infer::ObjectShape;
use logschema::pipeline::input::{expand, Expanded, InputArg, Opened};
use logschema::pipeline::json_stream::JsonStream;
use logschema::pipeline::lines::{Line, LineReader, DEFAULT_MAX_LINE_BYTES};
use logschema::pipeline::progress::Progress;
use logschema::runtime::{json_in, InputValue};

/// What the samples are.
pub enum Samples {
    /// JSON records; with `from_unknown` they are events of a log type with
    /// `fieldDiscoveryEnabled`, and their `p_unknown` objects are the samples: the draft lists the
    /// fields the schema lacks.
    Json { from_unknown: bool },
    /// Text lines of delimited values; `None`: the delimiter is guessed.
    Csv { delimiter: Option<char> },
}

/// Test cases written by `--tests`: the first this many records.
const TEST_CASES: usize = 3;

/// Reads every record of `paths` and prints the schema named `name` (and, with `tests`, writes
/// test cases there); returns the exit status.
pub fn run(name: &str, samples: Samples, tests: Option<&Path>, paths: &[PathBuf]) -> u8 {
    if tests.is_some() && matches!(samples, Samples::Json { from_unknown: true }) {
        eprintln!(
            "logschema: infer: --tests needs the original records, not --from-unknown events"
        );
        return 1;
    }
    let mut folder = match samples {
        Samples::Json { from_unknown } => Folder::Json {
            from_unknown,
            root: ObjectShape::default(),
            skipped: 0,
            first: Vec::new(),
        },
        Samples::Csv { delimiter } => Folder::Csv(CsvFolder::new(delimiter)),
    };
    let progress = Progress::hidden();
    for arg in InputArg::from_args(paths) {
        for input in expand(&arg) {
            let source = match input {
                Expanded::Source(source) => source,
                Expanded::Unreadable { name, message } => {
                    eprintln!("logschema: infer: {name}: {message}");
                    return 1;
                }
            };
            let outcome = source
                .open(&progress)
                .and_then(|opened| folder.read(opened));
            if let Err(error) = outcome {
                eprintln!("logschema: infer: {}: {error}", source.name());
                return 1;
            }
        }
    }
    let (root, parser, records, skipped, first_records) = match folder.finish() {
        Ok(done) => done,
        Err(message) => {
            eprintln!("logschema: infer: {message}");
            return 1;
        }
    };
    let noun = if records == 1 { "record" } else { "records" };
    let about = if skipped > 0 {
        format!("{records} sample {noun} ({skipped} unreadable values or lines skipped)")
    } else {
        format!("{records} sample {noun}")
    };
    let schema = to_schema_yaml_with_parser(name, &about, parser.as_deref(), &root);
    if let Some(tests) = tests {
        if let Err(message) = write_tests(name, &schema, &first_records, tests) {
            eprintln!("logschema: infer: {}: {message}", tests.display());
            return 1;
        }
    }
    print!("{schema}");
    eprintln!("logschema: infer: {name} from {about}");
    0
}

/// One document of a test file, keys in Panther's order.
#[derive(Serialize)]
struct TestCaseYaml<'a> {
    name: String,
    #[serde(rename = "logType")]
    log_type: &'a str,
    input: &'a str,
    result: String,
}

/// Runs the draft (interpreted, as `--schema` does) on the first records and writes each with
/// its event as a test case.
fn write_tests(name: &str, schema: &str, records: &[String], path: &Path) -> Result<(), String> {
    let source = SchemaSource {
        path: format!("{name}.yml"),
        text: schema.to_string(),
    };
    let log_type = match logschema::interpret::load(&[source]) {
        Ok(log_types) => log_types
            .into_iter()
            .next()
            .ok_or("the draft has no log type")?,
        Err(error) => return Err(format!("the draft does not load: {error:?}")),
    };
    let mut text = format!(
        "# Test cases for {name}, drafted by `logschema infer` from its first samples: each\n\
         # result is what the draft schema makes of the input. Check them as you check the draft.\n"
    );
    for (index, input) in records.iter().enumerate() {
        let mut events = Vec::new();
        for_each_record(log_type, input, chrono::Utc::now(), |_, outcome| {
            if let Ok(line) = outcome {
                events.push(line.to_vec());
            }
        });
        let [line] = events.as_slice() else {
            // A record the draft rejects (or splits) is no test case.
            continue;
        };
        // Read as YAML (JSON is YAML) for a map that keeps the event's key order.
        let mut event: serde_yaml::Value =
            serde_yaml::from_slice(line).map_err(|error| error.to_string())?;
        if let Some(object) = event.as_mapping_mut() {
            for field in IGNORED_FIELDS {
                object.remove(field);
            }
            // Without an event time it is the parse time, which a test cannot pin.
            if !log_type.fields.iter().any(|field| field.is_event_time) {
                object.remove("p_event_time");
            }
        }
        let result = serde_json::to_string_pretty(&event).map_err(|error| error.to_string())?;
        let case = TestCaseYaml {
            name: format!("Sample {}", index + 1),
            log_type: name,
            input: input.trim_end(),
            result,
        };
        let yaml = serde_yaml::to_string(&case).map_err(|error| error.to_string())?;
        text.push_str("---\n");
        text.push_str(&yaml);
    }
    std::fs::write(path, text).map_err(|error| error.to_string())
}

enum Folder {
    Json {
        from_unknown: bool,
        root: ObjectShape,
        /// Values that were not JSON objects.
        skipped: u64,
        /// The first records' text.
        first: Vec<String>,
    },
    Csv(CsvFolder),
}

/// The folded shape, the `parser:` section, records and skipped values, the first records.
type Folded = (ObjectShape, Option<String>, u64, u64, Vec<String>);

impl Folder {
    fn read(&mut self, opened: Opened) -> std::io::Result<()> {
        match self {
            Folder::Json {
                from_unknown,
                root,
                skipped,
                first,
            } => read_json(opened, *from_unknown, root, skipped, first),
            Folder::Csv(csv) => csv.read(opened),
        }
    }

    fn finish(self) -> Result<Folded, String> {
        match self {
            Folder::Json { root, skipped, .. } if root.seen == 0 => Err(format!(
                "no JSON object records to infer from ({skipped} skipped)"
            )),
            Folder::Json {
                root,
                skipped,
                first,
                ..
            } => {
                let records = root.seen;
                Ok((root, None, records, skipped, first))
            }
            Folder::Csv(csv) => csv.finish(),
        }
    }
}

fn read_json(
    opened: Opened,
    from_unknown: bool,
    root: &mut ObjectShape,
    skipped: &mut u64,
    first: &mut Vec<String>,
) -> std::io::Result<()> {
    let mut values = JsonStream::new(opened.stream, DEFAULT_MAX_LINE_BYTES, None);
    while let Some((_, line)) = values.next_line()? {
        let Line::Text(text) = line else {
            *skipped += 1;
            continue;
        };
        match json_in::parse(text) {
            Ok(InputValue::Object(object)) if !from_unknown => {
                root.add(&object);
                if first.len() < TEST_CASES {
                    first.push(text.to_string());
                }
            }
            Ok(InputValue::Object(event)) => match event.get("p_unknown") {
                Some(InputValue::Object(unknown)) => root.add(unknown),
                // An event with nothing unknown adds no keys, but counts.
                _ => root.add(&Default::default()),
            },
            _ => *skipped += 1,
        }
    }
    Ok(())
}

/// Text lines: the first [`LAYOUT_LINES`] are held until the layout is decided, then every
/// line is folded in as it is read.
struct CsvFolder {
    delimiter: Option<char>,
    layout: Option<TextLayout>,
    /// Lines read before the layout was decided, each with whether it was its file's first
    /// record line (the header, if the files have one).
    held: Vec<(String, bool)>,
    root: ObjectShape,
    empty_seen: [bool; 2],
    skipped: u64,
    /// The first file's first record line (its header, if the files have one).
    first_line: Option<String>,
    /// The first record lines folded in.
    first: Vec<String>,
}

impl CsvFolder {
    fn new(delimiter: Option<char>) -> Self {
        CsvFolder {
            delimiter,
            layout: None,
            held: Vec::new(),
            root: ObjectShape::default(),
            empty_seen: [false; 2],
            skipped: 0,
            first_line: None,
            first: Vec::new(),
        }
    }

    fn first_records(&self) -> Vec<String> {
        let header = self
            .layout
            .as_ref()
            .filter(|layout| layout.has_header)
            .and(self.first_line.as_deref());
        self.first
            .iter()
            .map(|line| match header {
                Some(header) => format!("{header}\n{line}"),
                None => line.clone(),
            })
            .collect()
    }

    fn read(&mut self, opened: Opened) -> std::io::Result<()> {
        let mut lines = LineReader::with_max_line_bytes(opened.stream, DEFAULT_MAX_LINE_BYTES);
        let mut first_of_file = true;
        while let Some((_, line)) = lines.next_line()? {
            let Line::Text(text) = line else {
                self.skipped += 1;
                continue;
            };
            if text.trim().is_empty() {
                continue;
            }
            let first = first_of_file && !text.starts_with('#');
            first_of_file &= !first;
            if first && self.first_line.is_none() {
                self.first_line = Some(text.to_string());
            }
            match &self.layout {
                Some(_) => self.fold(text, first),
                None => {
                    self.held.push((text.to_string(), first));
                    if self.held.len() == LAYOUT_LINES {
                        self.decide();
                    }
                }
            }
        }
        Ok(())
    }

    fn decide(&mut self) {
        let lines: Vec<&str> = self.held.iter().map(|(line, _)| line.as_str()).collect();
        self.layout = TextLayout::detect(&lines, self.delimiter);
        for (line, first) in std::mem::take(&mut self.held) {
            self.fold(&line, first);
        }
    }

    fn fold(&mut self, line: &str, first_of_file: bool) {
        let Some(layout) = &self.layout else { return };
        if layout.skips(line) || (layout.has_header && first_of_file) {
            return;
        }
        if self.first.len() < TEST_CASES {
            self.first.push(line.to_string());
        }
        let markers = layout.empty_markers(line);
        self.empty_seen[0] |= markers[0];
        self.empty_seen[1] |= markers[1];
        let record = serde_json::Value::Object(layout.record(line)).to_string();
        match json_in::parse(&record) {
            Ok(InputValue::Object(object)) => self.root.add(&object),
            _ => self.skipped += 1,
        }
    }

    fn finish(mut self) -> Result<Folded, String> {
        if self.layout.is_none() {
            self.decide();
        }
        let Some(layout) = &self.layout else {
            return Err("no text lines to infer from".to_string());
        };
        if self.root.seen == 0 {
            return Err("no record lines to infer from (only a header or comments)".to_string());
        }
        let empty: Vec<&str> = EMPTY_VALUES
            .iter()
            .zip(self.empty_seen)
            .filter(|(_, seen)| *seen)
            .map(|(value, _)| *value)
            .collect();
        let parser = layout.parser_yaml(&empty);
        let records = self.root.seen;
        let first = self.first_records();
        Ok((self.root, Some(parser), records, self.skipped, first))
    }
}
