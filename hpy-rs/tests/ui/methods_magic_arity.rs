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
        fn __add__(&self, a: f64, b: f64) -> f64 {
            self.x + a + b
        }
        fn __neg__(&self, extra: f64) -> f64 {
            -self.x - extra
        }
        fn __setitem__(&mut self, i: isize) {
            let _ = i;
        }
        fn __frobnicate__(&self) {}
    }
}

fn main() {}
