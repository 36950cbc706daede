//! `hpyrs_bench`: the benchmark API of `bench/` (see `bench/README.md`), written with hpy-rs.
//! The same API exists in C (HPy and the CPython C API), PyO3 and pure Python; `bench/run.py`
//! times all of them on CPython and PyPy.

/// The benchmark API.
#[hpy_rs::hpy_module]
mod hpyrs_bench {
    use hpy_rs::prelude::*;

    /// Do nothing, return None.
    #[hpy_function]
    fn noop() {}

    /// `a + b` for 64-bit integers; OverflowError if the result does not fit.
    #[hpy_function]
    fn add_ints(a: i64, b: i64) -> HPyResult<i64> {
        a.checked_add(b)
            .ok_or_else(|| exc::OverflowError::new_err("result does not fit in a 64-bit integer"))
    }

    /// `add_ints` with positional-only parameters (the `VARARGS` convention instead of
    /// `KEYWORDS`): an extra row of the benchmark.
    #[hpy_function(signature = (a, b, /))]
    fn add_ints_po(a: i64, b: i64) -> HPyResult<i64> {
        a.checked_add(b)
            .ok_or_else(|| exc::OverflowError::new_err("result does not fit in a 64-bit integer"))
    }

    /// `a + b` with `b` optional (benchmarked as `add_kw(1, b=2)`).
    #[hpy_function(signature = (a, b = 0))]
    fn add_kw(a: i64, b: i64) -> HPyResult<i64> {
        a.checked_add(b)
            .ok_or_else(|| exc::OverflowError::new_err("result does not fit in a 64-bit integer"))
    }

    /// The number of positional arguments (borrowed from the call: no tuple is built).
    #[hpy_function(signature = (*args))]
    fn varargs(args: VarArgs<'_, '_>) -> usize {
        args.len()
    }

    /// The tuple `(a, b, c)`.
    #[hpy_function]
    fn make_tuple<'a, 'py>(
        a: &'a Handle<'py>,
        b: &'a Handle<'py>,
        c: &'a Handle<'py>,
    ) -> (&'a Handle<'py>, &'a Handle<'py>, &'a Handle<'py>) {
        (a, b, c)
    }

    /// The sum of a list of floats, walking it with `len()` + `get_index()`.
    #[hpy_function]
    fn sum_list(lst: &Handle<'_>) -> HPyResult<f64> {
        let n = lst.len()?;
        let mut total = 0.0;
        for i in 0..n {
            total += lst.get_index(i as isize)?.extract::<f64>()?;
        }
        Ok(total)
    }

    /// `sum_list` through `Vec<f64>` extraction: an extra row of the benchmark.
    #[hpy_function]
    fn sum_list_vec(lst: Vec<f64>) -> f64 {
        lst.iter().sum()
    }

    /// `obj.x` read `n` times with the name given as `&str` (encoded into a new `str` by the
    /// runtime for every read); returns the last value.
    #[hpy_function]
    fn getattr_str<'py>(obj: &Handle<'py>, n: usize) -> HPyResult<Handle<'py>> {
        let mut last = obj.getattr("x")?;
        for _ in 1..n {
            last = obj.getattr("x")?;
        }
        Ok(last)
    }

    /// `getattr_str` with the name from `intern!` (a cached, interned `str`).
    #[hpy_function]
    fn getattr_interned<'py>(ctx: Ctx<'py>, obj: &Handle<'py>, n: usize) -> HPyResult<Handle<'py>> {
        let mut last = obj.getattr(intern!(ctx, "x"))?;
        for _ in 1..n {
            last = obj.getattr(intern!(ctx, "x"))?;
        }
        Ok(last)
    }

    /// A 2-D point with float coordinates. Immutable (`frozen`), so its read-only float fields
    /// are plain HPy members, which PyPy's JIT reads directly.
    #[hpy_class(frozen)]
    pub struct Point {
        /// The x coordinate.
        #[hpy(get)]
        x: f64,
        /// The y coordinate.
        #[hpy(get)]
        y: f64,
    }

    #[hpy_methods]
    impl Point {
        #[new]
        fn new(x: f64, y: f64) -> Point {
            Point { x, y }
        }

        /// The Euclidean norm `sqrt(x*x + y*y)`.
        fn norm(&self) -> f64 {
            (self.x * self.x + self.y * self.y).sqrt()
        }
    }
}
