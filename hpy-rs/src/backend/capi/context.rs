//! The C-API context itself, filled member by member from the context table
//! (`ffi/ctx_table.rs`, the single source of truth for the layout): every handle member is the
//! interpreter's object, every function member the function of the same name in `members/`
//! (a member missing there, or with another signature, is a compile error).

use super::{api, members, InitError, PyObj};
use crate::ffi::{HPy, HPyContext};
use core::cell::UnsafeCell;
use core::mem::MaybeUninit;

struct CtxCell(UnsafeCell<MaybeUninit<HPyContext>>);
// SAFETY: written once by `build` under the interpreter lock before the backend is published;
// the runtime-side fields are never written afterwards.
unsafe impl Sync for CtxCell {}

static CTX: CtxCell = CtxCell(UnsafeCell::new(MaybeUninit::zeroed()));

/// The context's name, as `Ctx::name()` reports it.
pub const NAME_CPYTHON: &core::ffi::CStr = c"hpy-rs C-API backend (CPython)";
/// The context's name on PyPy's cpyext.
pub const NAME_CPYEXT: &core::ffi::CStr = c"hpy-rs C-API backend (PyPy cpyext)";

/// The context pointer (valid once the backend is active).
#[inline(always)]
pub fn get() -> *mut HPyContext {
    CTX.0.get().cast()
}

/// The interpreter object behind handle member `name` (`h_None`, `h_TypeError`, `h_ListType`,
/// …), as a borrowed pointer, or NULL.
///
/// # Safety
/// The C API must be resolved.
unsafe fn handle_object(name: &str) -> PyObj {
    let a = api();
    let data = |p: *mut core::ffi::c_void| p as PyObj;
    let short = name.strip_prefix("h_").unwrap_or(name);
    match short {
        "None" => data(a._Py_NoneStruct),
        "True" => data(a._Py_TrueStruct),
        "False" => data(a._Py_FalseStruct),
        "NotImplemented" => data(a._Py_NotImplementedStruct),
        "Ellipsis" => data(a._Py_EllipsisObject),
        "BaseObjectType" => data(a.PyBaseObject_Type),
        "TypeType" => data(a.PyType_Type),
        "BoolType" => data(a.PyBool_Type),
        "LongType" => data(a.PyLong_Type),
        "FloatType" => data(a.PyFloat_Type),
        "UnicodeType" => data(a.PyUnicode_Type),
        "TupleType" => data(a.PyTuple_Type),
        "ListType" => data(a.PyList_Type),
        "ComplexType" => data(a.PyComplex_Type),
        "BytesType" => data(a.PyBytes_Type),
        "MemoryViewType" => data(a.PyMemoryView_Type),
        "CapsuleType" => data(a.PyCapsule_Type),
        "SliceType" => data(a.PySlice_Type),
        "Builtins" => {
            // SAFETY: the builtins module is always importable; its dict lives as long as
            // the module, which the interpreter keeps (and we keep a reference to it).
            unsafe {
                let m = (a.PyImport_ImportModule)(c"builtins".as_ptr());
                if m.is_null() {
                    return m;
                }
                (a.PyModule_GetDict)(m)
            }
        }
        // Every other handle member is an exception or warning class: `PyExc_<name>`.
        // SAFETY: forwarded.
        exc => unsafe { super::exc_class(exc) },
    }
}

macro_rules! fill_context {
    (
        members { $($id:literal => $name:ident : $kind:ident $(($($arg:ident : $aty:ty),*) -> $ret:ty)?;)* }
        pypy { $($rest:tt)* }
    ) => {
        /// Writes every member of `ctx`; the first handle member the interpreter lacks.
        ///
        /// # Safety
        /// The C API must be resolved.
        unsafe fn fill(ctx: &mut HPyContext) -> Result<(), &'static str> {
            $( fill_context!(@member ctx $name $kind); )*
            Ok(())
        }
    };
    (@member $ctx:ident $name:ident handle) => {
        // SAFETY: forwarded from `fill`'s caller.
        let obj = unsafe { handle_object(stringify!($name)) };
        if obj.is_null() {
            return Err(stringify!($name));
        }
        $ctx.$name = HPy { _i: obj as isize };
    };
    (@member $ctx:ident $name:ident func) => {
        $ctx.$name = Some(members::$name);
    };
}

crate::__hpy_ctx_table!(fill_context);

/// Fills the context (once).
///
/// # Safety
/// The C API and the interpreter facts must be in place; interpreter lock held.
pub(super) unsafe fn build() -> Result<(), InitError> {
    // SAFETY: not yet published; nothing else reads the cell.
    let ctx = unsafe { (*CTX.0.get()).assume_init_mut() };
    ctx.name = if super::interp().cpyext {
        NAME_CPYEXT
    } else {
        NAME_CPYTHON
    }
    .as_ptr();
    ctx._private = core::ptr::null_mut();
    ctx.abi_version = 0;
    // SAFETY: forwarded.
    unsafe { fill(ctx) }.map_err(|m| {
        InitError(format!(
            "this interpreter has no object for the HPy context member `{m}`"
        ))
    })?;
    // The builtins dict is a borrowed pointer into the builtins module, which lives as long
    // as the interpreter.
    Ok(())
}
