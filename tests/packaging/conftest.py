"""Fixtures for the packaging tests (cargo hpy): fresh venvs of every interpreter (shared by
the whole session), a local wheelhouse, wheels.

Run with the CPython runtime (scripts/test.sh does):
    $HPYRS_CPYTHON -m pytest -q -p no:cacheprovider tests/packaging

Environment: the HPYRS_* interpreters of .runtimes/env.sh (see LANES); HPYRS_WHEELHOUSE
(default .runtimes/wheelhouse) caches hpy==0.9.0, pytest and check-wheel-contents wheels
so that every pip call below runs with --no-index (downloaded once, then offline).
Builds outside the workspace share one cargo target dir: target/packaging.
"""
import concurrent.futures
import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
import threading
import zipfile

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WORK = os.path.join(REPO, "tests", "_build", "packaging")
SHARED_TARGET = os.path.join(REPO, "target", "packaging")
SHARED = {"CARGO_TARGET_DIR": SHARED_TARGET}
WHEELHOUSE = os.environ.get("HPYRS_WHEELHOUSE", os.path.join(REPO, ".runtimes", "wheelhouse"))
WHEELHOUSE_PKGS = ["hpy==0.9.0", "pytest", "check-wheel-contents"]
WHEELHOUSE_STAMP = os.path.join(WHEELHOUSE, ".complete-1")
PIP = ["-m", "pip", "--disable-pip-version-check", "install", "-q", "--no-index",
       "--find-links", WHEELHOUSE]


def run(cmd, *, cwd=None, env=None, check=True, timeout=900):
    """Runs a command, returns CompletedProcess with text stdout/stderr (echoed on failure)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=full_env, text=True,
                          capture_output=True, timeout=timeout)
    if check and proc.returncode != 0:
        pytest.fail(f"command failed ({proc.returncode}): {' '.join(map(str, cmd))}\n"
                    f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}")
    return proc


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


@pytest.fixture(scope="session")
def work():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    return WORK


@pytest.fixture(scope="session")
def cargo_hpy():
    """The cargo-hpy binary of this checkout (debug build)."""
    run(["cargo", "build", "-q", "-p", "cargo-hpy"], cwd=REPO)
    exe = os.path.join(REPO, "target", "debug", "cargo-hpy")
    assert os.path.isfile(exe)
    return exe


@pytest.fixture(scope="session")
def wheelhouse():
    if not os.path.exists(WHEELHOUSE_STAMP):
        os.makedirs(WHEELHOUSE, exist_ok=True)
        run([sys.executable, "-m", "pip", "--disable-pip-version-check", "download", "-q",
             "--only-binary", ":all:", "-d", WHEELHOUSE] + WHEELHOUSE_PKGS)
        open(WHEELHOUSE_STAMP, "w").close()
    return WHEELHOUSE


# Every interpreter an hpy-rs wheel installs on: lane -> (the `.runtimes/bin` wrapper to make
# venvs with, or the env.sh variable of its venv python; sys.implementation.name; "major.minor"
# of the Python version; the backend an installed module picks by default).
LANES = {
    "py311": ("HPYRS_CPYTHON", "cpython", "3.11", "capi"),
    "py313": ("python3.13", "cpython", "3.13", "capi"),
    "py314": ("python3.14", "cpython", "3.14", "capi"),
    "py315": ("python3.15", "cpython", "3.15", "capi"),
    "pypy73": ("pypy3.11", "pypy", "3.11", "hpy-universal"),
    "pypy8": ("pypy3.11-v8", "pypy", "3.11", "capi"),
}
FALLBACK = {"python3.13": "HPYRS_PY313", "python3.14": "HPYRS_PY314",
            "python3.15": "HPYRS_PY315", "pypy3.11": "HPYRS_PYPY", "pypy3.11-v8": "HPYRS_PYPY8"}


def lane_base(lane):
    """The interpreter that makes the lane's venvs: the wrapper in .runtimes/bin (it finds its
    prefix from its own path), else the lane's venv python from env.sh."""
    name = LANES[lane][0]
    if name.startswith("HPYRS_"):
        return os.environ[name]
    wrapper = os.path.join(REPO, ".runtimes", "bin", name)
    return wrapper if os.path.exists(wrapper) else os.environ[FALLBACK[name]]


class Venvs:
    """Fresh venvs, one per lane, made on first use and shared by every test of the session.

    `venvs["py314"]` is the venv's python. A venv holds only pip: no hpy (the wheels need none;
    `has_hpy` adds or removes it on py311 for the tests that ask) and no pytest (`with_pytest`).
    `all()` makes the missing ones in parallel."""

    def __init__(self, work):
        self.work = work
        self.pythons = {}
        self.locks = {lane: threading.Lock() for lane in LANES}
        self.pytest = set()

    def __getitem__(self, lane):
        with self.locks[lane]:
            if lane not in self.pythons:
                self.pythons[lane] = self._make(lane)
            return self.pythons[lane]

    def _make(self, lane):
        _, impl, version, _ = LANES[lane]
        venv = os.path.join(self.work, f"venv-{lane}")
        run([lane_base(lane), "-m", "venv", venv])
        py = os.path.join(venv, "bin", "python")
        found = run([py, "-c", "import sys; v = sys.version_info; "
                               "print(sys.implementation.name, '%d.%d' % v[:2])"]).stdout.split()
        assert found == [impl, version], (lane, found)
        return py

    def all(self, then=None):
        """{lane: python} of every lane, after `then(lane)` (which returns the python), run in
        parallel with the other lanes."""
        with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
            return dict(zip(LANES, pool.map(then or self.__getitem__, LANES)))

    def with_pytest(self, lane):
        py = self[lane]
        if lane not in self.pytest:
            run([py] + PIP + ["pytest"])
            self.pytest.add(lane)
        return py

    def has_hpy(self, lane, present):
        """Installs (hpy 0.9.0, from the wheelhouse) or removes the `hpy` package."""
        py = self[lane]
        if importable(py, "hpy") == present:
            return py
        if present:
            run([py] + PIP + ["hpy==0.9.0"])
        else:
            run([py, "-m", "pip", "--disable-pip-version-check", "uninstall", "-q", "-y", "hpy"])
        assert importable(py, "hpy") == present
        return py


def importable(py, module):
    """Whether `import module` works in `py`."""
    code = "import importlib, sys\ntry:\n    importlib.import_module(sys.argv[1])\n" \
           "except ImportError:\n    print(False)\nelse:\n    print(True)"
    return run([py, "-c", code, module], cwd="/").stdout.strip() == "True"


@pytest.fixture(scope="session")
def venvs(work, wheelhouse):
    return Venvs(work)


def cargo_hpy_run(exe, *args, cwd=None, env=None, check=True):
    return run([exe, "hpy"] + list(args), cwd=cwd, env=env, check=check)


# ---------------------------------------------------------------- crates and checks for errors

HPY_DEP = f'hpy-rs = {{ path = "{REPO}/hpy-rs" }}\n'
MODULE_RS = "#[hpy_rs::hpy_module]\nmod {mod} {{\n    use hpy_rs::prelude::*;\n\n" \
            "    #[hpy_function]\n    fn one() -> i64 {{\n        1\n    }}\n}}\n"
BACKEND = ('[build-system]\nrequires = []\nbuild-backend = "hpy_rs_build"\n'
           'backend-path = ["build_backend"]\n')


def write_crate(root, name, lib_rs, *, crate_type="cdylib", deps="", extra=""):
    os.makedirs(os.path.join(root, "src"), exist_ok=True)
    lib = f'[lib]\ncrate-type = ["{crate_type}"]\n' if crate_type else ""
    with open(os.path.join(root, "Cargo.toml"), "w") as f:
        f.write(f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n\n{lib}\n'
                f'[dependencies]\n{deps}\n{extra}\n[workspace]\n')
    with open(os.path.join(root, "src", "lib.rs"), "w") as f:
        f.write(lib_rs)
    return root


def module_crate(root, name, mod=None, *, backend=True):
    """A crate with an `#[hpy_module] mod <mod>` (default: its own name) and, with `backend`,
    the PEP 517 backend shim and a pyproject.toml naming it."""
    write_crate(root, name, MODULE_RS.format(mod=mod or name), deps=HPY_DEP)
    if backend:
        os.makedirs(os.path.join(root, "build_backend"), exist_ok=True)
        shutil.copy(os.path.join(REPO, "cargo-hpy", "python", "hpy_rs_build.py"),
                    os.path.join(root, "build_backend"))
        write(os.path.join(root, "pyproject.toml"), BACKEND)
    return root


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


def snapshot(path):
    """{relative path: bytes} of every file below `path` (None when it does not exist)."""
    if not os.path.exists(path):
        return None
    out = {}
    for root, dirs, files in os.walk(path):
        for d in dirs:
            out[os.path.relpath(os.path.join(root, d), path) + "/"] = None
        for f in files:
            full = os.path.join(root, f)
            with open(full, "rb") as fh:
                out[os.path.relpath(full, path)] = fh.read()
    return out


def assert_one_line_error(stderr, message):
    """stderr ends with exactly one `error: ...` line, holding `message`, and `hint:` lines."""
    lines = stderr.rstrip("\n").splitlines()
    errors = [i for i, line in enumerate(lines) if line.startswith("error: ")]
    assert len(errors) == 1, stderr
    tail = lines[errors[0]:]
    assert all(line.startswith("hint: ") for line in tail[1:]), stderr
    assert message in "\n".join(tail), stderr
    for bad in ["panicked", "RUST_BACKTRACE", "stack backtrace", "Traceback", "caused by"]:
        assert bad not in stderr, stderr
    return tail[0]


def expect_error(exe, *args, message, cwd=None, env=None, unchanged=()):
    """Runs cargo hpy, which must fail with exit code 1 and one error line holding `message`,
    printing nothing on stdout and leaving the folders `unchanged` as they were."""
    before = [snapshot(p) for p in unchanged]
    proc = cargo_hpy_run(exe, *args, cwd=cwd, env=env, check=False)
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert_one_line_error(proc.stderr, message)
    assert proc.stdout == ""
    for path, snap in zip(unchanged, before):
        assert snapshot(path) == snap, f"{path} changed: {snapshot(path)} != {snap}"
    return proc.stderr


def backend_hook(py, project, hook, out, *, env=None, popen=False, config=None):
    """Calls the PEP 517 hook `hook(out, config)` of `project`'s backend shim in a fresh `py`
    (the dev profile unless `config` says otherwise)."""
    config = {"profile": "dev"} if config is None else config
    code = ("import sys\nsys.path.insert(0, 'build_backend')\nimport hpy_rs_build\n"
            f"print(hpy_rs_build.{hook}(sys.argv[1], {config!r}))\n")
    cmd = [py, "-c", code, out]
    if popen:
        full_env = dict(os.environ)
        full_env.update(env or {})
        return subprocess.Popen(cmd, cwd=project, env=full_env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
    return run(cmd, cwd=project, env=env, check=False)


@contextlib.contextmanager
def unwritable(path):
    """`path` as a folder that even root cannot write into (chattr +i; chmod for others)."""
    os.makedirs(path, exist_ok=True)
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("running as root without chattr: cannot make a folder unwritable")
        made = run(["chattr", "+i", path], check=False).returncode == 0
        undo = ["chattr", "-i", path]
    else:
        os.chmod(path, 0o555)
        made, undo = True, None
    try:
        probe = os.path.join(path, "probe")
        try:
            open(probe, "w").close()
        except OSError:
            pass
        else:
            os.remove(probe)
            made = False
        if not made:
            pytest.skip(f"cannot make {path} unwritable on this file system")
        yield path
    finally:
        if undo:
            run(undo, check=False)
        else:
            os.chmod(path, 0o755)


def wheel_module(wheel):
    """The import name of the extension in a wheel (from its `.hpy0.so`)."""
    with zipfile.ZipFile(wheel) as z:
        sos = [n for n in z.namelist() if n.endswith(".hpy0.so")]
    assert len(sos) == 1, sos
    return sos[0][: -len(".hpy0.so")].replace("/", ".")


def example_crates():
    """Every cdylib crate under examples/ (new examples are picked up automatically)."""
    out = []
    for name in sorted(os.listdir(os.path.join(REPO, "examples"))):
        manifest = os.path.join(REPO, "examples", name, "Cargo.toml")
        if os.path.isfile(manifest) and "cdylib" in open(manifest).read():
            out.append(name)
    return out


@pytest.fixture(scope="session")
def example_wheels(work, cargo_hpy):
    """{example: wheel path}, built with `cargo hpy build` into one folder."""
    out_dir = os.path.join(work, "wheels")
    wheels = {}
    for name in example_crates():
        proc = cargo_hpy_run(cargo_hpy, "build", "-m",
                             os.path.join(REPO, "examples", name, "Cargo.toml"), "-o", out_dir)
        wheel = proc.stdout.strip().splitlines()[-1]
        assert os.path.isfile(wheel), proc.stdout
        wheels[name] = wheel
    return wheels
