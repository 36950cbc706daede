//! `bool`, integers and floats.

use super::{FromHandle, IntoHandle};
use crate::ctx::{BuiltinType, Ctx};
use crate::err::{HPyErr, HPyResult};
use crate::exc;
use crate::ffi::{call, cpython_fast};
use crate::handle::Handle;

impl<'py> IntoHandle<'py> for bool {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        Ok(if self { ctx.true_() } else { ctx.false_() }.to_owned())
    }
}

impl<'a, 'py> FromHandle<'a, 'py> for bool {
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        let ctx = obj.ctx();
        if obj.is(&ctx.true_()) {
            Ok(true)
        } else if obj.is(&ctx.false_()) {
            Ok(false)
        } else {
            Err(HPyErr::wrong_type("bool", obj))
        }
    }
}

/// Placeholder replaced per target type by the callers.
const OVERFLOW_MSG: &str = "Python int too large to convert to a 64-bit integer";

/// Turns the `-1`-plus-exception convention of HPy's integer converters into a `Result`,
/// rewording overflow the same way on both runtimes.
#[inline(always)]
fn check_int<T: PartialEq + From<i8>>(ctx: Ctx<'_>, v: T) -> HPyResult<T> {
    if v == T::from(-1) && ctx.err_occurred() {
        return Err(int_error(ctx));
    }
    Ok(v)
}

#[cold]
#[inline(never)]
fn int_error(ctx: Ctx<'_>) -> HPyErr {
    // The runtimes word overflow differently; say the same thing on both.
    let overflow = exc::OverflowError::type_object(ctx);
    let e = HPyErr::fetch();
    if e.matches(ctx, &overflow) {
        e.discard(ctx);
        return exc::OverflowError::new_err(OVERFLOW_MSG);
    }
    e
}

/// Runs `f` on `obj` if it is an `int`, else on `obj.__index__()` (as CPython's converters do),
/// and checks the error convention. For converters that do not call `__index__` themselves.
#[inline(always)]
fn with_index<'py, T: PartialEq + From<i8>>(
    obj: &Handle<'py>,
    f: impl Fn(&Handle<'py>) -> T,
) -> HPyResult<T> {
    let ctx = obj.ctx();
    let v = if obj.is_instance_of(BuiltinType::Long) {
        f(obj)
    } else {
        // SAFETY: valid ctx and handle; `HPy_Index` raises TypeError for non-integers.
        let idx = ctx.owned(unsafe { call::ctx_Index(ctx.as_ptr(), obj.as_raw()) })?;
        f(&idx)
    };
    check_int(ctx, v)
}

/// Extracts an `i64` (`__index__` honoured: `HPyLong_AsInt64_t` calls it on both runtimes, so
/// there is no separate type check on the hot path).
#[inline]
pub(crate) fn extract_i64(obj: &Handle<'_>) -> HPyResult<i64> {
    let ctx = obj.ctx();
    // SAFETY: valid ctx and handle; raises TypeError for objects without `__index__`.
    let v = unsafe {
        match cpython_fast::api(ctx.as_ptr()) {
            Some(fast) => fast.long_as_i64(obj.as_raw()),
            None => call::ctx_Long_AsInt64_t(ctx.as_ptr(), obj.as_raw()),
        }
    };
    check_int(ctx, v)
}

/// Extracts a `u64` (`__index__` honoured; negative → OverflowError).
#[inline]
fn extract_u64(obj: &Handle<'_>) -> HPyResult<u64> {
    let v = with_index(obj, |h| {
        // SAFETY: valid ctx and handle.
        let v = unsafe { call::ctx_Long_AsUInt64_t(h.ctx().as_ptr(), h.as_raw()) };
        // `u64::MAX` is the error value; map it onto the `-1` convention of `with_index`.
        if v == u64::MAX {
            -1
        } else {
            v as i128
        }
    })?;
    Ok(if v == -1 { u64::MAX } else { v as u64 })
}

macro_rules! signed {
    ($($t:ty),*) => {$(
        impl<'a, 'py> FromHandle<'a, 'py> for $t {
            #[inline]
            fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
                let v = extract_i64(obj)?;
                <$t>::try_from(v).map_err(|_| {
                    exc::OverflowError::new_err(if v < 0 {
                        concat!("Python int too small to convert to ", stringify!($t))
                    } else {
                        concat!("Python int too large to convert to ", stringify!($t))
                    })
                })
            }
        }
        impl<'py> IntoHandle<'py> for $t {
            #[inline]
            fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
                (self as i64).into_handle(ctx)
            }
        }
    )*};
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl<'a, 'py> FromHandle<'a, 'py> for $t {
            #[inline]
            fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
                let v = extract_u64(obj)?;
                <$t>::try_from(v).map_err(|_| {
                    exc::OverflowError::new_err(concat!("Python int too large to convert to ", stringify!($t)))
                })
            }
        }
        impl<'py> IntoHandle<'py> for $t {
            #[inline]
            fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
                // SAFETY: valid ctx.
                ctx.owned(unsafe { call::ctx_Long_FromUInt64_t(ctx.as_ptr(), self as u64) })
            }
        }
    )*};
}

signed!(i8, i16, i32, isize);
unsigned!(u16, u32, u64, usize);

impl<'a, 'py> FromHandle<'a, 'py> for i64 {
    #[inline]
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        extract_i64(obj)
    }
}

impl<'py> IntoHandle<'py> for i64 {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        ctx.owned(match cpython_fast::api(ctx.as_ptr()) {
            Some(fast) => fast.long_from_i64(self),
            // SAFETY: valid ctx.
            None => unsafe { call::ctx_Long_FromInt64_t(ctx.as_ptr(), self) },
        })
    }
}

impl<'a, 'py> FromHandle<'a, 'py> for u8 {
    #[inline]
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        let v = extract_u64(obj)?;
        u8::try_from(v)
            .map_err(|_| exc::OverflowError::new_err("Python int too large to convert to u8"))
    }
}

impl<'py> IntoHandle<'py> for u8 {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        // SAFETY: valid ctx.
        ctx.owned(unsafe { call::ctx_Long_FromUInt64_t(ctx.as_ptr(), self as u64) })
    }

    fn vec_into_handle(v: Vec<Self>, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        v.as_slice().into_handle(ctx)
    }
}

/// `i128`/`u128` go through two 64-bit halves with Python's own `>>` and `&`.
macro_rules! wide {
    ($($t:ty => $hi:ty),*) => {$(
        impl<'a, 'py> FromHandle<'a, 'py> for $t {
            fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
                let ctx = obj.ctx();
                let int = if obj.is_instance_of(BuiltinType::Long) {
                    obj.dup()
                } else {
                    // SAFETY: valid ctx and handle.
                    ctx.owned(unsafe { call::ctx_Index(ctx.as_ptr(), obj.as_raw()) })?
                };
                let mask = u64::MAX.into_handle(ctx)?;
                let sixty_four = 64u64.into_handle(ctx)?;
                // SAFETY: valid ctx and handles.
                let lo = ctx.owned(unsafe { call::ctx_And(ctx.as_ptr(), int.as_raw(), mask.as_raw()) })?;
                // SAFETY: valid ctx and handles.
                let hi = ctx.owned(unsafe { call::ctx_Rshift(ctx.as_ptr(), int.as_raw(), sixty_four.as_raw()) })?;
                let lo: u64 = lo.extract()?;
                let hi: $hi = hi.extract().map_err(|e| {
                    e.discard(ctx);
                    exc::OverflowError::new_err(concat!("Python int out of range for ", stringify!($t)))
                })?;
                Ok(((hi as $t) << 64) | lo as $t)
            }
        }
        impl<'py> IntoHandle<'py> for $t {
            fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
                let hi = ((self >> 64) as $hi).into_handle(ctx)?;
                let lo = (self as u64).into_handle(ctx)?;
                let sixty_four = 64u64.into_handle(ctx)?;
                // SAFETY: valid ctx and handles.
                let shifted = ctx.owned(unsafe { call::ctx_Lshift(ctx.as_ptr(), hi.as_raw(), sixty_four.as_raw()) })?;
                // SAFETY: valid ctx and handles.
                ctx.owned(unsafe { call::ctx_Or(ctx.as_ptr(), shifted.as_raw(), lo.as_raw()) })
            }
        }
    )*};
}
wide!(i128 => i64, u128 => u64);

impl<'a, 'py> FromHandle<'a, 'py> for f64 {
    #[inline]
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        let ctx = obj.ctx();
        if let Some(fast) = cpython_fast::api(ctx.as_ptr()) {
            // SAFETY: a valid handle of the fast context.
            if let Some(v) = unsafe { fast.float_value(obj.as_raw()) } {
                return Ok(v);
            }
        }
        // SAFETY: valid ctx and handle.
        let v = unsafe { call::ctx_Float_AsDouble(ctx.as_ptr(), obj.as_raw()) };
        if v == -1.0 && ctx.err_occurred() {
            return Err(HPyErr::fetch());
        }
        Ok(v)
    }
}

impl<'py> IntoHandle<'py> for f64 {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        ctx.owned(match cpython_fast::api(ctx.as_ptr()) {
            Some(fast) => fast.float_from_f64(self),
            // SAFETY: valid ctx.
            None => unsafe { call::ctx_Float_FromDouble(ctx.as_ptr(), self) },
        })
    }
}

impl<'a, 'py> FromHandle<'a, 'py> for f32 {
    #[inline]
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        f64::extract(obj).map(|v| v as f32)
    }
}

impl<'py> IntoHandle<'py> for f32 {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        (self as f64).into_handle(ctx)
    }
}
