// `&str` borrows the argument's UTF-8 buffer: it cannot outlive the argument, so an
// `#[hpy_function]` cannot take a `&'static str` and store it in a `static`.
use hpy_rs::prelude::*;
use std::sync::Mutex;

static LAST: Mutex<&'static str> = Mutex::new("");

#[hpy_module]
mod m {
    use super::LAST;
    use hpy_rs::prelude::*;

    #[hpy_function]
    fn remember(s: &'static str) {
        *LAST.lock().unwrap() = s;
    }
}

fn main() {}
