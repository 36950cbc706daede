//! Linear constraints.

use std::collections::HashMap;
use std::hash::Hash;

use crate::hash::FxBuildHasher;
use crate::strength;

/// The relational operator of a constraint `expression OP 0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RelationalOperator {
    /// `expression <= 0`
    LessOrEqual,
    /// `expression >= 0`
    GreaterOrEqual,
    /// `expression == 0`
    Equal,
}

impl RelationalOperator {
    /// The operator as written in kiwi (`"<="`, `">="` or `"=="`).
    pub fn as_str(self) -> &'static str {
        match self {
            RelationalOperator::LessOrEqual => "<=",
            RelationalOperator::GreaterOrEqual => ">=",
            RelationalOperator::Equal => "==",
        }
    }
}

/// A linear constraint `sum(coefficient * variable) + constant OP 0` with a
/// strength.
///
/// Built with [`Constraint::new`], which reduces the expression (terms on the
/// same variable are summed, keeping the order of first appearance) and clips
/// the strength to `[0, REQUIRED]`, as kiwi's `Constraint` constructor does.
#[derive(Clone, Debug, PartialEq)]
pub struct Constraint<V> {
    terms: Vec<(V, f64)>,
    constant: f64,
    op: RelationalOperator,
    strength: f64,
}

/// Above this many terms the reduction uses a hash map instead of a scan.
const REDUCE_SCAN_LIMIT: usize = 16;

impl<V: Copy + Eq + Hash> Constraint<V> {
    /// Creates a constraint `terms + constant OP 0` with the given strength.
    ///
    /// Terms on the same variable are combined (zero coefficients are kept, as
    /// in kiwi; the solver ignores near-zero terms). The strength is clipped
    /// with [`strength::clip`].
    pub fn new<I>(terms: I, constant: f64, op: RelationalOperator, strength: f64) -> Self
    where
        I: IntoIterator<Item = (V, f64)>,
    {
        let iter = terms.into_iter();
        let mut reduced: Vec<(V, f64)> = Vec::with_capacity(iter.size_hint().0);
        let mut index: Option<HashMap<V, usize, FxBuildHasher>> = None;
        for (var, coefficient) in iter {
            let slot = match &index {
                Some(map) => map.get(&var).copied(),
                None => reduced.iter().position(|(v, _)| *v == var),
            };
            match slot {
                Some(i) => reduced[i].1 += coefficient,
                None => {
                    reduced.push((var, 0.0 + coefficient));
                    if let Some(map) = &mut index {
                        map.insert(var, reduced.len() - 1);
                    } else if reduced.len() > REDUCE_SCAN_LIMIT {
                        index = Some(
                            reduced
                                .iter()
                                .enumerate()
                                .map(|(i, (v, _))| (*v, i))
                                .collect(),
                        );
                    }
                }
            }
        }
        Constraint {
            terms: reduced,
            constant,
            op,
            strength: strength::clip(strength),
        }
    }
}

impl<V> Constraint<V> {
    /// The reduced terms `(variable, coefficient)`, in order of first
    /// appearance.
    pub fn terms(&self) -> &[(V, f64)] {
        &self.terms
    }

    /// The constant of the expression.
    pub fn constant(&self) -> f64 {
        self.constant
    }

    /// The relational operator.
    pub fn op(&self) -> RelationalOperator {
        self.op
    }

    /// The (clipped) strength.
    pub fn strength(&self) -> f64 {
        self.strength
    }

    /// Whether the constraint is required (`strength >= REQUIRED`).
    pub fn is_required(&self) -> bool {
        self.strength >= strength::REQUIRED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduces_terms_and_clips_strength() {
        let c = Constraint::new(
            [(1u64, 1.0), (2, 2.0), (1, 3.0), (3, 0.0)],
            -4.0,
            RelationalOperator::Equal,
            5e9,
        );
        assert_eq!(c.terms(), &[(1, 4.0), (2, 2.0), (3, 0.0)]);
        assert_eq!(c.constant(), -4.0);
        assert_eq!(c.strength(), strength::REQUIRED);
        assert!(c.is_required());
        let weak = Constraint::new([(1u64, 1.0)], 0.0, RelationalOperator::LessOrEqual, -3.0);
        assert_eq!(weak.strength(), 0.0);
        assert!(!weak.is_required());
    }

    #[test]
    fn reduces_many_terms() {
        let terms = (0..100u64).map(|i| (i % 40, 1.0));
        let c = Constraint::new(terms, 0.0, RelationalOperator::GreaterOrEqual, 1.0);
        assert_eq!(c.terms().len(), 40);
        for (i, &(v, coef)) in c.terms().iter().enumerate() {
            assert_eq!(v, i as u64);
            assert_eq!(coef, if i < 20 { 3.0 } else { 2.0 });
        }
    }
}
