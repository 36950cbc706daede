//! Layer 2, owned references: [`Py`], a strong reference to a Python object that is not tied to a
//! call or to an owner instance, so it can live anywhere Rust data lives (shared `Rc` trees,
//! caches, payloads), be cloned and dropped anywhere, and be bound to a call's [`Ctx`] for use.
//!
//! One machine word, encoded by backend:
//! - **C-API backend** (CPython 3.11+, PyPy's cpyext): the object pointer itself, holding one
//!   reference count. Clone is `Py_IncRef`, release is `Py_DecRef`.
//! - **HPy** (any runtime and mode): HPy 0.9 has no owner-free reference but `HPyGlobal`, and
//!   PyPy's `HPyGlobal_Store` allocates a new, never-closed handle on every store (the
//!   previous object stays referenced by it), so a dynamically used global leaks. Instead,
//!   hpy-rs keeps one Python `list` (in a [`Global`]) as an object table: a `Py` is
//!   `(slot << 1) | 1`, with its reference count on the Rust side. Clone and drop are plain
//!   integer updates; binding reads the slot; the last drop stores `None` into the slot and
//!   puts it on the free list.
//!
//! Releasing needs the interpreter. When a `Py` is dropped with no hpy-rs call running on its
//! thread (an HPy `tp_destroy`, which gets no context; any other context-free place), the
//! release is queued and done at the start of the next hpy-rs call of this binary.

use crate::backend::capi;
use crate::class::{ClassCell, HPyClass};
use crate::conv::{FromHandle, IntoHandle};
use crate::ctx::Ctx;
use crate::err::HPyResult;
use crate::ffi::{call, HPy, HPyContext};
use crate::global::Global;
use crate::handle::Handle;
use core::cell::{RefCell, UnsafeCell};
use core::marker::PhantomData;
use core::num::NonZeroUsize;
use core::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// The type parameter of an untyped [`Py`]: any Python object.
pub enum PyAny {}

/// A strong, owned reference to a Python object, like PyO3's `Py<T>`.
///
/// Unlike a [`Handle`] it is `'static`: it outlives the call that made it, and can be stored
/// in any Rust data structure, including `Rc`/`Arc` trees whose nodes many Python objects
/// share. It keeps the object alive until the last clone is dropped.
///
/// - [`Py::new`] takes a reference to a handle's object; [`Py::bind`] gives a handle for the
///   current call.
/// - `Clone` adds a reference, `Drop` releases one, anywhere (also in a payload's `Drop`, which
///   runs without a context: the release then waits for the next call, see the module docs).
/// - `Py<T>` for an `#[hpy_class]` `T` is an instance of `T` ([`Py::of`]), whose payload
///   [`Py::with_borrow`] reads.
///
/// It is `!Send` and `!Sync`: a reference changes the interpreter's state when cloned or
/// released, which needs the interpreter lock, and a thread that has no hpy-rs call running may
/// not hold it.
///
/// **Garbage collection.** The cycle collector does not see through a `Py`: a class holding
/// one does not report it in `tp_traverse` (the same `Py` may be shared by many instances
/// through an `Rc`, and a collector counts each reported edge as one reference), so a
/// reference cycle that goes through a `Py` is never collected. Store objects that may point
/// back at their owner in a [`crate::Field`] instead, which is traversed.
pub struct Py<T = PyAny> {
    word: NonZeroUsize,
    _marker: Marker<T>,
}

/// `!Send + !Sync` (the raw pointer), covariant in `T`, owning no `T`.
type Marker<T> = PhantomData<(*const (), fn() -> T)>;

impl Py<PyAny> {
    /// A new reference to `obj`'s object.
    pub fn new(obj: &Handle<'_>) -> Py {
        Py {
            word: new_word(obj),
            _marker: PhantomData,
        }
    }
}

impl<T> Py<T> {
    /// The object as a new handle of the current call.
    #[inline]
    pub fn bind<'py>(&self, ctx: Ctx<'py>) -> Handle<'py> {
        bind_word(ctx, self.word.get())
    }

    /// Forgets the type parameter.
    #[inline]
    pub fn into_any(self) -> Py {
        let word = self.word;
        core::mem::forget(self);
        Py {
            word,
            _marker: PhantomData,
        }
    }

    /// The same object, untyped.
    #[inline]
    pub fn as_any(&self) -> &Py {
        // SAFETY: `Py<T>` and `Py` have the same layout (one word; the marker is zero-sized).
        unsafe { &*(self as *const Py<T> as *const Py) }
    }

    /// Whether both are the same object (`is`).
    #[inline]
    pub fn is(&self, ctx: Ctx<'_>, other: &Py<impl Sized>) -> bool {
        self.word == other.word || self.bind(ctx).is(&other.bind(ctx))
    }
}

impl<T: HPyClass> Py<T> {
    /// A reference to `obj`, which must be an instance of class `T` (else `TypeError`).
    pub fn of(obj: &Handle<'_>) -> HPyResult<Py<T>> {
        ClassCell::<T>::of(obj)?;
        Ok(Py {
            word: new_word(obj),
            _marker: PhantomData,
        })
    }

    /// Runs `f` with a shared borrow of the instance's payload (`RuntimeError` while it is
    /// borrowed mutably).
    pub fn with_borrow<R>(&self, ctx: Ctx<'_>, f: impl FnOnce(&T) -> R) -> HPyResult<R> {
        let h = self.bind(ctx);
        // SAFETY: `Py<T>` is only made from instances of `T` (`Py::of`).
        let cell = unsafe { ClassCell::<T>::of_unchecked(&h) }?;
        let r = cell.borrow()?;
        Ok(f(&r))
    }
}

impl<T> Clone for Py<T> {
    #[inline]
    fn clone(&self) -> Self {
        clone_word(self.word.get());
        Py {
            word: self.word,
            _marker: PhantomData,
        }
    }
}

impl<T> Drop for Py<T> {
    #[inline]
    fn drop(&mut self) {
        drop_word(self.word.get());
    }
}

impl<T> core::fmt::Debug for Py<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Py({:#x})", self.word)
    }
}

impl<'py, T> IntoHandle<'py> for &Py<T> {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        Ok(self.bind(ctx))
    }
}

impl<'py, T> IntoHandle<'py> for Py<T> {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        Ok(self.bind(ctx))
    }
}

impl<'a, 'py> FromHandle<'a, 'py> for Py {
    #[inline]
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        Ok(Py::new(obj))
    }
}

// ---- the encodings ---------------------------------------------------------------------------

/// Whether a word is an object-table slot (else an object pointer of the C-API backend).
#[inline(always)]
fn is_slot(word: usize) -> bool {
    word & 1 == 1
}

#[inline(always)]
fn slot_word(slot: usize) -> usize {
    (slot << 1) | 1
}

#[inline(always)]
fn new_word(obj: &Handle<'_>) -> NonZeroUsize {
    let word = if capi::is_active() {
        // A handle of the C-API backend is the object pointer; the duplicate is the reference
        // this `Py` owns.
        obj.dup().into_raw()._i as usize
    } else {
        slot_word(table_store(obj))
    };
    NonZeroUsize::new(word).expect("object pointers and slot words are never 0")
}

#[inline(always)]
fn bind_word<'py>(ctx: Ctx<'py>, word: usize) -> Handle<'py> {
    if !is_slot(word) {
        // SAFETY: a live C-API object we hold a reference to; the new reference is the
        // handle's (a handle of the C-API context is the object pointer).
        return unsafe {
            incref(word);
            Handle::from_raw(ctx, HPy { _i: word as isize })
        };
    }
    table_load(ctx, word >> 1)
}

#[inline(always)]
fn clone_word(word: usize) {
    if !is_slot(word) {
        // SAFETY: a live object we hold a reference to; `Py` lives only on threads that hold
        // the interpreter lock while they run Rust code that reaches it (it is `!Send`).
        unsafe { incref(word) };
    } else {
        TABLE.with(|t| t.counts[word >> 1] += 1);
    }
}

#[inline(always)]
fn drop_word(word: usize) {
    match crate::current::frame_ctx() {
        // SAFETY: a call (or a C-API destructor) of this binary is running on this thread, with
        // that context and the interpreter lock.
        Some(ctx) => unsafe { release(ctx, word) },
        None => defer(Deferred::Word(word)),
    }
}

/// Releases the object a [`crate::Field`] still holds when it is dropped: on the C-API backend
/// and on CPython's HPy (universal and debug mode) a field owns a reference count; PyPy's HPy
/// fields are references its GC traces, which need no release.
pub(crate) fn release_field(raw: crate::ffi::HPyField) {
    if capi::is_active() {
        drop_word(raw._i as usize);
    } else if !crate::ffi::is_pypy() {
        // hpy 0.9.0 on CPython encodes a field as the object's address plus one.
        let obj = (raw._i - 1) as usize;
        match crate::current::frame_ctx() {
            // SAFETY: a call is running on this thread (interpreter lock held); we own the
            // field's reference.
            Some(_) => unsafe { cpython_decref(obj) },
            None => defer(Deferred::CPythonObject(obj)),
        }
    }
}

/// `Py_DecRef` of CPython, found by name (under HPy, hpy-rs links no C API).
///
/// # Safety
/// `obj` is a live CPython object we own a reference to; interpreter lock held.
unsafe fn cpython_decref(obj: usize) {
    static DECREF: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let f = *DECREF.get_or_init(|| capi::lookup("Py_DecRef") as usize);
    if f == 0 {
        return;
    }
    // SAFETY: CPython's `void Py_DecRef(PyObject *)`, forwarded.
    unsafe {
        let f: unsafe extern "C" fn(*mut core::ffi::c_void) = core::mem::transmute(f);
        f(obj as *mut core::ffi::c_void)
    }
}

/// `Py_IncRef` of a C-API object word.
///
/// # Safety
/// A live object; interpreter lock held.
#[inline(always)]
unsafe fn incref(word: usize) {
    let h = HPy { _i: word as isize };
    // SAFETY: forwarded; the fast path applies to CPython's C-API context only.
    unsafe {
        match crate::ffi::cpython_fast::api(capi::ctx()) {
            Some(fast) => drop(fast.dup(h)),
            None => capi::incref(capi::o(h)),
        }
    }
}

/// Releases one reference of `word` now.
///
/// # Safety
/// `ctx` is the context of a call running on this thread (interpreter lock held).
#[inline(always)]
unsafe fn release(ctx: *mut HPyContext, word: usize) {
    if !is_slot(word) {
        let h = HPy { _i: word as isize };
        // SAFETY: we own one reference; the C-API context is process-wide.
        unsafe {
            match crate::ffi::cpython_fast::api(capi::ctx()) {
                Some(fast) => fast.close(h),
                None => capi::decref(capi::o(h)),
            }
        }
        return;
    }
    let slot = word >> 1;
    let last = TABLE.with(|t| {
        let c = &mut t.counts[slot];
        *c -= 1;
        *c == 0
    });
    if last {
        // SAFETY: forwarded.
        unsafe { table_clear(ctx, slot) };
    }
}

// ---- the object table (HPy) ------------------------------------------------------------------

/// A value accessed only while holding the interpreter lock, and never across a call into the
/// interpreter (which may run code that reaches it again): each access is one closure that does
/// not call out.
struct GilCell<T>(UnsafeCell<Option<RefCell<T>>>);

// SAFETY: see the type docs: every access happens under the interpreter lock, which
// serialises threads; re-entrant access on one thread is caught by the `RefCell`.
unsafe impl<T> Sync for GilCell<T> {}

impl<T: Default> GilCell<T> {
    #[inline(always)]
    fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        // SAFETY: under the interpreter lock (type docs); the `Option` is filled once.
        let cell = unsafe { (*self.0.get()).get_or_insert_with(Default::default) };
        f(&mut cell.borrow_mut())
    }
}

#[derive(Default)]
struct Table {
    /// The reference count of each slot (0: free, or being cleared).
    counts: Vec<u32>,
    /// Free slots.
    free: Vec<u32>,
}

static TABLE: GilCell<Table> = GilCell(UnsafeCell::new(None));
/// The Python list holding the objects, one per slot (`None` in a free slot).
static LIST: Global = Global::new();

fn table_list<'py>(ctx: Ctx<'py>) -> Handle<'py> {
    if let Some(list) = LIST.get(ctx) {
        return list;
    }
    let list = ctx
        .new_list()
        .expect("hpy-rs: cannot create the object table of hpy_rs::Py");
    LIST.set(&list);
    check_permanent_handle(ctx, &list);
    list
}

/// The context whose handles include the table's global value itself (see
/// [`check_permanent_handle`]), or NULL.
static PERMANENT_CTX: core::sync::atomic::AtomicPtr<HPyContext> =
    core::sync::atomic::AtomicPtr::new(core::ptr::null_mut());

/// In the universal mode of both HPy runtimes, an `HPyGlobal`'s value *is* a handle that stays
/// open for the life of the process: PyPy stores a handle it never closes (`HPyGlobal_Store`
/// in `_hpy_universal`), CPython's hpy 0.9.0 encodes globals and handles alike (the object's
/// address plus one). Reading the table through that value saves a `HPyGlobal_Load` and a
/// `HPy_Close` per bind (two of the three runtime calls on PyPy). It is enabled only after
/// checking, on the running interpreter, that the value is a handle of exactly this list; debug
/// and trace mode (whose handles wrap the universal ones) never qualify.
fn check_permanent_handle(ctx: Ctx<'_>, list: &Handle<'_>) {
    let name = ctx.name();
    if name != "HPy Universal ABI (PyPy backend)" && name != "HPy Universal ABI (CPython backend)" {
        return;
    }
    // SAFETY: reading the static's raw value under the interpreter lock (just stored).
    let raw = unsafe { *LIST.as_raw_ptr() };
    // SAFETY: valid ctx; in these two contexts a stored global is a valid handle (see above),
    // and `HPy_Is` only compares.
    let same = unsafe { call::ctx_Is(ctx.as_ptr(), HPy { _i: raw._i }, list.as_raw()) } != 0;
    if same {
        PERMANENT_CTX.store(ctx.as_ptr(), Ordering::Relaxed);
    }
}

/// Runs `f` with the table list: borrowed through the global's permanent handle where
/// [`check_permanent_handle`] allowed it, else loaded (and closed) for this use.
#[inline(always)]
fn with_table_list<'py, R>(ctx: Ctx<'py>, f: impl FnOnce(&Handle<'py>) -> R) -> R {
    if PERMANENT_CTX.load(Ordering::Relaxed) == ctx.as_ptr() {
        // SAFETY: the global's value is an open handle of this context for the life of the
        // process (checked by `check_permanent_handle`); it is never closed.
        let raw = unsafe { *LIST.as_raw_ptr() };
        // SAFETY: as above; borrowed, so never closed here.
        let list = unsafe { crate::handle::Borrowed::from_raw(ctx, HPy { _i: raw._i }) };
        return f(&list);
    }
    f(&table_list(ctx))
}

/// Stores `obj` in a free slot (growing the table if needed); returns the slot.
fn table_store(obj: &Handle<'_>) -> usize {
    let ctx = obj.ctx();
    let slot = match TABLE.with(|t| t.free.pop()) {
        Some(s) => s as usize,
        None => table_grow(ctx, &table_list(ctx)),
    };
    // SAFETY: valid ctx, the table list and a slot below its length (`table_grow`).
    let rc = with_table_list(ctx, |list| unsafe {
        call::ctx_SetItem_i(ctx.as_ptr(), list.as_raw(), slot as isize, obj.as_raw())
    });
    if rc < 0 {
        panic!("hpy-rs: cannot store into the object table of hpy_rs::Py");
    }
    TABLE.with(|t| t.counts[slot] = 1);
    slot
}

/// Appends free slots to the table (doubling it); returns one of them, taken.
#[cold]
fn table_grow<'py>(ctx: Ctx<'py>, list: &Handle<'py>) -> usize {
    let start = TABLE.with(|t| t.counts.len());
    let n = start.max(64);
    for _ in 0..n {
        list.list_append(ctx.none())
            .expect("hpy-rs: cannot grow the object table of hpy_rs::Py");
    }
    TABLE.with(|t| {
        t.counts.resize(start + n, 0);
        t.free.extend((start as u32 + 1..(start + n) as u32).rev());
    });
    start
}

fn table_load<'py>(ctx: Ctx<'py>, slot: usize) -> Handle<'py> {
    // SAFETY: valid ctx and the table list; the slot is in range (it was stored).
    let raw = with_table_list(ctx, |list| unsafe {
        call::ctx_GetItem_i(ctx.as_ptr(), list.as_raw(), slot as isize)
    });
    ctx.owned(raw)
        .expect("hpy-rs: cannot read the object table of hpy_rs::Py")
}

/// Empties a slot whose last reference was dropped and frees it.
///
/// # Safety
/// `ctx` is the context of a call running on this thread.
unsafe fn table_clear(ctx: *mut HPyContext, slot: usize) {
    // SAFETY: forwarded.
    let ctx = unsafe { Ctx::from_raw(ctx) };
    // The slot is freed only after the store: releasing the old object may run code that
    // stores new objects, which must not get this slot while it is being cleared.
    // SAFETY: valid ctx, the table list, an index in range and `None`.
    let rc = with_table_list(ctx, |list| unsafe {
        call::ctx_SetItem_i(
            ctx.as_ptr(),
            list.as_raw(),
            slot as isize,
            ctx.none().as_raw(),
        )
    });
    if rc < 0 {
        ctx.err_clear();
    }
    TABLE.with(|t| t.free.push(slot as u32));
}

// ---- releases without a context ----------------------------------------------------------------

/// A release waiting for a context.
#[derive(Clone, Copy, Debug)]
enum Deferred {
    /// A [`Py`] word.
    Word(usize),
    /// A CPython object a dropped [`crate::Field`] held under HPy.
    CPythonObject(usize),
}

/// Releases waiting for a context (a `Mutex`: a destructor may run anywhere).
static DEFERRED: Mutex<Vec<Deferred>> = Mutex::new(Vec::new());
static HAS_DEFERRED: AtomicBool = AtomicBool::new(false);

#[cold]
#[inline(never)]
fn defer(d: Deferred) {
    DEFERRED.lock().unwrap_or_else(|e| e.into_inner()).push(d);
    HAS_DEFERRED.store(true, Ordering::Release);
}

/// Releases what destructors dropped without a context (called as every call starts).
#[inline(always)]
pub(crate) fn release_deferred(ctx: Ctx<'_>) {
    if HAS_DEFERRED.load(Ordering::Relaxed) {
        release_deferred_now(ctx);
    }
}

#[cold]
#[inline(never)]
fn release_deferred_now(ctx: Ctx<'_>) {
    // Taken out first: releasing may run code that defers more (handled by the next call).
    let pending = {
        let mut d = DEFERRED.lock().unwrap_or_else(|e| e.into_inner());
        HAS_DEFERRED.store(false, Ordering::Relaxed);
        core::mem::take(&mut *d)
    };
    for d in pending {
        // SAFETY: the context of the call that is starting on this thread (interpreter lock
        // held); each entry owns the reference it releases.
        unsafe {
            match d {
                Deferred::Word(w) => release(ctx.as_ptr(), w),
                Deferred::CPythonObject(o) => cpython_decref(o),
            }
        }
    }
}

/// How many releases are waiting for a context (for tests).
#[doc(hidden)]
pub fn deferred_count() -> usize {
    DEFERRED.lock().unwrap_or_else(|e| e.into_inner()).len()
}

/// How many objects the HPy object table holds (for tests; 0 on the C-API backend).
#[doc(hidden)]
pub fn table_live() -> usize {
    TABLE.with(|t| t.counts.iter().filter(|c| **c > 0).count())
}
