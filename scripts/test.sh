#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs the runtimes (cached in .runtimes/),
# checks formatting and lints, runs the Rust tests (unit, layout proof, UI), builds the example
# extensions once, and runs the Python suites in four lanes on that same binary:
# CPython/PyPy x universal/debug (LeakDetector around every test in debug lanes), then the
# packaging tests (cargo hpy wheels installed into fresh CPython and PyPy venvs).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never RUST_BACKTRACE=0

step() { printf '\n==== %s\n' "$*"; }

step "runtimes"
bash scripts/setup-runtimes.sh
source .runtimes/env.sh
export HPYRS_REQUIRE_HEADERS=1

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test (unit, layout proof, UI, doctests)"
cargo test --workspace

step "build example extensions"
build=tests/_build/ext
rm -rf tests/_build
bash scripts/build-examples.sh "$build"
export HPYRS_BUILD_DIR="$PWD/$build" HPYRS_LANE_DIR="$PWD/tests/_build/lanes"

status=0
for py in "$HPYRS_CPYTHON" "$HPYRS_PYPY"; do
  for mode in universal debug; do
    step "pytest: $("$py" -c 'import sys; print(sys.implementation.name)') / $mode"
    HPYRS_MODE=$mode "$py" -m pytest -q -p no:cacheprovider tests/python || status=1
  done
done

step "same binary in every lane"
"$HPYRS_CPYTHON" - <<'PY' || status=1
import glob, json, os, sys
lanes = {os.path.basename(p): json.load(open(p)) for p in sorted(glob.glob("tests/_build/lanes/*.json"))}
print("\n".join(f"  {k}: {v}" for k, v in lanes.items()))
expected = {"cpython-universal.json", "cpython-debug.json", "pypy-universal.json", "pypy-debug.json"}
if set(lanes) != expected:
    sys.exit(f"missing lanes: {expected - set(lanes)}")
if len({json.dumps(v, sort_keys=True) for v in lanes.values()}) != 1:
    sys.exit("lanes loaded different binaries")
print("all four lanes loaded identical .hpy0.so files")
PY

# ---- packaging (cargo hpy) ------------------------------------------------- begin
# Wheels of every example, `cargo hpy new` + `pip install .`, sdist, develop and the error
# messages, in fresh CPython and PyPy venvs (pip runs offline from .runtimes/wheelhouse).
step "packaging: cargo hpy (tests/packaging, fresh CPython and PyPy venvs)"
"$HPYRS_CPYTHON" -m pytest -q -p no:cacheprovider tests/packaging || status=1
# ---- packaging (cargo hpy) ------------------------------------------------- end
exit $status
