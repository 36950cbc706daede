"""Fixtures for the packaging tests (cargo hpy): fresh venvs, a local wheelhouse, wheels.

Run with the CPython runtime (scripts/test.sh does):
    $HPYRS_CPYTHON -m pytest -q -p no:cacheprovider tests/packaging

Environment: HPYRS_CPYTHON and HPYRS_PYPY (from .runtimes/env.sh); HPYRS_WHEELHOUSE
(default .runtimes/wheelhouse) caches hpy==0.9.0, pytest and check-wheel-contents wheels
so that every pip call below runs with --no-index (downloaded once, then offline).
Builds outside the workspace share one cargo target dir: target/packaging.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WORK = os.path.join(REPO, "tests", "_build", "packaging")
SHARED_TARGET = os.path.join(REPO, "target", "packaging")
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


def _pypy_base():
    wrapper = os.path.join(REPO, ".runtimes", "bin", "pypy3.11")
    return wrapper if os.path.exists(wrapper) else os.environ["HPYRS_PYPY"]


@pytest.fixture(scope="session")
def venvs(work, wheelhouse):
    """Fresh venvs {"cpython": python, "pypy": python}, each with pytest from the wheelhouse."""
    out = {}
    for impl, base in [("cpython", os.environ["HPYRS_CPYTHON"]), ("pypy", _pypy_base())]:
        venv = os.path.join(work, f"venv-{impl}")
        run([base, "-m", "venv", venv])
        py = os.path.join(venv, "bin", "python")
        name = run([py, "-c", "import sys; print(sys.implementation.name)"]).stdout.strip()
        assert name == impl
        run([py] + PIP + ["pytest"])
        out[impl] = py
    return out


def cargo_hpy_run(exe, *args, cwd=None, env=None, check=True):
    return run([exe, "hpy"] + list(args), cwd=cwd, env=env, check=check)


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
