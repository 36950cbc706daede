//! Layer 2, the context token. [`Ctx`] is the one narrow boundary to the runtime: every call the
//! safe layer makes into the interpreter goes through the raw call functions with the context of
//! the *current* call, which `Ctx` carries. A second backend only has to change what sits
//! behind this type and `crate::ffi::call`.

use crate::err::{HPyErr, HPyResult};
use crate::ffi::{self, call, HPy, HPyContext};
use crate::handle::{Borrowed, Handle};
use core::ffi::CStr;
use core::marker::PhantomData;
use core::ptr::NonNull;

/// A token proving the current thread is inside an HPy call, carrying that call's context.
///
/// `'py` is the duration of the call. It is invariant and created fresh for every call, so
/// nothing tied to it ([`Handle`], `&str` borrowed from a Python string, …) can outlive the call
/// or be mixed with another call's context.
#[derive(Copy, Clone)]
pub struct Ctx<'py> {
    raw: NonNull<HPyContext>,
    _invariant: PhantomData<fn(&'py ()) -> &'py ()>,
}

impl<'py> Ctx<'py> {
    /// Wraps a raw context.
    ///
    /// # Safety
    /// `raw` must be the context the runtime passed to the current call, and `'py` must not
    /// outlive that call.
    #[doc(hidden)]
    #[inline(always)]
    pub unsafe fn from_raw(raw: *mut HPyContext) -> Self {
        Ctx {
            // SAFETY: runtimes never pass a NULL context.
            raw: unsafe { NonNull::new_unchecked(raw) },
            _invariant: PhantomData,
        }
    }

    /// The raw context pointer.
    #[inline(always)]
    pub fn as_ptr(self) -> *mut HPyContext {
        self.raw.as_ptr()
    }

    /// The runtime and mode, e.g. `"HPy Debug Mode ABI (PyPy backend)"`.
    pub fn name(self) -> &'static str {
        // SAFETY: the context name is a static NUL-terminated string in every runtime.
        unsafe { CStr::from_ptr((*self.as_ptr()).name) }
            .to_str()
            .unwrap_or("?")
    }

    /// Whether the running interpreter is PyPy (through its HPy runtime or, on the C-API
    /// backend, through cpyext).
    #[inline]
    pub fn is_pypy(self) -> bool {
        ffi::is_pypy() || crate::backend::capi::is_cpyext()
    }

    /// The backend this module runs on (see [`crate::backend`]).
    #[inline]
    pub fn backend(self) -> crate::backend::Backend {
        crate::backend::current()
    }

    /// Wraps a new (owned) handle returned by the runtime; NULL means a pending exception.
    #[doc(hidden)]
    #[inline(always)]
    pub fn owned(self, raw: HPy) -> HPyResult<Handle<'py>> {
        if raw.is_null() {
            Err(HPyErr::fetch())
        } else {
            // SAFETY: the runtime returned a new handle for this call's context.
            Ok(unsafe { Handle::from_raw(self, raw) })
        }
    }

    /// Checks an `int` status result (`-1` means a pending exception).
    #[doc(hidden)]
    #[inline(always)]
    pub fn status(self, rc: core::ffi::c_int) -> HPyResult<()> {
        if rc < 0 {
            Err(HPyErr::fetch())
        } else {
            Ok(())
        }
    }

    /// Borrows one of the context's constant handles by its `HPy_ID`.
    #[inline(always)]
    fn constant(self, id: usize) -> Borrowed<'py, 'py> {
        debug_assert!(id < ffi::context::FIRST_SHIFTED_ID);
        // SAFETY: handle members all have IDs < 244, identical on both layouts, and live as
        // long as the context.
        let raw = HPy {
            _i: unsafe { ffi::context::read_slot(self.as_ptr(), id) } as isize,
        };
        // SAFETY: context constants are valid for the whole call and must not be closed.
        unsafe { Borrowed::from_raw(self, raw) }
    }

    /// `None`.
    #[inline]
    pub fn none(self) -> Borrowed<'py, 'py> {
        self.constant(ffi::id::h_None)
    }
    /// `True`.
    #[inline]
    pub fn true_(self) -> Borrowed<'py, 'py> {
        self.constant(ffi::id::h_True)
    }
    /// `False`.
    #[inline]
    pub fn false_(self) -> Borrowed<'py, 'py> {
        self.constant(ffi::id::h_False)
    }
    /// `NotImplemented`.
    #[inline]
    pub fn not_implemented(self) -> Borrowed<'py, 'py> {
        self.constant(ffi::id::h_NotImplemented)
    }
    /// `Ellipsis`.
    #[inline]
    pub fn ellipsis(self) -> Borrowed<'py, 'py> {
        self.constant(ffi::id::h_Ellipsis)
    }
    /// The builtins namespace (a `dict`, as HPy's `h_Builtins` is).
    #[inline]
    pub fn builtins(self) -> Borrowed<'py, 'py> {
        self.constant(ffi::id::h_Builtins)
    }

    /// A builtin function or class by name, e.g. `ctx.builtin("iter")`.
    pub fn builtin(self, name: &str) -> HPyResult<Handle<'py>> {
        let b = self.builtins();
        // SAFETY: valid ctx, a dict handle and a NUL-terminated key.
        let raw = crate::impl_::with_cstr(name, |k| unsafe {
            call::ctx_GetItem_s(self.as_ptr(), b.as_raw(), k)
        })?;
        self.owned(raw)
    }
    /// A builtin type object, e.g. `ctx.builtin_type(BuiltinType::List)`.
    #[inline]
    pub fn builtin_type(self, ty: BuiltinType) -> Borrowed<'py, 'py> {
        self.constant(ty as usize)
    }
    /// A builtin exception or warning class by its context member ID (see [`crate::exc`]).
    #[doc(hidden)]
    #[inline]
    pub fn constant_by_id(self, id: usize) -> Borrowed<'py, 'py> {
        self.constant(id)
    }

    /// `import name`.
    pub fn import(self, name: &str) -> HPyResult<Handle<'py>> {
        let name = crate::impl_::cstring(name)?;
        // SAFETY: valid ctx and NUL-terminated name.
        self.owned(unsafe { call::ctx_Import_ImportModule(self.as_ptr(), name.as_ptr()) })
    }

    /// Converts a Rust value into a Python object.
    #[inline]
    pub fn to_object<T: crate::IntoHandle<'py>>(self, value: T) -> HPyResult<Handle<'py>> {
        value.into_handle(self)
    }

    /// Whether a Python exception is pending.
    #[inline]
    pub fn err_occurred(self) -> bool {
        // SAFETY: valid ctx.
        unsafe { call::ctx_Err_Occurred(self.as_ptr()) != 0 }
    }

    /// Clears the pending exception, if any.
    #[inline]
    pub fn err_clear(self) {
        // SAFETY: valid ctx.
        unsafe { call::ctx_Err_Clear(self.as_ptr()) }
    }

    /// Whether this call runs on the CPython fast path: CPython's universal context, whose
    /// handle encoding and object layouts were validated when the module was executed, so
    /// hot operations on exact `list`/`tuple`/`int`/`float` objects skip the context's
    /// indirection. False in debug and trace mode and on PyPy. Behaviour is identical either
    /// way; this is for diagnostics and tests (set `HPYRS_NO_FAST_PATH=1` to turn it off).
    pub fn uses_cpython_fast_path(self) -> bool {
        crate::ffi::cpython_fast::is_active(self.as_ptr())
    }

    /// Creates a new empty list.
    pub fn new_list(self) -> HPyResult<Handle<'py>> {
        // SAFETY: valid ctx.
        self.owned(unsafe { call::ctx_List_New(self.as_ptr(), 0) })
    }

    /// Creates a new empty dict.
    pub fn new_dict(self) -> HPyResult<Handle<'py>> {
        // SAFETY: valid ctx.
        self.owned(unsafe { call::ctx_Dict_New(self.as_ptr()) })
    }

    /// Creates a tuple from handles (not consumed).
    pub fn new_tuple(self, items: &[&Handle<'py>]) -> HPyResult<Handle<'py>> {
        let raw: Vec<HPy> = items.iter().map(|h| h.as_raw()).collect();
        self.tuple_from_raw(&raw)
    }

    /// Creates a tuple from raw borrowed handles.
    #[doc(hidden)]
    #[inline]
    pub fn tuple_from_raw(self, items: &[HPy]) -> HPyResult<Handle<'py>> {
        // SAFETY: valid ctx; the array holds `len` valid handles that the call does not steal.
        self.owned(unsafe {
            match crate::ffi::cpython_fast::api(self.as_ptr()) {
                Some(fast) => fast.tuple_from_array(items),
                None => {
                    call::ctx_Tuple_FromArray(self.as_ptr(), items.as_ptr(), items.len() as isize)
                }
            }
        })
    }

    /// Creates a Python string.
    #[inline]
    pub fn new_str(self, s: &str) -> HPyResult<Handle<'py>> {
        s.into_handle(self)
    }
}

use crate::IntoHandle;

/// The builtin types the context exposes, by their `HPy_ID`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(usize)]
pub enum BuiltinType {
    /// `object`
    Object = ffi::id::h_BaseObjectType,
    /// `type`
    Type = ffi::id::h_TypeType,
    /// `bool`
    Bool = ffi::id::h_BoolType,
    /// `int`
    Long = ffi::id::h_LongType,
    /// `float`
    Float = ffi::id::h_FloatType,
    /// `str`
    Unicode = ffi::id::h_UnicodeType,
    /// `tuple`
    Tuple = ffi::id::h_TupleType,
    /// `list`
    List = ffi::id::h_ListType,
    /// `complex`
    Complex = ffi::id::h_ComplexType,
    /// `bytes`
    Bytes = ffi::id::h_BytesType,
    /// `memoryview`
    MemoryView = ffi::id::h_MemoryViewType,
    /// `PyCapsule`
    Capsule = ffi::id::h_CapsuleType,
    /// `slice`
    Slice = ffi::id::h_SliceType,
}
