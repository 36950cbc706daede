"""cargo hpy end to end: the wheels of every example are valid (test_backends.py installs them on
every interpreter), `cargo hpy new` projects pip-install and pass their tests on CPython 3.14 and
PyPy 8 with no hpy, sdists build with the PEP 517 backend, `develop` installs into every
interpreter, and every error case prints its message (no traceback, no panic)."""
import base64
import csv
import hashlib
import io
import os
import re
import tarfile
import zipfile

import pytest

from conftest import (HPY_DEP, LANES, MODULE_RS, PIP, REPO, SHARED, cargo_hpy_run,
                      expect_error, importable, lane_base, run, wheel_module, write_crate)


def pip_install(py, *args, env=None):
    return run([py] + PIP + list(args), env=env)


# ---------------------------------------------------------------- wheels of the examples

def verify_record(wheel):
    """RECORD lists every file once with its sha256 and size (our own check, per the spec)."""
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        record_name = [n for n in names if n.endswith(".dist-info/RECORD")][0]
        rows = list(csv.reader(io.StringIO(z.read(record_name).decode())))
        assert sorted(r[0] for r in rows) == sorted(names)
        for path, digest, size in rows:
            if path == record_name:
                assert digest == "" and size == ""
                continue
            data = z.read(path)
            algo, value = digest.split("=", 1)
            assert algo == "sha256"
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert value == expected.decode(), path
            assert int(size) == len(data), path
        return names, z


def test_example_wheels_are_valid(example_wheels, venvs):
    assert {"hello", "piconumpy", "bench"} <= set(example_wheels)
    for name, wheel in example_wheels.items():
        base = os.path.basename(wheel)
        assert re.fullmatch(rf"{name}-0\.1\.0-py3-none-manylinux_2_\d+_x86_64(\.manylinux2014_x86_64)?\.whl",
                            base), base
        module = wheel_module(wheel)
        names, _ = verify_record(wheel)
        assert f"{module}.hpy0.so" in names and f"{module}.py" in names
        with zipfile.ZipFile(wheel) as z:
            meta = z.read(f"{name}-0.1.0.dist-info/METADATA").decode()
            wheel_txt = z.read(f"{name}-0.1.0.dist-info/WHEEL").decode()
            stub = z.read(f"{module}.py").decode()
            assert z.getinfo(f"{module}.hpy0.so").external_attr >> 16 & 0o777 == 0o755
        assert f"Name: {name}\nVersion: 0.1.0\n" in meta
        # hpy is no requirement, only the `debug` extra (for HPY=debug/trace on CPython < 3.13).
        assert [line for line in meta.splitlines() if line.startswith("Requires-Dist: hpy")] == [
            'Requires-Dist: hpy>=0.9.0; platform_python_implementation == "CPython" and '
            'python_version < "3.13" and extra == "debug"']
        assert "Provides-Extra: debug\nRequires-Dist: hpy>=0.9.0;" in meta
        assert "License: MIT" in meta
        assert "Root-Is-Purelib: false" in wheel_txt and "Tag: py3-none-manylinux_2_" in wheel_txt
        assert "pkg_resources" not in stub and "_load_bootstrap" in stub
        assert "ExtensionFileLoader" in stub and f'dist = "{name}"' in stub
    # Third-party checkers: check-wheel-contents (layout, RECORD) and twine (metadata).
    cpy = venvs["py311"]
    pip_install(cpy, "check-wheel-contents")
    cwc = os.path.join(os.path.dirname(cpy), "check-wheel-contents")
    # W009 ("multiple toplevel library entries") is the HPy layout itself: `<m>.py` (the stub)
    # next to `<m>.hpy0.so`, exactly as hpy.devel lays out universal builds.
    proc = run([cwc, "--ignore", "W009"] + list(example_wheels.values()), check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count(": OK") == len(example_wheels), proc.stdout
    proc = run([os.environ["HPYRS_CPYTHON"], "-m", "twine", "check"] + list(example_wheels.values()))
    assert proc.stdout.count("PASSED") == len(example_wheels), proc.stdout


# ---------------------------------------------------------------- cargo hpy new / pip install .

@pytest.fixture(scope="module")
def new_project(work, cargo_hpy):
    """A `cargo hpy new demo` project (one for every lane: cargo builds it once)."""
    proj = os.path.join(work, "new", "demo")
    os.makedirs(os.path.dirname(proj))
    proc = cargo_hpy_run(cargo_hpy, "new", proj)
    assert "Created hpy-rs project `demo`" in proc.stderr
    # tests/_build lies inside this repo's workspace: the project must detach itself.
    assert "[workspace]" in open(os.path.join(proj, "Cargo.toml")).read()
    for f in ["src/lib.rs", "pyproject.toml", "build_backend/hpy_rs_build.py",
              "tests/test_demo.py", "README.md", ".gitignore"]:
        assert os.path.isfile(os.path.join(proj, f)), f
    return proj


@pytest.mark.parametrize("lane", ["py314", "pypy8"])
def test_new_project_pip_installs_and_tests(work, cargo_hpy, venvs, new_project, lane):
    """The README quickstart (`cargo hpy new`, `pip install .`, `import`) and the generated
    tests, on CPython 3.14 and PyPy 8 with no hpy: the C-API backend."""
    proj = new_project
    py = venvs.with_pytest(lane)
    # The backend finds cargo-hpy through $CARGO_HPY (CPython) or on PATH (PyPy).
    env = dict(SHARED, CARGO_HPY=cargo_hpy) if lane == "py314" else dict(
        SHARED, PATH=os.path.dirname(cargo_hpy) + os.pathsep + os.environ["PATH"])
    run([py] + PIP + ["."], cwd=proj, env=env)
    code = "import demo; print(demo.greet(), demo.add(40, 2), demo.__hpy_backend__)"
    assert run([py, "-c", code], cwd="/").stdout.strip() == "Hello, world! 42 capi"
    assert not importable(py, "hpy.universal")  # no HPy runtime at all
    proc = run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=proj)
    assert "4 passed" in proc.stdout
    # The generated README tells the truth about HPy's debug mode here.
    proc = run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=proj,
               env={"HPY": "debug"}, check=False)
    assert proc.returncode != 0 and "ImportError: cannot import demo: HPY=debug asks for HPy" \
        in proc.stdout, proc.stdout
    if lane == "pypy8":
        return
    # pip wheel . gives the same kind of wheel, and twine accepts its metadata (README included).
    wheel_dir = os.path.join(work, "new", "wheelhouse")
    run([py, "-m", "pip", "--disable-pip-version-check", "wheel", "-q", "--no-index",
         "--no-deps", "-w", wheel_dir, "."], cwd=proj, env=env)
    (wheel,) = os.listdir(wheel_dir)
    assert re.fullmatch(r"demo-0\.1\.0-py3-none-manylinux_2_\d+_x86_64(\..*)?\.whl", wheel)
    proc = run([os.environ["HPYRS_CPYTHON"], "-m", "twine", "check", "--strict",
                os.path.join(wheel_dir, wheel)])
    assert "PASSED" in proc.stdout
    with zipfile.ZipFile(os.path.join(wheel_dir, wheel)) as z:
        meta = z.read("demo-0.1.0.dist-info/METADATA").decode()
    assert "Requires-Python: >=3.11" in meta and "Description-Content-Type: text/markdown" in meta
    assert "Provides-Extra: test" in meta and "Provides-Extra: debug" in meta


def test_sdist_of_an_example_builds_anywhere(work, cargo_hpy, venvs):
    out = os.path.join(work, "sdist")
    proc = cargo_hpy_run(cargo_hpy, "sdist", "-m", os.path.join(REPO, "examples", "hello", "Cargo.toml"),
                         "-o", out)
    sdist = proc.stdout.strip()
    assert os.path.basename(sdist) == "hello-0.1.0.tar.gz"
    with tarfile.open(sdist) as t:
        names = set(t.getnames())
        manifest = t.extractfile("hello-0.1.0/Cargo.toml").read().decode()
        pkg_info = t.extractfile("hello-0.1.0/PKG-INFO").read().decode()
    for f in ["PKG-INFO", "pyproject.toml", "build_backend/hpy_rs_build.py", "Cargo.lock",
              "src/lib.rs", "_vendor/hpy-rs/Cargo.toml", "_vendor/hpy-rs-macros/src/lib.rs"]:
        assert f"hello-0.1.0/{f}" in names, f
    assert "_vendor/hpy-rs" in manifest and "[workspace]" in manifest
    assert "Name: hello\nVersion: 0.1.0" in pkg_info
    # pip builds the sdist in its own temp folder, far from this checkout's hpy-rs.
    py = venvs["py314"]
    run([py] + PIP + ["--force-reinstall", "--no-deps", "-C", "profile=dev", sdist],
        env=dict(SHARED, CARGO_HPY=cargo_hpy))
    assert run([py, "-c", "import hello; print(hello.add(40, 2))"], cwd="/").stdout.strip() == "42"


# What develop notes about HPy's modes on each lane (after a fresh venv: no hpy).
DEVELOP_NOTES = {
    "cpython": "note: HPY=debug and HPY=trace are not available with `{py}`: HPy's runtime for "
               "CPython (hpy 0.9.0) is known to crash on CPython 3.13 and newer",
    "pypy8": "note: HPY=debug and HPY=trace are not available with `{py}`: this PyPy has no HPy "
             "runtime (PyPy 8 removed it)",
    "py311": "note: HPY=debug and HPY=trace (HPy's debug and trace modes) need the `hpy` package, "
             "which `{py}` lacks: `{py} -m pip install 'hpy>=0.9.0'` (what the wheel's `debug` "
             "extra adds)",
}


@pytest.mark.parametrize("lane", list(LANES))
def test_develop_installs_into_every_interpreter(cargo_hpy, venvs, lane):
    """`cargo hpy develop --python PY` (on py313: the active venv, $VIRTUAL_ENV) installs and
    says which backend the module runs on, and notes what HPy's modes need there."""
    py = venvs.has_hpy(lane, False) if lane == "py311" else venvs[lane]
    manifest = os.path.join(REPO, "examples", "piconumpy", "Cargo.toml")
    if lane == "py313":
        proc = cargo_hpy_run(cargo_hpy, "develop", cwd=os.path.dirname(manifest),
                             env={"VIRTUAL_ENV": os.path.dirname(os.path.dirname(py))})
        assert "(cpython)" in proc.stderr
    else:
        proc = cargo_hpy_run(cargo_hpy, "develop", "--python", py, "-m", manifest)
    default = LANES[lane][3]
    assert f"Installed piconumpy 0.1.0: `{py} -c 'import piconumpy'` (backend: {default})" \
        in proc.stderr
    note = DEVELOP_NOTES.get(lane) or (DEVELOP_NOTES["cpython"] if lane.startswith("py3") else None)
    notes = [line for line in proc.stderr.splitlines() if line.startswith(("note:", "warning:"))]
    if note:
        assert len(notes) == 1 and notes[0].startswith(note.format(py=py)), proc.stderr
    else:
        assert notes == [], proc.stderr
    code = "import piconumpy; print(piconumpy.zeros(3).tolist(), piconumpy.__hpy_backend__)"
    assert run([py, "-c", code], cwd="/").stdout.strip() == f"[0.0, 0.0, 0.0] {default}"


def test_develop_with_hpy_has_nothing_to_note(cargo_hpy, venvs):
    py = venvs.has_hpy("py311", True)
    proc = cargo_hpy_run(cargo_hpy, "develop", "--python", py, "-m",
                         os.path.join(REPO, "examples", "hello", "Cargo.toml"))
    assert "note:" not in proc.stderr and "(backend: capi)" in proc.stderr
    assert run([py, "-c", "import hello; print(hello.add(1, 2))"], cwd="/").stdout.strip() == "3"


# ---------------------------------------------------------------- error cases

def test_error_no_cargo_toml(work, cargo_hpy):
    empty = os.path.join(work, "errors", "empty")
    os.makedirs(empty)
    expect_error(cargo_hpy, "build", cwd="/", message="could not find Cargo.toml in `/`")
    expect_error(cargo_hpy, "build", "-m", os.path.join(empty, "Cargo.toml"),
                 message="no Cargo.toml found at")
    expect_error(cargo_hpy, "build", "-m", os.path.join(REPO, "Cargo.toml"),
                 message="is a virtual workspace manifest")


def test_error_not_a_cdylib(work, cargo_hpy):
    crate = write_crate(os.path.join(work, "errors", "rlib"), "rlibonly", "pub fn f() {}\n",
                        crate_type=None)
    expect_error(cargo_hpy, "build", "-m", os.path.join(crate, "Cargo.toml"),
                 message="crate `rlibonly` is not a cdylib")


def test_error_no_entry_symbols(work, cargo_hpy):
    crate = write_crate(os.path.join(work, "errors", "nosyms"), "nosyms",
                        '#[no_mangle]\npub extern "C" fn not_hpy() -> i32 {\n    1\n}\n')
    expect_error(cargo_hpy, "build", "-m", os.path.join(crate, "Cargo.toml"), env=SHARED,
                 message="exports no HPy module entry points (no HPyInit_* symbol; expected "
                         "HPyInit_nosyms, HPyInitGlobalContext_nosyms")


def test_error_module_name_mismatch(work, cargo_hpy):
    crate = write_crate(os.path.join(work, "errors", "mism"), "mism", MODULE_RS.format(mod="other"),
                        deps=HPY_DEP)
    err = expect_error(cargo_hpy, "build", "-m", os.path.join(crate, "Cargo.toml"), env=SHARED,
                       message="module name mismatch: the wheel's module is `mism`")
    assert "defines the HPy module `other` (HPyInit_other)" in err
    assert 'module-name = "other"' in err
    # Following the hint fixes it.
    with open(os.path.join(crate, "pyproject.toml"), "w") as f:
        f.write('[tool.hpy-rs]\nmodule-name = "other"\n')
    proc = cargo_hpy_run(cargo_hpy, "build", "-m", os.path.join(crate, "Cargo.toml"), "-o",
                         os.path.join(work, "errors", "out"), env=SHARED)
    assert wheel_module(proc.stdout.strip()) == "other"


def test_error_dash_in_module_name(work, cargo_hpy):
    crate = write_crate(os.path.join(work, "errors", "dash"), "dash", "", extra="")
    with open(os.path.join(crate, "pyproject.toml"), "w") as f:
        f.write('[tool.hpy-rs]\nmodule-name = "my-mod"\n')
    expect_error(cargo_hpy, "build", "-m", os.path.join(crate, "Cargo.toml"),
                 message="module name `my-mod` contains `-`, which HPy's loader cannot handle")
    expect_error(cargo_hpy, "new", os.path.join(work, "errors", "1bad"),
                 message="is not a valid Python module name")


def test_error_hpy_in_directory_name(work, cargo_hpy, example_wheels):
    """HPy's loader takes the ABI tag from the first `.hpy` in a module's path: where HPy loads
    the module, develop refuses such a target and the stub explains it (instead of HPy's
    "mismatch between the HPy ABI tag"); the C-API backend is unaffected."""
    hello = os.path.join(REPO, "examples", "hello", "Cargo.toml")
    # PyPy 7.3 (HPy by default): develop refuses the venv ...
    venv = os.path.join(work, "errors", "env.hpy", "pypy73")
    run([lane_base("pypy73"), "-m", "venv", "--without-pip", venv])
    expect_error(cargo_hpy, "develop", "--python", os.path.join(venv, "bin", "python"), "-m",
                 hello, message="the path contains `.hpy`, and HPy's loader takes the ABI tag")
    # ... but not a CPython one (it goes on, to the missing pip).
    venv = os.path.join(work, "errors", "env.hpy", "py311")
    run([lane_base("py311"), "-m", "venv", "--without-pip", venv])
    expect_error(cargo_hpy, "develop", "--python", os.path.join(venv, "bin", "python"), "-m",
                 hello, message="has no pip")
    site = os.path.join(work, "errors", "site.hpy")
    run([os.environ["HPYRS_CPYTHON"], "-m", "pip", "--disable-pip-version-check", "install", "-q",
         "--no-deps", "--target", site, example_wheels["hello"]])
    message = ("ImportError: cannot import hello: HPy's loader takes the ABI tag from the first "
               f"'.hpy' in the path, and the folder '{site}' contains '.hpy'")
    code = "import hello; print(hello.__hpy_backend__)"
    # HPYRS_CPYTHON has hpy: HPY=debug gets as far as the path.
    for py, env in [("HPYRS_PYPY", {}), ("HPYRS_CPYTHON", {"HPY": "debug"})]:
        proc = run([os.environ[py], "-c", code], cwd="/", env=dict(env, PYTHONPATH=site),
                   check=False)
        assert proc.returncode == 1 and message in proc.stderr, proc.stderr
    proc = run([os.environ["HPYRS_CPYTHON"], "-c", code], cwd="/", env={"PYTHONPATH": site})
    assert proc.stdout.strip() == "capi"


def test_error_new_into_existing_folder(work, cargo_hpy):
    target = os.path.join(work, "errors", "exists")
    os.makedirs(target)
    expect_error(cargo_hpy, "new", target, message="already exists\nhint: use `cargo hpy init")


# ---------------------------------------------------------------- layouts and init

MIXED_RS = """#[hpy_rs::hpy_module]
mod _native {
    use hpy_rs::prelude::*;

    /// Call `f()`.
    #[hpy_function]
    fn call<'py>(f: &Handle<'py>) -> HPyResult<Handle<'py>> {
        f.call0()
    }
}
"""


def test_mixed_python_rust_layout(work, cargo_hpy, venvs):
    """maturin's python-source layout: python/<pkg>/ + the binary inside the package."""
    crate = write_crate(os.path.join(work, "mixed"), "mixedpkg", MIXED_RS, deps=HPY_DEP)
    os.makedirs(os.path.join(crate, "python", "mixedpkg"))
    with open(os.path.join(crate, "python", "mixedpkg", "__init__.py"), "w") as f:
        f.write("from ._native import call\n")
    with open(os.path.join(crate, "python", "mixedpkg", "helpers.py"), "w") as f:
        f.write("def two():\n    return 2\n")
    with open(os.path.join(crate, "pyproject.toml"), "w") as f:
        f.write('[project]\nname = "mixedpkg"\nversion = "1.2.3"\n\n'
                '[tool.hpy-rs]\nmodule-name = "mixedpkg._native"\n')
    proc = cargo_hpy_run(cargo_hpy, "build", "-m", os.path.join(crate, "Cargo.toml"), "-o",
                         os.path.join(work, "mixed", "out"), env=SHARED)
    wheel = proc.stdout.strip()
    names, _ = verify_record(wheel)
    assert sorted(n for n in names if not n.startswith("mixedpkg-1.2.3.dist-info")) == [
        "mixedpkg/__init__.py", "mixedpkg/_native.hpy0.so", "mixedpkg/_native.py",
        "mixedpkg/helpers.py"]
    code = ("import mixedpkg, mixedpkg.helpers\n"
            "print(mixedpkg._native.__hpy_backend__, mixedpkg._native.__name__, "
            "mixedpkg.helpers.two(), mixedpkg.call(lambda: 7), "
            "mixedpkg._native.__file__.endswith('/mixedpkg/_native.hpy0.so'))")
    # CPython 3.14: the C API (the extension loader, with a dotted name).
    py = venvs["py314"]
    pip_install(py, wheel)
    out = run([py, "-c", code], cwd="/").stdout.split()
    assert out == ["capi", "mixedpkg._native", "2", "7", "True"], out
    # PyPy 7.3: HPy; HPY=<module>:debug selects the mode per module, by the short name (as in
    # HPy) or the full one. The debug context tracks the handles open during a call.
    py = venvs["pypy73"]
    pip_install(py, wheel)
    code += ("\nfrom hpy.universal import _debug\ngen = _debug.new_generation()\n"
             "print(mixedpkg.call(lambda: len(_debug.get_open_handles(gen))) > 0)")
    for mode, backend in [("universal", "hpy-universal"), ("_native:debug", "hpy-debug"),
                          ("mixedpkg._native:debug", "hpy-debug"),
                          ("mixedpkg:debug", "hpy-universal")]:
        out = run([py, "-c", code], cwd="/", env={"HPY": mode}).stdout.split()
        assert out == [backend, "mixedpkg._native", "2", "7", "True",
                       str(backend == "hpy-debug")], (mode, out)


def test_init_adds_files_without_overwriting(work, cargo_hpy):
    folder = os.path.join(work, "init", "existing")
    os.makedirs(folder)
    with open(os.path.join(folder, "README.md"), "w") as f:
        f.write("mine\n")
    proc = cargo_hpy_run(cargo_hpy, "init", "--name", "initdemo", cwd=folder)
    assert "Initialised hpy-rs project `initdemo`" in proc.stderr
    assert "README.md` exists, left unchanged" in proc.stderr
    assert open(os.path.join(folder, "README.md")).read() == "mine\n"
    assert 'module-name = "initdemo"' in open(os.path.join(folder, "pyproject.toml")).read()
    assert "mod initdemo {" in open(os.path.join(folder, "src", "lib.rs")).read()
    # The scaffold loads as a crate cargo hpy can package (no compile needed for this check).
    run(["cargo", "metadata", "-q", "--no-deps", "--format-version", "1"], cwd=folder)


def test_error_backend_without_cargo_hpy(work, venvs):
    """pip install . on a machine without cargo-hpy: the backend says how to get it."""
    proj = os.path.join(work, "nobackend")
    os.makedirs(os.path.join(proj, "build_backend"))
    with open(os.path.join(REPO, "cargo-hpy", "python", "hpy_rs_build.py")) as f:
        shim = f.read()
    with open(os.path.join(proj, "build_backend", "hpy_rs_build.py"), "w") as f:
        f.write(shim)
    with open(os.path.join(proj, "pyproject.toml"), "w") as f:
        f.write('[build-system]\nrequires = []\nbuild-backend = "hpy_rs_build"\n'
                'backend-path = ["build_backend"]\n\n[project]\nname = "nobackend"\nversion = "0.1"\n')
    home = os.path.join(work, "nobackend-home")
    os.makedirs(home)
    env = {"PATH": "/usr/bin:/bin", "HOME": home, "CARGO_HOME": os.path.join(home, "cargo"),
           "CARGO_HPY": ""}
    proc = run([venvs["py311"]] + PIP + ["."], cwd=proj, env=env, check=False)
    assert proc.returncode != 0
    assert "error: cannot find cargo-hpy, which builds this hpy-rs project" in proc.stderr + proc.stdout
