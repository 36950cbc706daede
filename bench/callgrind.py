#!/usr/bin/env python3
"""Instructions per call on CPython, with valgrind --tool=callgrind: a noise-free complement to
run.py (whose timings suffer when the machine is busy).

    bash bench/run.sh ...                        # builds bench/_build/ first
    .runtimes/cpython/bin/python bench/callgrind.py [--rows noop,add_ints] [--columns hpyrs,chpy-u] [-n 20000]
    .runtimes/cpython/bin/python bench/callgrind.py --rows pn_rk4,pn_ops -n 2000   # piconumpy rows

One valgrind run per column. The driver (this file, re-run under valgrind with --child) calls
os.getppid() around each phase; callgrind's --dump-before=getppid then writes one profile per
phase. Each row's phase makes N calls in a plain `for` loop; an empty-loop phase of the same
length is subtracted, so a number is the instructions of one call (interpreter dispatch of the
call + the extension's work), as counted by callgrind's Ir. Add --annotate ROW to print the
top functions of that row's phase (callgrind_annotate) for every column.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

BENCH = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(BENCH, "_build")
sys.path.insert(0, BENCH)

COLUMNS = {  # id: (label, kind, module, path, piconumpy module, piconumpy path)
    "hpyrs": ("hpy-rs", "hpy", "hpyrs_bench", os.path.join(BUILD, "hpyrs", "hpyrs_bench.hpy0.so"),
              "piconumpy", os.path.join(BUILD, "hpyrs", "piconumpy.hpy0.so")),
    "chpy-u": ("C HPy univ", "hpy", "bench_chpy", os.path.join(BUILD, "c_hpy_universal", "bench_chpy.hpy0.so"),
               "piconumpy_chpy", os.path.join(BUILD, "c_hpy_universal", "piconumpy_chpy.hpy0.so")),
    "chpy-c": ("C HPy cpy-ABI", "ext", "bench_chpy", os.path.join(BUILD, "c_hpy_cpython"),
               "piconumpy_chpy", os.path.join(BUILD, "c_hpy_cpython")),
    "capi": ("C API", "ext", "bench_capi", os.path.join(BUILD, "c_api_cpython"),
             "piconumpy_capi", os.path.join(BUILD, "c_api_cpython")),
    "pyo3": ("PyO3", "ext", "bench_pyo3", os.path.join(BUILD, "pyo3_cpython"),
             "bench_pyo3", os.path.join(BUILD, "pyo3_cpython")),
    "pure": ("pure Python", "pure", "bench_pure", os.path.join(BENCH, "pure"),
             "piconumpy_pure", os.path.join(BENCH, "pure")),
}


def child(a):
    import worker

    mod = worker.load(a.kind, a.name, a.path)
    pn = None
    if os.path.exists(a.pn_path):
        pn = mod if (a.pn_name, a.pn_path) == (a.name, a.path) else worker.load(a.kind, a.pn_name, a.pn_path)
    ns = worker.namespace(mod, pn)
    rows = [r for r in worker.ROWS if r[0] in a.rows.split(",") or r[0] == "empty_loop"]
    done = []
    for key, stmt, setup, check in rows:
        need = worker.NEEDS[key]
        if key in worker.PN_ROWS:
            if pn is None:
                continue
        elif need is not None and not hasattr(mod, need):
            continue
        src = (f"def _run(_n):\n    {setup or 'pass'}\n"
               f"    for _ in range(_n):\n        {stmt}\n")
        exec(src, ns)
        run = ns["_run"]
        run(1000)  # warm caches and lazy initialisation
        os.getppid()  # dump: everything before this phase (discarded)
        run(a.n)
        os.getppid()  # dump: this phase
        done.append(key)
    print(",".join(done))


def totals(path):
    with open(path) as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                return int(line.split()[1])
    raise RuntimeError(f"no totals in {path}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", default="noop,add_ints,add_kw,varargs,make_tuple,point_new,point_norm,point_x,add_ints_po")
    ap.add_argument("--columns", default=",".join(COLUMNS))
    ap.add_argument("-n", type=int, default=20000, help="calls per row (default 20000)")
    ap.add_argument("--annotate", help="print the top functions of this row's phase per column")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--kind")
    ap.add_argument("--name")
    ap.add_argument("--path")
    ap.add_argument("--pn-name")
    ap.add_argument("--pn-path")
    a = ap.parse_args()
    if a.child:
        return child(a)
    if not shutil.which("valgrind"):
        sys.exit("valgrind not found")
    py = os.environ.get("HPYRS_CPYTHON") or sys.executable
    results, order = {}, []
    for cid in a.columns.split(","):
        label, kind, name, path, pn_name, pn_path = COLUMNS[cid]
        if not os.path.exists(path):
            print(f"[callgrind] {label}: {path} missing (run bench/run.sh first)", file=sys.stderr)
            continue
        tmp = tempfile.mkdtemp(prefix="cg-")
        out = os.path.join(tmp, "cg.out")
        p = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--dump-before=getppid",
             py, os.path.abspath(__file__), "--child", "--kind", kind, "--name", name, "--path", path,
             "--pn-name", pn_name, "--pn-path", pn_path, "--rows", a.rows, "-n", str(a.n)],
            capture_output=True, text=True, env=dict(os.environ, PYTHONHASHSEED="0"))
        if p.returncode != 0:
            print(f"[callgrind] {label}: failed\n{p.stderr[-2000:]}", file=sys.stderr)
            continue
        done = p.stdout.strip().split(",")
        # Dumps alternate: out.1 = before the first phase, out.2 = phase 1, out.3 = between
        # phases 1 and 2, out.4 = phase 2, ...
        dumps = sorted(glob.glob(out + ".*"), key=lambda s: int(s.rsplit(".", 1)[1]))
        phases = dumps[1::2][:len(done)]
        ir = dict(zip(done, (totals(d) for d in phases)))
        empty = ir.get("empty_loop", 0)
        results[cid] = {k: (v - empty) / a.n for k, v in ir.items() if k != "empty_loop"}
        results[cid]["empty_loop"] = empty / a.n
        order.append(cid)
        print(f"[callgrind] {label}: done", file=sys.stderr)
        if a.annotate and a.annotate in done:
            d = phases[done.index(a.annotate)]
            ann = subprocess.run(["callgrind_annotate", "--inclusive=no", "--threshold=100", d],
                                 capture_output=True, text=True).stdout
            total = totals(d)
            print(f"\n--- {label}: {a.annotate}, self instructions per call by function")
            shown = 0
            for line in ann.split("file:function", 1)[-1].splitlines():
                m = re.match(r"\s*([\d,]+) \([\s\d.]+%\)\s+(.*)", line)
                # Frames that were already on the stack when the dump started are charged
                # the whole phase; skip them.
                if not m or int(m.group(1).replace(",", "")) >= total * 0.99:
                    continue
                per_call = int(m.group(1).replace(",", "")) / a.n
                if per_call < 2 or shown >= 30:
                    break
                fn = re.sub(r"^.*?:(?=[^:/]*(::|$))", "", m.group(2).split(" [")[0])
                where = os.path.basename(m.group(2).split(" [")[-1].rstrip("]"))
                print(f"{per_call:8.1f}  {m.group(2).split(' [')[0].split(':', 1)[-1]}  [{where}]")
                shown += 1
        shutil.rmtree(tmp, ignore_errors=True)

    import run

    labels = dict(run.ROW_LABELS)
    print(f"\nInstructions per call on CPython (callgrind Ir, {a.n} calls per row, empty loop subtracted)\n")
    print("| row | " + " | ".join(COLUMNS[c][0] for c in order) + " |")
    print("|---|" + "---:|" * len(order))
    for key in a.rows.split(",") + ["empty_loop"]:
        cells = []
        for c in order:
            v = results[c].get(key)
            base = results.get("chpy-u", {}).get(key)
            if v is None:
                cells.append("—")
            elif base and key != "empty_loop":
                cells.append(f"{v:.0f} ({v / base:.2f}×)")
            else:
                cells.append(f"{v:.0f}")
        if any(c != "—" for c in cells):
            print(f"| {labels.get(key, key)} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
