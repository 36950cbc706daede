/* The benchmark API (bench/README.md) as a plain CPython C-API extension.
 *
 * Built by bench/run.py for CPython and for PyPy (cpyext). Written the way a performance-minded
 * C-API author would: METH_NOARGS/METH_O/METH_FASTCALL with manual argument checks,
 * METH_FASTCALL|METH_KEYWORDS with a hand-written kwnames loop, a static type with PyMemberDef
 * T_DOUBLE members. Only public, limited-API-style calls that cpyext also provides. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <math.h>
#include <stdint.h>

/* ------------------------------------------------------------------ functions */

static PyObject *noop(PyObject *self, PyObject *unused)
{
    Py_RETURN_NONE;
}

static PyObject *add_checked(long long a, long long b)
{
    long long r;
    if (__builtin_add_overflow(a, b, &r)) {
        PyErr_SetString(PyExc_OverflowError, "result does not fit in a 64-bit integer");
        return NULL;
    }
    return PyLong_FromLongLong(r);
}

static PyObject *add_ints(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "add_ints() takes exactly 2 arguments");
        return NULL;
    }
    long long a = PyLong_AsLongLong(args[0]);
    if (a == -1 && PyErr_Occurred())
        return NULL;
    long long b = PyLong_AsLongLong(args[1]);
    if (b == -1 && PyErr_Occurred())
        return NULL;
    return add_checked(a, b);
}

static PyObject *add_kw(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    PyObject *oa = NULL, *ob = NULL;
    if (nargs > 2) {
        PyErr_SetString(PyExc_TypeError, "add_kw() takes at most 2 positional arguments");
        return NULL;
    }
    if (nargs > 0) oa = args[0];
    if (nargs > 1) ob = args[1];
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    for (Py_ssize_t i = 0; i < nkw; i++) {
        PyObject *name = PyTuple_GET_ITEM(kwnames, i);
        PyObject **slot;
        if (PyUnicode_CompareWithASCIIString(name, "b") == 0)
            slot = &ob;
        else if (PyUnicode_CompareWithASCIIString(name, "a") == 0)
            slot = &oa;
        else {
            PyErr_Format(PyExc_TypeError, "add_kw() got an unexpected keyword argument '%U'", name);
            return NULL;
        }
        if (*slot) {
            PyErr_Format(PyExc_TypeError, "add_kw() got multiple values for argument '%U'", name);
            return NULL;
        }
        *slot = args[nargs + i];
    }
    if (!oa) {
        PyErr_SetString(PyExc_TypeError, "add_kw() missing required argument 'a'");
        return NULL;
    }
    long long a = PyLong_AsLongLong(oa);
    if (a == -1 && PyErr_Occurred())
        return NULL;
    long long b = 0;
    if (ob) {
        b = PyLong_AsLongLong(ob);
        if (b == -1 && PyErr_Occurred())
            return NULL;
    }
    return add_checked(a, b);
}

static PyObject *varargs(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    return PyLong_FromSsize_t(nargs);
}

static PyObject *make_tuple(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "make_tuple() takes exactly 3 arguments");
        return NULL;
    }
    return PyTuple_Pack(3, args[0], args[1], args[2]);
}

static PyObject *sum_list(PyObject *self, PyObject *lst)
{
    if (!PyList_Check(lst)) {
        PyErr_SetString(PyExc_TypeError, "sum_list() argument must be a list");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(lst);
    double total = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        double v = PyFloat_AsDouble(PyList_GET_ITEM(lst, i));
        if (v == -1.0 && PyErr_Occurred())
            return NULL;
        total += v;
    }
    return PyFloat_FromDouble(total);
}

/* ---------------------------------------------------------------------- Point */

typedef struct {
    PyObject_HEAD
    double x;
    double y;
} PointObject;

static PyObject *Point_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    if (kwds && PyDict_GET_SIZE(kwds) != 0) {
        PyErr_SetString(PyExc_TypeError, "Point() takes no keyword arguments");
        return NULL;
    }
    double x, y;
    if (!PyArg_ParseTuple(args, "dd:Point", &x, &y))
        return NULL;
    PointObject *p = (PointObject *)type->tp_alloc(type, 0);
    if (!p)
        return NULL;
    p->x = x;
    p->y = y;
    return (PyObject *)p;
}

static PyObject *Point_norm(PyObject *self, PyObject *unused)
{
    PointObject *p = (PointObject *)self;
    return PyFloat_FromDouble(sqrt(p->x * p->x + p->y * p->y));
}

static PyMemberDef Point_members[] = {
    {"x", T_DOUBLE, offsetof(PointObject, x), 0, NULL},
    {"y", T_DOUBLE, offsetof(PointObject, y), 0, NULL},
    {NULL},
};

static PyMethodDef Point_methods[] = {
    {"norm", Point_norm, METH_NOARGS, "sqrt(x*x + y*y)."},
    {NULL},
};

static PyTypeObject PointType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "bench_capi.Point",
    .tp_basicsize = sizeof(PointObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = Point_new,
    .tp_members = Point_members,
    .tp_methods = Point_methods,
};

/* --------------------------------------------------------------------- module */

static PyMethodDef module_methods[] = {
    {"noop", noop, METH_NOARGS, "Do nothing, return None."},
    {"add_ints", (PyCFunction)(void (*)(void))add_ints, METH_FASTCALL, "a + b for 64-bit integers."},
    {"add_kw", (PyCFunction)(void (*)(void))add_kw, METH_FASTCALL | METH_KEYWORDS, "a + b, b optional."},
    {"varargs", (PyCFunction)(void (*)(void))varargs, METH_FASTCALL, "len(args)."},
    {"make_tuple", (PyCFunction)(void (*)(void))make_tuple, METH_FASTCALL, "The tuple (a, b, c)."},
    {"sum_list", sum_list, METH_O, "The sum of a list of floats."},
    {NULL},
};

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT, "bench_capi", "The bench/ API in the CPython C API.", -1, module_methods,
};

PyMODINIT_FUNC PyInit_bench_capi(void)
{
    if (PyType_Ready(&PointType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&moduledef);
    if (!m)
        return NULL;
    Py_INCREF(&PointType);
    if (PyModule_AddObject(m, "Point", (PyObject *)&PointType) < 0) {
        Py_DECREF(&PointType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
