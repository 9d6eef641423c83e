//! The data types: one `pub struct` per object, with doc comments from the descriptions.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{doc_attrs, ident, rt};
use super::{EmitError, LogTypeContext};
use crate::ir;

/// `pub struct <Object> { ... }` for one object.
pub(super) fn object_struct(
    ctx: &LogTypeContext,
    object_index: usize,
    object: &ir::Object,
) -> Result<TokenStream, EmitError> {
    let name = ident(&object.rust_name)?;
    let lifetime = if ctx.borrows(object_index) {
        quote!(<'a>)
    } else {
        TokenStream::new()
    };
    let docs = doc_attrs(object.description.as_deref());
    let fields = object
        .fields
        .iter()
        .map(|field| {
            let field_name = ident(&field.rust_name)?;
            let field_docs = doc_attrs(field.description.as_deref());
            let value_type = rust_type(ctx, &field.value)?;
            let field_type = if field.required {
                value_type
            } else {
                quote!(::core::option::Option<#value_type>)
            };
            Ok(quote! {
                #field_docs
                pub #field_name: #field_type,
            })
        })
        .collect::<Result<Vec<_>, EmitError>>()?;
    Ok(quote! {
        #docs
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
        pub struct #name #lifetime {
            #(#fields)*
        }
    })
}

/// The Rust type that holds one present value. Strings borrow from the input line (`'a`) unless
/// they held JSON escapes.
fn rust_type(ctx: &LogTypeContext, value: &ir::Value) -> Result<TokenStream, EmitError> {
    Ok(match &value.ty {
        ir::Type::String => quote!(::std::borrow::Cow<'a, str>),
        ir::Type::SmallInt => quote!(i16),
        ir::Type::Int => quote!(i32),
        ir::Type::BigInt => quote!(i64),
        ir::Type::Float => quote!(f64),
        ir::Type::Boolean => quote!(bool),
        ir::Type::Timestamp(_) => rt("Timestamp"),
        ir::Type::Json => rt("JsonValue"),
        ir::Type::Array(element) => {
            let element_type = rust_type(ctx, element)?;
            quote!(::std::vec::Vec<#element_type>)
        }
        ir::Type::Object(index) => {
            let object = ctx.object(*index)?;
            let name = ident(&object.rust_name)?;
            if ctx.borrows(*index) {
                quote!(#name<'a>)
            } else {
                quote!(#name)
            }
        }
    })
}
