//! Decoding `json` fields into Arrow: the column holds the value's JSON text.
//!
//! arrow-json decodes a `Utf8` column only from JSON strings; a `json` field's value is any JSON
//! value (an object, usually), so the columns marked with the `arrow.json` extension type get this
//! decoder, which writes the value back out as compact JSON text.
//!
//! A field the event has as `null` (Panther writes a `json` field given `null` that way) is the
//! JSON text `null`, as a VARIANT holds a JSON null; a field the event leaves out is SQL NULL. So
//! the Parquet row keeps what the JSON line says, and reads back as the same event.

use std::fmt::Write as _;
use std::sync::Arc;

use arrow_array::builder::StringBuilder;
use arrow_array::ArrayRef;
use arrow_json::reader::{ArrayDecoder, DecoderContext, DecoderFactory, Tape, TapeElement};
use arrow_schema::extension::{ExtensionType, Json};
use arrow_schema::{ArrowError, FieldRef};

/// Gives the `arrow.json` columns a [`JsonTextDecoder`]; every other column decodes as usual.
#[derive(Debug)]
pub struct JsonTextFactory;

impl DecoderFactory for JsonTextFactory {
    fn make_default_decoder(
        &self,
        _ctx: &DecoderContext,
        field: &FieldRef,
        _is_nullable: bool,
    ) -> Result<Option<Box<dyn ArrayDecoder>>, ArrowError> {
        let is_json = field.extension_type_name() == Some(Json::NAME);
        Ok(is_json.then(|| Box::new(JsonTextDecoder) as Box<dyn ArrayDecoder>))
    }
}

struct JsonTextDecoder;

/// The tape position arrow-json gives a field the object does not have ("the first element is
/// always `TapeElement::Null`"; struct decoders start every field position at 0).
const ABSENT: u32 = 0;

impl ArrayDecoder for JsonTextDecoder {
    fn decode(&mut self, tape: &Tape<'_>, pos: &[u32]) -> Result<ArrayRef, ArrowError> {
        let mut builder = StringBuilder::with_capacity(pos.len(), pos.len() * 32);
        let mut text = String::new();
        for &at in pos {
            // arrow-json points a field the object lacks at the tape's first element, a null
            // kept for that purpose; a null written in the input is somewhere after it.
            if at == ABSENT {
                builder.append_null();
                continue;
            }
            text.clear();
            write_value(tape, at, &mut text)?;
            builder.append_value(&text);
        }
        Ok(Arc::new(builder.finish()))
    }
}

/// Writes the value starting at `at` as compact JSON; returns the index after it.
fn write_value(tape: &Tape<'_>, at: u32, out: &mut String) -> Result<u32, ArrowError> {
    match tape.get(at) {
        TapeElement::StartObject(end) => {
            out.push('{');
            let mut next = at + 1;
            let mut first = true;
            while next < end {
                if !first {
                    out.push(',');
                }
                first = false;
                next = write_value(tape, next, out)?; // the key
                out.push(':');
                next = write_value(tape, next, out)?;
            }
            out.push('}');
            Ok(end + 1)
        }
        TapeElement::StartList(end) => {
            out.push('[');
            let mut next = at + 1;
            while next < end {
                if next > at + 1 {
                    out.push(',');
                }
                next = write_value(tape, next, out)?;
            }
            out.push(']');
            Ok(end + 1)
        }
        TapeElement::String(index) => {
            write_json_string(tape.get_string(index), out);
            Ok(at + 1)
        }
        TapeElement::Number(index) => {
            out.push_str(tape.get_string(index));
            Ok(at + 1)
        }
        TapeElement::True => {
            out.push_str("true");
            Ok(at + 1)
        }
        TapeElement::False => {
            out.push_str("false");
            Ok(at + 1)
        }
        TapeElement::Null => {
            out.push_str("null");
            Ok(at + 1)
        }
        // Only serialized Rust values (never JSON text) produce these.
        TapeElement::I32(value) => {
            let _ = write!(out, "{value}");
            Ok(at + 1)
        }
        TapeElement::I64(high) => match tape.get(at + 1) {
            TapeElement::I32(low) => {
                let value = (i64::from(high) << 32) | i64::from(low as u32);
                let _ = write!(out, "{value}");
                Ok(at + 2)
            }
            _ => Err(tape.error(at, "the low half of an i64")),
        },
        TapeElement::F32(bits) => {
            let _ = write!(out, "{}", f32::from_bits(bits));
            Ok(at + 1)
        }
        TapeElement::F64(high) => match tape.get(at + 1) {
            TapeElement::F32(low) => {
                let value = f64::from_bits((u64::from(high) << 32) | u64::from(low));
                let _ = write!(out, "{value}");
                Ok(at + 2)
            }
            _ => Err(tape.error(at, "the low half of an f64")),
        },
        // An end where a value should start; or an element kind added to arrow-json later.
        _ => Err(tape.error(at, "a value")),
    }
}

fn write_json_string(text: &str, out: &mut String) {
    // serde_json's escaping, so the text matches what `--format json` writes for the same value.
    match serde_json::to_string(text) {
        Ok(quoted) => out.push_str(&quoted),
        Err(_) => out.push_str("null"), // writing a str to a String cannot fail
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_schema::{DataType, Field, Schema};

    fn decode(lines: &str) -> Vec<Option<String>> {
        let field = crate::lake::arrow_schema::json_text(Field::new("value", DataType::Utf8, true));
        let schema = Arc::new(Schema::new(vec![field]));
        let mut reader = arrow_json::ReaderBuilder::new(schema)
            .with_decoder_factory(Arc::new(JsonTextFactory))
            .build(lines.as_bytes())
            .expect("reader");
        let batch = reader.next().expect("a batch").expect("decoded");
        batch
            .column(0)
            .as_string::<i32>()
            .iter()
            .map(|value| value.map(str::to_string))
            .collect()
    }

    #[test]
    fn any_json_value_becomes_its_compact_text() {
        let values = decode(concat!(
            r#"{"value": {"a": [1, 2.5e3, "x\"y"], "b": {"c": null, "d": true}}}"#,
            "\n",
            r#"{"value": "plain"}"#,
            "\n",
            r#"{"value": null}"#,
            "\n",
            r#"{}"#,
            "\n",
            r#"{"value": [[], {}, false, -7]}"#,
            "\n",
        ));
        assert_eq!(
            values,
            [
                Some(r#"{"a":[1,2.5e3,"x\"y"],"b":{"c":null,"d":true}}"#.to_string()),
                Some(r#""plain""#.to_string()),
                Some("null".to_string()),
                None,
                Some(r#"[[],{},false,-7]"#.to_string()),
            ]
        );
    }
}
