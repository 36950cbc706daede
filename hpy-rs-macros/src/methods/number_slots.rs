//! Emitters of the number slots with operands: binary operators with their reflected twins
//! (`Form::Binary` + `Form::Reflected`; ternary for `**`, whose entries take a `Modulo`) and
//! in-place operators (`Form::InPlace`).
//!
//! A binary slot sees both operand orders on CPython, so its impl tries the forward method
//! when the left operand is an instance and the reflected one when the right is. PyPy
//! dispatches only the forward slot, so a reflected method is also exposed as an ordinary
//! method (called there as `b.__rop__(a)`, with `__m` absent).

use super::receiver::{borrow_self, call, operand, py_arg_count, returns_unit, Method, Recv};
use super::slots::{
    c, h, impl_slot, member, o, self_arg_impl, self_arg_slot, tramp_fn, Class, Group,
};
use super::table::{Arg, Fill, Form, Proto};
use super::Out;
use crate::utils;
use proc_macro2::TokenStream;
use quote::quote;
use syn::Type;

/// The code converting the operands of method `m` (entry `p`) into `__other` (from the handle
/// `other`) and, for a ternary slot, `__mod` (from `__m`), and the call's values. A method
/// without a modulo parameter returns `NotImplemented` for a modulo that is not `None`.
fn operands(p: &Proto, m: &Method, other: &TokenStream) -> (TokenStream, Vec<TokenStream>) {
    let other_v = operand(other, p, Arg::Other);
    let mut vals = vec![quote!(__other)];
    let mut mod_code = quote!();
    if p.ternary() {
        if py_arg_count(m) == 2 {
            let mod_v = operand(&quote!(__m), p, Arg::Modulo);
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
    (quote!(let __other = #other_v; #mod_code), vals)
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

/// The reflected method for PyPy: the impl `__refl` (METH_O) with trampoline `__refl_tramp`,
/// and its `HPyDef`. A binary one borrows `self` before converting the operand, a ternary one
/// after (as the slot does).
fn reflected_method(ty: &Type, p: &Proto, m: &Method) -> (TokenStream, TokenStream) {
    let rc = borrow_self(ty, m.recv);
    let other_v = operand(&quote!(__o), p, Arg::Other);
    let mut vals = vec![quote!(__other)];
    let body = if p.ternary() {
        let mut mod_code = quote!();
        if py_arg_count(m) == 2 {
            let mod_v = operand(&quote!(__m), p, Arg::Modulo);
            mod_code = quote!(let __m = __ctx.none(); let __mod = #mod_v;);
            vals.push(quote!(__mod));
        }
        let call = call(ty, m, &vals);
        quote!(let __other = #other_v; #mod_code #rc ::hpy_rs::IntoHandle::into_handle(#call, __ctx))
    } else {
        let call = call(ty, m, &vals);
        quote!(#rc let __other = #other_v; ::hpy_rs::IntoHandle::into_handle(#call, __ctx))
    };
    let code = self_arg_impl("__refl", "__refl_tramp", "o", body);
    let (name, o, c, h) = (utils::c_str(p.name), o(), c(), h());
    let def = quote! {
        ::hpy_rs::ffi::HPyDef {
            kind: ::hpy_rs::ffi::kind::Meth,
            u: ::hpy_rs::ffi::HPyDefUnion { meth: ::hpy_rs::ffi::HPyMeth {
                name: #name,
                impl_: ::hpy_rs::__hpy_cfunc!(__refl, unsafe extern "C" fn(#c, #h, #h) -> #h),
                cpy_trampoline: ::hpy_rs::__hpy_tramp!(__refl_tramp, unsafe extern "C" fn(#o, #o) -> #o),
                signature: ::hpy_rs::ffi::sig::O,
                doc: ::core::ptr::null(),
            } },
        }
    };
    (code, def)
}

/// The slot def of a binary or ternary operator's impl `__impl` (trampoline `__tramp`).
fn operator_slot(fill: &Fill, ternary: bool) -> TokenStream {
    if !ternary {
        return self_arg_slot(fill);
    }
    let (o, c, h) = (o(), c(), h());
    impl_slot(
        fill.slot.name,
        quote!(unsafe extern "C" fn(#c, #h, #h, #h) -> #h),
        quote!(unsafe extern "C" fn(#o, #o, #o) -> #o),
    )
}

/// A binary (or, with a modulo, ternary) operator: the forward method when the left operand
/// is an instance, the reflected one when the right is, else `NotImplemented`.
pub fn binary(class: &Class<'_>, group: &Group<'_>, out: &mut Out) {
    let (ty, o, c, h) = (class.ty, o(), c(), h());
    let (fwd_p, fwd) = member(group, Form::Binary);
    let (refl_p, refl) = member(group, Form::Reflected);
    let ternary = fwd_p.ternary();
    let side = |p: &Proto, m: Option<&Method>, me: TokenStream, other: TokenStream| {
        let Some(m) = m else { return quote!() };
        let (ops, vals) = operands(p, m, &other);
        let call = call(ty, m, &vals);
        if ternary {
            instance_side(ty, m, &me, ops, quote!(), call)
        } else {
            instance_side(ty, m, &me, quote!(), ops, call)
        }
    };
    let fwd_code = side(fwd_p, fwd, quote!(__a), quote!(__b));
    let refl_code = side(refl_p, refl, quote!(__b), quote!(__a));
    let fill = &fwd_p.fills[0];
    let mut defs = vec![operator_slot(fill, ternary)];
    let mut extra = quote!();
    if let Some(rm) = refl {
        let (code, def) = reflected_method(ty, refl_p, rm);
        extra = code;
        defs.push(def);
    }
    let tramp = tramp_fn(fill);
    let (m_param, m_bind, m_tramp_param, m_arg, ity) = if ternary {
        (
            quote!(, __m_raw: #h),
            quote! {
                // SAFETY: as above.
                let __m = unsafe { ::hpy_rs::impl_::arg(__ctx, __m_raw) };
            },
            quote!(, m: #o),
            quote!(m,),
            quote!(unsafe extern "C" fn(#c, #h, #h, #h) -> #h),
        )
    } else {
        let ity = quote!(unsafe extern "C" fn(#c, #h, #h) -> #h);
        (quote!(), quote!(), quote!(), quote!(), ity)
    };
    out.slot_module(
        quote! {
            unsafe extern "C" fn __impl(__ctx: #c, __a_raw: #h, __b_raw: #h #m_param) -> #h {
                // SAFETY: called by the runtime with its context and the operands.
                unsafe { ::hpy_rs::impl_::run_handle(__ctx, |__ctx| {
                    // SAFETY: the operands are lent for this call.
                    let __a = unsafe { ::hpy_rs::impl_::arg(__ctx, __a_raw) };
                    // SAFETY: as above.
                    let __b = unsafe { ::hpy_rs::impl_::arg(__ctx, __b_raw) };
                    #m_bind
                    let __ty = <#ty as ::hpy_rs::class::HPyClass>::type_object(__ctx)?;
                    #fwd_code
                    #refl_code
                    ::core::result::Result::Ok(__ctx.not_implemented().to_owned())
                }) }
            }
            unsafe extern "C" fn __tramp(a: #o, b: #o #m_tramp_param) -> #o {
                // SAFETY: called by CPython; forwards unchanged.
                unsafe { ::hpy_rs::impl_::tramp::#tramp(a, b, #m_arg ::hpy_rs::__hpy_cfunc!(__impl, #ity)) }
            }
            #extra
        },
        defs,
    );
}

/// `self op= other` (or `self **= other`, ternary): a `()` result returns `self`, any other
/// result is returned as is (as Python's in-place methods may return a new object).
pub fn in_place(class: &Class<'_>, group: &Group<'_>, out: &mut Out) {
    let [(p, Some(m))] = group else { return };
    let (ty, o, c, h) = (class.ty, o(), c(), h());
    let rc = borrow_self(ty, m.recv);
    let (ops, vals) = operands(p, m, &quote!(__o));
    let call = call(ty, m, &vals);
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
        #ops
        #rc
        #finish
    };
    let fill = &p.fills[0];
    let def = operator_slot(fill, p.ternary());
    let code = if p.ternary() {
        let tramp = tramp_fn(fill);
        let tty = quote!(unsafe extern "C" fn(#c, #h, #h, #h) -> #h);
        quote! {
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
                unsafe { ::hpy_rs::impl_::tramp::#tramp(a, b, m, ::hpy_rs::__hpy_cfunc!(__impl, #tty)) }
            }
        }
    } else {
        self_arg_impl("__impl", "__tramp", fill.func.name(), body)
    };
    out.slot_module(code, vec![def]);
}
