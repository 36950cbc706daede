//! `#[hpy_class]`: a struct becomes a pure HPy type; its payload is the struct (inside a
//! borrow-checked cell). Methods come from `#[hpy_methods]`; field attributes
//! (`#[hpy(get, set)]` on struct fields) become getsets, or `HPyMember`s where that is sound.

use crate::utils::{self, Errors};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::ItemStruct;

pub const CLASS_OPTIONS: &[&str] = &["name", "module", "frozen", "hidden", "register", "subclass"];
pub const FIELD_OPTIONS: &[&str] = &["get", "set", "name", "traverse"];

/// Scalar field types an `HPyMember` can expose, with their `HPyMember_FieldType`.
const MEMBER_TYPES: &[(&str, &str)] = &[
    ("f64", "DOUBLE"),
    ("f32", "FLOAT"),
    ("i8", "BYTE"),
    ("u8", "UBYTE"),
    ("i16", "SHORT"),
    ("u16", "USHORT"),
    ("i32", "INT"),
    ("u32", "UINT"),
    ("i64", "LONGLONG"),
    ("u64", "ULONGLONG"),
    ("isize", "HPYSSIZET"),
    ("usize", "ULONGLONG"),
    ("bool", "BOOL"),
];

#[derive(Default)]
struct FieldAttr {
    get: bool,
    set: bool,
    name: Option<String>,
    traverse: bool,
}

fn parse_field_attrs(attrs: &mut Vec<syn::Attribute>, errors: &mut Errors) -> FieldAttr {
    let mut fa = FieldAttr::default();
    for a in utils::take_attrs(attrs, "hpy") {
        match utils::attr_args(&a).and_then(utils::parse_opts) {
            Ok(opts) => {
                for opt in opts {
                    match opt.key.to_string().as_str() {
                        "get" => fa.get = true,
                        "set" => fa.set = true,
                        "traverse" => fa.traverse = true,
                        "name" => fa.name = opt.string(errors),
                        _ => utils::unknown_option(errors, &opt.key, "field", FIELD_OPTIONS),
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    fa
}

/// Whether a type mentions `Field` anywhere (`Field`, `Option<Field>`, `Vec<(K, Field)>`, …).
fn mentions_field(ty: &syn::Type) -> bool {
    fn walk(ts: TokenStream) -> bool {
        ts.into_iter().any(|t| match t {
            proc_macro2::TokenTree::Ident(i) => i == "Field",
            proc_macro2::TokenTree::Group(g) => walk(g.stream()),
            _ => false,
        })
    }
    walk(quote!(#ty))
}

pub fn expand_class(attr: TokenStream, mut item: ItemStruct) -> TokenStream {
    let mut errors = Errors::default();
    let mut name: Option<String> = None;
    let mut module: Option<String> = None;
    let mut frozen = false;
    let mut hidden = false;
    let mut register: Vec<String> = Vec::new();
    match utils::parse_opts(attr) {
        Ok(opts) => {
            for opt in opts {
                match opt.key.to_string().as_str() {
                    "name" => name = opt.string(&mut errors),
                    "module" => module = opt.string(&mut errors),
                    "frozen" => frozen = true,
                    "hidden" => hidden = true,
                    "register" => match opt.string(&mut errors) {
                        Some(r) if r.rsplit_once('.').is_some_and(|(m, a)| !m.is_empty() && !a.is_empty()) => register.push(r),
                        Some(r) => errors.err(
                            opt.key.span(),
                            format!("`register` takes `\"module.Class\"` (an ABC such as `\"collections.abc.Mapping\"`), not `{r:?}`"),
                        ),
                        None => {}
                    },
                    "subclass" => errors.err(
                        opt.key.span(),
                        "`subclass` is not supported: CPython's hpy 0.9.0 corrupts Python subclasses of pure HPy types (wrong payload pointer in HPy_New, tp_traverse and tp_destroy), so hpy-rs classes are final",
                    ),
                    _ => utils::unknown_option(&mut errors, &opt.key, "hpy_class", CLASS_OPTIONS),
                }
            }
        }
        Err(e) => errors.push(e),
    }
    if !item.generics.params.is_empty() {
        errors.err(
            syn::spanned::Spanned::span(&item.generics),
            "#[hpy_class] structs cannot be generic",
        );
    }
    let ident = item.ident.clone();
    let ty: syn::Type = syn::parse_quote!(#ident);
    let py_name = name.unwrap_or_else(|| ident.to_string());
    let doc = match utils::docstring(&item.attrs) {
        Some(d) => quote!(::core::option::Option::Some(#d)),
        None => quote!(::core::option::Option::None),
    };
    let module = match module {
        Some(m) => quote!(::core::option::Option::Some(#m)),
        None => quote!(::core::option::Option::None),
    };

    // Fields and scalars only: the payload's drop glue is the fields' (see
    // `HPyClass::fields_and_scalars_only`).
    let fields_and_scalars_only = item.fields.iter().all(|f| {
        utils::type_is(&f.ty, "Field") || MEMBER_TYPES.iter().any(|(n, _)| utils::type_is(&f.ty, n))
    });
    let mut traversed: Vec<TokenStream> = Vec::new();
    let mut mods: Vec<TokenStream> = Vec::new();
    let mut field_defs: Vec<TokenStream> = Vec::new();
    let mut pypy_props: Vec<TokenStream> = Vec::new();
    let mut prop_names: Vec<String> = Vec::new();
    for (i, f) in item.fields.iter_mut().enumerate() {
        let fa = parse_field_attrs(&mut f.attrs, &mut errors);
        let member = match &f.ident {
            Some(id) => quote!(#id),
            None => {
                let idx = syn::Index::from(i);
                quote!(#idx)
            }
        };
        if fa.traverse || mentions_field(&f.ty) {
            traversed.push(member.clone());
        }
        if !(fa.get || fa.set) {
            if fa.name.is_some() {
                errors.err(
                    syn::spanned::Spanned::span(&f.ty),
                    "`name` needs `get` and/or `set`",
                );
            }
            continue;
        }
        let attr_name = match (&fa.name, &f.ident) {
            (Some(n), _) => n.clone(),
            (None, Some(id)) => crate::signature::unraw(id),
            (None, None) => {
                errors.err(
                    syn::spanned::Spanned::span(&f.ty),
                    "a tuple-struct field attribute needs `name = \"...\"`",
                );
                continue;
            }
        };
        if fa.set && !fa.get {
            errors.err(
                syn::spanned::Spanned::span(&f.ty),
                "a field with `set` needs `get` too (write-only attributes are not supported)",
            );
            continue;
        }
        if fa.set && frozen {
            errors.err(
                syn::spanned::Spanned::span(&f.ty),
                "a `frozen` class has no settable fields (its payload is never borrowed mutably); drop `set` or `frozen`",
            );
            continue;
        }
        let md = format_ident!("__hpy_f{}", i);
        let fty = &f.ty;
        let member_ty = MEMBER_TYPES
            .iter()
            .find(|(n, _)| utils::type_is(fty, n))
            .map(|(_, k)| *k);
        let doc_c = utils::c_str_or_null(utils::docstring(&f.attrs).as_deref());
        let name_c = utils::c_str(&attr_name);
        match member_ty {
            // Sound as a raw member: a frozen payload is never borrowed mutably, and the
            // member is read-only, so the runtime's plain loads never race a Rust `&mut`.
            Some(kind) if frozen && !fa.set => {
                let kind = format_ident!("{}", kind);
                mods.push(quote! {
                    mod #md {
                        use super::*;
                        // The member reads the field's bytes as this exact scalar type.
                        fn __check(t: &#ty) -> &#fty { &t.#member }
                        pub fn def() -> ::hpy_rs::ffi::HPyDef {
                            ::hpy_rs::ffi::HPyDef {
                                kind: ::hpy_rs::ffi::kind::Member,
                                u: ::hpy_rs::ffi::HPyDefUnion { member: ::hpy_rs::ffi::HPyMember {
                                    name: #name_c,
                                    type_: ::hpy_rs::ffi::member::#kind,
                                    offset: (::hpy_rs::class::ClassCell::<#ty>::VALUE_OFFSET
                                        + ::core::mem::offset_of!(#ty, #member)) as isize,
                                    readonly: 1,
                                    doc: #doc_c,
                                } },
                            }
                        }
                    }
                });
            }
            _ => {
                mods.push(field_getset(
                    &ty, &member, fty, &attr_name, fa.get, fa.set, &md, doc_c,
                ));
                pypy_props.push(quote!(#md::pypy_defs()));
                prop_names.push(attr_name.clone());
            }
        }
        field_defs.push(quote!(#md::def()));
    }
    let has_fields = !traversed.is_empty();
    let body = quote! {
        #[allow(non_snake_case, non_upper_case_globals, unused_imports, unused_variables, unused_mut, dead_code, clippy::all)]
        const _: () = {
            #(#mods)*
            impl ::hpy_rs::class::HPyClass for #ident {
                const NAME: &'static str = #py_name;
                const DOC: ::core::option::Option<&'static str> = #doc;
                const HAS_FIELDS: bool = #has_fields;
                const FROZEN: bool = #frozen;
                const MODULE: ::core::option::Option<&'static str> = #module;
                const HIDDEN: bool = #hidden;

                const REGISTER: &'static [&'static str] = &[#(#register),*];
                fn fields_and_scalars_only() -> bool {
                    // Whether the struct implements `Drop` itself, by autoref specialisation:
                    // the `&Probe` impl (for `Drop` types) is picked before the plain one.
                    struct __Probe<T>(::core::marker::PhantomData<T>);
                    trait __ViaDrop { fn __has_drop(&self) -> bool { true } }
                    #[allow(drop_bounds)]
                    impl<T: ::core::ops::Drop> __ViaDrop for &__Probe<T> {}
                    trait __ViaPlain { fn __has_drop(&self) -> bool { false } }
                    impl<T> __ViaPlain for __Probe<T> {}
                    #fields_and_scalars_only
                        && !(&&__Probe::<#ident>(::core::marker::PhantomData)).__has_drop()
                }
                fn type_global() -> &'static ::hpy_rs::Global {
                    static TYPE: ::hpy_rs::Global = ::hpy_rs::Global::new();
                    &TYPE
                }
                fn defines() -> ::std::vec::Vec<::hpy_rs::ffi::HPyDef> {
                    #[allow(unused_imports)]
                    use ::hpy_rs::impl_::NoMethods as _;
                    let mut __defs = <#ident>::__hpy_method_defs();
                    #( __defs.push(#field_defs); )*
                    if ::hpy_rs::ffi::is_pypy() {
                        #( __defs.extend(#pypy_props); )*
                    }
                    __defs
                }
                fn visit_fields(
                    value: &Self,
                    visit: &mut dyn FnMut(*mut ::hpy_rs::ffi::HPyField) -> ::core::ffi::c_int,
                ) -> ::core::ffi::c_int {
                    let mut __v = ::hpy_rs::class::Visit::new(visit);
                    #( ::hpy_rs::class::Traverse::traverse(&value.#traversed, &mut __v); )*
                    __v.status()
                }
                fn class_setup<'py>(
                    ctx: ::hpy_rs::Ctx<'py>,
                    ty: &::hpy_rs::Handle<'py>,
                ) -> ::hpy_rs::HPyResult<()> {
                    #[allow(unused_imports)]
                    use ::hpy_rs::impl_::NoMethods as _;
                    ::hpy_rs::impl_::pypy_properties(ty, &[#(#prop_names),*])?;
                    <#ident>::__hpy_class_setup(ctx, ty)
                }
            }
        };
        impl<'py> ::hpy_rs::IntoHandle<'py> for #ident {
            #[inline]
            fn into_handle(self, ctx: ::hpy_rs::Ctx<'py>) -> ::hpy_rs::HPyResult<::hpy_rs::Handle<'py>> {
                ::hpy_rs::class::new_instance(ctx, self)
            }
        }
    };
    match errors.finish() {
        Ok(()) => quote!(#item #body),
        Err(e) => {
            // The class impl is still emitted (without the faulty attributes), so the only
            // errors are the ones above, not follow-on "HPyClass is not implemented" noise.
            let e = e.to_compile_error();
            quote!(#item #e #body)
        }
    }
}

/// A getset for a field attribute, borrow-checked like a `#[getter]`/`#[setter]` pair.
#[allow(clippy::too_many_arguments)]
fn field_getset(
    ty: &syn::Type,
    member: &TokenStream,
    fty: &syn::Type,
    attr_name: &str,
    get: bool,
    set: bool,
    md: &syn::Ident,
    doc_c: TokenStream,
) -> TokenStream {
    let o = quote!(*mut ::hpy_rs::ffi::cpy_PyObject);
    let c = quote!(*mut ::hpy_rs::ffi::HPyContext);
    let h = quote!(::hpy_rs::ffi::HPy);
    let vp = quote!(*mut ::core::ffi::c_void);
    let get_ty = quote!(unsafe extern "C" fn(#c, #h, #vp) -> #h);
    let set_ty = quote!(unsafe extern "C" fn(#c, #h, #h, #vp) -> ::core::ffi::c_int);
    let is_field = utils::type_is(fty, "Field");
    let mut items = TokenStream::new();
    let (mut gi, mut gt) = (
        quote!(::core::option::Option::None),
        quote!(::core::ptr::null_mut()),
    );
    let (si, st);
    if get {
        let value = if is_field {
            quote!(__slf.#member.get(&*__slf_h))
        } else {
            quote!(::core::clone::Clone::clone(&__slf.#member))
        };
        items.extend(quote! {
            unsafe extern "C" fn __get(__ctx: #c, __self: #h, _c: #vp) -> #h {
                // SAFETY: called by the runtime with its context and `self`.
                unsafe { ::hpy_rs::impl_::run_handle(__ctx, |__ctx| {
                    // SAFETY: `self` is lent for this call.
                    let __slf_h = unsafe { ::hpy_rs::impl_::arg(__ctx, __self) };
                    // SAFETY: a getset's `self` was type-checked by the runtime's descriptor.
                    let __slf = unsafe { ::hpy_rs::class::ClassCell::<#ty>::receiver(&*__slf_h) }?.borrow()?;
                    let __v = #value;
                    ::core::mem::drop(__slf);
                    ::hpy_rs::IntoHandle::into_handle(__v, __ctx)
                }) }
            }
            unsafe extern "C" fn __get_tramp(s: #o, c: #vp) -> #o {
                // SAFETY: called by CPython; forwards unchanged.
                unsafe { ::hpy_rs::impl_::tramp::getter(s, c, ::hpy_rs::__hpy_cfunc!(__get, #get_ty)) }
            }
        });
        gi = quote!(::hpy_rs::__hpy_cfunc!(__get, #get_ty));
        gt = quote!(::hpy_rs::__hpy_tramp!(__get_tramp, unsafe extern "C" fn(#o, #vp) -> #o));
    }
    if !set {
        let (it, i, t) = readonly_setter(&quote!(#ty), attr_name);
        items.extend(it);
        si = i;
        st = t;
    } else {
        let msg = format!("cannot delete attribute '{attr_name}'");
        let store = if is_field {
            quote! {
                // SAFETY: a getset's `self` was type-checked by the runtime's descriptor.
                let __slf = unsafe { ::hpy_rs::class::ClassCell::<#ty>::receiver(&*__slf_h) }?.borrow()?;
                __slf.#member.set(&*__slf_h, ::core::option::Option::Some(&*__vh));
            }
        } else {
            quote! {
                let __v: #fty = ::hpy_rs::impl_::extract_arg(&*__vh, #attr_name, "value")?;
                // SAFETY: a getset's `self` was type-checked by the runtime's descriptor.
                let mut __slf = unsafe { ::hpy_rs::class::ClassCell::<#ty>::receiver(&*__slf_h) }?.borrow_mut()?;
                __slf.#member = __v;
            }
        };
        items.extend(quote! {
            unsafe extern "C" fn __set(__ctx: #c, __self: #h, __value: #h, _c: #vp) -> ::core::ffi::c_int {
                // SAFETY: called by the runtime with its context, `self` and the value.
                unsafe { ::hpy_rs::impl_::run_status(__ctx, |__ctx| {
                    if __value.is_null() {
                        return ::core::result::Result::Err(::hpy_rs::exc::AttributeError::new_err(#msg));
                    }
                    // SAFETY: `self` and the value are lent for this call.
                    let __slf_h = unsafe { ::hpy_rs::impl_::arg(__ctx, __self) };
                    // SAFETY: as above.
                    let __vh = unsafe { ::hpy_rs::impl_::arg(__ctx, __value) };
                    #store
                    ::core::result::Result::Ok(())
                }) }
            }
            unsafe extern "C" fn __set_tramp(s: #o, v: #o, c: #vp) -> ::core::ffi::c_int {
                // SAFETY: called by CPython; forwards unchanged.
                unsafe { ::hpy_rs::impl_::tramp::setter(s, v, c, ::hpy_rs::__hpy_cfunc!(__set, #set_ty)) }
            }
        });
        si = quote!(::hpy_rs::__hpy_cfunc!(__set, #set_ty));
        st = quote!(
            ::hpy_rs::__hpy_tramp!(__set_tramp, unsafe extern "C" fn(#o, #o, #vp) -> ::core::ffi::c_int)
        );
    }
    getset_module(md, items, attr_name, &doc_c, [&gi, &si, &gt, &st])
}

/// PyPy 7.3.19 ignores a getset setter's error result (the exception surfaces later,
/// somewhere else) and aborts on assignment to a getset without setter. On PyPy every getset
/// is therefore replaced by a `property` over two hidden methods (`__hpy_get_<name>`,
/// `__hpy_set_<name>`), whose errors PyPy does check. These are their impls (PyPy calls impls
/// directly, so they need no CPython trampoline).
pub(crate) fn pypy_adapters(name: &str) -> TokenStream {
    let c = quote!(*mut ::hpy_rs::ffi::HPyContext);
    let h = quote!(::hpy_rs::ffi::HPy);
    let get_c = crate::utils::c_str(&format!("__hpy_get_{name}"));
    let set_c = crate::utils::c_str(&format!("__hpy_set_{name}"));
    quote! {
        unsafe extern "C" fn __pget(__ctx: #c, __self: #h) -> #h {
            // SAFETY: forwards the runtime's arguments to the getter.
            unsafe { __get(__ctx, __self, ::core::ptr::null_mut()) }
        }
        unsafe extern "C" fn __pset(__ctx: #c, __self: #h, __value: #h) -> #h {
            // SAFETY: forwards the runtime's arguments to the setter.
            if unsafe { __set(__ctx, __self, __value, ::core::ptr::null_mut()) } != 0 {
                return ::hpy_rs::ffi::HPy::NULL;
            }
            // SAFETY: the runtime's context of this call.
            unsafe { ::hpy_rs::impl_::none_raw(__ctx) }
        }
        pub fn pypy_defs() -> [::hpy_rs::ffi::HPyDef; 2] {
            [
                ::hpy_rs::ffi::HPyDef {
                    kind: ::hpy_rs::ffi::kind::Meth,
                    u: ::hpy_rs::ffi::HPyDefUnion { meth: ::hpy_rs::ffi::HPyMeth {
                        name: #get_c,
                        impl_: ::hpy_rs::__hpy_cfunc!(__pget, unsafe extern "C" fn(#c, #h) -> #h),
                        cpy_trampoline: ::core::ptr::null_mut(),
                        signature: ::hpy_rs::ffi::sig::NOARGS,
                        doc: ::core::ptr::null(),
                    } },
                },
                ::hpy_rs::ffi::HPyDef {
                    kind: ::hpy_rs::ffi::kind::Meth,
                    u: ::hpy_rs::ffi::HPyDefUnion { meth: ::hpy_rs::ffi::HPyMeth {
                        name: #set_c,
                        impl_: ::hpy_rs::__hpy_cfunc!(__pset, unsafe extern "C" fn(#c, #h, #h) -> #h),
                        cpy_trampoline: ::core::ptr::null_mut(),
                        signature: ::hpy_rs::ffi::sig::O,
                        doc: ::core::ptr::null(),
                    } },
                },
            ]
        }
    }
}

/// A setter for a read-only getset: PyPy 7.3.19 aborts ("NotImplementedError" in
/// `W_HPyGetSetProperty_readonly_attribute`) when a getset without setter is assigned, so
/// every getset gets one, raising CPython's `AttributeError`.
pub(crate) fn readonly_setter(
    class: &TokenStream,
    attr_name: &str,
) -> (TokenStream, TokenStream, TokenStream) {
    let o = quote!(*mut ::hpy_rs::ffi::cpy_PyObject);
    let c = quote!(*mut ::hpy_rs::ffi::HPyContext);
    let h = quote!(::hpy_rs::ffi::HPy);
    let vp = quote!(*mut ::core::ffi::c_void);
    let set_ty = quote!(unsafe extern "C" fn(#c, #h, #h, #vp) -> ::core::ffi::c_int);
    let items = quote! {
        unsafe extern "C" fn __set(__ctx: #c, _s: #h, _v: #h, _c: #vp) -> ::core::ffi::c_int {
            // SAFETY: called by the runtime with its context.
            unsafe { ::hpy_rs::impl_::run_status(__ctx, |_ctx| {
                ::core::result::Result::Err(::hpy_rs::impl_::readonly_attribute(#attr_name, <#class as ::hpy_rs::class::HPyClass>::NAME))
            }) }
        }
        unsafe extern "C" fn __set_tramp(s: #o, v: #o, c: #vp) -> ::core::ffi::c_int {
            // SAFETY: called by CPython; forwards unchanged.
            unsafe { ::hpy_rs::impl_::tramp::setter(s, v, c, ::hpy_rs::__hpy_cfunc!(__set, #set_ty)) }
        }
    };
    (
        items,
        quote!(::hpy_rs::__hpy_cfunc!(__set, #set_ty)),
        quote!(
            ::hpy_rs::__hpy_tramp!(__set_tramp, unsafe extern "C" fn(#o, #o, #vp) -> ::core::ffi::c_int)
        ),
    )
}

/// `mod <md> { <items> <PyPy adapters> pub fn def() -> HPyDef }` for the getset `name`;
/// `fns` are its getter impl, setter impl, getter trampoline and setter trampoline.
pub(crate) fn getset_module(
    md: &syn::Ident,
    items: TokenStream,
    name: &str,
    doc_c: &TokenStream,
    fns: [&TokenStream; 4],
) -> TokenStream {
    let [gi, si, gt, st] = fns;
    let name_c = crate::utils::c_str(name);
    let adapters = pypy_adapters(name);
    quote! {
        mod #md {
            use super::*;
            #items
            #adapters
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_types_that_mention_field_are_traversed() {
        let t: syn::Type = syn::parse_quote!(Vec<(String, Option<Field>)>);
        assert!(mentions_field(&t));
        let t: syn::Type = syn::parse_quote!(Vec<f64>);
        assert!(!mentions_field(&t));
    }

    #[test]
    fn frozen_read_only_scalars_become_members() {
        let out = expand_class(
            quote!(frozen),
            syn::parse_quote!(
                struct P {
                    #[hpy(get)]
                    x: f64,
                    #[hpy(get)]
                    label: String,
                }
            ),
        )
        .to_string();
        assert!(out.contains("DOUBLE"), "{out}");
        assert!(out.contains("kind :: GetSet"), "{out}");
        assert!(
            !out.contains("# [hpy"),
            "field attributes are consumed: {out}"
        );
    }

    #[test]
    fn hidden_and_register_reach_the_trait() {
        let out = expand_class(
            quote!(hidden, register = "collections.abc.Set", register = "abc.X"),
            syn::parse_quote!(
                struct S;
            ),
        )
        .to_string();
        assert!(out.contains("const HIDDEN : bool = true"), "{out}");
        assert!(
            out.contains(r#"const REGISTER : & 'static [& 'static str] = & ["collections.abc.Set" , "abc.X"]"#),
            "{out}"
        );
        let plain = expand_class(
            quote!(),
            syn::parse_quote!(
                struct S;
            ),
        )
        .to_string();
        assert!(plain.contains("const HIDDEN : bool = false"), "{plain}");
    }

    #[test]
    fn misuse_is_reported_together() {
        let out = expand_class(
            quote!(frozen, subclass, nme = "x"),
            syn::parse_quote!(
                struct P {
                    #[hpy(get, set)]
                    x: f64,
                    #[hpy(gett)]
                    y: f64,
                }
            ),
        )
        .to_string();
        assert!(out.contains("`subclass` is not supported"), "{out}");
        assert!(out.contains("unknown hpy_class option `nme`"), "{out}");
        assert!(out.contains("unknown field option `gett`"), "{out}");
        assert!(out.contains("frozen"), "{out}");
        assert!(out.contains("struct P"), "{out}");
    }
}
