"""examples/hello: the foundation's contract, on every lane."""
import gc
import sys

import pytest

from conftest import load, reentrant

hello = load("hello")


def test_docstrings():
    assert hello.__doc__ == "A small greeting module written in Rust with hpy-rs."
    assert hello.greet.__doc__ == "Return a greeting for `name`."
    assert hello.greet.__text_signature__ == "(name='world')"
    assert hello.add.__text_signature__ == "(a, b)"
    assert hello.call.__text_signature__ == "(f, *args, **kwargs)"


def test_greet():
    assert hello.greet() == "Hello, world!"
    assert hello.greet("Ada") == "Hello, Ada!"
    assert hello.greet(name="Bob") == "Hello, Bob!"
    assert hello.greet("ünïcødé ✓") == "Hello, ünïcødé ✓!"
    assert hello.greet("a\0b") == "Hello, a\0b!"


def test_greet_lone_surrogate_raises_like_cpython():
    # PyPy's runtime hands over such text as bytes that are not UTF-8; it must raise the
    # UnicodeEncodeError CPython raises, on every runtime.
    for s in ["\ud800", "ab\udfff"]:
        with pytest.raises(UnicodeEncodeError) as info:
            hello.greet(s)
        try:
            s.encode()
        except UnicodeEncodeError as expected:
            assert info.value.args == expected.args
    assert hello.greet("\U0001F600") == "Hello, \U0001F600!"


def test_keyword_names_with_lone_surrogates():
    # Such a name can be no parameter's: CPython's error, or an entry of **kwargs.
    with pytest.raises(TypeError) as info:
        hello.add(1, **{"\ud800": 2})
    assert str(info.value) == "add() got an unexpected keyword argument '\ud800'"
    assert hello.call(lambda **k: k, **{"\ud800": 2, "b": 3}) == {"\ud800": 2, "b": 3}


def test_greet_wrong_type():
    with pytest.raises(TypeError, match=r"greet\(\) argument 'name' must be str, not int"):
        hello.greet(5)
    with pytest.raises(TypeError, match="must be str, not bytes"):
        hello.greet(b"x")


def test_add():
    assert hello.add(2, 3) == 5
    assert hello.add(-2**62, -2**62) == -2**63
    assert hello.add(True, 1) == 2
    assert hello.add(a=1, b=2) == 3
    assert hello.add(1, b=2) == 3


def test_add_index_protocol():
    class Idx:
        def __index__(self):
            return 40

    assert hello.add(Idx(), 2) == 42


def test_add_overflow():
    with pytest.raises(OverflowError):
        hello.add(2**63, 0)
    with pytest.raises(OverflowError):
        hello.add(-2**63 - 1, 0)
    with pytest.raises(OverflowError):
        hello.add(2**62, 2**62)
    with pytest.raises(OverflowError):
        hello.add(2**63 - 1, 1)


@pytest.mark.parametrize("bad", ["x", 1.5, None, [1]])
def test_add_non_int(bad):
    with pytest.raises(TypeError):
        hello.add(bad, 1)


def test_call_errors_are_worded_like_cpython():
    with pytest.raises(TypeError, match=r"^add\(\) takes 2 positional arguments but 3 were given$"):
        hello.add(1, 2, 3)
    with pytest.raises(TypeError, match=r"^add\(\) missing 1 required positional argument: 'b'$"):
        hello.add(1)
    with pytest.raises(TypeError, match=r"^add\(\) missing 2 required positional arguments: 'a' and 'b'$"):
        hello.add()
    with pytest.raises(TypeError, match=r"^add\(\) got an unexpected keyword argument 'c'$"):
        hello.add(1, 2, c=3)
    with pytest.raises(TypeError, match=r"^add\(\) got multiple values for argument 'a'$"):
        hello.add(1, a=2)
    with pytest.raises(TypeError, match=r"^greet\(\) takes from 0 to 1 positional arguments but 2 were given$"):
        hello.greet("a", "b")


def test_sum_floats():
    assert hello.sum_floats([1, 2.5, 3]) == 6.5
    assert hello.sum_floats((1.0, 2.0)) == 3.0
    assert hello.sum_floats(x / 2 for x in range(5)) == 5.0
    assert hello.sum_floats([]) == 0.0
    assert hello.sum_floats(range(4)) == 6.0
    assert hello.sum_floats({1.5: "a", 2: "b"}) == 3.5


def test_sum_floats_list_changing_underfoot():
    # The list walk matches Python's list iterator: items appended during the walk are
    # seen, a list that shrinks ends it.
    lst = [1.0, None, 4.0]

    class Grow:
        def __float__(self):
            lst.append(100.0)
            return 2.0

    lst[1] = Grow()
    assert hello.sum_floats(lst) == 1.0 + 2.0 + 4.0 + 100.0 == sum(float(x) for x in [1.0, 2.0, 4.0, 100.0])

    lst2 = [1.0, None, 4.0, 8.0]

    class Shrink:
        def __float__(self):
            del lst2[1:]
            return 2.0

    lst2[1] = Shrink()
    assert hello.sum_floats(lst2) == 3.0

    class MyList(list):
        def __iter__(self):
            return iter([10.0])

    assert hello.sum_floats(MyList([1.0, 2.0])) == 10.0


def test_sum_floats_errors():
    with pytest.raises(TypeError):
        hello.sum_floats([1, "x"])
    with pytest.raises(TypeError):
        hello.sum_floats(5)

    def boom():
        yield 1.0
        raise KeyError("from generator")

    with pytest.raises(KeyError, match="from generator"):
        hello.sum_floats(boom())


def test_divide():
    assert hello.divide(1, 4) == 0.25
    assert hello.divide(7.5, -2.5) == -3.0
    with pytest.raises(ZeroDivisionError):
        hello.divide(1, 0)
    with pytest.raises(ZeroDivisionError):
        hello.divide(1.0, 0.0)
    with pytest.raises(TypeError):
        hello.divide("1", 2)


def test_call():
    assert hello.call(max, 1, 5, 3) == 5
    assert hello.call(sorted, [3, 1, 2], reverse=True) == [3, 2, 1]
    assert hello.call(lambda: "none") == "none"
    assert hello.call(dict, a=1) == {"a": 1}


def test_call_propagates_exceptions_unchanged():
    class Custom(Exception):
        pass

    err = Custom("original")

    def raiser(*a, **k):
        raise err

    with pytest.raises(Custom) as info:
        hello.call(raiser, 1, x=2)
    assert info.value is err
    with pytest.raises(TypeError):
        hello.call(5)


@reentrant
def test_call_reentrant():
    # Python -> Rust -> Python -> Rust
    assert hello.call(hello.call, hello.add, 20, 22) == 42
    assert hello.call(hello.greet, name="re") == "Hello, re!"


def test_hello_error():
    assert issubclass(hello.HelloError, Exception)
    assert hello.HelloError.__module__ == "hello"
    assert hello.HelloError.__name__ == "HelloError"
    with pytest.raises(hello.HelloError, match="^boom$") as info:
        hello.fail("boom")
    assert info.value.args == ("boom",)


def test_panic_becomes_exception():
    for _ in range(3):
        with pytest.raises(Exception, match="hello.panic\\(\\) was called") as info:
            hello.panic()
        assert type(info.value).__name__ == "PanicException"
    assert hello.add(1, 1) == 2  # the process lives on


def test_type_name():
    assert hello.type_name(1) == "int"
    assert hello.type_name("s") == "str"
    assert hello.type_name([]) == "list"
    assert hello.type_name(None) == "NoneType"

    class Local:
        pass

    assert hello.type_name(Local()) == "Local"


def test_many_calls_do_not_leak():
    gc.collect()
    for i in range(20000):
        hello.add(i, i)
        hello.greet("x")
    assert hello.sum_floats([1.0] * 1000) == 1000.0
