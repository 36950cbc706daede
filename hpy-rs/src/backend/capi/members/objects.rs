//! The object protocol: references, attributes, items, comparison, conversion to text.

use super::forward;
use crate::backend::capi::{api, decref, h, incref, new_ref, o, type_of, xdecref, PyObj};
use crate::ffi::{HPy, HPyContext, HPy_hash_t, HPy_ssize_t};
use core::ffi::{c_char, c_int};

pub unsafe extern "C" fn ctx_Dup(_: *mut HPyContext, x: HPy) -> HPy {
    if x.is_null() {
        return x;
    }
    // SAFETY: a live handle.
    unsafe { new_ref(o(x)) }
}

pub unsafe extern "C" fn ctx_Close(_: *mut HPyContext, x: HPy) {
    // SAFETY: the caller owns the handle (NULL is a no-op, as in HPy).
    unsafe { xdecref(o(x)) }
}

/// Calls `f` with a new `str` made from the C string `key`, then releases it.
///
/// # Safety
/// `key` must be a NUL-terminated UTF-8 string; interpreter lock held.
unsafe fn with_key<R>(key: *const c_char, err: R, f: impl FnOnce(PyObj) -> R) -> R {
    // SAFETY: forwarded.
    unsafe {
        let k = (api().PyUnicode_FromString)(key);
        if k.is_null() {
            return err;
        }
        let r = f(k);
        decref(k);
        r
    }
}

/// Calls `f` with a new `int` for `i`, then releases it.
///
/// # Safety
/// Interpreter lock held.
unsafe fn with_index<R>(i: HPy_ssize_t, err: R, f: impl FnOnce(PyObj) -> R) -> R {
    // SAFETY: plain C-API calls.
    unsafe {
        let k = (api().PyLong_FromSsize_t)(i);
        if k.is_null() {
            return err;
        }
        let r = f(k);
        decref(k);
        r
    }
}

forward! {
    ctx_GetAttr(obj, name) => PyObject_GetAttr;
    ctx_GetItem(obj, key) => PyObject_GetItem;
    ctx_Type(obj) => PyObject_Type;
    ctx_Repr(obj) => PyObject_Repr;
    ctx_Str(obj) => PyObject_Str;
    ctx_ASCII(obj) => PyObject_ASCII;
    ctx_Bytes(obj) => PyObject_Bytes;
}

pub unsafe extern "C" fn ctx_GetAttr_s(_: *mut HPyContext, obj: HPy, name: *const c_char) -> HPy {
    // SAFETY: a live handle and a NUL-terminated name.
    h(unsafe { (api().PyObject_GetAttrString)(o(obj), name) })
}
pub unsafe extern "C" fn ctx_HasAttr(_: *mut HPyContext, obj: HPy, name: HPy) -> c_int {
    // SAFETY: live handles; `PyObject_HasAttr` swallows errors, as `HPy_HasAttr` does.
    unsafe { (api().PyObject_HasAttr)(o(obj), o(name)) }
}
pub unsafe extern "C" fn ctx_HasAttr_s(_: *mut HPyContext, obj: HPy, name: *const c_char) -> c_int {
    // SAFETY: a live handle and a NUL-terminated name.
    unsafe { (api().PyObject_HasAttrString)(o(obj), name) }
}
pub unsafe extern "C" fn ctx_SetAttr(_: *mut HPyContext, obj: HPy, name: HPy, v: HPy) -> c_int {
    // SAFETY: live handles (a NULL value deletes, as in the C API).
    unsafe { (api().PyObject_SetAttr)(o(obj), o(name), o(v)) }
}
pub unsafe extern "C" fn ctx_SetAttr_s(
    _: *mut HPyContext,
    obj: HPy,
    name: *const c_char,
    v: HPy,
) -> c_int {
    // SAFETY: as above, with a NUL-terminated name.
    unsafe { (api().PyObject_SetAttrString)(o(obj), name, o(v)) }
}
pub unsafe extern "C" fn ctx_GetItem_i(_: *mut HPyContext, obj: HPy, i: HPy_ssize_t) -> HPy {
    // SAFETY: a live handle; the key is released after the lookup.
    unsafe { with_index(i, HPy::NULL, |k| h((api().PyObject_GetItem)(o(obj), k))) }
}
pub unsafe extern "C" fn ctx_GetItem_s(_: *mut HPyContext, obj: HPy, key: *const c_char) -> HPy {
    // SAFETY: as above.
    unsafe { with_key(key, HPy::NULL, |k| h((api().PyObject_GetItem)(o(obj), k))) }
}
pub unsafe extern "C" fn ctx_Contains(_: *mut HPyContext, container: HPy, key: HPy) -> c_int {
    // SAFETY: live handles.
    unsafe { (api().PySequence_Contains)(o(container), o(key)) }
}
pub unsafe extern "C" fn ctx_SetItem(_: *mut HPyContext, obj: HPy, key: HPy, v: HPy) -> c_int {
    // SAFETY: live handles.
    unsafe { (api().PyObject_SetItem)(o(obj), o(key), o(v)) }
}
pub unsafe extern "C" fn ctx_SetItem_i(
    _: *mut HPyContext,
    obj: HPy,
    i: HPy_ssize_t,
    v: HPy,
) -> c_int {
    // SAFETY: live handles; the key is released after the store.
    unsafe { with_index(i, -1, |k| (api().PyObject_SetItem)(o(obj), k, o(v))) }
}
pub unsafe extern "C" fn ctx_SetItem_s(
    _: *mut HPyContext,
    obj: HPy,
    key: *const c_char,
    v: HPy,
) -> c_int {
    // SAFETY: as above.
    unsafe { with_key(key, -1, |k| (api().PyObject_SetItem)(o(obj), k, o(v))) }
}
pub unsafe extern "C" fn ctx_DelItem(_: *mut HPyContext, obj: HPy, key: HPy) -> c_int {
    // SAFETY: live handles.
    unsafe { (api().PyObject_DelItem)(o(obj), o(key)) }
}
pub unsafe extern "C" fn ctx_DelItem_i(_: *mut HPyContext, obj: HPy, i: HPy_ssize_t) -> c_int {
    // SAFETY: as for `ctx_SetItem_i`.
    unsafe { with_index(i, -1, |k| (api().PyObject_DelItem)(o(obj), k)) }
}
pub unsafe extern "C" fn ctx_DelItem_s(_: *mut HPyContext, obj: HPy, key: *const c_char) -> c_int {
    // SAFETY: as for `ctx_SetItem_s`.
    unsafe { with_key(key, -1, |k| (api().PyObject_DelItem)(o(obj), k)) }
}

/// `HPy_TypeCheck`: `type(obj)` is `ty` or a subtype (no `__instancecheck__`).
pub unsafe extern "C" fn ctx_TypeCheck(_: *mut HPyContext, obj: HPy, ty: HPy) -> c_int {
    // SAFETY: live handles.
    unsafe {
        let t = type_of(o(obj));
        (t == o(ty) || (api().PyType_IsSubtype)(t, o(ty)) != 0) as c_int
    }
}
pub unsafe extern "C" fn ctx_Is(_: *mut HPyContext, a: HPy, b: HPy) -> c_int {
    (a == b) as c_int
}
pub unsafe extern "C" fn ctx_RichCompare(_: *mut HPyContext, a: HPy, b: HPy, op: c_int) -> HPy {
    // SAFETY: live handles.
    h(unsafe { (api().PyObject_RichCompare)(o(a), o(b), op) })
}
pub unsafe extern "C" fn ctx_RichCompareBool(
    _: *mut HPyContext,
    a: HPy,
    b: HPy,
    op: c_int,
) -> c_int {
    // SAFETY: live handles.
    unsafe { (api().PyObject_RichCompareBool)(o(a), o(b), op) }
}
pub unsafe extern "C" fn ctx_Hash(_: *mut HPyContext, x: HPy) -> HPy_hash_t {
    // SAFETY: a live handle.
    unsafe { (api().PyObject_Hash)(o(x)) }
}
pub unsafe extern "C" fn ctx_IsTrue(_: *mut HPyContext, x: HPy) -> c_int {
    // SAFETY: a live handle.
    unsafe { (api().PyObject_IsTrue)(o(x)) }
}
pub unsafe extern "C" fn ctx_Length(_: *mut HPyContext, x: HPy) -> HPy_ssize_t {
    // SAFETY: a live handle.
    unsafe { (api().PyObject_Size)(o(x)) }
}
pub unsafe extern "C" fn ctx_Callable_Check(_: *mut HPyContext, x: HPy) -> c_int {
    // SAFETY: a live handle.
    unsafe { (api().PyCallable_Check)(o(x)) }
}

/// `HPy_Dump`: the object's `repr()` on stderr (a debugging aid, as in HPy).
pub unsafe extern "C" fn ctx_Dump(_: *mut HPyContext, x: HPy) {
    // SAFETY: a live handle; the repr is released after printing.
    unsafe {
        let r = (api().PyObject_Repr)(o(x));
        if r.is_null() {
            (api().PyErr_Clear)();
            eprintln!("<object at {:p}: repr() failed>", o(x));
            return;
        }
        let mut n = 0isize;
        let p = (api().PyUnicode_AsUTF8AndSize)(r, &mut n);
        if p.is_null() {
            (api().PyErr_Clear)();
        } else {
            let s = core::slice::from_raw_parts(p as *const u8, n as usize);
            eprintln!("{}", String::from_utf8_lossy(s));
        }
        decref(r);
    }
}

pub unsafe extern "C" fn ctx_FromPyObject(
    _: *mut HPyContext,
    obj: *mut crate::ffi::cpy_PyObject,
) -> HPy {
    if obj.is_null() {
        return HPy::NULL;
    }
    // SAFETY: a live object of this interpreter (handles are object pointers here).
    unsafe { new_ref(obj) }
}

pub unsafe extern "C" fn ctx_AsPyObject(
    _: *mut HPyContext,
    x: HPy,
) -> *mut crate::ffi::cpy_PyObject {
    if !x.is_null() {
        // SAFETY: a live handle.
        unsafe { incref(o(x)) };
    }
    o(x)
}
