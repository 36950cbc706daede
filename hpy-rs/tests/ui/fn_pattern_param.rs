use hpy_rs::prelude::*;

#[hpy_module]
mod m {
    use hpy_rs::prelude::*;

    #[hpy_function]
    fn f((a, b): (i64, i64)) -> i64 {
        a + b
    }
}

fn main() {}
