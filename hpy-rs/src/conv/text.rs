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
        let bytes = utf8_buffer(obj)?;
        if runtime_validates_utf8() {
            debug_assert!(core::str::from_utf8(bytes).is_ok());
            // SAFETY: CPython's `PyUnicode_AsUTF8AndSize`, behind every HPy mode there, returns
            // valid UTF-8 or raises `UnicodeEncodeError` (lone surrogates).
            return Ok(unsafe { core::str::from_utf8_unchecked(bytes) });
        }
        match core::str::from_utf8(bytes) {
            Ok(s) => Ok(s),
            Err(_) => Err(surrogates_error(obj)),
        }
    }
}

/// The runtime's UTF-8 buffer of the `str` `obj`, valid while `obj` is open (HPy ties it to the
/// handle: PyPy frees its copy when the handle is closed). Not validated.
#[inline]
fn utf8_buffer<'a>(obj: &'a Handle<'_>) -> HPyResult<&'a [u8]> {
    let ctx = obj.ctx();
    let mut size: HPy_ssize_t = 0;
    // SAFETY: valid ctx and a str handle.
    let p = unsafe { call::ctx_Unicode_AsUTF8AndSize(ctx.as_ptr(), obj.as_raw(), &mut size) };
    if p.is_null() {
        return Err(HPyErr::fetch());
    }
    // SAFETY: the runtime returns `size` readable bytes that live as long as the handle, which
    // the caller keeps open for `'a`.
    Ok(unsafe { core::slice::from_raw_parts(p as *const u8, size as usize) })
}

/// Whether the runtime's `HPyUnicode_AsUTF8AndSize` itself refuses text that is not valid
/// UTF-8. CPython's does, in every HPy mode (it is `PyUnicode_AsUTF8AndSize`, which raises
/// `UnicodeEncodeError` for lone surrogates). PyPy 7.3.19's returns its internal buffer, in
/// which a lone surrogate is a 3-byte sequence that is not UTF-8, so there the bytes are checked
/// here (any runtime not known to check is checked), and so are they on PyPy's cpyext.
#[inline(always)]
fn runtime_validates_utf8() -> bool {
    !crate::ffi::is_pypy() && !crate::backend::capi::is_cpyext()
}

/// The error for a `str` whose text is not valid UTF-8 (lone surrogates): the runtime's own
/// strict UTF-8 encoder raises it, as `s.encode()` would, so the type, the message and the
/// `encoding`/`object`/`start`/`end`/`reason` attributes are CPython's.
#[cold]
#[inline(never)]
fn surrogates_error(obj: &Handle<'_>) -> HPyErr {
    let ctx = obj.ctx();
    // SAFETY: valid ctx and a str handle.
    match ctx.owned(unsafe { call::ctx_Unicode_AsUTF8String(ctx.as_ptr(), obj.as_raw()) }) {
        Err(e) => e,
        // The encoder accepted what the buffer says is not UTF-8: never seen, but never trust it.
        Ok(_) => exc::SystemError::new_err("the runtime returned a str buffer that is not UTF-8"),
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

/// CPython's wording for its one-character converter (`Py_UCS4` parameters, e.g.
/// `unicodedata.name`): any other object, or a `str` of another length, is "not a unicode
/// character". A lone surrogate is a character to Python but not a Rust `char`: it raises the
/// `UnicodeEncodeError` of `&str`.
impl<'a, 'py> FromHandle<'a, 'py> for char {
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        if !obj.is_str() {
            return Err(HPyErr::wrong_type("a unicode character", obj));
        }
        let s = <&str>::extract(obj)?;
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Ok(c),
            _ => Err(HPyErr::wrong_type("a unicode character", obj)),
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
