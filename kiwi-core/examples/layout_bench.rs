//! Layout benchmark: a 42-variable / 120-constraint layout system driven by
//! two edit variables. Each cycle suggests both edit values and reads every
//! variable back, like a GUI resize loop.
//!
//! Run with `cargo run --release --example layout_bench [cycles] [builds]`.

#[path = "../tests/common/layout.rs"]
mod layout;

use std::hint::black_box;
use std::time::Instant;

fn main() {
    let cycles: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200_000);
    let builds: u32 = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let n = 10;

    let start = Instant::now();
    for _ in 0..builds {
        black_box(layout::build(n));
    }
    let build_us = start.elapsed().as_secs_f64() * 1e6 / f64::from(builds.max(1));

    let mut solver = layout::build(n);
    let suggestions: Vec<(f64, f64)> = (0..1024).map(layout::suggestion).collect();
    let mut values = vec![0.0f64; 4 * n + 2];
    // Warm up.
    for &(w, h) in suggestions.iter().take(256) {
        solver.suggest_value(layout::W, w).unwrap();
        solver.suggest_value(layout::H, h).unwrap();
    }
    let start = Instant::now();
    let mut checksum = 0.0;
    for k in 0..cycles {
        let (w, h) = suggestions[(k & 1023) as usize];
        solver.suggest_value(layout::W, w).unwrap();
        solver.suggest_value(layout::H, h).unwrap();
        solver.update_variables(|var, value| values[var as usize] = value);
        checksum += black_box(&values)[2];
    }
    let elapsed = start.elapsed();
    let per_cycle = elapsed.as_secs_f64() * 1e6 / cycles as f64;

    // Smooth resizing: small steps, as when dragging a window edge.
    let start = Instant::now();
    for k in 0..cycles {
        let t = (k % 2000) as f64;
        let w = 400.0 + if t < 1000.0 { t } else { 2000.0 - t } * 0.5;
        let h = 80.0 + (k % 40) as f64 * 0.25;
        solver.suggest_value(layout::W, w).unwrap();
        solver.suggest_value(layout::H, h).unwrap();
        solver.update_variables(|var, value| values[var as usize] = value);
        checksum += black_box(&values)[2];
    }
    let smooth_per_cycle = start.elapsed().as_secs_f64() * 1e6 / cycles as f64;
    println!(
        "layout_bench: {} variables, {} constraints + 2 edit variables",
        solver.variable_count(),
        solver.constraint_count()
    );
    if builds > 0 {
        println!("build: {build_us:.1} µs per solver ({builds} builds)");
    }
    println!(
        "{cycles} cycles (2x suggest_value + update_variables), random jumps: {per_cycle:.3} µs/cycle"
    );
    println!(
        "{cycles} cycles (2x suggest_value + update_variables), smooth resize: {smooth_per_cycle:.3} µs/cycle"
    );
    println!("checksum {checksum}");
}
