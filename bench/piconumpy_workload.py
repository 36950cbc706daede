"""The piconumpy workload of bench/ (two rows), and a check of the piconumpy API.

Runs unchanged against every piconumpy implementation: examples/piconumpy (hpy-rs),
c_hpy/piconumpy_chpy.c, c_api/piconumpy_capi.c, the PyO3 one in pyo3/src/lib.rs and
pure/piconumpy_pure.py. Each provides `array(list)`, `.size`, `.tolist()`, `len()`,
`a[i]` / `a[i] = v` (negative indices), `a * n`, `n * a`, `a / n`, `a + b`, `empty(n)` and
`zeros(n)`.

Rows (each call advances a state that the next call starts from, so PyPy's JIT cannot drop
the work as dead code):

- `pn_rk4`: one Runge-Kutta-4 step of a particle moving without friction in the periodic
  potential -cos(x)cos(y). The state is a 4-float array (x, y, u, v); the derivative reads the
  four elements by index and builds a new array from a list, and the RK4 combination is array
  arithmetic: 4 `array(list)`, 16 `a[i]`, 16 binary operations (incl. `2 * k`) per step.
- `pn_ops`: elementwise arithmetic on 10-float arrays plus reads: `a * 2.0 + b`, `/ 3.0`,
  `0.5 * d + a`, `len`, ten `e[i]`, `tolist()`, `zeros(n)`, two `z[i] = v` and a final
  `e + z`.
"""
import math

N_OPS = 10
DT = 0.05


def rk4_init(pn):
    return pn.array([0.4, -0.3, 0.9, 0.6])


def make_rk4(pn):
    array = pn.array
    sin, cos = math.sin, math.cos

    def deriv(s):
        x = s[0]
        y = s[1]
        u = s[2]
        v = s[3]
        return array([u, v, -sin(x) * cos(y), -cos(x) * sin(y)])

    def step(s, dt=DT):
        k1 = deriv(s) * dt
        k2 = deriv(s + k1 / 2) * dt
        k3 = deriv(s + k2 / 2) * dt
        k4 = deriv(s + k3) * dt
        return s + (k1 + 2 * k2 + 2 * k3 + k4) / 6

    return step


def ops_init(pn):
    a = pn.array([0.1 * i + 1.0 for i in range(N_OPS)])
    b = pn.array([1.0 - 0.05 * i for i in range(N_OPS)])
    return a, b


def make_ops(pn):
    zeros = pn.zeros

    def ops(a, b):
        c = a * 2.0 + b
        d = c / 3.0
        e = 0.5 * d + a
        n = len(e)
        acc = 0.0
        for i in range(n):
            acc += e[i]
        top = max(e.tolist())
        z = zeros(n)
        z[0] = acc / n
        z[-1] = -top / n
        return e + z

    return ops


def reference(pn, steps=200):
    """Runs both rows `steps` times; returns the two final states as lists."""
    step = make_rk4(pn)
    s = rk4_init(pn)
    for _ in range(steps):
        s = step(s)
    ops = make_ops(pn)
    a, b = ops_init(pn)
    for _ in range(steps):
        b = ops(a, b)
    return s.tolist(), b.tolist()


def check_api(pn):
    """Checks the piconumpy API of module `pn`; returns a list of problems (empty: fine)."""
    bad = []

    def expect(cond, what):
        if not cond:
            bad.append(what)

    def raises(exc, f, what):
        try:
            f()
        except exc:
            return
        except Exception as e:  # noqa: BLE001 - reported, not swallowed
            bad.append(f"{what}: {type(e).__name__} instead of {exc.__name__}")
            return
        bad.append(f"{what}: no {exc.__name__}")

    try:
        a = pn.array([1, 2.5, 3.0])
        expect(a.size == 3 and len(a) == 3, "size/len")
        expect(a.tolist() == [1.0, 2.5, 3.0] and all(type(x) is float for x in a.tolist()), "tolist")
        expect(a[0] == 1.0 and a[-1] == 3.0 and a[-3] == 1.0, "getitem")
        raises(IndexError, lambda: a[3], "a[3]")
        raises(IndexError, lambda: a[-4], "a[-4]")
        a[1] = 5
        a[-1] = -1.0
        expect(a.tolist() == [1.0, 5.0, -1.0], "setitem")
        raises(IndexError, lambda: a.__setitem__(3, 1.0), "a[3] = v")
        raises(TypeError, lambda: pn.array((1.0, 2.0)), "array(tuple)")
        raises(TypeError, lambda: pn.array([1.0, "x"]), "array(['x'])")
        b = pn.array([1.0, 2.0, 4.0])
        expect((b * 2).tolist() == [2.0, 4.0, 8.0], "a * 2")
        expect((2 * b).tolist() == [2.0, 4.0, 8.0], "2 * a")
        expect((0.5 * b).tolist() == [0.5, 1.0, 2.0], "0.5 * a")
        expect((b / 2).tolist() == [0.5, 1.0, 2.0], "a / 2")
        expect((b + b).tolist() == [2.0, 4.0, 8.0], "a + b")
        expect(b.tolist() == [1.0, 2.0, 4.0], "operands unchanged")
        raises(ValueError, lambda: b + pn.array([1.0]), "size mismatch")
        raises(TypeError, lambda: b * "x", "a * 'x'")
        raises(TypeError, lambda: "x" * b, "'x' * a")
        raises(TypeError, lambda: b + 1, "a + 1")
        expect(pn.zeros(3).tolist() == [0.0] * 3 and pn.empty(4).size == 4, "zeros/empty")
        expect(pn.array([]).size == 0, "array([])")
    except Exception as e:  # noqa: BLE001 - reported as a problem
        bad.append(f"{type(e).__name__}: {e}")
    return bad
