// A borrowed argument cannot be returned as if it lived forever.
use hpy_rs::prelude::*;

#[hpy_module]
mod m {
    use hpy_rs::prelude::*;

    #[hpy_function]
    fn same<'py>(obj: &Handle<'py>) -> &'static Handle<'py> {
        obj
    }
}

fn main() {}
