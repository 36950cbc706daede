//! `vec2`: a 2-D vector class that shows the whole class surface of hpy-rs: field
//! attributes, constructors, static and class methods, class constants, the number protocol
//! (reflected and in-place forms, `**` with a modulo, `divmod`, `@`), comparisons, hashing,
//! the sequence protocol, iteration and calls.

/// Two-dimensional vectors.
#[hpy_rs::hpy_module]
mod vec2 {
    use hpy_rs::class::OrNotImplemented;
    use hpy_rs::prelude::*;

    /// A mutable 2-D vector of floats.
    #[hpy_class]
    pub struct Vec2 {
        /// The x component.
        #[hpy(get, set)]
        x: f64,
        /// The y component.
        #[hpy(get, set)]
        y: f64,
    }

    /// A scalar operand: an `int` or a `float`. Anything else fails to convert with a
    /// `TypeError`, which makes an operator return `NotImplemented`.
    pub struct Scalar(f64);

    impl<'a, 'py> FromHandle<'a, 'py> for Scalar {
        fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
            if obj.is_int_or_float() {
                Ok(Scalar(obj.extract()?))
            } else {
                Err(HPyErr::wrong_type("int or float", obj))
            }
        }
    }

    impl Vec2 {
        fn map(&self, f: impl Fn(f64) -> f64) -> Vec2 {
            Vec2 {
                x: f(self.x),
                y: f(self.y),
            }
        }
        fn index(i: isize) -> HPyResult<usize> {
            match i {
                0 | -2 => Ok(0),
                1 | -1 => Ok(1),
                _ => Err(exc::IndexError::new_err("Vec2 index out of range")),
            }
        }
        fn get(&self, i: usize) -> f64 {
            if i == 0 {
                self.x
            } else {
                self.y
            }
        }
        fn nonzero(k: f64) -> HPyResult<f64> {
            if k == 0.0 {
                Err(exc::ZeroDivisionError::new_err("Vec2 division by zero"))
            } else {
                Ok(k)
            }
        }
    }

    #[hpy_methods]
    impl Vec2 {
        /// The number of components.
        #[classattr]
        const DIM: usize = 2;

        /// A new vector (both components default to 0).
        #[new]
        #[hpy(signature = (x = 0.0, y = 0.0))]
        fn new(x: f64, y: f64) -> Vec2 {
            Vec2 { x, y }
        }

        /// The zero vector.
        #[staticmethod]
        fn zero() -> Vec2 {
            Vec2 { x: 0.0, y: 0.0 }
        }

        /// The vector of length `r` at angle `theta` (radians).
        #[staticmethod]
        fn from_polar(r: f64, theta: f64) -> Vec2 {
            Vec2 {
                x: r * theta.cos(),
                y: r * theta.sin(),
            }
        }

        /// A vector from a pair; `cls` is the class itself.
        #[classmethod]
        fn from_tuple(cls: &Handle<'_>, xy: (f64, f64)) -> HPyResult<Vec2> {
            debug_assert!(cls.getattr("DIM").is_ok());
            Ok(Vec2 { x: xy.0, y: xy.1 })
        }

        /// The class's name (shows what a class method receives).
        #[classmethod]
        fn class_name(cls: &Handle<'_>) -> HPyResult<String> {
            cls.getattr("__name__")?.extract()
        }

        /// The Euclidean length.
        fn length(&self) -> f64 {
            self.x.hypot(self.y)
        }

        /// The dot product with another vector.
        fn dot(&self, other: Ref<'_, Vec2>) -> f64 {
            self.x * other.x + self.y * other.y
        }

        /// Scales this vector to length 1 in place.
        fn normalize(&mut self) -> HPyResult<()> {
            let n = Vec2::nonzero(self.length())?;
            self.x /= n;
            self.y /= n;
            Ok(())
        }

        /// Replaces each component `c` by `f(c)`: calls back into Python while `self` is
        /// mutably borrowed, so `f` touching this vector raises `RuntimeError`.
        fn apply(&mut self, f: &Handle<'_>) -> HPyResult<()> {
            self.x = f.call((self.x,))?.extract()?;
            self.y = f.call((self.y,))?.extract()?;
            Ok(())
        }

        /// Adds `other` to this vector in place.
        fn add_assign(&mut self, other: Ref<'_, Vec2>) {
            self.x += other.x;
            self.y += other.y;
        }

        /// A copy.
        fn copy(&self) -> Vec2 {
            Vec2 {
                x: self.x,
                y: self.y,
            }
        }

        fn __repr__(&self) -> String {
            format!("Vec2({:?}, {:?})", self.x, self.y)
        }

        fn __str__(&self) -> String {
            format!("({}, {})", self.x, self.y)
        }

        fn __hash__(&self) -> isize {
            // Equal vectors hash equal (0.0 == -0.0).
            let bits = |v: f64| if v == 0.0 { 0u64 } else { v.to_bits() };
            let h = bits(self.x)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .rotate_left(31)
                ^ bits(self.y);
            h as isize
        }

        fn __richcmp__(&self, other: Ref<'_, Vec2>, op: CompareOp) -> OrNotImplemented<bool> {
            let eq = self.x == other.x && self.y == other.y;
            match op {
                CompareOp::Eq => OrNotImplemented::Value(eq),
                CompareOp::Ne => OrNotImplemented::Value(!eq),
                _ => OrNotImplemented::NotImplemented,
            }
        }

        fn __bool__(&self) -> bool {
            self.x != 0.0 || self.y != 0.0
        }

        fn __len__(&self) -> usize {
            2
        }

        fn __getitem__(&self, i: isize) -> HPyResult<f64> {
            Ok(self.get(Vec2::index(i)?))
        }

        fn __setitem__(&mut self, i: isize, value: f64) -> HPyResult<()> {
            match Vec2::index(i)? {
                0 => self.x = value,
                _ => self.y = value,
            }
            Ok(())
        }

        fn __contains__(&self, value: f64) -> bool {
            self.x == value || self.y == value
        }

        fn __iter__(&self) -> Vec2Iter {
            Vec2Iter {
                items: [self.x, self.y],
                pos: 0,
            }
        }

        /// `v(t)` is `v * t`.
        fn __call__(&self, t: f64) -> Vec2 {
            self.map(|c| c * t)
        }

        fn __neg__(&self) -> Vec2 {
            self.map(|c| -c)
        }

        fn __pos__(&self) -> Vec2 {
            self.copy()
        }

        fn __abs__(&self) -> f64 {
            self.length()
        }

        /// `~v` is `v` turned by 90 degrees.
        fn __invert__(&self) -> Vec2 {
            Vec2 {
                x: -self.y,
                y: self.x,
            }
        }

        fn __add__(&self, other: Ref<'_, Vec2>) -> Vec2 {
            Vec2 {
                x: self.x + other.x,
                y: self.y + other.y,
            }
        }

        fn __sub__(&self, other: Ref<'_, Vec2>) -> Vec2 {
            Vec2 {
                x: self.x - other.x,
                y: self.y - other.y,
            }
        }

        fn __mul__(&self, k: Scalar) -> Vec2 {
            self.map(|c| c * k.0)
        }

        fn __rmul__(&self, k: Scalar) -> Vec2 {
            self.map(|c| k.0 * c)
        }

        fn __truediv__(&self, k: Scalar) -> HPyResult<Vec2> {
            let k = Vec2::nonzero(k.0)?;
            Ok(self.map(|c| c / k))
        }

        fn __floordiv__(&self, k: Scalar) -> HPyResult<Vec2> {
            let k = Vec2::nonzero(k.0)?;
            Ok(self.map(|c| (c / k).floor()))
        }

        fn __mod__(&self, k: Scalar) -> HPyResult<Vec2> {
            let k = Vec2::nonzero(k.0)?;
            Ok(self.map(|c| c - k * (c / k).floor()))
        }

        fn __divmod__(&self, k: Scalar) -> HPyResult<(Vec2, Vec2)> {
            Ok((self.__floordiv__(Scalar(k.0))?, self.__mod__(k)?))
        }

        /// `v @ w` is the dot product.
        fn __matmul__(&self, other: Ref<'_, Vec2>) -> f64 {
            self.dot(other)
        }

        /// Component-wise power; `pow(v, k, m)` takes each result modulo `m`.
        fn __pow__(&self, k: Scalar, modulo: Option<Scalar>) -> HPyResult<Vec2> {
            let p = self.map(|c| c.powf(k.0));
            match modulo {
                None => Ok(p),
                Some(m) => p.__mod__(m),
            }
        }

        /// `b ** v` is `Vec2(b ** x, b ** y)`.
        fn __rpow__(&self, base: Scalar) -> Vec2 {
            self.map(|c| base.0.powf(c))
        }

        fn __iadd__(&mut self, other: Ref<'_, Vec2>) {
            self.x += other.x;
            self.y += other.y;
        }

        fn __isub__(&mut self, other: Ref<'_, Vec2>) {
            self.x -= other.x;
            self.y -= other.y;
        }

        fn __imul__(&mut self, k: Scalar) {
            self.x *= k.0;
            self.y *= k.0;
        }

        fn __itruediv__(&mut self, k: Scalar) -> HPyResult<()> {
            let k = Vec2::nonzero(k.0)?;
            self.x /= k;
            self.y /= k;
            Ok(())
        }

        fn __ipow__(&mut self, k: Scalar) {
            self.x = self.x.powf(k.0);
            self.y = self.y.powf(k.0);
        }
    }

    /// The iterator over a vector's components.
    #[hpy_class]
    pub struct Vec2Iter {
        items: [f64; 2],
        pos: usize,
    }

    #[hpy_methods]
    impl Vec2Iter {
        fn __iter__<'py>(slf: &Handle<'py>) -> Handle<'py> {
            slf.clone()
        }

        fn __next__(&mut self) -> Option<f64> {
            let v = self.items.get(self.pos).copied();
            self.pos += 1;
            v
        }
    }

    /// The point halfway between `a` and `b` (instances made and borrowed from Rust).
    #[hpy_function]
    fn midpoint(a: Ref<'_, Vec2>, b: Ref<'_, Vec2>) -> Vec2 {
        Vec2 {
            x: (a.x + b.x) / 2.0,
            y: (a.y + b.y) / 2.0,
        }
    }

    /// The sum of the lengths of the segments between consecutive points.
    #[hpy_function]
    fn path_length(points: &Handle<'_>) -> HPyResult<f64> {
        let mut total = 0.0;
        let mut prev: Option<(f64, f64)> = None;
        for p in points.iter()? {
            let p = p?;
            let v = p.extract::<Ref<'_, Vec2>>()?;
            if let Some((x, y)) = prev {
                total += (v.x - x).hypot(v.y - y);
            }
            prev = Some((v.x, v.y));
        }
        Ok(total)
    }
}
