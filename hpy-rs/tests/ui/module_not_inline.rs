use hpy_rs::prelude::*;

// The file exists, so the only errors are about the module not being inline.
#[hpy_module]
#[path = "module_not_inline/m.rs"]
mod m;

fn main() {}
