//! The members of the C-API context, by area. Each is an `extern "C"` function with exactly the
//! signature of its context member (`context.rs` fills the context from these by name, so the
//! compiler checks every signature against the context table).
//!
//! Conventions: handles are object pointers ([`super::h`]/[`super::o`]); argument handles are
//! borrowed; returned handles are new references; errors are the C API's own (NULL or -1 with
//! an exception set), which are HPy's.

#![allow(non_snake_case, clippy::missing_safety_doc)]

mod calls;
pub(super) mod containers;
mod errors;
mod misc;
mod numbers;
mod objects;
mod storage;
mod text;

pub use super::types::{
    ctx_AsStruct_Float, ctx_AsStruct_Legacy, ctx_AsStruct_List, ctx_AsStruct_Long,
    ctx_AsStruct_Object, ctx_AsStruct_Tuple, ctx_AsStruct_Type, ctx_AsStruct_Unicode, ctx_New,
    ctx_Type_FromSpec, ctx_Type_GenericNew, ctx_Type_GetBuiltinShape, ctx_Type_GetName,
    ctx_Type_IsSubtype,
};
pub use calls::*;
pub use containers::*;
pub use errors::*;
pub use misc::*;
pub use numbers::*;
pub use objects::*;
pub use storage::*;
pub use text::*;

/// A context member that forwards to one C-API function of the same arity, converting handles
/// to object pointers and an object result back to a (new) handle.
macro_rules! forward {
    ($( $(#[$doc:meta])* $member:ident($($arg:ident),*) => $func:ident; )*) => {$(
        $(#[$doc])*
        pub unsafe extern "C" fn $member(
            _ctx: *mut $crate::ffi::HPyContext,
            $($arg: $crate::ffi::HPy),*
        ) -> $crate::ffi::HPy {
            // SAFETY: live argument handles of the current call; the C API returns a new
            // reference or NULL with an exception set.
            $crate::backend::capi::h(unsafe {
                ($crate::backend::capi::api().$func)($($crate::backend::capi::o($arg)),*)
            })
        }
    )*};
}
pub(crate) use forward;
