"""The lane really is what it claims: the right interpreter and backend."""
import sys

from conftest import IMPL, MODE, PYPY8, load

hello = load("hello")


def test_backend_attribute():
    expected = {"capi": "capi", "universal": "hpy-universal", "debug": "hpy-debug"}[MODE]
    assert hello.__hpy_backend__ == expected


def test_capi_lane_needs_no_hpy_package():
    if MODE != "capi":
        return
    assert "hpy" not in sys.modules and "hpy.universal" not in sys.modules
    assert "_hpy_universal" not in sys.modules


def test_mode_is_real():
    if MODE == "capi":
        # The C-API backend: module functions are builtin functions of the interpreter.
        assert type(hello.greet).__name__ == "builtin_function_or_method"
        return
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
    assert IMPL in ("cpython", "pypy")
    if IMPL == "pypy":
        if PYPY8:
            assert MODE == "capi" and sys.pypy_version_info[:2] == (8, 0)
        else:
            assert sys.pypy_version_info[:3] == (7, 3, 19)
