use hpy_rs::prelude::*;

#[hpy_module(nmae = "x")]
mod m {
    use hpy_rs::prelude::*;

    #[hpy_function]
    fn f() {}
}

fn main() {}
