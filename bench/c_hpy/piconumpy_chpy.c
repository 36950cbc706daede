/* piconumpy (the examples/piconumpy API) hand-written in C against HPy 0.9.
 *
 * Built twice by bench/run.py with hpy.devel, like bench_chpy.c: universal ABI
 * (piconumpy_chpy.hpy0.so, CPython and PyPy) and HPy's CPython ABI (CPython only).
 *
 * `array(list)` is a one-dimensional array of doubles: `size`, `tolist()`, `len()`, `a[i]` and
 * `a[i] = v` (negative indices allowed), `a * n`, `n * a`, `a / n` (n an int or a float),
 * `a + b` (same size), and the module functions `empty(n)` / `zeros(n)`. The payload owns a
 * malloc'ed buffer, freed in HPy_tp_destroy (HPy 0.9 has no variable-size allocation).
 *
 * Reflected operators: on CPython the nb_multiply slot is called for both `a * n` and `n * a`
 * and handles both operand orders. PyPy 7.3.19 does not dispatch reflected number slots of HPy
 * types (/work/shared/hpy-abi.md section 11), so `__rmul__` is also defined as an ordinary
 * method, which CPython ignores for dispatch. This mirrors what hpy-rs generates.
 * Only context slots < 244 are used (one binary for both runtimes' context layouts). */
#include <stdlib.h>
#include <string.h>
#include "hpy.h"

typedef struct {
    HPy_ssize_t size;
    double *data;
} ArrayObject;

HPyType_HELPERS(ArrayObject)

static HPyGlobal ArrayType;

/* A new array of n uninitialised doubles; *out receives its payload. */
static HPy new_array(HPyContext *ctx, HPy_ssize_t n, ArrayObject **out)
{
    HPy type = HPyGlobal_Load(ctx, ArrayType);
    ArrayObject *a;
    HPy h = HPy_New(ctx, type, &a);
    HPy_Close(ctx, type);
    if (HPy_IsNull(h))
        return HPy_NULL;
    a->data = malloc((n > 0 ? n : 1) * sizeof(double));
    if (a->data == NULL) {
        HPy_Close(ctx, h);
        return HPyErr_NoMemory(ctx);
    }
    a->size = n;
    *out = a;
    return h;
}

HPyDef_SLOT(Array_destroy, HPy_tp_destroy)
static void Array_destroy_impl(void *obj)
{
    free(((ArrayObject *)obj)->data);
}

HPyDef_SLOT(Array_new, HPy_tp_new)
static HPy Array_new_impl(HPyContext *ctx, HPy cls, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    /* `kw` is a dict on CPython and a tuple of names (or NULL) on PyPy (hpy-abi.md 14). */
    if (nargs != 1 || (!HPy_IsNull(kw) && HPy_Length(ctx, kw) != 0)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "array() takes exactly one positional argument");
        return HPy_NULL;
    }
    HPy data = args[0];
    if (!HPyList_Check(ctx, data)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "parameter must be a list");
        return HPy_NULL;
    }
    HPy_ssize_t n = HPy_Length(ctx, data);
    if (n < 0)
        return HPy_NULL;
    ArrayObject *a;
    HPy h = HPy_New(ctx, cls, &a);
    if (HPy_IsNull(h))
        return HPy_NULL;
    a->data = malloc((n > 0 ? n : 1) * sizeof(double));
    if (a->data == NULL) {
        HPy_Close(ctx, h);
        return HPyErr_NoMemory(ctx);
    }
    a->size = n;
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy item = HPy_GetItem_i(ctx, data, i);
        if (HPy_IsNull(item)) {
            HPy_Close(ctx, h);
            return HPy_NULL;
        }
        double v = HPyFloat_AsDouble(ctx, item);
        HPy_Close(ctx, item);
        if (v == -1.0 && HPyErr_Occurred(ctx)) {
            HPy_Close(ctx, h);
            return HPy_NULL;
        }
        a->data[i] = v;
    }
    return h;
}

HPyDef_MEMBER(Array_size, "size", HPyMember_HPYSSIZET, offsetof(ArrayObject, size), .readonly = 1,
              .doc = "The number of elements.")

HPyDef_METH(Array_tolist, "tolist", HPyFunc_NOARGS, .doc = "A new list of the elements.")
static HPy Array_tolist_impl(HPyContext *ctx, HPy self)
{
    ArrayObject *a = ArrayObject_AsStruct(ctx, self);
    HPyListBuilder b = HPyListBuilder_New(ctx, a->size);
    for (HPy_ssize_t i = 0; i < a->size; i++) {
        HPy item = HPyFloat_FromDouble(ctx, a->data[i]);
        if (HPy_IsNull(item)) {
            HPyListBuilder_Cancel(ctx, b);
            return HPy_NULL;
        }
        HPyListBuilder_Set(ctx, b, i, item);
        HPy_Close(ctx, item);
    }
    return HPyListBuilder_Build(ctx, b);
}

HPyDef_SLOT(Array_len, HPy_sq_length)
static HPy_ssize_t Array_len_impl(HPyContext *ctx, HPy self)
{
    return ArrayObject_AsStruct(ctx, self)->size;
}

/* Both runtimes add len() to a negative index before calling sq_item/sq_ass_item (the
   sequence protocol), so only the range is checked here. */
static int check_index(HPyContext *ctx, ArrayObject *a, HPy_ssize_t i)
{
    if (i < 0 || i >= a->size) {
        HPyErr_SetString(ctx, ctx->h_IndexError, "index out of range");
        return -1;
    }
    return 0;
}

HPyDef_SLOT(Array_item, HPy_sq_item)
static HPy Array_item_impl(HPyContext *ctx, HPy self, HPy_ssize_t i)
{
    ArrayObject *a = ArrayObject_AsStruct(ctx, self);
    if (check_index(ctx, a, i) < 0)
        return HPy_NULL;
    return HPyFloat_FromDouble(ctx, a->data[i]);
}

HPyDef_SLOT(Array_ass_item, HPy_sq_ass_item)
static int Array_ass_item_impl(HPyContext *ctx, HPy self, HPy_ssize_t i, HPy value)
{
    if (HPy_IsNull(value)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "'array' object does not support item deletion");
        return -1;
    }
    ArrayObject *a = ArrayObject_AsStruct(ctx, self);
    if (check_index(ctx, a, i) < 0)
        return -1;
    double v = HPyFloat_AsDouble(ctx, value);
    if (v == -1.0 && HPyErr_Occurred(ctx))
        return -1;
    a->data[i] = v;
    return 0;
}

static int is_array(HPyContext *ctx, HPy h)
{
    HPy type = HPyGlobal_Load(ctx, ArrayType);
    int r = HPy_TypeCheck(ctx, h, type);
    HPy_Close(ctx, type);
    return r;
}

/* An int or float operand as a double: 1, 0 (not a number: NotImplemented) or -1 (error). */
static int as_number(HPyContext *ctx, HPy h, double *out)
{
    if (!HPy_TypeCheck(ctx, h, ctx->h_FloatType) && !HPy_TypeCheck(ctx, h, ctx->h_LongType))
        return 0;
    *out = HPyFloat_AsDouble(ctx, h);
    if (*out == -1.0 && HPyErr_Occurred(ctx))
        return -1;
    return 1;
}

enum op { OP_MUL, OP_DIV };

/* array `op` number; NotImplemented when `num` is not an int or a float. */
static HPy scalar_op(HPyContext *ctx, HPy arr, HPy num, enum op op)
{
    double n;
    int r = as_number(ctx, num, &n);
    if (r < 0)
        return HPy_NULL;
    if (r == 0)
        return HPy_Dup(ctx, ctx->h_NotImplemented);
    ArrayObject *a = ArrayObject_AsStruct(ctx, arr), *out;
    HPy h = new_array(ctx, a->size, &out);
    if (HPy_IsNull(h))
        return HPy_NULL;
    if (op == OP_MUL)
        for (HPy_ssize_t i = 0; i < a->size; i++)
            out->data[i] = a->data[i] * n;
    else
        for (HPy_ssize_t i = 0; i < a->size; i++)
            out->data[i] = a->data[i] / n;
    return h;
}

HPyDef_SLOT(Array_multiply, HPy_nb_multiply)
static HPy Array_multiply_impl(HPyContext *ctx, HPy left, HPy right)
{
    /* Both orders reach this slot on CPython: a * n and n * a. */
    if (is_array(ctx, left))
        return scalar_op(ctx, left, right, OP_MUL);
    return scalar_op(ctx, right, left, OP_MUL);
}

HPyDef_METH(Array_rmul, "__rmul__", HPyFunc_O, .doc = "n * self (for PyPy, see the file comment).")
static HPy Array_rmul_impl(HPyContext *ctx, HPy self, HPy other)
{
    return scalar_op(ctx, self, other, OP_MUL);
}

HPyDef_SLOT(Array_divide, HPy_nb_true_divide)
static HPy Array_divide_impl(HPyContext *ctx, HPy left, HPy right)
{
    if (!is_array(ctx, left))  /* n / a is not supported */
        return HPy_Dup(ctx, ctx->h_NotImplemented);
    return scalar_op(ctx, left, right, OP_DIV);
}

HPyDef_SLOT(Array_add, HPy_nb_add)
static HPy Array_add_impl(HPyContext *ctx, HPy left, HPy right)
{
    if (!is_array(ctx, left) || !is_array(ctx, right))
        return HPy_Dup(ctx, ctx->h_NotImplemented);
    ArrayObject *a = ArrayObject_AsStruct(ctx, left), *b = ArrayObject_AsStruct(ctx, right), *out;
    if (a->size != b->size) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "arrays must have the same size");
        return HPy_NULL;
    }
    HPy h = new_array(ctx, a->size, &out);
    if (HPy_IsNull(h))
        return HPy_NULL;
    for (HPy_ssize_t i = 0; i < a->size; i++)
        out->data[i] = a->data[i] + b->data[i];
    return h;
}

static HPyDef *Array_defines[] = {
    &Array_new, &Array_destroy, &Array_size, &Array_tolist, &Array_len, &Array_item,
    &Array_ass_item, &Array_multiply, &Array_rmul, &Array_divide, &Array_add, NULL,
};

static HPyType_Spec Array_spec = {
    .name = "piconumpy_chpy.array",
    .basicsize = sizeof(ArrayObject),
    .builtin_shape = HPyType_BuiltinShape_Object,
    .flags = HPy_TPFLAGS_DEFAULT,
    .defines = Array_defines,
    .doc = "A one-dimensional array of floats.",
};

/* --------------------------------------------------------------------- module */

static HPy filled(HPyContext *ctx, HPy arg)
{
    HPy_ssize_t n = HPyLong_AsSsize_t(ctx, arg);
    if (n == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    if (n < 0) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "negative dimensions are not allowed");
        return HPy_NULL;
    }
    ArrayObject *a;
    HPy h = new_array(ctx, n, &a);
    if (!HPy_IsNull(h))
        memset(a->data, 0, n * sizeof(double));
    return h;
}

HPyDef_METH(empty, "empty", HPyFunc_O, .doc = "An array of n elements (zeros here).")
static HPy empty_impl(HPyContext *ctx, HPy self, HPy n)
{
    return filled(ctx, n);
}

HPyDef_METH(zeros, "zeros", HPyFunc_O, .doc = "An array of n zeros.")
static HPy zeros_impl(HPyContext *ctx, HPy self, HPy n)
{
    return filled(ctx, n);
}

HPyDef_SLOT(mod_exec, HPy_mod_exec)
static int mod_exec_impl(HPyContext *ctx, HPy m)
{
    HPy type = HPyType_FromSpec(ctx, &Array_spec, NULL);
    if (HPy_IsNull(type))
        return -1;
    HPyGlobal_Store(ctx, &ArrayType, type);
    int r = HPy_SetAttr_s(ctx, m, "array", type);
    HPy_Close(ctx, type);
    return r;
}

static HPyDef *module_defines[] = {&empty, &zeros, &mod_exec, NULL};
static HPyGlobal *module_globals[] = {&ArrayType, NULL};

static HPyModuleDef moduledef = {
    .doc = "piconumpy in C against HPy.",
    .size = 0,
    .defines = module_defines,
    .globals = module_globals,
};

HPy_MODINIT(piconumpy_chpy, moduledef)
