//! `impl ::logschema::runtime::Object` for each struct: decoding, output (JSON or Arrow, through one
//! `ObjectWriter`), indicators and the event time, each a short list of calls into the runtime.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;

use super::specs::{element_static_name, field_static_name};
use super::tokens::{ident, rt, str_lit, str_slice};
use super::{EmitError, LogTypeContext};
use crate::ir;

pub(super) fn object_impl(
    ctx: &LogTypeContext,
    object_index: usize,
    object: &ir::Object,
) -> Result<TokenStream, EmitError> {
    let name = ident(&object.rust_name)?;
    let table = ident(&object.fields_static)?;
    let field_idents = object
        .fields
        .iter()
        .map(|field| ident(&field.rust_name))
        .collect::<Result<Vec<_>, _>>()?;
    let object_trait = rt("Object");
    let field_spec = rt("FieldSpec");
    let decode_fields = decode_fields(object, &field_idents)?;
    let write_fields = write_fields(object, &field_idents)?;
    let collect_indicators = collect_indicators(ctx, object, &field_idents)?;
    let event_time = event_time(ctx, object_index, object, &field_idents);
    let lifetime = if ctx.borrows(object_index) {
        quote!(<'a>)
    } else {
        TokenStream::new()
    };
    Ok(quote! {
        impl<'a> #object_trait<'a> for #name #lifetime {
            fn fields() -> &'static [&'static #field_spec] {
                #table
            }
            #decode_fields
            #write_fields
            #collect_indicators
            #event_time
        }
    })
}

fn decode_fields(object: &ir::Object, field_idents: &[Ident]) -> Result<TokenStream, EmitError> {
    let object_ref = rt("ObjectRef");
    let decode_error = rt("DecodeError");
    // An object without fields never reads its input; the underscore keeps that warning-free.
    let input = if object.fields.is_empty() {
        quote!(_input)
    } else {
        quote!(input)
    };
    let mut initialisers = Vec::new();
    for (field, field_ident) in object.fields.iter().zip(field_idents) {
        let spec = ident(&field_static_name(object, field))?;
        if let Some(transform) = &field.transform {
            let value = transformed_value(&spec, transform);
            let decoded = if field.required {
                let required = rt("transform::required");
                quote!(#required(#value?, &#spec)?)
            } else {
                quote!(#value?)
            };
            initialisers.push(quote!(#field_ident: #decoded,));
            continue;
        }
        let decode = if field.required {
            quote!(required)
        } else {
            quote!(optional)
        };
        initialisers.push(quote!(#field_ident: input.#decode(&#spec)?,));
    }
    Ok(quote! {
        fn decode_fields(#input: &#object_ref<'_, 'a>) -> ::core::result::Result<Self, #decode_error> {
            Ok(Self { #(#initialisers)* })
        }
    })
}

/// The call giving a transformed field's value: `copy` alone keeps the field's type; the others
/// make text. The transformation is a constant, promoted to a static by the compiler.
fn transformed_value(spec: &Ident, transform: &ir::Transform) -> TokenStream {
    if let (ir::TransformSource::Copy(path), None) = (&transform.source, &transform.mask) {
        let copied = rt("transform::copied");
        let path = str_slice(path);
        return quote!(#copied(input, &#spec, #path));
    }
    let text = rt("transform::text");
    let spec_type = rt("transform::TransformSpec");
    let source = match &transform.source {
        ir::TransformSource::Own => rt("transform::Source::Own"),
        ir::TransformSource::Copy(path) => {
            let variant = rt("transform::Source::Copy");
            let path = str_slice(path);
            quote!(#variant(#path))
        }
        ir::TransformSource::Concat { paths, separator } => {
            let variant = rt("transform::Source::Concat");
            let paths = paths.iter().map(|path| str_slice(path));
            let separator = str_lit(separator);
            quote!(#variant { paths: &[#(#paths),*], separator: #separator })
        }
        ir::TransformSource::Split {
            from,
            separator,
            index,
        } => {
            let variant = rt("transform::Source::Split");
            let from = str_slice(from);
            let separator = str_lit(separator);
            let index = Literal::i64_unsuffixed(*index);
            quote!(#variant { from: #from, separator: #separator, index: #index })
        }
    };
    let mask = match &transform.mask {
        None => quote!(None),
        Some(ir::Mask::Hash) => {
            let hash = rt("transform::Mask::Hash");
            quote!(Some(#hash))
        }
        Some(ir::Mask::Redact(with)) => {
            let redact = rt("transform::Mask::Redact");
            let with = str_lit(with);
            quote!(Some(#redact(#with)))
        }
    };
    quote!(#text(input, &#spec, &#spec_type { source: #source, mask: #mask }))
}

fn write_fields(object: &ir::Object, field_idents: &[Ident]) -> Result<TokenStream, EmitError> {
    let writer = rt("ObjectWriter");
    let out = if object.fields.is_empty() {
        quote!(_out)
    } else {
        quote!(out)
    };
    let writes = object
        .fields
        .iter()
        .zip(field_idents)
        .map(|(field, field_ident)| {
            let spec = ident(&field_static_name(object, field))?;
            Ok(if field.required {
                quote!(out.field(&#spec, &self.#field_ident);)
            } else {
                quote!(out.optional(&#spec, &self.#field_ident);)
            })
        })
        .collect::<Result<Vec<_>, EmitError>>()?;
    Ok(quote! {
        fn write_fields<W: #writer>(&self, #out: &mut W) {
            #(#writes)*
        }
    })
}

/// One statement per indicator of a string field (or of the strings in an array field), in
/// schema order, one walk per `json` field with indicators, and one `collect_nested` per field
/// holding objects.
fn collect_indicators(
    ctx: &LogTypeContext,
    object: &ir::Object,
    field_idents: &[Ident],
) -> Result<TokenStream, EmitError> {
    let mut statements = Vec::new();
    for (field, field_ident) in object.fields.iter().zip(field_idents) {
        let (value, spec) = innermost_value(object, field)?;
        match &value.ty {
            ir::Type::String => {
                for (indicator_index, indicator) in value.indicators.iter().enumerate() {
                    let indicator_index = Literal::usize_unsuffixed(indicator_index);
                    let indicator_spec = quote!(&#spec.indicators[#indicator_index]);
                    statements.push(add_indicator(
                        object,
                        indicator,
                        &indicator_spec,
                        field_ident,
                    )?);
                }
            }
            ir::Type::Json if !value.indicators.is_empty() => {
                statements.extend(add_json_indicators(object, value, &spec, field_ident)?);
            }
            ir::Type::Object(child) => {
                ctx.object(*child)?;
                statements.push(collect_nested(field_ident));
            }
            _ => {}
        }
    }
    let sink_type = rt("IndicatorSink");
    let sink = if statements.is_empty() {
        quote!(_sink)
    } else {
        quote!(sink)
    };
    Ok(quote! {
        fn collect_indicators(&self, #sink: &mut #sink_type) {
            #(#statements)*
        }
    })
}

/// The value whose strings or objects a field holds (the innermost element for arrays) and the
/// expression naming its spec: `FIELD_STATIC.value`, or the element's own static, so no
/// `Option::unwrap` is needed to reach an element's indicators.
fn innermost_value<'a>(
    object: &ir::Object,
    field: &'a ir::Field,
) -> Result<(&'a ir::Value, TokenStream), EmitError> {
    let mut static_name = field_static_name(object, field);
    if !matches!(field.value.ty, ir::Type::Array(_)) {
        let field_static = ident(&static_name)?;
        return Ok((&field.value, quote!(#field_static.value)));
    }
    let mut value = &field.value;
    while let ir::Type::Array(element) = &value.ty {
        value = element;
        static_name = element_static_name(&static_name);
    }
    let element_static = ident(&static_name)?;
    Ok((value, quote!(#element_static)))
}

/// `sink.add(spec, &self.field);`, guarded by `condition_holds` on the sibling for a `when`.
fn add_indicator(
    object: &ir::Object,
    indicator: &ir::Indicator,
    spec: &TokenStream,
    field_ident: &Ident,
) -> Result<TokenStream, EmitError> {
    let add = quote!(sink.add(#spec, &self.#field_ident););
    Ok(match guard(object, indicator, spec)? {
        Some(condition) => quote! {
            if #condition {
                #add
            }
        },
        None => add,
    })
}

/// A `json` field's indicators: one walk of the value for all of them
/// (`sink.add_json(SPEC.indicators, &self.field)`); with a `when`, one guarded walk per indicator.
fn add_json_indicators(
    object: &ir::Object,
    value: &ir::Value,
    spec: &TokenStream,
    field_ident: &Ident,
) -> Result<Vec<TokenStream>, EmitError> {
    if value
        .indicators
        .iter()
        .all(|indicator| indicator.when.is_none())
    {
        return Ok(vec![
            quote!(sink.add_json(#spec.indicators, &self.#field_ident);),
        ]);
    }
    let mut statements = Vec::new();
    for (indicator_index, indicator) in value.indicators.iter().enumerate() {
        let indicator_index = Literal::usize_unsuffixed(indicator_index);
        let one = quote!(::core::slice::from_ref(&#spec.indicators[#indicator_index]));
        let add = quote!(sink.add_json(#one, &self.#field_ident););
        statements.push(
            match guard(
                object,
                indicator,
                &quote!(&#spec.indicators[#indicator_index]),
            )? {
                Some(condition) => quote!(if #condition { #add }),
                None => add,
            },
        );
    }
    Ok(statements)
}

/// `condition_holds(spec, &self.sibling)` for an indicator with a `when`.
fn guard(
    object: &ir::Object,
    indicator: &ir::Indicator,
    spec: &TokenStream,
) -> Result<Option<TokenStream>, EmitError> {
    let Some(condition) = &indicator.when else {
        return Ok(None);
    };
    let sibling = object
        .fields
        .get(condition.field_index)
        .filter(|sibling| sibling.value.ty == ir::Type::String)
        .ok_or_else(|| {
            EmitError::new(format!(
                "{}: indicator condition must name a string field of {} (index {})",
                indicator.location, object.rust_name, condition.field_index
            ))
        })?;
    let sibling_ident = ident(&sibling.rust_name)?;
    let condition_holds = rt("indicators::condition_holds");
    Ok(Some(quote!(#condition_holds(#spec, &self.#sibling_ident))))
}

fn collect_nested(field_ident: &Ident) -> TokenStream {
    let nested = rt("indicators::NestedIndicators::collect_nested");
    quote!(#nested(&self.#field_ident, sink);)
}

/// `fn event_time`, only for objects that hold an event time themselves or in nested objects:
/// the candidates in schema order (depth first through the nested objects' own `event_time`),
/// the first present one wins. `Option::or` evaluates every candidate, which is only a few field
/// reads and reads better than a chain of closures.
fn event_time(
    ctx: &LogTypeContext,
    object_index: usize,
    object: &ir::Object,
    field_idents: &[Ident],
) -> TokenStream {
    if !ctx.has_event_time(object_index) {
        return TokenStream::new();
    }
    let source = rt("event::EventTimeSource::event_time");
    let mut candidates =
        object
            .fields
            .iter()
            .zip(field_idents)
            .filter_map(|(field, field_ident)| {
                let is_candidate = match &field.value.ty {
                    ir::Type::Timestamp(_) => field.is_event_time,
                    ir::Type::Object(child) => *child > object_index && ctx.has_event_time(*child),
                    _ => false,
                };
                is_candidate.then(|| quote!(#source(&self.#field_ident)))
            });
    let Some(first) = candidates.next() else {
        return TokenStream::new();
    };
    let timestamp = rt("Timestamp");
    quote! {
        fn event_time(&self) -> ::core::option::Option<#timestamp> {
            #first #(.or(#candidates))*
        }
    }
}
