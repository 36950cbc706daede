//! The getset emitter: a `#[getter]` and its optional `#[setter]` become one `HPyGetSet`
//! (with a generated read-only setter when there is none; on PyPy also the property's two
//! hidden methods, see `class::pypy_adapters`).

use super::receiver::{proto_args, py_arg_count, recv_tokens, slf_arg, Method};
use super::slots::o;
use crate::utils::{self, Errors};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Type;

/// The getset module `md` (whose `def()` is the getset def) of attribute `name`.
pub fn gen_getset(
    ty: &Type,
    name: &str,
    get: Option<&Method>,
    set: Option<&Method>,
    md: &syn::Ident,
    errors: &mut Errors,
) -> TokenStream {
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
    let doc_c = utils::c_str_or_null(doc.as_deref());
    crate::class::getset_module(md, items, name, &doc_c, [&gi, &si, &gt, &st])
}
