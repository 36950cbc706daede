//! `kiwi-core`: an incremental Cassowary linear constraint solver with the
//! semantics of the kiwi C++ library (version 1.3, as shipped in kiwisolver
//! 1.3.2), written from the published algorithm in safe Rust.
//!
//! The solver is generic over the caller's variable key `V` (any
//! `Copy + Eq + Hash` type, e.g. a `u64` id); constraints are identified by
//! caller-chosen `u64` ids.
//!
//! # Fidelity to kiwi
//!
//! Symbols, row operations, pivot choices (including tie-breaking by symbol
//! creation order), the dual simplex after [`Solver::suggest_value`] and the
//! near-zero threshold (`1e-8`) follow kiwi, so results agree bit for bit
//! with kiwisolver 1.3.2 (see `tests/kiwi_golden.rs`), given two things:
//!
//! * Terms are processed in the order of [`Constraint::terms`]. kiwi orders
//!   a constraint's terms by the address of its variables; a different order
//!   can change the last bits of results and, through them, rare tie-breaks.
//! * After an [`Error::UnsatisfiableConstraint`], kiwi keeps the pivots of
//!   its failed phase-one attempt (so values can change); this solver
//!   restores its previous state unless
//!   [`Solver::set_restore_on_unsatisfiable`]`(false)` asks for kiwi's
//!   behaviour.
//!
//! [`Solver::dumps`] reproduces kiwi's debug dump format (which prints rows
//! without their constants).
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
