//! The constructor: `#[new]` becomes `tp_new` (bound like a function, then the value moved
//! into a new instance); without one, `tp_new` raises CPython's "cannot create instances".

use super::slots::{impl_slot, o};
use crate::function::{self, CallableSpec};
use proc_macro2::TokenStream;
use quote::quote;
use syn::Type;

/// The `tp_new` module `md` (whose `def()` is the slot def) calling the `#[new]` method
/// `ident`.
pub fn gen_new(ty: &Type, spec: &CallableSpec, ident: &syn::Ident, md: &syn::Ident) -> TokenStream {
    let desc = function::description(spec);
    let (extract, args) = function::extract_args(spec);
    let bind = function::bind_new_args(spec);
    let o = o();
    let (impl_ty, def) = tp_new_slot();
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
    let def = impl_slot(
        "tp_new",
        impl_ty.clone(),
        quote!(unsafe extern "C" fn(#o, #o, #o) -> #o),
    );
    (impl_ty, def)
}

/// The `tp_new` module `__hpy_no_new` of a class without `#[new]`: it raises `TypeError`.
pub fn gen_no_new(class_name: &str) -> TokenStream {
    let msg = format!("cannot create '{class_name}' instances");
    let o = o();
    let (impl_ty, def) = tp_new_slot();
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
