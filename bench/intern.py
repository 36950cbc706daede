"""`getattr` by `&str` vs by an `intern!` name, in examples/bench (`hpyrs_bench`): N reads of
`obj.x` inside one call, best of R rounds, the two variants interleaved.

    .runtimes/cpython/bin/python bench/intern.py [--so PATH] [-n N] [--rounds R]
    .runtimes/pypy-venv/bin/python bench/intern.py ...

PATH defaults to tests/_build/ext/bench.hpy0.so (scripts/build-examples.sh --release gives a
release build in the folder you name)."""
import argparse
import importlib.util
import os
import sys
import time

import hpy.universal as hu

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--so", default=os.path.join(HERE, "..", "tests", "_build", "ext", "bench.hpy0.so"))
    ap.add_argument("-n", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=15)
    a = ap.parse_args()
    path = os.path.abspath(a.so)
    spec = importlib.util.spec_from_file_location("hpyrs_bench", path)
    m = hu.load("hpyrs_bench", path, spec)

    class Obj:
        def __init__(self):
            self.x = 1.5

    obj = Obj()
    fs = {"getattr &str": m.getattr_str, "getattr intern!": m.getattr_interned}
    for f in fs.values():  # warm up (and let PyPy's JIT compile the loop)
        for _ in range(5):
            f(obj, a.n)
    best = {k: float("inf") for k in fs}
    for r in range(a.rounds):
        # Alternate which variant goes first, so neither always runs after the other's garbage.
        for k, f in (list(fs.items()) if r % 2 == 0 else list(fs.items())[::-1]):
            t = time.perf_counter()
            f(obj, a.n)
            best[k] = min(best[k], time.perf_counter() - t)
    impl = sys.implementation.name
    for k, t in best.items():
        print(f"{impl:8} {k:18} {t / a.n * 1e9:7.1f} ns per read")
    s, i = best["getattr &str"], best["getattr intern!"]
    print(f"{impl:8} saving             {(s - i) / a.n * 1e9:7.1f} ns per read ({s / i:.2f}x)")


if __name__ == "__main__":
    main()
