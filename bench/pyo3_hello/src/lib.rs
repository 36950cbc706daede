//! `hello_pyo3`: examples/hello (the hpy-rs demo module) written with PyO3, function for
//! function, to compare clean build time and binary size (`bash bench/run.sh --build-stats`).

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyOverflowError, PyZeroDivisionError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

create_exception!(hello_pyo3, HelloError, PyException, "Raised by `fail()`.");

/// Return a greeting for `name`.
#[pyfunction]
#[pyo3(signature = (name = "world"))]
fn greet(name: &str) -> String {
    format!("Hello, {name}!")
}

/// Add two 64-bit integers; OverflowError if an argument or the result does not fit.
#[pyfunction]
fn add(a: i64, b: i64) -> PyResult<i64> {
    a.checked_add(b)
        .ok_or_else(|| PyOverflowError::new_err("result does not fit in a 64-bit integer"))
}

/// Sum an iterable of numbers (list, tuple, generator, ...) as a float.
#[pyfunction]
fn sum_floats(values: &Bound<'_, PyAny>) -> PyResult<f64> {
    let mut total = 0.0;
    for v in values.try_iter()? {
        total += v?.extract::<f64>()?;
    }
    Ok(total)
}

/// Divide `a` by `b`; ZeroDivisionError when `b` is zero.
#[pyfunction]
fn divide(a: f64, b: f64) -> PyResult<f64> {
    if b == 0.0 {
        return Err(PyZeroDivisionError::new_err("division by zero"));
    }
    Ok(a / b)
}

/// Call `f(*args, **kwargs)` and return its result.
#[pyfunction]
#[pyo3(signature = (f, *args, **kwargs))]
fn call<'py>(
    f: &Bound<'py, PyAny>,
    args: &Bound<'py, PyTuple>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    f.call(args, kwargs)
}

/// Raise `HelloError(msg)`.
#[pyfunction]
fn fail(msg: &str) -> PyResult<()> {
    Err(HelloError::new_err(msg.to_owned()))
}

/// Panic in Rust; the caller gets a Python exception.
#[pyfunction]
fn panic() {
    panic!("hello_pyo3.panic() was called");
}

/// The name of `type(obj)`.
#[pyfunction]
fn type_name(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(obj.get_type().name()?.to_string())
}

/// A small greeting module written in Rust with PyO3.
#[pymodule]
fn hello_pyo3(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("HelloError", m.py().get_type::<HelloError>())?;
    m.add_function(wrap_pyfunction!(greet, m)?)?;
    m.add_function(wrap_pyfunction!(add, m)?)?;
    m.add_function(wrap_pyfunction!(sum_floats, m)?)?;
    m.add_function(wrap_pyfunction!(divide, m)?)?;
    m.add_function(wrap_pyfunction!(call, m)?)?;
    m.add_function(wrap_pyfunction!(fail, m)?)?;
    m.add_function(wrap_pyfunction!(panic, m)?)?;
    m.add_function(wrap_pyfunction!(type_name, m)?)?;
    Ok(())
}
