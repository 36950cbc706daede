"""Checks one interpreter lane; run by scripts/setup-runtimes.sh inside each lane's venv.

    <venv python> scripts/check-runtime.py impl=cpython version=3.14. [debug=1] [hpy=0.9.0|none]
                                           [strict=0] [venv=0] imports="ssl sqlite3 ..."

  impl     sys.implementation.name
  version  CPython's version, or PyPy's own (sys.pypy_version_info); a value ending in "."
           is a prefix (any patch release), otherwise the exact version
  debug    1: a Py_DEBUG build (sys.gettotalrefcount), 0 or absent: not one
  hpy      the hpy.universal version prefix, or "none": there must be no _hpy_universal
  strict   0: a wrong version or missing headers only warn (the host's CPython)
  venv     0: do not require sys.prefix != sys.base_prefix (PyPy's pip --target fallback)
  imports  stdlib modules that must import

Also builds a tiny C extension with the compiler ($CC, else cc or gcc) against
sysconfig.get_paths()["include"] alone, imports it and calls into it. Prints one line per
check ("ok", "warn" or "FAIL") and exits 1 if any check failed. Works on CPython 3.8+ and PyPy.
"""
import importlib
import importlib.machinery
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile

PROBE_C = r"""
#include <Python.h>

static PyObject *probe_add(PyObject *self, PyObject *args) {
    long a, b;
    if (!PyArg_ParseTuple(args, "ll", &a, &b))
        return NULL;
    return PyLong_FromLong(a + b);
}

static PyMethodDef probe_methods[] = {
    {"add", probe_add, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef probe_def = {PyModuleDef_HEAD_INIT, "hpyrs_probe", NULL, -1, probe_methods};

PyMODINIT_FUNC PyInit_hpyrs_probe(void) {
    return PyModule_Create(&probe_def);
}
"""

failures = []


def report(cond, msg, strict=True):
    if cond:
        print("ok   " + msg)
    elif strict:
        print("FAIL " + msg)
        failures.append(msg)
    else:
        print("warn " + msg)


def check_version(exp):
    impl = sys.implementation.name
    report(impl == exp["impl"], "implementation is %s (want %s)" % (impl, exp["impl"]))
    info = sys.pypy_version_info if impl == "pypy" else sys.version_info
    ver = "%d.%d.%d" % tuple(info[:3])
    want = exp["version"]
    if want.endswith("."):
        good, shown = ver.startswith(want), want + "x"
    else:
        good, shown = ver == want, want
    report(good, "%s version %s (want %s)" % (impl, ver, shown), exp.get("strict") != "0")
    if impl == "cpython":
        debug = hasattr(sys, "gettotalrefcount")
        report(debug == (exp.get("debug") == "1"),
               "Py_DEBUG build: %s (sys.gettotalrefcount %s)" % (debug, "present" if debug else "absent"))
    report(sys.prefix != sys.base_prefix, "runs inside its venv (%s)" % sys.prefix,
           exp.get("venv") != "0")


def check_hpy(want):
    if want == "none":
        try:
            import _hpy_universal  # noqa: F401
        except ImportError:
            report(True, "no _hpy_universal (this PyPy has no HPy)")
        else:
            report(False, "_hpy_universal imports, but this interpreter should have none")
    elif want:
        try:
            import hpy.universal
            version = hpy.universal.get_version()[0]
        except Exception as e:  # any failure to load is the finding
            report(False, "import hpy.universal: %r" % (e,))
        else:
            report(version.startswith(want), "hpy.universal %s (want %s*)" % (version, want))


def check_imports(names):
    bad = []
    for name in names.split():
        try:
            importlib.import_module(name)
        except Exception as e:
            bad.append("%s (%s: %s)" % (name, type(e).__name__, e))
    report(not bad, "stdlib imports: " + (", ".join(bad) if bad else names))


def check_c_extension(strict):
    inc = sysconfig.get_paths()["include"]
    has_header = os.path.isfile(os.path.join(inc, "Python.h"))
    report(has_header, "Python.h in %s" % inc, strict)
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not has_header:
        return
    if not cc:
        print("warn no C compiler (cc, gcc or $CC): C extension build not checked")
        return
    tmp = tempfile.mkdtemp(prefix="hpyrs-probe-")
    try:
        src = os.path.join(tmp, "probe.c")
        with open(src, "w") as f:
            f.write(PROBE_C)
        so = os.path.join(tmp, "hpyrs_probe" + importlib.machinery.EXTENSION_SUFFIXES[0])
        cmd = cc.split() + ["-shared", "-fPIC", "-O0", "-I", inc, src, "-o", so]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True)
        if proc.returncode != 0:
            report(False, "C extension build: %s\n%s" % (" ".join(cmd), proc.stdout), strict)
            return
        spec = importlib.util.spec_from_file_location("hpyrs_probe", so)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        got = mod.add(40, 2)
        report(got == 42, "C extension built with -I %s alone, imported as %s, add(40, 2) = %r"
               % (inc, os.path.basename(so), got))
    except Exception as e:
        report(False, "C extension probe: %r" % (e,))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv):
    exp = dict(arg.split("=", 1) for arg in argv)
    check_version(exp)
    check_hpy(exp.get("hpy"))
    check_imports(exp.get("imports", ""))
    check_c_extension(exp.get("strict") != "0")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
