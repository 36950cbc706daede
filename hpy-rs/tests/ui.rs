//! Compile-fail UI tests: macro misuse is a compile error at the offending span (several
//! mistakes reported at once), and the safe layer's lifetime/thread guarantees hold.
//!
//! Regenerate the expected output with `TRYBUILD=overwrite cargo test -p hpy-rs --test ui`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
