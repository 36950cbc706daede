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
