//! Layer 2, process-lifetime references: [`Global`] wraps an `HPyGlobal` for use in a `static`.

use crate::ctx::Ctx;
use crate::ffi::{call, HPyGlobal};
use crate::handle::Handle;
use core::cell::UnsafeCell;

/// A Python object kept alive in a `static` for the life of the process (`HPyGlobal`).
///
/// ```
/// static CACHE: hpy_rs::Global = hpy_rs::Global::new();
/// ```
/// Store with [`Global::set`] (typically in a module init hook) and read with [`Global::get`],
/// which gives an owned handle for the current call.
#[repr(transparent)]
pub struct Global {
    raw: UnsafeCell<HPyGlobal>,
}

// SAFETY: an HPyGlobal is only read and written while holding the interpreter (GIL on CPython;
// PyPy's HPy runs under its GIL too), which serialises all access.
unsafe impl Sync for Global {}

impl core::fmt::Debug for Global {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Global")
    }
}

impl Global {
    /// An empty global.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Global {
        Global {
            raw: UnsafeCell::new(HPyGlobal::NULL),
        }
    }

    /// Stores `value` (replacing any previous value).
    pub fn set(&'static self, value: &Handle<'_>) {
        let ctx = value.ctx();
        // SAFETY: valid ctx and handle; the pointer is to a static HPyGlobal; access is
        // serialised by the interpreter lock.
        unsafe { call::ctx_Global_Store(ctx.as_ptr(), self.raw.get(), value.as_raw()) }
    }

    /// A new handle to the stored object, or `None` if nothing was stored yet.
    #[inline]
    pub fn get<'py>(&'static self, ctx: Ctx<'py>) -> Option<Handle<'py>> {
        // SAFETY: reading the static under the interpreter lock.
        let raw = unsafe { *self.raw.get() };
        if raw.is_null() {
            return None;
        }
        // SAFETY: valid ctx and a stored global; Global_Load returns a new handle.
        let h = unsafe { call::ctx_Global_Load(ctx.as_ptr(), raw) };
        ctx.owned(h).ok()
    }

    /// The stored object, or, on first use, the one `init` makes (then stored for the next
    /// calls). An error from `init` is returned and nothing is stored, so a later call tries
    /// again.
    ///
    /// ```
    /// # use hpy_rs::prelude::*;
    /// static DECIMAL: Global = Global::new();
    ///
    /// fn decimal_class<'py>(ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
    ///     DECIMAL.get_or_init(ctx, || ctx.import("decimal")?.getattr("Decimal"))
    /// }
    /// ```
    #[inline]
    pub fn get_or_init<'py>(
        &'static self,
        ctx: Ctx<'py>,
        init: impl FnOnce() -> crate::HPyResult<Handle<'py>>,
    ) -> crate::HPyResult<Handle<'py>> {
        if let Some(h) = self.get(ctx) {
            return Ok(h);
        }
        let h = init()?;
        self.set(&h);
        Ok(h)
    }

    /// Whether something was stored.
    pub fn is_set(&'static self) -> bool {
        // SAFETY: reading the static under the interpreter lock.
        !unsafe { *self.raw.get() }.is_null()
    }

    /// The address of the raw `HPyGlobal`, for the module definition's globals list.
    #[doc(hidden)]
    pub const fn as_raw_ptr(&'static self) -> *mut HPyGlobal {
        self.raw.get()
    }
}
