// `Ctx<'py>` is the proof of being inside one call; it cannot be kept in a `'static` slot.
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
    fn grab(ctx: Ctx<'_>) {
        CTX.with(|c| c.set(Some(ctx)));
    }
}

fn main() {}
