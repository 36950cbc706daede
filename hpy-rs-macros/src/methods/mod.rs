//! `#[hpy_methods] impl T { ... }`: constructor, methods, getters/setters and protocol methods
//! (recognised by name, from the protocol table in `table.rs`) of an `#[hpy_class]`. Each
//! becomes defs returned by the inherent `T::__hpy_method_defs()` that type creation copies
//! fresh every time.
//!
//! A method taking `&self`/`&mut self` may declare `slf: &Handle<'py>` as its first parameter:
//! it receives the instance itself (e.g. to store it in another object's `Field`) and is not
//! a Python parameter.
//!
//! The files: `table.rs` (the protocol table) and `book_table.rs` (its rendering for the
//! book), `attrs.rs` (method attributes), `receiver.rs` (receivers and arguments), `slots.rs` (walking the table) with the
//! slot emitters `object_slots.rs`, `item_slots.rs` and `number_slots.rs`, `getset.rs`, and
//! `constructor.rs` (`tp_new`).

mod attrs;
#[cfg(test)]
mod book_table;
mod constructor;
mod getset;
mod item_slots;
mod number_slots;
mod object_slots;
mod receiver;
mod slots;
mod table;
#[cfg(test)]
mod table_tests;

use crate::function::{self, CallableSpec};
use crate::signature::{self, Signature};
use crate::utils::{self, Errors};
use attrs::{take_method_attrs, Kind};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use receiver::{check_arity, check_protocol_receiver, check_shared, py_arg_count, Method, Recv};
use slots::Class;
use std::collections::BTreeMap;
use syn::{ImplItem, ItemImpl, Type};
use table::Form;

/// What the expansion emits: the hidden modules, and the defs of `__hpy_method_defs` (in
/// order). Module `__hpy_m<n>` takes the next `n`.
#[derive(Default)]
pub struct Out {
    mods: Vec<TokenStream>,
    defs: Vec<TokenStream>,
    counter: usize,
}

impl Out {
    fn next_mod(&mut self) -> syn::Ident {
        let md = format_ident!("__hpy_m{}", self.counter);
        self.counter += 1;
        md
    }

    /// A module holding `body` and one `def<i>()` per slot def of `slots`, all added to the
    /// defs.
    pub fn slot_module(&mut self, body: TokenStream, slots: Vec<TokenStream>) {
        let md = self.next_mod();
        for (i, _) in slots.iter().enumerate() {
            let f = format_ident!("def{}", i);
            self.defs.push(quote!(#md::#f()));
        }
        let fns = slots.iter().enumerate().map(|(i, s)| {
            let f = format_ident!("def{}", i);
            quote!(pub fn #f() -> ::hpy_rs::ffi::HPyDef { #s })
        });
        self.mods
            .push(quote!(mod #md { use super::*; #body #(#fns)* }));
    }
}

/// The error for a method whose name looks like a magic method hpy-rs does not know.
fn unknown_protocol(name: &str) -> String {
    let advice = table::advice(name).map_or(String::new(), |a| format!(" ({a})"));
    format!("`{name}` is not a protocol method hpy-rs knows{advice}; rename it or see the book's list of supported magic methods")
}

/// An ordinary method (also a static or class method): its `HPyMeth` module. `hidden` is the
/// code binding `__hidden` (`slf` or `cls`) and its position among the arguments; `is_slf`:
/// the method has no receiver but a leading `slf`.
fn plain_method(
    class: &Class<'_>,
    m: &Method,
    sig: Signature,
    py_name: String,
    is_slf: bool,
    hidden: Option<(usize, TokenStream)>,
    out: &mut Out,
) {
    let ty = class.ty;
    let text = sig.text_signature(Some("$self"));
    let doc = function::doc_with_signature(
        &py_name,
        Some(&text),
        utils::docstring(&m.item.attrs).as_deref(),
    );
    let spec = CallableSpec {
        msg_name: format!("{}.{py_name}", class.name),
        sig,
        rust_args: m.rust_args.clone(),
    };
    let ident = &m.item.sig.ident;
    let (recv_code, recv_arg) = if is_slf {
        (quote!(), quote!())
    } else {
        receiver::recv_tokens(ty, m.recv, &format_ident!("__self"))
    };
    let (hidden_code, hidden_pos) = match hidden {
        Some((p, code)) => (code, Some(p)),
        None => (quote!(), None),
    };
    // `Ret::Next` goes by the Python name: a method renamed to the iterator protocol's
    // `next` method is one.
    let is_next = table::lookup(&py_name).is_some_and(|p| p.ret == table::Ret::Next);
    let def = function::meth_def(
        &spec,
        &py_name,
        &doc,
        quote!(#recv_code #hidden_code),
        |args| {
            let mut args = args.to_vec();
            if let Some(p) = hidden_pos {
                args.insert(p.min(args.len()), quote!(__hidden));
            }
            let slf_tokens = receiver::slf_arg(m);
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
    let md = out.next_mod();
    out.mods.push(quote!(mod #md { use super::*; #def }));
    out.defs.push(quote!(unsafe { *#md::__HPY_DEF.get() }));
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
    let class = Class {
        ty: &ty,
        name: &class_name,
    };

    let mut out = Out::default();
    let mut protos: BTreeMap<String, Method> = BTreeMap::new();
    let mut getsets: BTreeMap<String, (Option<Method>, Option<Method>)> = BTreeMap::new();
    let mut statics: Vec<String> = Vec::new();
    let mut setup: Vec<TokenStream> = Vec::new();
    let mut mut_spans: Vec<Span> = Vec::new();
    let mut has_new = false;

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
        let (kind, opts, getter_name) = take_method_attrs(f, &mut errors);
        let self_span = f.sig.receiver().map(|r| r.self_token.span);
        let mut recv = Recv::of(f, &mut errors, &mut mut_spans);
        let ident = f.sig.ident.clone();
        let name = signature::unraw(&ident);
        // A hidden first parameter: `cls` of a class method, `slf: &Handle` of a method.
        let mut hidden: Option<(usize, TokenStream)> = None;
        let mut inputs = f.sig.inputs.clone();
        let is_slf = recv == Recv::None
            && matches!(kind, Kind::Plain)
            && receiver::take_hidden_param(&f.sig.inputs).is_some_and(|(_, _, id)| id == "slf");
        if matches!(kind, Kind::Class) || is_slf {
            match receiver::take_hidden_param(&f.sig.inputs) {
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
            receiver::strip_slf(&inputs)
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
        let py_name = opts.name.clone().unwrap_or(name.clone());
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
                let md = out.next_mod();
                out.defs.push(quote!(#md::def()));
                out.mods.push(constructor::gen_new(&ty, &spec, &ident, &md));
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
                statics.push(py_name.clone());
                plain_method(&class, &m, sig, py_name, false, hidden, &mut out);
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
                let args = receiver::proto_args(&m, &[]);
                setup.push(quote!(__ty.setattr(#py_name, <#ty>::#ident(#(#args),*))?;));
            }
            Kind::Plain => {
                let proto = if name.starts_with("__") && name.ends_with("__") {
                    let Some(p) = table::lookup(&name) else {
                        errors.err(ident.span(), unknown_protocol(&name));
                        continue;
                    };
                    Some(p)
                } else {
                    None
                };
                match proto {
                    Some(p) if p.form != Form::Method => {
                        // The first problem, at the method's name or its `self`.
                        let checks = [
                            (ident.span(), check_protocol_receiver(p, &m, is_slf)),
                            (ident.span(), check_arity(p, &m)),
                            (self_span.unwrap_or(ident.span()), check_shared(p, &m)),
                        ];
                        let first = checks.into_iter().find_map(|(sp, r)| Some((sp, r.err()?)));
                        if let Some((span, msg)) = first {
                            errors.err(span, msg);
                            continue;
                        }
                        protos.insert(name, m);
                    }
                    _ => {
                        if recv == Recv::None {
                            errors.err(ident.span(), "a method without `self` needs #[new], #[staticmethod], #[classmethod] or #[classattr] (or a first parameter `slf: &Handle<'_>`)");
                            continue;
                        }
                        if let Some(Err(msg)) = proto.map(|p| check_arity(p, &m)) {
                            errors.err(ident.span(), msg);
                            continue;
                        }
                        plain_method(&class, &m, sig, py_name, is_slf, hidden, &mut out);
                    }
                }
            }
        }
    }
    if !has_new {
        out.defs.push(quote!(__hpy_no_new::def()));
        out.mods.push(constructor::gen_no_new(&class_name));
    }
    let mut pypy_props: Vec<TokenStream> = Vec::new();
    let mut prop_names: Vec<String> = Vec::new();
    for (name, (get, set)) in &getsets {
        let md = out.next_mod();
        pypy_props.push(quote!(#md::pypy_defs()));
        prop_names.push(name.clone());
        out.defs.push(quote!(#md::def()));
        let module = getset::gen_getset(&ty, name, get.as_ref(), set.as_ref(), &md, &mut errors);
        out.mods.push(module);
    }
    slots::gen_protocols(&class, &protos, &mut out, &mut errors);
    let frozen_checks = mut_spans.iter().map(|sp| {
        quote::quote_spanned! {*sp=>
            const _: () = ::core::assert!(
                !<#ty as ::hpy_rs::class::HPyClass>::FROZEN,
                "`&mut self` methods are not allowed on a `frozen` class"
            );
        }
    });
    let static_names = statics.iter();
    let Out { mods, defs, .. } = out;

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

#[cfg(test)]
mod tests {
    use super::*;

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
