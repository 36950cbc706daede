/* The benchmark API (bench/README.md) hand-written in C against HPy 0.9.
 *
 * Built twice by bench/run.py with hpy.devel: in the universal ABI (bench_chpy.hpy0.so, loaded
 * with hpy.universal.load on CPython and PyPy) and in HPy's CPython ABI
 * (bench_chpy.cpython-311-*.so, a plain CPython extension). Written the way a performance-minded
 * HPy author would: the cheapest calling convention per function, manual argument checks where
 * that is simple, HPyArg_ParseKeywords for the keyword case. Only context slots < 244 are used,
 * so one binary works with both runtimes' context layouts (/work/shared/hpy-abi.md section 0). */
#include <math.h>
#include <stdint.h>
#include <stddef.h>
#include "hpy.h"

/* ------------------------------------------------------------------ functions */

HPyDef_METH(noop, "noop", HPyFunc_NOARGS, .doc = "Do nothing, return None.")
static HPy noop_impl(HPyContext *ctx, HPy self)
{
    return HPy_Dup(ctx, ctx->h_None);
}

static HPy add_checked(HPyContext *ctx, int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r)) {
        HPyErr_SetString(ctx, ctx->h_OverflowError, "result does not fit in a 64-bit integer");
        return HPy_NULL;
    }
    return HPyLong_FromInt64_t(ctx, r);
}

HPyDef_METH(add_ints, "add_ints", HPyFunc_VARARGS, .doc = "a + b for 64-bit integers.")
static HPy add_ints_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "add_ints() takes exactly 2 arguments");
        return HPy_NULL;
    }
    int64_t a = HPyLong_AsInt64_t(ctx, args[0]);
    if (a == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    int64_t b = HPyLong_AsInt64_t(ctx, args[1]);
    if (b == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    return add_checked(ctx, a, b);
}

HPyDef_METH(add_kw, "add_kw", HPyFunc_KEYWORDS, .doc = "a + b, b optional (default 0).")
static HPy add_kw_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    static const char *kwlist[] = {"a", "b", NULL};
    long long a, b = 0;
    if (!HPyArg_ParseKeywords(ctx, NULL, args, nargs, kwnames, "L|L:add_kw", kwlist, &a, &b))
        return HPy_NULL;
    return add_checked(ctx, (int64_t)a, (int64_t)b);
}

HPyDef_METH(varargs, "varargs", HPyFunc_VARARGS, .doc = "len(args).")
static HPy varargs_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    return HPyLong_FromSize_t(ctx, nargs);
}

HPyDef_METH(make_tuple, "make_tuple", HPyFunc_VARARGS, .doc = "The tuple (a, b, c).")
static HPy make_tuple_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    if (nargs != 3) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "make_tuple() takes exactly 3 arguments");
        return HPy_NULL;
    }
    return HPyTuple_FromArray(ctx, (HPy *)args, 3);
}

HPyDef_METH(sum_list, "sum_list", HPyFunc_O, .doc = "The sum of a list of floats.")
static HPy sum_list_impl(HPyContext *ctx, HPy self, HPy lst)
{
    HPy_ssize_t n = HPy_Length(ctx, lst);
    if (n < 0)
        return HPy_NULL;
    double total = 0.0;
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy item = HPy_GetItem_i(ctx, lst, i);
        if (HPy_IsNull(item))
            return HPy_NULL;
        double v = HPyFloat_AsDouble(ctx, item);
        HPy_Close(ctx, item);
        if (v == -1.0 && HPyErr_Occurred(ctx))
            return HPy_NULL;
        total += v;
    }
    return HPyFloat_FromDouble(ctx, total);
}

/* ---------------------------------------------------------------------- Point */

typedef struct {
    double x;
    double y;
} PointObject;

HPyType_HELPERS(PointObject)

HPyDef_MEMBER(Point_x, "x", HPyMember_DOUBLE, offsetof(PointObject, x))
HPyDef_MEMBER(Point_y, "y", HPyMember_DOUBLE, offsetof(PointObject, y))

HPyDef_SLOT(Point_new, HPy_tp_new)
static HPy Point_new_impl(HPyContext *ctx, HPy cls, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    /* Positional only. `kw` is a dict on CPython and a tuple of names (or NULL) on PyPy
       (hpy-abi.md section 14); either way it must be empty. */
    if (!HPy_IsNull(kw) && HPy_Length(ctx, kw) != 0) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "Point() takes no keyword arguments");
        return HPy_NULL;
    }
    double x, y;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "dd:Point", &x, &y))
        return HPy_NULL;
    PointObject *p;
    HPy h = HPy_New(ctx, cls, &p);
    if (HPy_IsNull(h))
        return HPy_NULL;
    p->x = x;
    p->y = y;
    return h;
}

HPyDef_METH(Point_norm, "norm", HPyFunc_NOARGS, .doc = "sqrt(x*x + y*y).")
static HPy Point_norm_impl(HPyContext *ctx, HPy self)
{
    PointObject *p = PointObject_AsStruct(ctx, self);
    return HPyFloat_FromDouble(ctx, sqrt(p->x * p->x + p->y * p->y));
}

static HPyDef *Point_defines[] = {&Point_x, &Point_y, &Point_new, &Point_norm, NULL};

static HPyType_Spec Point_spec = {
    .name = "bench_chpy.Point",
    .basicsize = sizeof(PointObject),
    .builtin_shape = HPyType_BuiltinShape_Object,
    .flags = HPy_TPFLAGS_DEFAULT,
    .defines = Point_defines,
};

/* --------------------------------------------------------------------- module */

HPyDef_SLOT(mod_exec, HPy_mod_exec)
static int mod_exec_impl(HPyContext *ctx, HPy m)
{
    if (!HPyHelpers_AddType(ctx, m, "Point", &Point_spec, NULL))
        return -1;
    return 0;
}

static HPyDef *module_defines[] = {
    &noop, &add_ints, &add_kw, &varargs, &make_tuple, &sum_list, &mod_exec, NULL,
};

static HPyModuleDef moduledef = {
    .doc = "The bench/ API in C against HPy.",
    .size = 0,
    .defines = module_defines,
};

HPy_MODINIT(bench_chpy, moduledef)
