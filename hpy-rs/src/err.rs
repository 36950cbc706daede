//! Layer 2, errors. [`HPyErr`] is the error half of [`HPyResult`]. It is either an exception
//! already pending in the interpreter (after a failed call into Python) or a lazily raised
//! `(type, message)` pair that becomes a Python exception when it reaches the runtime.
//!
//! HPy 0.9 cannot fetch a pending exception as an object (there is no `HPyErr_Fetch`), so a
//! pending error stays in the interpreter: match it with [`HPyErr::matches`] and either return
//! it (propagate) or [`HPyErr::discard`] it (handle it).

use crate::ctx::Ctx;
use crate::ffi::call;
use crate::global::Global;
use crate::handle::Handle;
use std::borrow::Cow;

/// `Result<T, HPyErr>`: what fallible hpy-rs functions and user functions return.
pub type HPyResult<T> = Result<T, HPyErr>;

/// Which exception class a lazy error raises.
#[derive(Copy, Clone, Debug)]
pub enum ExcType {
    /// A builtin exception or warning, by its context member `HPy_ID`.
    Builtin(usize),
    /// A class stored in a global (e.g. made by `#[hpy_exception]`).
    Global(&'static Global),
}

impl ExcType {
    /// The class as a handle.
    pub fn load<'py>(self, ctx: Ctx<'py>) -> Handle<'py> {
        match self {
            ExcType::Builtin(id) => ctx.constant_by_id(id).to_owned(),
            ExcType::Global(g) => g
                .get(ctx)
                .unwrap_or_else(|| ctx.constant_by_id(crate::ffi::id::h_SystemError).to_owned()),
        }
    }
}

/// A Python exception, pending in the interpreter or waiting to be raised.
#[must_use = "an HPyErr must be returned (raised) or discarded"]
pub struct HPyErr {
    state: State,
}

enum State {
    Pending,
    Lazy(Box<Lazy>),
}

struct Lazy {
    ty: ExcType,
    msg: Cow<'static, str>,
    /// For a failed conversion: (expected type, actual type name), reworded per argument.
    downcast: Option<(Cow<'static, str>, String)>,
    /// Constructor arguments and attributes, for exceptions that are more than a message
    /// (`OSError(errno, strerror, filename)`, `UnicodeDecodeError`'s five arguments).
    value: Option<Box<crate::err_value::Value>>,
}

impl HPyErr {
    /// The exception pending in the interpreter (a runtime call just failed).
    #[inline]
    pub fn fetch() -> HPyErr {
        HPyErr {
            state: State::Pending,
        }
    }

    /// A new exception of class `ty` with a message, raised when it reaches the runtime.
    pub fn new(ty: ExcType, msg: impl Into<Cow<'static, str>>) -> HPyErr {
        HPyErr {
            state: State::Lazy(Box::new(Lazy {
                ty,
                msg: msg.into(),
                downcast: None,
                value: None,
            })),
        }
    }

    /// A `TypeError` for an object that is not of the expected type; inside a generated function
    /// it is reworded as CPython does for arguments (`f() argument 'x' must be str, not int`).
    pub fn wrong_type(expected: impl Into<Cow<'static, str>>, obj: &Handle<'_>) -> HPyErr {
        let expected = expected.into();
        let actual = obj.type_name_string();
        HPyErr {
            state: State::Lazy(Box::new(Lazy {
                ty: ExcType::Builtin(crate::ffi::id::h_TypeError),
                msg: format!("expected {expected}, not {actual}").into(),
                downcast: Some((expected, actual)),
                value: None,
            })),
        }
    }

    /// Raises `value` (an instance or an argument for `ty`) right away (`HPyErr_SetObject`).
    pub fn with_object(ty: &Handle<'_>, value: &Handle<'_>) -> HPyErr {
        // SAFETY: valid ctx and handles; SetObject does not steal them.
        unsafe { call::ctx_Err_SetObject(ty.ctx().as_ptr(), ty.as_raw(), value.as_raw()) };
        HPyErr::fetch()
    }

    /// A lazy error raised as `ty(*args)` with attributes set afterwards.
    pub(crate) fn with_value(
        ty: ExcType,
        msg: impl Into<Cow<'static, str>>,
        value: crate::err_value::Value,
    ) -> HPyErr {
        HPyErr {
            state: State::Lazy(Box::new(Lazy {
                ty,
                msg: msg.into(),
                downcast: None,
                value: Some(Box::new(value)),
            })),
        }
    }

    /// Whether this error is an exception pending in the interpreter.
    pub fn is_pending(&self) -> bool {
        matches!(self.state, State::Pending)
    }

    /// The message of a lazy error (`None` for a pending one).
    pub fn message(&self) -> Option<&str> {
        match &self.state {
            State::Lazy(l) => Some(&l.msg),
            State::Pending => None,
        }
    }

    /// Whether this is a not-yet-raised error of the builtin exception with context id `id`.
    pub(crate) fn is_lazy_builtin(&self, id: usize) -> bool {
        matches!(&self.state, State::Lazy(l) if matches!(l.ty, ExcType::Builtin(t) if t == id))
    }

    /// Whether the exception is an instance of `ty` (a class or tuple of classes).
    pub fn matches<'py>(&self, ctx: Ctx<'py>, ty: &Handle<'py>) -> bool {
        match &self.state {
            // SAFETY: valid ctx and handle.
            State::Pending => unsafe {
                call::ctx_Err_ExceptionMatches(ctx.as_ptr(), ty.as_raw()) != 0
            },
            State::Lazy(l) => {
                // An exception built from arguments may be a subclass of its class (OSError
                // picks one from the errno): ask the instance.
                let mine = match &l.value {
                    None => Ok(l.ty.load(ctx)),
                    Some(v) => v.instantiate(ctx, l.ty).map(|e| e.get_type()),
                };
                // issubclass(mine, ty), written without the shifted Type_IsSubtype slot so it
                // works on both layouts and with tuples.
                mine.and_then(|mine| ctx.builtin("issubclass")?.call((mine, ty.dup())))
                    .and_then(|r| r.is_true())
                    .unwrap_or_else(|e| {
                        e.discard(ctx);
                        false
                    })
            }
        }
    }

    /// Makes this the interpreter's pending exception.
    pub fn restore(self, ctx: Ctx<'_>) {
        match self.state {
            State::Pending => {}
            State::Lazy(l) => match &l.value {
                None => {
                    let ty = l.ty.load(ctx);
                    let msg = crate::impl_::cstring_lossy(&l.msg);
                    // SAFETY: valid ctx, handle and NUL-terminated message.
                    unsafe { call::ctx_Err_SetString(ctx.as_ptr(), ty.as_raw(), msg.as_ptr()) }
                }
                // If building the exception fails, that failure is what gets raised.
                Some(v) => match v.instantiate(ctx, l.ty) {
                    Ok(e) => drop(HPyErr::with_object(&e.get_type(), &e)),
                    Err(e) => e.restore(ctx),
                },
            },
        }
    }

    /// Drops the error, clearing it from the interpreter if it was pending.
    pub fn discard(self, ctx: Ctx<'_>) {
        if let State::Pending = self.state {
            ctx.err_clear();
        }
    }

    /// Rewords a conversion error for argument `arg` of `func` as CPython does.
    #[doc(hidden)]
    pub fn for_argument(mut self, func: &str, arg: &str) -> HPyErr {
        if let State::Lazy(l) = &mut self.state {
            if let Some((expected, actual)) = &l.downcast {
                l.msg =
                    format!("{func}() argument '{arg}' must be {expected}, not {actual}").into();
            }
        }
        self
    }
}

impl core::fmt::Debug for HPyErr {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match &self.state {
            State::Pending => f.write_str("HPyErr(<pending Python exception>)"),
            State::Lazy(l) => write!(f, "HPyErr({:?}, {:?})", l.ty, l.msg),
        }
    }
}

impl core::fmt::Display for HPyErr {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match &self.state {
            State::Pending => f.write_str("<pending Python exception>"),
            State::Lazy(l) => f.write_str(&l.msg),
        }
    }
}
