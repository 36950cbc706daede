//! `str` and `bytes`.

use super::{FromHandle, IntoHandle};
use crate::ctx::Ctx;
use crate::err::{HPyErr, HPyResult};
use crate::exc;
use crate::ffi::{call, HPy_ssize_t};
use crate::handle::Handle;
use std::borrow::Cow;

impl<'a, 'py> FromHandle<'a, 'py> for &'a str {
    #[inline]
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        if !obj.is_str() {
            return Err(HPyErr::wrong_type("str", obj));
        }
        let ctx = obj.ctx();
        let mut size: HPy_ssize_t = 0;
        // SAFETY: valid ctx and a str handle; the buffer lives as long as the object, which
        // `obj` keeps alive for `'a`.
        let p = unsafe { call::ctx_Unicode_AsUTF8AndSize(ctx.as_ptr(), obj.as_raw(), &mut size) };
        if p.is_null() {
            return Err(HPyErr::fetch());
        }
        // SAFETY: the runtime returns `size` bytes of valid UTF-8 (surrogates raise above).
        Ok(unsafe {
            core::str::from_utf8_unchecked(core::slice::from_raw_parts(
                p as *const u8,
                size as usize,
            ))
        })
    }
}

impl<'a, 'py> FromHandle<'a, 'py> for String {
    #[inline]
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        <&str>::extract(obj).map(str::to_owned)
    }
}

impl<'a, 'py> FromHandle<'a, 'py> for Cow<'a, str> {
    #[inline]
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        <&str>::extract(obj).map(Cow::Borrowed)
    }
}

impl<'a, 'py> FromHandle<'a, 'py> for char {
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        let s = <&str>::extract(obj)?;
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Ok(c),
            _ => Err(exc::TypeError::new_err(format!(
                "expected a character, but string of length {} found",
                s.chars().count()
            ))),
        }
    }
}

/// Makes a `str` from UTF-8 text of any content (HPy 0.9 has no sized UTF-8 constructor).
pub(crate) fn str_from_utf8<'py>(ctx: Ctx<'py>, s: &str) -> HPyResult<Handle<'py>> {
    let c = ctx.as_ptr();
    if s.is_ascii() {
        // SAFETY: valid ctx; `s` is `len` bytes of ASCII.
        return ctx.owned(unsafe {
            call::ctx_Unicode_DecodeASCII(c, s.as_ptr().cast(), s.len() as isize, core::ptr::null())
        });
    }
    if !s.as_bytes().contains(&0) {
        let owned = crate::impl_::cstring(s)?;
        // SAFETY: valid ctx and NUL-terminated UTF-8.
        return ctx.owned(unsafe { call::ctx_Unicode_FromString(c, owned.as_ptr()) });
    }
    // Non-ASCII text with an embedded NUL: decode from bytes.
    let bytes = s.as_bytes().into_handle(ctx)?;
    // SAFETY: valid ctx, a bytes handle and NUL-terminated encoding/errors (shifted slot
    // dispatched by layout).
    ctx.owned(unsafe {
        call::ctx_Unicode_FromEncodedObject(
            c,
            bytes.as_raw(),
            c"utf-8".as_ptr(),
            c"strict".as_ptr(),
        )
    })
}

impl<'py> IntoHandle<'py> for &str {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        str_from_utf8(ctx, self)
    }
}

impl<'py> IntoHandle<'py> for &String {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        str_from_utf8(ctx, self)
    }
}

impl<'py> IntoHandle<'py> for String {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        str_from_utf8(ctx, &self)
    }
}

impl<'py> IntoHandle<'py> for Cow<'_, str> {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        str_from_utf8(ctx, &self)
    }
}

impl<'py> IntoHandle<'py> for char {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        let mut buf = [0u8; 4];
        str_from_utf8(ctx, self.encode_utf8(&mut buf))
    }
}

impl<'a, 'py> FromHandle<'a, 'py> for &'a [u8] {
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        if !obj.is_bytes() {
            return Err(HPyErr::wrong_type("bytes", obj));
        }
        let c = obj.ctx().as_ptr();
        // SAFETY: valid ctx and a bytes handle; the buffer lives as long as the object, kept
        // alive by `obj` for `'a`.
        unsafe {
            let n = call::ctx_Bytes_Size(c, obj.as_raw());
            let p = call::ctx_Bytes_AsString(c, obj.as_raw());
            if p.is_null() || n < 0 {
                return Err(HPyErr::fetch());
            }
            Ok(core::slice::from_raw_parts(p as *const u8, n as usize))
        }
    }
}

/// `bytes` from a byte slice (`&[u8]` and `Vec<u8>` convert through this).
pub(crate) fn bytes_from_slice<'py>(ctx: Ctx<'py>, b: &[u8]) -> HPyResult<Handle<'py>> {
    // SAFETY: valid ctx; `b` is `len` readable bytes.
    ctx.owned(unsafe {
        call::ctx_Bytes_FromStringAndSize(ctx.as_ptr(), b.as_ptr().cast(), b.len() as isize)
    })
}

impl<'py> IntoHandle<'py> for Cow<'_, [u8]> {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        (&*self).into_handle(ctx)
    }
}
