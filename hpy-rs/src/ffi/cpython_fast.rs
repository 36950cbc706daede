//! The CPython fast path: direct object access on the contexts whose handles are CPython
//! object pointers, validated on the running interpreter before use.
//!
//! Two contexts qualify:
//! - hpy-rs's own C-API context on CPython ([`crate::backend::capi`]), where a handle *is* the
//!   `PyObject*`;
//! - the context named exactly `"HPy Universal ABI (CPython backend)"` (hpy 0.9.0, the last
//!   release), which encodes a handle as the object's address plus one.
//!
//! Debug and trace mode, PyPy (HPy or cpyext) and any other context use other encodings or
//! object layouts. When a module is executed under a qualifying context, [`init`] checks the
//! encoding and the few object layouts it relies on *on the running interpreter* (never assumed
//! from headers), resolves a handful of C-API functions with `dlsym` (the binary keeps no
//! undefined `Py*` symbol), and only if every check passes publishes that context pointer.
//!
//! Every accessor takes the context of the current call and answers `None` unless it is that very
//! context, so every other context always takes the plain path. The shortcuts cover exact
//! `list`/`tuple`/`float`/`int` objects only — types whose operations never run Python code — and
//! behave exactly like the context functions they replace.
//!
//! Layout facts checked at init (stable for every non-free-threaded CPython 3.11–3.15 build):
//! `ob_type` is the second word of an object; `ob_size` the third word of a var-object; a list's
//! item array pointer is its fourth word; a tuple's items start at its fourth word (fifth on
//! 3.14+, after a cached hash); a float's
//! value is its third word. Reference counts are changed inline except on `Py_REF_DEBUG` builds
//! (whose total count must stay right): the low 32 bits of `ob_refcnt`, where a negative value
//! (read as `i32`) marks an immortal object on 3.12+ (never reached on 3.11), exactly as the
//! interpreter's own `Py_INCREF`/`Py_DECREF`; a count that would reach zero goes through
//! `Py_DecRef`, which deallocates.

use super::context::{call, id, read_slot};
use super::{HPy, HPyContext};
use core::cell::UnsafeCell;
use core::ffi::{c_char, c_void, CStr};
use core::mem::MaybeUninit;

/// A CPython `PyObject*`.
type PyObj = *mut c_void;

extern "C" {
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
}

/// glibc's `RTLD_DEFAULT`: search the global symbol scope (where the interpreter's are).
const RTLD_DEFAULT: *mut c_void = core::ptr::null_mut();

/// The exact name of hpy 0.9.0's CPython universal context (handles are addresses + 1).
const UNIVERSAL_CPYTHON: &[u8] = b"HPy Universal ABI (CPython backend)";

/// The validated C-API entry points and type objects.
pub struct Api {
    /// What the context adds to an object's address to make its handle (0 or 1).
    enc: isize,
    /// Whether reference counts are changed inline (not on `Py_REF_DEBUG` builds).
    inline_rc: bool,
    /// The word where a tuple's items start (3; 4 on CPython 3.14+, after the cached hash).
    tuple_items: usize,
    list_type: usize,
    tuple_type: usize,
    float_type: usize,
    long_type: usize,
    long_as_i64: unsafe extern "C" fn(PyObj) -> i64,
    long_from_i64: unsafe extern "C" fn(i64) -> PyObj,
    float_from_f64: unsafe extern "C" fn(f64) -> PyObj,
    tuple_new: unsafe extern "C" fn(isize) -> PyObj,
    incref: unsafe extern "C" fn(PyObj),
    decref: unsafe extern "C" fn(PyObj),
}

/// Written once by [`init`] before `FAST_CTX` is published; read only after a `FAST_CTX` match.
struct ApiCell(UnsafeCell<MaybeUninit<Api>>);
// SAFETY: written once under the interpreter lock before publication, then only read.
unsafe impl Sync for ApiCell {}
static API: ApiCell = ApiCell(UnsafeCell::new(MaybeUninit::uninit()));
/// The validated universal context, or NULL. Written once, after `API`, under the interpreter
/// lock; every reader holds that lock too, so plain loads suffice (and let the compiler keep
/// the value in a register across a loop).
struct CtxCell(UnsafeCell<*mut HPyContext>);
// SAFETY: written once and read only while holding the interpreter lock.
unsafe impl Sync for CtxCell {}
static FAST_CTX: CtxCell = CtxCell(UnsafeCell::new(core::ptr::null_mut()));

/// The fast path for `ctx`, if `ctx` is the validated CPython universal context.
#[inline(always)]
pub fn api(ctx: *mut HPyContext) -> Option<&'static Api> {
    // SAFETY: see `FAST_CTX`.
    if unsafe { *FAST_CTX.0.get() } == ctx {
        // SAFETY: `FAST_CTX` is only ever set (to a non-NULL context) after `API` was
        // written, and `ctx` is never NULL, so a match means `API` is initialised.
        Some(unsafe { (*API.0.get()).assume_init_ref() })
    } else {
        None
    }
}

/// Whether the fast path serves `ctx` (for tests and diagnostics).
pub fn is_active(ctx: *mut HPyContext) -> bool {
    api(ctx).is_some()
}

/// The word at index `i` of object `o`.
///
/// # Safety
/// `o` must be a live object with at least `i + 1` words.
#[inline(always)]
unsafe fn word(o: PyObj, i: usize) -> usize {
    // SAFETY: forwarded from the caller.
    unsafe { *(o as *const usize).add(i) }
}

/// `Py_TYPE(o)`.
///
/// # Safety
/// `o` must be a live object.
#[inline(always)]
unsafe fn type_of(o: PyObj) -> usize {
    // SAFETY: every object has its header; layout checked at init.
    unsafe { word(o, 1) }
}

impl Api {
    /// The object of handle `h`.
    #[inline(always)]
    fn obj(&self, h: HPy) -> PyObj {
        (h._i - self.enc) as PyObj
    }

    /// The handle of object `o` (NULL stays NULL).
    #[inline(always)]
    fn handle(&self, o: PyObj) -> HPy {
        if o.is_null() {
            HPy::NULL
        } else {
            HPy {
                _i: o as isize + self.enc,
            }
        }
    }

    /// `len(h)` for an exact `list` or `tuple`.
    ///
    /// # Safety
    /// `h` must be a valid handle of the fast context.
    #[inline(always)]
    pub unsafe fn seq_len(&self, h: HPy) -> Option<isize> {
        let o = self.obj(h);
        // SAFETY: a live object; var-object layout checked at init.
        unsafe {
            let t = type_of(o);
            (t == self.list_type || t == self.tuple_type).then(|| word(o, 2) as isize)
        }
    }

    /// `Some(true)` for an exact `list`, `Some(false)` for an exact `tuple`, else `None`.
    ///
    /// # Safety
    /// `h` must be a valid handle of the fast context.
    #[inline(always)]
    pub unsafe fn exact_list_or_tuple(&self, h: HPy) -> Option<bool> {
        // SAFETY: a live object.
        let t = unsafe { type_of(self.obj(h)) };
        if t == self.list_type {
            Some(true)
        } else if t == self.tuple_type {
            Some(false)
        } else {
            None
        }
    }

    /// `h[i]` (a new handle) for an exact `list` or `tuple` and an index in range (negative
    /// indices count from the end, as `HPy_GetItem_i`); `None` otherwise.
    ///
    /// # Safety
    /// `h` must be a valid handle of the fast context.
    #[inline(always)]
    pub unsafe fn seq_item(&self, h: HPy, i: isize) -> Option<HPy> {
        let o = self.obj(h);
        // SAFETY: a live object; list/tuple layouts checked at init; the index is in range.
        unsafe {
            let t = type_of(o);
            let items: *const PyObj = if t == self.list_type {
                word(o, 3) as *const PyObj
            } else if t == self.tuple_type {
                (o as *const PyObj).add(self.tuple_items)
            } else {
                return None;
            };
            let n = word(o, 2) as isize;
            let i = if i < 0 { i + n } else { i };
            if i < 0 || i >= n {
                return None;
            }
            let item = *items.add(i as usize);
            self.incref(item);
            Some(self.handle(item))
        }
    }

    /// `HPyTuple_FromArray`: a new tuple of `items` (not stolen), or NULL with an exception.
    ///
    /// # Safety
    /// `items` must be valid handles of the fast context.
    #[inline(always)]
    pub unsafe fn tuple_from_array(&self, items: &[HPy]) -> HPy {
        // SAFETY: `PyTuple_New` returns a tuple with `len` empty slots (checked at init),
        // which only this function sees until every slot holds a new reference.
        unsafe {
            let t = (self.tuple_new)(items.len() as isize);
            if !t.is_null() {
                let slots = (t as *mut PyObj).add(self.tuple_items);
                for (k, &h) in items.iter().enumerate() {
                    let o = self.obj(h);
                    self.incref(o);
                    *slots.add(k) = o;
                }
            }
            self.handle(t)
        }
    }

    /// The value of an exact `float`.
    ///
    /// # Safety
    /// `h` must be a valid handle of the fast context.
    #[inline(always)]
    pub unsafe fn float_value(&self, h: HPy) -> Option<f64> {
        let o = self.obj(h);
        // SAFETY: a live object; float layout checked at init.
        unsafe { (type_of(o) == self.float_type).then(|| *(o as *const f64).add(2)) }
    }

    /// `HPyLong_AsInt64_t` (`PyLong_AsLongLong`, which honours `__index__`).
    ///
    /// # Safety
    /// `h` must be a valid handle of the fast context.
    #[inline(always)]
    pub unsafe fn long_as_i64(&self, h: HPy) -> i64 {
        // SAFETY: a live object.
        unsafe { (self.long_as_i64)(self.obj(h)) }
    }

    /// `HPyLong_FromInt64_t`.
    #[inline(always)]
    pub fn long_from_i64(&self, v: i64) -> HPy {
        // SAFETY: plain C-API call under the interpreter lock.
        self.handle(unsafe { (self.long_from_i64)(v) })
    }

    /// `HPyFloat_FromDouble`.
    #[inline(always)]
    pub fn float_from_f64(&self, v: f64) -> HPy {
        // SAFETY: plain C-API call under the interpreter lock.
        self.handle(unsafe { (self.float_from_f64)(v) })
    }

    /// `Py_INCREF`.
    ///
    /// # Safety
    /// `o` must be a live object.
    #[inline(always)]
    unsafe fn incref(&self, o: PyObj) {
        // SAFETY: a live object; the count's layout was checked at init.
        unsafe {
            if self.inline_rc {
                let rc = o as *mut u32;
                let c = *rc;
                if (c as i32) >= 0 {
                    *rc = c + 1;
                }
            } else {
                (self.incref)(o)
            }
        }
    }

    /// `Py_DECREF`.
    ///
    /// # Safety
    /// `o` must be a live object we own a reference to.
    #[inline(always)]
    unsafe fn decref(&self, o: PyObj) {
        // SAFETY: as for `incref`; the last reference goes through `Py_DecRef`, which
        // deallocates.
        unsafe {
            if self.inline_rc {
                let rc = o as *mut u32;
                let c = *rc;
                if (c as i32) < 0 {
                    return;
                }
                if c > 1 {
                    *rc = c - 1;
                    return;
                }
            }
            (self.decref)(o)
        }
    }

    /// `HPy_Dup`.
    ///
    /// # Safety
    /// `h` must be a valid handle of the fast context.
    #[inline(always)]
    pub unsafe fn dup(&self, h: HPy) -> HPy {
        // SAFETY: a live object.
        unsafe { self.incref(self.obj(h)) };
        h
    }

    /// `HPy_Close`.
    ///
    /// # Safety
    /// `h` must be an owned handle of the fast context, not used afterwards.
    #[inline(always)]
    pub unsafe fn close(&self, h: HPy) {
        // SAFETY: we own one reference.
        unsafe { self.decref(self.obj(h)) }
    }
}

/// Validates and enables the fast path if `ctx` is CPython's universal context. Idempotent;
/// does nothing (leaving the plain HPy path) when any check fails or `HPYRS_NO_FAST_PATH` is
/// set in the environment.
///
/// # Safety
/// `ctx` must be the context of the current call (interpreter lock held).
pub unsafe fn init(ctx: *mut HPyContext) {
    // SAFETY: see `FAST_CTX`.
    if !unsafe { *FAST_CTX.0.get() }.is_null() {
        return;
    }
    // SAFETY: forwarded from the caller.
    if let Some(api) = unsafe { validate(ctx) } {
        // SAFETY: not yet published (FAST_CTX is NULL), so nobody reads the cell; the
        // interpreter lock serialises module execution.
        unsafe { (*API.0.get()).write(api) };
        // SAFETY: see `FAST_CTX`.
        unsafe { *FAST_CTX.0.get() = ctx };
    }
}

fn sym(name: &CStr) -> Option<*mut c_void> {
    // SAFETY: `dlsym` with a NUL-terminated name; RTLD_DEFAULT searches loaded objects.
    let p = unsafe { dlsym(RTLD_DEFAULT, name.as_ptr()) };
    (!p.is_null()).then_some(p)
}

/// The handle encoding of `ctx` if it is one of the two qualifying contexts (see the module
/// docs).
///
/// # Safety
/// `ctx` must be the context of the current call.
unsafe fn encoding(ctx: *mut HPyContext) -> Option<isize> {
    use crate::backend::capi;
    if capi::is_active() {
        return (!capi::is_cpyext() && ctx == capi::ctx()).then_some(0);
    }
    // SAFETY: a valid context has a NUL-terminated name.
    let name = unsafe { CStr::from_ptr((*ctx).name) };
    (name.to_bytes() == UNIVERSAL_CPYTHON).then_some(1)
}

/// Every check the fast path depends on, run against the live interpreter.
///
/// # Safety
/// `ctx` must be the context of the current call.
unsafe fn validate(ctx: *mut HPyContext) -> Option<Api> {
    if std::env::var_os("HPYRS_NO_FAST_PATH").is_some() {
        return None;
    }
    // SAFETY: forwarded.
    let enc = unsafe { encoding(ctx) }?;
    // The handle encoding: `h_None` is `&_Py_NoneStruct + enc`.
    let none = sym(c"_Py_NoneStruct")?;
    // SAFETY: `h_None` is a handle member (ID < 244, same slot on every layout).
    let h_none = HPy {
        _i: unsafe { read_slot(ctx, id::h_None) } as isize,
    };
    if h_none._i - enc != none as isize {
        return None;
    }
    // The object header: `Py_TYPE(None)` is `_PyNone_Type`.
    // SAFETY: `none` is the live None object.
    if unsafe { type_of(none) } != sym(c"_PyNone_Type")? as usize {
        return None;
    }
    // SAFETY: the symbols are these C-API functions with these C signatures.
    let api = unsafe {
        Api {
            enc,
            inline_rc: inline_refcounts(),
            tuple_items: if version().is_some_and(|v| v >= 0x030E) {
                4
            } else {
                3
            },
            list_type: sym(c"PyList_Type")? as usize,
            tuple_type: sym(c"PyTuple_Type")? as usize,
            float_type: sym(c"PyFloat_Type")? as usize,
            long_type: sym(c"PyLong_Type")? as usize,
            long_as_i64: core::mem::transmute::<*mut c_void, unsafe extern "C" fn(PyObj) -> i64>(
                sym(c"PyLong_AsLongLong")?,
            ),
            long_from_i64: core::mem::transmute::<*mut c_void, unsafe extern "C" fn(i64) -> PyObj>(
                sym(c"PyLong_FromLongLong")?,
            ),
            float_from_f64: core::mem::transmute::<*mut c_void, unsafe extern "C" fn(f64) -> PyObj>(
                sym(c"PyFloat_FromDouble")?,
            ),
            tuple_new: core::mem::transmute::<*mut c_void, unsafe extern "C" fn(isize) -> PyObj>(
                sym(c"PyTuple_New")?,
            ),
            incref: core::mem::transmute::<*mut c_void, unsafe extern "C" fn(PyObj)>(sym(
                c"Py_IncRef",
            )?),
            decref: core::mem::transmute::<*mut c_void, unsafe extern "C" fn(PyObj)>(sym(
                c"Py_DecRef",
            )?),
        }
    };
    // SAFETY: valid context of the current call.
    let ok = unsafe { probe_layouts(ctx, &api, h_none) };
    ok.then_some(api)
}

/// Whether this interpreter's reference counts may be changed inline: a CPython 3.11–3.15
/// build without `Py_REF_DEBUG` (such builds export `_Py_NegativeRefcount` and keep a total
/// that inline changes would miss). The version comes from the interpreter's own `Py_Version`.
fn inline_refcounts() -> bool {
    version().is_some_and(|v| (0x030B..=0x030F).contains(&v))
        && sym(c"_Py_NegativeRefcount").is_none()
}

/// `major << 8 | minor` from the interpreter's own `Py_Version` (3.11+).
fn version() -> Option<u64> {
    let version = sym(c"Py_Version")?;
    // SAFETY: `Py_Version` is a `const unsigned long` (8 bytes on LP64).
    Some(unsafe { *(version as *const u64) } >> 16)
}

/// Builds a float, an int, a tuple and a list through HPy and checks that the shortcuts read
/// them back exactly. Clears any error a failed allocation left.
///
/// # Safety
/// `ctx` must be the context of the current call.
unsafe fn probe_layouts(ctx: *mut HPyContext, api: &Api, h_none: HPy) -> bool {
    // SAFETY: plain HPy calls on a valid context; every handle made here is closed below.
    unsafe {
        let f = call::ctx_Float_FromDouble(ctx, 2.5);
        let i = call::ctx_Long_FromInt64_t(ctx, -123_456_789_012);
        let t = if f.is_null() {
            HPy::NULL
        } else {
            call::ctx_Tuple_FromArray(ctx, [h_none, f].as_ptr(), 2)
        };
        let l = call::ctx_List_New(ctx, 0);
        let mut ok = !f.is_null() && !i.is_null() && !t.is_null() && !l.is_null();
        ok = ok
            && call::ctx_List_Append(ctx, l, f) == 0
            && call::ctx_List_Append(ctx, l, h_none) == 0
            && call::ctx_List_Append(ctx, l, i) == 0;
        ok = ok
            && api.float_value(f) == Some(2.5)
            && api.float_value(i).is_none()
            && type_of(api.obj(i)) == api.long_type
            && api.long_as_i64(i) == -123_456_789_012
            && api.seq_len(t) == Some(2)
            && api.seq_len(l) == Some(3)
            && api.seq_len(f).is_none()
            && item_is(api, t, 0, h_none)
            && item_is(api, t, -1, f)
            && item_is(api, l, 0, f)
            && item_is(api, l, 1, h_none)
            && item_is(api, l, -1, i)
            && api.seq_item(l, 3).is_none()
            && api.seq_item(t, -3).is_none()
            && refcount_round_trip(api, f)
            && fast_tuple_round_trip(api, [f, h_none, i]);
        for h in [f, i, t, l] {
            if !h.is_null() {
                call::ctx_Close(ctx, h);
            }
        }
        if !ok && call::ctx_Err_Occurred(ctx) != 0 {
            call::ctx_Err_Clear(ctx);
        }
        ok
    }
}

/// Whether `dup` adds one to the reference count word and `close` takes it back off (when
/// the counts are handled inline), checked on a live object we hold a reference to.
///
/// # Safety
/// `h` must be an owned handle of the context being validated.
unsafe fn refcount_round_trip(api: &Api, h: HPy) -> bool {
    if !api.inline_rc {
        return true;
    }
    let rc = api.obj(h) as *const isize;
    // SAFETY: a live object; the reference taken by `dup` is released by `close`.
    unsafe {
        let before = *rc;
        let d = api.dup(h);
        let plus_one = *rc == before + 1;
        api.close(d);
        plus_one && *rc == before
    }
}

/// Whether `seq[i]` read through the shortcut is `expected` (the new reference is released).
///
/// # Safety
/// `seq` must be a valid handle of the context being validated.
/// Whether a tuple made by [`Api::tuple_from_array`] is an exact tuple holding `items`, and
/// each item gained exactly one reference from it (released again with the tuple).
///
/// # Safety
/// `items` must be owned handles of the context being validated.
unsafe fn fast_tuple_round_trip(api: &Api, items: [HPy; 3]) -> bool {
    let rc = |h: HPy| api.obj(h) as *const isize;
    // SAFETY: live objects; the tuple's references are released by closing it.
    unsafe {
        let before: Vec<isize> = items.iter().map(|&h| *rc(h)).collect();
        let t = api.tuple_from_array(&items);
        if t.is_null() {
            return false;
        }
        // An immortal object (None on 3.12+) keeps its count.
        let gain = |b: isize| isize::from((b as u32 as i32) >= 0);
        let gained = items
            .iter()
            .zip(&before)
            .all(|(&h, &b)| *rc(h) == b + gain(b));
        let ok = gained
            && type_of(api.obj(t)) == api.tuple_type
            && api.seq_len(t) == Some(3)
            && (0..3).all(|k| item_is(api, t, k as isize, items[k]));
        api.close(t);
        ok && items.iter().zip(&before).all(|(&h, &b)| *rc(h) == b)
    }
}

unsafe fn item_is(api: &Api, seq: HPy, i: isize, expected: HPy) -> bool {
    // SAFETY: forwarded from the caller.
    match unsafe { api.seq_item(seq, i) } {
        Some(h) => {
            // SAFETY: `seq_item` returned a new reference.
            unsafe { api.close(h) };
            h == expected
        }
        None => false,
    }
}
