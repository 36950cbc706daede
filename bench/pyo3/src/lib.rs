//! The bench/ API (see bench/README.md) with PyO3.

use pyo3::exceptions::PyOverflowError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

fn checked(a: i64, b: i64) -> PyResult<i64> {
    a.checked_add(b)
        .ok_or_else(|| PyOverflowError::new_err("result does not fit in a 64-bit integer"))
}

/// Do nothing, return None.
#[pyfunction]
fn noop() {}

/// a + b for 64-bit integers.
#[pyfunction]
fn add_ints(a: i64, b: i64) -> PyResult<i64> {
    checked(a, b)
}

/// add_ints with positional-only parameters (extra row).
#[pyfunction]
#[pyo3(signature = (a, b, /))]
fn add_ints_po(a: i64, b: i64) -> PyResult<i64> {
    checked(a, b)
}

/// a + b, b optional.
#[pyfunction]
#[pyo3(signature = (a, b = 0))]
fn add_kw(a: i64, b: i64) -> PyResult<i64> {
    checked(a, b)
}

/// len(args).
#[pyfunction]
#[pyo3(signature = (*args))]
fn varargs(args: &Bound<'_, PyTuple>) -> usize {
    args.len()
}

/// The tuple (a, b, c).
#[pyfunction]
fn make_tuple<'py>(
    a: Bound<'py, PyAny>,
    b: Bound<'py, PyAny>,
    c: Bound<'py, PyAny>,
) -> (Bound<'py, PyAny>, Bound<'py, PyAny>, Bound<'py, PyAny>) {
    (a, b, c)
}

/// The sum of a list of floats, iterating the list.
#[pyfunction]
fn sum_list(lst: &Bound<'_, PyList>) -> PyResult<f64> {
    let mut total = 0.0;
    for item in lst.iter() {
        total += item.extract::<f64>()?;
    }
    Ok(total)
}

/// sum_list through Vec<f64> extraction (extra row).
#[pyfunction]
fn sum_list_vec(lst: Vec<f64>) -> f64 {
    lst.iter().sum()
}

/// A 2-D point.
#[pyclass(module = "bench_pyo3")]
struct Point {
    #[pyo3(get, set)]
    x: f64,
    #[pyo3(get, set)]
    y: f64,
}

#[pymethods]
impl Point {
    #[new]
    fn new(x: f64, y: f64) -> Self {
        Point { x, y }
    }

    /// sqrt(x*x + y*y).
    fn norm(&self) -> f64 {
        (self.x * self.x + self.y * self.y).sqrt()
    }
}

/// The bench/ API in PyO3.
#[pymodule]
fn bench_pyo3(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(noop, m)?)?;
    m.add_function(wrap_pyfunction!(add_ints, m)?)?;
    m.add_function(wrap_pyfunction!(add_ints_po, m)?)?;
    m.add_function(wrap_pyfunction!(add_kw, m)?)?;
    m.add_function(wrap_pyfunction!(varargs, m)?)?;
    m.add_function(wrap_pyfunction!(make_tuple, m)?)?;
    m.add_function(wrap_pyfunction!(sum_list, m)?)?;
    m.add_function(wrap_pyfunction!(sum_list_vec, m)?)?;
    m.add_class::<Point>()?;
    Ok(())
}
