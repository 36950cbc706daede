//! Layer 1, the raw universal ABI of HPy 0.9: the context (derived from one member table), the
//! definition structs, enums and flags, and the trampoline argument structs. Nothing here is
//! safe to use directly; the safe layer is built on [`crate::Ctx`].

#[macro_use]
mod ctx_table;
pub mod context;
pub mod cpython_fast;
pub mod defs;
pub mod trampoline_args;
pub mod types;

pub use context::{call, detect_layout, id, is_pypy, layout_shift, pypy, HPyContext};
pub use defs::*;
pub use types::*;
