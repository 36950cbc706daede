//! What an hpy-rs class needs on the C-API backend only: HPy has no `tp_dealloc` and no
//! `tp_clear` (its runtimes release an instance's fields and run `HPy_tp_destroy` themselves),
//! so on this backend the class layer adds the two CPython slots, built from these helpers.

use super::{api, interp, type_of, xdecref, PyObj};
use crate::ffi::HPyField;
use core::ffi::{c_int, c_ulong, c_void};

/// CPython's `Py_tp_dealloc` slot number.
pub const TP_DEALLOC: c_int = 52;
/// CPython's `Py_tp_clear` slot number.
pub const TP_CLEAR: c_int = 51;
/// CPython's `Py_tp_free` slot number.
const TP_FREE: c_int = 74;
/// `Py_TPFLAGS_HAVE_GC`.
const HAVE_GC: c_ulong = 1 << 14;

/// Releases the object a field holds and empties the field.
///
/// # Safety
/// `field` must be a field of a live payload; interpreter lock held.
pub unsafe fn clear_field(field: *mut HPyField) {
    // SAFETY: the field owns its reference; emptied before the release, which may run code.
    unsafe {
        let old = (*field)._i as PyObj;
        (*field)._i = 0;
        xdecref(old);
    }
}

/// The payload of `obj`.
///
/// # Safety
/// `obj` must be an instance of a type made by this backend.
#[inline]
pub unsafe fn payload(obj: PyObj) -> *mut c_void {
    // SAFETY: forwarded; the payload offset is the same for every such instance.
    unsafe { (obj as *mut u8).add(interp().payload_offset).cast() }
}

/// The body of a class's `tp_dealloc`: untrack from the cycle collector, release the fields
/// (`clear`), drop the value (`destroy`), free the memory through the instance's own type
/// (a Python subclass's `tp_free`), release the type.
///
/// # Safety
/// `obj` must be the instance being deallocated (reference count 0), of a type made by this
/// backend; interpreter lock held.
#[inline(always)]
pub unsafe fn dealloc(
    obj: PyObj,
    clear: impl FnOnce(*mut c_void),
    destroy: impl FnOnce(*mut c_void),
) {
    let a = api();
    // SAFETY: as documented above.
    unsafe {
        let tp = type_of(obj);
        if (a.PyType_GetFlags)(tp) & HAVE_GC != 0 {
            if let Some(untrack) = a.PyObject_GC_UnTrack {
                untrack(obj);
            }
        }
        let p = payload(obj);
        clear(p);
        destroy(p);
        let free = (a.PyType_GetSlot)(tp, TP_FREE);
        if !free.is_null() {
            let free: unsafe extern "C" fn(*mut c_void) = core::mem::transmute(free);
            free(obj.cast());
        }
        (a.Py_DecRef)(tp);
    }
}
