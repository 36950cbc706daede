//! Iteration over any iterable. HPy 0.9.0 has no iterator slots: exact lists and tuples are
//! walked by index, anything else through `iter()` and its bound `__next__`, with `StopIteration` ending
//! the loop.

use crate::ctx::Ctx;
use crate::err::HPyResult;
use crate::exc;
use crate::handle::Handle;

enum Kind<'py> {
    /// A list (it may change while walked) or a tuple.
    Indexed {
        seq: Handle<'py>,
        index: isize,
        is_list: bool,
        len: isize,
    },
    /// A generic iterator's bound `__next__`.
    Generic {
        next: Handle<'py>,
    },
    Done,
}

/// An iterator over a Python iterable, yielding owned handles.
pub struct Iter<'py> {
    ctx: Ctx<'py>,
    kind: Kind<'py>,
}

impl<'py> Iter<'py> {
    pub(crate) fn new(obj: &Handle<'py>) -> HPyResult<Iter<'py>> {
        let ctx = obj.ctx();
        let kind = if let Some(is_list) = obj.exact_list_or_tuple() {
            let len = obj.len()? as isize;
            Kind::Indexed {
                seq: obj.dup(),
                index: 0,
                is_list,
                len,
            }
        } else {
            let it = ctx.builtin("iter")?.call((obj,))?;
            Kind::Generic {
                next: it.getattr("__next__")?,
            }
        };
        Ok(Iter { ctx, kind })
    }
}

impl<'py> Iterator for Iter<'py> {
    type Item = HPyResult<Handle<'py>>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.kind {
            Kind::Indexed {
                seq,
                index,
                is_list,
                len,
            } => {
                // A list may change while it is walked. Its length is read again only at the
                // old end (to take in appended items; a length read costs a runtime call), and
                // an `IndexError` from a list that shrank ends the walk, as Python's own
                // list iterator does.
                if *index >= *len && *is_list {
                    match seq.len() {
                        Ok(n) => *len = n as isize,
                        Err(e) => return Some(Err(e)),
                    }
                }
                if *index >= *len {
                    self.kind = Kind::Done;
                    return None;
                }
                let item = seq.get_index(*index);
                *index += 1;
                match item {
                    Err(e)
                        if *is_list
                            && e.matches(self.ctx, &exc::IndexError::type_object(self.ctx)) =>
                    {
                        e.discard(self.ctx);
                        self.kind = Kind::Done;
                        None
                    }
                    item => Some(item),
                }
            }
            Kind::Generic { next } => match next.call0() {
                Ok(item) => Some(Ok(item)),
                Err(e) => {
                    let stop = exc::StopIteration::type_object(self.ctx);
                    if e.matches(self.ctx, &stop) {
                        e.discard(self.ctx);
                        self.kind = Kind::Done;
                        None
                    } else {
                        self.kind = Kind::Done;
                        Some(Err(e))
                    }
                }
            },
            Kind::Done => None,
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.kind {
            // A list may still grow or shrink: the current length is only a hint.
            Kind::Indexed { index, len, .. } => ((*len - *index).max(0) as usize, None),
            Kind::Generic { .. } => (0, None),
            Kind::Done => (0, Some(0)),
        }
    }
}

impl core::fmt::Debug for Iter<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Iter")
    }
}

/// The `(key, value)` pairs of a `dict`, from [`Handle::dict_items`].
///
/// On CPython's C-API backend this walks the dict's own storage (`PyDict_Next`): one runtime
/// call per pair. cpyext's `PyDict_Next` is slow, so on PyPy 8 it reads `list(d.items())` once.
/// Under HPy (which has no dict iteration) it reads the keys once and looks each one up.
/// As with Python's own iteration, a dict changed while it is walked may skip or repeat pairs;
/// every pair returned holds its own references.
pub struct DictItems<'py> {
    dict: Handle<'py>,
    kind: DictKind<'py>,
}

enum DictKind<'py> {
    /// `PyDict_Next`'s position.
    CApi(isize),
    /// The keys list and the next index.
    Keys(Handle<'py>, isize, isize),
    /// A list of `(key, value)` tuples and the next index.
    Pairs(Handle<'py>, isize, isize),
}

impl<'py> Handle<'py> {
    /// The `(key, value)` pairs of a `dict` (or a subclass: its storage, like `PyDict_Next`);
    /// `TypeError` for anything else.
    pub fn dict_items(&self) -> HPyResult<DictItems<'py>> {
        if !self.is_dict() {
            return Err(crate::HPyErr::wrong_type("dict", self));
        }
        let kind = if crate::backend::capi::is_cpyext() {
            // cpyext's `PyDict_Next` is slow; one list of pairs converts in one go.
            let items = self
                .ctx()
                .builtin("list")?
                .call((self.call_method0("items")?,))?;
            let n = items.len()? as isize;
            DictKind::Pairs(items, 0, n)
        } else if crate::backend::capi::is_active() {
            DictKind::CApi(0)
        } else {
            let keys = self.dict_keys()?;
            let n = keys.len()? as isize;
            DictKind::Keys(keys, 0, n)
        };
        Ok(DictItems {
            dict: self.dup(),
            kind,
        })
    }
}

impl<'py> DictItems<'py> {
    /// Calls `f` with each pair, stopping at the first error. Cheaper than the iterator where
    /// the runtime allows: on cpyext the pairs are lent from a private list, with no reference
    /// count changes.
    pub fn for_each_pair(
        mut self,
        mut f: impl FnMut(&Handle<'py>, &Handle<'py>) -> HPyResult<()>,
    ) -> HPyResult<()> {
        if let DictKind::Pairs(items, _, n) = &self.kind {
            use crate::backend::capi;
            let (ctx, a) = (self.dict.ctx(), capi::api());
            for i in 0..*n {
                // SAFETY: the C-API backend; `items` is a private list of 2-tuples that holds
                // every pair for as long as `self` lives, longer than the borrows lent to `f`.
                let (k, v) = unsafe {
                    let t = (a.PyList_GetItem)(capi::o(items.as_raw()), i);
                    (
                        crate::Borrowed::from_raw(ctx, capi::h((a.PyTuple_GetItem)(t, 0))),
                        crate::Borrowed::from_raw(ctx, capi::h((a.PyTuple_GetItem)(t, 1))),
                    )
                };
                f(&k, &v)?;
            }
            return Ok(());
        }
        for kv in self.by_ref() {
            let (k, v) = kv?;
            f(&k, &v)?;
        }
        Ok(())
    }
}

impl<'py> Iterator for DictItems<'py> {
    type Item = HPyResult<(Handle<'py>, Handle<'py>)>;

    fn next(&mut self) -> Option<Self::Item> {
        let ctx = self.dict.ctx();
        match &mut self.kind {
            DictKind::CApi(pos) => {
                use crate::backend::capi;
                let (mut k, mut v) = (core::ptr::null_mut(), core::ptr::null_mut());
                // SAFETY: the C-API backend, a live dict (held by `self.dict`, whose handle is
                // the object pointer) and a position `PyDict_Next` itself advanced.
                let more = unsafe {
                    (capi::api().PyDict_Next)(capi::o(self.dict.as_raw()), pos, &mut k, &mut v)
                };
                if more == 0 {
                    return None;
                }
                // SAFETY: borrowed references to live objects; the new references are the
                // handles'.
                Some(Ok(unsafe {
                    (
                        Handle::from_raw(ctx, capi::new_ref(k)),
                        Handle::from_raw(ctx, capi::new_ref(v)),
                    )
                }))
            }
            DictKind::Pairs(items, i, n) => {
                use crate::backend::capi;
                if *i >= *n {
                    return None;
                }
                let a = capi::api();
                // SAFETY: the C-API backend; `items` is a list of 2-tuples we hold (made by
                // `list(d.items())` and never shared); borrowed items become new references.
                let pair = unsafe {
                    let t = (a.PyList_GetItem)(capi::o(items.as_raw()), *i);
                    let k = (a.PyTuple_GetItem)(t, 0);
                    let v = (a.PyTuple_GetItem)(t, 1);
                    (
                        Handle::from_raw(ctx, capi::new_ref(k)),
                        Handle::from_raw(ctx, capi::new_ref(v)),
                    )
                };
                *i += 1;
                Some(Ok(pair))
            }
            DictKind::Keys(keys, i, n) => {
                if *i >= *n {
                    return None;
                }
                let k = match keys.get_index(*i) {
                    Ok(k) => k,
                    Err(e) => return Some(Err(e)),
                };
                *i += 1;
                Some(self.dict.get_item(&k).map(|v| (k, v)))
            }
        }
    }
}

impl core::fmt::Debug for DictItems<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("DictItems")
    }
}
