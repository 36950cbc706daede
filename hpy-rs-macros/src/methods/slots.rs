//! The protocol slots: [`gen_protocols`] walks the protocol table and, for each run of
//! entries sharing a slot of which the class defines at least one, calls the emitter of the
//! run's form (`object_slots.rs`, `item_slots.rs`, `number_slots.rs`). The helpers here build
//! what every emitter needs: slot defs and the `(self, argument)` impl shape.

use super::receiver::Method;
use super::table::{self, Fill, Form, Proto};
use super::{item_slots, number_slots, object_slots, Out};
use crate::utils::Errors;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;
use syn::Type;

/// The class an emitter generates for.
pub struct Class<'a> {
    pub ty: &'a Type,
    pub name: &'a str,
}

/// A run of table entries sharing a slot, each with the class's method of that name.
pub type Group<'a> = [(&'static Proto, Option<&'a Method>)];

/// The slot defs of every protocol method in `protos` (keyed by name), in table order.
pub fn gen_protocols(
    class: &Class<'_>,
    protos: &BTreeMap<String, Method>,
    out: &mut Out,
    errors: &mut Errors,
) {
    for run in table::slot_groups() {
        let group: Vec<_> = run.iter().map(|p| (p, protos.get(p.name))).collect();
        if group.iter().all(|(_, m)| m.is_none()) {
            continue;
        }
        match run[0].form {
            Form::Unary => object_slots::unary(class, &group, out),
            Form::Contains => object_slots::contains(class, &group, out),
            Form::Compare(_) => object_slots::rich_compare(class, &group, out),
            Form::GetItem => item_slots::get_item(class, &group, out),
            Form::SetItem => item_slots::ass_item(class, &group, out, errors),
            Form::Binary => number_slots::binary(class, &group, out),
            Form::InPlace => number_slots::in_place(class, &group, out),
            // The table test checks that these only follow the forms above in a run, and
            // that ordinary methods fill no slot.
            Form::DelItem | Form::Reflected | Form::RichCompare | Form::Method => {
                unreachable!("`{}` cannot start a slot run", run[0].name)
            }
        }
    }
}

/// The entry of `group` of form `form`, with the class's method.
pub fn member<'a>(group: &Group<'a>, form: Form) -> (&'static Proto, Option<&'a Method>) {
    *group
        .iter()
        .find(|(p, _)| p.form == form)
        .expect("the table test checks each run's forms")
}

/// `*mut PyObject`.
pub fn o() -> TokenStream {
    quote!(*mut ::hpy_rs::ffi::cpy_PyObject)
}

/// `*mut HPyContext`.
pub fn c() -> TokenStream {
    quote!(*mut ::hpy_rs::ffi::HPyContext)
}

/// `HPy`.
pub fn h() -> TokenStream {
    quote!(::hpy_rs::ffi::HPy)
}

/// The trampoline of `fill`, `::hpy_rs::impl_::tramp::<func>`.
pub fn tramp_fn(fill: &Fill) -> syn::Ident {
    format_ident!("{}", fill.func.name())
}

/// The `HPyDef` of a slot filled by `impl_fn` (of type `impl_ty`) with trampoline `tramp`.
pub fn slot_def(
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

/// The def of a slot filled by the impl `__impl` (of type `impl_ty`) and its trampoline
/// `__tramp` (of type `tramp_ty`).
pub fn impl_slot(slot: &str, impl_ty: TokenStream, tramp_ty: TokenStream) -> TokenStream {
    slot_def(slot, quote!(__impl), impl_ty, quote!(__tramp), tramp_ty)
}

/// The def of `fill` by the `(self, argument)` impl `__impl` and its trampoline `__tramp`
/// (see [`self_arg_impl`]).
pub fn self_arg_slot(fill: &Fill) -> TokenStream {
    let (o, c, h) = (o(), c(), h());
    impl_slot(
        fill.slot.name,
        quote!(unsafe extern "C" fn(#c, #h, #h) -> #h),
        quote!(unsafe extern "C" fn(#o, #o) -> #o),
    )
}

/// The impl `name` of HPyFunc_O's shape (`self` and one argument, bound to `__o` for
/// `body`) and its CPython trampoline `tramp`, which forwards through `impl_::tramp::<via>`.
pub fn self_arg_impl(name: &str, tramp: &str, via: &str, body: TokenStream) -> TokenStream {
    let (name, tramp, via) = (
        format_ident!("{}", name),
        format_ident!("{}", tramp),
        format_ident!("{}", via),
    );
    let (o, c, h) = (o(), c(), h());
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
