// A `&str` extracted from a handle borrows that handle: it cannot be stored in a `static`.
use hpy_rs::prelude::*;
use std::sync::Mutex;

static LAST: Mutex<&'static str> = Mutex::new("");

#[hpy_module]
mod m {
    use super::LAST;
    use hpy_rs::prelude::*;

    #[hpy_function]
    fn remember(obj: &Handle<'_>) -> HPyResult<()> {
        let s: &str = obj.extract()?;
        *LAST.lock().unwrap() = s;
        Ok(())
    }
}

fn main() {}
