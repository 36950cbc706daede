"""PEP 517 build backend of an hpy-rs project: builds wheels and sdists with cargo-hpy.

`cargo hpy new` / `cargo hpy init` write this file into the project (and `cargo hpy sdist`
into every sdist); pyproject.toml names it with `backend-path`, so pip needs no package
index to build. It runs the cargo-hpy binary, looked up in this order:

1. the path in the environment variable CARGO_HPY;
2. `cargo-hpy` on PATH;
3. $CARGO_HOME/bin/cargo-hpy, then ~/.cargo/bin/cargo-hpy.

Install cargo-hpy with `cargo install --path <hpy-rs checkout>/cargo-hpy`.

Config settings (`pip install . -C profile=dev`): `profile` is `release` (default) or `dev`.
"""

import os
import shutil
import subprocess
import sys

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


def _run(args):
    """Runs cargo-hpy; its progress goes to stderr, the produced file's path to stdout."""
    cmd = [_cargo_hpy(), "hpy"] + args
    proc = subprocess.run(cmd, stdout=subprocess.PIPE)
    if proc.returncode != 0:
        _fail("`%s` failed with exit code %d" % (" ".join(cmd), proc.returncode))
    lines = proc.stdout.decode("utf-8", "replace").strip().splitlines()
    if not lines:
        _fail("`%s` printed no file name" % " ".join(cmd))
    return os.path.basename(lines[-1])


def _manifest():
    return os.path.abspath("Cargo.toml")


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    args = ["build", "--manifest-path", _manifest(), "--out", os.path.abspath(wheel_directory)]
    profile = (config_settings or {}).get("profile", "release")
    if profile == "release":
        args.append("--release")
    elif profile not in ("dev", "debug"):
        _fail("unknown profile %r in the config settings (use release or dev)" % (profile,))
    return _run(args)


def build_sdist(sdist_directory, config_settings=None):
    return _run(["sdist", "--manifest-path", _manifest(), "--out", os.path.abspath(sdist_directory)])
