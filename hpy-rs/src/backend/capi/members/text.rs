//! `bytes` and `str`.

use super::forward;
use crate::backend::capi::{api, h, o, type_of};
use crate::ffi::{wchar_t, HPy, HPyContext, HPy_UCS4, HPy_ssize_t};
use core::ffi::{c_char, c_int, c_ulong};

/// `Py_TPFLAGS_BYTES_SUBCLASS`.
const BYTES_SUBCLASS: c_ulong = 1 << 27;
/// `Py_TPFLAGS_UNICODE_SUBCLASS`.
const UNICODE_SUBCLASS: c_ulong = 1 << 28;

/// Whether `type(x)` has `flag` (the fast subclass flags every interpreter keeps).
///
/// # Safety
/// `x` must be a live handle.
pub(super) unsafe fn has_type_flag(x: HPy, flag: c_ulong) -> c_int {
    // SAFETY: forwarded.
    unsafe { ((api().PyType_GetFlags)(type_of(o(x))) & flag != 0) as c_int }
}

pub unsafe extern "C" fn ctx_Bytes_Check(_: *mut HPyContext, x: HPy) -> c_int {
    // SAFETY: a live handle.
    unsafe { has_type_flag(x, BYTES_SUBCLASS) }
}
pub unsafe extern "C" fn ctx_Bytes_Size(_: *mut HPyContext, x: HPy) -> HPy_ssize_t {
    // SAFETY: a live handle.
    unsafe { (api().PyBytes_Size)(o(x)) }
}
pub unsafe extern "C" fn ctx_Bytes_GET_SIZE(ctx: *mut HPyContext, x: HPy) -> HPy_ssize_t {
    // SAFETY: forwarded.
    unsafe { ctx_Bytes_Size(ctx, x) }
}
pub unsafe extern "C" fn ctx_Bytes_AsString(_: *mut HPyContext, x: HPy) -> *const c_char {
    // SAFETY: a live handle; the buffer lives as long as the object.
    unsafe { (api().PyBytes_AsString)(o(x)) }
}
pub unsafe extern "C" fn ctx_Bytes_AS_STRING(ctx: *mut HPyContext, x: HPy) -> *const c_char {
    // SAFETY: forwarded.
    unsafe { ctx_Bytes_AsString(ctx, x) }
}
pub unsafe extern "C" fn ctx_Bytes_FromString(_: *mut HPyContext, s: *const c_char) -> HPy {
    // SAFETY: a NUL-terminated string.
    h(unsafe { (api().PyBytes_FromString)(s) })
}
pub unsafe extern "C" fn ctx_Bytes_FromStringAndSize(
    _: *mut HPyContext,
    s: *const c_char,
    n: HPy_ssize_t,
) -> HPy {
    // SAFETY: `n` readable bytes at `s` (or NULL for an uninitialised buffer, as in the C API).
    h(unsafe { (api().PyBytes_FromStringAndSize)(s, n) })
}
pub unsafe extern "C" fn ctx_Unicode_FromString(_: *mut HPyContext, s: *const c_char) -> HPy {
    // SAFETY: a NUL-terminated string; invalid UTF-8 raises UnicodeDecodeError.
    h(unsafe { (api().PyUnicode_FromString)(s) })
}
pub unsafe extern "C" fn ctx_Unicode_Check(_: *mut HPyContext, x: HPy) -> c_int {
    // SAFETY: a live handle.
    unsafe { has_type_flag(x, UNICODE_SUBCLASS) }
}
forward! {
    ctx_Unicode_AsASCIIString(s) => PyUnicode_AsASCIIString;
    ctx_Unicode_AsLatin1String(s) => PyUnicode_AsLatin1String;
    ctx_Unicode_AsUTF8String(s) => PyUnicode_AsUTF8String;
    ctx_Unicode_EncodeFSDefault(s) => PyUnicode_EncodeFSDefault;
}
pub unsafe extern "C" fn ctx_Unicode_AsUTF8AndSize(
    _: *mut HPyContext,
    x: HPy,
    size: *mut HPy_ssize_t,
) -> *const c_char {
    // SAFETY: a live handle; `size` NULL or writable; the buffer lives as long as the string.
    unsafe { (api().PyUnicode_AsUTF8AndSize)(o(x), size) }
}
pub unsafe extern "C" fn ctx_Unicode_FromWideChar(
    _: *mut HPyContext,
    w: *const wchar_t,
    n: HPy_ssize_t,
) -> HPy {
    // SAFETY: `n` wide characters at `w` (or NUL-terminated when `n` is -1).
    h(unsafe { (api().PyUnicode_FromWideChar)(w, n) })
}
pub unsafe extern "C" fn ctx_Unicode_DecodeFSDefault(_: *mut HPyContext, s: *const c_char) -> HPy {
    // SAFETY: a NUL-terminated string.
    h(unsafe { (api().PyUnicode_DecodeFSDefault)(s) })
}
pub unsafe extern "C" fn ctx_Unicode_DecodeFSDefaultAndSize(
    _: *mut HPyContext,
    s: *const c_char,
    n: HPy_ssize_t,
) -> HPy {
    // SAFETY: `n` readable bytes.
    h(unsafe { (api().PyUnicode_DecodeFSDefaultAndSize)(s, n) })
}
pub unsafe extern "C" fn ctx_Unicode_ReadChar(
    _: *mut HPyContext,
    x: HPy,
    i: HPy_ssize_t,
) -> HPy_UCS4 {
    // SAFETY: a live handle; out-of-range raises IndexError and returns (Py_UCS4)-1.
    unsafe { (api().PyUnicode_ReadChar)(o(x), i) }
}
pub unsafe extern "C" fn ctx_Unicode_DecodeASCII(
    _: *mut HPyContext,
    s: *const c_char,
    n: HPy_ssize_t,
    errors: *const c_char,
) -> HPy {
    // SAFETY: `n` readable bytes; `errors` NULL or NUL-terminated.
    h(unsafe { (api().PyUnicode_DecodeASCII)(s, n, errors) })
}
pub unsafe extern "C" fn ctx_Unicode_DecodeLatin1(
    _: *mut HPyContext,
    s: *const c_char,
    n: HPy_ssize_t,
    errors: *const c_char,
) -> HPy {
    // SAFETY: as above.
    h(unsafe { (api().PyUnicode_DecodeLatin1)(s, n, errors) })
}
pub unsafe extern "C" fn ctx_Unicode_FromEncodedObject(
    _: *mut HPyContext,
    obj: HPy,
    encoding: *const c_char,
    errors: *const c_char,
) -> HPy {
    // SAFETY: a live handle; encoding/errors NULL or NUL-terminated.
    h(unsafe { (api().PyUnicode_FromEncodedObject)(o(obj), encoding, errors) })
}
pub unsafe extern "C" fn ctx_Unicode_Substring(
    _: *mut HPyContext,
    s: HPy,
    start: HPy_ssize_t,
    end: HPy_ssize_t,
) -> HPy {
    // SAFETY: a live handle.
    h(unsafe { (api().PyUnicode_Substring)(o(s), start, end) })
}
