//! The incremental Cassowary solver.

use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;

use crate::constraint::{Constraint, RelationalOperator};
use crate::hash::FxBuildHasher;
use crate::row::{near_zero, Cell, Row, Symbol, SymbolKind, Tableau};
use crate::strength;

/// Errors reported by the [`Solver`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Error {
    /// The constraint id is already in the solver.
    DuplicateConstraint,
    /// A required constraint cannot be satisfied together with the existing
    /// required constraints. The constraint is not added and, by default, the
    /// solver state is left unchanged (see
    /// [`Solver::set_restore_on_unsatisfiable`]).
    UnsatisfiableConstraint,
    /// The constraint id is not in the solver.
    UnknownConstraint,
    /// The variable already has an edit constraint.
    DuplicateEditVariable,
    /// The variable has no edit constraint.
    UnknownEditVariable,
    /// Edit variables cannot have a required strength.
    BadRequiredStrength,
    /// The solver reached a state that should be impossible.
    InternalSolverError(&'static str),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::DuplicateConstraint => f.write_str("the constraint has already been added"),
            Error::UnsatisfiableConstraint => f.write_str("the constraint cannot be satisfied"),
            Error::UnknownConstraint => f.write_str("the constraint has not been added"),
            Error::DuplicateEditVariable => f.write_str("the edit variable has already been added"),
            Error::UnknownEditVariable => f.write_str("the edit variable has not been added"),
            Error::BadRequiredStrength => {
                f.write_str("a required strength cannot be used in this context")
            }
            Error::InternalSolverError(msg) => write!(f, "internal solver error: {msg}"),
        }
    }
}

impl std::error::Error for Error {}

/// The symbols a constraint introduced into the tableau.
#[derive(Clone, Copy, Debug)]
struct Tag {
    /// Slack, positive error or dummy symbol.
    marker: Symbol,
    /// Error symbol paired with the marker (non-required constraints only).
    other: Option<Symbol>,
}

/// A constraint added through [`Solver::add_constraint`].
#[derive(Clone, Debug)]
struct ConstraintRecord<V> {
    constraint: Constraint<V>,
    tag: Tag,
    seq: u64,
}

/// An edit variable: its hidden `var == value` constraint and current value.
#[derive(Clone, Debug)]
struct EditRecord<V> {
    constraint: Constraint<V>,
    tag: Tag,
    constant: f64,
    seq: u64,
    /// Where a suggested delta goes, valid while `plan_version` equals the
    /// solver's `version`.
    plan: EditPlan,
    plan_version: u64,
}

/// Cached result of locating an edit constraint's error symbols in the
/// tableau (kiwi searches for them on every `suggestValue`).
#[derive(Clone, Debug, Default)]
enum EditPlan {
    /// Not computed yet.
    #[default]
    Stale,
    /// The marker (plus error) is basic, in the row at this index.
    Marker(usize),
    /// The other (minus error) symbol is basic, in the row at this index.
    Other(usize),
    /// Neither is basic: rows (index, coefficient of the marker) holding the
    /// marker, in tableau order.
    Rows(Vec<(usize, f64)>),
}

/// Which objective [`Solver::optimize`] works on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Objective {
    Main,
    Artificial,
}

/// Undo log of row slots: the previous content of each touched slot.
type Journal = Vec<(Symbol, Option<Row>)>;

/// An incremental Cassowary constraint solver with kiwi 1.3 semantics.
///
/// `V` is the caller's variable key; constraints are identified by caller
/// chosen `u64` ids. Iteration orders are deterministic: the tableau is kept
/// ordered by symbol creation, like kiwi's sorted maps.
#[derive(Clone, Debug)]
pub struct Solver<V> {
    constraints: HashMap<u64, ConstraintRecord<V>, FxBuildHasher>,
    edits: HashMap<V, EditRecord<V>, FxBuildHasher>,
    var_symbols: HashMap<V, Symbol, FxBuildHasher>,
    /// Variables in symbol (creation) order; never shrinks except on reset.
    vars: Vec<(V, Symbol)>,
    tableau: Tableau,
    infeasible: Vec<Symbol>,
    objective: Row,
    artificial: Option<Row>,
    id_tick: u64,
    seq_tick: u64,
    scratch: Vec<Cell>,
    journal: Option<Journal>,
    /// Bumped whenever row cells or row positions may change (anything but
    /// constant updates); invalidates cached edit plans.
    version: u64,
    /// Undo the effects of a failed (unsatisfiable) `add_constraint`.
    restore_on_unsatisfiable: bool,
}

impl<V: Copy + Eq + Hash> Default for Solver<V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V: Copy + Eq + Hash> Solver<V> {
    /// Creates an empty solver.
    pub fn new() -> Self {
        Solver {
            constraints: HashMap::default(),
            edits: HashMap::default(),
            var_symbols: HashMap::default(),
            vars: Vec::new(),
            tableau: Tableau::default(),
            infeasible: Vec::new(),
            objective: Row::default(),
            artificial: None,
            id_tick: 1,
            seq_tick: 0,
            scratch: Vec::new(),
            journal: None,
            version: 1,
            restore_on_unsatisfiable: true,
        }
    }

    // ------------------------------------------------------------------
    // Public API
    // ------------------------------------------------------------------

    /// Adds `constraint` under the caller id `id`.
    ///
    /// Errors: [`Error::DuplicateConstraint`] if `id` is already present,
    /// [`Error::UnsatisfiableConstraint`] if it is a required constraint that
    /// conflicts with the required constraints already in the solver (the
    /// solver is then left as it was, apart from remembering the variables;
    /// see [`Solver::set_restore_on_unsatisfiable`] for kiwi's exact
    /// behaviour instead).
    pub fn add_constraint(&mut self, id: u64, constraint: Constraint<V>) -> Result<(), Error> {
        if self.constraints.contains_key(&id) {
            return Err(Error::DuplicateConstraint);
        }
        let tag = self.insert_constraint(&constraint)?;
        let seq = self.next_seq();
        self.constraints.insert(
            id,
            ConstraintRecord {
                constraint,
                tag,
                seq,
            },
        );
        self.optimize(Objective::Main)
    }

    /// Chooses what an [`Error::UnsatisfiableConstraint`] from
    /// [`Solver::add_constraint`] leaves behind.
    ///
    /// `true` (the default): the tableau is restored, so values and
    /// [`Solver::dumps`] are exactly as before the call. `false`: the
    /// tableau is left as kiwi 1.3 leaves it after its phase-one attempt
    /// (same basis changes, so later results match kiwi bit for bit, but
    /// variables may read different values and a required constraint may
    /// appear violated). In both modes the constraint is not added, and
    /// variables first seen in it stay known to the solver, as in kiwi.
    pub fn set_restore_on_unsatisfiable(&mut self, restore: bool) {
        self.restore_on_unsatisfiable = restore;
    }

    /// Whether a failed `add_constraint` restores the previous state (see
    /// [`Solver::set_restore_on_unsatisfiable`]).
    pub fn restore_on_unsatisfiable(&self) -> bool {
        self.restore_on_unsatisfiable
    }

    /// Removes the constraint with caller id `id`.
    ///
    /// Errors: [`Error::UnknownConstraint`] if `id` is not in the solver.
    pub fn remove_constraint(&mut self, id: u64) -> Result<(), Error> {
        let record = self
            .constraints
            .remove(&id)
            .ok_or(Error::UnknownConstraint)?;
        self.retract(record.tag, record.constraint.strength())
    }

    /// Whether a constraint with caller id `id` is in the solver.
    pub fn has_constraint(&self, id: u64) -> bool {
        self.constraints.contains_key(&id)
    }

    /// The constraint stored under caller id `id`.
    pub fn constraint(&self, id: u64) -> Option<&Constraint<V>> {
        self.constraints.get(&id).map(|r| &r.constraint)
    }

    /// Number of constraints added with [`Solver::add_constraint`].
    pub fn constraint_count(&self) -> usize {
        self.constraints.len()
    }

    /// Makes `var` an edit variable with the given strength (clipped to
    /// `[0, REQUIRED]`). Its suggested value starts at `0.0`.
    ///
    /// Errors: [`Error::DuplicateEditVariable`] if `var` already is one,
    /// [`Error::BadRequiredStrength`] if the clipped strength is required.
    pub fn add_edit_variable(&mut self, var: V, strength: f64) -> Result<(), Error> {
        if self.edits.contains_key(&var) {
            return Err(Error::DuplicateEditVariable);
        }
        let strength = strength::clip(strength);
        if strength == strength::REQUIRED {
            return Err(Error::BadRequiredStrength);
        }
        let constraint = Constraint::new([(var, 1.0)], 0.0, RelationalOperator::Equal, strength);
        let tag = self.insert_constraint(&constraint)?;
        let seq = self.next_seq();
        self.edits.insert(
            var,
            EditRecord {
                constraint,
                tag,
                constant: 0.0,
                seq,
                plan: EditPlan::Stale,
                plan_version: 0,
            },
        );
        self.optimize(Objective::Main)
    }

    /// Removes the edit constraint of `var`.
    ///
    /// Errors: [`Error::UnknownEditVariable`] if `var` is not an edit variable.
    pub fn remove_edit_variable(&mut self, var: V) -> Result<(), Error> {
        let record = self.edits.get(&var).ok_or(Error::UnknownEditVariable)?;
        let (tag, strength) = (record.tag, record.constraint.strength());
        let result = self.retract(tag, strength);
        self.edits.remove(&var);
        result
    }

    /// Whether `var` is an edit variable.
    pub fn has_edit_variable(&self, var: V) -> bool {
        self.edits.contains_key(&var)
    }

    /// Suggests `value` for the edit variable `var` and re-optimizes with the
    /// dual simplex.
    ///
    /// Errors: [`Error::UnknownEditVariable`] if `var` is not an edit variable.
    pub fn suggest_value(&mut self, var: V, value: f64) -> Result<(), Error> {
        let record = self.edits.get_mut(&var).ok_or(Error::UnknownEditVariable)?;
        let delta = value - record.constant;
        record.constant = value;
        let tableau = &mut self.tableau;
        if record.plan_version != self.version {
            record.plan_version = self.version;
            plan_edit(tableau, record.tag, &mut record.plan);
        }
        // Same effect, in the same order, as kiwi's search: a basic marker
        // row takes `-delta`, else a basic "other" row takes `+delta`, else
        // every row holding the marker takes `delta * coefficient`.
        match &record.plan {
            EditPlan::Marker(i) => {
                if tableau.rows[*i].add(-delta) < 0.0 {
                    self.infeasible.push(tableau.keys[*i]);
                }
            }
            EditPlan::Other(i) => {
                if tableau.rows[*i].add(delta) < 0.0 {
                    self.infeasible.push(tableau.keys[*i]);
                }
            }
            EditPlan::Rows(rows) => {
                for &(i, coefficient) in rows {
                    if tableau.rows[i].add(delta * coefficient) < 0.0
                        && !tableau.keys[i].is_external()
                    {
                        self.infeasible.push(tableau.keys[i]);
                    }
                }
            }
            EditPlan::Stale => unreachable!("edit plan computed above"),
        }
        self.dual_optimize()
    }

    /// Calls `f(var, value)` for every variable known to the solver, in the
    /// order the variables were first seen. Non-basic variables are `0.0`.
    pub fn update_variables<F: FnMut(V, f64)>(&self, mut f: F) {
        for (var, value) in self.values() {
            f(var, value);
        }
    }

    /// Iterator over `(variable, value)` for every variable known to the
    /// solver (same values and order as [`Solver::update_variables`]).
    pub fn values(&self) -> Values<'_, V> {
        Values {
            vars: self.vars.iter(),
            keys: &self.tableau.keys,
            rows: &self.tableau.rows,
            pos: 0,
        }
    }

    /// Current value of `var`, or `None` if the solver does not know it.
    pub fn value_of(&self, var: V) -> Option<f64> {
        let symbol = *self.var_symbols.get(&var)?;
        Some(match self.tableau.find(symbol) {
            Some(i) => self.tableau.rows[i].constant,
            None => 0.0,
        })
    }

    /// Number of variables known to the solver.
    pub fn variable_count(&self) -> usize {
        self.vars.len()
    }

    /// Clears every constraint, edit variable and variable.
    pub fn reset(&mut self) {
        self.constraints.clear();
        self.edits.clear();
        self.var_symbols.clear();
        self.vars.clear();
        self.tableau.clear();
        self.infeasible.clear();
        self.objective = Row::default();
        self.artificial = None;
        self.journal = None;
        self.id_tick = 1;
        self.version += 1;
    }

    /// A text dump of the solver state in kiwi's debug format.
    ///
    /// Sections `Objective`, `Tableau`, `Infeasible`, `Variables`,
    /// `Edit Variables` and `Constraints`, each a heading line, a line of
    /// dashes and its entries, followed by an empty line. Variable names and
    /// constraint lines come from `ctx`.
    pub fn dumps<D: DumpContext<V> + ?Sized>(&self, ctx: &D) -> String {
        let mut out = String::new();
        heading(&mut out, "Objective");
        write_row(&mut out, &self.objective);
        out.push('\n');
        heading(&mut out, "Tableau");
        for (key, row) in self.tableau.keys.iter().zip(&self.tableau.rows) {
            write_symbol(&mut out, *key);
            out.push_str(" | ");
            write_row(&mut out, row);
        }
        out.push('\n');
        heading(&mut out, "Infeasible");
        for symbol in &self.infeasible {
            write_symbol(&mut out, *symbol);
            out.push('\n');
        }
        out.push('\n');
        heading(&mut out, "Variables");
        for &(var, symbol) in &self.vars {
            ctx.write_variable(&mut out, var);
            out.push_str(" = ");
            write_symbol(&mut out, symbol);
            out.push('\n');
        }
        out.push('\n');
        heading(&mut out, "Edit Variables");
        let mut edits: Vec<(&V, &EditRecord<V>)> = self.edits.iter().collect();
        edits.sort_by_key(|(_, r)| r.seq);
        for (var, _) in &edits {
            ctx.write_variable(&mut out, **var);
            out.push('\n');
        }
        out.push('\n');
        heading(&mut out, "Constraints");
        let mut cns: Vec<(u64, Option<u64>, &Constraint<V>)> = self
            .constraints
            .iter()
            .map(|(id, r)| (r.seq, Some(*id), &r.constraint))
            .chain(edits.iter().map(|(_, r)| (r.seq, None, &r.constraint)))
            .collect();
        cns.sort_by_key(|c| c.0);
        for (_, id, constraint) in cns {
            ctx.write_constraint(&mut out, id, constraint);
            out.push('\n');
        }
        out.push('\n');
        out.push('\n');
        out
    }

    // ------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------

    fn next_seq(&mut self) -> u64 {
        self.seq_tick += 1;
        self.seq_tick
    }

    fn new_symbol(&mut self, kind: SymbolKind) -> Symbol {
        let symbol = Symbol::new(self.id_tick, kind);
        self.id_tick += 1;
        symbol
    }

    fn var_symbol(&mut self, var: V) -> Symbol {
        if let Some(&symbol) = self.var_symbols.get(&var) {
            return symbol;
        }
        let symbol = self.new_symbol(SymbolKind::External);
        self.var_symbols.insert(var, symbol);
        self.vars.push((var, symbol));
        symbol
    }

    /// Puts the constraint's row into the tableau (without the final
    /// optimization) and returns its tag.
    fn insert_constraint(&mut self, constraint: &Constraint<V>) -> Result<Tag, Error> {
        self.version += 1;
        let (mut row, tag) = self.create_row(constraint);
        let mut subject = choose_subject(&row, &tag);
        if subject.is_none() && row.cells.iter().all(|&(s, _)| s.is_dummy()) {
            if !near_zero(row.constant) {
                return Err(Error::UnsatisfiableConstraint);
            }
            subject = Some(tag.marker);
        }
        match subject {
            Some(subject) => {
                row.solve_for(subject);
                self.substitute(subject, &row, None);
                self.tableau.insert(subject, row);
            }
            None => {
                if !self.add_with_artificial_variable(row)? {
                    return Err(Error::UnsatisfiableConstraint);
                }
            }
        }
        Ok(tag)
    }

    /// Builds the tableau row of a constraint, with basic variables
    /// substituted and slack/error/dummy symbols added (error symbols are
    /// added to the objective). The row constant is made non-negative.
    fn create_row(&mut self, constraint: &Constraint<V>) -> (Row, Tag) {
        let mut row = Row::new(constraint.constant());
        for &(var, coefficient) in constraint.terms() {
            if near_zero(coefficient) {
                continue;
            }
            let symbol = self.var_symbol(var);
            match self.tableau.find(symbol) {
                Some(i) => row.insert_row(&self.tableau.rows[i], coefficient, &mut self.scratch),
                None => row.insert_symbol(symbol, coefficient),
            }
        }
        let strength = constraint.strength();
        let required = strength >= strength::REQUIRED;
        let tag = match constraint.op() {
            RelationalOperator::LessOrEqual | RelationalOperator::GreaterOrEqual => {
                let coefficient = if constraint.op() == RelationalOperator::LessOrEqual {
                    1.0
                } else {
                    -1.0
                };
                let slack = self.new_symbol(SymbolKind::Slack);
                row.insert_symbol(slack, coefficient);
                let other = if required {
                    None
                } else {
                    let error = self.new_symbol(SymbolKind::Error);
                    row.insert_symbol(error, -coefficient);
                    self.objective.insert_symbol(error, strength);
                    Some(error)
                };
                Tag {
                    marker: slack,
                    other,
                }
            }
            RelationalOperator::Equal => {
                if required {
                    let dummy = self.new_symbol(SymbolKind::Dummy);
                    row.insert_symbol(dummy, 1.0);
                    Tag {
                        marker: dummy,
                        other: None,
                    }
                } else {
                    let plus = self.new_symbol(SymbolKind::Error);
                    let minus = self.new_symbol(SymbolKind::Error);
                    row.insert_symbol(plus, -1.0);
                    row.insert_symbol(minus, 1.0);
                    self.objective.insert_symbol(plus, strength);
                    self.objective.insert_symbol(minus, strength);
                    Tag {
                        marker: plus,
                        other: Some(minus),
                    }
                }
            }
        };
        if row.constant < 0.0 {
            row.reverse_sign();
        }
        (row, tag)
    }

    /// Adds `row` through an artificial variable (phase one). Returns whether
    /// the constraint is satisfiable; when it is not, the tableau, objective
    /// and infeasible list are restored to their state before the call.
    ///
    /// Without `restore_on_unsatisfiable`, a failure leaves the tableau as
    /// kiwi 1.3 does (pivoted, artificial variable removed).
    fn add_with_artificial_variable(&mut self, row: Row) -> Result<bool, Error> {
        if !self.restore_on_unsatisfiable {
            let result = self.artificial_phase(row);
            self.artificial = None;
            return result;
        }
        let saved_objective = self.objective.clone();
        let saved_infeasible = self.infeasible.len();
        self.journal = Some(Vec::new());
        let result = self.artificial_phase(row);
        let journal = self.journal.take().unwrap_or_default();
        self.artificial = None;
        match result {
            Ok(true) => Ok(true),
            other => {
                self.rollback(journal, saved_objective, saved_infeasible);
                other
            }
        }
    }

    fn artificial_phase(&mut self, row: Row) -> Result<bool, Error> {
        let art = self.new_symbol(SymbolKind::Slack);
        self.artificial = Some(row.clone());
        self.put_row(art, row);
        self.optimize(Objective::Artificial)?;
        let success = self
            .artificial
            .take()
            .is_some_and(|a| near_zero(a.constant));
        if !success && self.journal.is_some() {
            // Everything is about to be rolled back.
            return Ok(false);
        }
        if let Some(i) = self.tableau.find(art) {
            let (_, mut row) = self.take_row(i);
            if row.cells.is_empty() {
                return Ok(success);
            }
            let Some(entering) = row.cells.iter().map(|&(s, _)| s).find(|s| s.is_pivotable())
            else {
                return Ok(false);
            };
            row.solve_for_pair(art, entering);
            self.substitute(entering, &row, None);
            self.put_row(entering, row);
        }
        for (key, row) in self.tableau.keys.iter().zip(self.tableau.rows.iter_mut()) {
            if row.contains(art) {
                if let Some(journal) = self.journal.as_mut() {
                    journal.push((*key, Some(row.clone())));
                }
                row.remove(art);
            }
        }
        self.objective.remove(art);
        Ok(success)
    }

    fn rollback(&mut self, journal: Journal, objective: Row, infeasible_len: usize) {
        self.version += 1;
        for (symbol, previous) in journal.into_iter().rev() {
            match (self.tableau.find(symbol), previous) {
                (Some(i), Some(row)) => self.tableau.rows[i] = row,
                (Some(i), None) => {
                    self.tableau.remove_at(i);
                }
                (None, Some(row)) => self.tableau.insert(symbol, row),
                (None, None) => {}
            }
        }
        self.objective = objective;
        self.infeasible.truncate(infeasible_len);
    }

    /// Removes the row at `index`, journaling it when a journal is active.
    fn take_row(&mut self, index: usize) -> (Symbol, Row) {
        let (symbol, row) = self.tableau.remove_at(index);
        if let Some(journal) = self.journal.as_mut() {
            journal.push((symbol, Some(row.clone())));
        }
        (symbol, row)
    }

    /// Inserts the row of a (non-basic) symbol, journaling when active.
    fn put_row(&mut self, symbol: Symbol, row: Row) {
        if let Some(journal) = self.journal.as_mut() {
            journal.push((symbol, None));
        }
        self.tableau.insert(symbol, row);
    }

    /// Replaces `symbol` by `row` everywhere (tableau, objective, artificial
    /// objective) and records the non-external rows left with a negative
    /// constant as infeasible.
    ///
    /// The row at position `skip`, if any, is treated as absent (it is the
    /// pivot row, temporarily out of the tableau).
    fn substitute(&mut self, symbol: Symbol, row: &Row, skip: Option<usize>) {
        self.version += 1;
        let scratch = &mut self.scratch;
        let skip = skip.unwrap_or(usize::MAX);
        let keys = &self.tableau.keys;
        let rows = &mut self.tableau.rows;
        for (i, (key, r)) in keys.iter().zip(rows.iter_mut()).enumerate() {
            if i == skip {
                continue;
            }
            if let Some(journal) = self.journal.as_mut() {
                if r.contains(symbol) {
                    journal.push((*key, Some(r.clone())));
                }
            }
            r.substitute(symbol, row, scratch);
            if r.constant < 0.0 && !key.is_external() {
                self.infeasible.push(*key);
            }
        }
        self.objective.substitute(symbol, row, scratch);
        if let Some(artificial) = self.artificial.as_mut() {
            artificial.substitute(symbol, row, scratch);
        }
    }

    /// Pivots `entering` into the basis in place of the row at `index`.
    fn pivot(&mut self, index: usize, entering: Symbol) {
        self.version += 1;
        let leaving = self.tableau.keys[index];
        let mut row = std::mem::take(&mut self.tableau.rows[index]);
        if let Some(journal) = self.journal.as_mut() {
            journal.push((leaving, Some(row.clone())));
            journal.push((entering, None));
        }
        row.solve_for_pair(leaving, entering);
        self.substitute(entering, &row, Some(index));
        self.tableau.rekey(index, entering, row);
    }

    /// Primal simplex on the main or artificial objective.
    fn optimize(&mut self, which: Objective) -> Result<(), Error> {
        loop {
            let objective = match which {
                Objective::Main => &self.objective,
                Objective::Artificial => match &self.artificial {
                    Some(a) => a,
                    None => return Ok(()),
                },
            };
            let entering = objective
                .cells
                .iter()
                .find(|&&(s, c)| !s.is_dummy() && c < 0.0)
                .map(|&(s, _)| s);
            let Some(entering) = entering else {
                return Ok(());
            };
            let Some(index) = self.leaving_row(entering) else {
                return Err(Error::InternalSolverError("the objective is unbounded"));
            };
            self.pivot(index, entering);
        }
    }

    /// Row of the minimum ratio among non-external rows where `entering` has
    /// a negative coefficient (first one on ties).
    fn leaving_row(&self, entering: Symbol) -> Option<usize> {
        let mut ratio = f64::MAX;
        let mut found = None;
        for (i, (key, row)) in self.tableau.keys.iter().zip(&self.tableau.rows).enumerate() {
            if key.is_external() {
                continue;
            }
            let coefficient = row.coefficient_for(entering);
            if coefficient < 0.0 {
                let r = -row.constant / coefficient;
                if r < ratio {
                    ratio = r;
                    found = Some(i);
                }
            }
        }
        found
    }

    /// Dual simplex over the recorded infeasible rows.
    fn dual_optimize(&mut self) -> Result<(), Error> {
        while let Some(leaving) = self.infeasible.pop() {
            let Some(index) = self.tableau.find(leaving) else {
                continue;
            };
            let constant = self.tableau.rows[index].constant;
            // NaN constants are not infeasible, as in kiwi.
            let infeasible = !near_zero(constant) && constant < 0.0;
            if !infeasible {
                continue;
            }
            let Some(entering) = self.dual_entering_symbol(&self.tableau.rows[index]) else {
                return Err(Error::InternalSolverError("dual optimize failed"));
            };
            self.pivot(index, entering);
        }
        Ok(())
    }

    /// Non-dummy symbol with positive coefficient in `row` minimizing
    /// `objective coefficient / coefficient` (first one on ties).
    fn dual_entering_symbol(&self, row: &Row) -> Option<Symbol> {
        let mut ratio = f64::MAX;
        let mut entering = None;
        for &(symbol, coefficient) in &row.cells {
            if coefficient > 0.0 && !symbol.is_dummy() {
                let r = self.objective.coefficient_for(symbol) / coefficient;
                if r < ratio {
                    ratio = r;
                    entering = Some(symbol);
                }
            }
        }
        entering
    }

    /// Removes a constraint's row/effects given its tag and strength, then
    /// re-optimizes.
    fn retract(&mut self, tag: Tag, strength: f64) -> Result<(), Error> {
        self.version += 1;
        // Error effects leave the objective before any pivoting.
        if tag.marker.kind() == SymbolKind::Error {
            self.remove_marker_effects(tag.marker, strength);
        }
        if let Some(other) = tag.other {
            if other.kind() == SymbolKind::Error {
                self.remove_marker_effects(other, strength);
            }
        }
        if let Some(i) = self.tableau.find(tag.marker) {
            self.tableau.remove_at(i);
        } else {
            let Some(i) = self.marker_leaving_row(tag.marker) else {
                return Err(Error::InternalSolverError("failed to find leaving row"));
            };
            let (leaving, mut row) = self.tableau.remove_at(i);
            row.solve_for_pair(leaving, tag.marker);
            self.substitute(tag.marker, &row, None);
        }
        self.optimize(Objective::Main)
    }

    fn remove_marker_effects(&mut self, marker: Symbol, strength: f64) {
        match self.tableau.find(marker) {
            Some(i) => {
                self.objective
                    .insert_row(&self.tableau.rows[i], -strength, &mut self.scratch)
            }
            None => self.objective.insert_symbol(marker, -strength),
        }
    }

    /// Row to pivot out so that a non-basic `marker` can enter: the minimum
    /// ratio among non-external rows with a negative coefficient, else among
    /// non-external rows with a positive one, else the last external row
    /// containing the marker.
    fn marker_leaving_row(&self, marker: Symbol) -> Option<usize> {
        let mut r1 = f64::MAX;
        let mut r2 = f64::MAX;
        let mut first = None;
        let mut second = None;
        let mut third = None;
        for (i, (key, row)) in self.tableau.keys.iter().zip(&self.tableau.rows).enumerate() {
            let c = row.coefficient_for(marker);
            if c == 0.0 {
                continue;
            }
            if key.is_external() {
                third = Some(i);
            } else if c < 0.0 {
                let r = -row.constant / c;
                if r < r1 {
                    r1 = r;
                    first = Some(i);
                }
            } else {
                let r = row.constant / c;
                if r < r2 {
                    r2 = r;
                    second = Some(i);
                }
            }
        }
        first.or(second).or(third)
    }
}

/// Subject of a new row: the first external symbol, else the marker or the
/// other tag symbol if it is a slack/error with a negative coefficient.
fn choose_subject(row: &Row, tag: &Tag) -> Option<Symbol> {
    if let Some(&(symbol, _)) = row.cells.iter().find(|(s, _)| s.is_external()) {
        return Some(symbol);
    }
    if tag.marker.is_pivotable() && row.coefficient_for(tag.marker) < 0.0 {
        return Some(tag.marker);
    }
    if let Some(other) = tag.other {
        if other.is_pivotable() && row.coefficient_for(other) < 0.0 {
            return Some(other);
        }
    }
    None
}

/// Locates where suggested deltas for the edit constraint `tag` go.
fn plan_edit(tableau: &Tableau, tag: Tag, plan: &mut EditPlan) {
    if let Some(i) = tableau.find(tag.marker) {
        *plan = EditPlan::Marker(i);
        return;
    }
    if let Some(i) = tag.other.and_then(|other| tableau.find(other)) {
        *plan = EditPlan::Other(i);
        return;
    }
    let mut rows = match std::mem::take(plan) {
        EditPlan::Rows(mut rows) => {
            rows.clear();
            rows
        }
        _ => Vec::new(),
    };
    for (i, row) in tableau.rows.iter().enumerate() {
        let coefficient = row.coefficient_for(tag.marker);
        if coefficient != 0.0 {
            rows.push((i, coefficient));
        }
    }
    *plan = EditPlan::Rows(rows);
}

/// Iterator over `(variable, value)` pairs, see [`Solver::values`].
#[derive(Clone, Debug)]
pub struct Values<'a, V> {
    vars: std::slice::Iter<'a, (V, Symbol)>,
    keys: &'a [Symbol],
    rows: &'a [Row],
    pos: usize,
}

impl<V: Copy> Iterator for Values<'_, V> {
    type Item = (V, f64);

    #[inline]
    fn next(&mut self) -> Option<(V, f64)> {
        let &(var, symbol) = self.vars.next()?;
        // Variables and rows are both sorted by symbol: walk them together.
        while self.pos < self.keys.len() && self.keys[self.pos] < symbol {
            self.pos += 1;
        }
        let value = if self.pos < self.keys.len() && self.keys[self.pos] == symbol {
            self.rows[self.pos].constant
        } else {
            0.0
        };
        Some((var, value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.vars.size_hint()
    }
}

impl<V: Copy> ExactSizeIterator for Values<'_, V> {}

// ----------------------------------------------------------------------
// Dump support
// ----------------------------------------------------------------------

/// Supplies user-facing names for [`Solver::dumps`].
///
/// Any `Fn(V) -> String` closure implements it (constraints then use the
/// default kiwi format).
pub trait DumpContext<V> {
    /// Appends the name of `var` to `out`.
    fn write_variable(&self, out: &mut String, var: V);

    /// Appends the one-line representation of a constraint (no newline).
    ///
    /// `id` is the caller id, or `None` for the hidden constraint of an edit
    /// variable. The default writes kiwi's format, e.g.
    /// `1 * x + -10 >= 0  | strength = 1.001e+09`, via [`write_constraint`].
    fn write_constraint(&self, out: &mut String, id: Option<u64>, constraint: &Constraint<V>)
    where
        V: Copy,
    {
        let _ = id;
        write_constraint(self, out, constraint);
    }
}

impl<V, F: Fn(V) -> String> DumpContext<V> for F {
    fn write_variable(&self, out: &mut String, var: V) {
        out.push_str(&self(var));
    }
}

/// Writes `constraint` in kiwi's dump format:
/// `c1 * name1 + c2 * name2 + constant OP 0  | strength = s` (two spaces before
/// the bar, as kiwi prints it), numbers formatted
/// like C++ `std::ostream` (`%g`).
pub fn write_constraint<V: Copy, D: DumpContext<V> + ?Sized>(
    ctx: &D,
    out: &mut String,
    constraint: &Constraint<V>,
) {
    for &(var, coefficient) in constraint.terms() {
        write_number(out, coefficient);
        out.push_str(" * ");
        ctx.write_variable(out, var);
        out.push_str(" + ");
    }
    write_number(out, constraint.constant());
    out.push(' ');
    out.push_str(constraint.op().as_str());
    out.push_str(" 0  | strength = ");
    write_number(out, constraint.strength());
}

fn heading(out: &mut String, title: &str) {
    out.push_str(title);
    out.push('\n');
    for _ in 0..title.len() {
        out.push('-');
    }
    out.push('\n');
}

fn write_symbol(out: &mut String, symbol: Symbol) {
    out.push(match symbol.kind() {
        SymbolKind::External => 'v',
        SymbolKind::Slack => 's',
        SymbolKind::Error => 'e',
        SymbolKind::Dummy => 'd',
    });
    out.push_str(&symbol.id().to_string());
}

/// Writes the cells of a row. kiwi 1.3's dump omits the row constant, so
/// this does too (a row line reads ` + 1 * e2 + -1 * e3`).
fn write_row(out: &mut String, row: &Row) {
    for &(symbol, coefficient) in &row.cells {
        out.push_str(" + ");
        write_number(out, coefficient);
        out.push_str(" * ");
        write_symbol(out, symbol);
    }
    out.push('\n');
}

/// Formats `value` like C++ `std::ostream << double` with default flags
/// (printf `%g`, precision 6).
pub fn format_number(value: f64) -> String {
    let mut out = String::new();
    write_number(&mut out, value);
    out
}

fn write_number(out: &mut String, value: f64) {
    const PRECISION: i32 = 6;
    if value.is_nan() {
        out.push_str(if value.is_sign_negative() {
            "-nan"
        } else {
            "nan"
        });
        return;
    }
    if value.is_infinite() {
        out.push_str(if value < 0.0 { "-inf" } else { "inf" });
        return;
    }
    if value == 0.0 {
        out.push_str(if value.is_sign_negative() { "-0" } else { "0" });
        return;
    }
    let sci = format!("{:.*e}", (PRECISION - 1) as usize, value);
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if !(-4..PRECISION).contains(&exponent) {
        out.push_str(strip_fraction_zeros(mantissa));
        out.push('e');
        out.push(if exponent < 0 { '-' } else { '+' });
        let magnitude = exponent.unsigned_abs();
        if magnitude < 10 {
            out.push('0');
        }
        out.push_str(&magnitude.to_string());
    } else {
        let decimals = (PRECISION - 1 - exponent) as usize;
        let fixed = format!("{value:.decimals$}");
        out.push_str(strip_fraction_zeros(&fixed));
    }
}

fn strip_fraction_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_format_matches_printf_g() {
        let cases = [
            (10.0, "10"),
            (-1.0, "-1"),
            (0.5, "0.5"),
            (1e6, "1e+06"),
            (1_001_001_000.0, "1.001e+09"),
            (123456.0, "123456"),
            (1234567.0, "1.23457e+06"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.0 / 3.0, "0.333333"),
            (-2.5e-10, "-2.5e-10"),
            (999999.5, "1e+06"),
            (100.0, "100"),
            (1e100, "1e+100"),
            (-0.0, "-0"),
            (0.0, "0"),
            (f64::INFINITY, "inf"),
        ];
        for (value, expected) in cases {
            assert_eq!(format_number(value), expected, "formatting {value}");
        }
    }
}
