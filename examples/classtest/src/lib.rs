//! `classtest`: classes exercising the corners of the class layer, for
//! `tests/python/test_classes.py` (GC through payload fields of many shapes, `Drop` counts and
//! panics, frozen classes with member attributes, integer-like and container protocols).

/// Test classes for hpy-rs.
#[hpy_rs::hpy_module]
mod classtest {
    use hpy_rs::prelude::*;
    use std::collections::{BTreeMap, HashMap};
    use std::sync::atomic::{AtomicUsize, Ordering};

    static NODE_DROPS: AtomicUsize = AtomicUsize::new(0);
    static BOMB_DROPS: AtomicUsize = AtomicUsize::new(0);

    /// How many `Node` payloads were dropped so far.
    #[hpy_function]
    fn node_drops() -> usize {
        NODE_DROPS.load(Ordering::SeqCst)
    }

    /// How many `Bomb` payloads were dropped (each panicked) so far.
    #[hpy_function]
    fn bomb_drops() -> usize {
        BOMB_DROPS.load(Ordering::SeqCst)
    }

    /// Holds Python objects in every supported field shape.
    #[hpy_class]
    pub struct Node {
        /// A plain field attribute over a `Field`.
        #[hpy(get, set)]
        value: Field,
        next: Option<Field>,
        children: Vec<Field>,
        named: HashMap<String, Field>,
        sorted: BTreeMap<i64, Field>,
        boxed: Box<Field>,
        #[hpy(get, set)]
        tag: u32,
    }

    impl Drop for Node {
        fn drop(&mut self) {
            NODE_DROPS.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn store(slot: &Field, owner: &Handle<'_>, value: &Handle<'_>) {
        slot.set(owner, if value.is_none() { None } else { Some(value) });
    }

    #[hpy_methods]
    impl Node {
        #[new]
        #[hpy(signature = (tag = 0))]
        fn new(tag: u32) -> Node {
            Node {
                value: Field::new(),
                next: None,
                children: Vec::new(),
                named: HashMap::new(),
                sorted: BTreeMap::new(),
                boxed: Box::new(Field::new()),
                tag,
            }
        }

        fn set_next(slf: &Handle<'_>, value: &Handle<'_>) -> HPyResult<()> {
            let mut me = slf.extract::<RefMut<'_, Node>>()?;
            let f = me.next.get_or_insert_with(Field::new);
            store(f, slf, value);
            Ok(())
        }

        fn get_next<'py>(slf: &Handle<'py>) -> HPyResult<Option<Handle<'py>>> {
            let me = slf.extract::<Ref<'_, Node>>()?;
            Ok(me.next.as_ref().and_then(|f| f.get(slf)))
        }

        fn add_child(slf: &Handle<'_>, child: &Handle<'_>) -> HPyResult<()> {
            let mut me = slf.extract::<RefMut<'_, Node>>()?;
            me.children.push(Field::new());
            store(me.children.last().expect("just pushed"), slf, child);
            Ok(())
        }

        fn child<'py>(slf: &Handle<'py>, i: usize) -> HPyResult<Option<Handle<'py>>> {
            let me = slf.extract::<Ref<'_, Node>>()?;
            Ok(me.children.get(i).and_then(|f| f.get(slf)))
        }

        fn set_named(slf: &Handle<'_>, key: String, value: &Handle<'_>) -> HPyResult<()> {
            let mut me = slf.extract::<RefMut<'_, Node>>()?;
            let f = me.named.entry(key).or_default();
            store(f, slf, value);
            Ok(())
        }

        fn set_sorted(slf: &Handle<'_>, key: i64, value: &Handle<'_>) -> HPyResult<()> {
            let mut me = slf.extract::<RefMut<'_, Node>>()?;
            let f = me.sorted.entry(key).or_default();
            store(f, slf, value);
            Ok(())
        }

        fn set_boxed(slf: &Handle<'_>, value: &Handle<'_>) -> HPyResult<()> {
            let me = slf.extract::<Ref<'_, Node>>()?;
            store(&me.boxed, slf, value);
            Ok(())
        }

        /// Releases every stored object (fields must be cleared before they are dropped).
        fn clear(slf: &Handle<'_>) -> HPyResult<()> {
            let mut me = slf.extract::<RefMut<'_, Node>>()?;
            me.value.set(slf, None);
            me.boxed.set(slf, None);
            if let Some(f) = me.next.take() {
                f.set(slf, None);
            }
            for f in me.children.drain(..) {
                f.set(slf, None);
            }
            for (_, f) in std::mem::take(&mut me.named) {
                f.set(slf, None);
            }
            for (_, f) in std::mem::take(&mut me.sorted) {
                f.set(slf, None);
            }
            Ok(())
        }

        /// Calls `f()` while `self` is mutably borrowed.
        fn call_mut(&mut self, f: &Handle<'_>) -> HPyResult<()> {
            f.call0()?;
            self.tag += 1;
            Ok(())
        }

        /// Calls `f()` while `self` is borrowed (shared).
        fn call_ref<'py>(&self, f: &Handle<'py>) -> HPyResult<Handle<'py>> {
            f.call0()
        }
    }

    /// A payload whose `Drop` panics: the panic is contained (reported on stderr).
    #[hpy_class]
    pub struct Bomb {
        armed: bool,
    }

    impl Drop for Bomb {
        fn drop(&mut self) {
            BOMB_DROPS.fetch_add(1, Ordering::SeqCst);
            if self.armed {
                panic!("Bomb dropped");
            }
        }
    }

    #[hpy_methods]
    impl Bomb {
        #[new]
        fn new() -> Bomb {
            Bomb { armed: true }
        }
    }

    /// A frozen class: read-only scalar fields are plain `HPyMember`s.
    #[hpy_class(frozen, name = "Scalars")]
    pub struct Scalars {
        #[hpy(get)]
        f64_: f64,
        #[hpy(get)]
        f32_: f32,
        #[hpy(get)]
        i8_: i8,
        #[hpy(get)]
        u8_: u8,
        #[hpy(get)]
        i16_: i16,
        #[hpy(get)]
        u16_: u16,
        #[hpy(get)]
        i32_: i32,
        #[hpy(get)]
        u32_: u32,
        #[hpy(get)]
        i64_: i64,
        #[hpy(get)]
        u64_: u64,
        #[hpy(get)]
        isize_: isize,
        #[hpy(get)]
        usize_: usize,
        #[hpy(get)]
        bool_: bool,
        /// Not a scalar: a getset.
        #[hpy(get, name = "label")]
        text: String,
    }

    #[hpy_methods]
    impl Scalars {
        #[new]
        fn new(v: i64) -> Scalars {
            Scalars {
                f64_: v as f64 + 0.5,
                f32_: v as f32 + 0.25,
                i8_: -(v as i8),
                u8_: v as u8,
                i16_: -(v as i16),
                u16_: v as u16,
                i32_: -(v as i32),
                u32_: v as u32,
                i64_: -v,
                u64_: v as u64,
                isize_: -(v as isize),
                usize_: v as usize,
                bool_: v != 0,
                text: format!("s{v}"),
            }
        }

        fn total(&self) -> f64 {
            self.f64_ + self.i64_ as f64
        }
    }

    /// Tries to borrow a frozen instance mutably (always `RuntimeError`).
    #[hpy_function]
    fn mutate_scalars(s: RefMut<'_, Scalars>) -> f64 {
        s.f64_
    }

    /// An immutable integer-like value.
    #[hpy_class(frozen, module = "classtest.ints")]
    pub struct Bits {
        /// The value.
        #[hpy(get)]
        value: i64,
    }

    #[hpy_methods]
    impl Bits {
        #[classattr]
        #[hpy(name = "ONE")]
        fn one() -> Bits {
            Bits { value: 1 }
        }

        #[classattr]
        const WIDTH: u32 = 64;

        #[new]
        fn new(value: i64) -> Bits {
            Bits { value }
        }

        /// Counts the set bits.
        #[staticmethod]
        fn popcount(v: i64) -> u32 {
            v.count_ones()
        }

        fn __repr__(&self) -> String {
            format!("Bits({})", self.value)
        }
        fn __int__(&self) -> i64 {
            self.value
        }
        fn __index__(&self) -> i64 {
            self.value
        }
        fn __float__(&self) -> f64 {
            self.value as f64
        }
        fn __and__(&self, o: i64) -> Bits {
            Bits {
                value: self.value & o,
            }
        }
        fn __rand__(&self, o: i64) -> Bits {
            Bits {
                value: o & self.value,
            }
        }
        fn __or__(&self, o: i64) -> Bits {
            Bits {
                value: self.value | o,
            }
        }
        fn __xor__(&self, o: i64) -> Bits {
            Bits {
                value: self.value ^ o,
            }
        }
        fn __lshift__(&self, n: u32) -> Bits {
            Bits {
                value: self.value << n,
            }
        }
        fn __rlshift__(&self, v: i64) -> i64 {
            v << self.value
        }
        fn __rshift__(&self, n: u32) -> Bits {
            Bits {
                value: self.value >> n,
            }
        }
        fn __invert__(&self) -> Bits {
            Bits { value: !self.value }
        }
        /// Two-argument power only: `pow(b, e, m)` gives `NotImplemented` (`TypeError`).
        fn __pow__(&self, e: u32) -> Bits {
            Bits {
                value: self.value.pow(e),
            }
        }
        fn __rpow__(&self, base: i64) -> i64 {
            base.pow(self.value as u32)
        }
        fn __mod__(&self, m: i64) -> HPyResult<Bits> {
            if m == 0 {
                return Err(exc::ZeroDivisionError::new_err("modulo by zero"));
            }
            Ok(Bits {
                value: self.value.rem_euclid(m),
            })
        }
        fn __eq__(&self, other: Ref<'_, Bits>) -> bool {
            self.value == other.value
        }
        fn __lt__(&self, other: Ref<'_, Bits>) -> bool {
            self.value < other.value
        }
        fn __hash__(&self) -> isize {
            self.value as isize
        }
    }

    /// A string-keyed mapping (the mapping form of the item protocol).
    #[hpy_class]
    pub struct Table {
        items: BTreeMap<String, i64>,
    }

    #[hpy_methods]
    impl Table {
        #[new]
        fn new() -> Table {
            Table {
                items: BTreeMap::new(),
            }
        }
        fn __len__(&self) -> usize {
            self.items.len()
        }
        fn __getitem__(&self, key: String) -> HPyResult<i64> {
            self.items
                .get(&key)
                .copied()
                .ok_or_else(|| exc::KeyError::new_err(key))
        }
        fn __setitem__(&mut self, key: String, value: i64) {
            self.items.insert(key, value);
        }
        fn __delitem__(&mut self, key: String) -> HPyResult<()> {
            self.items
                .remove(&key)
                .map(|_| ())
                .ok_or_else(|| exc::KeyError::new_err(key))
        }
        fn __contains__(&self, key: String) -> bool {
            self.items.contains_key(&key)
        }
        fn __iter__<'py>(&self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
            let keys = ctx.to_object(self.items.keys().cloned().collect::<Vec<_>>())?;
            ctx.builtin("iter")?.call((keys,))
        }
    }

    /// An integer sequence (the sequence form, with negative indices and deletion).
    #[hpy_class]
    pub struct Seq {
        items: Vec<i64>,
    }

    impl Seq {
        fn index(&self, i: isize) -> HPyResult<usize> {
            let n = self.items.len() as isize;
            let j = if i < 0 { i + n } else { i };
            if j < 0 || j >= n {
                return Err(exc::IndexError::new_err("Seq index out of range"));
            }
            Ok(j as usize)
        }
    }

    #[hpy_methods]
    impl Seq {
        #[new]
        fn new(items: Vec<i64>) -> Seq {
            Seq { items }
        }
        fn tolist(&self) -> Vec<i64> {
            self.items.clone()
        }
        fn __len__(&self) -> usize {
            self.items.len()
        }
        fn __getitem__(&self, i: isize) -> HPyResult<i64> {
            Ok(self.items[self.index(i)?])
        }
        fn __delitem__(&mut self, i: isize) -> HPyResult<()> {
            let j = self.index(i)?;
            self.items.remove(j);
            Ok(())
        }
    }

    /// A callable counter.
    #[hpy_class]
    pub struct Counter {
        #[hpy(get)]
        count: i64,
    }

    #[hpy_methods]
    impl Counter {
        #[new]
        fn new() -> Counter {
            Counter { count: 0 }
        }

        /// `c(step=1, *, reset=False)` adds `step` and returns the new count.
        #[hpy(signature = (step = 1, *, reset = false))]
        fn __call__(&mut self, step: i64, reset: bool) -> i64 {
            if reset {
                self.count = 0;
            }
            self.count += step;
            self.count
        }

        /// Builds an instance of another class from Rust.
        fn as_bits(&self) -> Bits {
            Bits { value: self.count }
        }

        /// Counts with a class method returning a fresh instance.
        #[classmethod]
        fn starting_at(cls: &Handle<'_>, n: i64) -> HPyResult<Counter> {
            let _ = cls;
            Ok(Counter { count: n })
        }
    }

    // -- hpy_rs::Py, with_ctx and pickling ------------------------------------------------

    /// A value compared with Python's `==` from `PartialEq` (no `Ctx` there).
    #[derive(Clone)]
    pub struct PyEq(hpy_rs::Py);

    impl PartialEq for PyEq {
        fn eq(&self, other: &PyEq) -> bool {
            hpy_rs::with_ctx_or(false, |ctx| self.0.bind(ctx).eq(&other.0.bind(ctx)))
        }
    }

    /// `Vec::contains` over `PyEq`s: an exception from `__eq__` is raised by the call.
    #[hpy_function]
    fn py_contains(items: Vec<hpy_rs::Py>, x: hpy_rs::Py) -> bool {
        let items: Vec<PyEq> = items.into_iter().map(PyEq).collect();
        items.contains(&PyEq(x))
    }

    /// Like `py_contains`, but stops with the recorded error right after `contains` and then
    /// returns how many comparisons ran.
    #[hpy_function]
    fn py_count_eq(items: Vec<hpy_rs::Py>, x: hpy_rs::Py) -> HPyResult<usize> {
        let x = PyEq(x);
        let n = items.into_iter().map(PyEq).filter(|i| *i == x).count();
        hpy_rs::check_recorded()?;
        Ok(n)
    }

    /// `with_ctx` with no call running (a thread of its own): an error, not a crash.
    #[hpy_function]
    fn with_ctx_off_thread() -> String {
        std::thread::spawn(|| match hpy_rs::with_ctx(|ctx| Ok(ctx.name().to_owned())) {
            Ok(_) => "ran".to_owned(),
            Err(e) => e.to_string(),
        })
        .join()
        .unwrap_or_default()
    }

    /// Objects shared by several instances through one `Rc` of `Py`s.
    #[hpy_class(frozen)]
    pub struct Shared {
        items: std::rc::Rc<Vec<hpy_rs::Py>>,
    }

    #[hpy_methods]
    impl Shared {
        #[new]
        fn new(items: Vec<hpy_rs::Py>) -> Shared {
            Shared {
                items: std::rc::Rc::new(items),
            }
        }
        /// Another instance sharing the same `Rc`.
        fn share(&self) -> Shared {
            Shared {
                items: self.items.clone(),
            }
        }
        fn get<'py>(&self, ctx: Ctx<'py>, i: usize) -> HPyResult<Handle<'py>> {
            self.items
                .get(i)
                .map(|p| p.bind(ctx))
                .ok_or_else(|| exc::IndexError::new_err("no such item"))
        }
        fn __len__(&self) -> usize {
            self.items.len()
        }
    }

    /// A `Field` taken out of the payload and dropped while it still holds its object.
    #[hpy_class]
    pub struct Fields {
        slots: Vec<Field>,
    }

    #[hpy_methods]
    impl Fields {
        #[new]
        fn new() -> Fields {
            Fields { slots: Vec::new() }
        }
        fn push(slf: &Handle<'_>, value: &Handle<'_>) -> HPyResult<()> {
            let mut me = slf.extract::<RefMut<'_, Fields>>()?;
            me.slots.push(Field::new());
            me.slots.last().expect("pushed").set(slf, Some(value));
            Ok(())
        }
        /// Drops the last field without clearing it.
        fn drop_last(&mut self) {
            self.slots.pop();
        }
    }

    /// Pickled through `__getstate__`/`__setstate__`; copied through `__copy__` and
    /// `__deepcopy__`.
    #[hpy_class]
    pub struct Tally {
        #[hpy(get)]
        n: i64,
        #[hpy(get)]
        copies: i64,
    }

    #[hpy_methods]
    impl Tally {
        #[new]
        #[hpy(signature = (n = 0))]
        fn new(n: i64) -> Tally {
            Tally { n, copies: 0 }
        }
        fn __getstate__(&self) -> i64 {
            self.n
        }
        fn __setstate__(&mut self, state: i64) {
            self.n = state;
        }
        fn __copy__(&self) -> Tally {
            Tally {
                n: self.n,
                copies: self.copies + 1,
            }
        }
        fn __deepcopy__(&self, _memo: &Handle<'_>) -> Tally {
            Tally {
                n: self.n,
                copies: self.copies + 10,
            }
        }
    }

    /// Pickled through `__getnewargs__` (rebuilt by the constructor).
    #[hpy_class(frozen)]
    pub struct Pair {
        #[hpy(get)]
        a: i64,
        #[hpy(get)]
        b: i64,
    }

    #[hpy_methods]
    impl Pair {
        #[new]
        fn new(a: i64, b: i64) -> Pair {
            Pair { a, b }
        }
        fn __getnewargs__(&self) -> (i64, i64) {
            (self.a, self.b)
        }
    }

    /// Not pickled: no pickling method.
    #[hpy_class]
    pub struct Opaque {
        #[hpy(get)]
        x: i64,
    }

    #[hpy_methods]
    impl Opaque {
        #[new]
        fn new(x: i64) -> Opaque {
            Opaque { x }
        }
    }

    /// Created but not a module attribute; registered with `collections.abc.Sized`.
    #[hpy_class(hidden, register = "collections.abc.Sized")]
    pub struct Secret;

    #[hpy_methods]
    impl Secret {
        fn __len__(&self) -> usize {
            0
        }
    }

    /// An instance of the hidden class.
    #[hpy_function]
    fn secret() -> Secret {
        Secret
    }

    /// How many releases wait for the next call, and how many objects the HPy table holds.
    #[hpy_function]
    fn py_stats() -> (usize, usize) {
        (hpy_rs::deferred_count(), hpy_rs::table_live())
    }
}
