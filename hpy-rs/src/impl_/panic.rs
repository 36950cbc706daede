//! Panics in user code become Python exceptions of class `PanicException` (a `RuntimeError`
//! subclass, so `except Exception` sees it), with the panic message.

use crate::ctx::Ctx;
use crate::err::{ExcType, HPyErr};
use crate::global::Global;
use std::any::Any;

static PANIC_EXCEPTION: Global = Global::new();

/// The panic message carried by a payload.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        String::from("Rust panic")
    }
}

/// The `PanicException` class, created on first use.
pub fn panic_exception_type(ctx: Ctx<'_>) -> ExcType {
    if !PANIC_EXCEPTION.is_set() {
        let base = crate::exc::RuntimeError::type_object(ctx);
        // SAFETY: valid ctx, NUL-terminated strings and a class handle.
        let raw = unsafe {
            crate::ffi::call::ctx_Err_NewExceptionWithDoc(
                ctx.as_ptr(),
                c"hpy_rs.PanicException".as_ptr(),
                c"A panic in Rust code, turned into a Python exception.".as_ptr(),
                base.as_raw(),
                crate::ffi::HPy::NULL,
            )
        };
        match ctx.owned(raw) {
            Ok(cls) => PANIC_EXCEPTION.set(&cls),
            Err(e) => {
                e.discard(ctx);
                return crate::exc::RuntimeError::EXC_TYPE;
            }
        }
    }
    ExcType::Global(&PANIC_EXCEPTION)
}

/// Sets a `PanicException` for a caught panic.
pub fn raise_panic(ctx: Ctx<'_>, payload: Box<dyn Any + Send>) {
    let msg = panic_message(&*payload);
    // Dropping the payload may itself panic; contain that too.
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(payload)));
    // A pending exception from before the panic is replaced.
    ctx.err_clear();
    HPyErr::new(panic_exception_type(ctx), msg).restore(ctx);
}
