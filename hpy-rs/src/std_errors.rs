//! Standard Rust errors as the Python exceptions a Python user would get for the same failure
//! (`?` converts them through `From`). The table is in the book's errors chapter.

use crate::err::{ExcType, HPyErr, HPyResult};
use crate::err_value::{Arg, Value};
use crate::exc;
use std::io;
use std::path::Path;

/// The `OSError` subclass for an `io::Error` that carries no OS error code (one made with
/// `io::Error::new(kind, …)`), as CPython would pick it for the matching errno.
fn kind_class(kind: io::ErrorKind) -> ExcType {
    use io::ErrorKind as K;
    match kind {
        K::NotFound => exc::FileNotFoundError::EXC_TYPE,
        K::PermissionDenied => exc::PermissionError::EXC_TYPE,
        K::AlreadyExists => exc::FileExistsError::EXC_TYPE,
        K::WouldBlock => exc::BlockingIOError::EXC_TYPE,
        K::TimedOut => exc::TimeoutError::EXC_TYPE,
        K::Interrupted => exc::InterruptedError::EXC_TYPE,
        K::BrokenPipe => exc::BrokenPipeError::EXC_TYPE,
        K::ConnectionRefused => exc::ConnectionRefusedError::EXC_TYPE,
        K::ConnectionReset => exc::ConnectionResetError::EXC_TYPE,
        K::ConnectionAborted => exc::ConnectionAbortedError::EXC_TYPE,
        _ => exc::OSError::EXC_TYPE,
    }
}

/// Rust's text for an OS error is `strerror` plus ` (os error N)`.
fn rust_strerror(err: &io::Error, errno: i32) -> String {
    let text = err.to_string();
    let suffix = format!(" (os error {errno})");
    text.strip_suffix(&suffix).unwrap_or(&text).to_owned()
}

fn io_error(err: &io::Error, path: Option<&Path>) -> HPyErr {
    match err.raw_os_error() {
        // `OSError(errno, strerror[, filename])`: CPython's (and PyPy's) constructor picks the
        // subclass from the errno and sets `errno`, `strerror` and `filename`, as for `open()`.
        Some(errno) => {
            let strerror = rust_strerror(err, errno);
            let msg = match path {
                Some(p) => format!("[Errno {errno}] {strerror}: '{}'", p.display()),
                None => format!("[Errno {errno}] {strerror}"),
            };
            let mut args = vec![Arg::Int(errno.into()), Arg::Strerror(errno)];
            args.extend(path.map(|p| Arg::Path(p.to_owned())));
            HPyErr::with_value(
                exc::OSError::EXC_TYPE,
                msg,
                Value {
                    args,
                    attrs: Vec::new(),
                },
            )
        }
        // No errno: the subclass for the error's kind, with its message (`errno` is None).
        None => {
            let ty = kind_class(err.kind());
            let msg = err.to_string();
            match path {
                None => HPyErr::new(ty, msg),
                Some(p) => HPyErr::with_value(
                    ty,
                    msg.clone(),
                    Value {
                        args: vec![Arg::Str(msg.into())],
                        attrs: vec![("filename", Arg::Path(p.to_owned()))],
                    },
                ),
            }
        }
    }
}

/// The `OSError` subclass for the error's errno (`FileNotFoundError`, `PermissionError`,
/// `IsADirectoryError`, …) with `errno` and `strerror` set; without an errno, the subclass for
/// its [`io::ErrorKind`] with its message.
impl From<io::Error> for HPyErr {
    fn from(e: io::Error) -> Self {
        io_error(&e, None)
    }
}

impl HPyErr {
    /// [`From<io::Error>`](#impl-From<Error>-for-HPyErr) with the file name attached, so the
    /// exception equals what `open(path)` raises: `filename` is `path` (a `str`) and `str(e)`
    /// reads `[Errno 2] No such file or directory: 'path'`.
    ///
    /// ```
    /// # use hpy_rs::prelude::*;
    /// fn read(path: &str) -> HPyResult<String> {
    ///     std::fs::read_to_string(path).map_err(|e| HPyErr::from_io_error_with_path(e, path))
    /// }
    /// ```
    pub fn from_io_error_with_path(err: io::Error, path: impl AsRef<Path>) -> HPyErr {
        io_error(&err, Some(path.as_ref()))
    }

    /// A `UnicodeDecodeError` with its five arguments as Python's UTF-8 decoder sets them
    /// (`'utf-8'`, the bytes, start, end, reason), for `std::str::from_utf8(bytes)`'s error.
    pub fn from_utf8_error(bytes: &[u8], err: core::str::Utf8Error) -> HPyErr {
        let start = err.valid_up_to();
        let (end, reason) = match err.error_len() {
            None => (bytes.len(), "unexpected end of data"),
            Some(n) => {
                // Python's decoder calls a byte that cannot begin a sequence an invalid start
                // byte, and a valid lead byte not followed by what it needs an invalid
                // continuation.
                let invalid_start = matches!(bytes.get(start), Some(0x80..=0xC1 | 0xF5..=0xFF));
                let reason = if invalid_start {
                    "invalid start byte"
                } else {
                    "invalid continuation byte"
                };
                (start + n, reason)
            }
        };
        let msg = if end == start + 1 && start < bytes.len() {
            format!(
                "'utf-8' codec can't decode byte 0x{:02x} in position {start}: {reason}",
                bytes[start]
            )
        } else {
            format!(
                "'utf-8' codec can't decode bytes in position {start}-{}: {reason}",
                end.saturating_sub(1)
            )
        };
        decode_error(msg, bytes.to_vec(), start, end, reason.into())
    }
}

fn decode_error(
    msg: String,
    object: Vec<u8>,
    start: usize,
    end: usize,
    reason: std::borrow::Cow<'static, str>,
) -> HPyErr {
    HPyErr::with_value(
        exc::UnicodeDecodeError::EXC_TYPE,
        msg,
        Value {
            args: vec![
                Arg::Str("utf-8".into()),
                Arg::Bytes(object),
                Arg::Int(start as i64),
                Arg::Int(end as i64),
                Arg::Str(reason),
            ],
            attrs: Vec::new(),
        },
    )
}

/// `UnicodeDecodeError` with all five arguments, as `bytes.decode()` raises it.
impl From<std::string::FromUtf8Error> for HPyErr {
    fn from(e: std::string::FromUtf8Error) -> Self {
        HPyErr::from_utf8_error(e.as_bytes(), e.utf8_error())
    }
}

/// `UnicodeDecodeError`. A `Utf8Error` does not hold the bytes it failed on, so `object` is
/// `b''`, `start` and `end` are 0 and `reason` is Rust's message (which gives the position);
/// [`HPyErr::from_utf8_error`] fills all five arguments.
impl From<core::str::Utf8Error> for HPyErr {
    fn from(e: core::str::Utf8Error) -> Self {
        let reason = e.to_string();
        let msg = format!("'utf-8' codec can't decode bytes: {reason}");
        decode_error(msg, Vec::new(), 0, 0, reason.into())
    }
}

/// Attaching the file name to an `io::Result`'s error: `fs::read(&p).with_filename(&p)?`.
pub trait IoResultExt<T> {
    /// The error as [`HPyErr::from_io_error_with_path`].
    fn with_filename(self, path: impl AsRef<Path>) -> HPyResult<T>;
}

impl<T> IoResultExt<T> for io::Result<T> {
    fn with_filename(self, path: impl AsRef<Path>) -> HPyResult<T> {
        self.map_err(|e| HPyErr::from_io_error_with_path(e, path))
    }
}

impl From<std::ffi::NulError> for HPyErr {
    fn from(_: std::ffi::NulError) -> Self {
        crate::exc::ValueError::new_err("embedded null character")
    }
}

impl From<core::num::TryFromIntError> for HPyErr {
    fn from(_: core::num::TryFromIntError) -> Self {
        crate::exc::OverflowError::new_err("out of range integral type conversion attempted")
    }
}

macro_rules! value_errors {
    ($($t:ty),*) => {$(
        #[doc = concat!("`ValueError` with the error's message.")]
        impl From<$t> for HPyErr {
            fn from(e: $t) -> Self {
                crate::exc::ValueError::new_err(e.to_string())
            }
        }
    )*};
}

value_errors!(
    core::num::ParseIntError,
    core::num::ParseFloatError,
    core::str::ParseBoolError,
    core::char::ParseCharError,
    std::net::AddrParseError
);
