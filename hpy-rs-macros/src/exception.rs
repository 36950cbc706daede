//! `#[hpy_exception]`: a unit struct naming a new exception class, created when the module
//! loads (inside `#[hpy_module]`).

use crate::utils::{self, Errors};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::ItemStruct;

pub const EXC_OPTIONS: &[&str] = &["base", "name"];

/// Builtin exception names accepted as a bare `base = Name`.
const BUILTIN: &[&str] = &[
    "BaseException",
    "Exception",
    "ArithmeticError",
    "LookupError",
    "AssertionError",
    "AttributeError",
    "BufferError",
    "EOFError",
    "FloatingPointError",
    "OSError",
    "ImportError",
    "ModuleNotFoundError",
    "IndexError",
    "KeyError",
    "MemoryError",
    "NameError",
    "OverflowError",
    "RuntimeError",
    "RecursionError",
    "NotImplementedError",
    "ReferenceError",
    "SystemError",
    "TypeError",
    "UnicodeError",
    "ValueError",
    "ZeroDivisionError",
    "ConnectionError",
    "FileExistsError",
    "FileNotFoundError",
    "PermissionError",
    "TimeoutError",
    "Warning",
    "UserWarning",
    "DeprecationWarning",
    "RuntimeWarning",
    "FutureWarning",
];

/// The hidden global holding the class of exception `ident`.
pub fn global_ident(ident: &syn::Ident) -> syn::Ident {
    format_ident!("__hpy_exc_{}", ident)
}

pub fn expand(attr: TokenStream, item: ItemStruct) -> TokenStream {
    let mut errors = Errors::default();
    let mut base: Option<syn::Expr> = None;
    let mut name: Option<String> = None;
    match utils::parse_opts(attr) {
        Ok(opts) => {
            for opt in opts {
                match opt.key.to_string().as_str() {
                    "base" => base = opt.expr(&mut errors),
                    "name" => name = opt.string(&mut errors),
                    _ => utils::unknown_option(&mut errors, &opt.key, "hpy_exception", EXC_OPTIONS),
                }
            }
        }
        Err(e) => errors.push(e),
    }
    if !matches!(item.fields, syn::Fields::Unit) {
        errors.err(
            syn::spanned::Spanned::span(&item.fields),
            "#[hpy_exception] goes on a unit struct: `struct MyError;`",
        );
    }
    if let Err(e) = errors.finish() {
        let e = e.to_compile_error();
        return quote!(#item #e);
    }
    let ident = &item.ident;
    let vis = &item.vis;
    let global = global_ident(ident);
    let py_name = name.unwrap_or_else(|| ident.to_string());
    let doc = match utils::docstring(&item.attrs) {
        Some(d) => quote!(::core::option::Option::Some(#d)),
        None => quote!(::core::option::Option::None),
    };
    let base_tokens = match &base {
        None => quote!(::hpy_rs::exc::Exception::type_object(__ctx).to_owned()),
        Some(syn::Expr::Path(p))
            if p.path
                .get_ident()
                .is_some_and(|i| BUILTIN.contains(&i.to_string().as_str())) =>
        {
            quote!(::hpy_rs::exc::#p::type_object(__ctx).to_owned())
        }
        Some(e) => quote!(#e::type_object(__ctx).to_owned()),
    };
    quote! {
        #item
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        #vis static #global: ::hpy_rs::Global = ::hpy_rs::Global::new();
        impl #ident {
            /// A new instance of this exception with a message, raised when returned.
            #[allow(dead_code)]
            pub fn new_err(msg: impl ::core::convert::Into<::std::borrow::Cow<'static, str>>) -> ::hpy_rs::HPyErr {
                ::hpy_rs::HPyErr::new(::hpy_rs::ExcType::Global(&#global), msg)
            }
            /// Raises this exception with `value` as its argument (e.g. the offending object).
            #[allow(dead_code)]
            pub fn new_err_with<'py>(value: &::hpy_rs::Handle<'py>) -> ::hpy_rs::HPyErr {
                ::hpy_rs::impl_::raise_with_arg(::hpy_rs::ExcType::Global(&#global), value)
            }
            /// The exception class.
            #[allow(dead_code)]
            pub fn type_object<'py>(__ctx: ::hpy_rs::Ctx<'py>) -> ::hpy_rs::Handle<'py> {
                ::hpy_rs::ExcType::Global(&#global).load(__ctx)
            }
            #[doc(hidden)]
            pub fn __hpy_add<'py>(__ctx: ::hpy_rs::Ctx<'py>, __m: &::hpy_rs::Handle<'py>, __module: &str) -> ::hpy_rs::HPyResult<()> {
                let __base = #base_tokens;
                ::hpy_rs::impl_::module::add_exception(__ctx, __m, __module, #py_name, #doc, &__base, &#global)
            }
        }
    }
}
