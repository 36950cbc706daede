use hpy_rs::prelude::*;

#[hpy_module]
mod m {
    use hpy_rs::prelude::*;

    #[hpy_class(subclass)]
    pub struct P {
        x: f64,
    }
}

fn main() {}
