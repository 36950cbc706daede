use hpy_rs::prelude::*;

#[hpy_module]
mod m {
    use hpy_rs::prelude::*;

    #[hpy_class]
    pub struct It {
        n: i64,
    }

    #[hpy_methods]
    impl It {
        fn __next__(&mut self) -> i64 {
            self.n += 1;
            self.n
        }
    }
}

fn main() {}
