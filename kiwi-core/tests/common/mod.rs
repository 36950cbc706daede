//! Shared helpers for the integration tests and the benchmark example.
#![allow(dead_code)]

pub mod layout;

use kiwi_core::{Constraint, RelationalOperator};

/// Shorthand for `Constraint::new`.
pub fn cn(
    terms: &[(u64, f64)],
    constant: f64,
    op: RelationalOperator,
    strength: f64,
) -> Constraint<u64> {
    Constraint::new(terms.iter().copied(), constant, op, strength)
}
