//! The backends: what implements the context behind [`crate::Ctx`].
//!
//! hpy-rs code above this layer only ever talks to an `HPyContext`. Which one it gets depends
//! on the entry point the interpreter called:
//!
//! | entry point | loader | backend | context |
//! |---|---|---|---|
//! | `HPyInit_<name>` | `hpy.universal` (CPython + `hpy`), PyPy's `_hpy_universal` | HPy | the runtime's: universal, debug or trace |
//! | `PyInit_<name>` | `importlib.machinery.ExtensionFileLoader` (CPython 3.11+, PyPy's cpyext) | C API | [`capi`]: one hpy-rs builds over the interpreter's C API |
//!
//! Both entry points are in every binary. One binary is loaded through one of them per process
//! (loading the same file both ways in one process is not supported: its statics are shared).

pub mod capi;

/// Which backend this binary was loaded through.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Backend {
    /// An HPy runtime (`hpy.universal` on CPython, PyPy's built-in HPy), in any mode.
    Hpy,
    /// hpy-rs's C-API context over CPython's C API.
    CApiCPython,
    /// hpy-rs's C-API context over PyPy's cpyext.
    CApiCpyext,
}

/// The backend this binary was loaded through (`Hpy` until `PyInit_<name>` ran).
#[inline]
pub fn current() -> Backend {
    if !capi::is_active() {
        Backend::Hpy
    } else if capi::is_cpyext() {
        Backend::CApiCpyext
    } else {
        Backend::CApiCPython
    }
}

/// The name a module reports in its `__hpy_backend__` attribute: `"capi"` on the C-API
/// backend (CPython or cpyext: `sys.implementation` tells which), else the HPy mode of the
/// context, `"hpy-universal"`, `"hpy-debug"` or `"hpy-trace"`.
pub fn name(ctx: crate::Ctx<'_>) -> &'static str {
    if capi::is_active() {
        "capi"
    } else if ctx.name().contains("Debug") {
        "hpy-debug"
    } else if ctx.name().contains("Trace") {
        "hpy-trace"
    } else {
        "hpy-universal"
    }
}
