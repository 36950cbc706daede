//! Layer 3, conversions between Rust values and Python objects: [`FromHandle`] (Python → Rust)
//! and [`IntoHandle`] (Rust → Python).
//!
//! | Rust | Python |
//! |---|---|
//! | `bool` | `bool` (extraction requires a `bool`) |
//! | `i8`…`i128`, `isize`, `u8`…`u128`, `usize` | `int` (`__index__` honoured, `OverflowError` out of range) |
//! | `f32`, `f64` | `float` (ints and `__float__` accepted) |
//! | `&str`, `String`, `char`, `Cow<str>` | `str` (`&str` borrows the runtime's UTF-8 buffer; lone surrogates raise `UnicodeEncodeError` on every runtime) |
//! | `&[u8]` (borrowed, fast), `Vec<u8>` | `bytes` (`Vec<u8>` also from any sequence of ints) |
//! | `Option<T>` | `T` or `None` |
//! | `()` | `None` |
//! | `Vec<T>` | `list` (extraction from any sequence or iterable but `str`) |
//! | `Vec<&str>`, `Vec<Cow<str>>`, `Vec<&[u8]>` | `list` (items borrowed; their handles stay open until the call returns) |
//! | tuples up to 8 | `tuple` |
//! | `HashMap<K, V>`, `BTreeMap<K, V>`, `IndexMap<K, V>` (feature `indexmap`) | `dict` (in order where the map has one) |
//! | `HashSet<T>`, `BTreeSet<T>` | `set` (extraction from `set`/`frozenset`) |
//! | `PathBuf`, `&Path`, `OsString`, `&OsStr` | `str` (paths also from `bytes`/`os.PathLike`, as `open()`) |
//! | `Duration` | `datetime.timedelta` |
//! | [`Handle`], `&Handle` | any object |

mod collections;
/// Invokes macro `$m` with every tuple arity the conversions support (1 to 8), as
/// `n: (TypeParam index, …)` lines.
#[doc(hidden)]
#[macro_export]
macro_rules! for_tuple_arities {
    ($m:ident) => {
        $m! {
            1: (A 0)
            2: (A 0, B 1)
            3: (A 0, B 1, C 2)
            4: (A 0, B 1, C 2, D 3)
            5: (A 0, B 1, C 2, D 3, E 4)
            6: (A 0, B 1, C 2, D 3, E 4, F 5)
            7: (A 0, B 1, C 2, D 3, E 4, F 5, G 6)
            8: (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
        }
    };
}

mod numbers;
pub(crate) use numbers::int_overflow;
mod path;
mod text;
mod time;

use crate::ctx::Ctx;
use crate::err::HPyResult;
use crate::handle::{Borrowed, Handle};

/// Conversion of a Python object to a Rust value. `'a` is how long the source handle is
/// borrowed (so `&'a str` can point into the runtime's string), `'py` the current call.
pub trait FromHandle<'a, 'py>: Sized {
    /// Extracts the value, or raises `TypeError`/`OverflowError`/… as CPython would.
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self>;
}

/// Conversion of a Rust value into a (new) Python object.
pub trait IntoHandle<'py>: Sized {
    /// Makes the Python object.
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>>;

    /// Converts the value for placing into a new container (tuple, list): borrowed handles
    /// and constants are passed through without the dup/close pair an owned handle needs.
    #[doc(hidden)]
    #[inline(always)]
    fn into_item(self, ctx: Ctx<'py>) -> HPyResult<Item<'py>> {
        Ok(Item::Owned(self.into_handle(ctx)?))
    }

    /// Converts a `Vec<Self>` (a `list`; `u8` makes `bytes`).
    #[doc(hidden)]
    fn vec_into_handle(v: Vec<Self>, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        collections::list_from_iter(ctx, v)
    }

    /// Converts a `&[Self]` (a `list`; `u8` makes `bytes`).
    #[doc(hidden)]
    fn slice_into_handle(s: &[Self], ctx: Ctx<'py>) -> HPyResult<Handle<'py>>
    where
        Self: Clone,
    {
        collections::list_from_iter(ctx, s.iter().cloned())
    }
}

/// A value about to be stored into a new container, see [`IntoHandle::into_item`].
#[doc(hidden)]
pub enum Item<'py> {
    /// A new handle (closed after the container took its own reference).
    Owned(Handle<'py>),
    /// A handle that stays valid for longer than the container's construction.
    Borrowed(crate::ffi::HPy),
}

impl Item<'_> {
    /// The raw handle to store.
    #[inline(always)]
    pub fn raw(&self) -> crate::ffi::HPy {
        match self {
            Item::Owned(h) => h.as_raw(),
            Item::Borrowed(h) => *h,
        }
    }
}

impl<'a, 'py> FromHandle<'a, 'py> for &'a Handle<'py> {
    #[inline(always)]
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        Ok(obj)
    }
}

impl<'a, 'py> FromHandle<'a, 'py> for Handle<'py> {
    #[inline(always)]
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        Ok(obj.dup())
    }
}

impl<'py> IntoHandle<'py> for Handle<'py> {
    #[inline(always)]
    fn into_handle(self, _ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        Ok(self)
    }
}

impl<'py> IntoHandle<'py> for &Handle<'py> {
    #[inline(always)]
    fn into_handle(self, _ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        Ok(self.dup())
    }
    #[inline(always)]
    fn into_item(self, _ctx: Ctx<'py>) -> HPyResult<Item<'py>> {
        // The referenced handle outlives the container's construction.
        Ok(Item::Borrowed(self.as_raw()))
    }
}

impl<'py> IntoHandle<'py> for Borrowed<'_, 'py> {
    #[inline(always)]
    fn into_handle(self, _ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        Ok(self.dup())
    }
    #[inline(always)]
    fn into_item(self, _ctx: Ctx<'py>) -> HPyResult<Item<'py>> {
        // A borrowed handle is valid for the whole call.
        Ok(Item::Borrowed(self.as_raw()))
    }
}

impl<'py> IntoHandle<'py> for () {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        Ok(ctx.none().to_owned())
    }
    #[inline(always)]
    fn into_item(self, ctx: Ctx<'py>) -> HPyResult<Item<'py>> {
        Ok(Item::Borrowed(ctx.none().as_raw()))
    }
}

impl<'py, T: IntoHandle<'py>> IntoHandle<'py> for Option<T> {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        match self {
            Some(v) => v.into_handle(ctx),
            None => Ok(ctx.none().to_owned()),
        }
    }
    #[inline]
    fn into_item(self, ctx: Ctx<'py>) -> HPyResult<Item<'py>> {
        match self {
            Some(v) => v.into_item(ctx),
            None => Ok(Item::Borrowed(ctx.none().as_raw())),
        }
    }
}

impl<'a, 'py, T: FromHandle<'a, 'py>> FromHandle<'a, 'py> for Option<T> {
    #[inline]
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        if obj.is_none() {
            Ok(None)
        } else {
            T::extract(obj).map(Some)
        }
    }
}

impl<'py, T: IntoHandle<'py>, E: Into<crate::HPyErr>> IntoHandle<'py> for Result<T, E> {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        self.map_err(Into::into)?.into_handle(ctx)
    }
}
