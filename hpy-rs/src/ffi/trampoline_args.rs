//! The per-signature argument structs CPython trampolines pass to
//! `ctx_CallRealFunctionFromTrampoline` (HPy 0.9.0 `hpyfunc_trampolines.h`). Fields are
//! `PyObject*` on the CPython side, so they are raw pointers here.

#![allow(missing_docs)]

use super::types::{cpy_PyObject, HPy_hash_t, HPy_ssize_t};
use core::ffi::{c_int, c_void};

type Obj = *mut cpy_PyObject;

#[repr(C)]
pub struct NoargsArgs {
    pub self_: Obj,
    pub result: Obj,
}
#[repr(C)]
pub struct OArgs {
    pub self_: Obj,
    pub arg: Obj,
    pub result: Obj,
}
#[repr(C)]
pub struct VarargsArgs {
    pub self_: Obj,
    pub args: *const Obj,
    pub nargs: HPy_ssize_t,
    pub result: Obj,
}
#[repr(C)]
pub struct KeywordsArgs {
    pub self_: Obj,
    pub args: *const Obj,
    pub nargsf: usize,
    pub kwnames: Obj,
    pub result: Obj,
}
#[repr(C)]
pub struct InitprocArgs {
    pub self_: Obj,
    pub args: Obj,
    pub kw: Obj,
    pub result: c_int,
}
#[repr(C)]
pub struct NewfuncArgs {
    pub type_: Obj,
    pub args: Obj,
    pub kw: Obj,
    pub result: Obj,
}
#[repr(C)]
pub struct UnaryArgs {
    pub arg0: Obj,
    pub result: Obj,
}
#[repr(C)]
pub struct BinaryArgs {
    pub arg0: Obj,
    pub arg1: Obj,
    pub result: Obj,
}
#[repr(C)]
pub struct TernaryArgs {
    pub arg0: Obj,
    pub arg1: Obj,
    pub arg2: Obj,
    pub result: Obj,
}
#[repr(C)]
pub struct InquiryArgs {
    pub arg0: Obj,
    pub result: c_int,
}
#[repr(C)]
pub struct LenArgs {
    pub arg0: Obj,
    pub result: HPy_ssize_t,
}
#[repr(C)]
pub struct HashArgs {
    pub arg0: Obj,
    pub result: HPy_hash_t,
}
#[repr(C)]
pub struct RichcmpArgs {
    pub arg0: Obj,
    pub arg1: Obj,
    pub op: c_int,
    pub result: Obj,
}
#[repr(C)]
pub struct SsizeargArgs {
    pub arg0: Obj,
    pub arg1: HPy_ssize_t,
    pub result: Obj,
}
#[repr(C)]
pub struct SsizeobjargArgs {
    pub arg0: Obj,
    pub arg1: HPy_ssize_t,
    pub arg2: Obj,
    pub result: c_int,
}
#[repr(C)]
pub struct ObjobjargArgs {
    pub arg0: Obj,
    pub arg1: Obj,
    pub arg2: Obj,
    pub result: c_int,
}
#[repr(C)]
pub struct ObjobjArgs {
    pub arg0: Obj,
    pub arg1: Obj,
    pub result: c_int,
}
#[repr(C)]
pub struct GetterArgs {
    pub self_: Obj,
    pub closure: *mut c_void,
    pub result: Obj,
}
#[repr(C)]
pub struct SetterArgs {
    pub self_: Obj,
    pub value: Obj,
    pub closure: *mut c_void,
    pub result: c_int,
}
#[repr(C)]
pub struct TraverseArgs {
    pub self_: Obj,
    pub visit: *mut c_void,
    pub arg: *mut c_void,
    pub result: c_int,
}
#[repr(C)]
pub struct DestructorArgs {
    pub arg0: Obj,
}
