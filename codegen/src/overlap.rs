//! JSON log types that classification (`logschema parse --log-types`) cannot tell apart.
//!
//! A JSON log type rejects a record when a key it requires is missing, has a value of another
//! type, or fails a `validate` rule. So log type A may accept the records of log type B when
//! every field A requires is one B declares (under a key A reads), with a type A can read from
//! B's values and no `validate` rule of A's that B does not share. Two log types that may each
//! accept the other's records cannot be told apart: which one a record goes to depends on the
//! candidates' order. The remedy is a field one declares and the other does not, made required.
//!
//! The analysis is on the schemas alone, so it errs on the side of warning: B's optional keys
//! may be absent, and values of the same type may still be refused by a time format.

use crate::ir::Location;
use crate::ir::{Field, LogType, Parser, Schemas, Type, Value};

/// Two log types that may each accept the other's records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overlap {
    pub first: String,
    pub second: String,
    /// Where the first log type's schema starts.
    pub location: Location,
    /// What would separate them: a field one of them declares and the other does not.
    pub remedy: String,
}

impl std::fmt::Display for Overlap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: warning: {} and {} cannot be told apart when classifying: each accepts the \
             other's records, so the order of --log-types decides; {}",
            self.location, self.first, self.second, self.remedy
        )
    }
}

/// Every pair of JSON log types that may accept each other's records, in name order.
pub fn overlaps(schemas: &Schemas) -> Vec<Overlap> {
    let json: Vec<&LogType> = schemas
        .log_types
        .iter()
        .filter(|log_type| matches!(log_type.parser, Parser::JsonLines))
        .collect();
    let mut found = Vec::new();
    for (index, first) in json.iter().enumerate() {
        for second in &json[index + 1..] {
            if may_accept(first, second) && may_accept(second, first) {
                found.push(Overlap {
                    first: first.name.clone(),
                    second: second.name.clone(),
                    location: first.location.clone(),
                    remedy: remedy(first, second),
                });
            }
        }
    }
    found
}

/// Whether `reader` may accept a record of `writer`: each field `reader` requires is declared by
/// `writer` with a readable type and no `validate` rule of `reader`'s alone.
fn may_accept(reader: &LogType, writer: &LogType) -> bool {
    let fields = &writer.root().fields;
    reader
        .root()
        .fields
        .iter()
        .filter(|field| field.required && field.transform.is_none())
        .all(|required| {
            declared_by(required, fields).is_some_and(|theirs| {
                readable(&required.value, &theirs.value)
                    && (required.value.validate == Default::default()
                        || required.value.validate == theirs.value.validate)
            })
        })
}

/// The field of `fields` whose input keys share one with `field`'s.
fn declared_by<'f>(field: &Field, fields: &'f [Field]) -> Option<&'f Field> {
    fields.iter().find(|other| {
        other
            .input_keys
            .iter()
            .any(|key| field.input_keys.contains(key))
    })
}

/// Whether a value declared as `theirs` can be read as `ours`: the same kind of value (numbers
/// of any width count as one kind); `string` and `json` read anything.
fn readable(ours: &Value, theirs: &Value) -> bool {
    let numeric = |ty: &Type| matches!(ty, Type::SmallInt | Type::Int | Type::BigInt | Type::Float);
    match (&ours.ty, &theirs.ty) {
        (Type::String | Type::Json, _) => true,
        (a, b) if numeric(a) && numeric(b) => true,
        (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

/// What tells them apart: a field one declares and the other does not, made required; or an
/// allow list on a field they share (`source: [aws.guardduty]`).
fn remedy(first: &LogType, second: &LogType) -> String {
    let own_field = |of: &LogType, other: &LogType| {
        of.root()
            .fields
            .iter()
            .find(|field| declared_by(field, &other.root().fields).is_none())
            .map(|field| format!("make `{}` required in {}", field.name, of.name))
    };
    let shared = first
        .root()
        .fields
        .iter()
        .find(|field| {
            matches!(field.value.ty, Type::String)
                && declared_by(field, &second.root().fields).is_some()
        })
        .map(|field| {
            format!(
                "put `validate: allow` on a field both have (such as `{}`)",
                field.name
            )
        });
    let remedies: Vec<String> = [
        own_field(first, second).or_else(|| own_field(second, first)),
        shared,
    ]
    .into_iter()
    .flatten()
    .collect();
    if remedies.is_empty() {
        return format!(
            "nothing in the schemas tells them apart: parse each with --log-type ({} or {})",
            first.name, second.name
        );
    }
    format!("to separate them, {}", remedies.join(", or "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SchemaSource;

    fn compile(schemas: &[(&str, &str)]) -> Schemas {
        let sources: Vec<SchemaSource> = schemas
            .iter()
            .map(|(path, text)| SchemaSource {
                path: path.to_string(),
                text: text.to_string(),
            })
            .collect();
        crate::compile(&sources).expect("valid schemas")
    }

    const LOGIN: &str = "schema: Example.Login
fields:
  - name: user
    required: true
    type: string
  - name: time
    required: true
    type: timestamp
    timeFormats: [rfc3339]
    isEventTime: true
  - name: mfa
    type: boolean
";

    const LOGOUT: &str = "schema: Example.Logout
fields:
  - name: user
    required: true
    type: string
  - name: time
    required: true
    type: timestamp
    timeFormats: [rfc3339]
    isEventTime: true
  - name: session
    type: string
";

    #[test]
    fn types_requiring_only_shared_keys_cannot_be_told_apart() {
        let schemas = compile(&[("login.yml", LOGIN), ("logout.yml", LOGOUT)]);
        let found = overlaps(&schemas);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].to_string(),
            "login.yml:1:1: warning: Example.Login and Example.Logout cannot be told apart \
             when classifying: each accepts the other's records, so the order of --log-types \
             decides; to separate them, make `mfa` required in Example.Login, or put \
             `validate: allow` on a field both have (such as `user`)"
        );
    }

    #[test]
    fn a_required_key_the_other_lacks_separates_them() {
        let login = LOGIN.replace("  - name: mfa\n", "  - name: mfa\n    required: true\n");
        let schemas = compile(&[("login.yml", &login), ("logout.yml", LOGOUT)]);
        assert_eq!(overlaps(&schemas), []);
    }

    #[test]
    fn a_required_key_of_another_type_or_an_allow_list_separates_them() {
        let numeric = LOGOUT.replace(
            "  - name: user\n    required: true\n    type: string",
            "  - name: user\n    required: true\n    type: bigint",
        );
        let schemas = compile(&[("login.yml", LOGIN), ("logout.yml", &numeric)]);
        assert_eq!(
            overlaps(&schemas),
            [],
            "a bigint reader refuses string users"
        );

        let allowed = LOGOUT.replace(
            "  - name: user\n    required: true\n    type: string",
            "  - name: user\n    required: true\n    type: string\n    validate:\n      allow: [root]",
        );
        let schemas = compile(&[("login.yml", LOGIN), ("logout.yml", &allowed)]);
        assert_eq!(overlaps(&schemas), []);
    }
}
