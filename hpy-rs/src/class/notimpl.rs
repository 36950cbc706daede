//! Returning `NotImplemented` from operators.

use crate::conv::IntoHandle;
use crate::ctx::Ctx;
use crate::err::HPyResult;
use crate::handle::Handle;

/// Python's `NotImplemented` singleton as a return value: an operator method returning it
/// lets Python try the other operand (and raise `TypeError` if neither side supports the
/// operation). An operand that fails to convert to the method's parameter type gives
/// `NotImplemented` automatically; this is for decisions made inside the method.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NotImplemented;

impl<'py> IntoHandle<'py> for NotImplemented {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        Ok(ctx.not_implemented().to_owned())
    }
}

/// A value, or `NotImplemented`: the return type of an operator that supports only some
/// operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrNotImplemented<T> {
    /// The result.
    Value(T),
    /// Python's `NotImplemented`.
    NotImplemented,
}

impl<T> From<T> for OrNotImplemented<T> {
    fn from(v: T) -> Self {
        OrNotImplemented::Value(v)
    }
}

impl<'py, T: IntoHandle<'py>> IntoHandle<'py> for OrNotImplemented<T> {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        match self {
            OrNotImplemented::Value(v) => v.into_handle(ctx),
            OrNotImplemented::NotImplemented => Ok(ctx.not_implemented().to_owned()),
        }
    }
}
