//! [`Field`]: a Python object stored in a class payload (`HPyField`).

use crate::ctx::Ctx;
use crate::ffi::{call, HPyField};
use crate::handle::Handle;
use core::cell::UnsafeCell;

/// A reference to a Python object kept inside an instance's payload. Fields are visited by the
/// generated `tp_traverse` (so cycles through them are collected, and PyPy's moving GC can
/// update them) and released by the runtime when the owner dies. A `Field` dropped while it
/// still holds an object (removed from a `Vec<Field>` without `set(owner, None)`) releases it:
/// at once inside a call, else at the start of the next call (see [`crate::Py`]).
#[derive(Default)]
pub struct Field {
    raw: UnsafeCell<HPyField>,
}

impl Field {
    /// An empty field.
    pub const fn new() -> Field {
        Field {
            raw: UnsafeCell::new(HPyField::NULL),
        }
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        // SAFETY: plain read of the field word, under the interpreter lock.
        unsafe { *self.raw.get() }.is_null()
    }

    /// The stored object (a new handle), or `None`. `owner` is the instance holding the field.
    pub fn get<'py>(&self, owner: &Handle<'py>) -> Option<Handle<'py>> {
        let ctx = owner.ctx();
        // SAFETY: plain read under the interpreter lock.
        let raw = unsafe { *self.raw.get() };
        if raw.is_null() {
            return None;
        }
        // SAFETY: valid ctx, the owner of this field and a stored field.
        ctx.owned(unsafe { call::ctx_Field_Load(ctx.as_ptr(), owner.as_raw(), raw) })
            .ok()
    }

    /// Stores `value` (or clears with `None`). `owner` is the instance holding the field.
    pub fn set(&self, owner: &Handle<'_>, value: Option<&Handle<'_>>) {
        let ctx: Ctx<'_> = owner.ctx();
        let v = value.map_or(crate::ffi::HPy::NULL, |v| v.as_raw());
        // SAFETY: valid ctx, the owner of this field; `HPyField_Store` accepts NULL to clear.
        unsafe { call::ctx_Field_Store(ctx.as_ptr(), owner.as_raw(), self.raw.get(), v) }
    }

    /// The raw field, for `tp_traverse`.
    #[doc(hidden)]
    pub fn as_raw_ptr(&self) -> *mut HPyField {
        self.raw.get()
    }
}

impl Drop for Field {
    fn drop(&mut self) {
        let raw = *self.raw.get_mut();
        if !raw.is_null() {
            crate::py::release_field(raw);
        }
    }
}
