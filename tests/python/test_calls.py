"""The call path: argument binding fast paths, `VarArgs`, tuple items, and the CPython fast path
(which must be on exactly in the CPython lanes whose handles are object pointers, the C-API
backend and HPy universal, and change no behaviour anywhere)."""
import os
import subprocess
import sys

import pytest

from conftest import IMPL, MODE, load

ct = load("calltest")


FAST = IMPL == "cpython" and MODE in ("capi", "universal")


def test_fast_path_only_where_handles_are_object_pointers():
    expected = FAST and "HPYRS_NO_FAST_PATH" not in os.environ
    assert ct.fast_path_active() is expected


@pytest.mark.skipif(not FAST, reason="the fast path exists only on CPython's C-API and universal lanes")
def test_fast_path_can_be_turned_off():
    code = (
        f"import sys; sys.path.insert(0, {os.path.dirname(__file__)!r})\n"
        "import conftest\n"
        "m = conftest.load_fresh('calltest')\n"
        "print(m.fast_path_active(), m.sum_indexed([1.0, 2, 3.5]), m.item((1, 2, 3), -1))\n"
    )
    env = dict(os.environ, HPYRS_NO_FAST_PATH="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "6.5", "3"]


class FloatLike:
    def __float__(self):
        return 2.5


class IntLike:
    def __index__(self):
        return 42


class MyList(list):
    def __len__(self):
        return 1  # the sequence protocol sees 1 item

    def __getitem__(self, i):
        return 100.0 if i == 0 else list.__getitem__(self, i)


def test_length():
    assert ct.length([1, 2, 3]) == 3
    assert ct.length(()) == 0
    assert ct.length((1,)) == 1
    assert ct.length("abcd") == 4
    assert ct.length({1: 2}) == 1
    assert ct.length(MyList([1, 2, 3])) == 1
    with pytest.raises(TypeError):
        ct.length(5)


def test_item_list_and_tuple():
    lst = [10, "x", None, 2.5]
    for i in range(-4, 4):
        assert ct.item(lst, i) is lst[i]
    tup = tuple(lst)
    for i in range(-4, 4):
        assert ct.item(tup, i) is tup[i]
    for bad in (4, -5, 10**6, -(10**6)):
        with pytest.raises(IndexError):
            ct.item(lst, bad)
        with pytest.raises(IndexError):
            ct.item(tup, bad)


def test_item_other_sequences():
    assert ct.item("abc", 1) == "b"
    assert ct.item(range(10), -1) == 9
    assert ct.item(MyList([1.0, 2.0]), 0) == 100.0
    assert ct.item({0: "zero"}, 0) == "zero"  # `obj[i]`, as HPy_GetItem_i
    with pytest.raises(KeyError):
        ct.item({}, 0)
    with pytest.raises(TypeError):
        ct.item(3, 0)


def test_item_keeps_objects_alive():
    # The returned item must be a real reference, valid after the list is gone.
    lst = [object() for _ in range(3)]
    keep = [ct.item(lst, i) for i in range(3)]
    ids = [id(o) for o in keep]
    del lst
    assert [id(o) for o in keep] == ids
    assert all(type(o) is object for o in keep)


def test_sum_indexed_conversions():
    assert ct.sum_indexed([1.0, 2.0, 3.5]) == 6.5
    assert ct.sum_indexed((1, 2.0, True)) == 4.0
    assert ct.sum_indexed([FloatLike(), 0.5]) == 3.0
    assert ct.sum_indexed([]) == 0.0
    with pytest.raises(TypeError):
        ct.sum_indexed([1.0, "2"])
    with pytest.raises(OverflowError):
        ct.sum_indexed([10**400])


def test_float_and_int_extraction():
    assert ct.to_f64(1.5) == 1.5
    assert ct.to_f64(3) == 3.0 and type(ct.to_f64(3)) is float
    assert ct.to_f64(FloatLike()) == 2.5
    assert ct.to_f64(float("inf")) == float("inf")
    with pytest.raises(TypeError):
        ct.to_f64("1.0")
    assert ct.to_i64(-(2**63)) == -(2**63)
    assert ct.to_i64(2**63 - 1) == 2**63 - 1
    assert ct.to_i64(IntLike()) == 42
    assert ct.to_i64(True) == 1
    with pytest.raises(OverflowError, match="too large"):
        ct.to_i64(2**63)
    with pytest.raises(TypeError):
        ct.to_i64(1.0)
    with pytest.raises(OverflowError):
        ct.to_i32(2**31)
    assert ct.to_i32(-(2**31)) == -(2**31)


def test_unsigned_extraction():
    for v in (0, 1, 2**63 - 1, 2**63, 2**64 - 1):
        assert ct.to_u64(v) == v
    assert ct.to_u64(IntLike()) == 42 and ct.to_u64(True) == 1
    assert ct.to_u32(2**32 - 1) == 2**32 - 1
    for neg in (-1, -2, -(2**63), -(2**70)):
        with pytest.raises(OverflowError, match="can't convert negative int to unsigned"):
            ct.to_u64(neg)
        with pytest.raises(OverflowError, match="negative"):
            ct.to_u32(neg)
    for big in (2**64, 2**100):
        with pytest.raises(OverflowError, match="too large"):
            ct.to_u64(big)
    with pytest.raises(OverflowError, match="too large to convert to u32"):
        ct.to_u32(2**32)
    for bad in (1.0, "1", None):
        with pytest.raises(TypeError):
            ct.to_u64(bad)


def test_slices_and_lists():
    assert ct.primes() == [2, 3, 5, 7, 11] and type(ct.primes()) is list
    assert ct.magic() == b"\x89HPy"
    assert ct.words(3) == ["w0", "w1", "w2"] and ct.words(0) == []
    big = [float(i) for i in range(1000)]
    assert ct.floats(big) == big


def test_vec_from_sequences():
    # Exact lists and tuples are read by index; anything else through iteration.
    assert ct.floats([1, 2.5]) == [1.0, 2.5] and ct.floats((3.0,)) == [3.0] and ct.floats([]) == []
    assert ct.floats(x / 2 for x in range(3)) == [0.0, 0.5, 1.0]

    class Reversed(list):
        def __iter__(self):
            return iter(list(list.__iter__(self))[::-1])

    assert ct.floats(Reversed([1.0, 2.0, 3.0])) == [3.0, 2.0, 1.0]
    with pytest.raises(TypeError):
        ct.floats([1.0, "x"])
    with pytest.raises(TypeError):
        ct.floats("12")

    lst = [1.0, 2.0, 3.0, 4.0]

    class Shrinks:
        def __float__(self):
            del lst[2:]
            return 9.0

    lst[1] = Shrinks()
    assert ct.floats(lst) == [1.0, 9.0]


def test_vec_of_floats():
    assert ct.floats([1.0, 2, 3.5]) == [1.0, 2.0, 3.5]
    assert ct.floats((0.5,)) == [0.5]
    assert ct.floats(x / 2 for x in range(3)) == [0.0, 0.5, 1.0]
    with pytest.raises(TypeError):
        ct.floats([1.0, None])


def test_tuple_with_borrowed_items():
    a, b = object(), [1]
    t = ct.pack(a, b)
    assert type(t) is tuple and len(t) == 4
    assert t[0] is a and t[1] is None and t[2] is b and t[3] == 7
    del a, b
    assert type(t[0]) is object and t[2] == [1]


def test_varargs_borrowed():
    assert ct.count_args() == (0, [])
    assert ct.count_args(1, "a", None) == (3, ["int", "str", "NoneType"])
    assert ct.count_args(*range(50))[0] == 50
    with pytest.raises(TypeError):
        ct.count_args(x=1)


def test_varargs_after_positional_only():
    assert ct.split(1) == (1, ())
    assert ct.split(1, 2, 3) == (1, (2, 3))
    with pytest.raises(TypeError, match=r"missing 1 required positional argument: 'first'"):
        ct.split()


def test_varargs_tuple_with_keyword_only():
    assert ct.gather(1, 2, 3) == [1, 2, 3]
    assert ct.gather(1, 2, 3, reverse=True) == [3, 2, 1]
    assert ct.gather() == []
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'other'"):
        ct.gather(1, other=2)


def test_exact_positional_and_general_binding_agree():
    assert ct.add(1, 2, 3) == 6
    assert ct.add(1, 2, c=3) == 6
    assert ct.add(c=3, b=2, a=1) == 6
    with pytest.raises(TypeError, match=r"^add\(\) missing 1 required positional argument: 'c'$"):
        ct.add(1, 2)
    with pytest.raises(TypeError, match=r"^add\(\) takes 3 positional arguments but 4 were given$"):
        ct.add(1, 2, 3, 4)
    with pytest.raises(TypeError, match=r"got multiple values for argument 'a'"):
        ct.add(1, 2, 3, a=1)


def test_positional_only_binding():
    assert ct.add_po(1) == 11
    assert ct.add_po(1, 2) == 3
    with pytest.raises(TypeError, match=r"^add_po\(\) takes from 1 to 2 positional arguments but 3 were given$"):
        ct.add_po(1, 2, 3)
    with pytest.raises(TypeError, match=r"missing 1 required positional argument: 'a'"):
        ct.add_po()
    with pytest.raises(TypeError):
        ct.add_po(a=1)


def test_many_calls_balance_references():
    # Dup/close on the fast path must balance: refcounts of the arguments are unchanged.
    lst = [1.5, 2.5]
    obj = object()
    if IMPL == "cpython":
        before = (sys.getrefcount(lst), sys.getrefcount(obj), sys.getrefcount(1.5))
    for _ in range(1000):
        ct.item(lst, 0)
        ct.pack(obj, lst)
        ct.sum_indexed(lst)
        ct.count_args(obj, obj)
    if IMPL == "cpython":
        assert (sys.getrefcount(lst), sys.getrefcount(obj), sys.getrefcount(1.5)) == before
