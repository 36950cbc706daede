//! `PyInit_<name>` on the C-API backend: checks the interpreter (once per process), builds the
//! context, translates the `HPyModuleDef` into a multi-phase `PyModuleDef` (once per module
//! definition; the interpreter keeps a pointer to it) and hands that to `PyModuleDef_Init`.
//! The import system then creates the module and runs its `Py_mod_exec` slot, which is the
//! HPy `mod_exec` slot's own trampoline.

use super::types::{method_def, PyMethodDef};
use super::{api, interp, PyObj};
use crate::ffi::{kind, slot, HPyDef, HPyModuleDef};
use core::ffi::{c_int, c_void, CStr};
use std::sync::Mutex;

/// `PyModuleDef_Slot`.
#[repr(C)]
struct ModuleSlot {
    slot: c_int,
    value: *mut c_void,
}

/// CPython's module slot ids.
const PY_MOD_EXEC: c_int = 2;
const PY_MOD_MULTIPLE_INTERPRETERS: c_int = 3;

/// The `PyModuleDef` made for each `HPyModuleDef` (address → address), kept for the process.
static DEFS: Mutex<Vec<(usize, usize)>> = Mutex::new(Vec::new());

/// Builds the `PyModuleDef` words for `def`: the object header (2 words on CPython, 3 on
/// cpyext), `m_init`, `m_index`, `m_copy`, then `m_name`, `m_doc`, `m_size`, `m_methods`,
/// `m_slots`, `m_traverse`, `m_clear`, `m_free`.
///
/// # Safety
/// `def` must be a valid, process-lifetime module definition; the backend is initialised.
unsafe fn translate(def: &HPyModuleDef, name: &'static CStr) -> Result<*mut c_void, String> {
    if def.size != 0 {
        return Err("module state is not supported (HPyModuleDef.size must be 0)".into());
    }
    let mut methods: Vec<PyMethodDef> = Vec::new();
    let mut slots: Vec<ModuleSlot> = Vec::new();
    let mut p = def.defines;
    // SAFETY: a NULL-terminated array of valid defs.
    unsafe {
        while !p.is_null() && !(*p).is_null() {
            let d: &HPyDef = &**p;
            p = p.add(1);
            match d.kind {
                kind::Meth => methods.push(method_def(&d.u.meth).map_err(str::to_owned)?),
                kind::Slot if d.u.slot.slot == slot::mod_exec => slots.push(ModuleSlot {
                    slot: PY_MOD_EXEC,
                    value: d.u.slot.cpy_trampoline,
                }),
                _ => {
                    return Err(
                        "only methods and HPy_mod_exec may be defined at module level".into(),
                    )
                }
            }
        }
    }
    // hpy-rs keeps module state in process-wide statics: one interpreter only.
    if interp().version >= (3, 12) && !interp().cpyext {
        slots.push(ModuleSlot {
            slot: PY_MOD_MULTIPLE_INTERPRETERS,
            value: core::ptr::null_mut(), // Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED
        });
    }
    slots.push(ModuleSlot {
        slot: 0,
        value: core::ptr::null_mut(),
    });
    methods.push(PyMethodDef {
        name: core::ptr::null(),
        meth: core::ptr::null_mut(),
        flags: 0,
        doc: core::ptr::null(),
    });
    let methods = Box::leak(methods.into_boxed_slice()).as_mut_ptr();
    let slots = Box::leak(slots.into_boxed_slice()).as_mut_ptr();
    let i = interp();
    // The definition is a static object: immortal on 3.12+ (copy None's count word), count 1
    // before (what `PyModuleDef_HEAD_INIT` gives).
    let refcnt = if i.immortal_objects {
        // SAFETY: None is a live object.
        unsafe { *(api()._Py_NoneStruct as *const usize) }
    } else {
        1
    };
    let mut words: Vec<usize> = vec![refcnt];
    words.extend(core::iter::repeat_n(0, i.ob_type_word)); // (ob_pypy_link), ob_type
    words.extend([0, 0, 0]); // m_init, m_index, m_copy
    words.extend([
        name.as_ptr() as usize,
        def.doc as usize,
        0,
        methods as usize,
        slots as usize,
        0,
        0,
        0,
    ]);
    Ok(Box::leak(words.into_boxed_slice()).as_mut_ptr().cast())
}

/// The body of `PyInit_<name>`: the initialised module definition, or NULL with an
/// `ImportError` set.
///
/// # Safety
/// Called by the interpreter's import system (lock held) with this binary's module definition.
pub unsafe fn init_module(def: *mut HPyModuleDef, name: &'static CStr) -> PyObj {
    // SAFETY: forwarded.
    unsafe {
        if let Err(e) = super::init() {
            super::raise_import_error(name, &e.0);
            return core::ptr::null_mut();
        }
        let key = def as usize;
        let mut defs = DEFS.lock().unwrap_or_else(|e| e.into_inner());
        let pydef = match defs.iter().find(|(k, _)| *k == key) {
            Some(&(_, v)) => v as *mut c_void,
            None => match translate(&*def, name) {
                Ok(v) => {
                    defs.push((key, v as usize));
                    v
                }
                Err(msg) => {
                    super::raise_import_error(name, &msg);
                    return core::ptr::null_mut();
                }
            },
        };
        drop(defs);
        (api().PyModuleDef_Init)(pydef)
    }
}
