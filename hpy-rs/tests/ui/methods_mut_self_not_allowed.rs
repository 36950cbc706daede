use hpy_rs::prelude::*;

#[hpy_module]
mod m {
    use hpy_rs::prelude::*;

    #[hpy_class]
    pub struct P {
        x: f64,
    }

    #[hpy_methods]
    impl P {
        fn __hash__(&mut self) -> isize {
            self.x as isize
        }
        fn __repr__(&mut self) -> String {
            format!("{}", self.x)
        }
    }
}

fn main() {}
