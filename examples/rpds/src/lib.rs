//! `rpds`: the Python API of rpds-py 2026.6.3 (persistent `HashTrieMap`, `HashTrieSet`, `List`,
//! `Queue` and `Stack`), ported from its PyO3 binding to hpy-rs over the same `rpds` crate. One
//! `rpds.hpy0.so` runs on CPython 3.11+ (C API), PyPy 7.3 (HPy) and PyPy 8 (cpyext).
//!
//! The port's shape (the book's chapter "Porting a PyO3 library" walks through it):
//! - Python objects inside the persistent structures are [`Py`] references: the trie nodes are
//!   `Rc`s shared by every map derived from another, so their contents cannot be `Field`s,
//!   which belong to one owner instance.
//! - A map key is a [`Key`]: the object and its Python hash, computed once when stored. Its
//!   `PartialEq` must call Python's `==` from inside `rpds`, where no `Ctx` is passed:
//!   [`hpy_rs::with_ctx_or`] gives it the running call's context, and records an exception
//!   raised by `__eq__`, which the method raises when it returns ([`hpy_rs::check_recorded`]
//!   stops it right after the `rpds` call). Lookups use a [`Probe`], which borrows the caller's
//!   handle instead of making a `Py` for every `m[k]`.
//! - Every class is `frozen`: the structures are immutable, so methods only ever read.
//! - Iterators walk a snapshot: they own a clone of the structure (one `Rc` count) and an `rpds`
//!   iterator borrowing it (a `self_cell`), so a step is one trie step, not a `remove`.

/// Persistent data structures: rpds-py's API on hpy-rs.
#[hpy_rs::hpy_module]
mod rpds {
    use archery::RcK;
    use hpy_rs::class::HPyClass;
    use hpy_rs::prelude::*;
    use hpy_rs::{check_recorded, record_error, with_ctx_or, Py};
    use std::borrow::Borrow;
    use std::hash::{BuildHasher, Hash, Hasher};

    /// `__all__`: the five containers.
    #[hpy_init]
    fn init<'py>(ctx: Ctx<'py>, module: &Handle<'py>) -> HPyResult<()> {
        let names = ["HashTrieMap", "HashTrieSet", "List", "Queue", "Stack"];
        let all = ctx.new_list()?;
        for n in names {
            all.list_append(n)?;
        }
        module.setattr("__all__", all)
    }

    // ------------------------------------------------------------------
    // Keys, hashing, lookups
    // ------------------------------------------------------------------

    /// A stored key: the object and its Python `hash()`, computed once.
    #[derive(Clone)]
    pub struct Key {
        hash: isize,
        obj: Py,
    }

    impl Key {
        /// The key for `obj` (its `hash()` may raise).
        fn new(obj: &Handle<'_>) -> HPyResult<Key> {
            Ok(Key {
                hash: obj.hash()?,
                obj: Py::new(obj),
            })
        }
    }

    impl Hash for Key {
        fn hash<H: Hasher>(&self, state: &mut H) {
            state.write_isize(self.hash);
        }
    }

    /// Python's `==` between two stored keys (inserting, removing, comparing maps). `rpds`
    /// calls it with no context: `with_ctx_or` reaches the running call, and an exception from
    /// `__eq__` is recorded and raised when the method returns.
    impl PartialEq for Key {
        fn eq(&self, other: &Key) -> bool {
            if self.hash != other.hash {
                return false;
            }
            with_ctx_or(false, |ctx| {
                let (a, b) = (self.obj.bind(ctx), other.obj.bind(ctx));
                Ok(a.is(&b) || a.eq(&b)?)
            })
        }
    }
    impl Eq for Key {}

    /// What a lookup compares: a stored [`Key`], or a [`Probe`] for an object of the call.
    pub trait Lookup {
        fn hash_value(&self) -> isize;
        /// The stored key, if this is one.
        fn stored(&self) -> Option<&Key>;
        /// `self == key` for a stored key.
        fn matches(&self, key: &Key) -> bool;
    }

    impl Lookup for Key {
        fn hash_value(&self) -> isize {
            self.hash
        }
        fn stored(&self) -> Option<&Key> {
            Some(self)
        }
        fn matches(&self, key: &Key) -> bool {
            self == key
        }
    }

    /// A key being looked up: the caller's handle and its hash (no `Py` is made).
    pub struct Probe<'a, 'py> {
        hash: isize,
        obj: &'a Handle<'py>,
    }

    impl<'a, 'py> Probe<'a, 'py> {
        fn new(obj: &'a Handle<'py>) -> HPyResult<Self> {
            Ok(Probe {
                hash: obj.hash()?,
                obj,
            })
        }
    }

    impl Lookup for Probe<'_, '_> {
        fn hash_value(&self) -> isize {
            self.hash
        }
        fn stored(&self) -> Option<&Key> {
            None
        }
        /// Uses the probe's own context; an error is recorded like `Key::eq`'s.
        fn matches(&self, key: &Key) -> bool {
            if key.hash != self.hash || hpy_rs::error_recorded() {
                return false;
            }
            let k = key.obj.bind(self.obj.ctx());
            if k.is(self.obj) {
                return true;
            }
            match k.eq(self.obj) {
                Ok(b) => b,
                Err(e) => {
                    record_error(e);
                    false
                }
            }
        }
    }

    impl<'a> Borrow<dyn Lookup + 'a> for Key {
        fn borrow(&self) -> &(dyn Lookup + 'a) {
            self
        }
    }
    impl Hash for dyn Lookup + '_ {
        fn hash<H: Hasher>(&self, state: &mut H) {
            state.write_isize(self.hash_value());
        }
    }
    impl PartialEq for dyn Lookup + '_ {
        fn eq(&self, other: &Self) -> bool {
            match (self.stored(), other.stored()) {
                (Some(a), _) => other.matches(a),
                (None, Some(b)) => self.matches(b),
                (None, None) => false,
            }
        }
    }
    impl Eq for dyn Lookup + '_ {}

    /// The trie's hasher: the key's Python hash, mixed so that the low bits (which pick the
    /// first branch) depend on all of it.
    #[derive(Clone, Copy, Default)]
    pub struct KeyHasher;

    /// See [`KeyHasher`].
    #[derive(Default)]
    pub struct KeyHash(u64);

    impl Hasher for KeyHash {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for b in bytes {
                self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        fn write_isize(&mut self, i: isize) {
            let x = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            self.0 = x ^ (x >> 29);
        }
    }

    impl BuildHasher for KeyHasher {
        type Hasher = KeyHash;
        fn build_hasher(&self) -> KeyHash {
            KeyHash(0)
        }
    }

    type Map = rpds_crate::HashTrieMap<Key, Py, RcK, KeyHasher>;
    type Set = rpds_crate::HashTrieSet<Key, RcK, KeyHasher>;
    type PList = rpds_crate::List<Py, RcK>;
    type PStack = rpds_crate::Stack<Py, RcK>;
    type PQueue = rpds_crate::Queue<Py, RcK>;

    fn new_map() -> Map {
        Map::new_with_hasher_and_ptr_kind(KeyHasher)
    }
    fn new_set() -> Set {
        Set::new_with_hasher_with_ptr_kind(KeyHasher)
    }

    /// `KeyError(key)`, with the key as the only argument (a tuple key is not unpacked).
    fn key_error(key: &Handle<'_>) -> HPyErr {
        let ctx = key.ctx();
        let ty = exc::KeyError::type_object(ctx);
        match ty.call((key,)) {
            Ok(e) => HPyErr::with_object(&ty, &e),
            Err(e) => e,
        }
    }

    // CPython's tuple hash (xxHash-based), for order-sensitive hashes.
    const XXPRIME_1: u64 = 11400714785074694791;
    const XXPRIME_2: u64 = 14029467366897019727;
    const XXPRIME_5: u64 = 2870177450012600261;

    struct TupleHash {
        acc: u64,
        len: u64,
    }
    impl TupleHash {
        fn new() -> Self {
            TupleHash {
                acc: XXPRIME_5,
                len: 0,
            }
        }
        fn add(&mut self, h: isize) {
            self.acc = self.acc.wrapping_add((h as u64).wrapping_mul(XXPRIME_2));
            self.acc = self.acc.rotate_left(31).wrapping_mul(XXPRIME_1);
            self.len += 1;
        }
        fn finish(&self) -> isize {
            let acc = self.acc.wrapping_add(self.len ^ (XXPRIME_5 ^ 3527539));
            if acc == u64::MAX {
                1546275796
            } else {
                acc as isize
            }
        }
    }

    /// CPython's `frozenset` hash over element hashes (order-free), so `hash(s)` equals
    /// `hash(frozenset(s))`.
    fn frozenset_hash(hashes: impl Iterator<Item = isize>, n: usize) -> isize {
        let shuffle = |h: u64| ((h ^ 89869747) ^ (h << 16)).wrapping_mul(3644798167);
        let mut acc = 0u64;
        for h in hashes {
            acc ^= shuffle(h as u64);
        }
        acc ^= (n as u64 + 1).wrapping_mul(1927868237);
        acc ^= (acc >> 11) ^ (acc >> 25);
        acc = acc.wrapping_mul(69069).wrapping_add(907133923);
        if acc == u64::MAX {
            590923713
        } else {
            acc as isize
        }
    }

    /// `repr(obj)`, or `placeholder` when it raises.
    fn repr_or(obj: &Handle<'_>, placeholder: &str) -> String {
        match obj.repr_string() {
            Ok(s) => s,
            Err(e) => {
                e.discard(obj.ctx());
                placeholder.to_owned()
            }
        }
    }

    static ABC_SET: Global = Global::new();
    static ABC_MAPPING: Global = Global::new();

    fn isinstance<'py>(obj: &Handle<'py>, cls: &Handle<'py>) -> HPyResult<bool> {
        let ctx = obj.ctx();
        ctx.builtin("isinstance")?.call((obj, cls))?.is_true()
    }

    /// `isinstance(obj, collections.abc.Set)` (exact `set`/`frozenset` without the call).
    fn is_abc_set(obj: &Handle<'_>) -> HPyResult<bool> {
        let ctx = obj.ctx();
        let ty = obj.get_type();
        let (set, frozenset) = (ctx.builtin("set")?, ctx.builtin("frozenset")?);
        if ty.is(&set) || ty.is(&frozenset) {
            return Ok(true);
        }
        let abc = ABC_SET.get_or_init(ctx, || ctx.import("collections.abc")?.getattr("Set"))?;
        isinstance(obj, &abc)
    }

    fn is_abc_mapping(obj: &Handle<'_>) -> HPyResult<bool> {
        let ctx = obj.ctx();
        let abc =
            ABC_MAPPING.get_or_init(ctx, || ctx.import("collections.abc")?.getattr("Mapping"))?;
        isinstance(obj, &abc)
    }

    // ------------------------------------------------------------------
    // Building maps
    // ------------------------------------------------------------------

    /// Adds `(key, value)` to a map being built (`insert_mut`: it is not shared yet).
    fn put(map: &mut Map, key: &Handle<'_>, value: &Handle<'_>) -> HPyResult<()> {
        map.insert_mut(Key::new(key)?, Py::new(value));
        check_recorded()
    }

    /// Unpacks element `i` of a pair sequence as `dict()` does.
    fn pair<'py>(item: &Handle<'py>, i: usize) -> HPyResult<(Handle<'py>, Handle<'py>)> {
        if item.is_tuple() && item.len()? == 2 {
            return Ok((item.get_index(0)?, item.get_index(1)?));
        }
        let ctx = item.ctx();
        let mut it = match item.iter() {
            Ok(it) => it,
            Err(e) => {
                if e.matches(ctx, &exc::TypeError::type_object(ctx)) {
                    e.discard(ctx);
                    return Err(exc::TypeError::new_err(format!(
                        "cannot convert dictionary update sequence element #{i} to a sequence"
                    )));
                }
                return Err(e);
            }
        };
        let mut got = Vec::with_capacity(2);
        for x in it.by_ref() {
            got.push(x?);
            if got.len() > 2 {
                break;
            }
        }
        if got.len() != 2 {
            let n = if got.len() > 2 {
                got.len() + it.count()
            } else {
                got.len()
            };
            return Err(exc::ValueError::new_err(format!(
                "dictionary update sequence element #{i} has length {n}; 2 is required"
            )));
        }
        let v = got.pop().expect("two items");
        let k = got.pop().expect("two items");
        Ok((k, v))
    }

    /// Adds the entries of `value` (a mapping, or an iterable of pairs) to `map`.
    fn extend_map(map: &mut Map, value: &Handle<'_>) -> HPyResult<()> {
        let ctx = value.ctx();
        if value.is_instance(&HashTrieMapPy::type_object(ctx)?) {
            let other = value.extract::<Ref<'_, HashTrieMapPy>>()?;
            if map.is_empty() {
                *map = other.inner.clone();
            } else {
                for (k, v) in other.inner.iter() {
                    map.insert_mut(k.clone(), v.clone());
                }
                check_recorded()?;
            }
            return Ok(());
        }
        if value.is_dict() {
            value.dict_items()?.for_each_pair(|k, v| {
                map.insert_mut(Key::new(k)?, Py::new(v));
                Ok(())
            })?;
            // A key's `__eq__` runs only on equal hashes; what it raised is raised here.
            return check_recorded();
        }
        if is_abc_mapping(value)? {
            for item in value.call_method0("items")?.iter()? {
                let (k, v) = pair(&item?, 0)?;
                put(map, &k, &v)?;
            }
            return Ok(());
        }
        for (i, item) in value.iter()?.enumerate() {
            let (k, v) = pair(&item?, i)?;
            put(map, &k, &v)?;
        }
        Ok(())
    }

    /// Adds the keywords (a dict or nothing) to `map`.
    fn extend_kwargs(map: &mut Map, kwds: Option<&Handle<'_>>) -> HPyResult<()> {
        match kwds {
            Some(d) => extend_map(map, d),
            None => Ok(()),
        }
    }

    /// A new `HashTrieMap` object around `inner`.
    fn map_object<'py>(ctx: Ctx<'py>, inner: Map) -> HPyResult<Handle<'py>> {
        HashTrieMapPy { inner }.into_handle(ctx)
    }

    fn set_object<'py>(ctx: Ctx<'py>, inner: Set) -> HPyResult<Handle<'py>> {
        HashTrieSetPy { inner }.into_handle(ctx)
    }

    // ------------------------------------------------------------------
    // HashTrieMap
    // ------------------------------------------------------------------

    /// A persistent hash map (hash array mapped trie).
    #[hpy_class(name = "HashTrieMap", frozen, register = "collections.abc.Mapping")]
    pub struct HashTrieMapPy {
        inner: Map,
    }

    #[hpy_methods]
    impl HashTrieMapPy {
        #[new]
        #[hpy(signature = (value = None, /, **kwds))]
        fn new(value: Option<&Handle<'_>>, kwds: Option<&Handle<'_>>) -> HPyResult<Self> {
            let mut inner = new_map();
            if let Some(v) = value.filter(|v| !v.is_none()) {
                extend_map(&mut inner, v)?;
            }
            extend_kwargs(&mut inner, kwds)?;
            Ok(HashTrieMapPy { inner })
        }

        /// The map itself if `value` is a `HashTrieMap`, else a new one built from it.
        #[classmethod]
        fn convert<'py>(cls: &Handle<'py>, value: &Handle<'py>) -> HPyResult<Handle<'py>> {
            let ctx = cls.ctx();
            if value.is_instance(&HashTrieMapPy::type_object(ctx)?) {
                return Ok(value.dup());
            }
            let mut inner = new_map();
            extend_map(&mut inner, value)?;
            map_object(ctx, inner)
        }

        /// A map from each element of `keys` to the same object `val`.
        #[classmethod]
        #[hpy(signature = (keys, val = None))]
        fn fromkeys<'py>(
            cls: &Handle<'py>,
            keys: &Handle<'py>,
            val: Option<&Handle<'py>>,
        ) -> HPyResult<Handle<'py>> {
            let ctx = cls.ctx();
            let value = Py::new(val.unwrap_or(&ctx.none()));
            let mut inner = new_map();
            for k in keys.iter()? {
                inner.insert_mut(Key::new(&k?)?, value.clone());
                check_recorded()?;
            }
            map_object(ctx, inner)
        }

        fn __len__(&self) -> usize {
            self.inner.size()
        }

        fn __getitem__<'py>(&self, key: &Handle<'py>) -> HPyResult<Handle<'py>> {
            let probe = Probe::new(key)?;
            let found = self.inner.get(&probe as &dyn Lookup);
            check_recorded()?;
            match found {
                Some(v) => Ok(v.bind(key.ctx())),
                None => Err(key_error(key)),
            }
        }

        fn __contains__(&self, key: &Handle<'_>) -> HPyResult<bool> {
            let probe = Probe::new(key)?;
            let found = self.inner.contains_key(&probe as &dyn Lookup);
            check_recorded()?;
            Ok(found)
        }

        /// The value for `key`, or `default`.
        #[hpy(signature = (key, default = None))]
        fn get<'py>(
            &self,
            key: &Handle<'py>,
            default: Option<&Handle<'py>>,
        ) -> HPyResult<Handle<'py>> {
            let ctx = key.ctx();
            let probe = Probe::new(key)?;
            let found = self.inner.get(&probe as &dyn Lookup);
            check_recorded()?;
            Ok(match found {
                Some(v) => v.bind(ctx),
                None => default.map_or_else(|| ctx.none().to_owned(), |d| d.dup()),
            })
        }

        fn __iter__(&self) -> KeysIterator {
            KeysIterator {
                walk: MapWalk::new(self.inner.clone(), |m| m.iter()),
            }
        }

        /// A new map where `key` maps to `value`.
        fn insert<'py>(
            &self,
            ctx: Ctx<'py>,
            key: &Handle<'py>,
            value: &Handle<'py>,
        ) -> HPyResult<Handle<'py>> {
            let inner = self.inner.insert(Key::new(key)?, Py::new(value));
            check_recorded()?;
            map_object(ctx, inner)
        }

        /// A new map without `key`; `KeyError` if it is missing.
        fn remove<'py>(&self, key: &Handle<'py>) -> HPyResult<Handle<'py>> {
            let probe = Probe::new(key)?;
            let mut inner = self.inner.clone();
            let removed = inner.remove_mut(&probe as &dyn Lookup);
            check_recorded()?;
            if !removed {
                return Err(key_error(key));
            }
            map_object(key.ctx(), inner)
        }

        /// A new map without `key`, if it is there.
        fn discard<'py>(&self, key: &Handle<'py>) -> HPyResult<Handle<'py>> {
            let probe = Probe::new(key)?;
            let mut inner = self.inner.clone();
            inner.remove_mut(&probe as &dyn Lookup);
            check_recorded()?;
            map_object(key.ctx(), inner)
        }

        /// A new map with the entries of each argument (mappings or iterables of pairs), then
        /// the keywords; the rightmost wins.
        #[hpy(signature = (*maps, **kwds))]
        fn update<'py>(
            &self,
            ctx: Ctx<'py>,
            maps: VarArgs<'_, 'py>,
            kwds: Option<&Handle<'py>>,
        ) -> HPyResult<Handle<'py>> {
            let mut inner = self.inner.clone();
            for m in maps.iter() {
                extend_map(&mut inner, &m)?;
            }
            extend_kwargs(&mut inner, kwds)?;
            map_object(ctx, inner)
        }

        /// A view of the keys.
        fn keys(&self) -> KeysView {
            KeysView {
                inner: self.inner.clone(),
            }
        }

        /// A view of the values.
        fn values(&self) -> ValuesView {
            ValuesView {
                inner: self.inner.clone(),
            }
        }

        /// A view of the `(key, value)` pairs.
        fn items(&self) -> ItemsView {
            ItemsView {
                inner: self.inner.clone(),
            }
        }

        fn __eq__(&self, ctx: Ctx<'_>, other: Ref<'_, HashTrieMapPy>) -> HPyResult<bool> {
            maps_equal(ctx, &self.inner, &other.inner)
        }

        fn __ne__(&self, ctx: Ctx<'_>, other: Ref<'_, HashTrieMapPy>) -> HPyResult<bool> {
            Ok(!maps_equal(ctx, &self.inner, &other.inner)?)
        }

        fn __hash__(&self, ctx: Ctx<'_>) -> HPyResult<isize> {
            let mut hashes = Vec::with_capacity(self.inner.size());
            for (k, v) in self.inner.iter() {
                let value = v.bind(ctx);
                let vh = match value.hash() {
                    Ok(h) => h,
                    Err(e) => {
                        e.discard(ctx);
                        return Err(exc::TypeError::new_err(format!(
                            "Unhashable type in HashTrieMap of key {}: {}",
                            repr_or(&k.obj.bind(ctx), "<repr error>"),
                            repr_or(&value, "<repr error>")
                        )));
                    }
                };
                let mut pair = TupleHash::new();
                pair.add(k.hash);
                pair.add(vh);
                hashes.push(pair.finish());
            }
            Ok(frozenset_hash(hashes.into_iter(), self.inner.size()))
        }

        fn __repr__(&self, ctx: Ctx<'_>) -> String {
            let parts: Vec<String> = self
                .inner
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}: {}",
                        repr_or(&k.obj.bind(ctx), "<repr error>"),
                        repr_or(&v.bind(ctx), "<repr error>")
                    )
                })
                .collect();
            format!("HashTrieMap({{{}}})", parts.join(", "))
        }

        /// `(HashTrieMap, ([(key, value), ...],))`.
        fn __reduce__<'py>(&self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
            let pairs = ctx.new_list()?;
            for (k, v) in self.inner.iter() {
                pairs.list_append(ctx.new_tuple(&[&k.obj.bind(ctx), &v.bind(ctx)])?)?;
            }
            let args = ctx.new_tuple(&[&pairs])?;
            ctx.new_tuple(&[&HashTrieMapPy::type_object(ctx)?, &args])
        }
    }

    /// Same size, and every key of `a` is in `b` with an equal value.
    fn maps_equal(ctx: Ctx<'_>, a: &Map, b: &Map) -> HPyResult<bool> {
        if a.size() != b.size() {
            return Ok(false);
        }
        for (k, v) in a.iter() {
            let other = b.get(k);
            check_recorded()?;
            let Some(w) = other else {
                return Ok(false);
            };
            if !v.bind(ctx).eq(&w.bind(ctx))? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    // ------------------------------------------------------------------
    // Iterators: a snapshot (one Rc count) and an rpds iterator borrowing it
    // ------------------------------------------------------------------

    type MapIter<'a> = rpds_crate::map::hash_trie_map::Iter<'a, Key, Py, RcK>;
    type SetIter<'a> = rpds_crate::set::hash_trie_set::Iter<'a, Key, RcK>;

    self_cell::self_cell!(
        /// A map and an iterator over it.
        pub struct MapWalk {
            owner: Map,
            #[not_covariant]
            dependent: MapIter,
        }
    );

    self_cell::self_cell!(
        /// A set and an iterator over it.
        pub struct SetWalk {
            owner: Set,
            #[not_covariant]
            dependent: SetIter,
        }
    );

    /// An iterator over a map's keys.
    #[hpy_class(hidden)]
    pub struct KeysIterator {
        walk: MapWalk,
    }

    #[hpy_methods]
    impl KeysIterator {
        fn __iter__<'py>(slf: &Handle<'py>) -> Handle<'py> {
            slf.clone()
        }
        fn __next__<'py>(&mut self, ctx: Ctx<'py>) -> Option<Handle<'py>> {
            self.walk
                .with_dependent_mut(|_, it| it.next().map(|(k, _)| k.obj.bind(ctx)))
        }
    }

    /// An iterator over a map's values.
    #[hpy_class(hidden)]
    pub struct ValuesIterator {
        walk: MapWalk,
    }

    #[hpy_methods]
    impl ValuesIterator {
        fn __iter__<'py>(slf: &Handle<'py>) -> Handle<'py> {
            slf.clone()
        }
        fn __next__<'py>(&mut self, ctx: Ctx<'py>) -> Option<Handle<'py>> {
            self.walk
                .with_dependent_mut(|_, it| it.next().map(|(_, v)| v.bind(ctx)))
        }
    }

    /// An iterator over a map's `(key, value)` tuples.
    #[hpy_class(hidden)]
    pub struct ItemsIterator {
        walk: MapWalk,
    }

    #[hpy_methods]
    impl ItemsIterator {
        fn __iter__<'py>(slf: &Handle<'py>) -> Handle<'py> {
            slf.clone()
        }
        fn __next__<'py>(&mut self, ctx: Ctx<'py>) -> HPyResult<Option<Handle<'py>>> {
            self.walk.with_dependent_mut(|_, it| match it.next() {
                Some((k, v)) => Ok(Some(ctx.new_tuple(&[&k.obj.bind(ctx), &v.bind(ctx)])?)),
                None => Ok(None),
            })
        }
    }

    /// An iterator over a set's elements.
    #[hpy_class(hidden)]
    pub struct SetIterator {
        walk: SetWalk,
    }

    #[hpy_methods]
    impl SetIterator {
        fn __iter__<'py>(slf: &Handle<'py>) -> Handle<'py> {
            slf.clone()
        }
        fn __next__<'py>(&mut self, ctx: Ctx<'py>) -> Option<Handle<'py>> {
            self.walk
                .with_dependent_mut(|_, it| it.next().map(|k| k.obj.bind(ctx)))
        }
    }

    /// An iterator over a list, front to back.
    #[hpy_class(hidden)]
    pub struct ListIterator {
        rest: PList,
    }

    #[hpy_methods]
    impl ListIterator {
        fn __iter__<'py>(slf: &Handle<'py>) -> Handle<'py> {
            slf.clone()
        }
        fn __next__<'py>(&mut self, ctx: Ctx<'py>) -> Option<Handle<'py>> {
            let first = self.rest.first()?.bind(ctx);
            self.rest.drop_first_mut();
            Some(first)
        }
    }

    /// An iterator over a stack, top down.
    #[hpy_class(hidden)]
    pub struct StackIterator {
        rest: PStack,
    }

    #[hpy_methods]
    impl StackIterator {
        fn __iter__<'py>(slf: &Handle<'py>) -> Handle<'py> {
            slf.clone()
        }
        fn __next__<'py>(&mut self, ctx: Ctx<'py>) -> Option<Handle<'py>> {
            let top = self.rest.peek()?.bind(ctx);
            self.rest.pop_mut();
            Some(top)
        }
    }

    /// An iterator over a queue, front to back.
    #[hpy_class(hidden)]
    pub struct QueueIterator {
        rest: PQueue,
    }

    #[hpy_methods]
    impl QueueIterator {
        fn __iter__<'py>(slf: &Handle<'py>) -> Handle<'py> {
            slf.clone()
        }
        fn __next__<'py>(&mut self, ctx: Ctx<'py>) -> Option<Handle<'py>> {
            let front = self.rest.peek()?.bind(ctx);
            self.rest.dequeue_mut();
            Some(front)
        }
    }

    // ------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------

    /// Set comparisons of a set-like (`len`, and "every element of mine is in other" /
    /// "every element of other is in mine") against any `collections.abc.Set`; `False` for
    /// anything else.
    fn set_compare(
        other: &Handle<'_>,
        op: CompareOp,
        my_len: usize,
        mine_in_other: impl FnOnce() -> HPyResult<bool>,
        other_in_mine: impl FnOnce() -> HPyResult<bool>,
    ) -> HPyResult<bool> {
        if !is_abc_set(other)? {
            return Ok(op == CompareOp::Ne);
        }
        let n = other.len()?;
        Ok(match op {
            CompareOp::Eq => n == my_len && mine_in_other()?,
            CompareOp::Ne => !(n == my_len && mine_in_other()?),
            CompareOp::Lt => n > my_len && mine_in_other()?,
            CompareOp::Le => n >= my_len && mine_in_other()?,
            CompareOp::Gt => n < my_len && other_in_mine()?,
            CompareOp::Ge => n <= my_len && other_in_mine()?,
        })
    }

    fn map_has_key(map: &Map, key: &Handle<'_>) -> HPyResult<bool> {
        let probe = Probe::new(key)?;
        let found = map.contains_key(&probe as &dyn Lookup);
        check_recorded()?;
        Ok(found)
    }

    /// A view of a map's keys (a snapshot of the map).
    #[hpy_class(hidden, frozen, register = "collections.abc.KeysView")]
    pub struct KeysView {
        inner: Map,
    }

    #[hpy_methods]
    impl KeysView {
        fn __len__(&self) -> usize {
            self.inner.size()
        }
        fn __iter__(&self) -> KeysIterator {
            KeysIterator {
                walk: MapWalk::new(self.inner.clone(), |m| m.iter()),
            }
        }
        fn __contains__(&self, key: &Handle<'_>) -> HPyResult<bool> {
            map_has_key(&self.inner, key)
        }
        fn __richcmp__<'py>(
            &self,
            ctx: Ctx<'py>,
            other: &Handle<'py>,
            op: CompareOp,
        ) -> HPyResult<bool> {
            set_compare(
                other,
                op,
                self.inner.size(),
                || {
                    for (k, _) in self.inner.iter() {
                        if !other.contains(k.obj.bind(ctx))? {
                            return Ok(false);
                        }
                    }
                    Ok(true)
                },
                || {
                    for x in other.iter()? {
                        if !map_has_key(&self.inner, &x?)? {
                            return Ok(false);
                        }
                    }
                    Ok(true)
                },
            )
        }
        fn __and__<'py>(&self, other: &Handle<'py>) -> HPyResult<Handle<'py>> {
            self.intersection(other)
        }
        fn __or__<'py>(&self, other: &Handle<'py>) -> HPyResult<Handle<'py>> {
            self.union(other)
        }
        /// The elements of `other` (any iterable) that are keys, as a `HashTrieSet`.
        fn intersection<'py>(&self, other: &Handle<'py>) -> HPyResult<Handle<'py>> {
            let mut out = new_set();
            for x in other.iter()? {
                let x = x?;
                if map_has_key(&self.inner, &x)? {
                    out.insert_mut(Key::new(&x)?);
                    check_recorded()?;
                }
            }
            set_object(other.ctx(), out)
        }
        /// The keys and the elements of `other` (any iterable), as a keys view.
        fn union<'py>(&self, other: &Handle<'py>) -> HPyResult<Handle<'py>> {
            let ctx = other.ctx();
            let mut inner = self.inner.clone();
            let none = Py::new(&ctx.none());
            for x in other.iter()? {
                let x = x?;
                if !map_has_key(&inner, &x)? {
                    inner.insert_mut(Key::new(&x)?, none.clone());
                    check_recorded()?;
                }
            }
            KeysView { inner }.into_handle(ctx)
        }
        fn __repr__(&self, ctx: Ctx<'_>) -> String {
            let parts: Vec<String> = self
                .inner
                .iter()
                .map(|(k, _)| repr_or(&k.obj.bind(ctx), "<repr failed>"))
                .collect();
            format!("keys_view({{{}}})", parts.join(", "))
        }
    }

    /// A view of a map's values (identity equality, like `dict.values()`).
    #[hpy_class(hidden, frozen, register = "collections.abc.ValuesView")]
    pub struct ValuesView {
        inner: Map,
    }

    #[hpy_methods]
    impl ValuesView {
        fn __len__(&self) -> usize {
            self.inner.size()
        }
        fn __iter__(&self) -> ValuesIterator {
            ValuesIterator {
                walk: MapWalk::new(self.inner.clone(), |m| m.iter()),
            }
        }
        fn __repr__(&self, ctx: Ctx<'_>) -> String {
            let parts: Vec<String> = self
                .inner
                .iter()
                .map(|(_, v)| repr_or(&v.bind(ctx), "<repr failed>"))
                .collect();
            format!("values_view([{}])", parts.join(", "))
        }
    }

    /// A view of a map's `(key, value)` pairs.
    #[hpy_class(hidden, frozen, register = "collections.abc.ItemsView")]
    pub struct ItemsView {
        inner: Map,
    }

    impl ItemsView {
        /// The stored pair matching `candidate`: a 2-tuple whose key is in the map with a value
        /// such that `(key, value) == candidate`.
        fn matching<'py>(&self, candidate: &Handle<'py>) -> HPyResult<Option<Handle<'py>>> {
            let ctx = candidate.ctx();
            if !candidate.is_tuple() || candidate.len()? != 2 {
                // Anything else matches nothing, except an equal non-tuple sequence, which
                // never equals a tuple anyway.
                return Ok(None);
            }
            let key = candidate.get_index(0)?;
            let probe = Probe::new(&key)?;
            let found = self.inner.get_key_value(&probe as &dyn Lookup);
            check_recorded()?;
            let Some((k, v)) = found else {
                return Ok(None);
            };
            let mine = ctx.new_tuple(&[&k.obj.bind(ctx), &v.bind(ctx)])?;
            Ok(mine.eq(candidate)?.then_some(mine))
        }

        fn pairs<'a, 'py: 'a>(
            &'a self,
            ctx: Ctx<'py>,
        ) -> impl Iterator<Item = HPyResult<Handle<'py>>> + 'a {
            self.inner
                .iter()
                .map(move |(k, v)| ctx.new_tuple(&[&k.obj.bind(ctx), &v.bind(ctx)]))
        }
    }

    #[hpy_methods]
    impl ItemsView {
        fn __len__(&self) -> usize {
            self.inner.size()
        }
        fn __iter__(&self) -> ItemsIterator {
            ItemsIterator {
                walk: MapWalk::new(self.inner.clone(), |m| m.iter()),
            }
        }
        fn __contains__(&self, pair: &Handle<'_>) -> HPyResult<bool> {
            Ok(self.matching(pair)?.is_some())
        }
        fn __richcmp__<'py>(
            &self,
            ctx: Ctx<'py>,
            other: &Handle<'py>,
            op: CompareOp,
        ) -> HPyResult<bool> {
            set_compare(
                other,
                op,
                self.inner.size(),
                || {
                    for p in self.pairs(ctx) {
                        if !other.contains(p?)? {
                            return Ok(false);
                        }
                    }
                    Ok(true)
                },
                || {
                    for x in other.iter()? {
                        if self.matching(&x?)?.is_none() {
                            return Ok(false);
                        }
                    }
                    Ok(true)
                },
            )
        }
        fn __and__<'py>(&self, other: &Handle<'py>) -> HPyResult<Handle<'py>> {
            self.intersection(other)
        }
        fn __or__<'py>(&self, other: &Handle<'py>) -> HPyResult<Handle<'py>> {
            self.union(other)
        }
        /// The own pairs equal to an element of `other` (any iterable), as a `HashTrieSet`.
        fn intersection<'py>(&self, other: &Handle<'py>) -> HPyResult<Handle<'py>> {
            let mut out = new_set();
            for x in other.iter()? {
                if let Some(p) = self.matching(&x?)? {
                    out.insert_mut(Key::new(&p)?);
                    check_recorded()?;
                }
            }
            set_object(other.ctx(), out)
        }
        /// The own pairs and every element of `other` as it is, as a `HashTrieSet`.
        fn union<'py>(&self, other: &Handle<'py>) -> HPyResult<Handle<'py>> {
            let ctx = other.ctx();
            let mut out = new_set();
            for p in self.pairs(ctx) {
                out.insert_mut(Key::new(&p?)?);
                check_recorded()?;
            }
            for x in other.iter()? {
                out.insert_mut(Key::new(&x?)?);
                check_recorded()?;
            }
            set_object(ctx, out)
        }
        fn __repr__(&self, ctx: Ctx<'_>) -> String {
            let parts: Vec<String> = self
                .inner
                .iter()
                .map(|(k, v)| {
                    format!(
                        "({}, {})",
                        repr_or(&k.obj.bind(ctx), "<repr failed>"),
                        repr_or(&v.bind(ctx), "<repr failed>")
                    )
                })
                .collect();
            format!("items_view([{}])", parts.join(", "))
        }
    }

    // ------------------------------------------------------------------
    // HashTrieSet
    // ------------------------------------------------------------------

    /// Adds the elements of `iterable` to a set being built.
    fn extend_set(set: &mut Set, iterable: &Handle<'_>) -> HPyResult<()> {
        let ctx = iterable.ctx();
        if iterable.is_instance(&HashTrieSetPy::type_object(ctx)?) {
            let other = iterable.extract::<Ref<'_, HashTrieSetPy>>()?;
            if set.is_empty() {
                *set = other.inner.clone();
            } else {
                for k in other.inner.iter() {
                    set.insert_mut(k.clone());
                }
                check_recorded()?;
            }
            return Ok(());
        }
        for x in iterable.iter()? {
            set.insert_mut(Key::new(&x?)?);
            check_recorded()?;
        }
        Ok(())
    }

    fn set_has(set: &Set, obj: &Handle<'_>) -> HPyResult<bool> {
        let probe = Probe::new(obj)?;
        let found = set.contains(&probe as &dyn Lookup);
        check_recorded()?;
        Ok(found)
    }

    /// A persistent hash set.
    #[hpy_class(name = "HashTrieSet", frozen, register = "collections.abc.Set")]
    pub struct HashTrieSetPy {
        inner: Set,
    }

    impl HashTrieSetPy {
        fn op_union(&self, other: &Set) -> HPyResult<Set> {
            let (big, small) = if self.inner.size() >= other.size() {
                (&self.inner, other)
            } else {
                (other, &self.inner)
            };
            let mut out = big.clone();
            for k in small.iter() {
                out.insert_mut(k.clone());
            }
            check_recorded()?;
            Ok(out)
        }
        fn op_intersection(&self, other: &Set) -> HPyResult<Set> {
            let (big, small) = if self.inner.size() >= other.size() {
                (&self.inner, other)
            } else {
                (other, &self.inner)
            };
            let mut out = new_set();
            for k in small.iter() {
                if big.contains(k) {
                    out.insert_mut(k.clone());
                }
            }
            check_recorded()?;
            Ok(out)
        }
        fn op_difference(&self, other: &Set) -> HPyResult<Set> {
            let mut out = self.inner.clone();
            for k in other.iter() {
                out.remove_mut(k);
            }
            check_recorded()?;
            Ok(out)
        }
        fn op_symmetric_difference(&self, other: &Set) -> HPyResult<Set> {
            let mut out = self.inner.clone();
            for k in other.iter() {
                if !out.remove_mut(k) {
                    out.insert_mut(k.clone());
                }
            }
            check_recorded()?;
            Ok(out)
        }
        /// `other` (any iterable) as a set.
        fn to_set(other: &Handle<'_>) -> HPyResult<Set> {
            let mut s = new_set();
            extend_set(&mut s, other)?;
            Ok(s)
        }
    }

    #[hpy_methods]
    impl HashTrieSetPy {
        #[new]
        #[hpy(signature = (value = None, /))]
        fn new(value: Option<&Handle<'_>>) -> HPyResult<Self> {
            let mut inner = new_set();
            if let Some(v) = value.filter(|v| !v.is_none()) {
                extend_set(&mut inner, v)?;
            }
            Ok(HashTrieSetPy { inner })
        }

        fn __len__(&self) -> usize {
            self.inner.size()
        }
        fn __contains__(&self, value: &Handle<'_>) -> HPyResult<bool> {
            set_has(&self.inner, value)
        }
        fn __iter__(&self) -> SetIterator {
            SetIterator {
                walk: SetWalk::new(self.inner.clone(), |s| s.iter()),
            }
        }

        /// A new set with `value`.
        fn insert<'py>(&self, value: &Handle<'py>) -> HPyResult<Handle<'py>> {
            let inner = self.inner.insert(Key::new(value)?);
            check_recorded()?;
            set_object(value.ctx(), inner)
        }
        /// A new set without `value`, if it is there.
        fn discard<'py>(&self, value: &Handle<'py>) -> HPyResult<Handle<'py>> {
            let probe = Probe::new(value)?;
            let mut inner = self.inner.clone();
            inner.remove_mut(&probe as &dyn Lookup);
            check_recorded()?;
            set_object(value.ctx(), inner)
        }
        /// A new set without `value`; `KeyError` if it is missing.
        fn remove<'py>(&self, value: &Handle<'py>) -> HPyResult<Handle<'py>> {
            let probe = Probe::new(value)?;
            let mut inner = self.inner.clone();
            let removed = inner.remove_mut(&probe as &dyn Lookup);
            check_recorded()?;
            if !removed {
                return Err(key_error(value));
            }
            set_object(value.ctx(), inner)
        }
        /// A new set with every element of every iterable.
        #[hpy(signature = (*iterables))]
        fn update<'py>(
            &self,
            ctx: Ctx<'py>,
            iterables: VarArgs<'_, 'py>,
        ) -> HPyResult<Handle<'py>> {
            let mut inner = self.inner.clone();
            for it in iterables.iter() {
                extend_set(&mut inner, &it)?;
            }
            set_object(ctx, inner)
        }

        /// The elements in either (`other`: any iterable).
        fn union<'py>(&self, other: &Handle<'py>) -> HPyResult<Handle<'py>> {
            let s = self.op_union(&Self::to_set(other)?)?;
            set_object(other.ctx(), s)
        }
        /// The elements in both (`other`: any iterable).
        fn intersection<'py>(&self, other: &Handle<'py>) -> HPyResult<Handle<'py>> {
            let s = self.op_intersection(&Self::to_set(other)?)?;
            set_object(other.ctx(), s)
        }
        /// The elements not in `other` (any iterable).
        fn difference<'py>(&self, other: &Handle<'py>) -> HPyResult<Handle<'py>> {
            let s = self.op_difference(&Self::to_set(other)?)?;
            set_object(other.ctx(), s)
        }
        /// The elements in exactly one (`other`: any iterable).
        fn symmetric_difference<'py>(&self, other: &Handle<'py>) -> HPyResult<Handle<'py>> {
            let s = self.op_symmetric_difference(&Self::to_set(other)?)?;
            set_object(other.ctx(), s)
        }

        fn __or__<'py>(
            &self,
            ctx: Ctx<'py>,
            other: Ref<'_, HashTrieSetPy>,
        ) -> HPyResult<Handle<'py>> {
            set_object(ctx, self.op_union(&other.inner)?)
        }
        fn __and__<'py>(
            &self,
            ctx: Ctx<'py>,
            other: Ref<'_, HashTrieSetPy>,
        ) -> HPyResult<Handle<'py>> {
            set_object(ctx, self.op_intersection(&other.inner)?)
        }
        fn __sub__<'py>(
            &self,
            ctx: Ctx<'py>,
            other: Ref<'_, HashTrieSetPy>,
        ) -> HPyResult<Handle<'py>> {
            set_object(ctx, self.op_difference(&other.inner)?)
        }
        fn __xor__<'py>(
            &self,
            ctx: Ctx<'py>,
            other: Ref<'_, HashTrieSetPy>,
        ) -> HPyResult<Handle<'py>> {
            set_object(ctx, self.op_symmetric_difference(&other.inner)?)
        }

        fn __richcmp__<'py>(
            &self,
            ctx: Ctx<'py>,
            other: &Handle<'py>,
            op: CompareOp,
        ) -> HPyResult<bool> {
            if let Ok(o) = other.extract::<Ref<'_, HashTrieSetPy>>() {
                // Both ours: compare the tries directly.
                let (a, b) = (&self.inner, &o.inner);
                let sub = |x: &Set, y: &Set| -> HPyResult<bool> {
                    let r = x.iter().all(|k| y.contains(k));
                    check_recorded()?;
                    Ok(r)
                };
                let (n, m) = (a.size(), b.size());
                return Ok(match op {
                    CompareOp::Eq => n == m && sub(a, b)?,
                    CompareOp::Ne => !(n == m && sub(a, b)?),
                    CompareOp::Lt => n < m && sub(a, b)?,
                    CompareOp::Le => n <= m && sub(a, b)?,
                    CompareOp::Gt => n > m && sub(b, a)?,
                    CompareOp::Ge => n >= m && sub(b, a)?,
                });
            }
            set_compare(
                other,
                op,
                self.inner.size(),
                || {
                    for k in self.inner.iter() {
                        if !other.contains(k.obj.bind(ctx))? {
                            return Ok(false);
                        }
                    }
                    Ok(true)
                },
                || {
                    for x in other.iter()? {
                        if !set_has(&self.inner, &x?)? {
                            return Ok(false);
                        }
                    }
                    Ok(true)
                },
            )
        }

        fn __hash__(&self) -> isize {
            frozenset_hash(self.inner.iter().map(|k| k.hash), self.inner.size())
        }

        fn __repr__(&self, ctx: Ctx<'_>) -> String {
            let parts: Vec<String> = self
                .inner
                .iter()
                .map(|k| repr_or(&k.obj.bind(ctx), "<repr failed>"))
                .collect();
            format!("HashTrieSet({{{}}})", parts.join(", "))
        }

        /// `(HashTrieSet, ([elements...],))`.
        fn __reduce__<'py>(&self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
            let items = ctx.new_list()?;
            for k in self.inner.iter() {
                items.list_append(&k.obj)?;
            }
            let args = ctx.new_tuple(&[&items])?;
            ctx.new_tuple(&[&HashTrieSetPy::type_object(ctx)?, &args])
        }
    }

    // ------------------------------------------------------------------
    // Sequences: List, Stack, Queue
    // ------------------------------------------------------------------

    /// The elements a sequence constructor takes: one iterable's elements, or the arguments
    /// themselves when there are several.
    fn elements(args: &VarArgs<'_, '_>) -> HPyResult<Vec<Py>> {
        if args.len() == 1 {
            let it = args.get(0).expect("one argument");
            it.iter()?.map(|x| Ok(Py::new(&x?))).collect()
        } else {
            Ok(args.iter().map(|x| Py::new(&x)).collect())
        }
    }

    /// Pairwise `==` of two equally long sequences.
    fn seq_equal<'a>(
        ctx: Ctx<'_>,
        a: impl Iterator<Item = &'a Py>,
        b: impl Iterator<Item = &'a Py>,
    ) -> HPyResult<bool> {
        for (x, y) in a.zip(b) {
            if !x.bind(ctx).eq(&y.bind(ctx))? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// An order- and length-sensitive hash (`hash(tuple(...))`'s algorithm); an unhashable
    /// element gives `TypeError` naming its index.
    fn seq_hash<'a>(
        ctx: Ctx<'_>,
        items: impl Iterator<Item = &'a Py>,
        what: &str,
    ) -> HPyResult<isize> {
        let mut h = TupleHash::new();
        for (i, x) in items.enumerate() {
            let x = x.bind(ctx);
            match x.hash() {
                Ok(v) => h.add(v),
                Err(e) => {
                    e.discard(ctx);
                    return Err(exc::TypeError::new_err(format!(
                        "Unhashable type at {i} element in {what}: {}",
                        repr_or(&x, "<repr failed>")
                    )));
                }
            }
        }
        Ok(h.finish())
    }

    fn seq_repr<'a>(ctx: Ctx<'_>, items: impl Iterator<Item = &'a Py>) -> String {
        items
            .map(|x| repr_or(&x.bind(ctx), "<repr failed>"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn list_of(items: Vec<Py>) -> PList {
        let mut l = PList::new_with_ptr_kind();
        for x in items.into_iter().rev() {
            l.push_front_mut(x);
        }
        l
    }

    /// A persistent singly linked list.
    #[hpy_class(name = "List", frozen)]
    pub struct ListPy {
        inner: PList,
    }

    #[hpy_methods]
    impl ListPy {
        #[new]
        #[hpy(signature = (*elements))]
        fn new(elements: VarArgs<'_, '_>) -> HPyResult<Self> {
            Ok(ListPy {
                inner: list_of(self::elements(&elements)?),
            })
        }

        fn __len__(&self) -> usize {
            self.inner.len()
        }
        fn __iter__(&self) -> ListIterator {
            ListIterator {
                rest: self.inner.clone(),
            }
        }

        /// The first element (`IndexError` on an empty list).
        #[getter]
        fn first(&self) -> HPyResult<Py> {
            self.inner
                .first()
                .cloned()
                .ok_or_else(|| exc::IndexError::new_err("empty list has no first element"))
        }

        /// The list without its first element (an empty list stays empty).
        #[getter]
        fn rest(&self) -> ListPy {
            ListPy {
                inner: self.inner.drop_first().unwrap_or_default(),
            }
        }

        /// A new list with `value` in front.
        fn push_front(&self, value: &Handle<'_>) -> ListPy {
            ListPy {
                inner: self.inner.push_front(Py::new(value)),
            }
        }

        /// The list without its first element (`IndexError` on an empty list).
        fn drop_first(&self) -> HPyResult<ListPy> {
            let inner = self
                .inner
                .drop_first()
                .ok_or_else(|| exc::IndexError::new_err("empty list has no first element"))?;
            Ok(ListPy { inner })
        }

        /// The list reversed (a `List`, not an iterator).
        fn __reversed__(&self) -> ListPy {
            ListPy {
                inner: self.inner.reverse(),
            }
        }

        fn __eq__(&self, ctx: Ctx<'_>, other: Ref<'_, ListPy>) -> HPyResult<bool> {
            Ok(self.inner.len() == other.inner.len()
                && seq_equal(ctx, self.inner.iter(), other.inner.iter())?)
        }
        fn __ne__(&self, ctx: Ctx<'_>, other: Ref<'_, ListPy>) -> HPyResult<bool> {
            Ok(!self.__eq__(ctx, other)?)
        }
        fn __hash__(&self, ctx: Ctx<'_>) -> HPyResult<isize> {
            seq_hash(ctx, self.inner.iter(), "List")
        }
        fn __repr__(&self, ctx: Ctx<'_>) -> String {
            format!("List([{}])", seq_repr(ctx, self.inner.iter()))
        }

        /// `(List, ([elements...],))`.
        fn __reduce__<'py>(&self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
            let items = ctx.new_list()?;
            for x in self.inner.iter() {
                items.list_append(x)?;
            }
            let args = ctx.new_tuple(&[&items])?;
            ctx.new_tuple(&[&ListPy::type_object(ctx)?, &args])
        }
    }

    /// A persistent stack (LIFO).
    #[hpy_class(name = "Stack", frozen)]
    pub struct StackPy {
        inner: PStack,
    }

    #[hpy_methods]
    impl StackPy {
        #[new]
        #[hpy(signature = (*elements))]
        fn new(elements: VarArgs<'_, '_>) -> HPyResult<Self> {
            let mut inner = PStack::new_with_ptr_kind();
            for x in self::elements(&elements)? {
                inner.push_mut(x);
            }
            Ok(StackPy { inner })
        }

        fn __len__(&self) -> usize {
            self.inner.size()
        }
        fn __iter__(&self) -> StackIterator {
            StackIterator {
                rest: self.inner.clone(),
            }
        }
        /// The top element (`IndexError` on an empty stack).
        fn peek(&self) -> HPyResult<Py> {
            self.inner
                .peek()
                .cloned()
                .ok_or_else(|| exc::IndexError::new_err("peeked an empty stack"))
        }
        /// A new stack without the top element (`IndexError` on an empty stack).
        fn pop(&self) -> HPyResult<StackPy> {
            let inner = self
                .inner
                .pop()
                .ok_or_else(|| exc::IndexError::new_err("popped an empty stack"))?;
            Ok(StackPy { inner })
        }
        /// A new stack with `value` on top.
        fn push(&self, value: &Handle<'_>) -> StackPy {
            StackPy {
                inner: self.inner.push(Py::new(value)),
            }
        }
        fn __eq__(&self, ctx: Ctx<'_>, other: Ref<'_, StackPy>) -> HPyResult<bool> {
            Ok(self.inner.size() == other.inner.size()
                && seq_equal(ctx, self.inner.iter(), other.inner.iter())?)
        }
        fn __ne__(&self, ctx: Ctx<'_>, other: Ref<'_, StackPy>) -> HPyResult<bool> {
            Ok(!self.__eq__(ctx, other)?)
        }
        fn __hash__(&self, ctx: Ctx<'_>) -> HPyResult<isize> {
            seq_hash(ctx, self.inner.iter(), "Stack")
        }
        /// Bottom to top: the construction order.
        fn __repr__(&self, ctx: Ctx<'_>) -> String {
            let items: Vec<&Py> = self.inner.iter().collect();
            format!("Stack([{}])", seq_repr(ctx, items.into_iter().rev()))
        }
    }

    /// A persistent queue (FIFO).
    #[hpy_class(name = "Queue", frozen)]
    pub struct QueuePy {
        inner: PQueue,
    }

    #[hpy_methods]
    impl QueuePy {
        #[new]
        #[hpy(signature = (*elements))]
        fn new(elements: VarArgs<'_, '_>) -> HPyResult<Self> {
            let mut inner = PQueue::new_with_ptr_kind();
            for x in self::elements(&elements)? {
                inner.enqueue_mut(x);
            }
            Ok(QueuePy { inner })
        }

        fn __len__(&self) -> usize {
            self.inner.len()
        }
        fn __iter__(&self) -> QueueIterator {
            QueueIterator {
                rest: self.inner.clone(),
            }
        }
        /// The front element (`IndexError` on an empty queue).
        fn peek(&self) -> HPyResult<Py> {
            self.inner
                .peek()
                .cloned()
                .ok_or_else(|| exc::IndexError::new_err("peeked an empty queue"))
        }
        /// A new queue without the front element (`IndexError` on an empty queue).
        fn dequeue(&self) -> HPyResult<QueuePy> {
            let inner = self
                .inner
                .dequeue()
                .ok_or_else(|| exc::IndexError::new_err("dequeued an empty queue"))?;
            Ok(QueuePy { inner })
        }
        /// A new queue with `value` at the back.
        fn enqueue(&self, value: &Handle<'_>) -> QueuePy {
            QueuePy {
                inner: self.inner.enqueue(Py::new(value)),
            }
        }
        /// Whether the queue is empty.
        fn is_empty(&self) -> bool {
            self.inner.is_empty()
        }
        fn __eq__(&self, ctx: Ctx<'_>, other: Ref<'_, QueuePy>) -> HPyResult<bool> {
            Ok(self.inner.len() == other.inner.len()
                && seq_equal(ctx, self.inner.iter(), other.inner.iter())?)
        }
        fn __ne__(&self, ctx: Ctx<'_>, other: Ref<'_, QueuePy>) -> HPyResult<bool> {
            Ok(!self.__eq__(ctx, other)?)
        }
        fn __hash__(&self, ctx: Ctx<'_>) -> HPyResult<isize> {
            seq_hash(ctx, self.inner.iter(), "Queue")
        }
        fn __repr__(&self, ctx: Ctx<'_>) -> String {
            format!("Queue([{}])", seq_repr(ctx, self.inner.iter()))
        }
    }
}
