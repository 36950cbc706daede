//! Exceptions that are more than a message: the constructor arguments and attributes of a lazy
//! [`HPyErr`](crate::HPyErr), turned into objects only when the error is raised (or matched).

use crate::ctx::Ctx;
use crate::err::{ExcType, HPyResult};
use crate::handle::Handle;
use crate::IntoHandle;
use std::borrow::Cow;
use std::path::PathBuf;

/// How to build the exception: `class(*args)`, then `setattr` of each attribute.
pub(crate) struct Value {
    pub args: Vec<Arg>,
    pub attrs: Vec<(&'static str, Arg)>,
}

/// One argument or attribute value, as Rust data (an `HPyErr` holds no handle).
pub(crate) enum Arg {
    Str(Cow<'static, str>),
    Bytes(Vec<u8>),
    Int(i64),
    /// A file name: a `str`, decoded like `os.fsdecode`.
    Path(PathBuf),
    /// `os.strerror(errno)`, the text the runtimes put in their own `OSError`s.
    Strerror(i32),
}

impl Arg {
    fn to_handle<'py>(&self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        match self {
            Arg::Str(s) => s.as_ref().into_handle(ctx),
            Arg::Bytes(b) => b.as_slice().into_handle(ctx),
            Arg::Int(i) => i.into_handle(ctx),
            Arg::Path(p) => p.as_path().into_handle(ctx),
            Arg::Strerror(errno) => ctx.import("os")?.call_method("strerror", (*errno,)),
        }
    }
}

impl Value {
    /// The exception instance.
    pub fn instantiate<'py>(&self, ctx: Ctx<'py>, ty: ExcType) -> HPyResult<Handle<'py>> {
        let cls = ty.load(ctx);
        let args = self
            .args
            .iter()
            .map(|a| a.to_handle(ctx))
            .collect::<HPyResult<Vec<_>>>()?;
        let e = cls.call(args.as_slice())?;
        for (name, value) in &self.attrs {
            e.setattr(*name, value.to_handle(ctx)?)?;
        }
        Ok(e)
    }
}
