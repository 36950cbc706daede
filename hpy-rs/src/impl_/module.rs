//! Module loading: the global context for trampolines, and the body of `HPy_mod_exec`.

use crate::ctx::Ctx;
use crate::err::HPyResult;
use crate::ffi::{self, HPy, HPyContext};
use crate::handle::{Borrowed, Handle};
use core::ffi::c_int;

/// Body of `HPyInitGlobalContext_<name>`: records the context for CPython trampolines and the
/// runtime's context layout.
///
/// # Safety
/// `ctx` must be the runtime's context for this module.
pub unsafe fn init_global_ctx(ctx: *mut HPyContext) {
    // SAFETY: the loader passes a valid context.
    unsafe { ffi::detect_layout(ctx) };
    super::tramp::set_global_ctx(ctx);
}

/// Body of `PyInit_<name>`: loads the module on the C-API backend (see
/// [`crate::backend::capi`]). `name` is the module's short name, NUL-terminated.
///
/// # Safety
/// Called by the interpreter's import system with this binary's module definition.
#[cold]
pub unsafe fn py_init(def: *mut ffi::HPyModuleDef, name: &'static str) -> *mut ffi::cpy_PyObject {
    let name = core::ffi::CStr::from_bytes_with_nul(name.as_bytes())
        .expect("the macro passes a NUL-terminated name");
    // SAFETY: forwarded.
    unsafe { crate::backend::capi::module::init_module(def, name) }
}

/// Body of the module's `HPy_mod_exec` slot: runs the generated initialisation (exceptions,
/// classes, attributes, then the user's init hook) with panics and errors contained.
///
/// # Safety
/// `ctx` and `module` must be what the runtime passed to `mod_exec`.
pub unsafe fn module_exec(
    ctx: *mut HPyContext,
    module: HPy,
    init: for<'py> fn(Ctx<'py>, &Handle<'py>) -> HPyResult<()>,
) -> c_int {
    // SAFETY: `ctx` is the context of this call (enables the CPython fast path only if it is
    // the validated universal context).
    unsafe { ffi::cpython_fast::init(ctx) };
    // SAFETY: forwarded from the runtime.
    unsafe {
        super::run_status(ctx, |ctx| {
            // SAFETY: the module handle is lent for the duration of mod_exec.
            let m = Borrowed::from_raw(ctx, module);
            m.setattr("__hpy_backend__", crate::backend::name(ctx))?;
            init(ctx, &m)
        })
    }
}

/// Creates exception class `<module>.<name>` with `base` and `doc`, stores it in `global` and
/// adds it to the module.
pub fn add_exception<'py>(
    ctx: Ctx<'py>,
    module: &Handle<'py>,
    module_name: &str,
    name: &str,
    doc: Option<&str>,
    base: &Handle<'py>,
    global: &'static crate::Global,
) -> HPyResult<()> {
    let qualname = super::cstring(&format!("{module_name}.{name}"))?;
    let doc = doc.map(super::cstring).transpose()?;
    // SAFETY: valid ctx, NUL-terminated strings and a class handle; dict may be NULL.
    let cls = ctx.owned(unsafe {
        ffi::call::ctx_Err_NewExceptionWithDoc(
            ctx.as_ptr(),
            qualname.as_ptr(),
            doc.as_ref().map_or(core::ptr::null(), |d| d.as_ptr()),
            base.as_raw(),
            HPy::NULL,
        )
    })?;
    global.set(&cls);
    module.setattr(name, &cls)
}
