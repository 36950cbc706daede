//! # hpy-rs
//!
//! Write Python extension modules in Rust against [HPy](https://hpyproject.org)'s universal
//! ABI: one compiled `name.hpy0.so` runs on CPython (with the `hpy` package) and natively on
//! PyPy.
//!
//! ```no_run
//! use hpy_rs::prelude::*;
//!
//! /// A tiny module.
//! #[hpy_module]
//! mod hello {
//!     use hpy_rs::prelude::*;
//!
//!     /// Greets someone.
//!     #[hpy_function(signature = (name = "world"))]
//!     fn greet(name: &str) -> String {
//!         format!("Hello, {name}!")
//!     }
//! }
//! # fn main() {}
//! ```
//!
//! Layers, bottom up (see `ARCHITECTURE.md`): [`ffi`] (the raw ABI) → [`Ctx`], [`Handle`],
//! [`Global`] (handles and context) → [`FromHandle`]/[`IntoHandle`] (conversions) and
//! [`HPyErr`] (errors) → classes → the macros.

#![warn(missing_docs)]

pub mod backend;
#[cfg(doctest)]
mod book_tests;
pub mod class;
pub mod conv;
mod ctx;
mod current;
pub mod err;
mod err_value;
pub mod exc;
pub mod ffi;
mod global;
mod handle;
#[doc(hidden)]
pub mod impl_;
mod intern;
pub mod iter;
mod object;
mod py;
mod std_errors;
mod varargs;

pub use class::{Field, Ref, RefMut, SeqIndex};
pub use conv::{FromHandle, IntoHandle};
pub use ctx::{BuiltinType, Ctx};
pub use current::{check_recorded, error_recorded, record_error, with_ctx, with_ctx_or};
pub use err::{ExcType, HPyErr, HPyResult};
pub use global::Global;
pub use handle::{Borrowed, Handle};
pub use hpy_rs_macros::{hpy_class, hpy_exception, hpy_function, hpy_methods, hpy_module};
pub use intern::{AttrName, Interned};
pub use object::{CompareOp, IntoArgs};
#[doc(hidden)]
pub use py::{deferred_count, table_live};
pub use py::{Py, PyAny};
pub use std_errors::IoResultExt;
pub use varargs::VarArgs;

/// Everything a module author usually needs.
pub mod prelude {
    pub use crate::exc;
    pub use crate::intern;
    pub use crate::{
        hpy_class, hpy_exception, hpy_function, hpy_methods, hpy_module, BuiltinType, CompareOp,
        Ctx, Field, FromHandle, Global, HPyErr, HPyResult, Handle, IntoHandle, IoResultExt, Py,
        Ref, RefMut, SeqIndex, VarArgs,
    };
}
