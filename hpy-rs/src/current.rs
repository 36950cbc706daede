//! Layer 2, the current call: a per-thread record of the hpy-rs call that is running, so code
//! that has no [`Ctx`] parameter (`PartialEq::eq`, `Hash::hash`, `Ord::cmp`, `Drop`, iterator
//! adaptors) can still reach Python, and can report a Python error that its signature has no
//! room for.
//!
//! Every generated entry point (`impl_::run_handle` and friends) pushes a [`Frame`] for the
//! duration of the user's body and pops it afterwards. [`with_ctx`] runs a closure with that
//! frame's context, under a fresh `'py`, so nothing it makes can outlive the closure. An error
//! that a trait impl cannot return is recorded in the frame ([`record_error`], or
//! [`with_ctx_or`]); the entry point raises it when the call returns, and the call fails even if
//! the body returned a value.

use crate::ctx::Ctx;
use crate::err::{HPyErr, HPyResult};
use crate::exc;
use crate::ffi::HPyContext;
use core::cell::Cell;
use core::ptr;

/// One running hpy-rs call on this thread (lives on the entry point's stack).
#[doc(hidden)]
pub struct Frame {
    ctx: *mut HPyContext,
    /// Whether Python code may run under this frame (false while a destructor runs: the frame
    /// then only serves to release references).
    python: bool,
    /// The first error a trait impl recorded (see [`record_error`]).
    error: Cell<Option<HPyErr>>,
    prev: *const Frame,
}

thread_local! {
    /// The innermost running call of this thread, or NULL.
    static CURRENT: Cell<*const Frame> = const { Cell::new(ptr::null()) };
}

impl Frame {
    /// A frame for a call with context `ctx`. `python`: whether Python may be called under it.
    #[doc(hidden)]
    #[inline(always)]
    pub fn new(ctx: *mut HPyContext, python: bool) -> Frame {
        Frame {
            ctx,
            python,
            error: Cell::new(None),
            prev: ptr::null(),
        }
    }

    /// Runs `body` with `self` as the thread's current frame, then pops it and returns the
    /// body's result with the error recorded meanwhile, if any.
    #[doc(hidden)]
    #[inline(always)]
    pub fn run<R>(mut self, body: impl FnOnce() -> R) -> (R, Option<HPyErr>) {
        self.prev = CURRENT.with(|c| c.get());
        // `self` stays where it is until the frame is popped: `body` cannot reach it except
        // through `CURRENT`, and the pointer is removed below before `self` moves or dies.
        let me: *const Frame = &self;
        CURRENT.with(|c| c.set(me));
        struct Pop(*const Frame);
        impl Drop for Pop {
            fn drop(&mut self) {
                CURRENT.with(|c| c.set(self.0));
            }
        }
        let pop = Pop(self.prev);
        let r = body();
        drop(pop);
        (r, self.error.take())
    }
}

/// The innermost frame of this thread, if a call is running.
#[inline(always)]
fn current() -> Option<&'static Frame> {
    let p = CURRENT.with(|c| c.get());
    // SAFETY: a frame pointer is only published by `Frame::run`, which removes it before the
    // frame goes away; the `'static` reference is used only within the calling function, while
    // the frame is still on the stack below it (the same thread runs both).
    unsafe { p.as_ref() }
}

/// The raw context of the innermost running call of this thread, if any (for releasing
/// references from `Drop`; Python code may still be forbidden there).
#[inline]
pub(crate) fn frame_ctx() -> Option<*mut HPyContext> {
    current().map(|f| f.ctx)
}

/// Runs `f` with the context of the hpy-rs call running on this thread.
///
/// For code that has no [`Ctx`] parameter to take one from: trait impls such as
/// `PartialEq::eq`, `Hash::hash` or `Ord::cmp` of a type that holds [`crate::Py`] references,
/// called by a Rust collection from inside a method. The closure gets a fresh `'py`, so
/// handles it makes die with it.
///
/// It fails, without running `f`, with:
/// - `RuntimeError` when no hpy-rs call is running on this thread (a thread that never entered
///   Python, `Ctx::allow_threads`, a payload's `Drop` in a destructor);
/// - the error recorded earlier in this call by [`record_error`] (or [`with_ctx_or`]): once a
///   Python error is waiting to be raised, no more Python code runs in this call.
///
/// ```
/// # use hpy_rs::prelude::*;
/// /// A key compared with Python's `==`.
/// struct Key(hpy_rs::Py);
///
/// impl PartialEq for Key {
///     fn eq(&self, other: &Key) -> bool {
///         // A failing `__eq__` is recorded and raised when the method returns.
///         hpy_rs::with_ctx_or(false, |ctx| self.0.bind(ctx).eq(&other.0.bind(ctx)))
///     }
/// }
/// ```
pub fn with_ctx<R>(f: impl for<'py> FnOnce(Ctx<'py>) -> HPyResult<R>) -> HPyResult<R> {
    let Some(frame) = current() else {
        return Err(no_call());
    };
    if !frame.python {
        return Err(exc::RuntimeError::new_err(
            "Python cannot be called from a destructor (hpy_rs::with_ctx in Drop)",
        ));
    }
    if recorded(frame) {
        return Err(exc::RuntimeError::new_err(
            "a Python error is already waiting to be raised in this call",
        ));
    }
    // SAFETY: the frame's context is the one the runtime passed to the running call, on this
    // thread; the fresh `'py` of the closure ends before that call returns.
    f(unsafe { Ctx::from_raw(frame.ctx) })
}

/// [`with_ctx`] for code that cannot return an error (`PartialEq::eq`, `Hash::hash`, …): on
/// error the error is recorded ([`record_error`]) and `default` is returned. The running call
/// then raises it when it returns.
pub fn with_ctx_or<R>(default: R, f: impl for<'py> FnOnce(Ctx<'py>) -> HPyResult<R>) -> R {
    match with_ctx(f) {
        Ok(v) => v,
        Err(e) => {
            record_error(e);
            default
        }
    }
}

/// Records `err` to be raised when the running hpy-rs call returns: the call then fails with
/// it, even if its body returned a value (or another error: the first recorded error wins, as
/// the cause of what followed). Later errors of the same call are dropped.
///
/// With no call running on this thread there is nobody to raise it to: it is printed to
/// stderr, like an exception Python cannot raise (`sys.unraisablehook`).
pub fn record_error(err: HPyErr) {
    match current() {
        Some(frame) => {
            let prev = frame.error.take();
            match prev {
                Some(first) => frame.error.set(Some(first)),
                None => frame.error.set(Some(err)),
            }
        }
        None => eprintln!("hpy-rs: a Python error outside any call was lost: {err}"),
    }
}

fn recorded(frame: &Frame) -> bool {
    let e = frame.error.take();
    let some = e.is_some();
    frame.error.set(e);
    some
}

/// Whether an error was recorded in the running call (see [`record_error`]).
pub fn error_recorded() -> bool {
    current().is_some_and(recorded)
}

/// Takes the error recorded in the running call, if any: returning it with `?` stops the body
/// right after the Rust operation that recorded it (`map.get(&key)` whose `PartialEq` failed).
///
/// ```
/// # use hpy_rs::prelude::*;
/// fn lookup(map: &std::collections::HashMap<u32, u32>, k: u32) -> HPyResult<Option<u32>> {
///     let v = map.get(&k).copied();
///     hpy_rs::check_recorded()?;
///     Ok(v)
/// }
/// ```
pub fn check_recorded() -> HPyResult<()> {
    match current().and_then(|f| f.error.take()) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

#[cold]
fn no_call() -> HPyErr {
    exc::RuntimeError::new_err("no hpy-rs call is running on this thread")
}

/// Runs `f` with no current call on this thread (for code that releases the interpreter lock:
/// [`with_ctx`] must not find the call's context there). Restores the frame afterwards.
#[doc(hidden)]
pub fn suspended<R>(f: impl FnOnce() -> R) -> R {
    let saved = CURRENT.with(|c| c.replace(ptr::null()));
    struct Restore(*const Frame);
    impl Drop for Restore {
        fn drop(&mut self) {
            CURRENT.with(|c| c.set(self.0));
        }
    }
    let _r = Restore(saved);
    f()
}
