"""The lane really is what it claims: the right interpreter and HPy mode."""
import sys

from conftest import MODE, load

hello = load("hello")


def test_mode_is_real():
    from hpy.universal import _debug

    gen = _debug.new_generation()
    seen = []
    hello.call(lambda: seen.append(len(_debug.get_open_handles(gen))))
    if MODE == "debug":
        # The debug context tracks the handles the outer call holds open.
        assert seen[0] > 0
    else:
        assert seen == [0]
    assert len(_debug.get_open_handles(gen)) == 0


def test_interpreter():
    assert sys.implementation.name in ("cpython", "pypy")
    if sys.implementation.name == "pypy":
        assert sys.pypy_version_info[:3] == (7, 3, 19)
