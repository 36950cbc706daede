"""Layout benchmark for examples/kiwisolver, runnable on CPython (hpy 0.9.0) and PyPy.

The workload is kiwi-core's `layout_bench` through the Python API: a container (width W,
height H: two strong edit variables) holding a row of 10 equally sized boxes (x, y, w, h
each), i.e. 42 variables and 118 constraints + 2 edit variables. One *cycle* is what a GUI
does on resize: two `suggestValue` calls and one `updateVariables`.

    bash scripts/build-examples.sh --release bench/_build/ext
    source .runtimes/env.sh
    $HPYRS_CPYTHON bench/kiwi_layout.py
    $HPYRS_PYPY bench/kiwi_layout.py

Options: --so PATH (default bench/_build/ext/kiwisolver.hpy0.so), --module NAME (time an
importable module instead, e.g. the real kiwisolver), --cycles N, --rounds N, --boxes N.
Each measurement is the best of the rounds, after a warm-up.
"""
import argparse
import importlib.util
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MASK = (1 << 64) - 1


def load(args):
    if args.module:
        return __import__(args.module)
    import hpy.universal as hu

    path = os.path.abspath(args.so)
    if not os.path.exists(path):
        sys.exit(f"{path} not found: run `bash scripts/build-examples.sh --release bench/_build/ext`")
    spec = importlib.util.spec_from_file_location("kiwisolver", path)
    return hu.load("kiwisolver", path, spec)


def build(kiwi, n):
    """The layout system with `n` boxes; returns (solver, W, H, boxes)."""
    Variable = kiwi.Variable
    s = kiwi.Solver()
    W, H = Variable("W"), Variable("H")
    s.addEditVariable(W, "strong")
    s.addEditVariable(H, "strong")
    boxes = []
    for i in range(n):
        x, y, w, h = (Variable(f"{c}{i}") for c in "xywh")
        for c in (
            x >= 0,
            y >= 0,
            w >= 20,
            h >= 20,
            x + w <= W,
            y + h <= H,
            (w == 100) | "weak",
            (h == 60) | "weak",
            (y == 10) | "medium",
        ):
            s.addConstraint(c)
        if i == 0:
            s.addConstraint((x == 10) | "medium")
        else:
            px, _, pw, ph = boxes[-1]
            s.addConstraint(x == px + pw + 10)
            s.addConstraint((w == pw) | "strong")
            s.addConstraint((h == ph) | "strong")
        boxes.append((x, y, w, h))
    return s, W, H, boxes


def expected(n, ws, hs):
    """The unique optimum for suggested size (ws, hs): (W, H, x0, box width, y, box height)."""
    gaps = 10.0 * (n - 1)
    min_w = 20.0 * n + gaps
    if ws >= 10.0 + 100.0 * n + gaps:
        width, x0, bw = ws, 10.0, 100.0
    elif ws >= 10.0 + min_w:
        width, x0, bw = ws, 10.0, (ws - 10.0 - gaps) / n
    elif ws >= min_w:
        width, x0, bw = ws, ws - min_w, 20.0
    else:
        width, x0, bw = min_w, 0.0, 20.0
    if hs >= 70.0:
        height, y, bh = hs, 10.0, 60.0
    elif hs >= 30.0:
        height, y, bh = hs, 10.0, hs - 10.0
    elif hs >= 20.0:
        height, y, bh = hs, hs - 20.0, 20.0
    else:
        height, y, bh = 20.0, 0.0, 20.0
    return width, height, x0, bw, y, bh


def suggestion(k):
    """Deterministic pseudo-random container size for cycle k (same as kiwi-core's)."""
    z = (k * 0x9E3779B97F4A7C15 + 0x2545F4914F6CDD1D) & MASK
    z ^= z >> 31
    z = (z * 0xBF58476D1CE4E5B9) & MASK
    z ^= z >> 27
    return 200.0 + z % 1200, 10.0 + (z >> 20) % 120


def check(kiwi, n):
    s, W, H, boxes = build(kiwi, n)
    for k in range(200):
        ws, hs = suggestion(k)
        s.suggestValue(W, ws)
        s.suggestValue(H, hs)
        s.updateVariables()
        width, height, x0, bw, y, bh = expected(n, ws, hs)
        x, yv, w, h = boxes[0]
        got = (W.value(), H.value(), x.value(), w.value(), yv.value(), h.value())
        want = (width, height, x0, bw, y, bh)
        assert all(abs(a - b) <= 1e-6 * max(1.0, abs(b)) for a, b in zip(got, want)), (k, got, want)


def time_cycles(s, W, H, sizes, cycles):
    suggest, update = s.suggestValue, s.updateVariables
    mask = len(sizes) - 1
    t0 = time.perf_counter()
    for k in range(cycles):
        ws, hs = sizes[k & mask]
        suggest(W, ws)
        suggest(H, hs)
        update()
    return (time.perf_counter() - t0) / cycles * 1e6


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--so", default=os.path.join(HERE, "_build", "ext", "kiwisolver.hpy0.so"))
    p.add_argument("--module", default=None)
    p.add_argument("--cycles", type=int, default=20000)
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--boxes", type=int, default=10)
    args = p.parse_args()
    kiwi = load(args)
    n = args.boxes
    check(kiwi, n)

    builds = []
    for _ in range(max(3, args.rounds)):
        t0 = time.perf_counter()
        s, W, H, boxes = build(kiwi, n)
        builds.append((time.perf_counter() - t0) * 1e6)
    nvars = 4 * n + 2
    ncons = 12 * n - 2

    random_sizes = [suggestion(k) for k in range(1024)]
    smooth_sizes = []
    for k in range(2048):
        t = k % 2000
        smooth_sizes.append((400.0 + (t if t < 1000 else 2000 - t) * 0.5, 80.0 + (k % 40) * 0.25))

    results = {}
    for label, sizes in (("random jumps", random_sizes), ("smooth resize", smooth_sizes)):
        time_cycles(s, W, H, sizes, max(args.cycles // 2, 2000))  # warm-up (JIT on PyPy)
        results[label] = min(time_cycles(s, W, H, sizes, args.cycles) for _ in range(args.rounds))

    impl = f"{sys.implementation.name} {sys.version.split()[0]}"
    what = args.module or os.path.relpath(os.path.abspath(args.so))
    print(f"kiwi_layout: {impl}, {what}")
    print(f"  system: {nvars} variables, {ncons} constraints + 2 edit variables (checked against the closed form)")
    print(f"  build:  {min(builds):9.1f} µs per solver (best of {len(builds)})")
    for label, us in results.items():
        print(f"  cycle ({label}): {us:7.3f} µs  [2x suggestValue + updateVariables, best of {args.rounds} x {args.cycles}]")


if __name__ == "__main__":
    main()
