//! Checks the raw ABI layer (`hpy_rs::ffi`) against the real HPy C headers.
//!
//! For each header set (HPy 0.9.0 from CPython's `hpy` package, and PyPy 7.3.19's copy) a C
//! probe is generated *from the Rust tables it checks* (`ffi::context::MEMBERS`,
//! `PYPY_MEMBERS` and the context table macro), compiled with the `cc` crate's compiler
//! detection, and run. It prints every context member's offset and kind, the size, alignment,
//! field offsets and field sizes of every definition and trampoline-argument struct, and the value
//! of every enum constant; each number is compared with the Rust side (`offset_of!`, `size_of`,
//! the constants). All mismatches are collected and reported together. The headers are also
//! scanned for enumerators (and `HPy_TPFLAGS_*` macros) that Rust does not mirror.
//!
//! PyPy's context differs from 0.9.0's: `h_DictType` is inserted at slot 244, so members with
//! `HPy_ID >= 244` sit at `24 + 8 * (ID + 1)` there, and 9 PyPy-only members are appended
//! (2208 bytes instead of 2128).
//!
//! Header locations: `HPYRS_HPY_INCLUDE` / `HPYRS_PYPY_INCLUDE`, else the `.runtimes/` set up
//! by `scripts/setup-runtimes.sh`. Missing headers skip the header tests (with a message)
//! unless `HPYRS_REQUIRE_HEADERS=1`.

use hpy_rs::ffi::context::{self, slot_index, HEADER_WORDS};
use hpy_rs::ffi::trampoline_args::*;
use hpy_rs::ffi::{
    defs, HPy, HPyCallFunction, HPyCapsule_Destructor, HPyContext, HPyDef, HPyDefUnion, HPyField,
    HPyGetSet, HPyGlobal, HPyListBuilder, HPyMember, HPyMeth, HPyModuleDef, HPySlot,
    HPyThreadState, HPyTracker, HPyTupleBuilder, HPyType_Spec, HPyType_SpecParam, HPy_UCS4,
    HPy_buffer, HPy_hash_t, HPy_ssize_t,
};
use std::collections::{BTreeMap, BTreeSet};
use std::mem::{align_of, offset_of, size_of};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const WORD: usize = size_of::<*const ()>();

// ---------------------------------------------------------------------------------------------
// The Rust side of the context, straight from the member table macro.
// ---------------------------------------------------------------------------------------------

macro_rules! rust_ctx_layout {
    (
        members { $($id:literal => $name:ident : $kind:ident $(($($arg:ident : $aty:ty),*) -> $ret:ty)?;)* }
        pypy { $($pid:literal => $pname:ident : $pkind:ident $(($($parg:ident : $paty:ty),*) -> $pret:ty)?;)* }
    ) => {
        /// Every 0.9.0 member as (name, HPy_ID, `offset_of!(HPyContext, name)`, is_function).
        const RUST_CTX_FIELDS: &[(&str, usize, usize, bool)] = &[
            $((stringify!($name), $id, offset_of!(HPyContext, $name), rust_ctx_layout!(@func $kind)),)*
        ];
        /// Every PyPy-only member as (name, PyPy slot, is_function).
        const RUST_PYPY_FIELDS: &[(&str, usize, bool)] = &[
            $((stringify!($pname), $pid, rust_ctx_layout!(@func $pkind)),)*
        ];
    };
    (@func handle) => { false };
    (@func func) => { true };
}
hpy_rs::__hpy_ctx_table!(rust_ctx_layout);

fn rust_ctx_offset(name: &str) -> usize {
    RUST_CTX_FIELDS
        .iter()
        .find(|f| f.0 == name)
        .unwrap_or_else(|| panic!("MEMBERS lists `{name}` but HPyContext has no such field"))
        .2
}

// ---------------------------------------------------------------------------------------------
// Checks: one number the C headers must agree with. Building them is pure; so is comparing.
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum HeaderSet {
    /// HPy 0.9.0 (CPython's `hpy` package).
    Hpy090,
    /// PyPy 7.3.19's `hpy/devel/include` (HPy 0.9.1.dev61+g79fb330d, PyPy's layout).
    PyPy,
}

#[derive(Clone, Debug, PartialEq)]
struct Check {
    /// Unique label used in reports and in the probe's output.
    key: String,
    /// The C expression the probe prints.
    c_expr: String,
    /// What the Rust side says.
    rust: i64,
}

#[derive(Default)]
struct Checks(Vec<Check>);

impl Checks {
    fn push(&mut self, key: String, c_expr: String, rust: i64) {
        self.0.push(Check { key, c_expr, rust });
    }
    /// A check whose label is its C expression.
    fn expr(&mut self, c_expr: String, rust: usize) {
        self.push(c_expr.clone(), c_expr, rust as i64);
    }
}

/// The size of field `F` of `T`, named by a projection closure that is never called.
fn field_size<T, F>(_: impl Fn(&T) -> &F) -> usize {
    size_of::<F>()
}

macro_rules! c_field {
    ($f:ident) => {
        stringify!($f)
    };
    ($f:ident, $c:literal) => {
        $c
    };
}

/// Size, alignment, and every field's offset and size, of `#[repr(C)]` structs. Field names
/// are the C ones unless mapped with `rust_name as "c_name"`.
macro_rules! struct_checks {
    ($out:ident; $($rust:ty => $c:literal { $($f:ident $(as $cf:literal)?),* $(,)? })*) => {$(
        $out.expr(format!("sizeof({})", $c), size_of::<$rust>());
        $out.expr(format!("_Alignof({})", $c), align_of::<$rust>());
        $(
            let cf = c_field!($f $(, $cf)?);
            $out.expr(format!("offsetof({}, {})", $c, cf), offset_of!($rust, $f));
            $out.expr(format!("sizeof((({} *)0)->{})", $c, cf), field_size(|s: &$rust| &s.$f));
        )*
    )*};
}

macro_rules! pypy_only {
    () => {
        false
    };
    (pypy) => {
        true
    };
}

/// Enum constants: `module "C prefix" [names]`; `#[pypy]` marks values only PyPy's headers have.
macro_rules! const_checks {
    ($out:ident, $set:ident; $($module:ident $prefix:literal [$($(#[$only:ident])? $name:ident),* $(,)?])*) => {$($(
        if !pypy_only!($($only)?) || $set == HeaderSet::PyPy {
            let c = concat!($prefix, stringify!($name)).to_string();
            $out.push(c.clone(), c, defs::$module::$name as i64);
        }
    )*)*};
}

const CTX: &str = "struct _HPyContext_s";

fn context_checks(set: HeaderSet, out: &mut Checks) {
    out.expr(
        format!("offsetof({CTX}, name)"),
        offset_of!(HPyContext, name),
    );
    out.expr(
        format!("offsetof({CTX}, _private)"),
        offset_of!(HPyContext, _private),
    );
    out.expr(
        format!("offsetof({CTX}, abi_version)"),
        offset_of!(HPyContext, abi_version),
    );
    out.expr(
        format!("sizeof((({CTX} *)0)->abi_version)"),
        field_size(|c: &HPyContext| &c.abi_version),
    );

    let shift = match set {
        HeaderSet::Hpy090 => 0,
        HeaderSet::PyPy => 1,
    };
    let mut last_slot = 0;
    for &(name, id, is_func) in context::MEMBERS {
        let slot = slot_index(id, shift);
        last_slot = last_slot.max(slot);
        // The 0.9.0 struct's own offset, moved by however many slots this layout inserts.
        out.expr(
            format!("offsetof({CTX}, {name})"),
            rust_ctx_offset(name) + (slot - id) * WORD,
        );
        kind_check(out, name, is_func);
    }
    if set == HeaderSet::PyPy {
        for &(name, slot, is_func) in context::PYPY_MEMBERS {
            last_slot = last_slot.max(slot);
            out.expr(
                format!("offsetof({CTX}, {name})"),
                (HEADER_WORDS + slot) * WORD,
            );
            kind_check(out, name, is_func);
        }
    }
    let size = match set {
        HeaderSet::Hpy090 => size_of::<HPyContext>(),
        HeaderSet::PyPy => (HEADER_WORDS + last_slot + 1) * WORD,
    };
    out.expr(format!("sizeof({CTX})"), size);
}

/// Whether the member is a handle (`HPy`) or a function pointer, as C sees it.
fn kind_check(out: &mut Checks, name: &str, is_func: bool) {
    out.push(
        format!("is_function({name})"),
        format!("_Generic((({CTX} *)0)->{name}, HPy: 0, default: 1)"),
        is_func as i64,
    );
}

fn def_checks(out: &mut Checks) {
    // HPyDef's anonymous union is `u` in Rust; C names its variants directly.
    out.expr("sizeof(HPyDef)".into(), size_of::<HPyDef>());
    out.expr("_Alignof(HPyDef)".into(), align_of::<HPyDef>());
    out.expr("offsetof(HPyDef, kind)".into(), offset_of!(HPyDef, kind));
    out.expr(
        "sizeof(((HPyDef *)0)->kind)".into(),
        field_size(|d: &HPyDef| &d.kind),
    );
    let u = offset_of!(HPyDef, u);
    out.expr(
        "offsetof(HPyDef, meth)".into(),
        u + offset_of!(HPyDefUnion, meth),
    );
    out.expr(
        "offsetof(HPyDef, slot)".into(),
        u + offset_of!(HPyDefUnion, slot),
    );
    out.expr(
        "offsetof(HPyDef, member)".into(),
        u + offset_of!(HPyDefUnion, member),
    );
    out.expr(
        "offsetof(HPyDef, getset)".into(),
        u + offset_of!(HPyDefUnion, getset),
    );
    out.expr("sizeof(((HPyDef *)0)->meth)".into(), size_of::<HPyMeth>());
    out.expr("sizeof(((HPyDef *)0)->slot)".into(), size_of::<HPySlot>());
    out.expr(
        "sizeof(((HPyDef *)0)->member)".into(),
        size_of::<HPyMember>(),
    );
    out.expr(
        "sizeof(((HPyDef *)0)->getset)".into(),
        size_of::<HPyGetSet>(),
    );

    struct_checks! { out;
        HPySlot => "HPySlot" { slot, impl_ as "impl", cpy_trampoline }
        HPyMeth => "HPyMeth" { name, impl_ as "impl", cpy_trampoline, signature, doc }
        HPyMember => "HPyMember" { name, type_ as "type", offset, readonly, doc }
        HPyGetSet => "HPyGetSet" {
            name, getter_impl, setter_impl, getter_cpy_trampoline, setter_cpy_trampoline, doc, closure
        }
        HPyModuleDef => "HPyModuleDef" { doc, size, legacy_methods, defines, globals }
        HPyType_Spec => "HPyType_Spec" {
            name, basicsize, itemsize, flags, builtin_shape, legacy_slots, defines, doc
        }
        HPyType_SpecParam => "HPyType_SpecParam" { kind, object }
        HPy_buffer => "HPy_buffer" {
            buf, obj, len, itemsize, readonly, ndim, format, shape, strides, suboffsets, internal
        }
        HPyCapsule_Destructor => "HPyCapsule_Destructor" { cpy_trampoline, impl_ as "impl" }
        HPyCallFunction => "HPyCallFunction" { cpy_trampoline, impl_ as "impl" }

        // The handle-like scalars.
        HPy => "HPy" { _i }
        HPyField => "HPyField" { _i }
        HPyGlobal => "HPyGlobal" { _i }
        HPyTracker => "HPyTracker" { _i }
        HPyThreadState => "HPyThreadState" { _i }
        HPyListBuilder => "HPyListBuilder" { _lst }
        HPyTupleBuilder => "HPyTupleBuilder" { _tup }
    }
    out.expr("sizeof(HPy_ssize_t)".into(), size_of::<HPy_ssize_t>());
    out.expr("sizeof(HPy_hash_t)".into(), size_of::<HPy_hash_t>());
    out.expr("sizeof(HPy_UCS4)".into(), size_of::<HPy_UCS4>());
}

/// The argument structs of `hpyfunc_trampolines.h` / `autogen_hpyfunc_trampolines.h`. A Rust
/// struct is listed against every C struct of the same shape it may stand for.
fn trampoline_checks(out: &mut Checks) {
    struct_checks! { out;
        NoargsArgs => "_HPyFunc_args_NOARGS" { self_ as "self", result }
        OArgs => "_HPyFunc_args_O" { self_ as "self", arg, result }
        VarargsArgs => "_HPyFunc_args_VARARGS" { self_ as "self", args, nargs, result }
        KeywordsArgs => "_HPyFunc_args_KEYWORDS" { self_ as "self", args, nargsf, kwnames, result }
        InitprocArgs => "_HPyFunc_args_INITPROC" { self_ as "self", args, kw, result }
        NewfuncArgs => "_HPyFunc_args_NEWFUNC" { type_ as "self", args, kw, result }
        UnaryArgs => "_HPyFunc_args_UNARYFUNC" { arg0, result }
        UnaryArgs => "_HPyFunc_args_REPRFUNC" { arg0, result }
        UnaryArgs => "_HPyFunc_args_GETITERFUNC" { arg0, result }
        UnaryArgs => "_HPyFunc_args_ITERNEXTFUNC" { arg0, result }
        UnaryArgs => "_HPyFunc_args_MOD_CREATE" { arg0 as "spec", result }
        BinaryArgs => "_HPyFunc_args_BINARYFUNC" { arg0, arg1, result }
        BinaryArgs => "_HPyFunc_args_GETATTROFUNC" { arg0, arg1, result }
        TernaryArgs => "_HPyFunc_args_TERNARYFUNC" { arg0, arg1, arg2, result }
        TernaryArgs => "_HPyFunc_args_DESCRGETFUNC" { arg0, arg1, arg2, result }
        InquiryArgs => "_HPyFunc_args_INQUIRY" { arg0, result }
        LenArgs => "_HPyFunc_args_LENFUNC" { arg0, result }
        HashArgs => "_HPyFunc_args_HASHFUNC" { arg0, result }
        RichcmpArgs => "_HPyFunc_args_RICHCMPFUNC" { arg0, arg1, op as "arg2", result }
        SsizeargArgs => "_HPyFunc_args_SSIZEARGFUNC" { arg0, arg1, result }
        SsizeobjargArgs => "_HPyFunc_args_SSIZEOBJARGPROC" { arg0, arg1, arg2, result }
        ObjobjargArgs => "_HPyFunc_args_OBJOBJARGPROC" { arg0, arg1, arg2, result }
        ObjobjargArgs => "_HPyFunc_args_SETATTROFUNC" { arg0, arg1, arg2, result }
        ObjobjargArgs => "_HPyFunc_args_DESCRSETFUNC" { arg0, arg1, arg2, result }
        ObjobjArgs => "_HPyFunc_args_OBJOBJPROC" { arg0, arg1, result }
        GetterArgs => "_HPyFunc_args_GETTER" { self_ as "arg0", closure as "arg1", result }
        SetterArgs => "_HPyFunc_args_SETTER" {
            self_ as "arg0", value as "arg1", closure as "arg2", result
        }
        TraverseArgs => "_HPyFunc_args_TRAVERSEPROC" { self_ as "self", visit, arg, result }
        DestructorArgs => "_HPyFunc_args_DESTRUCTOR" { arg0 }
    }
}

fn constant_checks(set: HeaderSet, out: &mut Checks) {
    const_checks! { out, set;
        kind "HPyDef_Kind_" [Slot, Meth, Member, GetSet]
        sig "HPyFunc_" [
            VARARGS, KEYWORDS, NOARGS, O, DESTROYFUNC, GETBUFFERPROC, RELEASEBUFFERPROC,
            UNARYFUNC, BINARYFUNC, TERNARYFUNC, INQUIRY, LENFUNC, SSIZEARGFUNC,
            SSIZESSIZEARGFUNC, SSIZEOBJARGPROC, SSIZESSIZEOBJARGPROC, OBJOBJARGPROC, FREEFUNC,
            GETATTRFUNC, GETATTROFUNC, SETATTRFUNC, SETATTROFUNC, REPRFUNC, HASHFUNC,
            RICHCMPFUNC, GETITERFUNC, ITERNEXTFUNC, DESCRGETFUNC, DESCRSETFUNC, INITPROC,
            NEWFUNC, GETTER, SETTER, OBJOBJPROC, TRAVERSEPROC, DESTRUCTOR, CAPSULE_DESTRUCTOR,
            VECTORCALLFUNC, MOD_CREATE,
        ]
        slot "HPy_" [
            bf_getbuffer, bf_releasebuffer, mp_ass_subscript, mp_length, mp_subscript,
            nb_absolute, nb_add, nb_and, nb_bool, nb_divmod, nb_float, nb_floor_divide, nb_index,
            nb_inplace_add, nb_inplace_and, nb_inplace_floor_divide, nb_inplace_lshift,
            nb_inplace_multiply, nb_inplace_or, nb_inplace_power, nb_inplace_remainder,
            nb_inplace_rshift, nb_inplace_subtract, nb_inplace_true_divide, nb_inplace_xor,
            nb_int, nb_invert, nb_lshift, nb_multiply, nb_negative, nb_or, nb_positive, nb_power,
            nb_remainder, nb_rshift, nb_subtract, nb_true_divide, nb_xor, sq_ass_item, sq_concat,
            sq_contains, sq_inplace_concat, sq_inplace_repeat, sq_item, sq_length, sq_repeat,
            tp_call, #[pypy] tp_descr_get, tp_hash, tp_init, tp_new, tp_repr, tp_richcompare,
            tp_str, tp_traverse, nb_matrix_multiply, nb_inplace_matrix_multiply, tp_finalize,
            tp_destroy, mod_create, mod_exec,
        ]
        member "HPyMember_" [
            SHORT, INT, LONG, FLOAT, DOUBLE, STRING, OBJECT, CHAR, BYTE, UBYTE, USHORT, UINT,
            ULONG, STRING_INPLACE, BOOL, OBJECT_EX, LONGLONG, ULONGLONG, HPYSSIZET, NONE,
        ]
        shape "HPyType_BuiltinShape_" [
            Legacy, Object, Type, Long, Float, Unicode, Tuple, List, #[pypy] Dict,
        ]
        param "HPyType_SpecParam_" [Base, BasesTuple, Metaclass]
        tpflags "HPy_TPFLAGS_" [DEFAULT, BASETYPE, HAVE_VECTORCALL, HAVE_GC]
        cmp "HPy_" [LT, LE, EQ, NE, GT, GE]
        source_kind "HPy_SourceKind_" [Expr, File, Single]
        capsule_key "HPyCapsule_key_" [Pointer, Name, Context, Destructor]
    }
}

/// Every check for one header set (no C involved).
fn all_checks(set: HeaderSet) -> Vec<Check> {
    let mut out = Checks::default();
    context_checks(set, &mut out);
    def_checks(&mut out);
    trampoline_checks(&mut out);
    constant_checks(set, &mut out);
    out.0
}

/// Compares the Rust values with what the C probe printed. Returns one line per mismatch
/// (or per check the probe did not print), in check order.
fn compare(checks: &[Check], measured: &BTreeMap<String, i64>) -> Vec<String> {
    checks
        .iter()
        .filter_map(|c| match measured.get(&c.key) {
            Some(&v) if v == c.rust => None,
            Some(&v) => Some(format!(
                "{}: C headers say {}, Rust says {}",
                c.key, v, c.rust
            )),
            None => Some(format!("{}: missing from the C probe's output", c.key)),
        })
        .collect()
}

/// Enumerators (and `HPy_TPFLAGS_*` macros) the headers define that no check covers.
fn unmirrored(header_names: &BTreeSet<String>, checks: &[Check]) -> Vec<String> {
    let covered: BTreeSet<&str> = checks.iter().map(|c| c.c_expr.as_str()).collect();
    header_names
        .iter()
        .filter(|n| !covered.contains(n.as_str()))
        .map(|n| format!("{n}: defined by the C headers but not mirrored in hpy_rs::ffi::defs"))
        .collect()
}

/// Drops `/* */` and `//` comments.
fn strip_comments(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |e| &after[e + 2..]);
            out.push(' ');
        } else if let Some(after) = rest.strip_prefix("//") {
            rest = after.find('\n').map_or("", |e| &after[e..]);
        } else {
            let ch = rest.chars().next().unwrap();
            out.push(ch);
            rest = &rest[ch.len_utf8()..];
        }
    }
    out
}

/// The enumerators of every `typedef enum { ... }` in `src`, plus `#define HPy_TPFLAGS_*` names.
fn header_enumerators(src: &str) -> BTreeSet<String> {
    let src = strip_comments(src);
    let mut names = BTreeSet::new();
    let mut rest = src.as_str();
    while let Some(at) = rest.find("typedef enum") {
        rest = &rest[at + "typedef enum".len()..];
        let (Some(open), Some(close)) = (rest.find('{'), rest.find('}')) else {
            break;
        };
        if open < close {
            for item in rest[open + 1..close].split(',') {
                let ident: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !ident.is_empty() {
                    names.insert(ident);
                }
            }
        }
        rest = &rest[close + 1..];
    }
    for line in src.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let ["#define", name, ..] = words.as_slice() {
            if name.starts_with("HPy_TPFLAGS_") {
                names.insert(name.to_string());
            }
        }
    }
    names
}

/// Enumerators of the public headers (`hpy.h` and `hpy/*.h`).
fn scan_headers(include: &Path) -> Result<BTreeSet<String>, String> {
    let mut files = vec![include.join("hpy.h")];
    let dir = include.join("hpy");
    for entry in std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|e| e == "h") {
            files.push(path);
        }
    }
    let mut names = BTreeSet::new();
    for f in files {
        let src = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        names.extend(header_enumerators(&src));
    }
    Ok(names)
}

// ---------------------------------------------------------------------------------------------
// The C probe.
// ---------------------------------------------------------------------------------------------

fn probe_source(checks: &[Check]) -> String {
    let mut src = String::from(
        "/* Generated by hpy-rs/tests/layout.rs. */\n\
         #include <stddef.h>\n#include <stdio.h>\n#include \"hpy.h\"\n\n\
         int main(void) {\n",
    );
    for c in checks {
        assert!(
            !c.key.contains(['"', '\\', '\t', '\n']),
            "check key {:?} cannot be embedded in C",
            c.key
        );
        src.push_str(&format!(
            "    printf(\"%s\\t%lld\\n\", \"{}\", (long long)({}));\n",
            c.key, c.c_expr
        ));
    }
    src.push_str("    return 0;\n}\n");
    src
}

fn target_triple() -> String {
    use std::env::consts::{ARCH, OS};
    match OS {
        "linux" => format!("{ARCH}-unknown-linux-gnu"),
        "macos" => format!("{ARCH}-apple-darwin"),
        "windows" => format!("{ARCH}-pc-windows-msvc"),
        other => format!("{ARCH}-unknown-{other}"),
    }
}

/// Compiles and runs the probe against `include`; returns what it printed, by key.
fn run_probe(label: &str, include: &Path, checks: &[Check]) -> BTreeMap<String, i64> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("layout-probe-{label}"));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("probe.c");
    let exe = dir.join(format!("probe{}", std::env::consts::EXE_SUFFIX));
    std::fs::write(&src, probe_source(checks)).unwrap();

    let triple = target_triple();
    let compiler = cc::Build::new()
        .cargo_metadata(false)
        .opt_level(0)
        .target(&triple)
        .host(&triple)
        .get_compiler();
    assert!(
        !compiler.is_like_msvc(),
        "the layout probe only knows gcc/clang-style command lines"
    );
    // The flags hpy.devel uses for universal-ABI builds.
    let mut cmd = compiler.to_command();
    cmd.arg("-std=gnu11")
        .arg("-DHPY")
        .arg("-DHPY_ABI_UNIVERSAL")
        .arg(format!(
            "-I{}",
            include.join("hpy").join("forbid_python_h").display()
        ))
        .arg(format!("-I{}", include.display()))
        .arg(&src)
        .arg("-o")
        .arg(&exe);
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run the C compiler {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "compiling the layout probe {} failed:\n{cmd:?}\n{}",
        src.display(),
        String::from_utf8_lossy(&out.stderr)
    );

    let out = Command::new(&exe).output().unwrap();
    assert!(
        out.status.success(),
        "{} failed: {:?}",
        exe.display(),
        out.status
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut measured = BTreeMap::new();
    for line in stdout.lines() {
        let (key, value) = line
            .split_once('\t')
            .unwrap_or_else(|| panic!("bad probe line {line:?}"));
        let value = value
            .parse()
            .unwrap_or_else(|_| panic!("bad probe line {line:?}"));
        assert!(
            measured.insert(key.to_string(), value).is_none(),
            "duplicate key {key}"
        );
    }
    measured
}

// ---------------------------------------------------------------------------------------------
// Locating the headers.
// ---------------------------------------------------------------------------------------------

fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn hpy_include_from_runtimes() -> Option<PathBuf> {
    let python = repo_root().join(".runtimes/cpython/bin/python");
    let out = Command::new(python)
        .args([
            "-c",
            "import hpy.devel, os; print(os.path.join(os.path.dirname(hpy.devel.__file__), 'include'))",
        ])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(PathBuf::from(String::from_utf8(out.stdout).ok()?.trim()))
}

/// The include dir for `set`, or `None` (after saying why) when the test should be skipped.
fn locate(set: HeaderSet) -> Option<PathBuf> {
    let (var, what) = match set {
        HeaderSet::Hpy090 => ("HPYRS_HPY_INCLUDE", "HPy 0.9.0"),
        HeaderSet::PyPy => ("HPYRS_PYPY_INCLUDE", "PyPy"),
    };
    if let Some(dir) = std::env::var_os(var) {
        let dir = PathBuf::from(dir);
        assert!(
            dir.join("hpy.h").is_file(),
            "{var}={} has no hpy.h",
            dir.display()
        );
        return Some(dir);
    }
    let dir = match set {
        HeaderSet::Hpy090 => hpy_include_from_runtimes(),
        HeaderSet::PyPy => {
            Some(repo_root().join(".runtimes/pypy/root/usr/lib/pypy3.11/hpy/devel/include"))
        }
    };
    match dir {
        Some(dir) if dir.join("hpy.h").is_file() => Some(dir),
        _ => {
            let msg = format!(
                "{what} headers not found: set {var}, or run `bash scripts/setup-runtimes.sh`"
            );
            if std::env::var("HPYRS_REQUIRE_HEADERS").is_ok_and(|v| v == "1") {
                panic!("{msg} (HPYRS_REQUIRE_HEADERS=1)");
            }
            eprintln!("SKIPPED: {msg}");
            None
        }
    }
}

fn check_against_headers(set: HeaderSet, label: &str) {
    let Some(include) = locate(set) else { return };
    let start = Instant::now();
    let checks = all_checks(set);
    let measured = run_probe(label, &include, &checks);

    let mut problems = compare(&checks, &measured);
    problems.extend(unmirrored(&scan_headers(&include).unwrap(), &checks));
    assert!(
        problems.is_empty(),
        "{} layout mismatch(es) against {}:\n  {}",
        problems.len(),
        include.display(),
        problems.join("\n  ")
    );

    // The real measurements catch a single wrong number.
    let mut perturbed = checks.clone();
    let i = perturbed
        .iter()
        .position(|c| c.key.ends_with(", ctx_Call)"))
        .unwrap();
    perturbed[i].rust += WORD as i64;
    assert_eq!(compare(&perturbed, &measured).len(), 1);

    let count = |p: &str| checks.iter().filter(|c| c.key.starts_with(p)).count();
    let ctx = checks.iter().filter(|c| c.c_expr.contains(CTX)).count();
    let consts = checks
        .iter()
        .filter(|c| !c.c_expr.contains(['(', ' ']))
        .count();
    println!(
        "{label}: {} numbers match {} ({ctx} context [{} offsets, {} kinds], {} other struct \
         sizes/alignments/offsets, {consts} constants) in {:.2?}",
        checks.len(),
        include.display(),
        count(&format!("offsetof({CTX}")),
        count("is_function("),
        checks.len() - ctx - consts,
        start.elapsed()
    );
}

// ---------------------------------------------------------------------------------------------
// Tests.
// ---------------------------------------------------------------------------------------------

#[test]
fn layout_matches_hpy_0_9_0_headers() {
    check_against_headers(HeaderSet::Hpy090, "hpy-0.9.0");
}

#[test]
fn layout_matches_pypy_headers() {
    check_against_headers(HeaderSet::PyPy, "pypy");
}

/// The Rust tables agree with each other, independent of any C headers.
#[test]
fn rust_context_tables_are_consistent() {
    let members: Vec<_> = context::MEMBERS.to_vec();
    let from_macro: Vec<_> = RUST_CTX_FIELDS
        .iter()
        .map(|&(n, id, _, f)| (n, id, f))
        .collect();
    assert_eq!(members, from_macro);
    assert_eq!(context::PYPY_MEMBERS, RUST_PYPY_FIELDS);

    for (i, &(name, id, offset, _)) in RUST_CTX_FIELDS.iter().enumerate() {
        assert_eq!(id, i, "{name}: HPy_IDs must run 0.. in order");
        assert_eq!(
            offset,
            (HEADER_WORDS + id) * WORD,
            "{name}: offset != 24 + 8 * ID"
        );
    }
    assert_eq!(
        size_of::<HPyContext>(),
        (HEADER_WORDS + context::MEMBERS.len()) * WORD
    );

    // PyPy's slots: shifted 0.9.0 members plus PyPy-only ones fill 0..n exactly once.
    let mut slots: Vec<usize> = context::MEMBERS
        .iter()
        .map(|m| slot_index(m.1, 1))
        .collect();
    slots.extend(context::PYPY_MEMBERS.iter().map(|m| m.1));
    slots.sort_unstable();
    assert_eq!(slots, (0..slots.len()).collect::<Vec<_>>());

    if WORD == 8 {
        assert_eq!(size_of::<HPyContext>(), 2128);
        assert_eq!((HEADER_WORDS + slots.len()) * WORD, 2208);
        assert_eq!(offset_of!(HPyContext, ctx_Err_SetString), 1120);
        assert_eq!(
            offset_of!(HPyContext, ctx_CallRealFunctionFromTrampoline),
            1688
        );
    }
}

/// The comparison catches a single wrong number, swapped numbers and missing output.
#[test]
fn comparison_reports_each_wrong_value() {
    for set in [HeaderSet::Hpy090, HeaderSet::PyPy] {
        let checks = all_checks(set);
        let keys: BTreeSet<_> = checks.iter().map(|c| &c.key).collect();
        assert_eq!(keys.len(), checks.len(), "check keys must be unique");
        let truth: BTreeMap<String, i64> = checks.iter().map(|c| (c.key.clone(), c.rust)).collect();
        assert!(compare(&checks, &truth).is_empty());

        let pos = |key: &str| checks.iter().position(|c| c.key == key).unwrap();
        let call = pos(&format!("offsetof({CTX}, ctx_Call)"));
        let method = pos(&format!("offsetof({CTX}, ctx_CallMethod)"));

        // One wrong offset: exactly one report, naming it.
        let mut one = checks.clone();
        one[call].rust += WORD as i64;
        let problems = compare(&one, &truth);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with(&one[call].key), "{problems:?}");

        // Two entries' expectations swapped: both reported.
        let mut swapped = checks.clone();
        let (a, b) = (swapped[call].rust, swapped[method].rust);
        swapped[call].rust = b;
        swapped[method].rust = a;
        assert_eq!(compare(&swapped, &truth).len(), 2);

        // A number the probe did not print.
        let mut partial = truth.clone();
        partial.remove(&checks[method].key);
        let problems = compare(&checks, &partial);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("missing"), "{problems:?}");

        // A constant with a wrong value.
        let mut consts = checks.clone();
        let tp_new = pos("HPy_tp_new");
        consts[tp_new].rust = 64;
        assert_eq!(compare(&consts, &truth).len(), 1);
    }
}

/// The header scan finds enumerators Rust lacks.
#[test]
fn enumerator_scan_finds_unmirrored_names() {
    let src = "typedef enum {\n  HPy_tp_new = 65, /* c, d */\n  // HPy_commented = 9,\n  \
               HPy_tp_bogus,\n} HPySlot_Slot;\n#define HPy_TPFLAGS_BOGUS (1UL << 3)\n\
               #define HPy_TPFLAGS_HAVE_GC (1UL << 14)\nenum { NotTypedef = 1 };\n";
    let names = header_enumerators(src);
    let expected: BTreeSet<String> = [
        "HPy_tp_new",
        "HPy_tp_bogus",
        "HPy_TPFLAGS_BOGUS",
        "HPy_TPFLAGS_HAVE_GC",
    ]
    .map(String::from)
    .into();
    assert_eq!(names, expected);
    let problems = unmirrored(&names, &all_checks(HeaderSet::Hpy090));
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].starts_with("HPy_TPFLAGS_BOGUS"));
    assert!(problems[1].starts_with("HPy_tp_bogus"));
}
