"""examples/bench: the `hpyrs_bench` contract that bench/run.py (and external checks) time."""
import math
import sys

import pytest

from conftest import load

hb = load("bench", module="hpyrs_bench")

I64_MAX = 2**63 - 1
I64_MIN = -(2**63)


def test_module_name():
    assert hb.__name__ == "hpyrs_bench"


def test_noop():
    assert hb.noop() is None
    with pytest.raises(TypeError):
        hb.noop(1)


@pytest.mark.parametrize("f", ["add_ints", "add_ints_po"])
def test_add_ints(f):
    add = getattr(hb, f)
    assert add(3, 4) == 7
    assert add(-5, 2) == -3
    assert add(I64_MAX, 0) == I64_MAX
    assert add(I64_MIN, 0) == I64_MIN
    assert add(True, 1) == 2


@pytest.mark.parametrize("f", ["add_ints", "add_ints_po"])
def test_add_ints_overflow(f):
    add = getattr(hb, f)
    with pytest.raises(OverflowError):
        add(I64_MAX, 1)
    with pytest.raises(OverflowError):
        add(I64_MIN, -1)
    with pytest.raises(OverflowError):
        add(2**64, 0)  # the argument itself does not fit


@pytest.mark.parametrize("f", ["add_ints", "add_ints_po"])
@pytest.mark.parametrize("args", [(1.5, 2), ("3", 4), (None, 1), (1,), (1, 2, 3)])
def test_add_ints_type_errors(f, args):
    with pytest.raises(TypeError):
        getattr(hb, f)(*args)


def test_add_ints_keywords():
    assert hb.add_ints(3, b=4) == 7
    assert hb.add_ints(b=4, a=3) == 7
    with pytest.raises(TypeError):
        hb.add_ints(3, c=4)
    with pytest.raises(TypeError):
        hb.add_ints_po(3, b=4)  # positional-only


def test_add_kw():
    assert hb.add_kw(1, b=2) == 3
    assert hb.add_kw(5) == 5
    assert hb.add_kw(a=1, b=2) == 3
    with pytest.raises(TypeError):
        hb.add_kw(1, c=3)
    with pytest.raises(TypeError):
        hb.add_kw(1, a=3)
    with pytest.raises(TypeError):
        hb.add_kw()


def test_varargs():
    assert hb.varargs() == 0
    assert hb.varargs(1, 2, 3) == 3
    assert hb.varargs(*range(100)) == 100
    with pytest.raises(TypeError):
        hb.varargs(x=1)


def test_make_tuple():
    o = object()
    t = hb.make_tuple(1, "b", o)
    assert t == (1, "b", o) and type(t) is tuple
    assert t[2] is o
    with pytest.raises(TypeError):
        hb.make_tuple(1, 2)


@pytest.mark.parametrize("f", ["sum_list", "sum_list_vec"])
def test_sum_list(f):
    s = getattr(hb, f)
    lst = [float(i) * 0.5 for i in range(1000)]
    r = s(lst)
    assert r == sum(lst) and type(r) is float
    assert s([]) == 0.0
    assert s([1, 2.5]) == 3.5  # ints convert like float()
    with pytest.raises(TypeError):
        s([1.0, "x"])
    with pytest.raises(TypeError):
        s(None)


def test_point():
    p = hb.Point(3.0, 4.0)
    assert isinstance(p, hb.Point)
    assert p.x == 3.0 and p.y == 4.0
    assert type(p.x) is float
    assert p.norm() == 5.0
    q = hb.Point(1, 2)  # ints are accepted and stored as floats
    assert (q.x, q.y) == (1.0, 2.0) and type(q.y) is float
    assert q.norm() == math.sqrt(5.0)
    assert hb.Point(-1.5, 0.0).norm() == 1.5


def test_point_keywords():
    p = hb.Point(x=1.0, y=2.0)
    assert (p.x, p.y) == (1.0, 2.0)
    p = hb.Point(1.0, y=-2.0)
    assert (p.x, p.y) == (1.0, -2.0)
    with pytest.raises(TypeError):
        hb.Point(1.0, z=2.0)


@pytest.mark.parametrize("args", [(), (1.0,), (1.0, 2.0, 3.0), ("a", 1.0), (1.0, None)])
def test_point_bad_args(args):
    with pytest.raises(TypeError):
        hb.Point(*args)


def test_point_attributes_are_read_only():
    p = hb.Point(1.0, 2.0)
    # `Point` is frozen: x and y are read-only HPy members (each runtime words the error its
    # own way: "readonly attribute" on CPython).
    with pytest.raises(AttributeError):
        p.x = 5.0
    assert p.x == 1.0
    with pytest.raises(AttributeError):
        del p.y
    assert (p.x, p.y) == (1.0, 2.0)
    with pytest.raises(TypeError):
        p.norm(1)


def test_point_many():
    pts = [hb.Point(float(i), 0.0) for i in range(1000)]
    assert sum(p.norm() for p in pts) == sum(range(1000))


@pytest.mark.parametrize("f", ["getattr_str", "getattr_interned"])
def test_getattr_loops(f):
    class O:
        x = 7

    g = getattr(hb, f)
    assert g(O(), 1) == 7
    assert g(O(), 100) == 7
    with pytest.raises(AttributeError):
        g(object(), 3)
