//! `Vec`, tuples and maps.

use super::{FromHandle, IntoHandle};
use crate::ctx::Ctx;
use crate::err::{HPyErr, HPyResult};
use crate::exc;
use crate::ffi::{call, HPy};
use crate::handle::Handle;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};

/// Extracts every item of a sequence or iterable (not `str`) into a `Vec`. Element types must
/// own their data (`String`, not `&str`): items are temporaries.
pub(crate) fn extract_sequence<'py, T>(obj: &Handle<'py>) -> HPyResult<Vec<T>>
where
    T: for<'b> FromHandle<'b, 'py>,
{
    if obj.is_str() {
        return Err(exc::TypeError::new_err("Can't extract `str` to `Vec`"));
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
