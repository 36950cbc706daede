// A `Handle` is only valid on the thread running the call: it is `!Send`.
use hpy_rs::prelude::*;

#[hpy_module]
mod m {
    use hpy_rs::prelude::*;

    #[hpy_function]
    fn leak(obj: Handle<'_>) {
        std::thread::spawn(move || drop(obj));
    }
}

fn main() {}
