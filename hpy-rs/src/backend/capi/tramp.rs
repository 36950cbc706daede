//! The CPython entry points on the C-API backend. The trampolines hpy-rs generates have exactly
//! the C signatures CPython calls (`impl_::tramp`); on this backend they call the impl directly
//! with this backend's context, converting nothing but the pointer types (a handle is the
//! object pointer). Only the tuple-based `tp_new`/`tp_init` read their argument tuple's items
//! (through the item layout checked at load).
//!
//! [`call_struct`] does the same from a trampoline argument struct, for the context's
//! `ctx_CallRealFunctionFromTrampoline` member.

#![allow(clippy::missing_safety_doc)]

use super::{ctx, h, interp, o, PyObj};
use crate::ffi::trampoline_args::*;
use crate::ffi::{sig, HPy, HPyCFunction, HPyContext, HPyField, HPy_hash_t, HPy_ssize_t};
use core::ffi::{c_int, c_void};

/// `PY_VECTORCALL_ARGUMENTS_OFFSET`.
const ARGUMENTS_OFFSET: usize = 1 << (usize::BITS - 1);

/// The impl behind `f`, as a function of type `$t`.
macro_rules! imp {
    ($f:expr, $t:ty) => {{
        // SAFETY: the def recorded `f` with the signature this trampoline serves.
        unsafe { core::mem::transmute::<unsafe extern "C" fn(), $t>($f.unwrap_unchecked()) }
    }};
}

type Ctx = *mut HPyContext;

/// `NOARGS` method.
#[inline(always)]
pub unsafe fn noargs(self_: PyObj, f: HPyCFunction) -> PyObj {
    let f = imp!(f, unsafe extern "C" fn(Ctx, HPy) -> HPy);
    // SAFETY: CPython's arguments, borrowed for the call.
    o(unsafe { f(ctx(), h(self_)) })
}

/// `O` method.
#[inline(always)]
pub unsafe fn o_(self_: PyObj, arg: PyObj, f: HPyCFunction) -> PyObj {
    let f = imp!(f, unsafe extern "C" fn(Ctx, HPy, HPy) -> HPy);
    // SAFETY: as above.
    o(unsafe { f(ctx(), h(self_), h(arg)) })
}

/// `VARARGS` method (`METH_FASTCALL`): the argument array is passed as it is.
#[inline(always)]
pub unsafe fn varargs(
    self_: PyObj,
    args: *const PyObj,
    nargs: HPy_ssize_t,
    f: HPyCFunction,
) -> PyObj {
    let f = imp!(f, unsafe extern "C" fn(Ctx, HPy, *const HPy, usize) -> HPy);
    // SAFETY: as above; `HPy` and `PyObject*` have one representation here.
    o(unsafe { f(ctx(), h(self_), args.cast(), nargs as usize) })
}

/// `KEYWORDS` method and `tp_call` (the vectorcall shape).
#[inline(always)]
pub unsafe fn keywords(
    self_: PyObj,
    args: *const PyObj,
    nargsf: usize,
    kwnames: PyObj,
    f: HPyCFunction,
) -> PyObj {
    let f = imp!(
        f,
        unsafe extern "C" fn(Ctx, HPy, *const HPy, usize, HPy) -> HPy
    );
    // SAFETY: as above.
    o(unsafe {
        f(
            ctx(),
            h(self_),
            args.cast(),
            nargsf & !ARGUMENTS_OFFSET,
            h(kwnames),
        )
    })
}

/// The items and length of the exact tuple `t` (`tp_new`/`tp_init` arguments).
///
/// # Safety
/// `t` must be a live exact tuple.
#[inline(always)]
unsafe fn tuple_items(t: PyObj) -> (*const HPy, HPy_ssize_t) {
    let i = interp();
    // SAFETY: the var-object header and item layout were checked at load.
    unsafe {
        let words = t as *const usize;
        let n = *words.add(i.ob_type_word + 1) as HPy_ssize_t;
        (words.add(i.tuple_items_word).cast(), n)
    }
}

/// `tp_init`.
#[inline(always)]
pub unsafe fn initproc(self_: PyObj, args: PyObj, kw: PyObj, f: HPyCFunction) -> c_int {
    let f = imp!(
        f,
        unsafe extern "C" fn(Ctx, HPy, *const HPy, HPy_ssize_t, HPy) -> c_int
    );
    // SAFETY: CPython passes a tuple and a dict or NULL.
    unsafe {
        let (items, n) = tuple_items(args);
        f(ctx(), h(self_), items, n, h(kw))
    }
}

/// `tp_new`.
#[inline(always)]
pub unsafe fn newfunc(type_: PyObj, args: PyObj, kw: PyObj, f: HPyCFunction) -> PyObj {
    let f = imp!(
        f,
        unsafe extern "C" fn(Ctx, HPy, *const HPy, HPy_ssize_t, HPy) -> HPy
    );
    // SAFETY: as above.
    unsafe {
        let (items, n) = tuple_items(args);
        o(f(ctx(), h(type_), items, n, h(kw)))
    }
}

/// Unary slots, `tp_repr`/`tp_str`, `tp_iter`, `tp_iternext`.
#[inline(always)]
pub unsafe fn unary(a: PyObj, f: HPyCFunction) -> PyObj {
    let f = imp!(f, unsafe extern "C" fn(Ctx, HPy) -> HPy);
    // SAFETY: as above.
    o(unsafe { f(ctx(), h(a)) })
}

/// Binary slots.
#[inline(always)]
pub unsafe fn binary(a: PyObj, b: PyObj, f: HPyCFunction) -> PyObj {
    let f = imp!(f, unsafe extern "C" fn(Ctx, HPy, HPy) -> HPy);
    // SAFETY: as above.
    o(unsafe { f(ctx(), h(a), h(b)) })
}

/// Ternary slots (`**`).
#[inline(always)]
pub unsafe fn ternary(a: PyObj, b: PyObj, c: PyObj, f: HPyCFunction) -> PyObj {
    let f = imp!(f, unsafe extern "C" fn(Ctx, HPy, HPy, HPy) -> HPy);
    // SAFETY: as above.
    o(unsafe { f(ctx(), h(a), h(b), h(c)) })
}

/// `nb_bool`, `mod_exec`.
#[inline(always)]
pub unsafe fn inquiry(a: PyObj, f: HPyCFunction) -> c_int {
    let f = imp!(f, unsafe extern "C" fn(Ctx, HPy) -> c_int);
    // SAFETY: as above.
    unsafe { f(ctx(), h(a)) }
}

/// `__len__`.
#[inline(always)]
pub unsafe fn lenfunc(a: PyObj, f: HPyCFunction) -> HPy_ssize_t {
    let f = imp!(f, unsafe extern "C" fn(Ctx, HPy) -> HPy_ssize_t);
    // SAFETY: as above.
    unsafe { f(ctx(), h(a)) }
}

/// `__hash__`.
#[inline(always)]
pub unsafe fn hashfunc(a: PyObj, f: HPyCFunction) -> HPy_hash_t {
    let f = imp!(f, unsafe extern "C" fn(Ctx, HPy) -> HPy_hash_t);
    // SAFETY: as above.
    unsafe { f(ctx(), h(a)) }
}

/// `tp_richcompare`.
#[inline(always)]
pub unsafe fn richcmp(a: PyObj, b: PyObj, op: c_int, f: HPyCFunction) -> PyObj {
    let f = imp!(f, unsafe extern "C" fn(Ctx, HPy, HPy, c_int) -> HPy);
    // SAFETY: as above.
    o(unsafe { f(ctx(), h(a), h(b), op) })
}

/// `sq_item`.
#[inline(always)]
pub unsafe fn ssizearg(a: PyObj, i: HPy_ssize_t, f: HPyCFunction) -> PyObj {
    let f = imp!(f, unsafe extern "C" fn(Ctx, HPy, HPy_ssize_t) -> HPy);
    // SAFETY: as above.
    o(unsafe { f(ctx(), h(a), i) })
}

/// `sq_ass_item`.
#[inline(always)]
pub unsafe fn ssizeobjarg(a: PyObj, i: HPy_ssize_t, v: PyObj, f: HPyCFunction) -> c_int {
    let f = imp!(f, unsafe extern "C" fn(Ctx, HPy, HPy_ssize_t, HPy) -> c_int);
    // SAFETY: as above (`v` NULL for a deletion).
    unsafe { f(ctx(), h(a), i, h(v)) }
}

/// `mp_ass_subscript`.
#[inline(always)]
pub unsafe fn objobjarg(a: PyObj, b: PyObj, c: PyObj, f: HPyCFunction) -> c_int {
    let f = imp!(f, unsafe extern "C" fn(Ctx, HPy, HPy, HPy) -> c_int);
    // SAFETY: as above (`c` NULL for a deletion).
    unsafe { f(ctx(), h(a), h(b), h(c)) }
}

/// `sq_contains`.
#[inline(always)]
pub unsafe fn objobj(a: PyObj, b: PyObj, f: HPyCFunction) -> c_int {
    let f = imp!(f, unsafe extern "C" fn(Ctx, HPy, HPy) -> c_int);
    // SAFETY: as above.
    unsafe { f(ctx(), h(a), h(b)) }
}

/// Getter.
#[inline(always)]
pub unsafe fn getter(self_: PyObj, closure: *mut c_void, f: HPyCFunction) -> PyObj {
    let f = imp!(f, unsafe extern "C" fn(Ctx, HPy, *mut c_void) -> HPy);
    // SAFETY: as above.
    o(unsafe { f(ctx(), h(self_), closure) })
}

/// Setter (`value` NULL for a deletion).
#[inline(always)]
pub unsafe fn setter(self_: PyObj, value: PyObj, closure: *mut c_void, f: HPyCFunction) -> c_int {
    let f = imp!(f, unsafe extern "C" fn(Ctx, HPy, HPy, *mut c_void) -> c_int);
    // SAFETY: as above.
    unsafe { f(ctx(), h(self_), h(value), closure) }
}

/// CPython's `visitproc` and its argument, handed to [`visit_field`] through HPy's visitor.
struct Visit {
    visit: unsafe extern "C" fn(PyObj, *mut c_void) -> c_int,
    arg: *mut c_void,
}

/// HPy's visitor over CPython's: a field is the object pointer it holds.
unsafe extern "C" fn visit_field(field: *mut HPyField, arg: *mut c_void) -> c_int {
    // SAFETY: `arg` is the `Visit` of `traverse` below; `field` a field of the payload.
    unsafe {
        let v = &*(arg as *const Visit);
        let obj = (*field)._i as PyObj;
        if obj.is_null() {
            0
        } else {
            (v.visit)(obj, v.arg)
        }
    }
}

/// `tp_traverse`: the impl walks the payload's fields with HPy's visitor.
#[inline(always)]
pub unsafe fn traverse(
    self_: PyObj,
    visit: *mut c_void,
    arg: *mut c_void,
    f: HPyCFunction,
) -> c_int {
    let f = imp!(
        f,
        unsafe extern "C" fn(*mut c_void, crate::ffi::HPyFunc_visitproc, *mut c_void) -> c_int
    );
    if visit.is_null() {
        return 0;
    }
    let v = Visit {
        // SAFETY: CPython's visitproc, `int (*)(PyObject *, void *)`.
        visit: unsafe {
            core::mem::transmute::<*mut c_void, unsafe extern "C" fn(PyObj, *mut c_void) -> c_int>(
                visit,
            )
        },
        arg,
    };
    // SAFETY: a live instance of a type made by this backend: its payload is at this offset.
    unsafe {
        let payload = (self_ as *mut u8).add(interp().payload_offset).cast();
        f(
            payload,
            Some(visit_field),
            &v as *const Visit as *mut c_void,
        )
    }
}

/// `tp_finalize`.
#[inline(always)]
pub unsafe fn destructor(a: PyObj, f: HPyCFunction) {
    let f = imp!(f, unsafe extern "C" fn(Ctx, HPy));
    // SAFETY: as above.
    unsafe { f(ctx(), h(a)) }
}

/// Runs impl `f` of signature `s` on the trampoline argument struct `args` (see the module
/// docs), storing the result in the struct.
///
/// # Safety
/// `args` must point to the argument struct of `s`, and `f` be an impl of that signature.
pub unsafe fn call_struct(s: c_int, f: HPyCFunction, args: *mut c_void) {
    // SAFETY: the caller's guarantee: each arm reads the struct of its own signature.
    unsafe {
        match s {
            sig::NOARGS => {
                let a = &mut *(args as *mut NoargsArgs);
                a.result = noargs(a.self_.cast(), f).cast();
            }
            sig::O => {
                let a = &mut *(args as *mut OArgs);
                a.result = o_(a.self_.cast(), a.arg.cast(), f).cast();
            }
            sig::VARARGS => {
                let a = &mut *(args as *mut VarargsArgs);
                a.result = varargs(a.self_.cast(), a.args.cast(), a.nargs, f).cast();
            }
            sig::KEYWORDS => {
                let a = &mut *(args as *mut KeywordsArgs);
                a.result =
                    keywords(a.self_.cast(), a.args.cast(), a.nargsf, a.kwnames.cast(), f).cast();
            }
            sig::INITPROC => {
                let a = &mut *(args as *mut InitprocArgs);
                a.result = initproc(a.self_.cast(), a.args.cast(), a.kw.cast(), f);
            }
            sig::NEWFUNC => {
                let a = &mut *(args as *mut NewfuncArgs);
                a.result = newfunc(a.type_.cast(), a.args.cast(), a.kw.cast(), f).cast();
            }
            sig::UNARYFUNC | sig::REPRFUNC | sig::GETITERFUNC | sig::ITERNEXTFUNC => {
                let a = &mut *(args as *mut UnaryArgs);
                a.result = unary(a.arg0.cast(), f).cast();
            }
            sig::BINARYFUNC => {
                let a = &mut *(args as *mut BinaryArgs);
                a.result = binary(a.arg0.cast(), a.arg1.cast(), f).cast();
            }
            sig::TERNARYFUNC => {
                let a = &mut *(args as *mut TernaryArgs);
                a.result = ternary(a.arg0.cast(), a.arg1.cast(), a.arg2.cast(), f).cast();
            }
            sig::INQUIRY => {
                let a = &mut *(args as *mut InquiryArgs);
                a.result = inquiry(a.arg0.cast(), f);
            }
            sig::LENFUNC => {
                let a = &mut *(args as *mut LenArgs);
                a.result = lenfunc(a.arg0.cast(), f);
            }
            sig::HASHFUNC => {
                let a = &mut *(args as *mut HashArgs);
                a.result = hashfunc(a.arg0.cast(), f);
            }
            sig::RICHCMPFUNC => {
                let a = &mut *(args as *mut RichcmpArgs);
                a.result = richcmp(a.arg0.cast(), a.arg1.cast(), a.op, f).cast();
            }
            sig::SSIZEARGFUNC => {
                let a = &mut *(args as *mut SsizeargArgs);
                a.result = ssizearg(a.arg0.cast(), a.arg1, f).cast();
            }
            sig::SSIZEOBJARGPROC => {
                let a = &mut *(args as *mut SsizeobjargArgs);
                a.result = ssizeobjarg(a.arg0.cast(), a.arg1, a.arg2.cast(), f);
            }
            sig::OBJOBJARGPROC => {
                let a = &mut *(args as *mut ObjobjargArgs);
                a.result = objobjarg(a.arg0.cast(), a.arg1.cast(), a.arg2.cast(), f);
            }
            sig::OBJOBJPROC => {
                let a = &mut *(args as *mut ObjobjArgs);
                a.result = objobj(a.arg0.cast(), a.arg1.cast(), f);
            }
            sig::GETTER => {
                let a = &mut *(args as *mut GetterArgs);
                a.result = getter(a.self_.cast(), a.closure, f).cast();
            }
            sig::SETTER => {
                let a = &mut *(args as *mut SetterArgs);
                a.result = setter(a.self_.cast(), a.value.cast(), a.closure, f);
            }
            sig::TRAVERSEPROC => {
                let a = &mut *(args as *mut TraverseArgs);
                a.result = traverse(a.self_.cast(), a.visit, a.arg, f);
            }
            sig::DESTRUCTOR => {
                let a = &mut *(args as *mut DestructorArgs);
                destructor(a.arg0.cast(), f);
            }
            _ => {
                super::set_error(
                    super::exc_class("SystemError"),
                    &format!("hpy-rs's C-API backend has no trampoline for HPy signature {s}"),
                );
            }
        }
    }
}
