//! The builtin exception and warning classes, as marker types with a `new_err` constructor:
//! `return Err(exc::ValueError::new_err("bad value"))`.

use crate::ctx::Ctx;
use crate::err::{ExcType, HPyErr};
use crate::handle::Borrowed;
use std::borrow::Cow;

macro_rules! builtin_exceptions {
    ($($name:ident => $field:ident,)*) => {$(
        #[doc = concat!("Python's `", stringify!($name), "`.")]
        #[derive(Copy, Clone, Debug)]
        pub struct $name;
        impl $name {
            #[doc = concat!("A `", stringify!($name), "` with this message.")]
            #[inline]
            pub fn new_err(msg: impl Into<Cow<'static, str>>) -> HPyErr {
                HPyErr::new(ExcType::Builtin(crate::ffi::id::$field), msg)
            }
            /// The class object.
            #[inline]
            pub fn type_object<'py>(ctx: Ctx<'py>) -> Borrowed<'py, 'py> {
                ctx.constant_by_id(crate::ffi::id::$field)
            }
            /// The class as an [`ExcType`].
            pub const EXC_TYPE: ExcType = ExcType::Builtin(crate::ffi::id::$field);
        }
    )*};
}

builtin_exceptions! {
    BaseException => h_BaseException,
    Exception => h_Exception,
    StopAsyncIteration => h_StopAsyncIteration,
    StopIteration => h_StopIteration,
    GeneratorExit => h_GeneratorExit,
    ArithmeticError => h_ArithmeticError,
    LookupError => h_LookupError,
    AssertionError => h_AssertionError,
    AttributeError => h_AttributeError,
    BufferError => h_BufferError,
    EOFError => h_EOFError,
    FloatingPointError => h_FloatingPointError,
    OSError => h_OSError,
    ImportError => h_ImportError,
    ModuleNotFoundError => h_ModuleNotFoundError,
    IndexError => h_IndexError,
    KeyError => h_KeyError,
    KeyboardInterrupt => h_KeyboardInterrupt,
    MemoryError => h_MemoryError,
    NameError => h_NameError,
    OverflowError => h_OverflowError,
    RuntimeError => h_RuntimeError,
    RecursionError => h_RecursionError,
    NotImplementedError => h_NotImplementedError,
    SyntaxError => h_SyntaxError,
    IndentationError => h_IndentationError,
    TabError => h_TabError,
    ReferenceError => h_ReferenceError,
    SystemError => h_SystemError,
    SystemExit => h_SystemExit,
    TypeError => h_TypeError,
    UnboundLocalError => h_UnboundLocalError,
    UnicodeError => h_UnicodeError,
    UnicodeEncodeError => h_UnicodeEncodeError,
    UnicodeDecodeError => h_UnicodeDecodeError,
    UnicodeTranslateError => h_UnicodeTranslateError,
    ValueError => h_ValueError,
    ZeroDivisionError => h_ZeroDivisionError,
    BlockingIOError => h_BlockingIOError,
    BrokenPipeError => h_BrokenPipeError,
    ChildProcessError => h_ChildProcessError,
    ConnectionError => h_ConnectionError,
    ConnectionAbortedError => h_ConnectionAbortedError,
    ConnectionRefusedError => h_ConnectionRefusedError,
    ConnectionResetError => h_ConnectionResetError,
    FileExistsError => h_FileExistsError,
    FileNotFoundError => h_FileNotFoundError,
    InterruptedError => h_InterruptedError,
    IsADirectoryError => h_IsADirectoryError,
    NotADirectoryError => h_NotADirectoryError,
    PermissionError => h_PermissionError,
    ProcessLookupError => h_ProcessLookupError,
    TimeoutError => h_TimeoutError,
    Warning => h_Warning,
    UserWarning => h_UserWarning,
    DeprecationWarning => h_DeprecationWarning,
    PendingDeprecationWarning => h_PendingDeprecationWarning,
    SyntaxWarning => h_SyntaxWarning,
    RuntimeWarning => h_RuntimeWarning,
    FutureWarning => h_FutureWarning,
    ImportWarning => h_ImportWarning,
    UnicodeWarning => h_UnicodeWarning,
    BytesWarning => h_BytesWarning,
    ResourceWarning => h_ResourceWarning,
}
