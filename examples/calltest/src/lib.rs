//! `calltest`: functions exercising the call path and the CPython fast path, for
//! `tests/python/test_calls.py`. Every function here must behave identically whether or not the
//! fast path serves the call.

/// Test functions for hpy-rs's call path.
#[hpy_rs::hpy_module]
mod calltest {
    use hpy_rs::prelude::*;

    /// Whether this call ran on the CPython fast path.
    #[hpy_function]
    fn fast_path_active(ctx: Ctx<'_>) -> bool {
        ctx.uses_cpython_fast_path()
    }

    /// `len(seq)` through `Handle::len`.
    #[hpy_function]
    fn length(seq: &Handle<'_>) -> HPyResult<usize> {
        seq.len()
    }

    /// `seq[i]` through `Handle::get_index`.
    #[hpy_function]
    fn item<'py>(seq: &Handle<'py>, i: isize) -> HPyResult<Handle<'py>> {
        seq.get_index(i)
    }

    /// The sum of `seq[i]` as floats, by index.
    #[hpy_function]
    fn sum_indexed(seq: &Handle<'_>) -> HPyResult<f64> {
        let mut total = 0.0;
        for i in 0..seq.len()? {
            total += seq.get_index(i as isize)?.extract::<f64>()?;
        }
        Ok(total)
    }

    /// The argument as `f64`.
    #[hpy_function]
    fn to_f64(x: f64) -> f64 {
        x
    }

    /// The argument as `i64`.
    #[hpy_function]
    fn to_i64(x: i64) -> i64 {
        x
    }

    /// The argument as `i32`.
    #[hpy_function]
    fn to_i32(x: i32) -> i32 {
        x
    }

    /// The argument as `u64` (the whole unsigned range).
    #[hpy_function]
    fn to_u64(x: u64) -> u64 {
        x
    }

    /// The argument as `u32`.
    #[hpy_function]
    fn to_u32(x: u32) -> u32 {
        x
    }

    /// The first primes, as a borrowed slice (a `list`).
    #[hpy_function]
    fn primes() -> &'static [u32] {
        &[2, 3, 5, 7, 11]
    }

    /// A byte slice (a `bytes`).
    #[hpy_function]
    fn magic() -> &'static [u8] {
        b"\x89HPy"
    }

    /// A list of `n` strings from an iterator that does not know its length up front.
    #[hpy_function]
    fn words(n: usize) -> Vec<String> {
        (0..)
            .map(|i| format!("w{i}"))
            .take_while(|w| w.len() < 100)
            .take(n)
            .collect()
    }

    /// A `Vec<f64>` round trip.
    #[hpy_function]
    fn floats(v: Vec<f64>) -> Vec<f64> {
        v
    }

    /// A tuple of borrowed arguments, `None` and an int.
    #[hpy_function]
    fn pack<'a, 'py>(
        a: &'a Handle<'py>,
        b: &'a Handle<'py>,
    ) -> (&'a Handle<'py>, (), &'a Handle<'py>, i64) {
        (a, (), b, 7)
    }

    /// `*args` borrowed from the call: their count and the type names.
    #[hpy_function(signature = (*args))]
    fn count_args(args: VarArgs<'_, '_>) -> (usize, Vec<String>) {
        let names = args.iter().map(|a| a.type_name_string()).collect();
        (args.len(), names)
    }

    /// `first` positional-only, then `*rest` borrowed, returned as a tuple.
    #[hpy_function(signature = (first, /, *rest))]
    fn split<'py>(
        first: &Handle<'py>,
        rest: VarArgs<'_, 'py>,
    ) -> HPyResult<(Handle<'py>, Handle<'py>)> {
        Ok((first.dup(), rest.to_tuple()?))
    }

    /// `*args` as a real tuple plus a keyword-only flag.
    #[hpy_function(signature = (*args, reverse = false))]
    fn gather<'py>(args: &Handle<'py>, reverse: bool) -> HPyResult<Vec<Handle<'py>>> {
        let mut v = Vec::new();
        for i in 0..args.len()? {
            v.push(args.get_index(i as isize)?);
        }
        if reverse {
            v.reverse();
        }
        Ok(v)
    }

    /// Two-int add (the exact-positional fast path of the KEYWORDS convention).
    #[hpy_function]
    fn add(a: i64, b: i64, c: i64) -> i64 {
        a + b + c
    }

    /// Positional-only add with a default (the VARARGS convention).
    #[hpy_function(signature = (a, b = 10, /))]
    fn add_po(a: i64, b: i64) -> i64 {
        a + b
    }
}
