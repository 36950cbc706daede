#!/usr/bin/env bash
# Regenerates hpy-rs/src/ffi/ctx_table.rs (the HPyContext member table) from the real headers of
# hpy 0.9.0 (CPython venv) and of PyPy 7.3.19, both installed by scripts/setup-runtimes.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-runtimes.sh >/dev/null
PY=.runtimes/cpython/bin/python
HPY_INC=$("$PY" -c 'import hpy.devel, os; print(os.path.join(os.path.dirname(hpy.devel.__file__), "include"))')
PYPY_INC=.runtimes/pypy/root/usr/lib/pypy3.11/hpy/devel/include
"$PY" hpy-rs/tools/gen_ctx_table.py --hpy-include "$HPY_INC" --pypy-include "$PYPY_INC" > hpy-rs/src/ffi/ctx_table.rs
echo "regenerated hpy-rs/src/ffi/ctx_table.rs"
