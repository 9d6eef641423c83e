//! The schema YAML written from a record shape.

use std::fmt::Write as _;

use super::shape::{FieldShape, ObjectShape, ValueShape};

/// What a key's values become in the schema.
enum Resolved<'s> {
    Scalar {
        ty: &'static str,
        time_format: Option<&'static str>,
        indicators: Vec<&'static str>,
    },
    Object(&'s ObjectShape),
    Array(Box<Resolved<'s>>),
    Json,
}

fn resolve(value: &ValueShape) -> Resolved<'_> {
    let scalars = value.booleans + value.integers + value.floats + value.strings;
    match (&value.objects, value.arrays > 0, scalars > 0) {
        // Panther's rule: an object or array against anything else is free-form JSON.
        (Some(_), true, _) | (Some(_), _, true) | (None, true, true) => Resolved::Json,
        // An object seen only empty has no fields to list.
        (Some(object), false, false) if object.fields.is_empty() => Resolved::Json,
        (Some(object), false, false) => Resolved::Object(object),
        (None, true, false) => match &value.elements {
            Some(elements) if elements.values() > 0 => Resolved::Array(Box::new(resolve(elements))),
            _ => Resolved::Array(Box::new(Resolved::Json)),
        },
        (None, false, false) => Resolved::Json,
        (None, false, true) => resolve_scalar(value),
    }
}

fn resolve_scalar(value: &ValueShape) -> Resolved<'_> {
    let numbers = value.integers + value.floats;
    let scalar = |ty, time_format, indicators| Resolved::Scalar {
        ty,
        time_format,
        indicators,
    };
    if value.strings > 0 && numbers == 0 && value.booleans == 0 {
        return match value.times.text_format() {
            Some(format) => scalar("timestamp", Some(format), Vec::new()),
            None => scalar("string", None, value.indicators.kinds()),
        };
    }
    if numbers > 0 && value.strings == 0 && value.booleans == 0 {
        if let Some(unit) = value.times.unix_format() {
            return scalar("timestamp", Some(unit), Vec::new());
        }
        // Panther's rule: a number is bigint if every value was an integer, else float.
        let ty = if value.floats > 0 { "float" } else { "bigint" };
        return scalar(ty, None, Vec::new());
    }
    if value.booleans > 0 && value.strings == 0 && numbers == 0 {
        return scalar("boolean", None, Vec::new());
    }
    // Mixed scalars: a string field keeps a number's or boolean's JSON text.
    scalar("string", None, Vec::new())
}

/// The schema, `name` its log type, `about` a line saying where the samples came from.
pub fn to_schema_yaml(name: &str, about: &str, root: &ObjectShape) -> String {
    to_schema_yaml_with_parser(name, about, None, root)
}

/// The same, with a `parser:` section (YAML text ending in a line end) before the fields.
pub fn to_schema_yaml_with_parser(
    name: &str,
    about: &str,
    parser: Option<&str>,
    root: &ObjectShape,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Drafted by `logschema infer` from {about}.");
    let _ = writeln!(
        out,
        "# Review every field: the types, time formats and indicators are what all the samples\n\
         # agree on; descriptions are left to you; the event time is the first required\n\
         # timestamp at the top level, if any."
    );
    let _ = writeln!(out, "schema: {}", scalar(name));
    let _ = writeln!(
        out,
        "description: TODO what these logs are and where they come from"
    );
    if let Some(parser) = parser {
        out.push_str(parser);
    }
    let _ = writeln!(out, "fields:");
    let event_time = root.fields.iter().position(|field| {
        field.present == root.seen
            && matches!(
                resolve(&field.value),
                Resolved::Scalar {
                    ty: "timestamp",
                    ..
                }
            )
    });
    for (index, field) in root.fields.iter().enumerate() {
        write_field(&mut out, "  ", field, root.seen, event_time == Some(index));
    }
    out
}

/// One list item of `fields:`, its dash at `indent`.
fn write_field(out: &mut String, indent: &str, field: &FieldShape, parents: u64, event_time: bool) {
    let _ = writeln!(out, "{indent}- name: {}", scalar(&field.name));
    let inner = format!("{indent}  ");
    if field.present == parents && parents > 0 {
        let _ = writeln!(out, "{inner}required: true");
    }
    let _ = writeln!(out, "{inner}description: TODO");
    write_value(out, &inner, &resolve(&field.value));
    if event_time {
        let _ = writeln!(out, "{inner}isEventTime: true");
    }
}

/// A value's keys (`type:` and what goes with it) at `indent`.
fn write_value(out: &mut String, indent: &str, value: &Resolved<'_>) {
    match value {
        Resolved::Scalar {
            ty,
            time_format,
            indicators,
        } => {
            let _ = writeln!(out, "{indent}type: {ty}");
            if let Some(format) = time_format {
                let _ = writeln!(out, "{indent}timeFormat: {}", scalar(format));
            }
            if !indicators.is_empty() {
                let _ = writeln!(out, "{indent}indicators: [{}]", indicators.join(", "));
            }
        }
        Resolved::Json => {
            let _ = writeln!(out, "{indent}type: json");
        }
        Resolved::Object(object) => {
            let _ = writeln!(out, "{indent}type: object");
            let _ = writeln!(out, "{indent}fields:");
            let items = format!("{indent}  ");
            for field in &object.fields {
                write_field(out, &items, field, object.seen, false);
            }
        }
        Resolved::Array(element) => {
            let _ = writeln!(out, "{indent}type: array");
            let _ = writeln!(out, "{indent}element:");
            write_value(out, &format!("{indent}  "), element);
        }
    }
}

/// A YAML scalar, quoted when it needs to be.
fn scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/'))
        && !text.starts_with(['-', '.'])
        && !matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "~"
        )
        && text.parse::<f64>().is_err();
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::json_in;

    fn shape(records: &[&str]) -> ObjectShape {
        let mut root = ObjectShape::default();
        for record in records {
            match json_in::parse(record).expect("valid JSON") {
                crate::runtime::InputValue::Object(object) => root.add(&object),
                _ => panic!("an object"),
            }
        }
        root
    }

    #[test]
    fn types_nesting_and_required_come_from_every_sample() {
        let root = shape(&[
            r#"{"time":"2024-03-01T09:30:00Z","user":{"name":"alice","id":7},"tags":["a"],"size":1.5,"ok":true,"src":"10.0.0.1","extra":{"a":1},"empty":{}}"#,
            r#"{"time":"2024-03-01T09:31:00Z","user":{"name":"bob"},"tags":[],"size":2,"ok":false,"src":"10.0.0.2","extra":[1],"note":null}"#,
        ]);
        let yaml = to_schema_yaml("Custom.Example", "2 records", &root);
        let expected = "schema: Custom.Example
description: TODO what these logs are and where they come from
fields:
  - name: time
    required: true
    description: TODO
    type: timestamp
    timeFormat: rfc3339
    isEventTime: true
  - name: user
    required: true
    description: TODO
    type: object
    fields:
      - name: name
        required: true
        description: TODO
        type: string
      - name: id
        description: TODO
        type: bigint
  - name: tags
    required: true
    description: TODO
    type: array
    element:
      type: string
  - name: size
    required: true
    description: TODO
    type: float
  - name: ok
    required: true
    description: TODO
    type: boolean
  - name: src
    required: true
    description: TODO
    type: string
    indicators: [ip]
  - name: extra
    required: true
    description: TODO
    type: json
  - name: empty
    description: TODO
    type: json
  - name: note
    description: TODO
    type: json
";
        assert!(yaml.ends_with(expected), "{yaml}");
    }

    #[test]
    fn names_that_yaml_would_misread_are_quoted() {
        assert_eq!(scalar("user_name"), "user_name");
        assert_eq!(scalar("%Y-%m-%d %H:%M:%S"), "'%Y-%m-%d %H:%M:%S'");
        assert_eq!(scalar("yes"), "'yes'");
        assert_eq!(scalar("1.5"), "'1.5'");
        assert_eq!(scalar("it's"), "'it''s'");
        assert_eq!(scalar("-x"), "'-x'");
    }
}
