//! Every Rust name the generated code uses, computed once from the schema's names.

use std::collections::BTreeSet;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Strict, 2018+ and reserved keywords: a field with one of these names gets a raw identifier.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "try", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "gen",
];

/// Keywords that cannot be raw identifiers (`r#self` is an error): these get a `_` suffix.
const NOT_RAW: &[&str] = &["self", "Self", "crate", "super"];

fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// Escapes a keyword: `type` -> `r#type`, `self` -> `self_`; other words are returned as given.
pub(crate) fn escape_keyword(word: &str) -> String {
    if NOT_RAW.contains(&word) {
        format!("{word}_")
    } else if is_keyword(word) {
        format!("r#{word}")
    } else {
        word.to_owned()
    }
}

/// The struct member for a field: `user-agent` -> `user_agent`, `@timestamp` -> `timestamp`,
/// `type` -> `r#type`, `3d` -> `_3d`, `@` -> `field`.
pub(crate) fn field_ident(name: &str) -> String {
    let snake: String = name
        .to_snake_case()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    // Runs of `_` (from non-ASCII letters: `größe` -> `gr_e`) would trip `non_snake_case`.
    let snake = collapse_underscores(&snake);
    let snake = if snake.chars().any(|c| c.is_ascii_alphanumeric()) {
        snake
    } else {
        // Nothing usable is left (`@`, `--`, `_`); `_` alone is not an identifier.
        "field".to_owned()
    };
    if snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{snake}")
    } else {
        escape_keyword(&snake)
    }
}

/// `ident` with a number, for a field whose identifier an earlier field of the same struct has:
/// `log_type` -> `log_type_2` (then `_3`, ...), skipping any `taken` one. Keywords lose their
/// `r#` (`r#type` -> `type_2`) and a trailing `_` is not doubled (`self_` -> `self_2`).
pub(crate) fn numbered_ident(ident: &str, taken: impl Fn(&str) -> bool) -> String {
    let stem = ident.trim_start_matches("r#").trim_end_matches('_');
    (2..)
        .map(|number| format!("{stem}_{number}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or_else(|| format!("{stem}_n"))
}

fn collapse_underscores(text: &str) -> String {
    let mut collapsed = String::with_capacity(text.len());
    for c in text.chars() {
        if !(c == '_' && collapsed.ends_with('_')) {
            collapsed.push(c);
        }
    }
    collapsed
}

/// UpperCamelCase of arbitrary text, ASCII letters and digits only: `resolver-endpoint` ->
/// `ResolverEndpoint`. May be empty.
fn camel_words(text: &str) -> String {
    text.to_upper_camel_case()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// The record struct of a log type: `AWS.VPCDns` -> `AwsVpcDns`.
pub(crate) fn log_type_struct(log_type: &str) -> String {
    let name: String = log_type.split('.').map(camel_words).collect();
    if name.starts_with(|c: char| c.is_ascii_uppercase()) {
        name
    } else {
        format!("Record{name}")
    }
}

/// The struct of an object field: parent struct `AwsVpcDns` + field `answers` -> `AwsVpcDnsAnswers`.
pub(crate) fn nested_struct(parent: &str, field_name: &str) -> String {
    let part = camel_words(field_name);
    if part.is_empty() {
        format!("{parent}Field")
    } else {
        format!("{parent}{part}")
    }
}

/// The static holding a struct's field specs: `AwsVpcDnsAnswers` -> `AWS_VPC_DNS_ANSWERS_FIELDS`.
pub(crate) fn fields_static(struct_name: &str) -> String {
    format!("{}_FIELDS", struct_name.to_shouty_snake_case())
}

/// The module of a log type: `AWS.VPCDns` -> `aws_vpcdns`. A keyword (`Type` -> `type`) or the
/// index's own name (`Log.Types`) gets a `_` suffix, so the module and its file stay usable.
pub(crate) fn module_name(log_type: &str) -> String {
    let module = log_type.to_lowercase().replace('.', "_");
    if is_keyword(&module) || module == "log_types" {
        format!("{module}_")
    } else {
        module
    }
}

/// Hands out struct names within one log type, each unique with its fields static: a second
/// `AwsX` becomes `AwsX2`, then `AwsX3` (first come, first served, so always the same).
#[derive(Default)]
pub(crate) struct StructNames {
    taken: BTreeSet<String>,
}

impl StructNames {
    /// Returns `(struct name, fields static)` for a wanted struct name.
    pub fn claim(&mut self, wanted: &str) -> (String, String) {
        let mut candidate = wanted.to_owned();
        let mut suffix = 2;
        loop {
            let static_name = fields_static(&candidate);
            if !self.taken.contains(&candidate) && !self.taken.contains(&static_name) {
                self.taken.insert(candidate.clone());
                self.taken.insert(static_name.clone());
                return (candidate, static_name);
            }
            candidate = format!("{wanted}{suffix}");
            suffix += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_keyword_becomes_a_usable_identifier() {
        for &keyword in KEYWORDS {
            let escaped = escape_keyword(keyword);
            let expected = if NOT_RAW.contains(&keyword) {
                format!("{keyword}_")
            } else {
                format!("r#{keyword}")
            };
            assert_eq!(escaped, expected, "keyword {keyword}");
            // The escaped form must parse as an identifier that is not the keyword itself.
            let ident: syn::Ident = syn::parse_str(&escaped).expect(&escaped);
            assert_eq!(ident.to_string(), escaped);
        }
        assert_eq!(KEYWORDS.len(), 52);
        assert_eq!(field_ident("type"), "r#type");
        assert_eq!(field_ident("self"), "self_");
        assert_eq!(field_ident("Self"), "self_");
        assert_eq!(field_ident("crate"), "crate_");
        assert_eq!(field_ident("super"), "super_");
        assert_eq!(field_ident("async"), "r#async");
        assert_eq!(field_ident("gen"), "r#gen");
        assert_eq!(field_ident("union"), "union");
    }

    #[test]
    fn field_idents_are_snake_case_identifiers() {
        assert_eq!(field_ident("user-agent"), "user_agent");
        assert_eq!(field_ident("user_agent"), "user_agent");
        assert_eq!(
            field_ident("größe"),
            "gr_e",
            "no `__`: non_snake_case would warn"
        );
        assert_eq!(field_ident("@timestamp"), "timestamp");
        assert_eq!(field_ident("src.ip"), "src_ip");
        assert_eq!(field_ident("Rdata"), "rdata");
        assert_eq!(field_ident("interfaceId"), "interface_id");
        assert_eq!(field_ident("first name"), "first_name");
        assert_eq!(field_ident("3d"), "_3d");
        assert_eq!(field_ident("@"), "field");
        assert_eq!(field_ident("_"), "field");
        assert_eq!(field_ident(""), "field");
        for name in ["user-agent", "3d", "größe", "a.b@c d", "TYPE"] {
            let ident = field_ident(name);
            syn::parse_str::<syn::Ident>(&ident).expect(&ident);
        }
    }

    #[test]
    fn struct_module_and_static_names() {
        assert_eq!(log_type_struct("AWS.VPCDns"), "AwsVpcDns");
        assert_eq!(log_type_struct("AWS.VPCFlow"), "AwsVpcFlow");
        assert_eq!(nested_struct("AwsVpcDns", "answers"), "AwsVpcDnsAnswers");
        assert_eq!(
            nested_struct("AwsVpcDns", "resolver-endpoint"),
            "AwsVpcDnsResolverEndpoint"
        );
        assert_eq!(nested_struct("AwsVpcDns", "@"), "AwsVpcDnsField");
        assert_eq!(
            fields_static("AwsVpcDnsAnswers"),
            "AWS_VPC_DNS_ANSWERS_FIELDS"
        );
        assert_eq!(module_name("AWS.VPCDns"), "aws_vpcdns");
        assert_eq!(module_name("Type"), "type_");
        assert_eq!(module_name("Log.Types"), "log_types_");
    }

    #[test]
    fn colliding_struct_names_get_numbered() {
        let mut names = StructNames::default();
        assert_eq!(names.claim("XAB").0, "XAB");
        assert_eq!(
            names.claim("XAB"),
            ("XAB2".to_owned(), "XAB2_FIELDS".to_owned())
        );
        assert_eq!(names.claim("XAB").0, "XAB3");
    }
}
