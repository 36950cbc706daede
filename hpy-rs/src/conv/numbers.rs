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

/// `obj` itself if it is an `int`, else `obj.__index__()` (TypeError for non-integers), as
/// CPython's converters do.
fn index_of<'py>(obj: &Handle<'py>) -> HPyResult<Handle<'py>> {
    if obj.is_instance_of(BuiltinType::Long) {
        return Ok(obj.dup());
    }
    let ctx = obj.ctx();
    // SAFETY: valid ctx and handle; `HPy_Index` raises TypeError for non-integers.
    ctx.owned(unsafe { call::ctx_Index(ctx.as_ptr(), obj.as_raw()) })
}

/// `HPyLong_AsInt64_t` (through the CPython fast path when it is on), unchecked: `-1` may
/// mean an error.
#[inline(always)]
fn raw_i64(obj: &Handle<'_>) -> i64 {
    let ctx = obj.ctx();
    // SAFETY: valid ctx and handle; raises TypeError for objects without `__index__`.
    unsafe {
        match cpython_fast::api(ctx.as_ptr()) {
            Some(fast) => fast.long_as_i64(obj.as_raw()),
            None => call::ctx_Long_AsInt64_t(ctx.as_ptr(), obj.as_raw()),
        }
    }
}

/// Extracts an `i64` (`__index__` honoured: `HPyLong_AsInt64_t` calls it on both runtimes, so
/// there is no separate type check on the hot path).
#[inline]
pub(crate) fn extract_i64(obj: &Handle<'_>) -> HPyResult<i64> {
    check_int(obj.ctx(), raw_i64(obj))
}

/// CPython's message for a negative int given to an unsigned converter.
const NEGATIVE_MSG: &str = "can't convert negative int to unsigned";

/// The `OverflowError` for an integer (negative or not) that does not fit the integer type `T`.
#[cold]
#[inline(never)]
pub(crate) fn int_overflow<T>(negative: bool) -> HPyErr {
    let name = core::any::type_name::<T>();
    if negative && name.starts_with('u') {
        return exc::OverflowError::new_err(NEGATIVE_MSG);
    }
    let side = if negative { "small" } else { "large" };
    exc::OverflowError::new_err(format!("Python int too {side} to convert to {name}"))
}

/// Extracts a `u64` (`__index__` honoured; negative → OverflowError). Values that fit an
/// `i64` (all but the top half of the range) take the one-call `i64` path.
#[inline]
fn extract_u64(obj: &Handle<'_>) -> HPyResult<u64> {
    let v = raw_i64(obj);
    if v >= 0 {
        return Ok(v as u64);
    }
    extract_u64_slow(obj, v)
}

/// The rest of [`extract_u64`]: an error, a negative value, or a value above `i64::MAX`.
#[cold]
#[inline(never)]
fn extract_u64_slow(obj: &Handle<'_>, v: i64) -> HPyResult<u64> {
    let ctx = obj.ctx();
    if v != -1 || !ctx.err_occurred() {
        return Err(exc::OverflowError::new_err(NEGATIVE_MSG));
    }
    let e = HPyErr::fetch();
    if !e.matches(ctx, &exc::OverflowError::type_object(ctx)) {
        return Err(e);
    }
    e.discard(ctx);
    // Outside the `i64` range: below it, or above it (then maybe a `u64`).
    let int = index_of(obj)?;
    if int.compare_bool(&0i64.into_handle(ctx)?, crate::CompareOp::Lt)? {
        return Err(exc::OverflowError::new_err(NEGATIVE_MSG));
    }
    // SAFETY: valid ctx and handle of an int.
    let v = unsafe { call::ctx_Long_AsUInt64_t(ctx.as_ptr(), int.as_raw()) };
    if v == u64::MAX && ctx.err_occurred() {
        return Err(int_error(ctx));
    }
    Ok(v)
}

macro_rules! signed {
    ($($t:ty),*) => {$(
        impl<'a, 'py> FromHandle<'a, 'py> for $t {
            #[inline]
            fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
                let v = extract_i64(obj)?;
                <$t>::try_from(v).map_err(|_| int_overflow::<$t>(v < 0))
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
                <$t>::try_from(v).map_err(|_| int_overflow::<$t>(false))
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
        u8::try_from(v).map_err(|_| int_overflow::<u8>(false))
    }
}

impl<'py> IntoHandle<'py> for u8 {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        // SAFETY: valid ctx.
        ctx.owned(unsafe { call::ctx_Long_FromUInt64_t(ctx.as_ptr(), self as u64) })
    }

    fn vec_into_handle(v: Vec<Self>, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        super::text::bytes_from_slice(ctx, &v)
    }

    fn slice_into_handle(s: &[Self], ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        super::text::bytes_from_slice(ctx, s)
    }
}

/// Whether `v` is `-1` because the conversion failed with `OverflowError` (which is then
/// cleared): the value needs more than 64 bits. Any other pending error is returned.
#[inline]
fn overflowed(ctx: Ctx<'_>, v: i64) -> HPyResult<bool> {
    if v != -1 || !ctx.err_occurred() {
        return Ok(false);
    }
    let e = HPyErr::fetch();
    if !e.matches(ctx, &exc::OverflowError::type_object(ctx)) {
        return Err(e);
    }
    e.discard(ctx);
    Ok(true)
}

/// An int beyond 64 bits as its two halves `(int >> 64, int & (2**64 - 1))`, computed with
/// Python's own operators (HPy 0.9 has no wider converter). `hi` is still an int object.
#[cold]
#[inline(never)]
fn split_wide<'py>(obj: &Handle<'py>) -> HPyResult<(Handle<'py>, u64)> {
    let ctx = obj.ctx();
    let int = index_of(obj)?;
    let mask = u64::MAX.into_handle(ctx)?;
    let sixty_four = 64i64.into_handle(ctx)?;
    // SAFETY: valid ctx and int handles.
    let lo = ctx.owned(unsafe { call::ctx_And(ctx.as_ptr(), int.as_raw(), mask.as_raw()) })?;
    // SAFETY: valid ctx and int handles.
    let hi =
        ctx.owned(unsafe { call::ctx_Rshift(ctx.as_ptr(), int.as_raw(), sixty_four.as_raw()) })?;
    Ok((hi, lo.extract::<u64>()?))
}

/// `(hi << 64) | lo` as a Python int.
#[cold]
#[inline(never)]
fn join_wide<'py>(ctx: Ctx<'py>, hi: Handle<'py>, lo: u64) -> HPyResult<Handle<'py>> {
    let lo = lo.into_handle(ctx)?;
    let sixty_four = 64i64.into_handle(ctx)?;
    // SAFETY: valid ctx and int handles.
    let shifted =
        ctx.owned(unsafe { call::ctx_Lshift(ctx.as_ptr(), hi.as_raw(), sixty_four.as_raw()) })?;
    // SAFETY: valid ctx and int handles.
    ctx.owned(unsafe { call::ctx_Or(ctx.as_ptr(), shifted.as_raw(), lo.as_raw()) })
}

/// `i128` and `u128`: a value that fits 64 bits (the common case) costs the same single
/// runtime call as `i64`/`u64`; wider ones are split into 64-bit halves by Python's `>>` and
/// `&` (or joined by `<<` and `|`). Ints beyond 128 bits raise `OverflowError`, worded like
/// the other integer types.
impl<'a, 'py> FromHandle<'a, 'py> for i128 {
    #[inline]
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        let v = raw_i64(obj);
        if !overflowed(obj.ctx(), v)? {
            return Ok(v as i128);
        }
        let (hi, lo) = split_wide(obj)?;
        match hi.extract::<i64>() {
            Ok(hi) => Ok(((hi as i128) << 64) | lo as i128),
            Err(e) => {
                e.discard(obj.ctx());
                let negative =
                    hi.compare_bool(&0i64.into_handle(obj.ctx())?, crate::CompareOp::Lt)?;
                Err(int_overflow::<i128>(negative))
            }
        }
    }
}

impl<'a, 'py> FromHandle<'a, 'py> for u128 {
    #[inline]
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        let ctx = obj.ctx();
        let v = raw_i64(obj);
        if v >= 0 {
            return Ok(v as u128);
        }
        if !overflowed(ctx, v)? {
            return Err(int_overflow::<u128>(true));
        }
        let (hi, lo) = split_wide(obj)?;
        if hi.compare_bool(&0i64.into_handle(ctx)?, crate::CompareOp::Lt)? {
            return Err(int_overflow::<u128>(true));
        }
        match hi.extract::<u64>() {
            Ok(hi) => Ok(((hi as u128) << 64) | lo as u128),
            Err(e) => {
                e.discard(ctx);
                Err(int_overflow::<u128>(false))
            }
        }
    }
}

impl<'py> IntoHandle<'py> for i128 {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        match i64::try_from(self) {
            Ok(v) => v.into_handle(ctx),
            Err(_) => join_wide(ctx, ((self >> 64) as i64).into_handle(ctx)?, self as u64),
        }
    }
}

impl<'py> IntoHandle<'py> for u128 {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        match u64::try_from(self) {
            Ok(v) => v.into_handle(ctx),
            Err(_) => join_wide(ctx, ((self >> 64) as u64).into_handle(ctx)?, self as u64),
        }
    }
}

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
