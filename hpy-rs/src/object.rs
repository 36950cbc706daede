//! Layer 2, the object protocol on [`Handle`]: attributes, calls, items, comparison, repr/str,
//! type checks and iteration.

use crate::conv::{FromHandle, IntoHandle};
use crate::ctx::{BuiltinType, Ctx};
use crate::err::{HPyErr, HPyResult};
use crate::ffi::{call, HPy};
use crate::handle::Handle;

/// Positional arguments for [`Handle::call`]: a tuple of up to 8 convertible values, a slice of
/// handles, or `()`.
pub trait IntoArgs<'py> {
    /// Converts the arguments and calls `f` with their raw handles (borrowed for the call).
    fn with_raw_args<R>(self, ctx: Ctx<'py>, f: impl FnOnce(&[HPy]) -> R) -> HPyResult<R>;
}

impl<'py> IntoArgs<'py> for () {
    #[inline]
    fn with_raw_args<R>(self, _ctx: Ctx<'py>, f: impl FnOnce(&[HPy]) -> R) -> HPyResult<R> {
        Ok(f(&[]))
    }
}

impl<'py> IntoArgs<'py> for &[&Handle<'py>] {
    fn with_raw_args<R>(self, _ctx: Ctx<'py>, f: impl FnOnce(&[HPy]) -> R) -> HPyResult<R> {
        let raw: Vec<HPy> = self.iter().map(|h| h.as_raw()).collect();
        Ok(f(&raw))
    }
}

impl<'py> IntoArgs<'py> for &[Handle<'py>] {
    fn with_raw_args<R>(self, _ctx: Ctx<'py>, f: impl FnOnce(&[HPy]) -> R) -> HPyResult<R> {
        let raw: Vec<HPy> = self.iter().map(|h| h.as_raw()).collect();
        Ok(f(&raw))
    }
}

macro_rules! tuple_args {
    ($($n:literal: ($($T:ident $i:tt),+))*) => {$(
        impl<'py, $($T: IntoHandle<'py>),+> IntoArgs<'py> for ($($T,)+) {
            #[inline]
            fn with_raw_args<R>(self, ctx: Ctx<'py>, f: impl FnOnce(&[HPy]) -> R) -> HPyResult<R> {
                let owned = ($(self.$i.into_handle(ctx)?,)+);
                let raw: [HPy; $n] = [$(owned.$i.as_raw()),+];
                Ok(f(&raw))
            }
        }
    )*};
}
crate::for_tuple_arities!(tuple_args);

/// Rich comparison operators.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum CompareOp {
    /// `<`
    Lt = 0,
    /// `<=`
    Le = 1,
    /// `==`
    Eq = 2,
    /// `!=`
    Ne = 3,
    /// `>`
    Gt = 4,
    /// `>=`
    Ge = 5,
}

impl CompareOp {
    /// From the raw `HPy_RichCmpOp` value.
    pub fn from_raw(op: i32) -> Option<CompareOp> {
        Some(match op {
            0 => CompareOp::Lt,
            1 => CompareOp::Le,
            2 => CompareOp::Eq,
            3 => CompareOp::Ne,
            4 => CompareOp::Gt,
            5 => CompareOp::Ge,
            _ => return None,
        })
    }
    /// The operator as Python spells it (`"<="` …).
    pub fn symbol(self) -> &'static str {
        ["<", "<=", "==", "!=", ">", ">="][self as usize]
    }
}

impl<'py> Handle<'py> {
    #[inline(always)]
    fn c(&self) -> *mut crate::ffi::HPyContext {
        self.ctx().as_ptr()
    }

    /// Converts this object to a Rust value.
    #[inline]
    pub fn extract<'a, T: FromHandle<'a, 'py>>(&'a self) -> HPyResult<T> {
        T::extract(self)
    }

    /// `self.name`, with `name` a `&str` or a `str` object such as an [`intern!`](crate::intern)
    /// name (see [`AttrName`](crate::AttrName)).
    pub fn getattr(&self, name: impl crate::AttrName<'py>) -> HPyResult<Handle<'py>> {
        let raw = name.with_name(
            self.ctx(),
            // SAFETY: valid ctx, handle and NUL-terminated name.
            |n| unsafe { call::ctx_GetAttr_s(self.c(), self.as_raw(), n) },
            // SAFETY: valid ctx and handles.
            |n| unsafe { call::ctx_GetAttr(self.c(), self.as_raw(), n) },
        )?;
        self.ctx().owned(raw)
    }

    /// `self.<name>` with the name given as a Python string (the same as [`Handle::getattr`]).
    pub fn getattr_obj(&self, name: &Handle<'py>) -> HPyResult<Handle<'py>> {
        self.getattr(name)
    }

    /// `hasattr(self, name)`
    pub fn hasattr(&self, name: impl crate::AttrName<'py>) -> HPyResult<bool> {
        let r = name.with_name(
            self.ctx(),
            // SAFETY: valid ctx, handle and NUL-terminated name.
            |n| unsafe { call::ctx_HasAttr_s(self.c(), self.as_raw(), n) },
            // SAFETY: valid ctx and handles.
            |n| unsafe { call::ctx_HasAttr(self.c(), self.as_raw(), n) },
        )?;
        Ok(r == 1)
    }

    /// `self.name = value`
    pub fn setattr(
        &self,
        name: impl crate::AttrName<'py>,
        value: impl IntoHandle<'py>,
    ) -> HPyResult<()> {
        let v = value.into_handle(self.ctx())?;
        let rc = name.with_name(
            self.ctx(),
            // SAFETY: valid ctx, handles and NUL-terminated name.
            |n| unsafe { call::ctx_SetAttr_s(self.c(), self.as_raw(), n, v.as_raw()) },
            // SAFETY: valid ctx and handles.
            |n| unsafe { call::ctx_SetAttr(self.c(), self.as_raw(), n, v.as_raw()) },
        )?;
        self.ctx().status(rc)
    }

    /// `self(*args)`
    pub fn call(&self, args: impl IntoArgs<'py>) -> HPyResult<Handle<'py>> {
        let ctx = self.ctx();
        let raw = args.with_raw_args(ctx, |a| {
            // SAFETY: valid ctx and handles; the array outlives the call; the shifted `Call`
            // slot is dispatched by layout.
            unsafe { call::ctx_Call(self.c(), self.as_raw(), a.as_ptr(), a.len(), HPy::NULL) }
        })?;
        ctx.owned(raw)
    }

    /// `self()`
    #[inline]
    pub fn call0(&self) -> HPyResult<Handle<'py>> {
        self.call(())
    }

    /// `self(*args, **kwargs)` with `args` a tuple and `kwargs` a dict (or `None`).
    pub fn call_tuple_dict(
        &self,
        args: &Handle<'py>,
        kwargs: Option<&Handle<'py>>,
    ) -> HPyResult<Handle<'py>> {
        let kw = kwargs.map_or(HPy::NULL, |k| k.as_raw());
        // SAFETY: valid ctx and handles (kw may be NULL).
        self.ctx()
            .owned(unsafe { call::ctx_CallTupleDict(self.c(), self.as_raw(), args.as_raw(), kw) })
    }

    /// `self(*args, **kwargs)` with keyword arguments as `(name, value)` pairs.
    pub fn call_kw(
        &self,
        args: impl IntoArgs<'py>,
        kwargs: &[(&str, &Handle<'py>)],
    ) -> HPyResult<Handle<'py>> {
        let ctx = self.ctx();
        let names: Vec<Handle<'py>> = kwargs
            .iter()
            .map(|(k, _)| k.into_handle(ctx))
            .collect::<HPyResult<_>>()?;
        let names_raw: Vec<HPy> = names.iter().map(|h| h.as_raw()).collect();
        let kwnames = ctx.tuple_from_raw(&names_raw)?;
        let raw = args.with_raw_args(ctx, |a| {
            let mut all: Vec<HPy> = a.to_vec();
            all.extend(kwargs.iter().map(|(_, v)| v.as_raw()));
            // SAFETY: valid ctx and handles; `all` holds nargs positionals then the values
            // named by `kwnames`.
            unsafe {
                call::ctx_Call(
                    self.c(),
                    self.as_raw(),
                    all.as_ptr(),
                    a.len(),
                    kwnames.as_raw(),
                )
            }
        })?;
        ctx.owned(raw)
    }

    /// `self.name(*args)`
    pub fn call_method(
        &self,
        name: impl crate::AttrName<'py>,
        args: impl IntoArgs<'py>,
    ) -> HPyResult<Handle<'py>> {
        self.getattr(name)?.call(args)
    }

    /// `self.name()`
    pub fn call_method0(&self, name: impl crate::AttrName<'py>) -> HPyResult<Handle<'py>> {
        self.getattr(name)?.call(())
    }

    /// `repr(self)`
    pub fn repr(&self) -> HPyResult<Handle<'py>> {
        // SAFETY: valid ctx and handle.
        self.ctx()
            .owned(unsafe { call::ctx_Repr(self.c(), self.as_raw()) })
    }

    /// `str(self)`
    pub fn str(&self) -> HPyResult<Handle<'py>> {
        // SAFETY: valid ctx and handle.
        self.ctx()
            .owned(unsafe { call::ctx_Str(self.c(), self.as_raw()) })
    }

    /// `repr(self)` as a Rust `String`.
    pub fn repr_string(&self) -> HPyResult<String> {
        self.repr()?.extract::<String>()
    }

    /// `str(self)` as a Rust `String`.
    pub fn str_string(&self) -> HPyResult<String> {
        self.str()?.extract::<String>()
    }

    /// `len(self)`
    pub fn len(&self) -> HPyResult<usize> {
        if let Some(fast) = crate::ffi::cpython_fast::api(self.c()) {
            // SAFETY: a valid handle of the fast context.
            if let Some(n) = unsafe { fast.seq_len(self.as_raw()) } {
                return Ok(n as usize);
            }
        }
        // SAFETY: valid ctx and handle.
        let n = unsafe { call::ctx_Length(self.c(), self.as_raw()) };
        if n < 0 {
            return Err(HPyErr::fetch());
        }
        Ok(n as usize)
    }

    /// `len(self) == 0`
    pub fn is_empty(&self) -> HPyResult<bool> {
        Ok(self.len()? == 0)
    }

    /// `self[key]`
    pub fn get_item(&self, key: impl IntoHandle<'py>) -> HPyResult<Handle<'py>> {
        let k = key.into_handle(self.ctx())?;
        // SAFETY: valid ctx and handles.
        self.ctx()
            .owned(unsafe { call::ctx_GetItem(self.c(), self.as_raw(), k.as_raw()) })
    }

    /// `self[index]` with an integer index.
    #[inline]
    pub fn get_index(&self, index: isize) -> HPyResult<Handle<'py>> {
        if let Some(fast) = crate::ffi::cpython_fast::api(self.c()) {
            // SAFETY: a valid handle of the fast context.
            if let Some(h) = unsafe { fast.seq_item(self.as_raw(), index) } {
                // SAFETY: `seq_item` returns a new reference of this call's context.
                return Ok(unsafe { Handle::from_raw(self.ctx(), h) });
            }
        }
        // SAFETY: valid ctx and handle.
        self.ctx()
            .owned(unsafe { call::ctx_GetItem_i(self.c(), self.as_raw(), index) })
    }

    /// `self[key] = value`
    pub fn set_item(
        &self,
        key: impl IntoHandle<'py>,
        value: impl IntoHandle<'py>,
    ) -> HPyResult<()> {
        let ctx = self.ctx();
        let k = key.into_handle(ctx)?;
        let v = value.into_handle(ctx)?;
        // SAFETY: valid ctx and handles (not stolen).
        ctx.status(unsafe { call::ctx_SetItem(self.c(), self.as_raw(), k.as_raw(), v.as_raw()) })
    }

    /// `del self[key]`
    pub fn del_item(&self, key: impl IntoHandle<'py>) -> HPyResult<()> {
        let k = key.into_handle(self.ctx())?;
        // SAFETY: valid ctx and handles.
        self.ctx()
            .status(unsafe { call::ctx_DelItem(self.c(), self.as_raw(), k.as_raw()) })
    }

    /// `key in self`
    pub fn contains(&self, key: impl IntoHandle<'py>) -> HPyResult<bool> {
        let k = key.into_handle(self.ctx())?;
        // SAFETY: valid ctx and handles.
        let r = unsafe { call::ctx_Contains(self.c(), self.as_raw(), k.as_raw()) };
        self.ctx().status(r)?;
        Ok(r == 1)
    }

    /// `self is other`
    #[inline]
    pub fn is(&self, other: &Handle<'_>) -> bool {
        // SAFETY: valid ctx and handles.
        unsafe { call::ctx_Is(self.c(), self.as_raw(), other.as_raw()) != 0 }
    }

    /// `self is None`
    #[inline]
    pub fn is_none(&self) -> bool {
        self.is(&self.ctx().none())
    }

    /// `bool(self)`
    pub fn is_true(&self) -> HPyResult<bool> {
        // SAFETY: valid ctx and handle.
        let r = unsafe { call::ctx_IsTrue(self.c(), self.as_raw()) };
        self.ctx().status(r)?;
        Ok(r == 1)
    }

    /// `hash(self)`
    pub fn hash(&self) -> HPyResult<isize> {
        // SAFETY: valid ctx and handle.
        let h = unsafe { call::ctx_Hash(self.c(), self.as_raw()) };
        if h == -1 && self.ctx().err_occurred() {
            return Err(HPyErr::fetch());
        }
        Ok(h)
    }

    /// `self <op> other` as an object.
    pub fn rich_compare(&self, other: &Handle<'py>, op: CompareOp) -> HPyResult<Handle<'py>> {
        // SAFETY: valid ctx and handles.
        self.ctx().owned(unsafe {
            call::ctx_RichCompare(self.c(), self.as_raw(), other.as_raw(), op as i32)
        })
    }

    /// `bool(self <op> other)`
    pub fn compare_bool(&self, other: &Handle<'py>, op: CompareOp) -> HPyResult<bool> {
        // SAFETY: valid ctx and handles.
        let r = unsafe {
            call::ctx_RichCompareBool(self.c(), self.as_raw(), other.as_raw(), op as i32)
        };
        self.ctx().status(r)?;
        Ok(r == 1)
    }

    /// `self == other`
    pub fn eq(&self, other: &Handle<'py>) -> HPyResult<bool> {
        self.compare_bool(other, CompareOp::Eq)
    }

    /// `type(self)`
    pub fn get_type(&self) -> Handle<'py> {
        // SAFETY: valid ctx and handle; `HPy_Type` never fails for a valid object.
        unsafe { Handle::from_raw(self.ctx(), call::ctx_Type(self.c(), self.as_raw())) }
    }

    /// `isinstance(self, ty)` for a type object `ty`.
    #[inline]
    pub fn is_instance(&self, ty: &Handle<'_>) -> bool {
        // SAFETY: valid ctx and handles.
        unsafe { call::ctx_TypeCheck(self.c(), self.as_raw(), ty.as_raw()) != 0 }
    }

    /// `isinstance(self, <builtin type>)`.
    #[inline]
    pub fn is_instance_of(&self, ty: BuiltinType) -> bool {
        self.is_instance(&self.ctx().builtin_type(ty))
    }

    /// The name of `type(self)` as the runtime reports it (`HPyType_GetName`).
    pub fn type_name_string(&self) -> String {
        let ty = self.get_type();
        // SAFETY: valid ctx and a type handle; the shifted slot is dispatched by layout; the
        // name stays valid while `ty` is open.
        let p = unsafe { call::ctx_Type_GetName(self.c(), ty.as_raw()) };
        if p.is_null() {
            self.ctx().err_clear();
            return String::from("?");
        }
        // SAFETY: NUL-terminated name owned by the type, alive while `ty` is.
        let name = unsafe { core::ffi::CStr::from_ptr(p) }
            .to_string_lossy()
            .into_owned();
        name
    }

    /// `type(self).__name__` as a Python string (works for any type).
    pub fn type_name(&self) -> HPyResult<Handle<'py>> {
        self.ctx().new_str(&self.type_name_string())
    }

    /// `iter(self)`: an iterator over the items.
    pub fn iter(&self) -> HPyResult<crate::iter::Iter<'py>> {
        crate::iter::Iter::new(self)
    }

    /// Whether this is a `str`.
    #[inline]
    pub fn is_str(&self) -> bool {
        // SAFETY: valid ctx and handle.
        unsafe { call::ctx_Unicode_Check(self.c(), self.as_raw()) != 0 }
    }
    /// Whether this is a `list`.
    #[inline]
    pub fn is_list(&self) -> bool {
        // SAFETY: valid ctx and handle.
        unsafe { call::ctx_List_Check(self.c(), self.as_raw()) != 0 }
    }
    /// Whether this is a `tuple`.
    #[inline]
    pub fn is_tuple(&self) -> bool {
        // SAFETY: valid ctx and handle.
        unsafe { call::ctx_Tuple_Check(self.c(), self.as_raw()) != 0 }
    }
    /// `Some(true)` for an exact `list`, `Some(false)` for an exact `tuple`, `None` for
    /// anything else (subclasses included: they may override `__iter__`/`__getitem__`).
    pub(crate) fn exact_list_or_tuple(&self) -> Option<bool> {
        let ctx = self.ctx();
        if let Some(fast) = crate::ffi::cpython_fast::api(ctx.as_ptr()) {
            // SAFETY: a valid handle of the fast context.
            return unsafe { fast.exact_list_or_tuple(self.as_raw()) };
        }
        let ty = self.get_type();
        if ty.is(&ctx.builtin_type(BuiltinType::List)) {
            Some(true)
        } else if ty.is(&ctx.builtin_type(BuiltinType::Tuple)) {
            Some(false)
        } else {
            None
        }
    }
    /// Whether this is a `dict`.
    #[inline]
    pub fn is_dict(&self) -> bool {
        // SAFETY: valid ctx and handle.
        unsafe { call::ctx_Dict_Check(self.c(), self.as_raw()) != 0 }
    }
    /// Whether this is `bytes`.
    #[inline]
    pub fn is_bytes(&self) -> bool {
        // SAFETY: valid ctx and handle.
        unsafe { call::ctx_Bytes_Check(self.c(), self.as_raw()) != 0 }
    }
    /// Whether this is callable.
    #[inline]
    pub fn is_callable(&self) -> bool {
        // SAFETY: valid ctx and handle.
        unsafe { call::ctx_Callable_Check(self.c(), self.as_raw()) != 0 }
    }
    /// Whether this is an `int` or a `float` instance (including `bool`).
    #[inline]
    pub fn is_int_or_float(&self) -> bool {
        self.is_instance_of(BuiltinType::Float) || self.is_instance_of(BuiltinType::Long)
    }

    /// `list.append(item)` for a list.
    pub fn list_append(&self, item: impl IntoHandle<'py>) -> HPyResult<()> {
        let v = item.into_handle(self.ctx())?;
        // SAFETY: valid ctx and handles (not stolen).
        self.ctx()
            .status(unsafe { call::ctx_List_Append(self.c(), self.as_raw(), v.as_raw()) })
    }

    /// `dict.keys()` as a list, for a dict.
    pub fn dict_keys(&self) -> HPyResult<Handle<'py>> {
        // SAFETY: valid ctx and handle; shifted slot dispatched by layout.
        self.ctx()
            .owned(unsafe { call::ctx_Dict_Keys(self.c(), self.as_raw()) })
    }
}
