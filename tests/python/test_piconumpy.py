"""examples/piconumpy: the class contract, on every lane."""
import gc

import pytest

from conftest import load

pn = load("piconumpy")


def test_construct():
    a = pn.array([1, 2.5, 3])
    assert isinstance(a, pn.array)
    assert a.size == 3 and len(a) == 3
    assert a.tolist() == [1.0, 2.5, 3.0]
    assert all(type(x) is float for x in a.tolist())
    assert pn.array(data=[1.0]).tolist() == [1.0]
    assert pn.array([]).size == 0


@pytest.mark.parametrize("bad", [(1, 2), "ab", 5, None])
def test_construct_needs_a_list(bad):
    with pytest.raises(TypeError, match="parameter must be a list"):
        pn.array(bad)


def test_construct_bad_element():
    with pytest.raises(TypeError):
        pn.array([1.0, "x"])


def test_indexing():
    a = pn.array([1.0, 2.0, 3.0])
    assert a[0] == 1.0 and a[2] == 3.0 and a[-1] == 3.0 and a[-3] == 1.0
    for i in (3, -4, 100):
        with pytest.raises(IndexError):
            a[i]
    assert [x for x in a] == [1.0, 2.0, 3.0]


class Idx:
    def __init__(self, i):
        self.i = i

    def __index__(self):
        return self.i


def test_sequence_index_keys():
    # `SeqIndex` keys: the runtime converts the key with __index__ and adds len() to a
    # negative one, like for C sequences; non-integer keys are its TypeError.
    a = pn.array([1.0, 2.0, 3.0])
    assert a[True] == 2.0 and a[Idx(-1)] == 3.0
    a[Idx(-2)] = 7.0
    assert a.tolist() == [1.0, 7.0, 3.0]
    for bad in ("x", 1.5, slice(0, 2), None):
        with pytest.raises(TypeError):
            a[bad]
        with pytest.raises(TypeError):
            a[bad] = 1.0
    # Beyond a machine integer: CPython raises IndexError, PyPy OverflowError (the runtimes'
    # own conversion, the same for C extensions).
    for huge in (2**70, -(2**70)):
        with pytest.raises((IndexError, OverflowError)):
            a[huge]
    assert "__getitem__" in type(a).__dict__ and "__setitem__" in type(a).__dict__


def test_setitem():
    a = pn.array([1.0, 2.0])
    a[0] = 5
    a[-1] = 2.5
    assert a.tolist() == [5.0, 2.5]
    with pytest.raises(IndexError):
        a[2] = 1.0
    with pytest.raises(TypeError):
        a[0] = "x"
    with pytest.raises(TypeError):
        del a[0]


def test_arithmetic():
    a = pn.array([1.0, 2.0])
    assert (a * 2).tolist() == [2.0, 4.0]
    assert (3 * a).tolist() == [3.0, 6.0]
    assert (2.5 * a).tolist() == [2.5, 5.0]
    assert (a / 2).tolist() == [0.5, 1.0]
    assert (a + a).tolist() == [2.0, 4.0]
    assert a.tolist() == [1.0, 2.0]  # operands untouched
    assert isinstance(a * 2, pn.array)


def test_arithmetic_errors():
    a = pn.array([1.0, 2.0])
    with pytest.raises(ValueError):
        a + pn.array([1.0])
    for f in (lambda: a * "x", lambda: "x" * a, lambda: a + 1, lambda: a / "x", lambda: a * None):
        with pytest.raises(TypeError):
            f()


def test_empty_zeros():
    assert pn.zeros(3).tolist() == [0.0, 0.0, 0.0]
    assert pn.empty(4).size == 4
    assert pn.zeros(0).size == 0
    with pytest.raises(OverflowError):
        pn.zeros(-1)


def test_not_subclassable_on_cpython():
    # hpy-rs classes are final: CPython's hpy 0.9.0 corrupts Python subclasses of pure types.
    # PyPy ignores the missing BASETYPE flag, but subclasses are memory-safe there.
    import sys

    if sys.implementation.name == "cpython":
        with pytest.raises(TypeError):
            type("Sub", (pn.array,), {})


def test_workload():
    def step(a, b):
        return (a * 0.5 + b / 2.0) * 2

    a = pn.array([float(i) for i in range(10)])
    b = pn.zeros(10)
    for _ in range(2000):
        b = step(a, b)
    gc.collect()
    assert b.size == 10


def test_size_is_read_only():
    # a #[getter] without #[setter]: AttributeError on both runtimes (PyPy 7.3.19 would abort
    # on a getset without setter; hpy-rs installs a property there)
    a = pn.array([1.0])
    with pytest.raises(AttributeError):
        a.size = 3
    assert a.size == 1
