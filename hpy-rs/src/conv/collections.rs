//! `Vec`, tuples, maps and sets.

use super::{FromHandle, IntoHandle};
use crate::ctx::Ctx;
use crate::err::{HPyErr, HPyResult};
use crate::exc;
use crate::ffi::{call, HPy};
use crate::global::Global;
use crate::handle::Handle;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, Hash};

/// Extracts every item of a sequence or iterable (not `str`) into a `Vec`. Element types must
/// own their data (`String`, not `&str`): items are temporaries.
pub(crate) fn extract_sequence<'py, T>(obj: &Handle<'py>) -> HPyResult<Vec<T>>
where
    T: for<'b> FromHandle<'b, 'py>,
{
    if obj.is_str() {
        return Err(str_to_vec_error());
    }
    // `Iter` walks exact lists and tuples by index (one length read) and anything else
    // through its iterator.
    let items = obj.iter()?;
    let mut out = Vec::with_capacity(items.size_hint().0);
    for item in items {
        out.push(T::extract(&item?)?);
    }
    Ok(out)
}

#[cold]
fn str_to_vec_error() -> HPyErr {
    exc::TypeError::new_err("Can't extract `str` to `Vec`")
}

/// The items of a sequence or iterable (not `str`), each converted by `conv` to a value
/// borrowed from the item's handle, which is then kept open until the current call returns
/// (see [`crate::impl_::scope`]): the borrow stays valid for `'a` even if the container drops
/// the item meanwhile.
fn extract_parked<'a, 'py, T: ?Sized + 'a>(
    obj: &'a Handle<'py>,
    conv: for<'b> fn(&'b Handle<'py>) -> HPyResult<&'b T>,
) -> HPyResult<Vec<&'a T>> {
    if obj.is_str() {
        return Err(str_to_vec_error());
    }
    let items = obj.iter()?;
    let mut out = Vec::with_capacity(items.size_hint().0);
    for item in items {
        let item = item?;
        let value: *const T = conv(&item)?;
        crate::impl_::scope::park(item);
        // SAFETY: the value points into the item's buffer, valid while the item's handle is
        // open; the handle is parked until the current call returns, which `'a` (a borrow of a
        // handle of this call) cannot outlive.
        out.push(unsafe { &*value });
    }
    Ok(out)
}

/// `Vec<&str>` borrows each item's text without copying it (element types that borrow cannot
/// go through the generic `Vec<T>`, whose items are temporaries).
impl<'a, 'py> FromHandle<'a, 'py> for Vec<&'a str> {
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        extract_parked(obj, |h| h.extract::<&str>())
    }
}

impl<'a, 'py> FromHandle<'a, 'py> for Vec<Cow<'a, str>> {
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        let v = extract_parked(obj, |h| h.extract::<&str>())?;
        Ok(v.into_iter().map(Cow::Borrowed).collect())
    }
}

impl<'a, 'py> FromHandle<'a, 'py> for Vec<&'a [u8]> {
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        extract_parked(obj, |h| h.extract::<&[u8]>())
    }
}

/// A list from Rust values: filled in place through an `HPyListBuilder` when the number of
/// items is known up front, appended one by one otherwise.
pub(crate) fn list_from_iter<'py, T: IntoHandle<'py>>(
    ctx: Ctx<'py>,
    items: impl IntoIterator<Item = T>,
) -> HPyResult<Handle<'py>> {
    let items = items.into_iter();
    match items.size_hint() {
        (n, Some(m)) if n == m => list_from_exact(ctx, items, n),
        _ => {
            let list = ctx.new_list()?;
            for item in items {
                let h = item.into_item(ctx)?;
                // SAFETY: valid ctx and handles (the item is not stolen).
                ctx.status(unsafe { call::ctx_List_Append(ctx.as_ptr(), list.as_raw(), h.raw()) })?;
            }
            Ok(list)
        }
    }
}

/// [`list_from_iter`] for exactly `n` items: one allocation, no appends.
fn list_from_exact<'py, T: IntoHandle<'py>>(
    ctx: Ctx<'py>,
    items: impl Iterator<Item = T>,
    n: usize,
) -> HPyResult<Handle<'py>> {
    let c = ctx.as_ptr();
    // SAFETY: valid ctx; a builder is built or cancelled exactly once below.
    let builder = unsafe { call::ctx_ListBuilder_New(c, n as isize) };
    if builder.is_null() {
        // The list could not be allocated (MemoryError is set).
        return Err(HPyErr::fetch());
    }
    let mut filled = 0;
    for item in items.take(n) {
        match item.into_item(ctx) {
            Ok(h) => {
                // SAFETY: an index below the builder's size; the item is not stolen.
                unsafe { call::ctx_ListBuilder_Set(c, builder, filled as isize, h.raw()) };
                filled += 1;
            }
            Err(e) => {
                // SAFETY: the builder is abandoned here and never used again.
                unsafe { call::ctx_ListBuilder_Cancel(c, builder) };
                return Err(e);
            }
        }
    }
    if filled != n {
        // SAFETY: as above; an iterator that under-delivered its size hint.
        unsafe { call::ctx_ListBuilder_Cancel(c, builder) };
        return Err(exc::SystemError::new_err(
            "iterator yielded fewer items than it promised",
        ));
    }
    // SAFETY: every index was set; the builder is consumed.
    ctx.owned(unsafe { call::ctx_ListBuilder_Build(c, builder) })
}

impl<'a, 'py, T> FromHandle<'a, 'py> for Vec<T>
where
    T: for<'b> FromHandle<'b, 'py>,
{
    #[inline]
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        extract_sequence(obj)
    }
}

impl<'py, T: IntoHandle<'py>> IntoHandle<'py> for Vec<T> {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        T::vec_into_handle(self, ctx)
    }
}

impl<'py, T: IntoHandle<'py> + Clone> IntoHandle<'py> for &[T] {
    #[inline]
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        T::slice_into_handle(self, ctx)
    }
}

macro_rules! tuples {
    ($($n:literal: ($($T:ident $i:tt),+))*) => {$(
        impl<'py, $($T: IntoHandle<'py>),+> IntoHandle<'py> for ($($T,)+) {
            fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
                let items = ($(self.$i.into_item(ctx)?,)+);
                let raw: [HPy; $n] = [$(items.$i.raw()),+];
                ctx.tuple_from_raw(&raw)
            }
        }
        impl<'a, 'py, $($T: for<'b> FromHandle<'b, 'py>),+> FromHandle<'a, 'py> for ($($T,)+) {
            fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
                if !obj.is_tuple() {
                    return Err(HPyErr::wrong_type("tuple", obj));
                }
                let n = obj.len()?;
                if n != $n {
                    return Err(exc::ValueError::new_err(format!(
                        "expected tuple of length {}, but got tuple of length {}", $n, n
                    )));
                }
                Ok(($($T::extract(&obj.get_index($i)?)?,)+))
            }
        }
    )*};
}
crate::for_tuple_arities!(tuples);

fn dict_from_pairs<'py, K: IntoHandle<'py>, V: IntoHandle<'py>>(
    ctx: Ctx<'py>,
    pairs: impl IntoIterator<Item = (K, V)>,
) -> HPyResult<Handle<'py>> {
    let d = ctx.new_dict()?;
    for (k, v) in pairs {
        d.set_item(k, v)?;
    }
    Ok(d)
}

fn dict_items<'py, K, V>(obj: &Handle<'py>, mut push: impl FnMut(K, V)) -> HPyResult<()>
where
    K: for<'b> FromHandle<'b, 'py>,
    V: for<'b> FromHandle<'b, 'py>,
{
    if !obj.is_dict() {
        return Err(HPyErr::wrong_type("dict", obj));
    }
    let keys = obj.dict_keys()?;
    for key in keys.iter()? {
        let key = key?;
        let value = obj.get_item(&key)?;
        push(K::extract(&key)?, V::extract(&value)?);
    }
    Ok(())
}

impl<'py, K: IntoHandle<'py>, V: IntoHandle<'py>, S> IntoHandle<'py> for HashMap<K, V, S> {
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        dict_from_pairs(ctx, self)
    }
}

impl<'py, K: IntoHandle<'py>, V: IntoHandle<'py>> IntoHandle<'py> for BTreeMap<K, V> {
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        dict_from_pairs(ctx, self)
    }
}

impl<'a, 'py, K, V, S> FromHandle<'a, 'py> for HashMap<K, V, S>
where
    K: for<'b> FromHandle<'b, 'py> + Eq + Hash,
    V: for<'b> FromHandle<'b, 'py>,
    S: BuildHasher + Default,
{
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        let mut m = HashMap::default();
        dict_items(obj, |k, v| {
            m.insert(k, v);
        })?;
        Ok(m)
    }
}

impl<'a, 'py, K, V> FromHandle<'a, 'py> for BTreeMap<K, V>
where
    K: for<'b> FromHandle<'b, 'py> + Ord,
    V: for<'b> FromHandle<'b, 'py>,
{
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        let mut m = BTreeMap::new();
        dict_items(obj, |k, v| {
            m.insert(k, v);
        })?;
        Ok(m)
    }
}

static SET_TYPE: Global = Global::new();
static FROZENSET_TYPE: Global = Global::new();

/// The builtin class `name`, cached in `global` after the first lookup.
fn builtin_class<'py>(
    ctx: Ctx<'py>,
    global: &'static Global,
    name: &str,
) -> HPyResult<Handle<'py>> {
    global.get_or_init(ctx, || ctx.builtin(name))
}

/// The items of a `set` or `frozenset` (subclasses included), as PyO3 accepts: other
/// iterables raise `TypeError` rather than silently dropping duplicates.
fn set_items<'py>(obj: &Handle<'py>) -> HPyResult<crate::iter::Iter<'py>> {
    let ctx = obj.ctx();
    if !obj.is_instance(&builtin_class(ctx, &SET_TYPE, "set")?)
        && !obj.is_instance(&builtin_class(ctx, &FROZENSET_TYPE, "frozenset")?)
    {
        return Err(HPyErr::wrong_type("set or frozenset", obj));
    }
    obj.iter()
}

/// A new `set` of the items (`set(list)`: one call; an unhashable item raises `TypeError`).
fn set_from_iter<'py, T: IntoHandle<'py>>(
    ctx: Ctx<'py>,
    items: impl IntoIterator<Item = T>,
) -> HPyResult<Handle<'py>> {
    let list = list_from_iter(ctx, items)?;
    builtin_class(ctx, &SET_TYPE, "set")?.call((list,))
}

impl<'a, 'py, K, S> FromHandle<'a, 'py> for HashSet<K, S>
where
    K: for<'b> FromHandle<'b, 'py> + Eq + Hash,
    S: BuildHasher + Default,
{
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        let items = set_items(obj)?;
        let mut out = HashSet::with_capacity_and_hasher(items.size_hint().0, S::default());
        for item in items {
            out.insert(K::extract(&item?)?);
        }
        Ok(out)
    }
}

impl<'a, 'py, K> FromHandle<'a, 'py> for BTreeSet<K>
where
    K: for<'b> FromHandle<'b, 'py> + Ord,
{
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        let mut out = BTreeSet::new();
        for item in set_items(obj)? {
            out.insert(K::extract(&item?)?);
        }
        Ok(out)
    }
}

impl<'py, K: IntoHandle<'py>, S> IntoHandle<'py> for HashSet<K, S> {
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        set_from_iter(ctx, self)
    }
}

impl<'py, K: IntoHandle<'py>> IntoHandle<'py> for BTreeSet<K> {
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        set_from_iter(ctx, self)
    }
}

/// `indexmap::IndexMap` ↔ `dict`, in order both ways (feature `indexmap`).
#[cfg(feature = "indexmap")]
mod index_map {
    use super::*;
    use indexmap::IndexMap;

    impl<'py, K: IntoHandle<'py>, V: IntoHandle<'py>, S> IntoHandle<'py> for IndexMap<K, V, S> {
        fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
            dict_from_pairs(ctx, self)
        }
    }

    impl<'a, 'py, K, V, S> FromHandle<'a, 'py> for IndexMap<K, V, S>
    where
        K: for<'b> FromHandle<'b, 'py> + Eq + Hash,
        V: for<'b> FromHandle<'b, 'py>,
        S: BuildHasher + Default,
    {
        fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
            let mut m = IndexMap::default();
            dict_items(obj, |k, v| {
                m.insert(k, v);
            })?;
            Ok(m)
        }
    }
}
