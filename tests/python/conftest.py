"""Loads the extension modules under test from one build folder, in the lane's HPy mode.

Environment (set by scripts/test.sh):
  HPYRS_BUILD_DIR  folder holding <name>.hpy0.so files (no `.hpy` in its path!)
  HPYRS_MODE       "universal" or "debug"
In debug mode every test runs inside hpy.debug.LeakDetector.
"""
import gc
import hashlib
import importlib.util
import json
import os
import sys

import pytest
import hpy.universal as hu

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD_DIR = os.environ.get("HPYRS_BUILD_DIR", os.path.join(HERE, "..", "_build", "ext"))
MODE = os.environ.get("HPYRS_MODE", "universal")
IMPL = sys.implementation.name
_loaded = {}


def ext_path(name):
    return os.path.join(os.path.abspath(BUILD_DIR), name + ".hpy0.so")


def load(name, module=None):
    """Load extension `name` (file `<name>.hpy0.so`) once per process in this lane's mode.

    `module` is the Python module name inside the file when it differs from the crate
    folder name (e.g. `load("bench", module="hpyrs_bench")`).
    """
    if name in _loaded:
        return _loaded[name]
    module = module or name
    path = ext_path(name)
    if not os.path.exists(path):
        pytest.skip(f"{name}.hpy0.so was not built", allow_module_level=True)
    spec = importlib.util.spec_from_file_location(module, path)
    mod = hu.load(module, path, spec, debug=(MODE == "debug"))
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
    out = os.path.join(lanes, f"{IMPL}-{MODE}.json")
    data = {}
    if os.path.exists(out):
        with open(out) as f:
            data = json.load(f)
    data[name] = digest
    with open(out, "w") as f:
        json.dump(data, f, sort_keys=True)


@pytest.fixture(autouse=True)
def _no_leaks():
    """In debug lanes, fail any test that leaves an HPy handle open."""
    if MODE != "debug":
        yield
        return
    from hpy.debug import LeakDetector

    gc.collect()
    with LeakDetector():
        yield
        gc.collect()


# PyPy 7.3.19's debug context is handed unchanged to a nested HPy call while the outer call
# has marked it invalid, so *any* extension that calls back into Python which calls an HPy
# function again aborts with "Wrong HPy Context!" (CPython switches to a fresh context from
# its cache). This is a runtime bug, not an hpy-rs one; such tests run in the other lanes.
reentrant = pytest.mark.skipif(
    IMPL == "pypy" and MODE == "debug",
    reason="PyPy 7.3.19 debug mode aborts on re-entrant HPy calls (runtime bug)",
)


def pytest_report_header(config):
    return f"hpy-rs lane: {IMPL} / {MODE}; extensions from {os.path.abspath(BUILD_DIR)}"
