/* piconumpy (the examples/piconumpy API) as a plain CPython C-API extension.
 *
 * Built by bench/run.py for CPython and for PyPy (cpyext), like bench_capi.c. A static type
 * whose object owns a malloc'ed buffer of doubles: `size` (a read-only T_PYSSIZET member),
 * `tolist()`, len, a[i] and a[i] = v (mapping slots, see Array_subscript), and the number
 * slots `*`, `/`, `+`.
 * nb_multiply sees both operand orders (`a * n` and `n * a`); cpyext exposes it as both
 * `__mul__` and `__rmul__`, so no extra method is needed on PyPy. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    PyObject_HEAD
    Py_ssize_t size;
    double *data;
} ArrayObject;

static PyTypeObject ArrayType;

#define Array_Check(op) PyObject_TypeCheck(op, &ArrayType)

/* A new array of n uninitialised doubles. */
static ArrayObject *new_array(Py_ssize_t n)
{
    ArrayObject *a = (ArrayObject *)ArrayType.tp_alloc(&ArrayType, 0);
    if (a == NULL)
        return NULL;
    a->data = malloc((n > 0 ? n : 1) * sizeof(double));
    if (a->data == NULL) {
        Py_DECREF(a);
        return (ArrayObject *)PyErr_NoMemory();
    }
    a->size = n;
    return a;
}

static void Array_dealloc(ArrayObject *self)
{
    free(self->data);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Array_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    if (PyTuple_GET_SIZE(args) != 1 || (kwds && PyDict_GET_SIZE(kwds) != 0)) {
        PyErr_SetString(PyExc_TypeError, "array() takes exactly one positional argument");
        return NULL;
    }
    PyObject *data = PyTuple_GET_ITEM(args, 0);
    if (!PyList_Check(data)) {
        PyErr_SetString(PyExc_TypeError, "parameter must be a list");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(data);
    ArrayObject *a = new_array(n);
    if (a == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        double v = PyFloat_AsDouble(PyList_GET_ITEM(data, i));
        if (v == -1.0 && PyErr_Occurred()) {
            Py_DECREF(a);
            return NULL;
        }
        a->data[i] = v;
    }
    return (PyObject *)a;
}

static PyObject *Array_tolist(ArrayObject *self, PyObject *unused)
{
    PyObject *lst = PyList_New(self->size);
    if (lst == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < self->size; i++) {
        PyObject *item = PyFloat_FromDouble(self->data[i]);
        if (item == NULL) {
            Py_DECREF(lst);
            return NULL;
        }
        PyList_SET_ITEM(lst, i, item);
    }
    return lst;
}

static Py_ssize_t Array_len(ArrayObject *self)
{
    return self->size;
}

/* The key as an index into `a`, negative indices counting from the end; -1 on error. */
static Py_ssize_t get_index(ArrayObject *a, PyObject *key)
{
    Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
    if (i == -1 && PyErr_Occurred())
        return -1;
    if (i < 0)
        i += a->size;
    if (i < 0 || i >= a->size) {
        PyErr_SetString(PyExc_IndexError, "index out of range");
        return -1;
    }
    return i;
}

/* sq_item serves iteration; by then CPython has added len() to a negative index. */
static PyObject *Array_item(ArrayObject *self, Py_ssize_t i)
{
    if (i < 0 || i >= self->size) {
        PyErr_SetString(PyExc_IndexError, "index out of range");
        return NULL;
    }
    return PyFloat_FromDouble(self->data[i]);
}

/* a[key] and a[key] = v go through the mapping slots, which get the key unchanged: cpyext
   on PyPy 7.3.19 does not add len() to a negative index before calling sq_ass_item. */
static PyObject *Array_subscript(ArrayObject *self, PyObject *key)
{
    Py_ssize_t i = get_index(self, key);
    if (i < 0)
        return NULL;
    return PyFloat_FromDouble(self->data[i]);
}

static int Array_ass_subscript(ArrayObject *self, PyObject *key, PyObject *value)
{
    if (value == NULL) {
        PyErr_SetString(PyExc_TypeError, "'array' object does not support item deletion");
        return -1;
    }
    Py_ssize_t i = get_index(self, key);
    if (i < 0)
        return -1;
    double v = PyFloat_AsDouble(value);
    if (v == -1.0 && PyErr_Occurred())
        return -1;
    self->data[i] = v;
    return 0;
}

enum op { OP_MUL, OP_DIV };

/* array `op` number; NotImplemented when `num` is not an int or a float. */
static PyObject *scalar_op(ArrayObject *a, PyObject *num, enum op op)
{
    if (!PyFloat_Check(num) && !PyLong_Check(num))
        Py_RETURN_NOTIMPLEMENTED;
    double n = PyFloat_AsDouble(num);
    if (n == -1.0 && PyErr_Occurred())
        return NULL;
    ArrayObject *out = new_array(a->size);
    if (out == NULL)
        return NULL;
    if (op == OP_MUL)
        for (Py_ssize_t i = 0; i < a->size; i++)
            out->data[i] = a->data[i] * n;
    else
        for (Py_ssize_t i = 0; i < a->size; i++)
            out->data[i] = a->data[i] / n;
    return (PyObject *)out;
}

static PyObject *Array_multiply(PyObject *left, PyObject *right)
{
    if (Array_Check(left))
        return scalar_op((ArrayObject *)left, right, OP_MUL);
    return scalar_op((ArrayObject *)right, left, OP_MUL);
}

static PyObject *Array_divide(PyObject *left, PyObject *right)
{
    if (!Array_Check(left))  /* n / a is not supported */
        Py_RETURN_NOTIMPLEMENTED;
    return scalar_op((ArrayObject *)left, right, OP_DIV);
}

static PyObject *Array_add(PyObject *left, PyObject *right)
{
    if (!Array_Check(left) || !Array_Check(right))
        Py_RETURN_NOTIMPLEMENTED;
    ArrayObject *a = (ArrayObject *)left, *b = (ArrayObject *)right;
    if (a->size != b->size) {
        PyErr_SetString(PyExc_ValueError, "arrays must have the same size");
        return NULL;
    }
    ArrayObject *out = new_array(a->size);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < a->size; i++)
        out->data[i] = a->data[i] + b->data[i];
    return (PyObject *)out;
}

static PyMemberDef Array_members[] = {
    {"size", T_PYSSIZET, offsetof(ArrayObject, size), READONLY, "The number of elements."},
    {NULL},
};

static PyMethodDef Array_methods[] = {
    {"tolist", (PyCFunction)Array_tolist, METH_NOARGS, "A new list of the elements."},
    {NULL},
};

static PySequenceMethods Array_as_sequence = {
    .sq_length = (lenfunc)Array_len,
    .sq_item = (ssizeargfunc)Array_item,
};

static PyMappingMethods Array_as_mapping = {
    .mp_length = (lenfunc)Array_len,
    .mp_subscript = (binaryfunc)Array_subscript,
    .mp_ass_subscript = (objobjargproc)Array_ass_subscript,
};

static PyNumberMethods Array_as_number = {
    .nb_add = Array_add,
    .nb_multiply = Array_multiply,
    .nb_true_divide = Array_divide,
};

static PyTypeObject ArrayType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "piconumpy_capi.array",
    .tp_basicsize = sizeof(ArrayObject),
    .tp_dealloc = (destructor)Array_dealloc,
    .tp_as_number = &Array_as_number,
    .tp_as_sequence = &Array_as_sequence,
    .tp_as_mapping = &Array_as_mapping,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A one-dimensional array of floats.",
    .tp_methods = Array_methods,
    .tp_members = Array_members,
    .tp_new = Array_new,
};

/* --------------------------------------------------------------------- module */

static PyObject *filled(PyObject *arg)
{
    Py_ssize_t n = PyLong_AsSsize_t(arg);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    if (n < 0) {
        PyErr_SetString(PyExc_ValueError, "negative dimensions are not allowed");
        return NULL;
    }
    ArrayObject *a = new_array(n);
    if (a != NULL)
        memset(a->data, 0, n * sizeof(double));
    return (PyObject *)a;
}

static PyObject *empty(PyObject *self, PyObject *n)
{
    return filled(n);
}

static PyObject *zeros(PyObject *self, PyObject *n)
{
    return filled(n);
}

static PyMethodDef module_methods[] = {
    {"empty", empty, METH_O, "An array of n elements (zeros here)."},
    {"zeros", zeros, METH_O, "An array of n zeros."},
    {NULL},
};

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT, "piconumpy_capi", "piconumpy in the CPython C API.", -1, module_methods,
};

PyMODINIT_FUNC PyInit_piconumpy_capi(void)
{
    if (PyType_Ready(&ArrayType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&moduledef);
    if (m == NULL)
        return NULL;
    Py_INCREF(&ArrayType);
    if (PyModule_AddObject(m, "array", (PyObject *)&ArrayType) < 0) {
        Py_DECREF(&ArrayType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
