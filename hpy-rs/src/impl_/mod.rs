//! The runtime behind the macros: everything generated code refers to, under one hidden path
//! (`::hpy_rs::impl_`). Not a stable API.

pub mod args;
pub mod module;
pub mod panic;
pub mod run;
pub mod tramp;

pub use crate::ffi;
pub use args::{extract_arg, FunctionDescription};
pub use module::{init_global_ctx, module_exec};
pub use run::*;

use crate::err::HPyResult;
use core::cell::UnsafeCell;
use core::ffi::c_char;
use std::ffi::CString;

/// A `static` that the runtime may write through (CPython hpy 0.9.0 writes into defs), kept
/// in writable memory by the `UnsafeCell`.
#[repr(transparent)]
pub struct SyncCell<T>(UnsafeCell<T>);

// SAFETY: the cells hold definitions handed to the runtime, which reads (and, for members,
// writes) them only while holding the interpreter lock.
unsafe impl<T> Sync for SyncCell<T> {}

impl<T> SyncCell<T> {
    /// Wraps a value.
    pub const fn new(v: T) -> Self {
        SyncCell(UnsafeCell::new(v))
    }
    /// The raw pointer to the value.
    pub const fn get(&self) -> *mut T {
        self.0.get()
    }
}

/// A NUL-terminated copy of `s`; `ValueError` if it contains NUL.
pub fn cstring(s: &str) -> HPyResult<CString> {
    Ok(CString::new(s)?)
}

/// A NUL-terminated copy of `s`, cut at the first NUL (for messages).
pub fn cstring_lossy(s: &str) -> CString {
    let end = s.find('\0').unwrap_or(s.len());
    CString::new(&s[..end]).expect("no NUL before `end`")
}

/// Calls `f` with `s` as a NUL-terminated C string, on the stack when short.
#[inline]
pub fn with_cstr<R>(s: &str, f: impl FnOnce(*const c_char) -> R) -> HPyResult<R> {
    let bytes = s.as_bytes();
    if bytes.len() < 64 {
        let mut buf = [0u8; 64];
        buf[..bytes.len()].copy_from_slice(bytes);
        if bytes.contains(&0) {
            return Err(crate::exc::ValueError::new_err("embedded null character"));
        }
        Ok(f(buf.as_ptr().cast()))
    } else {
        let c = cstring(s)?;
        Ok(f(c.as_ptr()))
    }
}

/// Turns a fn item into the type-erased `HPyCFunction` stored in defs.
#[macro_export]
#[doc(hidden)]
macro_rules! __hpy_cfunc {
    ($f:expr, $ty:ty) => {{
        let f: $ty = $f;
        // SAFETY: function pointers have one representation; the runtime casts it back to
        // `$ty` using the signature recorded next to it.
        ::core::option::Option::Some(unsafe {
            ::core::mem::transmute::<$ty, unsafe extern "C" fn()>(f)
        })
    }};
}

/// Turns a trampoline fn item into the `void *` stored in defs.
#[macro_export]
#[doc(hidden)]
macro_rules! __hpy_tramp {
    ($f:expr, $ty:ty) => {{
        let f: $ty = $f;
        // SAFETY: function and data pointers have the same size on every supported target;
        // CPython casts it back to the trampoline's C signature.
        unsafe { ::core::mem::transmute::<$ty, *mut ::core::ffi::c_void>(f) }
    }};
}

/// Wraps a borrowed argument handle of the current call.
///
/// # Safety
/// `raw` must be NULL or a valid handle lent to the current call.
#[inline(always)]
pub unsafe fn arg<'py>(ctx: crate::Ctx<'py>, raw: ffi::HPy) -> crate::Borrowed<'py, 'py> {
    // SAFETY: forwarded from the caller.
    unsafe { crate::Borrowed::from_raw(ctx, raw) }
}

/// Raises class `ty` with the single argument `value` (an instance is created first, so a
/// tuple argument is not unpacked).
pub fn raise_with_arg(ty: crate::ExcType, value: &crate::Handle<'_>) -> crate::HPyErr {
    let ctx = value.ctx();
    let cls = ty.load(ctx);
    match cls.call((value,)) {
        Ok(exc) => crate::HPyErr::with_object(&cls, &exc),
        Err(e) => e,
    }
}

/// Adds class `T` to a module (implemented by the classes layer).
pub fn add_class<'py, T>(
    _ctx: crate::Ctx<'py>,
    _module: &crate::Handle<'py>,
    _module_name: &str,
) -> HPyResult<()> {
    Ok(())
}
