"""Loads the extension modules under test from one build folder, on the lane's backend.

Environment (set by scripts/test.sh):
  HPYRS_BUILD_DIR  folder holding <name>.hpy0.so files (no `.hpy` in its path!)
  HPYRS_MODE       "capi" (the C-API backend: CPython's or cpyext's own extension loader, no
                   `hpy` package), or an HPy mode through `hpy.universal`: "universal", "debug"
  HPYRS_LANE_DIR   where each lane records the digests of the files it loaded
Leak checks: in the HPy debug lane every test runs inside hpy.debug.LeakDetector; on a
Py_DEBUG CPython (sys.gettotalrefcount) every test runs again after a first run, and a run
must leave the total reference count as it found it (see `pytest_pyfunc_call`).
"""
import gc
import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD_DIR = os.environ.get("HPYRS_BUILD_DIR", os.path.join(HERE, "..", "_build", "ext"))
MODE = os.environ.get("HPYRS_MODE", "capi")
if MODE not in ("capi", "universal", "debug"):
    raise RuntimeError(f"HPYRS_MODE={MODE!r}: expected capi, universal or debug")
HPY = MODE != "capi"
IMPL = sys.implementation.name
# PyPy 7.3's HPy lanes, PyPy 8's cpyext lane: "pypy" either way.
PYPY8 = IMPL == "pypy" and sys.pypy_version_info[0] >= 8
LANE = f"{IMPL}{sys.version_info[0]}.{sys.version_info[1]}{'d' if hasattr(sys, 'gettotalrefcount') else ''}-{MODE}"
_loaded = {}


def ext_path(name):
    return os.path.join(os.path.abspath(BUILD_DIR), name + ".hpy0.so")


def load_fresh(name, module=None, mode=None):
    """A new module object for extension `name`, loaded now (not cached), in `mode` (default:
    the lane's; "universal" and "debug" go through hpy.universal)."""
    module = module or name
    mode = mode or MODE
    path = ext_path(name)
    if mode == "capi":
        loader = importlib.machinery.ExtensionFileLoader(module, path)
        spec = importlib.util.spec_from_file_location(module, path, loader=loader)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod
    import hpy.universal as hu

    spec = importlib.util.spec_from_file_location(module, path)
    return hu.load(module, path, spec, debug=(mode == "debug"))


def load(name, module=None):
    """Load extension `name` (file `<name>.hpy0.so`) once per process on this lane's backend.

    `module` is the Python module name inside the file when it differs from the crate
    folder name (e.g. `load("bench", module="hpyrs_bench")`).
    """
    if name in _loaded:
        return _loaded[name]
    module = module or name
    path = ext_path(name)
    if not os.path.exists(path):
        pytest.skip(f"{name}.hpy0.so was not built", allow_module_level=True)
    mod = load_fresh(name, module)
    sys.modules[module] = mod
    _loaded[name] = mod
    _record_lane(name, path)
    return mod


def _record_lane(name, path):
    """Write what this lane loaded, so the runner can check every lane used the same file."""
    lanes = os.environ.get("HPYRS_LANE_DIR")
    if not lanes:
        return
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    os.makedirs(lanes, exist_ok=True)
    out = os.path.join(lanes, f"{LANE}.json")
    data = {}
    if os.path.exists(out):
        with open(out) as f:
            data = json.load(f)
    data[name] = digest
    with open(out, "w") as f:
        json.dump(data, f, sort_keys=True)


def _total_refs():
    # The interpreter's method cache holds references to attribute names.
    getattr(sys, "_clear_internal_caches", getattr(sys, "_clear_type_cache", lambda: None))()
    gc.collect()
    gc.collect()
    return sys.gettotalrefcount()


@pytest.fixture(autouse=True)
def _no_leaks():
    """In the HPy debug lane, fail any test that leaves an HPy handle open."""
    if MODE != "debug":
        yield
        return
    from hpy.debug import LeakDetector

    gc.collect()
    with LeakDetector():
        yield
        gc.collect()


REFCHECK = hasattr(sys, "gettotalrefcount")
_overhead = []


def _measurement_overhead():
    """What two back-to-back measurements differ by with nothing in between (the first
    result, an int, is alive during the second)."""
    if not _overhead:
        a = _total_refs()
        b = _total_refs()
        _overhead.append(b - a)
    return _overhead[0]


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """On a Py_DEBUG build, run each test more than once: the first run fills caches (compiled
    regexes, first imports, warning registries, the interpreter's own), then a run must leave
    the total reference count as it found it. A leak grows the count on every run; a cache
    settles, so up to three measured runs are tried before the test fails."""
    if not REFCHECK or pyfuncitem.get_closest_marker("no_refcount_check"):
        return None
    func = pyfuncitem.obj
    args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    func(**args)
    overhead = _measurement_overhead()
    growth = []
    for _ in range(3):
        before = _total_refs()
        func(**args)
        growth.append(_total_refs() - before - overhead)
        if growth[-1] <= 0:
            return True
    pytest.fail(f"reference leak: each run grew the total reference count (by {growth})")


def pytest_configure(config):
    config.addinivalue_line("markers", "no_refcount_check: not run twice for the Py_DEBUG leak check")


# PyPy 7.3.19's debug context is handed unchanged to a nested HPy call while the outer call
# has marked it invalid, so *any* extension that calls back into Python which calls an HPy
# function again aborts with "Wrong HPy Context!" (CPython switches to a fresh context from
# its cache). This is a runtime bug, not an hpy-rs one; such tests run in the other lanes.
reentrant = pytest.mark.skipif(
    IMPL == "pypy" and MODE == "debug",
    reason="PyPy 7.3.19 debug mode aborts on re-entrant HPy calls (runtime bug)",
)


# PyPy's cpyext (the C-API backend's door on PyPy 8) never collects a reference cycle that goes
# through an extension object: it never calls tp_traverse/tp_clear (pypy#3848). Every C
# extension shares this; hpy-rs objects are freed as soon as nothing references them, and a
# cycle must be broken by hand there. Tests of cycle collection are strict xfails on that lane,
# so they show the quirk (tests/python/test_cpyext_quirks.py has the explicit version).
cycles_collected = pytest.mark.xfail(
    PYPY8, strict=True, reason="cpyext does not collect cycles through extension objects (pypy#3848)"
)


def pytest_report_header(config):
    return f"hpy-rs lane: {LANE}; extensions from {os.path.abspath(BUILD_DIR)}"
