#!/usr/bin/env bash
# examples/rpds against rpds-py 2026.6.3's PyO3 build, on the four interpreters of the issue:
#   CPython 3.11 and 3.14 (C-API backend; PyO3 wheels from PyPI),
#   PyPy 7.3.19 (HPy universal; the PyO3 pp73 wheel runs through cpyext),
#   PyPy 8 (C-API backend through cpyext; PyO3 built from the sdist with maturin, no wheel exists).
# Usage: bash bench/rpds_run.sh [ROUNDS]     (writes bench/_build/rpds/*.json and prints tables)
set -euo pipefail
cd "$(dirname "$0")/.."
source .runtimes/env.sh
rounds=${1:-7}
out=bench/_build/rpds
mkdir -p "$out/wheels" "$out/sdist"
cargo build --release -p rpds@0.1.0 >&2
cp target/release/librpds.so "$out/rpds.hpy0.so"

fetch() { # pip download into $out/wheels (cached)
  ls "$out/wheels/"*"$1"* >/dev/null 2>&1 && return
  "$HPYRS_CPYTHON" -m pip download -q --no-deps --only-binary=:all: -d "$out/wheels" \
    --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 "${@:2}" rpds-py==2026.6.3
}
fetch cp311 --implementation cp --python-version 311
fetch cp314 --implementation cp --python-version 314
fetch pp73 --implementation pp --python-version 311 --abi pypy311_pp73
install() { # interpreter, target folder, wheel or sdist
  [ -d "$2/rpds" ] || "$1" -m pip install -q --no-deps --target "$2" "$3"
}
install "$HPYRS_CPYTHON" "$out/t311" "$out"/wheels/*cp311*.whl
install "$HPYRS_PY314" "$out/t314" "$out"/wheels/*cp314*.whl
install "$HPYRS_PYPY" "$out/tpp73" "$out"/wheels/*pp73*.whl
if [ ! -d "$out/tpp80/rpds" ]; then
  ls "$out"/sdist/*.tar.gz >/dev/null 2>&1 ||
    "$HPYRS_PYPY8" -m pip download -q --no-deps --no-binary rpds-py -d "$out/sdist" rpds-py==2026.6.3
  # pip builds it with maturin from PyPI, for this interpreter.
  install "$HPYRS_PYPY8" "$out/tpp80" "$out"/sdist/*.tar.gz
fi
run() { # interpreter, mode, pyo3 folder, name
  "$1" bench/rpds_bench.py --ours "$PWD/$out/rpds.hpy0.so" --mode "$2" --pyo3 "$PWD/$3" \
    --rounds "$rounds" --json "$out/$4.json"
  echo
}
run "$HPYRS_CPYTHON" capi "$out/t311" cpython311
run "$HPYRS_PY314" capi "$out/t314" cpython314
run "$HPYRS_PYPY" universal "$out/tpp73" pypy73
run "$HPYRS_PYPY8" capi "$out/tpp80" pypy80
