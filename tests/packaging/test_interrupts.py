"""Interrupted builds, for real: cargo-hpy (or the PEP 517 backend) gets SIGINT, SIGTERM or
SIGKILL while cargo runs or while the wheel / sdist / project is being written. No partial
output is left under a final name, SIGINT/SIGTERM also stop cargo and remove the temporary
file, and the next run succeeds (and removes what a SIGKILL left).

Two test hooks make the windows wide enough to hit: the crate's build script waits for a
`release` file when HPYRS_TEST_SLOW_BUILD names a folder (mid-cargo), and
`__CARGO_HPY_TEST_WRITE_DELAY_MS` makes cargo-hpy sleep after each archive entry or
project file (mid-write)."""
import os
import signal
import subprocess
import tarfile
import time
import zipfile

import pytest

from conftest import (SHARED, backend_hook, cargo_hpy_run, module_crate, run, snapshot,
                      wheel_module, write)

SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGKILL]
DELAY = {"__CARGO_HPY_TEST_WRITE_DELAY_MS": "250"}

SLOW_BUILD_RS = """use std::{env, fs, path::Path, thread, time::Duration};

fn main() {
    println!("cargo:rerun-if-env-changed=HPYRS_TEST_SLOW_BUILD");
    if let Ok(dir) = env::var("HPYRS_TEST_SLOW_BUILD") {
        let dir = Path::new(&dir);
        fs::write(dir.join("started"), b"").unwrap();
        for _ in 0..2400 {
            if dir.join("release").exists() {
                break;
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
}
"""


# ---------------------------------------------------------------- processes

def proc_stat(pid):
    """(state, ppid) of a live process, or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[0], int(fields[1])


def alive(pid):
    stat = proc_stat(pid)
    return stat is not None and stat[0] != "Z"


def descendants(pid):
    """{pid: command name} of every process below `pid`."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = proc_stat(int(entry))
            if stat:
                children.setdefault(stat[1], []).append(int(entry))
    out, stack = {}, [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            try:
                with open(f"/proc/{child}/comm") as f:
                    out[child] = f.read().strip()
            except OSError:
                continue
            stack.append(child)
    return out


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def start(cmd, env, logs):
    """Starts `cmd` with stdout/stderr in files below `logs`; returns the Popen."""
    full_env = dict(os.environ)
    full_env.update(env)
    os.makedirs(logs, exist_ok=True)
    return subprocess.Popen([str(c) for c in cmd], env=full_env,
                            stdout=open(os.path.join(logs, "stdout"), "w"),
                            stderr=open(os.path.join(logs, "stderr"), "w"))


def log(logs, name="stderr"):
    with open(os.path.join(logs, name)) as f:
        return f.read()


def listing(folder):
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def stop(proc, sig, logs):
    """Sends `sig`; checks that the process ended by it (with one error line for the
    signals it can handle)."""
    proc.send_signal(sig)
    assert proc.wait(timeout=120) == -sig, log(logs)
    if sig != signal.SIGKILL:
        lines = log(logs).strip().splitlines()
        assert lines[-1].startswith(f"error: interrupted by {sig.name}"), lines
        assert "panicked" not in log(logs)


def check_archive(path):
    if path.endswith(".whl"):
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None
            assert any(n.endswith(".dist-info/RECORD") for n in z.namelist())
    else:
        with tarfile.open(path) as t:
            assert any(n.endswith("/PKG-INFO") for n in t.getnames())


@pytest.fixture(scope="module")
def crate(work, cargo_hpy):
    """An hpy-rs crate whose build script can be held (HPYRS_TEST_SLOW_BUILD), built once."""
    root = module_crate(os.path.join(work, "intr", "intrcrate"), "intrcrate")
    write(os.path.join(root, "build.rs"), SLOW_BUILD_RS)
    manifest = os.path.join(root, "Cargo.toml")
    cargo_hpy_run(cargo_hpy, "build", "-m", manifest, "-o", os.path.join(work, "intr", "first"),
                  env=SHARED)
    return manifest


# ---------------------------------------------------------------- while writing the archive

@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
@pytest.mark.parametrize("command", ["build", "sdist"])
def test_interrupted_while_writing(work, cargo_hpy, crate, command, sig):
    out = os.path.join(work, "intr", f"write-{command}-{sig.name}")
    logs = out + "-logs"
    proc = start([cargo_hpy, "hpy", command, "-m", crate, "-o", out], dict(SHARED, **DELAY), logs)
    temps = wait_for(lambda: [n for n in listing(out) if n.endswith(".tmp")], 300,
                     "the temporary archive")
    # Mid-write: the temporary file is there and has data; no final name yet.
    wait_for(lambda: os.path.getsize(os.path.join(out, temps[0])) > 0, 60, "archive data")
    assert listing(out) == temps and temps[0].startswith(".")
    stop(proc, sig, logs)
    assert log(logs, "stdout") == ""
    # SIGKILL leaves only the hidden temporary file, never a file under the final name.
    assert listing(out) == (temps if sig == signal.SIGKILL else [])
    # The next run succeeds, and removes the stale temporary file.
    final = cargo_hpy_run(cargo_hpy, command, "-m", crate, "-o", out, env=SHARED).stdout.strip()
    assert listing(out) == [os.path.basename(final)]
    check_archive(final)


# ---------------------------------------------------------------- while cargo runs

CARGO_CASES = [("build", signal.SIGINT), ("build", signal.SIGTERM), ("build", signal.SIGKILL),
               ("develop", signal.SIGTERM)]


@pytest.mark.parametrize("command,sig", CARGO_CASES, ids=[f"{c}-{s.name}" for c, s in CARGO_CASES])
def test_interrupted_while_cargo_builds(work, cargo_hpy, crate, venvs, command, sig):
    gate = os.path.join(work, "intr", f"gate-{command}-{sig.name}")
    os.makedirs(gate)
    out = os.path.join(work, "intr", f"cargo-{command}-{sig.name}")
    if command == "build":
        args = ["build", "-m", crate, "-o", out]
    else:
        args = ["develop", "--python", venvs["py311"], "-m", crate]
        out = os.path.join(SHARED["CARGO_TARGET_DIR"], "hpy-develop")
    before = [n for n in listing(out) if n.startswith("intrcrate")]
    logs = gate + "-logs"
    proc = start([cargo_hpy, "hpy"] + args, dict(SHARED, HPYRS_TEST_SLOW_BUILD=gate), logs)
    try:
        wait_for(lambda: os.path.exists(os.path.join(gate, "started")), 300, "the build script")
        cargo = [p for p, name in descendants(proc.pid).items() if name == "cargo"]
        assert cargo, descendants(proc.pid)
        stop(proc, sig, logs)
        if sig != signal.SIGKILL:
            # cargo-hpy stopped cargo before it ended.
            assert not any(alive(p) for p in cargo)
        assert [n for n in listing(out) if n.startswith("intrcrate")] == before
        assert not [n for n in listing(out) if n.endswith(".tmp")]
    finally:
        write(os.path.join(gate, "release"), "")
    # The next run succeeds (after a SIGKILL, once the orphaned cargo has finished).
    proc = cargo_hpy_run(cargo_hpy, *args, env=SHARED)
    if command == "build":
        final = proc.stdout.strip()
        assert wheel_module(final) == "intrcrate" and listing(out) == [os.path.basename(final)]
        check_archive(final)
    else:
        assert "Installed intrcrate 0.1.0" in proc.stderr
        code = "import intrcrate; print(intrcrate.one())"
        assert run([venvs["py311"], "-c", code], cwd="/").stdout.strip() == "1"
    if sig == signal.SIGKILL:
        wait_for(lambda: not any(alive(p) for p in cargo), 120, "the orphaned cargo to end")


# ---------------------------------------------------------------- new and init

@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=lambda s: s.name)
def test_interrupted_new(work, cargo_hpy, sig):
    parent = os.path.join(work, "intr", f"new-{sig.name}")
    os.makedirs(parent)
    dest = os.path.join(parent, "demo")
    logs = parent + "-logs"
    proc = start([cargo_hpy, "hpy", "new", dest], DELAY, logs)
    staging = wait_for(lambda: [n for n in listing(parent) if n.startswith(".demo.")], 60,
                       "the staging folder")
    wait_for(lambda: os.path.exists(os.path.join(parent, staging[0], "Cargo.toml")), 60,
             "the first file")
    stop(proc, sig, logs)
    # No `demo` folder: a SIGKILL leaves only the hidden staging folder.
    assert listing(parent) == (staging if sig == signal.SIGKILL else [])
    proc = cargo_hpy_run(cargo_hpy, "new", dest)
    assert "Created hpy-rs project `demo`" in proc.stderr
    assert listing(parent) == ["demo"]
    assert os.path.isfile(os.path.join(dest, "tests", "test_demo.py"))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=lambda s: s.name)
def test_interrupted_init(work, cargo_hpy, sig):
    folder = os.path.join(work, "intr", f"init-{sig.name.lower()}")
    write(os.path.join(folder, "README.md"), "mine\n")
    before = snapshot(folder)
    logs = folder + "-logs"
    proc = start([cargo_hpy, "hpy", "init", folder], DELAY, logs)
    wait_for(lambda: os.path.exists(os.path.join(folder, "src", "lib.rs")), 60,
             "the first files")
    stop(proc, sig, logs)
    if sig == signal.SIGKILL:
        # The files written so far are whole; the next init completes the project.
        assert "mine\n" == open(os.path.join(folder, "README.md")).read()
    else:
        assert snapshot(folder) == before
    proc = cargo_hpy_run(cargo_hpy, "init", folder)
    assert "Initialised hpy-rs project" in proc.stderr
    for f in ["Cargo.toml", "src/lib.rs", "pyproject.toml", "build_backend/hpy_rs_build.py",
              f"tests/test_init_{sig.name.lower()}.py"]:
        assert os.path.isfile(os.path.join(folder, f)), f
    assert not [n for n in os.listdir(folder) if n.endswith(".tmp")]
    assert "mod init_" in open(os.path.join(folder, "src", "lib.rs")).read()


# ---------------------------------------------------------------- the PEP 517 backend

@pytest.mark.parametrize("how", ["SIGTERM-backend", "SIGINT-group"])
def test_interrupted_backend(work, cargo_hpy, crate, venvs, how):
    """SIGTERM to the backend process (a frontend stopping it), or SIGINT to its whole process
    group (Ctrl-C in a terminal): cargo-hpy and cargo stop, no wheel is left, and the next
    build_wheel succeeds."""
    project = os.path.dirname(crate)
    gate = os.path.join(work, "intr", f"gate-backend-{how}")
    out = os.path.join(work, "intr", f"backend-{how}")
    os.makedirs(gate)
    os.makedirs(out)
    env = dict(SHARED, CARGO_HPY=cargo_hpy, HPYRS_TEST_SLOW_BUILD=gate)
    proc = backend_hook(venvs["py311"], project, "build_wheel", out, env=env, popen=True)
    try:
        wait_for(lambda: os.path.exists(os.path.join(gate, "started")), 300, "the build script")
        tree = descendants(proc.pid)
        stopped = [p for p, name in tree.items() if name in ("cargo-hpy", "cargo")]
        assert len(stopped) == 2, tree
        if how == "SIGTERM-backend":
            proc.send_signal(signal.SIGTERM)
            sig = signal.SIGTERM
        else:
            os.killpg(proc.pid, signal.SIGINT)
            sig = signal.SIGINT
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 128 + sig, stderr
        assert stderr.strip().splitlines()[-1] == f"error: the build was interrupted ({sig.name})"
        assert "Traceback" not in stderr and stdout == ""
        wait_for(lambda: not any(alive(p) for p in stopped), 30, "cargo-hpy and cargo to end")
        assert listing(out) == []
    finally:
        write(os.path.join(gate, "release"), "")
    env.pop("HPYRS_TEST_SLOW_BUILD")
    proc = backend_hook(venvs["py311"], project, "build_wheel", out, env=env)
    assert proc.returncode == 0, proc.stderr
    name = proc.stdout.strip()
    assert listing(out) == [name] and name.startswith("intrcrate-0.1.0-py3-none-")
    check_archive(os.path.join(out, name))
