use hpy_rs::prelude::*;

pub struct Point;

impl Point {
    #[hpy_function]
    fn norm(&self) -> f64 {
        0.0
    }
}

fn main() {}
