"""One wheel per example, on every interpreter: CPython 3.11, 3.13, 3.14 and 3.15 and PyPy 8 run
it on the C API, PyPy 7.3.19 on HPy universal; the same .so bytes everywhere, and no `hpy`
package anywhere. Then the import stub's choices where each applies: HPYRS_BACKEND, HPY's modes
(CPython 3.11 with the `debug` extra, PyPy 7.3), and its ImportErrors where HPy cannot run
(CPython 3.13+, PyPy 8, CPython 3.11 without hpy) or a variable is wrong."""
import hashlib
import json
import os
import zipfile

import pytest

from conftest import LANES, PIP, WHEELHOUSE, example_crates, importable, run, wheel_module

# A few calls per example, beyond the import.
SMOKE = {
    "hello": "assert m.add(2, 3) == 5 and m.greet('PyPy') == 'Hello, PyPy!'",
    "piconumpy": "a = m.array([1.0, 2.0]); assert (a * 2).tolist() == [2.0, 4.0]",
    "bench": "assert m.add_ints(2, 3) == 5",
    "vec2": "assert repr(m.Vec2(1, 2) + m.Vec2(2, 3)) == 'Vec2(3.0, 5.0)'",
    "kiwisolver": "x = m.Variable('x'); s = m.Solver(); s.addConstraint(x == 3); "
                  "s.updateVariables(); assert x.value() == 3.0",
}

# Imports each module of argv[1:], runs its smoke code, and prints
# {module: [__hpy_backend__, sha256 of the file it loaded]} as JSON.
REPORT = """
import hashlib, importlib, json, sys
smoke = json.loads(sys.argv[1])
out = {}
for name in sys.argv[2:]:
    m = importlib.import_module(name)
    exec(smoke.get(name, "pass"), {"m": m})
    with open(m.__file__, "rb") as f:
        out[name] = [m.__hpy_backend__, hashlib.sha256(f.read()).hexdigest()]
print(json.dumps(out))
"""


def so_digest(wheel):
    module = wheel_module(wheel)
    data = zipfile.ZipFile(wheel).read(module.replace(".", "/") + ".hpy0.so")
    return hashlib.sha256(data).hexdigest()


def backend(py, module="hello", env=None):
    """`module.__hpy_backend__` in a fresh `py` (with `env`), or the ImportError's line."""
    code = ("import importlib, sys\ntry:\n    m = importlib.import_module(sys.argv[1])\n"
            "except ImportError as e:\n    print('ImportError:', e)\nelse:\n"
            "    print(m.__hpy_backend__)")
    return run([py, "-c", code, module], cwd="/", env=env).stdout.strip()


@pytest.fixture(scope="session")
def installed(example_wheels, venvs):
    """Every example's wheel pip-installed into the venv of every lane: {lane: python}."""
    def install(lane):
        py = venvs[lane]
        run([py] + PIP + list(example_wheels.values()))
        return py

    return venvs.all(then=install)


# ---------------------------------------------------------------- one wheel everywhere

@pytest.mark.parametrize("lane", list(LANES))
def test_every_example_on_every_interpreter(example_wheels, installed, venvs, lane):
    """pip installs the one wheel of each example; each imports and runs on the lane's
    default backend, from the wheel's own .so bytes (so the same bytes on every lane), with no
    hpy package."""
    py = installed[lane]
    impl, default = LANES[lane][1], LANES[lane][3]
    if impl == "cpython":
        venvs.has_hpy(lane, False)
    modules = {wheel_module(w): name for name, w in example_wheels.items()}
    smoke = {m: SMOKE[name] for m, name in modules.items() if name in SMOKE}
    out = json.loads(run([py, "-c", REPORT, json.dumps(smoke)] + sorted(modules),
                         cwd="/").stdout)
    assert sorted(out) == sorted(modules)
    for module, name in modules.items():
        assert out[module] == [default, so_digest(example_wheels[name])], (lane, module)
    # PyPy 7.3 has HPy built in, PyPy 8 only the pure-Python half of it.
    assert importable(py, "_hpy_universal") == (lane == "pypy73")


def resolved(py, *requirements):
    """The distributions pip would install for `requirements` in `py` (offline, from the
    wheelhouse, as if nothing were installed)."""
    report = os.path.join(os.path.dirname(py), "pip-report.json")
    run([py] + PIP + ["--dry-run", "--ignore-installed", "--report", report] + list(requirements))
    with open(report) as f:
        return sorted(item["metadata"]["name"] for item in json.load(f)["install"])


@pytest.mark.parametrize("lane", ["py311", "py314", "pypy73"])
def test_hpy_is_only_the_debug_extra(example_wheels, venvs, lane):
    """pip installs no hpy with the wheel; `[debug]` adds it on CPython 3.11 only (where HPy's
    modes can run), nothing on CPython 3.13+ or PyPy (the wheelhouse has hpy, so a requirement
    would be resolved, or fail for want of a wheel on 3.14)."""
    assert any(n.startswith("hpy-0.9.0-") for n in os.listdir(WHEELHOUSE))
    wheel = example_wheels["hello"]
    py = venvs[lane]
    if lane == "py311":
        assert resolved(py, wheel) == ["hello"]
    with_extra = resolved(py, f"{wheel}[debug]")
    if lane == "py311":
        # hpy, and what hpy itself requires (setuptools).
        assert "hpy" in with_extra and with_extra[0] == "hello", with_extra
    else:
        assert with_extra == ["hello"]


# ---------------------------------------------------------------- the stub's choices

# (environment, backend) on CPython 3.11 with hpy installed; None: the lane's default.
CHOICES = [
    ({}, None),
    ({"HPYRS_BACKEND": "capi"}, "capi"),
    ({"HPYRS_BACKEND": "hpy"}, "hpy-universal"),
    ({"HPYRS_BACKEND": "hello:hpy"}, "hpy-universal"),
    ({"HPYRS_BACKEND": "other:hpy"}, None),
    ({"HPY": "universal"}, "hpy-universal"),
    ({"HPY": "debug"}, "hpy-debug"),
    ({"HPY": "trace"}, "hpy-trace"),
    ({"HPY": "hello:debug"}, "hpy-debug"),
    # HPy itself rejects a value that does not name the module; the stub hands it one that does.
    ({"HPY": "other:debug"}, None),
    ({"HPY": "other:trace, hello:debug"}, "hpy-debug"),
    # The forced backend wins over HPY.
    ({"HPY": "debug", "HPYRS_BACKEND": "capi"}, "capi"),
]


@pytest.mark.parametrize("lane", ["py311", "pypy73"])
def test_backend_choices(installed, venvs, lane):
    """HPYRS_BACKEND and HPY where HPy runs: CPython 3.11 with the `debug` extra (hpy), and
    PyPy 7.3."""
    py = installed[lane]
    if lane == "py311":
        venvs.has_hpy(lane, True)
    for env, expected in CHOICES:
        assert backend(py, env=env) == (expected or LANES[lane][3]), (lane, env)


@pytest.mark.parametrize("lane", ["py311", "pypy73"])
def test_hpy_modes_are_real(installed, venvs, lane):
    """HPY=debug loads the debug context (it tracks the handles open during a call), HPY=trace
    counts calls, and the debug mode's leak detector runs around real calls."""
    py = installed[lane]
    if lane == "py311":
        venvs.has_hpy(lane, True)
    code = ("import hello\nfrom hpy.universal import _debug\ngen = _debug.new_generation()\n"
            "print(hello.call(lambda: len(_debug.get_open_handles(gen))))")
    counts = {mode: int(run([py, "-c", code], cwd="/", env={"HPY": mode}).stdout)
              for mode in ["universal", "debug", "trace"]}
    assert counts["universal"] == 0 and counts["trace"] == 0 and counts["debug"] > 0
    trace = ("import hello, hpy.trace as t\nhello.add(1, 2)\n"
             "print(t.get_call_counts()['ctx_Long_FromInt64_t'])")
    assert run([py, "-c", trace], cwd="/", env={"HPY": "trace"}).stdout.strip() == "1"
    leak = ("import hello\nfrom hpy.debug import LeakDetector\nwith LeakDetector():\n"
            "    assert hello.greet() == 'Hello, world!' and hello.add(2, 3) == 5\nprint('ok')")
    assert run([py, "-c", leak], cwd="/", env={"HPY": "debug"}).stdout.strip() == "ok"


WHY = {
    "cpython": "whose runtime for CPython (the `hpy` package, 0.9.0) is known to crash on "
               "CPython 3.13 and newer (hpyproject/hpy#490)",
    "pypy": "but this PyPy (8.0.",
}


@pytest.mark.parametrize("lane", ["py313", "py314", "py315", "pypy8"])
def test_hpy_where_it_cannot_run(installed, lane):
    """HPY=debug/trace and HPYRS_BACKEND=hpy raise a clear ImportError on CPython 3.13+ and
    PyPy 8, before HPy is touched; without them the module runs on the C API."""
    py = installed[lane]
    why = WHY[LANES[lane][1]]
    for var, value in [("HPY", "debug"), ("HPY", "hello:trace"), ("HPYRS_BACKEND", "hpy")]:
        out = backend(py, env={var: value})
        assert out.startswith(f"ImportError: cannot import hello: {var}={value} asks for HPy, "
                              f"{why}"), (lane, out)
        assert out.endswith(f"HPy's modes work on PyPy 7.3 and on CPython 3.11 (with the "
                            f"`hpy` package); without {var} the module runs on the C API"), out
    if lane == "pypy8":
        assert "PyPy 8 removed it" in out
    assert backend(py, env={"HPY": "other:debug"}) == "capi"


def test_hpy_without_the_hpy_package(example_wheels, installed, venvs):
    """CPython 3.11 without hpy: asking for HPy says what to install; following the hint
    (the `debug` extra) makes HPY=debug work."""
    py = venvs.has_hpy("py311", False)
    wheel = example_wheels["hello"]
    for var, value in [("HPY", "debug"), ("HPYRS_BACKEND", "hpy")]:
        out = backend(py, env={var: value})
        assert out == (f"ImportError: cannot import hello: {var}={value} asks for HPy, and "
                       f"HPy's runtime, the `hpy` package, is not installed for {py}: "
                       "`pip install 'hello[debug]'` (or `pip install 'hpy>=0.9.0'`); "
                       f"without {var} the module runs on the C API"), out
    assert backend(py) == "capi"
    run([py] + PIP + [f"{wheel}[debug]"])
    assert importable(py, "hpy")
    assert backend(py, env={"HPY": "debug"}) == "hpy-debug"


BAD_SETTINGS = [
    ({"HPYRS_BACKEND": "bogus"}, "HPYRS_BACKEND='bogus' asks for the backend 'bogus'; "
                                 "expected 'capi' or 'hpy' (or 'hello:capi', ...)"),
    ({"HPYRS_BACKEND": "hello:cpython,other:hpy"}, "asks for the backend 'cpython'"),
    ({"HPY": "bogus"}, "HPY='bogus' asks for the HPy mode 'bogus'; expected 'universal', "
                       "'debug' or 'trace' (or 'hello:debug', ...)"),
    ({"HPY": "hello:Debugging"}, "asks for the HPy mode 'debugging'"),
]


def test_bad_settings(installed):
    """A value the stub does not know is an ImportError that names the variable (once, on
    CPython 3.14: the check comes before any backend); another module's value is ignored."""
    py = installed["py314"]
    for env, message in BAD_SETTINGS:
        out = backend(py, env=env)
        assert out.startswith("ImportError: cannot import hello: ") and message in out, out
    assert backend(py, env={"HPYRS_BACKEND": "other:bogus"}) == "capi"
    # Case and spaces do not matter: this asks for HPy, refused on 3.14.
    out = backend(py, env={"HPYRS_BACKEND": " hello : HPY "})
    assert out.startswith("ImportError: cannot import hello: HPYRS_BACKEND= hello : HPY  asks "
                          "for HPy, whose runtime"), out
