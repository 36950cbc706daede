//! `#[hpy_function]`: a Rust function becomes an HPy method def (impl + CPython trampoline +
//! `HPyDef`), placed in a hidden module of the same name as the function.

use crate::signature::{self, Kind, RustArg, Signature};
use crate::utils::{self, Errors};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::ItemFn;

/// The HPy calling convention chosen for a signature (the cheapest that can bind it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Convention {
    Noargs,
    O,
    Varargs,
    Keywords,
}

impl Convention {
    pub fn for_signature(sig: &Signature) -> Convention {
        if sig.params.is_empty() {
            return Convention::Noargs;
        }
        let lazy_varargs = sig.lazy_varargs();
        let all_positional_only = sig
            .params
            .iter()
            .all(|p| p.kind == Kind::PositionalOnly || (p.kind == Kind::VarArgs && lazy_varargs));
        if all_positional_only {
            if sig.params.len() == 1
                && sig.params[0].default.is_none()
                && sig.params[0].kind == Kind::PositionalOnly
            {
                Convention::O
            } else {
                Convention::Varargs
            }
        } else {
            Convention::Keywords
        }
    }

    pub fn sig_const(self) -> TokenStream {
        match self {
            Convention::Noargs => quote!(::hpy_rs::ffi::sig::NOARGS),
            Convention::O => quote!(::hpy_rs::ffi::sig::O),
            Convention::Varargs => quote!(::hpy_rs::ffi::sig::VARARGS),
            Convention::Keywords => quote!(::hpy_rs::ffi::sig::KEYWORDS),
        }
    }
}

/// Everything needed to generate one Python-callable function or method.
pub struct CallableSpec {
    /// Name in messages, e.g. `add` or `Point.norm`.
    pub msg_name: String,
    pub sig: Signature,
    pub rust_args: Vec<RustArg>,
}

/// Parsed `#[hpy_function(...)]` options.
#[derive(Default)]
pub struct FnOptions {
    pub name: Option<String>,
    pub signature: Option<TokenStream>,
    pub text_signature: Option<String>,
}

pub const FN_OPTIONS: &[&str] = &["name", "signature", "text_signature"];

pub fn parse_fn_options(attr: TokenStream, errors: &mut Errors) -> FnOptions {
    let mut o = FnOptions::default();
    match utils::parse_opts(attr) {
        Ok(opts) => {
            for opt in opts {
                match opt.key.to_string().as_str() {
                    "name" => o.name = opt.string(errors),
                    "text_signature" => o.text_signature = opt.string(errors),
                    "signature" => match opt.value {
                        Some(utils::OptValue::Tokens(t)) => o.signature = Some(t),
                        _ => errors.err(opt.key.span(), "`signature` expects `signature = (...)`"),
                    },
                    _ => utils::unknown_option(errors, &opt.key, "hpy_function", FN_OPTIONS),
                }
            }
        }
        Err(e) => errors.push(e),
    }
    o
}

/// The Python signature of `inputs` under `options`.
pub fn build_signature(
    inputs: &syn::punctuated::Punctuated<syn::FnArg, syn::Token![,]>,
    signature: Option<TokenStream>,
    errors: &mut Errors,
) -> (Vec<RustArg>, Signature) {
    let args = signature::rust_args(inputs, errors);
    let sig = match signature {
        Some(t) => signature::parse_signature(t, &args, errors),
        None => signature::default_signature(&args),
    };
    (args, sig)
}

/// The docstring with the `name(sig)\n--\n\n` prefix CPython turns into `__text_signature__`.
pub fn doc_with_signature(py_name: &str, text_sig: Option<&str>, doc: Option<&str>) -> String {
    match text_sig {
        Some(t) => format!("{py_name}{t}\n--\n\n{}", doc.unwrap_or("")),
        None => doc.unwrap_or("").to_owned(),
    }
}

/// The `FunctionDescription` static for a spec.
pub fn description(spec: &CallableSpec) -> TokenStream {
    let sig = &spec.sig;
    let name = &spec.msg_name;
    let positional: Vec<&String> = sig.positional().map(|p| &p.name).collect();
    let kwonly: Vec<&String> = sig.keyword_only().map(|p| &p.name).collect();
    let kwreq: Vec<bool> = sig.keyword_only().map(|p| p.default.is_none()).collect();
    let npo = sig.positional_only_count();
    let nreq = sig.required_positional();
    let varargs = sig.varargs().is_some();
    let varargs_tuple = varargs && !sig.lazy_varargs();
    let varkw = sig.varkw().is_some();
    quote! {
        static __DESC: ::hpy_rs::impl_::FunctionDescription = ::hpy_rs::impl_::FunctionDescription {
            func_name: #name,
            positional: &[#(#positional),*],
            positional_only: #npo,
            required_positional: #nreq,
            keyword_only: &[#(#kwonly),*],
            required_keyword_only: &[#(#kwreq),*],
            varargs: #varargs,
            varargs_tuple: #varargs_tuple,
            varkw: #varkw,
        };
    }
}

/// Tokens copying the first `npos` argument handles into `__out` (unrolled: no loop, no memcpy
/// call), for the fast path where the call passed exactly `npos` positionals.
fn copy_positionals(npos: usize) -> TokenStream {
    let copies = (0..npos).map(|i| {
        quote! {
            // SAFETY: the runtime passes `__nargs` (== npos) valid positional handles.
            __out[#i] = unsafe { ::hpy_rs::impl_::arg_at(__args, #i) };
        }
    });
    quote!(#(#copies)*)
}

/// `__out` of `n` slots filled by `copy` when `fast` holds, else by the `general` binder.
fn fast_or_general(
    n: usize,
    fast: TokenStream,
    copy: TokenStream,
    general: TokenStream,
) -> TokenStream {
    quote! {
        #[allow(unused_mut)]
        let mut __out = [::hpy_rs::ffi::HPy::NULL; #n];
        if #fast {
            #copy
        } else {
            #general
        }
    }
}

/// Tokens binding a `tp_new`'s raw arguments (`__args`, `__nargs`, `__kw`: a dict on CPython, a
/// tuple of names on PyPy) into `__out` (and `__extra`): exactly the positionals and no keyword
/// take the unrolled copy, anything else the general binder.
pub fn bind_new_args(spec: &CallableSpec) -> TokenStream {
    let n = spec.sig.positional().count() + spec.sig.keyword_only().count();
    let general = quote! {
        // SAFETY: arguments as the runtime passed them (dict or kwnames tuple).
        unsafe { ::hpy_rs::impl_::bind_new(&__DESC, __ctx, __args, __nargs as usize, __kw, &mut __out) }?
    };
    if spec.sig.varargs().is_some() || spec.sig.varkw().is_some() {
        return quote! {
            let mut __out = [::hpy_rs::ffi::HPy::NULL; #n];
            let __extra = #general;
            // `tp_new` gets a signed count; `VarArgs` takes it as a length.
            let __nargs = __nargs as usize;
        };
    }
    let npos = spec.sig.positional().count();
    let fast = if spec.sig.keyword_only().all(|p| p.default.is_some()) {
        quote!(__kw.is_null() && __nargs == #npos as isize)
    } else {
        quote!(false)
    };
    let copy = copy_positionals(npos);
    // The general binder's result owns the handles it took out of a keyword dict (CPython):
    // it must live as long as `__out`.
    quote! {
        #[allow(unused_mut)]
        let mut __out = [::hpy_rs::ffi::HPy::NULL; #n];
        let __keep = if #fast {
            #copy
            ::core::option::Option::None
        } else {
            ::core::option::Option::Some(#general)
        };
    }
}

/// Tokens binding the raw arguments into `__out` (and `__extra`), per convention.
pub fn bind_args(conv: Convention, spec: &CallableSpec) -> TokenStream {
    let n = spec.sig.positional().count() + spec.sig.keyword_only().count();
    match conv {
        Convention::Noargs => quote!(),
        Convention::O => quote!(let __out = [__arg];),
        Convention::Varargs => {
            let npos = spec.sig.positional().count();
            let copy = copy_positionals(npos);
            let fast = if spec.sig.lazy_varargs() {
                quote!(__nargs >= #npos)
            } else {
                quote!(__nargs == #npos)
            };
            let general = quote! {
                // SAFETY: the runtime passes `__nargs` valid argument handles.
                unsafe { __DESC.bind_positional_only(__args, __nargs, &mut __out) }?;
            };
            fast_or_general(n, fast, copy, general)
        }
        Convention::Keywords if spec.sig.varargs().is_none() && spec.sig.varkw().is_none() => {
            // The common call passes every positional parameter and no keyword: copy the
            // handles straight into place; anything else takes the general binder.
            let npos = spec.sig.positional().count();
            let kw_defaults = spec.sig.keyword_only().all(|p| p.default.is_some());
            let fast = if kw_defaults {
                quote!(__kwnames.is_null() && __nargs == #npos)
            } else {
                quote!(false)
            };
            let copy = copy_positionals(npos);
            let general = quote! {
                // SAFETY: the runtime passes `__nargs` positionals then the kwnames' values.
                unsafe { __DESC.bind_vectorcall(__ctx, __args, __nargs, __kwnames, &mut __out) }?;
            };
            fast_or_general(n, fast, copy, general)
        }
        Convention::Keywords => quote! {
            let mut __out = [::hpy_rs::ffi::HPy::NULL; #n];
            // SAFETY: the runtime passes `__nargs` positionals then the kwnames' values.
            let __extra = unsafe { __DESC.bind_vectorcall(__ctx, __args, __nargs, __kwnames, &mut __out) }?;
        },
    }
}

/// Tokens converting every bound argument into the Rust values `__a<i>` (by Rust index), and
/// the argument list for the call.
pub fn extract_args(spec: &CallableSpec) -> (TokenStream, Vec<TokenStream>) {
    let fname = &spec.msg_name;
    let mut out = TokenStream::new();
    let positional: Vec<&signature::Param> = spec.sig.positional().collect();
    let kwonly: Vec<&signature::Param> = spec.sig.keyword_only().collect();
    // `__extra` exists exactly when the general keyword binder ran for `*args`/`**kwargs`.
    let has_extra = Convention::for_signature(&spec.sig) == Convention::Keywords
        && (spec.sig.varargs().is_some() || spec.sig.varkw().is_some());
    if has_extra {
        out.extend(quote! {
            let ::hpy_rs::impl_::args::Extra { varargs: __va, varkw: __vk, keep: __keep } = __extra;
        });
    }
    for (slot, p) in positional.iter().chain(kwonly.iter()).enumerate() {
        let a = format_ident!("__a{}", p.rust_index);
        let h = format_ident!("__h{}", p.rust_index);
        let pname = &p.name;
        let extract = quote!(::hpy_rs::impl_::extract_arg(&*#h, #fname, #pname)?);
        let value = match &p.default {
            Some(d) => quote!(if __out[#slot].is_null() { #d } else { #extract }),
            None => extract,
        };
        out.extend(quote! {
            // SAFETY: bound handles are borrowed from this call's arguments.
            let #h = unsafe { ::hpy_rs::impl_::arg(__ctx, __out[#slot]) };
            let #a = #value;
        });
    }
    if let Some(p) = spec.sig.varargs().filter(|_| spec.sig.lazy_varargs()) {
        let a = format_ident!("__a{}", p.rust_index);
        let npos = positional.len();
        out.extend(quote! {
            // SAFETY: the runtime passes `__nargs` valid positional handles at `__args`.
            let #a = unsafe { ::hpy_rs::VarArgs::from_raw(__ctx, __args, __nargs, #npos) };
        });
    } else if let Some(p) = spec.sig.varargs() {
        let a = format_ident!("__a{}", p.rust_index);
        let pname = &p.name;
        out.extend(quote! {
            let __va = match __va { ::core::option::Option::Some(v) => v, ::core::option::Option::None => __ctx.tuple_from_raw(&[])? };
            let #a = ::hpy_rs::impl_::extract_arg(&__va, #fname, #pname)?;
        });
    }
    if let Some(p) = spec.sig.varkw() {
        let a = format_ident!("__a{}", p.rust_index);
        let pname = &p.name;
        if utils::type_is(&p.ty, "Option") {
            out.extend(quote! {
                let #a = match &__vk {
                    ::core::option::Option::Some(d) => ::hpy_rs::impl_::extract_arg(d, #fname, #pname)?,
                    ::core::option::Option::None => ::core::option::Option::None,
                };
            });
        } else {
            out.extend(quote! {
                let __vk = match __vk { ::core::option::Option::Some(d) => d, ::core::option::Option::None => __ctx.new_dict()? };
                let #a = ::hpy_rs::impl_::extract_arg(&__vk, #fname, #pname)?;
            });
        }
    }
    if has_extra {
        out.extend(quote!(let _ = &__keep;));
    }
    let call_args = spec
        .rust_args
        .iter()
        .enumerate()
        .map(|(i, a)| match a {
            RustArg::Ctx => quote!(__ctx),
            RustArg::Python { .. } => {
                let a = format_ident!("__a{}", i);
                quote!(#a)
            }
        })
        .collect();
    (out, call_args)
}

/// The `extern "C"` impl parameters of a method convention.
pub fn impl_params(conv: Convention) -> TokenStream {
    let base = quote!(__ctx: *mut ::hpy_rs::ffi::HPyContext, __self: ::hpy_rs::ffi::HPy);
    match conv {
        Convention::Noargs => base,
        Convention::O => quote!(#base, __arg: ::hpy_rs::ffi::HPy),
        Convention::Varargs => quote!(#base, __args: *const ::hpy_rs::ffi::HPy, __nargs: usize),
        Convention::Keywords => {
            quote!(#base, __args: *const ::hpy_rs::ffi::HPy, __nargs: usize, __kwnames: ::hpy_rs::ffi::HPy)
        }
    }
}

/// The impl's function-pointer type.
pub fn impl_fn_type(conv: Convention) -> TokenStream {
    let base = quote!(*mut ::hpy_rs::ffi::HPyContext, ::hpy_rs::ffi::HPy);
    match conv {
        Convention::Noargs => quote!(unsafe extern "C" fn(#base) -> ::hpy_rs::ffi::HPy),
        Convention::O => {
            quote!(unsafe extern "C" fn(#base, ::hpy_rs::ffi::HPy) -> ::hpy_rs::ffi::HPy)
        }
        Convention::Varargs => {
            quote!(unsafe extern "C" fn(#base, *const ::hpy_rs::ffi::HPy, usize) -> ::hpy_rs::ffi::HPy)
        }
        Convention::Keywords => quote!(
            unsafe extern "C" fn(#base, *const ::hpy_rs::ffi::HPy, usize, ::hpy_rs::ffi::HPy) -> ::hpy_rs::ffi::HPy
        ),
    }
}

/// The CPython trampoline for a method convention, forwarding to `__CFUNC`; returns the
/// function and its pointer type.
pub fn trampoline(conv: Convention) -> (TokenStream, TokenStream) {
    let o = quote!(*mut ::hpy_rs::ffi::cpy_PyObject);
    match conv {
        Convention::Noargs => (
            quote! {
                unsafe extern "C" fn __tramp(s: #o, _unused: #o) -> #o {
                    // SAFETY: called by CPython with its arguments; forwards them unchanged.
                    unsafe { ::hpy_rs::impl_::tramp::noargs(s, __CFUNC) }
                }
            },
            quote!(unsafe extern "C" fn(#o, #o) -> #o),
        ),
        Convention::O => (
            quote! {
                unsafe extern "C" fn __tramp(s: #o, a: #o) -> #o {
                    // SAFETY: called by CPython with its arguments; forwards them unchanged.
                    unsafe { ::hpy_rs::impl_::tramp::o(s, a, __CFUNC) }
                }
            },
            quote!(unsafe extern "C" fn(#o, #o) -> #o),
        ),
        Convention::Varargs => (
            quote! {
                unsafe extern "C" fn __tramp(s: #o, a: *const #o, n: isize) -> #o {
                    // SAFETY: called by CPython with its arguments; forwards them unchanged.
                    unsafe { ::hpy_rs::impl_::tramp::varargs(s, a, n, __CFUNC) }
                }
            },
            quote!(unsafe extern "C" fn(#o, *const #o, isize) -> #o),
        ),
        Convention::Keywords => (
            quote! {
                unsafe extern "C" fn __tramp(s: #o, a: *const #o, n: usize, k: #o) -> #o {
                    // SAFETY: called by CPython with its arguments; forwards them unchanged.
                    unsafe { ::hpy_rs::impl_::tramp::keywords(s, a, n, k, __CFUNC) }
                }
            },
            quote!(unsafe extern "C" fn(#o, *const #o, usize, #o) -> #o),
        ),
    }
}

/// A complete `HPyMeth` def: `__DESC`, `__impl`, `__CFUNC`, `__tramp` and `pub static __HPY_DEF`.
/// `call` produces the user call from the argument list (e.g. `super::greet(a, b)`).
pub fn meth_def(
    spec: &CallableSpec,
    py_name: &str,
    doc: &str,
    receiver: TokenStream,
    call: impl FnOnce(&[TokenStream]) -> TokenStream,
) -> TokenStream {
    let conv = Convention::for_signature(&spec.sig);
    let desc = description(spec);
    let bind = bind_args(conv, spec);
    let (extract, args) = extract_args(spec);
    let user_call = call(&args);
    let params = impl_params(conv);
    let fn_ty = impl_fn_type(conv);
    let (tramp, tramp_ty) = trampoline(conv);
    let sig_const = conv.sig_const();
    let name_c = utils::c_str(py_name);
    let doc_c = utils::c_str_or_null(if doc.is_empty() { None } else { Some(doc) });
    quote! {
        #desc
        unsafe extern "C" fn __impl(#params) -> ::hpy_rs::ffi::HPy {
            // SAFETY: the runtime calls this impl with its context and argument handles.
            unsafe {
                ::hpy_rs::impl_::run_handle(__ctx, |__ctx| {
                    #receiver
                    #bind
                    #extract
                    let __ret = #user_call;
                    ::hpy_rs::IntoHandle::into_handle(__ret, __ctx)
                })
            }
        }
        const __CFUNC: ::hpy_rs::ffi::HPyCFunction = ::hpy_rs::__hpy_cfunc!(__impl, #fn_ty);
        #tramp
        pub static __HPY_DEF: ::hpy_rs::impl_::SyncCell<::hpy_rs::ffi::HPyDef> =
            ::hpy_rs::impl_::SyncCell::new(::hpy_rs::ffi::HPyDef {
                kind: ::hpy_rs::ffi::kind::Meth,
                u: ::hpy_rs::ffi::HPyDefUnion {
                    meth: ::hpy_rs::ffi::HPyMeth {
                        name: #name_c,
                        impl_: __CFUNC,
                        cpy_trampoline: ::hpy_rs::__hpy_tramp!(__tramp, #tramp_ty),
                        signature: #sig_const,
                        doc: #doc_c,
                    },
                },
            });
    }
}

/// Expands `#[hpy_function(...)] fn ...`.
pub fn expand(attr: TokenStream, mut item: ItemFn) -> TokenStream {
    let mut errors = Errors::default();
    let opts = parse_fn_options(attr, &mut errors);
    if let Some(g) = item.sig.generics.type_params().next() {
        errors.err(
            g.ident.span(),
            "#[hpy_function] functions cannot be generic over types",
        );
    }
    if let Some(a) = &item.sig.asyncness {
        errors.err(a.span, "#[hpy_function] functions cannot be `async`");
    }
    if let Some(r) = item.sig.receiver() {
        errors.err(
            syn::spanned::Spanned::span(r),
            "`self` is only allowed in `#[hpy_methods]`",
        );
    }
    let (rust_args, sig) = build_signature(&item.sig.inputs, opts.signature, &mut errors);
    if let Err(e) = errors.finish() {
        let err = e.to_compile_error();
        return quote!(#item #err);
    }
    let ident = item.sig.ident.clone();
    let py_name = opts.name.unwrap_or_else(|| signature::unraw(&ident));
    let text_sig = opts
        .text_signature
        .unwrap_or_else(|| sig.text_signature(None));
    let doc = doc_with_signature(
        &py_name,
        Some(&text_sig),
        utils::docstring(&item.attrs).as_deref(),
    );
    let spec = CallableSpec {
        msg_name: py_name.clone(),
        sig,
        rust_args,
    };
    let def = meth_def(
        &spec,
        &py_name,
        &doc,
        quote!(),
        |args| quote!(super::#ident(#(#args),*)),
    );
    let vis = &item.vis;
    // Keep the user's function untouched (minus nothing: our attribute is already consumed).
    item.attrs.retain(|a| !a.path().is_ident("hpy_function"));
    quote! {
        #item
        #[doc(hidden)]
        #[allow(non_snake_case, non_upper_case_globals, unused_imports, unused_variables, clippy::all)]
        #vis mod #ident {
            use super::*;
            #def
        }
    }
}

/// A span for generated items that points nowhere in particular.
#[allow(dead_code)]
pub fn call_site() -> Span {
    Span::call_site()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig_of(f: syn::ItemFn, s: Option<TokenStream>) -> Signature {
        let mut e = Errors::default();
        build_signature(&f.sig.inputs, s, &mut e).1
    }

    #[test]
    fn conventions_are_the_cheapest_that_fit() {
        let none = sig_of(
            syn::parse_quote!(
                fn f() {}
            ),
            None,
        );
        assert_eq!(Convention::for_signature(&none), Convention::Noargs);
        let one = sig_of(
            syn::parse_quote!(
                fn f(x: i64) {}
            ),
            Some(quote!(x, /)),
        );
        assert_eq!(Convention::for_signature(&one), Convention::O);
        let two = sig_of(
            syn::parse_quote!(
                fn f(x: i64, y: i64) {}
            ),
            Some(quote!(x, y, /)),
        );
        assert_eq!(Convention::for_signature(&two), Convention::Varargs);
        let kw = sig_of(
            syn::parse_quote!(
                fn f(x: i64) {}
            ),
            None,
        );
        assert_eq!(Convention::for_signature(&kw), Convention::Keywords);
    }

    #[test]
    fn expansion_names_the_hidden_module_after_the_function() {
        let out = expand(
            quote!(),
            syn::parse_quote!(
                fn add(a: i64, b: i64) -> i64 {
                    a + b
                }
            ),
        );
        let s = out.to_string();
        assert!(s.contains("mod add"), "{s}");
        assert!(
            s.contains("\"add(a, b)\\n--\\n\\n\\u{0}\"") || s.contains("add(a, b)"),
            "{s}"
        );
        assert!(s.contains("KEYWORDS"), "{s}");
    }

    #[test]
    fn unknown_options_list_the_accepted_ones() {
        let out = expand(
            quote!(nme = "x"),
            syn::parse_quote!(
                fn f() {}
            ),
        );
        let s = out.to_string();
        assert!(s.contains("unknown hpy_function option `nme`"), "{s}");
        assert!(s.contains("`name`, `signature`, `text_signature`"), "{s}");
        // The user's item is re-emitted even on error.
        assert!(s.contains("fn f"), "{s}");
    }
}
