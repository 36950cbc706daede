//! Lists, tuples, dicts, slices, and the list and tuple builders.

use super::text::has_type_flag;
use crate::backend::capi::{api, decref, h, incref, o, xdecref, PyObj};
use crate::ffi::{HPy, HPyContext, HPyListBuilder, HPyTupleBuilder, HPy_ssize_t};
use core::ffi::{c_int, c_ulong};

/// `Py_TPFLAGS_LIST_SUBCLASS`.
const LIST_SUBCLASS: c_ulong = 1 << 25;
/// `Py_TPFLAGS_TUPLE_SUBCLASS`.
const TUPLE_SUBCLASS: c_ulong = 1 << 26;
/// `Py_TPFLAGS_DICT_SUBCLASS`.
const DICT_SUBCLASS: c_ulong = 1 << 29;

pub unsafe extern "C" fn ctx_List_Check(_: *mut HPyContext, x: HPy) -> c_int {
    // SAFETY: a live handle.
    unsafe { has_type_flag(x, LIST_SUBCLASS) }
}
pub unsafe extern "C" fn ctx_Tuple_Check(_: *mut HPyContext, x: HPy) -> c_int {
    // SAFETY: a live handle.
    unsafe { has_type_flag(x, TUPLE_SUBCLASS) }
}
pub unsafe extern "C" fn ctx_Dict_Check(_: *mut HPyContext, x: HPy) -> c_int {
    // SAFETY: a live handle.
    unsafe { has_type_flag(x, DICT_SUBCLASS) }
}
pub unsafe extern "C" fn ctx_List_New(_: *mut HPyContext, n: HPy_ssize_t) -> HPy {
    // SAFETY: plain C-API call.
    h(unsafe { (api().PyList_New)(n) })
}
pub unsafe extern "C" fn ctx_List_Append(_: *mut HPyContext, list: HPy, item: HPy) -> c_int {
    // SAFETY: live handles (the item is not stolen).
    unsafe { (api().PyList_Append)(o(list), o(item)) }
}
pub unsafe extern "C" fn ctx_Dict_New(_: *mut HPyContext) -> HPy {
    // SAFETY: plain C-API call.
    h(unsafe { (api().PyDict_New)() })
}
pub unsafe extern "C" fn ctx_Dict_Keys(_: *mut HPyContext, d: HPy) -> HPy {
    // SAFETY: a live handle; a non-dict raises SystemError, as in the C API.
    h(unsafe { (api().PyDict_Keys)(o(d)) })
}
pub unsafe extern "C" fn ctx_Dict_Copy(_: *mut HPyContext, d: HPy) -> HPy {
    // SAFETY: a live handle.
    h(unsafe { (api().PyDict_Copy)(o(d)) })
}

/// A new tuple of `items` (borrowed, each gains a reference), or NULL with an exception.
///
/// # Safety
/// `items` must point to `n` live handles.
pub unsafe fn tuple_from(items: *const HPy, n: HPy_ssize_t) -> PyObj {
    // SAFETY: `PyTuple_New` gives a tuple with `n` empty slots that only we can reach; each
    // slot takes over the reference added just before.
    unsafe {
        let t = (api().PyTuple_New)(n);
        if !t.is_null() {
            for i in 0..n.max(0) {
                let item = o(*items.add(i as usize));
                incref(item);
                (api().PyTuple_SetItem)(t, i, item);
            }
        }
        t
    }
}

pub unsafe extern "C" fn ctx_Tuple_FromArray(
    _: *mut HPyContext,
    items: *const HPy,
    n: HPy_ssize_t,
) -> HPy {
    // SAFETY: forwarded.
    h(unsafe { tuple_from(items, n) })
}

pub unsafe extern "C" fn ctx_Slice_Unpack(
    _: *mut HPyContext,
    slice: HPy,
    start: *mut HPy_ssize_t,
    stop: *mut HPy_ssize_t,
    step: *mut HPy_ssize_t,
) -> c_int {
    // SAFETY: a live slice and three writable outputs.
    unsafe { (api().PySlice_Unpack)(o(slice), start, stop, step) }
}

// Builders: the list or tuple itself, with empty slots filled by `Set`. A failed allocation
// gives the NULL builder (the error is dropped: HPy's `New` never raises) and `Build` then
// raises MemoryError.

pub unsafe extern "C" fn ctx_ListBuilder_New(_: *mut HPyContext, n: HPy_ssize_t) -> HPyListBuilder {
    // SAFETY: plain C-API calls.
    let l = unsafe { (api().PyList_New)(n) };
    if l.is_null() {
        // SAFETY: as above.
        unsafe { (api().PyErr_Clear)() };
    }
    HPyListBuilder { _lst: l as isize }
}
pub unsafe extern "C" fn ctx_ListBuilder_Set(
    _: *mut HPyContext,
    b: HPyListBuilder,
    i: HPy_ssize_t,
    item: HPy,
) {
    let l = b._lst as PyObj;
    if l.is_null() {
        return;
    }
    // SAFETY: a builder's list, only reachable through the builder; the slot takes the new
    // reference (an earlier value in it is released by `PyList_SetItem`).
    unsafe {
        incref(o(item));
        if (api().PyList_SetItem)(l, i, o(item)) < 0 {
            (api().PyErr_Clear)();
        }
    }
}
pub unsafe extern "C" fn ctx_ListBuilder_Build(_: *mut HPyContext, b: HPyListBuilder) -> HPy {
    let l = b._lst as PyObj;
    if l.is_null() {
        // SAFETY: plain C-API call.
        unsafe { (api().PyErr_NoMemory)() };
    }
    h(l)
}
pub unsafe extern "C" fn ctx_ListBuilder_Cancel(_: *mut HPyContext, b: HPyListBuilder) {
    // SAFETY: the builder owns its list.
    unsafe { xdecref(b._lst as PyObj) }
}

pub unsafe extern "C" fn ctx_TupleBuilder_New(
    _: *mut HPyContext,
    n: HPy_ssize_t,
) -> HPyTupleBuilder {
    // SAFETY: plain C-API calls.
    let t = unsafe { (api().PyTuple_New)(n) };
    if t.is_null() {
        // SAFETY: as above.
        unsafe { (api().PyErr_Clear)() };
    }
    HPyTupleBuilder { _tup: t as isize }
}
pub unsafe extern "C" fn ctx_TupleBuilder_Set(
    _: *mut HPyContext,
    b: HPyTupleBuilder,
    i: HPy_ssize_t,
    item: HPy,
) {
    let t = b._tup as PyObj;
    if t.is_null() {
        return;
    }
    // SAFETY: a builder's tuple, referenced only by the builder (so `PyTuple_SetItem`'s
    // single-owner rule holds); the slot takes the new reference.
    unsafe {
        incref(o(item));
        if (api().PyTuple_SetItem)(t, i, o(item)) < 0 {
            (api().PyErr_Clear)();
        }
    }
}
pub unsafe extern "C" fn ctx_TupleBuilder_Build(_: *mut HPyContext, b: HPyTupleBuilder) -> HPy {
    let t = b._tup as PyObj;
    if t.is_null() {
        // SAFETY: plain C-API call.
        unsafe { (api().PyErr_NoMemory)() };
    }
    h(t)
}
pub unsafe extern "C" fn ctx_TupleBuilder_Cancel(_: *mut HPyContext, b: HPyTupleBuilder) {
    let t = b._tup as PyObj;
    if !t.is_null() {
        // SAFETY: the builder owns its tuple.
        unsafe { decref(t) }
    }
}
