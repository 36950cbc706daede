//! Constraint strengths.
//!
//! A strength is a plain `f64` built from three "levels" (strong, medium and
//! weak), each clipped to `[0, 1000]`, exactly as kiwi does it. The special
//! [`REQUIRED`] strength marks constraints that must be satisfied.

/// Strength of a required constraint: `create(1000.0, 1000.0, 1000.0, 1.0)`.
pub const REQUIRED: f64 = 1_001_001_000.0;

/// The `strong` strength: `create(1.0, 0.0, 0.0, 1.0)`.
pub const STRONG: f64 = 1_000_000.0;

/// The `medium` strength: `create(0.0, 1.0, 0.0, 1.0)`.
pub const MEDIUM: f64 = 1_000.0;

/// The `weak` strength: `create(0.0, 0.0, 1.0, 1.0)`.
pub const WEAK: f64 = 1.0;

/// `std::min` semantics: returns `a` unless `b < a` (so a NaN `b` yields `a`).
#[inline]
fn cpp_min(a: f64, b: f64) -> f64 {
    if b < a {
        b
    } else {
        a
    }
}

/// `std::max` semantics: returns `a` unless `a < b` (so a NaN `b` yields `a`).
#[inline]
fn cpp_max(a: f64, b: f64) -> f64 {
    if a < b {
        b
    } else {
        a
    }
}

/// Builds a strength from its strong/medium/weak components scaled by `w`.
///
/// Each component `x * w` is clipped to `[0, 1000]`; the result is
/// `a * 1e6 + b * 1e3 + c` of the clipped components (the NaN handling follows
/// the C++ `std::min`/`std::max` argument order used by kiwi).
pub fn create(a: f64, b: f64, c: f64, w: f64) -> f64 {
    let level = |x: f64| cpp_max(0.0, cpp_min(1000.0, x * w));
    let mut result = 0.0;
    result += level(a) * 1_000_000.0;
    result += level(b) * 1000.0;
    result += level(c);
    result
}

/// Clips a strength to `[0, REQUIRED]`.
#[inline]
pub fn clip(value: f64) -> f64 {
    cpp_max(0.0, cpp_min(REQUIRED, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predefined_strengths() {
        assert_eq!(create(1000.0, 1000.0, 1000.0, 1.0), REQUIRED);
        assert_eq!(create(1.0, 0.0, 0.0, 1.0), STRONG);
        assert_eq!(create(0.0, 1.0, 0.0, 1.0), MEDIUM);
        assert_eq!(create(0.0, 0.0, 1.0, 1.0), WEAK);
        assert_eq!(create(1.0, 2.0, 3.0, 2.0), 2_004_006.0);
        assert_eq!(create(5000.0, -3.0, 1.0, 1.0), 1_000_000_001.0);
    }

    #[test]
    fn clipping() {
        assert_eq!(clip(-1.0), 0.0);
        assert_eq!(clip(2e9), REQUIRED);
        assert_eq!(clip(12.5), 12.5);
        assert_eq!(clip(f64::NAN), REQUIRED);
    }
}
