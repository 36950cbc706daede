//! Numbers: ints, floats, bools and the number protocol.

use super::forward;
use crate::backend::capi::{api, h, o, set_error};
use crate::ffi::{HPy, HPyContext, HPy_ssize_t};
use core::ffi::{c_int, c_long, c_ulong, c_void};

pub unsafe extern "C" fn ctx_Long_FromInt32_t(_: *mut HPyContext, v: i32) -> HPy {
    // SAFETY: plain C-API call.
    h(unsafe { (api().PyLong_FromLong)(v as c_long) })
}
pub unsafe extern "C" fn ctx_Long_FromUInt32_t(_: *mut HPyContext, v: u32) -> HPy {
    // SAFETY: plain C-API call.
    h(unsafe { (api().PyLong_FromUnsignedLong)(v as c_ulong) })
}
pub unsafe extern "C" fn ctx_Long_FromInt64_t(_: *mut HPyContext, v: i64) -> HPy {
    // SAFETY: plain C-API call.
    h(unsafe { (api().PyLong_FromLongLong)(v) })
}
pub unsafe extern "C" fn ctx_Long_FromUInt64_t(_: *mut HPyContext, v: u64) -> HPy {
    // SAFETY: plain C-API call.
    h(unsafe { (api().PyLong_FromUnsignedLongLong)(v) })
}
pub unsafe extern "C" fn ctx_Long_FromSize_t(_: *mut HPyContext, v: usize) -> HPy {
    // SAFETY: plain C-API call.
    h(unsafe { (api().PyLong_FromSize_t)(v) })
}
pub unsafe extern "C" fn ctx_Long_FromSsize_t(_: *mut HPyContext, v: HPy_ssize_t) -> HPy {
    // SAFETY: plain C-API call.
    h(unsafe { (api().PyLong_FromSsize_t)(v) })
}

/// `HPyLong_AsInt32_t`: `PyLong_AsLong` plus the 32-bit range check (OverflowError).
pub unsafe extern "C" fn ctx_Long_AsInt32_t(_: *mut HPyContext, x: HPy) -> i32 {
    // SAFETY: a live handle; errors are the C API's.
    unsafe {
        let v = (api().PyLong_AsLong)(o(x));
        if v == -1 && !(api().PyErr_Occurred)().is_null() {
            return -1;
        }
        match i32::try_from(v) {
            Ok(v) => v,
            Err(_) => {
                let e = super::super::exc_class("OverflowError");
                set_error(e, "Python int too large to convert to C int32_t");
                -1
            }
        }
    }
}

/// `HPyLong_AsUInt32_t`: `PyLong_AsUnsignedLong` plus the 32-bit range check.
pub unsafe extern "C" fn ctx_Long_AsUInt32_t(_: *mut HPyContext, x: HPy) -> u32 {
    // SAFETY: a live handle; errors are the C API's.
    unsafe {
        let v = (api().PyLong_AsUnsignedLong)(o(x));
        if v == c_ulong::MAX && !(api().PyErr_Occurred)().is_null() {
            return u32::MAX;
        }
        match u32::try_from(v) {
            Ok(v) => v,
            Err(_) => {
                let e = super::super::exc_class("OverflowError");
                set_error(e, "Python int too large to convert to C uint32_t");
                u32::MAX
            }
        }
    }
}

pub unsafe extern "C" fn ctx_Long_AsUInt32_tMask(_: *mut HPyContext, x: HPy) -> u32 {
    // SAFETY: a live handle.
    unsafe { (api().PyLong_AsUnsignedLongMask)(o(x)) as u32 }
}
pub unsafe extern "C" fn ctx_Long_AsInt64_t(_: *mut HPyContext, x: HPy) -> i64 {
    // SAFETY: a live handle.
    unsafe { (api().PyLong_AsLongLong)(o(x)) }
}
pub unsafe extern "C" fn ctx_Long_AsUInt64_t(_: *mut HPyContext, x: HPy) -> u64 {
    // SAFETY: a live handle.
    unsafe { (api().PyLong_AsUnsignedLongLong)(o(x)) }
}
pub unsafe extern "C" fn ctx_Long_AsUInt64_tMask(_: *mut HPyContext, x: HPy) -> u64 {
    // SAFETY: a live handle.
    unsafe { (api().PyLong_AsUnsignedLongLongMask)(o(x)) }
}
pub unsafe extern "C" fn ctx_Long_AsSize_t(_: *mut HPyContext, x: HPy) -> usize {
    // SAFETY: a live handle.
    unsafe { (api().PyLong_AsSize_t)(o(x)) }
}
pub unsafe extern "C" fn ctx_Long_AsSsize_t(_: *mut HPyContext, x: HPy) -> HPy_ssize_t {
    // SAFETY: a live handle.
    unsafe { (api().PyLong_AsSsize_t)(o(x)) }
}
pub unsafe extern "C" fn ctx_Long_AsVoidPtr(_: *mut HPyContext, x: HPy) -> *mut c_void {
    // SAFETY: a live handle.
    unsafe { (api().PyLong_AsVoidPtr)(o(x)) }
}
pub unsafe extern "C" fn ctx_Long_AsDouble(_: *mut HPyContext, x: HPy) -> f64 {
    // SAFETY: a live handle.
    unsafe { (api().PyLong_AsDouble)(o(x)) }
}
pub unsafe extern "C" fn ctx_Float_FromDouble(_: *mut HPyContext, v: f64) -> HPy {
    // SAFETY: plain C-API call.
    h(unsafe { (api().PyFloat_FromDouble)(v) })
}
pub unsafe extern "C" fn ctx_Float_AsDouble(_: *mut HPyContext, x: HPy) -> f64 {
    // SAFETY: a live handle.
    unsafe { (api().PyFloat_AsDouble)(o(x)) }
}
pub unsafe extern "C" fn ctx_Bool_FromBool(_: *mut HPyContext, v: bool) -> HPy {
    // SAFETY: plain C-API call.
    h(unsafe { (api().PyBool_FromLong)(v as c_long) })
}
pub unsafe extern "C" fn ctx_Number_Check(_: *mut HPyContext, x: HPy) -> c_int {
    // SAFETY: a live handle.
    unsafe { (api().PyNumber_Check)(o(x)) }
}

forward! {
    ctx_Add(a, b) => PyNumber_Add;
    ctx_Subtract(a, b) => PyNumber_Subtract;
    ctx_Multiply(a, b) => PyNumber_Multiply;
    ctx_MatrixMultiply(a, b) => PyNumber_MatrixMultiply;
    ctx_FloorDivide(a, b) => PyNumber_FloorDivide;
    ctx_TrueDivide(a, b) => PyNumber_TrueDivide;
    ctx_Remainder(a, b) => PyNumber_Remainder;
    ctx_Divmod(a, b) => PyNumber_Divmod;
    ctx_Power(a, b, c) => PyNumber_Power;
    ctx_Negative(a) => PyNumber_Negative;
    ctx_Positive(a) => PyNumber_Positive;
    ctx_Absolute(a) => PyNumber_Absolute;
    ctx_Invert(a) => PyNumber_Invert;
    ctx_Lshift(a, b) => PyNumber_Lshift;
    ctx_Rshift(a, b) => PyNumber_Rshift;
    ctx_And(a, b) => PyNumber_And;
    ctx_Xor(a, b) => PyNumber_Xor;
    ctx_Or(a, b) => PyNumber_Or;
    ctx_Index(a) => PyNumber_Index;
    ctx_Long(a) => PyNumber_Long;
    ctx_Float(a) => PyNumber_Float;
    ctx_InPlaceAdd(a, b) => PyNumber_InPlaceAdd;
    ctx_InPlaceSubtract(a, b) => PyNumber_InPlaceSubtract;
    ctx_InPlaceMultiply(a, b) => PyNumber_InPlaceMultiply;
    ctx_InPlaceMatrixMultiply(a, b) => PyNumber_InPlaceMatrixMultiply;
    ctx_InPlaceFloorDivide(a, b) => PyNumber_InPlaceFloorDivide;
    ctx_InPlaceTrueDivide(a, b) => PyNumber_InPlaceTrueDivide;
    ctx_InPlaceRemainder(a, b) => PyNumber_InPlaceRemainder;
    ctx_InPlacePower(a, b, c) => PyNumber_InPlacePower;
    ctx_InPlaceLshift(a, b) => PyNumber_InPlaceLshift;
    ctx_InPlaceRshift(a, b) => PyNumber_InPlaceRshift;
    ctx_InPlaceAnd(a, b) => PyNumber_InPlaceAnd;
    ctx_InPlaceXor(a, b) => PyNumber_InPlaceXor;
    ctx_InPlaceOr(a, b) => PyNumber_InPlaceOr;
}
