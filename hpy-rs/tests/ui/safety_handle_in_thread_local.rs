// A borrowed argument cannot be kept beyond the call, not even as a `dup()`: every `Handle`
// carries the call's invariant `'py`, which can never be `'static`.
use hpy_rs::prelude::*;
use std::cell::RefCell;

thread_local! {
    static KEPT: RefCell<Vec<Handle<'static>>> = const { RefCell::new(Vec::new()) };
}

#[hpy_module]
mod m {
    use super::KEPT;
    use hpy_rs::prelude::*;

    #[hpy_function]
    fn keep<'py>(obj: &Handle<'py>) {
        KEPT.with(|k| k.borrow_mut().push(obj.dup()));
    }
}

fn main() {}
