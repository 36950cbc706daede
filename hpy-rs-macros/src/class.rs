//! `#[hpy_class]`: a struct becomes a pure HPy type; its payload is the struct (inside a
//! borrow-checked cell). Methods come from `#[hpy_methods]`.

use crate::utils::{self, Errors};
use proc_macro2::TokenStream;
use quote::quote;
use syn::ItemStruct;

pub const CLASS_OPTIONS: &[&str] = &["name", "subclass"];

pub fn expand_class(attr: TokenStream, item: ItemStruct) -> TokenStream {
    let mut errors = Errors::default();
    let mut name: Option<String> = None;
    match utils::parse_opts(attr) {
        Ok(opts) => {
            for opt in opts {
                match opt.key.to_string().as_str() {
                    "name" => name = opt.string(&mut errors),
                    "subclass" => errors.err(
                        opt.key.span(),
                        "`subclass` is not supported: CPython's hpy 0.9.0 corrupts Python subclasses of pure HPy types (wrong payload pointer in HPy_New, tp_traverse and tp_destroy), so hpy-rs classes are final",
                    ),
                    _ => utils::unknown_option(&mut errors, &opt.key, "hpy_class", CLASS_OPTIONS),
                }
            }
        }
        Err(e) => errors.push(e),
    }
    if !item.generics.params.is_empty() {
        errors.err(
            syn::spanned::Spanned::span(&item.generics),
            "#[hpy_class] structs cannot be generic",
        );
    }
    let ident = &item.ident;
    let py_name = name.unwrap_or_else(|| ident.to_string());
    let doc = match utils::docstring(&item.attrs) {
        Some(d) => quote!(::core::option::Option::Some(#d)),
        None => quote!(::core::option::Option::None),
    };
    let field_members: Vec<TokenStream> = item
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| utils::type_is(&f.ty, "Field"))
        .map(|(i, f)| match &f.ident {
            Some(id) => quote!(#id),
            None => {
                let idx = syn::Index::from(i);
                quote!(#idx)
            }
        })
        .collect();
    let has_fields = !field_members.is_empty();
    let body = quote! {
        impl ::hpy_rs::class::HPyClass for #ident {
            const NAME: &'static str = #py_name;
            const DOC: ::core::option::Option<&'static str> = #doc;
            const HAS_FIELDS: bool = #has_fields;
            fn type_global() -> &'static ::hpy_rs::Global {
                static TYPE: ::hpy_rs::Global = ::hpy_rs::Global::new();
                &TYPE
            }
            fn defines() -> ::std::vec::Vec<::hpy_rs::ffi::HPyDef> {
                #[allow(unused_imports)]
                use ::hpy_rs::impl_::NoMethods as _;
                <#ident>::__hpy_method_defs()
            }
            fn visit_fields(
                value: &Self,
                visit: &mut dyn FnMut(*mut ::hpy_rs::ffi::HPyField) -> ::core::ffi::c_int,
            ) -> ::core::ffi::c_int {
                #(
                    let r = visit(value.#field_members.as_raw_ptr());
                    if r != 0 { return r; }
                )*
                let _ = (value, visit);
                0
            }
        }
        impl<'py> ::hpy_rs::IntoHandle<'py> for #ident {
            #[inline]
            fn into_handle(self, ctx: ::hpy_rs::Ctx<'py>) -> ::hpy_rs::HPyResult<::hpy_rs::Handle<'py>> {
                ::hpy_rs::class::new_instance(ctx, self)
            }
        }
    };
    match errors.finish() {
        Ok(()) => quote!(#item #body),
        Err(e) => {
            let e = e.to_compile_error();
            quote!(#item #e)
        }
    }
}
