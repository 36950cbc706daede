#!/usr/bin/env bash
# The main job: build examples/hello once and run that same hello.hpy0.so on CPython and PyPy.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-runtimes.sh
source .runtimes/env.sh
out=tests/_build/demo
bash scripts/build-examples.sh --release "$out"
for py in "$HPYRS_CPYTHON" "$HPYRS_PYPY"; do
  HPYRS_DEMO_SO="$PWD/$out/hello.hpy0.so" "$py" - <<'PY'
import hashlib, importlib.util, os, sys
import hpy.universal as hu
path = os.environ["HPYRS_DEMO_SO"]
spec = importlib.util.spec_from_file_location("hello", path)
hello = hu.load("hello", path, spec)
impl = f"{sys.implementation.name} {sys.version.split()[0]}"
print(f"--- {impl}, hpy {hu.get_version()[0]}, hello.hpy0.so sha256 {hashlib.sha256(open(path,'rb').read()).hexdigest()[:16]}")
print(" ", hello.greet(), "|", hello.greet("PyPy" if "pypy" in impl else "CPython"))
print("  add(40, 2) =", hello.add(40, 2), "| sum_floats(range(10)) =", hello.sum_floats(range(10)))
print("  call(sorted, [3, 1, 2], reverse=True) =", hello.call(sorted, [3, 1, 2], reverse=True))
print("  type_name(1.5) =", hello.type_name(1.5))
for f in (lambda: hello.divide(1, 0), lambda: hello.fail("boom"), lambda: hello.panic()):
    try:
        f()
    except Exception as e:
        print(f"  raised {type(e).__name__}: {e}")
PY
done
