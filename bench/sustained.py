"""The piconumpy rows as a long run: sustained time per call, with the garbage collector's share.

    bash bench/run.sh --quick                  # builds the columns into bench/_build/ (once)
    .runtimes/cpython/bin/python bench/sustained.py [--row rk4|ops] [--steps N] [--processes P]
                                                    [--columns hpyrs,chpy-u,...] [--interp pypy|cpython]

`run.py` times best-of windows of a few milliseconds, each started from a collected heap: the
cost of the operations themselves. On PyPy, an allocation-heavy row also pays collections that
fall outside those windows: every instance of an HPy type has a non-movable payload, and an
instance of a type with `HPy_tp_destroy` gets a full finalizer (it survives its first minor
collection, waits for a major one, then its destructor is called from the finalizer queue).
This script measures that whole cost. Each column runs in fresh processes (rotating order); a
process warms the row up, collects, then times `--steps` calls in one go and counts, with
PyPy's `gc.hooks`, the minor collections, the major collection steps and their durations.
The table gives the median over processes (and the range), the counts per 1000 calls, and the
ratio of medians to C HPy universal.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(BENCH, "_build")
BASELINE = "chpy-u"


def columns(interp):
    """(id, label, kind, module name, path) of each column's piconumpy, as bench/run.py builds it."""
    chpy = os.path.join(BUILD, "c_hpy_universal", "piconumpy_chpy.hpy0.so")
    return [
        ("hpyrs", "hpy-rs", "hpy", "piconumpy", os.path.join(BUILD, "hpyrs", "piconumpy.hpy0.so")),
        ("chpy-u", "C HPy univ", "hpy", "piconumpy_chpy", chpy),
        ("capi", "C API", "ext", "piconumpy_capi", os.path.join(BUILD, f"c_api_{interp}")),
        ("pyo3", "PyO3", "ext", "bench_pyo3", os.path.join(BUILD, f"pyo3_{interp}")),
        ("pure", "pure Python", "pure", "piconumpy_pure", os.path.join(BENCH, "pure")),
    ]


def child(kind, name, path, row, steps):
    """One process: warm up, collect, time `steps` calls; prints one JSON line."""
    import gc

    sys.path.insert(0, BENCH)
    import piconumpy_workload as pnw
    from worker import load

    pn = load(kind, name, path)
    if row == "rk4":
        step, init = pnw.make_rk4(pn), pnw.rk4_init(pn)

        def run(n):
            s = init
            for _ in range(n):
                s = step(s)
            return s
    else:
        ops, (a, b0) = pnw.make_ops(pn), pnw.ops_init(pn)

        def run(n):
            b = b0
            for _ in range(n):
                b = ops(a, b)
            return b

    t_end = time.perf_counter() + 1.0  # long enough for PyPy's JIT
    while time.perf_counter() < t_end:
        run(500)
    gc.collect()
    counts = {"minor": 0, "minor_s": 0.0, "step": 0, "step_s": 0.0, "major": 0}
    hooks = getattr(gc, "hooks", None)  # PyPy only
    if hooks is not None:
        def on_minor(s):
            counts["minor"] += s.count
            counts["minor_s"] += s.duration

        def on_step(s):
            counts["step"] += s.count
            counts["step_s"] += s.duration

        def on_collect(s):
            counts["major"] += s.count

        hooks.on_gc_minor, hooks.on_gc_collect_step, hooks.on_gc_collect = on_minor, on_step, on_collect
    t0 = time.perf_counter()
    run(steps)
    wall = time.perf_counter() - t0
    if hooks is not None:
        hooks.on_gc_minor = hooks.on_gc_collect_step = hooks.on_gc_collect = None
    print(json.dumps(dict(counts, wall=wall, steps=steps, hooks=hooks is not None)))


def fmt(ns):
    return f"{ns / 1000:.1f} µs" if ns >= 1000 else f"{ns:.0f} ns"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--row", choices=["rk4", "ops"], default="rk4")
    ap.add_argument("--steps", type=int, default=50000, help="calls timed per process (default 50000)")
    ap.add_argument("--processes", type=int, default=3, help="processes per column (default 3)")
    ap.add_argument("--columns", default="hpyrs,chpy-u,capi,pyo3,pure")
    ap.add_argument("--interp", choices=["pypy", "cpython"], default="pypy")
    ap.add_argument("--child", nargs=5, metavar=("KIND", "NAME", "PATH", "ROW", "STEPS"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        kind, name, path, row, steps = a.child
        return child(kind, name, path, row, int(steps))

    # The interpreters scripts/setup-runtimes.sh installs (.runtimes/env.sh names them).
    default = os.path.join(os.path.dirname(BENCH), ".runtimes", "pypy-venv" if a.interp == "pypy" else "cpython",
                           "bin", "python")
    py = os.environ.get("HPYRS_PYPY" if a.interp == "pypy" else "HPYRS_CPYTHON") or default
    if not os.path.exists(py):
        sys.exit(f"{py}: no such interpreter (run scripts/setup-runtimes.sh, or bash bench/run.sh)")
    want = a.columns.split(",")
    cols = [c for c in columns(a.interp) if c[0] in want]
    missing = [c[0] for c in cols if not os.path.exists(c[4])]
    if missing:
        sys.exit(f"not built: {', '.join(missing)} (run `bash bench/run.sh --quick` once)")
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    runs = {c[0]: [] for c in cols}
    for p in range(a.processes):
        for c in cols[p % len(cols):] + cols[: p % len(cols)]:
            cid, label, kind, name, path = c
            out = subprocess.run([py, os.path.abspath(__file__), "--child", kind, name, path, a.row, str(a.steps)],
                                 capture_output=True, text=True, env=env)
            if out.returncode != 0:
                print(f"{label}: process failed: {out.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
                continue
            runs[cid].append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(f"[sustained] {label} process {p + 1}/{a.processes}: "
                  f"{runs[cid][-1]['wall'] / a.steps * 1e9:.0f} ns/call", file=sys.stderr)

    def med(cid, f):
        return statistics.median(f(r) for r in runs[cid]) if runs[cid] else None

    per = lambda k: (lambda r: r[k] / r["steps"] * 1e9)  # noqa: E731 - ns per call
    base = med(BASELINE, per("wall")) if BASELINE in runs else None
    print(f"\nSustained `pn_{a.row}` on {a.interp}: {a.steps} calls per process after 1 s of warm-up and "
          f"a collection; median of {a.processes} processes per column (range).\n")
    print("| column | per call | × C HPy | minor GCs / 1k calls | major GC steps / 1k calls | "
          "time in minor GCs | in major GC steps | rest |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for cid, label, *_ in cols:
        if not runs[cid]:
            print(f"| {label} | — | | | | | | |")
            continue
        walls = [per("wall")(r) for r in runs[cid]]
        w = statistics.median(walls)
        rest = med(cid, lambda r: (r["wall"] - r["minor_s"] - r["step_s"]) / r["steps"] * 1e9)
        ratio = f"{w / base:.2f}×" if base else "—"
        gc_cells = "— | — | — | — | —"  # no gc.hooks on CPython (reference counting frees at once)
        if runs[cid][0]["hooks"]:
            gc_cells = (f"{med(cid, lambda r: r['minor'] * 1000 / r['steps']):.2f} | "
                        f"{med(cid, lambda r: r['step'] * 1000 / r['steps']):.2f} | "
                        f"{fmt(med(cid, per('minor_s')))} | {fmt(med(cid, per('step_s')))} | {fmt(rest)}")
        print(f"| {label} | {fmt(w)} ({fmt(min(walls))}–{fmt(max(walls))}) | {ratio} | {gc_cells} |")


if __name__ == "__main__":
    main()
