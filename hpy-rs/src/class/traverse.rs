//! [`Traverse`]: how the generated `tp_traverse` finds the [`Field`]s inside a payload.

use super::Field;
use crate::ffi::HPyField;
use core::ffi::c_int;
use std::collections::{BTreeMap, HashMap, VecDeque};

/// The visitor handed to [`Traverse::traverse`]: call [`Visit::field`] for every [`Field`].
///
/// Visiting stops early (later calls do nothing) once the runtime's visit function returns
/// non-zero.
pub struct Visit<'a> {
    f: &'a mut dyn FnMut(*mut HPyField) -> c_int,
    status: c_int,
}

impl<'a> Visit<'a> {
    /// A visitor over the runtime's visit function.
    #[doc(hidden)]
    pub fn new(f: &'a mut dyn FnMut(*mut HPyField) -> c_int) -> Visit<'a> {
        Visit { f, status: 0 }
    }

    /// Visits one field (an empty field is skipped).
    #[inline]
    pub fn field(&mut self, field: &Field) {
        if self.status == 0 && !field.is_empty() {
            self.status = (self.f)(field.as_raw_ptr());
        }
    }

    /// The first non-zero result of the runtime's visit function, or 0.
    #[doc(hidden)]
    pub fn status(&self) -> c_int {
        self.status
    }
}

/// Types that hold [`Field`]s and can show them to the garbage collector.
///
/// `#[hpy_class]` traverses every struct field whose type mentions `Field` (e.g. `Field`,
/// `Option<Field>`, `Vec<Field>`, `HashMap<String, Field>`) or that is marked
/// `#[hpy(traverse)]`; such a field's type must implement `Traverse`. Implement it for your
/// own types by visiting each `Field` they own:
///
/// ```
/// use hpy_rs::class::{Traverse, Visit};
/// use hpy_rs::Field;
///
/// struct Node {
///     value: Field,
///     children: Vec<Field>,
/// }
///
/// impl Traverse for Node {
///     fn traverse(&self, visit: &mut Visit<'_>) {
///         visit.field(&self.value);
///         self.children.traverse(visit);
///     }
/// }
/// ```
pub trait Traverse {
    /// Calls `visit.field` for every [`Field`] reachable from `self`.
    fn traverse(&self, visit: &mut Visit<'_>);
}

impl Traverse for Field {
    #[inline]
    fn traverse(&self, visit: &mut Visit<'_>) {
        visit.field(self);
    }
}

impl<T: Traverse + ?Sized> Traverse for &T {
    fn traverse(&self, visit: &mut Visit<'_>) {
        (**self).traverse(visit)
    }
}

impl<T: Traverse + ?Sized> Traverse for Box<T> {
    fn traverse(&self, visit: &mut Visit<'_>) {
        (**self).traverse(visit)
    }
}

impl<T: Traverse> Traverse for Option<T> {
    fn traverse(&self, visit: &mut Visit<'_>) {
        if let Some(v) = self {
            v.traverse(visit)
        }
    }
}

impl<T: Traverse> Traverse for [T] {
    fn traverse(&self, visit: &mut Visit<'_>) {
        for v in self {
            v.traverse(visit)
        }
    }
}

impl<T: Traverse, const N: usize> Traverse for [T; N] {
    fn traverse(&self, visit: &mut Visit<'_>) {
        self.as_slice().traverse(visit)
    }
}

impl<T: Traverse> Traverse for Vec<T> {
    fn traverse(&self, visit: &mut Visit<'_>) {
        self.as_slice().traverse(visit)
    }
}

impl<T: Traverse> Traverse for VecDeque<T> {
    fn traverse(&self, visit: &mut Visit<'_>) {
        for v in self {
            v.traverse(visit)
        }
    }
}

impl<K, V: Traverse, S> Traverse for HashMap<K, V, S> {
    fn traverse(&self, visit: &mut Visit<'_>) {
        for v in self.values() {
            v.traverse(visit)
        }
    }
}

impl<K, V: Traverse> Traverse for BTreeMap<K, V> {
    fn traverse(&self, visit: &mut Visit<'_>) {
        for v in self.values() {
            v.traverse(visit)
        }
    }
}

macro_rules! tuples {
    ($(($($T:ident $i:tt),+))*) => {$(
        impl<$($T: Traverse),+> Traverse for ($($T,)+) {
            fn traverse(&self, visit: &mut Visit<'_>) {
                $(self.$i.traverse(visit);)+
            }
        }
    )*};
}
tuples! { (A 0) (A 0, B 1) (A 0, B 1, C 2) (A 0, B 1, C 2, D 3) }
