use hpy_rs::prelude::*;

#[hpy_module(name = "a-b")]
mod m {
    use hpy_rs::prelude::*;

    #[hpy_function]
    fn f() {}
}

fn main() {}
