#!/usr/bin/env bash
# The main job: build examples/hello once and run that same hello.hpy0.so on every interpreter:
# CPython 3.11, 3.13, 3.14, 3.15 and PyPy 8 through the C-API backend (the interpreter's own
# extension loader, no `hpy` package), PyPy 7.3 natively through HPy, and HPy's debug mode on
# CPython 3.11 and PyPy 7.3.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-runtimes.sh >&2
source .runtimes/env.sh
out=tests/_build/demo
bash scripts/build-examples.sh --release "$out"
export HPYRS_DEMO_SO="$PWD/$out/hello.hpy0.so"
for run in "$HPYRS_CPYTHON capi" "$HPYRS_PY313 capi" "$HPYRS_PY314 capi" "$HPYRS_PY315 capi" \
           "$HPYRS_PYPY8 capi" "$HPYRS_PYPY hpy" "$HPYRS_CPYTHON hpy-debug" "$HPYRS_PYPY hpy-debug"; do
  py=${run% *} how=${run##* }
  HPYRS_DEMO_HOW=$how "$py" - <<'PY'
import hashlib, importlib.machinery, importlib.util, os, sys
path, how = os.environ["HPYRS_DEMO_SO"], os.environ["HPYRS_DEMO_HOW"]
if how == "capi":
    # The interpreter's own loader: no hpy package involved.
    loader = importlib.machinery.ExtensionFileLoader("hello", path)
    spec = importlib.util.spec_from_file_location("hello", path, loader=loader)
    hello = importlib.util.module_from_spec(spec)
    loader.exec_module(hello)
else:
    import hpy.universal as hu
    hello = hu.load("hello", path, importlib.util.spec_from_file_location("hello", path),
                    debug=(how == "hpy-debug"))
v = sys.version_info
impl = f"{sys.implementation.name} {v[0]}.{v[1]}.{v[2]}"
if sys.implementation.name == "pypy":
    impl += " (PyPy %d.%d.%d)" % sys.pypy_version_info[:3]
digest = hashlib.sha256(open(path, "rb").read()).hexdigest()[:16]
print(f"--- {impl}: {hello.__hpy_backend__}, hello.hpy0.so sha256 {digest}")
print(" ", hello.greet(), "|", hello.greet(sys.implementation.name))
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
