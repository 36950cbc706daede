// Asking for a `&'static Handle` argument compiles as a Rust function but not as an
// `#[hpy_function]`: the argument is only borrowed for the call.
use hpy_rs::prelude::*;
use std::cell::RefCell;

thread_local! {
    static KEPT: RefCell<Vec<&'static Handle<'static>>> = const { RefCell::new(Vec::new()) };
}

#[hpy_module]
mod m {
    use super::KEPT;
    use hpy_rs::prelude::*;

    #[hpy_function]
    fn keep(obj: &'static Handle<'static>) {
        KEPT.with(|k| k.borrow_mut().push(obj));
    }
}

fn main() {}
