"""Rust errors as the Python exceptions a Python user gets for the same failure
(examples/calltest): io::Error → the OSError subclass with errno/strerror/filename, UTF-8 errors
→ UnicodeDecodeError with its five arguments, parse errors → ValueError."""
import errno
import os

import pytest

from conftest import load

ct = load("calltest")


def raised(f, *args):
    try:
        f(*args)
    except BaseException as e:  # noqa: B902 - the test compares whatever was raised
        return e
    raise AssertionError("nothing raised")


def assert_like(e, expected):
    assert type(e) is type(expected)
    assert e.args == expected.args
    assert str(e) == str(expected)
    for attr in ("errno", "strerror", "filename", "filename2"):
        assert getattr(e, attr) == getattr(expected, attr), attr


def test_missing_file_matches_open(tmp_path):
    path = str(tmp_path / "does-not-exist.txt")
    e = raised(ct.read_file, path)
    assert_like(e, raised(open, path))
    assert type(e) is FileNotFoundError
    assert e.errno == errno.ENOENT
    assert e.strerror == os.strerror(errno.ENOENT)
    assert e.filename == path
    assert str(e) == f"[Errno 2] No such file or directory: '{path}'"


def test_directory_matches_open(tmp_path):
    e = raised(ct.read_file, str(tmp_path))
    assert_like(e, raised(open, str(tmp_path)))
    assert type(e) is IsADirectoryError


def test_not_a_directory_matches_open(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    path = str(f / "below")
    assert_like(raised(ct.read_file, path), raised(open, path))


def test_read_file_works(tmp_path):
    f = tmp_path / "data"
    f.write_bytes(b"12345")
    assert ct.read_file(str(f)) == 5
    assert ct.read_file(f) == 5


def test_without_filename():
    e = raised(ct.read_file_plain, "/nonexistent/hpy-rs")
    assert type(e) is FileNotFoundError
    assert (e.errno, e.strerror, e.filename) == (errno.ENOENT, os.strerror(errno.ENOENT), None)
    assert str(e) == "[Errno 2] No such file or directory"


ERRNOS = ["ENOENT", "EACCES", "EPERM", "EEXIST", "EISDIR", "ENOTDIR", "EAGAIN", "EPIPE",
          "ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "EINTR", "ESRCH", "ETIMEDOUT", "ECHILD",
          "EINPROGRESS", "EINVAL", "ENOSPC"]


@pytest.mark.parametrize("name", ERRNOS)
def test_errno_picks_cpythons_subclass(name):
    n = getattr(errno, name)
    assert_like(raised(ct.os_error, n), OSError(n, os.strerror(n)))
    assert_like(raised(ct.os_error, n, "some/file"), OSError(n, os.strerror(n), "some/file"))


def test_lazy_os_error_matches_its_subclass():
    classes = [FileNotFoundError, OSError, IsADirectoryError, ValueError,
               (KeyError, FileNotFoundError)]
    assert ct.os_error_matches(errno.ENOENT, classes) == [True, True, False, False, True]
    assert ct.os_error_matches(errno.EISDIR, classes) == [False, True, True, False, False]


@pytest.mark.parametrize("kind, cls", [
    ("NotFound", FileNotFoundError), ("PermissionDenied", PermissionError),
    ("AlreadyExists", FileExistsError), ("TimedOut", TimeoutError),
    ("BrokenPipe", BrokenPipeError), ("InvalidData", OSError)])
def test_error_kind_without_errno(kind, cls):
    e = raised(ct.kind_error, kind)
    assert type(e) is cls
    assert e.args == ("it went wrong",)
    assert e.errno is None and e.filename is None
    e = raised(ct.kind_error, kind, "the/file")
    assert type(e) is cls
    assert e.filename == "the/file"


BAD_UTF8 = [b"abc\xff", b"\xe2\x82(", b"\xe2(", b"ab\xe2\x82", b"\xc0\x80", b"\xed\xa0\x80",
            b"\xf4\x90\x80\x80", b"\xe0\x80\x80", b"\xf0\x80", b"\xf8", b"\x80", b"ok\xf0\x9f\x98",
            b"\xf0\x9f\x98x", b"\xc3", b"\xc3\xa9\xff\xfe"]


@pytest.mark.parametrize("data", BAD_UTF8)
@pytest.mark.parametrize("f", ["decode_owned", "decode_borrowed"])
def test_utf8_errors_match_bytes_decode(f, data):
    e = raised(getattr(ct, f), data)
    expected = raised(data.decode)
    assert type(e) is UnicodeDecodeError
    assert e.args == expected.args
    assert str(e) == str(expected)
    assert (e.encoding, e.object, e.start, e.end, e.reason) == (
        "utf-8", data, expected.start, expected.end, expected.reason)


def test_valid_utf8_decodes():
    assert ct.decode_owned("hé\U0001F600".encode()) == "hé\U0001F600"
    assert ct.decode_borrowed(b"plain") == "plain"
    assert ct.decode_bare(b"") == ""


def test_bare_utf8_error():
    e = raised(ct.decode_bare, b"ab\xff")
    assert type(e) is UnicodeDecodeError
    assert (e.encoding, e.object, e.start, e.end) == ("utf-8", b"", 0, 0)
    assert "index 2" in e.reason
    assert "index 2" in str(e)


def test_parse_errors_are_value_errors():
    with pytest.raises(ValueError, match="^invalid digit found in string$"):
        ct.parse_int("abc")
    with pytest.raises(ValueError, match="too large"):
        ct.parse_int("99999999999999999999")
    with pytest.raises(ValueError, match="^invalid float literal$"):
        ct.parse_float("x1")
    assert ct.parse_int("-12") == -12
    assert ct.parse_float("2.5") == 2.5


def test_try_from_int_is_overflow_error():
    assert ct.narrow(255) == 255
    with pytest.raises(OverflowError, match="^out of range integral type conversion attempted$"):
        ct.narrow(256)
    with pytest.raises(OverflowError):
        ct.narrow(-1)
