//! `#[hpy_methods] impl T { ... }`: constructor, methods, getters/setters and protocol methods
//! (recognised by name) of an `#[hpy_class]`. Each becomes defs returned by the inherent
//! `T::__hpy_method_defs()` that type creation copies fresh every time.

use crate::function::{self, CallableSpec};
use crate::signature::{self, RustArg};
use crate::utils::{self, Errors};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use std::collections::BTreeMap;
use syn::{ImplItem, ImplItemFn, ItemImpl, Type};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Recv {
    None,
    Ref,
    Mut,
}

const UNARY: &[(&str, &str)] = &[
    ("__neg__", "nb_negative"),
    ("__pos__", "nb_positive"),
    ("__abs__", "nb_absolute"),
    ("__invert__", "nb_invert"),
    ("__int__", "nb_int"),
    ("__float__", "nb_float"),
    ("__index__", "nb_index"),
];
const BINARY: &[(&str, &str, &str)] = &[
    ("__add__", "__radd__", "nb_add"),
    ("__sub__", "__rsub__", "nb_subtract"),
    ("__mul__", "__rmul__", "nb_multiply"),
    ("__truediv__", "__rtruediv__", "nb_true_divide"),
    ("__floordiv__", "__rfloordiv__", "nb_floor_divide"),
    ("__mod__", "__rmod__", "nb_remainder"),
    ("__divmod__", "__rdivmod__", "nb_divmod"),
    ("__lshift__", "__rlshift__", "nb_lshift"),
    ("__rshift__", "__rrshift__", "nb_rshift"),
    ("__and__", "__rand__", "nb_and"),
    ("__or__", "__ror__", "nb_or"),
    ("__xor__", "__rxor__", "nb_xor"),
    ("__matmul__", "__rmatmul__", "nb_matrix_multiply"),
];
const INPLACE: &[(&str, &str)] = &[
    ("__iadd__", "nb_inplace_add"),
    ("__isub__", "nb_inplace_subtract"),
    ("__imul__", "nb_inplace_multiply"),
    ("__itruediv__", "nb_inplace_true_divide"),
    ("__ifloordiv__", "nb_inplace_floor_divide"),
    ("__imod__", "nb_inplace_remainder"),
    ("__ilshift__", "nb_inplace_lshift"),
    ("__irshift__", "nb_inplace_rshift"),
    ("__iand__", "nb_inplace_and"),
    ("__ior__", "nb_inplace_or"),
    ("__ixor__", "nb_inplace_xor"),
    ("__imatmul__", "nb_inplace_matrix_multiply"),
];
const CMP: &[(&str, &str)] = &[
    ("__lt__", "LT"),
    ("__le__", "LE"),
    ("__eq__", "EQ"),
    ("__ne__", "NE"),
    ("__gt__", "GT"),
    ("__ge__", "GE"),
];
const METHOD_ATTRS: &[&str] = &[
    "new",
    "getter",
    "setter",
    "hpy",
    "staticmethod",
    "classmethod",
];

struct Method {
    item: ImplItemFn,
    recv: Recv,
    rust_args: Vec<RustArg>,
}

fn o() -> TokenStream {
    quote!(*mut ::hpy_rs::ffi::cpy_PyObject)
}

fn recv_tokens(ty: &Type, recv: Recv, raw: &syn::Ident) -> (TokenStream, TokenStream) {
    match recv {
        Recv::None => (quote!(), quote!()),
        Recv::Ref | Recv::Mut => {
            let borrow = if recv == Recv::Mut {
                quote!(borrow_mut)
            } else {
                quote!(borrow)
            };
            let deref = if recv == Recv::Mut {
                quote!(&mut *__slf,)
            } else {
                quote!(&*__slf,)
            };
            (
                quote! {
                    // SAFETY: the runtime lends `self` for this call.
                    let __slf_h = unsafe { ::hpy_rs::impl_::arg(__ctx, #raw) };
                    #[allow(unused_mut)]
                    let mut __slf = ::hpy_rs::class::ClassCell::<#ty>::of(&*__slf_h)?.#borrow()?;
                },
                deref,
            )
        }
    }
}

/// Positional call arguments for a protocol method: `Ctx` params get `__ctx`, Python params
/// get the given expressions in order.
fn proto_args(m: &Method, values: &[TokenStream]) -> Vec<TokenStream> {
    let mut it = values.iter();
    m.rust_args
        .iter()
        .map(|a| match a {
            RustArg::Ctx => quote!(__ctx),
            RustArg::Python { .. } => it
                .next()
                .cloned()
                .unwrap_or_else(|| quote!(::core::compile_error!("missing argument"))),
        })
        .collect()
}

fn py_arg_count(m: &Method) -> usize {
    m.rust_args
        .iter()
        .filter(|a| matches!(a, RustArg::Python { .. }))
        .count()
}

fn slot_def(
    slot: &str,
    impl_fn: TokenStream,
    impl_ty: TokenStream,
    tramp: TokenStream,
    tramp_ty: TokenStream,
) -> TokenStream {
    let slot = format_ident!("{}", slot);
    quote! {
        ::hpy_rs::ffi::HPyDef {
            kind: ::hpy_rs::ffi::kind::Slot,
            u: ::hpy_rs::ffi::HPyDefUnion { slot: ::hpy_rs::ffi::HPySlot {
                slot: ::hpy_rs::ffi::slot::#slot,
                impl_: ::hpy_rs::__hpy_cfunc!(#impl_fn, #impl_ty),
                cpy_trampoline: ::hpy_rs::__hpy_tramp!(#tramp, #tramp_ty),
            } },
        }
    }
}

/// Extraction of a protocol operand; on failure either raise or (binary ops) give NotImplemented.
fn operand(h: &TokenStream, name: &str, not_implemented: bool) -> TokenStream {
    if not_implemented {
        quote!(match ::hpy_rs::impl_::extract_arg(&*#h, #name, "other") {
            ::core::result::Result::Ok(v) => v,
            ::core::result::Result::Err(e) => {
                e.discard(__ctx);
                return ::core::result::Result::Ok(__ctx.not_implemented().to_owned());
            }
        })
    } else {
        quote!(::hpy_rs::impl_::extract_arg(&*#h, #name, "key")?)
    }
}

pub fn expand(attr: TokenStream, mut item: ItemImpl) -> TokenStream {
    let mut errors = Errors::default();
    if !attr.is_empty() {
        errors.err(Span::call_site(), "#[hpy_methods] takes no options");
    }
    if let Some((_, path, _)) = &item.trait_ {
        errors.err(
            syn::spanned::Spanned::span(path),
            "#[hpy_methods] goes on an inherent `impl Type { ... }` block",
        );
    }
    let ty = (*item.self_ty).clone();
    let class_name = match &ty {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    };

    let mut defs: Vec<TokenStream> = Vec::new();
    let mut mods: Vec<TokenStream> = Vec::new();
    let mut protos: BTreeMap<String, Method> = BTreeMap::new();
    let mut getsets: BTreeMap<String, (Option<Method>, Option<Method>)> = BTreeMap::new();
    let mut has_new = false;
    let mut counter = 0usize;

    for it in item.items.iter_mut() {
        let ImplItem::Fn(f) = it else { continue };
        let mut kind = None::<&str>;
        let mut opts = function::FnOptions::default();
        let mut getter_name = None;
        for a in f.attrs.iter() {
            let Some(id) = a.path().get_ident() else {
                continue;
            };
            let id = id.to_string();
            if !METHOD_ATTRS.contains(&id.as_str()) {
                continue;
            }
            match id.as_str() {
                "new" | "getter" | "setter" => {
                    if kind.is_some() {
                        errors.err(syn::spanned::Spanned::span(a), "a method can have only one of #[new], #[getter], #[setter]");
                    }
                    kind = Some(match id.as_str() { "new" => "new", "getter" => "getter", _ => "setter" });
                    if let Ok(t) = utils::attr_args(a) {
                        if !t.is_empty() {
                            match syn::parse2::<syn::Ident>(t.clone()) {
                                Ok(n) => getter_name = Some(n.to_string()),
                                Err(_) => match syn::parse2::<syn::LitStr>(t) {
                                    Ok(s) => getter_name = Some(s.value()),
                                    Err(e) => errors.push(e),
                                },
                            }
                        }
                    }
                }
                "hpy" => match utils::attr_args(a) {
                    Ok(t) => opts = function::parse_fn_options(t, &mut errors),
                    Err(e) => errors.push(e),
                },
                _ => errors.err(
                    syn::spanned::Spanned::span(a),
                    format!("#[{id}] is not supported yet by hpy-rs (HPy 0.9 method defs have no static/class flags); use a module-level #[hpy_function]"),
                ),
            }
        }
        f.attrs.retain(|a| {
            !a.path()
                .get_ident()
                .is_some_and(|i| METHOD_ATTRS.contains(&i.to_string().as_str()))
        });
        let recv = match f.sig.receiver() {
            None => Recv::None,
            Some(r) if r.reference.is_none() => {
                errors.err(
                    r.self_token.span,
                    "methods take `&self` or `&mut self`, not `self` by value",
                );
                Recv::Ref
            }
            Some(r) if r.mutability.is_some() => Recv::Mut,
            Some(_) => Recv::Ref,
        };
        let (rust_args, sig) =
            function::build_signature(&f.sig.inputs, opts.signature.clone(), &mut errors);
        let m = Method {
            item: f.clone(),
            recv,
            rust_args,
        };
        let ident = f.sig.ident.clone();
        let name = signature::unraw(&ident);
        match kind {
            Some("new") => {
                if recv != Recv::None {
                    errors.err(ident.span(), "#[new] takes no `self`");
                }
                has_new = true;
                let spec = CallableSpec {
                    msg_name: format!("{class_name}()"),
                    sig,
                    rust_args: m.rust_args.clone(),
                };
                mods.push(gen_new(&ty, &spec, &ident, counter, &mut defs));
                counter += 1;
            }
            Some("getter") => {
                if recv == Recv::None {
                    errors.err(ident.span(), "#[getter] needs `&self`");
                }
                let n = getter_name
                    .unwrap_or_else(|| name.strip_prefix("get_").unwrap_or(&name).to_owned());
                getsets.entry(n).or_default().0 = Some(m);
            }
            Some("setter") => {
                if recv != Recv::Mut {
                    errors.err(ident.span(), "#[setter] needs `&mut self`");
                }
                let n = getter_name
                    .unwrap_or_else(|| name.strip_prefix("set_").unwrap_or(&name).to_owned());
                getsets.entry(n).or_default().1 = Some(m);
            }
            _ if name.starts_with("__")
                && name.ends_with("__")
                && !matches!(name.as_str(), "__iter__" | "__next__" | "__call__") =>
            {
                if recv == Recv::None {
                    errors.err(
                        ident.span(),
                        format!("`{name}` needs `&self` or `&mut self`"),
                    );
                }
                let known = [
                    "__repr__",
                    "__str__",
                    "__len__",
                    "__bool__",
                    "__hash__",
                    "__getitem__",
                    "__setitem__",
                    "__delitem__",
                    "__contains__",
                    "__richcmp__",
                ];
                let ok = known.contains(&name.as_str())
                    || UNARY.iter().any(|u| u.0 == name)
                    || BINARY.iter().any(|b| b.0 == name || b.1 == name)
                    || INPLACE.iter().any(|b| b.0 == name)
                    || CMP.iter().any(|c| c.0 == name);
                if !ok {
                    errors.err(ident.span(), format!("`{name}` is not a protocol method hpy-rs knows; rename it or see the book's list of supported magic methods"));
                    continue;
                }
                protos.insert(name, m);
            }
            _ => {
                if recv == Recv::None {
                    errors.err(ident.span(), "methods without `self` need #[new] (static and class methods are not supported yet)");
                    continue;
                }
                let py_name = opts.name.clone().unwrap_or(name.clone());
                let text = sig.text_signature(Some("$self"));
                let doc = function::doc_with_signature(
                    &py_name,
                    Some(&text),
                    utils::docstring(&f.attrs).as_deref(),
                );
                let spec = CallableSpec {
                    msg_name: format!("{class_name}.{py_name}"),
                    sig,
                    rust_args: m.rust_args.clone(),
                };
                let (recv_code, recv_arg) = recv_tokens(&ty, recv, &format_ident!("__self"));
                let def = function::meth_def(
                    &spec,
                    &py_name,
                    &doc,
                    recv_code,
                    |args| quote!(<#ty>::#ident(#recv_arg #(#args),*)),
                );
                let md = format_ident!("__hpy_m{}", counter);
                counter += 1;
                mods.push(quote!(mod #md { use super::*; #def }));
                defs.push(quote!(unsafe { *#md::__HPY_DEF.get() }));
            }
        }
    }
    if !has_new {
        mods.push(gen_no_new(&class_name, &mut defs));
    }
    for (name, (get, set)) in &getsets {
        mods.push(gen_getset(
            &ty,
            name,
            get.as_ref(),
            set.as_ref(),
            counter,
            &mut defs,
            &mut errors,
        ));
        counter += 1;
    }
    gen_protocols(
        &ty,
        &class_name,
        &protos,
        &mut mods,
        &mut defs,
        &mut counter,
    );

    if let Err(e) = errors.finish() {
        let e = e.to_compile_error();
        return quote!(#item #e impl #ty { #[doc(hidden)] pub fn __hpy_method_defs() -> ::std::vec::Vec<::hpy_rs::ffi::HPyDef> { ::std::vec::Vec::new() } });
    }
    quote! {
        #item
        #[allow(non_snake_case, non_upper_case_globals, unused_imports, unused_variables, unused_mut, clippy::all)]
        const _: () = {
            #(#mods)*
            impl #ty {
                #[doc(hidden)]
                pub fn __hpy_method_defs() -> ::std::vec::Vec<::hpy_rs::ffi::HPyDef> {
                    ::std::vec![#(#defs),*]
                }
            }
        };
    }
}

fn gen_new(
    ty: &Type,
    spec: &CallableSpec,
    ident: &syn::Ident,
    n: usize,
    defs: &mut Vec<TokenStream>,
) -> TokenStream {
    let desc = function::description(spec);
    let (extract, args) = function::extract_args(spec);
    let np = spec.sig.positional().count() + spec.sig.keyword_only().count();
    let md = format_ident!("__hpy_m{}", n);
    let o = o();
    let impl_ty = quote!(
        unsafe extern "C" fn(
            *mut ::hpy_rs::ffi::HPyContext,
            ::hpy_rs::ffi::HPy,
            *const ::hpy_rs::ffi::HPy,
            isize,
            ::hpy_rs::ffi::HPy,
        ) -> ::hpy_rs::ffi::HPy
    );
    let def = slot_def(
        "tp_new",
        quote!(__impl),
        impl_ty.clone(),
        quote!(__tramp),
        quote!(unsafe extern "C" fn(#o, #o, #o) -> #o),
    );
    defs.push(quote!(#md::def()));
    quote! {
        mod #md {
            use super::*;
            #desc
            unsafe extern "C" fn __impl(
                __ctx: *mut ::hpy_rs::ffi::HPyContext, __type: ::hpy_rs::ffi::HPy,
                __args: *const ::hpy_rs::ffi::HPy, __nargs: isize, __kw: ::hpy_rs::ffi::HPy,
            ) -> ::hpy_rs::ffi::HPy {
                // SAFETY: the runtime calls tp_new with its context and arguments.
                unsafe {
                    ::hpy_rs::impl_::run_handle(__ctx, |__ctx| {
                        let mut __out = [::hpy_rs::ffi::HPy::NULL; #np];
                        // SAFETY: arguments as the runtime passed them (dict or kwnames tuple).
                        let __extra = unsafe { ::hpy_rs::impl_::bind_new(&__DESC, __ctx, __args, __nargs as usize, __kw, &mut __out) }?;
                        #extract
                        let __value: #ty = ::hpy_rs::impl_::Ret::<#ty>::ret(<#ty>::#ident(#(#args),*))?;
                        // SAFETY: the type handle is lent for this call.
                        let __t = unsafe { ::hpy_rs::impl_::arg(__ctx, __type) };
                        ::hpy_rs::class::new_instance_of_type(__ctx, &*__t, __value)
                    })
                }
            }
            unsafe extern "C" fn __tramp(t: #o, a: #o, k: #o) -> #o {
                // SAFETY: called by CPython; forwards unchanged.
                unsafe { ::hpy_rs::impl_::tramp::newfunc(t, a, k, ::hpy_rs::__hpy_cfunc!(__impl, #impl_ty)) }
            }
            pub fn def() -> ::hpy_rs::ffi::HPyDef { #def }
        }
    }
}

fn gen_no_new(class_name: &str, defs: &mut Vec<TokenStream>) -> TokenStream {
    let msg = format!("cannot create '{class_name}' instances");
    let o = o();
    let impl_ty = quote!(
        unsafe extern "C" fn(
            *mut ::hpy_rs::ffi::HPyContext,
            ::hpy_rs::ffi::HPy,
            *const ::hpy_rs::ffi::HPy,
            isize,
            ::hpy_rs::ffi::HPy,
        ) -> ::hpy_rs::ffi::HPy
    );
    let def = slot_def(
        "tp_new",
        quote!(__impl),
        impl_ty.clone(),
        quote!(__tramp),
        quote!(unsafe extern "C" fn(#o, #o, #o) -> #o),
    );
    defs.push(quote!(__hpy_no_new::def()));
    quote! {
        mod __hpy_no_new {
            use super::*;
            unsafe extern "C" fn __impl(__ctx: *mut ::hpy_rs::ffi::HPyContext, _t: ::hpy_rs::ffi::HPy, _a: *const ::hpy_rs::ffi::HPy, _n: isize, _k: ::hpy_rs::ffi::HPy) -> ::hpy_rs::ffi::HPy {
                // SAFETY: called by the runtime with its context.
                unsafe { ::hpy_rs::impl_::run_handle(__ctx, |_ctx| ::core::result::Result::Err(::hpy_rs::exc::TypeError::new_err(#msg))) }
            }
            unsafe extern "C" fn __tramp(t: #o, a: #o, k: #o) -> #o {
                // SAFETY: called by CPython; forwards unchanged.
                unsafe { ::hpy_rs::impl_::tramp::newfunc(t, a, k, ::hpy_rs::__hpy_cfunc!(__impl, #impl_ty)) }
            }
            pub fn def() -> ::hpy_rs::ffi::HPyDef { #def }
        }
    }
}

fn gen_getset(
    ty: &Type,
    name: &str,
    get: Option<&Method>,
    set: Option<&Method>,
    n: usize,
    defs: &mut Vec<TokenStream>,
    errors: &mut Errors,
) -> TokenStream {
    let md = format_ident!("__hpy_m{}", n);
    let o = o();
    let raw = format_ident!("__self");
    let get_ty = quote!(
        unsafe extern "C" fn(
            *mut ::hpy_rs::ffi::HPyContext,
            ::hpy_rs::ffi::HPy,
            *mut ::core::ffi::c_void,
        ) -> ::hpy_rs::ffi::HPy
    );
    let set_ty = quote!(
        unsafe extern "C" fn(
            *mut ::hpy_rs::ffi::HPyContext,
            ::hpy_rs::ffi::HPy,
            ::hpy_rs::ffi::HPy,
            *mut ::core::ffi::c_void,
        ) -> ::core::ffi::c_int
    );
    let mut items = TokenStream::new();
    let (mut gi, mut gt, mut si, mut st) = (
        quote!(None),
        quote!(::core::ptr::null_mut()),
        quote!(None),
        quote!(::core::ptr::null_mut()),
    );
    let mut doc = None;
    if let Some(g) = get {
        if py_arg_count(g) != 0 {
            errors.err(
                g.item.sig.ident.span(),
                "a #[getter] takes only `&self` (and optionally `ctx: Ctx`)",
            );
        }
        doc = utils::docstring(&g.item.attrs);
        let ident = &g.item.sig.ident;
        let (rc, ra) = recv_tokens(ty, g.recv, &raw);
        let args = proto_args(g, &[]);
        items.extend(quote! {
            unsafe extern "C" fn __get(__ctx: *mut ::hpy_rs::ffi::HPyContext, __self: ::hpy_rs::ffi::HPy, _c: *mut ::core::ffi::c_void) -> ::hpy_rs::ffi::HPy {
                // SAFETY: called by the runtime with its context and `self`.
                unsafe { ::hpy_rs::impl_::run_handle(__ctx, |__ctx| { #rc ::hpy_rs::IntoHandle::into_handle(<#ty>::#ident(#ra #(#args),*), __ctx) }) }
            }
            unsafe extern "C" fn __get_tramp(s: #o, c: *mut ::core::ffi::c_void) -> #o {
                // SAFETY: called by CPython; forwards unchanged.
                unsafe { ::hpy_rs::impl_::tramp::getter(s, c, ::hpy_rs::__hpy_cfunc!(__get, #get_ty)) }
            }
        });
        gi = quote!(::hpy_rs::__hpy_cfunc!(__get, #get_ty));
        gt = quote!(
            ::hpy_rs::__hpy_tramp!(__get_tramp, unsafe extern "C" fn(#o, *mut ::core::ffi::c_void) -> #o)
        );
    }
    if let Some(s) = set {
        if py_arg_count(s) != 1 {
            errors.err(
                s.item.sig.ident.span(),
                "a #[setter] takes `&mut self` and one value",
            );
        }
        let ident = &s.item.sig.ident;
        let (rc, ra) = recv_tokens(ty, s.recv, &raw);
        let args = proto_args(s, &[quote!(__v)]);
        let msg = format!("cannot delete attribute '{name}'");
        items.extend(quote! {
            unsafe extern "C" fn __set(__ctx: *mut ::hpy_rs::ffi::HPyContext, __self: ::hpy_rs::ffi::HPy, __value: ::hpy_rs::ffi::HPy, _c: *mut ::core::ffi::c_void) -> ::core::ffi::c_int {
                // SAFETY: called by the runtime with its context, `self` and the value.
                unsafe { ::hpy_rs::impl_::run_status(__ctx, |__ctx| {
                    if __value.is_null() {
                        return ::core::result::Result::Err(::hpy_rs::exc::TypeError::new_err(#msg));
                    }
                    #rc
                    // SAFETY: the value is lent for this call.
                    let __vh = unsafe { ::hpy_rs::impl_::arg(__ctx, __value) };
                    let __v = ::hpy_rs::impl_::extract_arg(&*__vh, #name, "value")?;
                    ::hpy_rs::impl_::Ret::<()>::ret(<#ty>::#ident(#ra #(#args),*))
                }) }
            }
            unsafe extern "C" fn __set_tramp(s: #o, v: #o, c: *mut ::core::ffi::c_void) -> ::core::ffi::c_int {
                // SAFETY: called by CPython; forwards unchanged.
                unsafe { ::hpy_rs::impl_::tramp::setter(s, v, c, ::hpy_rs::__hpy_cfunc!(__set, #set_ty)) }
            }
        });
        si = quote!(::hpy_rs::__hpy_cfunc!(__set, #set_ty));
        st = quote!(
            ::hpy_rs::__hpy_tramp!(__set_tramp, unsafe extern "C" fn(#o, #o, *mut ::core::ffi::c_void) -> ::core::ffi::c_int)
        );
    }
    if get.is_some() && set.is_none() {
        // A read-only attribute still gets a setter: PyPy 7.3.19 aborts the whole process
        // (RPython NotImplementedError in `W_HPyGetSetProperty.readonly_attribute`) when a
        // getset without a setter is assigned. On CPython it raises CPython's own error for
        // a read-only getset. PyPy ignores the status a setter returns (`_getset_set`) and
        // would raise a set error later, at an unrelated call, so there the assignment is
        // a no-op instead.
        let msg = format!("attribute '{name}' of '{{}}' objects is not writable");
        items.extend(quote! {
            unsafe extern "C" fn __set(__ctx: *mut ::hpy_rs::ffi::HPyContext, _s: ::hpy_rs::ffi::HPy, _v: ::hpy_rs::ffi::HPy, _c: *mut ::core::ffi::c_void) -> ::core::ffi::c_int {
                // SAFETY: called by the runtime with its context.
                unsafe { ::hpy_rs::impl_::run_status(__ctx, |__ctx| {
                    if __ctx.is_pypy() {
                        return ::core::result::Result::Ok(());
                    }
                    ::core::result::Result::Err(::hpy_rs::exc::AttributeError::new_err(::std::format!(
                        #msg, <#ty as ::hpy_rs::class::HPyClass>::NAME
                    )))
                }) }
            }
            unsafe extern "C" fn __set_tramp(s: #o, v: #o, c: *mut ::core::ffi::c_void) -> ::core::ffi::c_int {
                // SAFETY: called by CPython; forwards unchanged.
                unsafe { ::hpy_rs::impl_::tramp::setter(s, v, c, ::hpy_rs::__hpy_cfunc!(__set, #set_ty)) }
            }
        });
        si = quote!(::hpy_rs::__hpy_cfunc!(__set, #set_ty));
        st = quote!(
            ::hpy_rs::__hpy_tramp!(__set_tramp, unsafe extern "C" fn(#o, #o, *mut ::core::ffi::c_void) -> ::core::ffi::c_int)
        );
    }
    let name_c = utils::c_str(name);
    let doc_c = utils::c_str_or_null(doc.as_deref());
    defs.push(quote!(#md::def()));
    quote! {
        mod #md {
            use super::*;
            #items
            pub fn def() -> ::hpy_rs::ffi::HPyDef {
                ::hpy_rs::ffi::HPyDef {
                    kind: ::hpy_rs::ffi::kind::GetSet,
                    u: ::hpy_rs::ffi::HPyDefUnion { getset: ::hpy_rs::ffi::HPyGetSet {
                        name: #name_c, getter_impl: #gi, setter_impl: #si,
                        getter_cpy_trampoline: #gt, setter_cpy_trampoline: #st,
                        doc: #doc_c, closure: ::core::ptr::null_mut(),
                    } },
                }
            }
        }
    }
}

fn is_int_type(t: &Type) -> bool {
    ["isize", "usize", "i64", "i32", "u64", "u32"]
        .iter()
        .any(|n| utils::type_is(t, n))
}

fn first_py_type(m: &Method) -> Option<&Type> {
    m.rust_args.iter().find_map(|a| match a {
        RustArg::Python { ty, .. } => Some(ty),
        RustArg::Ctx => None,
    })
}

fn gen_protocols(
    ty: &Type,
    class_name: &str,
    protos: &BTreeMap<String, Method>,
    mods: &mut Vec<TokenStream>,
    defs: &mut Vec<TokenStream>,
    counter: &mut usize,
) {
    let o = o();
    let c = quote!(*mut ::hpy_rs::ffi::HPyContext);
    let h = quote!(::hpy_rs::ffi::HPy);
    let raw = format_ident!("__self");
    let mut push = |body: TokenStream, slots: Vec<TokenStream>, defs: &mut Vec<TokenStream>| {
        let md = format_ident!("__hpy_m{}", *counter);
        *counter += 1;
        for (i, _) in slots.iter().enumerate() {
            let f = format_ident!("def{}", i);
            defs.push(quote!(#md::#f()));
        }
        let fns = slots.iter().enumerate().map(|(i, s)| {
            let f = format_ident!("def{}", i);
            quote!(pub fn #f() -> ::hpy_rs::ffi::HPyDef { #s })
        });
        mods.push(quote!(mod #md { use super::*; #body #(#fns)* }));
    };
    let call = |m: &Method, values: &[TokenStream]| {
        let ident = &m.item.sig.ident;
        let (_, ra) = recv_tokens(ty, m.recv, &raw);
        let args = proto_args(m, values);
        quote!(<#ty>::#ident(#ra #(#args),*))
    };
    // Object-returning `(self)` slots.
    let mut unary: Vec<(&str, &str, &str)> = vec![
        ("__repr__", "tp_repr", "reprfunc"),
        ("__str__", "tp_str", "reprfunc"),
    ];
    unary.extend(UNARY.iter().map(|(n, s)| (*n, *s, "unaryfunc")));
    for (name, slot, tramp) in unary {
        let Some(m) = protos.get(name) else { continue };
        let (rc, _) = recv_tokens(ty, m.recv, &raw);
        let call = call(m, &[]);
        let tramp = format_ident!("{}", tramp);
        let ity = quote!(unsafe extern "C" fn(#c, #h) -> #h);
        let def = slot_def(
            slot,
            quote!(__impl),
            ity,
            quote!(__tramp),
            quote!(unsafe extern "C" fn(#o) -> #o),
        );
        push(
            quote! {
                unsafe extern "C" fn __impl(__ctx: #c, __self: #h) -> #h {
                    // SAFETY: called by the runtime with its context and `self`.
                    unsafe { ::hpy_rs::impl_::run_handle(__ctx, |__ctx| { #rc ::hpy_rs::IntoHandle::into_handle(#call, __ctx) }) }
                }
                unsafe extern "C" fn __tramp(a: #o) -> #o {
                    // SAFETY: called by CPython; forwards unchanged.
                    unsafe { ::hpy_rs::impl_::tramp::#tramp(a, ::hpy_rs::__hpy_cfunc!(__impl, unsafe extern "C" fn(#c, #h) -> #h)) }
                }
            },
            vec![def],
            defs,
        );
    }
    // Value-returning `(self)` slots: __len__, __bool__, __hash__.
    for (name, slots, tramp, ret_ty, conv, err) in [
        (
            "__len__",
            vec!["mp_length", "sq_length"],
            "lenfunc",
            quote!(isize),
            quote!(usize),
            quote!(-1),
        ),
        (
            "__bool__",
            vec!["nb_bool"],
            "inquiry",
            quote!(::core::ffi::c_int),
            quote!(bool),
            quote!(-1),
        ),
        (
            "__hash__",
            vec!["tp_hash"],
            "hashfunc",
            quote!(isize),
            quote!(isize),
            quote!(-1),
        ),
    ] {
        let Some(m) = protos.get(name) else { continue };
        let (rc, _) = recv_tokens(ty, m.recv, &raw);
        let call = call(m, &[]);
        let tramp = format_ident!("{}", tramp);
        let ity = quote!(unsafe extern "C" fn(#c, #h) -> #ret_ty);
        let finish = match name {
            "__len__" => quote!(::core::result::Result::Ok(__v as isize)),
            "__bool__" => quote!(::core::result::Result::Ok(__v as ::core::ffi::c_int)),
            _ => quote!(::core::result::Result::Ok(if __v == -1 { -2 } else { __v })),
        };
        let sd: Vec<TokenStream> = slots
            .iter()
            .map(|s| {
                slot_def(
                    s,
                    quote!(__impl),
                    ity.clone(),
                    quote!(__tramp),
                    quote!(unsafe extern "C" fn(#o) -> #ret_ty),
                )
            })
            .collect();
        push(
            quote! {
                unsafe extern "C" fn __impl(__ctx: #c, __self: #h) -> #ret_ty {
                    // SAFETY: called by the runtime with its context and `self`.
                    unsafe { ::hpy_rs::impl_::run_value(__ctx, #err, |__ctx| { #rc let __v = ::hpy_rs::impl_::Ret::<#conv>::ret(#call)?; #finish }) }
                }
                unsafe extern "C" fn __tramp(a: #o) -> #ret_ty {
                    // SAFETY: called by CPython; forwards unchanged.
                    unsafe { ::hpy_rs::impl_::tramp::#tramp(a, ::hpy_rs::__hpy_cfunc!(__impl, #ity)) }
                }
            },
            sd,
            defs,
        );
    }
    // __getitem__: mp_subscript (any key) and, for integer keys, sq_item (iteration protocol).
    if let Some(m) = protos.get("__getitem__") {
        let (rc, _) = recv_tokens(ty, m.recv, &raw);
        let key = operand(&quote!(__k), "__getitem__", false);
        let call = call(m, &[quote!(__key)]);
        let ity = quote!(unsafe extern "C" fn(#c, #h, #h) -> #h);
        let sty = quote!(unsafe extern "C" fn(#c, #h, isize) -> #h);
        let mut sd = vec![slot_def(
            "mp_subscript",
            quote!(__impl),
            ity.clone(),
            quote!(__tramp),
            quote!(unsafe extern "C" fn(#o, #o) -> #o),
        )];
        if first_py_type(m).is_some_and(is_int_type) {
            sd.push(slot_def(
                "sq_item",
                quote!(__impl_i),
                sty.clone(),
                quote!(__tramp_i),
                quote!(unsafe extern "C" fn(#o, isize) -> #o),
            ));
        }
        push(
            quote! {
                unsafe extern "C" fn __impl(__ctx: #c, __self: #h, __key_raw: #h) -> #h {
                    // SAFETY: called by the runtime with its context, `self` and the key.
                    unsafe { ::hpy_rs::impl_::run_handle(__ctx, |__ctx| {
                        #rc
                        // SAFETY: the key is lent for this call.
                        let __k = unsafe { ::hpy_rs::impl_::arg(__ctx, __key_raw) };
                        let __key = #key;
                        ::hpy_rs::IntoHandle::into_handle(#call, __ctx)
                    }) }
                }
                unsafe extern "C" fn __impl_i(__ctx: #c, __self: #h, __i: isize) -> #h {
                    // SAFETY: called by the runtime with its context and `self`.
                    unsafe { ::hpy_rs::impl_::run_handle(__ctx, |__ctx| {
                        #rc
                        let __kh = ::hpy_rs::IntoHandle::into_handle(__i, __ctx)?;
                        let __k = &__kh;
                        let __key = #key;
                        ::hpy_rs::IntoHandle::into_handle(#call, __ctx)
                    }) }
                }
                unsafe extern "C" fn __tramp(a: #o, b: #o) -> #o {
                    // SAFETY: called by CPython; forwards unchanged.
                    unsafe { ::hpy_rs::impl_::tramp::binaryfunc(a, b, ::hpy_rs::__hpy_cfunc!(__impl, #ity)) }
                }
                unsafe extern "C" fn __tramp_i(a: #o, i: isize) -> #o {
                    // SAFETY: called by CPython; forwards unchanged.
                    unsafe { ::hpy_rs::impl_::tramp::ssizeargfunc(a, i, ::hpy_rs::__hpy_cfunc!(__impl_i, #sty)) }
                }
            },
            sd,
            defs,
        );
    }
    // __setitem__ / __delitem__: mp_ass_subscript (+ sq_ass_item for integer keys).
    let set = protos.get("__setitem__");
    let del = protos.get("__delitem__");
    if set.is_some() || del.is_some() {
        let any = set.or(del).unwrap();
        let (rc, _) = recv_tokens(ty, Recv::Mut.max_of(any.recv), &raw);
        let key = operand(&quote!(__k), "__setitem__", false);
        let set_call = match set {
            Some(m) => {
                let call = call(m, &[quote!(__key), quote!(__val)]);
                quote! {
                    // SAFETY: the value is lent for this call.
                    let __vh = unsafe { ::hpy_rs::impl_::arg(__ctx, __value) };
                    let __val = ::hpy_rs::impl_::extract_arg(&*__vh, "__setitem__", "value")?;
                    ::hpy_rs::impl_::Ret::<()>::ret(#call)
                }
            }
            None => {
                let msg = format!("'{class_name}' object does not support item assignment");
                quote!(::core::result::Result::Err(::hpy_rs::exc::TypeError::new_err(#msg)))
            }
        };
        let del_call = match del {
            Some(m) => {
                let call = call(m, &[quote!(__key)]);
                quote!(::hpy_rs::impl_::Ret::<()>::ret(#call))
            }
            None => {
                let msg = format!("'{class_name}' object does not support item deletion");
                quote!(::core::result::Result::Err(::hpy_rs::exc::TypeError::new_err(#msg)))
            }
        };
        let ity = quote!(unsafe extern "C" fn(#c, #h, #h, #h) -> ::core::ffi::c_int);
        let sty = quote!(unsafe extern "C" fn(#c, #h, isize, #h) -> ::core::ffi::c_int);
        let mut sd = vec![slot_def(
            "mp_ass_subscript",
            quote!(__impl),
            ity.clone(),
            quote!(__tramp),
            quote!(unsafe extern "C" fn(#o, #o, #o) -> ::core::ffi::c_int),
        )];
        if first_py_type(any).is_some_and(is_int_type) {
            sd.push(slot_def(
                "sq_ass_item",
                quote!(__impl_i),
                sty.clone(),
                quote!(__tramp_i),
                quote!(unsafe extern "C" fn(#o, isize, #o) -> ::core::ffi::c_int),
            ));
        }
        push(
            quote! {
                unsafe extern "C" fn __impl(__ctx: #c, __self: #h, __key_raw: #h, __value: #h) -> ::core::ffi::c_int {
                    // SAFETY: called by the runtime with its context, `self`, key and value (NULL: delete).
                    unsafe { ::hpy_rs::impl_::run_status(__ctx, |__ctx| {
                        #rc
                        // SAFETY: the key is lent for this call.
                        let __k = unsafe { ::hpy_rs::impl_::arg(__ctx, __key_raw) };
                        let __key = #key;
                        if __value.is_null() { #del_call } else { #set_call }
                    }) }
                }
                unsafe extern "C" fn __impl_i(__ctx: #c, __self: #h, __i: isize, __value: #h) -> ::core::ffi::c_int {
                    // SAFETY: called by the runtime with its context, `self`, index and value.
                    unsafe { ::hpy_rs::impl_::run_status(__ctx, |__ctx| {
                        #rc
                        let __kh = ::hpy_rs::IntoHandle::into_handle(__i, __ctx)?;
                        let __k = &__kh;
                        let __key = #key;
                        if __value.is_null() { #del_call } else { #set_call }
                    }) }
                }
                unsafe extern "C" fn __tramp(a: #o, b: #o, v: #o) -> ::core::ffi::c_int {
                    // SAFETY: called by CPython; forwards unchanged.
                    unsafe { ::hpy_rs::impl_::tramp::objobjargproc(a, b, v, ::hpy_rs::__hpy_cfunc!(__impl, #ity)) }
                }
                unsafe extern "C" fn __tramp_i(a: #o, i: isize, v: #o) -> ::core::ffi::c_int {
                    // SAFETY: called by CPython; forwards unchanged.
                    unsafe { ::hpy_rs::impl_::tramp::ssizeobjargproc(a, i, v, ::hpy_rs::__hpy_cfunc!(__impl_i, #sty)) }
                }
            },
            sd,
            defs,
        );
    }
    // __contains__
    if let Some(m) = protos.get("__contains__") {
        let (rc, _) = recv_tokens(ty, m.recv, &raw);
        let key = operand(&quote!(__k), "__contains__", false);
        let call = call(m, &[quote!(__key)]);
        let ity = quote!(unsafe extern "C" fn(#c, #h, #h) -> ::core::ffi::c_int);
        let sd = vec![slot_def(
            "sq_contains",
            quote!(__impl),
            ity.clone(),
            quote!(__tramp),
            quote!(unsafe extern "C" fn(#o, #o) -> ::core::ffi::c_int),
        )];
        push(
            quote! {
                unsafe extern "C" fn __impl(__ctx: #c, __self: #h, __key_raw: #h) -> ::core::ffi::c_int {
                    // SAFETY: called by the runtime with its context, `self` and the key.
                    unsafe { ::hpy_rs::impl_::run_value(__ctx, -1, |__ctx| {
                        #rc
                        // SAFETY: the key is lent for this call.
                        let __k = unsafe { ::hpy_rs::impl_::arg(__ctx, __key_raw) };
                        let __key = #key;
                        ::core::result::Result::Ok(::hpy_rs::impl_::Ret::<bool>::ret(#call)? as ::core::ffi::c_int)
                    }) }
                }
                unsafe extern "C" fn __tramp(a: #o, b: #o) -> ::core::ffi::c_int {
                    // SAFETY: called by CPython; forwards unchanged.
                    unsafe { ::hpy_rs::impl_::tramp::objobjproc(a, b, ::hpy_rs::__hpy_cfunc!(__impl, #ity)) }
                }
            },
            sd,
            defs,
        );
    }
    // Binary operators: the slot sees both operand orders on CPython; PyPy dispatches only the
    // forward slot, so the reflected method is also exposed as an ordinary `__rop__` method.
    let bty = quote!(unsafe extern "C" fn(#c, #h, #h) -> #h);
    for (fwd, refl, slot) in BINARY {
        let f = protos.get(*fwd);
        let r = protos.get(*refl);
        if f.is_none() && r.is_none() {
            continue;
        }
        let side = |m: Option<&Method>,
                    me: TokenStream,
                    other: TokenStream,
                    name: &str|
         -> TokenStream {
            let Some(m) = m else { return quote!() };
            let borrow = if m.recv == Recv::Mut {
                quote!(borrow_mut)
            } else {
                quote!(borrow)
            };
            let other_v = operand(&other, name, true);
            let call = call(m, &[quote!(__other)]);
            quote! {
                if #me.is_instance(&__ty) {
                    // SAFETY: checked to be an instance of this class just above.
                    #[allow(unused_mut)]
                    let mut __slf = unsafe { ::hpy_rs::class::ClassCell::<#ty>::of_unchecked(&*#me) }.#borrow()?;
                    let __other = #other_v;
                    return ::hpy_rs::IntoHandle::into_handle(#call, __ctx);
                }
            }
        };
        let fwd_code = side(f, quote!(__a), quote!(__b), fwd);
        let refl_code = side(r, quote!(__b), quote!(__a), refl);
        let def = slot_def(
            slot,
            quote!(__impl),
            bty.clone(),
            quote!(__tramp),
            quote!(unsafe extern "C" fn(#o, #o) -> #o),
        );
        let mut slots = vec![def];
        let mut extra = quote!();
        if let Some(rm) = r {
            // The explicit reflected method for PyPy.
            let refl_c = utils::c_str(refl);
            let call = call(rm, &[quote!(__other)]);
            let (rc, _) = recv_tokens(ty, rm.recv, &raw);
            let other_v = operand(&quote!(__o), refl, true);
            extra = quote! {
                unsafe extern "C" fn __refl(__ctx: #c, __self: #h, __arg: #h) -> #h {
                    // SAFETY: called by the runtime with its context, `self` and the operand.
                    unsafe { ::hpy_rs::impl_::run_handle(__ctx, |__ctx| {
                        #rc
                        // SAFETY: the operand is lent for this call.
                        let __o = unsafe { ::hpy_rs::impl_::arg(__ctx, __arg) };
                        let __other = #other_v;
                        ::hpy_rs::IntoHandle::into_handle(#call, __ctx)
                    }) }
                }
                unsafe extern "C" fn __refl_tramp(s: #o, a: #o) -> #o {
                    // SAFETY: called by CPython; forwards unchanged.
                    unsafe { ::hpy_rs::impl_::tramp::o(s, a, ::hpy_rs::__hpy_cfunc!(__refl, #bty)) }
                }
            };
            slots.push(quote! {
                ::hpy_rs::ffi::HPyDef {
                    kind: ::hpy_rs::ffi::kind::Meth,
                    u: ::hpy_rs::ffi::HPyDefUnion { meth: ::hpy_rs::ffi::HPyMeth {
                        name: #refl_c,
                        impl_: ::hpy_rs::__hpy_cfunc!(__refl, #bty),
                        cpy_trampoline: ::hpy_rs::__hpy_tramp!(__refl_tramp, unsafe extern "C" fn(#o, #o) -> #o),
                        signature: ::hpy_rs::ffi::sig::O,
                        doc: ::core::ptr::null(),
                    } },
                }
            });
        }
        push(
            quote! {
                unsafe extern "C" fn __impl(__ctx: #c, __a_raw: #h, __b_raw: #h) -> #h {
                    // SAFETY: called by the runtime with its context and both operands.
                    unsafe { ::hpy_rs::impl_::run_handle(__ctx, |__ctx| {
                        // SAFETY: both operands are lent for this call.
                        let __a = unsafe { ::hpy_rs::impl_::arg(__ctx, __a_raw) };
                        // SAFETY: as above.
                        let __b = unsafe { ::hpy_rs::impl_::arg(__ctx, __b_raw) };
                        let __ty = <#ty as ::hpy_rs::class::HPyClass>::type_object(__ctx)?;
                        #fwd_code
                        #refl_code
                        ::core::result::Result::Ok(__ctx.not_implemented().to_owned())
                    }) }
                }
                unsafe extern "C" fn __tramp(a: #o, b: #o) -> #o {
                    // SAFETY: called by CPython; forwards unchanged.
                    unsafe { ::hpy_rs::impl_::tramp::binaryfunc(a, b, ::hpy_rs::__hpy_cfunc!(__impl, #bty)) }
                }
                #extra
            },
            slots,
            defs,
        );
    }
    // In-place operators: `self op= other`; a `()` result returns `self`.
    for (name, slot) in INPLACE {
        let Some(m) = protos.get(*name) else { continue };
        let (rc, _) = recv_tokens(ty, m.recv, &raw);
        let other_v = operand(&quote!(__o), name, true);
        let call = call(m, &[quote!(__other)]);
        let def = slot_def(
            slot,
            quote!(__impl),
            bty.clone(),
            quote!(__tramp),
            quote!(unsafe extern "C" fn(#o, #o) -> #o),
        );
        push(
            quote! {
                unsafe extern "C" fn __impl(__ctx: #c, __self: #h, __arg: #h) -> #h {
                    // SAFETY: called by the runtime with its context, `self` and the operand.
                    unsafe { ::hpy_rs::impl_::run_handle(__ctx, |__ctx| {
                        {
                            #rc
                            // SAFETY: the operand is lent for this call.
                            let __o = unsafe { ::hpy_rs::impl_::arg(__ctx, __arg) };
                            let __other = #other_v;
                            ::hpy_rs::impl_::Ret::<()>::ret(#call)?;
                        }
                        // SAFETY: `self` is lent for this call.
                        ::core::result::Result::Ok(unsafe { ::hpy_rs::impl_::arg(__ctx, __self) }.to_owned())
                    }) }
                }
                unsafe extern "C" fn __tramp(a: #o, b: #o) -> #o {
                    // SAFETY: called by CPython; forwards unchanged.
                    unsafe { ::hpy_rs::impl_::tramp::binaryfunc(a, b, ::hpy_rs::__hpy_cfunc!(__impl, #bty)) }
                }
            },
            vec![def],
            defs,
        );
    }
    // Rich comparison: per-operator methods and/or `__richcmp__(&self, other, op)`.
    if CMP.iter().any(|c| protos.contains_key(c.0)) || protos.contains_key("__richcmp__") {
        let mut arms = TokenStream::new();
        let mut borrow_recv = Recv::Ref;
        for (name, op) in CMP {
            let Some(m) = protos.get(*name) else { continue };
            borrow_recv = borrow_recv.max_of(m.recv);
            let op = format_ident!("{}", op);
            let other_v = operand(&quote!(__o), name, true);
            let call = call(m, &[quote!(__other)]);
            arms.extend(quote!(::hpy_rs::ffi::cmp::#op => { let __other = #other_v; ::hpy_rs::IntoHandle::into_handle(#call, __ctx) }));
        }
        let fallback = match protos.get("__richcmp__") {
            Some(m) => {
                borrow_recv = borrow_recv.max_of(m.recv);
                let other_v = operand(&quote!(__o), "__richcmp__", true);
                let call = call(m, &[quote!(__other), quote!(__op)]);
                quote!(_ => {
                    let __other = #other_v;
                    let __op = ::hpy_rs::CompareOp::from_raw(__op_raw).ok_or_else(|| ::hpy_rs::exc::SystemError::new_err("bad comparison operator"))?;
                    ::hpy_rs::IntoHandle::into_handle(#call, __ctx)
                })
            }
            None => quote!(_ => ::core::result::Result::Ok(__ctx.not_implemented().to_owned())),
        };
        let (rc, _) = recv_tokens(ty, borrow_recv, &raw);
        let ity = quote!(unsafe extern "C" fn(#c, #h, #h, ::core::ffi::c_int) -> #h);
        let def = slot_def(
            "tp_richcompare",
            quote!(__impl),
            ity.clone(),
            quote!(__tramp),
            quote!(unsafe extern "C" fn(#o, #o, ::core::ffi::c_int) -> #o),
        );
        push(
            quote! {
                unsafe extern "C" fn __impl(__ctx: #c, __self: #h, __arg: #h, __op_raw: ::core::ffi::c_int) -> #h {
                    // SAFETY: called by the runtime with its context, `self`, the operand and the op.
                    unsafe { ::hpy_rs::impl_::run_handle(__ctx, |__ctx| {
                        #rc
                        // SAFETY: the operand is lent for this call.
                        let __o = unsafe { ::hpy_rs::impl_::arg(__ctx, __arg) };
                        match __op_raw { #arms #fallback }
                    }) }
                }
                unsafe extern "C" fn __tramp(a: #o, b: #o, op: ::core::ffi::c_int) -> #o {
                    // SAFETY: called by CPython; forwards unchanged.
                    unsafe { ::hpy_rs::impl_::tramp::richcmpfunc(a, b, op, ::hpy_rs::__hpy_cfunc!(__impl, #ity)) }
                }
            },
            vec![def],
            defs,
        );
    }
}

impl Recv {
    fn max_of(self, other: Recv) -> Recv {
        if self == Recv::Mut || other == Recv::Mut {
            Recv::Mut
        } else if self == Recv::Ref || other == Recv::Ref {
            Recv::Ref
        } else {
            Recv::None
        }
    }
}
