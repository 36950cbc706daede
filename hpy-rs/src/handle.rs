//! Layer 2, handles. [`Handle`] owns an `HPy` and closes it on drop; [`Borrowed`] is a handle
//! the runtime lent for the current call (arguments, context constants) and is never closed.
//! Both carry the call's [`Ctx`], so they cannot outlive the call.

use crate::ctx::Ctx;
use crate::ffi::{call, HPy};
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::ops::Deref;

/// An owned handle to a Python object, valid during one call; closed on drop.
///
/// Duplicate it with [`Clone`] (`HPy_Dup`). To keep an object beyond the call, store it in a
/// [`crate::Global`] or in a class's [`crate::Field`].
#[repr(C)]
pub struct Handle<'py> {
    ctx: Ctx<'py>,
    raw: HPy,
}

impl<'py> Handle<'py> {
    /// Takes ownership of a raw handle.
    ///
    /// # Safety
    /// `raw` must be a valid, non-NULL handle owned by the caller, for `ctx`'s call.
    #[doc(hidden)]
    #[inline(always)]
    pub unsafe fn from_raw(ctx: Ctx<'py>, raw: HPy) -> Self {
        debug_assert!(!raw.is_null());
        Handle { ctx, raw }
    }

    /// The call's context.
    #[inline(always)]
    pub fn ctx(&self) -> Ctx<'py> {
        self.ctx
    }

    /// The raw handle (still owned by `self`).
    #[inline(always)]
    pub fn as_raw(&self) -> HPy {
        self.raw
    }

    /// Gives up ownership, returning the raw handle (e.g. to return it to the runtime).
    #[inline(always)]
    pub fn into_raw(self) -> HPy {
        ManuallyDrop::new(self).raw
    }

    /// A new owned handle to the same object (`HPy_Dup`).
    #[inline]
    pub fn dup(&self) -> Handle<'py> {
        let ctx = self.ctx.as_ptr();
        // SAFETY: valid ctx and handle; Dup returns a new handle (never NULL for a valid one).
        unsafe {
            let raw = match crate::ffi::cpython_fast::api(ctx) {
                Some(fast) => fast.dup(self.raw),
                None => call::ctx_Dup(ctx, self.raw),
            };
            Handle::from_raw(self.ctx, raw)
        }
    }
}

impl Clone for Handle<'_> {
    #[inline]
    fn clone(&self) -> Self {
        self.dup()
    }
}

impl Drop for Handle<'_> {
    #[inline]
    fn drop(&mut self) {
        let ctx = self.ctx.as_ptr();
        // SAFETY: we own the handle and the ctx is the one of the call it belongs to.
        unsafe {
            match crate::ffi::cpython_fast::api(ctx) {
                Some(fast) => fast.close(self.raw),
                None => call::ctx_Close(ctx, self.raw),
            }
        }
    }
}

impl core::fmt::Debug for Handle<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.repr_string() {
            Ok(s) => f.write_str(&s),
            Err(e) => {
                e.discard(self.ctx);
                f.write_str("<unrepresentable object>")
            }
        }
    }
}

/// A handle lent by the runtime for the duration `'a` of (part of) the call: an argument or a
/// context constant. Dereferences to [`Handle`]; never closed. Use [`Handle::dup`] (or
/// `.to_owned()`) for an owned handle.
#[repr(C)]
#[derive(Copy, Clone)]
pub struct Borrowed<'a, 'py> {
    ctx: Ctx<'py>,
    raw: HPy,
    _borrow: PhantomData<&'a Handle<'py>>,
}

impl<'a, 'py> Borrowed<'a, 'py> {
    /// Wraps a borrowed raw handle.
    ///
    /// # Safety
    /// `raw` must be valid (non-NULL) for `ctx`'s call for at least `'a`, and not owned by the
    /// caller.
    #[doc(hidden)]
    #[inline(always)]
    pub unsafe fn from_raw(ctx: Ctx<'py>, raw: HPy) -> Self {
        Borrowed {
            ctx,
            raw,
            _borrow: PhantomData,
        }
    }

    /// The borrowed handle as a `&Handle`, for the borrow's lifetime.
    #[inline(always)]
    pub fn as_handle(&self) -> &Handle<'py> {
        self
    }

    /// An owned handle to the same object.
    #[inline]
    pub fn to_owned(&self) -> Handle<'py> {
        self.as_handle().dup()
    }
}

impl<'py> Deref for Borrowed<'_, 'py> {
    type Target = Handle<'py>;
    #[inline(always)]
    fn deref(&self) -> &Handle<'py> {
        // SAFETY: both types are #[repr(C)] with the same leading fields (ctx, raw); the
        // reference cannot be moved out of, so the borrowed handle is never dropped/closed.
        unsafe { &*(self as *const Borrowed<'_, 'py> as *const Handle<'py>) }
    }
}
