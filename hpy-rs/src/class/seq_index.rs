//! `SeqIndex`: the key type that makes `__getitem__`/`__setitem__`/`__delitem__` a sequence
//! protocol (`sq_item`/`sq_ass_item`) instead of a mapping one.

use crate::err::HPyResult;
use crate::exc;
use core::ops::Deref;

/// An item index normalised by the runtime, like the index a built-in sequence receives.
///
/// Taking `SeqIndex` as the key of `__getitem__`, `__setitem__` or `__delitem__` registers the
/// method as a *sequence* slot (`sq_item`, `sq_ass_item`) and no mapping slot. Both
/// interpreters then convert the key with `__index__` themselves and add `len(self)` to a
/// negative one (when the class has `__len__`), so `a[-1]` reaches the method as
/// `len(a) - 1`, exactly as it does on CPython and on PyPy for C extensions. An index still
/// negative after that raises `IndexError` before the method runs; the upper bound is the
/// method's to check ([`SeqIndex::in_range`]). Keys that are not integers (`a["x"]`, slices)
/// raise `TypeError` in the runtime.
///
/// It is also the fastest key: the runtime passes a machine integer, so there is no key
/// object to convert. Use an integer type (`isize`, `usize`, …) instead to see the key as
/// written (a mapping slot: negative indices arrive unchanged) or any other type for mapping
/// keys.
///
/// ```
/// # fn main() {}
/// #[hpy_rs::hpy_module]
/// mod seq {
///     use hpy_rs::prelude::*;
///     use hpy_rs::SeqIndex;
///
///     #[hpy_class]
///     pub struct Row {
///         cells: Vec<f64>,
///     }
///
///     #[hpy_methods]
///     impl Row {
///         fn __len__(&self) -> usize {
///             self.cells.len()
///         }
///         fn __getitem__(&self, i: SeqIndex) -> HPyResult<f64> {
///             Ok(self.cells[i.in_range(self.cells.len())?])
///         }
///         fn __setitem__(&mut self, i: SeqIndex, v: f64) -> HPyResult<()> {
///             let i = i.in_range(self.cells.len())?;
///             self.cells[i] = v;
///             Ok(())
///         }
///     }
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SeqIndex(usize);

impl SeqIndex {
    /// The index.
    #[inline]
    pub fn get(self) -> usize {
        self.0
    }

    /// The index if it is below `len`, else `IndexError("index out of range")`.
    #[inline]
    pub fn in_range(self, len: usize) -> HPyResult<usize> {
        if self.0 < len {
            Ok(self.0)
        } else {
            Err(out_of_range())
        }
    }
}

impl Deref for SeqIndex {
    type Target = usize;
    #[inline]
    fn deref(&self) -> &usize {
        &self.0
    }
}

impl From<SeqIndex> for usize {
    #[inline]
    fn from(i: SeqIndex) -> usize {
        i.0
    }
}

#[cold]
fn out_of_range() -> crate::HPyErr {
    exc::IndexError::new_err("index out of range")
}

/// A key type of an integer-keyed item method, built from the index the sequence slots
/// (`sq_item`, `sq_ass_item`) receive, without a Python int in between.
#[doc(hidden)]
pub trait IndexArg: Sized {
    /// The key for index `i`.
    fn from_index(i: isize) -> HPyResult<Self>;
}

impl IndexArg for SeqIndex {
    #[inline]
    fn from_index(i: isize) -> HPyResult<Self> {
        if i < 0 {
            return Err(out_of_range());
        }
        Ok(SeqIndex(i as usize))
    }
}

macro_rules! index_arg {
    ($($t:ty),*) => {$(
        impl IndexArg for $t {
            #[inline]
            fn from_index(i: isize) -> HPyResult<Self> {
                <$t>::try_from(i).map_err(|_| crate::conv::int_overflow::<$t>(i < 0))
            }
        }
    )*};
}
index_arg!(isize, usize, i64, i32, u64, u32);
