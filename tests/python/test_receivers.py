"""Methods, getters, setters and slots of hpy-rs classes read `self` without a second type
check: every runtime checks the receiver in its descriptors first. These tests hold the
runtimes to that, for every descriptor of every class of the example extensions.

The binary and ternary number slots are the exception, on every runtime: their first operand
may be the other object, so hpy-rs checks both operands itself. PyPy's cpyext (PyPy 8) shows it:
its number-slot wrappers don't check the receiver, and hpy-rs's slot answers NotImplemented."""
import types

import pytest

from conftest import IMPL, PYPY8, load

NUMBER_SLOTS = {
    f"__{p}{op}__"
    for op in ("add sub mul matmul truediv floordiv mod divmod pow lshift rshift and or xor").split()
    for p in ("", "r", "i")
}

MODULES = ["classtest", "piconumpy", "vec2", "kiwisolver", "rpds", "bench"]
NAMES = {"bench": "hpyrs_bench"}


def classes():
    for name in MODULES:
        mod = load(name, module=NAMES.get(name))
        for attr in sorted(dir(mod)):
            cls = getattr(mod, attr)
            if isinstance(cls, type) and any(descriptors(cls)):
                yield pytest.param(cls, id=f"{name}.{attr}")


def descriptors(cls):
    for name, d in sorted(vars(cls).items()):
        if name in ("__new__", "__doc__", "__module__", "__dict__", "__weakref__"):
            continue
        if isinstance(d, (staticmethod, classmethod)) or not hasattr(d, "__get__"):
            continue
        if isinstance(d, types.FunctionType):
            # Python functions hpy-rs adds (the refusing `__reduce_ex__`/`__reduce__` of a
            # class that cannot be pickled) read no payload.
            continue
        yield name, d


class Foreign:
    pass


def runtime_refused(e, cls):
    """The TypeError is the runtime's, not hpy-rs's own re-check (debug builds of the
    extensions, which these lanes load, repeat the check and would raise "expected <class>,
    not <type>"). PyPy's cpyext doesn't check the receiver of slot wrappers (`T.__eq__(x, y)`),
    so there hpy-rs's check is the one that refuses."""
    if PYPY8:
        return
    assert not str(e.value).startswith(f"expected {cls.__name__}"), str(e.value)


@pytest.mark.parametrize("cls", list(classes()))
def test_foreign_self_is_a_type_error(cls):
    checked = 0
    for name, d in descriptors(cls):
        for bad in (Foreign(), 1.5, None):
            if hasattr(d, "__set__") and not callable(d):
                # A data descriptor: getset, member or property (`__get__(None, cls)` is the
                # descriptor itself, not a call).
                if bad is None:
                    continue
                with pytest.raises(TypeError) as e:
                    d.__get__(bad, type(bad))
                runtime_refused(e, cls)
                # (PyPy refuses a read-only member's assignment before the receiver check.)
                with pytest.raises((TypeError, AttributeError)):
                    d.__set__(bad, 1.0)
            elif callable(d):
                # Any arity: the receiver check comes before the argument count.
                for extra in range(3):
                    if PYPY8 and name in NUMBER_SLOTS:
                        try:
                            assert d(bad, *([1.0] * extra)) is NotImplemented
                        except TypeError:
                            pass
                        continue
                    with pytest.raises(TypeError) as e:
                        d(bad, *([1.0] * extra))
                    runtime_refused(e, cls)
            else:
                continue
            checked += 1
    assert checked > 0


def bare_instance(cls):
    """`object.__new__(cls)`: CPython refuses it for a class with its own `tp_new`; PyPy makes
    an instance with no payload at all (`HPy_AsStruct_Object` gives NULL)."""
    try:
        return object.__new__(cls)
    except TypeError as e:
        assert IMPL != "pypy", e
        assert "is not safe" in str(e), e
        return None


@pytest.mark.parametrize("cls", list(classes()))
def test_instance_without_payload_raises_instead_of_crashing(cls):
    obj = bare_instance(cls)
    if obj is None:
        return
    uninit = f"{cls.__name__} object is not initialized"
    refused = 0
    for name, d in descriptors(cls):
        if hasattr(d, "__set__") and not callable(d):
            calls = [lambda: d.__get__(obj, cls), lambda: d.__set__(obj, 1.0)]
        elif callable(d):
            calls = [lambda n=n: d(obj, *([1.0] * n)) for n in range(3)]
        else:
            continue
        for call in calls:
            try:
                call()
            except RuntimeError as e:
                assert str(e) == uninit, e
                refused += 1
            except (TypeError, AttributeError):
                # Wrong arity, a read-only attribute, or PyPy's own member descriptor
                # ("non-HPy object").
                pass
    # Every class has at least one method or getter that reads the payload.
    assert refused > 0
    # Operators reach the payload through the number slots' own type check.
    for op in (lambda: obj * 2.0, lambda: 2.0 * obj, lambda: obj + obj):
        try:
            op()
        except RuntimeError as e:
            assert str(e) == uninit, e
        except TypeError:
            pass  # the class has no such operator
