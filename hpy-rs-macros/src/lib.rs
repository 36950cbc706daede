//! Procedural macros of hpy-rs. These entry points only parse and delegate: the expansion
//! logic lives in the modules below, which are unit-tested on `proc_macro2` token streams.
//! Generated code refers to the runtime only through `::hpy_rs::impl_` (and `::hpy_rs::ffi`).

extern crate proc_macro;

mod class;
mod exception;
mod function;
mod methods;
mod module;
mod signature;
mod utils;

use proc_macro::TokenStream;

/// Turns an inline `mod name { ... }` into an HPy extension module `name` (see the book).
#[proc_macro_attribute]
pub fn hpy_module(attr: TokenStream, item: TokenStream) -> TokenStream {
    match syn::parse::<syn::ItemMod>(item.clone()) {
        Ok(m) => module::expand(attr.into(), m).into(),
        Err(e) => reemit(item, e),
    }
}

/// Turns a Rust function into a Python function of the enclosing `#[hpy_module]`.
#[proc_macro_attribute]
pub fn hpy_function(attr: TokenStream, item: TokenStream) -> TokenStream {
    match syn::parse::<syn::ItemFn>(item.clone()) {
        Ok(f) => function::expand(attr.into(), f).into(),
        Err(e) => reemit(item, e),
    }
}

/// Declares a new exception class of the enclosing `#[hpy_module]` on a unit struct.
#[proc_macro_attribute]
pub fn hpy_exception(attr: TokenStream, item: TokenStream) -> TokenStream {
    match syn::parse::<syn::ItemStruct>(item.clone()) {
        Ok(s) => exception::expand(attr.into(), s).into(),
        Err(e) => reemit(item, e),
    }
}

fn reemit(item: TokenStream, e: syn::Error) -> TokenStream {
    let mut out = item;
    out.extend(TokenStream::from(e.to_compile_error()));
    out
}

/// Turns a struct into a Python class of the enclosing `#[hpy_module]`.
#[proc_macro_attribute]
pub fn hpy_class(attr: TokenStream, item: TokenStream) -> TokenStream {
    match syn::parse::<syn::ItemStruct>(item.clone()) {
        Ok(s) => class::expand_class(attr.into(), s).into(),
        Err(e) => reemit(item, e),
    }
}

/// Exposes the methods of an `#[hpy_class]` (constructor, methods, getters, protocols).
#[proc_macro_attribute]
pub fn hpy_methods(attr: TokenStream, item: TokenStream) -> TokenStream {
    match syn::parse::<syn::ItemImpl>(item.clone()) {
        Ok(i) => methods::expand(attr.into(), i).into(),
        Err(e) => reemit(item, e),
    }
}
