use hpy_rs::prelude::*;

#[hpy_module]
mod m {
    use hpy_rs::prelude::*;

    #[hpy_exception(bsae = ValueError)]
    pub struct MyError;
}

fn main() {}
