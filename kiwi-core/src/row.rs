//! Tableau symbols and rows.

use std::cmp::Ordering;

/// Threshold under which a value is treated as zero.
pub(crate) const EPSILON: f64 = 1.0e-8;

/// `|value| < 1e-8` (false for NaN), i.e. kiwi's
/// `value < 0 ? -value < eps : value < eps`.
#[inline(always)]
pub(crate) fn near_zero(value: f64) -> bool {
    value.abs() < EPSILON
}

/// Kind of a tableau symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SymbolKind {
    /// A user variable.
    External = 1,
    /// Slack of an inequality (or an artificial variable).
    Slack = 2,
    /// Error variable of a non-required constraint.
    Error = 3,
    /// Marker of a required equality.
    Dummy = 4,
}

const KIND_BITS: u32 = 3;
const KIND_MASK: u64 = (1 << KIND_BITS) - 1;

/// A tableau symbol: a creation-ordered id with a kind packed in the low bits.
///
/// Symbols compare by id (ids are unique, so comparing the packed value is the
/// same as comparing ids), which makes every ordered container iterate in
/// creation order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Symbol(u64);

impl Symbol {
    #[inline]
    pub(crate) fn new(id: u64, kind: SymbolKind) -> Symbol {
        Symbol((id << KIND_BITS) | kind as u64)
    }

    #[inline]
    pub(crate) fn id(self) -> u64 {
        self.0 >> KIND_BITS
    }

    #[inline]
    pub(crate) fn kind(self) -> SymbolKind {
        match self.0 & KIND_MASK {
            1 => SymbolKind::External,
            2 => SymbolKind::Slack,
            3 => SymbolKind::Error,
            _ => SymbolKind::Dummy,
        }
    }

    #[inline]
    pub(crate) fn is_external(self) -> bool {
        self.0 & KIND_MASK == SymbolKind::External as u64
    }

    #[inline]
    pub(crate) fn is_dummy(self) -> bool {
        self.0 & KIND_MASK == SymbolKind::Dummy as u64
    }

    /// Slack or error symbols can be pivoted on.
    #[inline]
    pub(crate) fn is_pivotable(self) -> bool {
        let k = self.0 & KIND_MASK;
        k == SymbolKind::Slack as u64 || k == SymbolKind::Error as u64
    }
}

/// One `(symbol, coefficient)` entry of a row.
pub(crate) type Cell = (Symbol, f64);

/// Bit of `symbol` in a row's membership filter.
#[inline]
fn filter_bit(symbol: Symbol) -> u64 {
    1u64 << (symbol.id() & 63)
}

/// A linear row `constant + sum(coefficient * symbol)`, cells sorted by symbol.
///
/// `filter` is a superset of `filter_bit(s)` over the row's symbols: a
/// cleared bit proves a symbol absent without searching the cells.
#[derive(Clone, Debug, Default)]
pub(crate) struct Row {
    pub(crate) constant: f64,
    filter: u64,
    pub(crate) cells: Vec<Cell>,
}

impl PartialEq for Row {
    fn eq(&self, other: &Row) -> bool {
        self.constant == other.constant && self.cells == other.cells
    }
}

impl Row {
    pub(crate) fn new(constant: f64) -> Row {
        Row {
            constant,
            filter: 0,
            cells: Vec::new(),
        }
    }

    /// Whether `symbol` may be in the row (no false negatives).
    #[inline]
    fn may_contain(&self, symbol: Symbol) -> bool {
        self.filter & filter_bit(symbol) != 0
    }

    #[inline]
    fn find(&self, symbol: Symbol) -> Result<usize, usize> {
        // Rows are short: a linear scan beats a binary search for tiny rows.
        if self.cells.len() <= 8 {
            for (i, &(s, _)) in self.cells.iter().enumerate() {
                match s.cmp(&symbol) {
                    Ordering::Less => continue,
                    Ordering::Equal => return Ok(i),
                    Ordering::Greater => return Err(i),
                }
            }
            Err(self.cells.len())
        } else {
            self.cells.binary_search_by(|&(s, _)| s.cmp(&symbol))
        }
    }

    /// Coefficient of `symbol`, `0.0` when absent.
    #[inline]
    pub(crate) fn coefficient_for(&self, symbol: Symbol) -> f64 {
        if !self.may_contain(symbol) {
            return 0.0;
        }
        match self.find(symbol) {
            Ok(i) => self.cells[i].1,
            Err(_) => 0.0,
        }
    }

    /// Whether `symbol` has a cell in this row.
    #[inline]
    pub(crate) fn contains(&self, symbol: Symbol) -> bool {
        self.may_contain(symbol) && self.find(symbol).is_ok()
    }

    /// Adds `value` to the constant and returns the new constant.
    #[inline]
    pub(crate) fn add(&mut self, value: f64) -> f64 {
        self.constant += value;
        self.constant
    }

    /// Adds `coefficient * symbol`, dropping the cell if it becomes near zero.
    pub(crate) fn insert_symbol(&mut self, symbol: Symbol, coefficient: f64) {
        match self.find(symbol) {
            Ok(i) => {
                let c = self.cells[i].1 + coefficient;
                if near_zero(c) {
                    self.cells.remove(i);
                } else {
                    self.cells[i].1 = c;
                }
            }
            Err(i) => {
                if !near_zero(coefficient) {
                    self.cells.insert(i, (symbol, coefficient));
                    self.filter |= filter_bit(symbol);
                }
            }
        }
    }

    /// Adds `coefficient * other` (constant and cells), dropping cells that
    /// become near zero. `scratch` is a reusable buffer.
    pub(crate) fn insert_row(&mut self, other: &Row, coefficient: f64, scratch: &mut Vec<Cell>) {
        self.constant += other.constant * coefficient;
        if other.cells.len() == 1 {
            let (s, c) = other.cells[0];
            self.insert_symbol(s, c * coefficient);
        } else if !other.cells.is_empty() {
            self.merge(&other.cells, coefficient, scratch);
        }
    }

    /// Rebuilds the cells as `cells + coefficient * other`, dropping
    /// near-zero sums. Each coefficient is computed exactly as the sequence
    /// of `cell += other * coefficient` updates kiwi performs would.
    ///
    /// `scratch` is a reusable buffer; it is only ever grown, and the result
    /// is copied back into `self.cells` (which keeps its allocation).
    fn merge(&mut self, other: &[Cell], coefficient: f64, scratch: &mut Vec<Cell>) {
        let total = self.cells.len() + other.len();
        if scratch.len() < total {
            scratch.resize(total.next_power_of_two(), (Symbol(0), 0.0));
        }
        let (k, filter) = merge_cells(&mut scratch[..total], &self.cells, other, coefficient);
        self.cells.clear();
        self.cells.extend_from_slice(&scratch[..k]);
        self.filter = filter;
    }

    /// Removes the cell of `symbol`, if any.
    pub(crate) fn remove(&mut self, symbol: Symbol) {
        if let Ok(i) = self.find(symbol) {
            self.cells.remove(i);
        }
    }

    /// Negates the constant and every coefficient.
    pub(crate) fn reverse_sign(&mut self) {
        self.constant = -self.constant;
        for cell in &mut self.cells {
            cell.1 = -cell.1;
        }
    }

    /// Solves `0 = row` for `symbol`, turning the row into
    /// `symbol = constant + cells` (with `symbol` removed).
    ///
    /// `symbol` must be present in the row.
    pub(crate) fn solve_for(&mut self, symbol: Symbol) {
        let i = self
            .find(symbol)
            .expect("solve_for: symbol is not in the row");
        let coefficient = -1.0 / self.cells.remove(i).1;
        self.constant *= coefficient;
        let mut filter = 0u64;
        for cell in &mut self.cells {
            cell.1 *= coefficient;
            filter |= filter_bit(cell.0);
        }
        self.filter = filter;
    }

    /// Solves `lhs = row` for `rhs`: the row becomes the definition of `rhs`.
    pub(crate) fn solve_for_pair(&mut self, lhs: Symbol, rhs: Symbol) {
        self.insert_symbol(lhs, -1.0);
        self.solve_for(rhs);
    }

    /// Replaces `symbol` with `row` (its definition, which must not contain
    /// `symbol`). Returns whether the symbol was present.
    #[inline(always)]
    pub(crate) fn substitute(
        &mut self,
        symbol: Symbol,
        row: &Row,
        scratch: &mut Vec<Cell>,
    ) -> bool {
        // Fast rejection keeps the common "symbol absent" case inline.
        self.may_contain(symbol) && self.substitute_slow(symbol, row, scratch)
    }

    #[inline(never)]
    fn substitute_slow(&mut self, symbol: Symbol, row: &Row, scratch: &mut Vec<Cell>) -> bool {
        match self.find(symbol) {
            Ok(i) => {
                let coefficient = self.cells.remove(i).1;
                self.insert_row(row, coefficient, scratch);
                true
            }
            Err(_) => false,
        }
    }
}

/// Merges sorted `a` with `coefficient * b` into `out` (of length at least
/// `a.len() + b.len()`), dropping near-zero results. Returns the number of
/// cells written and their membership filter.
#[inline]
fn merge_cells(out: &mut [Cell], a: &[Cell], b: &[Cell], coefficient: f64) -> (usize, u64) {
    let mut filter = 0;
    let mut k = 0;
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (sa, ca) = a[i];
        let (sb, cb) = b[j];
        // Cells of `a` that `b` does not touch are kept as they are (even a
        // near-zero one left by `solve_for`); computed values are filtered.
        let (symbol, value, keep) = if sa < sb {
            i += 1;
            (sa, ca, true)
        } else if sb < sa {
            j += 1;
            let v = cb * coefficient;
            (sb, v, !near_zero(v))
        } else {
            i += 1;
            j += 1;
            let v = ca + cb * coefficient;
            (sa, v, !near_zero(v))
        };
        if keep {
            out[k] = (symbol, value);
            k += 1;
            filter |= filter_bit(symbol);
        }
    }
    for &(sa, ca) in &a[i..] {
        out[k] = (sa, ca);
        k += 1;
        filter |= filter_bit(sa);
    }
    for &(sb, cb) in &b[j..] {
        let v = cb * coefficient;
        if !near_zero(v) {
            out[k] = (sb, v);
            k += 1;
            filter |= filter_bit(sb);
        }
    }
    (k, filter)
}

/// The basic rows of the tableau, ordered by their basic symbol.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tableau {
    pub(crate) keys: Vec<Symbol>,
    pub(crate) rows: Vec<Row>,
}

impl Tableau {
    #[inline]
    pub(crate) fn find(&self, symbol: Symbol) -> Option<usize> {
        self.keys.binary_search(&symbol).ok()
    }

    /// Inserts (or replaces) the row of `symbol`.
    pub(crate) fn insert(&mut self, symbol: Symbol, row: Row) {
        match self.keys.binary_search(&symbol) {
            Ok(i) => self.rows[i] = row,
            Err(i) => {
                self.keys.insert(i, symbol);
                self.rows.insert(i, row);
            }
        }
    }

    /// Moves the row at `index` to the key `symbol` (not yet present),
    /// keeping the keys sorted, and stores `row` there.
    pub(crate) fn rekey(&mut self, index: usize, symbol: Symbol, row: Row) {
        let target = match self.keys.binary_search(&symbol) {
            Ok(_) => unreachable!("rekey: symbol already basic"),
            Err(t) => t,
        };
        let slot = if target > index {
            self.keys[index..target].rotate_left(1);
            self.rows[index..target].rotate_left(1);
            target - 1
        } else {
            self.keys[target..=index].rotate_right(1);
            self.rows[target..=index].rotate_right(1);
            target
        };
        self.keys[slot] = symbol;
        self.rows[slot] = row;
    }

    /// Removes the row at position `index`.
    pub(crate) fn remove_at(&mut self, index: usize) -> (Symbol, Row) {
        (self.keys.remove(index), self.rows.remove(index))
    }

    pub(crate) fn clear(&mut self) {
        self.keys.clear();
        self.rows.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(id: u64) -> Symbol {
        Symbol::new(id, SymbolKind::Slack)
    }

    #[test]
    fn symbol_packing() {
        let e = Symbol::new(7, SymbolKind::Error);
        assert_eq!(e.id(), 7);
        assert_eq!(e.kind(), SymbolKind::Error);
        assert!(e.is_pivotable());
        assert!(Symbol::new(3, SymbolKind::Dummy) < Symbol::new(4, SymbolKind::External));
        assert!(Symbol::new(4, SymbolKind::External).is_external());
        assert!(Symbol::new(4, SymbolKind::Dummy).is_dummy());
    }

    #[test]
    fn row_arithmetic() {
        let mut scratch = Vec::new();
        let mut r = Row::new(1.0);
        r.insert_symbol(s(3), 2.0);
        r.insert_symbol(s(1), 1.0);
        r.insert_symbol(s(2), 1e-9);
        assert_eq!(r.cells, vec![(s(1), 1.0), (s(3), 2.0)]);
        let mut other = Row::new(2.0);
        other.insert_symbol(s(1), -0.5);
        other.insert_symbol(s(2), 1.0);
        other.insert_symbol(s(4), 3.0);
        r.insert_row(&other, 2.0, &mut scratch);
        assert_eq!(r.constant, 5.0);
        assert_eq!(r.cells, vec![(s(2), 2.0), (s(3), 2.0), (s(4), 6.0)]);
        assert_eq!(r.coefficient_for(s(4)), 6.0);
        assert_eq!(r.coefficient_for(s(1)), 0.0);
        // 0 = 5 + 2 s2 + 2 s3 + 6 s4  =>  s3 = -2.5 - s2 - 3 s4
        r.solve_for(s(3));
        assert_eq!(r.constant, -2.5);
        assert_eq!(r.cells, vec![(s(2), -1.0), (s(4), -3.0)]);
        let mut t = Row::new(0.0);
        t.insert_symbol(s(3), 1.0);
        t.insert_symbol(s(5), 1.0);
        assert!(t.substitute(s(3), &r, &mut scratch));
        assert_eq!(t.constant, -2.5);
        assert_eq!(t.cells, vec![(s(2), -1.0), (s(4), -3.0), (s(5), 1.0)]);
        t.reverse_sign();
        assert_eq!(t.constant, 2.5);
        assert_eq!(t.cells, vec![(s(2), 1.0), (s(4), 3.0), (s(5), -1.0)]);
    }

    #[test]
    fn near_zero_threshold() {
        assert!(near_zero(0.0));
        assert!(near_zero(-9.9e-9));
        assert!(!near_zero(1e-8));
        assert!(!near_zero(f64::NAN));
    }
}
