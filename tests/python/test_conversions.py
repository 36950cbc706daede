"""Conversions (examples/calltest): text validated on every runtime, borrowed `Vec<&str>`,
sets, ordered maps, paths, `Duration` and 128-bit ints, each against what CPython does."""
import datetime
import gc
import os
import pathlib
import subprocess
import sys

import pytest

from conftest import IMPL, MODE, ext_path, load

ct = load("calltest")


def encode_error(s):
    try:
        s.encode()
    except UnicodeEncodeError as e:
        return e
    raise AssertionError(f"{s!r} encodes")


def assert_same_exception(got, expected):
    assert type(got) is type(expected)
    assert got.args == expected.args
    assert str(got) == str(expected)


# ---- text -------------------------------------------------------------------------------

SURROGATES = ["\ud800", "a\udfffb", "ab\udc80", "x\ud800\udfffy", "\udcff" * 3, "é\ud83d"]


@pytest.mark.parametrize("s", SURROGATES)
@pytest.mark.parametrize("f", ["echo_str", "echo_string", "echo_cow"])
def test_lone_surrogates_raise_cpythons_unicode_encode_error(f, s):
    with pytest.raises(UnicodeEncodeError) as info:
        getattr(ct, f)(s)
    e, expected = info.value, encode_error(s)
    assert_same_exception(e, expected)
    assert (e.encoding, e.object, e.start, e.end, e.reason) == (
        "utf-8", s, expected.start, expected.end, "surrogates not allowed")


def test_lone_surrogate_message_is_cpythons():
    with pytest.raises(UnicodeEncodeError, match=r"^'utf-8' codec can't encode character '\\ud800' "
                       r"in position 0: surrogates not allowed$"):
        ct.echo_str("\ud800")
    with pytest.raises(UnicodeEncodeError, match=r"can't encode characters in position 1-2"):
        ct.echo_string("a\ud800\udfffb")


def test_surrogates_in_containers_and_chars():
    with pytest.raises(UnicodeEncodeError):
        ct.join_strs(["ok", "\ud800"])
    with pytest.raises(UnicodeEncodeError):
        ct.cows(["\udc80"])
    with pytest.raises(UnicodeEncodeError):
        ct.echo_char("\ud800")
    # A valid surrogate *pair* written as two characters is still two lone surrogates.
    with pytest.raises(UnicodeEncodeError):
        ct.echo_str("\ud83d\ude00")


@pytest.mark.parametrize("s", ["", "ascii", "a\0b", "ünïcødé", "\U0001F600", "x\U0001F600\0y",
                               "\U0010FFFF", "\0", "日本語\0テキスト" * 50])
def test_text_round_trips(s):
    assert ct.echo_str(s) == s
    assert ct.echo_string(s) == s
    assert ct.echo_cow(s) == (True, s)


def test_rust_made_text():
    assert ct.rust_texts() == ["a\0b", "\U0001F600", "\U0010FFFF\0\xe9", "x\U0001F600\0y", ""]


def test_char():
    assert ct.echo_char("a") == ("a", 97)
    assert ct.echo_char("\U0001F600") == ("\U0001F600", 0x1F600)
    assert ct.echo_char("\0") == ("\0", 0)
    # CPython's own one-character converter (e.g. unicodedata.name) says the same.
    for bad, name in [("ab", "str"), ("", "str"), (5, "int"), (b"a", "bytes")]:
        with pytest.raises(TypeError, match=rf"^echo_char\(\) argument 'c' must be a unicode "
                           rf"character, not {name}$"):
            ct.echo_char(bad)


def test_text_wrong_type():
    with pytest.raises(TypeError, match=r"^echo_str\(\) argument 's' must be str, not bytes$"):
        ct.echo_str(b"x")
    with pytest.raises(TypeError, match=r"^echo_string\(\) argument 's' must be str, not int$"):
        ct.echo_string(1)


# ---- borrowed and optional items in containers -----------------------------------------

def test_vec_of_borrowed_str():
    assert ct.join_strs(["a", "é", "\U0001F600", ""]) == "a|é|\U0001F600|"
    assert ct.join_strs(("x", "y")) == "x|y"
    assert ct.join_strs(iter(["g", "h"])) == "g|h"
    assert ct.join_strs([]) == ""
    with pytest.raises(TypeError, match="Can't extract `str` to `Vec`"):
        ct.join_strs("abc")
    with pytest.raises(TypeError):
        ct.join_strs(["a", 1])


def test_borrowed_strs_outlive_their_list():
    items = ["".join(["item", str(i)]) * 20 for i in range(50)]
    expected = "".join(items)

    def meddle():
        items.clear()
        gc.collect()
        # Fill freed memory with other text.
        junk = ["".join(["zz", str(i)]) * 20 for i in range(200)]
        del junk

    assert ct.strs_after_call(items, meddle) == expected
    assert items == []


def test_many_borrowed_calls_release_their_handles():
    for _ in range(200):
        assert ct.join_strs(["p", "q"] * 10) == "|".join(["p", "q"] * 10)


def test_vec_of_cow_and_bytes():
    assert ct.cows(["a", "bé"]) == [(True, "a"), (True, "bé")]
    assert ct.byte_lengths([b"", b"abc", b"\0\xff"]) == [0, 3, 2]
    with pytest.raises(TypeError):
        ct.byte_lengths(["str"])


def test_vec_of_chars_and_options():
    assert ct.chars(["a", "é", "\U0001F600"]) == "aé\U0001F600"
    with pytest.raises(TypeError):
        ct.chars(["ab"])
    items, mapping, pair = ct.options([1, None, 3], {"a": None, "b": 2.5}, (None, "z"))
    assert items == [1, None, 3]
    assert mapping == {"a": None, "b": 2.5}
    assert pair == (None, "z")
    assert ct.options([], {}, ("s", None))[2] == ("s", None)


# ---- sets and maps -----------------------------------------------------------------------

class MySet(set):
    pass


def test_sets_from_python():
    assert ct.set_sorted({3, 1, 2}) == [1, 2, 3]
    assert ct.set_sorted(frozenset({5, -1})) == [-1, 5]
    assert ct.set_sorted(MySet({7})) == [7]
    assert ct.set_sorted(set()) == []
    for bad, name in [([1, 2], "list"), ((1,), "tuple"), ({1: 2}, "dict"), ("ab", "str")]:
        with pytest.raises(TypeError, match=rf"^set_sorted\(\) argument 's' must be set or "
                           rf"frozenset, not {name}$"):
            ct.set_sorted(bad)
    with pytest.raises(TypeError):
        ct.set_sorted({1, "a"})


def test_sets_to_python():
    r = ct.echo_btreeset(frozenset({"b", "a"}))
    assert type(r) is set and r == {"a", "b"}
    r = ct.make_set(4)
    assert type(r) is set and r == {0, 1, 2, 3}
    assert ct.make_set(0) == set()


def test_unhashable_set_items_raise_pythons_type_error():
    with pytest.raises(TypeError, match="unhashable"):
        ct.unhashable_set()


def test_btreemap_is_sorted_and_indexmap_keeps_order():
    assert list(ct.echo_btreemap({"b": 1, "c": 0, "a": 2})) == ["a", "b", "c"]
    keys, d = ct.echo_indexmap({"b": 1, "c": 0, "a": 2})
    assert keys == ["b", "c", "a"]
    assert list(d.items()) == [("b", 1), ("c", 0), ("a", 2)]
    assert list(ct.make_indexmap().items()) == [("zeta", 1), ("alpha", 2), ("mid", 3)]
    with pytest.raises(TypeError, match=r"must be dict, not list"):
        ct.echo_indexmap([("a", 1)])


# ---- paths ---------------------------------------------------------------------------------

class PathLike:
    def __init__(self, value):
        self.value = value

    def __fspath__(self):
        return self.value


def test_paths_follow_fspath():
    assert ct.echo_path("a/b.txt") == "a/b.txt"
    assert ct.echo_path(pathlib.PurePosixPath("x/y")) == "x/y"
    assert ct.echo_path(b"raw/bytes") == "raw/bytes"
    assert ct.echo_path(PathLike("from/fspath")) == "from/fspath"
    assert ct.echo_path(PathLike(b"from/bytes")) == "from/bytes"
    assert type(ct.echo_path(pathlib.Path("p"))) is str


def test_path_errors_are_open_s():
    for bad in [1, 1.5, None, ["a"]]:
        with pytest.raises(TypeError) as info:
            ct.echo_path(bad)
        with pytest.raises(TypeError) as expected:
            os.fspath(bad)
        assert str(info.value) == str(expected.value)
        assert str(info.value) == f"expected str, bytes or os.PathLike object, not {type(bad).__name__}"
    with pytest.raises(TypeError, match=r"^expected PathLike.__fspath__\(\) to return str or bytes, "
                       r"not int$"):
        ct.echo_path(PathLike(3))
    for nul in ["a\0b", b"a\0b", PathLike("x\0")]:
        with pytest.raises(ValueError, match="^embedded null byte$"):
            ct.echo_path(nul)


def test_undecodable_file_names_round_trip():
    name = os.fsdecode(b"caf\xe9\xff")  # not UTF-8: surrogate escapes in the str
    assert ct.path_bytes(name) == b"caf\xe9\xff" == os.fsencode(name)
    assert ct.path_bytes(b"caf\xe9\xff") == b"caf\xe9\xff"
    assert ct.path_from_bytes(b"caf\xe9\xff") == name
    assert ct.path_from_bytes("é/x".encode()) == "é/x"
    assert ct.os_string_bytes(name) == b"caf\xe9\xff"
    with pytest.raises(TypeError, match=r"must be str, not bytes"):
        ct.os_string_bytes(b"x")


# ---- Duration ------------------------------------------------------------------------------

class MyDelta(datetime.timedelta):
    pass


def test_duration_from_timedelta():
    td = datetime.timedelta
    assert ct.duration_parts(td(days=1, seconds=2, microseconds=3)) == (86402, 3000)
    assert ct.duration_parts(td(0)) == (0, 0)
    assert ct.duration_parts(td.max) == (td.max.days * 86400 + 86399, 999999000)
    assert ct.duration_parts(MyDelta(seconds=5)) == (5, 0)
    for neg in [td(microseconds=-1), td(days=-3), td.min]:
        with pytest.raises(ValueError, match="^can't convert negative timedelta to Duration$"):
            ct.duration_parts(neg)
    with pytest.raises(TypeError, match=r"^duration_parts\(\) argument 'd' must be "
                       r"datetime.timedelta, not float$"):
        ct.duration_parts(1.5)


def test_duration_to_timedelta():
    td = datetime.timedelta
    r = ct.make_duration(86402, 3999)
    assert type(r) is td and r == td(days=1, seconds=2, microseconds=3)  # ns truncated
    assert ct.make_duration(0, 999) == td(0)
    assert ct.make_duration(td.max.days * 86400 + 86399, 999999999) == td.max
    with pytest.raises(OverflowError):
        ct.make_duration((td.max.days + 1) * 86400, 0)


# ---- 128-bit integers ---------------------------------------------------------------------

class Idx:
    def __index__(self):
        return 2**100


I128 = [0, 1, -1, 2**63 - 1, 2**63, -2**63, -2**63 - 1, 2**64 - 1, 2**64, -2**64,
        2**100 + 12345, -2**100 - 1, 2**127 - 1, -2**127, 0x0123456789ABCDEF_FEDCBA9876543210]
U128 = [0, 1, 2**63, 2**64 - 1, 2**64, 2**64 + 1, 2**100, 2**128 - 1]


def test_i128_full_range():
    for v in I128:
        assert ct.to_i128(v) == v
    assert ct.to_i128(True) == 1
    assert ct.to_i128(Idx()) == 2**100


def test_u128_full_range():
    for v in U128:
        assert ct.to_u128(v) == v
    assert ct.wide_limits() == (-2**127, 2**127 - 1, 2**128 - 1)


def test_wide_int_overflow_messages():
    for v, msg in [(2**127, "Python int too large to convert to i128"),
                   (2**200, "Python int too large to convert to i128"),
                   (-2**127 - 1, "Python int too small to convert to i128"),
                   (-2**300, "Python int too small to convert to i128")]:
        with pytest.raises(OverflowError, match=f"^{msg}$"):
            ct.to_i128(v)
    for v, msg in [(2**128, "Python int too large to convert to u128"),
                   (2**1000, "Python int too large to convert to u128"),
                   (-1, "can't convert negative int to unsigned"),
                   (-2**64, "can't convert negative int to unsigned"),
                   (-2**200, "can't convert negative int to unsigned")]:
        with pytest.raises(OverflowError, match=f"^{msg}$"):
            ct.to_u128(v)
    for bad in [1.0, "1", None]:
        with pytest.raises(TypeError):
            ct.to_i128(bad)
        with pytest.raises(TypeError):
            ct.to_u128(bad)


@pytest.mark.skipif(MODE != "universal", reason="one subprocess check is enough")
def test_small_wide_ints_cost_one_runtime_call():
    """In HPy's trace mode, count the context calls of one call: a small i128/u128 costs what
    an i64/u64 does (one conversion each way); a wide one costs more."""
    code = (
        "import importlib.util, sys, hpy.universal as hu, hpy.trace as tr\n"
        f"p = {ext_path('calltest')!r}\n"
        "spec = importlib.util.spec_from_file_location('calltest', p)\n"
        "m = hu.load('calltest', p, spec, mode=2)\n"
        "def cost(f, v):\n"
        "    f(v)\n"
        "    before = dict(tr.get_call_counts())\n"
        "    f(v)\n"
        "    after = tr.get_call_counts()\n"
        "    return sum(after[k] - before.get(k, 0) for k in after)\n"
        "print(cost(m.to_i64, 5), cost(m.to_i128, 5), cost(m.to_i128, -7), cost(m.to_u64, 5),\n"
        "      cost(m.to_u128, 5), cost(m.to_i128, 2**100))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    i64, i128, i128_neg, u64, u128, wide = map(int, out.stdout.split())
    assert i128 == i64 and i128_neg == i64
    assert u128 == u64
    assert wide > i128
