mod common;

use common::{cn, layout};
use kiwi_core::strength::{self, MEDIUM, REQUIRED, STRONG, WEAK};
use kiwi_core::{Constraint, DumpContext, Error, RelationalOperator, Solver};

use RelationalOperator::{Equal as EQ, GreaterOrEqual as GE, LessOrEqual as LE};

const X: u64 = 1;
const Y: u64 = 2;
const Z: u64 = 3;

fn val(s: &Solver<u64>, v: u64) -> f64 {
    s.value_of(v).expect("variable known to the solver")
}

fn name(v: u64) -> String {
    match v {
        X => "x".into(),
        Y => "y".into(),
        Z => "z".into(),
        other => format!("v{other}"),
    }
}

#[test]
fn simple_equalities() {
    let mut s = Solver::new();
    s.add_constraint(1, cn(&[(X, 1.0)], -10.0, EQ, REQUIRED))
        .unwrap();
    s.add_constraint(2, cn(&[(X, 1.0), (Y, 1.0)], -20.0, EQ, REQUIRED))
        .unwrap();
    assert_eq!(val(&s, X), 10.0);
    assert_eq!(val(&s, Y), 10.0);
    let mut seen = Vec::new();
    s.update_variables(|v, value| seen.push((v, value)));
    assert_eq!(seen, vec![(X, 10.0), (Y, 10.0)]);
    assert_eq!(s.values().collect::<Vec<_>>(), seen);
    assert_eq!(s.value_of(Z), None);
}

#[test]
fn strengths_decide_between_conflicting_preferences() {
    let mut s = Solver::new();
    s.add_constraint(1, cn(&[(X, 1.0)], -5.0, EQ, WEAK))
        .unwrap();
    assert_eq!(val(&s, X), 5.0);
    s.add_constraint(2, cn(&[(X, 1.0)], -20.0, EQ, STRONG))
        .unwrap();
    assert_eq!(val(&s, X), 20.0);
    s.add_constraint(3, cn(&[(X, 1.0)], -15.0, LE, REQUIRED))
        .unwrap();
    assert_eq!(val(&s, X), 15.0);
    s.add_constraint(4, cn(&[(X, 1.0)], -12.0, GE, MEDIUM))
        .unwrap();
    assert_eq!(val(&s, X), 15.0);
    // Weak inequality pulling down loses against the strong equality.
    s.add_constraint(5, cn(&[(X, 1.0)], -1.0, LE, WEAK))
        .unwrap();
    assert_eq!(val(&s, X), 15.0);
    s.remove_constraint(2).unwrap();
    // Now medium x >= 12 beats weak x == 5 and weak x <= 1.
    assert_eq!(val(&s, X), 12.0);
}

#[test]
fn weak_and_strong_inequalities_between_variables() {
    // x <= y (required), y == 50 (weak), x == 80 (strong) -> both 80
    let mut s = Solver::new();
    s.add_constraint(1, cn(&[(X, 1.0), (Y, -1.0)], 0.0, LE, REQUIRED))
        .unwrap();
    s.add_constraint(2, cn(&[(Y, 1.0)], -50.0, EQ, WEAK))
        .unwrap();
    s.add_constraint(3, cn(&[(X, 1.0)], -80.0, EQ, STRONG))
        .unwrap();
    assert_eq!(val(&s, X), 80.0);
    assert_eq!(val(&s, Y), 80.0);
    s.remove_constraint(3).unwrap();
    assert_eq!(val(&s, Y), 50.0);
    assert!(val(&s, X) <= 50.0);
}

#[test]
fn edit_variable_suggestions() {
    let mut s = Solver::new();
    s.add_edit_variable(X, STRONG).unwrap();
    s.add_constraint(1, cn(&[(X, 1.0)], -100.0, LE, REQUIRED))
        .unwrap();
    s.suggest_value(X, 150.0).unwrap();
    assert_eq!(val(&s, X), 100.0);
    s.suggest_value(X, 50.0).unwrap();
    assert_eq!(val(&s, X), 50.0);
    s.suggest_value(X, -7.5).unwrap();
    assert_eq!(val(&s, X), -7.5);
    s.suggest_value(X, 1e4).unwrap();
    assert_eq!(val(&s, X), 100.0);
    s.remove_constraint(1).unwrap();
    assert_eq!(val(&s, X), 1e4);
    assert!(s.has_edit_variable(X));
    s.remove_edit_variable(X).unwrap();
    assert!(!s.has_edit_variable(X));
    assert_eq!(val(&s, X), 0.0);
}

#[test]
fn edit_variable_on_under_constrained_system() {
    // kiwisolver's test_solving_under_constrained_system
    let mut s = Solver::new();
    s.add_edit_variable(X, WEAK).unwrap();
    s.add_constraint(1, cn(&[(X, 2.0)], 1.0, GE, REQUIRED))
        .unwrap();
    s.suggest_value(X, 10.0).unwrap();
    assert_eq!(val(&s, X), 10.0);
    assert_eq!(2.0 * val(&s, X) + 1.0, 21.0);
}

#[test]
fn paper_example_with_dual_optimization() {
    // kiwisolver's test_solver_handling_infeasible_constraints
    let (xm, xl, xr) = (1u64, 2u64, 3u64);
    let mut s = Solver::new();
    s.add_edit_variable(xm, STRONG).unwrap();
    s.add_edit_variable(xl, WEAK).unwrap();
    s.add_edit_variable(xr, WEAK).unwrap();
    s.add_constraint(
        1,
        cn(&[(xm, 2.0), (xl, -1.0), (xr, -1.0)], 0.0, EQ, REQUIRED),
    )
    .unwrap();
    s.add_constraint(2, cn(&[(xl, 1.0), (xr, -1.0)], 20.0, LE, REQUIRED))
        .unwrap();
    s.add_constraint(3, cn(&[(xl, 1.0)], 10.0, GE, REQUIRED))
        .unwrap();
    s.add_constraint(4, cn(&[(xr, 1.0)], -100.0, LE, REQUIRED))
        .unwrap();
    s.suggest_value(xm, 40.0).unwrap();
    s.suggest_value(xr, 50.0).unwrap();
    s.suggest_value(xl, 30.0).unwrap();
    s.suggest_value(xm, 60.0).unwrap();
    s.suggest_value(xm, 90.0).unwrap();
    assert_eq!(val(&s, xl) + val(&s, xr), 2.0 * val(&s, xm));
    assert_eq!(val(&s, xl), 80.0);
    assert_eq!(val(&s, xr), 100.0);
}

#[test]
fn removing_constraints_restores_previous_solutions() {
    let mut s = Solver::new();
    s.add_constraint(1, cn(&[(X, 1.0)], -10.0, EQ, WEAK))
        .unwrap();
    s.add_constraint(2, cn(&[(Y, 1.0), (X, -1.0)], -5.0, EQ, REQUIRED))
        .unwrap();
    assert_eq!((val(&s, X), val(&s, Y)), (10.0, 15.0));
    s.add_constraint(3, cn(&[(Y, 1.0)], -40.0, EQ, MEDIUM))
        .unwrap();
    assert_eq!((val(&s, X), val(&s, Y)), (35.0, 40.0));
    s.add_constraint(4, cn(&[(X, 1.0)], -20.0, LE, STRONG))
        .unwrap();
    assert_eq!((val(&s, X), val(&s, Y)), (20.0, 25.0));
    s.remove_constraint(4).unwrap();
    assert_eq!((val(&s, X), val(&s, Y)), (35.0, 40.0));
    s.remove_constraint(3).unwrap();
    assert_eq!((val(&s, X), val(&s, Y)), (10.0, 15.0));
    s.remove_constraint(2).unwrap();
    assert_eq!(val(&s, X), 10.0);
    assert_eq!(val(&s, Y), 0.0);
    s.remove_constraint(1).unwrap();
    assert_eq!(val(&s, X), 0.0);
    assert_eq!(s.constraint_count(), 0);
    // Variables stay known (as in kiwi) until reset.
    assert_eq!(s.variable_count(), 2);
}

#[test]
fn duplicate_and_unknown_errors() {
    let mut s = Solver::new();
    let c = cn(&[(X, 1.0)], -1.0, GE, REQUIRED);
    assert!(!s.has_constraint(7));
    s.add_constraint(7, c.clone()).unwrap();
    assert!(s.has_constraint(7));
    assert_eq!(s.constraint(7), Some(&c));
    assert_eq!(
        s.add_constraint(7, c.clone()),
        Err(Error::DuplicateConstraint)
    );
    assert_eq!(s.remove_constraint(8), Err(Error::UnknownConstraint));
    s.remove_constraint(7).unwrap();
    assert_eq!(s.remove_constraint(7), Err(Error::UnknownConstraint));

    s.add_edit_variable(X, STRONG).unwrap();
    assert_eq!(
        s.add_edit_variable(X, WEAK),
        Err(Error::DuplicateEditVariable)
    );
    assert_eq!(s.remove_edit_variable(Y), Err(Error::UnknownEditVariable));
    assert_eq!(s.suggest_value(Y, 1.0), Err(Error::UnknownEditVariable));
    assert_eq!(
        s.add_edit_variable(Y, REQUIRED),
        Err(Error::BadRequiredStrength)
    );
    assert_eq!(
        s.add_edit_variable(Y, 1e12),
        Err(Error::BadRequiredStrength)
    );
    assert!(!s.has_edit_variable(Y));
    // Edit constraints do not live in the caller's id space.
    assert_eq!(s.constraint_count(), 0);
    s.remove_edit_variable(X).unwrap();
    assert_eq!(s.suggest_value(X, 1.0), Err(Error::UnknownEditVariable));
    assert!(Error::UnsatisfiableConstraint
        .to_string()
        .contains("satisfied"));
}

#[test]
fn unsatisfiable_required_constraint_leaves_state_unchanged() {
    let mut s = Solver::new();
    s.add_constraint(1, cn(&[(X, 1.0)], -10.0, GE, REQUIRED))
        .unwrap();
    let before = s.dumps(&name);
    assert_eq!(
        s.add_constraint(2, cn(&[(X, 1.0)], -5.0, LE, REQUIRED)),
        Err(Error::UnsatisfiableConstraint)
    );
    assert!(s.has_constraint(1));
    assert!(!s.has_constraint(2));
    assert_eq!(val(&s, X), 10.0);
    assert_eq!(s.dumps(&name), before);
    // The solver keeps working normally afterwards.
    s.add_constraint(2, cn(&[(X, 1.0)], -5.0, LE, WEAK))
        .unwrap();
    assert_eq!(val(&s, X), 10.0);
    s.remove_constraint(1).unwrap();
    assert_eq!(val(&s, X), 5.0);
    s.add_constraint(3, cn(&[(X, 1.0)], -10.0, GE, REQUIRED))
        .unwrap();
    assert_eq!(val(&s, X), 10.0);
}

#[test]
fn kiwi_failure_state_when_restoring_is_disabled() {
    // kiwi 1.3 does not undo its phase-one pivots: after the failed
    // `x <= 5`, x reads 5 (observed with kiwisolver 1.3.2).
    let mut s = Solver::new();
    assert!(s.restore_on_unsatisfiable());
    s.set_restore_on_unsatisfiable(false);
    s.add_constraint(1, cn(&[(X, 1.0)], -10.0, GE, REQUIRED))
        .unwrap();
    assert_eq!(
        s.add_constraint(2, cn(&[(X, 1.0)], -5.0, LE, REQUIRED)),
        Err(Error::UnsatisfiableConstraint)
    );
    assert!(s.has_constraint(1));
    assert!(!s.has_constraint(2));
    assert_eq!(val(&s, X), 5.0);
    let dump = s.dumps(&name);
    assert!(
        dump.contains("Tableau\n-------\nv1 |  + -1 * s3\ns2 |  + -1 * s3\n"),
        "{dump}"
    );
}

#[test]
fn unsatisfiable_with_many_rows_restores_tableau() {
    // x + y == 10, x >= 2, y >= 3 (required), weak preferences; then
    // x + y <= 4 (required) is infeasible and needs the artificial phase.
    let mut s = Solver::new();
    s.add_constraint(1, cn(&[(X, 1.0), (Y, 1.0)], -10.0, EQ, REQUIRED))
        .unwrap();
    s.add_constraint(2, cn(&[(X, 1.0)], -2.0, GE, REQUIRED))
        .unwrap();
    s.add_constraint(3, cn(&[(Y, 1.0)], -3.0, GE, REQUIRED))
        .unwrap();
    s.add_constraint(4, cn(&[(X, 1.0)], -6.0, EQ, WEAK))
        .unwrap();
    s.add_constraint(5, cn(&[(Z, 1.0), (X, -1.0)], 0.0, GE, REQUIRED))
        .unwrap();
    let before = s.dumps(&name);
    let values: Vec<_> = s.values().collect();
    assert_eq!(
        s.add_constraint(6, cn(&[(Z, 1.0)], -1.0, LE, REQUIRED)),
        Err(Error::UnsatisfiableConstraint)
    );
    assert_eq!(s.dumps(&name), before);
    assert_eq!(s.values().collect::<Vec<_>>(), values);
    assert_eq!(val(&s, X), 6.0);
    assert_eq!(val(&s, Y), 4.0);
}

#[test]
fn redundant_and_conflicting_required_equalities() {
    let mut s = Solver::new();
    s.add_constraint(1, cn(&[(X, 1.0)], -10.0, EQ, REQUIRED))
        .unwrap();
    // Same equality again under another id: redundant, accepted.
    s.add_constraint(2, cn(&[(X, 1.0)], -10.0, EQ, REQUIRED))
        .unwrap();
    // Conflicting required equality: all-dummy row with a non-zero constant.
    assert_eq!(
        s.add_constraint(3, cn(&[(X, 1.0)], -11.0, EQ, REQUIRED)),
        Err(Error::UnsatisfiableConstraint)
    );
    assert_eq!(val(&s, X), 10.0);
    s.remove_constraint(1).unwrap();
    assert_eq!(val(&s, X), 10.0);
    s.remove_constraint(2).unwrap();
    assert_eq!(val(&s, X), 0.0);
    s.add_constraint(3, cn(&[(X, 1.0)], -11.0, EQ, REQUIRED))
        .unwrap();
    assert_eq!(val(&s, X), 11.0);
}

#[test]
fn reset_clears_everything() {
    let mut s = Solver::new();
    s.add_edit_variable(X, STRONG).unwrap();
    s.add_constraint(1, cn(&[(X, 1.0), (Y, -1.0)], 0.0, EQ, REQUIRED))
        .unwrap();
    s.suggest_value(X, 3.0).unwrap();
    assert_eq!(val(&s, Y), 3.0);
    let empty = Solver::<u64>::new().dumps(&name);
    s.reset();
    assert!(!s.has_constraint(1));
    assert!(!s.has_edit_variable(X));
    assert_eq!(s.value_of(X), None);
    assert_eq!(s.variable_count(), 0);
    assert_eq!(s.dumps(&name), empty);
    s.add_constraint(1, cn(&[(X, 1.0)], -4.0, EQ, REQUIRED))
        .unwrap();
    assert_eq!(val(&s, X), 4.0);
}

#[test]
fn zero_coefficient_terms_are_ignored() {
    let mut s = Solver::new();
    s.add_constraint(1, cn(&[(X, 1.0), (Y, 0.0)], -3.0, EQ, REQUIRED))
        .unwrap();
    assert_eq!(s.value_of(Y), None);
    assert_eq!(s.variable_count(), 1);
    // Terms cancelling out after reduction.
    s.add_constraint(2, cn(&[(Z, 1.0), (Z, -1.0)], 0.0, EQ, REQUIRED))
        .unwrap();
    assert_eq!(s.value_of(Z), None);
}

#[test]
fn strength_helpers() {
    assert_eq!(strength::create(1000.0, 1000.0, 1000.0, 1.0), REQUIRED);
    assert_eq!(strength::create(1.0, 0.0, 0.0, 1.0), STRONG);
    let c = Constraint::new([(X, 1.0)], 0.0, EQ, -5.0);
    assert_eq!(c.strength(), 0.0);
    let c = Constraint::new([(X, 1.0)], 0.0, EQ, 2.0 * REQUIRED);
    assert!(c.is_required());
}

#[test]
fn dump_format() {
    let mut s = Solver::new();
    s.add_constraint(1, cn(&[(X, 1.0)], -10.0, EQ, REQUIRED))
        .unwrap();
    let expected = "\
Objective
---------


Tableau
-------
v1 |  + -1 * d2

Infeasible
----------

Variables
---------
x = v1

Edit Variables
--------------

Constraints
-----------
1 * x + -10 == 0  | strength = 1.001e+09


";
    assert_eq!(s.dumps(&name), expected);

    s.add_edit_variable(Y, STRONG).unwrap();
    s.add_constraint(2, cn(&[(Y, 2.0), (X, -1.0)], 0.0, GE, WEAK))
        .unwrap();
    let dump = s.dumps(&name);
    for heading in [
        "Objective\n---------\n",
        "\nTableau\n-------\n",
        "\nInfeasible\n----------\n",
        "\nVariables\n---------\nx = v1\ny = v3\n",
        "\nEdit Variables\n--------------\ny\n",
        "\nConstraints\n-----------\n1 * x + -10 == 0  | strength = 1.001e+09\n\
         1 * y + 0 == 0  | strength = 1e+06\n\
         2 * y + -1 * x + 0 >= 0  | strength = 1\n",
    ] {
        assert!(dump.contains(heading), "missing {heading:?} in\n{dump}");
    }

    // Custom constraint lines through the DumpContext trait.
    struct Ctx;
    impl DumpContext<u64> for Ctx {
        fn write_variable(&self, out: &mut String, var: u64) {
            out.push_str(&name(var));
        }
        fn write_constraint(&self, out: &mut String, id: Option<u64>, _c: &Constraint<u64>) {
            match id {
                Some(id) => out.push_str(&format!("<constraint {id}>")),
                None => out.push_str("<edit>"),
            }
        }
    }
    let dump = s.dumps(&Ctx);
    assert!(dump.ends_with("-----------\n<constraint 1>\n<edit>\n<constraint 2>\n\n\n"));
}

#[test]
fn layout_system_many_cycles() {
    let n = 10;
    let mut s = layout::build(n);
    assert_eq!(s.variable_count(), 4 * n + 2);
    assert_eq!(s.constraint_count(), 118);
    let mut replay = layout::build(n);
    let check = |s: &Solver<u64>, ws: f64, hs: f64| {
        let (w, h, x0, bw, y, bh) = layout::expected(n, ws, hs);
        let tol = 1e-6;
        assert!(
            (val(s, layout::W) - w).abs() < tol,
            "W for {ws}: {}",
            val(s, layout::W)
        );
        assert!(
            (val(s, layout::H) - h).abs() < tol,
            "H for {hs}: {}",
            val(s, layout::H)
        );
        for i in 0..n {
            let [vx, vy, vw, vh] = layout::box_vars(i);
            let ex = x0 + i as f64 * (bw + 10.0);
            assert!((val(s, vx) - ex).abs() < tol, "x{i} for {ws}");
            assert!((val(s, vw) - bw).abs() < tol, "w{i} for {ws}");
            assert!((val(s, vy) - y).abs() < tol, "y{i} for {hs}");
            assert!((val(s, vh) - bh).abs() < tol, "h{i} for {hs}");
        }
    };
    for k in 0..3000 {
        let (ws, hs) = layout::suggestion(k);
        s.suggest_value(layout::W, ws).unwrap();
        s.suggest_value(layout::H, hs).unwrap();
        check(&s, ws, hs);
        replay.suggest_value(layout::W, ws).unwrap();
        replay.suggest_value(layout::H, hs).unwrap();
        if k % 97 == 0 {
            // Two solvers fed the same sequence agree bit for bit.
            let a: Vec<_> = s.values().collect();
            let b: Vec<_> = replay.values().collect();
            assert_eq!(a, b);
            assert_eq!(s.dumps(&name), replay.dumps(&name));
        }
    }
    // Structural edits in the middle of the cycle keep results consistent.
    let mut extra = 10_000;
    for k in 0..50 {
        extra += 1;
        let [_, _, w0, _] = layout::box_vars((k % n as u64) as usize);
        s.add_constraint(extra, cn(&[(w0, 1.0)], -5000.0, LE, WEAK))
            .unwrap();
        let (ws, hs) = layout::suggestion(k + 7);
        s.suggest_value(layout::W, ws).unwrap();
        s.suggest_value(layout::H, hs).unwrap();
        check(&s, ws, hs);
        s.remove_constraint(extra).unwrap();
        s.suggest_value(layout::W, hs * 10.0).unwrap();
        check(&s, hs * 10.0, hs);
    }
}

/// Required constraints that always admit a solution, mixed with random
/// non-required preferences, added and removed in random order.
///
/// Coefficients are +-1 (difference constraints) so the tableau stays exact;
/// with arbitrary coefficients, long random add/remove sequences can drive
/// kiwi's algorithm (and so this one) into numerical trouble.
#[test]
fn randomized_add_remove_keeps_required_constraints_satisfied() {
    let mut rng = 0x1234_5678_9abc_def0u64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let nvars = 12u64;
    let mut s = Solver::new();
    let mut live: Vec<(u64, Constraint<u64>)> = Vec::new();
    for v in 0..nvars {
        // 0 <= v <= 1000
        s.add_constraint(1000 + 2 * v, cn(&[(v, 1.0)], 0.0, GE, REQUIRED))
            .unwrap();
        s.add_constraint(1001 + 2 * v, cn(&[(v, 1.0)], -1000.0, LE, REQUIRED))
            .unwrap();
    }
    for v in 0..3 {
        s.add_edit_variable(v, MEDIUM).unwrap();
    }
    let strengths = [WEAK, MEDIUM, STRONG, REQUIRED];
    let mut id = 1_000_000u64;
    for step in 0..2000 {
        let r = next();
        if r % 5 == 0 && !live.is_empty() {
            let k = (next() % live.len() as u64) as usize;
            let (cid, _) = live.swap_remove(k);
            s.remove_constraint(cid).unwrap();
        } else if r % 5 == 1 {
            let v = next() % 3;
            s.suggest_value(v, (next() % 1400) as f64 - 200.0).unwrap();
        } else {
            let a = next() % nvars;
            let b = next() % nvars;
            let c = (next() % 200) as f64;
            let strength = strengths[(next() % 4) as usize];
            let op = [LE, GE, EQ][(next() % 3) as usize];
            // Required ones are only `a <= b + c` with a < b ordering, which
            // (with the 0..1000 box) is always satisfiable together.
            let constraint = if strength == REQUIRED {
                let (lo, hi) = (a.min(b), a.max(b));
                if lo == hi {
                    continue;
                }
                cn(&[(lo, 1.0), (hi, -1.0)], -c, LE, REQUIRED)
            } else {
                cn(&[(a, 1.0), (b, -1.0)], -c, op, strength)
            };
            id += 1;
            s.add_constraint(id, constraint.clone()).unwrap();
            live.push((id, constraint));
        }
        if step % 50 == 0 {
            for (cid, c) in &live {
                if !c.is_required() {
                    continue;
                }
                let value: f64 =
                    c.terms().iter().map(|&(v, k)| k * val(&s, v)).sum::<f64>() + c.constant();
                assert!(value <= 1e-4, "constraint {cid} violated: {value}");
            }
            for v in 0..nvars {
                if let Some(x) = s.value_of(v) {
                    assert!((-1e-4..=1000.0 + 1e-4).contains(&x), "bound violated: {x}");
                }
            }
        }
    }
    for (cid, _) in live.drain(..) {
        s.remove_constraint(cid).unwrap();
    }
    for v in 0..3 {
        s.remove_edit_variable(v).unwrap();
    }
    for v in 0..nvars {
        s.remove_constraint(1000 + 2 * v).unwrap();
        s.remove_constraint(1001 + 2 * v).unwrap();
    }
    assert!(s.values().all(|(_, x)| x == 0.0));
}
