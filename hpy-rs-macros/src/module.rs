//! `#[hpy_module] mod name { ... }`: the module definition, its `mod_exec`, the four symbols
//! HPy's loader looks up, and `PyInit_<name>` for the C-API backend.

use crate::exception;
use crate::utils::{self, Errors};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Item, ItemMod};

pub const MODULE_OPTIONS: &[&str] = &["name"];

struct Attr {
    name: String,
    value: syn::Ident,
}

pub fn expand(attr: TokenStream, mut item: ItemMod) -> TokenStream {
    let mut errors = Errors::default();
    let mut name: Option<String> = None;
    match utils::parse_opts(attr) {
        Ok(opts) => {
            for opt in opts {
                match opt.key.to_string().as_str() {
                    "name" => name = opt.string(&mut errors),
                    _ => utils::unknown_option(&mut errors, &opt.key, "hpy_module", MODULE_OPTIONS),
                }
            }
        }
        Err(e) => errors.push(e),
    }
    let name = name.unwrap_or_else(|| crate::signature::unraw(&item.ident));
    if name.contains('-') || name.contains('.') {
        errors.err(item.ident.span(), format!("module name `{name}` must be a Python identifier (HPy's loaders mishandle `-` and `.`)"));
    }
    let Some((_, items)) = &mut item.content else {
        errors.err(
            item.ident.span(),
            "#[hpy_module] needs an inline module: `mod name { ... }`",
        );
        let e = errors.finish().unwrap_err().to_compile_error();
        return quote!(#item #e);
    };

    let mut functions = Vec::new();
    let mut exceptions = Vec::new();
    let mut classes = Vec::new();
    let mut attrs: Vec<Attr> = Vec::new();
    let mut inits = Vec::new();
    for it in items.iter_mut() {
        match it {
            Item::Fn(f) => {
                if f.attrs.iter().any(|a| a.path().is_ident("hpy_function")) {
                    functions.push(f.sig.ident.clone());
                }
                if !utils::take_attrs(&mut f.attrs, "hpy_init").is_empty() {
                    inits.push(f.sig.ident.clone());
                }
            }
            Item::Struct(s) => {
                if s.attrs.iter().any(|a| a.path().is_ident("hpy_exception")) {
                    exceptions.push(s.ident.clone());
                }
                if s.attrs.iter().any(|a| a.path().is_ident("hpy_class")) {
                    classes.push(s.ident.clone());
                }
            }
            Item::Const(c) => {
                for a in utils::take_attrs(&mut c.attrs, "hpy_attr") {
                    attrs.push(Attr {
                        name: attr_name(&a, &c.ident, &mut errors),
                        value: c.ident.clone(),
                    });
                }
            }
            Item::Static(s) => {
                for a in utils::take_attrs(&mut s.attrs, "hpy_attr") {
                    attrs.push(Attr {
                        name: attr_name(&a, &s.ident, &mut errors),
                        value: s.ident.clone(),
                    });
                }
            }
            _ => {}
        }
    }
    if let Err(e) = errors.finish() {
        let e = e.to_compile_error();
        return quote!(#item #e);
    }

    let doc = utils::docstring(&item.attrs);
    let doc_c = utils::c_str_or_null(doc.as_deref());
    let n_defines = functions.len() + 2;
    let fn_defs = functions.iter().map(|f| quote!(#f::__HPY_DEF.get()));
    let exc_globals: Vec<syn::Ident> = exceptions.iter().map(exception::global_ident).collect();
    let n_globals = exc_globals.len() + 1;
    let attr_names = attrs.iter().map(|a| &a.name);
    let attr_values = attrs.iter().map(|a| &a.value);
    let major = format_ident!("get_required_hpy_major_version_{}", name);
    let minor = format_ident!("get_required_hpy_minor_version_{}", name);
    let init_ctx = format_ident!("HPyInitGlobalContext_{}", name);
    let init = format_ident!("HPyInit_{}", name);
    let py_init = format_ident!("PyInit_{}", name);
    let name_nul = format!("{name}\0");

    let generated: Item = syn::parse_quote! {
        const _: () = {
            use ::hpy_rs::impl_ as __hpy;

            unsafe extern "C" fn __hpy_exec_impl(
                __ctx: *mut ::hpy_rs::ffi::HPyContext,
                __m: ::hpy_rs::ffi::HPy,
            ) -> ::core::ffi::c_int {
                // SAFETY: called by the runtime's mod_exec with its context and the module.
                unsafe { __hpy::module_exec(__ctx, __m, __hpy_init) }
            }
            const __EXEC_CFUNC: ::hpy_rs::ffi::HPyCFunction = ::hpy_rs::__hpy_cfunc!(
                __hpy_exec_impl,
                unsafe extern "C" fn(*mut ::hpy_rs::ffi::HPyContext, ::hpy_rs::ffi::HPy) -> ::core::ffi::c_int
            );
            unsafe extern "C" fn __hpy_exec_tramp(m: *mut ::hpy_rs::ffi::cpy_PyObject) -> ::core::ffi::c_int {
                // SAFETY: called by CPython's PyModule_ExecDef; forwards unchanged.
                unsafe { __hpy::tramp::inquiry(m, __EXEC_CFUNC) }
            }
            fn __hpy_init<'py>(__ctx: ::hpy_rs::Ctx<'py>, __m: &::hpy_rs::Handle<'py>) -> ::hpy_rs::HPyResult<()> {
                #( #exceptions::__hpy_add(__ctx, __m, #name)?; )*
                #( __hpy::add_class::<#classes>(__ctx, __m, #name)?; )*
                #( __m.setattr(#attr_names, #attr_values)?; )*
                #( #inits(__ctx, __m)?; )*
                ::core::result::Result::Ok(())
            }
            static __HPY_EXEC: __hpy::SyncCell<::hpy_rs::ffi::HPyDef> = __hpy::SyncCell::new(::hpy_rs::ffi::HPyDef {
                kind: ::hpy_rs::ffi::kind::Slot,
                u: ::hpy_rs::ffi::HPyDefUnion {
                    slot: ::hpy_rs::ffi::HPySlot {
                        slot: ::hpy_rs::ffi::slot::mod_exec,
                        impl_: __EXEC_CFUNC,
                        cpy_trampoline: ::hpy_rs::__hpy_tramp!(
                            __hpy_exec_tramp,
                            unsafe extern "C" fn(*mut ::hpy_rs::ffi::cpy_PyObject) -> ::core::ffi::c_int
                        ),
                    },
                },
            });
            static __HPY_DEFINES: __hpy::SyncCell<[*mut ::hpy_rs::ffi::HPyDef; #n_defines]> =
                __hpy::SyncCell::new([#(#fn_defs,)* __HPY_EXEC.get(), ::core::ptr::null_mut()]);
            static __HPY_GLOBALS: __hpy::SyncCell<[*mut ::hpy_rs::ffi::HPyGlobal; #n_globals]> =
                __hpy::SyncCell::new([#(#exc_globals.as_raw_ptr(),)* ::core::ptr::null_mut()]);
            static __HPY_MODULE_DEF: __hpy::SyncCell<::hpy_rs::ffi::HPyModuleDef> = __hpy::SyncCell::new(::hpy_rs::ffi::HPyModuleDef {
                doc: #doc_c,
                size: 0,
                legacy_methods: ::core::ptr::null_mut(),
                defines: __HPY_DEFINES.get() as *mut *mut ::hpy_rs::ffi::HPyDef,
                globals: __HPY_GLOBALS.get() as *mut *mut ::hpy_rs::ffi::HPyGlobal,
            });

            #[unsafe(no_mangle)]
            extern "C" fn #major() -> u32 { 0 }
            #[unsafe(no_mangle)]
            extern "C" fn #minor() -> u32 { 0 }
            #[unsafe(no_mangle)]
            unsafe extern "C" fn #init_ctx(ctx: *mut ::hpy_rs::ffi::HPyContext) {
                // SAFETY: the loader passes its context before anything else runs.
                unsafe { __hpy::init_global_ctx(ctx) }
            }
            #[unsafe(no_mangle)]
            extern "C" fn #init() -> *mut ::hpy_rs::ffi::HPyModuleDef {
                __HPY_MODULE_DEF.get()
            }
            /// The C-API entry point (CPython's and cpyext's extension loaders).
            #[unsafe(no_mangle)]
            unsafe extern "C" fn #py_init() -> *mut ::hpy_rs::ffi::cpy_PyObject {
                // SAFETY: called by the interpreter's import system.
                unsafe { __hpy::py_init(__HPY_MODULE_DEF.get(), #name_nul) }
            }
        };
    };
    items.push(generated);
    quote!(#item)
}

fn attr_name(a: &syn::Attribute, ident: &syn::Ident, errors: &mut Errors) -> String {
    let mut name = ident.to_string();
    match utils::attr_args(a).and_then(utils::parse_opts) {
        Ok(opts) => {
            for opt in opts {
                match opt.key.to_string().as_str() {
                    "name" => {
                        if let Some(n) = opt.string(errors) {
                            name = n;
                        }
                    }
                    _ => utils::unknown_option(errors, &opt.key, "hpy_attr", &["name"]),
                }
            }
        }
        Err(e) => errors.push(e),
    }
    name
}
