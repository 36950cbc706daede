//! The C-API functions and data the C-API backend uses, resolved by name when the module is
//! loaded (`dlsym`): the binary keeps no undefined `Py*` symbol, so the same file still loads
//! where there is no libpython to link against.
//!
//! This list is the single source of truth for what the backend needs from the interpreter.
//! On CPython every name is looked up as written. On PyPy's cpyext the C API is exported under
//! `PyPy` names (`PyLong_FromLong` → `PyPyLong_FromLong`, `_Py_NoneStruct` → `_PyPy_NoneStruct`);
//! a few it exports under their plain names (`PyType_GetFlags`), which are tried second.
//! `optional` entries are absent on some interpreters (no GC tracking in cpyext; the single-name
//! compile function), and callers check them.

#![allow(non_snake_case)]

use super::PyObj;
use core::ffi::{c_char, c_int, c_long, c_longlong, c_uint, c_ulong, c_ulonglong, c_void};

/// `Py_ssize_t`.
pub type Ssize = isize;

macro_rules! c_api {
    (
        functions { $($name:ident($($arg:ty),*) $(-> $ret:ty)?;)* }
        optional { $($oname:ident($($oarg:ty),*) $(-> $oret:ty)?;)* }
        data { $($dname:ident;)* }
    ) => {
        /// The resolved entry points (see the module docs).
        pub struct Api {
            $(
                #[doc = concat!("`", stringify!($name), "`.")]
                pub $name: unsafe extern "C" fn($($arg),*) $(-> $ret)?,
            )*
            $(
                #[doc = concat!("`", stringify!($oname), "`, where the interpreter has it.")]
                pub $oname: Option<unsafe extern "C" fn($($oarg),*) $(-> $oret)?>,
            )*
            $(
                #[doc = concat!("The address of the data symbol `", stringify!($dname), "`.")]
                pub $dname: *mut c_void,
            )*
        }

        impl Api {
            /// Looks every entry up with `lookup` (a C-API name → its address, or NULL).
            /// Fails with the first missing name.
            ///
            /// # Safety
            /// `lookup` must return addresses of the interpreter's own symbols, which have the
            /// C signatures written in this table.
            pub unsafe fn resolve(lookup: &dyn Fn(&str) -> *mut c_void) -> Result<Api, &'static str> {
                Ok(Api {
                    $($name: {
                        let p = lookup(stringify!($name));
                        if p.is_null() {
                            return Err(stringify!($name));
                        }
                        // SAFETY: the symbol is this C-API function (caller's guarantee).
                        unsafe { core::mem::transmute::<*mut c_void, unsafe extern "C" fn($($arg),*) $(-> $ret)?>(p) }
                    },)*
                    $($oname: {
                        let p = lookup(stringify!($oname));
                        // SAFETY: as above; NULL stays `None`.
                        (!p.is_null()).then(|| unsafe {
                            core::mem::transmute::<*mut c_void, unsafe extern "C" fn($($oarg),*) $(-> $oret)?>(p)
                        })
                    },)*
                    $($dname: {
                        let p = lookup(stringify!($dname));
                        if p.is_null() {
                            return Err(stringify!($dname));
                        }
                        p
                    },)*
                })
            }
        }
    };
}

c_api! {
    functions {
        // Reference counts and objects.
        Py_IncRef(PyObj);
        Py_DecRef(PyObj);
        PyObject_Type(PyObj) -> PyObj;
        PyType_GetFlags(PyObj) -> c_ulong;
        PyType_IsSubtype(PyObj, PyObj) -> c_int;
        PyType_GetSlot(PyObj, c_int) -> *mut c_void;
        PyType_FromSpecWithBases(*mut c_void, PyObj) -> PyObj;
        PyType_GenericAlloc(PyObj, Ssize) -> PyObj;
        PyObject_GetAttr(PyObj, PyObj) -> PyObj;
        PyObject_GetAttrString(PyObj, *const c_char) -> PyObj;
        PyObject_HasAttr(PyObj, PyObj) -> c_int;
        PyObject_HasAttrString(PyObj, *const c_char) -> c_int;
        PyObject_SetAttr(PyObj, PyObj, PyObj) -> c_int;
        PyObject_SetAttrString(PyObj, *const c_char, PyObj) -> c_int;
        PyObject_GetItem(PyObj, PyObj) -> PyObj;
        PyObject_SetItem(PyObj, PyObj, PyObj) -> c_int;
        PyObject_DelItem(PyObj, PyObj) -> c_int;
        PySequence_Contains(PyObj, PyObj) -> c_int;
        PyObject_Repr(PyObj) -> PyObj;
        PyObject_Str(PyObj) -> PyObj;
        PyObject_ASCII(PyObj) -> PyObj;
        PyObject_Bytes(PyObj) -> PyObj;
        PyObject_RichCompare(PyObj, PyObj, c_int) -> PyObj;
        PyObject_RichCompareBool(PyObj, PyObj, c_int) -> c_int;
        PyObject_Hash(PyObj) -> Ssize;
        PyObject_IsTrue(PyObj) -> c_int;
        PyObject_Size(PyObj) -> Ssize;
        PyCallable_Check(PyObj) -> c_int;
        PyObject_GetIter(PyObj) -> PyObj;
        PyIter_Next(PyObj) -> PyObj;
        // Calls.
        PyObject_Call(PyObj, PyObj, PyObj) -> PyObj;
        PyObject_Vectorcall(PyObj, *const PyObj, usize, PyObj) -> PyObj;
        PyObject_VectorcallMethod(PyObj, *const PyObj, usize, PyObj) -> PyObj;
        // Numbers.
        PyNumber_Check(PyObj) -> c_int;
        PyNumber_Add(PyObj, PyObj) -> PyObj;
        PyNumber_Subtract(PyObj, PyObj) -> PyObj;
        PyNumber_Multiply(PyObj, PyObj) -> PyObj;
        PyNumber_MatrixMultiply(PyObj, PyObj) -> PyObj;
        PyNumber_FloorDivide(PyObj, PyObj) -> PyObj;
        PyNumber_TrueDivide(PyObj, PyObj) -> PyObj;
        PyNumber_Remainder(PyObj, PyObj) -> PyObj;
        PyNumber_Divmod(PyObj, PyObj) -> PyObj;
        PyNumber_Power(PyObj, PyObj, PyObj) -> PyObj;
        PyNumber_Negative(PyObj) -> PyObj;
        PyNumber_Positive(PyObj) -> PyObj;
        PyNumber_Absolute(PyObj) -> PyObj;
        PyNumber_Invert(PyObj) -> PyObj;
        PyNumber_Lshift(PyObj, PyObj) -> PyObj;
        PyNumber_Rshift(PyObj, PyObj) -> PyObj;
        PyNumber_And(PyObj, PyObj) -> PyObj;
        PyNumber_Xor(PyObj, PyObj) -> PyObj;
        PyNumber_Or(PyObj, PyObj) -> PyObj;
        PyNumber_Index(PyObj) -> PyObj;
        PyNumber_Long(PyObj) -> PyObj;
        PyNumber_Float(PyObj) -> PyObj;
        PyNumber_InPlaceAdd(PyObj, PyObj) -> PyObj;
        PyNumber_InPlaceSubtract(PyObj, PyObj) -> PyObj;
        PyNumber_InPlaceMultiply(PyObj, PyObj) -> PyObj;
        PyNumber_InPlaceMatrixMultiply(PyObj, PyObj) -> PyObj;
        PyNumber_InPlaceFloorDivide(PyObj, PyObj) -> PyObj;
        PyNumber_InPlaceTrueDivide(PyObj, PyObj) -> PyObj;
        PyNumber_InPlaceRemainder(PyObj, PyObj) -> PyObj;
        PyNumber_InPlacePower(PyObj, PyObj, PyObj) -> PyObj;
        PyNumber_InPlaceLshift(PyObj, PyObj) -> PyObj;
        PyNumber_InPlaceRshift(PyObj, PyObj) -> PyObj;
        PyNumber_InPlaceAnd(PyObj, PyObj) -> PyObj;
        PyNumber_InPlaceXor(PyObj, PyObj) -> PyObj;
        PyNumber_InPlaceOr(PyObj, PyObj) -> PyObj;
        PyLong_FromLong(c_long) -> PyObj;
        PyLong_FromUnsignedLong(c_ulong) -> PyObj;
        PyLong_FromLongLong(c_longlong) -> PyObj;
        PyLong_FromUnsignedLongLong(c_ulonglong) -> PyObj;
        PyLong_FromSize_t(usize) -> PyObj;
        PyLong_FromSsize_t(Ssize) -> PyObj;
        PyLong_AsLong(PyObj) -> c_long;
        PyLong_AsUnsignedLong(PyObj) -> c_ulong;
        PyLong_AsUnsignedLongMask(PyObj) -> c_ulong;
        PyLong_AsLongLong(PyObj) -> c_longlong;
        PyLong_AsUnsignedLongLong(PyObj) -> c_ulonglong;
        PyLong_AsUnsignedLongLongMask(PyObj) -> c_ulonglong;
        PyLong_AsSize_t(PyObj) -> usize;
        PyLong_AsSsize_t(PyObj) -> Ssize;
        PyLong_AsVoidPtr(PyObj) -> *mut c_void;
        PyLong_AsDouble(PyObj) -> f64;
        PyFloat_FromDouble(f64) -> PyObj;
        PyFloat_AsDouble(PyObj) -> f64;
        PyBool_FromLong(c_long) -> PyObj;
        // Errors.
        Py_FatalError(*const c_char);
        PyErr_SetString(PyObj, *const c_char);
        PyErr_SetObject(PyObj, PyObj);
        PyErr_SetFromErrnoWithFilename(PyObj, *const c_char) -> PyObj;
        PyErr_SetFromErrnoWithFilenameObjects(PyObj, PyObj, PyObj) -> PyObj;
        PyErr_Occurred() -> PyObj;
        PyErr_ExceptionMatches(PyObj) -> c_int;
        PyErr_NoMemory() -> PyObj;
        PyErr_Clear();
        PyErr_Fetch(*mut PyObj, *mut PyObj, *mut PyObj);
        PyErr_Restore(PyObj, PyObj, PyObj);
        PyErr_NewException(*const c_char, PyObj, PyObj) -> PyObj;
        PyErr_NewExceptionWithDoc(*const c_char, *const c_char, PyObj, PyObj) -> PyObj;
        PyErr_WarnEx(PyObj, *const c_char, Ssize) -> c_int;
        PyErr_WriteUnraisable(PyObj);
        // Bytes and text.
        PyBytes_Size(PyObj) -> Ssize;
        PyBytes_AsString(PyObj) -> *mut c_char;
        PyBytes_FromString(*const c_char) -> PyObj;
        PyBytes_FromStringAndSize(*const c_char, Ssize) -> PyObj;
        PyUnicode_FromString(*const c_char) -> PyObj;
        PyUnicode_FromStringAndSize(*const c_char, Ssize) -> PyObj;
        PyUnicode_AsASCIIString(PyObj) -> PyObj;
        PyUnicode_AsLatin1String(PyObj) -> PyObj;
        PyUnicode_AsUTF8String(PyObj) -> PyObj;
        PyUnicode_AsUTF8AndSize(PyObj, *mut Ssize) -> *const c_char;
        PyUnicode_FromWideChar(*const i32, Ssize) -> PyObj;
        PyUnicode_DecodeFSDefault(*const c_char) -> PyObj;
        PyUnicode_DecodeFSDefaultAndSize(*const c_char, Ssize) -> PyObj;
        PyUnicode_EncodeFSDefault(PyObj) -> PyObj;
        PyUnicode_ReadChar(PyObj, Ssize) -> c_uint;
        PyUnicode_DecodeASCII(*const c_char, Ssize, *const c_char) -> PyObj;
        PyUnicode_DecodeLatin1(*const c_char, Ssize, *const c_char) -> PyObj;
        PyUnicode_FromEncodedObject(PyObj, *const c_char, *const c_char) -> PyObj;
        PyUnicode_Substring(PyObj, Ssize, Ssize) -> PyObj;
        PyUnicode_CompareWithASCIIString(PyObj, *const c_char) -> c_int;
        PyUnicode_InternFromString(*const c_char) -> PyObj;
        // Containers.
        PyList_New(Ssize) -> PyObj;
        PyList_Append(PyObj, PyObj) -> c_int;
        PyList_SetItem(PyObj, Ssize, PyObj) -> c_int;
        PyList_GetItem(PyObj, Ssize) -> PyObj;
        PyList_Size(PyObj) -> Ssize;
        PyTuple_New(Ssize) -> PyObj;
        PyTuple_SetItem(PyObj, Ssize, PyObj) -> c_int;
        PyTuple_GetItem(PyObj, Ssize) -> PyObj;
        PyTuple_Size(PyObj) -> Ssize;
        PyDict_New() -> PyObj;
        PyDict_Keys(PyObj) -> PyObj;
        PyDict_Copy(PyObj) -> PyObj;
        PyDict_Next(PyObj, *mut Ssize, *mut PyObj, *mut PyObj) -> c_int;
        PySlice_Unpack(PyObj, *mut Ssize, *mut Ssize, *mut Ssize) -> c_int;
        // Modules, code, interpreter state.
        PyImport_ImportModule(*const c_char) -> PyObj;
        PyModule_GetDict(PyObj) -> PyObj;
        PyModuleDef_Init(*mut c_void) -> PyObj;
        PySys_GetObject(*const c_char) -> PyObj;
        PyEval_EvalCode(PyObj, PyObj, PyObj) -> PyObj;
        PyEval_SaveThread() -> *mut c_void;
        PyEval_RestoreThread(*mut c_void);
        // Capsules.
        PyCapsule_New(*mut c_void, *const c_char, *mut c_void) -> PyObj;
        PyCapsule_GetPointer(PyObj, *const c_char) -> *mut c_void;
        PyCapsule_GetName(PyObj) -> *const c_char;
        PyCapsule_GetContext(PyObj) -> *mut c_void;
        PyCapsule_IsValid(PyObj, *const c_char) -> c_int;
        PyCapsule_SetPointer(PyObj, *mut c_void) -> c_int;
        PyCapsule_SetName(PyObj, *const c_char) -> c_int;
        PyCapsule_SetContext(PyObj, *mut c_void) -> c_int;
    }
    optional {
        // No cycle collector in cpyext: the macros are no-ops there.
        PyObject_GC_UnTrack(PyObj);
        // CPython exports the single-name compile function; cpyext only the `Flags` one.
        Py_CompileString(*const c_char, *const c_char, c_int) -> PyObj;
        Py_CompileStringFlags(*const c_char, *const c_char, c_int, *mut c_void) -> PyObj;
    }
    data {
        _Py_NoneStruct;
        _Py_TrueStruct;
        _Py_FalseStruct;
        _Py_NotImplementedStruct;
        _Py_EllipsisObject;
        PyBaseObject_Type;
        PyType_Type;
        PyBool_Type;
        PyLong_Type;
        PyFloat_Type;
        PyUnicode_Type;
        PyTuple_Type;
        PyList_Type;
        PyDict_Type;
        PyComplex_Type;
        PyBytes_Type;
        PyMemoryView_Type;
        PyCapsule_Type;
        PySlice_Type;
    }
}
