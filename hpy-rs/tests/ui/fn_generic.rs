use hpy_rs::prelude::*;

#[hpy_module]
mod m {
    use hpy_rs::prelude::*;

    #[hpy_function]
    fn ident<T: Clone>(x: T) -> T {
        x
    }
}

fn main() {}
