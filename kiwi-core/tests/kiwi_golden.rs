//! Replays operation sequences recorded from kiwisolver 1.3.2 and checks
//! that every result and every recorded value matches exactly (bit for bit).
//! "compat" sequences continue after unsatisfiable additions with
//! `set_restore_on_unsatisfiable(false)`, i.e. kiwi's exact failure state.

use kiwi_core::{Constraint, Error, RelationalOperator, Solver};

const GOLDEN: &str = include_str!("data/kiwi132_golden.txt");

fn result_name(r: Result<(), Error>) -> &'static str {
    match r {
        Ok(()) => "ok",
        Err(Error::DuplicateConstraint) => "DuplicateConstraint",
        Err(Error::UnsatisfiableConstraint) => "UnsatisfiableConstraint",
        Err(Error::UnknownConstraint) => "UnknownConstraint",
        Err(Error::DuplicateEditVariable) => "DuplicateEditVariable",
        Err(Error::UnknownEditVariable) => "UnknownEditVariable",
        Err(Error::BadRequiredStrength) => "BadRequiredStrength",
        Err(Error::InternalSolverError(_)) => "InternalSolverError",
    }
}

fn num<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    s.parse()
        .unwrap_or_else(|e| panic!("bad number {s:?}: {e:?}"))
}

#[test]
fn matches_kiwisolver_1_3_2() {
    let mut solver: Solver<u64> = Solver::new();
    let mut nvars = 0u64;
    let mut sequences = 0;
    let mut compat_sequences = 0;
    let mut checked_values = 0;
    let mut last_result = Ok(());
    let mut last_op = "";
    for (lineno, line) in GOLDEN.lines().enumerate() {
        let t: Vec<&str> = line.split_whitespace().collect();
        let Some(&head) = t.first() else { continue };
        let at = || format!("line {}: {line} (after {last_op})", lineno + 1);
        match head {
            "#" => {}
            "seq" => {
                solver = Solver::new();
                nvars = num(t[1]);
                if t.get(2) == Some(&"compat") {
                    solver.set_restore_on_unsatisfiable(false);
                    compat_sequences += 1;
                }
                sequences += 1;
            }
            "=" => {
                assert_eq!(result_name(last_result), t[1], "{}", at());
                if t.len() > 2 {
                    assert_eq!(t.len() - 2, nvars as usize, "{}", at());
                    for v in 0..nvars {
                        let expected: f64 = num(t[2 + v as usize]);
                        let actual = solver.value_of(v).unwrap_or(0.0);
                        assert_eq!(actual, expected, "variable {v}, {}", at());
                        checked_values += 1;
                    }
                }
            }
            _ => {
                last_op = line;
                last_result = match head {
                    "add" => {
                        let op = match t[2] {
                            "le" => RelationalOperator::LessOrEqual,
                            "ge" => RelationalOperator::GreaterOrEqual,
                            _ => RelationalOperator::Equal,
                        };
                        let terms: Vec<(u64, f64)> =
                            t[5..].chunks(2).map(|p| (num(p[0]), num(p[1]))).collect();
                        let constraint = Constraint::new(terms, num(t[4]), op, num(t[3]));
                        solver.add_constraint(num(t[1]), constraint)
                    }
                    "rem" => solver.remove_constraint(num(t[1])),
                    "edit" => solver.add_edit_variable(num(t[1]), num(t[2])),
                    "unedit" => solver.remove_edit_variable(num(t[1])),
                    "suggest" => solver.suggest_value(num(t[1]), num(t[2])),
                    other => panic!("unknown operation {other:?} at line {}", lineno + 1),
                };
            }
        }
    }
    assert!(sequences >= 30, "golden file looks truncated");
    assert!(compat_sequences >= 5);
    assert!(checked_values > 1000);
}
