//! `calltest`: functions exercising the call path and the CPython fast path, for
//! `tests/python/test_calls.py`, and the conversions and error mappings, for
//! `tests/python/test_conversions.py` and `tests/python/test_errors.py`. Every function here
//! must behave identically whether or not the fast path serves the call.

/// Test functions for hpy-rs's call path.
#[hpy_rs::hpy_module]
mod calltest {
    use hpy_rs::prelude::*;
    use indexmap::IndexMap;
    use std::borrow::Cow;
    use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
    use std::ffi::OsString;
    use std::path::PathBuf;
    use std::time::Duration;

    /// Whether this call ran on the CPython fast path.
    #[hpy_function]
    fn fast_path_active(ctx: Ctx<'_>) -> bool {
        ctx.uses_cpython_fast_path()
    }

    /// `len(seq)` through `Handle::len`.
    #[hpy_function]
    fn length(seq: &Handle<'_>) -> HPyResult<usize> {
        seq.len()
    }

    /// `seq[i]` through `Handle::get_index`.
    #[hpy_function]
    fn item<'py>(seq: &Handle<'py>, i: isize) -> HPyResult<Handle<'py>> {
        seq.get_index(i)
    }

    /// The sum of `seq[i]` as floats, by index.
    #[hpy_function]
    fn sum_indexed(seq: &Handle<'_>) -> HPyResult<f64> {
        let mut total = 0.0;
        for i in 0..seq.len()? {
            total += seq.get_index(i as isize)?.extract::<f64>()?;
        }
        Ok(total)
    }

    /// The argument as `f64`.
    #[hpy_function]
    fn to_f64(x: f64) -> f64 {
        x
    }

    /// The argument as `i64`.
    #[hpy_function]
    fn to_i64(x: i64) -> i64 {
        x
    }

    /// The argument as `i32`.
    #[hpy_function]
    fn to_i32(x: i32) -> i32 {
        x
    }

    /// The argument as `u64` (the whole unsigned range).
    #[hpy_function]
    fn to_u64(x: u64) -> u64 {
        x
    }

    /// The argument as `u32`.
    #[hpy_function]
    fn to_u32(x: u32) -> u32 {
        x
    }

    /// The first primes, as a borrowed slice (a `list`).
    #[hpy_function]
    fn primes() -> &'static [u32] {
        &[2, 3, 5, 7, 11]
    }

    /// A byte slice (a `bytes`).
    #[hpy_function]
    fn magic() -> &'static [u8] {
        b"\x89HPy"
    }

    /// A list of `n` strings from an iterator that does not know its length up front.
    #[hpy_function]
    fn words(n: usize) -> Vec<String> {
        (0..)
            .map(|i| format!("w{i}"))
            .take_while(|w| w.len() < 100)
            .take(n)
            .collect()
    }

    /// A `Vec<f64>` round trip.
    #[hpy_function]
    fn floats(v: Vec<f64>) -> Vec<f64> {
        v
    }

    /// A tuple of borrowed arguments, `None` and an int.
    #[hpy_function]
    fn pack<'a, 'py>(
        a: &'a Handle<'py>,
        b: &'a Handle<'py>,
    ) -> (&'a Handle<'py>, (), &'a Handle<'py>, i64) {
        (a, (), b, 7)
    }

    /// `*args` borrowed from the call: their count and the type names.
    #[hpy_function(signature = (*args))]
    fn count_args(args: VarArgs<'_, '_>) -> (usize, Vec<String>) {
        let names = args.iter().map(|a| a.type_name_string()).collect();
        (args.len(), names)
    }

    /// `first` positional-only, then `*rest` borrowed, returned as a tuple.
    #[hpy_function(signature = (first, /, *rest))]
    fn split<'py>(
        first: &Handle<'py>,
        rest: VarArgs<'_, 'py>,
    ) -> HPyResult<(Handle<'py>, Handle<'py>)> {
        Ok((first.dup(), rest.to_tuple()?))
    }

    /// `*args` as a real tuple plus a keyword-only flag.
    #[hpy_function(signature = (*args, reverse = false))]
    fn gather<'py>(args: &Handle<'py>, reverse: bool) -> HPyResult<Vec<Handle<'py>>> {
        let mut v = Vec::new();
        for i in 0..args.len()? {
            v.push(args.get_index(i as isize)?);
        }
        if reverse {
            v.reverse();
        }
        Ok(v)
    }

    /// Two-int add (the exact-positional fast path of the KEYWORDS convention).
    #[hpy_function]
    fn add(a: i64, b: i64, c: i64) -> i64 {
        a + b + c
    }

    /// Positional-only add with a default (the VARARGS convention).
    #[hpy_function(signature = (a, b = 10, /))]
    fn add_po(a: i64, b: i64) -> i64 {
        a + b
    }

    // ---- text -------------------------------------------------------------------------

    /// A `&str` argument, returned.
    #[hpy_function]
    fn echo_str(s: &str) -> &str {
        s
    }

    /// A `String` argument, returned.
    #[hpy_function]
    fn echo_string(s: String) -> String {
        s
    }

    /// A `Cow<str>` argument, returned with whether it borrowed the runtime's buffer.
    #[hpy_function]
    fn echo_cow(s: Cow<'_, str>) -> (bool, String) {
        (matches!(s, Cow::Borrowed(_)), s.into_owned())
    }

    /// A `char` argument, returned with its code point.
    #[hpy_function]
    fn echo_char(c: char) -> (char, u32) {
        (c, c as u32)
    }

    /// Text made in Rust: NUL, non-BMP, both, and both with ASCII.
    #[hpy_function]
    fn rust_texts() -> Vec<String> {
        vec![
            "a\0b".to_owned(),
            "\u{1F600}".to_owned(),
            "\u{10FFFF}\0\u{E9}".to_owned(),
            "x\u{1F600}\0y".to_owned(),
            String::new(),
        ]
    }

    /// `Vec<&str>` (borrowed) joined by `|`.
    #[hpy_function]
    fn join_strs(items: Vec<&str>) -> String {
        items.join("|")
    }

    /// Extracts `Vec<&str>` from `items`, calls `meddle()` (which may empty the list and drop
    /// its strings), then reads the borrowed text.
    #[hpy_function]
    fn strs_after_call(items: &Handle<'_>, meddle: &Handle<'_>) -> HPyResult<String> {
        let strs: Vec<&str> = items.extract()?;
        meddle.call0()?;
        Ok(strs.concat())
    }

    /// `Vec<Cow<str>>`, each with whether it borrowed.
    #[hpy_function]
    fn cows(items: Vec<Cow<'_, str>>) -> Vec<(bool, String)> {
        items
            .into_iter()
            .map(|c| (matches!(c, Cow::Borrowed(_)), c.into_owned()))
            .collect()
    }

    /// `Vec<&[u8]>`: the lengths.
    #[hpy_function]
    fn byte_lengths(items: Vec<&[u8]>) -> Vec<usize> {
        items.iter().map(|b| b.len()).collect()
    }

    /// `Vec<char>` collected into a string.
    #[hpy_function]
    fn chars(items: Vec<char>) -> String {
        items.into_iter().collect()
    }

    /// `Option`s inside containers, returned.
    type Options = (
        Vec<Option<i64>>,
        BTreeMap<String, Option<f64>>,
        (Option<String>, Option<char>),
    );

    /// `Option` inside containers.
    #[hpy_function]
    fn options(
        items: Vec<Option<i64>>,
        map: HashMap<String, Option<f64>>,
        pair: (Option<String>, Option<char>),
    ) -> Options {
        (items, map.into_iter().collect(), pair)
    }

    // ---- collections ------------------------------------------------------------------

    /// A `HashSet<i64>` argument, as a sorted list.
    #[hpy_function]
    fn set_sorted(s: HashSet<i64>) -> Vec<i64> {
        let mut v: Vec<i64> = s.into_iter().collect();
        v.sort();
        v
    }

    /// A `BTreeSet<String>` argument, returned (a `set`).
    #[hpy_function]
    fn echo_btreeset(s: BTreeSet<String>) -> BTreeSet<String> {
        s
    }

    /// The set of `0..n` (a `set` from a `HashSet`).
    #[hpy_function]
    fn make_set(n: i64) -> HashSet<i64> {
        (0..n).collect()
    }

    /// A `HashSet` whose items become lists (unhashable in Python).
    #[hpy_function]
    fn unhashable_set() -> HashSet<Vec<i64>> {
        HashSet::from([vec![1, 2]])
    }

    /// A `BTreeMap` argument, returned (sorted keys).
    #[hpy_function]
    fn echo_btreemap(m: BTreeMap<String, i64>) -> BTreeMap<String, i64> {
        m
    }

    /// An `IndexMap` argument: its keys in order, and the map returned.
    #[hpy_function]
    fn echo_indexmap(m: IndexMap<String, i64>) -> (Vec<String>, IndexMap<String, i64>) {
        (m.keys().cloned().collect(), m)
    }

    /// An `IndexMap` built in Rust in a non-sorted order.
    #[hpy_function]
    fn make_indexmap() -> IndexMap<&'static str, u8> {
        IndexMap::from([("zeta", 1), ("alpha", 2), ("mid", 3)])
    }

    // ---- paths, durations, wide ints ------------------------------------------------------

    /// A `PathBuf` argument, returned (a `str`).
    #[hpy_function]
    fn echo_path(p: PathBuf) -> PathBuf {
        p
    }

    /// The raw bytes of a `PathBuf` argument.
    #[hpy_function]
    fn path_bytes(p: PathBuf) -> Vec<u8> {
        use std::os::unix::ffi::OsStrExt;
        p.as_os_str().as_bytes().to_vec()
    }

    /// A path from raw bytes (Rust → Python decoding).
    #[hpy_function]
    fn path_from_bytes(b: Vec<u8>) -> PathBuf {
        use std::os::unix::ffi::OsStringExt;
        PathBuf::from(OsString::from_vec(b))
    }

    /// The raw bytes of an `OsString` argument.
    #[hpy_function]
    fn os_string_bytes(s: OsString) -> Vec<u8> {
        s.into_encoded_bytes()
    }

    /// A `Duration` argument as `(seconds, nanoseconds)`.
    #[hpy_function]
    fn duration_parts(d: Duration) -> (u64, u32) {
        (d.as_secs(), d.subsec_nanos())
    }

    /// A `Duration` from seconds and nanoseconds.
    #[hpy_function]
    fn make_duration(secs: u64, nanos: u32) -> Duration {
        Duration::new(secs, nanos)
    }

    /// The argument as `i128`.
    #[hpy_function]
    fn to_i128(x: i128) -> i128 {
        x
    }

    /// The argument as `u128`.
    #[hpy_function]
    fn to_u128(x: u128) -> u128 {
        x
    }

    /// `i128::MIN`, `i128::MAX` and `u128::MAX` made in Rust.
    #[hpy_function]
    fn wide_limits() -> (i128, i128, u128) {
        (i128::MIN, i128::MAX, u128::MAX)
    }

    // ---- Rust errors as Python exceptions ----------------------------------------------------

    /// Reads a file; the error carries the file name, as `open()`'s does.
    #[hpy_function]
    fn read_file(path: PathBuf) -> HPyResult<usize> {
        Ok(std::fs::read(&path).with_filename(&path)?.len())
    }

    /// Reads a file with `?` alone (no file name).
    #[hpy_function]
    fn read_file_plain(path: PathBuf) -> HPyResult<usize> {
        Ok(std::fs::read(path)?.len())
    }

    /// An `io::Error` from a raw errno, with an optional file name.
    #[hpy_function(signature = (errno, path = None))]
    fn os_error(errno: i32, path: Option<PathBuf>) -> HPyResult<()> {
        let e = std::io::Error::from_raw_os_error(errno);
        Err(match path {
            Some(p) => HPyErr::from_io_error_with_path(e, p),
            None => e.into(),
        })
    }

    /// An `io::Error` without an errno: one of a few kinds, with a message.
    #[hpy_function(signature = (kind, path = None))]
    fn kind_error(kind: &str, path: Option<PathBuf>) -> HPyResult<()> {
        use std::io::ErrorKind as K;
        let kind = match kind {
            "NotFound" => K::NotFound,
            "PermissionDenied" => K::PermissionDenied,
            "AlreadyExists" => K::AlreadyExists,
            "TimedOut" => K::TimedOut,
            "BrokenPipe" => K::BrokenPipe,
            "InvalidData" => K::InvalidData,
            other => return Err(exc::ValueError::new_err(format!("unknown kind {other}"))),
        };
        let e = std::io::Error::new(kind, "it went wrong");
        Err(match path {
            Some(p) => HPyErr::from_io_error_with_path(e, p),
            None => e.into(),
        })
    }

    /// Whether the lazy error for `errno` matches each class in `classes` (before raising).
    #[hpy_function]
    fn os_error_matches<'py>(ctx: Ctx<'py>, errno: i32, classes: Vec<Handle<'py>>) -> Vec<bool> {
        let e: HPyErr = std::io::Error::from_raw_os_error(errno).into();
        let r = classes.iter().map(|c| e.matches(ctx, c)).collect();
        e.discard(ctx);
        r
    }

    /// `String::from_utf8(bytes)?`.
    #[hpy_function]
    fn decode_owned(b: Vec<u8>) -> HPyResult<String> {
        Ok(String::from_utf8(b)?)
    }

    /// `str::from_utf8` with the bytes attached.
    #[hpy_function]
    fn decode_borrowed(b: &[u8]) -> HPyResult<String> {
        std::str::from_utf8(b)
            .map(str::to_owned)
            .map_err(|e| HPyErr::from_utf8_error(b, e))
    }

    /// `str::from_utf8(bytes)?` alone (the error has no bytes).
    #[hpy_function]
    fn decode_bare(b: &[u8]) -> HPyResult<String> {
        Ok(std::str::from_utf8(b)?.to_owned())
    }

    /// `s.parse::<i64>()?`.
    #[hpy_function]
    fn parse_int(s: &str) -> HPyResult<i64> {
        Ok(s.parse::<i64>()?)
    }

    /// `s.parse::<f64>()?`.
    #[hpy_function]
    fn parse_float(s: &str) -> HPyResult<f64> {
        Ok(s.parse::<f64>()?)
    }

    /// `u8::try_from(x)?`.
    #[hpy_function]
    fn narrow(x: i64) -> HPyResult<u8> {
        Ok(u8::try_from(x)?)
    }

    // ---- interned names -----------------------------------------------------------------

    /// `obj.x` by an interned name, then `obj.x = value`, `hasattr(obj, "x")` and
    /// `obj.method()` by interned names.
    #[hpy_function]
    fn interned_attrs<'py>(
        ctx: Ctx<'py>,
        obj: &Handle<'py>,
        value: &Handle<'py>,
    ) -> HPyResult<(Handle<'py>, bool, Handle<'py>)> {
        let before = obj.getattr(intern!(ctx, "x"))?;
        obj.setattr(intern!(ctx, "x"), value)?;
        let has = obj.hasattr(intern!(ctx, "x"))?;
        let r = obj.call_method0(intern!(ctx, "method"))?;
        Ok((before, has, r))
    }

    /// `d["key"]` by an interned key, and the interned `str` object itself (twice: the same
    /// object).
    #[hpy_function]
    fn interned_key<'py>(
        ctx: Ctx<'py>,
        d: &Handle<'py>,
    ) -> HPyResult<(Handle<'py>, Handle<'py>, Handle<'py>)> {
        let v = d.get_item(intern!(ctx, "key"))?;
        let a = intern!(ctx, "key").get(ctx)?;
        let b = ctx.to_object(intern!(ctx, "key"))?;
        Ok((v, a, b))
    }
}
