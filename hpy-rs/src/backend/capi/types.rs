//! Types: `HPyType_Spec` → `PyType_Spec`, allocation, payload access, type queries.
//!
//! An instance of a type made here is `[object header][padding to 16][payload]`: the payload
//! starts at [`super::Interp::payload_offset`] in every instance, Python subclasses included
//! (their `__dict__`/`__weakref__` slots come after it), so `HPy_AsStruct_Object` is one add.
//!
//! The translation, once per type creation (the definitions are fresh copies per creation, see
//! `class/create.rs`, and everything made here lives as long as the process):
//! - a method def becomes a `PyMethodDef` whose C function is the def's CPython trampoline
//!   (`VARARGS` → `METH_FASTCALL`, `KEYWORDS` → `METH_FASTCALL | METH_KEYWORDS`, `NOARGS`,
//!   `O`);
//! - a slot def becomes the `PyType_Slot` of the same number (HPy's slot numbers are CPython's
//!   `typeslots.h` numbers) pointing at the trampoline; any CPython slot is accepted, which is
//!   how hpy-rs classes add `Py_tp_dealloc`/`Py_tp_clear` on this backend (`class.rs`);
//!   `HPy_tp_destroy` has no C-API slot and is run by that `tp_dealloc`, so a type with a
//!   destructor or with fields must bring one;
//! - a member def becomes a `PyMemberDef` at `payload_offset + offset` (an `HPyField` is an
//!   object pointer here, so object members are `T_OBJECT` members);
//! - a getset def becomes a `PyGetSetDef` of the two trampolines.

#![allow(non_snake_case, clippy::missing_safety_doc)]

use super::{api, exc_class, h, interp, o, set_error, PyObj};
use crate::ffi::{
    self, kind, shape, slot, HPy, HPyContext, HPyDef, HPyType_Spec, HPyType_SpecParam,
};
use core::ffi::{c_char, c_int, c_uint, c_void};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// `PyType_Slot`.
#[repr(C)]
struct PyTypeSlot {
    slot: c_int,
    pfunc: *mut c_void,
}

/// `PyType_Spec`.
#[repr(C)]
struct PyTypeSpec {
    name: *const c_char,
    basicsize: c_int,
    itemsize: c_int,
    flags: c_uint,
    slots: *mut PyTypeSlot,
}

/// `PyMethodDef`.
#[repr(C)]
pub(super) struct PyMethodDef {
    pub name: *const c_char,
    pub meth: *mut c_void,
    pub flags: c_int,
    pub doc: *const c_char,
}

/// `PyMemberDef`.
#[repr(C)]
struct PyMemberDef {
    name: *const c_char,
    type_: c_int,
    offset: isize,
    flags: c_int,
    doc: *const c_char,
}

/// `PyGetSetDef`.
#[repr(C)]
struct PyGetSetDef {
    name: *const c_char,
    get: *mut c_void,
    set: *mut c_void,
    doc: *const c_char,
    closure: *mut c_void,
}

/// CPython's slot numbers for what the translation adds itself.
mod cslot {
    use core::ffi::c_int;
    pub const TP_DEALLOC: c_int = 52;
    pub const TP_DOC: c_int = 56;
    pub const TP_METHODS: c_int = 64;
    pub const TP_MEMBERS: c_int = 72;
    pub const TP_GETSET: c_int = 73;
}

/// `METH_*` for an HPy method signature.
pub(super) fn meth_flags(signature: c_int) -> Option<c_int> {
    const METH_FASTCALL: c_int = 0x0080;
    Some(match signature {
        ffi::sig::VARARGS => METH_FASTCALL,
        ffi::sig::KEYWORDS => METH_FASTCALL | 0x0002,
        ffi::sig::NOARGS => 0x0004,
        ffi::sig::O => 0x0008,
        _ => return None,
    })
}

/// A `PyMethodDef` for an HPy method def, or the reason it has none.
///
/// # Safety
/// `m` must be a valid method def with `'static` strings.
pub(super) unsafe fn method_def(m: &ffi::HPyMeth) -> Result<PyMethodDef, &'static str> {
    let flags = meth_flags(m.signature).ok_or("a method def has an unknown signature")?;
    if m.cpy_trampoline.is_null() {
        return Err("a method def has no CPython trampoline");
    }
    Ok(PyMethodDef {
        name: m.name,
        meth: m.cpy_trampoline,
        flags,
        doc: m.doc,
    })
}

const NULL_METHOD: PyMethodDef = PyMethodDef {
    name: core::ptr::null(),
    meth: core::ptr::null_mut(),
    flags: 0,
    doc: core::ptr::null(),
};

fn leak<T>(v: Vec<T>) -> *mut T {
    Box::leak(v.into_boxed_slice()).as_mut_ptr()
}

/// The types made here (for `HPyType_GetBuiltinShape`), and the names handed out by
/// `HPyType_GetName`, which must stay valid as long as the type: kept for the process.
struct Registry {
    types: Vec<usize>,
    names: BTreeMap<usize, std::ffi::CString>,
}
static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    types: Vec::new(),
    names: BTreeMap::new(),
});

fn registry() -> std::sync::MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner())
}

/// Translates and creates the type; the error message for `TypeError`/`SystemError`.
///
/// # Safety
/// A valid spec whose definitions and strings live for the process.
unsafe fn create(
    spec: &HPyType_Spec,
    params: *mut HPyType_SpecParam,
) -> Result<PyObj, (&'static str, String)> {
    let sys = |m: &str| ("SystemError", m.to_owned());
    if spec.builtin_shape != shape::Object {
        return Err((
            "TypeError",
            "hpy-rs's C-API backend supports only HPyType_BuiltinShape_Object".into(),
        ));
    }
    let off = interp().payload_offset;
    let (mut slots, mut methods, mut members, mut getsets) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut has_dealloc, mut needs_dealloc) = (false, false);
    let mut p = spec.defines;
    // SAFETY: a NULL-terminated array of valid defs (the caller's guarantee).
    unsafe {
        while !p.is_null() && !(*p).is_null() {
            let d: &HPyDef = &**p;
            p = p.add(1);
            match d.kind {
                kind::Slot => {
                    let s = d.u.slot;
                    match s.slot {
                        slot::tp_destroy => needs_dealloc = true,
                        slot::mod_create | slot::mod_exec => {
                            return Err(sys("module slots in a type spec"))
                        }
                        n if n >= 1000 => return Err(sys("unknown HPy slot in a type spec")),
                        n => {
                            if s.cpy_trampoline.is_null() {
                                return Err(sys("a slot def has no CPython trampoline"));
                            }
                            has_dealloc |= n == cslot::TP_DEALLOC;
                            needs_dealloc |= n == slot::tp_traverse;
                            slots.push(PyTypeSlot {
                                slot: n,
                                pfunc: s.cpy_trampoline,
                            });
                        }
                    }
                }
                kind::Meth => methods.push(method_def(&d.u.meth).map_err(sys)?),
                kind::Member => {
                    let m = d.u.member;
                    members.push(PyMemberDef {
                        name: m.name,
                        type_: m.type_,
                        offset: m.offset + off as isize,
                        flags: (m.readonly != 0) as c_int,
                        doc: m.doc,
                    });
                }
                kind::GetSet => {
                    let g = d.u.getset;
                    getsets.push(PyGetSetDef {
                        name: g.name,
                        get: g.getter_cpy_trampoline,
                        set: g.setter_cpy_trampoline,
                        doc: g.doc,
                        closure: g.closure,
                    });
                }
                _ => return Err(sys("unknown HPyDef kind")),
            }
        }
    }
    if needs_dealloc && !has_dealloc {
        return Err(sys("a type with HPy_tp_destroy or tp_traverse needs Py_tp_dealloc on hpy-rs's C-API backend"));
    }
    if !methods.is_empty() {
        methods.push(NULL_METHOD);
        slots.push(PyTypeSlot {
            slot: cslot::TP_METHODS,
            pfunc: leak(methods).cast(),
        });
    }
    if !members.is_empty() {
        members.push(PyMemberDef {
            name: core::ptr::null(),
            type_: 0,
            offset: 0,
            flags: 0,
            doc: core::ptr::null(),
        });
        slots.push(PyTypeSlot {
            slot: cslot::TP_MEMBERS,
            pfunc: leak(members).cast(),
        });
    }
    if !getsets.is_empty() {
        getsets.push(PyGetSetDef {
            name: core::ptr::null(),
            get: core::ptr::null_mut(),
            set: core::ptr::null_mut(),
            doc: core::ptr::null(),
            closure: core::ptr::null_mut(),
        });
        slots.push(PyTypeSlot {
            slot: cslot::TP_GETSET,
            pfunc: leak(getsets).cast(),
        });
    }
    if !spec.doc.is_null() {
        slots.push(PyTypeSlot {
            slot: cslot::TP_DOC,
            pfunc: spec.doc as *mut c_void,
        });
    }
    slots.push(PyTypeSlot {
        slot: 0,
        pfunc: core::ptr::null_mut(),
    });
    let basicsize = if spec.basicsize == 0 {
        0
    } else {
        spec.basicsize + off as c_int
    };
    let cspec = Box::leak(Box::new(PyTypeSpec {
        name: spec.name,
        basicsize,
        itemsize: spec.itemsize,
        flags: spec.flags as c_uint,
        slots: leak(slots),
    }));
    // SAFETY: a complete spec; bases NULL or a tuple we own.
    unsafe {
        let bases = bases_of(params)?;
        let t = (api().PyType_FromSpecWithBases)((cspec as *mut PyTypeSpec).cast(), bases);
        super::xdecref(bases);
        if t.is_null() {
            return Ok(t);
        }
        registry().types.push(t as usize);
        Ok(t)
    }
}

/// The bases tuple the params ask for (a new reference), or NULL for `object`.
///
/// # Safety
/// `params` NULL or a `kind == 0`-terminated array of valid params.
unsafe fn bases_of(params: *mut HPyType_SpecParam) -> Result<PyObj, (&'static str, String)> {
    if params.is_null() {
        return Ok(core::ptr::null_mut());
    }
    let mut bases: Vec<PyObj> = Vec::new();
    let mut tuple: PyObj = core::ptr::null_mut();
    let mut p = params;
    // SAFETY: forwarded.
    unsafe {
        while (*p).kind != 0 {
            match (*p).kind {
                ffi::param::Base => bases.push(o((*p).object)),
                ffi::param::BasesTuple => tuple = o((*p).object),
                ffi::param::Metaclass => {
                    return Err((
                        "TypeError",
                        "hpy-rs's C-API backend does not support HPyType_SpecParam_Metaclass"
                            .into(),
                    ))
                }
                k => return Err(("TypeError", format!("unknown HPyType_SpecParam kind {k}"))),
            }
            p = p.add(1);
        }
        if !tuple.is_null() {
            if !bases.is_empty() {
                return Err((
                    "TypeError",
                    "HPyType_SpecParam_BasesTuple excludes HPyType_SpecParam_Base".into(),
                ));
            }
            super::incref(tuple);
            return Ok(tuple);
        }
        if bases.is_empty() {
            return Ok(core::ptr::null_mut());
        }
        let t = super::members::containers::tuple_from(bases.as_ptr().cast(), bases.len() as isize);
        if t.is_null() {
            return Err(("MemoryError", String::new()));
        }
        Ok(t)
    }
}

pub unsafe extern "C" fn ctx_Type_FromSpec(
    _: *mut HPyContext,
    spec: *mut HPyType_Spec,
    params: *mut HPyType_SpecParam,
) -> HPy {
    // SAFETY: the runtime contract of `HPyType_FromSpec`.
    match unsafe { create(&*spec, params) } {
        Ok(t) => h(t),
        Err((cls, msg)) => {
            // SAFETY: plain C-API calls.
            unsafe {
                if cls == "MemoryError" {
                    (api().PyErr_NoMemory)();
                } else {
                    set_error(exc_class(cls), &msg);
                }
            }
            HPy::NULL
        }
    }
}

/// `HPy_New`: a zeroed instance of `ty` and its payload.
pub unsafe extern "C" fn ctx_New(_: *mut HPyContext, ty: HPy, data: *mut *mut c_void) -> HPy {
    // SAFETY: a live type; `PyType_GenericAlloc` zeroes the object (and tracks it for GC).
    unsafe {
        let obj = (api().PyType_GenericAlloc)(o(ty), 0);
        if !obj.is_null() && !data.is_null() {
            *data = (obj as *mut u8).add(interp().payload_offset).cast();
        }
        h(obj)
    }
}

pub unsafe extern "C" fn ctx_Type_GenericNew(
    ctx: *mut HPyContext,
    ty: HPy,
    _args: *const HPy,
    _nargs: ffi::HPy_ssize_t,
    _kw: HPy,
) -> HPy {
    // SAFETY: forwarded.
    unsafe { ctx_New(ctx, ty, core::ptr::null_mut()) }
}

pub unsafe extern "C" fn ctx_AsStruct_Object(_: *mut HPyContext, x: HPy) -> *mut c_void {
    // SAFETY: an instance of a type made here, whose payload is at this offset.
    unsafe { (o(x) as *mut u8).add(interp().payload_offset).cast() }
}
pub unsafe extern "C" fn ctx_AsStruct_Legacy(_: *mut HPyContext, x: HPy) -> *mut c_void {
    o(x).cast()
}

/// Payloads of builtin-shape subclasses: never made by this backend (`ctx_Type_FromSpec`
/// refuses those shapes), so there is no payload to return.
macro_rules! no_shape_payload {
    ($($name:ident),*) => {$(
        pub unsafe extern "C" fn $name(_: *mut HPyContext, _x: HPy) -> *mut c_void {
            core::ptr::null_mut()
        }
    )*};
}
no_shape_payload!(
    ctx_AsStruct_Type,
    ctx_AsStruct_Long,
    ctx_AsStruct_Float,
    ctx_AsStruct_Unicode,
    ctx_AsStruct_Tuple,
    ctx_AsStruct_List
);

pub unsafe extern "C" fn ctx_Type_GetBuiltinShape(_: *mut HPyContext, ty: HPy) -> c_int {
    if registry().types.contains(&(ty._i as usize)) {
        shape::Object
    } else {
        shape::Legacy
    }
}

pub unsafe extern "C" fn ctx_Type_IsSubtype(_: *mut HPyContext, sub: HPy, ty: HPy) -> c_int {
    // SAFETY: live type handles.
    unsafe { (api().PyType_IsSubtype)(o(sub), o(ty)) }
}

/// `HPyType_GetName`: the type's `__name__` as UTF-8, valid as long as the type (kept per type
/// for the process: there are few types).
pub unsafe extern "C" fn ctx_Type_GetName(_: *mut HPyContext, ty: HPy) -> *const c_char {
    if let Some(n) = registry().names.get(&(ty._i as usize)) {
        return n.as_ptr();
    }
    // SAFETY: a live type; the name is copied before the string is released.
    unsafe {
        let n = (api().PyObject_GetAttrString)(o(ty), c"__name__".as_ptr());
        if n.is_null() {
            return core::ptr::null();
        }
        let mut len = 0isize;
        let p = (api().PyUnicode_AsUTF8AndSize)(n, &mut len);
        let name = (!p.is_null()).then(|| {
            let bytes = core::slice::from_raw_parts(p as *const u8, len as usize);
            std::ffi::CString::new(
                bytes
                    .iter()
                    .copied()
                    .filter(|&b| b != 0)
                    .collect::<Vec<u8>>(),
            )
            .expect("NULs removed")
        });
        super::decref(n);
        let Some(name) = name else {
            return core::ptr::null();
        };
        let mut r = registry();
        r.names.entry(ty._i as usize).or_insert(name).as_ptr()
    }
}
