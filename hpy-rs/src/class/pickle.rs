//! Pickling and copying: a class supports them by defining `__reduce__` (or another method of
//! [`PICKLE_METHODS`]); any other class refuses them with CPython's `TypeError`, on every
//! backend.
//!
//! CPython refuses on its own: `object.__reduce_ex__` sees that the instance is bigger than a
//! plain `object` (the payload) and raises `cannot pickle 'T' object`. PyPy (HPy and cpyext)
//! does not, and `copyreg` rebuilds an *empty* instance (`object.__new__` with no payload): a
//! pickle round trip or `copy.copy` silently loses the data. So every class that defines none of
//! those methods gets `__reduce_ex__`/`__reduce__` that raise CPython's errors.

use crate::ctx::Ctx;
use crate::err::HPyResult;
use crate::ffi::{self, call};
use crate::global::Global;
use crate::handle::Handle;

/// The methods through which a class supports pickling (and so `copy.copy`/`copy.deepcopy`,
/// which go through `__reduce_ex__` unless the class has `__copy__`/`__deepcopy__`).
pub const PICKLE_METHODS: &[&str] = &[
    "__reduce__",
    "__reduce_ex__",
    "__getnewargs__",
    "__getnewargs_ex__",
    "__getstate__",
];

/// The refusing methods: CPython's messages, `'module.T'` from protocol 2 on (`tp_name`), `'T'`
/// before (`copyreg`).
const SOURCE: &str = "\
def __reduce_ex__(self, protocol):
    cls = type(self)
    if protocol >= 2:
        name = cls.__module__ + '.' + cls.__qualname__
    else:
        name = cls.__name__
    raise TypeError('cannot pickle %r object' % (name,))

def __reduce__(self):
    raise TypeError('cannot pickle %r object' % (type(self).__name__,))
";

static REFUSERS: Global = Global::new();

/// A namespace holding the two refusing functions.
fn refusers<'py>(ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
    REFUSERS.get_or_init(ctx, || {
        let src = crate::impl_::cstring(SOURCE)?;
        // SAFETY: valid ctx and NUL-terminated source and file name.
        let code = ctx.owned(unsafe {
            call::ctx_Compile_s(
                ctx.as_ptr(),
                src.as_ptr(),
                c"<hpy-rs pickling>".as_ptr(),
                ffi::source_kind::File,
            )
        })?;
        let ns = ctx.new_dict()?;
        ns.set_item("__builtins__", ctx.builtins())?;
        ns.set_item("__name__", "hpy_rs")?;
        // SAFETY: valid ctx, a code object and dict handles.
        ctx.owned(unsafe {
            call::ctx_EvalCode(ctx.as_ptr(), code.as_raw(), ns.as_raw(), ns.as_raw())
        })?;
        Ok(ns)
    })
}

/// Installs the refusing `__reduce_ex__`/`__reduce__` on `ty` unless its own dict has one of
/// [`PICKLE_METHODS`].
pub(crate) fn refuse_unless_supported<'py>(ctx: Ctx<'py>, ty: &Handle<'py>) -> HPyResult<()> {
    let d = ty.getattr("__dict__")?;
    for name in PICKLE_METHODS {
        if d.contains(*name)? {
            return Ok(());
        }
    }
    let ns = refusers(ctx)?;
    for name in ["__reduce_ex__", "__reduce__"] {
        ty.setattr(name, ns.get_item(name)?)?;
    }
    Ok(())
}
