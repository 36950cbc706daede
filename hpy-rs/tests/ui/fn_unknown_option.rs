use hpy_rs::prelude::*;

#[hpy_module]
mod m {
    use hpy_rs::prelude::*;

    #[hpy_function(nmae = "g")]
    fn f() {}
}

fn main() {}
