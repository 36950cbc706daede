"""examples/vec2: a class with the whole protocol surface, on every lane."""
import math
import sys

import pytest

from conftest import IMPL, load, reentrant

v2 = load("vec2")
V = v2.Vec2


def test_construct_and_fields():
    a = V(1, 2.5)
    assert (a.x, a.y) == (1.0, 2.5)
    assert type(a.x) is float
    assert (V().x, V().y) == (0.0, 0.0)
    assert V(y=3).y == 3.0
    a.x = 4
    a.y = -1.5
    assert (a.x, a.y) == (4.0, -1.5)
    with pytest.raises(TypeError):
        a.x = "nope"
    with pytest.raises((TypeError, AttributeError)):
        del a.x
    with pytest.raises(TypeError):
        V("a")
    with pytest.raises(TypeError):
        V(1, 2, 3)


def test_docs_and_names():
    assert V.__doc__ == "A mutable 2-D vector of floats."
    assert V.x.__doc__ == "The x component."
    assert V.zero.__doc__.strip().endswith("The zero vector.")
    assert V.__module__ == "vec2"
    assert V.__name__ == "Vec2"


def test_static_and_class_methods():
    assert V.zero() == V(0, 0)
    assert V(5, 5).zero() == V(0, 0)  # also through an instance
    p = V.from_polar(2, math.pi / 2)
    assert abs(p.x) < 1e-12 and abs(p.y - 2) < 1e-12
    assert V.from_tuple((3, 4)) == V(3, 4)
    assert V.class_name() == "Vec2"
    assert V(1, 1).class_name() == "Vec2"
    with pytest.raises(TypeError):
        V.from_tuple(3)
    with pytest.raises(TypeError):
        V.zero(1)
    assert isinstance(V.__dict__["zero"], staticmethod)


def test_class_constant():
    assert V.DIM == 2
    assert V(1, 2).DIM == 2


def test_repr_str_hash_eq():
    a = V(1, 2)
    assert repr(a) == "Vec2(1.0, 2.0)"
    assert str(a) == "(1, 2)"
    assert a == V(1, 2) and not (a != V(1, 2))
    assert a != V(2, 1)
    assert hash(a) == hash(V(1.0, 2.0))
    assert hash(V(0.0, 1)) == hash(V(-0.0, 1))
    assert len({V(1, 2), V(1, 2), V(2, 1)}) == 2
    # comparisons with other types fall back to identity
    assert (a == 3) is False and (a != "x") is True


def test_ordering_not_implemented():
    for op in ("<", "<=", ">", ">="):
        with pytest.raises(TypeError, match="not supported between instances of"):
            eval(f"a {op} b", {"a": V(), "b": V()})


def test_bool_len_getitem_setitem_contains():
    a = V(1, 2)
    assert bool(a) and not bool(V())
    assert len(a) == 2
    assert (a[0], a[1], a[-1], a[-2]) == (1.0, 2.0, 2.0, 1.0)
    with pytest.raises(IndexError, match="Vec2 index out of range"):
        a[2]
    with pytest.raises(IndexError):
        a[-3]
    with pytest.raises(TypeError):
        a["x"]
    a[0] = 7
    a[-1] = 8
    assert (a.x, a.y) == (7.0, 8.0)
    with pytest.raises(TypeError):
        a[0] = "x"
    # Without a deletion method every key gets CPython's error, even one that would not convert.
    for key in (0, "x"):
        with pytest.raises(TypeError, match="'Vec2' object does not support item deletion"):
            del a[key]
    assert 7 in a and 8.0 in a and 9 not in a


def test_iteration():
    a = V(1, 2)
    assert list(a) == [1.0, 2.0]
    assert [c for c in a] == [1.0, 2.0]
    x, y = a
    assert (x, y) == (1.0, 2.0)
    it = iter(a)
    assert type(it).__name__ == "Vec2Iter"
    assert iter(it) is it
    assert next(it) == 1.0 and next(it) == 2.0
    with pytest.raises(StopIteration) as e:
        next(it)
    assert e.value.args == ()
    assert next(it, "done") == "done"
    assert sum(V(3, 4)) == 7.0


def test_call():
    assert V(1, 2)(3) == V(3, 6)
    assert V(1, 2)(t=0.5) == V(0.5, 1)
    with pytest.raises(TypeError):
        V(1, 2)()


def test_unary():
    a = V(3, -4)
    assert -a == V(-3, 4)
    assert +a == a and +a is not a
    assert abs(a) == 5.0
    assert ~a == V(4, 3)


def test_binary_and_reflected():
    a, b = V(1, 2), V(3, 5)
    assert a + b == V(4, 7)
    assert b - a == V(2, 3)
    assert a * 2 == V(2, 4) and a * 0.5 == V(0.5, 1)
    assert 2 * a == V(2, 4) and 2.5 * a == V(2.5, 5)  # reflected: PyPy needs __rmul__
    assert b / 2 == V(1.5, 2.5)
    assert b // 2 == V(1, 2)
    assert b % 2 == V(1, 1)
    assert V(-3, 3) % 2 == V(1, 1)
    assert divmod(b, 2) == (V(1, 2), V(1, 1))
    assert a @ b == 13.0
    assert a.dot(b) == 13.0
    assert a == V(1, 2) and b == V(3, 5)  # operands untouched


def test_power():
    a = V(2, 3)
    assert a ** 2 == V(4, 9)
    assert pow(a, 2) == V(4, 9)
    assert pow(a, 2, 5) == V(4, 4)
    assert 2 ** a == V(4, 8)  # reflected: PyPy needs __rpow__
    assert pow(2, V(1, 2)) == V(2, 4)
    with pytest.raises(TypeError):
        a ** "x"
    with pytest.raises(TypeError):
        pow(a, 2, "m")


def test_division_by_zero():
    for f in (lambda: V(1, 1) / 0, lambda: V(1, 1) // 0, lambda: V(1, 1) % 0, lambda: divmod(V(1, 1), 0)):
        with pytest.raises(ZeroDivisionError, match="Vec2 division by zero"):
            f()
    with pytest.raises(ZeroDivisionError):
        V().normalize()


def test_not_implemented_gives_type_error():
    a = V(1, 2)
    cases = [
        lambda: a + 1,
        lambda: 1 + a,
        lambda: a - "x",
        lambda: a * "x",
        lambda: a * None,
        lambda: None * a,
        lambda: a / a,
        lambda: a @ 3,
        lambda: a // [],
        lambda: divmod(a, "x"),
    ]
    for f in cases:
        with pytest.raises(TypeError):
            f()
    with pytest.raises(TypeError, match=r"unsupported operand type\(s\) for \+"):
        a + 1


def test_in_place():
    a = V(1, 2)
    alias = a
    a += V(1, 1)
    assert a is alias and a == V(2, 3)
    a -= V(1, 1)
    assert a is alias and a == V(1, 2)
    a *= 3
    assert a is alias and a == V(3, 6)
    a /= 3
    assert a is alias and a == V(1, 2)
    a **= 2
    assert a is alias and a == V(1, 4)
    with pytest.raises(ZeroDivisionError):
        a /= 0
    with pytest.raises(TypeError):
        a += 1
    # no __ifloordiv__: Python falls back to __floordiv__ and rebinds
    a //= 1
    assert a is not alias and a == V(1, 4)


def test_methods_mutating():
    a = V(3, 4)
    a.normalize()
    assert abs(a.length() - 1.0) < 1e-12
    a = V(1, 2)
    a.add_assign(V(1, 1))
    assert a == V(2, 3)
    c = a.copy()
    c.x = 0
    assert a.x == 2.0


def test_borrow_conflicts():
    a = V(1, 2)
    # `add_assign(&mut self, other: Ref<Vec2>)` with the same object twice
    with pytest.raises(RuntimeError, match="Already mutably borrowed: Vec2"):
        a.add_assign(a)
    with pytest.raises(RuntimeError, match="Already borrowed: Vec2"):
        a += a
    assert a == V(1, 2)  # unchanged
    assert a + a == V(2, 4)  # shared borrows combine
    assert a.dot(a) == 5.0


@reentrant
def test_reentrancy_from_callback():
    a = V(1, 2)
    a.apply(lambda c: c * 10)
    assert a == V(10, 20)
    with pytest.raises(RuntimeError, match="Already mutably borrowed"):
        a.apply(lambda c: a.x)
    with pytest.raises(RuntimeError, match="Already mutably borrowed"):
        a.apply(lambda c: repr(a))
    with pytest.raises(ZeroDivisionError):
        a.apply(lambda c: 1 / 0)
    # the borrow was released after every failure
    a.x = 1
    assert a.x == 1.0


def test_instances_from_rust_and_type_checks():
    m = v2.midpoint(V(0, 0), V(2, 4))
    assert isinstance(m, V) and m == V(1, 2)
    with pytest.raises(TypeError, match=r"midpoint\(\) argument 'b' must be Vec2, not int"):
        v2.midpoint(V(), 3)
    assert v2.path_length([V(0, 0), V(3, 4), V(3, 0)]) == 9.0
    with pytest.raises(TypeError):
        v2.path_length([V(), "x"])
    it = iter(V())
    with pytest.raises(TypeError, match="must be Vec2"):
        v2.midpoint(it, V())


def test_subclassing():
    if IMPL == "cpython":
        with pytest.raises(TypeError, match="not an acceptable base type"):
            type("Sub", (V,), {})
    # PyPy 7.3.19 ignores the missing BASETYPE flag; subclasses are memory-safe there
    # (documented in the book's classes chapter), so nothing is asserted.


def test_many_objects():
    acc = V()
    for i in range(2000):
        acc = acc + V(i, 1) * 0.5
    assert acc == V(sum(range(2000)) * 0.5, 1000)
