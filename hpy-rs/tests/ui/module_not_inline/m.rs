// The (empty) file module of `tests/ui/module_not_inline.rs`; not a test case itself.
