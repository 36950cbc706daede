"""intern!: cached Python str names for attributes and dict keys (examples/calltest)."""
import sys

import pytest

from conftest import IMPL, load

ct = load("calltest")


class Obj:
    def __init__(self):
        self.x = "first"

    def method(self):
        return ("called", self.x)


def test_interned_attribute_names():
    o = Obj()
    assert ct.interned_attrs(o, 5) == ("first", True, ("called", 5))
    assert o.x == 5
    # Repeated calls reuse the cached names.
    assert ct.interned_attrs(o, 6) == (5, True, ("called", 6))


def test_interned_names_raise_like_str_names():
    with pytest.raises(AttributeError):
        ct.interned_attrs(object(), 1)


def test_interned_dict_key():
    v, a, b = ct.interned_key({"key": 42})
    assert v == 42
    assert a == "key" and b == "key" and type(a) is str
    with pytest.raises(KeyError):
        ct.interned_key({})


@pytest.mark.skipif(IMPL != "cpython", reason="str identity is CPython's notion")
def test_interned_name_is_the_interned_str():
    _, a, b = ct.interned_key({"key": 0})
    assert a is b
    assert a is sys.intern("".join(["k", "ey"]))
