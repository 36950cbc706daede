//! The handle-like scalar types of the universal ABI. Each is a C struct holding one `intptr_t`
//! (8 bytes, passed in one integer register), so `#[repr(transparent)]` over `isize` matches.

use core::ffi::c_int;

/// `HPy_ssize_t` (`intptr_t`).
#[allow(non_camel_case_types)]
pub type HPy_ssize_t = isize;
/// `HPy_hash_t` (`intptr_t`).
#[allow(non_camel_case_types)]
pub type HPy_hash_t = isize;
/// `HPy_UCS4` (`uint32_t`).
#[allow(non_camel_case_types)]
pub type HPy_UCS4 = u32;
/// C `wchar_t` on LP64 Linux.
#[allow(non_camel_case_types)]
pub type wchar_t = i32;

macro_rules! handle_like {
    ($($(#[$doc:meta])* $name:ident { $field:ident })*) => {$(
        $(#[$doc])*
        #[repr(transparent)]
        #[derive(Copy, Clone, PartialEq, Eq, Debug, Default)]
        pub struct $name {
            #[doc = "The raw bits; their meaning depends on the runtime and mode."]
            pub $field: isize,
        }
        impl $name {
            #[doc = "The NULL value (`_i == 0` in every runtime and mode)."]
            pub const NULL: Self = Self { $field: 0 };
            #[doc = "Whether this is the NULL value."]
            #[inline(always)]
            pub const fn is_null(self) -> bool {
                self.$field == 0
            }
        }
    )*};
}

handle_like! {
    /// `HPy`: an opaque handle to a Python object, valid for one call unless stored.
    HPy { _i }
    /// `HPyField`: a reference to a Python object stored inside an object's payload.
    HPyField { _i }
    /// `HPyGlobal`: a reference to a Python object stored in a C global.
    HPyGlobal { _i }
    /// `HPyTracker`: a set of handles closed together.
    HPyTracker { _i }
    /// `HPyThreadState`: returned by `LeavePythonExecution`.
    HPyThreadState { _i }
    /// `HPyListBuilder`.
    HPyListBuilder { _lst }
    /// `HPyTupleBuilder`.
    HPyTupleBuilder { _tup }
}

/// An opaque CPython `PyObject` (only ever behind a pointer, only in trampolines).
#[allow(non_camel_case_types)]
#[repr(C)]
pub struct cpy_PyObject {
    _opaque: [u8; 0],
}

/// `HPyCFunction`: the type-erased impl pointer stored in defs.
pub type HPyCFunction = Option<unsafe extern "C" fn()>;

#[allow(non_camel_case_types)]
/// `HPyFunc_visitproc`: the visitor passed to `tp_traverse` (no context).
pub type HPyFunc_visitproc =
    Option<unsafe extern "C" fn(*mut HPyField, *mut core::ffi::c_void) -> c_int>;
