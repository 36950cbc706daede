use hpy_rs::prelude::*;

#[hpy_module]
mod m {
    use hpy_rs::prelude::*;

    #[hpy_class(nmae = "P")]
    pub struct P {
        x: f64,
    }
}

fn main() {}
