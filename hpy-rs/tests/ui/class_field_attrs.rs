use hpy_rs::prelude::*;

#[hpy_module]
mod m {
    use hpy_rs::prelude::*;

    // Several field-attribute mistakes, reported together.
    #[hpy_class(frozen)]
    pub struct P {
        #[hpy(get, set)]
        x: f64,
        #[hpy(gett)]
        y: f64,
        #[hpy(set)]
        z: f64,
    }
}

fn main() {}
