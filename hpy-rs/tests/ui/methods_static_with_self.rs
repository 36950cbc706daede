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
        #[staticmethod]
        fn zero(&self) -> f64 {
            self.x
        }
        #[classmethod]
        fn make() -> f64 {
            0.0
        }
        #[getter]
        fn value(&self, scale: f64) -> f64 {
            self.x * scale
        }
        fn helper() -> f64 {
            1.0
        }
    }
}

fn main() {}
