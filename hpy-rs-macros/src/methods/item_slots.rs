//! Emitters of the item slots (`Form::GetItem`, `Form::SetItem` with `Form::DelItem`): the
//! mapping slot takes any key, the sequence slot an integer one, and a `SeqIndex` key fills
//! only the sequence slot (the runtime normalises the index). Each fill's `Keys` says which.

use super::receiver::{borrow_self, call, first_py_type, key_call, operand, Method, Recv};
use super::slots::{
    c, h, impl_slot, member, o, self_arg_impl, self_arg_slot, slot_def, tramp_fn, Class, Group,
};
use super::table::{Arg, Fill, Form, Keys};
use super::Out;
use crate::utils::{self, Errors};
use proc_macro2::TokenStream;
use quote::quote;
use syn::Type;

fn is_int_type(t: &Type) -> bool {
    ["isize", "usize", "i64", "i32", "u64", "u32"]
        .iter()
        .any(|n| utils::type_is(t, n))
}

/// Which slots an item method fills, from its key.
struct ItemKeys {
    /// The mapping slot: every key but `SeqIndex`.
    mapping: bool,
    /// The sequence slot for integer and `SeqIndex` keys: the tokens building the key from the
    /// slot's `__i: isize`.
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

    /// The fills of `fills` these keys take, each with the index key's tokens for a sequence
    /// slot.
    fn filled<'f>(
        &self,
        fills: &'f [Fill],
    ) -> impl Iterator<Item = (&'f Fill, Option<&TokenStream>)> {
        fills.iter().filter_map(move |f| match f.keys {
            Keys::Mapping if self.mapping => Some((f, None)),
            Keys::Index => self.index.as_ref().map(|k| (f, Some(k))),
            _ => None,
        })
    }
}

/// The sequence slot `fill`'s impl `__impl_i` (of `self`, the index and, to `assign`, the
/// value `__value`), its trampoline `__tramp_i`, and its def. `body` runs with `self`
/// borrowed by `rc` and the key built by `index_key` in `__key`.
fn index_slot(
    fill: &Fill,
    assign: bool,
    rc: &TokenStream,
    index_key: &TokenStream,
    body: TokenStream,
) -> (TokenStream, TokenStream) {
    let (o, c, h) = (o(), c(), h());
    let int = quote!(::core::ffi::c_int);
    let (v_ty, v_ty_o, v_param, v_tramp, v_arg, ret, tramp_ret, run) = if assign {
        let run = quote!(run_status);
        (
            quote!(, #h),
            quote!(, #o),
            quote!(, __value: #h),
            quote!(, v: #o),
            quote!(v,),
            int.clone(),
            int,
            run,
        )
    } else {
        let run = quote!(run_handle);
        (
            quote!(),
            quote!(),
            quote!(),
            quote!(),
            quote!(),
            h.clone(),
            o.clone(),
            run,
        )
    };
    let sty = quote!(unsafe extern "C" fn(#c, #h, isize #v_ty) -> #ret);
    let tty = quote!(unsafe extern "C" fn(#o, isize #v_ty_o) -> #tramp_ret);
    let tramp = tramp_fn(fill);
    let def = slot_def(
        fill.slot.name,
        quote!(__impl_i),
        sty.clone(),
        quote!(__tramp_i),
        tty,
    );
    let code = quote! {
        unsafe extern "C" fn __impl_i(__ctx: #c, __self: #h, __i: isize #v_param) -> #ret {
            // SAFETY: called by the runtime with its context, `self`, the index (and value).
            unsafe { ::hpy_rs::impl_::#run(__ctx, |__ctx| {
                #rc
                let __key = #index_key;
                #body
            }) }
        }
        unsafe extern "C" fn __tramp_i(a: #o, i: isize #v_tramp) -> #tramp_ret {
            // SAFETY: called by CPython; forwards unchanged.
            unsafe { ::hpy_rs::impl_::tramp::#tramp(a, i, #v_arg ::hpy_rs::__hpy_cfunc!(__impl_i, #sty)) }
        }
    };
    (code, def)
}

/// `self[key]`.
pub fn get_item(class: &Class<'_>, group: &Group<'_>, out: &mut Out) {
    let [(p, Some(m))] = group else { return };
    let ty = class.ty;
    let [rc, key, call] = key_call(ty, p, m, &quote!(__o));
    let mut defs = Vec::new();
    let mut body = TokenStream::new();
    for (fill, index_key) in ItemKeys::of(m).filled(p.fills) {
        let Some(index_key) = index_key else {
            defs.push(self_arg_slot(fill));
            body.extend(self_arg_impl(
                "__impl",
                "__tramp",
                fill.func.name(),
                quote! {
                    #rc
                    let __key = #key;
                    ::hpy_rs::IntoHandle::into_handle(#call, __ctx)
                },
            ));
            continue;
        };
        let item = quote!(::hpy_rs::IntoHandle::into_handle(#call, __ctx));
        let (code, def) = index_slot(fill, false, &rc, index_key, item);
        body.extend(code);
        defs.push(def);
    }
    out.slot_module(body, defs);
}

/// `self[key] = value` and `del self[key]`: one pair of slots (a NULL value deletes), so both
/// methods take the same kind of key. A missing one raises CPython's `TypeError` (whatever
/// the key).
pub fn ass_item(class: &Class<'_>, group: &Group<'_>, out: &mut Out, errors: &mut Errors) {
    let (ty, o, c, h) = (class.ty, o(), c(), h());
    let (set_p, set) = member(group, Form::SetItem);
    let (del_p, del) = member(group, Form::DelItem);
    let Some(any) = set.or(del) else { return };
    let rc = borrow_self(ty, Recv::Mut.max_of(any.recv));
    let keys = ItemKeys::of(any);
    if let (Some(s), Some(d)) = (set, del) {
        if ItemKeys::of(s).mapping != ItemKeys::of(d).mapping {
            errors.err(
                first_py_type(d).map_or(d.item.sig.ident.span(), syn::spanned::Spanned::span),
                format!(
                    "`{}` and `{}` must both take a `SeqIndex` key or neither (they share one slot)",
                    set_p.name, del_p.name
                ),
            );
        }
    }
    let unsupported = |what: &str| {
        let msg = format!("'{}' object does not support item {what}", class.name);
        quote!(::core::result::Result::Err(::hpy_rs::exc::TypeError::new_err(#msg)))
    };
    // The code storing (or, for a NULL value, deleting) the item with key `__key`; with
    // `mapping`, each method first converts the key from `__k` (so conversion errors name it).
    let store = |mapping: bool| {
        let key = |p| {
            if !mapping {
                return quote!();
            }
            let key = operand(&quote!(__k), p, Arg::Key);
            quote!(let __key = #key;)
        };
        let set_call = match set {
            Some(m) => {
                let (key, call) = (key(set_p), call(ty, m, &[quote!(__key), quote!(__val)]));
                let val = operand(&quote!(__vh), set_p, Arg::Value);
                quote! {
                    #key
                    // SAFETY: the value is lent for this call.
                    let __vh = unsafe { ::hpy_rs::impl_::arg(__ctx, __value) };
                    let __val = #val;
                    ::hpy_rs::impl_::Ret::<()>::ret(#call)
                }
            }
            None => unsupported("assignment"),
        };
        let del_call = match del {
            Some(m) => {
                let (key, call) = (key(del_p), call(ty, m, &[quote!(__key)]));
                quote!(#key ::hpy_rs::impl_::Ret::<()>::ret(#call))
            }
            None => unsupported("deletion"),
        };
        quote!(if __value.is_null() { #del_call } else { #set_call })
    };
    let ity = quote!(unsafe extern "C" fn(#c, #h, #h, #h) -> ::core::ffi::c_int);
    let mut defs = Vec::new();
    let mut body = TokenStream::new();
    for (fill, index_key) in keys.filled(set_p.fills) {
        let tramp = tramp_fn(fill);
        let Some(index_key) = index_key else {
            let store = store(true);
            let tty = quote!(unsafe extern "C" fn(#o, #o, #o) -> ::core::ffi::c_int);
            defs.push(impl_slot(fill.slot.name, ity.clone(), tty));
            body.extend(quote! {
                unsafe extern "C" fn __impl(__ctx: #c, __self: #h, __key_raw: #h, __value: #h) -> ::core::ffi::c_int {
                    // SAFETY: called by the runtime with its context, `self`, key and value (NULL: delete).
                    unsafe { ::hpy_rs::impl_::run_status(__ctx, |__ctx| {
                        #rc
                        // SAFETY: the key is lent for this call.
                        let __k = unsafe { ::hpy_rs::impl_::arg(__ctx, __key_raw) };
                        #store
                    }) }
                }
                unsafe extern "C" fn __tramp(a: #o, b: #o, v: #o) -> ::core::ffi::c_int {
                    // SAFETY: called by CPython; forwards unchanged.
                    unsafe { ::hpy_rs::impl_::tramp::#tramp(a, b, v, ::hpy_rs::__hpy_cfunc!(__impl, #ity)) }
                }
            });
            continue;
        };
        let (code, def) = index_slot(fill, true, &rc, index_key, store(false));
        body.extend(code);
        defs.push(def);
    }
    out.slot_module(body, defs);
}
