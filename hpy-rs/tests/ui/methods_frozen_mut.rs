use hpy_rs::prelude::*;

#[hpy_module]
mod m {
    use hpy_rs::prelude::*;

    #[hpy_class(frozen)]
    pub struct P {
        x: f64,
    }

    #[hpy_methods]
    impl P {
        fn bump(&mut self) {
            self.x += 1.0;
        }
    }
}

fn main() {}
