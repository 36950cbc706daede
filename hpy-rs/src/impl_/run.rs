//! Wrappers that run a user body inside an impl function: make the call's [`Ctx`], catch
//! panics, and turn `HPyResult` into the C convention of the signature (NULL / -1 plus a set
//! exception). Panics never unwind into the runtime. Handles parked during the call
//! ([`super::scope`]) are closed when it returns.

use super::panic::raise_panic;
use super::scope;
use crate::ctx::Ctx;
use crate::current::Frame;
use crate::err::{HPyErr, HPyResult};
use crate::ffi::{HPy, HPyContext};
use crate::handle::Handle;
use core::ffi::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs a body returning an object; returns the owned raw handle or NULL with an exception set.
///
/// # Safety
/// `ctx` must be the context the runtime passed to the calling impl.
#[inline(always)]
pub unsafe fn run_handle<F>(ctx: *mut HPyContext, body: F) -> HPy
where
    F: for<'py> FnOnce(Ctx<'py>) -> HPyResult<Handle<'py>>,
{
    // SAFETY: the caller passes the current call's context; `'py` ends with this function.
    let ctx = unsafe { Ctx::from_raw(ctx) };
    let mark = scope::mark();
    let (result, recorded) = framed(ctx, || catch_unwind(AssertUnwindSafe(|| body(ctx))));
    scope::release(ctx, mark);
    match with_recorded(ctx, result, recorded) {
        Ok(Ok(h)) => h.into_raw(),
        Ok(Err(e)) => {
            e.restore(ctx);
            HPy::NULL
        }
        Err(payload) => {
            raise_panic(ctx, payload);
            HPy::NULL
        }
    }
}

/// Runs a body returning a plain value; on error returns `err_value` with an exception set.
///
/// # Safety
/// `ctx` must be the context the runtime passed to the calling impl.
#[inline(always)]
pub unsafe fn run_value<T, F>(ctx: *mut HPyContext, err_value: T, body: F) -> T
where
    F: for<'py> FnOnce(Ctx<'py>) -> HPyResult<T>,
{
    // SAFETY: the caller passes the current call's context.
    let ctx = unsafe { Ctx::from_raw(ctx) };
    let mark = scope::mark();
    let (result, recorded) = framed(ctx, || catch_unwind(AssertUnwindSafe(|| body(ctx))));
    scope::release(ctx, mark);
    match with_recorded(ctx, result, recorded) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            e.restore(ctx);
            err_value
        }
        Err(payload) => {
            raise_panic(ctx, payload);
            err_value
        }
    }
}

/// [`run_value`] for `int` status results (0 on success, -1 on error).
///
/// # Safety
/// `ctx` must be the context the runtime passed to the calling impl.
#[inline(always)]
pub unsafe fn run_status<F>(ctx: *mut HPyContext, body: F) -> c_int
where
    F: for<'py> FnOnce(Ctx<'py>) -> HPyResult<()>,
{
    // SAFETY: forwarded from the caller.
    unsafe { run_value(ctx, -1, |ctx| body(ctx).map(|()| 0)) }
}

/// Runs `body` as the thread's current call ([`crate::with_ctx`] finds `ctx`), after releasing
/// the references that destructors dropped with no context since the last call.
#[inline(always)]
fn framed<R>(ctx: Ctx<'_>, body: impl FnOnce() -> R) -> (R, Option<HPyErr>) {
    crate::py::release_deferred(ctx);
    Frame::new(ctx.as_ptr(), true).run(body)
}

/// An error recorded by a trait impl during the call wins over the body's result: the call
/// fails with it (a value is dropped; a later error of the body is discarded).
#[inline(always)]
fn with_recorded<T>(
    ctx: Ctx<'_>,
    result: std::thread::Result<HPyResult<T>>,
    recorded: Option<HPyErr>,
) -> std::thread::Result<HPyResult<T>> {
    match recorded {
        None => result,
        Some(first) => Ok(Err(recorded_wins(ctx, result, first))),
    }
}

#[cold]
#[inline(never)]
fn recorded_wins<T>(
    ctx: Ctx<'_>,
    result: std::thread::Result<HPyResult<T>>,
    first: HPyErr,
) -> HPyErr {
    match result {
        Ok(Ok(v)) => drop(v),
        // A pending error of the body was raised after the recorded one; the recorded one is
        // what gets raised (a lazy one replaces it, a pending one is the interpreter's).
        Ok(Err(e)) => {
            if !first.is_pending() {
                e.discard(ctx);
            }
        }
        Err(payload) => {
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
        }
    }
    first
}
