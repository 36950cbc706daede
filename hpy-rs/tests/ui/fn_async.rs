use hpy_rs::prelude::*;

#[hpy_module]
mod m {
    use hpy_rs::prelude::*;

    #[hpy_function]
    async fn fetch(x: i64) -> i64 {
        x
    }
}

fn main() {}
