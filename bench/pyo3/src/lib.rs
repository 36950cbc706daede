//! The bench/ API (see bench/README.md) with PyO3.

use pyo3::exceptions::{PyIndexError, PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyInt, PyList, PyTuple};
use pyo3::IntoPyObjectExt;

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

/// piconumpy's one-dimensional array of floats (the `pn_*` rows; the same API as
/// examples/piconumpy, exposed here as `bench_pyo3.array`, `.zeros`, `.empty`).
#[pyclass(name = "array", module = "bench_pyo3")]
struct Array {
    data: Vec<f64>,
}

/// An int or float operand; anything else makes the operator return NotImplemented.
fn number(n: &Bound<'_, PyAny>) -> Option<f64> {
    if n.is_instance_of::<PyFloat>() || n.is_instance_of::<PyInt>() {
        n.extract::<f64>().ok()
    } else {
        None
    }
}

impl Array {
    fn index(&self, i: isize) -> PyResult<usize> {
        let n = self.data.len() as isize;
        let j = if i < 0 { i + n } else { i };
        if j < 0 || j >= n {
            return Err(PyIndexError::new_err("index out of range"));
        }
        Ok(j as usize)
    }

    fn map(
        &self,
        py: Python<'_>,
        n: &Bound<'_, PyAny>,
        f: impl Fn(f64, f64) -> f64,
    ) -> PyResult<Py<PyAny>> {
        match number(n) {
            Some(n) => Array {
                data: self.data.iter().map(|&x| f(x, n)).collect(),
            }
            .into_py_any(py),
            None => Ok(py.NotImplemented()),
        }
    }
}

#[pymethods]
impl Array {
    #[new]
    fn new(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let list = data
            .cast::<PyList>()
            .map_err(|_| PyTypeError::new_err("parameter must be a list"))?;
        let mut v = Vec::with_capacity(list.len());
        for item in list.iter() {
            v.push(item.extract::<f64>()?);
        }
        Ok(Array { data: v })
    }

    /// The number of elements.
    #[getter]
    fn size(&self) -> usize {
        self.data.len()
    }

    /// A new list of the elements.
    fn tolist(&self) -> Vec<f64> {
        self.data.clone()
    }

    fn __len__(&self) -> usize {
        self.data.len()
    }

    fn __getitem__(&self, i: isize) -> PyResult<f64> {
        Ok(self.data[self.index(i)?])
    }

    fn __setitem__(&mut self, i: isize, value: f64) -> PyResult<()> {
        let j = self.index(i)?;
        self.data[j] = value;
        Ok(())
    }

    fn __mul__(&self, py: Python<'_>, n: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.map(py, n, |x, n| x * n)
    }

    fn __rmul__(&self, py: Python<'_>, n: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.map(py, n, |x, n| n * x)
    }

    fn __truediv__(&self, py: Python<'_>, n: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        self.map(py, n, |x, n| x / n)
    }

    fn __add__(&self, other: PyRef<'_, Array>) -> PyResult<Array> {
        if other.data.len() != self.data.len() {
            return Err(PyValueError::new_err("arrays must have the same size"));
        }
        Ok(Array {
            data: self
                .data
                .iter()
                .zip(&other.data)
                .map(|(a, b)| a + b)
                .collect(),
        })
    }
}

/// An array of `n` elements (zeros here).
#[pyfunction]
fn empty(n: usize) -> Array {
    Array { data: vec![0.0; n] }
}

/// An array of `n` zeros.
#[pyfunction]
fn zeros(n: usize) -> Array {
    Array { data: vec![0.0; n] }
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
    m.add_class::<Array>()?;
    m.add_function(wrap_pyfunction!(empty, m)?)?;
    m.add_function(wrap_pyfunction!(zeros, m)?)?;
    Ok(())
}
