//! The parser specs of Panther's text parsers: compiled `fastmatch` patterns and `csv` settings,
//! plus the shared `TextRecordSpec`, as static data for the runtime's matchers.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::tokens::{rt, str_lit, str_slice};
use crate::ir;

pub(super) fn fastmatch_spec(fastmatch: &ir::FastMatchParser) -> TokenStream {
    let variant = rt("ParserSpec::FastMatch");
    let spec = rt("FastMatchSpec");
    let keys = str_slice(&fastmatch.keys);
    let patterns = fastmatch.patterns.iter().map(pattern);
    let text = text_spec(&fastmatch.options);
    quote! {
        #variant(#spec {
            keys: #keys,
            patterns: &[#(#patterns),*],
            text: #text,
        })
    }
}

fn pattern(pattern: &ir::FastPattern) -> TokenStream {
    let pattern_type = rt("FastPattern");
    let capture_type = rt("FastCapture");
    let prefix = str_lit(&pattern.prefix);
    let captures = pattern.captures.iter().map(|capture| {
        let until = str_lit(&capture.until);
        let mut tokens = match capture.column {
            Some(column) => {
                let column = Literal::usize_unsuffixed(column);
                quote!(#capture_type::column(#column, #until))
            }
            None => quote!(#capture_type::skip(#until)),
        };
        if let Some(quote_char) = capture.quote {
            let quote_char = Literal::character(quote_char);
            tokens = quote!(#tokens.quoted(#quote_char));
        }
        if capture.at_last {
            tokens = quote!(#tokens.at_last());
        }
        tokens
    });
    quote!(#pattern_type { prefix: #prefix, captures: &[#(#captures),*] })
}

/// The static the `regex` parser's pattern is compiled into, once, on first use (a static
/// of its own: the registry entry cannot hold a value with interior mutability).
pub(super) fn regex_static(regex: &ir::RegexParser) -> TokenStream {
    let pattern_type = rt("RegexPattern");
    let pattern = str_lit(&regex.pattern);
    quote! {
        /// The `regex` parser's grok `match`, expanded into one regex.
        static LOG_TYPE_REGEX: #pattern_type = #pattern_type::new(#pattern);
    }
}

pub(super) fn regex_spec(regex: &ir::RegexParser) -> TokenStream {
    let variant = rt("ParserSpec::Regex");
    let spec = rt("RegexSpec");
    let capture_type = rt("RegexCapture");
    let keys = str_slice(&regex.keys);
    let captures = regex.captures.iter().map(|capture| {
        let group = Literal::usize_unsuffixed(capture.group);
        let column = Literal::usize_unsuffixed(capture.column);
        quote!(#capture_type { group: #group, column: #column })
    });
    let text = text_spec(&regex.options);
    quote! {
        #variant(#spec {
            regex: &LOG_TYPE_REGEX,
            keys: #keys,
            captures: &[#(#captures),*],
            text: #text,
        })
    }
}

pub(super) fn csv_spec(csv: &ir::CsvParser) -> TokenStream {
    let variant = rt("ParserSpec::Csv");
    let spec = rt("CsvSpec");
    let delimiter = Literal::character(csv.delimiter);
    let has_header = csv.has_header;
    let columns = str_slice(&csv.columns);
    let text = text_spec(&csv.options);
    quote! {
        #variant(#spec {
            delimiter: #delimiter,
            has_header: #has_header,
            columns: #columns,
            text: #text,
        })
    }
}

/// `Some("text")` or `None`, as a `Option<&'static str>` expression.
pub(super) fn optional_str(text: Option<&str>) -> TokenStream {
    match text {
        Some(text) => {
            let text = str_lit(text);
            quote!(Some(#text))
        }
        None => quote!(None),
    }
}

/// `&[ExpandSpec { .. }, ..]`: the `expandFields` entries, in order.
pub(super) fn expand_specs(expand_fields: &[ir::ExpandField]) -> TokenStream {
    let expand_type = rt("ExpandSpec");
    let expand_fields = expand_fields.iter().map(|expand| {
        let name = str_lit(&expand.name);
        let parts = expand.template.iter().map(|part| match part {
            ir::TemplatePart::Text(text) => {
                let variant = rt("TemplatePart::Text");
                let text = str_lit(text);
                quote!(#variant(#text))
            }
            ir::TemplatePart::Key(key) => {
                let variant = rt("TemplatePart::Key");
                let key = str_lit(key);
                quote!(#variant(#key))
            }
        });
        quote!(#expand_type { name: #name, template: &[#(#parts),*] })
    });
    quote!(&[#(#expand_fields),*])
}

fn text_spec(options: &ir::TextOptions) -> TokenStream {
    let spec = rt("TextRecordSpec");
    let skip_lines = Literal::u64_unsuffixed(options.skip_lines);
    let skip_prefix = optional_str(options.skip_prefix.as_deref());
    let trim_space = options.trim_space;
    let empty_values = str_slice(&options.empty_values);
    let expand_fields = expand_specs(&options.expand_fields);
    quote! {
        #spec {
            skip_lines: #skip_lines,
            skip_prefix: #skip_prefix,
            trim_space: #trim_space,
            empty_values: #empty_values,
            expand_fields: #expand_fields,
        }
    }
}
