#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs the runtimes (cached in .runtimes/),
# checks formatting and lints, runs the Rust tests (unit, layout proof, UI), builds the example
# extensions once, and runs the Python suites on that same binary in every lane:
#   CPython 3.11    C-API backend, HPy universal, HPy debug (LeakDetector around every test)
#   CPython 3.13, 3.14, 3.15     C-API backend
#   CPython 3.14d   C-API backend, Py_DEBUG: every test re-run under a sys.gettotalrefcount() check
#   PyPy 7.3.19     HPy universal, HPy debug
#   PyPy 8.0        C-API backend through cpyext
# then the packaging tests (cargo hpy wheels installed into fresh venvs of those interpreters).
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

# Every lane: "<python> <backend mode>", in the order above.
LANES=(
  "$HPYRS_CPYTHON capi" "$HPYRS_CPYTHON universal" "$HPYRS_CPYTHON debug"
  "$HPYRS_PY313 capi" "$HPYRS_PY314 capi" "$HPYRS_PY315 capi" "$HPYRS_PY314D capi"
  "$HPYRS_PYPY universal" "$HPYRS_PYPY debug"
  "$HPYRS_PYPY8 capi"
)
status=0
for lane in "${LANES[@]}"; do
  py=${lane% *} mode=${lane##* }
  step "pytest: $("$py" -c 'import sys; v = sys.version_info; p = getattr(sys, "pypy_version_info", None); print("PyPy %d.%d" % p[:2] if p else "CPython %d.%d%s" % (v[0], v[1], "d" if hasattr(sys, "gettotalrefcount") else ""))') / $mode"
  HPYRS_MODE=$mode "$py" -m pytest -q -p no:cacheprovider tests/python || status=1
done

step "same binary in every lane"
"$HPYRS_CPYTHON" - "${#LANES[@]}" <<'PY' || status=1
import glob, json, os, sys
lanes = {os.path.basename(p): json.load(open(p)) for p in sorted(glob.glob("tests/_build/lanes/*.json"))}
print("\n".join(f"  {k}: {len(v)} modules" for k, v in lanes.items()))
if len(lanes) != int(sys.argv[1]):
    sys.exit(f"expected {sys.argv[1]} lanes, found {len(lanes)}: {sorted(lanes)}")
if len({json.dumps(v, sort_keys=True) for v in lanes.values()}) != 1:
    sys.exit("lanes loaded different binaries")
print(f"all {len(lanes)} lanes loaded identical .hpy0.so files")
PY

# ---- packaging (cargo hpy) ------------------------------------------------- begin
# Wheels of every example installed on every interpreter, the import stub's backend choices
# and errors, `cargo hpy new` + `pip install .`, sdist, develop and the error messages, in fresh
# venvs of CPython 3.11/3.13/3.14/3.15, PyPy 7.3 and PyPy 8 (pip runs offline from
# .runtimes/wheelhouse).
step "packaging: cargo hpy (tests/packaging, fresh venvs of every interpreter)"
"$HPYRS_CPYTHON" -m pytest -q -p no:cacheprovider tests/packaging || status=1
# ---- packaging (cargo hpy) ------------------------------------------------- end
exit $status
