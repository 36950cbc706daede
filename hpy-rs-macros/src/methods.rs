//! `#[hpy_methods] impl T { ... }`: constructor, methods, getters/setters and protocol methods
//! (recognised by name) of an `#[hpy_class]`. Each becomes defs returned by the inherent
//! `T::__hpy_method_defs()` that type creation copies fresh every time.
//!
//! A method taking `&self`/`&mut self` may declare `slf: &Handle<'py>` as its first parameter:
//! it receives the instance itself (e.g. to store it in another object's `Field`) and is not
//! a Python parameter.

use crate::function::{self, CallableSpec};
use crate::signature::{self, RustArg};
use crate::utils::{self, Errors};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use std::collections::BTreeMap;
use syn::punctuated::Punctuated;
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
    "classattr",
];

struct Method {
    item: ImplItemFn,
    recv: Recv,
    rust_args: Vec<RustArg>,
    /// The first parameter is `slf`: the instance's handle is passed there.
    slf: bool,
}

/// Inputs of a method (a punctuated list of parameters).
type Inputs = syn::punctuated::Punctuated<syn::FnArg, syn::Token![,]>;

/// The method's inputs without a leading `slf` parameter (the first one after the receiver),
/// and whether there was one.
fn strip_slf(inputs: &Inputs) -> (Inputs, bool) {
    let is_slf = |a: &syn::FnArg| match a {
        syn::FnArg::Typed(pt) => matches!(&*pt.pat, syn::Pat::Ident(pi) if pi.ident == "slf"),
        syn::FnArg::Receiver(_) => false,
    };
    match inputs
        .iter()
        .position(|a| matches!(a, syn::FnArg::Typed(_)))
    {
        Some(i) if is_slf(&inputs[i]) => {
            let rest = inputs
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, a)| a.clone())
                .collect();
            (rest, true)
        }
        _ => (inputs.clone(), false),
    }
}

/// The `slf` argument tokens (the instance handle `__slf_h`), if the method takes it.
fn slf_arg(m: &Method) -> TokenStream {
    if m.slf {
        quote!(&*__slf_h,)
    } else {
        quote!()
    }
}

/// The `HPyDef` of an explicit reflected method (`__radd__` …, METH_O) whose impl is `__refl`
/// (of type `bty`) with trampoline `__refl_tramp`: PyPy does not dispatch reflected slots.
fn reflected_meth_def(refl_c: &TokenStream, bty: &TokenStream) -> TokenStream {
    let o = o();
    quote! {
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
    }
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
                    // SAFETY: the runtime lends `self` for this call, after checking its type
                    // (every caller of `recv_tokens` is a method, getset or non-numeric slot).
                    let __slf_h = unsafe { ::hpy_rs::impl_::arg(__ctx, #raw) };
                    #[allow(unused_mut)]
                    let mut __slf = unsafe { ::hpy_rs::class::ClassCell::<#ty>::receiver(&*__slf_h) }?.#borrow()?;
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
            ::core::result::Result::Err(e) => return ::hpy_rs::impl_::operand_mismatch(__ctx, e),
        })
    } else {
        quote!(::hpy_rs::impl_::extract_arg(&*#h, #name, "key")?)
    }
}

/// The impl `name` of HPyFunc_O's shape (`self` and one argument, bound to `__o` for
/// `body`) and its CPython trampoline `tramp`, which forwards through `impl_::tramp::<via>`.
fn self_arg_impl(name: &str, tramp: &str, via: &str, body: TokenStream) -> TokenStream {
    let (name, tramp, via) = (
        format_ident!("{}", name),
        format_ident!("{}", tramp),
        format_ident!("{}", via),
    );
    let o = o();
    let c = quote!(*mut ::hpy_rs::ffi::HPyContext);
    let h = quote!(::hpy_rs::ffi::HPy);
    quote! {
        unsafe extern "C" fn #name(__ctx: #c, __self: #h, __o_raw: #h) -> #h {
            // SAFETY: called by the runtime with its context, `self` and one argument.
            unsafe { ::hpy_rs::impl_::run_handle(__ctx, |__ctx| {
                // SAFETY: the argument is lent for this call.
                let __o = unsafe { ::hpy_rs::impl_::arg(__ctx, __o_raw) };
                #body
            }) }
        }
        unsafe extern "C" fn #tramp(a: #o, b: #o) -> #o {
            // SAFETY: called by CPython; forwards unchanged.
            unsafe {
                ::hpy_rs::impl_::tramp::#via(
                    a,
                    b,
                    ::hpy_rs::__hpy_cfunc!(#name, unsafe extern "C" fn(#c, #h, #h) -> #h),
                )
            }
        }
    }
}

/// The branch of a number slot taken when operand `me` is an instance of class `ty`: `m` is
/// called on its borrowed payload. `before` and `after` run on either side of the borrow
/// (each slot keeps its own order of operand extraction and borrow, which decides which
/// error a conflict reports).
fn instance_side(
    ty: &Type,
    m: &Method,
    me: &TokenStream,
    before: TokenStream,
    after: TokenStream,
    call: TokenStream,
) -> TokenStream {
    let borrow = if m.recv == Recv::Mut {
        quote!(borrow_mut)
    } else {
        quote!(borrow)
    };
    quote! {
        if ::hpy_rs::class::is_instance_of::<#ty>(&*#me, &__ty) {
            let __slf_h: &::hpy_rs::Handle<'_> = &*#me;
            #before
            // SAFETY: checked to be an instance of this class just above.
            #[allow(unused_mut)]
            let mut __slf = unsafe { ::hpy_rs::class::ClassCell::<#ty>::of_unchecked(__slf_h) }?.#borrow()?;
            #after
            return ::hpy_rs::IntoHandle::into_handle(#call, __ctx);
        }
    }
}

/// Magic methods whose receiver must be `&self`: Python calls them implicitly (hashing,
/// printing, truth tests, comparisons, `in`), where "already borrowed" errors would surprise.
const SHARED_ONLY: &[&str] = &[
    "__repr__",
    "__str__",
    "__hash__",
    "__len__",
    "__bool__",
    "__contains__",
    "__richcmp__",
    "__eq__",
    "__ne__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
];

/// The (min, max) number of Python arguments of a magic method, `None` for unknown names.
fn proto_arity(name: &str) -> Option<(usize, usize)> {
    match name {
        "__repr__" | "__str__" | "__len__" | "__bool__" | "__hash__" => Some((0, 0)),
        "__getitem__" | "__delitem__" | "__contains__" => Some((1, 1)),
        "__setitem__" | "__richcmp__" => Some((2, 2)),
        "__pow__" | "__rpow__" | "__ipow__" => Some((1, 2)),
        _ if UNARY.iter().any(|u| u.0 == name) => Some((0, 0)),
        _ if BINARY.iter().any(|b| b.0 == name || b.1 == name)
            || INPLACE.iter().any(|b| b.0 == name)
            || CMP.iter().any(|c| c.0 == name) =>
        {
            Some((1, 1))
        }
        _ => None,
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A hidden leading parameter that is not a Python argument: a class method's `cls` or a
/// method's `slf: &Handle`. Returns the inputs without it and its index among the Rust args.
fn take_hidden_param(
    inputs: &Punctuated<syn::FnArg, syn::Token![,]>,
) -> Option<(Punctuated<syn::FnArg, syn::Token![,]>, usize, syn::Ident)> {
    let mut out = Punctuated::new();
    let mut found = None;
    let mut n_args = 0usize;
    for a in inputs {
        if found.is_none() {
            if let syn::FnArg::Typed(pt) = a {
                if !utils::type_is(&pt.ty, "Ctx") {
                    let id = match &*pt.pat {
                        syn::Pat::Ident(pi) => pi.ident.clone(),
                        _ => format_ident!("cls"),
                    };
                    found = Some((n_args, id));
                    continue;
                }
            }
        }
        if matches!(a, syn::FnArg::Typed(_)) {
            n_args += 1;
        }
        out.push(a.clone());
    }
    found.map(|(i, id)| (out, i, id))
}

/// Whether a return type is `()` (absent, `()`, or `Result<(), _>`/`HPyResult<()>`).
fn returns_unit(ret: &syn::ReturnType) -> bool {
    fn unit(t: &Type) -> bool {
        matches!(t, Type::Tuple(tt) if tt.elems.is_empty())
    }
    match ret {
        syn::ReturnType::Default => true,
        syn::ReturnType::Type(_, t) => {
            if unit(t) {
                return true;
            }
            if let Type::Path(p) = &**t {
                if let Some(seg) = p.path.segments.last() {
                    if seg.ident == "Result" || seg.ident == "HPyResult" {
                        if let syn::PathArguments::AngleBracketed(a) = &seg.arguments {
                            if let Some(syn::GenericArgument::Type(t0)) = a.args.first() {
                                return unit(t0);
                            }
                        }
                    }
                }
            }
            false
        }
    }
}

enum Kind {
    Plain,
    New,
    Getter,
    Setter,
    Static,
    Class,
    ClassAttr,
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
    let mut statics: Vec<String> = Vec::new();
    let mut setup: Vec<TokenStream> = Vec::new();
    let mut mut_spans: Vec<Span> = Vec::new();
    let mut has_new = false;
    let mut counter = 0usize;

    for it in item.items.iter_mut() {
        if let ImplItem::Const(c) = it {
            let taken = utils::take_attrs(&mut c.attrs, "classattr");
            if !taken.is_empty() {
                let id = &c.ident;
                let name = id.to_string();
                setup.push(quote!(__ty.setattr(#name, <#ty>::#id)?;));
            }
            continue;
        }
        let ImplItem::Fn(f) = it else { continue };
        let mut kind = Kind::Plain;
        let mut n_kinds = 0;
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
            if id == "hpy" {
                match utils::attr_args(a) {
                    Ok(t) => opts = function::parse_fn_options(t, &mut errors),
                    Err(e) => errors.push(e),
                }
                continue;
            }
            n_kinds += 1;
            if n_kinds > 1 {
                errors.err(
                    syn::spanned::Spanned::span(a),
                    "a method can have only one of #[new], #[getter], #[setter], #[staticmethod], #[classmethod], #[classattr]",
                );
            }
            kind = match id.as_str() {
                "new" => Kind::New,
                "getter" => Kind::Getter,
                "setter" => Kind::Setter,
                "staticmethod" => Kind::Static,
                "classmethod" => Kind::Class,
                _ => Kind::ClassAttr,
            };
            if id == "getter" || id == "setter" {
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
            } else if let Ok(t) = utils::attr_args(a) {
                if !t.is_empty() {
                    errors.err(
                        syn::spanned::Spanned::span(&t),
                        format!("#[{id}] takes no arguments"),
                    );
                }
            }
        }
        f.attrs.retain(|a| {
            !a.path()
                .get_ident()
                .is_some_and(|i| METHOD_ATTRS.contains(&i.to_string().as_str()))
        });
        let self_span = f.sig.receiver().map(|r| r.self_token.span);
        let mut recv = match f.sig.receiver() {
            None => Recv::None,
            Some(r) if r.reference.is_none() => {
                errors.err(
                    r.self_token.span,
                    "methods take `&self` or `&mut self`, not `self` by value",
                );
                Recv::Ref
            }
            Some(r) if r.mutability.is_some() => {
                mut_spans.push(r.self_token.span);
                Recv::Mut
            }
            Some(_) => Recv::Ref,
        };
        let ident = f.sig.ident.clone();
        let name = signature::unraw(&ident);
        // A hidden first parameter: `cls` of a class method, `slf: &Handle` of a method.
        let mut hidden: Option<(usize, TokenStream)> = None;
        let mut inputs = f.sig.inputs.clone();
        let is_slf = recv == Recv::None
            && matches!(kind, Kind::Plain)
            && take_hidden_param(&f.sig.inputs).is_some_and(|(_, _, id)| id == "slf");
        if matches!(kind, Kind::Class) || is_slf {
            match take_hidden_param(&f.sig.inputs) {
                Some((rest, pos, _)) => {
                    inputs = rest;
                    let value = if is_slf {
                        quote! {
                            // SAFETY: `self` is lent for this call.
                            let __hidden = unsafe { ::hpy_rs::impl_::arg(__ctx, __self) };
                            let __hidden: &::hpy_rs::Handle<'_> = &*__hidden;
                        }
                    } else {
                        quote! {
                            // SAFETY: the placeholder instance is lent for this call.
                            let __hidden = unsafe { ::hpy_rs::impl_::arg(__ctx, __self) }.get_type();
                            let __hidden: &::hpy_rs::Handle<'_> = &__hidden;
                        }
                    };
                    hidden = Some((pos, value));
                }
                None => errors.err(
                    ident.span(),
                    "a #[classmethod] takes the class as its first parameter: `cls: &Handle<'_>`",
                ),
            }
            if is_slf {
                recv = Recv::Ref;
            }
        }
        // `&self, slf: &Handle` / `&mut self, slf: &Handle`: the payload and the instance.
        let (inputs, slf) = if recv != Recv::None && !is_slf {
            strip_slf(&inputs)
        } else {
            (inputs, false)
        };
        if slf && matches!(kind, Kind::New) {
            errors.err(
                f.sig.ident.span(),
                "a `slf` parameter needs `&self` or `&mut self` (and no #[new])",
            );
        }
        let (rust_args, sig) =
            function::build_signature(&inputs, opts.signature.clone(), &mut errors);
        let m = Method {
            item: f.clone(),
            recv,
            rust_args,
            slf,
        };
        let plain = |m: &Method,
                     sig: signature::Signature,
                     py_name: String,
                     recv_code: TokenStream,
                     hidden: Option<(usize, TokenStream)>,
                     counter: &mut usize,
                     mods: &mut Vec<TokenStream>,
                     defs: &mut Vec<TokenStream>| {
            let text = sig.text_signature(Some("$self"));
            let doc = function::doc_with_signature(
                &py_name,
                Some(&text),
                utils::docstring(&m.item.attrs).as_deref(),
            );
            let spec = CallableSpec {
                msg_name: format!("{class_name}.{py_name}"),
                sig,
                rust_args: m.rust_args.clone(),
            };
            let ident = &m.item.sig.ident;
            let (recv_code2, recv_arg) = if is_slf {
                (quote!(), quote!())
            } else {
                recv_tokens(&ty, m.recv, &format_ident!("__self"))
            };
            let (hidden_code, hidden_pos) = match hidden {
                Some((p, code)) => (code, Some(p)),
                None => (quote!(), None),
            };
            let is_next = py_name == "__next__";
            let def = function::meth_def(
                &spec,
                &py_name,
                &doc,
                quote!(#recv_code #recv_code2 #hidden_code),
                |args| {
                    let mut args = args.to_vec();
                    if let Some(p) = hidden_pos {
                        args.insert(p.min(args.len()), quote!(__hidden));
                    }
                    let slf_tokens = slf_arg(m);
                    let call = quote!(<#ty>::#ident(#recv_arg #slf_tokens #(#args),*));
                    if is_next {
                        let sp = match &m.item.sig.output {
                            syn::ReturnType::Type(_, t) => syn::spanned::Spanned::span(&**t),
                            syn::ReturnType::Default => ident.span(),
                        };
                        quote::quote_spanned!(sp=> ::hpy_rs::impl_::IterNext::into_next(#call, __ctx))
                    } else {
                        call
                    }
                },
            );
            let md = format_ident!("__hpy_m{}", *counter);
            *counter += 1;
            mods.push(quote!(mod #md { use super::*; #def }));
            defs.push(quote!(unsafe { *#md::__HPY_DEF.get() }));
        };
        match kind {
            Kind::New => {
                if recv != Recv::None {
                    errors.err(self_span.unwrap_or(ident.span()), "#[new] takes no `self`");
                }
                has_new = true;
                let spec = CallableSpec {
                    msg_name: class_name.clone(),
                    sig,
                    rust_args: m.rust_args.clone(),
                };
                mods.push(gen_new(&ty, &spec, &ident, counter, &mut defs));
                counter += 1;
            }
            Kind::Getter => {
                if recv == Recv::None {
                    errors.err(ident.span(), "#[getter] needs `&self`");
                }
                let n = getter_name
                    .unwrap_or_else(|| name.strip_prefix("get_").unwrap_or(&name).to_owned());
                getsets.entry(n).or_default().0 = Some(m);
            }
            Kind::Setter => {
                if recv != Recv::Mut {
                    errors.err(ident.span(), "#[setter] needs `&mut self`");
                }
                let n = getter_name
                    .unwrap_or_else(|| name.strip_prefix("set_").unwrap_or(&name).to_owned());
                getsets.entry(n).or_default().1 = Some(m);
            }
            Kind::Static | Kind::Class => {
                let what = if matches!(kind, Kind::Static) {
                    "#[staticmethod]"
                } else {
                    "#[classmethod]"
                };
                if let Some(sp) = self_span {
                    errors.err(sp, format!("a {what} takes no `self`"));
                    continue;
                }
                let py_name = opts.name.clone().unwrap_or(name.clone());
                statics.push(py_name.clone());
                plain(
                    &m,
                    sig,
                    py_name,
                    quote!(),
                    hidden,
                    &mut counter,
                    &mut mods,
                    &mut defs,
                );
            }
            Kind::ClassAttr => {
                if let Some(sp) = self_span {
                    errors.err(sp, "a #[classattr] takes no `self`");
                    continue;
                }
                if py_arg_count(&m) != 0 {
                    errors.err(
                        ident.span(),
                        "a #[classattr] function takes no arguments (except `ctx: Ctx`)",
                    );
                    continue;
                }
                let py_name = opts.name.clone().unwrap_or(name.clone());
                let args = proto_args(&m, &[]);
                setup.push(quote!(__ty.setattr(#py_name, <#ty>::#ident(#(#args),*))?;));
            }
            Kind::Plain
                if name.starts_with("__")
                    && name.ends_with("__")
                    && !matches!(name.as_str(), "__iter__" | "__next__" | "__call__") =>
            {
                if recv == Recv::None {
                    errors.err(
                        ident.span(),
                        format!("`{name}` needs `&self` or `&mut self`"),
                    );
                    continue;
                }
                let Some((lo, hi)) = proto_arity(&name) else {
                    errors.err(ident.span(), format!("`{name}` is not a protocol method hpy-rs knows; rename it or see the book's list of supported magic methods"));
                    continue;
                };
                let n = py_arg_count(&m);
                if n < lo || n > hi {
                    let expected = if lo == hi {
                        format!("{lo} argument{}", plural(lo))
                    } else {
                        format!("{lo} or {hi} arguments")
                    };
                    errors.err(
                        ident.span(),
                        format!("`{name}` takes `self` and {expected} (besides an optional `ctx: Ctx`), found {n}"),
                    );
                    continue;
                }
                if recv == Recv::Mut && SHARED_ONLY.contains(&name.as_str()) {
                    errors.err(
                        self_span.unwrap_or(ident.span()),
                        format!("`{name}` must take `&self`: Python calls it implicitly (hashing, printing, truth tests, comparisons, `in`); keep state that changes there in a `Cell`/`RefCell`"),
                    );
                    continue;
                }
                protos.insert(name, m);
            }
            Kind::Plain => {
                if recv == Recv::None {
                    errors.err(ident.span(), "a method without `self` needs #[new], #[staticmethod], #[classmethod] or #[classattr] (or a first parameter `slf: &Handle<'_>`)");
                    continue;
                }
                if matches!(name.as_str(), "__iter__" | "__next__") && py_arg_count(&m) != 0 {
                    errors.err(
                        ident.span(),
                        format!("`{name}` takes only `self` (besides an optional `ctx: Ctx`)"),
                    );
                    continue;
                }
                let py_name = opts.name.clone().unwrap_or(name.clone());
                plain(
                    &m,
                    sig,
                    py_name,
                    quote!(),
                    hidden,
                    &mut counter,
                    &mut mods,
                    &mut defs,
                );
            }
        }
    }
    if !has_new {
        mods.push(gen_no_new(&class_name, &mut defs));
    }
    let mut pypy_props: Vec<TokenStream> = Vec::new();
    let mut prop_names: Vec<String> = Vec::new();
    for (name, (get, set)) in &getsets {
        let md = format_ident!("__hpy_m{}", counter);
        pypy_props.push(quote!(#md::pypy_defs()));
        prop_names.push(name.clone());
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
        &mut errors,
    );
    let frozen_checks = mut_spans.iter().map(|sp| {
        quote::quote_spanned! {*sp=>
            const _: () = ::core::assert!(
                !<#ty as ::hpy_rs::class::HPyClass>::FROZEN,
                "`&mut self` methods are not allowed on a `frozen` class"
            );
        }
    });
    let static_names = statics.iter();

    if let Err(e) = errors.finish() {
        let e = e.to_compile_error();
        return quote!(#item #e impl #ty { #[doc(hidden)] pub fn __hpy_method_defs() -> ::std::vec::Vec<::hpy_rs::ffi::HPyDef> { ::std::vec::Vec::new() } });
    }
    quote! {
        #item
        #[allow(non_snake_case, non_upper_case_globals, unused_imports, unused_variables, unused_mut, clippy::all)]
        const _: () = {
            #(#mods)*
            #(#frozen_checks)*
            impl #ty {
                #[doc(hidden)]
                pub fn __hpy_method_defs() -> ::std::vec::Vec<::hpy_rs::ffi::HPyDef> {
                    let mut __defs = ::std::vec![#(#defs),*];
                    if ::hpy_rs::ffi::is_pypy() {
                        #( __defs.extend(#pypy_props); )*
                    }
                    __defs
                }
                #[doc(hidden)]
                pub fn __hpy_class_setup<'py>(
                    __ctx: ::hpy_rs::Ctx<'py>,
                    __ty: &::hpy_rs::Handle<'py>,
                ) -> ::hpy_rs::HPyResult<()> {
                    ::hpy_rs::class::install_static_methods(__ctx, __ty, &[#(#static_names),*])?;
                    ::hpy_rs::impl_::pypy_properties(__ty, &[#(#prop_names),*])?;
                    #(#setup)*
                    ::core::result::Result::Ok(())
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
    let bind = function::bind_new_args(spec);
    let md = format_ident!("__hpy_m{}", n);
    let o = o();
    let (impl_ty, def) = tp_new_slot();
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
                        #bind
                        #extract
                        let __value = <#ty>::#ident(#(#args),*);
                        // SAFETY: the type handle is lent for this call.
                        let __t = unsafe { ::hpy_rs::impl_::arg(__ctx, __type) };
                        ::hpy_rs::impl_::NewRet::<'_, #ty>::into_instance(__value, __ctx, &*__t)
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

/// The impl type of a `tp_new` (`HPyFunc_newfunc`) and its slot def (impl `__impl`,
/// trampoline `__tramp`).
fn tp_new_slot() -> (TokenStream, TokenStream) {
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
    (impl_ty, def)
}

fn gen_no_new(class_name: &str, defs: &mut Vec<TokenStream>) -> TokenStream {
    let msg = format!("cannot create '{class_name}' instances");
    let o = o();
    let (impl_ty, def) = tp_new_slot();
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
        let sa = slf_arg(g);
        let args = proto_args(g, &[]);
        items.extend(quote! {
            unsafe extern "C" fn __get(__ctx: *mut ::hpy_rs::ffi::HPyContext, __self: ::hpy_rs::ffi::HPy, _c: *mut ::core::ffi::c_void) -> ::hpy_rs::ffi::HPy {
                // SAFETY: called by the runtime with its context and `self`.
                unsafe { ::hpy_rs::impl_::run_handle(__ctx, |__ctx| { #rc ::hpy_rs::IntoHandle::into_handle(<#ty>::#ident(#ra #sa #(#args),*), __ctx) }) }
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
    if let (None, Some(s)) = (get, set) {
        errors.err(
            s.item.sig.ident.span(),
            format!("#[setter] `{name}` needs a #[getter] of the same name (write-only attributes are not supported)"),
        );
    }
    if set.is_none() {
        let (it, i, t) = crate::class::readonly_setter(&quote!(#ty), name);
        items.extend(it);
        si = i;
        st = t;
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
        let sa = slf_arg(s);
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
                    ::hpy_rs::impl_::Ret::<()>::ret(<#ty>::#ident(#ra #sa #(#args),*))
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
    let adapters = crate::class::pypy_adapters(name);
    crate::class::getset_module(crate::class::GetSetParts {
        md: &md,
        items,
        name_c: &name_c,
        doc_c: &doc_c,
        fns: [&gi, &si, &gt, &st],
        adapters: &adapters,
    })
}

fn is_int_type(t: &Type) -> bool {
    ["isize", "usize", "i64", "i32", "u64", "u32"]
        .iter()
        .any(|n| utils::type_is(t, n))
}

/// Which slots an item method (`__getitem__`, `__setitem__`/`__delitem__`) fills, from its key.
struct ItemKeys {
    /// The mapping slot (`mp_subscript`/`mp_ass_subscript`): every key but `SeqIndex`.
    mapping: bool,
    /// The sequence slot (`sq_item`/`sq_ass_item`) for integer and `SeqIndex` keys: the tokens
    /// building the key from the slot's `__i: isize`.
    index: Option<TokenStream>,
}

impl ItemKeys {
    fn of(m: &Method) -> ItemKeys {
        let ty = first_py_type(m);
        let seq = ty.is_some_and(|t| utils::type_is(t, "SeqIndex"));
        let index = ty
            .filter(|t| seq || is_int_type(t))
            .map(|t| quote!(<#t as ::hpy_rs::class::IndexArg>::from_index(__i)?));
        ItemKeys {
            mapping: !seq,
            index,
        }
    }
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
    errors: &mut Errors,
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
        let sa = slf_arg(m);
        let args = proto_args(m, values);
        quote!(<#ty>::#ident(#ra #sa #(#args),*))
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
    // __getitem__: mp_subscript (any key) and, for integer keys, sq_item (iteration protocol);
    // a `SeqIndex` key: sq_item only (the runtime normalises the index).
    if let Some(m) = protos.get("__getitem__") {
        let (rc, _) = recv_tokens(ty, m.recv, &raw);
        let keys = ItemKeys::of(m);
        let key = operand(&quote!(__o), "__getitem__", false);
        let call = call(m, &[quote!(__key)]);
        let ity = quote!(unsafe extern "C" fn(#c, #h, #h) -> #h);
        let sty = quote!(unsafe extern "C" fn(#c, #h, isize) -> #h);
        let mut sd = Vec::new();
        let mut body = TokenStream::new();
        if keys.mapping {
            sd.push(slot_def(
                "mp_subscript",
                quote!(__impl),
                ity.clone(),
                quote!(__tramp),
                quote!(unsafe extern "C" fn(#o, #o) -> #o),
            ));
            body.extend(self_arg_impl(
                "__impl",
                "__tramp",
                "binaryfunc",
                quote! {
                    #rc
                    let __key = #key;
                    ::hpy_rs::IntoHandle::into_handle(#call, __ctx)
                },
            ));
        }
        if let Some(index_key) = &keys.index {
            sd.push(slot_def(
                "sq_item",
                quote!(__impl_i),
                sty.clone(),
                quote!(__tramp_i),
                quote!(unsafe extern "C" fn(#o, isize) -> #o),
            ));
            body.extend(quote! {
                unsafe extern "C" fn __impl_i(__ctx: #c, __self: #h, __i: isize) -> #h {
                    // SAFETY: called by the runtime with its context and `self`.
                    unsafe { ::hpy_rs::impl_::run_handle(__ctx, |__ctx| {
                        #rc
                        let __key = #index_key;
                        ::hpy_rs::IntoHandle::into_handle(#call, __ctx)
                    }) }
                }
                unsafe extern "C" fn __tramp_i(a: #o, i: isize) -> #o {
                    // SAFETY: called by CPython; forwards unchanged.
                    unsafe { ::hpy_rs::impl_::tramp::ssizeargfunc(a, i, ::hpy_rs::__hpy_cfunc!(__impl_i, #sty)) }
                }
            });
        }
        push(body, sd, defs);
    }
    // __setitem__ / __delitem__: mp_ass_subscript (+ sq_ass_item for integer keys; only
    // sq_ass_item for a `SeqIndex` key).
    let set = protos.get("__setitem__");
    let del = protos.get("__delitem__");
    if set.is_some() || del.is_some() {
        let any = set.or(del).unwrap();
        let (rc, _) = recv_tokens(ty, Recv::Mut.max_of(any.recv), &raw);
        let keys = ItemKeys::of(any);
        if let (Some(s), Some(d)) = (set, del) {
            if ItemKeys::of(s).mapping != ItemKeys::of(d).mapping {
                errors.err(
                    first_py_type(d).map_or(d.item.sig.ident.span(), syn::spanned::Spanned::span),
                    "`__setitem__` and `__delitem__` must both take a `SeqIndex` key or neither \
                     (they share one slot)",
                );
            }
        }
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
        let mut sd = Vec::new();
        let mut body = TokenStream::new();
        if keys.mapping {
            sd.push(slot_def(
                "mp_ass_subscript",
                quote!(__impl),
                ity.clone(),
                quote!(__tramp),
                quote!(unsafe extern "C" fn(#o, #o, #o) -> ::core::ffi::c_int),
            ));
            body.extend(quote! {
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
                unsafe extern "C" fn __tramp(a: #o, b: #o, v: #o) -> ::core::ffi::c_int {
                    // SAFETY: called by CPython; forwards unchanged.
                    unsafe { ::hpy_rs::impl_::tramp::objobjargproc(a, b, v, ::hpy_rs::__hpy_cfunc!(__impl, #ity)) }
                }
            });
        }
        if let Some(index_key) = &keys.index {
            sd.push(slot_def(
                "sq_ass_item",
                quote!(__impl_i),
                sty.clone(),
                quote!(__tramp_i),
                quote!(unsafe extern "C" fn(#o, isize, #o) -> ::core::ffi::c_int),
            ));
            body.extend(quote! {
                unsafe extern "C" fn __impl_i(__ctx: #c, __self: #h, __i: isize, __value: #h) -> ::core::ffi::c_int {
                    // SAFETY: called by the runtime with its context, `self`, index and value.
                    unsafe { ::hpy_rs::impl_::run_status(__ctx, |__ctx| {
                        #rc
                        let __key = #index_key;
                        if __value.is_null() { #del_call } else { #set_call }
                    }) }
                }
                unsafe extern "C" fn __tramp_i(a: #o, i: isize, v: #o) -> ::core::ffi::c_int {
                    // SAFETY: called by CPython; forwards unchanged.
                    unsafe { ::hpy_rs::impl_::tramp::ssizeobjargproc(a, i, v, ::hpy_rs::__hpy_cfunc!(__impl_i, #sty)) }
                }
            });
        }
        push(body, sd, defs);
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
        let side =
            |m: Option<&Method>, me: TokenStream, other: TokenStream, name: &str| -> TokenStream {
                let Some(m) = m else { return quote!() };
                let other_v = operand(&other, name, true);
                let call = call(m, &[quote!(__other)]);
                instance_side(ty, m, &me, quote!(), quote!(let __other = #other_v;), call)
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
            extra = self_arg_impl(
                "__refl",
                "__refl_tramp",
                "o",
                quote! {
                    #rc
                    let __other = #other_v;
                    ::hpy_rs::IntoHandle::into_handle(#call, __ctx)
                },
            );
            slots.push(reflected_meth_def(&refl_c, &bty));
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
    // In-place operators: `self op= other`; a `()` result returns `self`, any other result
    // is returned as is (as Python's `__iadd__` may return a new object).
    let tty = quote!(unsafe extern "C" fn(#c, #h, #h, #h) -> #h);
    let inplace: Vec<(&str, &str, bool)> = INPLACE
        .iter()
        .map(|(n, s)| (*n, *s, false))
        .chain([("__ipow__", "nb_inplace_power", true)])
        .collect();
    for (name, slot, ternary) in inplace {
        let Some(m) = protos.get(name) else { continue };
        let (rc, _) = recv_tokens(ty, m.recv, &raw);
        let other_v = operand(&quote!(__o), name, true);
        let mut vals = vec![quote!(__other)];
        let mut mod_code = quote!();
        if ternary {
            if py_arg_count(m) == 2 {
                let mod_v = operand(&quote!(__m), name, true);
                mod_code = quote!(let __mod = #mod_v;);
                vals.push(quote!(__mod));
            } else {
                mod_code = quote! {
                    if !__m.is_none() {
                        return ::core::result::Result::Ok(__ctx.not_implemented().to_owned());
                    }
                };
            }
        }
        let call = call(m, &vals);
        let finish = if returns_unit(&m.item.sig.output) {
            quote! {
                ::hpy_rs::impl_::Ret::<()>::ret(#call)?;
                ::core::mem::drop(__slf);
                // SAFETY: `self` is lent for this call.
                ::core::result::Result::Ok(unsafe { ::hpy_rs::impl_::arg(__ctx, __self) }.to_owned())
            }
        } else {
            quote!(::hpy_rs::IntoHandle::into_handle(#call, __ctx))
        };
        let body = quote! {
            let __other = #other_v;
            #mod_code
            #rc
            #finish
        };
        let (code, def) = if ternary {
            let code = quote! {
                unsafe extern "C" fn __impl(__ctx: #c, __self: #h, __o_raw: #h, __m_raw: #h) -> #h {
                    // SAFETY: called by the runtime with its context, `self` and the operands.
                    unsafe { ::hpy_rs::impl_::run_handle(__ctx, |__ctx| {
                        // SAFETY: the operands are lent for this call.
                        let __o = unsafe { ::hpy_rs::impl_::arg(__ctx, __o_raw) };
                        // SAFETY: as above.
                        let __m = unsafe { ::hpy_rs::impl_::arg(__ctx, __m_raw) };
                        #body
                    }) }
                }
                unsafe extern "C" fn __tramp(a: #o, b: #o, m: #o) -> #o {
                    // SAFETY: called by CPython; forwards unchanged.
                    unsafe { ::hpy_rs::impl_::tramp::ternaryfunc(a, b, m, ::hpy_rs::__hpy_cfunc!(__impl, #tty)) }
                }
            };
            let tramp_ty = quote!(unsafe extern "C" fn(#o, #o, #o) -> #o);
            (
                code,
                slot_def(slot, quote!(__impl), tty.clone(), quote!(__tramp), tramp_ty),
            )
        } else {
            let code = self_arg_impl("__impl", "__tramp", "binaryfunc", body);
            let tramp_ty = quote!(unsafe extern "C" fn(#o, #o) -> #o);
            (
                code,
                slot_def(slot, quote!(__impl), bty.clone(), quote!(__tramp), tramp_ty),
            )
        };
        push(code, vec![def], defs);
    }
    // `**`: the ternary `nb_power` slot (`pow(a, b, m)`; `m` is None for `a ** b`), with the
    // reflected `__rpow__` also exposed as a method for PyPy (called there as `b.__rpow__(a)`).
    let pf = protos.get("__pow__");
    let pr = protos.get("__rpow__");
    if pf.is_some() || pr.is_some() {
        let side = |m: Option<&Method>,
                    me: TokenStream,
                    other: TokenStream,
                    name: &str|
         -> TokenStream {
            let Some(m) = m else { return quote!() };
            let other_v = operand(&other, name, true);
            let (mod_code, vals) = if py_arg_count(m) == 2 {
                let mod_v = operand(&quote!(__m), name, true);
                (
                    quote!(let __mod = #mod_v;),
                    vec![quote!(__other), quote!(__mod)],
                )
            } else {
                (
                    quote! {
                        if !__m.is_none() {
                            return ::core::result::Result::Ok(__ctx.not_implemented().to_owned());
                        }
                    },
                    vec![quote!(__other)],
                )
            };
            let call = call(m, &vals);
            let before = quote! {
                let __other = #other_v;
                #mod_code
            };
            instance_side(ty, m, &me, before, quote!(), call)
        };
        let fwd_code = side(pf, quote!(__a), quote!(__b), "__pow__");
        let refl_code = side(pr, quote!(__b), quote!(__a), "__rpow__");
        let mut slots = vec![slot_def(
            "nb_power",
            quote!(__impl),
            tty.clone(),
            quote!(__tramp),
            quote!(unsafe extern "C" fn(#o, #o, #o) -> #o),
        )];
        let mut extra = quote!();
        if let Some(rm) = pr {
            let refl_c = utils::c_str("__rpow__");
            let (rc, _) = recv_tokens(ty, rm.recv, &raw);
            let other_v = operand(&quote!(__o), "__rpow__", true);
            let mut vals = vec![quote!(__other)];
            let mut mod_code = quote!();
            if py_arg_count(rm) == 2 {
                let mod_v = operand(&quote!(__m), "__rpow__", true);
                mod_code = quote!(let __m = __ctx.none(); let __mod = #mod_v;);
                vals.push(quote!(__mod));
            }
            let call = call(rm, &vals);
            extra = self_arg_impl(
                "__refl",
                "__refl_tramp",
                "o",
                quote! {
                    let __other = #other_v;
                    #mod_code
                    #rc
                    ::hpy_rs::IntoHandle::into_handle(#call, __ctx)
                },
            );
            slots.push(reflected_meth_def(&refl_c, &bty));
        }
        push(
            quote! {
                unsafe extern "C" fn __impl(__ctx: #c, __a_raw: #h, __b_raw: #h, __m_raw: #h) -> #h {
                    // SAFETY: called by the runtime with its context and the three operands.
                    unsafe { ::hpy_rs::impl_::run_handle(__ctx, |__ctx| {
                        // SAFETY: the operands are lent for this call.
                        let __a = unsafe { ::hpy_rs::impl_::arg(__ctx, __a_raw) };
                        // SAFETY: as above.
                        let __b = unsafe { ::hpy_rs::impl_::arg(__ctx, __b_raw) };
                        // SAFETY: as above.
                        let __m = unsafe { ::hpy_rs::impl_::arg(__ctx, __m_raw) };
                        let __ty = <#ty as ::hpy_rs::class::HPyClass>::type_object(__ctx)?;
                        #fwd_code
                        #refl_code
                        ::core::result::Result::Ok(__ctx.not_implemented().to_owned())
                    }) }
                }
                unsafe extern "C" fn __tramp(a: #o, b: #o, m: #o) -> #o {
                    // SAFETY: called by CPython; forwards unchanged.
                    unsafe { ::hpy_rs::impl_::tramp::ternaryfunc(a, b, m, ::hpy_rs::__hpy_cfunc!(__impl, #tty)) }
                }
                #extra
            },
            slots,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(f: syn::ImplItemFn) -> Inputs {
        f.sig.inputs
    }

    #[test]
    fn strip_slf_removes_only_a_leading_slf() {
        let (rest, slf) = strip_slf(&inputs(syn::parse_quote!(
            fn f<'py>(&self, slf: &Handle<'py>, x: f64) {}
        )));
        assert!(slf);
        assert_eq!(rest.len(), 2);
        assert!(matches!(rest[0], syn::FnArg::Receiver(_)));
        let (rest, slf) = strip_slf(&inputs(syn::parse_quote!(
            fn f<'py>(&self, x: f64, slf: &Handle<'py>) {}
        )));
        assert!(!slf);
        assert_eq!(rest.len(), 3);
    }

    #[test]
    fn slf_is_passed_but_not_a_python_parameter() {
        let item: ItemImpl = syn::parse_quote! {
            impl T {
                fn get<'py>(&self, slf: &Handle<'py>, x: f64) -> f64 { x }
            }
        };
        let out = expand(TokenStream::new(), item).to_string();
        assert!(out.contains("& * __slf_h ,"), "{out}");
        assert!(out.contains("positional : & [\"x\"]"), "{out}");
    }
}
