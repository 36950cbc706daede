use hpy_rs::prelude::*;

#[hpy_class]
pub struct Point {
    x: f64,
}

#[hpy_methods]
impl Point {
    fn me<'py>(slf: &Handle<'py>) -> Handle<'py> {
        slf.dup()
    }
}

fn main() {}
