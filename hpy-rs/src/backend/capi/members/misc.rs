//! Imports, threads, capsules, code compilation and evaluation, context variables.

use crate::backend::capi::{api, decref, exc_class, h, o, set_error, PyObj};
use crate::ffi::{
    capsule_key, source_kind, HPy, HPyCapsule_Destructor, HPyContext, HPyThreadState,
};
use core::ffi::{c_char, c_int, c_void};

pub unsafe extern "C" fn ctx_Import_ImportModule(_: *mut HPyContext, name: *const c_char) -> HPy {
    // SAFETY: a NUL-terminated module name.
    h(unsafe { (api().PyImport_ImportModule)(name) })
}

pub unsafe extern "C" fn ctx_LeavePythonExecution(_: *mut HPyContext) -> HPyThreadState {
    // SAFETY: called with the interpreter lock held; gives it up.
    HPyThreadState {
        _i: unsafe { (api().PyEval_SaveThread)() } as isize,
    }
}
pub unsafe extern "C" fn ctx_ReenterPythonExecution(_: *mut HPyContext, state: HPyThreadState) {
    // SAFETY: `state` came from `ctx_LeavePythonExecution` on this thread.
    unsafe { (api().PyEval_RestoreThread)(state._i as *mut c_void) }
}

pub unsafe extern "C" fn ctx_Capsule_New(
    _: *mut HPyContext,
    pointer: *mut c_void,
    name: *const c_char,
    destructor: *mut HPyCapsule_Destructor,
) -> HPy {
    // The destructor's CPython trampoline is a `PyCapsule_Destructor`.
    let d = if destructor.is_null() {
        core::ptr::null_mut()
    } else {
        // SAFETY: a valid destructor definition.
        unsafe { (*destructor).cpy_trampoline }
    };
    // SAFETY: pointer non-NULL (else ValueError); name NULL or NUL-terminated and 'static.
    h(unsafe { (api().PyCapsule_New)(pointer, name, d) })
}
pub unsafe extern "C" fn ctx_Capsule_Get(
    _: *mut HPyContext,
    c: HPy,
    key: c_int,
    name: *const c_char,
) -> *mut c_void {
    // SAFETY: a live handle; the C API checks it is a capsule.
    unsafe {
        match key {
            capsule_key::Pointer => (api().PyCapsule_GetPointer)(o(c), name),
            capsule_key::Name => (api().PyCapsule_GetName)(o(c)) as *mut c_void,
            capsule_key::Context => (api().PyCapsule_GetContext)(o(c)),
            _ => {
                set_error(exc_class("ValueError"), "invalid capsule key");
                core::ptr::null_mut()
            }
        }
    }
}
pub unsafe extern "C" fn ctx_Capsule_IsValid(
    _: *mut HPyContext,
    c: HPy,
    name: *const c_char,
) -> c_int {
    // SAFETY: a live handle.
    unsafe { (api().PyCapsule_IsValid)(o(c), name) }
}
pub unsafe extern "C" fn ctx_Capsule_Set(
    _: *mut HPyContext,
    c: HPy,
    key: c_int,
    value: *mut c_void,
) -> c_int {
    // SAFETY: a live handle; the C API checks it is a capsule.
    unsafe {
        match key {
            capsule_key::Pointer => (api().PyCapsule_SetPointer)(o(c), value),
            capsule_key::Name => (api().PyCapsule_SetName)(o(c), value as *const c_char),
            capsule_key::Context => (api().PyCapsule_SetContext)(o(c), value),
            _ => {
                set_error(
                    exc_class("ValueError"),
                    "invalid capsule key (a destructor can only be given to HPyCapsule_New here)",
                );
                -1
            }
        }
    }
}

pub unsafe extern "C" fn ctx_Compile_s(
    _: *mut HPyContext,
    source: *const c_char,
    filename: *const c_char,
    kind: c_int,
) -> HPy {
    // CPython's start symbols: Py_single_input, Py_file_input, Py_eval_input.
    let start = match kind {
        source_kind::Expr => 258,
        source_kind::File => 257,
        source_kind::Single => 256,
        _ => {
            // SAFETY: plain C-API call.
            unsafe { set_error(exc_class("SystemError"), "invalid source kind") };
            return HPy::NULL;
        }
    };
    let a = api();
    // SAFETY: NUL-terminated source and file name.
    h(unsafe {
        match (a.Py_CompileString, a.Py_CompileStringFlags) {
            (Some(f), _) => f(source, filename, start),
            (None, Some(f)) => f(source, filename, start, core::ptr::null_mut()),
            (None, None) => {
                set_error(
                    exc_class("SystemError"),
                    "this interpreter cannot compile source",
                );
                core::ptr::null_mut()
            }
        }
    })
}
pub unsafe extern "C" fn ctx_EvalCode(
    _: *mut HPyContext,
    code: HPy,
    globals: HPy,
    locals: HPy,
) -> HPy {
    // SAFETY: live handles.
    h(unsafe { (api().PyEval_EvalCode)(o(code), o(globals), o(locals)) })
}

/// Calls `obj.<method>(*args)` (args borrowed), returning a new reference or NULL.
///
/// # Safety
/// Live objects; interpreter lock held.
unsafe fn call_method(obj: PyObj, method: &core::ffi::CStr, args: &[PyObj]) -> PyObj {
    // SAFETY: forwarded; the bound method is released after the call.
    unsafe {
        let m = (api().PyObject_GetAttrString)(obj, method.as_ptr());
        if m.is_null() {
            return m;
        }
        let r = (api().PyObject_Vectorcall)(m, args.as_ptr(), args.len(), core::ptr::null_mut());
        decref(m);
        r
    }
}

pub unsafe extern "C" fn ctx_ContextVar_New(
    _: *mut HPyContext,
    name: *const c_char,
    default: HPy,
) -> HPy {
    // SAFETY: a NUL-terminated name; `default` live or NULL. C-API context variables are not
    // in the stable ABI, so this goes through `contextvars.ContextVar`.
    unsafe {
        let m = (api().PyImport_ImportModule)(c"contextvars".as_ptr());
        if m.is_null() {
            return HPy::NULL;
        }
        let cls = (api().PyObject_GetAttrString)(m, c"ContextVar".as_ptr());
        decref(m);
        if cls.is_null() {
            return HPy::NULL;
        }
        let n = (api().PyUnicode_FromString)(name);
        if n.is_null() {
            decref(cls);
            return HPy::NULL;
        }
        let r = if default.is_null() {
            (api().PyObject_Vectorcall)(cls, [n].as_ptr(), 1, core::ptr::null_mut())
        } else {
            let kw = (api().PyTuple_New)(1);
            let r = if kw.is_null() {
                kw
            } else {
                let key = (api().PyUnicode_FromString)(c"default".as_ptr());
                if key.is_null() {
                    key
                } else {
                    (api().PyTuple_SetItem)(kw, 0, key);
                    (api().PyObject_Vectorcall)(cls, [n, o(default)].as_ptr(), 1, kw)
                }
            };
            if !kw.is_null() {
                decref(kw);
            }
            r
        };
        decref(n);
        decref(cls);
        h(r)
    }
}
pub unsafe extern "C" fn ctx_ContextVar_Get(
    _: *mut HPyContext,
    var: HPy,
    default: HPy,
    result: *mut HPy,
) -> i32 {
    // SAFETY: a live context variable; `result` writable. A missing value without a default
    // gives NULL and success, as `PyContextVar_Get` does.
    unsafe {
        let r = if default.is_null() {
            call_method(o(var), c"get", &[])
        } else {
            call_method(o(var), c"get", &[o(default)])
        };
        if r.is_null() {
            if default.is_null() && (api().PyErr_ExceptionMatches)(exc_class("LookupError")) != 0 {
                (api().PyErr_Clear)();
                *result = HPy::NULL;
                return 0;
            }
            return -1;
        }
        *result = h(r);
        0
    }
}
pub unsafe extern "C" fn ctx_ContextVar_Set(_: *mut HPyContext, var: HPy, value: HPy) -> HPy {
    // SAFETY: live handles.
    h(unsafe { call_method(o(var), c"set", &[o(value)]) })
}
