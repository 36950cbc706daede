#!/usr/bin/env bash
# One command for the whole benchmark: installs/updates the runtimes (cached in .runtimes/),
# builds every implementation into bench/_build/ and times them on CPython and PyPy.
# Usage: bash bench/run.sh [--quick] [--rounds N] [--only cpython|pypy] ...   (see --help)
# Not part of scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-runtimes.sh >&2
source .runtimes/env.sh
exec "$HPYRS_CPYTHON" bench/run.py "$@"
