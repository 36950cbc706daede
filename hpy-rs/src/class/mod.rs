//! Layer 4, classes: Rust structs as pure HPy types (builtin shape Object).
//!
//! The payload of every instance is a [`ClassCell<T>`]: a borrow flag plus the value. Methods
//! borrow it through [`Ref`] (shared) and [`RefMut`] (exclusive); a conflicting borrow (e.g.
//! `a.f(a)` where `f` takes `&mut self`) raises `RuntimeError` instead of aliasing, so no
//! Python code can reach undefined behaviour. Python objects held by a payload live in
//! [`Field`]s, which `tp_traverse` visits (generated), and the payload's `Drop` runs from
//! `tp_destroy`, where no [`crate::Ctx`] exists, so it cannot call into Python.

mod cell;
mod create;
mod field;
mod notimpl;
mod pickle;
mod seq_index;
mod traverse;

pub use cell::{is_instance_of, new_instance, new_instance_of_type, ClassCell, Ref, RefMut};
pub use create::{add_class, install_static_methods, register_with, HPyClass};
pub use field::Field;
pub use notimpl::{NotImplemented, OrNotImplemented};
pub use pickle::PICKLE_METHODS;
#[doc(hidden)]
pub use seq_index::IndexArg;
pub use seq_index::SeqIndex;
pub use traverse::{Traverse, Visit};
