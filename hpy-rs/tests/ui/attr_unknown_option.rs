use hpy_rs::prelude::*;

#[hpy_module]
mod m {
    #[hpy_attr(nmae = "VERSION")]
    const V: &str = "1.0";
}

fn main() {}
