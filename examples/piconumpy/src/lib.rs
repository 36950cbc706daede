//! `piconumpy`: a one-dimensional array of `f64`, written with hpy-rs classes.

/// A tiny array library (the piconumpy workload).
#[hpy_rs::hpy_module]
mod piconumpy {
    use hpy_rs::prelude::*;

    /// A one-dimensional array of floats.
    #[hpy_class(name = "array")]
    pub struct Array {
        // A fixed-size array: a boxed slice (pointer and length) rather than a `Vec`, whose
        // capacity word would make every instance's payload a word bigger.
        data: Box<[f64]>,
    }

    /// A number operand: an int or a float (anything else gives NotImplemented).
    pub struct Number(f64);

    impl<'a, 'py> FromHandle<'a, 'py> for Number {
        fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
            if obj.is_int_or_float() {
                Ok(Number(obj.extract()?))
            } else {
                Err(HPyErr::wrong_type("int or float", obj))
            }
        }
    }

    impl Array {
        fn map(&self, f: impl Fn(f64) -> f64) -> Array {
            Array {
                data: self.data.iter().map(|&x| f(x)).collect(),
            }
        }
    }

    #[hpy_methods]
    impl Array {
        #[new]
        fn new(data: &Handle<'_>) -> HPyResult<Array> {
            if !data.is_list() {
                return Err(exc::TypeError::new_err("parameter must be a list"));
            }
            let n = data.len()?;
            let mut v = Vec::with_capacity(n);
            for i in 0..n {
                v.push(data.get_index(i as isize)?.extract::<f64>()?);
            }
            Ok(Array {
                data: v.into_boxed_slice(),
            })
        }

        /// The number of elements.
        #[getter]
        fn size(&self) -> usize {
            self.data.len()
        }

        /// A new list of the elements as Python floats.
        fn tolist(&self) -> &[f64] {
            &self.data
        }

        fn __len__(&self) -> usize {
            self.data.len()
        }

        /// `a[i]`: a sequence index, so the runtime has already added `len(a)` to a negative one.
        fn __getitem__(&self, i: SeqIndex) -> HPyResult<f64> {
            Ok(self.data[i.in_range(self.data.len())?])
        }

        fn __setitem__(&mut self, i: SeqIndex, value: f64) -> HPyResult<()> {
            let i = i.in_range(self.data.len())?;
            self.data[i] = value;
            Ok(())
        }

        fn __mul__(&self, n: Number) -> Array {
            self.map(|x| x * n.0)
        }

        fn __rmul__(&self, n: Number) -> Array {
            self.map(|x| n.0 * x)
        }

        fn __truediv__(&self, n: Number) -> Array {
            self.map(|x| x / n.0)
        }

        fn __add__(&self, other: Ref<'_, Array>) -> HPyResult<Array> {
            if other.data.len() != self.data.len() {
                return Err(exc::ValueError::new_err("arrays must have the same size"));
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

        fn __repr__(&self) -> String {
            format!("array({:?})", self.data)
        }
    }

    /// An array of `n` elements (contents unspecified: zeros here).
    #[hpy_function]
    fn empty(n: usize) -> Array {
        zeros(n)
    }

    /// An array of `n` zeros.
    #[hpy_function]
    fn zeros(n: usize) -> Array {
        Array {
            data: vec![0.0; n].into_boxed_slice(),
        }
    }
}
