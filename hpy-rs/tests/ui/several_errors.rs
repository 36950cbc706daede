use hpy_rs::prelude::*;

#[hpy_module]
mod m {
    use hpy_rs::prelude::*;

    // Two mistakes in one attribute: an unknown option and a signature naming a non-parameter.
    #[hpy_function(nmae = "g", signature = (a, zz))]
    fn f(a: i64) -> i64 {
        a
    }
}

fn main() {}
