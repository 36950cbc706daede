use hpy_rs::prelude::*;

#[hpy_module]
mod m {
    use hpy_rs::prelude::*;

    #[hpy_exception(base = ValueError)]
    pub struct MyError {
        pub code: i32,
    }
}

fn main() {}
