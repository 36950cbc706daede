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
        // A typo of a protocol method: the nearest one is suggested.
        fn __lenn__(&self) -> usize {
            0
        }
        // Python's initialiser: the constructor is a #[new] method.
        fn __init__(&mut self) {
            self.x = 0.0;
        }
        // A slot method takes `&self`; `slf` alone is for ordinary methods.
        fn __pos__(slf: &Handle<'_>) -> f64 {
            let _ = slf;
            0.0
        }
        // The iterator methods say how many arguments they got.
        fn __next__(&mut self, n: i64) -> Option<i64> {
            Some(n)
        }
    }
}

fn main() {}
