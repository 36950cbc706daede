#![allow(clippy::missing_transmute_annotations)] // each transmuted fn pointer is typed by the `let` above it
//! Type creation. Every `HPyType_FromSpec` gets *fresh*, leaked copies of the definitions: CPython
//! hpy 0.9.0 writes into member defs, so reusing them (a second load of the module, universal
//! then debug) would corrupt offsets.

use super::cell::ClassCell;
use crate::ctx::Ctx;
use crate::err::HPyResult;
use crate::ffi::{self, HPyDef, HPyType_Spec};
use crate::global::Global;
use crate::handle::Handle;
use core::ffi::{c_int, c_void};

/// Implemented by `#[hpy_class]` for a Rust struct.
pub trait HPyClass: Sized + 'static {
    /// The Python name of the class.
    const NAME: &'static str;
    /// The docstring.
    const DOC: Option<&'static str>;
    /// Whether the payload holds [`super::Field`]s (then GC and `tp_traverse` are enabled).
    const HAS_FIELDS: bool;
    /// The global holding the class object, set when the module loads.
    fn type_global() -> &'static Global;
    /// The methods, slots and getsets of the class (built fresh for each type creation).
    fn defines() -> Vec<HPyDef>;
    /// Visits every `Field` of `value` (generated; empty when there are none).
    fn visit_fields(value: &Self, visit: &mut dyn FnMut(*mut ffi::HPyField) -> c_int) -> c_int;

    /// The class object.
    fn type_object<'py>(ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        Self::type_global().get(ctx).ok_or_else(|| {
            crate::exc::RuntimeError::new_err(format!(
                "class {} is not initialised (its module did not load)",
                Self::NAME
            ))
        })
    }
}

unsafe extern "C" fn destroy<T: HPyClass>(payload: *mut c_void) {
    // SAFETY: the runtime passes this type's payload, once, when freeing the object.
    let cell = unsafe { &*(payload as *const ClassCell<T>) };
    // A panic in Drop must not unwind into the runtime; it is reported and swallowed.
    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unsafe { cell.destroy() })).is_err()
    {
        eprintln!("hpy-rs: a panic in Drop of {} was contained", T::NAME);
    }
}

unsafe extern "C" fn traverse<T: HPyClass>(
    payload: *mut c_void,
    visit: ffi::HPyFunc_visitproc,
    arg: *mut c_void,
) -> c_int {
    // SAFETY: the runtime passes this type's payload.
    let cell = unsafe { &*(payload as *const ClassCell<T>) };
    let Some(value) = cell.value_ptr() else {
        return 0;
    };
    let Some(visit) = visit else { return 0 };
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: only `Field`s (interior-mutable cells) are read through this pointer. Empty
        // fields are skipped, as `HPy_VISIT` does: CPython's visitors must not see NULL.
        T::visit_fields(unsafe { &*value }, &mut |f| unsafe {
            if (*f).is_null() {
                0
            } else {
                visit(f, arg)
            }
        })
    }));
    r.unwrap_or(0)
}

unsafe extern "C" fn traverse_tramp<T: HPyClass>(
    obj: *mut ffi::cpy_PyObject,
    visit: *mut c_void,
    arg: *mut c_void,
) -> c_int {
    let f: unsafe extern "C" fn(*mut c_void, ffi::HPyFunc_visitproc, *mut c_void) -> c_int =
        traverse::<T>;
    // SAFETY: called by CPython's GC; forwards unchanged.
    unsafe {
        crate::impl_::tramp::traverseproc(
            obj,
            visit,
            arg,
            Some(core::mem::transmute::<_, unsafe extern "C" fn()>(f)),
        )
    }
}

fn slot_def(slot: c_int, impl_: ffi::HPyCFunction, tramp: *mut c_void) -> HPyDef {
    HPyDef {
        kind: ffi::kind::Slot,
        u: ffi::HPyDefUnion {
            slot: ffi::HPySlot {
                slot,
                impl_,
                cpy_trampoline: tramp,
            },
        },
    }
}

/// Creates class `T`, stores it in its global and adds it to `module`.
pub fn add_class<'py, T: HPyClass>(
    ctx: Ctx<'py>,
    module: &Handle<'py>,
    module_name: &str,
) -> HPyResult<()> {
    assert!(
        core::mem::align_of::<ClassCell<T>>() <= 16,
        "hpy-rs classes support alignment up to 16"
    );
    let mut defs = T::defines();
    if core::mem::needs_drop::<T>() {
        let f: unsafe extern "C" fn(*mut c_void) = destroy::<T>;
        // SAFETY: fn pointers share one representation; the runtime calls it as DESTROYFUNC.
        defs.push(slot_def(
            ffi::slot::tp_destroy,
            Some(unsafe { core::mem::transmute::<_, unsafe extern "C" fn()>(f) }),
            core::ptr::null_mut(),
        ));
    }
    let mut flags = ffi::tpflags::DEFAULT;
    if T::HAS_FIELDS {
        let f: unsafe extern "C" fn(*mut c_void, ffi::HPyFunc_visitproc, *mut c_void) -> c_int =
            traverse::<T>;
        let t: unsafe extern "C" fn(*mut ffi::cpy_PyObject, *mut c_void, *mut c_void) -> c_int =
            traverse_tramp::<T>;
        // SAFETY: as above, TRAVERSEPROC impl and its CPython trampoline.
        defs.push(slot_def(
            ffi::slot::tp_traverse,
            Some(unsafe { core::mem::transmute::<_, unsafe extern "C" fn()>(f) }),
            t as *mut c_void,
        ));
        flags |= ffi::tpflags::HAVE_GC;
    }
    // Fresh, leaked (process-lifetime, writable) copies for this creation.
    let defs: &'static mut [HPyDef] = Box::leak(defs.into_boxed_slice());
    let mut ptrs: Vec<*mut HPyDef> = defs.iter_mut().map(|d| d as *mut HPyDef).collect();
    ptrs.push(core::ptr::null_mut());
    let ptrs: &'static mut [*mut HPyDef] = Box::leak(ptrs.into_boxed_slice());
    let name =
        Box::leak(crate::impl_::cstring(&format!("{module_name}.{}", T::NAME))?.into_boxed_c_str());
    let doc = match T::DOC {
        Some(d) => Box::leak(crate::impl_::cstring(d)?.into_boxed_c_str()).as_ptr(),
        None => core::ptr::null(),
    };
    let spec = Box::leak(Box::new(HPyType_Spec {
        name: name.as_ptr(),
        basicsize: core::mem::size_of::<ClassCell<T>>() as c_int,
        itemsize: 0,
        flags,
        builtin_shape: ffi::shape::Object,
        legacy_slots: core::ptr::null_mut(),
        defines: ptrs.as_mut_ptr(),
        doc,
    }));
    // SAFETY: valid ctx and a complete, process-lifetime spec; no params.
    let ty = ctx.owned(unsafe {
        ffi::call::ctx_Type_FromSpec(ctx.as_ptr(), spec, core::ptr::null_mut())
    })?;
    T::type_global().set(&ty);
    super::super::impl_::class_fixups(ctx, &ty)?;
    module.setattr(T::NAME, &ty)
}
