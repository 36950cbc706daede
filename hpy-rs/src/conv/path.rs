//! Paths: `PathBuf`, `&Path`, `OsString` and `&OsStr` ↔ `str` (and `bytes`/`os.PathLike` in).
//!
//! Python → Rust follows `open()`: a `str`, `bytes` or `os.PathLike` object (`os.fspath`
//! semantics and messages), a `str` encoded with the filesystem encoding and
//! `surrogateescape` (so undecodable file names round-trip), and `ValueError: embedded null
//! byte` for a NUL. Rust → Python makes a `str` decoded the same way (`os.fsdecode`).

use super::{FromHandle, IntoHandle};
use crate::ctx::Ctx;
use crate::err::{HPyErr, HPyResult};
use crate::exc;
use crate::ffi::call;
use crate::global::Global;
use crate::handle::Handle;
use std::borrow::Cow;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

static FSPATH: Global = Global::new();

/// `os.fspath(obj)`: `obj` itself for `str`/`bytes`, else `type(obj).__fspath__(obj)`, with
/// CPython's `TypeError`s (`expected str, bytes or os.PathLike object, not int`).
fn fspath<'py>(obj: &Handle<'py>) -> HPyResult<Handle<'py>> {
    if obj.is_str() || obj.is_bytes() {
        return Ok(obj.dup());
    }
    let ctx = obj.ctx();
    FSPATH
        .get_or_init(ctx, || ctx.import("os")?.getattr("fspath"))?
        .call((obj,))
}

/// The file-system bytes of a `str` (filesystem encoding, `surrogateescape`) as a `bytes`.
fn fs_encode<'py>(s: &Handle<'py>) -> HPyResult<Handle<'py>> {
    let ctx = s.ctx();
    // SAFETY: valid ctx and a str handle.
    ctx.owned(unsafe { call::ctx_Unicode_EncodeFSDefault(ctx.as_ptr(), s.as_raw()) })
}

/// A `str` from file-system bytes (`os.fsdecode`).
fn fs_decode<'py>(ctx: Ctx<'py>, bytes: &[u8]) -> HPyResult<Handle<'py>> {
    // SAFETY: valid ctx; `bytes` is `len` readable bytes (NULs allowed: the size is given).
    ctx.owned(unsafe {
        call::ctx_Unicode_DecodeFSDefaultAndSize(
            ctx.as_ptr(),
            bytes.as_ptr().cast(),
            bytes.len() as isize,
        )
    })
}

/// The bytes of a `bytes` object as an `OsString`, refusing NUL as `open()` does.
fn os_string_of(bytes: &Handle<'_>) -> HPyResult<OsString> {
    let b: &[u8] = bytes.extract()?;
    if b.contains(&0) {
        return Err(exc::ValueError::new_err("embedded null byte"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Ok(OsStr::from_bytes(b).to_owned())
    }
    #[cfg(not(unix))]
    {
        Ok(OsString::from(String::from_utf8(b.to_vec())?))
    }
}

/// `str`, `bytes` or `os.PathLike`, as `open()` accepts.
impl<'a, 'py> FromHandle<'a, 'py> for PathBuf {
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        let p = fspath(obj)?;
        let bytes = if p.is_str() { fs_encode(&p)? } else { p };
        os_string_of(&bytes).map(PathBuf::from)
    }
}

/// A `str` only (as PyO3 does), encoded like a path.
impl<'a, 'py> FromHandle<'a, 'py> for OsString {
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        if !obj.is_str() {
            return Err(HPyErr::wrong_type("str", obj));
        }
        os_string_of(&fs_encode(obj)?)
    }
}

fn os_str_into<'py>(ctx: Ctx<'py>, s: &OsStr) -> HPyResult<Handle<'py>> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        fs_decode(ctx, s.as_bytes())
    }
    #[cfg(not(unix))]
    {
        s.to_string_lossy().into_handle(ctx)
    }
}

macro_rules! os_into {
    ($($t:ty => |$v:ident| $e:expr;)*) => {$(
        impl<'py> IntoHandle<'py> for $t {
            #[inline]
            fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
                let $v = self;
                os_str_into(ctx, $e)
            }
        }
    )*};
}

os_into! {
    &OsStr => |s| s;
    OsString => |s| &s;
    &OsString => |s| s;
    &Path => |p| p.as_os_str();
    PathBuf => |p| p.as_os_str();
    &PathBuf => |p| p.as_os_str();
    Cow<'_, Path> => |p| p.as_os_str();
}
