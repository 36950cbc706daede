//! A layout-style system: a container (`W`, `H` edit variables) holding a
//! row of equally sized boxes, each with `x`, `y`, `w`, `h`.
#![allow(dead_code)]

use kiwi_core::strength::{MEDIUM, REQUIRED, STRONG, WEAK};
use kiwi_core::{Constraint, RelationalOperator, Solver};

use RelationalOperator::{Equal as EQ, GreaterOrEqual as GE, LessOrEqual as LE};

/// Variable id of the container width.
pub const W: u64 = 0;
/// Variable id of the container height.
pub const H: u64 = 1;

/// Variable ids `[x, y, w, h]` of box `i`.
pub fn box_vars(i: usize) -> [u64; 4] {
    let base = 2 + 4 * i as u64;
    [base, base + 1, base + 2, base + 3]
}

/// Builds the system with `n` boxes (`n = 10`: 42 variables, 118
/// constraints plus 2 edit variables).
pub fn build(n: usize) -> Solver<u64> {
    let mut solver = Solver::new();
    let mut next_id = 0u64;
    let mut add = |s: &mut Solver<u64>, terms: &[(u64, f64)], constant: f64, op, strength| {
        next_id += 1;
        s.add_constraint(
            next_id,
            Constraint::new(terms.iter().copied(), constant, op, strength),
        )
        .expect("layout constraint");
    };
    solver.add_edit_variable(W, STRONG).unwrap();
    solver.add_edit_variable(H, STRONG).unwrap();
    for i in 0..n {
        let [x, y, w, h] = box_vars(i);
        add(&mut solver, &[(x, 1.0)], 0.0, GE, REQUIRED);
        add(&mut solver, &[(y, 1.0)], 0.0, GE, REQUIRED);
        add(&mut solver, &[(w, 1.0)], -20.0, GE, REQUIRED);
        add(&mut solver, &[(h, 1.0)], -20.0, GE, REQUIRED);
        add(
            &mut solver,
            &[(x, 1.0), (w, 1.0), (W, -1.0)],
            0.0,
            LE,
            REQUIRED,
        );
        add(
            &mut solver,
            &[(y, 1.0), (h, 1.0), (H, -1.0)],
            0.0,
            LE,
            REQUIRED,
        );
        add(&mut solver, &[(w, 1.0)], -100.0, EQ, WEAK);
        add(&mut solver, &[(h, 1.0)], -60.0, EQ, WEAK);
        add(&mut solver, &[(y, 1.0)], -10.0, EQ, MEDIUM);
        if i == 0 {
            add(&mut solver, &[(x, 1.0)], -10.0, EQ, MEDIUM);
        } else {
            let [px, _, pw, ph] = box_vars(i - 1);
            // x_i == x_{i-1} + w_{i-1} + 10
            add(
                &mut solver,
                &[(x, 1.0), (px, -1.0), (pw, -1.0)],
                -10.0,
                EQ,
                REQUIRED,
            );
            add(&mut solver, &[(w, 1.0), (pw, -1.0)], 0.0, EQ, STRONG);
            add(&mut solver, &[(h, 1.0), (ph, -1.0)], 0.0, EQ, STRONG);
        }
    }
    solver
}

/// The unique optimum for suggested container size `(ws, hs)`:
/// `(W, H, x0, box width, y, box height)`.
pub fn expected(n: usize, ws: f64, hs: f64) -> (f64, f64, f64, f64, f64, f64) {
    let gaps = 10.0 * (n as f64 - 1.0);
    let min_w = 20.0 * n as f64 + gaps;
    let (width, x0, bw) = if ws >= 10.0 + 100.0 * n as f64 + gaps {
        (ws, 10.0, 100.0)
    } else if ws >= 10.0 + min_w {
        (ws, 10.0, (ws - 10.0 - gaps) / n as f64)
    } else if ws >= min_w {
        (ws, ws - min_w, 20.0)
    } else {
        (min_w, 0.0, 20.0)
    };
    let (height, y, bh) = if hs >= 70.0 {
        (hs, 10.0, 60.0)
    } else if hs >= 30.0 {
        (hs, 10.0, hs - 10.0)
    } else if hs >= 20.0 {
        (hs, hs - 20.0, 20.0)
    } else {
        (20.0, 0.0, 20.0)
    };
    (width, height, x0, bw, y, bh)
}

/// Deterministic pseudo-random suggestion for cycle `k`.
pub fn suggestion(k: u64) -> (f64, f64) {
    let mut z = k
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(0x2545_F491_4F6C_DD1D);
    z ^= z >> 31;
    z = z.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z ^= z >> 27;
    let ws = 200.0 + (z % 1200) as f64;
    let hs = 10.0 + ((z >> 20) % 120) as f64;
    (ws, hs)
}
