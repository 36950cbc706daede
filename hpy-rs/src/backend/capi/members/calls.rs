//! Calling Python objects, and the trampoline entry of the context.

use super::text::has_type_flag;
use crate::backend::capi::{api, decref, exc_class, h, o, set_error};
use crate::ffi::{HPy, HPyCFunction, HPyCallFunction, HPyContext};
use core::ffi::{c_int, c_ulong, c_void};

/// `Py_TPFLAGS_TUPLE_SUBCLASS`, `Py_TPFLAGS_DICT_SUBCLASS`.
const TUPLE_SUBCLASS: c_ulong = 1 << 26;
const DICT_SUBCLASS: c_ulong = 1 << 29;

/// `HPy_CallTupleDict(callable, args, kw)`: `args` a tuple or NULL (no arguments), `kw` a dict
/// or NULL; anything else is a TypeError (the C API would crash).
pub unsafe extern "C" fn ctx_CallTupleDict(
    _: *mut HPyContext,
    callable: HPy,
    args: HPy,
    kw: HPy,
) -> HPy {
    // SAFETY: live handles or NULL; the empty tuple made here is released after the call.
    unsafe {
        if !args.is_null() && has_type_flag(args, TUPLE_SUBCLASS) == 0 {
            set_error(
                exc_class("TypeError"),
                "HPy_CallTupleDict requires args to be a tuple or null handle",
            );
            return HPy::NULL;
        }
        if !kw.is_null() && has_type_flag(kw, DICT_SUBCLASS) == 0 {
            set_error(
                exc_class("TypeError"),
                "HPy_CallTupleDict requires kw to be a dict or null handle",
            );
            return HPy::NULL;
        }
        if args.is_null() {
            let empty = (api().PyTuple_New)(0);
            if empty.is_null() {
                return HPy::NULL;
            }
            let r = (api().PyObject_Call)(o(callable), empty, o(kw));
            decref(empty);
            return h(r);
        }
        h((api().PyObject_Call)(o(callable), o(args), o(kw)))
    }
}

/// `HPy_Call`: vectorcall (handles are object pointers, so the array is passed as it is).
pub unsafe extern "C" fn ctx_Call(
    _: *mut HPyContext,
    callable: HPy,
    args: *const HPy,
    nargs: usize,
    kwnames: HPy,
) -> HPy {
    // SAFETY: `nargs` + len(kwnames) live handles at `args`; `HPy` is `PyObject*`-sized.
    h(unsafe { (api().PyObject_Vectorcall)(o(callable), args.cast(), nargs, o(kwnames)) })
}

/// `HPy_CallMethod(name, args, nargs, kwnames)`: `args[0]` is the receiver.
pub unsafe extern "C" fn ctx_CallMethod(
    _: *mut HPyContext,
    name: HPy,
    args: *const HPy,
    nargs: usize,
    kwnames: HPy,
) -> HPy {
    // SAFETY: as for `ctx_Call`.
    h(unsafe { (api().PyObject_VectorcallMethod)(o(name), args.cast(), nargs, o(kwnames)) })
}

/// `HPy_SetCallFunction` (a per-instance vectorcall function): not available on this backend;
/// hpy-rs classes make instances callable through `__call__`.
pub unsafe extern "C" fn ctx_SetCallFunction(
    _: *mut HPyContext,
    _h: HPy,
    _func: *mut HPyCallFunction,
) -> c_int {
    // SAFETY: plain C-API calls.
    unsafe {
        set_error(
            exc_class("TypeError"),
            "HPy_SetCallFunction is not supported by hpy-rs's C-API backend",
        )
    };
    -1
}

/// The context's trampoline entry: runs `func` with this context on the argument struct of
/// signature `sig` (what `hpy.universal` does for CPython trampolines). hpy-rs's own
/// trampolines call impls directly on this backend; this serves any other caller.
pub unsafe extern "C" fn ctx_CallRealFunctionFromTrampoline(
    _: *mut HPyContext,
    sig: c_int,
    func: HPyCFunction,
    args: *mut c_void,
) {
    // SAFETY: `args` is the argument struct of `sig` and `func` an impl of that signature.
    unsafe { crate::backend::capi::tramp::call_struct(sig, func, args) }
}
