//! `HPyContext` and the raw call functions, both derived from the member table in
//! [`ctx_table.rs`](super::ctx_table) (the single source of truth; see `hpy-rs/tools/gen_ctx_table.py`).
//!
//! Layouts: the struct below is HPy 0.9.0's. PyPy >= 7.3.18 inserts `h_DictType` at slot
//! [`FIRST_SHIFTED_ID`], so every member with `HPy_ID >= 244` sits one slot further down there.
//! The raw call functions in [`call`] therefore never read fields by name: they read slot
//! `HPy_ID + shift` where the shift is 0 for IDs below 244 (a compile-time constant, so those
//! calls are a plain load) and [`layout_shift`] otherwise. PyPy-only members live in [`pypy`] and
//! must be called only after checking [`is_pypy`]: CPython's 0.9.0 context has no memory past
//! its last member.

#![allow(non_snake_case, clippy::missing_safety_doc, clippy::too_many_arguments)]

use super::defs::{HPyCallFunction, HPyCapsule_Destructor, HPyType_Spec, HPyType_SpecParam};
use super::types::*;
use core::ffi::{c_char, c_int, c_void};
use core::sync::atomic::{AtomicUsize, Ordering};

/// `HPy_ID` of the first member PyPy's layout moves one slot down (`ctx_Capsule_New`).
pub const FIRST_SHIFTED_ID: usize = 244;
/// Pointer-sized words before the first member (`name`, `_private`, `abi_version` + padding).
pub const HEADER_WORDS: usize = 3;

static LAYOUT_SHIFT: AtomicUsize = AtomicUsize::new(0);
static IS_PYPY: AtomicUsize = AtomicUsize::new(0);

/// Records the runtime's context layout. Called once per load, before any other call, from
/// `HPyInitGlobalContext_<name>`; every context of a process (universal, debug, trace) shares
/// one layout, so the result is process-wide.
///
/// # Safety
/// `ctx` must be a valid context whose `name` is a NUL-terminated string.
pub unsafe fn detect_layout(ctx: *mut HPyContext) {
    // SAFETY: the caller guarantees `ctx` and its name are valid.
    let name = unsafe { core::ffi::CStr::from_ptr((*ctx).name) }.to_bytes();
    let pypy = name.windows(4).any(|w| w == b"PyPy");
    IS_PYPY.store(pypy as usize, Ordering::Relaxed);
    LAYOUT_SHIFT.store(pypy as usize, Ordering::Relaxed);
}

/// Extra slots PyPy's layout inserts before members with `HPy_ID >= 244` (0 or 1).
#[inline(always)]
pub fn layout_shift() -> usize {
    LAYOUT_SHIFT.load(Ordering::Relaxed)
}

/// Whether the loaded runtime is PyPy (in any mode).
#[inline(always)]
pub fn is_pypy() -> bool {
    IS_PYPY.load(Ordering::Relaxed) != 0
}

/// The context slot that holds member `id` on the running runtime.
#[inline(always)]
pub const fn slot_index(id: usize, shift: usize) -> usize {
    if id >= FIRST_SHIFTED_ID {
        id + shift
    } else {
        id
    }
}

/// Reads the pointer-sized word at slot `slot` of `ctx`.
///
/// # Safety
/// `ctx` must be valid and `slot` inside the runtime's context.
#[inline(always)]
pub unsafe fn read_slot(ctx: *mut HPyContext, slot: usize) -> *const c_void {
    // SAFETY: the caller guarantees the slot is inside the context.
    unsafe { *(ctx as *const *const c_void).add(HEADER_WORDS + slot) }
}

#[doc(hidden)]
#[macro_export]
macro_rules! __hpy_ctx_field_ty {
    (handle) => { $crate::ffi::HPy };
    (func ($($aty:ty),*) -> $ret:ty) => {
        ::core::option::Option<unsafe extern "C" fn(*mut $crate::ffi::HPyContext $(, $aty)*) -> $ret>
    };
}

macro_rules! define_context {
    (
        members { $($id:literal => $name:ident : $kind:ident $(($($arg:ident : $aty:ty),*) -> $ret:ty)?;)* }
        pypy { $($pid:literal => $pname:ident : $pkind:ident $(($($parg:ident : $paty:ty),*) -> $pret:ty)?;)* }
    ) => {
        /// `struct _HPyContext_s` as HPy 0.9.0 lays it out (see the module docs for PyPy).
        #[repr(C)]
        pub struct HPyContext {
            /// The runtime and mode, e.g. `"HPy Universal ABI (CPython backend)"`.
            pub name: *const c_char,
            /// Private to the runtime.
            pub _private: *mut c_void,
            /// Always 0 in HPy 0.9.
            pub abi_version: c_int,
            $(
                #[doc = concat!("Member `", stringify!($name), "` (HPy_ID ", stringify!($id), ").")]
                pub $name: $crate::__hpy_ctx_field_ty!($kind $(($($aty),*) -> $ret)?),
            )*
        }

        /// `HPy_ID` of every 0.9.0 member, by member name.
        #[allow(non_upper_case_globals)]
        pub mod id {
            $(
                #[doc = concat!("`HPy_ID` of `", stringify!($name), "`.")]
                pub const $name: usize = $id;
            )*
        }

        /// Every 0.9.0 member as `(name, HPy_ID, is_function)`, for tests and tools.
        pub const MEMBERS: &[(&str, usize, bool)] = &[
            $((stringify!($name), $id, define_context!(@is_func $kind)),)*
        ];
        /// Every PyPy-only member as `(name, PyPy slot, is_function)`.
        pub const PYPY_MEMBERS: &[(&str, usize, bool)] = &[
            $((stringify!($pname), $pid, define_context!(@is_func $pkind)),)*
        ];

        /// Raw calls through the context, one per 0.9.0 member, correct on both layouts.
        pub mod call {
            #[allow(unused_imports)]
            use super::*;
            $( define_context!(@call $id $name $kind $(($($arg : $aty),*) -> $ret)?); )*
        }

        /// Raw calls of the members only PyPy >= 7.3.18 has.
        ///
        /// Calling any of these when [`is_pypy`] is false reads past the end of the context.
        pub mod pypy {
            #[allow(unused_imports)]
            use super::*;
            $( define_context!(@pypy $pid $pname $pkind $(($($parg : $paty),*) -> $pret)?); )*
        }
    };
    (@is_func handle) => { false };
    (@is_func func) => { true };
    (@call $id:literal $name:ident handle) => {
        #[doc = concat!("Reads handle `", stringify!($name), "`.")]
        #[doc = "\n\n# Safety\n`ctx` must be the valid context of the current call."]
        #[inline(always)]
        pub unsafe fn $name(ctx: *mut HPyContext) -> HPy {
            // SAFETY: handles all have IDs < 244, identical on both layouts.
            HPy { _i: unsafe { read_slot(ctx, slot_index($id, layout_shift())) } as isize }
        }
    };
    (@call $id:literal $name:ident func ($($arg:ident : $aty:ty),*) -> $ret:ty) => {
        #[doc = concat!("Calls `", stringify!($name), "` (HPy_ID ", stringify!($id), ").")]
        #[doc = "\n\n# Safety\n`ctx` must be the valid context of the current call and the"]
        #[doc = "arguments must satisfy the HPy API's contract for this function."]
        #[inline(always)]
        pub unsafe fn $name(ctx: *mut HPyContext $(, $arg: $aty)*) -> $ret {
            let shift = if $id >= FIRST_SHIFTED_ID { layout_shift() } else { 0 };
            // SAFETY: slot `id + shift` holds this member on the running runtime, a function
            // pointer of exactly this C signature (checked by tests/layout.rs).
            unsafe {
                let f: unsafe extern "C" fn(*mut HPyContext $(, $aty)*) -> $ret =
                    core::mem::transmute(read_slot(ctx, slot_index($id, shift)));
                f(ctx $(, $arg)*)
            }
        }
    };
    (@pypy $pid:literal $name:ident handle) => {
        #[doc = concat!("Reads PyPy's handle `", stringify!($name), "`.")]
        #[doc = "\n\n# Safety\nOnly on PyPy (see [`is_pypy`])."]
        #[inline(always)]
        pub unsafe fn $name(ctx: *mut HPyContext) -> HPy {
            // SAFETY: the caller checked the runtime is PyPy, whose context has this slot.
            HPy { _i: unsafe { read_slot(ctx, $pid) } as isize }
        }
    };
    (@pypy $pid:literal $name:ident func ($($arg:ident : $aty:ty),*) -> $ret:ty) => {
        #[doc = concat!("Calls PyPy's `", stringify!($name), "`.")]
        #[doc = "\n\n# Safety\nOnly on PyPy (see [`is_pypy`]), with valid arguments."]
        #[inline(always)]
        pub unsafe fn $name(ctx: *mut HPyContext $(, $arg: $aty)*) -> $ret {
            // SAFETY: the caller checked the runtime is PyPy, whose context has this slot.
            unsafe {
                let f: unsafe extern "C" fn(*mut HPyContext $(, $aty)*) -> $ret =
                    core::mem::transmute(read_slot(ctx, $pid));
                f(ctx $(, $arg)*)
            }
        }
    };
}

crate::__hpy_ctx_table!(define_context);
