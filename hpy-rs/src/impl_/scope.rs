//! Handles kept open until the current call returns, for values borrowed from a container's
//! items (`Vec<&str>` from a list): HPy ties a `str`'s UTF-8 buffer to the handle it was read
//! through (PyPy frees its copy when that handle is closed), and a list may drop its items
//! while the call still runs, so the item handles must outlive the extraction.
//!
//! Every generated entry point ([`super::run_handle`] and friends) records the depth of this
//! thread's stack of parked handles when it starts and closes what was parked above it when it
//! returns, with its own context. Until a module parks a handle for the first time, both ends
//! cost one load of a static.

use crate::ctx::Ctx;
use crate::ffi::{call, HPy};
use crate::handle::Handle;
use core::cell::RefCell;
use core::sync::atomic::{AtomicBool, Ordering};

/// Whether any handle was ever parked (in any thread): before that, no stack needs looking at.
static USED: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// This thread's parked handles; each call owns the part above its mark.
    static PARKED: RefCell<Vec<HPy>> = const { RefCell::new(Vec::new()) };
}

/// The depth to return to when the call that starts now returns.
#[inline(always)]
pub fn mark() -> usize {
    if USED.load(Ordering::Relaxed) {
        depth()
    } else {
        0
    }
}

#[cold]
#[inline(never)]
fn depth() -> usize {
    PARKED.with(|p| p.borrow().len())
}

/// Closes the handles parked since `mark` (by the call of `ctx`, which is returning).
#[inline(always)]
pub fn release(ctx: Ctx<'_>, mark: usize) {
    if USED.load(Ordering::Relaxed) {
        release_above(ctx, mark);
    }
}

#[cold]
#[inline(never)]
fn release_above(ctx: Ctx<'_>, mark: usize) {
    // Taken out before closing: closing may run Python code (`__del__`) that calls into this
    // module again, which parks and releases on the same stack.
    let handles = PARKED.with(|p| {
        let mut p = p.borrow_mut();
        if p.len() > mark {
            p.split_off(mark)
        } else {
            Vec::new()
        }
    });
    for h in handles {
        // SAFETY: each handle was parked, still open, by this call, whose context this is.
        unsafe { call::ctx_Close(ctx.as_ptr(), h) };
    }
}

/// Keeps `h` open until the current call returns (then it is closed). Whatever borrows from
/// the handle (its `str` buffer) stays valid for the rest of the call.
pub fn park(h: Handle<'_>) {
    USED.store(true, Ordering::Relaxed);
    PARKED.with(|p| p.borrow_mut().push(h.into_raw()));
}
