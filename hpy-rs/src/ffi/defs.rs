//! Definition structs, enums and flags of the universal ABI (`hpydef.h`, `hpyfunc.h`,
//! `hpytype.h`, `hpymodule.h`). Sizes and offsets are checked against the real headers by
//! `tests/layout.rs`.

#![allow(non_camel_case_types, non_upper_case_globals)]

use super::types::*;
use core::ffi::{c_char, c_int, c_ulong, c_void};

/// `HPyDef_Kind`.
pub mod kind {
    use core::ffi::c_int;
    /// A slot (`HPySlot`).
    pub const Slot: c_int = 1;
    /// A method (`HPyMeth`).
    pub const Meth: c_int = 2;
    /// A member (`HPyMember`).
    pub const Member: c_int = 3;
    /// A get/set descriptor (`HPyGetSet`).
    pub const GetSet: c_int = 4;
}

/// `HPySlot`: a type or module slot.
#[repr(C)]
#[derive(Copy, Clone)]
pub struct HPySlot {
    /// An `HPySlot_Slot` value (see [`slot`]).
    pub slot: c_int,
    /// The impl, called directly by PyPy.
    pub impl_: HPyCFunction,
    /// The CPython trampoline.
    pub cpy_trampoline: *mut c_void,
}

/// `HPyMeth`: a method or module function.
#[repr(C)]
#[derive(Copy, Clone)]
pub struct HPyMeth {
    /// NUL-terminated UTF-8 name.
    pub name: *const c_char,
    /// The impl, called directly by PyPy.
    pub impl_: HPyCFunction,
    /// The CPython trampoline.
    pub cpy_trampoline: *mut c_void,
    /// An `HPyFunc_Signature` value (see [`sig`]).
    pub signature: c_int,
    /// NUL-terminated docstring or NULL.
    pub doc: *const c_char,
}

/// `HPyMember`: a field of the payload exposed as an attribute.
#[repr(C)]
#[derive(Copy, Clone)]
pub struct HPyMember {
    /// NUL-terminated UTF-8 name.
    pub name: *const c_char,
    /// An `HPyMember_FieldType` value (see [`member`]).
    pub type_: c_int,
    /// Offset in the payload struct (CPython 0.9.0 adds its header to it *in place*).
    pub offset: HPy_ssize_t,
    /// Non-zero for read-only.
    pub readonly: c_int,
    /// NUL-terminated docstring or NULL.
    pub doc: *const c_char,
}

/// `HPyGetSet`: a computed attribute.
#[repr(C)]
#[derive(Copy, Clone)]
pub struct HPyGetSet {
    /// NUL-terminated UTF-8 name.
    pub name: *const c_char,
    /// `HPyFunc_getter` impl.
    pub getter_impl: HPyCFunction,
    /// `HPyFunc_setter` impl, or `None` for read-only.
    pub setter_impl: HPyCFunction,
    /// CPython trampoline of the getter.
    pub getter_cpy_trampoline: *mut c_void,
    /// CPython trampoline of the setter.
    pub setter_cpy_trampoline: *mut c_void,
    /// NUL-terminated docstring or NULL.
    pub doc: *const c_char,
    /// Passed to the getter and setter.
    pub closure: *mut c_void,
}

/// The anonymous union of `HPyDef`.
#[repr(C)]
#[derive(Copy, Clone)]
pub union HPyDefUnion {
    /// For `kind::Slot`.
    pub slot: HPySlot,
    /// For `kind::Meth`.
    pub meth: HPyMeth,
    /// For `kind::Member`.
    pub member: HPyMember,
    /// For `kind::GetSet`.
    pub getset: HPyGetSet,
}

/// `HPyDef`: one definition of a module or type.
#[repr(C)]
#[derive(Copy, Clone)]
pub struct HPyDef {
    /// An `HPyDef_Kind` value (see [`kind`]).
    pub kind: c_int,
    /// The definition.
    pub u: HPyDefUnion,
}

/// `HPyModuleDef`.
#[repr(C)]
pub struct HPyModuleDef {
    /// Module docstring or NULL.
    pub doc: *const c_char,
    /// Must be 0 in HPy 0.9.
    pub size: HPy_ssize_t,
    /// Must be NULL in universal mode.
    pub legacy_methods: *mut c_void,
    /// NULL-terminated array of definitions (only Meth and module slots).
    pub defines: *mut *mut HPyDef,
    /// NULL-terminated array of the module's globals.
    pub globals: *mut *mut HPyGlobal,
}

/// `HPyType_Spec`.
#[repr(C)]
pub struct HPyType_Spec {
    /// Qualified name, `"module.Name"`.
    pub name: *const c_char,
    /// Size of the payload struct.
    pub basicsize: c_int,
    /// Must be 0.
    pub itemsize: c_int,
    /// `HPy_TPFLAGS_*` (C `unsigned long`).
    pub flags: c_ulong,
    /// An `HPyType_BuiltinShape` value (see [`shape`]).
    pub builtin_shape: c_int,
    /// Must be NULL in universal mode.
    pub legacy_slots: *mut c_void,
    /// NULL-terminated array of definitions.
    pub defines: *mut *mut HPyDef,
    /// Docstring or NULL.
    pub doc: *const c_char,
}

/// `HPyType_SpecParam`; arrays of them end with `kind == 0`.
#[repr(C)]
#[derive(Copy, Clone)]
pub struct HPyType_SpecParam {
    /// An `HPyType_SpecParam_Kind` value (see [`param`]).
    pub kind: c_int,
    /// The base, bases tuple or metaclass.
    pub object: HPy,
}

/// `HPy_buffer`.
#[repr(C)]
pub struct HPy_buffer {
    /// Start of the memory.
    pub buf: *mut c_void,
    /// Owned handle to the exporter.
    pub obj: HPy,
    /// Length in bytes.
    pub len: HPy_ssize_t,
    /// Size of one item.
    pub itemsize: HPy_ssize_t,
    /// Non-zero if read-only.
    pub readonly: c_int,
    /// Number of dimensions.
    pub ndim: c_int,
    /// struct-module format string.
    pub format: *mut c_char,
    /// Shape array.
    pub shape: *mut HPy_ssize_t,
    /// Strides array.
    pub strides: *mut HPy_ssize_t,
    /// Suboffsets array.
    pub suboffsets: *mut HPy_ssize_t,
    /// Private to the exporter.
    pub internal: *mut c_void,
}

/// `HPyCapsule_Destructor`.
#[repr(C)]
pub struct HPyCapsule_Destructor {
    /// CPython trampoline `void(PyObject *capsule)`.
    pub cpy_trampoline: *mut c_void,
    /// The impl `void(const char *name, void *pointer, void *context)`.
    pub impl_: Option<unsafe extern "C" fn(*const c_char, *mut c_void, *mut c_void)>,
}

/// `HPyCallFunction` (for `HPy_SetCallFunction` and `HPy_tp_call`).
#[repr(C)]
pub struct HPyCallFunction {
    /// CPython vectorcall trampoline.
    pub cpy_trampoline: *mut c_void,
    /// `HPyFunc_keywords` impl.
    pub impl_: HPyCFunction,
}

/// `HPyFunc_Signature`.
pub mod sig {
    #![allow(missing_docs)]
    use core::ffi::c_int;
    pub const VARARGS: c_int = 1;
    pub const KEYWORDS: c_int = 2;
    pub const NOARGS: c_int = 3;
    pub const O: c_int = 4;
    pub const DESTROYFUNC: c_int = 5;
    pub const GETBUFFERPROC: c_int = 6;
    pub const RELEASEBUFFERPROC: c_int = 7;
    pub const UNARYFUNC: c_int = 8;
    pub const BINARYFUNC: c_int = 9;
    pub const TERNARYFUNC: c_int = 10;
    pub const INQUIRY: c_int = 11;
    pub const LENFUNC: c_int = 12;
    pub const SSIZEARGFUNC: c_int = 13;
    pub const SSIZESSIZEARGFUNC: c_int = 14;
    pub const SSIZEOBJARGPROC: c_int = 15;
    pub const SSIZESSIZEOBJARGPROC: c_int = 16;
    pub const OBJOBJARGPROC: c_int = 17;
    pub const FREEFUNC: c_int = 18;
    pub const GETATTRFUNC: c_int = 19;
    pub const GETATTROFUNC: c_int = 20;
    pub const SETATTRFUNC: c_int = 21;
    pub const SETATTROFUNC: c_int = 22;
    pub const REPRFUNC: c_int = 23;
    pub const HASHFUNC: c_int = 24;
    pub const RICHCMPFUNC: c_int = 25;
    pub const GETITERFUNC: c_int = 26;
    pub const ITERNEXTFUNC: c_int = 27;
    pub const DESCRGETFUNC: c_int = 28;
    pub const DESCRSETFUNC: c_int = 29;
    pub const INITPROC: c_int = 30;
    pub const NEWFUNC: c_int = 31;
    pub const GETTER: c_int = 32;
    pub const SETTER: c_int = 33;
    pub const OBJOBJPROC: c_int = 34;
    pub const TRAVERSEPROC: c_int = 35;
    pub const DESTRUCTOR: c_int = 36;
    pub const CAPSULE_DESTRUCTOR: c_int = 37;
    pub const VECTORCALLFUNC: c_int = 38;
    pub const MOD_CREATE: c_int = 39;
}

/// `HPySlot_Slot` (values equal CPython's `typeslots.h`).
pub mod slot {
    #![allow(missing_docs)]
    use core::ffi::c_int;
    pub const bf_getbuffer: c_int = 1;
    pub const bf_releasebuffer: c_int = 2;
    pub const mp_ass_subscript: c_int = 3;
    pub const mp_length: c_int = 4;
    pub const mp_subscript: c_int = 5;
    pub const nb_absolute: c_int = 6;
    pub const nb_add: c_int = 7;
    pub const nb_and: c_int = 8;
    pub const nb_bool: c_int = 9;
    pub const nb_divmod: c_int = 10;
    pub const nb_float: c_int = 11;
    pub const nb_floor_divide: c_int = 12;
    pub const nb_index: c_int = 13;
    pub const nb_inplace_add: c_int = 14;
    pub const nb_inplace_and: c_int = 15;
    pub const nb_inplace_floor_divide: c_int = 16;
    pub const nb_inplace_lshift: c_int = 17;
    pub const nb_inplace_multiply: c_int = 18;
    pub const nb_inplace_or: c_int = 19;
    pub const nb_inplace_power: c_int = 20;
    pub const nb_inplace_remainder: c_int = 21;
    pub const nb_inplace_rshift: c_int = 22;
    pub const nb_inplace_subtract: c_int = 23;
    pub const nb_inplace_true_divide: c_int = 24;
    pub const nb_inplace_xor: c_int = 25;
    pub const nb_int: c_int = 26;
    pub const nb_invert: c_int = 27;
    pub const nb_lshift: c_int = 28;
    pub const nb_multiply: c_int = 29;
    pub const nb_negative: c_int = 30;
    pub const nb_or: c_int = 31;
    pub const nb_positive: c_int = 32;
    pub const nb_power: c_int = 33;
    pub const nb_remainder: c_int = 34;
    pub const nb_rshift: c_int = 35;
    pub const nb_subtract: c_int = 36;
    pub const nb_true_divide: c_int = 37;
    pub const nb_xor: c_int = 38;
    pub const sq_ass_item: c_int = 39;
    pub const sq_concat: c_int = 40;
    pub const sq_contains: c_int = 41;
    pub const sq_inplace_concat: c_int = 42;
    pub const sq_inplace_repeat: c_int = 43;
    pub const sq_item: c_int = 44;
    pub const sq_length: c_int = 45;
    pub const sq_repeat: c_int = 46;
    pub const tp_call: c_int = 50;
    /// PyPy only.
    pub const tp_descr_get: c_int = 54;
    pub const tp_hash: c_int = 59;
    pub const tp_init: c_int = 60;
    pub const tp_new: c_int = 65;
    pub const tp_repr: c_int = 66;
    pub const tp_richcompare: c_int = 67;
    pub const tp_str: c_int = 70;
    pub const tp_traverse: c_int = 71;
    pub const nb_matrix_multiply: c_int = 75;
    pub const nb_inplace_matrix_multiply: c_int = 76;
    pub const tp_finalize: c_int = 80;
    pub const tp_destroy: c_int = 1000;
    pub const mod_create: c_int = 2000;
    pub const mod_exec: c_int = 2001;
}

/// `HPyMember_FieldType`.
pub mod member {
    #![allow(missing_docs)]
    use core::ffi::c_int;
    pub const SHORT: c_int = 0;
    pub const INT: c_int = 1;
    pub const LONG: c_int = 2;
    pub const FLOAT: c_int = 3;
    pub const DOUBLE: c_int = 4;
    pub const STRING: c_int = 5;
    pub const OBJECT: c_int = 6;
    pub const CHAR: c_int = 7;
    pub const BYTE: c_int = 8;
    pub const UBYTE: c_int = 9;
    pub const USHORT: c_int = 10;
    pub const UINT: c_int = 11;
    pub const ULONG: c_int = 12;
    pub const STRING_INPLACE: c_int = 13;
    pub const BOOL: c_int = 14;
    pub const OBJECT_EX: c_int = 16;
    pub const LONGLONG: c_int = 17;
    pub const ULONGLONG: c_int = 18;
    pub const HPYSSIZET: c_int = 19;
    pub const NONE: c_int = 20;
}

/// `HPyType_BuiltinShape`.
pub mod shape {
    #![allow(missing_docs)]
    use core::ffi::c_int;
    pub const Legacy: c_int = -1;
    pub const Object: c_int = 0;
    pub const Type: c_int = 1;
    pub const Long: c_int = 2;
    pub const Float: c_int = 3;
    pub const Unicode: c_int = 4;
    pub const Tuple: c_int = 5;
    pub const List: c_int = 6;
    /// PyPy only.
    pub const Dict: c_int = 7;
}

/// `HPyType_SpecParam_Kind`.
pub mod param {
    #![allow(missing_docs)]
    use core::ffi::c_int;
    pub const Base: c_int = 1;
    pub const BasesTuple: c_int = 2;
    pub const Metaclass: c_int = 3;
}

/// `HPy_TPFLAGS_*`.
pub mod tpflags {
    #![allow(missing_docs)]
    use core::ffi::c_ulong;
    pub const DEFAULT: c_ulong = (1 << 9) | (1 << 18);
    pub const BASETYPE: c_ulong = 1 << 10;
    pub const HAVE_VECTORCALL: c_ulong = 1 << 11;
    pub const HAVE_GC: c_ulong = 1 << 14;
}

/// `HPy_RichCmpOp`.
pub mod cmp {
    #![allow(missing_docs)]
    use core::ffi::c_int;
    pub const LT: c_int = 0;
    pub const LE: c_int = 1;
    pub const EQ: c_int = 2;
    pub const NE: c_int = 3;
    pub const GT: c_int = 4;
    pub const GE: c_int = 5;
}

/// `HPy_SourceKind` (for `HPy_Compile_s`).
pub mod source_kind {
    #![allow(missing_docs)]
    use core::ffi::c_int;
    pub const Expr: c_int = 0;
    pub const File: c_int = 1;
    pub const Single: c_int = 2;
}

/// `_HPyCapsule_key`.
pub mod capsule_key {
    #![allow(missing_docs)]
    use core::ffi::c_int;
    pub const Pointer: c_int = 0;
    pub const Name: c_int = 1;
    pub const Context: c_int = 2;
    pub const Destructor: c_int = 3;
}
