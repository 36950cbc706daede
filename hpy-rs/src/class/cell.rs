//! The instance payload and its runtime borrow state.

use super::HPyClass;
use crate::conv::FromHandle;
use crate::ctx::Ctx;
use crate::err::{HPyErr, HPyResult};
use crate::exc;
use crate::ffi::call;
use crate::handle::Handle;
use core::cell::{Cell, UnsafeCell};
use core::mem::MaybeUninit;
use core::ops::{Deref, DerefMut};

/// The payload of an instance of class `T`: one state word, then the value.
///
/// The state word says both whether the value is there and how it is borrowed, so an instance
/// costs one word more than `T` (the runtimes allocate every payload from their heaps: on PyPy
/// a bigger payload means more frequent major collections):
///
/// | `state` | meaning |
/// |---|---|
/// | `0` (`UNINIT`) | no value yet: HPy allocates the payload zeroed, so until a constructor stores it |
/// | `1` (`FREE`) | a value, not borrowed |
/// | `n ≥ 2` | a value, `n - 1` shared borrows |
/// | `-1` (`EXCLUSIVE`) | a value, borrowed mutably |
#[repr(C)]
pub struct ClassCell<T> {
    state: Cell<isize>,
    value: UnsafeCell<MaybeUninit<T>>,
}

const UNINIT: isize = 0;
const FREE: isize = 1;
const EXCLUSIVE: isize = -1;

impl<T: HPyClass> ClassCell<T> {
    /// The payload of `obj`, after checking `obj` is an instance of `T`.
    pub fn of<'a>(obj: &'a Handle<'_>) -> HPyResult<&'a ClassCell<T>> {
        let ctx = obj.ctx();
        let ty = T::type_object(ctx)?;
        if !is_instance_of::<T>(obj, &ty) {
            return Err(HPyErr::wrong_type(T::NAME, obj));
        }
        // SAFETY: `obj` is an instance of `T`'s type, whose payload is a `ClassCell<T>`.
        unsafe { Self::of_unchecked(obj) }
    }

    /// The payload of `obj` without a type check.
    ///
    /// An instance may have no payload at all: PyPy lets `object.__new__(T)` make one (CPython
    /// refuses: "object.__new__(T) is not safe"), and `HPy_AsStruct_Object` then returns NULL.
    /// That is the `not initialized` error, not a crash.
    ///
    /// # Safety
    /// `obj` must be an instance of `T`'s type.
    #[inline(always)]
    pub unsafe fn of_unchecked<'a>(obj: &'a Handle<'_>) -> HPyResult<&'a ClassCell<T>> {
        // SAFETY: valid ctx and handle.
        let p = unsafe { call::ctx_AsStruct_Object(obj.ctx().as_ptr(), obj.as_raw()) };
        if p.is_null() {
            return Err(Self::no_payload());
        }
        // SAFETY: the caller guarantees the type, so a payload is a `ClassCell<T>`; it lives
        // as long as the object, which the handle borrow keeps alive.
        Ok(unsafe { &*(p as *const ClassCell<T>) })
    }

    #[cold]
    #[inline(never)]
    fn no_payload() -> HPyErr {
        exc::RuntimeError::new_err(format!("{} object is not initialized", T::NAME))
    }

    /// The payload of `self` in a method, getter, setter or non-numeric slot of `T`.
    ///
    /// The runtimes check the receiver before they call such an impl: CPython's method,
    /// getset and wrapper descriptors (`descr_check`) and its own slot dispatch through
    /// `Py_TYPE(self)`, and PyPy's `W_ExtensionMethod`/slot wrappers (`isinstance` against the
    /// defining type). Checking again costs a global load, a type check and a close per call
    /// (two thirds of a `p.norm()` call on PyPy), so only debug builds repeat it, and PyPy's
    /// cpyext, whose slot wrappers don't check.
    ///
    /// # Safety
    /// `obj` must be the receiver the runtime passed to an impl registered on `T`'s type by a
    /// method, getset or slot def other than the binary and ternary number slots (whose first
    /// operand may be of another type).
    #[doc(hidden)]
    #[inline(always)]
    pub unsafe fn receiver<'a>(obj: &'a Handle<'_>) -> HPyResult<&'a ClassCell<T>> {
        // PyPy's cpyext calls slot wrappers (`T.__eq__(x, y)`, `T.__hash__(x)`, …) with any
        // `self`, so there the check is hpy-rs's.
        if cfg!(debug_assertions) || crate::backend::capi::checks_receivers() {
            return Self::of(obj);
        }
        // SAFETY: the runtime checked the receiver's type (see above).
        unsafe { Self::of_unchecked(obj) }
    }

    /// Stores the value of a freshly allocated instance.
    pub(crate) fn init(&self, value: T) {
        debug_assert_eq!(self.state.get(), UNINIT);
        // SAFETY: the instance was just created and nothing else can reach it yet.
        unsafe { (*self.value.get()).write(value) };
        self.state.set(FREE);
    }

    /// A shared borrow; `RuntimeError` while mutably borrowed.
    #[inline(always)]
    pub fn borrow(&self) -> HPyResult<Ref<'_, T>> {
        let s = self.state.get();
        if T::FROZEN {
            // Nothing ever borrows a frozen payload mutably: no count to keep.
            if s != UNINIT {
                return Ok(Ref { cell: self });
            }
            return Err(self.borrow_error(false));
        }
        // One compare covers both refusals: no value (0) and borrowed mutably (-1).
        if s >= FREE {
            self.state.set(s + 1);
            Ok(Ref { cell: self })
        } else {
            Err(self.borrow_error(false))
        }
    }

    /// An exclusive borrow; `RuntimeError` while borrowed (and always for a `frozen` class).
    #[inline(always)]
    pub fn borrow_mut(&self) -> HPyResult<RefMut<'_, T>> {
        if !T::FROZEN && self.state.get() == FREE {
            self.state.set(EXCLUSIVE);
            Ok(RefMut { cell: self })
        } else {
            Err(self.borrow_error(true))
        }
    }

    /// Why a borrow was refused (kept out of line: the borrows inline into every method).
    #[cold]
    #[inline(never)]
    fn borrow_error(&self, exclusive: bool) -> HPyErr {
        if !self.is_initialized() {
            return Self::no_payload();
        }
        let msg = if exclusive && T::FROZEN {
            format!(
                "{} is frozen: its payload cannot be borrowed mutably",
                T::NAME
            )
        } else if exclusive {
            format!("Already borrowed: {}", T::NAME)
        } else {
            format!("Already mutably borrowed: {}", T::NAME)
        };
        exc::RuntimeError::new_err(msg)
    }

    /// Drops the value (from `tp_destroy`).
    ///
    /// # Safety
    /// Called once, when the object is being freed.
    pub(crate) unsafe fn destroy(&self) {
        if self.state.replace(UNINIT) != UNINIT {
            // SAFETY: initialised, and this is the last access.
            unsafe { (*self.value.get()).assume_init_drop() }
        }
    }

    /// A raw pointer to the value, for `tp_traverse` (which may run during a borrow).
    pub(crate) fn value_ptr(&self) -> Option<*const T> {
        self.is_initialized().then(|| self.value.get() as *const T)
    }

    /// Whether a `RefMut` is alive.
    pub fn is_mutably_borrowed(&self) -> bool {
        self.state.get() == EXCLUSIVE
    }

    /// Whether the instance holds a value (false for an instance that was allocated but not
    /// constructed).
    pub fn is_initialized(&self) -> bool {
        self.state.get() != UNINIT
    }
}

impl<T> ClassCell<T> {
    /// The offset of the value `T` inside the payload (for `HPyMember` offsets).
    #[doc(hidden)]
    pub const VALUE_OFFSET: usize = core::mem::offset_of!(ClassCell<T>, value);
}

/// Whether `obj` is an instance of class `T`. `latest` is `T::type_object`; after the module
/// was loaded again in the same process (e.g. universal, then debug mode), instances of the
/// class objects made by earlier loads are accepted too: they share `T`'s payload layout.
#[inline]
pub fn is_instance_of<T: HPyClass>(obj: &Handle<'_>, latest: &Handle<'_>) -> bool {
    obj.is_instance(latest) || (super::create::reloaded() && earlier_instance::<T>(obj))
}

#[cold]
fn earlier_instance<T: HPyClass>(obj: &Handle<'_>) -> bool {
    super::create::earlier_types::<T>()
        .iter()
        .any(|g| g.get(obj.ctx()).is_some_and(|ty| obj.is_instance(&ty)))
}

/// A shared borrow of an instance's payload.
pub struct Ref<'a, T: HPyClass> {
    cell: &'a ClassCell<T>,
}

impl<T: HPyClass> Deref for Ref<'_, T> {
    type Target = T;
    #[inline(always)]
    fn deref(&self) -> &T {
        // SAFETY: initialised, and the borrow flag excludes writers while `self` lives.
        unsafe { (*self.cell.value.get()).assume_init_ref() }
    }
}

impl<T: HPyClass> Drop for Ref<'_, T> {
    #[inline]
    fn drop(&mut self) {
        if !T::FROZEN {
            self.cell.state.set(self.cell.state.get() - 1);
        }
    }
}

/// An exclusive borrow of an instance's payload.
pub struct RefMut<'a, T: HPyClass> {
    cell: &'a ClassCell<T>,
}

impl<T: HPyClass> Deref for RefMut<'_, T> {
    type Target = T;
    #[inline(always)]
    fn deref(&self) -> &T {
        // SAFETY: initialised; the exclusive flag is held by `self`.
        unsafe { (*self.cell.value.get()).assume_init_ref() }
    }
}

impl<T: HPyClass> DerefMut for RefMut<'_, T> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: initialised; the exclusive flag is held by `self`.
        unsafe { (*self.cell.value.get()).assume_init_mut() }
    }
}

impl<T: HPyClass> Drop for RefMut<'_, T> {
    #[inline]
    fn drop(&mut self) {
        self.cell.state.set(FREE);
    }
}

impl<'a, 'py, T: HPyClass> FromHandle<'a, 'py> for Ref<'a, T> {
    #[inline]
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        ClassCell::<T>::of(obj)?.borrow()
    }
}

impl<'a, 'py, T: HPyClass> FromHandle<'a, 'py> for RefMut<'a, T> {
    #[inline]
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        ClassCell::<T>::of(obj)?.borrow_mut()
    }
}

/// Creates a new instance of `T` holding `value` (used by the generated `IntoHandle`).
pub fn new_instance<'py, T: HPyClass>(ctx: Ctx<'py>, value: T) -> HPyResult<Handle<'py>> {
    let ty = T::type_object(ctx)?;
    new_instance_of_type(ctx, &ty, value)
}

/// Creates a new instance of type `ty` (T's type) holding `value`.
pub fn new_instance_of_type<'py, T: HPyClass>(
    ctx: Ctx<'py>,
    ty: &Handle<'py>,
    value: T,
) -> HPyResult<Handle<'py>> {
    let mut data: *mut core::ffi::c_void = core::ptr::null_mut();
    // SAFETY: valid ctx and a type handle of a pure type with a `ClassCell<T>` payload.
    let h = ctx.owned(unsafe { call::ctx_New(ctx.as_ptr(), ty.as_raw(), &mut data) })?;
    // SAFETY: `HPy_New` returned a zeroed payload of `basicsize` bytes for this instance.
    let cell = unsafe { &*(data as *const ClassCell<T>) };
    cell.init(value);
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::ClassCell;
    use core::mem::size_of;

    #[test]
    fn payload_is_one_word_more_than_the_value() {
        assert_eq!(size_of::<ClassCell<f64>>(), 2 * size_of::<usize>());
        assert_eq!(size_of::<ClassCell<(f64, f64)>>(), 3 * size_of::<usize>());
        assert_eq!(size_of::<ClassCell<Box<[f64]>>>(), 3 * size_of::<usize>());
        assert_eq!(ClassCell::<f64>::VALUE_OFFSET, size_of::<usize>());
    }
}
