//! The C-API backend: an `HPyContext` that hpy-rs builds itself, with every member implemented
//! over the interpreter's C API. Handles are plain object pointers (`HPy._i == PyObject*`), so
//! a handle, a field and a global are each just a reference, and the CPython trampolines the
//! macros generate are directly the C functions CPython calls.
//!
//! It serves CPython 3.11–3.15 and PyPy's cpyext from one binary. Nothing is linked: the
//! interpreter's functions are found by name at load time ([`api`]), and every fact about the
//! interpreter the backend relies on is checked then, against the running interpreter
//! ([`init`]): its version, the object header (where `ob_type` is, that `ob_refcnt` is a plain
//! counter), tuple item storage, debug builds and free-threaded builds. An interpreter that
//! fails any check gets an `ImportError` saying why, never a crash.
//!
//! Layout of the backend:
//! - [`api`]: the C-API names it needs (one table);
//! - [`context`]: the context, filled from the context member table;
//! - `members/`: the context members, by area;
//! - [`types`]: `HPyType_Spec` → `PyType_Spec`;
//! - [`module`]: `HPyModuleDef` → `PyModuleDef` and the body of `PyInit_<name>`;
//! - [`tramp`]: the CPython entry points, calling impls directly with this context;
//! - [`class`]: what hpy-rs classes add on this backend only (`tp_dealloc`, `tp_clear`).

pub(crate) mod api;
pub(crate) mod class;
pub(crate) mod context;
mod members;
pub(crate) mod module;
pub(crate) mod tramp;
pub(crate) mod types;

use crate::ffi::{cpy_PyObject, HPy, HPyContext};
use api::Api;
use core::cell::UnsafeCell;
use core::ffi::{c_char, c_void, CStr};
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicBool, Ordering};
use std::ffi::CString;

/// A `PyObject*` of the running interpreter.
pub type PyObj = *mut cpy_PyObject;

/// The handle for an object pointer (the identity: this backend's encoding).
#[inline(always)]
pub fn h(o: PyObj) -> HPy {
    HPy { _i: o as isize }
}

/// The object pointer of a handle.
#[inline(always)]
pub fn o(h: HPy) -> PyObj {
    h._i as PyObj
}

/// Facts about the running interpreter, checked by [`init`].
#[derive(Copy, Clone, Debug)]
pub struct Interp {
    /// PyPy's cpyext (else CPython).
    pub cpyext: bool,
    /// `sys.version_info[:2]`.
    pub version: (u32, u32),
    /// The word of an object header that holds `ob_type` (CPython 1; cpyext 2, after
    /// `ob_pypy_link`).
    pub ob_type_word: usize,
    /// Where an instance's payload starts: the object header rounded up to 16 bytes.
    pub payload_offset: usize,
    /// Where a tuple's item array starts, in words (after the var-object header).
    pub tuple_items_word: usize,
    /// A `Py_REF_DEBUG` build (`sys.gettotalrefcount` exists): reference counts must go
    /// through `Py_IncRef`/`Py_DecRef` so the total stays right.
    pub ref_debug: bool,
    /// Objects can be immortal (CPython 3.12+): their count's low 32 bits, read as a signed
    /// number, are negative, and `Py_INCREF`/`Py_DECREF` leave them alone.
    pub immortal_objects: bool,
}

struct Cell<T>(UnsafeCell<MaybeUninit<T>>);
// SAFETY: written once, under the interpreter lock, before `ACTIVE` is published; only read
// afterwards.
unsafe impl<T> Sync for Cell<T> {}

static API: Cell<Api> = Cell(UnsafeCell::new(MaybeUninit::uninit()));
static INTERP: Cell<Interp> = Cell(UnsafeCell::new(MaybeUninit::uninit()));
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Whether this binary runs on the C-API backend (its `PyInit_<name>` succeeded).
#[inline(always)]
pub fn is_active() -> bool {
    ACTIVE.load(Ordering::Relaxed)
}

/// Whether the C-API backend runs on PyPy's cpyext.
#[inline]
pub fn is_cpyext() -> bool {
    is_active() && interp().cpyext
}

static CHECK_RECEIVERS: AtomicBool = AtomicBool::new(false);

/// Whether hpy-rs must check the receiver of a slot impl itself: on cpyext, whose slot
/// wrappers (`T.__eq__(x, y)` called on the class) pass any object as `self`.
#[inline(always)]
pub fn checks_receivers() -> bool {
    CHECK_RECEIVERS.load(Ordering::Relaxed)
}

/// The resolved C API.
///
/// Only valid once [`is_active`] is true; every caller is code that runs on this backend.
#[inline(always)]
pub fn api() -> &'static Api {
    // SAFETY: written by `init` before `ACTIVE` was set; callers only run on this backend.
    unsafe { (*API.0.get()).assume_init_ref() }
}

/// The checked interpreter facts (valid once [`is_active`] is true).
#[inline(always)]
pub fn interp() -> &'static Interp {
    // SAFETY: as for `api`.
    unsafe { (*INTERP.0.get()).assume_init_ref() }
}

/// The context of this backend (valid once [`is_active`] is true).
#[inline(always)]
pub fn ctx() -> *mut HPyContext {
    context::get()
}

/// `Py_TYPE(o)` (a borrowed reference), through the checked header layout.
///
/// # Safety
/// `o` must be a live object.
#[inline(always)]
pub unsafe fn type_of(o: PyObj) -> PyObj {
    // SAFETY: a live object has its header; the word was checked at init.
    unsafe { *(o as *const PyObj).add(interp().ob_type_word) }
}

/// `Py_INCREF`.
///
/// # Safety
/// `o` must be a live object.
#[inline(always)]
pub unsafe fn incref(o: PyObj) {
    // SAFETY: forwarded.
    unsafe { (api().Py_IncRef)(o) }
}

/// `Py_DECREF`.
///
/// # Safety
/// `o` must be a live object the caller owns a reference to.
#[inline(always)]
pub unsafe fn decref(o: PyObj) {
    // SAFETY: forwarded.
    unsafe { (api().Py_DecRef)(o) }
}

/// `Py_XDECREF`.
///
/// # Safety
/// `o` must be NULL or a live object the caller owns a reference to.
#[inline(always)]
pub unsafe fn xdecref(o: PyObj) {
    if !o.is_null() {
        // SAFETY: forwarded.
        unsafe { decref(o) }
    }
}

/// A new reference to `o`, as a handle.
///
/// # Safety
/// `o` must be a live object.
#[inline(always)]
pub unsafe fn new_ref(o: PyObj) -> HPy {
    // SAFETY: forwarded.
    unsafe { incref(o) };
    h(o)
}

/// Sets `exc` (a class, e.g. `api().PyExc…` dereferenced) with a Rust message.
///
/// # Safety
/// Interpreter lock held; `exc` a live exception class.
pub unsafe fn set_error(exc: PyObj, msg: &str) {
    let end = msg.find('\0').unwrap_or(msg.len());
    let c = CString::new(&msg[..end]).expect("no NUL before `end`");
    // SAFETY: valid class and NUL-terminated UTF-8 message.
    unsafe { (api().PyErr_SetString)(exc, c.as_ptr()) }
}

/// The exception class `name` (`"TypeError"` → `PyExc_TypeError`), as a borrowed pointer.
///
/// # Safety
/// Only after the C API was resolved.
pub unsafe fn exc_class(name: &str) -> PyObj {
    let sym = lookup(&format!("PyExc_{name}"));
    if sym.is_null() {
        return core::ptr::null_mut();
    }
    // SAFETY: `PyExc_*` are `PyObject *` variables.
    unsafe { *(sym as *const PyObj) }
}

extern "C" {
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
}

/// glibc's `RTLD_DEFAULT`: the global symbol scope, where the interpreter's symbols are (the
/// `python`/`pypy` executable, or the libpython/libpypy it links).
const RTLD_DEFAULT: *mut c_void = core::ptr::null_mut();

static CPYEXT_NAMES: AtomicBool = AtomicBool::new(false);

fn dlsym_str(name: &str) -> *mut c_void {
    let Ok(c) = CString::new(name) else {
        return core::ptr::null_mut();
    };
    // SAFETY: `dlsym` with a NUL-terminated name.
    unsafe { dlsym(RTLD_DEFAULT, c.as_ptr()) }
}

/// The address of C-API symbol `name` in the running interpreter (its cpyext spelling on
/// PyPy), or NULL.
pub fn lookup(name: &str) -> *mut c_void {
    if CPYEXT_NAMES.load(Ordering::Relaxed) {
        let renamed = if let Some(rest) = name.strip_prefix("_Py") {
            format!("_PyPy{rest}")
        } else if let Some(rest) = name.strip_prefix("Py") {
            format!("PyPy{rest}")
        } else {
            name.to_owned()
        };
        let p = dlsym_str(&renamed);
        if !p.is_null() {
            return p;
        }
    }
    dlsym_str(name)
}

/// Why the backend can't run here: the message of the `ImportError`.
pub struct InitError(pub String);

/// Resolves the C API and checks the interpreter, once per process; then builds the context.
/// Idempotent: later calls (another module object, a reload) return the first result.
///
/// # Safety
/// Called from `PyInit_<name>`, with the interpreter lock held.
pub unsafe fn init() -> Result<(), InitError> {
    if is_active() {
        return Ok(());
    }
    let cpyext = !dlsym_str("PyPy_IncRef").is_null();
    if !cpyext && dlsym_str("Py_IncRef").is_null() {
        return Err(InitError(
            "no Python C API found in this process (neither CPython's Py_IncRef nor PyPy's PyPy_IncRef)".into(),
        ));
    }
    CPYEXT_NAMES.store(cpyext, Ordering::Relaxed);
    // SAFETY: `lookup` returns the interpreter's own symbols.
    let resolved = unsafe { Api::resolve(&lookup) }.map_err(|name| {
        InitError(format!(
            "this interpreter's C API has no `{name}`, which hpy-rs's C-API backend needs"
        ))
    })?;
    // SAFETY: published below only; `api` is read through the local until then.
    unsafe { (*API.0.get()).write(resolved) };
    // SAFETY: the API was just resolved; interpreter lock held.
    let facts = unsafe { probe::check(api(), cpyext) }?;
    // SAFETY: as above.
    unsafe { (*INTERP.0.get()).write(facts) };
    // SAFETY: API and facts are in place; interpreter lock held.
    unsafe { context::build() }?;
    CHECK_RECEIVERS.store(cpyext, Ordering::Relaxed);
    ACTIVE.store(true, Ordering::Release);
    Ok(())
}

mod probe;

/// Raises `ImportError(msg)` if the C API got far enough to do so, else prints it.
///
/// # Safety
/// Interpreter lock held.
pub unsafe fn raise_import_error(module: &CStr, msg: &str) {
    let text = format!("cannot load {}: {msg}", module.to_string_lossy());
    let set = lookup("PyErr_SetString");
    let cls = lookup("PyExc_ImportError");
    if set.is_null() || cls.is_null() {
        eprintln!("hpy-rs: {text}");
        return;
    }
    let c = CString::new(text.replace('\0', "?")).expect("NULs replaced");
    // SAFETY: the interpreter's own `PyErr_SetString` and `PyExc_ImportError` variable.
    unsafe {
        let set: unsafe extern "C" fn(PyObj, *const c_char) = core::mem::transmute(set);
        set(*(cls as *const PyObj), c.as_ptr());
    }
}
