"""PEP 517 build backend of an hpy-rs project: builds wheels and sdists with cargo-hpy.

`cargo hpy new` / `cargo hpy init` write this file into the project (and `cargo hpy sdist`
into every sdist); pyproject.toml names it with `backend-path`, so pip needs no package
index to build. It runs the cargo-hpy binary, looked up in this order:

1. the path in the environment variable CARGO_HPY;
2. `cargo-hpy` on PATH;
3. $CARGO_HOME/bin/cargo-hpy, then ~/.cargo/bin/cargo-hpy.

Install cargo-hpy with `cargo install --path <hpy-rs checkout>/cargo-hpy`.

Config settings (`pip install . -C profile=dev`): `profile` is `release` (default) or `dev`.

cargo-hpy writes the wheel or sdist to a temporary file and renames it when complete; an
interrupt of this backend (Ctrl-C, SIGTERM) is passed on to cargo-hpy, which stops cargo and
removes the partial file.
"""

import os
import shutil
import signal
import subprocess
import sys
import threading

_HINT = (
    "install it with `cargo install --path <hpy-rs checkout>/cargo-hpy`, "
    "or set CARGO_HPY to the cargo-hpy binary"
)


def _fail(message):
    sys.stderr.write("error: %s\n" % message)
    sys.stderr.flush()
    raise SystemExit(1)


def _cargo_hpy():
    exe = os.environ.get("CARGO_HPY")
    if exe:
        if not os.path.isfile(exe):
            _fail("CARGO_HPY=%s is not a file; %s" % (exe, _HINT))
        return exe
    exe = shutil.which("cargo-hpy")
    if exe:
        return exe
    homes = [os.environ.get("CARGO_HOME"), os.path.join(os.path.expanduser("~"), ".cargo")]
    for home in homes:
        if home and os.path.isfile(os.path.join(home, "bin", "cargo-hpy")):
            return os.path.join(home, "bin", "cargo-hpy")
    _fail("cannot find cargo-hpy, which builds this hpy-rs project; " + _HINT)


class _Interrupted(Exception):
    def __init__(self, signum):
        Exception.__init__(self, signum)
        self.signum = signum


def _on_signal(signum, frame):
    raise _Interrupted(signum)


def _stop(proc, signum):
    """Passes an interrupt on to cargo-hpy, which stops cargo and removes its partial output."""
    if proc.poll() is None:
        try:
            proc.send_signal(signum)
            proc.wait(timeout=30)
        except Exception:
            proc.kill()
            proc.wait()
    sys.stderr.write("error: the build was interrupted (%s)\n" % signal.Signals(signum).name)
    sys.stderr.flush()
    raise SystemExit(128 + signum)


def _run(args, out_dir):
    """Runs cargo-hpy; its progress goes to stderr, the produced file's path to stdout.

    On failure cargo-hpy has already printed its `error:` line, so only the exit status is
    passed on. SIGINT (KeyboardInterrupt) and SIGTERM are passed on to cargo-hpy.
    """
    cmd = [_cargo_hpy(), "hpy"] + args
    handle_term = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_signal) if handle_term else None
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    try:
        stdout, _ = proc.communicate()
    except KeyboardInterrupt:
        _stop(proc, signal.SIGINT)
    except _Interrupted as exc:
        _stop(proc, exc.signum)
    finally:
        if handle_term:
            signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)
    if proc.returncode < 0:
        _fail("`%s` was killed by %s" % (" ".join(cmd), signal.Signals(-proc.returncode).name))
    if proc.returncode != 0:
        raise SystemExit(proc.returncode)
    lines = stdout.decode("utf-8", "replace").strip().splitlines()
    name = os.path.basename(lines[-1]) if lines else ""
    if not name or not os.path.isfile(os.path.join(out_dir, name)):
        _fail("`%s` printed no file name in %s" % (" ".join(cmd), out_dir))
    return name


def _manifest():
    return os.path.abspath("Cargo.toml")


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    out = os.path.abspath(wheel_directory)
    args = ["build", "--manifest-path", _manifest(), "--out", out]
    profile = (config_settings or {}).get("profile", "release")
    if profile == "release":
        args.append("--release")
    elif profile not in ("dev", "debug"):
        _fail("unknown profile %r in the config settings (use release or dev)" % (profile,))
    return _run(args, out)


def build_sdist(sdist_directory, config_settings=None):
    out = os.path.abspath(sdist_directory)
    return _run(["sdist", "--manifest-path", _manifest(), "--out", out], out)
