"""One benchmark column in its own process (started by bench/run.py; runs on CPython or PyPy).

    python worker.py --kind hpy|ext|pure --name MODULE --path PATH \
        [--pn-kind K --pn-name PNMODULE --pn-path PNPATH] --target-ms T --warmup-s W --repeat R

Loads one implementation of the bench/ API (and, with --pn-*, of piconumpy for the `pn_*`
rows, see piconumpy_workload.py), checks every row's result, warms every row up
(long enough for PyPy's JIT to compile the loop), calibrates the number of calls per
measurement so that R measurements take about T ms, then answers commands on stdin, one per
line, with one JSON line on stdout:

    round  -> {"ns": {row: ns_per_call, ...}}   every row timed (best of R back-to-back)
    quit   -> exits

The first line it prints is {"ready": ..., "rows": [...], "skipped": {...}, "info": ...} or
{"error": "..."}.
"""
import argparse
import gc
import importlib.util
import json
import math
import os
import sys
import time
import timeit
import traceback

# (key, statement, setup, check) -- `_m` is the module, `_lst` the 1000-float list, `_pn` the
# piconumpy module and `_pnw` piconumpy_workload. Statements run inside timeit's generated
# function, so names bound in `setup` are locals.
ROWS = [
    ("noop", "f()", "f = _m.noop", lambda m, L: m.noop() is None),
    ("add_ints", "f(3, 4)", "f = _m.add_ints", lambda m, L: m.add_ints(3, 4) == 7),
    ("add_kw", "f(1, b=2)", "f = _m.add_kw", lambda m, L: m.add_kw(1, b=2) == 3 and m.add_kw(5) == 5),
    ("varargs", "f(1, 2, 3)", "f = _m.varargs", lambda m, L: m.varargs(1, 2, 3) == 3 and m.varargs() == 0),
    ("make_tuple", "f(1, 2, 3)", "f = _m.make_tuple", lambda m, L: m.make_tuple(1, 2, 3) == (1, 2, 3)),
    ("sum_list", "f(lst)", "f = _m.sum_list; lst = _lst", lambda m, L: m.sum_list(L) == sum(L)),
    ("point_new", "P(1.0, 2.0)", "P = _m.Point",
     lambda m, L: (m.Point(1.0, 2.0).x, m.Point(1.0, 2.0).y) == (1.0, 2.0)),
    ("point_norm", "p.norm()", "p = _m.Point(1.0, 2.0)",
     lambda m, L: m.Point(3.0, 4.0).norm() == 5.0),
    ("point_x", "p.x", "p = _m.Point(1.0, 2.0)", lambda m, L: m.Point(1.0, 2.0).x == 1.0),
    # The piconumpy workload (piconumpy_workload.py): each call advances a carried state.
    ("pn_rk4", "s = step(s)", "step = _pnw.make_rk4(_pn); s = _pnw.rk4_init(_pn)", None),
    ("pn_ops", "b = ops(a, b)", "ops = _pnw.make_ops(_pn); a, b = _pnw.ops_init(_pn)", None),
    # Extra rows, only for implementations that define these functions.
    ("add_ints_po", "f(3, 4)", "f = _m.add_ints_po", lambda m, L: m.add_ints_po(3, 4) == 7),
    ("sum_list_vec", "f(lst)", "f = _m.sum_list_vec; lst = _lst",
     lambda m, L: m.sum_list_vec(L) == sum(L)),
    # The timing loop alone (subtract it mentally from the sub-10-ns rows).
    ("empty_loop", "pass", "", lambda m, L: True),
]
NEEDS = {
    "noop": "noop", "add_ints": "add_ints", "add_kw": "add_kw", "varargs": "varargs",
    "make_tuple": "make_tuple", "sum_list": "sum_list", "point_new": "Point",
    "point_norm": "Point", "point_x": "Point", "pn_rk4": "piconumpy", "pn_ops": "piconumpy",
    "add_ints_po": "add_ints_po", "sum_list_vec": "sum_list_vec", "empty_loop": None,
}
PN_ROWS = ("pn_rk4", "pn_ops")
BENCH = os.path.dirname(os.path.abspath(__file__))


def load(kind, name, path):
    if kind == "hpy":
        import hpy.universal as hu

        spec = importlib.util.spec_from_file_location(name, path)
        mod = hu.load(name, path, spec)
        sys.modules[name] = mod
        return mod
    sys.path.insert(0, path)
    return importlib.import_module(name)


def check_piconumpy(pn):
    """The API check and a 200-step run of both rows against the pure-Python piconumpy;
    returns None when all is well, else the first problem."""
    import piconumpy_workload as pnw

    bad = pnw.check_api(pn)
    if bad:
        return "piconumpy API check failed: " + "; ".join(bad[:3])
    sys.path.insert(0, os.path.join(BENCH, "pure"))
    import piconumpy_pure

    got, want = pnw.reference(pn), pnw.reference(piconumpy_pure)
    for g, w in zip(got, want):
        if len(g) != len(w) or any(abs(x - y) > 1e-9 * max(1.0, abs(y)) for x, y in zip(g, w)):
            return f"piconumpy workload result differs from pure Python: {g} != {w}"
    return None


def namespace(mod, pn):
    """The globals the row statements run in."""
    sys.path.insert(0, BENCH)
    import piconumpy_workload

    return {"_m": mod, "_lst": [float(i) * 0.5 for i in range(1000)], "_gc": gc, "_pn": pn,
            "_pnw": piconumpy_workload}


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", required=True, choices=["hpy", "ext", "pure"])
    ap.add_argument("--name", required=True)
    ap.add_argument("--path", required=True)
    ap.add_argument("--pn-kind", choices=["hpy", "ext", "pure"])
    ap.add_argument("--pn-name")
    ap.add_argument("--pn-path")
    ap.add_argument("--target-ms", type=float, default=40.0)
    ap.add_argument("--warmup-s", type=float, default=0.2)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()

    try:
        mod = load(a.kind, a.name, a.path)
    except Exception:
        reply({"error": "load failed: " + traceback.format_exc(limit=3)})
        return
    pn, pn_problem = None, "no piconumpy implementation for this column"
    if a.pn_kind:
        try:
            pn = mod if (a.pn_kind, a.pn_name, a.pn_path) == (a.kind, a.name, a.path) else \
                load(a.pn_kind, a.pn_name, a.pn_path)
            pn_problem = check_piconumpy(pn)
        except Exception as e:
            pn_problem = f"piconumpy load/check raised {type(e).__name__}: {e}"
    ns = namespace(mod, pn)
    lst = ns["_lst"]
    timers, skipped = {}, {}
    for key, stmt, setup, check in ROWS:
        need = NEEDS[key]
        if key in PN_ROWS:
            if pn_problem:
                skipped[key] = pn_problem
                continue
        elif need is not None and not hasattr(mod, need):
            skipped[key] = f"{a.name}.{need} is missing"
            continue
        else:
            try:
                ok = check(mod, lst)
            except Exception as e:
                ok = False
                skipped[key] = f"check raised {type(e).__name__}: {e}"
            if not ok:
                skipped.setdefault(key, "wrong result")
                continue
        # timeit disables the GC while timing; re-enable it so allocation rows pay for it.
        timers[key] = timeit.Timer(stmt, "_gc.enable(); " + (setup or "pass"), globals=ns)

    # Warm-up: run each row for `warmup_s` (PyPy traces and compiles the loop meanwhile),
    # growing the call count so the JIT sees long loops, then calibrate on the warm code.
    numbers = {}
    target = a.target_ms / 1000.0
    for key, t in timers.items():
        n, start = 1, time.perf_counter()
        while True:
            dt = t.timeit(n)
            if time.perf_counter() - start >= a.warmup_s and dt >= target / 4:
                break
            if dt < target / 4:
                n *= 2
        # Calibrate on warm code with the best of three measurements: on PyPy one of them may
        # catch a major collection or a batch of finalizers, and calibrating on that one would
        # give this process windows several times shorter (short enough to miss the minor
        # collections an allocating row pays for, so its rounds would look faster than another
        # process's).
        dt = min(t.timeit(n) for _ in range(3))
        numbers[key] = max(1, int(math.ceil(n * target / a.repeat / max(dt, 1e-9))))
        t.timeit(numbers[key])  # settle at the final loop length

    info = {
        "impl": sys.implementation.name,
        "version": sys.version.split()[0],
        "module": repr(mod),
        "numbers": numbers,
    }
    reply({"ready": True, "rows": list(timers), "skipped": skipped, "info": info})

    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "round":
            # Best of `repeat` back-to-back measurements of T/repeat each: a short burst of
            # interference from other processes spoils one sample, not the round.
            # Each row starts from a collected heap (outside the timing), so garbage left by
            # the previous row (or, on PyPy, objects waiting for their finalizers) is not
            # charged to it.
            out = {}
            for key, t in timers.items():
                n = numbers[key]
                gc.collect()
                out[key] = min(t.timeit(n) for _ in range(a.repeat)) / n * 1e9
            reply({"ns": out})
        elif cmd == "quit":
            break
        else:
            reply({"error": f"unknown command {cmd!r}"})


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
