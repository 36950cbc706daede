//! The runtime behind the macros: everything generated code refers to, under one hidden path
//! (`::hpy_rs::impl_`). Not a stable API.

pub mod args;
pub mod module;
pub mod panic;
pub mod run;
pub mod scope;
pub mod tramp;

pub use crate::current::{suspended, Frame};
pub use crate::ffi;
pub use args::{extract_arg, FunctionDescription};
pub use module::{init_global_ctx, module_exec, py_init};
pub use run::*;

use crate::err::HPyResult;
use core::cell::UnsafeCell;
use core::ffi::c_char;
use std::ffi::CString;

/// A `static` that the runtime may write through (CPython hpy 0.9.0 writes into defs), kept
/// in writable memory by the `UnsafeCell`.
#[repr(transparent)]
pub struct SyncCell<T>(UnsafeCell<T>);

// SAFETY: the cells hold definitions handed to the runtime, which reads (and, for members,
// writes) them only while holding the interpreter lock.
unsafe impl<T> Sync for SyncCell<T> {}

impl<T> SyncCell<T> {
    /// Wraps a value.
    pub const fn new(v: T) -> Self {
        SyncCell(UnsafeCell::new(v))
    }
    /// The raw pointer to the value.
    pub const fn get(&self) -> *mut T {
        self.0.get()
    }
}

/// A NUL-terminated copy of `s`; `ValueError` if it contains NUL.
pub fn cstring(s: &str) -> HPyResult<CString> {
    Ok(CString::new(s)?)
}

/// A NUL-terminated copy of `s`, cut at the first NUL (for messages).
pub fn cstring_lossy(s: &str) -> CString {
    let end = s.find('\0').unwrap_or(s.len());
    CString::new(&s[..end]).expect("no NUL before `end`")
}

/// Calls `f` with `s` as a NUL-terminated C string, on the stack when short.
#[inline]
pub fn with_cstr<R>(s: &str, f: impl FnOnce(*const c_char) -> R) -> HPyResult<R> {
    let bytes = s.as_bytes();
    if bytes.len() < 64 {
        let mut buf = [0u8; 64];
        buf[..bytes.len()].copy_from_slice(bytes);
        if bytes.contains(&0) {
            return Err(crate::exc::ValueError::new_err("embedded null character"));
        }
        Ok(f(buf.as_ptr().cast()))
    } else {
        let c = cstring(s)?;
        Ok(f(c.as_ptr()))
    }
}

/// Turns a fn item into the type-erased `HPyCFunction` stored in defs.
#[macro_export]
#[doc(hidden)]
macro_rules! __hpy_cfunc {
    ($f:expr, $ty:ty) => {{
        let f: $ty = $f;
        // SAFETY: function pointers have one representation; the runtime casts it back to
        // `$ty` using the signature recorded next to it.
        ::core::option::Option::Some(unsafe {
            ::core::mem::transmute::<$ty, unsafe extern "C" fn()>(f)
        })
    }};
}

/// Turns a trampoline fn item into the `void *` stored in defs.
#[macro_export]
#[doc(hidden)]
macro_rules! __hpy_tramp {
    ($f:expr, $ty:ty) => {{
        let f: $ty = $f;
        // SAFETY: function and data pointers have the same size on every supported target;
        // CPython casts it back to the trampoline's C signature. (A transmute, because `as`
        // casts of fn pointers are not allowed in the statics this initialises.)
        #[allow(clippy::transmutes_expressible_as_ptr_casts)]
        let p = unsafe { ::core::mem::transmute::<$ty, *mut ::core::ffi::c_void>(f) };
        p
    }};
}

/// Wraps a borrowed argument handle of the current call.
///
/// # Safety
/// `raw` must be NULL or a valid handle lent to the current call.
#[inline(always)]
pub unsafe fn arg<'py>(ctx: crate::Ctx<'py>, raw: ffi::HPy) -> crate::Borrowed<'py, 'py> {
    // SAFETY: forwarded from the caller.
    unsafe { crate::Borrowed::from_raw(ctx, raw) }
}

/// Argument handle `i` of a call's argument array, read with one 8-byte load of its own.
///
/// The runtimes fill the array with one 8-byte store per handle just before the call; a
/// vectorised copy (LLVM merges two adjacent loads into one 16-byte load) cannot be served
/// from those stores by the CPU's store forwarding and stalls for ~15 cycles: a quarter of a
/// two-argument call on CPython (measured with `perf`). The volatile read keeps the loads
/// apart.
///
/// # Safety
/// `args` must point to at least `i + 1` handles.
#[inline(always)]
pub unsafe fn arg_at(args: *const ffi::HPy, i: usize) -> ffi::HPy {
    // SAFETY: in bounds by the caller's guarantee; a plain read of a `Copy` value.
    unsafe { core::ptr::read_volatile(args.add(i)) }
}

/// Raises class `ty` with the single argument `value` (an instance is created first, so a
/// tuple argument is not unpacked).
pub fn raise_with_arg(ty: crate::ExcType, value: &crate::Handle<'_>) -> crate::HPyErr {
    let ctx = value.ctx();
    let cls = ty.load(ctx);
    match cls.call((value,)) {
        Ok(exc) => crate::HPyErr::with_object(&cls, &exc),
        Err(e) => e,
    }
}

pub use crate::class::add_class;

/// After a class is created: dunder methods HPy 0.9 has no slot for (`__iter__`, `__next__`,
/// `__call__`) are set again through `type.__setattr__`, which makes CPython fill the matching
/// type slots for heap types (PyPy looks them up in the type dict already).
pub fn class_fixups<'py>(ctx: crate::Ctx<'py>, ty: &crate::Handle<'py>) -> HPyResult<()> {
    let d = ty.getattr("__dict__")?;
    for name in ["__iter__", "__next__", "__call__"] {
        if d.contains(name)? {
            let m = d.get_item(name)?;
            ty.setattr(name, &m)?;
        }
    }
    // A class that defines `__eq__` but not `__hash__` is unhashable. CPython's type creation
    // does this itself; PyPy 7.3.19 does not for HPy types, so say it explicitly (a no-op on
    // CPython, where `__hash__` is already in the dict).
    if d.contains("__eq__")? && !d.contains("__hash__")? {
        ty.setattr("__hash__", ctx.none())?;
    }
    Ok(())
}

/// Fallback for classes without `#[hpy_methods]`: no defs. An inherent
/// `T::__hpy_method_defs` generated by `#[hpy_methods]` takes precedence.
pub trait NoMethods {
    /// No methods.
    fn __hpy_method_defs() -> Vec<ffi::HPyDef> {
        Vec::new()
    }
    /// Nothing to set up.
    fn __hpy_class_setup<'py>(_ctx: crate::Ctx<'py>, _ty: &crate::Handle<'py>) -> HPyResult<()> {
        Ok(())
    }
}
impl<T> NoMethods for T {}

/// A user return value as `HPyResult<T>`: either `T` or `Result<T, E>`.
pub trait Ret<T> {
    /// The value, or the error converted to `HPyErr`.
    fn ret(self) -> HPyResult<T>;
}
impl<T> Ret<T> for T {
    #[inline(always)]
    fn ret(self) -> HPyResult<T> {
        Ok(self)
    }
}
impl<T, E: Into<crate::HPyErr>> Ret<T> for Result<T, E> {
    #[inline(always)]
    fn ret(self) -> HPyResult<T> {
        self.map_err(Into::into)
    }
}

/// What a `#[new]` constructor may return: the payload value `T` (the instance is created
/// from it), an instance of the class it built itself with [`crate::class::new_instance`]
/// (so it can fill the instance's `Field`s, which need the owner), or either in a `Result`.
pub trait NewRet<'py, T> {
    /// The new instance of class `ty`.
    fn into_instance(
        self,
        ctx: crate::Ctx<'py>,
        ty: &crate::Handle<'py>,
    ) -> HPyResult<crate::Handle<'py>>;
}

impl<'py, T: crate::class::HPyClass> NewRet<'py, T> for T {
    #[inline]
    fn into_instance(
        self,
        ctx: crate::Ctx<'py>,
        ty: &crate::Handle<'py>,
    ) -> HPyResult<crate::Handle<'py>> {
        crate::class::new_instance_of_type(ctx, ty, self)
    }
}

impl<'py, T: crate::class::HPyClass> NewRet<'py, T> for crate::Handle<'py> {
    #[inline]
    fn into_instance(
        self,
        _ctx: crate::Ctx<'py>,
        ty: &crate::Handle<'py>,
    ) -> HPyResult<crate::Handle<'py>> {
        if self.is_instance(ty) {
            Ok(self)
        } else {
            Err(crate::exc::TypeError::new_err(format!(
                "{}() constructor returned an object of type '{}', not a {} instance",
                T::NAME,
                self.type_name_string(),
                T::NAME
            )))
        }
    }
}

impl<'py, T, R: NewRet<'py, T>, E: Into<crate::HPyErr>> NewRet<'py, T> for Result<R, E> {
    #[inline]
    fn into_instance(
        self,
        ctx: crate::Ctx<'py>,
        ty: &crate::Handle<'py>,
    ) -> HPyResult<crate::Handle<'py>> {
        self.map_err(Into::into)?.into_instance(ctx, ty)
    }
}

/// Binds `tp_new` arguments: keywords come as a dict on CPython and as a tuple of names (with
/// the values after the positionals) on PyPy.
///
/// # Safety
/// Arguments exactly as the runtime passed them to `tp_new`.
pub unsafe fn bind_new<'py>(
    desc: &FunctionDescription,
    ctx: crate::Ctx<'py>,
    args: *const ffi::HPy,
    nargs: usize,
    kw: ffi::HPy,
    out: &mut [ffi::HPy],
) -> HPyResult<args::Extra<'py>> {
    // SAFETY: valid ctx; `kw` is NULL or a handle of this call.
    let is_tuple = !kw.is_null() && unsafe { ffi::call::ctx_Tuple_Check(ctx.as_ptr(), kw) } != 0;
    // SAFETY: forwarded from the caller.
    unsafe {
        if is_tuple {
            desc.bind_vectorcall(ctx, args, nargs, kw, out)
        } else {
            desc.bind_dict(ctx, args, nargs, kw, out)
        }
    }
}

/// The result of a `__next__` method: `None` (or `Ok(None)`) ends the iteration by raising a
/// bare `StopIteration`.
#[diagnostic::on_unimplemented(
    message = "`__next__` must return `Option<T>` (None ends the iteration) or `Result<Option<T>, E>`, not `{Self}`"
)]
pub trait IterNext {
    /// The yielded value.
    type Item;
    /// The value, or `StopIteration`.
    fn into_next(self, ctx: crate::Ctx<'_>) -> HPyResult<Self::Item>;
}

fn stop_iteration(ctx: crate::Ctx<'_>) -> crate::HPyErr {
    let ty = crate::ExcType::Builtin(ffi::id::h_StopIteration).load(ctx);
    crate::HPyErr::with_object(&ty, &ctx.none())
}

impl<T> IterNext for Option<T> {
    type Item = T;
    #[inline]
    fn into_next(self, ctx: crate::Ctx<'_>) -> HPyResult<T> {
        self.ok_or_else(|| stop_iteration(ctx))
    }
}

impl<T, E: Into<crate::HPyErr>> IterNext for Result<Option<T>, E> {
    type Item = T;
    #[inline]
    fn into_next(self, ctx: crate::Ctx<'_>) -> HPyResult<T> {
        self.map_err(Into::into)?.into_next(ctx)
    }
}

/// An operator's operand failed to convert: a `TypeError` (wrong operand type) becomes
/// `NotImplemented`, so Python tries the other operand; any other error (e.g. a borrow
/// conflict) propagates.
#[cold]
pub fn operand_mismatch<'py>(
    ctx: crate::Ctx<'py>,
    e: crate::HPyErr,
) -> HPyResult<crate::Handle<'py>> {
    let type_error = crate::ExcType::Builtin(ffi::id::h_TypeError).load(ctx);
    if e.is_lazy_builtin(ffi::id::h_TypeError) || e.matches(ctx, &type_error) {
        e.discard(ctx);
        Ok(ctx.not_implemented().to_owned())
    } else {
        Err(e)
    }
}

/// CPython's error for assigning a read-only attribute.
#[cold]
pub fn readonly_attribute(attr: &str, class: &str) -> crate::HPyErr {
    crate::exc::AttributeError::new_err(format!(
        "attribute '{attr}' of '{class}' objects is not writable"
    ))
}

/// A new handle to `None`, as a raw result.
///
/// # Safety
/// `ctx` must be the context the runtime passed to the calling impl.
pub unsafe fn none_raw(ctx: *mut ffi::HPyContext) -> ffi::HPy {
    // SAFETY: forwarded from the caller.
    let ctx = unsafe { crate::Ctx::from_raw(ctx) };
    ctx.none().to_owned().into_raw()
}

/// On PyPy, replaces each getset `names` of `ty` by a `property` over the hidden methods
/// `__hpy_get_<name>`/`__hpy_set_<name>` (PyPy 7.3.19 ignores getset setter errors and aborts
/// on assigning a getset without setter). Does nothing on CPython.
pub fn pypy_properties<'py>(ty: &crate::Handle<'py>, names: &[&str]) -> HPyResult<()> {
    if names.is_empty() || !ffi::is_pypy() {
        return Ok(());
    }
    let ctx = ty.ctx();
    let property = ctx.builtin("property")?;
    let delattr = ctx.builtin("delattr")?;
    let dict = ty.getattr("__dict__")?;
    for name in names {
        let (g, s) = (format!("__hpy_get_{name}"), format!("__hpy_set_{name}"));
        let doc = dict.get_item(*name)?.getattr("__doc__")?;
        let fget = dict.get_item(g.as_str())?;
        let fset = dict.get_item(s.as_str())?;
        let prop = property.call((fget, fset, ctx.none(), doc))?;
        ty.setattr(name, prop)?;
        delattr.call((ty, g.as_str()))?;
        delattr.call((ty, s.as_str()))?;
    }
    Ok(())
}
