// An `#[hpy_function]` cannot ask for a `Ctx<'static>`: the context lives for one call only.
use hpy_rs::prelude::*;
use std::cell::Cell;

thread_local! {
    static CTX: Cell<Option<Ctx<'static>>> = const { Cell::new(None) };
}

#[hpy_module]
mod m {
    use super::CTX;
    use hpy_rs::prelude::*;

    #[hpy_function]
    fn grab(ctx: Ctx<'static>) {
        CTX.with(|c| c.set(Some(ctx)));
    }
}

fn main() {}
