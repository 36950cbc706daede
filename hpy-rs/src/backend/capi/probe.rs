//! The load-time checks of the running interpreter. Everything the backend relies on beyond
//! the C API's function signatures is verified here, on live objects, before the backend is
//! enabled: the version, the build flavour, the object header and tuple item storage.

use super::api::Api;
use super::{InitError, Interp, PyObj};
use core::ffi::CStr;

/// The CPython versions this backend knows (the object header and the refcount rules below
/// were checked for each).
const CPYTHON: core::ops::RangeInclusive<u32> = 11..=15;

fn err(msg: impl Into<String>) -> InitError {
    InitError(msg.into())
}

/// `sys.<name>` (a borrowed reference), or NULL without an exception.
unsafe fn sys_attr(api: &Api, name: &CStr) -> PyObj {
    // SAFETY: a NUL-terminated name; `PySys_GetObject` returns a borrowed reference or NULL
    // without setting an exception.
    unsafe { (api.PySys_GetObject)(name.as_ptr()) }
}

/// `sys.version_info[:2]`, through function calls only.
unsafe fn version(api: &Api) -> Result<(u32, u32), InitError> {
    // SAFETY: the interpreter's own functions; borrowed results are used immediately.
    unsafe {
        let vi = sys_attr(api, c"version_info");
        if vi.is_null() {
            return Err(err("sys.version_info is missing"));
        }
        let major = (api.PyTuple_GetItem)(vi, 0);
        let minor = (api.PyTuple_GetItem)(vi, 1);
        if major.is_null() || minor.is_null() {
            (api.PyErr_Clear)();
            return Err(err("sys.version_info is not a tuple"));
        }
        Ok((
            (api.PyLong_AsLong)(major) as u32,
            (api.PyLong_AsLong)(minor) as u32,
        ))
    }
}

/// The text of `sys.<name>` if it is a `str`.
unsafe fn sys_str(api: &Api, name: &CStr) -> Option<String> {
    // SAFETY: borrowed `sys` attribute; the UTF-8 buffer is copied before any other call.
    unsafe {
        let v = sys_attr(api, name);
        if v.is_null() {
            return None;
        }
        let mut n = 0isize;
        let p = (api.PyUnicode_AsUTF8AndSize)(v, &mut n);
        if p.is_null() {
            (api.PyErr_Clear)();
            return None;
        }
        let bytes = core::slice::from_raw_parts(p as *const u8, n as usize);
        Some(String::from_utf8_lossy(bytes).into_owned())
    }
}

/// Word `i` of object `o`.
unsafe fn word(o: PyObj, i: usize) -> usize {
    // SAFETY: the caller passes a live object with at least `i + 1` words.
    unsafe { *(o as *const usize).add(i) }
}

/// Runs every check; the facts the backend may rely on, or why it can't run.
///
/// # Safety
/// `api` was resolved from this interpreter; interpreter lock held.
pub(super) unsafe fn check(api: &Api, cpyext: bool) -> Result<Interp, InitError> {
    // SAFETY: the whole function calls the interpreter's own functions on objects it made or
    // borrowed, and reads header words only where every object has them.
    unsafe {
        let (major, minor) = version(api)?;
        if cpyext {
            if (major, minor) != (3, 11) {
                return Err(err(format!(
                    "PyPy for Python {major}.{minor} is not supported (hpy-rs's C-API backend knows PyPy's cpyext for Python 3.11)"
                )));
            }
        } else {
            if major != 3 || !CPYTHON.contains(&minor) {
                return Err(err(format!(
                    "CPython {major}.{minor} is not supported: hpy-rs's C-API backend knows CPython 3.{}–3.{}",
                    CPYTHON.start(),
                    CPYTHON.end()
                )));
            }
            let v = super::lookup("Py_Version");
            if !v.is_null() {
                let hex = *(v as *const u64);
                if (hex >> 24, (hex >> 16) & 0xff) != (major as u64, minor as u64) {
                    return Err(err(format!(
                        "Py_Version {hex:#x} disagrees with sys.version_info {major}.{minor}"
                    )));
                }
            }
            let abiflags = sys_str(api, c"abiflags").unwrap_or_default();
            if abiflags.contains('t') {
                return Err(err(
                    "free-threaded CPython (Py_GIL_DISABLED) is not supported: hpy-rs's C-API backend relies on the GIL and on the default object header",
                ));
            }
        }
        let ref_debug = !sys_attr(api, c"gettotalrefcount").is_null();

        // The object header: where `ob_type` is.
        let ob_type_word = if cpyext { 2 } else { 1 };
        let none = api._Py_NoneStruct as PyObj;
        let probes: [PyObj; 3] = [none, (api.PyLong_FromLong)(1 << 40), (api.PyList_New)(0)];
        let mut header_ok = true;
        for &p in &probes {
            if p.is_null() {
                (api.PyErr_Clear)();
                header_ok = false;
                continue;
            }
            let t = (api.PyObject_Type)(p);
            header_ok &= !t.is_null() && word(p, ob_type_word) == t as usize;
            if !t.is_null() {
                (api.Py_DecRef)(t);
            }
        }
        // `ob_refcnt` is word 0, a plain counter that Py_IncRef/Py_DecRef move by one.
        let list = probes[2];
        if !list.is_null() {
            let before = word(list, 0);
            (api.Py_IncRef)(list);
            let up = word(list, 0) == before + 1;
            (api.Py_DecRef)(list);
            header_ok &= up && word(list, 0) == before;
        }
        // Tuple items follow the var-object header (`ob_size`), and on CPython 3.14+ a cached
        // hash word: found by looking for the items where they can be.
        let mut tuple_items_word = 0;
        let t = (api.PyTuple_New)(2);
        if t.is_null() {
            (api.PyErr_Clear)();
            header_ok = false;
        } else {
            for (k, &p) in probes[1..].iter().enumerate() {
                if !p.is_null() {
                    (api.Py_IncRef)(p);
                    (api.PyTuple_SetItem)(t, k as isize, p);
                }
            }
            let items = [(api.PyTuple_GetItem)(t, 0), (api.PyTuple_GetItem)(t, 1)];
            header_ok &=
                !items[0].is_null() && !items[1].is_null() && word(t, ob_type_word + 1) == 2;
            for w in [ob_type_word + 2, ob_type_word + 3] {
                if header_ok
                    && word(t, w) == items[0] as usize
                    && word(t, w + 1) == items[1] as usize
                {
                    tuple_items_word = w;
                    break;
                }
            }
            header_ok &= tuple_items_word != 0;
            (api.Py_DecRef)(t);
        }
        for &p in &probes[1..] {
            if !p.is_null() {
                (api.Py_DecRef)(p);
            }
        }
        if !header_ok {
            return Err(err(
                "this interpreter's object header is not the one hpy-rs's C-API backend knows",
            ));
        }
        let immortal_objects = !cpyext && minor >= 12;
        if immortal_objects && (word(none, 0) as u32 as i32) >= 0 {
            return Err(err("None is not immortal on this CPython 3.12+ build"));
        }
        let header_words = ob_type_word + 1;
        Ok(Interp {
            cpyext,
            version: (major, minor),
            ob_type_word,
            payload_offset: (header_words * 8).next_multiple_of(16),
            tuple_items_word,
            ref_debug,
            immortal_objects,
        })
    }
}
