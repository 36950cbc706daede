//! [`VarArgs`]: a function's `*args`, borrowed straight from the call.

use crate::conv::IntoHandle;
use crate::ctx::Ctx;
use crate::err::HPyResult;
use crate::ffi::HPy;
use crate::handle::{Borrowed, Handle};

/// The extra positional arguments of a call, for a `*args` parameter typed `VarArgs`: the
/// runtime's argument handles, borrowed for the call, with no tuple built. (Type the
/// parameter `&Handle` instead to receive a real `tuple`.)
///
/// ```
/// #[hpy_rs::hpy_module]
/// mod demo {
///     use hpy_rs::prelude::*;
///
///     /// The number of arguments that are `None`.
///     #[hpy_function(signature = (*args))]
///     fn count_none(args: VarArgs<'_, '_>) -> usize {
///         args.iter().filter(|a| a.is_none()).count()
///     }
/// }
/// # fn main() {}
/// ```
#[derive(Clone, Copy)]
pub struct VarArgs<'a, 'py> {
    ctx: Ctx<'py>,
    items: &'a [HPy],
}

impl<'a, 'py: 'a> VarArgs<'a, 'py> {
    /// The arguments from index `start` of the `nargs` handles at `args`.
    ///
    /// # Safety
    /// `args` must point to `nargs` valid handles of `ctx`'s call that outlive `'a`.
    #[doc(hidden)]
    #[inline(always)]
    pub unsafe fn from_raw(ctx: Ctx<'py>, args: *const HPy, nargs: usize, start: usize) -> Self {
        let items = if nargs > start {
            // SAFETY: the caller guarantees `nargs` valid handles at `args`.
            unsafe { core::slice::from_raw_parts(args.add(start), nargs - start) }
        } else {
            &[]
        };
        VarArgs { ctx, items }
    }

    /// How many extra positional arguments were passed.
    #[inline]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether no extra positional argument was passed.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Argument `i`, if there is one.
    #[inline]
    pub fn get(&self, i: usize) -> Option<Borrowed<'a, 'py>> {
        // SAFETY: the handles are valid (borrowed) for `'a`, within this call.
        self.items
            .get(i)
            .map(|&h| unsafe { Borrowed::from_raw(self.ctx, h) })
    }

    /// The arguments in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Borrowed<'a, 'py>> + use<'a, 'py> {
        let ctx = self.ctx;
        // SAFETY: as for `get`.
        self.items
            .iter()
            .map(move |&h| unsafe { Borrowed::from_raw(ctx, h) })
    }

    /// The arguments as a new `tuple`.
    pub fn to_tuple(&self) -> HPyResult<Handle<'py>> {
        self.ctx.tuple_from_raw(self.items)
    }
}

impl<'py> IntoHandle<'py> for VarArgs<'_, 'py> {
    /// A `tuple` of the arguments.
    fn into_handle(self, _ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        self.to_tuple()
    }
}
