//! `kiwi-core`: an incremental Cassowary linear constraint solver with the
//! semantics of the kiwi C++ library (version 1.3).
//!
//! The solver is generic over the caller's variable key `V` (any
//! `Copy + Eq + Hash` type, e.g. a `u64` id); constraints are identified by
//! caller-chosen `u64` ids.
//!
//! ```
//! use kiwi_core::{strength, Constraint, RelationalOperator, Solver};
//!
//! let (x, y) = (1u64, 2u64);
//! let mut solver = Solver::new();
//! // x == 10
//! solver
//!     .add_constraint(1, Constraint::new([(x, 1.0)], -10.0, RelationalOperator::Equal, strength::REQUIRED))
//!     .unwrap();
//! // x + y == 20
//! solver
//!     .add_constraint(2, Constraint::new([(x, 1.0), (y, 1.0)], -20.0, RelationalOperator::Equal, strength::REQUIRED))
//!     .unwrap();
//! assert_eq!(solver.value_of(y), Some(10.0));
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod constraint;
mod hash;
mod row;
mod solver;
pub mod strength;

pub use constraint::{Constraint, RelationalOperator};
pub use solver::{format_number, write_constraint, DumpContext, Error, Solver, Values};
