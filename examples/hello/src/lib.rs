//! `hello`: the hpy-rs example module, one binary for CPython and PyPy.

/// A small greeting module written in Rust with hpy-rs.
#[hpy_rs::hpy_module]
mod hello {
    use hpy_rs::prelude::*;

    /// Raised by `fail()`.
    #[hpy_exception(base = Exception)]
    pub struct HelloError;

    /// Return a greeting for `name`.
    #[hpy_function(signature = (name = "world"))]
    fn greet(name: &str) -> String {
        format!("Hello, {name}!")
    }

    /// Add two 64-bit integers; OverflowError if an argument or the result does not fit.
    #[hpy_function]
    fn add(a: i64, b: i64) -> HPyResult<i64> {
        a.checked_add(b)
            .ok_or_else(|| exc::OverflowError::new_err("result does not fit in a 64-bit integer"))
    }

    /// Sum an iterable of numbers (list, tuple, generator, ...) as a float.
    #[hpy_function]
    fn sum_floats(values: &Handle<'_>) -> HPyResult<f64> {
        let mut total = 0.0;
        for v in values.iter()? {
            total += v?.extract::<f64>()?;
        }
        Ok(total)
    }

    /// Divide `a` by `b`; ZeroDivisionError when `b` is zero.
    #[hpy_function]
    fn divide(a: f64, b: f64) -> HPyResult<f64> {
        if b == 0.0 {
            return Err(exc::ZeroDivisionError::new_err("division by zero"));
        }
        Ok(a / b)
    }

    /// Call `f(*args, **kwargs)` and return its result.
    #[hpy_function(signature = (f, *args, **kwargs))]
    fn call<'py>(
        f: &Handle<'py>,
        args: &Handle<'py>,
        kwargs: Option<&Handle<'py>>,
    ) -> HPyResult<Handle<'py>> {
        f.call_tuple_dict(args, kwargs)
    }

    /// Raise `HelloError(msg)`.
    #[hpy_function]
    fn fail(msg: &str) -> HPyResult<()> {
        Err(HelloError::new_err(msg.to_owned()))
    }

    /// Panic in Rust; the caller gets a Python exception.
    #[hpy_function]
    fn panic() {
        panic!("hello.panic() was called");
    }

    /// The name of `type(obj)`, as `HPyType_GetName` reports it.
    #[hpy_function]
    fn type_name(obj: &Handle<'_>) -> String {
        obj.type_name_string()
    }
}
