//! Long-lived references: fields (in instance payloads), globals (in statics), trackers.
//! A field or a global is one strong reference, stored as the object pointer.

use crate::backend::capi::{incref, new_ref, o, xdecref, PyObj};
use crate::ffi::{HPy, HPyContext, HPyField, HPyGlobal, HPyTracker, HPy_ssize_t};
use core::ffi::c_int;

/// Replaces the reference in `slot` by a new one to `value` (or NULL), releasing the old one
/// last (its release may run arbitrary code, which then sees the new value).
///
/// # Safety
/// `slot` must hold NULL or an owned reference; `value` NULL or live.
unsafe fn store(slot: *mut isize, value: HPy) {
    // SAFETY: forwarded.
    unsafe {
        let new = o(value);
        if !new.is_null() {
            incref(new);
        }
        let old = *slot as PyObj;
        *slot = new as isize;
        xdecref(old);
    }
}

pub unsafe extern "C" fn ctx_Field_Store(
    _: *mut HPyContext,
    _owner: HPy,
    field: *mut HPyField,
    value: HPy,
) {
    // SAFETY: `field` is a field of the owner's payload.
    unsafe { store(&mut (*field)._i, value) }
}
pub unsafe extern "C" fn ctx_Field_Load(_: *mut HPyContext, _owner: HPy, field: HPyField) -> HPy {
    if field.is_null() {
        return HPy::NULL;
    }
    // SAFETY: a stored field holds a reference, so the object is alive.
    unsafe { new_ref(field._i as PyObj) }
}
pub unsafe extern "C" fn ctx_Global_Store(_: *mut HPyContext, global: *mut HPyGlobal, value: HPy) {
    // SAFETY: `global` points to a global's storage.
    unsafe { store(&mut (*global)._i, value) }
}
pub unsafe extern "C" fn ctx_Global_Load(_: *mut HPyContext, global: HPyGlobal) -> HPy {
    if global.is_null() {
        return HPy::NULL;
    }
    // SAFETY: a stored global holds a reference.
    unsafe { new_ref(global._i as PyObj) }
}

// A tracker is a boxed vector of owned handles.

pub unsafe extern "C" fn ctx_Tracker_New(_: *mut HPyContext, size: HPy_ssize_t) -> HPyTracker {
    let v: Box<Vec<HPy>> = Box::new(Vec::with_capacity(size.max(0) as usize));
    HPyTracker {
        _i: Box::into_raw(v) as isize,
    }
}
pub unsafe extern "C" fn ctx_Tracker_Add(_: *mut HPyContext, t: HPyTracker, x: HPy) -> c_int {
    // SAFETY: a tracker made by `ctx_Tracker_New`, not yet closed.
    unsafe { (*(t._i as *mut Vec<HPy>)).push(x) };
    0
}
pub unsafe extern "C" fn ctx_Tracker_ForgetAll(_: *mut HPyContext, t: HPyTracker) {
    // SAFETY: as above.
    unsafe { (*(t._i as *mut Vec<HPy>)).clear() };
}
pub unsafe extern "C" fn ctx_Tracker_Close(_: *mut HPyContext, t: HPyTracker) {
    // SAFETY: as above; the tracker is consumed.
    let v = unsafe { Box::from_raw(t._i as *mut Vec<HPy>) };
    for x in v.iter() {
        // SAFETY: the tracker owns each handle added to it.
        unsafe { xdecref(o(*x)) };
    }
}
