//! CPython trampolines. CPython never calls an HPy impl directly: it calls a per-function C
//! trampoline. Generated code defines one tiny `extern "C"` trampoline per impl that forwards to
//! these helpers, which serve two backends:
//! - on the C-API backend (loaded through `PyInit_<name>`), the trampoline *is* the C function
//!   CPython calls, and it calls the impl directly with that backend's context
//!   ([`crate::backend::capi::tramp`]);
//! - under `hpy.universal`, it packs its arguments into the signature's struct and hands them,
//!   with the impl, to `ctx_CallRealFunctionFromTrampoline` of the module's global context.
//!
//! PyPy's HPy ignores trampolines and calls impls directly.

#![allow(clippy::missing_safety_doc)]

use crate::backend::capi::{self, tramp as direct};
use crate::ffi::trampoline_args::*;
use crate::ffi::{call, cpy_PyObject, sig, HPyCFunction, HPyContext, HPy_hash_t, HPy_ssize_t};
use core::ffi::{c_int, c_void};
use core::ptr::null_mut;
use core::sync::atomic::{AtomicPtr, Ordering};

type Obj = *mut cpy_PyObject;

static GLOBAL_CTX: AtomicPtr<HPyContext> = AtomicPtr::new(null_mut());

/// Stores the context trampolines use (from `HPyInitGlobalContext_<name>`).
pub(crate) fn set_global_ctx(ctx: *mut HPyContext) {
    GLOBAL_CTX.store(ctx, Ordering::Release);
}

#[inline(always)]
unsafe fn call_real<A>(signature: c_int, f: HPyCFunction, a: &mut A) {
    let ctx = GLOBAL_CTX.load(Ordering::Relaxed);
    // SAFETY: CPython set the global context before any trampoline can run; `a` is the
    // argument struct matching `signature`.
    unsafe {
        call::ctx_CallRealFunctionFromTrampoline(ctx, signature, f, a as *mut A as *mut c_void)
    }
}

macro_rules! tramp {
    ($(#[$doc:meta])* $name:ident($($p:ident : $pt:ty),*) -> $ret:ty = $direct:ident, $sig:ident, $args:ident { $($field:ident: $val:expr),* }) => {
        $(#[$doc])*
        #[inline(always)]
        pub unsafe fn $name($($p: $pt,)* f: HPyCFunction) -> $ret {
            if capi::is_active() {
                // SAFETY: CPython's arguments for this signature, on the C-API backend.
                return unsafe { direct::$direct($($p,)* f) };
            }
            let mut a = $args { $($field: $val),* };
            // SAFETY: forwarded trampoline arguments.
            unsafe { call_real(sig::$sig, f, &mut a) };
            a.result
        }
    };
}

tramp!(/// `NOARGS` method.
    noargs(self_: Obj) -> Obj = noargs, NOARGS, NoargsArgs { self_: self_, result: null_mut() });
tramp!(/// `O` method.
    o(self_: Obj, arg: Obj) -> Obj = o_, O, OArgs { self_: self_, arg: arg, result: null_mut() });
tramp!(/// `VARARGS` method (METH_FASTCALL).
    varargs(self_: Obj, args: *const Obj, nargs: HPy_ssize_t) -> Obj
    = varargs, VARARGS, VarargsArgs { self_: self_, args: args, nargs: nargs, result: null_mut() });
tramp!(/// `KEYWORDS` method (vectorcall shape), also `tp_call`.
    keywords(self_: Obj, args: *const Obj, nargsf: usize, kwnames: Obj) -> Obj
    = keywords, KEYWORDS, KeywordsArgs { self_: self_, args: args, nargsf: nargsf, kwnames: kwnames, result: null_mut() });
tramp!(/// `tp_init`.
    initproc(self_: Obj, args: Obj, kw: Obj) -> c_int
    = initproc, INITPROC, InitprocArgs { self_: self_, args: args, kw: kw, result: 0 });
tramp!(/// `tp_new`.
    newfunc(type_: Obj, args: Obj, kw: Obj) -> Obj
    = newfunc, NEWFUNC, NewfuncArgs { type_: type_, args: args, kw: kw, result: null_mut() });
tramp!(/// Unary slots.
    unaryfunc(arg0: Obj) -> Obj = unary, UNARYFUNC, UnaryArgs { arg0: arg0, result: null_mut() });
tramp!(/// `tp_repr`/`tp_str`.
    reprfunc(arg0: Obj) -> Obj = unary, REPRFUNC, UnaryArgs { arg0: arg0, result: null_mut() });
tramp!(/// `tp_iter`.
    getiterfunc(arg0: Obj) -> Obj = unary, GETITERFUNC, UnaryArgs { arg0: arg0, result: null_mut() });
tramp!(/// `tp_iternext`.
    iternextfunc(arg0: Obj) -> Obj = unary, ITERNEXTFUNC, UnaryArgs { arg0: arg0, result: null_mut() });
tramp!(/// Binary slots.
    binaryfunc(arg0: Obj, arg1: Obj) -> Obj = binary, BINARYFUNC, BinaryArgs { arg0: arg0, arg1: arg1, result: null_mut() });
tramp!(/// Ternary slots (`**`).
    ternaryfunc(arg0: Obj, arg1: Obj, arg2: Obj) -> Obj
    = ternary, TERNARYFUNC, TernaryArgs { arg0: arg0, arg1: arg1, arg2: arg2, result: null_mut() });
tramp!(/// `nb_bool`, `mod_exec`.
    inquiry(arg0: Obj) -> c_int = inquiry, INQUIRY, InquiryArgs { arg0: arg0, result: 0 });
tramp!(/// `__len__`.
    lenfunc(arg0: Obj) -> HPy_ssize_t = lenfunc, LENFUNC, LenArgs { arg0: arg0, result: 0 });
tramp!(/// `__hash__`.
    hashfunc(arg0: Obj) -> HPy_hash_t = hashfunc, HASHFUNC, HashArgs { arg0: arg0, result: 0 });
tramp!(/// `tp_richcompare`.
    richcmpfunc(arg0: Obj, arg1: Obj, op: c_int) -> Obj
    = richcmp, RICHCMPFUNC, RichcmpArgs { arg0: arg0, arg1: arg1, op: op, result: null_mut() });
tramp!(/// `sq_item`.
    ssizeargfunc(arg0: Obj, arg1: HPy_ssize_t) -> Obj
    = ssizearg, SSIZEARGFUNC, SsizeargArgs { arg0: arg0, arg1: arg1, result: null_mut() });
tramp!(/// `sq_ass_item`.
    ssizeobjargproc(arg0: Obj, arg1: HPy_ssize_t, arg2: Obj) -> c_int
    = ssizeobjarg, SSIZEOBJARGPROC, SsizeobjargArgs { arg0: arg0, arg1: arg1, arg2: arg2, result: 0 });
tramp!(/// `mp_ass_subscript`.
    objobjargproc(arg0: Obj, arg1: Obj, arg2: Obj) -> c_int
    = objobjarg, OBJOBJARGPROC, ObjobjargArgs { arg0: arg0, arg1: arg1, arg2: arg2, result: 0 });
tramp!(/// `sq_contains`.
    objobjproc(arg0: Obj, arg1: Obj) -> c_int = objobj, OBJOBJPROC, ObjobjArgs { arg0: arg0, arg1: arg1, result: 0 });
tramp!(/// Getter.
    getter(self_: Obj, closure: *mut c_void) -> Obj
    = getter, GETTER, GetterArgs { self_: self_, closure: closure, result: null_mut() });
tramp!(/// Setter.
    setter(self_: Obj, value: Obj, closure: *mut c_void) -> c_int
    = setter, SETTER, SetterArgs { self_: self_, value: value, closure: closure, result: 0 });
tramp!(/// `tp_traverse`.
    traverseproc(self_: Obj, visit: *mut c_void, arg: *mut c_void) -> c_int
    = traverse, TRAVERSEPROC, TraverseArgs { self_: self_, visit: visit, arg: arg, result: 0 });

/// `tp_finalize` (no result).
#[inline(always)]
pub unsafe fn destructor(arg0: Obj, f: HPyCFunction) {
    if capi::is_active() {
        // SAFETY: CPython's argument, on the C-API backend.
        return unsafe { direct::destructor(arg0, f) };
    }
    let mut a = DestructorArgs { arg0 };
    // SAFETY: forwarded trampoline arguments.
    unsafe { call_real(sig::DESTRUCTOR, f, &mut a) };
}
