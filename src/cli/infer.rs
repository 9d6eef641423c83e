//! `logschema infer`: drafts a schema from sample JSON records (files, directories, gzip or
//! standard input) and prints it. Exit status: 0 a schema was written, 1 nothing to infer from
//! (no readable record), with the reason on standard error.

use std::path::PathBuf;

use logschema::infer::{to_schema_yaml, ObjectShape};
use logschema::pipeline::input::{expand, Expanded, InputArg};
use logschema::pipeline::json_stream::JsonStream;
use logschema::pipeline::lines::{Line, DEFAULT_MAX_LINE_BYTES};
use logschema::pipeline::progress::Progress;
use logschema::runtime::{json_in, InputValue};

/// Reads every record of `paths` and prints the schema named `name`; returns the exit status.
/// With `from_unknown` the records are events of a log type with `fieldDiscoveryEnabled`, and
/// their `p_unknown` objects are the samples: the draft lists the fields the schema lacks.
pub fn run(name: &str, from_unknown: bool, paths: &[PathBuf]) -> u8 {
    let mut root = ObjectShape::default();
    let (mut records, mut skipped) = (0u64, 0u64);
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
            let opened = match source.open(&progress) {
                Ok(opened) => opened,
                Err(error) => {
                    eprintln!("logschema: infer: {}: {error}", source.name());
                    return 1;
                }
            };
            let mut values = JsonStream::new(opened.stream, DEFAULT_MAX_LINE_BYTES, None);
            loop {
                match values.next_line() {
                    Ok(None) => break,
                    Ok(Some((_, Line::Text(text)))) => match json_in::parse(text) {
                        Ok(InputValue::Object(object)) if !from_unknown => {
                            root.add(&object);
                            records += 1;
                        }
                        Ok(InputValue::Object(event)) => match event.get("p_unknown") {
                            Some(InputValue::Object(unknown)) => {
                                root.add(unknown);
                                records += 1;
                            }
                            // An event with nothing unknown adds no keys, but counts.
                            _ => {
                                root.add(&Default::default());
                                records += 1;
                            }
                        },
                        _ => skipped += 1,
                    },
                    Ok(Some((_, Line::Invalid { .. }))) => skipped += 1,
                    Err(error) => {
                        eprintln!("logschema: infer: {}: {error}", source.name());
                        return 1;
                    }
                }
            }
        }
    }
    if records == 0 {
        eprintln!("logschema: infer: no JSON object records to infer from ({skipped} skipped)");
        return 1;
    }
    let noun = if records == 1 { "record" } else { "records" };
    let about = if skipped > 0 {
        format!("{records} sample {noun} ({skipped} values that were not JSON objects skipped)")
    } else {
        format!("{records} sample {noun}")
    };
    print!("{}", to_schema_yaml(name, &about, &root));
    eprintln!("logschema: infer: {name} from {about}");
    0
}
