"""hpy_rs::Py (an owned reference), with_ctx (the current call's context for trait impls),
Field releases, pickling/copying support and refusal, and the `hidden`/`register` class options
(examples/classtest), on every lane."""
import collections.abc as abc
import copy
import gc
import pickle
import weakref

import pytest

from conftest import HPY, IMPL, load

ct = load("classtest")
vec2 = load("vec2")


class Obj:
    pass


class BadEq:
    def __eq__(self, other):
        raise ValueError("no eq")


def settle():
    """Collect garbage, then make a call: a release that a destructor had to defer (no context
    under HPy) happens as the next call starts."""
    for _ in range(3):
        gc.collect()
        ct.py_stats()


def test_py_keeps_objects_alive_across_calls_and_owners():
    objs = [Obj() for _ in range(5)]
    refs = [weakref.ref(o) for o in objs]
    a = ct.Shared(objs)
    b = a.share()
    del objs
    settle()
    assert all(r() is not None for r in refs)
    assert a.get(2) is refs[2]() and b.get(4) is refs[4]() and len(b) == 5
    del a
    settle()
    assert all(r() is not None for r in refs)
    del b
    settle()
    assert all(r() is None for r in refs)


def test_py_table_is_reused():
    if not HPY:
        assert ct.py_stats()[1] == 0  # the C-API backend needs no table
        return
    settle()
    before = ct.py_stats()[1]
    for _ in range(50):
        ct.Shared([Obj(), Obj()])
    settle()
    assert ct.py_stats()[1] == before and ct.py_stats()[0] == 0


def test_with_ctx_in_partial_eq():
    x = Obj()
    assert ct.py_contains([1, x, 3], x) is True
    assert ct.py_contains([1, 2], 3) is False
    assert ct.py_count_eq([1, 1, 2], 1) == 2


def test_with_ctx_errors_reach_the_caller():
    with pytest.raises(ValueError, match="no eq"):
        ct.py_contains([BadEq(), BadEq()], 5)
    with pytest.raises(ValueError, match="no eq"):
        ct.py_count_eq([1, BadEq(), 2], 5)
    # Nothing is left pending: the next call works.
    assert ct.py_contains([1], 1)


def test_with_ctx_without_a_call():
    assert ct.with_ctx_off_thread() == "no hpy-rs call is running on this thread"


def test_dropped_field_releases_its_object():
    f = ct.Fields()
    o = Obj()
    r = weakref.ref(o)
    f.push(o)
    f.push(1)
    del o
    settle()
    assert r() is not None
    f.drop_last()
    f.drop_last()
    settle()
    assert r() is None


def test_classes_without_pickling_refuse_everywhere():
    o = ct.Opaque(3)
    name = "classtest.Opaque"
    for proto in range(2, pickle.HIGHEST_PROTOCOL + 1):
        with pytest.raises(TypeError, match=f"^cannot pickle '{name}' object$"):
            pickle.dumps(o, proto)
    for proto in (0, 1):
        with pytest.raises(TypeError, match="^cannot pickle 'Opaque' object$"):
            pickle.dumps(o, proto)
    for f in (copy.copy, copy.deepcopy):
        with pytest.raises(TypeError, match=f"^cannot pickle '{name}' object$"):
            f(o)
    v = vec2.Vec2(1.0, 2.0)
    with pytest.raises(TypeError, match="cannot pickle"):
        pickle.dumps(v)
    with pytest.raises(TypeError, match="cannot pickle"):
        copy.copy(v)


def test_getstate_setstate_copy_deepcopy():
    t = ct.Tally(5)
    for proto in range(2, pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(t, proto))
        assert type(back) is ct.Tally and back.n == 5
    c, d = copy.copy(t), copy.deepcopy(t)
    assert (c.n, c.copies) == (5, 1) and (d.n, d.copies) == (5, 10)


def test_getnewargs():
    p = ct.Pair(1, 2)
    for proto in range(2, pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(p, proto))
        assert (back.a, back.b) == (1, 2)
    c = copy.copy(p)
    assert (c.a, c.b) == (1, 2) and c is not p


def test_hidden_and_registered_class():
    s = ct.secret()
    assert not hasattr(ct, "Secret")
    assert type(s).__name__ == "Secret" and type(s).__module__ == "classtest"
    assert isinstance(s, abc.Sized) and len(s) == 0
