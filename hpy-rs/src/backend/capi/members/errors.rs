//! Exceptions: raising, matching, creating classes, warnings.

use crate::backend::capi::{api, h, o};
use crate::ffi::{HPy, HPyContext, HPy_ssize_t};
use core::ffi::{c_char, c_int};

pub unsafe extern "C" fn ctx_FatalError(_: *mut HPyContext, msg: *const c_char) {
    // SAFETY: a NUL-terminated message; does not return.
    unsafe { (api().Py_FatalError)(msg) }
}
pub unsafe extern "C" fn ctx_Err_SetString(_: *mut HPyContext, ty: HPy, msg: *const c_char) {
    // SAFETY: a live class and a NUL-terminated UTF-8 message.
    unsafe { (api().PyErr_SetString)(o(ty), msg) }
}
pub unsafe extern "C" fn ctx_Err_SetObject(_: *mut HPyContext, ty: HPy, v: HPy) {
    // SAFETY: live handles (not stolen).
    unsafe { (api().PyErr_SetObject)(o(ty), o(v)) }
}
pub unsafe extern "C" fn ctx_Err_SetFromErrnoWithFilename(
    _: *mut HPyContext,
    ty: HPy,
    filename: *const c_char,
) -> HPy {
    // SAFETY: a live class; `filename` NULL or NUL-terminated. Always NULL.
    h(unsafe { (api().PyErr_SetFromErrnoWithFilename)(o(ty), filename) })
}
pub unsafe extern "C" fn ctx_Err_SetFromErrnoWithFilenameObjects(
    _: *mut HPyContext,
    ty: HPy,
    f1: HPy,
    f2: HPy,
) {
    // SAFETY: live handles or NULL.
    unsafe { (api().PyErr_SetFromErrnoWithFilenameObjects)(o(ty), o(f1), o(f2)) };
}
pub unsafe extern "C" fn ctx_Err_Occurred(_: *mut HPyContext) -> c_int {
    // SAFETY: plain C-API call.
    unsafe { !(api().PyErr_Occurred)().is_null() as c_int }
}
pub unsafe extern "C" fn ctx_Err_ExceptionMatches(_: *mut HPyContext, exc: HPy) -> c_int {
    // SAFETY: a live class or tuple.
    unsafe { (api().PyErr_ExceptionMatches)(o(exc)) }
}
pub unsafe extern "C" fn ctx_Err_NoMemory(_: *mut HPyContext) {
    // SAFETY: plain C-API call (its NULL result is the convention, not a reference).
    unsafe { (api().PyErr_NoMemory)() };
}
pub unsafe extern "C" fn ctx_Err_Clear(_: *mut HPyContext) {
    // SAFETY: plain C-API call.
    unsafe { (api().PyErr_Clear)() }
}
pub unsafe extern "C" fn ctx_Err_NewException(
    _: *mut HPyContext,
    name: *const c_char,
    base: HPy,
    dict: HPy,
) -> HPy {
    // SAFETY: a NUL-terminated `module.Name`; base and dict live or NULL.
    h(unsafe { (api().PyErr_NewException)(name, o(base), o(dict)) })
}
pub unsafe extern "C" fn ctx_Err_NewExceptionWithDoc(
    _: *mut HPyContext,
    name: *const c_char,
    doc: *const c_char,
    base: HPy,
    dict: HPy,
) -> HPy {
    // SAFETY: as above; `doc` NULL or NUL-terminated.
    h(unsafe { (api().PyErr_NewExceptionWithDoc)(name, doc, o(base), o(dict)) })
}
pub unsafe extern "C" fn ctx_Err_WarnEx(
    _: *mut HPyContext,
    category: HPy,
    msg: *const c_char,
    stack_level: HPy_ssize_t,
) -> c_int {
    // SAFETY: a live class (or NULL) and a NUL-terminated message.
    unsafe { (api().PyErr_WarnEx)(o(category), msg, stack_level) }
}
pub unsafe extern "C" fn ctx_Err_WriteUnraisable(_: *mut HPyContext, obj: HPy) {
    // SAFETY: a live handle or NULL; reports and clears the pending exception.
    unsafe { (api().PyErr_WriteUnraisable)(o(obj)) }
}
