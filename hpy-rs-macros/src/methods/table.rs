//! The protocol table: what hpy-rs knows about each magic method it supports, one entry per
//! Python name, in the style of PyO3's `SlotDef`s.
//!
//! [`PROTOCOLS`] is the only place in this crate that names a magic method; everything else
//! reads it:
//! - `expand` recognises a protocol method by name and checks its arity and receiver here,
//!   and the "not a protocol method" error suggests the nearest name from it;
//! - `slots::gen_protocols` walks it: each run of entries filling the same slot (a binary
//!   operator and its reflected twin, the comparisons, item assignment and deletion) is one
//!   call of the emitter its [`Form`] names;
//! - `book_table.rs` renders it as the book's list of protocol methods, and a test keeps
//!   `book/src/classes.md` equal to that rendering.
//!
//! Adding a protocol method is one entry here (reusing a `Form`, or adding one with its
//! emitter) plus a test.

/// A type slot: its `HPySlot_Slot` name (a constant of `::hpy_rs::ffi::slot`) and number.
/// HPy's slot numbers are CPython's `typeslots.h` numbers, so this is also CPython's
/// `Py_<name>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    /// E.g. `nb_add`.
    pub name: &'static str,
    /// E.g. 7.
    pub number: u16,
}

impl Slot {
    /// The CPython `PyType_Slot` id, e.g. `Py_tp_iter`.
    #[allow(dead_code)] // for the C-API backend; the tests check it
    pub fn cpython(self) -> String {
        format!("Py_{}", self.name)
    }
}

/// The slots the table uses. The test checks each against `hpy-rs/src/ffi/defs.rs`; `tp_iter`
/// and `tp_iternext` are CPython's (HPy 0.9 has neither).
pub mod slot {
    #![allow(non_upper_case_globals)]
    use super::Slot;
    macro_rules! slots {
        ($($name:ident = $n:literal),* $(,)?) => {
            $(pub const $name: Slot = Slot { name: stringify!($name), number: $n };)*
        };
    }
    slots! {
        mp_ass_subscript = 3, mp_length = 4, mp_subscript = 5, nb_absolute = 6, nb_add = 7,
        nb_and = 8, nb_bool = 9, nb_divmod = 10, nb_float = 11, nb_floor_divide = 12,
        nb_index = 13, nb_inplace_add = 14, nb_inplace_and = 15, nb_inplace_floor_divide = 16,
        nb_inplace_lshift = 17, nb_inplace_multiply = 18, nb_inplace_or = 19,
        nb_inplace_power = 20, nb_inplace_remainder = 21, nb_inplace_rshift = 22,
        nb_inplace_subtract = 23, nb_inplace_true_divide = 24, nb_inplace_xor = 25, nb_int = 26,
        nb_invert = 27, nb_lshift = 28, nb_multiply = 29, nb_negative = 30, nb_or = 31,
        nb_positive = 32, nb_power = 33, nb_remainder = 34, nb_rshift = 35, nb_subtract = 36,
        nb_true_divide = 37, nb_xor = 38, sq_ass_item = 39, sq_contains = 41, sq_item = 44,
        sq_length = 45, tp_call = 50, tp_hash = 59, tp_iter = 62, tp_iternext = 63,
        tp_repr = 66, tp_richcompare = 67, tp_str = 70, nb_matrix_multiply = 75,
        nb_inplace_matrix_multiply = 76,
    }
}

macro_rules! funcs {
    ($($f:ident),* $(,)?) => {
        /// The C shape (`HPyFunc_Signature`) of a slot's impl, which also names its CPython
        /// trampoline in `::hpy_rs::impl_::tramp`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(non_camel_case_types)]
        pub enum Func { $($f),* }
        impl Func {
            /// The trampoline's name in `impl_::tramp`.
            pub fn name(self) -> &'static str {
                match self { $(Func::$f => stringify!($f)),* }
            }
        }
    };
}
funcs! {
    reprfunc, unaryfunc, lenfunc, inquiry, hashfunc, binaryfunc, ternaryfunc, ssizeargfunc,
    objobjargproc, ssizeobjargproc, objobjproc, richcmpfunc,
}

/// Which keys of an item method a slot serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keys {
    /// Not an item slot: always filled.
    Any,
    /// The mapping slot: every key type but `SeqIndex`.
    Mapping,
    /// The sequence slot: integer keys and `SeqIndex`.
    Index,
}

/// One slot an entry fills, with the shape of its impl.
#[derive(Clone, Copy, Debug)]
pub struct Fill {
    pub slot: Slot,
    /// The shape of the impl filling it.
    pub func: Func,
    /// For an item slot, the keys it serves.
    pub keys: Keys,
}

const fn fill(slot: Slot, func: Func) -> Fill {
    Fill {
        slot,
        func,
        keys: Keys::Any,
    }
}

const fn fill_for(slot: Slot, func: Func, keys: Keys) -> Fill {
    Fill { slot, func, keys }
}

/// What an entry becomes; each form has one emitter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `(self)` alone: an object, or a C integer, as its [`Ret`] says.
    Unary,
    /// The item slots (`Keys` picks which).
    GetItem,
    /// Item assignment, sharing its slots with the next entry, [`Form::DelItem`].
    SetItem,
    DelItem,
    /// `sq_contains`.
    Contains,
    /// A binary operator, called for both operand orders (ternary for a `Modulo` argument).
    /// Its reflected twin is the next entry.
    Binary,
    /// The reflected twin of the entry before it: it fills the same slot, and is also an
    /// ordinary method, because PyPy 7.3.19 dispatches only the forward slot.
    Reflected,
    /// `self op= other`.
    InPlace,
    /// One operator of `tp_richcompare` (the `::hpy_rs::ffi::cmp` constant's name).
    Compare(&'static str),
    /// `tp_richcompare` for the operators without an entry of their own.
    RichCompare,
    /// An ordinary method (its `Proto::capi` slot is what CPython makes of it).
    Method,
}

/// A Python parameter of a protocol method, besides `self`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
    /// The key of an item method.
    Key,
    /// The value assigned by item assignment.
    Value,
    /// The other operand.
    Other,
    /// The optional modulo of `pow(a, b, m)` (`None` for `a ** b`): may be left out.
    Modulo,
    /// The comparison operator, a `CompareOp`.
    Op,
    /// The pickle protocol of `__reduce_ex__`.
    Protocol,
    /// The state `__setstate__` restores.
    State,
    /// The memo dict of `__deepcopy__`.
    Memo,
}

impl Arg {
    /// The name conversion errors report, and the book shows.
    pub fn name(self) -> &'static str {
        match self {
            Arg::Key => "key",
            Arg::Value => "value",
            Arg::Other => "other",
            Arg::Modulo => "modulo",
            Arg::Op => "op",
            Arg::Protocol => "protocol",
            Arg::State => "state",
            Arg::Memo => "memo",
        }
    }
}

/// Which receivers an entry accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Receiver {
    /// `&self` only: Python calls it implicitly (hashing, printing, truth tests,
    /// comparisons, `in`), where "already borrowed" errors would surprise.
    Shared,
    /// `&self` or `&mut self`.
    Mut,
    /// Like any method: `&self`, `&mut self`, or a first parameter `slf: &Handle` instead.
    Slf,
}

/// How the Rust result becomes the slot's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ret {
    /// Any `IntoHandle` value.
    Object,
    /// `usize`, as a `Py_ssize_t`.
    Len,
    /// `bool`, as a C int.
    Bool,
    /// `isize`; `-1` (the error value) becomes `-2`.
    Hash,
    /// `()`: a status.
    Status,
    /// `()` returns `self`; any other result is returned as is.
    SelfOrObject,
    /// `Option<T>`: `None` raises `StopIteration`.
    Next,
}

/// What a parameter that fails to convert does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorMode {
    /// The conversion error is raised.
    Raise,
    /// A `TypeError` becomes `NotImplemented`, so Python tries the other operand.
    NotImplemented,
}

/// One magic method.
#[derive(Clone, Copy, Debug)]
pub struct Proto {
    /// The Python name (also the Rust method's).
    pub name: &'static str,
    /// What it becomes, which picks its emitter.
    pub form: Form,
    /// The HPy slots it fills, in order; none for an ordinary method.
    pub fills: &'static [Fill],
    /// Where a C-API backend differs: the CPython slot it can fill directly (`None` for an
    /// ordinary method that is no slot anywhere, such as `__reduce__`). Under HPy,
    /// hpy-rs defines an ordinary method instead (HPy 0.9 has no `tp_iter`/`tp_iternext`,
    /// and hpy-rs does not use its `tp_call`), which CPython's type creation turns into the
    /// slot (`impl_::class_fixups` re-sets it) and PyPy looks up by name.
    pub capi: Option<Slot>,
    /// Its parameters besides `self` (and an optional `ctx: Ctx`); `None`: any signature.
    pub args: Option<&'static [Arg]>,
    /// The receivers it accepts.
    pub receiver: Receiver,
    /// How its result converts.
    pub ret: Ret,
    /// What an argument that does not convert does.
    pub errors: ErrorMode,
    /// The Python operation, for the book (markdown).
    #[cfg_attr(not(test), allow(dead_code))] // read by the book's rendering, a test
    pub book: &'static str,
    /// A note for the book (markdown), or empty.
    #[cfg_attr(not(test), allow(dead_code))]
    pub note: &'static str,
}

impl Proto {
    const fn new(name: &'static str, form: Form, fills: &'static [Fill]) -> Proto {
        Proto {
            name,
            form,
            fills,
            capi: None,
            args: Some(&[]),
            receiver: Receiver::Mut,
            ret: Ret::Object,
            errors: ErrorMode::Raise,
            book: "",
            note: "",
        }
    }
    const fn args(self, args: &'static [Arg]) -> Proto {
        Proto {
            args: Some(args),
            ..self
        }
    }
    const fn any_args(self) -> Proto {
        Proto { args: None, ..self }
    }
    const fn shared(self) -> Proto {
        Proto {
            receiver: Receiver::Shared,
            ..self
        }
    }
    const fn ret(self, ret: Ret) -> Proto {
        Proto { ret, ..self }
    }
    const fn not_implemented(self) -> Proto {
        Proto {
            errors: ErrorMode::NotImplemented,
            ..self
        }
    }
    const fn book(self, book: &'static str) -> Proto {
        Proto { book, ..self }
    }
    const fn note(self, note: &'static str) -> Proto {
        Proto { note, ..self }
    }

    /// The (min, max) number of Python arguments; `None` for any signature.
    pub fn arity(&self) -> Option<(usize, usize)> {
        let args = self.args?;
        let optional = args.iter().filter(|a| **a == Arg::Modulo).count();
        Some((args.len() - optional, args.len()))
    }

    /// Whether the entry takes an optional modulo (a ternary slot).
    pub fn ternary(&self) -> bool {
        self.args.is_some_and(|a| a.contains(&Arg::Modulo))
    }

    /// Its reflected twin (`__rop__` of a binary `__op__`): the next entry, filling the same
    /// slot. (Generation takes it from the run it shares; the book's rendering reads this.)
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn reflected(&self) -> Option<&'static Proto> {
        let i = PROTOCOLS.iter().position(|p| p.name == self.name)?;
        PROTOCOLS
            .get(i + 1)
            .filter(|t| self.form == Form::Binary && t.form == Form::Reflected)
    }

    /// The CPython slots a C-API backend fills for this entry.
    #[allow(dead_code)] // for the C-API backend; the tests check it
    pub fn cpython_slots(&self) -> Vec<Slot> {
        match self.capi {
            Some(s) => vec![s],
            None => self.fills.iter().map(|f| f.slot).collect(),
        }
    }
}

/// `(self)` alone, filling `fills`.
const fn unary(name: &'static str, fills: &'static [Fill]) -> Proto {
    Proto::new(name, Form::Unary, fills)
}

/// A binary operator in `fills` (`other`, NotImplemented when it does not convert).
const fn binary(name: &'static str, fills: &'static [Fill]) -> Proto {
    Proto::new(name, Form::Binary, fills)
        .args(&[Arg::Other])
        .not_implemented()
}

/// The reflected twin of the `binary` entry before it.
const fn reflected(name: &'static str, fills: &'static [Fill]) -> Proto {
    Proto {
        form: Form::Reflected,
        ..binary(name, fills)
    }
}

/// `self op= other` in `fills`.
const fn inplace(name: &'static str, fills: &'static [Fill]) -> Proto {
    Proto {
        form: Form::InPlace,
        ..binary(name, fills)
    }
    .ret(Ret::SelfOrObject)
}

/// One operator of `tp_richcompare`.
const fn compare(name: &'static str, op: &'static str) -> Proto {
    Proto::new(name, Form::Compare(op), RICHCOMPARE)
        .args(&[Arg::Other])
        .shared()
        .not_implemented()
}

/// An ordinary method that a C-API backend can make the CPython slot `capi`.
const fn method(name: &'static str, capi: Slot) -> Proto {
    Proto {
        capi: Some(capi),
        receiver: Receiver::Slf,
        ..Proto::new(name, Form::Method, &[])
    }
}

/// An ordinary method that is no type slot on any backend: Python looks it up by name
/// (`reversed()`, `pickle`, `copy`).
const fn plain(name: &'static str) -> Proto {
    Proto {
        receiver: Receiver::Slf,
        ..Proto::new(name, Form::Method, &[])
    }
}

const RICHCOMPARE: &[Fill] = &[fill(slot::tp_richcompare, Func::richcmpfunc)];
const MODULO: &[Arg] = &[Arg::Other, Arg::Modulo];
const ASS_ITEM: &[Fill] = &[
    fill_for(slot::mp_ass_subscript, Func::objobjargproc, Keys::Mapping),
    fill_for(slot::sq_ass_item, Func::ssizeobjargproc, Keys::Index),
];

use Func::{binaryfunc as bin, ternaryfunc as tern, unaryfunc as un};

/// Every supported magic method. Entries that fill the same slot are adjacent; the slot
/// emitters run in this order, and the book lists the methods in it.
#[rustfmt::skip]
pub static PROTOCOLS: &[Proto] = &[
    unary("__repr__", &[fill(slot::tp_repr, Func::reprfunc)]).shared().book("`repr(a)`"),
    unary("__str__", &[fill(slot::tp_str, Func::reprfunc)]).shared().book("`str(a)`"),
    unary("__neg__", &[fill(slot::nb_negative, un)]).book("`-a`"),
    unary("__pos__", &[fill(slot::nb_positive, un)]).book("`+a`"),
    unary("__abs__", &[fill(slot::nb_absolute, un)]).book("`abs(a)`"),
    unary("__invert__", &[fill(slot::nb_invert, un)]).book("`~a`"),
    unary("__int__", &[fill(slot::nb_int, un)]).book("`int(a)`"),
    unary("__float__", &[fill(slot::nb_float, un)]).book("`float(a)`"),
    unary("__index__", &[fill(slot::nb_index, un)]).book("`operator.index(a)`"),
    unary("__len__", &[fill(slot::mp_length, Func::lenfunc), fill(slot::sq_length, Func::lenfunc)])
        .shared().ret(Ret::Len).book("`len(a)`"),
    unary("__bool__", &[fill(slot::nb_bool, Func::inquiry)]).shared().ret(Ret::Bool).book("`bool(a)`"),
    unary("__hash__", &[fill(slot::tp_hash, Func::hashfunc)]).shared().ret(Ret::Hash).book("`hash(a)`"),
    Proto::new("__getitem__", Form::GetItem, &[
        fill_for(slot::mp_subscript, bin, Keys::Mapping),
        fill_for(slot::sq_item, Func::ssizeargfunc, Keys::Index),
    ]).args(&[Arg::Key]).book("`a[key]`")
        .note("an integer key also makes `for x in a` work; see *Sequence indices* below"),
    Proto::new("__setitem__", Form::SetItem, ASS_ITEM).args(&[Arg::Key, Arg::Value]).ret(Ret::Status)
        .book("`a[key] = value`").note("shares its slots with `__delitem__`: both take `SeqIndex`, or neither"),
    Proto::new("__delitem__", Form::DelItem, ASS_ITEM).args(&[Arg::Key]).ret(Ret::Status)
        .book("`del a[key]`"),
    Proto::new("__contains__", Form::Contains, &[fill(slot::sq_contains, Func::objobjproc)])
        .args(&[Arg::Key]).shared().ret(Ret::Bool).book("`key in a`"),
    binary("__add__", &[fill(slot::nb_add, bin)]).book("`a + b`"),
    reflected("__radd__", &[fill(slot::nb_add, bin)]).book("`b + a`"),
    binary("__sub__", &[fill(slot::nb_subtract, bin)]).book("`a - b`"),
    reflected("__rsub__", &[fill(slot::nb_subtract, bin)]).book("`b - a`"),
    binary("__mul__", &[fill(slot::nb_multiply, bin)]).book("`a * b`"),
    reflected("__rmul__", &[fill(slot::nb_multiply, bin)]).book("`b * a`"),
    binary("__truediv__", &[fill(slot::nb_true_divide, bin)]).book("`a / b`"),
    reflected("__rtruediv__", &[fill(slot::nb_true_divide, bin)]).book("`b / a`"),
    binary("__floordiv__", &[fill(slot::nb_floor_divide, bin)]).book("`a // b`"),
    reflected("__rfloordiv__", &[fill(slot::nb_floor_divide, bin)]).book("`b // a`"),
    binary("__mod__", &[fill(slot::nb_remainder, bin)]).book("`a % b`"),
    reflected("__rmod__", &[fill(slot::nb_remainder, bin)]).book("`b % a`"),
    binary("__divmod__", &[fill(slot::nb_divmod, bin)]).book("`divmod(a, b)`"),
    reflected("__rdivmod__", &[fill(slot::nb_divmod, bin)]).book("`divmod(b, a)`"),
    binary("__lshift__", &[fill(slot::nb_lshift, bin)]).book("`a << b`"),
    reflected("__rlshift__", &[fill(slot::nb_lshift, bin)]).book("`b << a`"),
    binary("__rshift__", &[fill(slot::nb_rshift, bin)]).book("`a >> b`"),
    reflected("__rrshift__", &[fill(slot::nb_rshift, bin)]).book("`b >> a`"),
    binary("__and__", &[fill(slot::nb_and, bin)]).book("`a & b`"),
    reflected("__rand__", &[fill(slot::nb_and, bin)]).book("`b & a`"),
    binary("__or__", &[fill(slot::nb_or, bin)]).book("`a | b`"),
    reflected("__ror__", &[fill(slot::nb_or, bin)]).book("`b | a`"),
    binary("__xor__", &[fill(slot::nb_xor, bin)]).book("`a ^ b`"),
    reflected("__rxor__", &[fill(slot::nb_xor, bin)]).book("`b ^ a`"),
    binary("__matmul__", &[fill(slot::nb_matrix_multiply, bin)]).book("`a @ b`"),
    reflected("__rmatmul__", &[fill(slot::nb_matrix_multiply, bin)]).book("`b @ a`"),
    inplace("__iadd__", &[fill(slot::nb_inplace_add, bin)]).book("`a += b`"),
    inplace("__isub__", &[fill(slot::nb_inplace_subtract, bin)]).book("`a -= b`"),
    inplace("__imul__", &[fill(slot::nb_inplace_multiply, bin)]).book("`a *= b`"),
    inplace("__itruediv__", &[fill(slot::nb_inplace_true_divide, bin)]).book("`a /= b`"),
    inplace("__ifloordiv__", &[fill(slot::nb_inplace_floor_divide, bin)]).book("`a //= b`"),
    inplace("__imod__", &[fill(slot::nb_inplace_remainder, bin)]).book("`a %= b`"),
    inplace("__ilshift__", &[fill(slot::nb_inplace_lshift, bin)]).book("`a <<= b`"),
    inplace("__irshift__", &[fill(slot::nb_inplace_rshift, bin)]).book("`a >>= b`"),
    inplace("__iand__", &[fill(slot::nb_inplace_and, bin)]).book("`a &= b`"),
    inplace("__ior__", &[fill(slot::nb_inplace_or, bin)]).book("`a |= b`"),
    inplace("__ixor__", &[fill(slot::nb_inplace_xor, bin)]).book("`a ^= b`"),
    inplace("__imatmul__", &[fill(slot::nb_inplace_matrix_multiply, bin)]).book("`a @= b`"),
    inplace("__ipow__", &[fill(slot::nb_inplace_power, tern)]).args(MODULO).book("`a **= b`"),
    binary("__pow__", &[fill(slot::nb_power, tern)]).args(MODULO).book("`a ** b`, `pow(a, b, m)`")
        .note("without a `modulo` parameter, `pow(a, b, m)` gives `TypeError`"),
    reflected("__rpow__", &[fill(slot::nb_power, tern)]).args(MODULO).book("`b ** a`"),
    compare("__lt__", "LT").book("`a < b`"),
    compare("__le__", "LE").book("`a <= b`"),
    compare("__eq__", "EQ").book("`a == b`"),
    compare("__ne__", "NE").book("`a != b`"),
    compare("__gt__", "GT").book("`a > b`"),
    compare("__ge__", "GE").book("`a >= b`"),
    Proto::new("__richcmp__", Form::RichCompare, RICHCOMPARE).args(&[Arg::Other, Arg::Op]).shared()
        .not_implemented().book("the comparisons without a method of their own"),
    method("__iter__", slot::tp_iter).book("`iter(a)`"),
    method("__next__", slot::tp_iternext).ret(Ret::Next).book("`next(a)`"),
    method("__call__", slot::tp_call).any_args().book("`a(...)`")
        .note("the full signature support, e.g. `#[hpy(signature = (step = 1, *, reset = false))]`"),
    plain("__reversed__").book("`reversed(a)`").note("may return any object, e.g. a reversed copy"),
    plain("__reduce__").book("`pickle.dumps(a)`, `copy.copy(a)`")
        .note("returns `(callable, args)` or longer; see *Pickling and copying* below"),
    plain("__reduce_ex__").args(&[Arg::Protocol]).book("`pickle.dumps(a, protocol)`"),
    plain("__getnewargs__").book("pickling: the arguments `T.__new__` gets back"),
    plain("__getnewargs_ex__").book("pickling: `(args, kwargs)` for `T.__new__`"),
    plain("__getstate__").book("pickling: the state to save"),
    plain("__setstate__").args(&[Arg::State]).book("unpickling: restores `__getstate__`'s state"),
    plain("__copy__").book("`copy.copy(a)`"),
    plain("__deepcopy__").args(&[Arg::Memo]).book("`copy.deepcopy(a)`"),
];

/// The entry named `name`.
pub fn lookup(name: &str) -> Option<&'static Proto> {
    PROTOCOLS.iter().find(|p| p.name == name)
}

/// Python magic methods that are not protocol methods here, with what to write instead.
pub const INSTEAD: &[(&str, &str)] = &[
    ("__new__", "the constructor is a `#[new]` method"),
    ("__init__", "the constructor is a `#[new]` method"),
    (
        "__del__",
        "the payload's `Drop` runs when the instance is freed",
    ),
];

/// The runs of entries that fill the same slots, in table order (ordinary methods, which fill
/// none, are left out).
pub fn slot_groups() -> impl Iterator<Item = &'static [Proto]> {
    let mut rest = PROTOCOLS;
    std::iter::from_fn(move || loop {
        let (first, tail) = rest.split_first()?;
        let slot = first.fills.first().map(|f| f.slot);
        let n = 1 + tail
            .iter()
            .take_while(|p| slot.is_some() && p.fills.first().map(|f| f.slot) == slot)
            .count();
        let (group, tail) = rest.split_at(n);
        rest = tail;
        if slot.is_some() {
            return Some(group);
        }
    })
}

/// What the "not a protocol method" error adds for an unknown dunder `name`: what to write
/// instead, or the supported name it is probably a typo of.
pub fn advice(name: &str) -> Option<String> {
    if let Some((_, instead)) = INSTEAD.iter().find(|(n, _)| *n == name) {
        return Some(instead.to_string());
    }
    let stem = |n: &'static str| n.trim_matches('_');
    let near = crate::utils::closest(
        name.trim_matches('_'),
        PROTOCOLS.iter().map(|p| stem(p.name)),
    )?;
    let p = PROTOCOLS.iter().find(|p| stem(p.name) == near)?;
    Some(format!("did you mean `{}`?", p.name))
}
