use hpy_rs::prelude::*;

#[hpy_module]
mod m {
    use hpy_rs::prelude::*;

    // `register` takes a dotted path to an ABC.
    #[hpy_class(register = "Mapping")]
    pub struct P {
        x: f64,
    }
}

fn main() {}
