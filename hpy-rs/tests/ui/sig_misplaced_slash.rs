use hpy_rs::prelude::*;

#[hpy_module]
mod m {
    use hpy_rs::prelude::*;

    #[hpy_function(signature = (a, *, b, /))]
    fn f(a: i64, b: i64) -> i64 {
        a + b
    }
}

fn main() {}
