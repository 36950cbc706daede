//! Emitters of the slots that take `self` alone (`Form::Unary`: an object or a C integer
//! result), `sq_contains`, and `tp_richcompare` (the per-operator methods and the
//! catch-all).

use super::receiver::{borrow_self, call, key_call, operand, Recv};
use super::slots::{c, h, impl_slot, member, o, tramp_fn, Class, Group};
use super::table::{Arg, Form, Ret};
use super::Out;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// `(self)` alone, the result converted as the entry's `Ret` says: an object, or a C
/// integer (with -1 as the error value). `__impl`/`__tramp` fill every slot of the entry.
pub fn unary(class: &Class<'_>, group: &Group<'_>, out: &mut Out) {
    let [(p, Some(m))] = group else { return };
    let (ty, o, c, h) = (class.ty, o(), c(), h());
    let rc = borrow_self(ty, m.recv);
    let call = call(ty, m, &[]);
    let value = |conv: TokenStream, finish: TokenStream| quote!(run_value(__ctx, -1, |__ctx| { #rc let __v = ::hpy_rs::impl_::Ret::<#conv>::ret(#call)?; #finish }));
    let ok = quote!(::core::result::Result::Ok);
    let (ret_ty, tramp_ret, run) = match p.ret {
        Ret::Object => (
            h.clone(),
            o.clone(),
            quote!(run_handle(__ctx, |__ctx| { #rc ::hpy_rs::IntoHandle::into_handle(#call, __ctx) })),
        ),
        Ret::Len => {
            let run = value(quote!(usize), quote!(#ok(__v as isize)));
            (quote!(isize), quote!(isize), run)
        }
        Ret::Bool => {
            let int = quote!(::core::ffi::c_int);
            let run = value(quote!(bool), quote!(#ok(__v as ::core::ffi::c_int)));
            (int.clone(), int, run)
        }
        Ret::Hash => {
            let run = value(quote!(isize), quote!(#ok(if __v == -1 { -2 } else { __v })));
            (quote!(isize), quote!(isize), run)
        }
        _ => unreachable!("the table test checks the returns of `Form::Unary`"),
    };
    let tramp = tramp_fn(&p.fills[0]);
    let ity = quote!(unsafe extern "C" fn(#c, #h) -> #ret_ty);
    let tty = quote!(unsafe extern "C" fn(#o) -> #tramp_ret);
    let defs = p
        .fills
        .iter()
        .map(|f| impl_slot(f.slot.name, ity.clone(), tty.clone()))
        .collect();
    out.slot_module(
        quote! {
            unsafe extern "C" fn __impl(__ctx: #c, __self: #h) -> #ret_ty {
                // SAFETY: called by the runtime with its context and `self`.
                unsafe { ::hpy_rs::impl_::#run }
            }
            unsafe extern "C" fn __tramp(a: #o) -> #tramp_ret {
                // SAFETY: called by CPython; forwards unchanged.
                unsafe { ::hpy_rs::impl_::tramp::#tramp(a, ::hpy_rs::__hpy_cfunc!(__impl, #ity)) }
            }
        },
        defs,
    );
}

/// `sq_contains`: `key in self`.
pub fn contains(class: &Class<'_>, group: &Group<'_>, out: &mut Out) {
    let [(p, Some(m))] = group else { return };
    let (ty, o, c, h) = (class.ty, o(), c(), h());
    let [rc, key, call] = key_call(ty, p, m, &quote!(__k));
    let tramp = tramp_fn(&p.fills[0]);
    let ity = quote!(unsafe extern "C" fn(#c, #h, #h) -> ::core::ffi::c_int);
    let tty = quote!(unsafe extern "C" fn(#o, #o) -> ::core::ffi::c_int);
    let def = impl_slot(p.fills[0].slot.name, ity.clone(), tty);
    out.slot_module(
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
                unsafe { ::hpy_rs::impl_::tramp::#tramp(a, b, ::hpy_rs::__hpy_cfunc!(__impl, #ity)) }
            }
        },
        vec![def],
    );
}

/// `tp_richcompare`: one arm per operator method, and the catch-all for the rest
/// (`NotImplemented` without one). `self` is borrowed once, as strongly as any method needs.
pub fn rich_compare(class: &Class<'_>, group: &Group<'_>, out: &mut Out) {
    let (ty, o, c, h) = (class.ty, o(), c(), h());
    let mut arms = TokenStream::new();
    let mut borrow_recv = Recv::Ref;
    for (p, m) in group {
        let (Form::Compare(op), Some(m)) = (p.form, m) else {
            continue;
        };
        borrow_recv = borrow_recv.max_of(m.recv);
        let op = format_ident!("{}", op);
        let other_v = operand(&quote!(__o), p, Arg::Other);
        let call = call(ty, m, &[quote!(__other)]);
        arms.extend(quote!(::hpy_rs::ffi::cmp::#op => { let __other = #other_v; ::hpy_rs::IntoHandle::into_handle(#call, __ctx) }));
    }
    let (p, rich) = member(group, Form::RichCompare);
    let fallback = match rich {
        Some(m) => {
            borrow_recv = borrow_recv.max_of(m.recv);
            let other_v = operand(&quote!(__o), p, Arg::Other);
            let call = call(ty, m, &[quote!(__other), quote!(__op)]);
            quote!(_ => {
                let __other = #other_v;
                let __op = ::hpy_rs::CompareOp::from_raw(__op_raw).ok_or_else(|| ::hpy_rs::exc::SystemError::new_err("bad comparison operator"))?;
                ::hpy_rs::IntoHandle::into_handle(#call, __ctx)
            })
        }
        None => quote!(_ => ::core::result::Result::Ok(__ctx.not_implemented().to_owned())),
    };
    let rc = borrow_self(ty, borrow_recv);
    let fill = &p.fills[0];
    let tramp = tramp_fn(fill);
    let ity = quote!(unsafe extern "C" fn(#c, #h, #h, ::core::ffi::c_int) -> #h);
    let tty = quote!(unsafe extern "C" fn(#o, #o, ::core::ffi::c_int) -> #o);
    let def = impl_slot(fill.slot.name, ity.clone(), tty);
    out.slot_module(
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
                unsafe { ::hpy_rs::impl_::tramp::#tramp(a, b, op, ::hpy_rs::__hpy_cfunc!(__impl, #ity)) }
            }
        },
        vec![def],
    );
}
