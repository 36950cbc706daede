#!/usr/bin/env python3
"""Build the bench/ API every way and time all of them on CPython and PyPy in one run.

    bash bench/run.sh [--quick] [options]          # from anywhere; see --help

Columns (one long-lived worker process each, see worker.py):
    hpy-rs        examples/bench (module `hpyrs_bench`), universal ABI, both interpreters
    C HPy univ    bench/c_hpy, hpy.devel --hpy-abi=universal, both interpreters (the baseline)
    C HPy cpy-ABI bench/c_hpy, hpy.devel --hpy-abi=cpython, CPython only
    C API         bench/c_api, CPython and PyPy (cpyext)
    PyO3          bench/pyo3, version-specific builds for CPython 3.11 and PyPy
    pure Python   bench/pure/bench_pure.py

Each column also has a piconumpy implementation for the `pn_*` rows (piconumpy_workload.py):
examples/piconumpy, c_hpy/piconumpy_chpy.c, c_api/piconumpy_capi.c, the `array` class of
pyo3/, pure/piconumpy_pure.py.

Every worker warms up and calibrates first; then, round after round, each column (in a rotating
order, one process running at a time) times every row once (best of --repeat back-to-back
samples). A cell is the best round (time per call, including the timing loop); the ratio is to
C HPy universal on the same interpreter; the noise table gives median/best - 1 and
slowest/best - 1 over the rounds. A cell that could not be measured shows "—", with the reason
listed under the table.

--build-stats adds a clean release build (own CARGO_TARGET_DIR, deleted first) of
examples/hello and of its PyO3 equivalent pyo3_hello/: wall time and stripped .so size.
"""
import argparse
import datetime
import glob
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from statistics import median

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
BUILD = os.path.join(BENCH, "_build")

ROW_LABELS = [
    ("noop", "noop()"),
    ("add_ints", "add_ints(3, 4)"),
    ("add_kw", "add_kw(1, b=2)"),
    ("varargs", "varargs(1, 2, 3)"),
    ("make_tuple", "make_tuple(1, 2, 3)"),
    ("sum_list", "sum_list(lst), 1000 floats"),
    ("point_new", "Point(1.0, 2.0)"),
    ("point_norm", "p.norm()"),
    ("point_x", "p.x"),
    ("pn_rk4", "piconumpy: RK4 step, 4-float arrays"),
    ("pn_ops", "piconumpy: 10-float array ops"),
    ("add_ints_po", "*extra:* add_ints_po(3, 4), positional-only"),
    ("sum_list_vec", "*extra:* sum_list_vec(lst), `Vec<f64>` argument"),
    ("empty_loop", "*timing loop alone* (`pass`)"),
]
EXTRA_ROWS = {"add_ints_po", "sum_list_vec"}  # defined only by some columns, by design
BASELINE = "chpy-u"


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def run(cmd, cwd=None, env=None, label=None):
    """Runs a build command; returns None on success, else the tail of its output."""
    t0 = time.time()
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log(f"  {label or cmd[0]}: {'ok' if p.returncode == 0 else 'FAILED'} ({time.time() - t0:.1f} s)")
    if p.returncode != 0:
        return "\n".join(p.stdout.strip().splitlines()[-15:])
    return None


def copy_sources(src_dir, dst_dir, files):
    """Copies sources keeping mtimes, so setuptools skips an unchanged rebuild."""
    os.makedirs(dst_dir, exist_ok=True)
    for f in files:
        s, d = os.path.join(src_dir, f), os.path.join(dst_dir, f)
        if not os.path.exists(d) or os.path.getmtime(s) != os.path.getmtime(d) or open(s, "rb").read() != open(d, "rb").read():
            shutil.copy2(s, d)


def ext_suffix(py):
    return subprocess.check_output(
        [py, "-c", "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))"], text=True
    ).strip()


# ------------------------------------------------------------------------------- builds


def build_hpyrs(args):
    """examples/bench and examples/piconumpy; returns ((bench .so, piconumpy .so), error)."""
    out_dir = os.path.join(BUILD, "hpyrs")
    os.makedirs(out_dir, exist_ok=True)
    dst = os.path.join(out_dir, "hpyrs_bench.hpy0.so")
    pn = os.path.join(out_dir, "piconumpy.hpy0.so")
    target = os.path.join(BUILD, "cargo-target")
    if args.hpyrs_so:
        if not os.path.exists(args.hpyrs_so):
            return (None, None), f"--hpyrs-so {args.hpyrs_so}: no such file"
        shutil.copy(args.hpyrs_so, dst)
        log(f"  hpy-rs: using {args.hpyrs_so}")
        err = run(["cargo", "build", "--release", "-p", "piconumpy", "--target-dir", target],
                  cwd=REPO, label="hpy-rs piconumpy (cargo build --release -p piconumpy)")
    else:
        err = run(["cargo", "build", "--release", "-p", "bench", "-p", "piconumpy", "--target-dir", target],
                  cwd=REPO, label="hpy-rs (cargo build --release -p bench -p piconumpy)")
        if not err:
            shutil.copy(os.path.join(target, "release", "libbench.so"), dst)
    if err:
        return (dst if args.hpyrs_so else None, None), err
    shutil.copy(os.path.join(target, "release", "libpiconumpy.so"), pn)
    return (dst, pn), None


def build_chpy(args, abi):
    d = os.path.join(BUILD, f"c_hpy_{abi}")
    copy_sources(os.path.join(BENCH, "c_hpy"), d, ["bench_chpy.c", "piconumpy_chpy.c", "setup.py"])
    err = run([args.cpython, "setup.py", "-q", f"--hpy-abi={abi}", "build_ext", "--inplace"],
              cwd=d, label=f"C HPy ({abi}, hpy.devel)")
    if err:
        return None, err
    return d, None


def ensure_setuptools(py):
    if subprocess.run([py, "-c", "import setuptools"], capture_output=True).returncode == 0:
        return None
    log(f"  installing setuptools into {py}'s venv")
    return run([py, "-m", "pip", "install", "-q", "setuptools"], label="pip install setuptools")


def build_capi(args, which, py):
    d = os.path.join(BUILD, f"c_api_{which}")
    copy_sources(os.path.join(BENCH, "c_api"), d, ["bench_capi.c", "piconumpy_capi.c", "setup.py"])
    err = ensure_setuptools(py)
    if err:
        return None, err
    err = run([py, "setup.py", "-q", "build_ext", "--inplace"], cwd=d, label=f"C API ({which})")
    if err:
        return None, err
    return d, None


def build_pyo3(args, which, py):
    target = os.path.join(BUILD, "pyo3-target", which)
    env = dict(os.environ, PYO3_PYTHON=py)
    env.pop("PYO3_CONFIG_FILE", None)
    err = run(["cargo", "build", "--release", "--target-dir", target],
              cwd=os.path.join(BENCH, "pyo3"), env=env, label=f"PyO3 ({which})")
    if err:
        return None, err
    d = os.path.join(BUILD, f"pyo3_{which}")
    os.makedirs(d, exist_ok=True)
    for old in glob.glob(os.path.join(d, "bench_pyo3*.so")):
        os.remove(old)
    shutil.copy(os.path.join(target, "release", "libbench_pyo3.so"), os.path.join(d, "bench_pyo3" + ext_suffix(py)))
    return d, None


def col(cid, label, kind, name, path, err, pn=None):
    """A column: the bench module (kind, name, path) and its piconumpy (kind, name, path)."""
    return {"id": cid, "label": label, "kind": kind, "name": name, "path": path, "error": err, "pn": pn}


def build_all(args):
    """Returns {interp: [column, ...]} (see col()); a failed build keeps its column with `error`."""
    log("building into bench/_build/")
    cols = {"cpython": [], "pypy": []}
    (hp, hpn), e = build_hpyrs(args)
    for i in cols:
        cols[i].append(col("hpyrs", "hpy-rs", "hpy", "hpyrs_bench", hp, e,
                           hpn and ("hpy", "piconumpy", hpn)))
    d, e = build_chpy(args, "universal")
    for i in cols:
        cols[i].append(col("chpy-u", "C HPy univ", "hpy", "bench_chpy", d and os.path.join(d, "bench_chpy.hpy0.so"), e,
                           d and ("hpy", "piconumpy_chpy", os.path.join(d, "piconumpy_chpy.hpy0.so"))))
    d, e = build_chpy(args, "cpython")
    cols["cpython"].append(col("chpy-c", "C HPy cpy-ABI", "ext", "bench_chpy", d, e, d and ("ext", "piconumpy_chpy", d)))
    for which, py in (("cpython", args.cpython), ("pypy", args.pypy)):
        d, e = build_capi(args, which, py)
        cols[which].append(col("capi", "C API" + (" (cpyext)" if which == "pypy" else ""), "ext", "bench_capi", d, e,
                               d and ("ext", "piconumpy_capi", d)))
    for which, py in (("cpython", args.cpython), ("pypy", args.pypy)):
        d, e = build_pyo3(args, which, py)
        cols[which].append(col("pyo3", "PyO3" + (" (cpyext)" if which == "pypy" else ""), "ext", "bench_pyo3", d, e,
                               d and ("ext", "bench_pyo3", d)))
    pure = os.path.join(BENCH, "pure")
    for i in cols:
        cols[i].append(col("pure", "pure Python", "pure", "bench_pure", pure, None, ("pure", "piconumpy_pure", pure)))
    return cols


def build_stats(args):
    """Clean release builds of examples/hello (hpy-rs) and pyo3_hello/ (PyO3), each in a fresh
    CARGO_TARGET_DIR, --build-repeat times, alternating (the machine may be shared: the best
    time is reported): [(label, [seconds...], stripped bytes, unstripped bytes, error)]."""
    d = os.path.join(BUILD, "build-stats")
    os.makedirs(d, exist_ok=True)
    jobs = [
        ("hpy-rs `examples/hello` (universal `.hpy0.so`)", REPO, ["-p", "hello"], "libhello.so", {}),
        ("PyO3 `bench/pyo3_hello` (CPython 3.11 build)", os.path.join(BENCH, "pyo3_hello"), [], "libhello_pyo3.so",
         {"PYO3_PYTHON": args.cpython}),
    ]
    res = {label: {"times": [], "size": None, "raw": None, "error": None} for label, *_ in jobs}
    for _ in range(max(1, args.build_repeat)):
        for label, cwd, extra, lib, env_extra in jobs:
            r = res[label]
            if r["error"]:
                continue
            target = os.path.join(d, lib.replace(".so", "-target"))
            shutil.rmtree(target, ignore_errors=True)
            env = dict(os.environ, CARGO_TARGET_DIR=target, **env_extra)
            env.pop("PYO3_CONFIG_FILE", None)
            t0 = time.time()
            err = run(["cargo", "build", "--release", "--offline", *extra], cwd=cwd, env=env,
                      label=f"clean build: {label}")
            secs = time.time() - t0
            if err:
                r["error"] = err
                continue
            r["times"].append(secs)
            so = os.path.join(target, "release", lib)
            stripped = os.path.join(d, lib.replace(".so", ".stripped.so"))
            p = subprocess.run(["strip", "--strip-all", "-o", stripped, so], capture_output=True, text=True)
            if p.returncode != 0:
                r["error"] = "strip failed: " + p.stderr.strip()
            else:
                r["size"], r["raw"] = os.path.getsize(stripped), os.path.getsize(so)
            shutil.rmtree(target, ignore_errors=True)  # keep the disk use of the run small
    return [(label, r["times"], r["size"], r["raw"], r["error"]) for label, r in res.items()]


def build_report(stats):
    lines = ["### Build: clean release build and binary size\n",
             "`cargo build --release --offline` (lto = \"fat\", codegen-units = 1, as in the workspace) in an "
             "empty `CARGO_TARGET_DIR`, dependencies included; best of the runs (all runs in brackets); "
             "size after `strip --strip-all`.\n",
             "| crate | clean build | stripped `.so` | unstripped |", "|---|---:|---:|---:|"]
    for label, times, size, raw, err in stats:
        if err or not times:
            lines.append(f"| {label} | — | — | — |")
        else:
            runs = ", ".join(f"{t:.1f}" for t in times)
            lines.append(f"| {label} | {min(times):.1f} s ({runs}) | {size:,} B ({size / 1024:.0f} KiB) | {raw:,} B |")
    lines.append("")
    for label, _, _, _, err in stats:
        if err:
            lines.append(f"- {label}: `{last_line(err)}`")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- workers


class Worker:
    def __init__(self, interp, py, col, opts):
        self.interp = interp
        self.col_id, self.label = col["id"], col["label"]
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)
        env.pop("HPY", None)
        cmd = [py, os.path.join(BENCH, "worker.py"), "--kind", col["kind"], "--name", col["name"],
               "--path", col["path"], "--target-ms", str(opts.target_ms),
               "--warmup-s", str(opts.warmup[interp]), "--repeat", str(opts.repeat)]
        if col["pn"]:
            cmd += ["--pn-kind", col["pn"][0], "--pn-name", col["pn"][1], "--pn-path", col["pn"][2]]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=env)
        self.hello = self._read()
        self.results = {}

    def _read(self):
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line:
            err = self.proc.stderr.read()
            return {"error": f"worker exited (rc={self.proc.wait()}): {err.strip()[-2000:]}"}
        return json.loads(line)

    def round(self):
        self.proc.stdin.write("round\n")
        self.proc.stdin.flush()
        r = self._read()
        if "ns" not in r:
            raise RuntimeError(f"{self.interp}/{self.label}: {r}")
        for k, v in r["ns"].items():
            self.results.setdefault(k, []).append(v)

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
            except BrokenPipeError:
                pass
            self.proc.wait(timeout=30)


def bench_interp(interp, py, cols, opts):
    log(f"{interp}: starting {len(cols)} workers (warm-up {opts.warmup[interp]} s/row, "
        f"{opts.target_ms} ms/measurement)")
    workers, problems = [], {}
    # A PyPy process's JIT settles into one of several speeds for the allocation-heavy rows
    # (run-to-run spread up to ~30% while rounds within a process agree to ~3%), so each
    # column runs in several processes there and the best round of any of them counts.
    procs = [col for col in cols for _ in range(opts.processes[interp])]
    for col in procs:
        if col["path"] is None:
            if col["id"] not in problems:
                problems[col["id"]] = f"build failed:\n{col['error']}"
                log(f"  {col['label']}: build failed, column skipped")
            continue
        t0 = time.time()
        w = Worker(interp, py, col, opts)
        if "error" in w.hello:
            problems[col["id"]] = w.hello["error"]
            log(f"  {col['label']}: {w.hello['error'].strip().splitlines()[-1]}")
            w.close()
            continue
        for k, why in w.hello["skipped"].items():
            if "missing" not in why:  # a wrong result or an exception: worth a loud note
                log(f"  {col['label']}: row {k} skipped: {why}")
        log(f"  {col['label']}: ready ({time.time() - t0:.1f} s)")
        workers.append(w)
    rounds = -(-opts.rounds // opts.processes[interp])  # the same total rounds per column
    for r in range(rounds):
        order = workers[r % len(workers):] + workers[: r % len(workers)] if workers else []
        for w in order:
            try:
                w.round()
            except (OSError, RuntimeError, ValueError) as e:
                # A worker that dies (crash, OOM kill) loses its column, not the whole run.
                problems[w.col_id] = f"worker failed in round {r + 1}: {e}"
                log(f"  {w.label}: {problems[w.col_id]}")
                workers.remove(w)
                w.proc.kill()
        log(f"{interp}: round {r + 1}/{rounds} done")
    for w in workers:
        w.close()
    # One result set per column: the rounds of all its processes.
    merged = {}
    for w in workers:
        if w.col_id in merged:
            for k, v in w.results.items():
                merged[w.col_id].results.setdefault(k, []).extend(v)
        else:
            merged[w.col_id] = w
    return list(merged.values()), problems


# ------------------------------------------------------------------------------ report


def fmt_ns(v):
    if v >= 10000:
        return f"{v / 1000:.1f} µs"
    if v >= 100:
        return f"{v:.0f} ns"
    return f"{v:.1f} ns"


def last_line(text):
    """The most telling line of an error output: the first `error...` line, else the last."""
    lines = [l.strip() for l in text.strip().splitlines() if l.strip()]
    errs = [l for l in lines if l.lower().startswith("error") and "could not compile" not in l]
    return (errs or lines or ["?"])[0 if errs else -1][:300]


def report(interp, version, workers, problems, cols, opts):
    lines = []
    ids = [c["id"] for c in cols]
    labels = {c["id"]: c["label"] for c in cols}
    by_id = {w.col_id: w for w in workers}
    best = {w.col_id: {k: min(v) for k, v in w.results.items()} for w in workers}
    spread = {w.col_id: {k: (median(v) / min(v) - 1, max(v) / min(v) - 1) for k, v in w.results.items()}
              for w in workers}
    base = best.get(BASELINE, {})
    notes = []  # why a cell shows "—"
    lines.append(f"### {version}\n")
    per = opts.processes[interp]
    how = f"{opts.rounds} rounds" if per == 1 else f"{opts.rounds} rounds in {per} processes per column"
    lines.append("Best of %s, time per call (ratio to C HPy universal on %s)\n" % (how, interp))
    lines.append("| row | " + " | ".join(labels[i] for i in ids) + " |")
    lines.append("|---|" + "---:|" * len(ids))
    for key, label in ROW_LABELS:
        cells = []
        for i in ids:
            v = best.get(i, {}).get(key)
            if v is None:
                cells.append("—")
                if i in by_id and key not in EXTRA_ROWS:
                    why = by_id[i].hello["skipped"].get(key)
                    if why:
                        notes.append(f"- {labels[i]}, {label}: {why}")
                continue
            b = base.get(key)
            cells.append(f"{fmt_ns(v)} ({v / b:.2f}×)" if b and key != "empty_loop" else fmt_ns(v))
        if all(c == "—" for c in cells) and key in EXTRA_ROWS:
            continue
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("")
    for i, why in problems.items():
        lines.append(f"- **{labels[i]}**: column not measured: `{last_line(why)}`")
    lines.extend(notes)
    if problems or notes:
        lines.append("")
    lines.append("Noise between rounds: median / best − 1 (slowest / best − 1)\n")
    lines.append("| row | " + " | ".join(labels[i] for i in ids) + " |")
    lines.append("|---|" + "---:|" * len(ids))
    for key, label in ROW_LABELS:
        cells = []
        for i in ids:
            s = spread.get(i, {}).get(key)
            cells.append("—" if s is None else f"{s[0] * 100:.0f}% ({s[1] * 100:.0f}%)")
        if all(c == "—" for c in cells):
            continue
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)


def summary(raw, stats):
    """The condensed table of the top-level README: main rows, both interpreters, the compiled
    columns only (ns per call; ratio to C HPy universal in brackets)."""
    cols = [("hpyrs", "hpy-rs"), ("chpy-u", "C HPy"), ("capi", "C API"), ("pyo3", "PyO3")]
    interps = [i for i in ("cpython", "pypy") if i in raw]
    names = {"cpython": "CPython", "pypy": "PyPy"}
    head = [f"{names[i]} {label}" for i in interps for _, label in cols]
    lines = ["| row | " + " | ".join(head) + " |", "|---|" + "---:|" * len(head)]
    for key, label in ROW_LABELS:
        if key in EXTRA_ROWS or key == "empty_loop":
            continue
        cells = []
        for i in interps:
            c = raw[i]["columns"]
            base = min(c[BASELINE]["rounds"][key]) if key in c.get(BASELINE, {}).get("rounds", {}) else None
            for cid, _ in cols:
                r = c.get(cid, {}).get("rounds", {}).get(key)
                if not r:
                    cells.append("—")
                elif cid == BASELINE or not base:
                    cells.append(fmt_ns(min(r)))
                else:
                    cells.append(f"{fmt_ns(min(r))} ({min(r) / base:.2f}×)")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n" if interps else ""
    if stats:
        text += "\n| clean release build | time | stripped `.so` |\n|---|---:|---:|\n"
        for label, times, size, _, err in stats:
            text += (f"| {label} | — | — |\n" if err or not times else
                     f"| {label} | {min(times):.1f} s | {size / 1024:.0f} KiB |\n")
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="3 rounds, short measurements (~40 s after the builds)")
    ap.add_argument("--rounds", type=int, help="rounds per column (default 9; --quick 3)")
    ap.add_argument("--target-ms", type=float, help="time per row per round (default 45; --quick 12)")
    ap.add_argument("--processes", type=int,
                    help="worker processes per column on PyPy (default 3; --quick 1; CPython always 1)")
    ap.add_argument("--repeat", type=int, default=3, help="back-to-back samples per row per round, best kept (default 3)")
    ap.add_argument("--only", choices=["cpython", "pypy", "build"],
                    help="one interpreter only; `build`: only the --build-stats section, no timing")
    ap.add_argument("--build-stats", action="store_true",
                    help="also time clean release builds of examples/hello and pyo3_hello/ and report "
                         "stripped .so sizes (~1 min per repeat on 2 cores)")
    ap.add_argument("--build-repeat", type=int, default=2, help="clean builds per crate for --build-stats (default 2)")
    ap.add_argument("--columns", help="comma-separated column ids: hpyrs,chpy-u,chpy-c,capi,pyo3,pure")
    ap.add_argument("--hpyrs-so", help="use this prebuilt hpyrs_bench .so instead of building examples/bench")
    ap.add_argument("--json", default=os.path.join(BUILD, "results.json"), help="raw results (default bench/_build/results.json)")
    ap.add_argument("--out", default=os.path.join(BUILD, "results.md"), help="markdown report (default bench/_build/results.md)")
    ap.add_argument("--summary", default=os.path.join(BUILD, "summary.md"),
                    help="condensed table for the top-level README (default bench/_build/summary.md)")
    opts = ap.parse_args()
    opts.rounds = opts.rounds or (3 if opts.quick else 9)
    opts.target_ms = opts.target_ms or (12.0 if opts.quick else 45.0)
    opts.warmup = {"cpython": 0.05 if opts.quick else 0.1, "pypy": 0.3 if opts.quick else 0.6}
    n_pypy = opts.processes or (1 if opts.quick else 3)
    opts.processes = {"cpython": 1, "pypy": n_pypy}
    opts.cpython = os.environ.get("HPYRS_CPYTHON")
    opts.pypy = os.environ.get("HPYRS_PYPY")
    if not opts.cpython or not opts.pypy:
        sys.exit("HPYRS_CPYTHON / HPYRS_PYPY are not set: source .runtimes/env.sh (bench/run.sh does)")

    t_start = time.time()
    os.makedirs(BUILD, exist_ok=True)
    stats = build_stats(opts) if opts.build_stats or opts.only == "build" else None
    cols = build_all(opts) if opts.only != "build" else {"cpython": [], "pypy": []}
    if opts.columns:
        keep = set(opts.columns.split(","))
        cols = {i: [c for c in cs if c["id"] in keep] for i, cs in cols.items()}
    t_built = time.time()

    sections, raw = [], {}
    for interp, py in (("cpython", opts.cpython), ("pypy", opts.pypy)):
        if opts.only and opts.only != interp:
            continue
        version = subprocess.check_output(
            [py, "-c", "import sys, platform; v = platform.python_implementation() + ' ' + platform.python_version();"
             "v += (' (PyPy %d.%d.%d)' % sys.pypy_version_info[:3]) if hasattr(sys, 'pypy_version_info') else '';"
             "import hpy.universal as hu; print(v + ', hpy ' + hu.get_version()[0])"], text=True).strip()
        workers, problems = bench_interp(interp, py, cols[interp], opts)
        sections.append(report(interp, version, workers, problems, cols[interp], opts))
        raw[interp] = {
            "version": version,
            "columns": {w.col_id: {"label": w.label, "rounds": w.results, "info": w.hello["info"],
                                   "skipped": w.hello["skipped"]} for w in workers},
            "problems": problems,
        }

    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    load = ""
    try:
        load = ", load average %.1f at the start" % os.getloadavg()[0]
    except OSError:
        pass
    head = (f"## hpy-rs benchmark ({datetime.date.today()}, {cpu or platform.machine()}, {os.cpu_count()} CPUs"
            + (f"{load}, {opts.rounds} rounds × {opts.target_ms:g} ms per row{', --quick' if opts.quick else ''})\n"
               if sections else f"{load})\n"))
    text = head + "\n" + "\n".join(sections)
    if sections:
        text += (f"\nBuild {t_built - t_start:.0f} s, measurement {time.time() - t_built:.0f} s. "
                 "Cells include the timing loop (see its row). `—`: not measured, for the reason listed "
                 "under the table; the *extra* rows exist only where a column defines them.\n")
    if stats is not None:
        text += "\n" + build_report(stats)
        raw["build"] = [{"crate": l, "seconds": t, "stripped_bytes": b, "bytes": r, "error": e}
                        for l, t, b, r, e in stats]
    print(text)
    with open(opts.out, "w") as f:
        f.write(text)
    with open(opts.json, "w") as f:
        json.dump(raw, f, indent=1)
    with open(opts.summary, "w") as f:
        f.write(summary({k: v for k, v in raw.items() if k != "build"}, stats))
    log(f"wrote {os.path.relpath(opts.out)}, {os.path.relpath(opts.json)} and {os.path.relpath(opts.summary)}")


if __name__ == "__main__":
    main()
