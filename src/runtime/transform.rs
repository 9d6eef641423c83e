//! Panther's field transformations for JSON records: a field's value taken from elsewhere in
//! the record (`copy`, `concat`, `split`) and masked (`mask`). `rename` needs no runtime: it
//! only changes the key a field reads, which the generator puts in the field's keys.

use std::borrow::Cow;

use sha2::{Digest, Sha256};

use super::decode::{missing, scalar_text, validate_string, Decode, DecodeError};
use super::{FieldSpec, InputValue, ObjectRef, ValueRef};

/// Where a transformed field's value comes from, and what is done to it.
#[derive(Debug)]
pub struct TransformSpec {
    pub source: Source,
    pub mask: Option<Mask>,
}

/// A path of object keys from the object holding the field: `["user", "name"]`.
pub type Path = &'static [&'static str];

#[derive(Debug)]
pub enum Source {
    /// The field's own keys (with `rename`, the key it was renamed from).
    Own,
    /// `copy: {from: PATH}`.
    Copy(Path),
    /// `concat: {paths: [...], separator: S}`: the present values joined.
    Concat {
        paths: &'static [Path],
        separator: &'static str,
    },
    /// `split: {from: PATH, separator: S, index: N}`: part N (from the end when negative).
    Split {
        from: Path,
        separator: &'static str,
        index: i64,
    },
}

#[derive(Debug)]
pub enum Mask {
    /// The value replaced by this text.
    Redact(&'static str),
    /// The value replaced by its SHA-256, in lower-case hex.
    Hash,
}

/// `copy` without `mask`: the value at the path, decoded as the field's type (any type).
#[doc(hidden)]
pub fn copied<'a, T: Decode<'a>>(
    input: &ObjectRef<'_, 'a>,
    spec: &'static FieldSpec,
    path: Path,
) -> Result<Option<T>, DecodeError> {
    match value_at(input, path) {
        None => Ok(None),
        Some(value) => {
            T::decode(ValueRef::Json(value), &spec.value).map_err(|error| error.in_field(spec.name))
        }
    }
}

/// Every other transformation: a string built from the record, masked, then checked against
/// the field's rules (`emptyValues`, `validate`).
#[doc(hidden)]
pub fn text<'a>(
    input: &ObjectRef<'_, 'a>,
    spec: &'static FieldSpec,
    transform: &'static TransformSpec,
) -> Result<Option<Cow<'a, str>>, DecodeError> {
    let in_field = |error: DecodeError| error.in_field(spec.name);
    let text: Option<Cow<'a, str>> = match &transform.source {
        Source::Own => match input.get(spec) {
            None => None,
            Some(value) => value_text(value).map_err(in_field)?,
        },
        Source::Copy(path) => json_text(value_at(input, path)).map_err(in_field)?,
        Source::Concat { paths, separator } => {
            let mut parts = Vec::new();
            for path in paths.iter() {
                if let Some(part) = json_text(value_at(input, path)).map_err(in_field)? {
                    parts.push(part);
                }
            }
            (!parts.is_empty()).then(|| Cow::Owned(parts.join(separator)))
        }
        Source::Split {
            from,
            separator,
            index,
        } => match json_text(value_at(input, from)).map_err(in_field)? {
            None => None,
            Some(whole) => {
                split_part(&whole, separator, *index).map(|part| Cow::Owned(part.to_owned()))
            }
        },
    };
    let Some(text) = text else {
        return Ok(None);
    };
    let text = match &transform.mask {
        None => text,
        Some(Mask::Redact(with)) => Cow::Borrowed(*with),
        Some(Mask::Hash) => Cow::Owned(sha256_hex(&text)),
    };
    if spec.value.empty_values.contains(&super::text::trim(&text)) {
        return Ok(None);
    }
    validate_string(&text, &spec.value).map_err(in_field)?;
    Ok(Some(text))
}

/// A required transformed field: absent is an error naming the field.
#[doc(hidden)]
pub fn required<T>(value: Option<T>, spec: &'static FieldSpec) -> Result<T, DecodeError> {
    value.ok_or_else(|| missing(spec))
}

/// The value at `path` in a JSON record (null counts as absent).
pub(crate) fn value_at<'r, 'a>(
    input: &ObjectRef<'r, 'a>,
    path: Path,
) -> Option<&'r InputValue<'a>> {
    let ObjectRef::Json(object) = *input else {
        return None;
    };
    let (last, parents) = path.split_last()?;
    let mut object = object;
    for key in parents {
        match object.get(key)? {
            InputValue::Object(inner) => object = inner,
            _ => return None,
        }
    }
    object.get(last).filter(|value| !value.is_null())
}

fn json_text<'a>(value: Option<&InputValue<'a>>) -> Result<Option<Cow<'a, str>>, DecodeError> {
    match value {
        None => Ok(None),
        Some(value) => value_text(ValueRef::Json(value)),
    }
}

/// A scalar's text (`decode::scalar_text`); null is absent, objects and arrays are errors.
fn value_text<'a>(value: ValueRef<'_, 'a>) -> Result<Option<Cow<'a, str>>, DecodeError> {
    match value {
        ValueRef::Json(InputValue::Array(_) | InputValue::Object(_)) => Err(DecodeError::value(
            "an object or array cannot be transformed into text",
        )),
        other => Ok(scalar_text(other)),
    }
}

/// Part `index` of `text` split at `separator` (from the end when negative); `None` when there
/// is no such part.
fn split_part<'t>(text: &'t str, separator: &str, index: i64) -> Option<&'t str> {
    if index >= 0 {
        text.split(separator).nth(usize::try_from(index).ok()?)
    } else {
        text.rsplit(separator)
            .nth(usize::try_from(index.unsigned_abs() - 1).ok()?)
    }
}

fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte & 15)]));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_parts_count_from_either_end() {
        assert_eq!(split_part("a,b,c", ",", 0), Some("a"));
        assert_eq!(split_part("a,b,c", ",", 2), Some("c"));
        assert_eq!(split_part("a,b,c", ",", 3), None);
        assert_eq!(split_part("a,b,c", ",", -1), Some("c"));
        assert_eq!(split_part("a,b,c", ",", -3), Some("a"));
        assert_eq!(split_part("a,b,c", ",", -4), None);
        assert_eq!(split_part("user@example.com", "@", 1), Some("example.com"));
    }

    #[test]
    fn hashes_are_sha256_hex() {
        // FIPS 180-2's example.
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
