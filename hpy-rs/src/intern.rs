//! Attribute names: [`AttrName`] lets `getattr`/`setattr`/`hasattr`/`call_method` take a Rust
//! `&str` (encoded for each call) or a Python `str` handle (used as is), and [`intern!`] gives a
//! process-wide cached, interned Python `str` for names used on hot paths.

use crate::ctx::Ctx;
use crate::err::HPyResult;
use crate::ffi::HPy;
use crate::global::Global;
use crate::handle::{Borrowed, Handle};
use crate::impl_::with_cstr;
use core::ffi::c_char;

/// A name for the attribute methods of [`Handle`]: `&str` (and `&String`), or a `str` object
/// (`&Handle`, `Handle`, `Borrowed`, or an [`intern!`] name).
pub trait AttrName<'py> {
    /// Calls `by_str` with the name as a NUL-terminated UTF-8 string, or `by_obj` with it as a
    /// `str` handle (borrowed for the call), whichever the name already is.
    #[doc(hidden)]
    fn with_name<R>(
        self,
        ctx: Ctx<'py>,
        by_str: impl FnOnce(*const c_char) -> R,
        by_obj: impl FnOnce(HPy) -> R,
    ) -> HPyResult<R>;
}

impl<'py> AttrName<'py> for &str {
    #[inline]
    fn with_name<R>(
        self,
        _ctx: Ctx<'py>,
        by_str: impl FnOnce(*const c_char) -> R,
        _by_obj: impl FnOnce(HPy) -> R,
    ) -> HPyResult<R> {
        with_cstr(self, by_str)
    }
}

macro_rules! name_via {
    ($($t:ty => |$v:ident| $e:expr;)*) => {$(
        impl<'py> AttrName<'py> for $t {
            #[inline]
            fn with_name<R>(
                self,
                ctx: Ctx<'py>,
                by_str: impl FnOnce(*const c_char) -> R,
                by_obj: impl FnOnce(HPy) -> R,
            ) -> HPyResult<R> {
                let $v = self;
                ($e).with_name(ctx, by_str, by_obj)
            }
        }
    )*};
}

name_via! {
    &&str => |s| *s;
    &String => |s| s.as_str();
    &std::borrow::Cow<'_, str> => |s| &**s;
    Handle<'py> => |h| &h;
    Borrowed<'_, 'py> => |h| h.as_handle();
    &Borrowed<'_, 'py> => |h| h.as_handle();
}

impl<'py> AttrName<'py> for &Handle<'py> {
    #[inline]
    fn with_name<R>(
        self,
        _ctx: Ctx<'py>,
        _by_str: impl FnOnce(*const c_char) -> R,
        by_obj: impl FnOnce(HPy) -> R,
    ) -> HPyResult<R> {
        Ok(by_obj(self.as_raw()))
    }
}

impl<'py> AttrName<'py> for &'static Interned {
    #[inline]
    fn with_name<R>(
        self,
        ctx: Ctx<'py>,
        by_str: impl FnOnce(*const c_char) -> R,
        by_obj: impl FnOnce(HPy) -> R,
    ) -> HPyResult<R> {
        // On PyPy, loading the global and closing the loaded handle are two more transitions
        // into the runtime than its `*_s` functions, which make the name cheaply: there the
        // NUL-terminated text is passed as is (measured by `bench/intern.py`).
        if crate::ffi::is_pypy() {
            return Ok(by_str(self.text.as_ptr().cast()));
        }
        let name = self.get(ctx)?;
        Ok(by_obj(name.as_raw()))
    }
}

/// A Python `str` made once per process (on first use), interned (`sys.intern`) and kept in a
/// [`Global`]: what [`intern!`] expands to. Reusing it skips encoding the name into a new
/// `str` on every attribute access or dict lookup.
pub struct Interned {
    /// The name followed by one NUL.
    text: &'static str,
    global: Global,
}

impl core::fmt::Debug for Interned {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Interned({:?})", self.as_str())
    }
}

impl Interned {
    /// A name not made yet, from its text followed by one NUL (what [`intern!`] passes).
    /// Text without the final NUL, or with another NUL, fails to compile in a `static`.
    #[doc(hidden)]
    pub const fn from_nul_terminated(text: &'static str) -> Interned {
        let b = text.as_bytes();
        assert!(
            !b.is_empty() && b[b.len() - 1] == 0,
            "an interned name is NUL-terminated"
        );
        let mut i = 0;
        while i + 1 < b.len() {
            assert!(b[i] != 0, "an interned name cannot contain NUL");
            i += 1;
        }
        Interned {
            text,
            global: Global::new(),
        }
    }

    /// The text.
    pub fn as_str(&self) -> &'static str {
        &self.text[..self.text.len() - 1]
    }

    /// A handle to the `str` object, made (and interned) on first use.
    #[inline]
    pub fn get<'py>(&'static self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        self.global.get_or_init(ctx, || {
            let s = ctx.new_str(self.as_str())?;
            ctx.import("sys")?.call_method("intern", (s,))
        })
    }
}

impl<'py> crate::IntoHandle<'py> for &'static Interned {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        self.get(ctx)
    }
}

/// A cached, interned Python `str` for a name used on a hot path, like PyO3's `intern!`:
/// `obj.getattr(intern!(ctx, "x"))`, `d.get_item(intern!(ctx, "key"))`. The string is made on
/// first use and kept for the life of the process; every later use costs one load of it
/// instead of encoding the name into a new `str` (on PyPy, whose runtime makes names from C
/// strings cheaply, attribute access passes the static text instead). It goes wherever a name
/// ([`AttrName`]) or a value ([`IntoHandle`](crate::IntoHandle)) is taken. The name must be a
/// string literal without NUL.
///
/// ```
/// use hpy_rs::prelude::*;
///
/// fn real_part(z: &Handle<'_>) -> HPyResult<f64> {
///     z.getattr(intern!(z.ctx(), "real"))?.extract()
/// }
/// ```
#[macro_export]
macro_rules! intern {
    ($ctx:expr, $text:literal) => {{
        let _: $crate::Ctx<'_> = $ctx;
        static INTERNED: $crate::Interned =
            $crate::Interned::from_nul_terminated(::core::concat!($text, "\0"));
        &INTERNED
    }};
}
