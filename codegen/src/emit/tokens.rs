//! Small token builders shared by the emitters: identifiers checked before use (proc-macro2
//! panics on bad ones), literals, runtime paths and doc attributes.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::EmitError;

/// A Rust identifier from the IR (`r#type` is raw). Keywords, names that cannot be raw (`self`)
/// and anything that is not an identifier are errors, never panics.
pub(super) fn ident(name: &str) -> Result<Ident, EmitError> {
    // `parse_str` skips surrounding whitespace, so the round trip also checks for it.
    syn::parse_str::<Ident>(name)
        .ok()
        .filter(|ident| *ident == name)
        .ok_or_else(|| EmitError::new(format!("`{name}` is not a valid Rust identifier")))
}

/// `::logschema::runtime::<item>`, for files without the `rt` alias (the registry index).
pub(super) fn runtime(item: &str) -> TokenStream {
    let segments = path_segments(item);
    quote!(::logschema::runtime #(:: #segments)*)
}

/// `use ::logschema::runtime as rt;`, the first item of each log type's file: the generated
/// items are UpperCamelCase structs and SHOUTY statics, so nothing there can shadow `rt`.
pub(super) fn rt_alias() -> TokenStream {
    quote!(
        use ::logschema::runtime as rt;
    )
}

/// `rt::<item>`; every runtime name in a log type's file goes through here.
pub(super) fn rt(item: &str) -> TokenStream {
    let segments = path_segments(item);
    quote!(rt #(:: #segments)*)
}

fn path_segments(item: &str) -> impl Iterator<Item = Ident> + '_ {
    item.split("::")
        .map(|segment| Ident::new(segment, proc_macro2::Span::call_site()))
}

/// A string literal, escaped by proc-macro2 whatever the text holds.
pub(super) fn str_lit(text: &str) -> Literal {
    Literal::string(text)
}

/// `&["a", "b"]`
pub(super) fn str_slice(values: &[String]) -> TokenStream {
    let literals = values.iter().map(|value| str_lit(value));
    quote!(&[#(#literals),*])
}

/// `Some("text")` or `None`. The prelude's names: a generated file defines no function, tuple
/// struct or static that could shadow them (statics always hold a `__` or are `LOG_TYPE*`).
pub(super) fn optional_str(text: Option<&str>) -> TokenStream {
    match text {
        Some(text) => {
            let literal = str_lit(text);
            quote!(Some(#literal))
        }
        None => quote!(None),
    }
}

/// `#[doc = " line"]`, one attribute per line so prettyplease prints plain `///` comments. A
/// leading space keeps `!` or `/` at the start of a line from changing the comment's kind; lone
/// carriage returns end a line and other unsafe characters are escaped (`comment_safe`).
pub(super) fn doc_attrs(text: Option<&str>) -> TokenStream {
    let Some(text) = text else {
        return TokenStream::new();
    };
    let text = text.replace("\r\n", "\n");
    let text = text.trim_start_matches(['\n', '\r']).trim_end();
    if text.is_empty() {
        return TokenStream::new();
    }
    let lines = text.split(['\n', '\r']).map(str::trim_end);
    let attrs = lines.map(|line| {
        let literal = if line.is_empty() {
            str_lit("")
        } else {
            str_lit(&format!(" {}", comment_safe(line)))
        };
        quote!(#[doc = #literal])
    });
    quote!(#(#attrs)*)
}

/// Text safe inside a `//` comment: control characters (a line break would end the comment,
/// a lone CR is rejected by rustc) and bidirectional overrides (denied by rustc's
/// `text_direction_codepoint_in_comment` lint) are written as `\u{..}` escapes.
pub(super) fn comment_safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if (c.is_control() && c != '\t') || is_bidi_control(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}
