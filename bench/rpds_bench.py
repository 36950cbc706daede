"""examples/rpds (hpy-rs) against rpds-py 2026.6.3's PyO3 build, in one process, one interpreter.

Usage: python bench/rpds_bench.py --ours PATH/rpds.hpy0.so --mode capi|universal \
           --pyo3 DIR [--rounds N] [--json OUT]
`DIR` holds the installed PyO3 package `rpds/` (pip install --target DIR rpds-py==2026.6.3).
Rows are interleaved best-of rounds; the ratio is ours / PyO3 from the same run (below 1: ours is
faster). Not part of the test suite: bench/rpds_run.sh runs it on every interpreter."""
import argparse
import gc
import importlib.machinery
import importlib.util
import json
import math
import sys
import time


def load_pyo3(folder):
    sys.path.insert(0, folder)
    import rpds as ref

    sys.path.remove(folder)
    for name in [n for n in sys.modules if n == "rpds" or n.startswith("rpds.")]:
        del sys.modules[name]
    return ref


def load_ours(path, mode):
    if mode == "capi":
        loader = importlib.machinery.ExtensionFileLoader("rpds", path)
        spec = importlib.util.spec_from_file_location("rpds", path, loader=loader)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
    else:
        import hpy.universal as hu

        spec = importlib.util.spec_from_file_location("rpds", path)
        mod = hu.load("rpds", path, spec, debug=(mode == "debug"))
    sys.modules.pop("rpds", None)
    return mod


N = 1000
KEYS = [f"key{i}" for i in range(N)]
D = {k: i for i, k in enumerate(KEYS)}
D2 = {f"other{i}": i for i in range(N)}


def rows(r):
    """(name, ops per run, setup -> run) for module `r`."""
    M, S, L = r.HashTrieMap, r.HashTrieSet, r.List
    full = M(D)
    fs = S(KEYS)
    lst = L(range(N))
    names = [f"n{i % 10}" for i in range(10)]

    def insert():
        m = M()
        for k in KEYS:
            m = m.insert(k, 1)

    def getitem():
        for k in KEYS:
            full[k]

    def contains():
        for k in KEYS:
            k in full

    def get():
        for k in KEYS:
            full.get(k)

    def iter_items():
        for _ in full.items():
            pass

    def iter_keys():
        for _ in full:
            pass

    def from_dict():
        M(D)

    def update():
        full.update(D2)

    def remove():
        for k in KEYS:
            full.remove(k)

    def set_insert():
        s = S()
        for k in KEYS:
            s = s.insert(k)

    def set_contains():
        for k in KEYS:
            k in fs

    def push_front():
        x = L()
        for i in range(N):
            x = x.push_front(i)

    def list_iter():
        for _ in lst:
            pass

    def registry():
        # Many small maps with str keys: build, extend, look up, as a schema registry does.
        out = []
        for i in range(100):
            m = M({"$id": names[i % 10], "type": "object"})
            m = m.insert("title", i)
            if "type" in m and m["$id"]:
                out.append(m.get("title"))
        return out

    return [
        ("map insert", N, insert),
        ("map getitem", N, getitem),
        ("map contains", N, contains),
        ("map get", N, get),
        ("iterate items", N, iter_items),
        ("iterate keys", N, iter_keys),
        ("build from dict", N, from_dict),
        ("update from dict", N, update),
        ("map remove", N, remove),
        ("set insert", N, set_insert),
        ("set contains", N, set_contains),
        ("List push_front", N, push_front),
        ("List iterate", N, list_iter),
        ("registry (small maps)", 100, registry),
    ]


def timed(fn, target=0.05):
    """Seconds per call of fn, over enough calls to last about `target` seconds."""
    fn()
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t0
        if dt >= target:
            return dt / n
        n *= 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", required=True)
    ap.add_argument("--mode", default="capi")
    ap.add_argument("--pyo3", required=True)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--json")
    a = ap.parse_args()
    ref = load_pyo3(a.pyo3)
    ours = load_ours(a.ours, a.mode)
    assert ours.HashTrieMap is not ref.HashTrieMap
    impls = {"hpy-rs": rows(ours), "PyO3": rows(ref)}
    best = {k: [math.inf] * len(v) for k, v in impls.items()}
    for _ in range(a.rounds):
        for i in range(len(impls["PyO3"])):
            for name, rs in impls.items():
                gc.collect()
                best[name][i] = min(best[name][i], timed(rs[i][2]))
    impl = sys.implementation.name
    ver = ".".join(map(str, sys.version_info[:2]))
    if impl == "pypy":
        ver = ".".join(map(str, sys.pypy_version_info[:3]))
    print(f"{impl} {ver} ({ours.__hpy_backend__}), ns per operation, best of {a.rounds}")
    print(f"| row | hpy-rs | PyO3 | ratio |\n|---|---:|---:|---:|")
    out = []
    ratios = []
    for i, (row, ops, _) in enumerate(impls["PyO3"]):
        o = best["hpy-rs"][i] / ops * 1e9
        p = best["PyO3"][i] / ops * 1e9
        ratios.append(o / p)
        out.append({"row": row, "hpy_rs_ns": o, "pyo3_ns": p})
        print(f"| {row} | {o:.0f} | {p:.0f} | {o / p:.2f} |")
    geo = math.exp(sum(map(math.log, ratios)) / len(ratios))
    print(f"| geometric mean | | | {geo:.2f} |")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"impl": impl, "version": ver, "rows": out, "geomean": geo}, f, indent=1)


if __name__ == "__main__":
    main()
